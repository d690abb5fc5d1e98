package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/handlers"
	"github.com/yilianpay/yilianbot/handlers/openapitest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/kb"
)

func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, io.Discard, hooks{})
	return out.String(), err
}

// TestKBSearchJSON checks the exact line format of `kb search --json`, from arguments and
// from standard input.
func TestKBSearchJSON(t *testing.T) {
	t.Parallel()
	out, err := runCmd(t, nil, "对账单在哪下载\n\n今天天气怎么样\n", "kb", "search", "--json")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("kb search --json printed %d lines for 2 queries:\n%s", len(lines), out)
	}
	shape := regexp.MustCompile(`^\{"query":"[^"]*","decision":"(answer|suggest|none)","hits":\[(\{"id":"[a-z0-9-]+","category":"[a-z-]+","question":"[^"]*","score":[0-9.]+\},?)*\]\}$`)
	for _, l := range lines {
		if !shape.MatchString(l) {
			t.Errorf("line does not have the documented shape:\n%s", l)
		}
		var v struct {
			Hits []kb.Hit `json:"hits"`
		}
		json.Unmarshal([]byte(l), &v)
		if len(v.Hits) > 5 {
			t.Errorf("%d hits, want at most 5", len(v.Hits))
		}
	}
	if !strings.Contains(lines[0], `"decision":"answer","hits":[{"id":"reconciliation-download"`) {
		t.Errorf("对账单在哪下载: %s", lines[0])
	}
	if !strings.Contains(lines[1], `"decision":"none"`) && !strings.Contains(lines[1], `"decision":"suggest"`) {
		t.Errorf("out-of-scope query answered: %s", lines[1])
	}
	out, err = runCmd(t, nil, "", "kb", "search", "--json", "钱怎么还没到账")
	if err != nil || !strings.Contains(out, `"category":"settlement"`) {
		t.Errorf("kb search --json with arguments = %q, %v", out, err)
	}
}

