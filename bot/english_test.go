package bot

import (
	"testing"
	"time"
)

// TestEnglishTopics: English questions get the topic's gist in English, follow-ups are read in
// the last topic, and nothing tells the user to "reply human" when no one is there.
func TestEnglishTopics(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	canned := []string{"answer best in Chinese", menuMark, suggestMark, "没能理解"}
	tests := []struct {
		name  string
		start time.Time
		steps []step
	}{
		{"a documents follow-up after a cross-border answer", at(15, 30), []step{
			{say: "Hi, do you support receiving payments from overseas buyers?", want: []string{"cross-border"}, notWant: append(canned, "Yes,")},
			{say: "What documents do I need?", want: []string{"customs", "trade contract", "service@"}, notWant: canned},
		}},
		{"how long cross-border settlement takes", at(10, 0), []step{
			{say: "Hello, do you speak English?", want: []string{"Yes, I can help in English", "What do you need"}, notWant: append(canned, "My own answers are in Chinese")},
			{say: "I'm an exporter. How long does cross-border settlement take?", want: []string{"no single fixed time", "contract"}, notWant: append(canned, "Yes,")},
		}},
		{"money not received at night: checks and a ticket, no human", at(23, 30), []step{
			{say: "My customer paid but I never got the money", want: []string{"T+1", "merchant portal", "ticket"}, notWant: append(canned, `reply "human"`)},
		}},
		{"documents without a cross-border topic are the merchant application's", at(11, 0), []step{
			{say: "What documents do I need to apply as a merchant?", want: []string{"business licence"}, notWant: append(canned, "customs")},
		}},
		{"nothing matches at night: what it can do, and a ticket", at(23, 0), []step{
			{say: "Something weird happened with my account yesterday", want: []string{"help in English", "ticket", "08:00-22:00"}, notWant: append(canned, `reply "human"`)},
		}},
		{"nothing matches in hours: a human offered", at(11, 0), []step{
			{say: "Something weird happened with my account yesterday", want: []string{"help in English", `reply "human"`}, notWant: canned},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, tt.start, Options{}), tt.steps)
		})
	}
}

// TestFlowOfferNotPushed: a user who will come back later leaves the form quietly; side
// questions recall the step in a line; a heading alone is not taken as the description.
func TestFlowOfferNotPushed(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	typeMenu := "请选择工单类型"
	tests := []struct {
		name  string
		start time.Time
		steps []step
	}{
		{"coming back at opening time is respected", at(7, 45), []step{
			{say: "有人吗??"},
			{say: "那我8点以后再来找人工", want: []string{"08:00", "人工", "400-800-9000"}, notWant: []string{typeMenu, "先把工单填好"}},
			{say: "谢谢", notWant: []string{typeMenu}},
		}},
		{"tomorrow, in other words", at(23, 45), []step{
			{say: "转人工"},
			{say: "算了 明天上班再联系你们", want: []string{"08:00"}, notWant: []string{typeMenu}},
		}},
		{"side questions recall the type step in a line", at(7, 50), []step{
			{say: "人工客服", want: []string{typeMenu}},
			{say: "还有10分钟是吧 那我先问下 结算卡怎么改", want: []string{"工单还没提交", "类型数字"}, notWant: []string{typeMenu}},
			{say: "要多久生效", notWant: []string{typeMenu}},
		}},
		{"a complaint heading alone: the details are asked", at(0, 30), []step{
			{say: "我要投诉 你们扣了我两次钱!"},
			{say: "好 提交", want: []string{"商户编号"}},
			{say: "我是个人 没有商户号", want: []string{"描述"}, notWant: []string{"手机号"}},
			{say: "3月5号在超市买东西 付了一次扣了两次 每次58.5", want: []string{"手机号"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, tt.start, Options{}), tt.steps)
		})
	}
}

// TestOutageNightChannels: at night an outage names only what answers now: no backup line to
// call, the hotline's hours, the urgent ticket, and checks the shop can do itself.
func TestOutageNightChannels(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(22, 40), Options{})
	converse(t, b, []step{
		{say: "收不了钱了 一直交易失败 店里还有好几桌没结账", want: []string{"非服务时间", testContact["hotline"], "只在高峰期", "加急技术支持工单 GD", "其他方式付款"}, notWant: []string{"夜间请先打备用热线", "请拨打高峰期备用热线"}},
		{say: "还是不行", want: []string{"加急工单 GD", "上班后"}, notWant: []string{"备用热线"}},
	})
	day := newTestBot(t, ix, at(14, 0), Options{})
	converse(t, day, []step{
		{say: "收不了钱了 一直交易失败 店里还有好几桌没结账", want: []string{testContact["hotline"], "加急技术支持工单 GD", "回复“人工”"}, notWant: []string{"非服务时间"}},
	})
}
