package handlers

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yilianpay/yilianbot/bot"
)

// Desk is what the admin listener (the agent API and the desk's pages) needs of the bot;
// *bot.Bot implements it. The desk's pages may declare a smaller interface of their own.
type Desk interface {
	Tickets(ctx context.Context, f bot.TicketFilter) (bot.TicketPage, error)
	Ticket(ctx context.Context, no string) (*bot.Ticket, error)
	ReplyTicket(ctx context.Context, by bot.Agent, no, text string) (*bot.Ticket, error)
	AddNote(ctx context.Context, by bot.Agent, no, text string) (*bot.Ticket, error)
	UpdateTicket(ctx context.Context, by bot.Agent, no string, u bot.TicketUpdate) (*bot.Ticket, error)
	RevealContact(ctx context.Context, by bot.Agent, no string) (string, error)
	Timeline(ctx context.Context, no string) ([]bot.TimelineEvent, error)
	Stats(ctx context.Context) (bot.DeskStats, error)
	Dashboard(ctx context.Context, now time.Time) (bot.Dashboard, error)
	CannedReplies() []bot.CannedReply

	AddAgent(ctx context.Context, name string, role bot.Role, password string) (bot.Agent, error)
	Agents(ctx context.Context) ([]bot.Agent, error)
	DisableAgent(ctx context.Context, by bot.Agent, name string) error
	SetPassword(ctx context.Context, name, password string) error
	ChangePassword(ctx context.Context, a bot.Agent, current, next, clientIP string) error
	Audit(ctx context.Context, limit int) ([]bot.AuditEntry, error)

	Login(ctx context.Context, name, password, clientIP string) (bot.Session, error)
	Session(ctx context.Context, id string) (bot.Session, error)
	Logout(ctx context.Context, id string) error
	LogoutEverywhere(ctx context.Context, name string) error

	CreateAPIToken(ctx context.Context, a bot.Agent, label string) (string, bot.APIToken, error)
	APITokens(ctx context.Context, a bot.Agent) ([]bot.APIToken, error)
	RevokeAPIToken(ctx context.Context, a bot.Agent, id string) error
	AgentByToken(ctx context.Context, token string) (bot.Agent, error)
}

var _ Desk = (*bot.Bot)(nil)

// apiError is the JSON error body of the agent API.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, msg
	writeJSON(w, status, e)
}

// deskError maps a domain error to the API's status and code, logging internal ones once.
func deskError(ctx context.Context, logger *slog.Logger, w http.ResponseWriter, err error) {
	switch bot.ErrorCode(err) {
	case bot.CodeNotFound:
		writeError(w, http.StatusNotFound, "not_found", bot.ErrorMessage(err))
	case bot.CodeInvalid:
		writeError(w, http.StatusUnprocessableEntity, "invalid_request", bot.ErrorMessage(err))
	case bot.CodeForbidden:
		writeError(w, http.StatusForbidden, "forbidden", bot.ErrorMessage(err))
	case bot.CodeExists:
		writeError(w, http.StatusConflict, "exists", bot.ErrorMessage(err))
	case bot.CodeNoSession, bot.CodeBadLogin:
		writeError(w, http.StatusUnauthorized, "unauthorized", bot.ErrorMessage(err))
	case bot.CodeLocked:
		writeError(w, http.StatusTooManyRequests, "too_many_requests", bot.ErrorMessage(err))
	default:
		logger.ErrorContext(ctx, "agent api", "error", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

// maxPerPage is the largest page of GET /api/v1/tickets, as openapi.yaml documents it.
const maxPerPage = 100

// handleListTickets handles "GET /api/v1/tickets".
func handleListTickets(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := bot.TicketFilter{
			Status: bot.Status(q.Get("status")), Priority: bot.Priority(q.Get("priority")), Type: bot.TicketType(q.Get("type")),
			AssignedTo: q.Get("assigned_to"), Query: q.Get("q"),
		}
		var err error
		for name, dst := range map[string]*bool{"overdue": &f.Overdue, "unassigned": &f.Unassigned} {
			if v := q.Get(name); v != "" {
				if *dst, err = strconv.ParseBool(v); err != nil {
					writeError(w, http.StatusBadRequest, "invalid_request", name+" must be true or false")
					return
				}
			}
		}
		// Out of range is an error, not a default: a client that asks for 500 per page must not
		// silently get 20 and take that page for the whole list.
		var ok bool
		if f.Page, ok = intParam(q, "page", 1, math.MaxInt); !ok {
			writeError(w, http.StatusBadRequest, "invalid_request", "page must be a positive number")
			return
		}
		if f.PerPage, ok = intParam(q, "per_page", 1, maxPerPage); !ok {
			writeError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("per_page must be a number from 1 to %d", maxPerPage))
			return
		}
		page, err := d.Tickets(r.Context(), f)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusOK, page)
	})
}

