package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// Tickets in Redis (see keys.go): every ticket key carries the hash tag {tickets}, so a ticket,
// its indexes and the event stream are written in one transaction, on Redis Cluster too.

// event appends one ticket event to the stream in p.
func (s *store) event(ctx context.Context, p redis.Pipeliner, kind EventKind, t *Ticket, extra map[string]any) {
	values := map[string]any{
		// go-redis takes plain strings only, not named string types.
		"event": string(kind), "no": t.No, "status": string(t.Status), "priority": string(t.Priority), "type": string(t.Type),
		"at": t.UpdatedAt.UTC().Format(time.RFC3339),
	}
	for k, v := range extra {
		values[k] = v
	}
	p.XAdd(ctx, &redis.XAddArgs{Stream: s.keys.events(), MaxLen: eventsMaxLen, Approx: true, Values: values})
}

// createTicket stores t under a fresh number, once per flow: a second call with the same flow
// id returns the ticket the first made.
//
// Each of its round trips is bounded by REDIS_TIMEOUT.
func (s *store) createTicket(ctx context.Context, flowID string, t *Ticket, day string) error {
	cctx, cancel := s.bounded(ctx)
	no, err := s.rdb.Get(cctx, s.keys.ticketFlow(flowID)).Result()
	cancel()
	if err == nil {
		got, err := s.ticket(ctx, no)
		if err != nil {
			return err
		}
		*t = *got
		return nil
	} else if !errors.Is(err, redis.Nil) {
		return fail("create ticket", err)
	}
	cctx, cancel = s.bounded(ctx)
	seq, err := s.rdb.Incr(cctx, s.keys.ticketSeq(day)).Result()
	cancel()
	if err != nil {
		return fail("ticket number", err)
	}
	if seq > 9999 {
		return fmt.Errorf("bot: ticket number: more than 9999 tickets on %s", day)
	}
	t.No = fmt.Sprintf("GD%s%04d", day, seq)
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("bot: create ticket: %w", err)
	}
	ctx, cancel = s.bounded(ctx)
	defer cancel()
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Expire(ctx, s.keys.ticketSeq(day), ticketSeqTTL)
		p.Set(ctx, s.keys.ticket(t.No), b, 0)
		p.ZAdd(ctx, s.keys.userTickets(t.OpenID), redis.Z{Score: float64(t.CreatedAt.Unix()), Member: t.No})
		p.ZAdd(ctx, s.keys.due(), redis.Z{Score: float64(t.DueAt.Unix()), Member: t.No})
		p.Set(ctx, s.keys.ticketFlow(flowID), t.No, ticketFlowTTL)
		s.event(ctx, p, EventCreated, t, map[string]any{"merchant_no": t.MerchantNo, "category": t.Category})
		s.reindex(ctx, p, nil, t, t.CreatedAt, 0)
		s.count(ctx, p, nil, t, t.CreatedAt)
		s.addTimeline(ctx, p, t.No, TimelineEvent{At: t.CreatedAt, Kind: EventCreated})
		return nil
	})
	if err != nil {
		return fail("create ticket "+t.No, err)
	}
	if s.observe != nil {
		s.observe(ctx, nil, t, "", nil)
	}
	return nil
}

// ticket reads one ticket; ErrNoTicket when there is none.
func (s *store) ticket(ctx context.Context, no string) (*Ticket, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	raw, err := s.rdb.Get(ctx, s.keys.ticket(no)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNoTicket
	}
	if err != nil {
		return nil, fail("ticket "+no, err)
	}
	var t Ticket
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("bot: ticket %s: %w", no, err)
	}
	return &t, nil
}

// updateTicket applies change to a ticket under optimistic locking and appends the event.
// Errors of change and ErrNoTicket are returned as they are. It is changeTicket for changes
// that no agent makes (the user's score) or that carry no timeline events of their own.
func (s *store) updateTicket(ctx context.Context, no string, kind EventKind, change func(t *Ticket) (map[string]any, error)) (*Ticket, error) {
	return s.changeTicket(ctx, no, "", kind, func(t *Ticket) (*ticketChange, error) {
		extra, err := change(t)
		return &ticketChange{extra: extra}, err
	})
}

