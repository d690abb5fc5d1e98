package secrettest

import "testing"

// TestLeaks keeps the leak scanner itself honest: a weaker scanner would let every leak test
// pass.
func TestLeaks(t *testing.T) {
	for _, tt := range []struct {
		text, secret string
		want         bool
	}{
		{"卡号六二二八四八零零幺二三四五六七八九零幺", "6228480012345678901", true},
		{"6228 4800 1234 5678 901", "6228480012345678901", true},
		{"验证码３８４７５６", "384756", true},
		{"pwd=Qw#9981", "Qw#9981", true},
		{"热线400-800-9000", "800", false},
		{"工单GD202612020384756", "384756", false},
		{"[银行卡号已隐藏]", "6228480012345678901", false},
	} {
		if got := Leaks(tt.text, tt.secret); got != tt.want {
			t.Errorf("Leaks(%q, %q) = %v, want %v", tt.text, tt.secret, got, tt.want)
		}
	}
}
