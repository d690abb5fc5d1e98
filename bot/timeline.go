package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// TimelineEvent is one thing that happened to a ticket. Texts are masked: replies holding a
// payment secret are refused, notes are redacted, phone numbers are masked in both.
type TimelineEvent struct {
	At      time.Time `json:"at"`
	Kind    EventKind `json:"kind"`
	Agent   string    `json:"agent,omitempty"`
	Text    string    `json:"text,omitempty"` // reply or note text (masked)
	From    string    `json:"from,omitempty"` // previous value for changes
	To      string    `json:"to,omitempty"`
	ErrCode int       `json:"errcode,omitempty"` // WeChat's errcode for a failed delivery
	CSAT    int       `json:"csat,omitempty"`
}

// AuditEntry is one line of the audit trail: who did what, when, from where. It never holds
// reply or note texts, passwords or tokens.
type AuditEntry struct {
	At       time.Time `json:"at"`
	Agent    string    `json:"agent"`
	Action   string    `json:"action"`
	Ticket   string    `json:"ticket,omitempty"`
	ClientIP string    `json:"client_ip,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// Audit actions besides the ticket events (which use their EventKind).
const (
	AuditLogin        = "login"
	AuditLoginFailed  = "login_failed"
	AuditLoginLocked  = "login_locked"
	AuditLogout       = "logout"
	AuditLogoutAll    = "logout_everywhere"
	AuditAgentAdded   = "agent_added"
	AuditAgentOff     = "agent_disabled"
	AuditPassword     = "password_changed"
	AuditTokenCreated = "token_created"
	AuditTokenRevoked = "token_revoked"
)

func (s *store) addTimeline(ctx context.Context, p redis.Pipeliner, no string, events ...TimelineEvent) {
	for _, e := range events {
		v := map[string]any{"kind": string(e.Kind), "at": e.At.UTC().Format(time.RFC3339Nano)}
		for k, s := range map[string]string{"agent": e.Agent, "text": e.Text, "from": e.From, "to": e.To} {
			if s != "" {
				v[k] = s
			}
		}
		if e.ErrCode != 0 {
			v["errcode"] = e.ErrCode
		}
		if e.CSAT != 0 {
			v["csat"] = e.CSAT
		}
		p.XAdd(ctx, &redis.XAddArgs{Stream: s.keys.timeline(no), MaxLen: timelineMaxLen, Approx: true, Values: v})
	}
}

func (s *store) addAudit(ctx context.Context, p redis.Cmdable, e AuditEntry) {
	v := map[string]any{"action": e.Action, "agent": e.Agent, "at": e.At.UTC().Format(time.RFC3339Nano)}
	for k, s := range map[string]string{"ticket": e.Ticket, "ip": e.ClientIP, "detail": e.Detail} {
		if s != "" {
			v[k] = s
		}
	}
	p.XAdd(ctx, &redis.XAddArgs{Stream: s.keys.audit(), MaxLen: auditMaxLen, Approx: true, Values: v})
}

// audit appends one entry on its own; a failure is returned for the caller to log.
func (s *store) audit(ctx context.Context, e AuditEntry) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		s.addAudit(ctx, p, e)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: audit: %w", err)
	}
	return nil
}

// auditOf is the audit entry of a ticket's timeline event: the action and the change, never
// the text.
func auditOf(e TimelineEvent, no string) AuditEntry {
	a := AuditEntry{At: e.At, Agent: e.Agent, Action: string(e.Kind), Ticket: no}
	switch {
	case e.From != "" || e.To != "":
		a.Detail = e.From + "→" + e.To
	case e.ErrCode != 0:
		a.Detail = "errcode " + strconv.Itoa(e.ErrCode)
	}
	return a
}

// timeline reads a ticket's timeline, oldest first.
func (s *store) timeline(ctx context.Context, no string) ([]TimelineEvent, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	msgs, err := s.rdb.XRangeN(ctx, s.keys.timeline(no), "-", "+", timelineMaxLen).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fail("timeline "+no, err)
	}
	out := make([]TimelineEvent, 0, len(msgs))
	for _, m := range msgs {
		str := func(k string) string { v, _ := m.Values[k].(string); return v }
		num := func(k string) int { n, _ := strconv.Atoi(str(k)); return n }
		at, _ := time.Parse(time.RFC3339Nano, str("at"))
		out = append(out, TimelineEvent{
			At: at, Kind: EventKind(str("kind")), Agent: str("agent"), Text: str("text"),
			From: str("from"), To: str("to"), ErrCode: num("errcode"), CSAT: num("csat"),
		})
	}
	return out, nil
}

// auditLog reads the newest limit entries of the audit trail, newest first.
func (s *store) auditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	msgs, err := s.rdb.XRevRangeN(ctx, s.keys.audit(), "+", "-", int64(limit)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fail("audit", err)
	}
	out := make([]AuditEntry, 0, len(msgs))
	for _, m := range msgs {
		str := func(k string) string { v, _ := m.Values[k].(string); return v }
		at, _ := time.Parse(time.RFC3339Nano, str("at"))
		out = append(out, AuditEntry{At: at, Agent: str("agent"), Action: str("action"), Ticket: str("ticket"), ClientIP: str("ip"), Detail: str("detail")})
	}
	return out, nil
}

// Timeline returns everything that happened to a ticket, oldest first. A ticket from before
// the timeline existed gets its creation and replies from the ticket itself.
func (b *Bot) Timeline(ctx context.Context, no string) ([]TimelineEvent, error) {
	t, err := b.st.ticket(ctx, no)
	if err != nil {
		return nil, err
	}
	events, err := b.st.timeline(ctx, no)
	if err != nil {
		return nil, err
	}
	if len(events) > 0 && events[0].Kind == EventCreated {
		return events, nil
	}
	// Before the first recorded event: what the ticket itself remembers.
	until := time.Now().Add(100 * 365 * 24 * time.Hour)
	if len(events) > 0 {
		until = events[0].At
	}
	past := []TimelineEvent{{At: t.CreatedAt, Kind: EventCreated}}
	for _, r := range t.Replies {
		if !r.At.Before(until) {
			break
		}
		past = append(past, TimelineEvent{At: r.At, Kind: EventReplied, Agent: r.Agent, Text: r.Text})
		if r.DeliveredAt != nil {
			past = append(past, TimelineEvent{At: *r.DeliveredAt, Kind: EventDelivered})
		}
	}
	return append(past, events...), nil
}

// Audit returns the newest limit entries of the audit trail (1..1000, default 100), newest
// first.
func (b *Bot) Audit(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return b.st.auditLog(ctx, limit)
}
