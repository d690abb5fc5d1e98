package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// createdRE matches the reply that confirms a new ticket.
var createdRE = regexp.MustCompile(`工单已提交，编号：GD\d{12}\n`)

// ticketNo returns the ticket number in a reply, checking its format.
func ticketNo(t testing.TB, r Reply) string {
	t.Helper()
	no := TicketNoRE.FindString(r.Text)
	if !regexp.MustCompile(`^GD\d{12}$`).MatchString(no) {
		t.Fatalf("reply %q has no ticket number", r.Text)
	}
	return no
}

// fileTicket files a ticket of type 其他 through the dialogue and returns its number.
func fileTicket(t *testing.T, b *testBot, user, desc string) string {
	t.Helper()
	rs := converse(t, b, []step{
		{as: user, say: "提交工单", want: []string{"请选择工单类型"}},
		{as: user, say: "0", want: []string{"商户编号"}},
		{as: user, say: "个人用户", want: []string{"请简要描述"}},
		{as: user, say: desc, want: []string{"如需客服电话联系您"}},
		{as: user, say: "跳过", match: createdRE},
	})
	return ticketNo(t, rs[len(rs)-1])
}

// update is the TicketUpdate of UpdateTicket's former (status, priority string) arguments:
// an empty string leaves the field alone.
func update[S ~string, P ~string](status S, priority P) TicketUpdate {
	var u TicketUpdate
	if status != "" {
		s := Status(status)
		u.Status = &s
	}
	if priority != "" {
		p := Priority(priority)
		u.Priority = &p
	}
	return u
}

// ticketSummary is what a flow decides about a ticket.
type ticketSummary struct {
	Type                   TicketType
	Priority               Priority
	Status                 Status
	MerchantNo             string
	Individual             bool
	Contact, ContactMasked string
	Category               string
	Due                    time.Duration // after creation
}

func summarize(t *Ticket) ticketSummary {
	return ticketSummary{
		Type: t.Type, Priority: t.Priority, Status: t.Status, MerchantNo: t.MerchantNo, Individual: t.Individual,
		Contact: t.Contact, ContactMasked: t.ContactMasked, Category: t.Category, Due: t.DueAt.Sub(t.CreatedAt),
	}
}

