package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestReadyz: a replica whose Redis is down still answers WeChat (degraded), so it is ready;
// only ?state=1 and yilianbot_redis_up say that state is not kept.
func TestReadyz(t *testing.T) {
	t.Parallel()
	redisDown := errors.New("redis unreachable: dial tcp: connection refused")
	tests := []struct {
		name         string
		ready, state error
		query        string
		wantCode     int
		wantBody     string
		wantRedisUp  float64
	}{
		{"healthy", nil, nil, "", 200, "ready\n", 1},
		{"healthy, state asked", nil, nil, "?state=1", 200, "ready\n", 1},
		{"redis down", nil, redisDown, "", 200, "ready (degraded: redis unreachable: dial tcp: connection refused)\n", 0},
		{"redis down, state asked", nil, redisDown, "?state=1", 503, "state not kept: redis unreachable", 0},
		{"no knowledge base", errors.New("knowledge base not loaded"), nil, "", 503, "not ready: knowledge base not loaded\n", 1},
		{"shutting down, redis down", errors.New("shutting down"), redisDown, "", 503, "not ready: shutting down\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := prometheus.NewRegistry()
			h := New(slog.New(slog.DiscardHandler), failingReplier{}, Options{
				Ready:      func(context.Context) error { return tt.ready },
				State:      func(context.Context) error { return tt.state },
				Registerer: reg,
			})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz"+tt.query, nil))
			if rec.Code != tt.wantCode || !strings.HasPrefix(rec.Body.String(), tt.wantBody) {
				t.Errorf("GET /readyz%s = %d %q, want %d %q", tt.query, rec.Code, rec.Body.String(), tt.wantCode, tt.wantBody)
			}
			// /metrics is on the admin listener, which serves what the public handler registered.
			rec = httptest.NewRecorder()
			handleMetrics(reg).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			want := "yilianbot_redis_up " + map[float64]string{0: "0", 1: "1"}[tt.wantRedisUp] + "\n"
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("/metrics lacks %q", want)
			}
		})
	}
}
