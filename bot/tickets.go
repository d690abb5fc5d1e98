package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Ticket statuses.
const (
	StatusOpen       = "open"
	StatusProcessing = "processing"
	StatusResolved   = "resolved"
	StatusClosed     = "closed"
)

// Ticket priorities.
const (
	PriorityNormal = "normal"
	PriorityUrgent = "urgent" // fund safety: the red channel, 1-hour target
)

// Ticket types, mirroring the hotline's routing (1 商户服务, 2 技术支持, 3 投诉建议, 0 其他).
const (
	TypeMerchant  = "merchant"
	TypeTech      = "tech"
	TypeComplaint = "complaint"
	TypeOther     = "other"
)

var typeNames = map[string]string{TypeMerchant: "商户服务", TypeTech: "技术支持", TypeComplaint: "投诉建议", TypeOther: "其他"}

var statusNames = map[string]string{StatusOpen: "待处理", StatusProcessing: "处理中", StatusResolved: "已解决", StatusClosed: "已关闭"}

// Service levels from the seed article: consultations within 4 hours, complaints within 24,
// fund-safety cases within 1.
const (
	slaConsult   = 4 * time.Hour
	slaComplaint = 24 * time.Hour
	slaUrgent    = time.Hour
)

// Errors of the ticket API.
var (
	ErrNoTicket      = errors.New("bot: no such ticket")
	ErrInvalidUpdate = errors.New("bot: invalid ticket update")
)

// Ticket is a work order.
type Ticket struct {
	No              string        `json:"no"`
	OpenID          string        `json:"openid"`
	Type            string        `json:"type"`
	Priority        string        `json:"priority"`
	Status          string        `json:"status"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	DueAt           time.Time     `json:"due_at"`
	MerchantNo      string        `json:"merchant_no,omitempty"`
	Individual      bool          `json:"individual,omitempty"`
	Description     string        `json:"description"`
	Contact         string        `json:"contact,omitempty"`        // full phone, for agents only
	ContactMasked   string        `json:"contact_masked,omitempty"` // for display to users
	Category        string        `json:"category,omitempty"`       // the category the bot last matched
	Transcript      []Turn        `json:"transcript"`
	Replies         []TicketReply `json:"replies"`
	FirstResponseAt *time.Time    `json:"first_response_at,omitempty"`
	CSAT            int           `json:"csat,omitempty"` // 1..5, after resolution
}

// TicketReply is an agent's reply on a ticket.
type TicketReply struct {
	Agent       string     `json:"agent"`
	Text        string     `json:"text"`
	At          time.Time  `json:"at"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	// Pending is true while WeChat would not take the message; it is delivered when the user
	// next writes.
	Pending bool `json:"pending,omitempty"`
}

// Overdue reports whether the ticket is still unresolved past its due time.
func (t Ticket) Overdue(now time.Time) bool {
	return (t.Status == StatusOpen || t.Status == StatusProcessing) && now.After(t.DueAt)
}

func slaFor(typ string, urgent bool) time.Duration {
	switch {
	case urgent:
		return slaUrgent
	case typ == TypeComplaint:
		return slaComplaint
	}
	return slaConsult
}

func slaText(d time.Duration) string {
	return strconv.Itoa(int(d.Hours())) + "小时"
}

// TicketNoRE matches a ticket number: GD, the date (YYYYMMDD) and a 4-digit daily sequence.
var TicketNoRE = regexp.MustCompile(`(?i)GD\d{12}`)

// ticketKey and friends: every ticket key carries the hash tag {tickets}, so a ticket, the
// indexes and the event stream are written in one transaction, on Redis Cluster too.
func (s *store) ticketKey(no string) string       { return s.prefix + "{tickets}:t:" + no }
func (s *store) userTickets(openID string) string { return s.prefix + "{tickets}:user:" + openID }
func (s *store) dueIndex() string                 { return s.prefix + "{tickets}:due" }
func (s *store) flowKey(id string) string         { return s.prefix + "{tickets}:flow:" + id }
func (s *store) seqKey(day string) string         { return s.prefix + "{tickets}:seq:" + day }

// EventsStream is the Redis Stream (under the key prefix) to which every ticket event is
// appended, for external ticketing systems to consume with a consumer group.
const EventsStream = "{tickets}:events"

