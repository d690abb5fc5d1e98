package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// redisProxy forwards TCP connections to a Redis server. stop closes its listener and every
// connection, as a Redis that went down; start listens on the same address again.
type redisProxy struct {
	addr, target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func newRedisProxy(t *testing.T, target string) *redisProxy {
	t.Helper()
	p := &redisProxy{target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() { p.stop(); p.wg.Wait() })
	return p
}

func (p *redisProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				io.Copy(dst, src)
				dst.Close()
				src.Close()
			}
			p.wg.Go(func() { pipe(up, c) })
			p.wg.Go(func() { pipe(c, up) })
		}
	})
}

func (p *redisProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *redisProxy) start(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port was just freed; binding it again may take a moment
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.serve(ln)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("listen on %s again: %v", p.addr, err)
}

// TestJSONLogsWhileRedisGoesAway runs the server with LOG_FORMAT=json and LOG_LEVEL=debug
// through a proxy to Redis, stops the proxy (Redis down), answers a question degraded, starts
// it again and answers with state. Every line the process wrote, go-redis's own included,
// must be a JSON object. It does not run in parallel: go-redis's logger is process-wide, and
// another test's server would take it over.
func TestJSONLogsWhileRedisGoesAway(t *testing.T) {
	url, prefix := redistest.NewURL(t)
	opt, err := redis.ParseURL(url)
	if err != nil || opt.Network != "tcp" {
		t.Skipf("the test Redis %s is not reachable over TCP", url)
	}
	proxy := newRedisProxy(t, opt.Addr)
	env := map[string]string{
		"REDIS_URL":    "redis://" + proxy.addr + "/" + strings.TrimPrefix(url[strings.LastIndex(url, "/"):], "/"),
		"REDIS_PREFIX": prefix, "REDIS_TIMEOUT": "200ms",
		"LOG_FORMAT": "json", "LOG_LEVEL": "debug",
		"WECHAT_TOKEN": "jsontoken", "ADMIN_TOKEN": "json-admin-token-0123456789abcdef",
	}
	base, admin, logs := startServe(t, env)
	sim := wechat.NewSimulator(wechat.Settings{Token: "jsontoken"})
	ask := func(q string) string {
		t.Helper()
		req, err := sim.Request(base+"/wechat", sim.TextXML("o_json_user", q, sim.NextMsgID(), time.Now()), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		r, err := sim.Open(body)
		if err != nil {
			t.Fatalf("reply to %q: %v (%s)", q, err, body)
		}
		return r.Content
	}
	get := func(base, path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if got := ask("对账单在哪下载"); !strings.Contains(got, "对账单") {
		t.Errorf("reply with Redis = %q", got)
	}
	proxy.stop()
	if got := ask("钱怎么还没到账"); !strings.Contains(got, "结算") && !strings.Contains(got, "到账") {
		t.Errorf("degraded reply = %q, want an FAQ answer", got)
	}
	if code, body := get(base, "/readyz"); code != 200 || !strings.HasPrefix(body, "ready (degraded: redis unreachable") {
		t.Errorf("/readyz with Redis down = %d %q, want 200 ready (degraded: …)", code, body)
	}
	if code, _ := get(base, "/readyz?state=1"); code != 503 {
		t.Errorf("/readyz?state=1 with Redis down = %d, want 503", code)
	}
	if _, metrics := get(admin, "/metrics"); !strings.Contains(metrics, "\nyilianbot_redis_up 0\n") {
		t.Errorf("/metrics with Redis down lacks yilianbot_redis_up 0")
	}

	proxy.start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := get(base, "/readyz?state=1")
		if code == 200 && body == "ready\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz?state=1 after Redis came back = %d %q", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := ask("对账单是什么格式的"); !strings.Contains(got, "对账") { // a new question: the same one again reads as "that did not help"
		t.Errorf("reply after Redis came back = %q", got)
	}

	out := logs.String()
	var msgs []string
	redisLines := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", sc.Text())
			continue
		}
		msg, _ := rec["msg"].(string)
		msgs = append(msgs, msg)
		if rec["component"] == "go-redis" {
			redisLines++
		}
	}
	if redisLines == 0 {
		t.Errorf("no line from go-redis (component=go-redis) while Redis was down: %q", msgs)
	}
	for _, want := range []string{"callback received", "callback answered", "redis unavailable; answering without session state"} {
		if !containsPrefix(msgs, want) {
			t.Errorf("no %q line among %q", want, msgs)
		}
	}
	if strings.Contains(out, "o_json_user") || strings.Contains(out, "对账单在哪下载") || strings.Contains(out, "对账单是什么格式的") {
		t.Errorf("logs contain a raw openid or the message text")
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestRedisLog: go-redis's messages become slog warnings without its "redis: " prefix.
func TestRedisLog(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	l := redisLog{slog.New(slog.NewJSONHandler(&b, nil))}
	l.Printf(context.Background(), "redis: %s: discarding bad connection: %v", "pool", errors.New("EOF"))
	var rec struct{ Level, Msg, Component string }
	if err := json.Unmarshal([]byte(b.String()), &rec); err != nil {
		t.Fatalf("%q: %v", b.String(), err)
	}
	want := struct{ Level, Msg, Component string }{"WARN", "pool: discarding bad connection: EOF", "go-redis"}
	if rec != want {
		t.Errorf("logged %+v, want %+v", rec, want)
	}
}
