package bot

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestBare checks the one-pass bare against the regexp it replaced (which kept Unicode spaces
// such as U+3000; bare drops them like any other space).
func TestBare(t *testing.T) {
	t.Parallel()
	old := regexp.MustCompile(`[\s\p{P}\p{S}]+`)
	for _, in := range []string{
		"", "  人工！！", "ＯＫ 多谢[抱拳]", "Transfer me, please :)", "退款多久到账???", "🙏🙏好的👍",
		"给２分 太慢", "-1", "17。", "GD202611260001", "好\t记下了\n", "Ünïcode ÄÖ", "a_b-c~d", "¥100，$5",
	} {
		want := old.ReplaceAllString(strings.ToLower(foldASCII(in)), "")
		if got := bare(in); got != want {
			t.Errorf("bare(%q) = %q, want %q", in, got, want)
		}
	}
	if got := bare("好的\u3000谢谢"); got != "好的谢谢" {
		t.Errorf("bare(ideographic space) = %q, want %q", got, "好的谢谢")
	}
}

func TestClosingOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want closingKind
	}{
		{"好嘞 我晚点再试试", closingOK},
		{"明白啦👌", closingOK},
		{"嗯嗯，懂了", closingOK},
		{"知道了[强]", closingOK},
		{"OK 谢啦", closingThanks},
		{"收到了 感谢老板", closingThanks},
		{"真是太感谢您了小伙子", closingThanks},
		{"thx a lot", closingThanks},
		{"got it, thank you so much", closingThanks},
		{"alright 👍", closingOK},
		{"ok bye", closingBye},
		{"ok open ticket", notClosing},
		{"那行 拜拜了", closingBye},
		{"好的谢谢，晚安", closingBye},
		{"cool, bye", closingBye},
		{"好的 那退款多久到账", notClosing},
		{"谢谢 但是钱还没到", notClosing},
		{"行 发票怎么开", notClosing},
		{"ok 我去看下文档", closingPlan},
		{"行 那我先去后台找找", closingPlan},
		{"我去哪看文档", notClosing},
		{"", notClosing},
	}
	for _, tt := range tests {
		if got := closingOf(tt.in); got != tt.want {
			t.Errorf("closingOf(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestClosings(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	short := []string{menuMark, "没能理解", suggestMark, feedbackMark}
	t.Run("after an answer: a line, no menu", func(t *testing.T) {
		t.Parallel()
		converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "好嘞 我晚点再试试", want: []string{textOK}, notWant: short},
			{say: "收到了 感谢老板", want: []string{"不客气"}, notWant: short},
			{say: "那行 拜拜了", want: []string{"再见"}, notWant: short},
		})
	})
	t.Run("with a ticket filed: named in the line", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		no := fileTicket(t, b, defaultUser, "提现一直显示处理中，请帮忙看看")
		converse(t, b, []step{
			{say: "明白啦👌", want: []string{no}, notWant: short},
			{say: "ok thx", want: []string{"welcome"}, notWant: short},
		})
		b.clock.Add(time.Hour)
		if _, err := b.UpdateTicket(context.Background(), xiaowang, no, update(StatusResolved, "")); err != nil {
			t.Fatal(err)
		}
		converse(t, b, []step{
			{say: "评价过了"},
			{say: "好嘞 拜拜", want: []string{"再见"}, notWant: []string{no}},
		})
	})
}

func TestShortAnswer(t *testing.T) {
	t.Parallel()
	long := "第一行说明情况：\n1. " + strings.Repeat("步骤", 40) + "；\n2. " + strings.Repeat("再查", 40) + "；\n3. " + strings.Repeat("最后", 30) + "。\n4. " + strings.Repeat("另外", 40) + "。\n5. " + strings.Repeat("补充", 40) + "。"
	head, cut := shortAnswer(long, 150)
	if !cut || !strings.HasPrefix(long, head) || !strings.Contains(head, "3. ") || strings.Contains(head, "4. ") {
		t.Errorf("shortAnswer(long) = %q, %v; want the heading and three steps, cut", head, cut)
	}
	if got, cut := shortAnswer("短答案。\n第二行。", 150); cut || got != "短答案。\n第二行。" {
		t.Errorf("shortAnswer(short) = %q, %v; want it whole", got, cut)
	}
	// A rest of a few runes is not worth a "详细".
	almost := strings.Repeat("长", 148) + "\n尾巴。"
	if got, cut := shortAnswer(almost, 150); cut || got != almost {
		t.Errorf("shortAnswer(almost) = %q, %v; want it whole", got, cut)
	}
}

