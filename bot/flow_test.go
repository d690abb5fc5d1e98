package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestFlowTakesAnySlot: a message that answers another step than the one asked, or several at
// once, is kept; nothing valid is rejected as a wrong answer to the current step, and the
// ticket ends with everything the user gave.
func TestFlowTakesAnySlot(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step // the last one creates the ticket
		want  ticketSummary
		desc  []string // the description must contain these
	}{
		{
			name: "merchant number typed at the type step is kept",
			steps: []step{
				{say: "我要提交工单", want: []string{"请选择工单类型"}},
				{say: "我们商户号是8833221100", want: []string{"已记下商户编号 8833221100", "请选择工单类型"}, notWant: []string{"请回复 1、2、3"}},
				{say: "2", want: []string{"错误码"}, notWant: []string{"商户编号（88开头"}},
				{say: "支付下单接口一直返回签名错误，今天早上九点开始", want: []string{"如需客服电话联系您"}},
				{say: "不用打电话", match: createdRE, want: []string{"商户编号：8833221100", "类型：技术支持"}},
			},
			want: ticketSummary{Type: TypeTech, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8833221100", Due: 4 * time.Hour},
			desc: []string{"签名错误"},
		},
		{
			name: "mobile typed at the merchant step is the contact, not a bad merchant number",
			steps: []step{
				{say: "提交工单", want: []string{"请选择工单类型"}},
				{say: "1", want: []string{"商户编号"}},
				{say: "13911112222", want: []string{"联系电话 139****2222", "商户编号"}, notWant: []string{"不是有效的商户编号", "13911112222"}},
				{say: "8844556677", want: []string{"请简要描述"}},
				// The phone is known: the description files the ticket.
				{say: "昨天的结算款到现在还没到账，金额三千多", match: createdRE, want: []string{"联系电话：139****2222", "商户编号：8844556677"}},
			},
			want: ticketSummary{Type: TypeMerchant, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8844556677", Contact: "13911112222", ContactMasked: "139****2222", Due: 4 * time.Hour},
			desc: []string{"结算款到现在还没到账"},
		},
		{
			name: "merchant number and the problem in one sentence",
			steps: []step{
				{say: "帮我登记一下", want: []string{"请选择工单类型"}},
				{say: "商户服务", want: []string{"商户编号"}},
				{say: "8866778899，提现申请提交两天了一直显示处理中", want: []string{"已记下商户编号 8866778899、问题描述", "如需客服电话联系您"}, notWant: []string{"请简要描述"}},
				{say: "15822223333 下午三点以后打", match: createdRE},
			},
			want: ticketSummary{Type: TypeMerchant, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8866778899", Contact: "15822223333", ContactMasked: "158****3333", Due: 4 * time.Hour},
			desc: []string{"提现申请提交两天了一直显示处理中"},
		},
		{
			name: "an apology around a corrected number is no description",
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "88123456", want: []string{"不是有效的商户编号"}},
				{say: "不好意思刚才输错了 8812345670", want: []string{"请简要描述"}, notWant: []string{"问题描述"}},
				{say: "oops my bad, 8812345671", want: []string{"商户编号改为 8812345671", "请简要描述"}},
				{say: "退款到账时间比平时慢了两天", want: []string{"如需客服电话联系您"}},
				{say: "no", match: createdRE},
			},
			want: ticketSummary{Type: TypeMerchant, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8812345671", Due: 4 * time.Hour},
			desc: []string{"退款到账时间比平时慢了两天"},
		},
		{
			name: "no phone said before the phone is asked",
			steps: []step{
				{say: "提交工单"},
				{say: "2"},
				{say: "8812340001", want: []string{"错误码"}},
				{say: "电话就不留了", want: []string{"不留电话", "错误码"}},
				{say: "退款接口返回系统繁忙，重试三次都一样", match: createdRE},
			},
			want: ticketSummary{Type: TypeTech, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8812340001", Due: 4 * time.Hour},
			desc: []string{"系统繁忙"},
		},
		{
			name: "a problem typed instead of the type decides the type",
			steps: []step{
				{say: "提交工单"},
				{say: "从昨晚开始你们的支付接口一直超时，订单全卡住了", want: []string{"问题已记下", "商户编号"}},
				{say: "8812340002 手机13600001111", match: createdRE, want: []string{"类型：技术支持"}},
			},
			want: ticketSummary{Type: TypeTech, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8812340002", Contact: "13600001111", ContactMasked: "136****1111", Due: 4 * time.Hour},
			desc: []string{"接口一直超时"},
		},
		{
			name: "type and merchant number in one answer",
			steps: []step{
				{say: "我要留言"},
				{say: "投诉，商户号8812340003", want: []string{"工单类型 投诉建议", "8812340003", "投诉"}, notWant: []string{"请选择工单类型"}},
				{say: "你们业务员承诺的费率和合同不一致", want: []string{"如需客服电话联系您"}},
				{say: "跳过", match: createdRE, want: []string{"类型：投诉建议"}},
			},
			want: ticketSummary{Type: TypeComplaint, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8812340003", Due: 24 * time.Hour},
			desc: []string{"费率和合同不一致"},
		},
		{
			name: "individual user with a phone at the merchant step",
			steps: []step{
				{say: "提交工单"},
				{say: "0"},
				{say: "我是个人用户 手机13700002222", want: []string{"个人用户", "137****2222", "请简要描述"}, notWant: []string{"商户编号（88开头"}},
				{say: "在网上付了钱但是订单显示未支付", match: createdRE},
			},
			want: ticketSummary{Type: TypeOther, Priority: PriorityNormal, Status: StatusOpen, Individual: true, Contact: "13700002222", ContactMasked: "137****2222", Due: 4 * time.Hour},
			desc: []string{"订单显示未支付"},
		},
		{
			name: "everything in one message at the type step",
			steps: []step{
				{say: "提交工单", want: []string{"请选择工单类型"}},
				{say: "商户8811223344 回调通知收不到已经半天了 电话13522224444", match: createdRE, want: []string{"类型：技术支持", "商户编号：8811223344", "135****4444"}},
			},
			want: ticketSummary{Type: TypeTech, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8811223344", Contact: "13522224444", ContactMasked: "135****4444", Due: 4 * time.Hour},
			desc: []string{"回调通知收不到"},
		},
		{
			name: "merchant number typed where the phone was asked",
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "跳过", want: []string{"请简要描述"}},
				{say: "上个月的手续费发票一直没有寄到", want: []string{"如需客服电话联系您"}},
				{say: "8855001122", want: []string{"已记下商户编号 8855001122", "如需客服电话联系您"}, notWant: []string{"电话格式不对"}},
				{say: "skip", match: createdRE, want: []string{"商户编号：8855001122"}},
			},
			want: ticketSummary{Type: TypeMerchant, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8855001122", Due: 4 * time.Hour},
			desc: []string{"发票一直没有寄到"},
		},
		{
			name: "a merchant number from earlier in the conversation is not asked again",
			steps: []step{
				{say: "我家商户号8890123456，费率怎么看"},
				{say: "帮我提个工单吧", want: []string{"8890123456"}},
				{say: "1", want: []string{"请简要描述"}, notWant: []string{"请回复您的商户编号"}},
				{say: "合同上的费率和实际扣的不一样", want: []string{"如需客服电话联系您"}},
				{say: "不需要", match: createdRE, want: []string{"商户编号：8890123456"}},
			},
			want: ticketSummary{Type: TypeMerchant, Priority: PriorityNormal, Status: StatusOpen, MerchantNo: "8890123456", Due: 4 * time.Hour},
			desc: []string{"费率和实际扣的不一样"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			rs := converse(t, b, tt.steps)
			no := ticketNo(t, rs[len(rs)-1])
			tk, err := b.Ticket(context.Background(), no)
			if err != nil {
				t.Fatalf("Ticket(%s): %v", no, err)
			}
			got := summarize(tk)
			got.Category = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Ticket(%s) mismatch (-want +got):\n%s", no, diff)
			}
			for _, d := range tt.desc {
				if !strings.Contains(tk.Description, d) {
					t.Errorf("Ticket(%s).Description = %q, want it to contain %q", no, tk.Description, d)
				}
			}
		})
	}
}

// TestFlowQuestionsAndStatus: a question at any step is answered as a question, and a ticket not
// filed yet is never talked about as if it existed.
func TestFlowQuestionsAndStatus(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "waiting question at the phone step",
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "8812340000"},
				{say: "结算款少了两百块钱不知道为什么"},
				{say: "大概什么时候能有人回我", want: []string{"还没有提交", "联系电话"}, notWant: []string{"电话格式不对"}},
				{say: "那要几天啊", want: []string{"还没有提交"}, notWant: []string{"电话格式不对"}},
			},
		},
		{
			name: "a question that tells the problem is the description, answered in brief by the way",
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "8812340000"},
				{say: "提现一直显示处理中是怎么回事", want: []string{"问题已记下", "处理中", "手机号"}, notWant: []string{"回复“是”"}},
				{say: "跳过", want: []string{"工单已提交", "问题：提现一直显示处理中是怎么回事"}},
			},
		},
		{
			name: "a question that only asks is answered and offered as the description",
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "8812340000"},
				{say: "手续费怎么算", want: []string{"工单还在填写中", "回复“是”"}, notWant: []string{"问题已记下", "手机号"}},
			},
		},
		{
			name: "waiting question at the merchant step",
			steps: []step{
				{say: "提交工单"},
				{say: "3"},
				{say: "提交了多久会处理", want: []string{"还没有提交", "商户编号"}, notWant: []string{"不是有效的商户编号"}},
			},
		},
		{
			name: "unanswerable question at the phone step is no phone format error",
			steps: []step{
				{say: "提交工单"},
				{say: "2"},
				{say: "跳过"},
				{say: "对接测试环境的时候签名一直校验不过"},
				{say: "你们技术是人还是机器人？", notWant: []string{"电话格式不对"}, want: []string{"如需客服电话联系您"}},
			},
		},
		{
			name: "my tickets names the unfinished one",
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "8812345600"},
				{say: "我的工单", want: []string{"还没有已提交的工单", "正在填写的工单还没有提交", "问题描述"}, notWant: []string{"您还没有提交过工单"}},
				{say: "这周结算金额比平时少了一半", want: []string{"如需客服电话联系您"}},
			},
		},
		{
			name: "a human asked for mid-ticket keeps the ticket and says so",
			steps: []step{
				{say: "我想投诉"},
				{say: "8812345600"},
				{say: "转人工客服", want: []string{"转接人工客服", "工单已保存", "继续填写"}},
			},
		},
		{
			name: "my tickets names a paused one",
			steps: []step{
				{say: "提交工单"},
				{say: "1"},
				{say: "8812345600"},
				{say: "先不填了"},
				{say: "我的工单", want: []string{"还没有提交", "继续填写"}, notWant: []string{"您还没有提交过工单"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			converse(t, b, tt.steps)
		})
	}
}

