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
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot/redistest"
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

	out, err = runCmd(t, nil, "", "kb", "eval", "../../kb/testdata/eval.tsv")
	if err != nil || !regexp.MustCompile(`(?m)^top1=0\.\d+ top3=0\.\d+ answered=0\.\d+ none_rejected=[01]\.\d+`).MatchString(out) {
		t.Errorf("kb eval = %q, %v", out, err)
	}
}

// TestReloadThroughServer changes KB_DIR under a running server: a broken edit is refused
// (the old answers stay), a good one is served, by the admin endpoint and by SIGHUP.
func TestReloadThroughServer(t *testing.T) {
	// Not parallel: SIGHUP goes to the whole test process.
	dir := writeContent(t)
	url, prefix := redistest.NewURL(t)
	env := map[string]string{
		"REDIS_URL": url, "REDIS_PREFIX": prefix, "KB_DIR": dir,
		"WECHAT_TOKEN": "reloadtoken", "ADMIN_TOKEN": "reload-admin-token-0123",
	}
	base, _ := startRun(t, env)
	reload := func() (int, string) {
		req, _ := http.NewRequest("POST", base+"/api/v1/kb/reload", nil)
		req.Header.Set("Authorization", "Bearer "+env["ADMIN_TOKEN"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	contact := filepath.Join(dir, "contact.yaml")
	good, _ := os.ReadFile(contact)
	os.WriteFile(contact, []byte("slug: contact\nentries: [\n"), 0o644)
	if code, body := reload(); code != 422 || !strings.Contains(body, "contact.yaml") {
		t.Errorf("reload of broken content = %d %s, want 422 naming the file", code, body)
	}
	os.WriteFile(contact, good, 0o644)
	if code, body := reload(); code != 200 {
		t.Errorf("reload of good content = %d %s, want 200", code, body)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the reload runs in the server's goroutine
	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("after SIGHUP /readyz = %v %v", resp, err)
	}
}
