package bot

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The conversation layer: one table per class of failure found when real users' messages were
// played through the bot. The phrasings differ from the examples on purpose: the
// tables test the class, not a sentence.

// urgentTicketRE matches the line that names a case's urgent ticket.
var urgentTicketRE = regexp.MustCompile(`加急工单 GD\d{12}`)

// sameTicket checks that every reply of a conversation names at most one ticket number.
func sameTicket(t *testing.T, rs []Reply) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range rs {
		for _, no := range TicketNoRE.FindAllString(r.Text, -1) {
			seen[no] = true
		}
	}
	if len(seen) > 1 {
		t.Errorf("the conversation names %d tickets %v, want one", len(seen), seen)
	}
}

func TestFundSafetyCase(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	steps := []string{"开户银行", "110", "96110"}
	tests := []struct {
		name    string
		start   time.Time
		o       Options
		steps   []step
		tickets int
		urgent  bool
		typ     TicketType
		merch   string
	}{
		{
			name:  "money sent to a stranger: steps now, urgent ticket unasked, follow-ups stay in the case",
			start: at(15, 0),
			steps: []step{
				{say: "我刚按对方说的往一个陌生账户汇了5000块", match: urgentTicketRE, want: append(steps, "1小时内"), notWant: []string{menuMark, suggestMark, feedbackMark}},
				{say: "接下来我该做啥", want: []string{"开户银行", "加急工单"}, notWant: []string{menuMark, "没能理解"}},
				{say: "钱还追得回来吗", want: []string{"没办法直接追回", "加急工单"}},
				{say: "我要找真人", want: []string{"正在为您转接人工客服", "加急工单"}, notWant: []string{"请选择工单类型"}},
			},
			tickets: 1, urgent: true, typ: TypeOther,
		},
		{
			name:  "screen sharing in progress: hang up first",
			start: at(15, 0),
			steps: []step{
				{say: "对方让我打开了腾讯会议共享屏幕给他看", match: urgentTicketRE, want: []string{"关闭屏幕共享", "开户银行"}},
			},
			tickets: 1, urgent: true, typ: TypeOther,
		},
		{
			name:  "someone changed the settlement account; the merchant number is added to the same ticket",
			start: at(15, 0),
			steps: []step{
				{say: "我们后台的收款账户被别人换了", match: urgentTicketRE, want: []string{"修改商户后台登录密码"}},
				{say: "商户编号 8800001111", want: []string{"8800001111", "补充到加急工单"}, notWant: []string{"请选择工单类型"}},
			},
			tickets: 1, urgent: true, typ: TypeMerchant, merch: "8800001111",
		},
		{
			name:  "a balance that dropped without the user",
			start: at(15, 0),
			steps: []step{
				{say: "账户里的钱莫名其妙少了三千", match: urgentTicketRE, want: []string{"修改登录密码和支付密码", "开户银行"}},
				{say: "需要准备哪些材料", want: []string{"流水号", "不要发送密码"}},
			},
			tickets: 1, urgent: true, typ: TypeOther,
		},
		{
			name:  "a scam in progress without a loss: a firm warning and no ticket, until money moves",
			start: at(15, 0),
			steps: []step{
				{say: "有个自称易联风控的人要我先交2000保证金才能解冻", want: []string{"诈骗", "不要转账", "010-88888888"}, notWant: []string{"加急工单 GD"}},
				{say: "他说不交的话马上冻结", want: []string{"骗子话术"}, notWant: []string{"加急工单 GD"}},
				{say: "我已经转过去了", match: urgentTicketRE, want: steps},
			},
			tickets: 1, urgent: true, typ: TypeOther,
		},
		{
			name:  "a loss typed with another word than the old urgency list",
			start: at(15, 0),
			steps: []step{
				{say: "我上当了 给对方付了两笔钱", match: urgentTicketRE},
			},
			tickets: 1, urgent: true, typ: TypeOther,
		},
		{
			// Class 10: off hours the red channel is not promised within an hour of now.
			name:  "off hours: the promise follows the urgent desk's hours",
			start: time.Date(2026, 11, 26, 5, 35, 0, 0, cst),
			steps: []step{
				{say: "我的卡刚被人刷了两笔", match: urgentTicketRE, want: []string{"非服务时间", "今天 08:00", "09:00前", "110/96110随时可以联系"}, notWant: []string{"客服会在1小时内处理"}},
				{say: "现在能找到人工吗", want: []string{"不在服务时间", "已经登记", "开户银行"}, notWant: []string{"请选择工单类型"}},
			},
			tickets: 1, urgent: true, typ: TypeOther,
		},
		{
			name:  "a 24-hour urgent desk may promise the hour",
			start: time.Date(2026, 11, 26, 5, 35, 0, 0, cst),
			o:     Options{UrgentDesk24h: true},
			steps: []step{
				{say: "我的卡刚被人刷了两笔", match: urgentTicketRE, want: []string{"客服会在1小时内处理"}, notWant: []string{"非服务时间"}},
			},
			tickets: 1, urgent: true, typ: TypeOther,
		},
		{
			name:  "English: the same steps in English",
			start: at(15, 0),
			steps: []step{
				{say: "i got scammed, i sent money to a fake agent", want: []string{"card-issuing bank", "110", "urgent ticket GD"}},
				{say: "what now", want: []string{"card-issuing bank"}},
			},
			tickets: 1, urgent: true, typ: TypeOther,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, tt.start, tt.o)
			rs := converse(t, b, tt.steps)
			sameTicket(t, rs)
			page, err := b.Tickets(context.Background(), TicketFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tt.tickets {
				t.Fatalf("%d tickets, want %d", page.Total, tt.tickets)
			}
			if tt.tickets == 0 {
				return
			}
			tk := page.Tickets[0]
			if got := tk.Priority == PriorityUrgent; got != tt.urgent || tk.Type != tt.typ || tk.MerchantNo != tt.merch {
				t.Errorf("ticket = %s %s merchant %q, want urgent %v, %s, merchant %q", tk.Priority, tk.Type, tk.MerchantNo, tt.urgent, tt.typ, tt.merch)
			}
		})
	}
}

