package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The classes set B found in the fund-safety case, the number check and the ticket flow, in
// other words than set B's: the tables test the class, not a sentence.

// block is the start of the steps given when a case opens: a follow-up must not get it again.
var block = []string{"⚠️ 这涉及资金安全", "现在最要紧"}

func TestCaseFollowUps(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name    string
		start   time.Time
		steps   []step
		tickets int
		typed   bool // the user types a ticket number of their own
		check   func(t *testing.T, tk *Ticket)
	}{
		{
			name:  "the steps once; each follow-up gets its own short answer with the ticket",
			start: at(23, 10),
			steps: []step{
				{say: "有人冒充银行客服 让我往安全账户打了8000", match: urgentTicketRE, want: []string{"开户银行", "96110"}},
				{say: "半夜了银行客服还上班吗", want: []string{"24小时", "卡背面", "加急工单"}, notWant: block},
				{say: "聊天记录能不能清掉", want: []string{"先别删", "证据"}, notWant: block},
				{say: "支付密码我换一个新的行不行", want: []string{"改密码是对的", "不要告诉"}, notWant: block},
				{say: "钱能要回来不", want: []string{"没办法直接追回"}, notWant: block},
				{say: "对方手机是15900001234 说自己是易联的", want: []string{"不是易联支付的官方号码", "安全账户", "补充到加急工单"}, notWant: block},
				{say: "我这就去公安局", want: []string{"加急工单号 GD"}, notWant: append(block, menuMark)},
				{say: "多谢", want: []string{"加急工单号 GD"}, notWant: append(block, menuMark)},
				{say: "对方让我装的那个软件还要留着吗", want: []string{"要卸载", "截图"}, notWant: block},
				{say: "那人微信号绑的手机是13700001111", want: []string{"13700001111 不是易联支付的官方号码", "补充到加急工单"}, notWant: block},
			},
			tickets: 1,
		},
		{
			name:  "the bank named in a follow-up is named back, and the fact goes on the ticket",
			start: at(10, 0),
			steps: []step{
				{say: "我被骗了 刚给骗子转了3000", match: urgentTicketRE},
				{say: "钱是从建设银行卡里转出去的", want: []string{"建设银行卡背面", "已记到工单"}, notWant: block},
				{say: "还有个事 扣款短信里的商户名写的是易联", want: []string{"使用易联收款的商户", "加急工单"}, notWant: block},
				{say: "接下来呢", want: []string{"还没做的话", "止付"}, notWant: []string{"⚠️ 这涉及资金安全"}},
				{say: "我现在好害怕 不敢跟家里说", want: []string{"不怪您"}, notWant: block},
				{say: "这钱你们平台会赔吗", want: []string{"没法替客服承诺"}, notWant: block},
				{say: "去报警要带啥", want: []string{"转账记录", "加急工单号"}, notWant: block},
			},
			tickets: 1,
			check: func(t *testing.T, tk *Ticket) {
				var said []string
				for _, tr := range tk.Transcript {
					said = append(said, tr.Text)
				}
				if all := strings.Join(said, "|"); !strings.Contains(all, "建设银行") || !strings.Contains(all, "商户名") {
					t.Errorf("the ticket's transcript %q lacks the facts told after it was filed", all)
				}
			},
		},
		{
			name:  "a merchant's account taken over: can I still collect, and the merchant number goes on the ticket",
			start: at(6, 40),
			steps: []step{
				{say: "后台的结算卡让人换掉了", match: urgentTicketRE},
				{say: "顾客扫码付的钱还安全吗", want: []string{"其他方式收款", "加急工单"}, notWant: block},
				{say: "我商户编号是 88 1122 3344", want: []string{"8811223344", "补充到加急工单"}, notWant: []string{"请选择工单类型"}},
			},
			tickets: 1,
			check: func(t *testing.T, tk *Ticket) {
				if tk.MerchantNo != "8811223344" || tk.Priority != PriorityUrgent {
					t.Errorf("ticket = %s merchant %q, want urgent with 8811223344", tk.Priority, tk.MerchantNo)
				}
			},
		},
		{
			name:  "no loss told: no case and no urgent ticket",
			start: at(10, 0),
			steps: []step{
				{say: "结算的钱已经到账了，谢谢", notWant: []string{"加急", "开户银行"}},
				{say: "怎样辨别冒充客服的骗子", notWant: []string{"加急工单", "别着急"}},
				{say: "之前那笔退款退回来了", notWant: []string{"加急工单", "别着急"}},
				{say: "差点被骗 还好没转钱", notWant: []string{"加急工单 GD", "别着急"}},
				{say: "如果被骗了钱应该先打给谁", notWant: []string{"加急工单 GD", "别着急"}},
				{say: "你们已经打电话给我处理好了", notWant: []string{"加急工单 GD", "别着急"}},
			},
			tickets: 0,
		},
		{
			name:  "a case told before is looked up, and filed again only when the user says so",
			start: at(10, 0),
			steps: []step{
				{say: "前天被骗的事有人管吗 单号GD202601010001", want: []string{"没有查到工单 GD202601010001", "登记"}, notWant: []string{"加急工单 GD", "别着急"}},
				{say: "民警让你们出个流水证明", want: []string{"协查手续", "回复“登记”"}, notWant: []string{"补充到加急工单"}},
				{say: "登记吧", match: urgentTicketRE, want: []string{"加急通道"}},
			},
			tickets: 1, typed: true,
			check: func(t *testing.T, tk *Ticket) {
				if !strings.Contains(tk.Description, "前天被骗") {
					t.Errorf("Description = %q, want the message that told of the case", tk.Description)
				}
			},
		},
		{
			name:  "a scammer at work again inside the case: a firm no, not the steps",
			start: at(10, 0),
			steps: []step{
				{say: "我把动态码念给对方了 卡里被扣了两千", match: urgentTicketRE},
				{say: "他又让我再念一个新的", want: []string{"骗子话术"}, notWant: block},
				{say: "这次没念 直接挂了", want: []string{"没给就对了", "开户银行"}, notWant: []string{"没有损失就好"}},
			},
			tickets: 1,
		},
		{
			name:  "what the user did is read: the app gone, a code typed after sharing, panic",
			start: at(6, 10),
			steps: []step{
				{say: "骗子让我装了个todesk 现在还开着", match: urgentTicketRE},
				{say: "软件已经删掉了 下一步干嘛", want: []string{"卸载了就好", "交易"}, notWant: []string{"要卸载"}},
				{say: "不过之前按他说的输了个码进去", want: []string{"开户银行", "另一台"}, notWant: block},
				{say: "天还没亮能找谁 我好慌", want: []string{"很着急"}, notWant: block},
			},
			tickets: 1,
		},
		{
			name:  "asked to pay once more: a payment was made, so the loss steps and the ticket",
			start: at(21, 0),
			steps: []step{
				{say: "自称易联客服的人说要给我退款 叫我先交500保证金", notWant: []string{"加急工单 GD"}},
				{say: "现在他还要我再转一次 说上一笔没成功", match: urgentTicketRE, want: []string{"付过一笔", "开户银行"}},
				{say: "刚才又转了800过去", want: []string{"每一笔", "止付", "报警"}, notWant: block},
			},
			tickets: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, tt.start, Options{})
			rs := converse(t, b, tt.steps)
			if !tt.typed {
				sameTicket(t, rs)
			}
			page, err := b.Tickets(context.Background(), TicketFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tt.tickets {
				t.Fatalf("%d tickets, want %d", page.Total, tt.tickets)
			}
			if tt.check != nil {
				tk, err := b.Ticket(context.Background(), page.Tickets[0].No)
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, tk)
			}
		})
	}
}

