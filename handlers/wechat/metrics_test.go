package wechat

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/yilianpay/yilianbot/handlers/wechat/wechatfake"
)

// TestMetrics counts every kind of call outcome: success, a WeChat errcode, a token refused
// and refreshed, an HTTP error and no answer at all.
func TestMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	api := NewClient(ClientOptions{AppID: fake.AppID, AppSecret: fake.AppSecret, BaseURL: fake.URL, Cache: newMemCache(), Metrics: m})
	ctx := t.Context()

	if err := api.SendText(ctx, "oUser", "您好"); err != nil {
		t.Fatal(err)
	}
	fake.FailFor("oUser", 45015)
	api.SendText(ctx, "oUser", "您好")
	fake.FailFor("oUser", 0)
	fake.RevokeTokens()
	if err := api.SendTemplate(ctx, "oUser", "tpl", map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	// An empty menu, which WeChat refuses with 40016: a nil slice is whatever button type
	// CreateMenu takes.
	if err := api.CreateMenu(ctx, nil); err == nil {
		t.Error("CreateMenu(nil) succeeded, want errcode 40016")
	}

	// A server that answers 502, and one that is gone.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "bad gateway")
	}))
	t.Cleanup(bad.Close)
	NewClient(ClientOptions{BaseURL: bad.URL, Cache: newMemCache(), Metrics: m}).SendText(ctx, "oUser", "您好")
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	NewClient(ClientOptions{BaseURL: gone.URL, Cache: newMemCache(), Metrics: m}).SendText(ctx, "oUser", "您好")

	tests := []struct {
		endpoint, errcode string
		want              float64
	}{
		{EndpointStableToken, "0", 2}, // the first token and the one after RevokeTokens
		{EndpointStableToken, ErrcodeHTTP, 1},
		{EndpointStableToken, ErrcodeNetwork, 1},
		{EndpointCustomSend, "0", 1},
		{EndpointCustomSend, "45015", 1},
		{EndpointTemplateSend, "40001", 1}, // the revoked token…
		{EndpointTemplateSend, "0", 1},     // …refreshed and retried
		{EndpointMenuCreate, "40016", 1},
		{EndpointMenuCreate, "0", 0},
	}
	for _, tt := range tests {
		if got := testutil.ToFloat64(m.calls.WithLabelValues(tt.endpoint, tt.errcode)); got != tt.want {
			t.Errorf("calls{endpoint=%s,errcode=%s} = %v, want %v", tt.endpoint, tt.errcode, got, tt.want)
		}
	}
	for outcome, want := range map[string]float64{"ok": 2, "error": 2} {
		if got := testutil.ToFloat64(m.refreshes.WithLabelValues(outcome)); got != want {
			t.Errorf("refreshes{outcome=%s} = %v, want %v", outcome, got, want)
		}
	}
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}

// TestMetricsExistFromTheStart: alert rules on errcodes and refresh errors see series at 0
// before the first call.
func TestMetricsExistFromTheStart(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	NewMetrics(reg)
	want := `
# HELP yilianbot_wechat_token_refreshes_total access_token fetches from WeChat (the cache shared by the replicas was empty or the token refused), by outcome: ok, error.
# TYPE yilianbot_wechat_token_refreshes_total counter
yilianbot_wechat_token_refreshes_total{outcome="error"} 0
yilianbot_wechat_token_refreshes_total{outcome="ok"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "yilianbot_wechat_token_refreshes_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(reg, "yilianbot_wechat_api_calls_total"); n != len(endpoints)*len(knownErrcodes) {
		t.Errorf("%d api call series, want %d", n, len(endpoints)*len(knownErrcodes))
	}
}
