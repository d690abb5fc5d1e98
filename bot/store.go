package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrInFlight is returned when the same delivery is still being answered by another request and
// did not finish within the caller's deadline.
var ErrInFlight = errors.New("bot: message is still being answered")

// ErrReplayed is returned by Bot.Reply for a message whose CallbackID was claimed before with
// a different BodyHash: a signed callback replayed with another body. The webhook answers 403.
var ErrReplayed = errors.New("bot: callback replayed with a different body")

// redisError is a failure of Redis (an error or REDIS_TIMEOUT) in a store call on the message
// path: Bot.Reply answers statelessly instead of failing.
type redisError struct{ err error }

func (e *redisError) Error() string { return e.err.Error() }
func (e *redisError) Unwrap() error { return e.err }

// fail wraps a Redis error of operation op.
func fail(op string, err error) error { return &redisError{fmt.Errorf("bot: %s: %w", op, err)} }

// bounded bounds one Redis call by REDIS_TIMEOUT (Options.RedisTimeout).
func (s *store) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// store is the bot's Redis storage: every Redis command of the package is sent from a store
// method (this file and the other store_*.go files), under the keys named in keys.go.
type store struct {
	rdb   redis.UniversalClient
	keys  keys
	group group // merges concurrent messages' begin and commit pipelines
	// timeout bounds each Redis call on the message path (REDIS_TIMEOUT).
	timeout time.Duration

	sessionKeep     time.Duration
	transcriptTTL   time.Duration
	ticketRetention time.Duration  // a resolved or closed ticket's TTL
	loc             *time.Location // of the day counters: the service hours' zone

	// observe is told of every ticket created (old nil) or changed, after it is stored: the
	// bot's business logs and ticket metrics.
	observe func(ctx context.Context, old, t *Ticket, by string, events []TimelineEvent)

	// now and after are the bot's clock (Options.Now, Options.After): waits on other requests
	// are measured and slept on them, so tests can order messages without real waiting.
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
}

func newStore(rdb redis.UniversalClient, prefix string, timeout, sessionTTL, transcriptTTL time.Duration,
	now func() time.Time, after func(time.Duration) <-chan time.Time) *store {
	return &store{
		now: now, after: after,
		rdb: rdb, keys: keys{prefix: prefix}, timeout: timeout,
		// A session is kept past SessionTTL, so that a user who comes back after it is told that
		// the conversation ended (textSessionExpired) instead of getting a silent fresh start.
		sessionKeep:   max(sessionKeepMin, 2*sessionTTL),
		transcriptTTL: transcriptTTL,
	}
}

// claim is the outcome of begin.
type claim struct {
	dup     bool   // the delivery was seen before
	cached  *Reply // its reply, when already made (nil while still pending)
	busy    bool   // another message of this user holds the lock
	session []byte
	count   int64 // messages this minute, including this one
	token   string
	locked  time.Time      // no later than when Redis took the user's lock: see unlock
	pending []pendingReply // agents' replies waiting for this user, oldest first
	csat    string         // ticket whose satisfaction score is asked for
	// replayed: the message's CallbackID was claimed before with another body.
	replayed bool
}

