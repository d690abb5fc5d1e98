package bot

import (
	"fmt"
	"time"
)

// Hours says when human agents answer. The zero value is never used: New fills defaults.
type Hours struct {
	Location *time.Location
	Open     Clock // daily opening time
	Close    Clock // daily closing time; before Open means past midnight
	Peaks    []Peak
	Notes    []DatedNote
}

// Clock is a time of day in minutes after midnight.
type Clock int

// ParseClock parses "HH:MM" (24:00 allowed).
func ParseClock(s string) (Clock, error) {
	var h, m int
	if _, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m > 0) {
		return 0, fmt.Errorf("bot: clock %q is not HH:MM", s)
	}
	return Clock(h*60 + m), nil
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Peak is a dated period whose days close later, such as 双十一 or 春节 (open until 01:00).
type Peak struct {
	Name     string
	From, To time.Time // dates in Location, To inclusive
	Close    Clock
}

// DatedNote is a remark shown with handoff replies between two dates, such as a holiday schedule.
type DatedNote struct {
	From, To time.Time
	Text     string
}

func sameDayOrAfter(d, from time.Time) bool { return !d.Before(from) }

// closeOn returns the closing time of the day that starts at midnight d.
func (h Hours) closeOn(d time.Time) Clock {
	for _, p := range h.Peaks {
		if sameDayOrAfter(d, p.From) && !d.After(p.To) {
			return p.Close
		}
	}
	return h.Close
}

// open reports whether agents answer at t.
func (h Hours) open(t time.Time) bool {
	t = t.In(h.Location)
	today := midnight(t)
	now := Clock(t.Hour()*60 + t.Minute())
	if c := h.closeOn(today.AddDate(0, 0, -1)); c < h.Open && now < c {
		return true // yesterday's late window runs past midnight
	}
	c := h.closeOn(today)
	if c <= h.Open { // closes after midnight
		return now >= h.Open
	}
	return now >= h.Open && now < c
}

// window describes today's hours for users: "08:00-22:00" or "08:00-次日01:00".
func (h Hours) window(t time.Time) string {
	c := h.closeOn(midnight(t.In(h.Location)))
	if c <= h.Open {
		return h.Open.String() + "-次日" + c.String()
	}
	return h.Open.String() + "-" + c.String()
}

// nextOpen describes when agents are back, as a user reads it: "今天 08:00" or "明天 08:00".
func (h Hours) nextOpen(t time.Time) string {
	t = t.In(h.Location)
	if Clock(t.Hour()*60+t.Minute()) < h.Open {
		return "今天 " + h.Open.String()
	}
	return "明天 " + h.Open.String()
}

// notes returns the dated notes that apply at t.
func (h Hours) notes(t time.Time) []string {
	d := midnight(t.In(h.Location))
	var out []string
	for _, n := range h.Notes {
		if sameDayOrAfter(d, n.From) && !d.After(n.To) {
			out = append(out, n.Text)
		}
	}
	return out
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// nextOpenAt returns when agents are next back after t (t itself when they answer at t).
func (h Hours) nextOpenAt(t time.Time) time.Time {
	if h.open(t) {
		return t
	}
	t = t.In(h.Location)
	d := midnight(t).Add(time.Duration(h.Open) * time.Minute)
	if !d.After(t) {
		d = midnight(t).AddDate(0, 0, 1).Add(time.Duration(h.Open) * time.Minute)
	}
	return d
}
