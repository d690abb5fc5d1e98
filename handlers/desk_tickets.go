package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yilianpay/yilianbot/bot"
)

// queueQuery is the queue page's filter form, as parsed from the URL.
type queueQuery struct {
	Status, Priority, Type, Q string
	Overdue, Mine, Unassigned bool
	Page                      int
}

func parseQueueQuery(r *http.Request) queueQuery {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	return queueQuery{
		Status: q.Get("status"), Priority: q.Get("priority"), Type: q.Get("type"),
		Q:       strings.TrimSpace(q.Get("q")),
		Overdue: q.Get("overdue") == "1", Mine: q.Get("mine") == "1", Unassigned: q.Get("unassigned") == "1",
		Page: max(page, 1),
	}
}

func (q queueQuery) filter(agent string) bot.TicketFilter {
	f := bot.TicketFilter{
		Status: bot.Status(q.Status), Priority: bot.Priority(q.Priority), Type: bot.TicketType(q.Type),
		Overdue: q.Overdue, Unassigned: q.Unassigned, Query: q.Q, Page: q.Page, PerPage: deskPerPage,
	}
	if q.Mine {
		f.AssignedTo = agent
	}
	return f
}

// values is the query string of q at page.
func (q queueQuery) values(page int) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"status": q.Status, "priority": q.Priority, "type": q.Type, "q": q.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	for k, b := range map[string]bool{"overdue": q.Overdue, "mine": q.Mine, "unassigned": q.Unassigned} {
		if b {
			v.Set(k, "1")
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// queueRow is a ticket as the queue shows it: no OpenID, the contact masked.
type queueRow struct {
	No         string       `json:"no"`
	Type       string       `json:"type"`
	Priority   bot.Priority `json:"priority"`
	Status     bot.Status   `json:"status"`
	StatusName string       `json:"status_name"`
	Urgent     bool         `json:"urgent"`
	MerchantNo string       `json:"merchant_no,omitempty"`
	Contact    string       `json:"contact,omitempty"`
	Assignee   string       `json:"assignee,omitempty"`
	Created    string       `json:"created"`
	Due        string       `json:"due"`
	SLA        sla          `json:"sla"`
	Summary    string       `json:"summary"`
}

func (d *desk) row(t bot.Ticket, now time.Time) queueRow {
	return queueRow{
		No: t.No, Type: typeLabel(t.Type), Priority: t.Priority, Status: t.Status, StatusName: statusLabel(t.Status),
		Urgent: t.Priority == bot.PriorityUrgent, MerchantNo: t.MerchantNo, Contact: t.ContactMasked, Assignee: t.Assignee,
		Created: d.fmtTime(t.CreatedAt), Due: d.fmtTime(t.DueAt), SLA: slaOf(t, now), Summary: summary(t.Description, 40),
	}
}

// summary is the first n characters of s on one line.
func summary(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

type option struct{ Value, Label string }

type queueView struct {
	Query              queueQuery
	Rows               []queueRow
	Total, Page, Pages int
	Prev, Next         string // URLs, "" when none
	PollURL            string
	Statuses           []option
	Priorities         []option
	Types              []option
}

var (
	statusOptions = []option{{"", "进行中（待处理+处理中）"}, {"open", "待处理"}, {"processing", "处理中"}, {"resolved", "已解决"}, {"closed", "已关闭"}}
	priorityOpts  = []option{{"", "全部"}, {"urgent", "紧急"}, {"normal", "普通"}}
	typeOptions   = []option{{"", "全部"}, {"merchant", "商户服务"}, {"tech", "技术支持"}, {"complaint", "投诉建议"}, {"other", "其他"}}
)

// handleQueue handles "GET /desk/": the ticket queue, urgent first, then by due time.
func (d *desk) handleQueue() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := sessionFrom(r.Context())
		q := parseQueueQuery(r)
		v := queueView{Query: q, Statuses: statusOptions, Priorities: priorityOpts, Types: typeOptions}
		page, err := d.svc.Tickets(r.Context(), q.filter(s.Agent.Name))
		errMsg := ""
		if err != nil {
			var status int
			status, errMsg = d.failure(r.Context(), err)
			if status == http.StatusInternalServerError {
				d.renderError(w, r, status, errMsg)
				return
			}
		}
		now := d.opts.Now()
		for _, t := range page.Tickets {
			v.Rows = append(v.Rows, d.row(t, now))
		}
		v.Total, v.Page = page.Total, max(page.Page, 1)
		per := max(page.PerPage, 1)
		v.Pages = max((page.Total+per-1)/per, 1)
		if v.Page > 1 {
			v.Prev = "/desk/?" + q.values(v.Page-1).Encode()
		}
		if v.Page < v.Pages {
			v.Next = "/desk/?" + q.values(v.Page+1).Encode()
		}
		v.PollURL = "/desk/queue.json?" + q.values(v.Page).Encode()
		status := http.StatusOK
		if errMsg != "" {
			status = http.StatusBadRequest
		}
		d.render(w, r, status, "queue", view{Title: "工单队列", Nav: "queue", Error: errMsg, Data: v})
	})
}