func TestOfficialNumbers(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	verify := entry(t, ix, "anti-fraud-verify-caller")
	for _, id := range []string{"anti-fraud-verify-caller", "anti-fraud-personal-mobile", "anti-fraud-report"} {
		if a := entry(t, ix, id).Answer; !strings.Contains(a, "400-800-9000") || !strings.Contains(a, "010-88888888") || strings.Contains(a, "均以400开头") {
			t.Errorf("%s names the official numbers as %q, want both configured numbers and no '400 only' rule", id, a)
		}
	}
	_ = verify
	tests := []struct {
		name  string
		steps []step
	}{
		{"the hotline, typed without dashes", []step{
			{say: "4008009000这个是官方的吗", want: []string{"是的", "400-800-9000", "官方客服热线"}},
		}},
		{"the backup line with spaces is official too", []step{
			{say: "010 8888 8888 是你们的号码吗", want: []string{"是的", "010-88888888", "签约商户"}},
		}},
		{"any other number is not", []step{
			{say: "02112345678打电话说是易联的", want: []string{"不是易联支付的官方号码", "400-800-9000", "010-88888888"}, notWant: []string{"加急工单"}},
			{say: "我没理他", want: []string{"没有损失"}},
		}},
		{"a wrong digit is not the hotline", []step{
			{say: "热线是400-800-9008吗", want: []string{"不是，", "400-800-9008 不是", "400-800-9000"}, notWant: []string{"诈骗"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestTicketFlowSlots(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		start time.Time
		steps []step
		check func(t *testing.T, tk *Ticket)
	}{
		{"values read out of sentences; a type said in words", at(10, 0), []step{
			{say: "我想提个工单", want: []string{"提交一张工单", "请选择工单类型"}},
			{say: "技术方面的", want: []string{"商户编号"}},
			{say: "我的商户号 88-1234-5678 谢谢", want: []string{"错误码"}},
			{say: "退款接口返回签名错误，今天上午开始", want: []string{"手机号"}},
			{say: "有事打我 186 1234 5678", match: createdRE, want: []string{"类型：技术支持", "商户编号：8812345678", "186****5678"}},
		}, func(t *testing.T, tk *Ticket) {
			if tk.Contact != "18612345678" {
				t.Errorf("Contact = %q, want 18612345678", tk.Contact)
			}
		}},
		{"a question at the description step is answered and can become the description", at(10, 0), []step{
			{say: "提交工单"},
			{say: "1"},
			{say: "个人用户"},
			{say: "对账单在哪下载", want: []string{"对账单", "工单还在填写中", "回复“是”"}},
			{say: "是", want: []string{"手机号"}},
			{say: "跳过", match: createdRE},
		}, func(t *testing.T, tk *Ticket) {
			if tk.Description != "对账单在哪下载" {
				t.Errorf("Description = %q, want the question kept", tk.Description)
			}
		}},
		{"a question at the merchant step keeps the flow; the number typed next is taken", at(10, 0), []step{
			{say: "提交工单"},
			{say: "商户服务"},
			{say: "商户号去哪找", want: []string{"商户后台首页", "工单还在填写中", "请回复您的商户编号"}},
			{say: "8800112233", want: []string{"请简要描述"}},
			{say: "结算金额和后台对不上", want: []string{"手机号"}},
			{say: "不需要", match: createdRE, want: []string{"8800112233"}},
		}, nil},
		{"urgency is the case's decision, not a word: frozen by risk control is not a loss", at(10, 0), []step{
			{say: "提交工单"},
			{say: "1"},
			{say: "8812345678"},
			{say: "账户资金被风控冻结了，想知道原因", want: []string{"手机号"}},
			{say: "跳过", match: createdRE, notWant: []string{"加急"}},
		}, func(t *testing.T, tk *Ticket) {
			if tk.Priority != PriorityNormal {
				t.Errorf("Priority = %s, want normal", tk.Priority)
			}
		}},
		{"a loss in the description is urgent whatever its words", at(10, 0), []step{
			{say: "提交工单"},
			{say: "0"},
			{say: "个人用户"},
			{say: "有人用我的账户买了东西，不是我本人操作的", want: []string{"手机号"}},
			{say: "跳过", match: createdRE, want: []string{"加急通道"}},
		}, func(t *testing.T, tk *Ticket) {
			if tk.Priority != PriorityUrgent {
				t.Errorf("Priority = %s, want urgent", tk.Priority)
			}
		}},
		{"two misses offer the ways out", at(10, 0), []step{
			{say: "提交工单"},
			{say: "2"},
			{say: "123", want: []string{"不是有效的商户编号", "跳过"}, notWant: []string{"回复“取消”退出"}},
			{say: "0088", want: []string{"回复“跳过”先提交", "回复“取消”退出", "回复“人工”"}},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, tt.start, Options{})
			rs := converse(t, b, tt.steps)
			if tt.check != nil {
				tt.check(t, lastTicket(t, b, rs))
			}
		})
	}
}

func TestTicketFlowCancelResume(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step
	}{
		{"cancel with nothing given says nothing was kept", []step{
			{say: "帮我开个工单", want: []string{"请选择工单类型"}},
			{say: "不弄了", want: []string{"没有提交任何工单"}, notWant: []string{"保留"}},
			{say: "提交工单", want: []string{"请选择工单类型"}, notWant: []string{"接着填写", "保留着"}},
		}},
		{"cancel with answers keeps them; natural words resume", []step{
			{say: "提交工单"},
			{say: "3", want: []string{"商户编号"}},
			{say: "退出", want: []string{"还没有提交", "继续填写"}},
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "接着填", want: []string{"接着填写", "商户编号"}},
		}},
		{"a complaint says a ticket is being opened", []step{
			{say: "我要投诉你们", want: []string{"登记投诉工单", "24小时"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestLongAndUpset(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	notArrived := entry(t, ix, "settlement-not-arrived")
	tests := []struct {
		name  string
		start time.Time
		steps []step
	}{
		{"a long story about a late settlement is answered on its topic", at(10, 0), []step{
			{say: "我是开奶茶店的，上周五的流水到今天都还没有打到我的银行卡上，后台显示结算中，银行那边也说没收到，这到底是什么情况，我们下个月房租都指望着这笔钱呢，客服电话也一直占线",
				want: []string{textEmpathy}, notWant: []string{"没能理解", menuMark, "来电高峰"}, check: func(t *testing.T, r Reply) {
					// The answer, or a list led by it.
					if !strings.Contains(r.Text, firstLine(notArrived.Answer)) && !strings.Contains(r.Text, "1. "+notArrived.Question) {
						t.Errorf("Reply = %q, want the late-settlement answer or a list led by it", r.Text)
					}
				}},
		}},
		{"upset: empathy, the answer, the offer of a person", at(10, 0), []step{
			{say: "搞什么啊！！！结算的钱怎么还没到账！！！", want: []string{textEmpathy, textOfferHuman}, notWant: []string{"没能理解", "跨境"}},
		}},
		{"upset off hours: the offer is a ticket", at(23, 0), []step{
			{say: "你们到底怎么回事，钱一直不到账", want: []string{textEmpathy, "提交工单"}},
			{say: "好", want: []string{"请选择工单类型"}},
		}},
		{"a complaint about the answers is no question", at(10, 0), []step{
			{say: "结算款没到账"},
			{say: "净说些废话", want: []string{textEmpathy, "人工"}, notWant: []string{menuMark}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, tt.start, Options{}), tt.steps)
		})
	}
}

func TestContextAndScope(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	holidays := entry(t, ix, "settlement-holiday")
	tests := []struct {
		name  string
		steps []step
	}{
		{"a follow-up is read with the question before it", []step{
			{say: "结算款一般什么时候到"},
			{say: "那法定假日呢", want: []string{firstLine(holidays.Answer)}},
		}},
		{"another company's product is theirs", []step{
			{say: "微信支付的零钱怎么提到银行卡", want: []string{"微信支付的产品", "易联支付"}, notWant: []string{feedbackMark, suggestMark}},
			{say: "建设银行的信用卡怎么还", want: []string{"银行"}, notWant: []string{feedbackMark}},
		}},
		{"a comparison with a competitor is not commented on", []step{
			{say: "你们跟云闪付比哪个费率便宜", want: []string{"不方便评价"}},
		}},
		{"an elliptical follow-up quotes the answer just given", []step{
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "那电脑呢", want: []string{"用电脑登录后台下载"}, notWant: []string{suggestMark, menuMark, "刚才的回答里", textFeedbackAsk}},
		}},
		{"an elliptical follow-up stays in the topic's category", []step{
			{say: "退款多长时间能到账"},
			{say: "信用卡呢", want: []string{"信用卡退款"}, notWant: []string{"费率"}},
		}},
		{"a domestic question gets no cross-border text", []step{
			{say: "结算周期一般多长", notWant: []string{"跨境", "外汇"}},
		}},
		{"where the company is: no invented address", []step{
			{say: "贵公司地址在哪", want: []string{"以官网公示的信息为准", "400-800-9000"}, notWant: []string{"举报"}},
		}},
		{"a cancel word with nothing to cancel", []step{
			{say: "不要了", want: []string{textNothingToCancel}, notWant: []string{suggestMark}},
		}},
		{"what the bot can do", []step{
			{say: "你们能做什么", want: []string{"结算", "退款", "提交工单"}, notWant: []string{suggestMark}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestQueue(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step
	}{
		{"a cancel after asking for a human cancels it", []step{
			{say: "找人工", want: []string{handoffOpen}},
			{say: "不用了", want: []string{"已取消转人工"}, notWant: []string{feedbackMark, suggestMark}},
			{say: "退款怎么申请", notWant: []string{"已取消"}},
		}},
		{"while waiting: still here, then sorry and the hotline; 不等了 offers a ticket", []step{
			{say: "人工客服", want: []string{handoffOpen}},
			{say: "人呢", want: []string{"排队", "400-800-9000"}, notWant: []string{"没能理解", menuMark}},
			{say: "等不了了 不等了", want: []string{"已取消排队", "提交工单"}},
			{say: "好", want: []string{"请选择工单类型"}},
		}},
		{"a second request is told it is under way; the question after it is transferred", []step{
			{say: "转人工", want: []string{handoffOpen}},
			{say: "转人工", want: []string{"已经在为您转接"}},
			{say: "我的结算款少了一笔", transfer: true},
		}},
		{"an okay is not forwarded to the agents", []step{
			{say: "人工", want: []string{handoffOpen}},
			{say: "好的", want: []string{"客服接入后"}},
			{say: "提现失败了怎么回事", transfer: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestMenuNumbers(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	cats := ix.Content().Categories
	tests := []struct {
		name  string
		steps []step
	}{
		// Changed by design: a number with no list on screen picks nothing; the menu is shown
		// and the next number picks from it.
		{"a fresh number shows the menu", []step{
			{say: "7", want: []string{menuMark}, notWant: []string{"【" + cats[6].Name + "】"}},
			{say: "7", want: []string{"【" + cats[6].Name + "】"}, notWant: []string{noSuchOption}},
		}},
		{"out of range re-shows the same list with its range", []step{
			{say: settleVague, want: []string{suggestMark, "5. "}},
			{say: "8", want: []string{noSuchOption, "1-5", suggestMark[:0] + "1. "}, notWant: []string{menuMark}},
			{say: "2", notWant: []string{noSuchOption, suggestMark}},
		}},
		{"signs and decimals are not choices; full-width digits and 一…九 are", []step{
			{say: "菜单"},
			{say: "-2", want: []string{noSuchOption, "1-17"}, notWant: []string{"【"}},
			{say: "2.5", want: []string{noSuchOption}, notWant: []string{"【"}},
			{say: "１２", want: []string{"【" + cats[11].Name + "】"}},
			{say: "返回"},
			{say: "三", want: []string{"【" + cats[2].Name + "】"}},
		}},
		{"88 and 886 are goodbyes", []step{
			{say: "菜单"},
			{say: "886", want: []string{"再见"}, notWant: []string{"【", noSuchOption}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestRepetition(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		start time.Time
		steps []step
	}{
		{"the same question again gets the answer in brief and a person, not the same reply", at(10, 0), []step{
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "对账单在哪下载", want: []string{textRepeatBrief, "具体", "人工"}, notWant: []string{feedbackMark}},
			{say: "对账单到底在哪下载啊", want: []string{textEmpathy, "转人工客服"}},
			{say: "我的商户号是8812345678，提现三天没到", transfer: true},
		}},
		{"a human asked for again and again off hours: never the same block", at(23, 0), []step{
			{say: "人工", want: []string{"不在服务时间", "请选择工单类型"}},
			{say: "人工", check: differsFromPrevious()},
			{say: "我要人工", check: differsFromPrevious()},
			{say: "快给我转人工", check: differsFromPrevious()},
		}},
		{"a third miss is not the first-miss text", at(10, 0), []step{
			{say: "你喜欢吃什么", want: []string{"没能理解"}},
			{say: "你爱吃什么水果", want: []string{"还是没能理解"}},
			{say: "你会唱歌吗", want: []string{"答不上来", "人工"}, notWant: []string{menuMark}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, tt.start, Options{}), tt.steps)
		})
	}
}

// differsFromPrevious checks that a reply's first paragraph is not the one before it.
func differsFromPrevious() func(t *testing.T, r Reply) {
	var prev string
	return func(t *testing.T, r Reply) {
		t.Helper()
		first, _, _ := strings.Cut(r.Text, "\n\n")
		if first == prev {
			t.Errorf("Reply = %q, the same as the one before", first)
		}
		prev = first
	}
}

func TestEverydayWords(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	short := []string{menuMark, "没能理解", suggestMark}
	tests := []struct {
		name  string
		steps []step
	}{
		{"thanks, okays, emoji and stickers get a line", []step{
			{say: "[玫瑰]", want: []string{"您好"}, notWant: short},
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "太谢谢你了", want: []string{"不客气"}, notWant: short},
			{say: "🙏🙏", notWant: short},
			{say: "[耶]", notWant: short},
			{say: "嗯呢 好嘞", notWant: short},
			{say: "回头见", want: []string{"再见"}, notWant: short},
		}},
		{"negative words are feedback", []step{
			{say: "没什么用", want: []string{"抱歉没帮上"}, notWant: short},
		}},
		{"English gets English", []step{
			{say: "I want a refund for my order", want: []string{"merchant", "400-800-9000"}, notWant: []string{"退款"}},
			{say: "thanks a lot", want: []string{"welcome"}},
		}},
		{"the merchant number explained", []step{
			{say: "商户号是啥意思", want: []string{"88开头的10位数字"}, notWant: short},
		}},
		{"presence", []step{
			{say: "你好"},
			{say: "还在不", want: []string{"在的"}, notWant: short},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestTicketFollowUps(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(10, 0), Options{})
	no := fileTicket(t, b, defaultUser, "提现一直显示处理中，请帮忙看看")
	converse(t, b, []step{
		{say: "多久能给我处理", want: []string{no, "待处理", "14:"}, notWant: []string{suggestMark, "普通咨询"}},
		{say: "帮我催催", want: []string{"抱歉让您久等了", no, "已为您催办"}, notWant: []string{suggestMark}},
	})
	tk, err := b.Ticket(context.Background(), no)
	if err != nil {
		t.Fatal(err)
	}
	if last := tk.Transcript[len(tk.Transcript)-1]; last.Text != "帮我催催" {
		t.Errorf("ticket's last transcript turn = %+v, want the chase recorded", last)
	}
	page, err := b.Tickets(context.Background(), TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 {
		t.Errorf("%d tickets after the follow-ups, want 1", page.Total)
	}
}

func TestNoticeOnce(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(10, 0), Options{Notices: []Notice{{Text: "今晚系统维护", Start: at(9, 0), End: at(23, 0)}}})
	converse(t, b, []step{
		{say: "你好", want: []string{"【公告】今晚系统维护"}},
		{say: "继续", notWant: []string{"【公告】"}},
		{say: "对账单在哪下载", notWant: []string{"【公告】"}},
		// A new conversation sees it again.
		{say: "对账单在哪下载", after: time.Hour, want: []string{"【公告】"}},
	})
}

// lastTicket returns the ticket whose number the last reply of a conversation shows.
func lastTicket(t *testing.T, b *testBot, rs []Reply) *Ticket {
	t.Helper()
	tk, err := b.Ticket(context.Background(), ticketNo(t, rs[len(rs)-1]))
	if err != nil {
		t.Fatal(err)
	}
	return tk
}
