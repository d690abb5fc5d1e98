package kb

import (
	"context"
	"os"
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
	rep := evalFile(t, "testdata/eval.tsv")
	if got := rep.Top1Rate(); got < 0.90 {
		t.Errorf("top-1 on testdata/eval.tsv = %.3f, want >= 0.90", got)
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
