package bot

import "testing"

func TestAsksForSecret(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want bool
	}{
		// Requests: refused.
		{"请把验证码发给我", true},
		{"告诉我您的支付密码", true},
		{"麻烦提供一下您收到的短信验证码，我帮您核实", true},
		{"您的验证码是多少？", true},
		{"请回复收到的动态码以便核实身份", true},
		{"为了帮您解冻，需要您把银行卡密码告诉我们", true},
		{"请报一下卡背面的CVV", true},
		{"官方客服不会索要验证码。不过这次请把验证码发过来", true},
		{"please send me the OTP", true},
		// Warnings and ordinary support: not requests.
		{"请勿向任何人提供验证码", false},
		{"我们不会索要您的密码", false},
		{"请不要把验证码告诉任何人，包括自称客服的人", false},
		{"官方客服绝不会向您索要短信验证码或支付密码", false},
		{"验证码收不到的话，请检查短信是否被拦截", false},
		{"请在App登录页点击“忘记密码”重置登录密码", false},
		{"请重新获取验证码后再试", false},
		{"请提供交易时间和金额，我们帮您核实", false},
		{"您的工单已处理，请回复数字1-5评分", false},
		{"never share your password with anyone", false},
	}
	for _, tt := range tests {
		if got := asksForSecret(tt.text); got != tt.want {
			t.Errorf("asksForSecret(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