// handleQueueJSON handles "GET /desk/queue.json": the queue page's rows, for its live refresh.
func (d *desk) handleQueueJSON() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := sessionFrom(r.Context())
		q := parseQueueQuery(r)
		page, err := d.svc.Tickets(r.Context(), q.filter(s.Agent.Name))
		if err != nil {
			status, msg := d.failure(r.Context(), err)
			writeError(w, status, bot.ErrorCode(err), msg)
			return
		}
		now := d.opts.Now()
		rows := make([]queueRow, 0, len(page.Tickets))
		for _, t := range page.Tickets {
			rows = append(rows, d.row(t, now))
		}
		writeJSON(w, http.StatusOK, map[string]any{"total": page.Total, "page": page.Page, "tickets": rows})
	})
}

// timelineItem is one entry of a ticket's timeline as shown.
type timelineItem struct {
	At       string
	Kind     string // CSS modifier: created, reply, note, change, rated, info
	Title    string
	Agent    string
	Text     string
	Delivery string // for replies: 已送达, 待送达（…）, 发送失败（errcode …）
	DelClass string
	Internal bool
	Stars    string
}

// timeline turns the ticket's events into what the page shows. Delivery events (delivered,
// pending, failed) are not shown on their own: each reply shows its own delivery state, from
// t.Replies, which the timeline's replies match by position.
func (d *desk) timeline(t *bot.Ticket, events []bot.TimelineEvent) []timelineItem {
	var items []timelineItem
	reply := 0
	for _, e := range events {
		it := timelineItem{At: d.fmtTime(e.At), Agent: e.Agent, Text: e.Text}
		switch e.Kind {
		case bot.EventCreated:
			it.Kind, it.Title = "created", "用户提交工单"
		case bot.EventReplied:
			it.Kind, it.Title = "reply", "客服回复"
			if reply < len(t.Replies) {
				rp := t.Replies[reply]
				switch {
				case rp.DeliveredAt != nil:
					it.Delivery, it.DelClass = "已送达", "del-ok"
				case rp.ErrCode != 0:
					it.Delivery, it.DelClass = "发送失败（errcode "+strconv.Itoa(rp.ErrCode)+"），将在用户下次留言时补发", "del-failed"
				default:
					it.Delivery, it.DelClass = "待送达（用户48小时未互动）", "del-pending"
				}
				if it.Text == "" {
					it.Text = rp.Text
				}
			}
			reply++
		case bot.EventDelivered, bot.EventPending, bot.EventFailed:
			continue
		case bot.EventNote:
			it.Kind, it.Title, it.Internal = "note", "内部备注", true
		case bot.EventStatusChanged:
			it.Kind, it.Title = "change", "状态："+statusLabel(bot.Status(e.From))+" → "+statusLabel(bot.Status(e.To))
			if e.From == "" {
				it.Title = "状态改为 " + statusLabel(bot.Status(e.To))
			}
		case bot.EventPriorityChanged:
			it.Kind, it.Title = "change", "优先级："+priorityLabel(bot.Priority(e.From))+" → "+priorityLabel(bot.Priority(e.To))
		case bot.EventAssigned:
			it.Kind, it.Title = "change", "指派给 "+e.To
			if e.To == "" {
				it.Title = "取消指派"
			}
		case bot.EventContactViewed:
			it.Kind, it.Title = "info", "查看了完整联系电话"
		case bot.EventRated:
			n := min(max(e.CSAT, 0), 5)
			it.Kind, it.Title = "rated", "用户评分："+strconv.Itoa(e.CSAT)+" 分"
			it.Stars = strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
		default:
			it.Kind, it.Title = "info", string(e.Kind)
		}
		items = append(items, it)
	}
	return items
}

type ticketView struct {
	T            *bot.Ticket
	SLA          sla
	Contact      string // the full number, once revealed
	Transcript   []transcriptLine
	Timeline     []timelineItem
	Canned       []bot.CannedReply
	Agents       []string
	Draft        string // the reply text kept after a refused reply
	Statuses     []option
	Priorities   []option
	Me           string
	CSATRequired bool
}

type transcriptLine struct {
	At, From, Text string
	User           bool
}

