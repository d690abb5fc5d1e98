package kb

import (
	"context"
	"os"
	"strings"
	"testing"
)

// testVars fills every template variable the content may use.
var testVars = Variables{
	"hotline": "400-000-0000", "hotline_menu": "按1商户服务", "emergency_line": "010-00000000",
	"service_email": "service@example.com", "complaint_email": "complaint@example.com",
	"service_hours": "每天 08:00-22:00", "peak_hours": "高峰期延长", "cross_border_hours": "09:00-18:00",
	"account_name": "易联支付",
}

// mustIndex builds the shipped content's index once per test.
func mustIndex(tb testing.TB) *Index {
	tb.Helper()
	c, err := Load(EmbeddedFS(), testVars)
	if err != nil {
		tb.Fatalf("Load(embedded): %v", err)
	}
	ix, err := Build(c, DefaultThresholds)
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

func evalFile(t *testing.T, path string) EvalReport {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ParseEval(f)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(context.Background(), mustIndex(t), cases)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rep.Misses {
		t.Logf("miss line %d want=%v got=%v %s: %s", m.Case.Line, m.Case.Expected, m.Got, m.Decision, m.Case.Query)
	}
	t.Log(rep.Summary())
	return rep
}

func TestEvalDevelopmentSet(t *testing.T) {
	t.Parallel()
	rep := evalFile(t, "content/eval.tsv")
	if got := rep.Top1Rate(); got < 0.90 {
		t.Errorf("top-1 on content/eval.tsv = %.3f, want >= 0.90", got)
	}
}

// TestEvalHoldout reports the blind held-out set, which tuning must not look at; it only guards
// against a collapse.
func TestEvalHoldout(t *testing.T) {
	t.Parallel()
	rep := evalFile(t, "testdata/holdout.tsv")
	if got := rep.Top1Rate(); got < 0.80 {
		t.Errorf("top-1 on testdata/holdout.tsv = %.3f, want >= 0.80", got)
	}
}

// TestSearchDecisions pins the decisions that matter most: fraud questions always get the
// fraud answer, other companies' products and small talk never get an FAQ answer.
func TestSearchDecisions(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		query     string
		decision  Decision
		top       string // entry id, or category slug when it ends with "/"
		smalltalk bool
	}{
		{"对账单在哪下载", Answer, "reconciliation-download", false},
		{"钱怎么还没到账", Answer, "settlement/", false},
		{"有人自称客服问我要验证码", Answer, "anti-fraud-sms-code", false},
		{"客服打电话让我报验证码", Answer, "anti-fraud-sms-code", false},
		{"有人冒充易联的工作人员", Answer, "anti-fraud-verify-caller", false},
		{"我的卡被盗刷了", Answer, "anti-fraud-unauthorised-charge", false},
		{"我被骗了两千块", Answer, "anti-fraud-scammed", false},
		{"怎么举报冒充你们的骗子", Answer, "anti-fraud-report", false},
		{"收不到登录验证码", Answer, "login-password/", false},
		{"花呗额度怎么提升", None, "", false},
		{"微信转账每天限额多少", None, "", false},
		{"你好", None, "", true},
		{"你是机器人吗", None, "", true},
	}
	for _, tt := range tests {
		r, err := ix.Search(context.Background(), tt.query, 5)
		if err != nil {
			t.Fatal(err)
		}
		if r.Decision != tt.decision || (tt.smalltalk != (r.Smalltalk != "")) {
			t.Errorf("Search(%q) = %s smalltalk=%q, want %s", tt.query, r.Decision, r.Smalltalk, tt.decision)
			continue
		}
		if tt.top == "" {
			continue
		}
		if len(r.Hits) == 0 {
			t.Errorf("Search(%q): no hits", tt.query)
			continue
		}
		got := r.Hits[0].ID
		if strings.HasSuffix(tt.top, "/") {
			got = r.Hits[0].Category + "/"
		}
		if got != tt.top {
			t.Errorf("Search(%q) top = %s, want %s", tt.query, got, tt.top)
		}
	}
}
