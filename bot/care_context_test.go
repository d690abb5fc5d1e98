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
				{say: "嗯嗯 正在打银行电话", want: []string{"不着急"}, notWant: never},
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
			rs := converse(t, b, tt.steps)
			sameTicket(t, rs)
			page, err := b.Tickets(context.Background(), TicketFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 1 {
				t.Fatalf("%d tickets, want 1", page.Total)
			}
		})
	}
}
