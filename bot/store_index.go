package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The desk's indexes and counters (see keys.go): written in the same MULTI as the ticket, so
// an index never disagrees with its ticket for longer than a transaction.

// indexVersion is the layout the indexes follow; Migrate builds them when it is absent.
const indexVersion = "1"

// bandWidth separates the priority bands of a queue score: unix seconds stay below 1e10 until
// the year 2286, and scores below 2e10 are exact in a float64.
const bandWidth = 1e10

// queueScore orders the queue: urgent before normal, then by due time.
func queueScore(p Priority, due time.Time) float64 {
	band := 1.0
	if p == PriorityUrgent {
		band = 0
	}
	return band*bandWidth + float64(due.Unix())
}

// band is the score range of one priority: [min, max).
func band(p Priority) (lo, hi float64) {
	if p == PriorityUrgent {
		return 0, bandWidth
	}
	return bandWidth, 2 * bandWidth
}

// indexParts are the index keys (after "{tickets}:ix:") that hold t: its status's set, the
// status's sets by type and by assignee, the same three for "active" when it is open or
// processing, and the search sets of its merchant number and phone.
func indexParts(t *Ticket) []string {
	var parts []string
	bases := []string{"s:" + string(t.Status)}
	if !t.Status.done() {
		bases = append(bases, "active")
	}
	for _, base := range bases {
		parts = append(parts, base, base+":type:"+string(t.Type))
		if t.Assignee == "" {
			parts = append(parts, base+":unassigned")
		} else {
			parts = append(parts, base+":agent:"+t.Assignee)
		}
	}
	if t.MerchantNo != "" {
		parts = append(parts, "mch:"+t.MerchantNo)
	}
	if d := phoneLast4(t.Contact); d != "" {
		parts = append(parts, "ph4:"+d)
	}
	return parts
}

// phoneLast4 returns the last 4 digits of a phone number, or "".
func phoneLast4(phone string) string {
	var digits []byte
	for i := 0; i < len(phone); i++ {
		if phone[i] >= '0' && phone[i] <= '9' {
			digits = append(digits, phone[i])
		}
	}
	if len(digits) < 4 {
		return ""
	}
	return string(digits[len(digits)-4:])
}

// expiryCard is a done ticket's member of the expiry zset: its number and the indexes that
// hold it, so that the sweep can remove it once the ticket itself is gone.
func expiryCard(t *Ticket) string { return t.No + "|" + strings.Join(indexParts(t), "|") }

// reindex queues in p the index changes of a ticket going from old (nil when new) to t.
// ttl is the expiry the ticket is written with (0 none, redis.KeepTTL unchanged); keptTTL is
// the ticket's remaining TTL when it is unchanged.
func (s *store) reindex(ctx context.Context, p redis.Pipeliner, old, t *Ticket, now time.Time, keptTTL time.Duration) {
	score := queueScore(t.Priority, t.DueAt)
	parts := indexParts(t)
	if old != nil {
		for _, part := range indexParts(old) {
			if !slices.Contains(parts, part) {
				p.ZRem(ctx, s.keys.ix(part), t.No)
			}
		}
		if old.Status.done() {
			p.ZRem(ctx, s.keys.expiry(), expiryCard(old))
		}
	}
	for _, part := range parts {
		p.ZAdd(ctx, s.keys.ix(part), redis.Z{Score: score, Member: t.No})
	}
	if t.Status.done() {
		end := now.Add(s.ticketRetention)
		if old != nil && old.Status.done() && keptTTL > 0 {
			end = now.Add(keptTTL)
		}
		p.ZAdd(ctx, s.keys.expiry(), redis.Z{Score: float64(end.Unix()), Member: expiryCard(t)})
	}
}

