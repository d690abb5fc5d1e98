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
// 12.1 %) and has been development data since. blind-d was held out to the end of that session
// (first run 0.906 / 0.964 / 0.769 / 3.3 % / 0.949). blind-f was written blind at the start of
// the next session and run once before any change of that session (0.908 / 0.967 / 0.820 /
// 2.0 % / 0.883); it chose the unrelated model's and the calibration's thresholds. The wider
// content and the category model cost the oldest sets a little (blind-a answered 0.885 ->
// 0.857, out of scope 0.983 -> 0.967) and gained on every fresh one (top-1 +2.2 to +3 points).
// blind-e was held out through all of it (first run 0.958 / 0.989 / 0.824 / 2.0 % / 1.000); the
// figures below are after the training was shortened for build time (4 epochs at rate 1.0).
var floors = []struct {
	path string
	cat  floor
	ent  *floor // entry level, for sets labelled with entry ids
}{
	{"content/eval.tsv", floor{0.973, 0.993, 0.860, 0.006, 1.000}, nil},
	{"testdata/holdout.tsv", floor{0.990, 1.000, 0.897, 0.000, 1.000}, nil},
	{"testdata/blind.tsv", floor{0.985, 0.993, 0.919, 0.000, 0.967}, nil},
	{"testdata/blind-a-entries.tsv", floor{0.982, 0.992, 0.885, 0.006, 0.967}, &floor{0.909, 0.975, 0.878, 0.062, 0}},
	{"testdata/blind-b-entries.tsv", floor{0.985, 0.994, 0.820, 0.004, 0.944}, &floor{0.890, 0.974, 0.823, 0.059, 0}},
	{"testdata/blind-c-entries.tsv", floor{0.946, 0.983, 0.802, 0.014, 0.955}, &floor{0.818, 0.933, 0.818, 0.104, 0}},
	{"testdata/blind-d-entries.tsv", floor{0.931, 0.970, 0.810, 0.034, 0.937}, &floor{0.811, 0.927, 0.819, 0.104, 0}},
	{"testdata/blind-f-entries.tsv", floor{0.951, 0.980, 0.846, 0.015, 0.933}, &floor{0.856, 0.956, 0.862, 0.085, 0}},
	{"testdata/blind-e-entries.tsv", floor{0.953, 0.989, 0.827, 0.017, 1.000}, &floor{0.840, 0.965, 0.843, 0.104, 0}},
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
		// Naming 易联 makes it ours, even on another bank's card statement.
		{"我招商银行信用卡账单里有一笔易联支付的扣款", Answer, "anti-fraud-unauthorised-charge", false},
		// Ours although it names another product; two fee entries fit it about equally (the
		// payment methods' rates and where to look up one's own), so they are offered.
		{"接微信支付的费率是多少", Suggest, "fees/", false},
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
