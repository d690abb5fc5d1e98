package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// syncBuffer collects the process's log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun runs the binary's run in the background with env, HTTP_ADDR and ADMIN_ADDR
// 127.0.0.1:0 unless env sets them, and waits for /healthz on the address run reports. It
// returns the public listener's base URL.
func startRun(t *testing.T, env map[string]string) (base string, logs *syncBuffer) {
	t.Helper()
	base, _, logs = startServe(t, env)
	return base, logs
}

// startServe is startRun that also returns the admin listener's base URL.
func startServe(t *testing.T, env map[string]string) (base, admin string, logs *syncBuffer) {
	t.Helper()
	getenv := func(k string) string {
		if (k == "HTTP_ADDR" || k == "ADMIN_ADDR") && env[k] == "" {
			return "127.0.0.1:0"
		}
		return env[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan error, 1)
	addr := make(chan string, 1)
	adminAddr := make(chan string, 1)
	listening := func(name, a string) {
		if name == "admin" {
			adminAddr <- a
			return
		}
		addr <- a
	}
	go func() {
		done <- run(ctx, []string{"serve"}, getenv, strings.NewReader(""), io.Discard, logs, hooks{listening: listening})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after shutdown, want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("run did not return after its context was cancelled")
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	select {
	case a := <-addr:
		base = "http://" + a
		admin = "http://" + <-adminAddr
	case err := <-done:
		t.Fatalf("run exited before it listened: %v\n%s", err, logs)
	case <-time.After(time.Until(deadline)):
		t.Fatalf("run did not listen within 20 s\n%s", logs)
	}
	for {
		select {
		case err := <-done:
			t.Fatalf("run exited before it was ready: %v\n%s", err, logs)
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base, admin, logs
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not ready after 20 s\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"plain", "aes"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			url, prefix := redistest.NewURL(t)
			env := map[string]string{
				"REDIS_URL":     url,
				"REDIS_PREFIX":  prefix,
				"WECHAT_TOKEN":  "e2etoken",
				"WECHAT_APP_ID": "wxb11529c136998cb6",
				"ADMIN_TOKEN":   "e2e-admin-token-0123456789abcdefghij",
			}
			wc := wechat.Settings{Token: "e2etoken", AppID: "wxb11529c136998cb6"}
			if mode == "aes" {
				env["WECHAT_ENCODING_AES_KEY"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
				wc.EncodingAESKey = env["WECHAT_ENCODING_AES_KEY"]
			}
			base, logs := startRun(t, env)
			sim := wechat.NewSimulator(wc)

			post := func(plain []byte) wechat.OpenedReply {
				t.Helper()
				req, err := sim.Request(base+"/wechat", plain, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != 200 {
					t.Fatalf("POST /wechat: HTTP %d %s", resp.StatusCode, body)
				}
				r, err := sim.Open(body)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}

			r := post(sim.TextXML("o_e2e_user", "对账单在哪下载", sim.NextMsgID(), time.Now()))
			if r.MsgType != "text" || !strings.Contains(r.Content, "对账单") || r.To != "o_e2e_user" || r.From != sim.AccountID {
				t.Errorf("text reply = %+v, want an answer about 对账单 addressed back to the user", r)
			}
			r = post(sim.TextXML("o_e2e_user", "我的验证码是384756，你帮我看看", sim.NextMsgID(), time.Now()))
			if !strings.Contains(r.Content, "验证码") || strings.Contains(r.Content, "384756") {
				t.Errorf("guardrail reply = %q, want a warning about 验证码 without the code", r.Content)
			}
			if r := post(sim.EventXML("o_e2e_user", "unsubscribe", "", time.Now())); !r.Success {
				t.Errorf("unsubscribe reply = %+v, want success", r)
			}
			resp, err := http.Get(base + "/readyz")
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("/readyz = %v %v, want 200", resp, err)
			}
			if strings.Contains(logs.String(), "384756") || strings.Contains(logs.String(), "o_e2e_user") {
				t.Errorf("logs contain a secret or a raw openid:\n%s", logs)
			}
		})
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"REDIS_URL":               "redis://127.0.0.1:6379/0",
		"WECHAT_ENCODING_AES_KEY": "short",
		"REPLY_BUDGET":            "forever",
	}
	var stderr bytes.Buffer
	err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &stderr, hooks{})
	if err == nil {
		t.Fatal("run with bad configuration returned nil")
	}
	for _, name := range []string{"WECHAT_TOKEN", "ADMIN_TOKEN", "WECHAT_ENCODING_AES_KEY", "WECHAT_APP_ID", "REPLY_BUDGET"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestRunUnreachableRedis(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"HTTP_ADDR": "127.0.0.1:0",
		// Nothing listens on port 0: connecting is refused at once.
		"REDIS_URL":    "redis://:s3cretpass@127.0.0.1:0/0",
		"WECHAT_TOKEN": "e2etoken",
		"ADMIN_TOKEN":  "e2e-admin-token-0123456789abcdefghij",
	}
	err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard, hooks{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach Redis") {
		t.Fatalf("run with an unreachable Redis = %v, want a clear error", err)
	}
	if strings.Contains(err.Error(), "s3cretpass") {
		t.Errorf("error leaks the Redis password: %v", err)
	}
}

func TestChat(t *testing.T) {
	t.Parallel()
	in := strings.NewReader("/sub\n对账单在哪下载\n/user other\n1\n1\n/quit\n")
	var out, errs syncBuffer
	if err := run(context.Background(), []string{"chat"}, func(string) string { return "" }, in, &out, &errs, hooks{}); err != nil {
		t.Fatal(err)
	}
	// A new user's "1" is not a choice before a list was shown: the menu comes first, and the
	// next "1" picks its first item.
	for _, want := range []string{"欢迎关注", "对账", "已切换到用户", "没有可选的列表", "【交易状态查询】"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("chat output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errs.String(), "NOTHING IS KEPT") {
		t.Errorf("chat with the embedded Redis did not warn that nothing is kept:\n%s", errs.String())
	}
}