// ticketChange is what a change of a ticket records besides the ticket itself.
type ticketChange struct {
	extra  map[string]any  // fields of the EventsStream entry
	events []TimelineEvent // timeline events of its own: replies, notes, deliveries
}

// changeTicket applies change to a ticket under optimistic locking (WATCH), and writes in one
// MULTI the ticket, its indexes, the day's counters, the event (none when kind is ""), the
// timeline and, when an agent (by) made it, the audit trail. Changes of status, priority,
// assignee and satisfaction score go on the timeline by themselves. Errors of change and
// ErrNoTicket are returned as they are.
func (s *store) changeTicket(ctx context.Context, no, by string, kind EventKind, change func(t *Ticket) (*ticketChange, error)) (*Ticket, error) {
	var out *Ticket
	var events []TimelineEvent
	var old Ticket
	key := s.keys.ticket(no)
	for range 5 {
		var changeErr error
		// An attempt is a few round trips (WATCH, GET and PTTL, MULTI…EXEC): bounded by twice
		// the Redis timeout.
		ctx, cancel := context.WithTimeout(ctx, 2*s.timeout)
		err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			var get *redis.StringCmd
			var pttl *redis.DurationCmd
			_, err := tx.Pipelined(ctx, func(p redis.Pipeliner) error {
				get, pttl = p.Get(ctx, key), p.PTTL(ctx, key)
				return nil
			})
			if errors.Is(err, redis.Nil) {
				changeErr = ErrNoTicket
				return changeErr
			}
			if err != nil {
				return err
			}
			var t Ticket
			if err := json.Unmarshal([]byte(get.Val()), &t); err != nil {
				return err
			}
			old = t
			old.Replies = slices.Clone(t.Replies)
			c, err := change(&t)
			if err != nil {
				changeErr = err
				return err
			}
			if c == nil {
				c = &ticketChange{}
			}
			now := s.now()
			events = append(slices.Clone(c.events), diffEvents(&old, &t, by, now)...)
			b, err := json.Marshal(&t)
			if err != nil {
				return err
			}
			ttl := s.ticketTTL(old.Status.done(), t.Status.done())
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, key, b, ttl)
				p.ZAdd(ctx, s.keys.due(), redis.Z{Score: float64(t.DueAt.Unix()), Member: t.No})
				if kind != "" {
					s.event(ctx, p, kind, &t, c.extra)
				}
				s.reindex(ctx, p, &old, &t, now, pttl.Val())
				s.count(ctx, p, &old, &t, now)
				s.addTimeline(ctx, p, t.No, events...)
				switch {
				case !t.Status.done():
					p.Persist(ctx, s.keys.timeline(t.No))
				case ttl == redis.KeepTTL && pttl.Val() > 0:
					p.PExpire(ctx, s.keys.timeline(t.No), pttl.Val())
				default:
					p.PExpire(ctx, s.keys.timeline(t.No), s.ticketRetention)
				}
				if by != "" {
					for _, e := range events {
						s.addAudit(ctx, p, auditOf(e, t.No))
					}
				}
				return nil
			})
			out = &t
			return err
		}, key)
		cancel()
		if errors.Is(err, redis.TxFailedErr) {
			continue // changed under us: read again
		}
		if changeErr != nil {
			return nil, changeErr
		}
		if err != nil {
			return nil, fail("update ticket "+no, err)
		}
		if s.observe != nil {
			s.observe(ctx, &old, out, by, events)
		}
		return out, nil
	}
	return nil, fmt.Errorf("bot: update ticket %s: too much contention", no)
}

