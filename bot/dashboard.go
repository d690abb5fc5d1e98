package bot

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// statMessages is the field of the day's dialogue stats hash that counts the users' messages
// (texts and voice). It has no "<category>:" part, so DayStats leaves it out.
const statMessages = "messages"

// Dashboard is the desk's overview: today and the last 7 days, from the day counters.
type Dashboard struct {
	Today, Week Period
	PerCategory []CategoryStats   // of the week, busiest first
	TopUnknown  []UnknownQuestion // of the week, masked
	Open        map[Priority]int  // active tickets now
	Overdue     map[Priority]int
}

// Period sums up some days.
type Period struct {
	Messages, Answered, Suggested, NotUnderstood, Handoffs int
	TicketsCreated, TicketsResolved                        int
	MedianFirstResponse                                    time.Duration // 0 when none
	SLAMet                                                 float64       // 0..1, of tickets resolved in the period
	CSATAverage                                            float64       // 0 when none
	CSATCount                                              int
}

// CategoryStats are one knowledge-base category's figures.
type CategoryStats struct {
	Slug, Name                   string
	Answered, Suggested, Tickets int
}

// Dashboard returns the figures of today and of the last 7 days (today included), in the
// service hours' time zone. It reads 14 day hashes, two counts per priority and the top of 7
// unknown-question zsets: its cost does not grow with the number of tickets.
func (b *Bot) Dashboard(ctx context.Context, now time.Time) (Dashboard, error) {
	d := Dashboard{}
	open, overdue, _, _, err := b.st.queueCounts(ctx, now)
	if err != nil {
		return d, err
	}
	d.Open, d.Overdue = open, overdue
	days := make([]string, 7)
	for i := range days {
		days[i] = day(now.AddDate(0, 0, -i), b.hours.Location)
	}
	dlg, tks, unknown, err := b.st.dashboardDays(ctx, days)
	if err != nil {
		return d, err
	}
	perCat := map[string]*CategoryStats{}
	var week periodStats
	for i := range days {
		var ps periodStats
		ps.add(tks[i])
		week.add(tks[i])
		p := periodOf(dlg[i], ps)
		if i == 0 {
			d.Today = p
		}
		d.Week = addPeriods(d.Week, p)
		for field, v := range dlg[i] {
			cat, name, ok := strings.Cut(field, ":")
			if !ok || cat == "_" {
				continue
			}
			n, _ := strconv.Atoi(v)
			c := perCat[cat]
			if c == nil {
				c = &CategoryStats{Slug: cat, Name: b.categoryName(cat)}
				perCat[cat] = c
			}
			switch name {
			case statAnswered:
				c.Answered += n
			case statSuggested:
				c.Suggested += n
			case statTicket:
				c.Tickets += n
			}
		}
	}
	// The week's median and rates come from the summed histogram, not from the days' own.
	d.Week.MedianFirstResponse = week.median()
	d.Week.SLAMet = rate(week.slaMet, week.resolved)
	d.Week.CSATCount = week.csatCount
	d.Week.CSATAverage = rate(week.csatSum, week.csatCount)
	for _, c := range perCat {
		d.PerCategory = append(d.PerCategory, *c)
	}
	sort.Slice(d.PerCategory, func(i, j int) bool {
		a, c := d.PerCategory[i], d.PerCategory[j]
		if x, y := a.Answered+a.Suggested+a.Tickets, c.Answered+c.Suggested+c.Tickets; x != y {
			return x > y
		}
		return a.Slug < c.Slug
	})
	d.TopUnknown = unknown
	return d, nil
}

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// periodOf is one day's Period from its dialogue and ticket counters.
func periodOf(dlg map[string]string, ps periodStats) Period {
	p := Period{
		TicketsCreated: ps.created, TicketsResolved: ps.resolved,
		MedianFirstResponse: ps.median(), SLAMet: rate(ps.slaMet, ps.resolved),
		CSATCount: ps.csatCount, CSATAverage: rate(ps.csatSum, ps.csatCount),
	}
	for field, v := range dlg {
		n, _ := strconv.Atoi(v)
		if field == statMessages {
			p.Messages += n
			continue
		}
		_, name, ok := strings.Cut(field, ":")
		if !ok {
			continue
		}
		switch name {
		case statAnswered:
			p.Answered += n
		case statSuggested:
			p.Suggested += n
		case statNone:
			p.NotUnderstood += n
		case statHandoff:
			p.Handoffs += n
		}
	}
	return p
}

func addPeriods(a, b Period) Period {
	a.Messages += b.Messages
	a.Answered += b.Answered
	a.Suggested += b.Suggested
	a.NotUnderstood += b.NotUnderstood
	a.Handoffs += b.Handoffs
	a.TicketsCreated += b.TicketsCreated
	a.TicketsResolved += b.TicketsResolved
	return a
}

// categoryName is a category's title in the knowledge base, or its slug.
func (b *Bot) categoryName(slug string) string {
	if b.kb == nil {
		return slug
	}
	if c := b.kb.Content(); c != nil {
		for _, cat := range c.Categories {
			if cat.Slug == slug {
				return cat.Name
			}
		}
	}
	return slug
}

// unknownPerDay is how many of each day's most frequent unanswered questions the dashboard
// reads: enough for a top 10 of the week, bounded however many distinct questions there were.
const unknownPerDay = 50

// dashboardDays reads, in one round trip, the dialogue and ticket counters of days and the top
// of their unknown questions, merged into a top 10.
func (s *store) dashboardDays(ctx context.Context, days []string) (dlg, tks []map[string]string, top []UnknownQuestion, err error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	dc := make([]*redis.MapStringStringCmd, len(days))
	tc := make([]*redis.MapStringStringCmd, len(days))
	uc := make([]*redis.ZSliceCmd, len(days))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, d := range days {
			dc[i] = p.HGetAll(ctx, s.keys.stats(d))
			tc[i] = p.HGetAll(ctx, s.keys.ticketStats(d))
			uc[i] = p.ZRevRangeWithScores(ctx, s.keys.unknown(d), 0, unknownPerDay-1)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, fail("dashboard", err)
	}
	sum := map[string]float64{}
	for i := range days {
		dlg = append(dlg, dc[i].Val())
		tks = append(tks, tc[i].Val())
		for _, z := range uc[i].Val() {
			if m, ok := z.Member.(string); ok {
				sum[m] += z.Score
			}
		}
	}
	for t, c := range sum {
		top = append(top, UnknownQuestion{Text: t, Count: int(c)})
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].Count != top[j].Count {
			return top[i].Count > top[j].Count
		}
		return top[i].Text < top[j].Text
	})
	if len(top) > 10 {
		top = top[:10]
	}
	return dlg, tks, top, nil
}