func TestFollowUpOnAnswer(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	notArrived := entry(t, ix, "settlement-not-arrived")
	lost := []string{menuMark, "没能理解", suggestMark}
	tests := []struct {
		name  string
		steps []step
	}{
		{"the rest of a cut answer on request", []step{
			{say: "结算款一直没到账怎么回事", want: []string{firstLine(notArrived.Answer), "详细"}, notWant: []string{lastLine(notArrived.Answer)}},
			{say: "具体点", want: []string{lastLine(notArrived.Answer), feedbackMark}, notWant: lost},
			{say: "接下来呢", want: []string{"提交工单"}, notWant: lost},
		}},
		{"what next after a whole answer: related questions and a ticket", []step{
			{say: "对账单在哪下载"},
			{say: "详细一点"},
			{say: "那下一步呢", want: []string{"还可以看看", "提交工单"}, notWant: lost},
			{say: "1", notWant: []string{menuMark}},
		}},
		{"why: the answer's causes, then the offer", []step{
			{say: "结算失败是什么原因"},
			{say: "为啥呢", want: []string{"原因", "提交工单"}, notWant: lost},
		}},
		{"a short question on the answer: its line, not the same answer again", []step{
			{say: "回调通知失败会重发吗"},
			{say: "间隔多久", want: []string{"重发的间隔"}, notWant: append(lost, textRepeatBrief)},
		}},
		{"an elliptical follow-up stays in the topic", []step{
			{say: "结算款一直没到账怎么回事"},
			{say: "那节假日收的款呢", want: []string{firstLine(entry(t, ix, "settlement-holiday").Answer)}, notWant: lost},
		}},
		{"short questions after a cross-border answer stay cross-border; one with its own topic leaves", []step{
			{say: "我们想做外贸收款 怎么开通跨境"},
			{say: "一般多久到账", want: []string{firstLine(entry(t, ix, "cross-border-settlement-time").Answer)}, notWant: lost},
			{say: "要交哪些材料", want: []string{firstLine(entry(t, ix, "cross-border-materials").Answer)}, notWant: lost},
			{say: "发票怎么开", notWant: []string{"跨境"}},
		}},
		{"a short question naming a subject of its own leaves the cross-border topic", []step{
			{say: "我们想做外贸收款 怎么开通跨境"},
			{say: "退款多久到账", want: []string{firstLine(entry(t, ix, "refund-arrival-time").Answer)}, notWant: []string{"跨境"}},
		}},
		{"a short question whose search leads with the answer just given: its lines, not the category's", []step{
			{say: "回调通知失败会重发吗"},
			{say: "要返回什么", want: []string{"成功应答"}, notWant: append(lost, "错误码")},
		}},
		{"an answer judged no help is not quoted for what comes next", []step{
			{say: "钱怎么还没到账"},
			{say: "没用"},
			{say: "结算的事", want: []string{suggestMark}, notWant: []string{"刚才的回答里"}},
		}},
		{"a cross-border question answered with a domestic entry is asked again within cross-border", []step{
			{say: "境外收款的手续费怎么算", want: []string{"跨境"}, notWant: []string{"退款"}},
		}},
		{"the hotline asked for again: the number alone", []step{
			{say: "客服热线号码是多少"},
			{say: "热线号码多少来着", want: []string{"400-800-9000"}, notWant: append(lost, "安全提醒", "刚才的回答")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestScoreIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"4", 4, true}, {"打3分", 3, true}, {"那给4分吧", 4, true}, {"四星", 4, true}, {"5 很快", 5, true},
		{"十分满意", 5, true}, {"满意", 4, true}, {"还不错", 4, true}, {"一般般吧", 3, true},
		{"不太满意", 2, true}, {"很不满意", 1, true}, {"差评", 1, true},
		{"3个月了还没到", 0, false}, {"2笔退款", 0, false}, {"88", 0, false}, {"退款多久到账", 0, false},
	}
	for _, tt := range tests {
		got, ok := scoreIn(bare(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("scoreIn(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSolvedReportAsksScore(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	t.Run("the user's ticket: the score is stored on it", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		no := fileTicket(t, b, defaultUser, "提现一直显示处理中，请帮忙看看")
		converse(t, b, []step{
			{say: "提的那个工单搞定了，就是拖了好几天", want: []string{"久等", "1-5"}, notWant: []string{suggestMark, menuMark, "加急"}},
			{say: "那给4分吧", want: []string{"感谢您的评分"}, notWant: []string{"【"}},
			{say: "谢啦", want: []string{"不客气"}, notWant: []string{"1-5"}},
		})
		tk, err := b.st.ticket(context.Background(), no)
		if err != nil {
			t.Fatal(err)
		}
		if tk.CSAT != 4 {
			t.Errorf("ticket %s CSAT = %d, want 4", no, tk.CSAT)
		}
	})
	t.Run("out of range, then a word", func(t *testing.T) {
		t.Parallel()
		converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
			{say: "投诉单已经处理好了 钱也退了", want: []string{"1-5"}},
			{say: "100分", want: []string{"1-5"}},
			{say: "还不错", want: []string{"感谢您的评分"}},
		})
	})
	t.Run("a menu digit before any question is a menu choice", func(t *testing.T) {
		t.Parallel()
		converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
			{say: "菜单"},
			{say: "4", notWant: []string{"感谢您的评分"}},
		})
	})
	t.Run("not solved is no report", func(t *testing.T) {
		t.Parallel()
		converse(t, newTestBot(t, ix, at(10, 0), Options{}), []step{
			{say: "工单怎么还没处理好", notWant: []string{"1-5"}},
		})
	})
}

