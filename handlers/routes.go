package handlers

import (
	"log/slog"
	"net/http"
)

// addRoutes lists every endpoint of the public listener (HTTP_ADDR): nothing but the webhook
// and health checks is reachable from the internet.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, b replier, opts Options, m *webhookMetrics) {
	mux.Handle("GET /wechat", handleWeChatVerify(logger, opts.WeChat, m, opts.Now))
	mux.Handle("POST /wechat", handleWeChatMessage(logger, opts.WeChat, b, opts.ReplyBudget, m, opts.Now))
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(logger, opts.Ready, opts.State))
}

// addAdminRoutes lists every endpoint of the admin listener (ADMIN_ADDR): the desk, the agent
// API and metrics. Every /api/v1 route needs a bearer token (an agent's or ADMIN_TOKEN);
// admin routes also need the admin role.
func addAdminRoutes(mux *http.ServeMux, logger *slog.Logger, d Desk, opts AdminOptions) {
	mux.Handle("GET /metrics", handleMetrics(opts.Gatherer))
	addDeskRoutes(mux, logger, d, opts)

	auth := newAuthGuard(logger, opts.AdminToken, opts.Now)
	agent := auth.require(d)
	admin := func(h http.Handler) http.Handler { return agent(adminOnly(h)) }
	mux.Handle("GET /api/v1/tickets", agent(handleListTickets(logger, d)))
	mux.Handle("GET /api/v1/tickets/{no}", agent(handleGetTicket(logger, d)))
	mux.Handle("PATCH /api/v1/tickets/{no}", agent(handlePatchTicket(logger, d)))
	mux.Handle("POST /api/v1/tickets/{no}/replies", agent(handleReplyTicket(logger, d)))
	mux.Handle("POST /api/v1/tickets/{no}/notes", agent(handleAddNote(logger, d)))
	mux.Handle("GET /api/v1/tickets/{no}/timeline", agent(handleTimeline(logger, d)))
	mux.Handle("POST /api/v1/tickets/{no}/contact", agent(handleRevealContact(logger, d)))
	mux.Handle("GET /api/v1/stats", agent(handleStats(logger, d)))
	mux.Handle("GET /api/v1/dashboard", agent(handleDashboard(logger, d, opts.Now)))
	mux.Handle("GET /api/v1/canned-replies", agent(handleCannedReplies(d)))
	mux.Handle("GET /api/v1/me", agent(handleMe()))
	mux.Handle("GET /api/v1/tokens", agent(handleListTokens(logger, d)))
	mux.Handle("POST /api/v1/tokens", agent(handleCreateToken(logger, d)))
	mux.Handle("DELETE /api/v1/tokens/{id}", agent(handleRevokeToken(logger, d)))

	mux.Handle("GET /api/v1/agents", admin(handleListAgents(logger, d)))
	mux.Handle("POST /api/v1/agents", admin(handleAddAgent(logger, d)))
	mux.Handle("POST /api/v1/agents/{name}/disable", admin(handleDisableAgent(logger, d)))
	mux.Handle("GET /api/v1/audit", admin(handleAudit(logger, d)))
	mux.Handle("POST /api/v1/kb/reload", admin(handleReloadKB(opts.ReloadKB)))
	mux.Handle("GET /api/v1/kb/reload", admin(handleReloadKBStatus(opts.ReloadKB)))
}