// TestMerchantNumberAfterAMiss: a merchant number sent after a question the bot could not
// settle files a ticket with what the user said before and what came with the number; a
// technical problem in either makes it a technical ticket.
func TestMerchantNumberAfterAMiss(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	converse(t, newTestBot(t, ix, at(15, 0), Options{}), []step{
		{say: "下单接口从中午开始一直报错 顾客全都付不了"},
		{say: "8823456789 返回码SIGN_FAIL 每分钟几十笔", want: []string{"8823456789"}, notWant: []string{"看不到您账户的明细"}},
		{say: "不用留电话", want: []string{"技术支持", "顾客全都付不了；返回码"}},
	})
}

// TestTicketRequestsInOtherWords: a request for a ticket is understood however it is worded,
// and a request that already names the type or the problem is taken with it.
func TestTicketRequestsInOtherWords(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	for _, say := range []string{"我想提交个工单", "麻烦帮我提个单子", "那开个技术问题的工单吧", "我再提一个新的", "能不能填个工单"} {
		converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
			{say: say, want: []string{"工单"}, notWant: []string{suggestMark, menuMark, "回复“提交工单”"}},
		})
	}
	converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
		{say: "提交工单 技术支持 商户号8834567890 回调一直收不到 电话13912345678", notWant: []string{"不是易联", "可疑", suggestMark}},
	})
	// Questions about tickets are still answered, not taken as a request.
	converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
		{say: "怎么提交工单", notWant: []string{"请选择工单类型"}},
	})
}
