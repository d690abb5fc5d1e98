package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Agents, desk sessions, API tokens and login throttling in Redis (see keys.go).

// errNoAgent is the store's "no such agent"; Bot turns it into what the caller may learn.
var errNoAgent = errors.New("bot: no such agent")

// agentRecord is an agent as stored, with the password hash.
type agentRecord struct {
	Agent
	hash string
}

func (s *store) agent(ctx context.Context, name string) (agentRecord, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	h, err := s.rdb.HGetAll(ctx, s.keys.agent(name)).Result()
	if err != nil {
		return agentRecord{}, fail("agent", err)
	}
	if len(h) == 0 {
		return agentRecord{}, errNoAgent
	}
	return recordOf(name, h), nil
}

func recordOf(name string, h map[string]string) agentRecord {
	created, _ := time.Parse(time.RFC3339, h["created_at"])
	return agentRecord{
		Agent: Agent{Name: name, Role: Role(h["role"]), Disabled: h["disabled"] == "1", CreatedAt: created},
		hash:  h["password"],
	}
}

// addAgent stores a new agent; CodeExists when the name is taken.
func (s *store) addAgent(ctx context.Context, a Agent, hash string) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	key := s.keys.agent(a.Name)
	ok, err := s.rdb.HSetNX(ctx, key, "created_at", a.CreatedAt.UTC().Format(time.RFC3339)).Result()
	if err != nil {
		return fail("add agent", err)
	}
	if !ok {
		return Errorf(CodeExists, "客服 %s 已存在。", a.Name)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, "role", string(a.Role), "disabled", "0", "password", hash)
		p.ZAdd(ctx, s.keys.agents(), redis.Z{Score: float64(a.CreatedAt.Unix()), Member: a.Name})
		return nil
	})
	if err != nil {
		return fail("add agent", err)
	}
	return nil
}

func (s *store) agentList(ctx context.Context) ([]Agent, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	names, err := s.rdb.ZRange(ctx, s.keys.agents(), 0, -1).Result()
	if err != nil {
		return nil, fail("agents", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(names))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, n := range names {
			cmds[i] = p.HGetAll(ctx, s.keys.agent(n))
		}
		return nil
	})
	if err != nil {
		return nil, fail("agents", err)
	}
	out := make([]Agent, 0, len(names))
	for i, n := range names {
		if h := cmds[i].Val(); len(h) > 0 {
			out = append(out, recordOf(n, h).Agent)
		}
	}
	return out, nil
}

func (s *store) setAgentField(ctx context.Context, name, field, value string) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	if err := s.rdb.HSet(ctx, s.keys.agent(name), field, value).Err(); err != nil {
		return fail("update agent", err)
	}
	return nil
}

// storedSession is a desk session as kept under its id's hash. Both of its ends are checked
// against the bot's clock; the key's TTL (the idle timeout) only collects sessions nobody comes
// back to.
type storedSession struct {
	agent   string
	csrf    string
	maxTill time.Time // absolute end
}

func (s *store) createSession(ctx context.Context, name, idHash, csrf string, idle time.Duration, maxTill, now time.Time) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	key := s.keys.deskSession(idHash)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, "agent", name, "csrf", csrf, "max", strconv.FormatInt(maxTill.Unix(), 10),
			"idle", strconv.FormatInt(now.Add(idle).UnixMilli(), 10))
		p.PExpire(ctx, key, idle)
		p.ZAdd(ctx, s.keys.agentSessions(name), redis.Z{Score: float64(maxTill.Unix()), Member: idHash})
		p.ZRemRangeByScore(ctx, s.keys.agentSessions(name), "-inf", "("+strconv.FormatInt(now.Unix(), 10))
		return nil
	})
	if err != nil {
		return fail("create session", err)
	}
	return nil
}

