package handlers

import (
	"context"
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

// Desk is what the agent API needs of the ticket domain; *bot.Bot implements it.
type Desk interface {
	Tickets(ctx context.Context, f bot.TicketFilter) (bot.TicketPage, error)
	Ticket(ctx context.Context, no string) (*bot.Ticket, error)
	ReplyTicket(ctx context.Context, no, agent, text string) (*bot.Ticket, error)
	UpdateTicket(ctx context.Context, no string, u bot.TicketUpdate) (*bot.Ticket, error)
	Stats(ctx context.Context) (bot.DeskStats, error)
}

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
		f := bot.TicketFilter{Status: bot.Status(q.Get("status")), Priority: bot.Priority(q.Get("priority"))}
		var err error
		if v := q.Get("overdue"); v != "" {
			if f.Overdue, err = strconv.ParseBool(v); err != nil {
				writeError(w, http.StatusBadRequest, "invalid_request", "overdue must be true or false")
				return
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

// handleGetTicket handles "GET /api/v1/tickets/{no}".
func handleGetTicket(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		no := strings.ToUpper(r.PathValue("no"))
		if !bot.TicketNoRE.MatchString(no) || len(no) != 14 {
			writeError(w, http.StatusNotFound, "not_found", "no such ticket")
			return
		}
		t, err := d.Ticket(r.Context(), no)
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

// handleReplyTicket handles "POST /api/v1/tickets/{no}/replies".
func handleReplyTicket(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Agent string `json:"agent"`
			Text  string `json:"text"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		body.Agent, body.Text = strings.TrimSpace(body.Agent), strings.TrimSpace(body.Text)
		if body.Agent == "" || body.Text == "" {
			writeError(w, http.StatusUnprocessableEntity, "invalid_request", "agent and text are required")
			return
		}
		if utf8.RuneCountInString(body.Text) > 1500 {
			writeError(w, http.StatusUnprocessableEntity, "invalid_request", "text is longer than 1500 characters")
			return
		}
		t, err := d.ReplyTicket(r.Context(), strings.ToUpper(r.PathValue("no")), body.Agent, body.Text)
		if err != nil {
			deskError(r.Context(), logger, w, err)
			return
		}
		writeJSON(w, http.StatusCreated, t)
	})
}

// handlePatchTicket handles "PATCH /api/v1/tickets/{no}".
func handlePatchTicket(logger *slog.Logger, d Desk) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Status   string `json:"status"`
			Priority string `json:"priority"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		// An empty string is "not given", as an absent field.
		var u bot.TicketUpdate
		if body.Status != "" {
			s := bot.Status(body.Status)
			u.Status = &s
		}
		if body.Priority != "" {
			p := bot.Priority(body.Priority)
			u.Priority = &p
		}
		t, err := d.UpdateTicket(r.Context(), strings.ToUpper(r.PathValue("no")), u)
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
