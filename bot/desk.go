package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The agents' desk: the use cases of the agent API (handlers/agent.go) over tickets.

// Tickets returns one page of the agents' queue: urgent first, then oldest due first. It reads
// the indexes (see keys.go), never every ticket. A query that is a ticket number returns that
// ticket whatever the other fields say.
func (b *Bot) Tickets(ctx context.Context, f TicketFilter) (TicketPage, error) {
	if err := f.Validate(); err != nil {
		return TicketPage{}, err
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 || f.PerPage > 100 {
		f.PerPage = 20
	}
	f.Query = strings.ToUpper(strings.TrimSpace(f.Query))
	page := TicketPage{Page: f.Page, PerPage: f.PerPage, Tickets: []Ticket{}}
	if fullNoRE.MatchString(f.Query) {
		t, err := b.st.ticket(ctx, f.Query)
		if errors.Is(err, ErrNoTicket) {
			return page, nil
		}
		if err != nil {
			return TicketPage{}, err
		}
		if f.Page == 1 {
			page.Tickets = append(page.Tickets, *t)
		}
		page.Total = 1
		return page, nil
	}
	nos, total, err := b.st.queue(ctx, f, b.now())
	if err != nil {
		return TicketPage{}, err
	}
	ts, gone, err := b.st.tickets(ctx, nos)
	if err != nil {
		return TicketPage{}, err
	}
	b.st.forget(ctx, gone)
	page.Tickets = append(page.Tickets, ts...)
	page.Total = total - len(gone)
	return page, nil
}

// Ticket returns one ticket for agents.
func (b *Bot) Ticket(ctx context.Context, no string) (*Ticket, error) {
	return b.st.ticket(ctx, no)
}

// maxAgentText is the longest reply or note an agent can write, in runes.
const maxAgentText = 1500

// checkAgentText refuses an empty or too long text, one that holds a payment secret or asks
// the user for a code or password.
func checkAgentText(text string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(text)); {
	case n == 0:
		return Errorf(CodeInvalid, "内容不能为空。")
	case n > maxAgentText:
		return Errorf(CodeInvalid, "内容超过 %d 字，请精简后重试。", maxAgentText)
	}
	if g := guard(text); g.found() {
		return Errorf(CodeInvalid, "回复中含有%s等敏感信息，已拒绝发送。请删除后重试。", strings.Join(g.kinds, "、"))
	}
	if asksForSecret(text) {
		return Errorf(CodeInvalid, "官方客服不会向用户索要验证码或密码，回复未发送。")
	}
	return nil
}