func (s *store) eventsKey() string { return s.prefix + EventsStream }

// event appends one ticket event to the stream in p.
func (s *store) event(ctx context.Context, p redis.Pipeliner, kind string, t *Ticket, extra map[string]any) {
	values := map[string]any{
		"event": kind, "no": t.No, "status": t.Status, "priority": t.Priority, "type": t.Type,
		"at": t.UpdatedAt.UTC().Format(time.RFC3339),
	}
	for k, v := range extra {
		values[k] = v
	}
	p.XAdd(ctx, &redis.XAddArgs{Stream: s.eventsKey(), MaxLen: 100000, Approx: true, Values: values})
}

// createTicket stores t under a fresh number, once per flow: a second call with the same flow
// id returns the ticket the first made.
func (s *store) createTicket(ctx context.Context, flowID string, t *Ticket, day string) error {
	if no, err := s.rdb.Get(ctx, s.flowKey(flowID)).Result(); err == nil {
		got, err := s.ticket(ctx, no)
		if err != nil {
			return err
		}
		*t = *got
		return nil
	} else if !errors.Is(err, redis.Nil) {
		return fmt.Errorf("bot: create ticket: %w", err)
	}
	seq, err := s.rdb.Incr(ctx, s.seqKey(day)).Result()
	if err != nil {
		return fmt.Errorf("bot: ticket number: %w", err)
	}
	if seq > 9999 {
		return fmt.Errorf("bot: ticket number: more than 9999 tickets on %s", day)
	}
	t.No = fmt.Sprintf("GD%s%04d", day, seq)
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("bot: create ticket: %w", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Expire(ctx, s.seqKey(day), 72*time.Hour)
		p.Set(ctx, s.ticketKey(t.No), b, 0)
		p.ZAdd(ctx, s.userTickets(t.OpenID), redis.Z{Score: float64(t.CreatedAt.Unix()), Member: t.No})
		p.ZAdd(ctx, s.dueIndex(), redis.Z{Score: float64(t.DueAt.Unix()), Member: t.No})
		p.Set(ctx, s.flowKey(flowID), t.No, 24*time.Hour)
		s.event(ctx, p, "created", t, map[string]any{"merchant_no": t.MerchantNo, "category": t.Category})
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: create ticket %s: %w", t.No, err)
	}
	return nil
}

func (s *store) ticket(ctx context.Context, no string) (*Ticket, error) {
	raw, err := s.rdb.Get(ctx, s.ticketKey(no)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNoTicket
	}
	if err != nil {
		return nil, fmt.Errorf("bot: ticket %s: %w", no, err)
	}
	var t Ticket
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("bot: ticket %s: %w", no, err)
	}
	return &t, nil
}