// diffEvents are the timeline events of the changes from old to t that no change function
// spells out: status, priority, assignee and score.
func diffEvents(old, t *Ticket, by string, now time.Time) []TimelineEvent {
	var out []TimelineEvent
	if old.Status != t.Status {
		out = append(out, TimelineEvent{At: now, Kind: EventStatusChanged, Agent: by, From: string(old.Status), To: string(t.Status)})
	}
	if old.Priority != t.Priority {
		out = append(out, TimelineEvent{At: now, Kind: EventPriorityChanged, Agent: by, From: string(old.Priority), To: string(t.Priority)})
	}
	if old.Assignee != t.Assignee {
		out = append(out, TimelineEvent{At: now, Kind: EventAssigned, Agent: by, From: old.Assignee, To: t.Assignee})
	}
	if old.CSAT != t.CSAT && t.CSAT > 0 {
		out = append(out, TimelineEvent{At: now, Kind: EventRated, CSAT: t.CSAT})
	}
	return out
}

// ticketTTL is the expiry a ticket is written with: the retention from when it is resolved or
// closed, the same expiry while it stays so, none while it is (re)opened.
func (s *store) ticketTTL(wasDone, done bool) time.Duration {
	switch {
	case done && !wasDone:
		return s.ticketRetention
	case done:
		return redis.KeepTTL
	}
	return 0
}

// userTicketNos returns a user's most recent ticket numbers, newest first.
func (s *store) userTicketNos(ctx context.Context, openID string, n int64) ([]string, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	nos, err := s.rdb.ZRevRange(ctx, s.keys.userTickets(openID), 0, n-1).Result()
	if err != nil {
		return nil, fail("user tickets", err)
	}
	return nos, nil
}

// tickets reads the tickets numbered nos, in that order, skipping any that are gone (expired
// past their retention); it returns the numbers of those too.
func (s *store) tickets(ctx context.Context, nos []string) (ts []Ticket, gone []string, err error) {
	if len(nos) == 0 {
		return nil, nil, nil
	}
	keys := make([]string, len(nos))
	for i, no := range nos {
		keys[i] = s.keys.ticket(no)
	}
	cctx, cancel := s.bounded(ctx)
	defer cancel()
	vals, err := s.rdb.MGet(cctx, keys...).Result()
	if err != nil {
		return nil, nil, fail("tickets", err)
	}
	out := make([]Ticket, 0, len(vals))
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			gone = append(gone, nos[i])
			continue
		}
		var t Ticket
		if json.Unmarshal([]byte(raw), &t) == nil {
			out = append(out, t)
		}
	}
	return out, gone, nil
}

// userTickets returns up to n of a user's most recent tickets, newest first, and drops the
// numbers of expired ones from the user's index.
func (s *store) userTickets(ctx context.Context, openID string, n int) ([]Ticket, error) {
	// Read a few more than asked for: the oldest may have expired.
	nos, err := s.userTicketNos(ctx, openID, int64(n)+15)
	if err != nil {
		return nil, err
	}
	ts, gone, err := s.tickets(ctx, nos)
	if err != nil {
		return nil, err
	}
	s.prune(ctx, s.keys.userTickets(openID), gone)
	return ts[:min(n, len(ts))], nil
}

// prune removes the numbers of expired tickets from an index. It is tidying: a failure is left
// for the next read to retry.
func (s *store) prune(ctx context.Context, index string, gone []string) {
	if len(gone) == 0 {
		return
	}
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	members := make([]any, len(gone))
	for i, no := range gone {
		members[i] = no
	}
	_ = s.rdb.ZRem(ctx, index, members...).Err()
}

// addPending queues an agent's reply for the user's next message.
func (s *store) addPending(ctx context.Context, openID string, p pendingReply) error {
	b, _ := json.Marshal(p)
	_, err := s.rdb.Pipelined(ctx, func(pp redis.Pipeliner) error {
		pp.LPush(ctx, s.keys.pending(openID), b)
		pp.Expire(ctx, s.keys.pending(openID), pendingTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: pending reply: %w", err)
	}
	return nil
}

// askCSAT makes the user's next message a satisfaction score for ticket no.
func (s *store) askCSAT(ctx context.Context, openID, no string) error {
	if err := s.rdb.Set(ctx, s.keys.csat(openID), no, csatTTL).Err(); err != nil {
		return fmt.Errorf("bot: ask for csat: %w", err)
	}
	return nil
}