// ReplyTicket stores the reply of agent by on a ticket and delivers it to the user as a
// customer-service message. When WeChat refuses (48-hour window, quota) or no messenger is
// configured, the reply is kept pending and shown the next time the user writes; with a
// template id configured a template message tells the user meanwhile. The timeline records
// the reply and whether it was delivered, is pending or failed (with WeChat's errcode).
//
// A reply holding a payment secret, or asking the user for a code or password, is refused
// (CodeInvalid) and stored nowhere; phone numbers in it are masked.
func (b *Bot) ReplyTicket(ctx context.Context, by Agent, no, text string) (*Ticket, error) {
	if err := checkAgentText(text); err != nil {
		return nil, err
	}
	text = maskPhones(strings.TrimSpace(text))
	agent := redact(by.Name) // stored on the ticket and put on the events stream
	now := b.now()
	idx := 0
	t, err := b.st.changeTicket(ctx, no, agent, EventReplied, func(t *Ticket) (*ticketChange, error) {
		if t.Status == StatusClosed {
			return nil, Errorf(CodeInvalid, "ticket is closed")
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
		return &ticketChange{
			extra:  map[string]any{"agent": agent},
			events: []TimelineEvent{{At: now, Kind: EventReplied, Agent: agent, Text: text}},
		}, nil
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

// AddNote adds an internal note of agent by to a ticket's timeline; it is never sent to the
// user. Payment secrets and phone numbers in it are masked.
func (b *Bot) AddNote(ctx context.Context, by Agent, no, text string) (*Ticket, error) {
	switch n := utf8.RuneCountInString(strings.TrimSpace(text)); {
	case n == 0:
		return nil, Errorf(CodeInvalid, "备注不能为空。")
	case n > maxAgentText:
		return nil, Errorf(CodeInvalid, "备注超过 %d 字，请精简后重试。", maxAgentText)
	}
	now := b.now()
	note := redact(strings.TrimSpace(text))
	return b.st.changeTicket(ctx, no, by.Name, "", func(t *Ticket) (*ticketChange, error) {
		t.UpdatedAt = now
		return &ticketChange{events: []TimelineEvent{{At: now, Kind: EventNote, Agent: by.Name, Text: note}}}, nil
	})
}

// RevealContact returns a ticket's full contact phone for agent by, and records that the agent
// saw it (timeline and audit). A ticket without a phone returns "" and records nothing.
func (b *Bot) RevealContact(ctx context.Context, by Agent, no string) (string, error) {
	t, err := b.st.ticket(ctx, no)
	if err != nil {
		return "", err
	}
	if t.Contact == "" {
		return "", nil
	}
	now := b.now()
	e := TimelineEvent{At: now, Kind: EventContactViewed, Agent: by.Name}
	if err := b.st.record(ctx, no, e); err != nil {
		return "", err
	}
	b.log.InfoContext(ctx, "ticket contact viewed", "ticket", no, "agent", by.Name)
	return t.Contact, nil
}

// deliver sends msg about ticket t now, or keeps it pending for the user's next message. For
// an agent's reply (idx ≥ 0) the timeline records the outcome.
func (b *Bot) deliver(ctx context.Context, t *Ticket, idx int, msg string, now time.Time) error {
	var sendErr error = ErrOutsideWindow
	if b.messenger != nil && b.inWindow(ctx, t.OpenID, now) {
		sendErr = b.messenger.SendText(ctx, t.OpenID, msg)
	}
	if sendErr == nil {
		_, err := b.st.changeTicket(ctx, t.No, "", EventDelivered, func(t *Ticket) (*ticketChange, error) {
			if idx >= 0 && idx < len(t.Replies) {
				t.Replies[idx].Pending, t.Replies[idx].DeliveredAt = false, &now
				return &ticketChange{events: []TimelineEvent{{At: now, Kind: EventDelivered}}}, nil
			}
			return nil, nil
		})
		return err
	}
	code := errCode(sendErr)
	if !errors.Is(sendErr, ErrOutsideWindow) {
		b.log.WarnContext(ctx, "customer-service message failed; kept pending", "ticket", t.No, "errcode", code, "error", sendErr)
	}
	if idx >= 0 {
		e := TimelineEvent{At: now, Kind: EventPending, ErrCode: code}
		if !errors.Is(sendErr, ErrOutsideWindow) {
			e.Kind = EventFailed
		}
		_, err := b.st.changeTicket(ctx, t.No, "", "", func(t *Ticket) (*ticketChange, error) {
			if idx < len(t.Replies) && e.Kind == EventFailed {
				t.Replies[idx].ErrCode = code
			}
			return &ticketChange{events: []TimelineEvent{e}}, nil
		})
		if err != nil {
			return err
		}
	}
	if err := b.st.addPending(ctx, t.OpenID, pendingReply{No: t.No, Text: msg, At: now, Index: idx}); err != nil {
		return err
	}
	if b.messenger != nil && b.templateID != "" && errors.Is(sendErr, ErrOutsideWindow) {
		err := b.messenger.SendTemplate(ctx, t.OpenID, b.templateID, map[string]string{
			"first": "您的工单有新进展", "keyword1": t.No, "keyword2": t.Status.Name(), "remark": "请进入公众号查看客服回复",
		})
		if err != nil {
			b.log.WarnContext(ctx, "template message failed", "ticket", t.No, "errcode", errCode(err), "error", err)
		}
	}
	return nil
}

// errCode is WeChat's errcode in err's chain (the Messenger's errors implement
// interface{ ErrCode() int }), or 0.
func errCode(err error) int {
	var ec interface{ ErrCode() int }
	if errors.As(err, &ec) {
		return ec.ErrCode()
	}
	return 0
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

// UpdateTicket applies agent by's change of status, priority and/or assignee (an active
// agent's name, or "" to unassign). Resolving or closing tells the user and asks for a 1-5
// satisfaction score.
func (b *Bot) UpdateTicket(ctx context.Context, by Agent, no string, u TicketUpdate) (*Ticket, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if u.Assignee != nil && *u.Assignee != "" {
		a, err := b.st.agent(ctx, *u.Assignee)
		if errors.Is(err, errNoAgent) || err == nil && a.Disabled {
			return nil, Errorf(CodeInvalid, "没有名为 %s 的在岗客服。", *u.Assignee)
		}
		if err != nil {
			return nil, err
		}
	}
	now := b.now()
	var finished bool
	t, err := b.st.changeTicket(ctx, no, by.Name, EventStatusChanged, func(t *Ticket) (*ticketChange, error) {
		extra := map[string]any{"from_status": string(t.Status), "from_priority": string(t.Priority)}
		wasDone := t.Status.done()
		if u.Status != nil {
			t.Status = *u.Status
		}
		if u.Priority != nil && *u.Priority != t.Priority {
			t.Priority = *u.Priority
			t.DueAt = t.CreatedAt.Add(slaFor(t.Type, t.Priority == PriorityUrgent))
		}
		if u.Assignee != nil {
			t.Assignee = *u.Assignee
			extra["assignee"] = t.Assignee
		}
		finished = !wasDone && t.Status.done()
		t.UpdatedAt = now
		return &ticketChange{extra: extra}, nil
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
		if err := b.st.askCSAT(ctx, t.OpenID, t.No); err != nil {
			return nil, err
		}
		if err := b.deliver(ctx, t, -1, msg, now); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// DayStats are the dialogue's quality counters of one day: category slug ("_" for none) →
// counter name (answered, suggested, none, helpful, not_helpful, handoff, ticket) → count.
type DayStats map[string]map[string]int64

// DeskStats are the figures of GET /api/v1/stats.
type DeskStats struct {
	ByStatus            map[Status]int      `json:"by_status"`
	ByPriority          map[Priority]int    `json:"by_priority"`
	Overdue             int                 `json:"overdue"`
	MedianFirstResponse string              `json:"median_first_response"`
	MedianFirstRespSecs float64             `json:"median_first_response_seconds"`
	CSATAverage         float64             `json:"csat_average"`
	CSATCount           int                 `json:"csat_count"`
	Dialogue            map[string]DayStats `json:"dialogue"` // day (YYYYMMDD) → category → counter
}

// Stats sums up tickets from the indexes and the counters: tickets by status and priority,
// overdue ones, and the median first response and satisfaction of the last 7 days, with the
// dialogue's quality counters of those days.
func (b *Bot) Stats(ctx context.Context) (DeskStats, error) {
	out := DeskStats{Dialogue: map[string]DayStats{}}
	now := b.now()
	_, overdue, byStatus, byPriority, err := b.st.queueCounts(ctx, now)
	if err != nil {
		return out, err
	}
	out.ByStatus, out.ByPriority = byStatus, byPriority
	for _, n := range overdue {
		out.Overdue += n
	}
	var ps periodStats
	for d := range 7 {
		day := day(now.AddDate(0, 0, -d), b.hours.Location)
		h, err := b.st.ticketDay(ctx, day)
		if err != nil {
			return out, err
		}
		ps.add(h)
		ds, err := b.st.dayStats(ctx, day)
		if err != nil {
			return out, err
		}
		if len(ds) > 0 {
			out.Dialogue[day] = ds
		}
	}
	if m := ps.median(); m > 0 {
		out.MedianFirstRespSecs = m.Seconds()
		out.MedianFirstResponse = m.String()
	}
	out.CSATCount = ps.csatCount
	if ps.csatCount > 0 {
		out.CSATAverage = float64(ps.csatSum) / float64(ps.csatCount)
	}
	return out, nil
}

// markDelivered records on the tickets that pending replies reached the user.
func (b *Bot) markDelivered(ctx context.Context, shown []pendingReply, now time.Time) {
	for _, p := range shown {
		if p.Index < 0 {
			continue
		}
		_, err := b.st.changeTicket(ctx, p.No, "", EventDelivered, func(t *Ticket) (*ticketChange, error) {
			if p.Index < len(t.Replies) {
				t.Replies[p.Index].Pending, t.Replies[p.Index].DeliveredAt = false, &now
			}
			return &ticketChange{events: []TimelineEvent{{At: now, Kind: EventDelivered}}}, nil
		})
		if err != nil {
			b.log.WarnContext(ctx, "mark reply delivered", "ticket", p.No, "error", err)
		}
	}
}

var (
	// askedSecretRE names what official staff never ask for.
	askedSecretRE = regexp.MustCompile(`(?i)验证码|校验码|动态码|短信码|动态口令|密码|口令|安全码|cvv|cvc|otp|pin码`)
	// askVerbRE is the user handing it over to us: send, tell, give, read out, or a question
	// about its value.
	askVerbRE = regexp.MustCompile(`(?i)发给|发我|发过来|发一下|发下|发送给|告诉|告知|提供|报给|报一下|报下|念一下|念给|说一下|说下|回复|给我|给客服|给我们|索要|多少|是什么|截图|拍照|send|tell|give|share|provide`)
	// warnRE turns a request into a warning: do not, never, we will not.
	warnRE   = regexp.MustCompile(`(?i)不要|勿|别|不会|绝不|决不|从不|不得|不能|不可|禁止|谨防|提防|小心|以免|防止|避免|任何人|never|don't|do not|won't|will not`)
	clauseRE = regexp.MustCompile(`[，。；！？,.;!?\n]+`)
)

// asksForSecret reports whether an agent's text asks the user for a code or a password ("请把
// 验证码发给我", "告诉我您的支付密码"). A warning ("请勿向任何人提供验证码", "我们不会索要您的
// 密码") is not a request: each clause is read on its own, and one that says not to is skipped.
func asksForSecret(text string) bool {
	for _, clause := range clauseRE.Split(text, -1) {
		if askedSecretRE.MatchString(clause) && askVerbRE.MatchString(clause) && !warnRE.MatchString(clause) {
			return true
		}
	}
	return false
}