// updateTicket applies change to a ticket under optimistic locking and appends the event.
func (s *store) updateTicket(ctx context.Context, no, kind string, change func(t *Ticket) (map[string]any, error)) (*Ticket, error) {
	var out *Ticket
	key := s.ticketKey(no)
	for range 5 {
		err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			raw, err := tx.Get(ctx, key).Bytes()
			if errors.Is(err, redis.Nil) {
				return ErrNoTicket
			}
			if err != nil {
				return err
			}
			var t Ticket
			if err := json.Unmarshal(raw, &t); err != nil {
				return err
			}
			extra, err := change(&t)
			if err != nil {
				return err
			}
			b, err := json.Marshal(&t)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, key, b, 0)
				p.ZAdd(ctx, s.dueIndex(), redis.Z{Score: float64(t.DueAt.Unix()), Member: t.No})
				s.event(ctx, p, kind, &t, extra)
				return nil
			})
			out = &t
			return err
		}, key)
		if errors.Is(err, redis.TxFailedErr) {
			continue // changed under us: read again
		}
		if err != nil {
			if errors.Is(err, ErrNoTicket) || errors.Is(err, ErrInvalidUpdate) {
				return nil, err
			}
			return nil, fmt.Errorf("bot: update ticket %s: %w", no, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("bot: update ticket %s: too much contention", no)
}

// userTicketNos returns a user's most recent ticket numbers, newest first.
func (s *store) userTicketNos(ctx context.Context, openID string, n int64) ([]string, error) {
	nos, err := s.rdb.ZRevRange(ctx, s.userTickets(openID), 0, n-1).Result()
	if err != nil {
		return nil, fmt.Errorf("bot: user tickets: %w", err)
	}
	return nos, nil
}

func (s *store) tickets(ctx context.Context, nos []string) ([]Ticket, error) {
	if len(nos) == 0 {
		return nil, nil
	}
	keys := make([]string, len(nos))
	for i, no := range nos {
		keys[i] = s.ticketKey(no)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("bot: tickets: %w", err)
	}
	out := make([]Ticket, 0, len(vals))
	for _, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue
		}
		var t Ticket
		if json.Unmarshal([]byte(raw), &t) == nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// pendingReply is an agent's reply waiting for the user's next message.
type pendingReply struct {
	No    string    `json:"no"`
	Agent string    `json:"agent"`
	Text  string    `json:"text"`
	At    time.Time `json:"at"`
	Index int       `json:"index"` // position in Ticket.Replies
}

func (s *store) addPending(ctx context.Context, openID string, p pendingReply) error {
	b, _ := json.Marshal(p)
	_, err := s.rdb.Pipelined(ctx, func(pp redis.Pipeliner) error {
		pp.LPush(ctx, s.userKey(openID, "pending"), b)
		pp.Expire(ctx, s.userKey(openID, "pending"), 30*24*time.Hour)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: pending reply: %w", err)
	}
	return nil
}

// TicketFilter selects tickets for the agent API.
type TicketFilter struct {
	Status, Priority string
	Overdue          bool
	Page, PerPage    int // Page from 1
}

// TicketPage is one page of tickets, oldest due first.
type TicketPage struct {
	Tickets []Ticket `json:"tickets"`
	Page    int      `json:"page"`
	PerPage int      `json:"per_page"`
	Total   int      `json:"total"`
}

// Tickets lists tickets for agents.
func (b *Bot) Tickets(ctx context.Context, f TicketFilter) (TicketPage, error) {
	if b.st == nil {
		return TicketPage{}, errors.New("bot: tickets need Redis")
	}
	if f.Status != "" && statusNames[f.Status] == "" {
		return TicketPage{}, fmt.Errorf("%w: unknown status %q", ErrInvalidUpdate, f.Status)
	}
	if f.Priority != "" && f.Priority != PriorityNormal && f.Priority != PriorityUrgent {
		return TicketPage{}, fmt.Errorf("%w: unknown priority %q", ErrInvalidUpdate, f.Priority)
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 || f.PerPage > 100 {
		f.PerPage = 20
	}
	nos, err := b.st.rdb.ZRange(ctx, b.st.dueIndex(), 0, -1).Result()
	if err != nil {
		return TicketPage{}, fmt.Errorf("bot: list tickets: %w", err)
	}
	now := b.now()
	var match []Ticket
	for chunk := range slices.Chunk(nos, 200) {
		ts, err := b.st.tickets(ctx, chunk)
		if err != nil {
			return TicketPage{}, err
		}
		for _, t := range ts {
			if (f.Status == "" || t.Status == f.Status) && (f.Priority == "" || t.Priority == f.Priority) && (!f.Overdue || t.Overdue(now)) {
				match = append(match, t)
			}
		}
	}
	page := TicketPage{Page: f.Page, PerPage: f.PerPage, Total: len(match), Tickets: []Ticket{}}
	from := (f.Page - 1) * f.PerPage
	if from < len(match) {
		page.Tickets = match[from:min(len(match), from+f.PerPage)]
	}
	return page, nil
}

// Ticket returns one ticket for agents.
func (b *Bot) Ticket(ctx context.Context, no string) (*Ticket, error) {
	if b.st == nil {
		return nil, errors.New("bot: tickets need Redis")
	}
	return b.st.ticket(ctx, no)
}

// ReplyTicket stores an agent's reply on a ticket and delivers it to the user as a
// customer-service message. When WeChat refuses (48-hour window, quota) or no messenger is
// configured, the reply is kept pending and shown the next time the user writes; with a
// template id configured a template message tells the user meanwhile.
func (b *Bot) ReplyTicket(ctx context.Context, no, agent, text string) (*Ticket, error) {
	if b.st == nil {
		return nil, errors.New("bot: tickets need Redis")
	}
	text = redact(text) // agents must not paste secrets either
	now := b.now()
	idx := 0
	t, err := b.st.updateTicket(ctx, no, "replied", func(t *Ticket) (map[string]any, error) {
		if t.Status == StatusClosed {
			return nil, fmt.Errorf("%w: ticket is closed", ErrInvalidUpdate)
		}
		t.Replies = append(t.Replies, TicketReply{Agent: agent, Text: text, At: now, Pending: true})
		idx = len(t.Replies) - 1
		if t.FirstResponseAt == nil {
			t.FirstResponseAt = &now
		}
		if t.Status == StatusOpen {
			t.Status = StatusProcessing
		}
		t.UpdatedAt = now
		return map[string]any{"agent": agent}, nil
	})
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("【工单 %s 客服回复】\n%s\n\n回复“查询工单 %s”查看进度。", t.No, text, t.No)
	if err := b.deliver(ctx, t, idx, msg, now); err != nil {
		return nil, err
	}
	return b.st.ticket(ctx, no)
}

// deliver sends msg about ticket t now, or keeps it pending for the user's next message.
func (b *Bot) deliver(ctx context.Context, t *Ticket, idx int, msg string, now time.Time) error {
	var sendErr error = ErrOutsideWindow
	if b.messenger != nil && b.inWindow(ctx, t.OpenID, now) {
		sendErr = b.messenger.SendText(ctx, t.OpenID, msg)
	}
	if sendErr == nil {
		_, err := b.st.updateTicket(ctx, t.No, "delivered", func(t *Ticket) (map[string]any, error) {
			if idx >= 0 && idx < len(t.Replies) {
				t.Replies[idx].Pending, t.Replies[idx].DeliveredAt = false, &now
			}
			return nil, nil
		})
		return err
	}
	if !errors.Is(sendErr, ErrOutsideWindow) {
		b.log.WarnContext(ctx, "customer-service message failed; kept pending", "ticket", t.No, "error", sendErr)
	}
	if err := b.st.addPending(ctx, t.OpenID, pendingReply{No: t.No, Text: msg, At: now, Index: idx}); err != nil {
		return err
	}
	if b.messenger != nil && b.templateID != "" && errors.Is(sendErr, ErrOutsideWindow) {
		err := b.messenger.SendTemplate(ctx, t.OpenID, b.templateID, map[string]string{
			"first": "您的工单有新进展", "keyword1": t.No, "keyword2": statusNames[t.Status], "remark": "请进入公众号查看客服回复",
		})
		if err != nil {
			b.log.WarnContext(ctx, "template message failed", "ticket", t.No, "error", err)
		}
	}
	return nil
}

// serviceWindow is how long after a user's last message WeChat accepts customer-service
// messages to that user.
const serviceWindow = 48 * time.Hour

// inWindow reports whether the user wrote within WeChat's 48-hour window, by the newest turn of
// the transcript (kept 7 days). When that cannot be read, WeChat decides (45015).
func (b *Bot) inWindow(ctx context.Context, openID string, now time.Time) bool {
	tr, err := b.st.transcript(ctx, openID, 2)
	if err != nil {
		return true
	}
	for i := len(tr) - 1; i >= 0; i-- {
		if tr[i].From == "user" {
			return now.Sub(tr[i].Time) < serviceWindow
		}
	}
	return false // no message in the transcript's 7 days
}

// UpdateTicket changes a ticket's status and/or priority. Resolving or closing tells the user
// and asks for a 1-5 satisfaction score.
func (b *Bot) UpdateTicket(ctx context.Context, no, status, priority string) (*Ticket, error) {
	if b.st == nil {
		return nil, errors.New("bot: tickets need Redis")
	}
	if status == "" && priority == "" {
		return nil, fmt.Errorf("%w: give status or priority", ErrInvalidUpdate)
	}
	if status != "" && statusNames[status] == "" {
		return nil, fmt.Errorf("%w: unknown status %q", ErrInvalidUpdate, status)
	}
	if priority != "" && priority != PriorityNormal && priority != PriorityUrgent {
		return nil, fmt.Errorf("%w: unknown priority %q", ErrInvalidUpdate, priority)
	}
	now := b.now()
	var finished bool
	t, err := b.st.updateTicket(ctx, no, "status_changed", func(t *Ticket) (map[string]any, error) {
		extra := map[string]any{"from_status": t.Status, "from_priority": t.Priority}
		wasDone := t.Status == StatusResolved || t.Status == StatusClosed
		if status != "" {
			t.Status = status
		}
		if priority != "" && priority != t.Priority {
			t.Priority = priority
			t.DueAt = t.CreatedAt.Add(slaFor(t.Type, priority == PriorityUrgent))
		}
		finished = !wasDone && (t.Status == StatusResolved || t.Status == StatusClosed)
		t.UpdatedAt = now
		return extra, nil
	})
	if err != nil {
		return nil, err
	}
	if finished {
		word := "已解决"
		if t.Status == StatusClosed {
			word = "已关闭"
		}
		msg := fmt.Sprintf("您的工单 %s %s。\n请回复数字1-5为本次服务评分（5分为非常满意），感谢您的反馈！", t.No, word)
		if err := b.st.rdb.Set(ctx, b.st.userKey(t.OpenID, "csat"), t.No, 7*24*time.Hour).Err(); err != nil {
			return nil, fmt.Errorf("bot: ask for csat: %w", err)
		}
		if err := b.deliver(ctx, t, -1, msg, now); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// DeskStats are the figures of GET /api/v1/stats.
type DeskStats struct {
	ByStatus            map[string]int      `json:"by_status"`
	ByPriority          map[string]int      `json:"by_priority"`
	Overdue             int                 `json:"overdue"`
	MedianFirstResponse string              `json:"median_first_response"`
	MedianFirstRespSecs float64             `json:"median_first_response_seconds"`
	CSATAverage         float64             `json:"csat_average"`
	CSATCount           int                 `json:"csat_count"`
	Dialogue            map[string]DayStats `json:"dialogue"` // day (YYYYMMDD) → category → counter
}

// Stats sums up tickets and the dialogue's quality counters of the last 7 days.
func (b *Bot) Stats(ctx context.Context) (DeskStats, error) {
	out := DeskStats{ByStatus: map[string]int{}, ByPriority: map[string]int{}, Dialogue: map[string]DayStats{}}
	if b.st == nil {
		return out, errors.New("bot: stats need Redis")
	}
	nos, err := b.st.rdb.ZRange(ctx, b.st.dueIndex(), 0, -1).Result()
	if err != nil {
		return out, fmt.Errorf("bot: stats: %w", err)
	}
	now := b.now()
	var firsts []float64
	csatSum := 0
	for chunk := range slices.Chunk(nos, 200) {
		ts, err := b.st.tickets(ctx, chunk)
		if err != nil {
			return out, err
		}
		for _, t := range ts {
			out.ByStatus[t.Status]++
			out.ByPriority[t.Priority]++
			if t.Overdue(now) {
				out.Overdue++
			}
			if t.FirstResponseAt != nil {
				firsts = append(firsts, t.FirstResponseAt.Sub(t.CreatedAt).Seconds())
			}
			if t.CSAT > 0 {
				csatSum += t.CSAT
				out.CSATCount++
			}
		}
	}
	if len(firsts) > 0 {
		sort.Float64s(firsts)
		m := firsts[len(firsts)/2]
		if len(firsts)%2 == 0 {
			m = (firsts[len(firsts)/2-1] + firsts[len(firsts)/2]) / 2
		}
		out.MedianFirstRespSecs = m
		out.MedianFirstResponse = (time.Duration(m) * time.Second).String()
	}
	if out.CSATCount > 0 {
		out.CSATAverage = float64(csatSum) / float64(out.CSATCount)
	}
	for d := range 7 {
		day := day(now.AddDate(0, 0, -d), b.hours.Location)
		ds, err := Stats(ctx, b.st.rdb, b.st.prefix, day)
		if err != nil {
			return out, err
		}
		if len(ds) > 0 {
			out.Dialogue[day] = ds
		}
	}
	return out, nil
}