// intParam returns the query parameter name as an int within [lo, hi], or 0 when it is absent.
func intParam(q url.Values, name string, lo, hi int) (int, bool) {
	v := q.Get(name)
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && lo <= n && n <= hi
}

// ticketNo is the path's ticket number, or "" (and a 404 written) when it is none.
func ticketNo(w http.ResponseWriter, r *http.Request) string {
	no := strings.ToUpper(r.PathValue("no"))
	if !bot.TicketNoRE.MatchString(no) || len(no) != 14 {
		writeError(w, http.StatusNotFound, "not_found", "no such ticket")
		return ""
	}
	return no
}

// handleGetTicket handles "GET /api/v1/tickets/{no}". The ticket carries the full contact
// phone (as it always did), so a ticket with one is recorded as a view of the contact on its
// timeline and in the audit trail.
func handleGetTicket(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		no := ticketNo(w, r)
		if no == "" {
			return
		}
		t, err := d.Ticket(r.Context(), no)
		if err == nil && t.Contact != "" {
			_, err = d.RevealContact(r.Context(), requestAgent(r), no)
		}
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusOK, t)
	})
}

// maxAPIBody bounds agent API request bodies.
const maxAPIBody = 64 << 10

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAPIBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "body must be a JSON object: "+err.Error())
		return false
	}
	return true
}

// handleReplyTicket handles "POST /api/v1/tickets/{no}/replies". The reply's author is the
// authenticated agent; the old "agent" field is refused unless it names that agent.
func handleReplyTicket(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Agent string `json:"agent"`
			Text  string `json:"text"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		by := requestAgent(r)
		body.Agent, body.Text = strings.TrimSpace(body.Agent), strings.TrimSpace(body.Text)
		if body.Agent != "" && body.Agent != by.Name {
			writeError(w, http.StatusUnprocessableEntity, "invalid_request", "agent is the authenticated agent ("+by.Name+"); leave the field out")
			return
		}
		if body.Text == "" {
			writeError(w, http.StatusUnprocessableEntity, "invalid_request", "text is required")
			return
		}
		if utf8.RuneCountInString(body.Text) > 1500 {
			writeError(w, http.StatusUnprocessableEntity, "invalid_request", "text is longer than 1500 characters")
			return
		}
		no := ticketNo(w, r)
		if no == "" {
			return
		}
		t, err := d.ReplyTicket(r.Context(), by, no, body.Text)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusCreated, t)
	})
}

// handleAddNote handles "POST /api/v1/tickets/{no}/notes": an internal note, never sent.
func handleAddNote(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Text string `json:"text"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		no := ticketNo(w, r)
		if no == "" {
			return
		}
		t, err := d.AddNote(r.Context(), requestAgent(r), no, body.Text)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusCreated, t)
	})
}

// handleTimeline handles "GET /api/v1/tickets/{no}/timeline".
func handleTimeline(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		no := ticketNo(w, r)
		if no == "" {
			return
		}
		events, err := d.Timeline(r.Context(), no)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		if events == nil {
			events = []bot.TimelineEvent{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"events": events})
	})
}

// handleRevealContact handles "POST /api/v1/tickets/{no}/contact": the full phone, audited.
func handleRevealContact(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		no := ticketNo(w, r)
		if no == "" {
			return
		}
		phone, err := d.RevealContact(r.Context(), requestAgent(r), no)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"contact": phone})
	})
}

