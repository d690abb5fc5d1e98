package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The desk at scale: 1,000,000 tickets (a few years of a busy account) under a prefix of their
// own, then the latency of the queue's first page and of the dashboard. Loading takes a few
// minutes and about 2 GB of Redis memory, so it happens only when -bench selects these benchmarks
// (never under -short), and every key is UNLINKed in batches afterwards.
//
//	go test ./bot -run xxx -bench 'BenchmarkDesk(Queue|Dashboard)1M' -benchtime 300x

const benchTickets = 1_000_000

// loadTickets writes n tickets as the store writes them (ticket, indexes, counters; no
// timelines, which neither benchmark reads): a realistic spread of statuses (~3% active),
// priorities (5% urgent), types, 20 agents, merchants, phones and a year of dates. Tickets are
// ~500 bytes of JSON.
func loadTickets(b *testing.B, bt *testBot, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	st := bt.st
	agents := make([]string, 20)
	for i := range agents {
		agents[i] = fmt.Sprintf("agent%02d", i)
	}
	types := []TicketType{TypeMerchant, TypeMerchant, TypeMerchant, TypeTech, TypeTech, TypeComplaint, TypeOther}
	desc := strings.Repeat("结算款三天没到账，商户后台显示已出款，银行说没收到，请帮忙查一下原因。", 4) // ~100 runes
	start := time.Now()
	const batch = 2000
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	work := make(chan int)
	for range 4 {
		wg.Go(func() {
			for first := range work {
				rng := rand.New(rand.NewPCG(uint64(first), 7))
				_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
					for i := first; i < min(first+batch, n); i++ {
						created := now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
						t := &Ticket{
							No:     fmt.Sprintf("GD%s%06d", created.In(cst).Format("20060102"), i),
							OpenID: fmt.Sprintf("o_bench_user_%07d", rng.IntN(400_000)), Type: types[rng.IntN(len(types))],
							Priority: PriorityNormal, Status: StatusResolved, CreatedAt: created, UpdatedAt: created,
							Description: desc, Transcript: []Turn{}, Replies: []TicketReply{},
						}
						if rng.IntN(20) == 0 {
							t.Priority = PriorityUrgent
						}
						t.DueAt = created.Add(slaFor(t.Type, t.Priority == PriorityUrgent))
						if rng.IntN(10) < 6 {
							t.MerchantNo = fmt.Sprintf("88%08d", rng.IntN(50_000))
						}
						if rng.IntN(2) == 0 {
							t.Contact = fmt.Sprintf("13%09d", rng.IntN(1e9))
							t.ContactMasked = maskPhones(t.Contact)
						}
						// Most of the last week's tickets and a tenth of the two months before are
						// still active (about 28,000: a busy backlog); the rest are resolved, an
						// eighth of them closed.
						age := now.Sub(created)
						active := age < 7*24*time.Hour && rng.IntN(10) < 7 || age < 60*24*time.Hour && rng.IntN(10) == 0
						switch r := rng.IntN(100); {
						case active && r < 50:
							t.Status = StatusOpen
						case active:
							t.Status = StatusProcessing
						case r < 13:
							t.Status = StatusClosed
						}
						if t.Status != StatusOpen || rng.IntN(3) > 0 {
							t.Assignee = agents[rng.IntN(len(agents))]
						}
						old := *t // as created: open
						old.Status = StatusOpen
						if t.Status != StatusOpen {
							fr := created.Add(time.Duration(rng.Int64N(int64(6 * time.Hour))))
							t.FirstResponseAt = &fr
							t.Replies = append(t.Replies, TicketReply{Agent: t.Assignee, Text: "已为您核实处理。", At: fr, DeliveredAt: &fr})
						}
						if t.Status.done() && rng.IntN(3) == 0 {
							t.CSAT = 1 + rng.IntN(5)
						}
						raw, _ := json.Marshal(t)
						ttl := time.Duration(0)
						if t.Status.done() {
							ttl = st.ticketRetention
						}
						p.Set(ctx, st.keys.ticket(t.No), raw, ttl)
						p.ZAdd(ctx, st.keys.due(), redis.Z{Score: float64(t.DueAt.Unix()), Member: t.No})
						p.ZAdd(ctx, st.keys.userTickets(t.OpenID), redis.Z{Score: float64(created.Unix()), Member: t.No})
						st.reindexFrom(ctx, p, t, now, 0)
						st.count(ctx, p, nil, &old, created)
						if t.Status != StatusOpen {
							done := t.FirstResponseAt.Add(time.Duration(rng.Int64N(int64(4 * time.Hour))))
							st.count(ctx, p, &old, t, done)
						}
					}
					return nil
				})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for first := 0; first < n; first += batch {
		work <- first
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatalf("load: %v", err)
	default:
	}
	info, _ := st.rdb.Info(ctx, "memory").Result()
	for _, line := range strings.Split(info, "\n") {
		if strings.HasPrefix(line, "used_memory_human:") {
			b.Logf("loaded %d tickets in %v; Redis %s", n, time.Since(start).Round(time.Second), strings.TrimSpace(line))
		}
	}
}

// unlinkPrefix deletes every key under prefix, UNLINKing batches of 1000 (freed in Redis's
// background thread, so the server does not stall on a million keys).
func unlinkPrefix(tb testing.TB, rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 10_000).Iterator()
	keys := make([]string, 0, 1000)
	n := 0
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			rdb.Unlink(ctx, keys...)
			n += len(keys)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		rdb.Unlink(ctx, keys...)
		n += len(keys)
	}
	if err := iter.Err(); err != nil {
		tb.Errorf("unlink %s: %v", prefix, err)
	}
	tb.Logf("unlinked %d keys", n)
}

