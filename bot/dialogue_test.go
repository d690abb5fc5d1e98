package bot

import (
	"regexp"
	"strings"
	"testing"
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