// frBucket is the histogram bucket of a first-response time: minutes below an hour, 10-minute
// steps below a day, hours beyond (capped at 30 days). The median of a period is exact when
// the two middle responses fall in buckets of their own, and within the bucket's width
// otherwise.
func frBucket(d time.Duration) int {
	m := int(d / time.Minute)
	switch {
	case m < 0:
		return 0
	case m < 60:
		return m
	case m < 24*60:
		return 60 + (m-60)/10
	}
	return 60 + 138 + min((m-24*60)/60, 29*24)
}

// count queues in p the counters of a change of ticket old (nil: created) to t, in the fields
// of the day's {tickets}:stats hash:
//
//	created, created:t:<type>, created:p:<priority>   tickets created
//	resolved, resolved:p:<priority>, sla_met           tickets resolved or closed (again after a
//	                                                   reopening), and those on time
//	fr:<bucket>, frs:<bucket>                          first responses given that day: the count
//	                                                   and sum of seconds per bucket (frBucket)
//	csat_sum, csat_count                               satisfaction scores given that day
//
// A reopened and again resolved ticket counts as resolved twice; a score changed later moves
// the sum on the day of the change.
func (s *store) count(ctx context.Context, p redis.Pipeliner, old, t *Ticket, now time.Time) {
	k := s.keys.ticketStats(day(now, s.loc))
	incr := func(field string, n int64) { p.HIncrBy(ctx, k, field, n) }
	touched := false
	if old == nil {
		incr("created", 1)
		incr("created:t:"+string(t.Type), 1)
		incr("created:p:"+string(t.Priority), 1)
		touched = true
	} else {
		if !old.Status.done() && t.Status.done() {
			incr("resolved", 1)
			incr("resolved:p:"+string(t.Priority), 1)
			if !now.After(t.DueAt) {
				incr("sla_met", 1)
			}
			touched = true
		}
		if old.FirstResponseAt == nil && t.FirstResponseAt != nil {
			d := t.FirstResponseAt.Sub(t.CreatedAt)
			b := strconv.Itoa(frBucket(d))
			incr("fr:"+b, 1)
			incr("frs:"+b, int64(d/time.Second))
			touched = true
		}
		if t.CSAT != old.CSAT && t.CSAT > 0 {
			if old.CSAT == 0 {
				incr("csat_count", 1)
			}
			incr("csat_sum", int64(t.CSAT-old.CSAT))
			touched = true
		}
	}
	if touched {
		p.Expire(ctx, k, statsTTL)
	}
}

// scoreRange is a range of queue scores, min inclusive and max exclusive.
type scoreRange struct{ lo, hi float64 }

func (r scoreRange) args(offset, count int64) *redis.ZRangeBy {
	return &redis.ZRangeBy{Min: fmtScore(r.lo), Max: "(" + fmtScore(r.hi), Offset: offset, Count: count}
}

