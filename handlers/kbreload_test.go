package handlers

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/handlers/openapitest"
)

// fakeReloader stands in for cmd's reloader, whose worker only serve runs.
type fakeReloader struct {
	mu   sync.Mutex
	last KBReload
}

func (f *fakeReloader) StartReload() (KBReload, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last.State == ReloadRunning {
		return f.last, false
	}
	f.last = KBReload{ID: f.last.ID + 1, State: ReloadRunning, StartedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	return f.last, true
}

func (f *fakeReloader) ReloadStatus() KBReload {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// noDesk registers the agent API routes; the reload tests never reach its methods.
type noDesk struct{ Desk }

func TestReloadKB(t *testing.T) {
	t.Parallel()
	kr := &fakeReloader{last: KBReload{State: ReloadIdle}}
	doc := openapitest.Load(t)
	h := doc.Handler(t, NewAdmin(slog.New(slog.DiscardHandler), noDesk{}, AdminOptions{AdminToken: testAdminToken, ReloadKB: kr}))
	do := func(method string) (int, string) {
		t.Helper()
		req := httptest.NewRequest(method, "/api/v1/kb/reload", nil)
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Result().Body)
		return rec.Code, string(b)
	}
	steps := []struct {
		method   string
		wantCode int
		wantBody string
	}{
		{"GET", http.StatusOK, `{"id":0,"state":"idle"}`},
		{"POST", http.StatusAccepted, `{"id":1,"state":"running","started_at":"2026-11-25T10:00:00Z"}`},
		{"GET", http.StatusOK, `{"id":1,"state":"running","started_at":"2026-11-25T10:00:00Z"}`},
		{"POST", http.StatusConflict, `{"error":{"code":"reload_running","message":"reload 1 is running; GET /api/v1/kb/reload reports its state"}}`},
	}
	for _, s := range steps {
		code, body := do(s.method)
		if code != s.wantCode || body != s.wantBody+"\n" {
			t.Errorf("%s /api/v1/kb/reload = %d %s, want %d %s", s.method, code, body, s.wantCode, s.wantBody)
		}
	}

	kr.last = KBReload{ID: 1, State: ReloadFailed, Error: "kb: reload refused", Problems: []string{"refund.yaml:3: bad"}}
	code, body := do("GET")
	var got KBReload
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil || got.State != ReloadFailed || len(got.Problems) != 1 {
		t.Errorf("GET after a failed reload = %d %s", code, body)
	}

	unconfigured := doc.Handler(t, NewAdmin(slog.New(slog.DiscardHandler), noDesk{}, AdminOptions{AdminToken: testAdminToken}))
	for _, method := range []string{"GET", "POST"} {
		req := httptest.NewRequest(method, "/api/v1/kb/reload", nil)
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		rec := httptest.NewRecorder()
		unconfigured.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotImplemented {
			t.Errorf("%s without a reloader = %d, want 501", method, rec.Code)
		}
	}
}
