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
	mux.Handle("GET /readyz", handleReadyz(logger, opts.Ready, opts.State))
	mux.Handle("GET /metrics", handleMetrics(opts.Gatherer))

	if opts.Desk != nil {
		auth := newAuthGuard(logger, opts.AdminToken, opts.Now).require
		mux.Handle("GET /api/v1/tickets", auth(handleListTickets(logger, opts.Desk)))
		mux.Handle("GET /api/v1/tickets/{no}", auth(handleGetTicket(logger, opts.Desk)))
		mux.Handle("POST /api/v1/tickets/{no}/replies", auth(handleReplyTicket(logger, opts.Desk)))
		mux.Handle("PATCH /api/v1/tickets/{no}", auth(handlePatchTicket(logger, opts.Desk)))
		mux.Handle("GET /api/v1/stats", auth(handleStats(logger, opts.Desk)))
		mux.Handle("POST /api/v1/kb/reload", auth(handleReloadKB(opts.ReloadKB)))
		mux.Handle("GET /api/v1/kb/reload", auth(handleReloadKBStatus(opts.ReloadKB)))
	}
}
