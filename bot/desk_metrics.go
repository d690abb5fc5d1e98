package bot

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Ticket metrics and business logs, for operations.

// deskMetrics are the ticket series: counters counted as tickets change, and gauges read from
// the indexes at scrape time.
type deskMetrics struct {
	st       *store
	created  *prometheus.CounterVec
	resolved *prometheus.CounterVec
	openDesc *prometheus.Desc
	lateDesc *prometheus.Desc
}

var (
	ticketTypes      = []TicketType{TypeMerchant, TypeTech, TypeComplaint, TypeOther}
	ticketPriorities = []Priority{PriorityNormal, PriorityUrgent}
)

// scrapeTimeout bounds the gauges' Redis reads during a scrape.
const scrapeTimeout = time.Second

func newDeskMetrics(st *store) *deskMetrics {
	m := &deskMetrics{
		st: st,
		created: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yilianbot_tickets_created_total",
			Help: "Tickets created, by type and priority.",
		}, []string{"type", "priority"}),
		resolved: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yilianbot_tickets_resolved_total",
			Help: "Tickets resolved or closed (again after a reopening), by priority.",
		}, []string{"priority"}),
		openDesc: prometheus.NewDesc("yilianbot_tickets_open", "Open and processing tickets, by priority (read from Redis at scrape time).", []string{"priority"}, nil),
		lateDesc: prometheus.NewDesc("yilianbot_tickets_overdue", "Open and processing tickets past their due time, by priority (read from Redis at scrape time).", []string{"priority"}, nil),
	}
	// Every series exists from the start, at 0.
	for _, p := range ticketPriorities {
		m.resolved.WithLabelValues(string(p))
		for _, t := range ticketTypes {
			m.created.WithLabelValues(string(t), string(p))
		}
	}
	return m
}

func (m *deskMetrics) register(reg prometheus.Registerer) {
	reg.MustRegister(m.created, m.resolved, m)
}

// Describe implements prometheus.Collector for the gauges.
func (m *deskMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.openDesc
	ch <- m.lateDesc
}

// Collect implements prometheus.Collector: two ZCOUNTs per priority on the active index,
// within scrapeTimeout. When Redis does not answer, the gauges are left out of the scrape
// (an absent series, rather than a false 0, is what alerts should see).
func (m *deskMetrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	open, overdue, _, _, err := m.st.queueCounts(ctx, m.st.now())
	if err != nil {
		return
	}
	for _, p := range ticketPriorities {
		ch <- prometheus.MustNewConstMetric(m.openDesc, prometheus.GaugeValue, float64(open[p]), string(p))
		ch <- prometheus.MustNewConstMetric(m.lateDesc, prometheus.GaugeValue, float64(overdue[p]), string(p))
	}
}

// observe counts and logs a ticket created (old nil) or changed by agent by. The log carries
// the ticket number, the agent and what changed, never texts, phones or openids.
func (b *Bot) observe(ctx context.Context, old, t *Ticket, by string, events []TimelineEvent) {
	if old == nil {
		b.desk.created.WithLabelValues(string(t.Type), string(t.Priority)).Inc()
		b.log.InfoContext(ctx, "ticket created", "ticket", t.No, "type", string(t.Type), "priority", string(t.Priority))
		return
	}
	if !old.Status.done() && t.Status.done() {
		b.desk.resolved.WithLabelValues(string(t.Priority)).Inc()
	}
	for _, e := range events {
		attrs := []any{"ticket", t.No}
		if e.Agent != "" {
			attrs = append(attrs, "agent", e.Agent)
		}
		switch e.Kind {
		case EventReplied:
			b.log.InfoContext(ctx, "ticket replied", attrs...)
		case EventNote:
			b.log.InfoContext(ctx, "ticket note added", attrs...)
		case EventStatusChanged:
			b.log.InfoContext(ctx, "ticket status changed", append(attrs, "from", e.From, "to", e.To)...)
		case EventPriorityChanged:
			b.log.InfoContext(ctx, "ticket priority changed", append(attrs, "from", e.From, "to", e.To)...)
		case EventAssigned:
			b.log.InfoContext(ctx, "ticket assigned", append(attrs, "from", e.From, "to", e.To)...)
		case EventFailed:
			b.log.WarnContext(ctx, "ticket reply not delivered", append(attrs, "errcode", e.ErrCode)...)
		case EventRated:
			b.log.InfoContext(ctx, "ticket rated", append(attrs, "csat", e.CSAT)...)
		}
	}
}