func TestTicketFlow(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	typeList := []string{"请选择工单类型", "1. 商户服务", "2. 技术支持", "3. 投诉建议", "0. 其他"}
	tests := []struct {
		name    string
		start   time.Time
		steps   []step // the last one creates the ticket
		want    ticketSummary
		desc    string   // the description must contain this
		secrets []string // never in the ticket
		masked  string   // the ticket's transcript must contain this masked turn
	}{
		{
			name:  "technical support after secrets typed in passing, with a wrong merchant number",
			start: at(10, 0),
			steps: []step{
				{say: "我的验证码是384756，你帮我看看", want: []string{guardMark, "验证码"}, notWant: []string{"384756"}},
				{say: "我的卡号是6217 0012 3456 7890 122", want: []string{guardMark, "银行卡号"}, notWant: []string{"6217"}},
				{say: "提交工单", want: typeList},
				{say: "2", want: []string{"商户编号", "88开头的10位数字"}},
				{say: "12345", want: []string{"88", "不是有效的商户编号"}},
				{say: "密码是abc12345", want: []string{guardMark, "密码", "您正在提交工单", "商户编号"}, notWant: []string{"abc12345"}},
				// The type was kept: technical support is asked for the error code.
				{say: "8812345678", want: []string{"错误码", "请求号"}},
				{say: "调用下单接口返回错误码 40004，时间 10:05，request id 7f3a9c", want: []string{"如需客服电话联系您"}},
				{say: "跳过", match: createdRE, want: []string{"类型：技术支持", "商户编号：8812345678", "4小时内回复", "查询工单 GD"}},
			},
			want:    ticketSummary{Type: TypeTech, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8812345678", Due: 4 * time.Hour},
			desc:    "错误码 40004，时间 10:05，request id 7f3a9c",
			secrets: []string{"384756", "6217 0012 3456 7890 122", "6217001234567890122", "abc12345"},
			masked:  "密码是[已隐藏]",
		},
		{
			name:  "merchant service, cancelled and resumed with answers kept",
			start: at(10, 0),
			steps: []step{
				{say: "提交工单", want: typeList},
				{say: "1", want: []string{"商户编号"}},
				{say: "88 1234 5678", want: []string{"请简要描述"}},
				{say: "取消", want: []string{"已退出工单提交", "还没有提交", "继续填写"}},
				{say: "对账单在哪下载", want: []string{feedbackMark}},
				{say: "提交工单", want: []string{"接着填写", "已填写的内容都保留着", "请简要描述"}, notWant: []string{"请选择工单类型"}},
				{say: "没到账", want: []string{"描述太短了"}},
				{say: "结算款三天没到账了", want: []string{"如需客服电话联系您"}},
				{say: "1381234567", want: []string{"电话格式不对"}},
				{say: "+86 138 1234 567", want: []string{"电话格式不对"}},
				{say: "+86 138 1234 5678", match: createdRE, want: []string{"类型：商户服务", "商户编号：8812345678", "联系电话：138****5678"}, notWant: []string{"13812345678"}},
			},
			want: ticketSummary{Type: TypeMerchant, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8812345678",
				Contact: "13812345678", ContactMasked: "138****5678", Category: "reconciliation", Due: 4 * time.Hour},
			desc: "结算款三天没到账了",
		},
		{
			name:  "individual user; the menu pauses the flow",
			start: at(10, 0),
			steps: []step{
				{say: "留言", want: typeList},
				{say: "2", want: []string{"商户编号"}},
				{say: "个人用户", want: []string{"错误码"}},
				{say: "菜单", want: []string{"工单已暂停填写", menuMark}},
				{say: "3", want: []string{"【结算与到账】"}},
				{say: "提交工单", want: []string{"接着填写", "错误码"}},
				{say: "APP下单时报错 error code 10001", want: []string{"如需客服电话联系您"}, notWant: []string{guardMark}},
				{say: "010-12345678", match: createdRE, want: []string{"联系电话：010-12345678"}},
			},
			want: ticketSummary{Type: TypeTech, Priority: PriorityNormal, Status: StatusOpen, Individual: true,
				Contact: "010-12345678", ContactMasked: "010-12345678", Due: 4 * time.Hour},
			desc: "error code 10001",
		},
		{
			name:  "a wrong type is asked again",
			start: at(10, 0),
			steps: []step{
				{say: "提交工单", want: typeList},
				{say: "5", want: []string{"请回复 1、2、3 或 0"}},
				{say: "其他", want: []string{"商户编号"}},
				// A description typed where the number was asked for is kept as the description.
				{say: "想咨询一下合作的事情", want: []string{"问题已记下", "如需客服电话联系您"}},
				{say: "不需要", match: createdRE, want: []string{"类型：其他"}},
			},
			want: ticketSummary{Type: TypeOther, Priority: PriorityNormal, Status: StatusOpen, Due: 4 * time.Hour},
			desc: "想咨询一下合作的事情",
		},
		{
			name:  "我要投诉 starts a complaint",
			start: at(10, 0),
			steps: []step{
				{say: "我要投诉", want: []string{"登记投诉工单", "商户编号"}, notWant: []string{"请选择工单类型"}},
				{say: "个人用户", want: []string{"请描述您要投诉或建议的内容"}},
				{say: "客服电话一直打不通，排队半小时没人接", want: []string{"如需客服电话联系您"}},
				{say: "跳过", match: createdRE, want: []string{"类型：投诉建议", "24小时内回复"}},
			},
			want: ticketSummary{Type: TypeComplaint, Priority: PriorityNormal, Status: StatusOpen, Individual: true, Due: 24 * time.Hour},
			desc: "排队半小时没人接",
		},
		{
			name:  "被骗 is urgent",
			start: at(10, 0),
			steps: []step{
				{say: "提交工单"},
				{say: "0"},
				{say: "跳过", want: []string{"请简要描述"}},
				{say: "我被骗了，对方冒充客服让我转账5000元", want: []string{"如需客服电话联系您"}},
				{say: "跳过", match: createdRE, want: []string{"加急通道", "1小时内处理", "96110"}},
			},
			want: ticketSummary{Type: TypeOther, Priority: PriorityUrgent, Status: StatusOpen, Due: time.Hour},
			desc: "我被骗了",
		},
		{
			name:  "盗刷 with a card number in the description is urgent and masked",
			start: at(10, 0),
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "跳过", want: []string{"请简要描述"}},
				{say: "我的卡6217001234567890122被盗刷了三笔", want: []string{guardMark, "如需客服电话联系您"}, notWant: []string{"6217001234567890122"}},
				{say: "跳过", match: createdRE, want: []string{"加急通道"}},
			},
			want:    ticketSummary{Type: TypeMerchant, Priority: PriorityUrgent, Status: StatusOpen, Due: time.Hour},
			desc:    "我的卡[银行卡号已隐藏]被盗刷了三笔",
			secrets: []string{"6217001234567890122"},
		},
		{
			name:  "human help outside hours files a ticket",
			start: at(23, 30),
			steps: []step{
				{say: "人工", want: []string{"明天 08:00", "请选择工单类型"}},
				{say: "3", want: []string{"商户编号"}},
				{say: "个人用户", want: []string{"请描述您要投诉或建议的内容"}},
				// Asked again: shorter, not the same block.
				{say: "人工", want: []string{"非服务时间", "请描述您要投诉或建议的内容"}, notWant: []string{"人工客服的服务时间是每天"}},
				{say: "退款申请了一周还没处理", want: []string{"如需客服电话联系您"}},
				{say: "跳过", match: createdRE, want: []string{"24小时内回复您（非服务时间提交的工单，明天 08:00 上班后优先处理）"}},
			},
			want: ticketSummary{Type: TypeComplaint, Priority: PriorityNormal, Status: StatusOpen, Individual: true, Due: 24 * time.Hour},
			desc: "退款申请了一周还没处理",
		},
		{
			// Changed by design: a loss files the urgent ticket itself (no questionnaire), and
			// outside hours it is due an hour after the desk opens, not an hour after 23:30.
			name:  "a fund-safety handoff outside hours files the urgent ticket without asking",
			start: at(23, 30),
			steps: []step{
				{say: "钱被盗刷了，转人工", match: regexp.MustCompile(`加急工单 GD\d{12}`), want: []string{"开户银行", "110", "96110", "明天 08:00", "不在服务时间"},
					notWant: []string{"请选择工单类型", "1小时内处理"}},
			},
			want: ticketSummary{Type: TypeOther, Priority: PriorityUrgent, Status: StatusOpen, Category: "anti-fraud", Due: 9*time.Hour + 29*time.Minute + 55*time.Second},
			desc: "钱被盗刷了",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, tt.start, Options{})
			rs := converse(t, b, tt.steps)
			no := ticketNo(t, rs[len(rs)-1])
			if !strings.HasPrefix(no, "GD"+day(tt.start, cst)) {
				t.Errorf("ticket number %s, want GD%s…", no, day(tt.start, cst))
			}
			tk, err := b.Ticket(context.Background(), no)
			if err != nil {
				t.Fatalf("Ticket(%s): %v", no, err)
			}
			if diff := cmp.Diff(tt.want, summarize(tk)); diff != "" {
				t.Errorf("Ticket(%s) mismatch (-want +got):\n%s", no, diff)
			}
			if tk.OpenID != defaultUser || !tk.CreatedAt.Equal(b.clock.Now()) {
				t.Errorf("Ticket(%s) = openid %q created %v, want %q at %v", no, tk.OpenID, tk.CreatedAt, defaultUser, b.clock.Now())
			}
			if !strings.Contains(tk.Description, tt.desc) {
				t.Errorf("Ticket(%s).Description = %q, want it to contain %q", no, tk.Description, tt.desc)
			}
			if n := len(tk.Transcript); n == 0 || n > 10 {
				t.Errorf("Ticket(%s) has %d transcript turns, want 1-10", no, n)
			}
			raw, err := json.Marshal(tk)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.secrets {
				if strings.Contains(string(raw), s) {
					t.Errorf("Ticket(%s) contains the secret %q: %s", no, s, raw)
				}
			}
			if tt.masked != "" && !slices.ContainsFunc(tk.Transcript, func(tr Turn) bool { return strings.Contains(tr.Text, tt.masked) }) {
				t.Errorf("Ticket(%s).Transcript = %+v, want a turn with %q", no, tk.Transcript, tt.masked)
			}
			page, err := b.Tickets(context.Background(), TicketFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 1 {
				t.Errorf("Tickets().Total = %d, want 1", page.Total)
			}
		})
	}
}

