package bot

import (
	"context"
	"strings"
	"testing"

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

		// False positives: none of these is a secret.
		{"订单号" + orderNo19 + "怎么查不到", "订单号" + orderNo19 + "怎么查不到", nil},
		{"身份证号" + idBadCheck, "身份证号" + idBadCheck, nil},
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

func TestLuhnAndID(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		digits string
		want   bool
	}{
		{card16, true},
		{card19, true},
		{"4111111111111112", false},
		{orderNo19, false},
		{"0", true},
	} {
		if got := luhn(tt.digits); got != tt.want {
			t.Errorf("luhn(%q) = %v, want %v", tt.digits, got, tt.want)
		}
	}
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{idNumber, true},
		{strings.ToLower(idNumber), true},
		{idBadCheck, false},
		{"110105194913310027", false}, // month 13
		{"11010519491231002", false},  // 17 characters
		{"1101051949123100XX", false},
	} {
		if got := validID(tt.id); got != tt.want {
			t.Errorf("validID(%q) = %v, want %v", tt.id, got, tt.want)
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
