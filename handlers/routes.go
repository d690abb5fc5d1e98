package handlers

import (
	"log/slog"
	"net/http"
)

// addRoutes lists every endpoint of the service.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, b replier, opts Options, m *webhookMetrics) {
	mux.Handle("GET /wechat", handleWeChatVerify(logger, opts.WeChat, m, opts.Now))
	mux.Handle("POST /wechat", handleWeChatMessage(logger, opts.WeChat, b, opts.ReplyBudget, m, opts.Now))
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(logger, opts.Ready))
	mux.Handle("GET /metrics", handleMetrics(opts.Gatherer))
}