func fmtScore(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ranges are the score ranges a filter selects in queue order, or nil for none. Both bands
// without the overdue filter are one range.
func ranges(f TicketFilter, now time.Time) []scoreRange {
	switch {
	case f.Overdue && f.Status.done():
		return nil // a resolved or closed ticket is never overdue
	case !f.Overdue && f.Priority == "":
		return []scoreRange{{0, 2 * bandWidth}}
	}
	prios := []Priority{PriorityUrgent, PriorityNormal}
	if f.Priority != "" {
		prios = []Priority{f.Priority}
	}
	var out []scoreRange
	for _, p := range prios {
		lo, hi := band(p)
		if f.Overdue {
			hi = lo + float64(now.Unix()) // due before now
		}
		out = append(out, scoreRange{lo, hi})
	}
	return out
}

// queue returns the numbers of one page of tickets matching f, in queue order, and how many
// match. f is valid and has no ticket-number query.
//
// A filter on status (or the active tickets), priority and overdue is one or two ranges of one
// zset; adding a type or an assignee picks that zset's per-type or per-assignee set. Only two
// attributes, or a search with an attribute, intersect sets (ZINTERSTORE into a temporary key,
// whose cost is that of the smallest set). The first page is one round trip, deeper pages of
// the two-band overdue filter two.
func (s *store) queue(ctx context.Context, f TicketFilter, now time.Time) (nos []string, total int, err error) {
	ctx, cancel := context.WithTimeout(ctx, 4*s.timeout)
	defer cancel()
	base := "active"
	if f.Status != "" {
		base = "s:" + string(f.Status)
	}
	var sets []string
	if f.Type != "" {
		sets = append(sets, s.keys.ix(base+":type:"+string(f.Type)))
	}
	switch {
	case f.AssignedTo != "":
		sets = append(sets, s.keys.ix(base+":agent:"+f.AssignedTo))
	case f.Unassigned:
		sets = append(sets, s.keys.ix(base+":unassigned"))
	}
	switch q := strings.TrimSpace(f.Query); {
	case merchantNoRE.MatchString(q):
		sets = append(sets, s.keys.ix("mch:"+q))
	case last4RE.MatchString(q):
		sets = append(sets, s.keys.ix("ph4:"+q))
	}
	if len(sets) == 0 || len(sets) == 1 && f.Query != "" {
		sets = append(sets, s.keys.ix(base))
	}
	src, tmp := sets[0], len(sets) > 1
	if tmp {
		src = s.keys.tmp(newToken())
	}
	rs := ranges(f, now)
	if len(rs) == 0 {
		return nil, 0, nil
	}
	offset, want := int64(f.Page-1)*int64(f.PerPage), int64(f.PerPage)
	counts := make([]*redis.IntCmd, len(rs))
	pages := make([]*redis.StringSliceCmd, len(rs))
	// A second band is read from its start: right for the first page, and for any page whose
	// offset lies within the first band.
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if tmp {
			// Every index carries the same score: MAX keeps it.
			p.ZInterStore(ctx, src, &redis.ZStore{Keys: sets, Aggregate: "MAX"})
			p.Expire(ctx, src, tmpTTL)
		}
		for i, r := range rs {
			counts[i] = p.ZCount(ctx, src, fmtScore(r.lo), "("+fmtScore(r.hi))
			off := int64(0)
			if i == 0 {
				off = offset
			}
			pages[i] = p.ZRangeByScore(ctx, src, r.args(off, want))
		}
		if tmp && (len(rs) == 1 || offset == 0) {
			p.Del(ctx, src)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fail("queue", err)
	}
	for _, c := range counts {
		total += int(c.Val())
	}
	nos = pages[0].Val()
	if len(rs) == 2 && int64(len(nos)) < want {
		c1 := counts[0].Val()
		if offset <= c1 {
			nos = append(nos, pages[1].Val()[:min(len(pages[1].Val()), int(want)-len(nos))]...)
		} else {
			var more *redis.StringSliceCmd
			_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				more = p.ZRangeByScore(ctx, src, rs[1].args(offset-c1, want))
				return nil
			})
			if err != nil {
				return nil, 0, fail("queue", err)
			}
			nos = append(nos, more.Val()...)
		}
	}
	if tmp && len(rs) == 2 && offset > 0 {
		s.rdb.Del(ctx, src)
	}
	return nos, total, nil
}

// forget removes the numbers of tickets found gone from the indexes a read can meet them in;
// the sweep removes them from the rest. It is tidying: a failure is left for later.
func (s *store) forget(ctx context.Context, nos []string) {
	if len(nos) == 0 {
		return
	}
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	members := make([]any, len(nos))
	for i, no := range nos {
		members[i] = no
	}
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, s.keys.ixActive(), members...)
		for _, st := range []Status{StatusOpen, StatusProcessing, StatusResolved, StatusClosed} {
			p.ZRem(ctx, s.keys.ixStatus(st), members...)
		}
		return nil
	})
}