func TestEnglishIntents(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	lost := []string{menuMark, "没能理解", suggestMark}
	tests := []struct {
		name  string
		start time.Time
		steps []step
	}{
		{"a person in hours", at(11, 0), []step{
			{say: "Can I talk to a real person?", want: []string{"transferring you"}, notWant: lost},
			{say: "thank you", want: []string{"welcome"}},
			{say: "my refund of order 123 is missing", transfer: true},
		}},
		{"a person off hours: hours, hotline and a ticket", at(23, 0), []step{
			{say: "need an agent asap", want: []string{"08:00-22:00", "400-800-9000", "ticket"}, notWant: lost},
			{say: "ok ticket please", want: []string{"open a ticket", "商户编号"}, notWant: []string{"请选择工单类型"}},
			{say: "8890001122, our USD payout is on hold", notWant: []string{"不是有效的商户编号"}},
		}},
		{"a complaint opens a ticket", at(11, 0), []step{
			{say: "I want to file a complaint", want: []string{"open a ticket"}, notWant: lost},
		}},
		{"the hotline, and from abroad", at(11, 0), []step{
			{say: "what's your hotline", want: []string{"400-800-9000", "Beijing time"}, notWant: lost},
			{say: "I'm in Singapore, how can I call you", want: []string{"outside mainland China"}, notWant: lost},
		}},
		{"calling hours after a cross-border answer: the international desk", at(11, 0), []step{
			{say: "跨境收款一般多久到账"},
			{say: "when can I reach them by phone", want: []string{"international desk", "400-800-9000"}},
		}},
		{"English support at night", at(23, 30), []step{
			{say: "Do you speak English?", want: []string{"08:00-22:00", "ticket"}, notWant: lost},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, tt.start, Options{}), tt.steps)
		})
	}
}

