package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers"
)

// scrape fetches base/metrics and parses it with Prometheus' own text parser.
func scrape(t *testing.T, base string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return mfs, string(raw)
}

// TestMetricsBeforeAnyEvent scrapes a server that has answered nothing: every series an alert
// rule or dashboard uses must already exist, at 0 where it counts, so that rates and
// increase() see the first event. The exposition must parse and pass promtool's linter
// (testutil.GatherAndLint runs the same promlint).
func TestMetricsBeforeAnyEvent(t *testing.T) {
	t.Parallel()
	url, prefix := redistest.NewURL(t)
	_, admin, _ := startServe(t, map[string]string{
		"REDIS_URL": url, "REDIS_PREFIX": prefix, "WECHAT_TOKEN": "metricstoken",
		"ADMIN_TOKEN": "metrics-admin-token-0123456789abcdef",
	})
	mfs, raw := scrape(t, admin) // /metrics is on the admin listener

	value := func(m *dto.Metric) float64 {
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		}
		return -1
	}
	find := func(name string, labels map[string]string) (float64, bool) {
		mf := mfs[name]
		if mf == nil {
			return 0, false
		}
	next:
		for _, m := range mf.Metric {
			for _, lp := range m.Label {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue next
				}
			}
			return value(m), true
		}
		return 0, false
	}
	tests := []struct {
		name   string
		labels map[string]string
		want   float64 // -2: any value
	}{
		{"yilianbot_callbacks_total", map[string]string{"type": "text", "outcome": "replied"}, 0},
		{"yilianbot_callbacks_total", map[string]string{"type": "text", "outcome": "timeout"}, 0},
		{"yilianbot_callbacks_rejected_total", map[string]string{"reason": "bad_signature"}, 0},
		{"yilianbot_degraded_replies_total", nil, 0},
		{"yilianbot_dedupe_hits_total", nil, 0},
		{"yilianbot_redis_up", nil, 1},
		{"yilianbot_wechat_api_calls_total", map[string]string{"endpoint": "custom_send", "errcode": "0"}, 0},
		{"yilianbot_wechat_api_calls_total", map[string]string{"endpoint": "stable_token", "errcode": "network"}, 0},
		{"yilianbot_wechat_api_calls_total", map[string]string{"endpoint": "template_send", "errcode": "45015"}, 0},
		{"yilianbot_wechat_api_calls_total", map[string]string{"endpoint": "menu_create", "errcode": "http"}, 0},
		{"yilianbot_wechat_token_refreshes_total", map[string]string{"outcome": "ok"}, 0},
		{"yilianbot_wechat_token_refreshes_total", map[string]string{"outcome": "error"}, 0},
		{"yilianbot_knowledge_reloads_total", map[string]string{"outcome": "succeeded"}, 0},
		{"yilianbot_knowledge_reloads_total", map[string]string{"outcome": "failed"}, 0},
		{"yilianbot_knowledge_last_reload_timestamp_seconds", nil, -2},
		{"yilianbot_build_info", map[string]string{"version": "(devel)"}, 1},
	}
	for _, tt := range tests {
		got, ok := find(tt.name, tt.labels)
		if !ok {
			t.Errorf("no series %s%v before any event", tt.name, tt.labels)
			continue
		}
		if tt.want != -2 && got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	if ts, _ := find("yilianbot_knowledge_last_reload_timestamp_seconds", nil); ts < 1.7e9 {
		t.Errorf("yilianbot_knowledge_last_reload_timestamp_seconds = %v, want the start time", ts)
	}
	bi := mfs["yilianbot_build_info"]
	if bi != nil && len(bi.Metric) == 1 {
		for _, lp := range bi.Metric[0].Label {
			if lp.GetName() == "go_version" && !strings.HasPrefix(lp.GetValue(), "go1.") {
				t.Errorf("build_info go_version = %q", lp.GetValue())
			}
		}
	}

	list := make([]*dto.MetricFamily, 0, len(mfs))
	for _, mf := range mfs {
		list = append(list, mf)
	}
	problems, err := testutil.GatherAndLint(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return list, nil }))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", raw)
	}
}

// TestReloadMetrics: each finished reload is counted by outcome, and only a successful one
// moves the load time.
func TestReloadMetrics(t *testing.T) {
	t.Parallel()
	r := newReloader(nil)
	reg := prometheus.NewRegistry()
	start := time.Unix(1_800_000_000, 0)
	r.register(reg, start)
	r.record(handlers.KBReload{State: handlers.ReloadFailed, FinishedAt: start.Add(time.Minute)})
	r.record(handlers.KBReload{State: handlers.ReloadSucceeded, FinishedAt: start.Add(2 * time.Minute)})
	r.record(handlers.KBReload{State: handlers.ReloadFailed, FinishedAt: start.Add(3 * time.Minute)})
	for _, tt := range []struct {
		c    prometheus.Collector
		want float64
	}{
		{r.reloads.WithLabelValues("failed"), 2},
		{r.reloads.WithLabelValues("succeeded"), 1},
		{r.loadedAt, float64(start.Add(2 * time.Minute).Unix())},
	} {
		if got := testutil.ToFloat64(tt.c); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.c.(prometheus.Metric).Desc(), got, tt.want)
		}
	}
}
