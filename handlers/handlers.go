// Package handlers is yilianbot's HTTP edge, on two listeners: the public one (New) serves the
// WeChat webhook and health endpoints; the admin one (NewAdmin), on the internal network only,
// serves the agents' desk, the agent API and metrics. Handlers translate between HTTP/XML/JSON
// and the bot package and hold no business rules; the WeChat protocol itself (signatures,
// encryption, the API client) is in package wechat.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// Options configure the public HTTP handler.
type Options struct {
	WeChat      wechat.Settings
	ReplyBudget time.Duration // default 4.5s
	// Ready reports whether the process can serve (Redis answers, knowledge loaded).
	Ready func(ctx context.Context) error
	// Registerer receives the webhook's metrics (served by the admin handler's /metrics).
	Registerer prometheus.Registerer
	Now        func() time.Time
}

// New returns the public HTTP handler: the WeChat webhook, /healthz and /readyz.
func New(logger *slog.Logger, b replier, opts Options) http.Handler {
	if opts.ReplyBudget <= 0 {
		opts.ReplyBudget = 4500 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Ready == nil {
		opts.Ready = func(context.Context) error { return nil }
	}
	if opts.Registerer == nil {
		opts.Registerer = prometheus.NewRegistry()
	}
	mux := http.NewServeMux()
	addRoutes(mux, logger, b, opts, newWebhookMetrics(opts.Registerer))
	return recoverPanics(logger, mux)
}

// AdminOptions configure the admin HTTP handler.
type AdminOptions struct {
	// Gatherer serves /metrics.
	Gatherer prometheus.Gatherer
	Now      func() time.Time
	// AdminToken is the bootstrap bearer credential of the agent API: it acts as the
	// built-in admin bot.TokenAdmin. Agents' own tokens are checked by the Desk.
	AdminToken string
	// ReloadKB rebuilds the knowledge base (POST and GET /api/v1/kb/reload); nil answers 501.
	ReloadKB KBReloader
	// CookieSecure marks the desk's session cookie Secure even on plain HTTP (behind a
	// TLS-terminating proxy): DESK_COOKIE_SECURE.
	CookieSecure bool
}

// NewAdmin returns the admin HTTP handler: the desk's pages under /desk/, the agent API under
// /api/v1 and /metrics, with an access log.
func NewAdmin(logger *slog.Logger, desk Desk, opts AdminOptions) http.Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Gatherer == nil {
		opts.Gatherer = prometheus.NewRegistry()
	}
	mux := http.NewServeMux()
	addAdminRoutes(mux, logger, desk, opts)
	return accessLog(logger, recoverPanics(logger, mux))
}

type webhookMetrics struct {
	callbacks *prometheus.CounterVec
	rejected  *prometheus.CounterVec
	latency   prometheus.Histogram
}

func newWebhookMetrics(reg prometheus.Registerer) *webhookMetrics {
	m := &webhookMetrics{
		callbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yilianbot_callbacks_total",
			Help: "WeChat callbacks answered, by message type (other: not a documented type or event) and outcome (replied, no_reply, timeout, error, client_gone).",
		}, []string{"type", "outcome"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yilianbot_callbacks_rejected_total",
			Help: "WeChat callbacks refused, by reason.",
		}, []string{"reason"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "yilianbot_reply_duration_seconds",
			Help:    "Time to answer a WeChat callback.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 4.5},
		}),
	}
	reg.MustRegister(m.callbacks, m.rejected, m.latency)
	// Every series exists from the start, at 0, so that rates and alerts see the first event.
	for _, kind := range metricKinds() {
		for _, outcome := range callbackOutcomes {
			m.callbacks.WithLabelValues(kind, outcome)
		}
	}
	for _, reason := range rejectReasons {
		m.rejected.WithLabelValues(reason)
	}
	return m
}

// callbackOutcomes are the outcome label's values.
var callbackOutcomes = []string{"replied", "no_reply", "timeout", "error", "client_gone"}

// rejectReasons are the reasons callbacks are refused for, by the handler and by package wechat.
var rejectReasons = []string{
	"missing_params", "bad_signature", "bad_timestamp", "stale_timestamp", "too_large", "read_failed",
	"plain_refused", "aes_not_configured", "malformed", "bad_msg_signature", "decrypt_failed", "replayed",
}

// handleHealthz handles "GET /healthz": the process is up and serving.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// handleReadyz handles "GET /readyz": Redis answers and the knowledge base is loaded.
func handleReadyz(logger *slog.Logger, ready func(context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := ready(ctx); err != nil {
			logger.WarnContext(ctx, "not ready", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
}

func handleMetrics(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}

// recoverPanics turns a panic in a handler into a logged 500 instead of a dropped connection.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.ErrorContext(r.Context(), "panic in handler", "path", r.URL.Path, "panic", p)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
