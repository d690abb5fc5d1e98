package bot

import (
	"strings"
	"testing"
)

// TestConversationalTurns covers the turns the judges found answered with a list, the menu or
// an unrelated answer: each case is a failure class, in wording other than the judged sets'.
func TestConversationalTurns(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	notUnderstood := "没能理解"
	tests := []struct {
		name  string
		hour  int
		steps []step
	}{
		// K4: a list where one entry is clearly the need is answered by it; a vague word and
		// a message retrieval found nothing for are not.
		{"a sure first entry is answered, not listed", 10, []step{
			{say: "你们的手续费是咋收的", notWant: []string{suggestMark}},
			{say: "商户后台进不去 密码也记不清了", notWant: []string{suggestMark}},
		}},
		{"a pressed user gets the likeliest answer", 10, []step{
			{say: "为啥我的资金被冻结了"},
			{say: "要冻几天 下午急着用钱", want: []string{"解冻"}, notWant: []string{suggestMark}},
		}},
		{"a vague word stays a list; nothing found is never answered", 10, []step{
			{say: settleVague, want: []string{suggestMark}},
			{say: "帮我订一张去上海的机票", notWant: []string{"您问的应该是"}},
		}},
		{"too many words: the gist and the hotline", 10, []step{
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "写得太长了 我看不明白", want: []string{"简单讲", testContact["hotline"]}, notWant: []string{suggestMark, menuMark}},
			{say: "字好小 我想直接打电话问", want: []string{testContact["hotline"]}, notWant: []string{suggestMark}},
		}},
		// K5: greetings, chat, "what can you do" and going off to read get a line.
		{"greetings and chat get a line, not the menu", 9, []step{
			{say: "下午好～", want: []string{"您好"}, notWant: []string{suggestMark, menuMark, notUnderstood}},
			{say: "外面天气好热啊", notWant: []string{suggestMark, menuMark, notUnderstood, "服务范围"}},
			{say: "嘿嘿 我就是来问候一下", notWant: []string{suggestMark, menuMark, notUnderstood}},
			{say: "说真的你都会些什么", want: []string{"提交工单"}, notWant: []string{suggestMark, notUnderstood, textEmpathy}},
			{say: "你们可以帮我办啥 给个目录", want: []string{menuMark}},
		}},
		{"going off to read is an okay, not a question", 15, []step{
			{say: "接口返回签名验证失败 怎么排查"},
			{say: "好 我先去翻翻文档", want: []string{textPlanAck}, notWant: []string{feedbackMark, suggestMark}},
		}},
		{"a bare ok in a Chinese conversation is answered in Chinese", 11, []step{
			{say: "对账单在哪下载"},
			{say: "OK", want: []string{textOK}, notWant: []string{textEnglishOK}},
		}},
		{"a comparison with another company: declined, and what 易联 does", 11, []step{
			{say: "你们和别家支付公司比哪家好", want: []string{"不方便评价"}, notWant: []string{notUnderstood, menuMark}},
		}},
		{"amount and time after a question join it", 20, []step{
			{say: "我信用卡上有一笔易联的扣款 不认识"},
			{say: "66.8元 前天下午3点", want: []string{"66.8", "提交工单"}, notWant: []string{notUnderstood, menuMark}},
		}},
		// K9: a question of a few characters is asked within the topic.
		{"a subjectless follow-up stays in the topic", 10, []step{
			{say: "费率是多少"},
			{say: "能降吗", notWant: []string{"诈骗", "保证金"}},
		}},
		{"how long, after an answer whose related entry is about time", 10, []step{
			{say: "怎么申请成为易联的商户", want: []string{"入网申请提交后多久能审核完"}},
			{say: "大概要多久", want: []string{"审核"}, notWant: []string{suggestMark}},
		}},
		// K10: a payer given an entry written for merchants is told what is theirs to do.
		{"a payer is told the back-office steps are the shop's", 19, []step{
			{say: "我儿子帮我绑的卡 我买东西付钱被扣了两回", want: []string{"付款的一方", testContact["hotline"]}},
		}},
		{"a merchant is not", 19, []step{
			{say: "我们店里顾客付钱被扣了两次 怎么处理", notWant: []string{"付款的一方"}},
		}},
		// K12: a number means a list the user saw.
		{"a number with no list on screen shows the menu", 16, []step{
			{say: "4", want: []string{menuMark, "没有可选的列表"}, notWant: []string{"【"}},
			{say: "4", want: []string{"【"}},
			{say: "返回"},
			{say: "拜拜"},
			{say: "25", want: []string{"1-17"}, notWant: []string{"没有可选的列表"}},
			{say: "那第2个呢", notWant: []string{menuMark, notUnderstood}},
		}},
		{"a short question whose list holds the answer just given is about that answer", 10, []step{
			{say: "你们的手续费是咋收的"},
			{say: "那从哪扣的", notWant: []string{suggestMark}},
		}},
		// K13: an upset user going into a form gets a line of empathy first.
		{"an upset complaint starts with empathy", 14, []step{
			{say: "你们怎么回事!! 我要投诉", want: []string{textEmpathy}},
		}},
		// K10: a GD number of the wrong length is a ticket number, never a phone number.
		{"a malformed ticket number is named as one", 10, []step{
			{say: "帮我看下工单gd2026112600019", want: []string{"GD2026112600019", "12 位"}, notWant: []string{suggestMark}},
			{say: "GD13912345678 这个呢", want: []string{"12 位"}, notWant: []string{"官方号码", "诈骗"}},
			{say: "查工单 GD 2026 1126 0001", notWant: []string{"12 位"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(tt.hour, 0), Options{}), tt.steps)
		})
	}
}

// TestLookedUpFollowUp checks that "啥时候能处理好" right after a lookup is about the ticket
// looked up, found or not.
func TestLookedUpFollowUp(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
			{say: "查询工单 GD202611269999", want: []string{"没有找到"}},
			{say: "那大概要多久才有结果", want: []string{"GD202611269999", "没有查到", "4小时"}, notWant: []string{feedbackMark}},
		})
	})
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
			{say: "gd2026112699", want: []string{"12 位"}},
			{say: "啥时候能处理好", want: []string{"GD2026112699", "没有查到"}},
		})
	})
	t.Run("found", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		no := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
		rs := converse(t, b, []step{
			{say: "我的工单"},
			{say: no},
			{say: "大概什么时候能弄好", want: []string{no, "前回复"}},
		})
		if strings.Contains(rs[2].Text, "没有查到") {
			t.Errorf("found ticket answered as not found: %q", rs[2].Text)
		}
	})
}

// TestQueueWaitQuestion checks that asking how long the wait is after a hand-off gets a notice
// instead of silence.
func TestQueueWaitQuestion(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
		{say: "转人工"},
		{say: "大概要等多久才有人", want: []string{"排队"}},
		{say: "我的结算款没到账", transfer: true},
	})
}