func TestTicketRedelivery(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	ctx := context.Background()
	start := func(t *testing.T) *testBot {
		b := newTestBot(t, ix, at(10, 0), Options{})
		converse(t, b, []step{
			{say: "提交工单"},
			{say: "0"},
			{say: "想咨询一下合作的事情", want: []string{"如需客服电话联系您"}},
		})
		b.clock.Add(time.Second)
		return b
	}
	countTickets := func(t *testing.T, b *testBot) int {
		t.Helper()
		page, err := b.Tickets(ctx, TicketFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}

	t.Run("in sequence", func(t *testing.T) {
		t.Parallel()
		b := start(t)
		last := b.text(defaultUser, "跳过")
		first, err := b.Reply(ctx, last)
		if err != nil {
			t.Fatal(err)
		}
		no := ticketNo(t, first)
		b.clock.Add(3 * time.Second)
		again, err := b.Reply(ctx, last)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("Reply(re-delivered 跳过) mismatch (-first +again):\n%s", diff)
		}
		if n := countTickets(t, b); n != 1 {
			t.Errorf("%d tickets after a re-delivery, want 1", n)
		}
		// A new 跳过 is not a ticket either: the flow is over.
		converse(t, b, []step{{say: "跳过", notWant: []string{"工单已提交"}}})
		if n := countTickets(t, b); n != 1 {
			t.Errorf("%d tickets after the flow ended, want 1 (%s)", n, no)
		}
	})

	t.Run("concurrently", func(t *testing.T) {
		t.Parallel()
		b := start(t)
		last := b.text(defaultUser, "跳过")
		const n = 6
		ticketNo(t, replyConcurrently(t, b, last, n))
		if got := countTickets(t, b); got != 1 {
			t.Errorf("%d tickets after %d concurrent deliveries, want 1", got, n)
		}
	})
}