// queueCounts returns, per priority, how many active tickets there are and how many are
// overdue; and how many tickets each status has.
func (s *store) queueCounts(ctx context.Context, now time.Time) (open, overdue map[Priority]int, byStatus map[Status]int, byPriority map[Priority]int, err error) {
	type cmdPair struct{ all, late *redis.IntCmd }
	prios := []Priority{PriorityUrgent, PriorityNormal}
	statuses := []Status{StatusOpen, StatusProcessing, StatusResolved, StatusClosed}
	act := map[Priority]cmdPair{}
	per := map[Status]map[Priority]*redis.IntCmd{}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, pr := range prios {
			lo, hi := band(pr)
			act[pr] = cmdPair{
				all:  p.ZCount(ctx, s.keys.ixActive(), fmtScore(lo), "("+fmtScore(hi)),
				late: p.ZCount(ctx, s.keys.ixActive(), fmtScore(lo), "("+fmtScore(lo+float64(now.Unix()))),
			}
		}
		for _, st := range statuses {
			per[st] = map[Priority]*redis.IntCmd{}
			for _, pr := range prios {
				lo, hi := band(pr)
				per[st][pr] = p.ZCount(ctx, s.keys.ixStatus(st), fmtScore(lo), "("+fmtScore(hi))
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, nil, fail("queue counts", err)
	}
	open, overdue = map[Priority]int{}, map[Priority]int{}
	byStatus, byPriority = map[Status]int{}, map[Priority]int{}
	for _, pr := range prios {
		open[pr], overdue[pr] = int(act[pr].all.Val()), int(act[pr].late.Val())
	}
	for _, st := range statuses {
		for _, pr := range prios {
			if n := int(per[st][pr].Val()); n > 0 {
				byStatus[st] += n
				byPriority[pr] += n
			}
		}
	}
	return open, overdue, byStatus, byPriority, nil
}

// migrate indexes the tickets of the old layout (only {tickets}:due) once: it reads them in
// chunks of 500 and writes their indexes. It is idempotent (ZADD of the same members), so
// replicas starting together, or a migration cut short, do no harm; the version key is set
// at the end. Counters of past days are not rebuilt: the dashboard's ticket figures start
// with the upgrade. It returns how many tickets it indexed (0 when already done).
func (s *store) migrate(ctx context.Context, now time.Time) (int, error) {
	v, err := s.rdb.Get(ctx, s.keys.ixVersion()).Result()
	if err == nil && v == indexVersion {
		return 0, nil
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("bot: migrate: %w", err)
	}
	n := 0
	var cursor int64
	for {
		nos, err := s.rdb.ZRange(ctx, s.keys.due(), cursor, cursor+499).Result()
		if err != nil {
			return n, fmt.Errorf("bot: migrate: %w", err)
		}
		if len(nos) == 0 {
			break
		}
		cursor += int64(len(nos))
		keys := make([]string, len(nos))
		for i, no := range nos {
			keys[i] = s.keys.ticket(no)
		}
		vals, err := s.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return n, fmt.Errorf("bot: migrate: %w", err)
		}
		ttls := make([]*redis.DurationCmd, len(nos))
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := range nos {
				ttls[i] = p.PTTL(ctx, keys[i])
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("bot: migrate: %w", err)
		}
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, v := range vals {
				raw, ok := v.(string)
				var t Ticket
				if !ok || json.Unmarshal([]byte(raw), &t) != nil {
					continue
				}
				// An old done ticket: its card is scored by the TTL it has left.
				s.reindexFrom(ctx, p, &t, now, ttls[i].Val())
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("bot: migrate: %w", err)
		}
	}
	if err := s.rdb.Set(ctx, s.keys.ixVersion(), indexVersion, 0).Err(); err != nil {
		return n, fmt.Errorf("bot: migrate: %w", err)
	}
	return n, nil
}

// reindexFrom writes every index of t, whose key has ttl left, as if it were new.
func (s *store) reindexFrom(ctx context.Context, p redis.Pipeliner, t *Ticket, now time.Time, ttl time.Duration) {
	score := queueScore(t.Priority, t.DueAt)
	for _, part := range indexParts(t) {
		p.ZAdd(ctx, s.keys.ix(part), redis.Z{Score: score, Member: t.No})
	}
	if t.Status.done() {
		end := now.Add(s.ticketRetention)
		if ttl > 0 {
			end = now.Add(ttl)
		}
		p.ZAdd(ctx, s.keys.expiry(), redis.Z{Score: float64(end.Unix()), Member: expiryCard(t)})
	}
}

