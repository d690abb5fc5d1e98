package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// Numbers used below. The card numbers pass the Luhn check; the order number does not.
const (
	card16     = "4111111111111111"
	card19     = "6217001234567890122"
	orderNo19  = "2026112512345678901"
	idNumber   = "11010519491231002X" // a valid check character
	idBadCheck = "110105194912310021"
)

func TestGuard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		wantMasked string
		wantKinds  []string
	}{
		{"我的验证码是384756，你帮我看看", "我的验证码是[已隐藏]，你帮我看看", []string{secretCode}},
		{"384756是验证码", "[已隐藏]是验证码", []string{secretCode}},
		{"短信码：5521", "短信码：[已隐藏]", []string{secretCode}},
		{"my verification code is 902113", "my verification code is [已隐藏]", []string{secretCode}},
		{"otp 987654", "otp [已隐藏]", []string{secretCode}},
		{"密码是abc12345", "密码是[已隐藏]", []string{secretPassword}},
		{"支付密码：135790", "支付密码：[已隐藏]", []string{secretPassword}},
		{"password=hunter22", "password=[已隐藏]", []string{secretPassword}},
		{"卡号" + card16, "卡号[银行卡号已隐藏]", []string{secretCard}},
		{"卡号 4111 1111 1111 1111 帮我查", "卡号 [银行卡号已隐藏] 帮我查", []string{secretCard}},
		{"4111-1111-1111-1111", "[银行卡号已隐藏]", []string{secretCard}},
		{"储蓄卡" + card19 + "被扣款", "储蓄卡[银行卡号已隐藏]被扣款", []string{secretCard}},
		{"卡背面的安全码是123", "卡背面的安全码是[已隐藏]", []string{secretCVV}},
		{"CVV 456", "CVV [已隐藏]", []string{secretCVV}},
		{"身份证" + idNumber, "身份证[身份证号已隐藏]", []string{secretID}},
		{"身份证" + strings.ToLower(idNumber), "身份证[身份证号已隐藏]", []string{secretID}},
		{"卡号" + card16 + "，验证码667788，密码是qwe123", "卡号[银行卡号已隐藏]，验证码[已隐藏]，密码是[已隐藏]", []string{secretCode, secretPassword, secretCard}},
		{"身份证号" + idBadCheck, "身份证号[身份证号已隐藏]", []string{secretID}}, // named: masked with a wrong check character too

		// False positives: none of these is a secret.
		{"订单号" + orderNo19 + "怎么查不到", "订单号" + orderNo19 + "怎么查不到", nil},
		{"编号" + idBadCheck, "编号" + idBadCheck, nil},
		{"忘记密码怎么办", "忘记密码怎么办", nil},
		{"密码错误次数太多被锁了", "密码错误次数太多被锁了", nil},
		{"错误码 40004", "错误码 40004", nil},
		{"error code 10001", "error code 10001", nil},
		{"商户编号8812345678", "商户编号8812345678", nil},
		{"我的手机号13812345678", "我的手机号13812345678", nil}, // phones are left for flows; maskPhones hides them
		{"交易金额 1234.56 元", "交易金额 1234.56 元", nil},
		{"2026-11-25 10:05:33 的交易", "2026-11-25 10:05:33 的交易", nil},
		{"验证码收不到怎么办", "验证码收不到怎么办", nil},
	}
	for _, tt := range tests {
		g := guard(tt.in)
		if g.masked != tt.wantMasked {
			t.Errorf("guard(%q).masked = %q, want %q", tt.in, g.masked, tt.wantMasked)
		}
		if diff := cmp.Diff(tt.wantKinds, g.kinds); diff != "" {
			t.Errorf("guard(%q).kinds mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestMaskPhones(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"电话13812345678，备用13912345678", "电话138****5678，备用139****5678"},
		{"13812345678,13912345678", "138****5678,139****5678"},
		{"+86 138 1234 5678", "+86 138****5678"},
		{"电话+8613812345678", "电话+86138****5678"},
		{"138-1234-5678", "138****5678"},
		{"86-13812345678", "86-138****5678"},
		{"订单号 2013812345678901", "订单号 2013812345678901"},
		{"商户编号8812345678", "商户编号8812345678"},
		{"订单" + orderNo19, "订单" + orderNo19},
		{"座机010-12345678", "座机010-12345678"},
		{"12345678901", "12345678901"}, // not a mobile prefix
	} {
		if got := maskPhones(tt.in); got != tt.want {
			t.Errorf("maskPhones(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGuardConversation(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name    string
		say     string
		kinds   []string // named in the warning
		secrets []string // never in a reply or the transcript
	}{
		{"sms code", "我的验证码是384756，你帮我看看", []string{"验证码"}, []string{"384756"}},
		{"sms code digits first", "384756是验证码，客服让我发给他", []string{"验证码"}, []string{"384756"}},
		{"password", "密码是abc12345", []string{"密码"}, []string{"abc12345"}},
		{"card", "我的卡号" + card16 + "被扣了钱", []string{"银行卡号"}, []string{card16}},
		{"card with spaces", "卡号 4111 1111 1111 1111 帮我查一下", []string{"银行卡号"}, []string{"4111 1111 1111 1111", card16, "1111 1111"}},
		{"19-digit card", "储蓄卡" + card19, []string{"银行卡号"}, []string{card19}},
		{"cvv", "卡背面的安全码是123", []string{"安全码"}, []string{"是123"}},
		{"id number", "我的身份证号是" + idNumber, []string{"身份证号"}, []string{idNumber}},
		{"several at once", "卡号" + card16 + "，验证码667788", []string{"验证码", "银行卡号"}, []string{card16, "667788"}},
		{"a phone beside a code", "验证码 5521 发到了13812345678", []string{"验证码"}, []string{"5521", "13812345678"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			converse(t, b, []step{
				{say: tt.say, want: append([]string{guardMark, "官方客服绝不会索要", "400-800-9000"}, tt.kinds...), notWant: tt.secrets},
				// The conversation goes on normally.
				{say: "对账单在哪下载", want: []string{feedbackMark}, notWant: tt.secrets},
			})
			turns, err := b.Transcript(context.Background(), defaultUser, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(turns) != 4 || turns[0].From != "user" || !strings.Contains(turns[0].Text, "已隐藏") {
				t.Fatalf("Transcript = %+v, want 4 turns starting with the masked message", turns)
			}
			for _, tr := range turns {
				for _, s := range tt.secrets {
					if strings.Contains(tr.Text, s) {
						t.Errorf("transcript turn %q contains the secret %q", tr.Text, s)
					}
				}
			}
		})
	}
}

func TestGuardFalsePositives(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name   string
		say    string
		stored string // the user's turn as the transcript keeps it
	}{
		{"order number failing Luhn", "订单号" + orderNo19 + "查不到", "订单号" + orderNo19 + "查不到"},
		{"forgotten password", "忘记密码怎么办", "忘记密码怎么办"},
		{"error code in Chinese", "错误码 40004", "错误码 40004"},
		{"error code in English", "error code 10001", "error code 10001"},
		{"merchant number", "我的商户号是8812345678，结算没到账", "我的商户号是8812345678，结算没到账"},
		{"phone number, masked in storage", "我的手机号13812345678怎么换绑", "我的手机号138****5678怎么换绑"},
		{"ID-like number with a wrong check digit", "流水号" + idBadCheck, "流水号" + idBadCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			converse(t, b, []step{{say: tt.say, notWant: []string{guardMark, "13812345678"}}})
			turns, err := b.Transcript(context.Background(), defaultUser, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(turns) != 2 {
				t.Fatalf("Transcript = %+v, want 2 turns", turns)
			}
			if want := (Turn{Time: b.clock.Now(), From: "user", Text: tt.stored}); !cmp.Equal(want, turns[0]) {
				t.Errorf("Transcript[0] = %+v, want %+v", turns[0], want)
			}
		})
	}
}

func TestGuardCodeInsideLongerNumber(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	for _, say := range []string{"我的手机号13812345678收不到验证码", "验证码发到13812345678了，但是一直收不到"} {
		if g := guard(say); g.found() {
			t.Errorf("guard(%q) = %q, %v; want nothing found", say, g.masked, g.kinds)
		}
		b := newTestBot(t, ix, at(10, 0), Options{})
		converse(t, b, []step{{say: say, notWant: []string{guardMark, "13812345678"}}})
		turns, err := b.Transcript(context.Background(), defaultUser, 2)
		if err != nil {
			t.Fatal(err)
		}
		if want := maskPhones(say); len(turns) != 2 || turns[0].Text != want {
			t.Errorf("Transcript = %+v, want the user's turn stored as %q", turns, want)
		}
	}
}

func TestGuardFullWidthDigits(t *testing.T) {
	t.Parallel()
	// Chinese keyboards in full-width mode type ０-９: a secret is a secret either way.
	for _, tt := range []struct{ in, secret string }{
		{"我的验证码是３８４７５６", "３８４７５６"},
		{"卡号４１１１１１１１１１１１１１１１", "４１１１１１１１１１１１１１１１"},
		{"密码是ａｂｃ１２３４５", "ａｂｃ１２３４５"},
	} {
		g := guard(tt.in)
		if !g.found() || strings.Contains(g.masked, tt.secret) || strings.Contains(g.masked, foldASCII(tt.secret)) {
			t.Errorf("guard(%q) = %q, %v; want the secret found and masked", tt.in, g.masked, g.kinds)
		}
	}
}

func TestGuardPasswordWithoutSeparator(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"支付密码123456", "我的密码 abc12345"} {
		if g := guard(in); !g.found() || !strings.Contains(g.masked, "[已隐藏]") {
			t.Errorf("guard(%q) = %q, %v; want the password masked", in, g.masked, g.kinds)
		}
	}
}

// TestMaskAndAnswer: a message with a payment secret is answered as if the secret were not
// there, under a one-line warning given once per kind and conversation; a message that is
// only a secret gets the warning and a hint.
func TestMaskAndAnswer(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	loginFail := firstLine(entry(t, ix, "login-password-login-fail").Answer)
	download := firstLine(entry(t, ix, "reconciliation-download").Answer)
	warnCard := "⚠️ 请不要在对话中发送银行卡号，已自动隐藏、不会保存。官方客服绝不会索要验证码或密码，如已告诉他人，请立即修改密码并拨打官方热线 400-800-9000。"
	warnPassword := strings.Replace(warnCard, "银行卡号", "密码", 1)
	warnCode := strings.Replace(warnCard, "银行卡号", "验证码", 1)
	// Changed by design: once warned, a conversation gets a short reminder, not the warning again.
	againCard := fmt.Sprintf(textGuardAgain, "银行卡号")
	againCode := fmt.Sprintf(textGuardAgain, "验证码")
	onTop := func(warning, answer string) func(t *testing.T, r Reply) {
		return func(t *testing.T, r Reply) {
			t.Helper()
			first, rest, _ := strings.Cut(r.Text, "\n")
			if first != warning || !strings.HasPrefix(rest, answer) {
				t.Errorf("Reply = %q, want the one-line warning %q, then %q", r.Text, warning, answer)
			}
		}
	}
	tests := []struct {
		name  string
		steps []step
	}{
		// Changed by design: a theft opens the fund-safety case (steps and an urgent ticket).
		{"a theft report with a card number gets the urgent steps", []step{
			{say: "我的卡号6222 0271 1066 5803 516被盗刷了", check: onTop(warnCard, textCaseEmpathy), want: []string{"开户银行", "加急工单 GD"}, notWant: []string{"6222", "516"}},
			{say: "提交工单", want: []string{"请选择工单类型"}},
		}},
		{"a login question with a pasted password gets the login answer", []step{
			{say: "登录密码是Abc12345 登不上去了怎么办", check: onTop(warnPassword, loginFail), notWant: []string{"Abc12345"}},
		}},
		{"the warning is given once per kind and conversation", []step{
			{say: "验证码384756，对账单在哪下载", check: onTop(warnCode, download)},
			{say: "验证码 667788 对账单什么时候生成", notWant: []string{guardMark, "667788"}},
			{say: "我的卡号6222027110665803516被盗刷了", check: onTop(againCard, textCaseEmpathy)},
			// A new conversation is warned again.
			{say: "验证码 384756 对账单在哪下载", after: time.Hour, want: []string{warnCode, download}},
		}},
		{"a message that is only a secret gets the warning and a hint", []step{
			{say: "验证码384756", check: onTop(warnCode, textSecretOnlyHint), notWant: []string{"384756"}},
			{say: "卡号：6222027110665803516", check: onTop(againCard, textSecretOnlyHint)},
			// Only-a-secret is always answered with the warning: there is nothing else to say.
			{say: "验证码 667788", check: onTop(againCode, textSecretOnlyHint)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			converse(t, b, tt.steps)
		})
	}
}

// TestLongMessage: a huge message is answered from its first part, the user is told to send
// shorter ones, and at most maxStoredRunes of it are stored.
func TestLongMessage(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	download := firstLine(entry(t, ix, "reconciliation-download").Answer)
	tests := []struct {
		name string
		msg  Message
	}{
		{"long", Message{Kind: KindText, Text: "对账单在哪下载？" + strings.Repeat("急", 600)}},
		{"cut at the edge", Message{Kind: KindText, Text: "对账单在哪下载", Truncated: true}},
		{"a card at the bot's cut", Message{Kind: KindText, Text: "对账单在哪下载？" + strings.Repeat("啊", maxTextRunes-8-10) + "6222027110665803516"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			converse(t, b, []step{{msg: &tt.msg, want: []string{textTooLong, download}}})
			turns, err := b.Transcript(context.Background(), defaultUser, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(turns) != 2 || utf8.RuneCountInString(turns[0].Text) > maxStoredRunes {
				t.Errorf("Transcript = %d turns, the user's of %d runes; want 2, at most %d", len(turns), utf8.RuneCountInString(turns[0].Text), maxStoredRunes)
			}
		})
	}
}

func TestCuts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		n        int
		raw      string // cutRaw
		masked   string // cutMasked
	}{
		{"short", "对账单", 5, "对账单", "对账单"},
		{"a card straddling the cut", "卡号6222027110665803516", 10, "卡号", "卡号62220271"},
		{"grouped", "卡号 6222 0271 1066", 9, "卡号", "卡号 6222 0"},
		{"a mask", "卡号[银行卡号已隐藏]被盗刷", 6, "卡号[银行卡", "卡号"},
		{"chinese numerals", "验证码三八四七五六", 6, "验证码", "验证码三八四"},
	}
	for _, tt := range tests {
		if got, _ := cutRaw(tt.in, tt.n); got != tt.raw {
			t.Errorf("%s: cutRaw(%q, %d) = %q, want %q", tt.name, tt.in, tt.n, got, tt.raw)
		}
		if got, _ := cutMasked(tt.in, tt.n); got != tt.masked {
			t.Errorf("%s: cutMasked(%q, %d) = %q, want %q", tt.name, tt.in, tt.n, got, tt.masked)
		}
	}
}

func TestQuery(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"我的卡号[银行卡号已隐藏]被盗刷了", "我的卡号 被盗刷了"},
		{"验证码[已隐藏]，对账单在哪下载", "验证码 对账单在哪下载"},
		{"急急急急急急！！！钱没到账 钱没到账 钱没到账", "急急 钱没到账"},
		{strings.Repeat("对账单在哪下载？", 1000), "对账单在哪下载"},
		{strings.Repeat("啊", 10000), "啊啊"},
	}
	for _, tt := range tests {
		if got := query(tt.in); got != tt.want {
			t.Errorf("query(%q) = %q, want %q", head(tt.in), got, tt.want)
		}
	}
	long := strings.Repeat("对账单下载结算到账退款费率发票", 100)
	if got := utf8.RuneCountInString(query(long)); got > maxQueryRunes {
		t.Errorf("query(long) has %d runes, want at most %d", got, maxQueryRunes)
	}
}