func TestTicketLookup(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(10, 0), Options{})
	const owner, other = "o-owner", "o-other"
	first := "GD" + testDay + "0001" // the day's first number, not yet given
	var notFound, notFoundBare string
	converse(t, b, []step{
		{as: other, say: "查询工单 " + first, want: []string{"没有找到工单 " + first}, check: func(t *testing.T, r Reply) { notFound = r.Text }},
		{as: other, say: first, want: []string{"没有找到工单"}, check: func(t *testing.T, r Reply) { notFoundBare = r.Text }},
	})
	no := fileTicket(t, b, owner, "结算款三天没到账，请帮忙查一下")
	if no != first {
		t.Fatalf("first ticket of the day is %s, want %s", no, first)
	}
	status := []string{"工单 " + no, "状态：待处理", "类型：其他", "客服会在"}
	converse(t, b, []step{
		{as: owner, say: "查询工单 " + no, want: status},
		{as: owner, say: no, want: status},
		{as: owner, say: strings.ToLower(no), want: status},
		{as: owner, say: "查询工单" + no + "，怎么还没人处理", want: status},
		{as: owner, say: "我的工单", want: []string{"您最近的工单", no, "其他", "待处理"}},
		{as: owner, msg: &Message{Kind: KindEvent, Event: "CLICK", EventKey: KeyMyTickets}, want: []string{"您最近的工单", no}},
		// Anyone else learns nothing, not even that the number exists.
		{as: other, say: "查询工单 " + no, check: func(t *testing.T, r Reply) {
			if r.Text != notFound {
				t.Errorf("other user's lookup of an existing ticket = %q, want exactly the reply for a missing one %q", r.Text, notFound)
			}
		}},
		{as: other, say: no, check: func(t *testing.T, r Reply) {
			if r.Text != notFoundBare {
				t.Errorf("other user's bare lookup = %q, want %q", r.Text, notFoundBare)
			}
		}},
		{as: other, say: "我的工单", want: []string{"您还没有提交过工单"}, notWant: []string{no}},
		{as: other, msg: &Message{Kind: KindEvent, Event: "CLICK", EventKey: KeyMyTickets}, want: []string{"您还没有提交过工单"}},
	})
}

func TestTicketLookupRateLimit(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(10, 0), Options{})
	b.gap = time.Second
	var steps []step
	for range 10 {
		steps = append(steps, step{say: "我的工单", want: []string{"您还没有提交过工单"}})
	}
	steps = append(steps,
		step{say: "我的工单", want: []string{"查询太频繁"}},
		step{say: "我的工单", after: time.Minute, want: []string{"您还没有提交过工单"}},
	)
	converse(t, b, steps)
}

// fakeMessenger records what the bot sends outside passive replies; SendText fails with err.
type fakeMessenger struct {
	err error

	mu        sync.Mutex
	texts     []sent
	templates []sent
}

type sent struct {
	OpenID, Text string
	Fields       map[string]string
}

func (m *fakeMessenger) SendText(_ context.Context, openID, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.texts = append(m.texts, sent{OpenID: openID, Text: text})
	return m.err
}

func (m *fakeMessenger) SendTemplate(_ context.Context, openID, templateID string, fields map[string]string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.templates = append(m.templates, sent{OpenID: openID, Text: templateID, Fields: fields})
	return nil
}

func (m *fakeMessenger) sent() (texts, templates []sent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.texts), slices.Clone(m.templates)
}

var _ Messenger = (*fakeMessenger)(nil)

// errWindow is how the WeChat edge reports errcode 45015.
var errWindow = fmt.Errorf("wechat: send text: errcode 45015: %w", ErrOutsideWindow)