// ticketPage renders the ticket page, with msg as an error (status) or a flash.
func (d *desk) ticketPage(w http.ResponseWriter, r *http.Request, no string, status int, errMsg, draft, contact string) {
	ctx := r.Context()
	t, err := d.svc.Ticket(ctx, no)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	events, err := d.svc.Timeline(ctx, no)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	s := sessionFrom(ctx)
	v := ticketView{
		T: t, SLA: slaOf(*t, d.opts.Now()), Contact: contact, Timeline: d.timeline(t, events),
		Canned: d.svc.CannedReplies(), Draft: draft, Me: s.Agent.Name,
		Statuses: statusOptions[1:], Priorities: priorityOpts[1:],
	}
	for _, turn := range t.Transcript {
		from := "机器人"
		if turn.From == "user" {
			from = "用户"
		}
		v.Transcript = append(v.Transcript, transcriptLine{At: d.fmtTime(turn.Time), From: from, Text: turn.Text, User: turn.From == "user"})
	}
	agents, err := d.svc.Agents(ctx)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	for _, a := range agents {
		if !a.Disabled {
			v.Agents = append(v.Agents, a.Name)
		}
	}
	d.render(w, r, status, "ticket", view{Title: "工单 " + t.No, Nav: "queue", Error: errMsg, Flash: flashFrom(r), Data: v})
}

// handleTicket handles "GET /desk/tickets/{no}".
func (d *desk) handleTicket() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		no, err := deskTicketNo(r)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		d.ticketPage(w, r, no, http.StatusOK, "", "", "")
	})
}

// ticketAction runs one change of a ticket from a form, then shows the ticket again: after a
// redirect with a flash when it worked, or at once with the error and the agent's text kept.
func (d *desk) ticketAction(done string, act func(r *http.Request, by bot.Agent, no string) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		no, err := deskTicketNo(r)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		if err := act(r, sessionFrom(r.Context()).Agent, no); err != nil {
			status, msg := d.failure(r.Context(), err)
			if status == http.StatusNotFound {
				d.renderError(w, r, status, msg)
				return
			}
			d.ticketPage(w, r, no, status, msg, r.PostFormValue("text"), "")
			return
		}
		http.Redirect(w, r, "/desk/tickets/"+no+"?done="+done, http.StatusSeeOther)
	})
}

var errEmptyText = &bot.Error{Code: bot.CodeInvalid, Message: "请输入内容。"}

// handleReply handles "POST /desk/tickets/{no}/reply": the reply goes to the user on WeChat.
func (d *desk) handleReply() http.Handler {
	return d.ticketAction("replied", func(r *http.Request, by bot.Agent, no string) error {
		text := strings.TrimSpace(r.PostFormValue("text"))
		if text == "" {
			return errEmptyText
		}
		_, err := d.svc.ReplyTicket(r.Context(), by, no, text)
		return err
	})
}

// handleNote handles "POST /desk/tickets/{no}/note": an internal note, never sent.
func (d *desk) handleNote() http.Handler {
	return d.ticketAction("noted", func(r *http.Request, by bot.Agent, no string) error {
		text := strings.TrimSpace(r.PostFormValue("text"))
		if text == "" {
			return errEmptyText
		}
		_, err := d.svc.AddNote(r.Context(), by, no, text)
		return err
	})
}

// handleUpdate handles "POST /desk/tickets/{no}/update": any of status, priority and assignee
// (present and empty: unassign).
func (d *desk) handleUpdate() http.Handler {
	return d.ticketAction("updated", func(r *http.Request, by bot.Agent, no string) error {
		r.ParseForm()
		var u bot.TicketUpdate
		if v := r.PostForm.Get("status"); v != "" {
			s := bot.Status(v)
			u.Status = &s
		}
		if v := r.PostForm.Get("priority"); v != "" {
			p := bot.Priority(v)
			u.Priority = &p
		}
		if vs, ok := r.PostForm["assignee"]; ok {
			a := strings.TrimSpace(vs[0])
			u.Assignee = &a
		}
		if u.Status == nil && u.Priority == nil && u.Assignee == nil {
			return &bot.Error{Code: bot.CodeInvalid, Message: "没有要更新的内容。"}
		}
		_, err := d.svc.UpdateTicket(r.Context(), by, no, u)
		return err
	})
}

// handleRevealContact handles "POST /desk/tickets/{no}/contact": the full phone number,
// audited by the bot. desk.js asks with X-CSRF-Token and gets JSON; a plain form post gets the
// ticket page with the number shown.
func (d *desk) handleRevealContact() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		no, err := deskTicketNo(r)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		phone, err := d.svc.RevealContact(r.Context(), sessionFrom(r.Context()).Agent, no)
		if r.Header.Get(deskCSRFHeader) != "" {
			if err != nil {
				status, msg := d.failure(r.Context(), err)
				writeError(w, status, bot.ErrorCode(err), msg)
				return
			}
			writeJSON(w, http.StatusOK, map[string]string{"contact": phone})
			return
		}
		if err != nil {
			d.fail(w, r, err)
			return
		}
		d.ticketPage(w, r, no, http.StatusOK, "", "", phone)
	})
}
