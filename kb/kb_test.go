package kb

import (
	"context"
	"os"
	"slices"
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

// floors are the figures recorded for each evaluation set; a change that drops any of them
// fails TestEvalFloors. Raise them when retrieval improves (the figures are in the test log).
// blind-a is the development set of retrieval v2; the older sets were tuned on before it.
// blind-b was held out until the end of retrieval v2 and has been development data since.
// blind-c had its one blind run before kb4 (0.885 / 0.989 / 0.759 / 2.6 % / 0.940, entry 0.773 /
// 12.1 %) and has been development data since. blind-d was held out to the end of that session;
// its figures below are its first run.
var floors = []struct {
	path string
	cat  floor
	ent  *floor // entry level, for sets labelled with entry ids
}{
	{"content/eval.tsv", floor{0.973, 0.998, 0.860, 0.009, 1.000}, nil},
	{"testdata/holdout.tsv", floor{0.975, 1.000, 0.882, 0.006, 1.000}, nil},
	{"testdata/blind.tsv", floor{0.978, 0.993, 0.926, 0.000, 0.983}, nil},
	{"testdata/blind-a-entries.tsv", floor{0.977, 0.995, 0.885, 0.009, 0.983}, &floor{0.901, 0.970, 0.878, 0.060, 0}},
	{"testdata/blind-b-entries.tsv", floor{0.976, 0.994, 0.798, 0.004, 0.981}, &floor{0.884, 0.971, 0.800, 0.060, 0}},
	{"testdata/blind-c-entries.tsv", floor{0.920, 0.989, 0.774, 0.007, 0.970}, &floor{0.809, 0.936, 0.791, 0.103, 0}},
	{"testdata/blind-d-entries.tsv", floor{0.906, 0.964, 0.769, 0.033, 0.949}, &floor{0.782, 0.915, 0.775, 0.110, 0}},
}

// floor holds minimum rates, except wrong, the maximum share of direct answers that are wrong.
type floor struct{ top1, top3, answered, wrong, noneRejected float64 }

func (fl floor) check(t *testing.T, what string, f Figures) {
	t.Helper()
	const eps = 5e-4 // the floors are rounded to three places
	got := floor{f.Top1Rate(), f.Top3Rate(), f.AnsweredRate(), f.WrongRate(), f.NoneRejectedRate()}
	if f.OutOfScope == 0 {
		got.noneRejected = fl.noneRejected
	}
	if got.top1 < fl.top1-eps || got.top3 < fl.top3-eps || got.answered < fl.answered-eps ||
		got.wrong > fl.wrong+eps || got.noneRejected < fl.noneRejected-eps {
		t.Errorf("%s: %s\n  below the recorded %+v", what, f, fl)
	}
}

func TestEvalFloors(t *testing.T) {
	t.Parallel()
	for _, tt := range floors {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			rep := evalFile(t, tt.path)
			tt.cat.check(t, tt.path+" category level", rep.Figures)
			if tt.ent != nil {
				t.Log(rep.EntrySummary())
				tt.ent.check(t, tt.path+" entry level", rep.Entry)
			}
		})
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
		{"有人冒充你们打电话", Answer, "anti-fraud-verify-caller", false},
		{"一个陌生手机号说是易联的客服", Answer, "anti-fraud-personal-mobile", false},
		{"我的卡被盗刷了", Answer, "anti-fraud-unauthorised-charge", false},
		{"不是本人的扣款", Answer, "anti-fraud-unauthorised-charge", false},
		{"后台有陌生设备登录 不是我本人", Answer, "login-password-abnormal-login", false},
		{"我被骗了两千块", Answer, "anti-fraud-scammed", false},
		{"接到电话说我涉嫌洗钱要配合调查", Answer, "anti-fraud-verify-caller", false},
		{"有人冒充客服骗了我一千块", Answer, "anti-fraud-scammed", false},
		{"自称客服的人让我把手机收到的六位数告诉他", Answer, "anti-fraud-sms-code", false},
		{"怎么举报冒充你们的骗子", Answer, "anti-fraud-report", false},
		{"收不到登录验证码", Answer, "login-password/", false},
		{"花呗额度怎么提升", None, "", false},
		{"微信转账每天限额多少", None, "", false},
		{"云闪付的积分怎么兑换", None, "", false},
		{"招商银行app转账限额", None, "", false},
		{"接微信支付的费率是多少", Answer, "fees/", false},
		// Another bank's or app's own service, even with a word of ours or a fraud word.
		{"工行卡被冻结了怎么办", None, "", false},
		{"支付宝的商家收款码怎么收费", None, "", false},
		{"建行信用卡被盗刷怎么办", None, "", false},
		{"微信支付商户平台怎么登录", None, "", false},
		{"税务局电话多少", None, "", false},
		// Another payment company, even with a word of ours; a bank card's own services.
		{"拉卡拉的费率是多少", None, "", false},
		{"信用卡怎么注销", None, "", false},
		{"邮箱密码忘了", None, "", false},
		{"商户后台密码忘了", Answer, "login-password/", false},
		{"银行卡挂失了结算怎么办", Answer, "", false},
		{"微信上有人自称客服要验证码", Answer, "anti-fraud-sms-code", false},
		// An out-of-scope word the matched entry mentions is ours only with the entry's topic.
		{"快递什么时候到", None, "", false},
		{"发票的快递什么时候到", Answer, "invoice-mail", false},
		{"有没有年费", Answer, "fees-other-charges", false},
		// A message that is only one entry's keyword gets that entry.
		{"错误码", Answer, "api-integration-error-code", false},
		{"故障", Answer, "maintenance-is-down", false},
		{"對帳單在哪下載", Answer, "reconciliation-download", false},
		{"退款", Answer, "refund-how", false},
		{"我要投诉", Answer, "complaint-how", false},
		{"你好", None, "", true},
		{"你是机器人吗", None, "", true},
		{"早上好呀", None, "", true},
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

// TestModelIsReproducible checks that two builds of the same content train the same model:
// the decisions measured by the evaluation sets are the decisions production makes.
func TestModelIsReproducible(t *testing.T) {
	t.Parallel()
	a, b := mustIndex(t), mustIndex(t)
	if !slices.Equal(a.model.w, b.model.w) || !slices.Equal(a.model.bias, b.model.bias) {
		t.Error("two builds of the same content trained different models")
	}
}