// begin claims a delivery for processing in one round trip of plain commands (a Lua script
// costs Redis ~35 µs a call, ten times these): SET NX GET claims the delivery and returns the
// stored reply of one seen before; the user's lock, the rate count, the session, pending agent
// replies and an open satisfaction question come in the same pipeline. When another message of
// the user holds the lock, begin waits for it (messages are answered in the order sent) up to
// lockWait by the bot's clock; past that the claim is given back and busy is reported.
func (s *store) begin(ctx context.Context, m Message, now time.Time) (claim, error) {
	dd := s.keys.dedupe(m)
	lock := s.keys.lock(m.OpenID)
	rl := s.keys.rate(m.OpenID, now)
	c := claim{token: newToken(), locked: time.Now()} // wall clock, as Redis counts the TTL

	var claimCmd, cbCmd *redis.StatusCmd
	var lockCmd *redis.StatusCmd
	var countCmd *redis.IntCmd
	var state stateCmds
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err := s.group.pipelined(cctx, s.rdb, func(p redis.Pipeliner) {
		if m.CallbackID != "" {
			// Not a user's key: on Redis Cluster it lies in another slot than the user's keys,
			// which a ClusterClient pipeline splits by node (see keys.go).
			cbCmd = p.SetArgs(ctx, s.keys.callback(m.CallbackID), m.BodyHash, redis.SetArgs{Mode: "NX", Get: true, TTL: callbackTTL})
		}
		claimCmd = p.SetArgs(ctx, dd, "", redis.SetArgs{Mode: "NX", Get: true, TTL: dedupeTTL})
		lockCmd = p.SetArgs(ctx, lock, c.token, redis.SetArgs{Mode: "NX", TTL: lockTTL})
		countCmd = p.Incr(ctx, rl)
		p.Expire(ctx, rl, minuteTTL)
		state = s.readState(ctx, p, m.OpenID)
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return claim{}, fmt.Errorf("bot: begin: %w", err)
	}
	gotLock := lockCmd.Err() == nil
	if cbCmd != nil {
		old, err := cbCmd.Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return claim{}, fmt.Errorf("bot: begin: %w", err)
		}
		if err == nil && old != m.BodyHash {
			// A replay: another body under a callback seen before. Give back what it took.
			c.replayed = true
			_, claimErr := claimCmd.Result()
			if err := s.giveBack(ctx, m, rl, errors.Is(claimErr, redis.Nil), gotLock); err != nil {
				return claim{}, err
			}
			return c, nil
		}
	}
	if old, err := claimCmd.Result(); err == nil {
		// Seen before: answer from the stored reply. Give back what this delivery took.
		c.dup = true
		if old != "" {
			var r Reply
			if err := json.Unmarshal([]byte(old), &r); err != nil {
				return claim{}, fmt.Errorf("bot: cached reply: %w", err)
			}
			c.cached = &r
		}
		if err := s.giveBack(ctx, m, rl, false, gotLock); err != nil {
			return claim{}, err
		}
		return c, nil
	} else if !errors.Is(err, redis.Nil) {
		return claim{}, fmt.Errorf("bot: begin: %w", err)
	}
	c.count = countCmd.Val()

	// Wait for the user's previous message to be answered, polling the lock every lockPoll.
	deadline := s.now().Add(lockWait)
	for !gotLock {
		if s.now().After(deadline) || !s.sleep(ctx, lockPoll) {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
			defer cancel()
			if err := s.rdb.Del(dctx, dd).Err(); err != nil {
				return claim{}, fmt.Errorf("bot: begin: %w", err)
			}
			c.busy = true
			return c, nil
		}
		sent := time.Now()
		cctx, cancel := context.WithTimeout(ctx, s.timeout)
		_, err := s.rdb.Pipelined(cctx, func(p redis.Pipeliner) error {
			lockCmd = p.SetArgs(cctx, lock, c.token, redis.SetArgs{Mode: "NX", TTL: lockTTL})
			state = s.readState(cctx, p, m.OpenID)
			return nil
		})
		cancel()
		if err != nil && !errors.Is(err, redis.Nil) {
			return claim{}, fmt.Errorf("bot: begin: %w", err)
		}
		gotLock = lockCmd.Err() == nil
		c.locked = sent
	}
	state.into(&c)
	return c, nil
}

// giveBack undoes what begin took for a delivery it will not answer: the rate count, the
// user's lock when it got it, and the delivery's claim when it made it.
func (s *store) giveBack(ctx context.Context, m Message, rl string, claimed, locked bool) error {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	defer cancel()
	_, err := s.rdb.Pipelined(cctx, func(p redis.Pipeliner) error {
		p.Decr(cctx, rl)
		if locked {
			p.Del(cctx, s.keys.lock(m.OpenID))
		}
		if claimed {
			p.Del(cctx, s.keys.dedupe(m))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: begin: %w", err)
	}
	return nil
}

// lockWait is how long a message waits for the previous message of the same user, polling
// every lockPoll.
const (
	lockWait = time.Second
	lockPoll = 20 * time.Millisecond
)

// sleep waits d on the bot's clock; false when ctx ends first.
func (s *store) sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-s.after(d):
		return true
	}
}

// stateCmds are the reads of a user's state queued in a pipeline.
type stateCmds struct {
	session *redis.StringCmd
	pending *redis.StringSliceCmd
	csat    *redis.StringCmd
}

func (s *store) readState(ctx context.Context, p redis.Pipeliner, openID string) stateCmds {
	return stateCmds{
		session: p.Get(ctx, s.keys.session(openID)),
		pending: p.LRange(ctx, s.keys.pending(openID), 0, -1),
		csat:    p.Get(ctx, s.keys.csat(openID)),
	}
}

func (st stateCmds) into(c *claim) {
	c.session, _ = st.session.Bytes()
	list := st.pending.Val()
	// LPUSH puts the newest first: show the oldest first.
	for i := len(list) - 1; i >= 0; i-- {
		var p pendingReply
		if json.Unmarshal([]byte(list[i]), &p) == nil {
			c.pending = append(c.pending, p)
		}
	}
	c.csat = st.csat.Val()
}

