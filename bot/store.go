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
return {'new', redis.call('GET', KEYS[3]) or '', n, redis.call('LRANGE', KEYS[5], 0, -1), redis.call('GET', KEYS[6]) or ''}
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
	pending []pendingReply // agents' replies waiting for this user, oldest first
	csat    string         // ticket whose satisfaction score is asked for
}

func (s *store) begin(ctx context.Context, m Message, now time.Time) (claim, error) {
	window := now.Unix() / 60
	keys := []string{
		s.userKey(m.OpenID, "dd:"+m.DedupeKey()),
		s.userKey(m.OpenID, "lock"),
		s.userKey(m.OpenID, "sess"),
		s.userKey(m.OpenID, "rl:"+strconv.FormatInt(window, 10)),
		s.userKey(m.OpenID, "pending"),
		s.userKey(m.OpenID, "csat"),
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
		list, _ := v[3].([]any)
		// LPUSH puts the newest first: show the oldest first.
		for i := len(list) - 1; i >= 0; i-- {
			var p pendingReply
			if raw, ok := list[i].(string); ok && json.Unmarshal([]byte(raw), &p) == nil {
				c.pending = append(c.pending, p)
			}
		}
		c.csat, _ = v[4].(string)
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
	reply       Reply
	session     []byte // nil deletes the session
	turns       []Turn
	stats       []statIncr
	unknown     string // masked question nobody could answer
	unknownDay  string
	pendingDone int  // how many of the oldest pending replies were shown
	csatDone    bool // the satisfaction score was given
}

type statIncr struct {
	field string // "<category>:<counter>"
}

// commitScript stores what one processed message wrote to the user's keys, in one call: the
// reply for retries, the session, the transcript turns, the pending replies it showed, the
// satisfaction score it took, and the release of the user's lock.
var commitScript = redis.NewScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ARGV[3] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
local n = tonumber(ARGV[10])
if n > 0 then
  for i = 1, n do redis.call('LPUSH', KEYS[3], ARGV[10 + i]) end
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
  redis.call('PEXPIRE', KEYS[3], ARGV[6])
end
local shown = tonumber(ARGV[8])
if shown > 0 then
  -- the shown replies are the oldest, at the tail; newer ones may have arrived at the head
  if redis.call('LLEN', KEYS[5]) <= shown then redis.call('DEL', KEYS[5]) else redis.call('LTRIM', KEYS[5], 0, -shown - 1) end
end
if ARGV[9] == '1' then redis.call('DEL', KEYS[6]) end
if redis.call('GET', KEYS[4]) == ARGV[7] then redis.call('DEL', KEYS[4]) end
return 1
`)

// statsScript counts quality figures in the day's hash and unknown questions in the day's set.
// It touches shared keys, so it is a call of its own (another Cluster slot than the user's).
var statsScript = redis.NewScript(`
local n = tonumber(ARGV[1])
for i = 1, n do
  if redis.call('HINCRBY', KEYS[1], ARGV[1 + i], 1) == 1 then redis.call('EXPIRE', KEYS[1], 34560000) end
end
if ARGV[n + 2] ~= '' then
  if redis.call('ZINCRBY', KEYS[2], 1, ARGV[n + 2]) == '1' then redis.call('EXPIRE', KEYS[2], 7776000) end
end
return 1
`)

func (s *store) commit(ctx context.Context, m Message, c claim, w commit) error {
	rb, err := json.Marshal(w.reply)
	if err != nil {
		return fmt.Errorf("bot: commit: %w", err)
	}
	keys := []string{
		s.userKey(m.OpenID, "dd:"+m.DedupeKey()),
		s.userKey(m.OpenID, "sess"),
		s.userKey(m.OpenID, "tr"),
		s.userKey(m.OpenID, "lock"),
		s.userKey(m.OpenID, "pending"),
		s.userKey(m.OpenID, "csat"),
	}
	csatDone := 0
	if w.csatDone {
		csatDone = 1
	}
	args := []any{rb, int(s.dedupeTTL.Seconds()), w.session, s.sessionKeep.Milliseconds(),
		s.transcriptLen, s.transcriptTTL.Milliseconds(), c.token, w.pendingDone, csatDone, len(w.turns)}
	for _, t := range w.turns {
		b, _ := json.Marshal(t)
		args = append(args, b)
	}
	var statKeys []string
	var statArgs []any
	if len(w.stats) > 0 || w.unknown != "" {
		statKeys = []string{s.prefix + "stats:" + w.unknownDay, s.prefix + "unknown:" + w.unknownDay}
		statArgs = append(statArgs, len(w.stats))
		for _, st := range w.stats {
			statArgs = append(statArgs, st.field)
		}
		statArgs = append(statArgs, w.unknown)
	}
	type call struct {
		sc   *redis.Script
		keys []string
		args []any
	}
	calls := []call{{commitScript, keys, args}}
	if statKeys != nil {
		calls = append(calls, call{statsScript, statKeys, statArgs})
	}
	cmds, _ := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, c := range calls {
			c.sc.EvalSha(ctx, p, c.keys, c.args...)
		}
		return nil
	})
	for i, cmd := range cmds {
		err = cmd.Err()
		if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			// First use on this server (or after SCRIPT FLUSH): send the script itself. Only
			// the calls that did not run are repeated.
			err = calls[i].sc.Eval(ctx, s.rdb, calls[i].keys, calls[i].args...).Err()
		}
		if err != nil {
			break
		}
	}
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
