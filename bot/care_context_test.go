package bot

import (
	"context"
	"testing"
	"time"
)

// K1 of the judge's report on sets C and D: every follow-up inside an open case gets a reply of
// its own, in the case, with the urgent desk's promise from the configured hours; never the
// "cannot tell" fallback nor an unrelated FAQ. The wording differs from the sets'.
func TestCaseContextFollowUps(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	never := []string{"没法确定", "4小时内回复", "24小时内处理", menuMark, "您可能想问"}
	tests := []struct {
		name  string
		start time.Time
		steps []step
	}{
		{
			name:  "at night: is anyone there, the ticket's number, when, waiting",
			start: at(1, 30),
			steps: []step{
				{say: "骗子冒充易联客服让我转了6000到安全账户", match: urgentTicketRE},
				{say: "大晚上的你们客服电话还能打通吗", want: []string{"下班", "加急工单 GD", "08:00", "24小时有人接", "110"}, notWant: never},
				{say: "我那个单号是多少来着", want: []string{"加急工单号是 GD", "08:00上班后第一时间处理"}, notWant: never},
				{say: "大概多久会有人联系我", want: []string{"加急通道", "前联系您", "96110"}, notWant: append(never, "1小时内")},
				{say: "行 那我等着", want: []string{"保持电话畅通", "银行卡背面"}, notWant: never},
			},
		},
		{
			name:  "in hours: elderly and cannot do it gets plain words and a person",
			start: at(10, 15),
			steps: []step{
				{say: "我被人骗了 转出去两万块", match: urgentTicketRE},
				{say: "我七十多了 眼花 你说的那些我弄不来", want: []string{"银行卡", "背面", "转接人工"}, notWant: never},
			},
		},
		{
			name:  "in hours: when is answered with the one-hour promise and a person on offer",
			start: at(15, 0),
			steps: []step{
				{say: "我的商户后台被陌生人登了 结算卡被改了", match: urgentTicketRE},
				{say: "啥时候有人处理", want: []string{"1小时内", "回复“人工”"}, notWant: never},
				{say: "有人值班吗现在", want: []string{"人工客服现在在线", "加急工单 GD"}, notWant: never},
			},
		},
		{
			name:  "the money on the card, a step in progress, the app still running",
			start: at(20, 30),
			steps: []step{
				{say: "对方让我开了屏幕共享 然后卡里被转走了3000", match: urgentTicketRE},
				{say: "那个远程软件还连着呢", want: []string{"马上关掉", "关机"}, notWant: never},
				{say: "帮我查下卡里余额还剩多少", want: []string{"看不到", "银行"}, notWant: append(never, "忘记密码")},
				{say: "嗯嗯 正在打银行电话", want: []string{"跟银行说清楚"}, notWant: never},
				{say: "我的钱还安全吗", want: []string{"看不到", "银行"}, notWant: append(never, "其他方式收款")},
				{say: "要不要我把支付密码告诉你", want: []string{"千万别发"}, notWant: never},
				{say: "好 我在弄了", want: []string{"不着急"}, notWant: never},
			},
		},
		{
			name:  "the police sent the user to the bank: the bank is what is left",
			start: at(16, 0),
			steps: []step{
				{say: "被骗转了1万 对方说是易联的", match: urgentTicketRE},
				{say: "刚报完案了 民警叫我去联系银行", want: []string{"派出所让您找银行是对的", "卡背面"}, notWant: append(never, "如果还没报警")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, tt.start, Options{})
			onlyTicket(t, b, converse(t, b, tt.steps))
		})
	}
}

// K2 and the safety part of K5: a near miss is answered calmly, a freeze complaint is no fraud
// emergency, and an offer to send a secret gets a plain no, in a case, outside one or mid-flow.
func TestNearMissAndSecretOffers(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	victim := []string{"加急工单 GD", "止付", "别着急", menuMark}
	tests := []struct {
		name    string
		start   time.Time
		steps   []step
		tickets int
		urgent  bool
	}{
		{
			name:  "nothing lost: should I report it, is my money fine",
			start: at(19, 0),
			steps: []step{
				{say: "有人自称易联的客户经理加我 让我下载个软件共享屏幕", want: []string{"冒充"}},
				{say: "我没加他 也没下载", notWant: victim},
				{say: "那需要报警吗", want: []string{"不算紧急", "96110"}, notWant: victim},
				{say: "我的钱不会有事吧", want: []string{"一般不会有事", testContact["hotline"]}, notWant: victim},
			},
		},
		{
			name:  "a secret offered outside a case: no, and what to send instead",
			start: at(12, 0),
			steps: []step{
				{say: "我上周有笔退款一直没到", notWant: []string{"加急工单 GD"}},
				{say: "我把支付密码告诉你 你帮我查查行不", want: []string{"千万别发", "不需要"}, notWant: []string{menuMark, "没能理解"}},
				{say: "需要我把短信验证码发过来吗", want: []string{"千万别发"}, notWant: []string{menuMark, "没能理解"}},
			},
		},
		{
			name:  "a code a scammer asked for and got is still a loss",
			start: at(12, 0),
			steps: []step{
				{say: "他要我把验证码报给他 我已经报了", match: urgentTicketRE},
			},
			tickets: 1, urgent: true,
		},
		{
			name:  "a secret offered mid-flow: no, and the step again",
			start: at(11, 0),
			steps: []step{
				{say: "提交工单", want: []string{"工单类型"}},
				{say: "要不要我把登录密码给你", want: []string{"千万别发", "工单类型"}},
			},
		},
		{
			name:  "a frozen-funds complaint is a complaint, not a fraud case",
			start: at(1, 20),
			steps: []step{
				{say: "你们什么破平台 货款被冻了好几天 是不是骗钱的", notWant: []string{"110", "加急"}},
				{say: "人工", notWant: []string{"涉及资金安全", "110"}},
				{say: "3", want: []string{"商户编号"}},
				{say: "8890001234"},
				{say: "冻结了三天没有任何通知 要求解冻"},
				{say: "不用电话", want: []string{"24小时内"}, notWant: []string{"加急", "110"}},
			},
			tickets: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, tt.start, Options{})
			converse(t, b, tt.steps)
			page, err := b.Tickets(context.Background(), TicketFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tt.tickets {
				t.Fatalf("%d tickets, want %d", page.Total, tt.tickets)
			}
			if tt.tickets > 0 && (page.Tickets[0].Priority == PriorityUrgent) != tt.urgent {
				t.Errorf("ticket priority %s, want urgent %v", page.Tickets[0].Priority, tt.urgent)
			}
		})
	}
}

// onlyTicket checks that a conversation's replies name one ticket and that it is the user's
// only one, and returns it.
func onlyTicket(t *testing.T, b *testBot, rs []Reply) *Ticket {
	t.Helper()
	sameTicket(t, rs)
	page, err := b.Tickets(context.Background(), TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 {
		t.Fatalf("%d tickets, want 1", page.Total)
	}
	tk, err := b.Ticket(context.Background(), page.Tickets[0].No)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}
