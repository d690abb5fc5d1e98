package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrInFlight is returned when the same delivery is still being answered by another request and
// did not finish within the caller's deadline.
var ErrInFlight = errors.New("bot: message is still being answered")

// store keeps per-user state in Redis. Every key of one user carries the hash tag {openid} so
// that the begin script touches one Redis Cluster slot.
type store struct {
	rdb    redis.UniversalClient
	prefix string

	dedupeTTL     time.Duration
	lockTTL       time.Duration
	sessionKeep   time.Duration
	transcriptTTL time.Duration
	transcriptLen int64
}

func (s *store) userKey(openID, suffix string) string {
	return s.prefix + "u:{" + openID + "}:" + suffix
}

// beginScript claims a delivery for processing, in one round trip: it returns the stored reply
// of a delivery seen before, or takes the user's lock, marks the delivery pending, counts it
// against the rate limit and returns the session.
var beginScript = redis.NewScript(`
local d = redis.call('GET', KEYS[1])
if d then return {'dup', d} end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'busy'} end
redis.call('SET', KEYS[1], '', 'EX', ARGV[3])
local n = redis.call('INCR', KEYS[4])
if n == 1 then redis.call('EXPIRE', KEYS[4], ARGV[4]) end
return {'new', redis.call('GET', KEYS[3]) or '', n}
`)

const unlockSrc = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

// claim is the outcome of begin.
type claim struct {
	dup     bool   // the delivery was seen before
	cached  *Reply // its reply, when already made (nil while still pending)
	busy    bool   // another message of this user holds the lock
	session []byte
	count   int64 // messages this minute, including this one
	token   string
}

func (s *store) begin(ctx context.Context, m Message, now time.Time) (claim, error) {
	window := now.Unix() / 60
	keys := []string{
		s.userKey(m.OpenID, "dd:"+m.DedupeKey()),
		s.userKey(m.OpenID, "lock"),
		s.userKey(m.OpenID, "sess"),
		s.userKey(m.OpenID, "rl:"+strconv.FormatInt(window, 10)),
	}
	token := newToken()
	v, err := beginScript.Run(ctx, s.rdb, keys, token, s.lockTTL.Milliseconds(), int(s.dedupeTTL.Seconds()), 61).Slice()
	if err != nil {
		return claim{}, fmt.Errorf("bot: begin: %w", err)
	}
	c := claim{token: token}
	switch v[0] {
	case "dup":
		c.dup = true
		if raw, _ := v[1].(string); raw != "" {
			var r Reply
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				return claim{}, fmt.Errorf("bot: cached reply: %w", err)
			}
			c.cached = &r
		}
	case "busy":
		c.busy = true
	default:
		raw, _ := v[1].(string)
		c.session = []byte(raw)
		c.count, _ = v[2].(int64)
	}
	return c, nil
}

// waitReply polls for the reply of a delivery that another request is answering.
func (s *store) waitReply(ctx context.Context, m Message) (Reply, error) {
	key := s.userKey(m.OpenID, "dd:"+m.DedupeKey())
	t := time.NewTicker(40 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return Reply{}, ErrInFlight
		case <-t.C:
		}
		raw, err := s.rdb.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			// The other request failed and released the claim: nothing cached.
			return Reply{}, ErrInFlight
		}
		if err != nil {
			return Reply{}, fmt.Errorf("bot: wait reply: %w", err)
		}
		if raw != "" {
			var r Reply
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				return Reply{}, fmt.Errorf("bot: cached reply: %w", err)
			}
			return r, nil
		}
	}
}

// Turn is one line of a user's masked transcript.
type Turn struct {
	Time time.Time `json:"t"`
	From string    `json:"from"` // "user" or "bot"
	Text string    `json:"text"`
}

// commit is everything a processed message writes, sent in one pipeline.
type commit struct {
	reply      Reply
	session    []byte // nil deletes the session
	turns      []Turn
	stats      []statIncr
	unknown    string // masked question nobody could answer
	unknownDay string
}

type statIncr struct {
	day, field string
}

func (s *store) commit(ctx context.Context, m Message, c claim, w commit) error {
	rb, err := json.Marshal(w.reply)
	if err != nil {
		return fmt.Errorf("bot: commit: %w", err)
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.userKey(m.OpenID, "dd:"+m.DedupeKey()), rb, s.dedupeTTL)
		if w.session == nil {
			p.Del(ctx, s.userKey(m.OpenID, "sess"))
		} else {
			p.Set(ctx, s.userKey(m.OpenID, "sess"), w.session, s.sessionKeep)
		}
		if len(w.turns) > 0 {
			tk := s.userKey(m.OpenID, "tr")
			vals := make([]any, 0, len(w.turns))
			for _, t := range w.turns {
				b, _ := json.Marshal(t)
				vals = append(vals, b)
			}
			p.LPush(ctx, tk, vals...)
			p.LTrim(ctx, tk, 0, s.transcriptLen-1)
			p.Expire(ctx, tk, s.transcriptTTL)
		}
		for _, st := range w.stats {
			k := s.prefix + "stats:" + st.day
			p.HIncrBy(ctx, k, st.field, 1)
			p.Expire(ctx, k, 400*24*time.Hour)
		}
		if w.unknown != "" {
			k := s.prefix + "unknown:" + w.unknownDay
			p.ZIncrBy(ctx, k, 1, w.unknown)
			p.Expire(ctx, k, 90*24*time.Hour)
		}
		p.Eval(ctx, unlockSrc, []string{s.userKey(m.OpenID, "lock")}, c.token)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: commit: %w", err)
	}
	return nil
}

// release gives up a claim without a reply, so a retry of the delivery is processed afresh.
func (s *store) release(ctx context.Context, m Message, c claim) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, s.userKey(m.OpenID, "dd:"+m.DedupeKey()))
		p.Eval(ctx, unlockSrc, []string{s.userKey(m.OpenID, "lock")}, c.token)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: release: %w", err)
	}
	return nil
}

// transcript returns the last n turns of a user, oldest first.
func (s *store) transcript(ctx context.Context, openID string, n int64) ([]Turn, error) {
	raw, err := s.rdb.LRange(ctx, s.userKey(openID, "tr"), 0, n-1).Result()
	if err != nil {
		return nil, fmt.Errorf("bot: transcript: %w", err)
	}
	out := make([]Turn, 0, len(raw))
	for i := len(raw) - 1; i >= 0; i-- {
		var t Turn
		if json.Unmarshal([]byte(raw[i]), &t) == nil {
			out = append(out, t)
		}
	}
	return out, nil
}

func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
