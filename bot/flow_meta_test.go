package bot

import (
	"context"
	"strings"
	"testing"
)

// TestFlowReadsWhatAMessageIs: inside the ticket flow a message is read for what it is (a
// value for this step or another, a command, a question in passing, a correction, a problem
// gone away) and only the user's problem reaches the description.
func TestFlowReadsWhatAMessageIs(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name    string
		steps   []step
		desc    []string // the filed ticket's description contains these
		notDesc []string // and none of these
	}{
		{
			name: "a corrected merchant number is no description (K6)",
			steps: []step{
				{say: "帮我开个工单"},
				{say: "商户服务"},
				{say: "我的号是12345678"},
				{say: "哦 搞错了 商户号应该是8856473829没错", want: []string{"请简要描述"}, notWant: []string{"问题描述"}},
				{say: "想把结算银行卡换成另一张工行的卡", want: []string{"如需客服电话联系您"}},
				{say: "不用留电话", match: createdRE},
			},
			desc:    []string{"结算银行卡换成另一张工行的卡"},
			notDesc: []string{"搞错", "没错"},
		},
		{
			name: "a question in passing is answered and the step kept; carrying on is a command (K6, K7)",
			steps: []step{
				{say: "开工单"},
				{say: "1"},
				{say: "8809876543"},
				{say: "等等 我先问一下 T+1结算一般第二天几点到账?", want: []string{"工单还没提交", "请简要描述"}, notWant: []string{"找到后直接发给我"}},
				{say: "好 继续刚才的工单", want: []string{"接着填", "请简要描述"}, notWant: []string{"如需客服电话联系您"}},
				{say: "周一的T+1款到现在没到 金额12680", want: []string{"如需客服电话联系您"}},
				{say: "跳过", match: createdRE},
			},
			desc:    []string{"周一的T+1款到现在没到"},
			notDesc: []string{"继续", "工单；"},
		},
		{
			name: "a phone where the problem was asked is the contact (K6)",
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "8812345678"},
				{say: "13912345678", want: []string{"139****5678", "请简要描述"}, notWant: []string{"工单已提交"}},
				{say: "结算款昨天没有到账，金额两千", match: createdRE, want: []string{"联系电话：139****5678"}},
			},
			desc:    []string{"结算款昨天没有到账"},
			notDesc: []string{"139"},
		},
		{
			name: "a request that has everything is filed at once (K8)",
			steps: []step{
				{say: "我要提交个工单,技术支持,商户号8812345678,支付接口一直报签名错误,联系电话13800138000", match: createdRE, want: []string{"类型：技术支持", "商户编号：8812345678", "138****8000"}},
			},
			desc:    []string{"支付接口一直报签名错误"},
			notDesc: []string{"联系电话", "商户号"},
		},
		{
			name: "a request with the problem and no phone is filed at once (K8)",
			steps: []step{
				{say: "提个工单 技术支持 商户号8834567890 对账文件昨天的没生成 不留电话了", match: createdRE, notWant: []string{"前面提到的"}},
			},
			desc:    []string{"对账文件昨天的没生成"},
			notDesc: []string{"不留", "商户号"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(14, 50), Options{})
			rs := converse(t, b, tt.steps)
			no := ticketNo(t, rs[len(rs)-1])
			tk, err := b.Ticket(context.Background(), no)
			if err != nil {
				t.Fatalf("Ticket(%s): %v", no, err)
			}
			for _, d := range tt.desc {
				if !strings.Contains(tk.Description, d) {
					t.Errorf("Ticket(%s).Description = %q, want it to contain %q", no, tk.Description, d)
				}
			}
			for _, d := range tt.notDesc {
				if strings.Contains(tk.Description, d) {
					t.Errorf("Ticket(%s).Description = %q, want no %q", no, tk.Description, d)
				}
			}
		})
	}
}

// TestFlowCommandsAndLanguage: commands inside the flow are not answers, and an English user
// gets the form in English (K6, K11).
func TestFlowCommandsAndLanguage(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "a confirmation at the merchant step is no bad merchant number",
			steps: []step{
				{say: "我要投诉 你们扣了我两次钱!"},
				{say: "好 提交", notWant: []string{"不是有效的商户编号"}, want: []string{"商户编号"}},
			},
		},
		{
			name: "a problem solved meanwhile drops the form",
			steps: []step{
				{say: "提交工单"},
				{say: "2"},
				{say: "8834567890"},
				{say: "刚刚文件出来了 问题解决了", want: []string{"不提交"}, notWant: []string{"如需客服电话联系您"}},
				{say: "我的工单", want: []string{"还没有提交过工单"}},
			},
		},
		{
			name: "English never mind cancels in English",
			steps: []step{
				{say: "please file a ticket for me", want: []string{"merchant number"}},
				{say: "never mind, I will call tomorrow. thanks", want: []string{"nothing was submitted"}, notWant: []string{"问题已记下"}},
			},
		},
		{
			name: "an English user is asked in English at every step",
			steps: []step{
				{say: "please file a ticket for me", want: []string{"merchant number"}, notWant: []string{"请回复您的商户编号"}},
				{say: "8890001234", want: []string{"describe the problem"}},
				{say: "my customer paid but the money never arrived", want: []string{"phone number"}},
				{say: "skip", want: []string{"Your ticket is filed: GD"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(15, 0), Options{}), tt.steps)
		})
	}
}
