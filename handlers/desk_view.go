package handlers

import (
	"fmt"
	"strconv"
	"time"

	"github.com/yilianpay/yilianbot/bot"
)

// Labels and formats of the desk pages.

func statusLabel(s bot.Status) string {
	if n := s.Name(); n != "" {
		return n
	}
	return string(s)
}

func priorityLabel(p bot.Priority) string {
	switch p {
	case bot.PriorityUrgent:
		return "紧急"
	case bot.PriorityNormal:
		return "普通"
	}
	return string(p)
}

func typeLabel(t bot.TicketType) string {
	if n := t.Name(); n != "" {
		return n
	}
	return string(t)
}

func roleLabel(r bot.Role) string {
	switch r {
	case bot.RoleAdmin:
		return "管理员"
	case bot.RoleAgent:
		return "客服"
	}
	return string(r)
}

func (d *desk) fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(d.opts.Location).Format("2006-01-02 15:04")
}

func fmtFloat(f float64, prec int) string { return strconv.FormatFloat(f, 'f', prec, 64) }

// shortDuration is a duration as agents say it: 2小时15分, 35分, 不到1分.
func shortDuration(dur time.Duration) string {
	if dur < 0 {
		dur = -dur
	}
	m := int(dur / time.Minute)
	switch {
	case m < 1:
		return "不到1分钟"
	case m < 60:
		return fmt.Sprintf("%d分钟", m)
	case m < 48*60:
		if m%60 == 0 {
			return fmt.Sprintf("%d小时", m/60)
		}
		return fmt.Sprintf("%d小时%d分", m/60, m%60)
	}
	return fmt.Sprintf("%d天%d小时", m/(24*60), m%(24*60)/60)
}

// sla is a ticket's service-level state as shown: the countdown, or how late it is.
type sla struct {
	Text  string
	Class string // sla-ok, sla-soon, sla-overdue, sla-done
	Due   string // RFC 3339, for desk.js to keep counting
}

// slaSoon is when a countdown turns amber.
const slaSoon = 30 * time.Minute

func slaOf(t bot.Ticket, now time.Time) sla {
	if t.Status != bot.StatusOpen && t.Status != bot.StatusProcessing {
		return sla{Text: "—", Class: "sla-done"} // the status says it already
	}
	left := t.DueAt.Sub(now)
	s := sla{Due: t.DueAt.UTC().Format(time.RFC3339)}
	switch {
	case left < 0:
		s.Text, s.Class = "已超时 "+shortDuration(left), "sla-overdue"
	case left < slaSoon:
		s.Text, s.Class = "剩余 "+shortDuration(left), "sla-soon"
	default:
		s.Text, s.Class = "剩余 "+shortDuration(left), "sla-ok"
	}
	return s
}

// barWidth is n's share of max as a CSS width class step (0..100 by 5), so bars need no
// inline style (the CSP forbids it).
func barWidth(n, max int) string {
	if max <= 0 || n <= 0 {
		return "w0"
	}
	p := (n*100/max + 4) / 5 * 5
	return "w" + strconv.Itoa(min(p, 100))
}
