package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// putTicket stores t as a ticket flow does, under the number the store gives it.
func putTicket(t *testing.T, b *testBot, tk Ticket) string {
	t.Helper()
	tk.Transcript, tk.Replies = []Turn{}, []TicketReply{}
	if tk.Status == "" {
		tk.Status = StatusOpen
	}
	if tk.Priority == "" {
		tk.Priority = PriorityNormal
	}
	if tk.CreatedAt.IsZero() {
		tk.CreatedAt = b.clock.Now()
	}
	tk.UpdatedAt = tk.CreatedAt
	tk.DueAt = tk.CreatedAt.Add(slaFor(tk.Type, tk.Priority == PriorityUrgent))
	if err := b.st.createTicket(context.Background(), fmt.Sprint("flow-", b.msgID.Add(1)), &tk, testDay); err != nil {
		t.Fatal(err)
	}
	return tk.No
}

// TestQueueFilters: every filter of the queue reads the indexes and returns tickets urgent
// first, then by due time.
func TestQueueFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newTestBot(t, nil, at(10, 0), Options{})
	now := b.clock.Now()
	mustAgent(t, b, "wang", RoleAgent)
	wang := Agent{Name: "wang", Role: RoleAgent}
	urgent := putTicket(t, b, Ticket{OpenID: "o1", Type: TypeTech, Priority: PriorityUrgent, MerchantNo: "8800000001", Contact: "13800001234"})
	late := putTicket(t, b, Ticket{OpenID: "o2", Type: TypeMerchant, CreatedAt: now.Add(-5 * time.Hour), MerchantNo: "8800000001"})
	working := putTicket(t, b, Ticket{OpenID: "o3", Type: TypeComplaint})
	done := putTicket(t, b, Ticket{OpenID: "o4", Type: TypeTech, Contact: "13900005678"})
	fresh := putTicket(t, b, Ticket{OpenID: "o5", Type: TypeTech, CreatedAt: now.Add(time.Minute), Contact: "+86 139 0000 5678"})
	lateUrgent := putTicket(t, b, Ticket{OpenID: "o6", Type: TypeOther, Priority: PriorityUrgent, CreatedAt: now.Add(-2 * time.Hour)})
	assign := func(no string) *string { return &no }
	if _, err := b.UpdateTicket(ctx, wang, working, TicketUpdate{Status: ptr(StatusProcessing), Assignee: assign("wang")}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.UpdateTicket(ctx, wang, done, TicketUpdate{Status: ptr(StatusResolved), Assignee: assign("wang")}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		f    TicketFilter
		want []string
	}{
		{"active", TicketFilter{}, []string{lateUrgent, urgent, late, fresh, working}},
		{"open", TicketFilter{Status: StatusOpen}, []string{lateUrgent, urgent, late, fresh}},
		{"resolved", TicketFilter{Status: StatusResolved}, []string{done}},
		{"urgent", TicketFilter{Priority: PriorityUrgent}, []string{lateUrgent, urgent}},
		{"normal", TicketFilter{Priority: PriorityNormal}, []string{late, fresh, working}},
		{"overdue", TicketFilter{Overdue: true}, []string{lateUrgent, late}},
		{"overdue normal", TicketFilter{Overdue: true, Priority: PriorityNormal}, []string{late}},
		{"overdue resolved", TicketFilter{Overdue: true, Status: StatusResolved}, nil},
		{"tech", TicketFilter{Type: TypeTech}, []string{urgent, fresh}},
		{"tech, any status: resolved", TicketFilter{Type: TypeTech, Status: StatusResolved}, []string{done}},
		{"wang's", TicketFilter{AssignedTo: "wang"}, []string{working}},
		{"wang's resolved", TicketFilter{AssignedTo: "wang", Status: StatusResolved}, []string{done}},
		{"unassigned", TicketFilter{Unassigned: true}, []string{lateUrgent, urgent, late, fresh}},
		{"unassigned tech", TicketFilter{Unassigned: true, Type: TypeTech}, []string{urgent, fresh}},
		{"merchant", TicketFilter{Query: "8800000001"}, []string{urgent, late}},
		{"merchant urgent", TicketFilter{Query: "8800000001", Priority: PriorityUrgent}, []string{urgent}},
		{"phone's last 4", TicketFilter{Query: "5678"}, []string{fresh}},
		{"phone's last 4, resolved", TicketFilter{Query: "5678", Status: StatusResolved}, []string{done}},
		{"ticket number ignores the rest", TicketFilter{Query: strings.ToLower(done), Status: StatusOpen}, []string{done}},
		{"no such number", TicketFilter{Query: "GD209901010001"}, nil},
		{"page 2 of 2", TicketFilter{Page: 2, PerPage: 2}, []string{late, fresh}},
		{"page 3 of 2", TicketFilter{Page: 3, PerPage: 2}, []string{working}},
		{"overdue page 2 of 1", TicketFilter{Overdue: true, Page: 2, PerPage: 1}, []string{late}},
		{"past the end", TicketFilter{Page: 9}, nil},
	}
	for _, tt := range tests {
		page, err := b.Tickets(ctx, tt.f)
		if err != nil {
			t.Errorf("%s: Tickets(%+v) error: %v", tt.name, tt.f, err)
			continue
		}
		var got []string
		for _, tk := range page.Tickets {
			got = append(got, tk.No)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Tickets(%+v) mismatch (-want +got):\n%s", tt.name, tt.f, diff)
		}
	}
	for _, f := range []TicketFilter{{Query: "138"}, {Query: "商户"}, {Type: "billing"}, {AssignedTo: "wang", Unassigned: true}} {
		if _, err := b.Tickets(ctx, f); ErrorCode(err) != CodeInvalid {
			t.Errorf("Tickets(%+v) error = %v, want invalid", f, err)
		}
	}
	if keys := b.rdb.Keys(ctx, b.prefix+"{tickets}:tmp:*").Val(); len(keys) > 0 {
		t.Errorf("temporary keys left behind: %v", keys)
	}
	if _, err := b.UpdateTicket(ctx, wang, late, TicketUpdate{Assignee: assign("ghost")}); ErrorCode(err) != CodeInvalid {
		t.Errorf("assigning to no agent: error = %v, want invalid", err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestMigrate: tickets of the layout before the indexes (only {tickets}:due) are indexed once.
func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newTestBot(t, nil, at(10, 0), Options{})
	now := b.clock.Now()
	old := []Ticket{
		{No: "GD202611200001", Type: TypeTech, Priority: PriorityNormal, Status: StatusOpen, DueAt: now.Add(-time.Hour), Contact: "13800001234"},
		{No: "GD202611200002", Type: TypeMerchant, Priority: PriorityUrgent, Status: StatusProcessing, DueAt: now.Add(time.Hour)},
		{No: "GD202611200003", Type: TypeOther, Priority: PriorityNormal, Status: StatusClosed, DueAt: now},
	}
	for _, tk := range old {
		raw, _ := json.Marshal(tk)
		ttl := time.Duration(0)
		if tk.Status.done() {
			ttl = time.Hour
		}
		b.rdb.Set(ctx, b.st.keys.ticket(tk.No), raw, ttl)
		b.rdb.ZAdd(ctx, b.st.keys.due(), redis.Z{Score: float64(tk.DueAt.Unix()), Member: tk.No})
	}
	b.rdb.ZAdd(ctx, b.st.keys.due(), redis.Z{Score: 1, Member: "GD202001010001"}) // expired long ago
	if n, err := b.Migrate(ctx); err != nil || n != 3 {
		t.Fatalf("Migrate() = %d, %v; want 3", n, err)
	}
	if n, err := b.Migrate(ctx); err != nil || n != 0 {
		t.Errorf("second Migrate() = %d, %v; want 0", n, err)
	}
	page, err := b.Tickets(ctx, TicketFilter{})
	if err != nil || page.Total != 2 || page.Tickets[0].No != "GD202611200002" {
		t.Errorf("Tickets() after migration = %+v, %v; want the two active, urgent first", page, err)
	}
	if page, _ := b.Tickets(ctx, TicketFilter{Query: "1234"}); page.Total != 1 {
		t.Errorf("search by phone after migration found %d, want 1", page.Total)
	}
	card := b.rdb.ZRangeWithScores(ctx, b.st.keys.expiry(), 0, -1).Val()
	if len(card) != 1 || !strings.HasPrefix(card[0].Member.(string), "GD202611200003|") || card[0].Score > float64(now.Add(time.Hour).Unix()) {
		t.Errorf("expiry cards = %v, want the closed ticket's, by its TTL", card)
	}
}

// errcodeError is a Messenger failure carrying WeChat's errcode, as wechat.APIError does.
type errcodeError struct{ code int }

func (e errcodeError) Error() string { return fmt.Sprintf("errcode %d", e.code) }
func (e errcodeError) ErrCode() int  { return e.code }

// TestDeliveryOnTimeline: a reply's fate is on the timeline: delivered, pending (48-hour
// window) or failed with WeChat's errcode.
func TestDeliveryOnTimeline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := &fakeMessenger{}
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{Messenger: m})
	no := fileTicket(t, b, defaultUser, "结算款一直没到账，麻烦看看")
	steps := []struct {
		err      error
		wantKind EventKind
		wantCode int
	}{
		{nil, EventDelivered, 0},
		{fmt.Errorf("wechat: send text: %w", errcodeError{40001}), EventFailed, 40001},
		{fmt.Errorf("%w: %w", errcodeError{45015}, ErrOutsideWindow), EventPending, 45015},
	}
	for _, st := range steps {
		m.err = st.err
		tk, err := b.ReplyTicket(ctx, xiaowang, no, "正在为您核实")
		if err != nil {
			t.Fatal(err)
		}
		if r := tk.Replies[len(tk.Replies)-1]; st.wantKind == EventFailed && (r.ErrCode != st.wantCode || !r.Pending) {
			t.Errorf("failed reply = %+v, want errcode %d and pending", r, st.wantCode)
		}
		tl, err := b.Timeline(ctx, no)
		if err != nil {
			t.Fatal(err)
		}
		last := tl[len(tl)-1]
		if last.Kind != st.wantKind || last.ErrCode != st.wantCode {
			t.Errorf("after a send with %v the timeline ends %+v, want %s errcode %d", st.err, last, st.wantKind, st.wantCode)
		}
	}
	if !errors.Is(steps[2].err, ErrOutsideWindow) {
		t.Fatal("test setup: the third error must be outside the window")
	}
}

