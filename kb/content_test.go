package kb

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// copyEmbedded returns the shipped content as a writable map file system.
func copyEmbedded(tb testing.TB) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(EmbeddedFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(EmbeddedFS(), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestShippedContentPasses(t *testing.T) {
	t.Parallel()
	c, err := Load(EmbeddedFS(), testVars)
	if err != nil {
		t.Fatalf("kb check on the shipped content:\n%v", err)
	}
	if len(c.Categories) != 17 {
		t.Errorf("%d categories, want 17", len(c.Categories))
	}
	for i, cat := range c.Categories {
		if cat.Slug != Slugs[i] {
			t.Errorf("category %d is %s, want %s", i+1, cat.Slug, Slugs[i])
		}
		for _, e := range cat.Entries {
			if strings.Contains(e.Answer, "{{") {
				t.Errorf("%s: answer still has a template variable", e.ID)
			}
		}
	}
}

// fixtureEntry is a valid entry with n similar questions built from seed words.
func fixtureEntry(id, seed string) string {
	var b strings.Builder
	b.WriteString("  - id: " + id + "\n    question: " + seed + "怎么办\n    similar:\n")
	for i := range MinSimilar {
		b.WriteString("      - " + seed + "问题" + string(rune('a'+i)) + "\n")
	}
	b.WriteString("    answer: |-\n      请拨打{{hotline}}。\n")
	return b.String()
}

func TestCheckReportsProblems(t *testing.T) {
	t.Parallel()
	var refund strings.Builder
	refund.WriteString("slug: refund\nname: 退款\norder: 8\ndescription: 退款\nentries:\n")
	for i := range MinEntries {
		refund.WriteString(fixtureEntry("refund-e"+string(rune('a'+i)), "退款"+string(rune('甲'+i))))
	}
	bad := refund.String() +
		fixtureEntry("refund-ea", "重复编号") + // duplicate id
		"  - id: refund-empty\n    question: 空答案\n    similar: [一, 二, 三, 四, 五, 六, 七, 八]\n    answer: \"\"\n" +
		"  - id: refund-var\n    question: 变量\n    similar: [退款甲问题a, b2, c3, d4, e5, f6, g7, h8]\n    answer: 请拨打{{hotlne}}。\n    related: [refund-nope]\n"
	fsys := fstest.MapFS{
		"refund.yaml": {Data: []byte(bad)},
		"bogus.yaml":  {Data: []byte("slug: bogus\nname: x\norder: 1\ndescription: x\nentries: []\n")},
		"fees.yaml":   {Data: []byte("slug: fees\nname: [unclosed\n")},
	}
	_, err := Load(fsys, testVars)
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("Load(broken) = %v, want Problems", err)
	}
	text := probs.Error()
	for _, want := range []string{
		"refund.yaml:", `duplicate id "refund-ea"`, "refund-empty: empty answer", "unresolved template variable {{hotlne}}",
		`is also in refund-ea`, `related id "refund-nope" does not exist`, `bogus.yaml:1: unknown category "bogus"`,
		"fees.yaml:", "invalid YAML", `category "txn-status" is missing`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	for _, p := range probs {
		if p.File == "refund.yaml" && p.Line == 0 {
			t.Errorf("problem without a line: %s", p)
		}
	}
}

func TestCheckFromDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, f := range copyEmbedded(t) {
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Load(os.DirFS(dir), testVars); err != nil {
		t.Errorf("the shipped content copied to disk fails: %v", err)
	}
	if _, err := Load(os.DirFS(dir), Variables{}); err == nil || !strings.Contains(err.Error(), "unresolved template variable {{hotline}}") {
		t.Errorf("Load without variables = %v, want unresolved variables reported", err)
	}
}

func TestReload(t *testing.T) {
	t.Parallel()
	live := NewLive(mustIndex(t))
	ctx := context.Background()

	broken := copyEmbedded(t)
	delete(broken, "refund.yaml")
	if _, _, _, err := live.Reload(ctx, broken, testVars, DefaultThresholds); err == nil || !strings.Contains(err.Error(), "refund") {
		t.Errorf("Reload(missing category) = %v, want it refused", err)
	}

	worse := copyEmbedded(t)
	// Spoil every question of settlement: the content still passes check structurally, but
	// its words are no longer settlement's (the category has many ways to say it: 钱, 卡, 到).
	b := string(worse["settlement.yaml"].Data)
	b = strings.ReplaceAll(b, "到账", "天气")
	b = strings.ReplaceAll(b, "结算", "旅游")
	for _, w := range []string{"钱", "款", "卡", "账", "帐", "到", "T+1", "D0", "D1", "提现"} {
		b = strings.ReplaceAll(b, w, "云")
	}
	worse["settlement.yaml"] = &fstest.MapFile{Data: []byte(b)}
	if _, newTop1, oldTop1, err := live.Reload(ctx, worse, testVars, DefaultThresholds); err == nil {
		t.Errorf("Reload(worse content) swapped in an index with top-1 %.3f (was %.3f)", newTop1, oldTop1)
	}

	before := live.Current()
	old, _, _, err := live.Reload(ctx, copyEmbedded(t), testVars, DefaultThresholds)
	if err != nil {
		t.Fatalf("Reload(same content) = %v", err)
	}
	if old != before || live.Current() == before {
		t.Error("Reload did not swap the index")
	}
	old.Close()
	if r, err := live.Search(ctx, "对账单在哪下载", 5); err != nil || r.Decision != Answer {
		t.Errorf("search after reload = %+v, %v", r, err)
	}
}

// TestCheckScopePatterns checks that an out-of-scope pattern that does not compile is reported
// with its line, not found at the first search.
func TestCheckScopePatterns(t *testing.T) {
	t.Parallel()
	fsys := copyEmbedded(t)
	b := strings.Replace(string(fsys["scope.yaml"].Data), "out_of_scope_patterns:\n", "out_of_scope_patterns:\n  - (信用卡\n", 1)
	fsys["scope.yaml"] = &fstest.MapFile{Data: []byte(b)}
	_, err := Load(fsys, testVars)
	if err == nil || !strings.Contains(err.Error(), "scope.yaml:") || !strings.Contains(err.Error(), "pattern:") {
		t.Errorf("Load(bad pattern) = %v, want a scope.yaml pattern problem", err)
	}
}

// TestCheckEvalSet checks that the evaluation set is part of the content: kb check requires it
// and reports rows whose expected category does not exist.
func TestCheckEvalSet(t *testing.T) {
	t.Parallel()
	c, err := Load(EmbeddedFS(), testVars)
	if err != nil || len(c.Eval) < 17*20 {
		t.Fatalf("Load(embedded) = %d evaluation cases, %v; want the shipped eval.tsv", len(c.Eval), err)
	}
	tests := []struct {
		name string
		eval *fstest.MapFile // nil: no eval.tsv
		want string
	}{
		{"missing", nil, "eval.tsv:0: missing"},
		{"unknown slug", &fstest.MapFile{Data: []byte("refund\t退款\nrefnud\t退款多久到\n")}, `eval.tsv:2: unknown category "refnud"`},
		{"malformed", &fstest.MapFile{Data: []byte("# comment\nrefund 退款\n")}, "eval.tsv:2: want expected<TAB>query"},
		{"empty", &fstest.MapFile{Data: []byte("# nothing\n")}, "eval.tsv:0: no cases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := copyEmbedded(t)
			delete(fsys, EvalFile)
			if tt.eval != nil {
				fsys[EvalFile] = tt.eval
			}
			_, err := Load(fsys, testVars)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v, want a problem %q", err, tt.want)
			}
		})
	}
}