// session reads a desk session and slides its idle expiry; ok is false when there is none or
// it ended (idle, or past its absolute end) at now.
func (s *store) session(ctx context.Context, idHash string, idle time.Duration, now time.Time) (storedSession, bool, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	key := s.keys.deskSession(idHash)
	var ss storedSession
	found := false
	// WATCH so that the slide never recreates a session a logout deleted meanwhile.
	err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
		v, err := tx.HGetAll(ctx, key).Result()
		if err != nil || len(v) == 0 {
			return err
		}
		maxSec, _ := strconv.ParseInt(v["max"], 10, 64)
		idleMS, _ := strconv.ParseInt(v["idle"], 10, 64)
		ss = storedSession{agent: v["agent"], csrf: v["csrf"], maxTill: time.Unix(maxSec, 0)}
		if !now.Before(ss.maxTill) || !now.Before(time.UnixMilli(idleMS)) {
			return tx.Del(ctx, key).Err()
		}
		found = true
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, key, "idle", strconv.FormatInt(now.Add(idle).UnixMilli(), 10))
			p.PExpire(ctx, key, idle)
			return nil
		})
		return err
	}, key)
	if errors.Is(err, redis.TxFailedErr) {
		// Another request slid or ended it after we read it: it was valid when read, and
		// this request does not extend it.
		err = nil
	}
	if err != nil {
		return storedSession{}, false, fail("session", err)
	}
	return ss, found, nil
}

func (s *store) deleteSession(ctx context.Context, idHash string) (agent string, err error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	key := s.keys.deskSession(idHash)
	agent, err = s.rdb.HGet(ctx, key, "agent").Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fail("logout", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, key)
		p.ZRem(ctx, s.keys.agentSessions(agent), idHash)
		return nil
	})
	if err != nil {
		return "", fail("logout", err)
	}
	return agent, nil
}

// deleteSessions ends every desk session of an agent.
func (s *store) deleteSessions(ctx context.Context, name string) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	ids, err := s.rdb.ZRange(ctx, s.keys.agentSessions(name), 0, -1).Result()
	if err != nil {
		return fail("logout everywhere", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			p.Del(ctx, s.keys.deskSession(id))
		}
		p.Del(ctx, s.keys.agentSessions(name))
		return nil
	})
	if err != nil {
		return fail("logout everywhere", err)
	}
	return nil
}

// tokenMeta is an API token as listed in the agent's token hash.
type tokenMeta struct {
	Label     string    `json:"label"`
	CreatedAt time.Time `json:"created_at"`
	Hash      string    `json:"hash"`
}

func (s *store) createToken(ctx context.Context, name, id, hash string, m tokenMeta) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	b, _ := json.Marshal(m)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.keys.apiToken(hash), "agent", name, "id", id)
		p.HSet(ctx, s.keys.agentTokens(name), id, b)
		return nil
	})
	if err != nil {
		return fail("create token", err)
	}
	return nil
}

func (s *store) tokens(ctx context.Context, name string) ([]APIToken, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	h, err := s.rdb.HGetAll(ctx, s.keys.agentTokens(name)).Result()
	if err != nil {
		return nil, fail("tokens", err)
	}
	type row struct {
		id   string
		meta tokenMeta
		used *redis.StringCmd
	}
	var rows []row
	for id, raw := range h {
		var m tokenMeta
		if json.Unmarshal([]byte(raw), &m) == nil {
			rows = append(rows, row{id: id, meta: m})
		}
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range rows {
			rows[i].used = p.HGet(ctx, s.keys.apiToken(rows[i].meta.Hash), "last_used")
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fail("tokens", err)
	}
	out := make([]APIToken, 0, len(rows))
	for _, r := range rows {
		t := APIToken{ID: r.id, Label: r.meta.Label, CreatedAt: r.meta.CreatedAt}
		if sec, err := strconv.ParseInt(r.used.Val(), 10, 64); err == nil {
			u := time.Unix(sec, 0)
			t.LastUsed = &u
		}
		out = append(out, t)
	}
	return out, nil
}

// revokeToken deletes one token of an agent, or all of them when id is "".
func (s *store) revokeToken(ctx context.Context, name, id string) (bool, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	h, err := s.rdb.HGetAll(ctx, s.keys.agentTokens(name)).Result()
	if err != nil {
		return false, fail("revoke token", err)
	}
	found := false
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for tid, raw := range h {
			if id != "" && tid != id {
				continue
			}
			var m tokenMeta
			json.Unmarshal([]byte(raw), &m)
			p.Del(ctx, s.keys.apiToken(m.Hash))
			p.HDel(ctx, s.keys.agentTokens(name), tid)
			found = true
		}
		return nil
	})
	if err != nil {
		return false, fail("revoke token", err)
	}
	return found, nil
}