// handlePatchTicket handles "PATCH /api/v1/tickets/{no}".
func handlePatchTicket(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Status   string  `json:"status"`
			Priority string  `json:"priority"`
			Assignee *string `json:"assignee"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		// An empty status or priority is "not given", as an absent field; an empty assignee
		// unassigns.
		u := bot.TicketUpdate{Assignee: body.Assignee}
		if body.Status != "" {
			s := bot.Status(body.Status)
			u.Status = &s
		}
		if body.Priority != "" {
			p := bot.Priority(body.Priority)
			u.Priority = &p
		}
		no := ticketNo(w, r)
		if no == "" {
			return
		}
		t, err := d.UpdateTicket(r.Context(), requestAgent(r), no, u)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusOK, t)
	})
}

// handleStats handles "GET /api/v1/stats".
func handleStats(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := d.Stats(r.Context())
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusOK, s)
	})
}

// periodJSON is bot.Period as the API shows it: snake_case, durations in seconds.
type periodJSON struct {
	Messages                int     `json:"messages"`
	Answered                int     `json:"answered"`
	Suggested               int     `json:"suggested"`
	NotUnderstood           int     `json:"not_understood"`
	Handoffs                int     `json:"handoffs"`
	TicketsCreated          int     `json:"tickets_created"`
	TicketsResolved         int     `json:"tickets_resolved"`
	MedianFirstResponseSecs float64 `json:"median_first_response_seconds"`
	SLAMet                  float64 `json:"sla_met"`
	CSATAverage             float64 `json:"csat_average"`
	CSATCount               int     `json:"csat_count"`
}

func periodView(p bot.Period) periodJSON {
	return periodJSON{p.Messages, p.Answered, p.Suggested, p.NotUnderstood, p.Handoffs, p.TicketsCreated, p.TicketsResolved,
		p.MedianFirstResponse.Seconds(), p.SLAMet, p.CSATAverage, p.CSATCount}
}

// handleDashboard handles "GET /api/v1/dashboard".
func handleDashboard(logger *slog.Logger, d Desk, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		db, err := d.Dashboard(r.Context(), now())
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		type category struct {
			Slug      string `json:"slug"`
			Name      string `json:"name"`
			Answered  int    `json:"answered"`
			Suggested int    `json:"suggested"`
			Tickets   int    `json:"tickets"`
		}
		type unknown struct {
			Text  string `json:"text"`
			Count int    `json:"count"`
		}
		out := struct {
			Today       periodJSON           `json:"today"`
			Week        periodJSON           `json:"week"`
			PerCategory []category           `json:"per_category"`
			TopUnknown  []unknown            `json:"top_unknown"`
			Open        map[bot.Priority]int `json:"open"`
			Overdue     map[bot.Priority]int `json:"overdue"`
		}{Today: periodView(db.Today), Week: periodView(db.Week), PerCategory: []category{}, TopUnknown: []unknown{}, Open: db.Open, Overdue: db.Overdue}
		for _, c := range db.PerCategory {
			out.PerCategory = append(out.PerCategory, category(c))
		}
		for _, u := range db.TopUnknown {
			out.TopUnknown = append(out.TopUnknown, unknown(u))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// handleCannedReplies handles "GET /api/v1/canned-replies".
func handleCannedReplies(d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs := d.CannedReplies()
		if rs == nil {
			rs = []bot.CannedReply{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"canned_replies": rs})
	})
}

// handleMe handles "GET /api/v1/me": who the token authenticates as.
func handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, requestAgent(r))
	})
}

// handleListTokens handles "GET /api/v1/tokens": the caller's own API tokens.
func handleListTokens(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts, err := d.APITokens(r.Context(), requestAgent(r))
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		if ts == nil {
			ts = []bot.APIToken{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
	})
}

// handleCreateToken handles "POST /api/v1/tokens": a new token for the caller, shown once.
func handleCreateToken(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Label string `json:"label"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		token, t, err := d.CreateAPIToken(r.Context(), requestAgent(r), body.Label)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusCreated, struct {
			bot.APIToken
			Token string `json:"token"`
		}{t, token})
	})
}

