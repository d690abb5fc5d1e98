package handlers

import (
	"log/slog"
	"net/http"
)

// addDeskRoutes adds the desk's pages under /desk/. This is a stub for the desk-web branch,
// which replaces it with the pages (login, queue, ticket, dashboard, agents, tokens).
func addDeskRoutes(mux *http.ServeMux, logger *slog.Logger, d Desk, opts AdminOptions) {}