func TestReplyTicket(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	ctx := context.Background()
	const agentText = "您好，您的结算款已于今天14:00到账，请查收。"
	download := firstLine(entry(t, ix, "reconciliation-download").Answer)

	t.Run("delivered directly", func(t *testing.T) {
		t.Parallel()
		m := &fakeMessenger{}
		b := newTestBot(t, ix, at(10, 0), Options{Messenger: m, TemplateID: "tpl-ticket"})
		no := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
		b.clock.Add(20 * time.Minute)
		tk, err := b.ReplyTicket(ctx, xiaowang, no, agentText)
		if err != nil {
			t.Fatalf("ReplyTicket: %v", err)
		}
		now := b.clock.Now()
		want := []TicketReply{{Agent: "xiaowang", Text: agentText, At: now, DeliveredAt: &now}}
		if diff := cmp.Diff(want, tk.Replies); diff != "" {
			t.Errorf("Replies mismatch (-want +got):\n%s", diff)
		}
		if tk.Status != StatusProcessing || tk.FirstResponseAt == nil || !tk.FirstResponseAt.Equal(now) {
			t.Errorf("ticket status %q, first response %v; want processing at %v", tk.Status, tk.FirstResponseAt, now)
		}
		texts, templates := m.sent()
		if len(texts) != 1 || texts[0].OpenID != defaultUser || !strings.Contains(texts[0].Text, agentText) || !strings.Contains(texts[0].Text, no) {
			t.Errorf("messages sent = %+v, want one to %s with the agent's text and %s", texts, defaultUser, no)
		}
		if len(templates) != 0 {
			t.Errorf("templates sent = %+v, want none when the message went through", templates)
		}
		converse(t, b, []step{
			{say: "对账单在哪下载", want: []string{download}, notWant: []string{agentText}},
			{say: "查询工单 " + no, want: []string{"状态：处理中", "最新客服回复", agentText}},
		})
	})

	for _, tc := range []struct {
		name      string
		messenger *fakeMessenger
		templates int
	}{
		{"outside the 48-hour window: pending, with a template message", &fakeMessenger{err: errWindow}, 1},
		{"no messenger: pending", nil, 0},
		{"send error: pending, no template", &fakeMessenger{err: errors.New("wechat: send text: connection reset")}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := Options{TemplateID: "tpl-ticket"}
			if tc.messenger != nil {
				o.Messenger = tc.messenger
			}
			b := newTestBot(t, ix, at(10, 0), o)
			no := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
			b.clock.Add(time.Hour)
			tk, err := b.ReplyTicket(ctx, xiaowang, no, agentText)
			if err != nil {
				t.Fatalf("ReplyTicket: %v", err)
			}
			if len(tk.Replies) != 1 || !tk.Replies[0].Pending || tk.Replies[0].DeliveredAt != nil {
				t.Errorf("Replies = %+v, want one pending", tk.Replies)
			}
			if tc.messenger != nil {
				_, templates := tc.messenger.sent()
				if len(templates) != tc.templates {
					t.Errorf("templates sent = %+v, want %d", templates, tc.templates)
				}
				for _, tp := range templates {
					if tp.OpenID != defaultUser || tp.Text != "tpl-ticket" || tp.Fields["keyword1"] != no {
						t.Errorf("template = %+v, want tpl-ticket to %s about %s", tp, defaultUser, no)
					}
				}
			}
			converse(t, b, []step{
				// Another user does not see it.
				{as: "o-other", say: "对账单在哪下载", notWant: []string{agentText}},
				// The owner sees it first, then the answer, once.
				{say: "对账单在哪下载", want: []string{"【工单 " + no + " 客服回复】\n" + agentText, "——\n", download}, check: func(t *testing.T, r Reply) {
					if !strings.HasPrefix(r.Text, "【工单 ") {
						t.Errorf("Reply = %q, want the agent's reply first", r.Text)
					}
				}},
				{say: "菜单", want: []string{menuMark}, notWant: []string{agentText}},
			})
			tk, err = b.Ticket(ctx, no)
			if err != nil {
				t.Fatal(err)
			}
			if r := tk.Replies[0]; r.Pending || r.DeliveredAt == nil {
				t.Errorf("after the user wrote, reply = %+v, want delivered", r)
			}
		})
	}

	t.Run("several pending replies are shown oldest first", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		no := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
		for _, s := range []string{"第一条回复：正在核实。", "第二条回复：已经到账。"} {
			b.clock.Add(time.Minute)
			if _, err := b.ReplyTicket(ctx, xiaowang, no, s); err != nil {
				t.Fatal(err)
			}
		}
		converse(t, b, []step{
			{say: "你好", check: func(t *testing.T, r Reply) {
				i, j := strings.Index(r.Text, "第一条回复"), strings.Index(r.Text, "第二条回复")
				if i < 0 || j < i {
					t.Errorf("Reply = %q, want both pending replies, oldest first", r.Text)
				}
			}},
			{say: "你好", notWant: []string{"回复："}},
		})
		tk, err := b.Ticket(ctx, no)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range tk.Replies {
			if r.Pending {
				t.Errorf("reply %d still pending after it was shown", i)
			}
		}
	})

	t.Run("a reply with a secret or asking for one is refused; phones are masked", func(t *testing.T) {
		t.Parallel()
		m := &fakeMessenger{}
		b := newTestBot(t, ix, at(10, 0), Options{Messenger: m})
		no := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
		for _, tt := range []struct{ text, wantMsg string }{
			{"请核对卡号6217001234567890122是否正确", "回复中含有银行卡号等敏感信息，已拒绝发送。请删除后重试。"},
			{"请把验证码发给我，我帮您处理", "官方客服不会向用户索要验证码或密码，回复未发送。"},
		} {
			_, err := b.ReplyTicket(ctx, xiaowang, no, tt.text)
			if ErrorCode(err) != CodeInvalid || ErrorMessage(err) != tt.wantMsg {
				t.Errorf("ReplyTicket(%q) error = %v, want %s %q", tt.text, err, CodeInvalid, tt.wantMsg)
			}
		}
		tk, err := b.ReplyTicket(ctx, xiaowang, no, "请勿向任何人提供验证码。我们稍后回电13812345678")
		if err != nil {
			t.Fatal(err)
		}
		texts, _ := m.sent()
		if len(tk.Replies) != 1 || strings.Contains(tk.Replies[0].Text, "13812345678") || len(texts) != 1 || strings.Contains(texts[0].Text, "13812345678") {
			t.Errorf("agent reply stored %+v and sent %+v, want one reply with the phone masked in both", tk.Replies, texts)
		}
	})

	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		no := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
		if _, err := b.ReplyTicket(ctx, xiaowang, "GD209901010001", "您好"); !errors.Is(err, ErrNoTicket) {
			t.Errorf("ReplyTicket(missing) error = %v, want ErrNoTicket", err)
		}
		if _, err := b.UpdateTicket(ctx, xiaowang, "GD209901010001", update(StatusResolved, "")); !errors.Is(err, ErrNoTicket) {
			t.Errorf("UpdateTicket(missing) error = %v, want ErrNoTicket", err)
		}
		for _, u := range [][2]string{{"", ""}, {"done", ""}, {"", "high"}} {
			if _, err := b.UpdateTicket(ctx, xiaowang, no, update(u[0], u[1])); !errors.Is(err, ErrInvalidUpdate) {
				t.Errorf("UpdateTicket(%q, %q) error = %v, want ErrInvalidUpdate", u[0], u[1], err)
			}
		}
		if _, err := b.Tickets(ctx, TicketFilter{Status: "done"}); !errors.Is(err, ErrInvalidUpdate) {
			t.Errorf("Tickets(status done) error = %v, want ErrInvalidUpdate", err)
		}
		if _, err := b.UpdateTicket(ctx, xiaowang, no, update(StatusClosed, "")); err != nil {
			t.Fatal(err)
		}
		if _, err := b.ReplyTicket(ctx, xiaowang, no, "您好"); !errors.Is(err, ErrInvalidUpdate) {
			t.Errorf("ReplyTicket(closed) error = %v, want ErrInvalidUpdate", err)
		}
	})
}