// TestDashboard: the figures of today and the week come from the day counters.
func TestDashboard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{Messenger: &fakeMessenger{}, Registerer: reg})
	converse(t, b, []step{{as: "o-a", say: "对账单在哪下载"}, {as: "o-a", say: "火星上的天气怎么样"}})
	noA := fileTicket(t, b, "o-a", "对账单里少了一笔交易")
	noB := fileTicket(t, b, "o-b", "结算款三天没到账，请帮忙查一下")
	b.clock.Add(20 * time.Minute)
	b.ReplyTicket(ctx, xiaowang, noA, "已为您补发对账单。")
	b.clock.Add(20 * time.Minute)
	b.ReplyTicket(ctx, xiaowang, noB, "正在核实。")
	b.UpdateTicket(ctx, xiaowang, noA, TicketUpdate{Status: ptr(StatusResolved)})
	converse(t, b, []step{{as: "o-a", say: "5"}})
	b.clock.Add(5 * time.Hour) // noB is overdue
	b.UpdateTicket(ctx, xiaowang, noB, TicketUpdate{Status: ptr(StatusClosed)})

	d, err := b.Dashboard(ctx, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if d.Today != d.Week {
		t.Errorf("Today %+v != Week %+v, want the same (one day of traffic)", d.Today, d.Week)
	}
	p := d.Today
	if p.TicketsCreated != 2 || p.TicketsResolved != 2 || p.SLAMet != 0.5 || p.CSATCount != 1 || p.CSATAverage != 5 {
		t.Errorf("Today = %+v, want 2 created, 2 resolved, SLA met 0.5, one 5", p)
	}
	if p.MedianFirstResponse < 29*time.Minute || p.MedianFirstResponse > 31*time.Minute {
		t.Errorf("median first response = %v, want 30m (of about 20 and 40)", p.MedianFirstResponse)
	}
	if p.Messages < 10 || p.Answered < 1 || p.NotUnderstood+p.Suggested < 1 {
		t.Errorf("dialogue figures = %+v, want the messages counted", p)
	}
	if len(d.TopUnknown) == 0 || len(d.PerCategory) == 0 || d.PerCategory[0].Name == d.PerCategory[0].Slug {
		t.Errorf("TopUnknown = %v, PerCategory = %v; want both, categories named", d.TopUnknown, d.PerCategory)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	series := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range m.GetLabel() {
				name += "," + l.GetValue()
			}
			series[name] = m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"yilianbot_tickets_created_total,normal,other": 2, "yilianbot_tickets_created_total,urgent,complaint": 0, // labels by name: priority, type
		"yilianbot_tickets_resolved_total,normal": 2, "yilianbot_tickets_resolved_total,urgent": 0,
		"yilianbot_tickets_open,normal": 0, "yilianbot_tickets_open,urgent": 0,
		"yilianbot_tickets_overdue,normal": 0, "yilianbot_tickets_overdue,urgent": 0,
	}
	for name, v := range want {
		if got, ok := series[name]; !ok || got != v {
			t.Errorf("series %s = %v (present: %v), want %v", name, got, ok, v)
		}
	}
}

func TestCheckCannedReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rs   []CannedReply
		want string // "" for valid, else a substring of the error
	}{
		{"fine", []CannedReply{{"已收到", "您好，已收到您的问题。"}, {"防骗", "请勿向任何人提供验证码。"}}, ""},
		{"no title", []CannedReply{{"", "您好"}}, "canned_replies[0].title"},
		{"long title", []CannedReply{{strings.Repeat("标", 31), "您好"}}, "title"},
		{"asks for a code", []CannedReply{{"核实", "请把短信验证码发给我"}}, "canned_replies[0].text"},
		{"holds a card", []CannedReply{{"卡号", "您的卡号 6222020200112233446 已解绑"}}, "银行卡号"},
		{"too long", []CannedReply{{"长", strings.Repeat("长", 1501)}}, "1500"},
	}
	for _, tt := range tests {
		err := CheckCannedReplies(tt.rs)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: CheckCannedReplies = %v, want %q", tt.name, err, tt.want)
		}
	}
}
