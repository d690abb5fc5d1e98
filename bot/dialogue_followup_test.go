package bot

import "testing"

// TestFollowUpsInTopic covers the mid-run judge's classes A, C and D: a short follow-up stays
// in the topic, a quote is given only when it answers, a payer gets a payer's plain lines.
func TestFollowUpsInTopic(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		hour  int
		steps []step
	}{
		// A: a subjectless follow-up is asked within the topic, not across the knowledge base.
		{"how long after a pending payment", 20, []step{
			{say: "顾客付完款 我们后台一直是处理中"},
			{say: "得等多久", notWant: []string{suggestMark, menuMark, "维护"}},
		}},
		{"the steps did not work", 22, []step{
			{say: "密码没错 可是后台就是登不上"},
			{say: "那咋办 试了还是登不上", want: []string{"提交工单"}, notWant: []string{suggestMark, menuMark}},
		}},
		// A: "solved" after a ticket of this conversation, and a score nobody asked for.
		{"solved after a ticket, then a score with a remark", 15, []step{
			{say: "提交工单 技术支持 商户号8834567891 昨天的对账单没有生成 不留电话"},
			{say: "现在对账单有了 问题已经解决了", want: []string{"解决了就好"}, notWant: []string{suggestMark}},
			{say: "3分吧 有点慢", want: []string{"感谢您的评分"}, notWant: []string{suggestMark}},
		}},
		{"an unasked score with no ticket", 15, []step{
			{say: "5分 很满意", want: []string{"感谢您的评分"}, notWant: []string{suggestMark, menuMark}},
		}},
		// C: lines of the last answer that only share words are not quoted for a new question.
		{"how long a refund takes is not the line on expired refunds", 12, []step{
			{say: "顾客要退款 我该怎么操作"},
			{say: "过了多长时间就不能退了"},
			{say: "退回去以后顾客多久能到账", notWant: []string{"已超过可退款期限", "刚才的回答里"}},
		}},
		// D: a payer is answered in a payer's few lines, and "too long" keeps them.
		{"an elderly payer whose payment fails", 10, []step{
			{say: "我年纪大了 不太会弄 扫码付钱老是付不了", want: []string{"付款的一方", testContact["hotline"]}, notWant: []string{"商户后台", "回复“详细”"}},
			{say: "字太多了", want: []string{testContact["hotline"]}, notWant: []string{"商户后台"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(tt.hour, 0), Options{}), tt.steps)
		})
	}
}