// handleRevokeToken handles "DELETE /api/v1/tokens/{id}": one of the caller's own tokens.
func handleRevokeToken(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := d.RevokeAPIToken(r.Context(), requestAgent(r), r.PathValue("id")); err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleListAgents handles "GET /api/v1/agents" (admins).
func handleListAgents(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		as, err := d.Agents(r.Context())
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		if as == nil {
			as = []bot.Agent{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"agents": as})
	})
}

// handleAddAgent handles "POST /api/v1/agents" (admins). Without a password one is generated
// and returned once.
func handleAddAgent(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Name     string `json:"name"`
			Role     string `json:"role"`
			Password string `json:"password"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		generated := ""
		if body.Password == "" {
			generated = rand.Text()
			body.Password = generated
		}
		if body.Role == "" {
			body.Role = string(bot.RoleAgent)
		}
		a, err := d.AddAgent(r.Context(), body.Name, bot.Role(body.Role), body.Password)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusCreated, struct {
			bot.Agent
			Password string `json:"password,omitempty"`
		}{a, generated})
	})
}

// handleDisableAgent handles "POST /api/v1/agents/{name}/disable" (admins).
func handleDisableAgent(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := d.DisableAgent(r.Context(), requestAgent(r), r.PathValue("name")); err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleAudit handles "GET /api/v1/audit?limit=N" (admins): the newest entries first.
func handleAudit(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := 100
		if v := r.URL.Query().Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				writeError(w, http.StatusBadRequest, "invalid_request", "limit must be 1..1000")
				return
			}
			limit = n
		}
		es, err := d.Audit(r.Context(), limit)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		if es == nil {
			es = []bot.AuditEntry{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"entries": es})
	})
}

// KBReload is the state of the latest knowledge-base reload: the body of
// "GET /api/v1/kb/reload" and of an accepted "POST /api/v1/kb/reload".
type KBReload struct {
	// ID numbers reloads from 1; 0 means none has run since the process started.
	ID int64 `json:"id"`
	// State is idle, running, succeeded or failed.
	State      string    `json:"state"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Top1 and PreviousTop1 are top-1 on the evaluation set of the new and the served index,
	// when the reload got as far as measuring them.
	Top1         float64 `json:"top1,omitzero"`
	PreviousTop1 float64 `json:"previous_top1,omitzero"`
	// Error says why a failed reload was refused; Problems lists the content's problems, one
	// "file:line: message" each, when it did not pass `kb check`.
	Error    string   `json:"error,omitempty"`
	Problems []string `json:"problems,omitempty"`
}

// KBReload states.
const (
	ReloadIdle      = "idle"
	ReloadRunning   = "running"
	ReloadSucceeded = "succeeded"
	ReloadFailed    = "failed"
)

// KBReloader rebuilds the knowledge base outside any request: a reload evaluates the whole
// development set and can outlast the server's write timeout.
type KBReloader interface {
	// StartReload queues a reload and returns its state. started is false when a reload is
	// already running; the state returned is then that one's.
	StartReload() (r KBReload, started bool)
	// ReloadStatus returns the state of the latest reload.
	ReloadStatus() KBReload
}

// handleReloadKB handles "POST /api/v1/kb/reload": the same as SIGHUP. It answers 202 once the
// reload is queued, or 409 while another one runs.
func handleReloadKB(kr KBReloader) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if kr == nil {
			writeError(w, http.StatusNotImplemented, "not_configured", "reload is not configured")
			return
		}
		st, started := kr.StartReload()
		if !started {
			writeError(w, http.StatusConflict, "reload_running", fmt.Sprintf("reload %d is running; GET /api/v1/kb/reload reports its state", st.ID))
			return
		}
		w.Header().Set("Location", "/api/v1/kb/reload")
		writeJSON(w, http.StatusAccepted, st)
	})
}

// handleReloadKBStatus handles "GET /api/v1/kb/reload".
func handleReloadKBStatus(kr KBReloader) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if kr == nil {
			writeError(w, http.StatusNotImplemented, "not_configured", "reload is not configured")
			return
		}
		writeJSON(w, http.StatusOK, kr.ReloadStatus())
	})
}