// tokenAgent returns the name of the agent a token hash belongs to, and records its use at
// most once a minute.
func (s *store) tokenAgent(ctx context.Context, hash string, now time.Time) (string, bool, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	key := s.keys.apiToken(hash)
	h, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return "", false, fail("token", err)
	}
	if len(h) == 0 {
		return "", false, nil
	}
	if sec, _ := strconv.ParseInt(h["last_used"], 10, 64); now.Unix()-sec >= 60 {
		s.rdb.HSet(ctx, key, "last_used", strconv.FormatInt(now.Unix(), 10))
	}
	return h["agent"], true, nil
}

// Login throttling: failures are counted per account and per client address for loginWindow;
// at the limit the key's TTL is set to the full window again, so the lock lasts loginWindow
// from the failure that reached it.
const (
	loginWindow       = 15 * time.Minute
	loginLimitAccount = 5
	loginLimitAddress = 20
)

// loginLocked returns how long a login of name from ip must still wait, or 0.
func (s *store) loginLocked(ctx context.Context, name, ip string) (time.Duration, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	var acct, addr *redis.StringCmd
	var acctTTL, addrTTL *redis.DurationCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		acct, acctTTL = p.Get(ctx, s.keys.loginFails("a", name)), p.PTTL(ctx, s.keys.loginFails("a", name))
		addr, addrTTL = p.Get(ctx, s.keys.loginFails("ip", ip)), p.PTTL(ctx, s.keys.loginFails("ip", ip))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fail("login throttle", err)
	}
	var wait time.Duration
	if n, _ := acct.Int(); n >= loginLimitAccount {
		wait = max(wait, acctTTL.Val())
	}
	if n, _ := addr.Int(); n >= loginLimitAddress {
		wait = max(wait, addrTTL.Val())
	}
	return wait, nil
}

// loginFailed counts a failure of name from ip; locked reports whether it reached a limit.
func (s *store) loginFailed(ctx context.Context, name, ip string) (locked bool, err error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	ka, ki := s.keys.loginFails("a", name), s.keys.loginFails("ip", ip)
	var na, ni *redis.IntCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		na, ni = p.Incr(ctx, ka), p.Incr(ctx, ki)
		p.ExpireNX(ctx, ka, loginWindow)
		p.ExpireNX(ctx, ki, loginWindow)
		return nil
	})
	if err != nil {
		return false, fail("login throttle", err)
	}
	if na.Val() == loginLimitAccount {
		s.rdb.Expire(ctx, ka, loginWindow)
		locked = true
	}
	if ni.Val() == loginLimitAddress {
		s.rdb.Expire(ctx, ki, loginWindow)
		locked = true
	}
	return locked, nil
}

// loginSucceeded forgets the account's failures (not the address's: one good password must
// not reset a guesser's count on other accounts).
func (s *store) loginSucceeded(ctx context.Context, name string) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	s.rdb.Del(ctx, s.keys.loginFails("a", name))
}

// record writes timeline events of a ticket that do not change it (a view of the contact),
// with their audit entries.
func (s *store) record(ctx context.Context, no string, events ...TimelineEvent) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	ttl, err := s.rdb.PTTL(ctx, s.keys.ticket(no)).Result()
	if err != nil {
		return fail("record "+no, err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		s.addTimeline(ctx, p, no, events...)
		if ttl > 0 { // the timeline expires with its resolved or closed ticket
			p.PExpire(ctx, s.keys.timeline(no), ttl)
		}
		for _, e := range events {
			s.addAudit(ctx, p, auditOf(e, no))
		}
		return nil
	})
	if err != nil {
		return fail("record "+no, err)
	}
	return nil
}

// ticketDay returns the ticket counters of one day.
func (s *store) ticketDay(ctx context.Context, day string) (map[string]string, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	h, err := s.rdb.HGetAll(ctx, s.keys.ticketStats(day)).Result()
	if err != nil {
		return nil, fmt.Errorf("bot: ticket stats: %w", err)
	}
	return h, nil
}