func TestIsLoss(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want bool
	}{
		{"对方说是平台客服 我按他说的转了五千过去", true},
		{"我上当了", true},
		{"账户余额少了两万块", true},
		{"卡被人刷了一笔", true},
		{"我扫了他的码 又输了支付密码", true},
		{"钱到账了 谢谢你们", false},
		{"退款退回来了", false},
		{"怎么识别诈骗电话", false},
		{"万一被骗了怎么办", false},
		{"差一点就上当了", false},
		{"我给供应商转了2万 怎么查对方到账没有", false},
		{"这个月结算少了200块 是手续费吗", false},
		{"发了验证码但是一直收不到", false},
		{"输了三次密码账号被锁了", false},
		{"账户资金被风控冻结了", false},
		{"防止被盗刷有什么办法", false},
		{"说是帮我升级会员 结果卡里的钱全没了", true},
		// A code handed over in the order "验证码…告诉他", and in English.
		{"对方要我卡号我给了 后来短信码也发给那个人了", true},
		{"动态码都告诉对方了 现在怎么办", true},
		{"A man pretending to be your agent asked for my OTP and I gave him the code", true},
		{"the caller said he was support, now all my money was taken", true},
		{"验证码发给我了但是登录不上", false},
		// A remote session only asked for is a risk to warn about, not a loss.
		{"对方自称客服 叫我装个向日葵远程协助", false},
		{"他让我开屏幕共享 我已经开了", true},
		{"How do I change my password?", false},
	}
	for _, tt := range tests {
		if got := isLoss(tt.text); got != tt.want {
			t.Errorf("isLoss(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestNumberKinds(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step
	}{
		{"a regulator's public number is theirs, and one claiming 易联 is suspect", []step{
			{say: "12363打电话给我说是易联的", want: []string{"中国人民银行", "不是易联支付的号码", "400-800-9000"}, notWant: []string{"不是易联支付的官方号码"}},
		}},
		{"a bank's number is the bank's", []step{
			{say: "95559是你们的电话吗", want: []string{"交通银行", "不是易联支付的号码"}},
		}},
		{"a public number that called: whose it is, and caller IDs can be faked", []step{
			{say: "刚有个12378的电话说我的贷款有问题 要我处理一下", want: []string{"金融监管部门", "伪造"}},
		}},
		{"a public number the user means to call is no number question", []step{
			{say: "客服电话老打不通 我要去12345投诉你们 什么破服务", notWant: []string{"不是易联支付", "官方号码"}},
		}},
		{"a stranger's landline is not official", []step{
			{say: "0755-23456789 说是你们客服", want: []string{"0755-23456789 不是易联支付的官方号码", "010-88888888"}},
			{say: "嗯嗯 明白了 多谢", want: []string{"400-800-9000"}, notWant: []string{suggestMark, menuMark}},
		}},
		{"numbers known by their first digits", []step{
			{say: "有个96开头的号码说是易联的", want: []string{"没有96开头", "400-800-9000"}},
			{say: "400开头的都是你们的吗", want: []string{"不是所有400开头", "400-800-9000"}},
		}},
		{"the official number asking for a code is still a scam; 'I did not' is a relief", []step{
			{say: "4008009000打来要我说验证码", want: []string{"确实是易联支付的官方", "挂断"}, notWant: []string{"加急工单"}},
			{say: "我没说", want: []string{"没有损失"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestTicketFlowRepairs(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, tk *Ticket)
	}{
		{"a correction of the type changes it and asks the same step again", []step{
			{say: "提交工单"},
			{say: "1", want: []string{"商户编号"}},
			{say: "搞错了 应该是投诉", want: []string{"工单类型改为投诉建议", "商户编号"}, notWant: []string{"问题已记下"}},
			{say: "8812345670", want: []string{"投诉"}},
			{say: "客服态度很差 直接挂我电话", want: []string{"手机号"}},
			{say: "不方便留", match: createdRE, want: []string{"类型：投诉建议"}},
		}, nil},
		{"a correction of the merchant number at a later step", []step{
			{say: "提交工单"},
			{say: "2"},
			{say: "8812345670"},
			{say: "商户号填错了 应该是8812345671", want: []string{"商户编号改为 8812345671", "错误码"}},
			{say: "下单接口一直超时", want: []string{"手机号"}},
			{say: "跳过", match: createdRE, want: []string{"8812345671"}},
		}, nil},
		{"'wait' and 'are you there' keep the step", []step{
			{say: "我想留个言"},
			{say: "1"},
			{say: "稍等 我找一下商户号", want: []string{"不着急"}, notWant: []string{"不是有效的商户编号"}},
			{say: "你还在吗", want: []string{"在的", "商户编号"}},
			{say: "8811112222", want: []string{"请简要描述"}},
		}, nil},
		{"a complaint asked for in a sentence, by a buyer", []step{
			{say: "想提个投诉 物业收的款退不回来", want: []string{"投诉工单", "物业收的款退不回来"}},
			{say: "我就是个顾客", want: []string{"请描述您要投诉"}},
		}, nil},
		{"a payer says so in words", []step{
			{say: "帮我提个工单"},
			{say: "0"},
			{say: "我是付款人 不是商家", want: []string{"请简要描述"}},
		}, nil},
		{"more about the problem at the phone step goes to the description; call times are kept", []step{
			{say: "提交工单"},
			{say: "1"},
			{say: "跳过"},
			{say: "扫码付款一直失败", want: []string{"手机号"}},
			{say: "昨天下午三点开始的 换了手机也不行", want: []string{"已补充到问题描述", "手机号"}, notWant: []string{"电话格式不对"}},
			{say: "15800002222 晚上八点前打", match: createdRE, want: []string{"158****2222"}},
		}, func(t *testing.T, tk *Ticket) {
			for _, w := range []string{"扫码付款一直失败", "换了手机也不行", "联系备注：晚上八点前打"} {
				if !strings.Contains(tk.Description, w) {
					t.Errorf("Description = %q, want %q in it", tk.Description, w)
				}
			}
		}},
		{"an e-mail at the phone step is kept; English declines", []step{
			{say: "提交工单"},
			{say: "2"},
			{say: "个人用户"},
			{say: "SDK初始化报错 提示证书无效"},
			{say: "发邮件到 ops@shop.cn 就行", match: createdRE, want: []string{"ops@shop.cn"}},
		}, func(t *testing.T, tk *Ticket) {
			if !strings.Contains(tk.Description, "ops@shop.cn") || tk.Contact != "" {
				t.Errorf("Description %q, Contact %q: want the e-mail in the description and no phone", tk.Description, tk.Contact)
			}
		}},
		{"English 'no' at the phone step", []step{
			{say: "提交工单"},
			{say: "0"},
			{say: "跳过"},
			{say: "想咨询一下分账功能怎么开通"},
			{say: "no", match: createdRE},
		}, nil},
		{"resuming with the number in the same message takes it", []step{
			{say: "提工单"},
			{say: "1"},
			{say: "回头再说", want: []string{"还没有提交"}},
			{say: "商户号找到了 8812300001", want: []string{"商户编号 8812300001 已记下", "请简要描述"}},
		}, nil},
		{"a request in a sentence names what the ticket is for", []step{
			{say: "麻烦帮我登记一下 提现一直没到账", want: []string{"商户服务工单", "提现一直没到账", "商户编号"}, notWant: []string{"请选择工单类型"}},
			{say: "跳过"},
			{say: "前天申请的提现 金额五千", want: []string{"手机号"}},
			{say: "不用", match: createdRE, want: []string{"问题：提现一直没到账"}},
		}, nil},
		{"'前面说过了' takes what was said before the flow", []step{
			{say: "你们这个月的结算单对不上 差了一百多 我核了一上午"},
			{say: "我要投诉"},
			{say: "跳过"},
			{say: "前面说过了", want: []string{"就用您前面说的", "手机号"}},
			{say: "跳过", match: createdRE},
		}, func(t *testing.T, tk *Ticket) {
			if !strings.Contains(tk.Description, "结算单对不上") {
				t.Errorf("Description = %q, want the words said before the flow", tk.Description)
			}
		}},
		{"a type said as a topic, a forgotten number, a phone described instead of typed", []step{
			{say: "提交工单"},
			{say: "结算的问题", want: []string{"商户编号"}},
			{say: "我忘了商户号", want: []string{"请简要描述"}},
			{say: "结算金额比后台少了一笔", want: []string{"手机号"}},
			{say: "就是我注册时留的那个手机号", want: []string{"看不到", "跳过"}, notWant: []string{"已补充到问题描述"}},
			{say: "跳过", match: createdRE, want: []string{"类型：商户服务"}},
		}, nil},
		{"a question's topic at the type step: its answer, and the ticket stays open", []step{
			{say: "提交工单"},
			{say: "结算款没到账", want: []string{"结算", "类型已记为商户服务", "商户编号"}, notWant: []string{"请回复 1、2、3 或 0"}},
		}, nil},
		{"a merchant number of the wrong length says how long it is", []step{
			{say: "提交工单"},
			{say: "1"},
			{say: "881234567", want: []string{"这是9位", "88开头的10位"}},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			rs := converse(t, b, tt.steps)
			if tt.check != nil {
				tt.check(t, lastTicket(t, b, rs))
			}
		})
	}
}

// TestBuyerRefund: a buyer waiting for a refund gets a buyer's answer, and the follow-ups stay
// on the refund; a merchant's refund question still goes to the FAQ.
func TestBuyerRefund(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	merchantText := []string{"商户后台", "提醒顾客", "结算记录"}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a buyer, then the card, the wait and the platform", []step{
			{say: "商家退的钱我到现在都没收到", want: []string{"原路退回", "付款时间、金额"}, notWant: merchantText},
			{say: "我用的信用卡", want: []string{"信用卡", "账单"}, notWant: merchantText},
			{say: "超过一个礼拜了还是没有", want: []string{"退款单号", "登记工单"}, notWant: merchantText},
			{say: "是在淘宝上下单的", want: []string{"平台", "易联支付"}, notWant: []string{"不在我的服务范围"}},
		}},
		{"an angry buyer gets an apology first", []step{
			{say: "退款等了十天都没到!!! 你们到底管不管", want: []string{"抱歉", "原路退回"}, notWant: merchantText},
		}},
		{"a merchant's refund question is not the buyer's answer", []step{
			{say: "顾客说退款没收到 我后台显示成功了", notWant: []string{"退款由商家发起，钱会按原路退回您付款用的账户"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

// TestCrossBorderWallets: a question about PayPal and the like names 易联's own cross-border
// service, and the second question gets 易联's side instead of the same reply.
func TestCrossBorderWallets(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
		{say: "Payoneer的钱转出来好慢 能帮我看看吗", want: []string{"跨境收款服务", "看不到"}},
		{say: "那你们支持Payoneer收款吗", want: []string{"跨境业务团队", "跨境支付"}, notWant: []string{"看不到"}},
	})
}

// TestCaseDoneAndEnglishWhen: a user who has reached the bank is not sent to the bank again, and
// an English "how long" inside a case is answered in English, not with a Chinese transfer line.
func TestCaseDoneAndEnglishWhen(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	t.Run("bank reached", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(21, 0), Options{})
		converse(t, b, []step{
			{say: "我把验证码念给骗子了", match: urgentTicketRE},
			{say: "已经止付了", want: []string{"110"}, notWant: []string{"卡背面"}},
		})
	})
	t.Run("english when", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(20, 0), Options{})
		converse(t, b, []step{
			{say: "I gave the scammer my verification code and my money is gone", want: []string{"urgent ticket GD"}},
			{say: "When will an agent call me back?", want: []string{"within 1 hour"}, notWant: []string{"转接"}},
		})
	})
}

// TestScareOver: money that arrived after a fright gets a line of relief, not the victim steps.
func TestScareOver(t *testing.T) {
	t.Parallel()
	b := newTestBot(t, mustIndex(t), at(15, 0), Options{})
	converse(t, b, []step{
		{say: "白担心了 我以为遇到骗子了 结果货款到账了", want: []string{"虚惊一场"}, notWant: append(block, "报案", "加急工单")},
	})
}
