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
	// Ready reports whether this replica can answer WeChat: an error while the knowledge base
	// is not loaded or the process shuts down. A replica whose Redis is down still answers
	// (degraded), so it is ready.
	Ready func(ctx context.Context) error
	// State reports whether state is kept (sessions, tickets, de-duplication): an error while
	// Redis does not answer. It is /readyz's degraded reason, /readyz?state=1's verdict and the
	// yilianbot_redis_up gauge. nil means state is always kept.
	State func(ctx context.Context) error
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
	if opts.State == nil {
		opts.State = func(context.Context) error { return nil }
	}
	if opts.Registerer == nil {
		opts.Registerer = prometheus.NewRegistry()
	}
	opts.Registerer.MustRegister(stateGauge(opts.State))
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

// handleReadyz handles "GET /readyz": 200 when this replica can answer WeChat, with the
// reason in the body when it answers without state ("ready (degraded: …)"), 503 when it
// cannot. An orchestrator must not take the replica out while Redis is down: it still answers
// FAQ questions, and every replica shares that Redis. With ?state=1 the answer is whether
// state is kept: 503 while Redis does not answer.
func handleReadyz(logger *slog.Logger, ready, state func(context.Context) error) http.Handler {
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
		if err := state(ctx); err != nil {
			if r.URL.Query().Has("state") {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte("state not kept: " + err.Error() + "\n"))
				return
			}
			w.Write([]byte("ready (degraded: " + err.Error() + ")\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
}

// stateGauge is yilianbot_redis_up, asked at each scrape.
func stateGauge(state func(context.Context) error) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "yilianbot_redis_up",
		Help: "1 when Redis answers, so sessions, tickets and de-duplication are kept; 0 while replies are degraded (no state). Checked at each scrape.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if state(ctx) != nil {
			return 0
		}
		return 1
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