// deskAt1M is a bot over 1M loaded tickets; the keys are removed when b ends.
func deskAt1M(b *testing.B) (*testBot, time.Time) {
	if testing.Short() {
		b.Skip("loads 1M tickets")
	}
	now := at(10, 0)
	bt := newTestBot(b, nil, now, Options{RedisTimeout: 5 * time.Second})
	// Registered after redistest's cleanup, so it runs first and leaves that one nothing.
	b.Cleanup(func() { unlinkPrefix(b, bt.rdb, bt.prefix) })
	loadTickets(b, bt, benchTickets, now)
	return bt, now
}

// measure runs op b.N times and reports the p50 and p99 latency.
func measure(b *testing.B, op func() error) {
	b.Helper()
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func BenchmarkDeskQueue1M(b *testing.B) {
	bt, _ := deskAt1M(b)
	ctx := context.Background()
	var first TicketPage
	tests := []struct {
		name string
		f    TicketFilter
	}{
		{"active", TicketFilter{}},                                                   // the queue's first page: urgent first, by due
		{"active-page-50", TicketFilter{Page: 50}},                                   // deep in the queue
		{"overdue", TicketFilter{Overdue: true}},                                     // two bands
		{"type-tech", TicketFilter{Type: TypeTech}},                                  // one bucket set
		{"open-assigned", TicketFilter{Status: StatusOpen, AssignedTo: "agent07"}},   // intersection
		{"resolved-type", TicketFilter{Status: StatusResolved, Type: TypeComplaint}}, // intersection of big sets
		{"merchant", TicketFilter{Query: "8800012345"}},
		{"phone-last4", TicketFilter{Query: "5678"}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			measure(b, func() error {
				p, err := bt.Tickets(ctx, tt.f)
				if tt.name == "active" {
					first = p
				}
				return err
			})
		})
	}
	if len(first.Tickets) != 20 || first.Tickets[0].Priority != PriorityUrgent || first.Total < 20_000 {
		b.Errorf("first page = %d tickets of %d; want 20, urgent first, of the ~28,000 active", len(first.Tickets), first.Total)
	}
}

func BenchmarkDeskDashboard1M(b *testing.B) {
	bt, now := deskAt1M(b)
	ctx := context.Background()
	var d Dashboard
	measure(b, func() (err error) {
		d, err = bt.Dashboard(ctx, now)
		return err
	})
	if d.Week.TicketsCreated == 0 || d.Week.TicketsResolved == 0 || d.Open[PriorityNormal] == 0 || d.Week.MedianFirstResponse == 0 {
		b.Errorf("dashboard = %+v, want the loaded tickets counted", d)
	}
	b.Logf("week: %d created, %d resolved, median first response %v, SLA met %.2f; open %v", d.Week.TicketsCreated,
		d.Week.TicketsResolved, d.Week.MedianFirstResponse, d.Week.SLAMet, d.Open)
}