// sweep removes tickets whose retention ended from every index: the cards of the expiry zset
// scored up to now whose ticket is gone. A card whose ticket still exists (its TTL ends a
// moment later than the card says) is left for the next sweep. It handles at most 10 batches
// of 500 per call and returns how many tickets it removed.
func (s *store) sweep(ctx context.Context, now time.Time) (int, error) {
	removed := 0
	var skip int64
	for range 10 {
		cards, err := s.rdb.ZRangeByScore(ctx, s.keys.expiry(), &redis.ZRangeBy{
			Min: "-inf", Max: fmtScore(float64(now.Unix())), Offset: skip, Count: 500,
		}).Result()
		if err != nil {
			return removed, fmt.Errorf("bot: sweep: %w", err)
		}
		if len(cards) == 0 {
			return removed, nil
		}
		exists := make([]*redis.IntCmd, len(cards))
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, c := range cards {
				no, _, _ := strings.Cut(c, "|")
				exists[i] = p.Exists(ctx, s.keys.ticket(no))
			}
			return nil
		})
		if err != nil {
			return removed, fmt.Errorf("bot: sweep: %w", err)
		}
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, c := range cards {
				if exists[i].Val() > 0 {
					skip++
					continue
				}
				parts := strings.Split(c, "|")
				no := parts[0]
				for _, part := range parts[1:] {
					p.ZRem(ctx, s.keys.ix(part), no)
				}
				p.ZRem(ctx, s.keys.due(), no)
				p.ZRem(ctx, s.keys.expiry(), c)
				removed++
			}
			return nil
		})
		if err != nil {
			return removed, fmt.Errorf("bot: sweep: %w", err)
		}
	}
	return removed, nil
}

// periodStats are the ticket counters of some days summed up.
type periodStats struct {
	created, resolved, slaMet int
	csatSum, csatCount        int
	frCount                   map[int]int64 // bucket → count
	frSum                     map[int]int64 // bucket → seconds
}

func (ps *periodStats) add(h map[string]string) {
	if ps.frCount == nil {
		ps.frCount, ps.frSum = map[int]int64{}, map[int]int64{}
	}
	for k, v := range h {
		n, _ := strconv.ParseInt(v, 10, 64)
		switch {
		case k == "created":
			ps.created += int(n)
		case k == "resolved":
			ps.resolved += int(n)
		case k == "sla_met":
			ps.slaMet += int(n)
		case k == "csat_sum":
			ps.csatSum += int(n)
		case k == "csat_count":
			ps.csatCount += int(n)
		case strings.HasPrefix(k, "fr:"):
			b, _ := strconv.Atoi(k[3:])
			ps.frCount[b] += n
		case strings.HasPrefix(k, "frs:"):
			b, _ := strconv.Atoi(k[4:])
			ps.frSum[b] += n
		}
	}
}

// median returns the median first response: the mean of the one or two middle responses'
// buckets (each bucket stands for the mean of its responses).
func (ps periodStats) median() time.Duration {
	var total int64
	buckets := make([]int, 0, len(ps.frCount))
	for b, n := range ps.frCount {
		if n > 0 {
			total += n
			buckets = append(buckets, b)
		}
	}
	if total == 0 {
		return 0
	}
	slices.Sort(buckets)
	at := func(rank int64) float64 { // the bucket mean of the response of that rank (from 0)
		for _, b := range buckets {
			if rank < ps.frCount[b] {
				return float64(ps.frSum[b]) / float64(ps.frCount[b])
			}
			rank -= ps.frCount[b]
		}
		return 0
	}
	m := at(total / 2)
	if total%2 == 0 {
		m = (at(total/2-1) + at(total/2)) / 2
	}
	return time.Duration(math.Round(m)) * time.Second
}