func writeContent(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(kb.EmbeddedFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(kb.EmbeddedFS(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestKBCheckAndEval(t *testing.T) {
	t.Parallel()
	if out, err := runCmd(t, nil, "", "kb", "check"); err != nil || !strings.Contains(out, "ok: 17 categories") {
		t.Errorf("kb check on the shipped content = %q, %v", out, err)
	}
	dir := writeContent(t)
	f := filepath.Join(dir, "invoice.yaml")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, bytes.Replace(b, []byte("{{hotline}}"), []byte("{{hotlien}}"), 1), 0o644)
	out, err := runCmd(t, map[string]string{"KB_DIR": dir}, "", "kb", "check")
	if err == nil || !regexp.MustCompile(`invoice\.yaml:\d+: .*\{\{hotlien\}\}`).MatchString(out) {
		t.Errorf("kb check on broken content = %q, %v; want file:line: and a non-nil error", out, err)
	}

	out, err = runCmd(t, nil, "", "kb", "eval", "../../kb/content/eval.tsv")
	if err != nil || !regexp.MustCompile(`(?m)^top1=0\.\d+ top3=0\.\d+ answered=0\.\d+ wrong=0\.\d+ none_rejected=[01]\.\d+`).MatchString(out) {
		t.Errorf("kb eval = %q, %v", out, err)
	}
	if !regexp.MustCompile(`(?m)^settlement +\d+ +[01]\.\d+ `).MatchString(out) || strings.Contains(out, "entry top1=") {
		t.Errorf("kb eval on a category-level set: want a per-category table and no entry figures:\n%s", out)
	}

	if own, err := runCmd(t, nil, "", "kb", "eval"); err != nil || lastLine(own) != lastLine(out) {
		t.Errorf("kb eval without a file = %q, %v; want the summary of kb/content/eval.tsv %q", lastLine(own), err, lastLine(out))
	}

	// An entry-level set (slug, entry, query, note) is measured at both levels.
	entries := filepath.Join(t.TempDir(), "entries.tsv")
	os.WriteFile(entries, []byte("settlement\tsettlement-not-arrived\t钱怎么还没到账\t\n"+
		"settlement\tmissing\t结算到账有短信吗\tneeds: a notification entry\n"+
		"none\tnone\t今天天气怎么样\t\n"), 0o644)
	out, err = runCmd(t, nil, "", "kb", "eval", entries)
	if err != nil || !regexp.MustCompile(`(?m)^entry top1=1\.000 top3=1\.000 answered=[01]\.\d+ wrong=0\.000 \(labelled=1 answered_wrong=0 missing=1 `).MatchString(out) ||
		!strings.Contains(out, "missing "+entries+":2 want=needs: a notification entry") {
		t.Errorf("kb eval on an entry-level set = %q, %v", out, err)
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}

// TestReloadThroughServer changes KB_DIR under a running server: a broken edit is refused
// (the old answers stay), a good one is served, by the admin endpoint and by SIGHUP.
func TestReloadThroughServer(t *testing.T) {
	// Not parallel: SIGHUP goes to the whole test process.
	dir := writeContent(t)
	url, prefix := redistest.NewURL(t)
	env := map[string]string{
		"REDIS_URL": url, "REDIS_PREFIX": prefix, "KB_DIR": dir,
		"WECHAT_TOKEN": "reloadtoken", "ADMIN_TOKEN": "reload-admin-token-0123456789abcdefgh",
	}
	pub, base, _ := startServe(t, env)         // the agent API is on the admin listener, the webhook on the public one
	apiClient := openapitest.Load(t).Client(t) // answers must match handlers/openapi.yaml
	api := func(method string) (int, handlers.KBReload) {
		t.Helper()
		req, _ := http.NewRequest(method, base+"/api/v1/kb/reload", nil)
		req.Header.Set("Authorization", "Bearer "+env["ADMIN_TOKEN"])
		resp, err := apiClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var st handlers.KBReload
		if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusAccepted {
			if err := json.Unmarshal(b, &st); err != nil {
				t.Fatalf("%s /api/v1/kb/reload: %v in %s", method, err, b)
			}
		}
		return resp.StatusCode, st
	}
	// wait polls the status until reload id has finished.
	wait := func(id int64) handlers.KBReload {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if code, st := api("GET"); code != 200 {
				t.Fatalf("GET /api/v1/kb/reload = %d", code)
			} else if st.ID >= id && st.State != handlers.ReloadRunning {
				return st
			}
		}
		t.Fatalf("reload %d did not finish within 60 s", id)
		return handlers.KBReload{}
	}
	if code, st := api("GET"); code != 200 || st.State != handlers.ReloadIdle || st.ID != 0 {
		t.Errorf("status before any reload = %d %+v, want 200 idle", code, st)
	}

	contact := filepath.Join(dir, "contact.yaml")
	good, _ := os.ReadFile(contact)
	os.WriteFile(contact, []byte("slug: contact\nentries: [\n"), 0o644)
	code, st := api("POST")
	if code != 202 || st.State != handlers.ReloadRunning || st.ID != 1 {
		t.Fatalf("reload of broken content = %d %+v, want 202 running", code, st)
	}
	if st = wait(st.ID); st.State != handlers.ReloadFailed || !strings.Contains(strings.Join(st.Problems, "\n"), "contact.yaml") {
		t.Errorf("reload of broken content ended %+v, want failed naming the file", st)
	}

	os.WriteFile(contact, good, 0o644)
	if code, st = api("POST"); code != 202 {
		t.Fatalf("reload of good content = %d, want 202", code)
	}
	if st = wait(st.ID); st.State != handlers.ReloadSucceeded || st.Top1 < 0.9 || st.FinishedAt.Before(st.StartedAt) {
		t.Errorf("reload of good content ended %+v, want succeeded with its top-1", st)
	}

	// SIGHUP serves new content: a question only the edited folder answers.
	const q, a = "火星分部的客服电话是多少", "火星分部热线 999-0000"
	entry := "\n  - id: contact-mars\n    question: " + q + "\n    similar: [火星客服电话, 火星热线, 火星分部电话, 火星分部热线号码, 火星基地客服, 火星办事处电话, 火星站点联系方式, 火星客服号码]\n    answer: " + a + "\n"
	if err := os.WriteFile(contact, append(append([]byte{}, good...), entry...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if st = wait(st.ID + 1); st.State != handlers.ReloadSucceeded {
		t.Fatalf("reload on SIGHUP ended %+v, want succeeded", st)
	}
	sim := wechat.NewSimulator(wechat.Settings{Token: env["WECHAT_TOKEN"]})
	req, err := sim.Request(pub+"/wechat", sim.TextXML("o_reload_user", q, sim.NextMsgID(), time.Now()), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if r, err := sim.Open(body); err != nil || !strings.Contains(r.Content, a) {
		t.Errorf("after SIGHUP %q is answered %q, %v; want the new answer %q", q, r.Content, err, a)
	}
}

// TestThresholds checks that production runs kb.DefaultThresholds, the set the kb tests measure,
// that README's retrieval example documents exactly those, and that CONFIG_FILE overrides only
// what it sets.
func TestThresholds(t *testing.T) {
	t.Parallel()
	load := func(yaml string) config.Config {
		t.Helper()
		env := map[string]string{}
		if yaml != "" {
			path := filepath.Join(t.TempDir(), "yilianbot.yaml")
			os.WriteFile(path, []byte(yaml), 0o644)
			env["CONFIG_FILE"] = path
		}
		cfg, err := config.Load(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	if diff := cmp.Diff(kb.DefaultThresholds, thresholds(load(""))); diff != "" {
		t.Errorf("thresholds without CONFIG_FILE (-kb.DefaultThresholds +got):\n%s", diff)
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(readme), "```yaml\ncontact:")
	_, retrieval, ok := strings.Cut(rest, "\nretrieval:")
	retrieval, _, _ = strings.Cut(retrieval, "```")
	if !ok {
		t.Fatal("README.md's CONFIG_FILE example has no retrieval section")
	}
	example, err := os.ReadFile("../../config/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{"README.md": "retrieval:" + retrieval, "config/example.yaml": string(example)} {
		cfg := load(doc)
		if diff := cmp.Diff(kb.DefaultThresholds, thresholds(cfg)); diff != "" {
			t.Errorf("%s's retrieval example is not the defaults (-kb.DefaultThresholds +example):\n%s", name, diff)
		}
		// Every key is shown, so that a default added or changed in kb cannot hide behind an
		// omitted key.
		v := reflect.ValueOf(cfg.File.Retrieval)
		for i := range v.NumField() {
			if f := v.Field(i); f.IsNil() {
				t.Errorf("%s's retrieval example omits %s", name, v.Type().Field(i).Tag.Get("yaml"))
			}
		}
	}

	want := kb.DefaultThresholds
	want.AnswerMargin = 0.25
	want.PerCategory = map[string]float64{"refund": 0.5, "fees": 0.42, "invoice": 0.4}
	got := thresholds(load("retrieval:\n  answer_margin: 0.25\n  answer_confidence_by_category: {refund: 0.5, invoice: 0.4}\n"))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("thresholds with overrides (-want +got):\n%s", diff)
	}
	if kb.DefaultThresholds.PerCategory["refund"] != 0.42 {
		t.Error("an override changed kb.DefaultThresholds")
	}
}
