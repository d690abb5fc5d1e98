package handlers

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/openapitest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// lockedBuffer is a log sink safe for concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAgentAuthThrottle: an address that fails to authenticate authFailLimit times within a
// minute gets 429 with Retry-After until the minute ends, even with the right token; other
// addresses are not affected; every failure is logged with the address and path, never the
// token.
func TestAgentAuthThrottle(t *testing.T) {
	t.Parallel()
	clk := &clock{t: goldenNow}
	rdb, prefix := redistest.New(t)
	b := bot.New(mustIndex(t), bot.Options{Redis: rdb, Prefix: prefix, Now: clk.Now, Contact: testContact})
	var logs lockedBuffer
	h := NewAdmin(slog.New(slog.NewTextHandler(&logs, nil)), b, AdminOptions{Now: clk.Now, AdminToken: testAdminToken})
	h = openapitest.Load(t).Handler(t, h) // the 401s and 429s must match openapi.yaml

	call := func(addr, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/stats", nil)
		req.RemoteAddr = addr
		req.Header.Set("X-Forwarded-For", "203.0.113.99") // not trusted
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	const guess = "guessed-token-abcdef"
	for i := range authFailLimit {
		if rec := call("192.0.2.7:40000", guess); rec.Code != 401 {
			t.Fatalf("failure %d = %d, want 401", i+1, rec.Code)
		}
		clk.Advance(time.Second)
	}
	tests := []struct {
		name      string
		advance   time.Duration
		addr      string
		token     string
		wantCode  int
		wantRetry string
	}{
		{"wrong token after the limit", 0, "192.0.2.7:40001", guess, 429, "50"},
		{"right token after the limit", 0, "192.0.2.7:40002", testAdminToken, 429, "50"},
		{"another address", 0, "198.51.100.1:5000", testAdminToken, 200, ""},
		{"IPv6 address", 0, "[2001:db8::1]:5000", guess, 401, ""},
		{"just before the window ends", 49 * time.Second, "192.0.2.7:40003", testAdminToken, 429, "1"},
		{"after the window", time.Second, "192.0.2.7:40004", testAdminToken, 200, ""},
	}
	for _, tt := range tests {
		clk.Advance(tt.advance)
		rec := call(tt.addr, tt.token)
		if rec.Code != tt.wantCode || rec.Header().Get("Retry-After") != tt.wantRetry {
			t.Errorf("%s: %d Retry-After %q, want %d %q", tt.name, rec.Code, rec.Header().Get("Retry-After"), tt.wantCode, tt.wantRetry)
		}
		if rec.Code == 429 && !strings.Contains(rec.Body.String(), `"code":"too_many_requests"`) {
			t.Errorf("%s: 429 body = %s, want a JSON error", tt.name, rec.Body)
		}
	}

	out := logs.String()
	if strings.Contains(out, guess) || strings.Contains(out, testAdminToken) {
		t.Errorf("logs contain a token:\n%s", out)
	}
	if n := strings.Count(out, "agent api authentication failed"); n != authFailLimit+1 {
		t.Errorf("logged %d failures, want %d (throttled requests are not failures)", n, authFailLimit+1)
	}
	for _, want := range []string{"client=192.0.2.7", "path=/api/v1/stats", "level=WARN", "agent api client throttled"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "203.0.113.99") {
		t.Error("X-Forwarded-For was used as the client address")
	}
}

// TestAuthGuardTableBounded: a flood of addresses does not grow the table past its bound.
func TestAuthGuardTableBounded(t *testing.T) {
	t.Parallel()
	clk := &clock{t: goldenNow}
	g := newAuthGuard(slog.New(slog.DiscardHandler), "x", clk.Now)
	for i := range authMaxClients + 500 {
		g.fail("10.0." + strings.Repeat("1", i%7) + "." + string(rune('a'+i%26)) + "." + time.Duration(i).String())
	}
	if n := len(g.clients); n > authMaxClients+1 {
		t.Errorf("table holds %d clients, want at most %d", n, authMaxClients+1)
	}
	clk.Advance(authFailWindow)
	g.fail("fresh")
	if g.key("fresh") != "fresh" {
		t.Error("expired entries are not pruned when the table is full")
	}
}
