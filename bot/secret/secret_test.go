package secret

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Numbers used below. The cards pass Luhn, the IDs the GB 11643 checksum; the look-alikes do not.
const (
	card16     = "4111111111111111"
	card19     = "6217001234567890122"
	card16b    = "6222021234567894" // a second UnionPay-style card
	orderNo19  = "2026112512345678901"
	idNumber   = "11010519491231002X"
	idNumber2  = "440308199001011239"
	idBadCheck = "110105194912310021"
	legacyID   = "110105491231002" // 15 digits: 1949-12-31
)

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		wantMasked string
		wantKinds  []Kind
	}{
		// Codes.
		{"我的验证码是384756，你帮我看看", "我的验证码是[已隐藏]，你帮我看看", []Kind{Code}},
		{"384756是验证码", "[已隐藏]是验证码", []Kind{Code}},
		{"短信码：5521", "短信码：[已隐藏]", []Kind{Code}},
		{"my verification code is 902113", "my verification code is [已隐藏]", []Kind{Code}},
		{"otp 987654", "otp [已隐藏]", []Kind{Code}},
		{"验证码 4 8 2 9 1 3 对吗", "验证码 [已隐藏] 对吗", []Kind{Code}},
		{"验证码是三八四七五六", "验证码是[已隐藏]", []Kind{Code}},
		{"验证码叁捌肆柒伍陆", "验证码[已隐藏]", []Kind{Code}},
		{"动态码：幺洞幺洞八八", "动态码：[已隐藏]", []Kind{Code}},
		{"短信上的数字是 662 410", "短信上的数字是 [已隐藏]", []Kind{Code}},
		{"the code: 553201", "the code: [已隐藏]", []Kind{Code}},
		{"验证码是３８４７５６", "验证码是[已隐藏]", []Kind{Code}},
		{"要不要把验证码也发你 刚收到一个384756", "要不要把验证码也发你 刚收到一个[已隐藏]", []Kind{Code}},
		{"验证码是6位数的 905512", "验证码是6位数的 [已隐藏]", []Kind{Code}},
		{"收到两条验证码短信 第二条是 774120", "收到两条验证码短信 第二条是 [已隐藏]", []Kind{Code}},
		// Passwords.
		{"密码是abc12345", "密码是[已隐藏]", []Kind{Password}},
		{"支付密码：135790", "支付密码：[已隐藏]", []Kind{Password}},
		{"password=hunter22", "password=[已隐藏]", []Kind{Password}},
		{"登录密码是：Yl@2026!x 登不上", "登录密码是：[已隐藏] 登不上", []Kind{Password}},
		{"密码是“abc 123”", "密码是“[已隐藏]”", []Kind{Password}},
		{"我密码「Qw#9981」怎么不对", "我密码「[已隐藏]」怎么不对", []Kind{Password}},
		{"my password is Sunny#2026", "my password is [已隐藏]", []Kind{Password}},
		{"支付密码123456", "支付密码[已隐藏]", []Kind{Password}},
		{"密码改成了Aa112233", "密码改成了[已隐藏]", []Kind{Password}},
		{"密码是八八八六六六", "密码是[已隐藏]", []Kind{Password}},
		// CVV.
		{"卡背面的安全码是123", "卡背面的安全码是[已隐藏]", []Kind{CVV}},
		{"CVV 456", "CVV [已隐藏]", []Kind{CVV}},
		{"背面的三位数是 789", "背面的三位数是 [已隐藏]", []Kind{CVV}},
		{"卡背后三个数字321", "卡背后三个数字[已隐藏]", []Kind{CVV}},
		{"cvv2:0 4 5", "cvv2:[已隐藏]", []Kind{CVV}},
		// Cards and IDs named as such are masked even when a digit is mistyped (check fails).
		{"结算卡6228480012345678901一直没收到钱", "结算卡[银行卡号已隐藏]一直没收到钱", []Kind{Card}},
		{"卡号622848001234567890一直不行", "卡号[银行卡号已隐藏]一直不行", []Kind{Card}},
		{"我卡号 6222 0212 3456 7890 123 付不了", "我卡号 [银行卡号已隐藏] 付不了", []Kind{Card}},
		{"实名认证一直不通过 身份证号110101199003071234", "实名认证一直不通过 身份证号[身份证号已隐藏]", []Kind{ID}},
		{"银行卡付款 订单号2026112512345678901 没到", "银行卡付款 订单号2026112512345678901 没到", nil},
		// Cards.
		{"卡号" + card16, "卡号[银行卡号已隐藏]", []Kind{Card}},
		{"卡号 4111 1111 1111 1111 帮我查", "卡号 [银行卡号已隐藏] 帮我查", []Kind{Card}},
		{"4111-1111-1111-1111", "[银行卡号已隐藏]", []Kind{Card}},
		{"4111.1111.1111.1111", "[银行卡号已隐藏]", []Kind{Card}},
		{"4111\u30001111\u30001111\u30001111", "[银行卡号已隐藏]", []Kind{Card}},
		{"卡号４１１１１１１１１１１１１１１１", "卡号[银行卡号已隐藏]", []Kind{Card}},
		{"储蓄卡" + card19 + "被扣款", "储蓄卡[银行卡号已隐藏]被扣款", []Kind{Card}},
		{card19 + " 5000元被盗刷", "[银行卡号已隐藏] 5000元被盗刷", []Kind{Card}},
		{"6217 0012 3456 7890 122 2026-11-28 扣了钱", "[银行卡号已隐藏] 2026-11-28 扣了钱", []Kind{Card}},
		{"卡1 " + card16 + " 卡2 " + card16b, "卡1 [银行卡号已隐藏] 卡2 [银行卡号已隐藏]", []Kind{Card}},
		{card16 + " " + card16b, "[银行卡号已隐藏] [银行卡号已隐藏]", []Kind{Card}},
		{"卡号4111111111\n111111 被盗", "卡号[银行卡号已隐藏] 被盗", []Kind{Card}},
		{"卡号" + card16 + "12000", "卡号[银行卡号已隐藏]12000", []Kind{Card}},
		// IDs.
		{"身份证" + idNumber, "身份证[身份证号已隐藏]", []Kind{ID}},
		{"身份证" + strings.ToLower(idNumber), "身份证[身份证号已隐藏]", []Kind{ID}},
		{"身份证 110105 19491231 002X", "身份证 [身份证号已隐藏]", []Kind{ID}},
		{"身份证" + idNumber2 + " 13812345678", "身份证[身份证号已隐藏] 13812345678", []Kind{ID}},
		{"身份证" + idNumber2 + "2026", "身份证[身份证号已隐藏]2026", []Kind{ID}},
		{"老身份证" + legacyID, "老身份证[身份证号已隐藏]", []Kind{ID}},
		// Several at once.
		{"卡号" + card16 + "，验证码667788，密码是qwe123", "卡号[银行卡号已隐藏]，验证码[已隐藏]，密码是[已隐藏]", []Kind{Code, Password, Card}},

		{"卡号 4111/1111/1111/1111", "卡号 [银行卡号已隐藏]", []Kind{Card}},
		{"卡号4111，1111，1111，1111 能解绑吗", "卡号[银行卡号已隐藏] 能解绑吗", []Kind{Card}},
		{"log: verify_code=553201 sent", "log: verify_code=[已隐藏] sent", []Kind{Code}},
		{"动态码 55/32/01", "动态码 [已隐藏]", []Kind{Code}},
		{"短信发来的那串数字是 907311", "短信发来的那串数字是 [已隐藏]", []Kind{Code}},
		{`{"user":"a","password":"Zx!90876"}`, `{"user":"a","password":"[已隐藏]"}`, []Kind{Password}},
		{"| 登录密码 | Mm@2026xx |", "| 登录密码 | [已隐藏] |", []Kind{Password}},
		{"P A S S W O R D: Tt5%tt5%", "P A S S W O R D: [已隐藏]", []Kind{Password}},
		{"pwd -> Rr8*rr8", "pwd -> [已隐藏]", []Kind{Password}},
		{"支付密码是我女儿生日20120815", "支付密码是我女儿生日[已隐藏]", []Kind{Password}},
		{"卡后面那个码是五五二", "卡后面那个码是[已隐藏]", []Kind{CVV}},
		// Look-alikes: none of these is a secret.
		{"CVV校验失败，错误码 302", "CVV校验失败，错误码 302", nil},
		{"密码忘了，手机号13812345678", "密码忘了，手机号13812345678", nil},
		{"订单号" + orderNo19 + "怎么查不到", "订单号" + orderNo19 + "怎么查不到", nil},
		{"编号" + idBadCheck, "编号" + idBadCheck, nil},
		{"身份证号" + idBadCheck, "身份证号[身份证号已隐藏]", []Kind{ID}}, // named: masked even with a wrong check character
		{"忘记密码怎么办", "忘记密码怎么办", nil},
		{"密码错误次数太多被锁了", "密码错误次数太多被锁了", nil},
		{"密码错了3次", "密码错了3次", nil},
		{"支付密码是6位数字吗", "支付密码是6位数字吗", nil},
		{"password reset link does not work", "password reset link does not work", nil},
		{"错误码 40004", "错误码 40004", nil},
		{"error code 10001", "error code 10001", nil},
		{"errcode 45015", "errcode 45015", nil},
		{"返回code 20001", "返回code 20001", nil},
		{"商户编号8812345678", "商户编号8812345678", nil},
		{"我的手机号13812345678", "我的手机号13812345678", nil},
		{"联系电话 138 1234 5678", "联系电话 138 1234 5678", nil},
		{"交易金额 1234.56 元", "交易金额 1234.56 元", nil},
		{"金额 12,800.00 元", "金额 12,800.00 元", nil},
		{"2026-11-25 10:05:33 的交易", "2026-11-25 10:05:33 的交易", nil},
		{"验证码收不到怎么办", "验证码收不到怎么办", nil},
		{"验证码五分钟就过期了", "验证码五分钟就过期了", nil},
		{"验证码三四次都没收到", "验证码三四次都没收到", nil},
		{"我的手机号13812345678收不到验证码", "我的手机号13812345678收不到验证码", nil},
		{"验证码发到13812345678了，但是一直收不到", "验证码发到13812345678了，但是一直收不到", nil},
		{"查询工单 GD202611250042", "查询工单 GD202611250042", nil},
		{"工单GD202611250042进度", "工单GD202611250042进度", nil},
		{"报错E1023", "报错E1023", nil},
		{"流水号 4200001234202611281234567890", "流水号 4200001234202611281234567890", nil},
		{"20261128 的结算", "20261128 的结算", nil},
		{"卡背面有个签名栏", "卡背面有个签名栏", nil},
	}
	for _, tt := range tests {
		r := Mask(tt.in)
		if r.Text != tt.wantMasked {
			t.Errorf("Mask(%q).Text = %q, want %q", tt.in, r.Text, tt.wantMasked)
		}
		if diff := cmp.Diff(tt.wantKinds, r.Kinds); diff != "" {
			t.Errorf("Mask(%q).Kinds mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestChecksums(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		digits string
		want   bool
	}{
		{card16, true}, {card19, true}, {card16b, true}, {"4111111111111112", false}, {orderNo19, false}, {"0", true},
	} {
		if got := luhn(tt.digits); got != tt.want {
			t.Errorf("luhn(%q) = %v, want %v", tt.digits, got, tt.want)
		}
	}
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{idNumber, true}, {strings.ToLower(idNumber), true}, {idNumber2, true}, {idBadCheck, false},
		{"110105194913310027", false}, // month 13
		{"11010519491231002", false},  // 17 characters
		{"1101051949123100XX", false},
		{"001105194912310021", false}, // no such province
	} {
		if got := validID(tt.id); got != tt.want {
			t.Errorf("validID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

// FuzzMask checks that masking never panics, never grows a secret-free text and is idempotent.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"卡号" + card16, "验证码 4 8 2 9", "密码是“abc”", "身份证 110105 19491231 002X", "订单" + orderNo19} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Mask(s)
		if !r.Found() && r.Text != foldString(s) {
			t.Fatalf("Mask(%q) changed a text with no secret: %q", s, r.Text)
		}
		if again := Mask(r.Text); again.Text != r.Text {
			t.Fatalf("Mask is not idempotent: %q -> %q -> %q", s, r.Text, again.Text)
		}
	})
}

func BenchmarkMask(b *testing.B) {
	msg := "你好，我的卡号 6217 0012 3456 7890 122 昨天被盗刷了 5000 元，验证码 384756 也被人骗走了，订单号 " + orderNo19
	for b.Loop() {
		Mask(msg)
	}
}

func BenchmarkMaskPlain(b *testing.B) {
	msg := "你好，昨天的结算款到现在还没到账，商户号8812345678，订单号2026112512345678901，麻烦帮忙看看"
	for b.Loop() {
		Mask(msg)
	}
}

func BenchmarkMaskQRCode(b *testing.B) {
	msg := "收款码扫了以后顾客说付款成功了，我这边显示未支付，怎么回事"
	for b.Loop() {
		Mask(msg)
	}
}