func TestResolveAndRate(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		messenger bool
		status    Status
		steps     []step
		csat      int
	}{
		{"resolved, delivered, rated 5", true, StatusResolved, []step{
			{say: "5", want: []string{"感谢您的评分！"}},
			{say: "5", notWant: []string{"感谢您的评分"}}, // asked once
		}, 5},
		// Changed by design: a digit typed before the question was shown is what it was meant
		// as (a menu pick); the score is the answer to the question once shown.
		{"closed, pending: shown first, then rated 2", false, StatusClosed, []step{
			{say: "2", want: []string{"已关闭", "请回复数字1-5", "——\n", "【对账文件下载】"}, notWant: []string{"感谢您的评分"}},
			{say: "2分吧 太慢了", want: []string{"很抱歉这次没能让您满意", "意见也已记在工单上"}},
		}, 2},
		{"pending, then a question, then the score", false, StatusResolved, []step{
			{say: "你好", want: []string{"已解决", "请回复数字1-5"}},
			{say: "那就4", want: []string{"感谢您的评分"}},
		}, 4},
		{"the user asks something else instead", true, StatusResolved, []step{
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "5", notWant: []string{"感谢您的评分"}},
		}, 0},
		{"a number outside 1-5 is asked about once", true, StatusResolved, []step{
			{say: "10分", want: []string{"1-5"}, notWant: []string{"感谢您的评分"}},
			{say: "5", want: []string{"感谢您的评分"}},
		}, 5},
		{"not solved: no score, the offer of a new ticket", true, StatusResolved, []step{
			{say: "根本没解决就给我关了", want: []string{"非常抱歉", "重新提交"}, notWant: []string{"感谢您的评分"}},
			{say: "重新提一个", want: []string{"原工单 GD", "请简要描述"}, notWant: []string{"请选择工单类型"}},
			{say: "退款还是没有到账", want: []string{"手机号"}},
			{say: "跳过", match: createdRE, want: []string{"类型：其他"}},
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := &fakeMessenger{}
			o := Options{}
			if tt.messenger {
				o.Messenger = m
			}
			b := newTestBot(t, ix, at(10, 0), o)
			no := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
			b.clock.Add(time.Hour)
			tk, err := b.UpdateTicket(ctx, xiaowang, no, update(tt.status, ""))
			if err != nil {
				t.Fatalf("UpdateTicket(%s): %v", tt.status, err)
			}
			if tk.Status != tt.status {
				t.Errorf("status = %q, want %q", tk.Status, tt.status)
			}
			if tt.messenger {
				texts, _ := m.sent()
				if len(texts) != 1 || !strings.Contains(texts[0].Text, "请回复数字1-5") {
					t.Errorf("messages sent = %+v, want the request for a score", texts)
				}
			}
			converse(t, b, tt.steps)
			tk, err = b.Ticket(ctx, no)
			if err != nil {
				t.Fatal(err)
			}
			if tk.CSAT != tt.csat {
				t.Errorf("CSAT = %d, want %d", tk.CSAT, tt.csat)
			}
		})
	}
}