// waitReply polls for the reply of a delivery that another request is answering.
func (s *store) waitReply(ctx context.Context, m Message) (Reply, error) {
	key := s.keys.dedupe(m)
	for {
		if !s.sleep(ctx, 40*time.Millisecond) {
			return Reply{}, ErrInFlight
		}
		cctx, cancel := s.bounded(ctx)
		raw, err := s.rdb.Get(cctx, key).Result()
		cancel()
		if errors.Is(err, redis.Nil) {
			// The other request failed and released the claim: nothing cached.
			return Reply{}, ErrInFlight
		}
		if err != nil {
			if ctx.Err() != nil {
				return Reply{}, ErrInFlight
			}
			return Reply{}, fail("wait reply", err)
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

// commit is everything a processed message writes, sent in one pipeline.
type commit struct {
	reply       Reply
	session     []byte // nil deletes the session
	turns       []Turn
	stats       []statIncr
	unknown     []string // masked questions nobody could answer
	day         string   // of stats and unknown, YYYYMMDD in the service hours' zone
	pendingDone int      // how many of the oldest pending replies were shown
	csatDone    bool     // the satisfaction score was given
}

type statIncr struct {
	field string // "<category>:<counter>"
}

// commit stores what one processed message wrote, in one pipeline of plain commands: the
// reply for retries, the session, the transcript, the pending replies it showed, the
// satisfaction score it took, the quality counters, and the release of the user's lock.
func (s *store) commit(ctx context.Context, m Message, c claim, w commit) error {
	rb, err := json.Marshal(w.reply)
	if err != nil {
		return fmt.Errorf("bot: commit: %w", err)
	}
	err = s.group.pipelined(ctx, s.rdb, func(p redis.Pipeliner) {
		p.Set(ctx, s.keys.dedupe(m), rb, dedupeTTL)
		if w.session == nil {
			p.Del(ctx, s.keys.session(m.OpenID))
		} else {
			p.Set(ctx, s.keys.session(m.OpenID), w.session, s.sessionKeep)
		}
		if len(w.turns) > 0 {
			tk := s.keys.transcript(m.OpenID)
			vals := make([]any, len(w.turns))
			for i, t := range w.turns {
				vals[i], _ = json.Marshal(t)
			}
			p.LPush(ctx, tk, vals...)
			p.LTrim(ctx, tk, 0, transcriptLen-1)
			p.PExpire(ctx, tk, s.transcriptTTL)
		}
		if w.pendingDone > 0 {
			// The shown replies are the oldest, at the tail; newer ones may have arrived at
			// the head meanwhile. An emptied list disappears.
			p.LTrim(ctx, s.keys.pending(m.OpenID), 0, int64(-w.pendingDone-1))
		}
		if w.csatDone {
			p.Del(ctx, s.keys.csat(m.OpenID))
		}
		if len(w.stats) > 0 {
			k := s.keys.stats(w.day)
			for _, st := range w.stats {
				p.HIncrBy(ctx, k, st.field, 1)
			}
			p.Expire(ctx, k, statsTTL)
		}
		for _, u := range w.unknown {
			k := s.keys.unknown(w.day)
			p.ZIncrBy(ctx, k, 1, u)
			p.Expire(ctx, k, unknownTTL)
		}
		s.unlock(ctx, p, m.OpenID, c)
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("bot: commit: %w", err)
	}
	return nil
}

// unlock releases the user's lock with a plain DEL while it is surely still ours: well within
// its TTL. Past that it may have expired and been taken by the next message, so it is left to
// expire rather than deleted (a compare-and-delete needs a Lua call on every message).
//
// Redis counts the TTL in real time, so this is measured on the wall clock, not on the bot's
// (possibly fake) clock: c.locked was read before the SET NX was sent, so it is no later than
// the TTL's start and the age below is never underestimated. The DEL is queued while the
// pipeline is built and reaches Redis within the pipeline's deadline (the Redis timeout), so
// the margin is the larger of a second and that timeout.
func (s *store) unlock(ctx context.Context, p redis.Pipeliner, openID string, c claim) {
	if time.Since(c.locked) < lockTTL-max(time.Second, s.timeout) {
		p.Del(ctx, s.keys.lock(openID))
	}
}

// release gives up a claim without a reply, so a retry of the delivery is processed afresh.
func (s *store) release(ctx context.Context, m Message, c claim) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, s.keys.dedupe(m))
		s.unlock(ctx, p, m.OpenID, c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: release: %w", err)
	}
	return nil
}

// transcript returns the last n turns of a user, oldest first.
func (s *store) transcript(ctx context.Context, openID string, n int64) ([]Turn, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	raw, err := s.rdb.LRange(ctx, s.keys.transcript(openID), 0, n-1).Result()
	if err != nil {
		return nil, fail("transcript", err)
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

// countLookup counts one ticket lookup of the user in now's minute and returns the count.
func (s *store) countLookup(ctx context.Context, openID string, now time.Time) (int64, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	key := s.keys.lookups(openID, now)
	var n *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		n = p.Incr(ctx, key)
		p.Expire(ctx, key, minuteTTL) // the key names its minute: pushing the TTL back is harmless
		return nil
	})
	if err != nil {
		return 0, fail("count lookup", err)
	}
	return n.Val(), nil
}

// ping checks that Redis answers.
func (s *store) ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("bot: ping redis: %w", err)
	}
	return nil
}

func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