func TestOtherCompaniesHonestly(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step
	}{
		{"a wallet's own product is theirs", []step{
			{say: "微信的个人收款码能提高额度吗", want: []string{"微信支付的产品", "易联支付"}, notWant: []string{suggestMark, "不在我的服务范围"}},
		}},
		{"a comparison after a fee answer: no verdict, what decides ours", []step{
			{say: "你们手续费怎么收"},
			{say: "跟支付宝比哪个划算", want: []string{"不方便评价", "合同"}, notWant: []string{suggestMark, "不在我的服务范围"}},
		}},
		{"a bank and us: the bank's part said, ours answered", []step{
			{say: "农业银行的卡退款一直没到账 是你们慢还是银行慢", want: []string{"农业银行", "由银行处理"}, notWant: []string{"能不能对接"}},
		}},
		{"we are not them", []step{
			{say: "花呗额度怎么提", want: []string{"支付宝的产品"}},
			{say: "你们是不是支付宝的", want: []string{"不是", "独立的支付公司"}, notWant: []string{suggestMark, menuMark}},
		}},
		{"feedback on the service after a score is not a chase", []step{
			{say: "希望你们客服回复能快一点", want: []string{"谢谢您的意见", "投诉"}, notWant: []string{"没有待处理的工单", suggestMark}},
		}},
		{"a foreign platform keeps its name", []step{
			{say: "PayPal的钱怎么提到国内", want: []string{"“PayPal”"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestEnglishAnswerFitsAScreen(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	converse(t, newTestBot(t, ix, at(23, 0), Options{}), []step{
		{say: "our funds are on hold, what can we do", want: []string{"merchant portal", "ticket"}, notWant: []string{"冻结"}, check: func(t *testing.T, r Reply) {
			if n := utf8.RuneCountInString(r.Text); n > screenRunes {
				t.Errorf("English answer is %d characters, more than a phone screen (%d)", n, screenRunes)
			}
		}},
		{say: "more", notWant: []string{menuMark}},
	})
}

// screenRunes is about what a phone shows of one WeChat message without scrolling far.
const screenRunes = 480

func TestTransferTakenBack(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	converse(t, newTestBot(t, ix, at(11, 0), Options{}), []step{
		{say: "帮我接人工", want: []string{handoffOpen}},
		{say: "哦我点错了 先别转", want: []string{"已取消转人工"}},
		{say: "换绑手机号怎么弄", notWant: []string{handoffOpen}},
		{say: "算了还是找人工吧", want: []string{handoffOpen}},
	})
}

func TestTransactionNumberAlone(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	converse(t, newTestBot(t, ix, at(11, 0), Options{}), []step{
		{say: "顾客说退款没收到"},
		{say: "订单号 202611250000123456", want: []string{"202611250000123456", "提交工单"}, notWant: []string{suggestMark, menuMark}},
	})
}

// TestShortAnswerRest: an answer is cut at a line only when the rest is worth a "详细", and a line
// that introduces what follows is not left dangling at the cut.
func TestShortAnswerRest(t *testing.T) {
	t.Parallel()
	line := func(n int) string { return strings.Repeat("字", n) }
	tests := []struct {
		name, answer, wantHead string
		wantCut                bool
	}{
		{"short", line(120), line(120), false},
		{"rest too short to cut", line(150) + "\n" + line(70), line(150) + "\n" + line(70), false},
		{"long rest", line(150) + "\n" + line(100) + "\n" + line(60) + "\n" + line(90), line(150) + "\n" + line(100) + "\n" + line(60), true},
		{"header goes with its list", line(120) + "\n" + line(10) + "\n" + line(10) + "\n建议：\n" + line(100) + "\n" + line(40), line(120) + "\n" + line(10) + "\n" + line(10), true},
		// A heading is no line of its own: "建议：" and "回复'详细'" are not an answer.
		{"at least three lines that say something", line(60) + "\n建议您：\n" + line(150) + "\n" + line(40) + "\n" + line(100), line(60) + "\n建议您：\n" + line(150) + "\n" + line(40), true},
	}
	for _, tt := range tests {
		head, cut := shortAnswer(tt.answer, answerRunes)
		if head != tt.wantHead || cut != tt.wantCut {
			t.Errorf("%s: shortAnswer = (%d runes, %v), want (%d runes, %v)", tt.name, utf8.RuneCountInString(head), cut, utf8.RuneCountInString(tt.wantHead), tt.wantCut)
		}
	}
}

// TestDeadEndsClosed: plans, a mistyped or forgotten ticket number, a wait complained of and a
// merchant who does not answer get a line that moves on, not a pick-list or the menu.
func TestDeadEndsClosed(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	short := []string{menuMark, "没能理解", suggestMark, "Hello!"}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a plan is acknowledged", []step{
			{say: "行 那我等会去检查下服务器配置", want: []string{"好的"}, notWant: short},
		}},
		{"a plan to call gets the hotline and its hours", []step{
			{say: "那算了 明天上午再打热线问问", want: []string{"400-800-9000", "08:00-22:00"}, notWant: short},
		}},
		{"a ticket number with digits missing", []step{
			{say: "gd20261203001", want: []string{"12 位数字", "11 位"}, notWant: short},
		}},
		{"a ticket number forgotten lists the user's tickets", []step{
			{say: "单号记不清了 反正是GD打头的", notWant: short},
		}},
		{"a wait complained of with no ticket", []step{
			{say: "到底什么时候处理 都半个月了", want: []string{"抱歉", "工单号"}, notWant: short},
		}},
		{"a merchant who does not answer", []step{
			{say: "卖家一直不回消息", want: []string{"投诉工单", "金额"}, notWant: short},
		}},
		{"a hotline remembered wrong is corrected plainly", []step{
			{say: "你们电话是4008009009是吧", want: []string{"不对", "400-800-9000"}, notWant: []string{"诈骗", "验证码"}},
		}},
		{"a stranger's number is still not ours", []step{
			{say: "4001234567说是你们的 让我转账", want: []string{"不可信"}, notWant: []string{"不对，"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

func TestNearNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"4008009001", "4008009000", true},
		{"400809000", "4008009000", true},
		{"40080090000", "4008009000", true},
		{"4008009000", "4008009000", false},
		{"13800001234", "4008009000", false},
		{"4001234567", "4008009000", false},
	}
	for _, tt := range tests {
		if got := nearNumber(tt.a, tt.b); got != tt.want {
			t.Errorf("nearNumber(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestNoRepeatedBlocks: a second secret gets a short reminder, and a third request for a human
// out of hours does not paste the ticket-type list again.
func TestNoRepeatedBlocks(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	full := "官方客服绝不会索要验证码或密码"
	typeList := "1. 商户服务（结算、费率、商户信息等）"
	tests := []struct {
		name  string
		start time.Time
		steps []step
	}{
		{"a second secret: a short reminder", at(10, 0), []step{
			{say: "登录密码Qwe12345 登不进去", want: []string{full}},
			{say: "短信验证码 552301 收到了 怎么用", want: []string{"已自动隐藏"}, notWant: []string{full, "552301"}},
		}},
		{"asking for a human again and again out of hours", at(23, 0), []step{
			{say: "转人工", want: []string{typeList}},
			{say: "人工服务", want: []string{typeList}},
			{say: "人工客服 人工客服", want: []string{"400-800-9000", "取消"}, notWant: []string{typeList}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, tt.start, Options{}), tt.steps)
		})
	}
}

// TestEnglishInEnglish: an English question gets its answer in English, and a code of letters
// and digits from a Chinese user gets no English greeting.
func TestEnglishInEnglish(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		steps []step
	}{
		{"foreign currency", []step{
			{say: "can we receive payments from overseas buyers in dollars", want: []string{"cross-border", "USD"}, notWant: []string{"跨境", "in Chinese"}},
		}},
		{"a refund", []step{
			{say: "my refund still hasnt arrived", want: []string{"merchant", "ticket"}, notWant: []string{"退款"}},
		}},
		{"a code, not English", []step{
			{say: "你好"},
			{say: "AB20261204", notWant: []string{"Hello!"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			converse(t, newTestBot(t, ix, at(10, 0), Options{}), tt.steps)
		})
	}
}

// TestPlainTalk: what needs no knowledge base gets a line, not "没能理解" and the menu.
func TestPlainTalk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps []step
	}{
		{"capabilities after an okay", []step{
			{say: "行吧 你们到底能做些什么", want: []string{"智能客服"}, notWant: []string{"没能理解"}}}},
		{"off scope", []step{
			{say: "给我讲个笑话", want: []string{"帮不上忙"}, notWant: []string{"没能理解", "请回复数字选择"}}}},
		{"thinking it over", []step{
			{say: "那我再想想", notWant: []string{"没能理解", "请回复数字选择"}}}},
		{"the steps did not work, in hours", []step{
			{say: "对账单在哪下载", want: []string{"对账"}},
			{say: "按你说的弄了 还是没用", want: []string{"人工"}, notWant: []string{"没能理解"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, mustIndex(t), at(10, 0), Options{})
			converse(t, b, tt.steps)
		})
	}
}

// TestAbuseIsNoTopic: abuse thrown at 易联 ("你们就是骗子") does not steer the search to the
// impersonation entries; the complaint's subject is answered.
func TestAbuseIsNoTopic(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"破平台 结算款冻着不给 你们就是骗子", "结算款冻着不给"},
		{"骗子啊你们 退款一周还没退", "退款一周还没退"},
		{"那个自称客服的是骗子吗", "那个自称客服的是骗子吗"},
	}
	for _, tt := range tests {
		if got := query(tt.in); got != tt.want {
			t.Errorf("query(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