func TestDeskStats(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	ctx := context.Background()
	m := &fakeMessenger{}
	b := newTestBot(t, ix, at(10, 0), Options{Messenger: m})

	// Three tickets: one answered after 30 minutes then resolved and rated 4, one answered
	// after 90 minutes and made urgent, one left alone until it is overdue.
	converse(t, b, []step{{as: "o-a", say: "对账单在哪下载"}, {as: "o-a", say: "有用"}})
	noA := fileTicket(t, b, "o-a", "对账单里少了一笔交易")
	noB := fileTicket(t, b, "o-b", "结算款三天没到账，请帮忙查一下")
	noC := fileTicket(t, b, "o-c", "想咨询一下合作的事情")
	b.clock.Add(30 * time.Minute)
	if _, err := b.ReplyTicket(ctx, xiaowang, noA, "已为您补发对账单。"); err != nil {
		t.Fatal(err)
	}
	b.clock.Add(time.Hour)
	if _, err := b.ReplyTicket(ctx, xiaoli, noB, "正在核实。"); err != nil {
		t.Fatal(err)
	}
	tk, err := b.UpdateTicket(ctx, xiaowang, noB, update("", PriorityUrgent))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tk.DueAt.Sub(tk.CreatedAt), time.Hour; got != want {
		t.Errorf("urgent ticket due %v after creation, want %v", got, want)
	}
	if _, err := b.UpdateTicket(ctx, xiaowang, noA, update(StatusResolved, "")); err != nil {
		t.Fatal(err)
	}
	converse(t, b, []step{{as: "o-a", say: "4", want: []string{"感谢您的评分"}}})
	b.clock.Add(3 * time.Hour) // noC (due after 4 hours) and noB (urgent: 1 hour) are overdue now

	got, err := b.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := DeskStats{
		ByStatus:    map[Status]int{StatusResolved: 1, StatusProcessing: 1, StatusOpen: 1},
		ByPriority:  map[Priority]int{PriorityNormal: 2, PriorityUrgent: 1},
		Overdue:     2,
		CSATAverage: 4,
		CSATCount:   1,
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(DeskStats{}, "MedianFirstResponse", "MedianFirstRespSecs", "Dialogue")); diff != "" {
		t.Errorf("Stats mismatch (-want +got):\n%s", diff)
	}
	if lo, hi := (60 * time.Minute).Seconds(), (61 * time.Minute).Seconds(); got.MedianFirstRespSecs < lo || got.MedianFirstRespSecs > hi {
		t.Errorf("median first response = %vs, want about an hour (median of 30 and 90 minutes)", got.MedianFirstRespSecs)
	}
	day := got.Dialogue[testDay]
	if day["reconciliation"][statAnswered] != 1 || day["reconciliation"][statHelpful] != 1 || day["_"]["ticket"] != 2 || day["reconciliation"]["ticket"] != 1 {
		t.Errorf("Stats().Dialogue[%s] = %v, want the answer, its feedback and the tickets counted", testDay, day)
	}

	overdue, err := b.Tickets(ctx, TicketFilter{Overdue: true})
	if err != nil {
		t.Fatal(err)
	}
	var nos []string
	for _, tk := range overdue.Tickets {
		nos = append(nos, tk.No)
	}
	if diff := cmp.Diff([]string{noB, noC}, nos); diff != "" {
		t.Errorf("overdue tickets, oldest due first, mismatch (-want +got):\n%s", diff)
	}
	urgent, err := b.Tickets(ctx, TicketFilter{Priority: PriorityUrgent})
	if err != nil {
		t.Fatal(err)
	}
	if urgent.Total != 1 || urgent.Tickets[0].No != noB {
		t.Errorf("urgent tickets = %+v, want only %s", urgent, noB)
	}
	// The queue holds the active tickets (noA is resolved): urgent noB first.
	paged, err := b.Tickets(ctx, TicketFilter{Page: 2, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	if paged.Total != 2 || len(paged.Tickets) != 1 || paged.Tickets[0].No != noC {
		t.Errorf("page 2 of 1 = %+v, want %s, 1 of 2", paged, noC)
	}

	// Every ticket event is on the stream, in order.
	msgs, err := b.rdb.XRange(ctx, b.prefix+EventsStream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, msg := range msgs {
		if msg.Values["no"] == noA {
			events = append(events, fmt.Sprint(msg.Values["event"]))
		}
	}
	wantEvents := []string{"created", "replied", "delivered", "status_changed", "delivered", "rated"}
	if diff := cmp.Diff(wantEvents, events); diff != "" {
		t.Errorf("events of %s mismatch (-want +got):\n%s", noA, diff)
	}
}

// TestFlowQuestionPausesFlow: a question typed where the flow expects an option is answered,
// the flow keeps what was given, and 提交工单 resumes it; a wrong merchant number is still
// told the format.
func TestFlowQuestionPausesFlow(t *testing.T) {
	t.Parallel()
	b := newTestBot(t, mustIndex(t), at(23, 30), Options{})
	converse(t, b, []step{
		{say: "人工", want: []string{"不在服务时间", "工单类型"}},
		// Changed by design: a question is answered and the flow stays where it was.
		{say: "对账单在哪下载", want: []string{"对账", "工单还没提交", "类型数字"}, notWant: []string{"请回复 1、2、3 或 0", "请选择工单类型"}},
		{say: "技术", want: []string{"商户编号"}},
		{say: "12345", want: []string{"88", "跳过"}},
		{say: "商户编号在哪里可以查到呢", want: []string{"商户后台首页", "工单还在填写中", "请回复您的商户编号"}},
		{say: "找到了，是 8812345678", want: []string{"错误码"}},
		{say: "支付接口报错 错误码 40004", want: []string{"手机号"}},
		{say: "不用了谢谢", match: regexp.MustCompile(`GD\d{12}`)},
	})
}

// TestReplyOutsideWindow: 48 hours after the user's last message the bot does not even try
// WeChat; the reply waits and is shown when the user writes again.
func TestReplyOutsideWindow(t *testing.T) {
	t.Parallel()
	m := &fakeMessenger{}
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{Messenger: m})
	no := fileTicket(t, b, defaultUser, "结算款一直没到账，麻烦看看")
	b.clock.Add(49 * time.Hour)
	if _, err := b.ReplyTicket(context.Background(), xiaowang, no, "已为您处理好了"); err != nil {
		t.Fatal(err)
	}
	if texts, _ := m.sent(); len(texts) != 0 {
		t.Errorf("%d messages sent outside the 48-hour window, want 0", len(texts))
	}
	converse(t, b, []step{{say: "你好", want: []string{"已为您处理好了"}}})
}

// TestTicketRetention: a resolved or closed ticket expires after TicketRetention (reopening
// clears it); the indexes skip and drop the numbers of expired tickets.
func TestTicketRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{TicketRetention: time.Hour})
	old := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
	kept := fileTicket(t, b, defaultUser, "发票还没有收到，请帮忙查一下")
	ttl := func() time.Duration { return b.rdb.TTL(ctx, b.st.keys.ticket(old)).Val() }
	steps := []struct {
		name    string
		do      func() error
		expires bool
	}{
		{"open", func() error { return nil }, false},
		{"resolved", func() error { _, err := b.UpdateTicket(ctx, xiaowang, old, update(StatusResolved, "")); return err }, true},
		{"rated", func() error { b.say(t, defaultUser, "5"); return nil }, true},
		{"reopened", func() error { _, err := b.UpdateTicket(ctx, xiaowang, old, update(StatusProcessing, "")); return err }, false},
		{"closed", func() error { _, err := b.UpdateTicket(ctx, xiaowang, old, update(StatusClosed, "")); return err }, true},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := ttl()
		if st.expires && (got <= 0 || got > time.Hour) || !st.expires && got != -1 {
			t.Errorf("%s: TTL of the ticket = %v, want expiring within an hour: %v", st.name, got, st.expires)
		}
	}

	// The retention passes.
	b.rdb.Del(ctx, b.st.keys.ticket(old))
	page, err := b.Tickets(ctx, TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || len(page.Tickets) != 1 || page.Tickets[0].No != kept {
		t.Errorf("Tickets() = %d tickets (total %d), want only %s", len(page.Tickets), page.Total, kept)
	}
	converse(t, b, []step{
		{say: "菜单", want: []string{"您的工单 " + old + " 已关闭"}}, // the pending notice is shown
		{say: "我的工单", want: []string{kept}, notWant: []string{old}},
	})
	// The sweep drops it from every index once its retention has passed.
	b.clock.Add(2 * time.Hour)
	if n, err := b.Sweep(ctx); err != nil || n != 1 {
		t.Errorf("Sweep() = %d, %v; want 1 ticket removed", n, err)
	}
	keys, err := b.rdb.Keys(ctx, b.prefix+"{tickets}:ix:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	keys = append(keys, b.st.keys.due(), b.st.keys.userTickets(defaultUser))
	for _, index := range keys {
		if index == b.st.keys.ixVersion() {
			continue
		}
		if got := b.rdb.ZRange(ctx, index, 0, -1).Val(); slices.ContainsFunc(got, func(m string) bool { return strings.HasPrefix(m, old) }) {
			t.Errorf("index %s = %v, want the expired ticket dropped", index, got)
		}
	}
	converse(t, b, []step{{say: "查询工单 " + old, want: []string{"没有找到工单 " + old}}})
}

// TestTypeStepLetsGo: at the type step the out-of-hours handoff opened, words that are no type
// leave the form to the rest of the bot instead of asking for 1, 2, 3 or 0 again; digits and
// types still answer the step.
func TestTypeStepLetsGo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps []step
	}{
		{"when people start", []step{
			{say: "我要人工", want: []string{"不在服务时间", "工单类型"}},
			{say: "客服一般几点上班", want: []string{"08:00"}, notWant: []string{"请回复 1、2、3 或 0", "工单类型"}},
			{say: "行 那改天再问", notWant: []string{"请回复 1、2、3 或 0", "GD"}},
		}},
		{"an acknowledgement", []step{
			{say: "人工客服", want: []string{"工单类型"}},
			{say: "那算了吧 我先睡了", notWant: []string{"请回复 1、2、3 或 0"}},
		}},
		{"a wrong digit is still asked again", []step{
			{say: "人工", want: []string{"工单类型"}},
			{say: "7", want: []string{"请回复 1、2、3 或 0"}},
			{say: "技术", want: []string{"商户编号"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, mustIndex(t), at(23, 10), Options{})
			converse(t, b, tt.steps)
		})
	}
}

// TestHandoffInHoursLeavesForm: in hours, asking for a person in so many words while a ticket is
// being filled transfers; the form is kept, not pushed on.
func TestHandoffInHoursLeavesForm(t *testing.T) {
	t.Parallel()
	for _, say := range []string{"不填了 给我找个人", "直接叫客服来", "我要找人"} {
		t.Run(say, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, mustIndex(t), at(15, 0), Options{})
			converse(t, b, []step{
				{say: "提交工单", want: []string{"工单类型"}},
				{say: "1", want: []string{"商户编号"}},
				{say: say, want: []string{"正在为您转接人工客服"}, notWant: []string{"商户编号（"}},
			})
		})
	}
}

// TestSolvedWithoutTicketWord: "solved" right after a ticket lookup, or crediting the staff, is
// about the ticket and gets the score question once; a plain okay does not.
func TestSolvedWithoutTicketWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps []step
	}{
		{"after a lookup", []step{
			{say: "查一下GD202611010007", want: []string{"没有找到工单"}},
			{say: "哦 其实已经搞定了 多谢", want: []string{"回复1-5"}},
			{say: "4分 就是等了挺久", want: []string{"感谢您的评分", "抱歉"}, notWant: []string{"回复1-5"}},
		}},
		{"crediting the staff", []step{
			{say: "你们的工作人员帮我把费率问题处理好了", want: []string{"回复1-5"}},
		}},
		{"an okay after a lookup is no report", []step{
			{say: "查一下GD202611010007", want: []string{"没有找到工单"}},
			{say: "好了 知道了", notWant: []string{"回复1-5"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, mustIndex(t), at(11, 0), Options{})
			converse(t, b, tt.steps)
		})
	}
}
