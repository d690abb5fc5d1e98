package handlers

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/yilianpay/yilianbot/bot"
)

// The agents' desk: server-rendered pages under /desk/ on the admin listener. The pages parse
// forms, call the desk's use cases in package bot and render templates; the rules (who may see
// what, masking, SLA, delivery) are the bot's.

//go:embed desk/templates/*.html desk/static/*
var deskFS embed.FS

// deskService is what the desk pages need of the ticket domain; *bot.Bot implements it.
type deskService interface {
	Login(ctx context.Context, name, password, clientIP string) (bot.Session, error)
	Session(ctx context.Context, id string) (bot.Session, error)
	Logout(ctx context.Context, id string) error
	LogoutEverywhere(ctx context.Context, name string) error
	ChangePassword(ctx context.Context, a bot.Agent, current, next, clientIP string) error

	AddAgent(ctx context.Context, name string, role bot.Role, password string) (bot.Agent, error)
	Agents(ctx context.Context) ([]bot.Agent, error)
	DisableAgent(ctx context.Context, by bot.Agent, name string) error

	CreateAPIToken(ctx context.Context, a bot.Agent, label string) (string, bot.APIToken, error)
	APITokens(ctx context.Context, a bot.Agent) ([]bot.APIToken, error)
	RevokeAPIToken(ctx context.Context, a bot.Agent, id string) error

	Tickets(ctx context.Context, f bot.TicketFilter) (bot.TicketPage, error)
	Ticket(ctx context.Context, no string) (*bot.Ticket, error)
	Timeline(ctx context.Context, no string) ([]bot.TimelineEvent, error)
	ReplyTicket(ctx context.Context, by bot.Agent, no, text string) (*bot.Ticket, error)
	AddNote(ctx context.Context, by bot.Agent, no, text string) (*bot.Ticket, error)
	UpdateTicket(ctx context.Context, by bot.Agent, no string, u bot.TicketUpdate) (*bot.Ticket, error)
	RevealContact(ctx context.Context, by bot.Agent, no string) (string, error)
	CannedReplies() []bot.CannedReply

	Dashboard(ctx context.Context, now time.Time) (bot.Dashboard, error)
	Audit(ctx context.Context, limit int) ([]bot.AuditEntry, error)
}

// deskOptions configure the desk pages.
type deskOptions struct {
	// CookieSecure marks the session cookie Secure even on plain HTTP (behind a TLS proxy).
	CookieSecure bool
	// Location is the time zone times are shown in; default China Standard Time.
	Location *time.Location
	Now      func() time.Time
}

const (
	deskCookie      = "yl_desk"
	deskLoginCookie = "yl_desk_login" // double-submit CSRF token of the login form
	deskCSRFField   = "csrf"
	deskCSRFHeader  = "X-CSRF-Token"
	deskPerPage     = 20
	// maxDeskForm bounds desk form bodies; a reply is at most 1,500 characters.
	maxDeskForm = 64 << 10
)

// desk holds what every desk handler shares.
type desk struct {
	log   *slog.Logger
	svc   deskService
	opts  deskOptions
	pages map[string]*template.Template
}

// addDeskRoutes adds the desk's pages under /desk/ to the admin listener's mux.
func addDeskRoutes(mux *http.ServeMux, logger *slog.Logger, d Desk, opts AdminOptions) {
	addDeskPages(mux, logger, d, deskOptions{CookieSecure: opts.CookieSecure, Now: opts.Now})
}

// addDeskPages adds the pages, served from svc.
func addDeskPages(mux *http.ServeMux, logger *slog.Logger, svc deskService, opts deskOptions) {
	d := newDesk(logger, svc, opts)
	static, _ := fs.Sub(deskFS, "desk/static")
	files := http.StripPrefix("/desk/static/", http.FileServerFS(static))
	mux.Handle("GET /desk/static/", d.secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})))

	mux.Handle("GET /desk/login", d.secure(d.handleLoginPage()))
	mux.Handle("POST /desk/login", d.secure(d.handleLogin()))
	mux.Handle("POST /desk/logout", d.page(d.handleLogout()))
	mux.Handle("POST /desk/logout-everywhere", d.page(d.handleLogoutEverywhere()))

	mux.Handle("GET /desk/{$}", d.page(d.handleQueue()))
	mux.Handle("GET /desk", http.RedirectHandler("/desk/", http.StatusMovedPermanently))
	mux.Handle("GET /desk/queue.json", d.secure(d.authed(d.handleQueueJSON(), true)))
	mux.Handle("GET /desk/tickets/{no}", d.page(d.handleTicket()))
	mux.Handle("POST /desk/tickets/{no}/reply", d.page(d.handleReply()))
	mux.Handle("POST /desk/tickets/{no}/note", d.page(d.handleNote()))
	mux.Handle("POST /desk/tickets/{no}/update", d.page(d.handleUpdate()))
	mux.Handle("POST /desk/tickets/{no}/contact", d.page(d.handleRevealContact()))
	mux.Handle("GET /desk/dashboard", d.page(d.handleDashboard()))

	mux.Handle("GET /desk/agents", d.page(d.adminOnly(d.handleAgents())))
	mux.Handle("POST /desk/agents", d.page(d.adminOnly(d.handleAddAgent())))
	mux.Handle("POST /desk/agents/{name}/disable", d.page(d.adminOnly(d.handleDisableAgent())))
	mux.Handle("GET /desk/audit", d.page(d.adminOnly(d.handleAudit())))

	mux.Handle("GET /desk/tokens", d.page(d.handleTokens()))
	mux.Handle("POST /desk/tokens", d.page(d.handleCreateToken()))
	mux.Handle("POST /desk/tokens/{id}/revoke", d.page(d.handleRevokeToken()))
	mux.Handle("POST /desk/password", d.page(d.handleChangePassword()))

	// Reserved for live conversations (a later issue).
	mux.Handle("/desk/conversations/", d.page(d.handleConversations()))
	// Anything else under /desk/ is a desk 404 with the desk's headers.
	mux.Handle("/desk/", d.page(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.renderError(w, r, http.StatusNotFound, "页面不存在。")
	})))
}

func newDesk(logger *slog.Logger, svc deskService, opts deskOptions) *desk {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.FixedZone("CST", 8*3600)
	}
	d := &desk{log: logger, svc: svc, opts: opts, pages: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"time":     d.fmtTime,
		"shortDur": shortDuration,
		"pct": func(f float64) string {
			return strings.TrimSuffix(strings.TrimSuffix(fmtFloat(f*100, 1), "0"), ".") + "%"
		},
		"avg":      func(f float64) string { return fmtFloat(f, 2) },
		"status":   func(s bot.Status) string { return statusLabel(s) },
		"priority": func(p bot.Priority) string { return priorityLabel(p) },
		"type":     func(t bot.TicketType) string { return typeLabel(t) },
		"role":     roleLabel,
		"bar":      barWidth,
	}
	for _, name := range []string{"login", "queue", "ticket", "dashboard", "agents", "audit", "tokens", "error"} {
		d.pages[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(deskFS,
			"desk/templates/layout.html", "desk/templates/"+name+".html"))
	}
	return d
}

// securityHeaders are set on every desk response: no inline script, no framing, no referrer
// (ticket numbers are in URLs), nothing cached (pages hold customers' data).
func (d *desk) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// page wraps a handler of a signed-in page: headers, session, CSRF on POST.
func (d *desk) page(next http.Handler) http.Handler {
	return d.secure(d.authed(next, false))
}

type sessionKey struct{}

// sessionFrom returns the signed-in agent's session; authed put it there.
func sessionFrom(ctx context.Context) bot.Session {
	s, _ := ctx.Value(sessionKey{}).(bot.Session)
	return s
}

// authed lets a request through only with a live session, and a POST only with the session's
// CSRF token (form field "csrf" or header X-CSRF-Token). Without a session, pages redirect to
// the login page and JSON answers 401.
func (d *desk) authed(next http.Handler, jsonAPI bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(deskCookie)
		var s bot.Session
		if err == nil && c.Value != "" {
			s, err = d.svc.Session(r.Context(), c.Value)
		} else {
			err = &bot.Error{Code: bot.CodeNoSession, Message: "请先登录。"}
		}
		if err != nil {
			if bot.ErrorCode(err) != bot.CodeNoSession {
				d.log.ErrorContext(r.Context(), "desk session", "error", err)
				d.renderError(w, r, http.StatusInternalServerError, "系统繁忙，请稍后再试。")
				return
			}
			expired := c != nil && c.Value != ""
			if expired {
				d.clearCookie(w, r, deskCookie)
			}
			if jsonAPI {
				writeError(w, http.StatusUnauthorized, "no_session", "登录已过期，请重新登录。")
				return
			}
			q := url.Values{}
			if r.Method == http.MethodGet {
				q.Set("next", r.URL.RequestURI())
			}
			if expired {
				q.Set("expired", "1")
			}
			http.Redirect(w, r, "/desk/login?"+q.Encode(), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxDeskForm)
			got := r.Header.Get(deskCSRFHeader)
			if got == "" {
				got = r.PostFormValue(deskCSRFField)
			}
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) != 1 {
				d.log.WarnContext(r.Context(), "desk csrf token missing or wrong", "agent", s.Agent.Name, "path", r.URL.Path)
				d.renderErrorAs(w, r, s, http.StatusForbidden, "表单已失效，请刷新页面后重试。")
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	})
}

// adminOnly refuses agents who are not admins.
func (d *desk) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sessionFrom(r.Context()).Agent.Role != bot.RoleAdmin {
			d.renderError(w, r, http.StatusForbidden, "仅管理员可以访问此页面。")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (d *desk) setCookie(w http.ResponseWriter, r *http.Request, name, value string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/desk/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || d.opts.CookieSecure,
	})
}

func (d *desk) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/desk/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || d.opts.CookieSecure,
	})
}

// view is what every page template gets.
type view struct {
	Title   string
	Nav     string       // the active navigation item
	Session *bot.Session // nil on the login and error pages of signed-out visitors
	Flash   string
	Error   string
	Data    any
}

// CSRF is the token forms carry.
func (v view) CSRF() string {
	if v.Session == nil {
		return ""
	}
	return v.Session.CSRF
}

// IsAdmin reports whether the signed-in agent is an admin.
func (v view) IsAdmin() bool { return v.Session != nil && v.Session.Agent.Role == bot.RoleAdmin }

// render executes a page into a buffer first, so that a template error becomes a clean 500.
func (d *desk) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	if s, ok := r.Context().Value(sessionKey{}).(bot.Session); ok && v.Session == nil {
		v.Session = &s
	}
	var buf bytes.Buffer
	if err := d.pages[page].Execute(&buf, v); err != nil {
		d.log.ErrorContext(r.Context(), "desk template", "page", page, "error", err)
		http.Error(w, "系统繁忙，请稍后再试。", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (d *desk) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	d.render(w, r, status, "error", view{Title: "出错了", Error: msg})
}

func (d *desk) renderErrorAs(w http.ResponseWriter, r *http.Request, s bot.Session, status int, msg string) {
	d.render(w, r, status, "error", view{Title: "出错了", Error: msg, Session: &s})
}

// failure maps a domain error to a status and the Chinese text shown to the agent; internal
// errors are logged once and shown as a generic message.
func (d *desk) failure(ctx context.Context, err error) (int, string) {
	status := http.StatusInternalServerError
	switch bot.ErrorCode(err) {
	case bot.CodeNotFound:
		status = http.StatusNotFound
	case bot.CodeInvalid:
		status = http.StatusBadRequest
	case bot.CodeBadLogin, bot.CodeNoSession:
		status = http.StatusUnauthorized
	case bot.CodeLocked:
		status = http.StatusTooManyRequests
	case bot.CodeForbidden:
		status = http.StatusForbidden
	case bot.CodeExists:
		status = http.StatusConflict
	default:
		d.log.ErrorContext(ctx, "desk", "error", err)
		return status, "系统繁忙，请稍后再试。"
	}
	return status, bot.ErrorMessage(err)
}

// fail renders the error page for err.
func (d *desk) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := d.failure(r.Context(), err)
	d.renderError(w, r, status, msg)
}

// flashes are the messages shown after a redirect, by code: never user data in the URL.
var flashes = map[string]string{
	"replied":     "回复已提交。",
	"noted":       "内部备注已添加，不会发送给用户。",
	"updated":     "工单已更新。",
	"agent_added": "客服账号已添加。",
	"disabled":    "账号已停用，其登录和令牌均已失效。",
	"revoked":     "令牌已吊销。",
	"everywhere":  "已退出其他所有设备。",
	"password":    "密码已修改，所有设备都已退出，请用新密码登录。",
}

func flashFrom(r *http.Request) string { return flashes[r.URL.Query().Get("done")] }

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// safeNext keeps a post-login redirect on the desk.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/desk/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/desk/"
	}
	return next
}

// handleLoginPage handles "GET /desk/login".
func (d *desk) handleLoginPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg := ""
		if r.URL.Query().Get("expired") == "1" {
			msg = "登录已过期，请重新登录。"
		}
		d.loginForm(w, r, http.StatusOK, "", msg)
	})
}

type loginView struct {
	CSRF, Name, Next, Notice string
}

func (d *desk) loginForm(w http.ResponseWriter, r *http.Request, status int, name, errMsg string) {
	token := randomToken()
	d.setCookie(w, r, deskLoginCookie, token)
	next := r.URL.Query().Get("next")
	if r.Method == http.MethodPost {
		next = r.PostFormValue("next")
	}
	v := view{Title: "登录", Error: errMsg, Flash: flashFrom(r), Data: loginView{CSRF: token, Name: name, Next: safeNext(next)}}
	d.render(w, r, status, "login", v)
}

// handleLogin handles "POST /desk/login".
func (d *desk) handleLogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxDeskForm)
		name := strings.TrimSpace(r.PostFormValue("name"))
		c, err := r.Cookie(deskLoginCookie)
		if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(deskCSRFField))) != 1 {
			d.loginForm(w, r, http.StatusForbidden, name, "表单已失效，请重新登录。")
			return
		}
		s, err := d.svc.Login(r.Context(), name, r.PostFormValue("password"), clientIP(r))
		if err != nil {
			status, msg := d.failure(r.Context(), err)
			d.loginForm(w, r, status, name, msg)
			return
		}
		d.clearCookie(w, r, deskLoginCookie)
		d.setCookie(w, r, deskCookie, s.ID)
		http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	})
}

// handleLogout handles "POST /desk/logout".
func (d *desk) handleLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := d.svc.Logout(r.Context(), sessionFrom(r.Context()).ID); err != nil {
			d.fail(w, r, err)
			return
		}
		d.clearCookie(w, r, deskCookie)
		http.Redirect(w, r, "/desk/login", http.StatusSeeOther)
	})
}

// handleLogoutEverywhere handles "POST /desk/logout-everywhere": every session of the agent
// ends, this one included.
func (d *desk) handleLogoutEverywhere() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := d.svc.LogoutEverywhere(r.Context(), sessionFrom(r.Context()).Agent.Name); err != nil {
			d.fail(w, r, err)
			return
		}
		d.clearCookie(w, r, deskCookie)
		http.Redirect(w, r, "/desk/login", http.StatusSeeOther)
	})
}

// handleConversations handles the reserved prefix "/desk/conversations/".
func (d *desk) handleConversations() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.renderError(w, r, http.StatusNotFound, "实时会话功能即将上线。")
	})
}

var errNoSuchTicket = &bot.Error{Code: bot.CodeNotFound, Message: "工单不存在。"}

// deskTicketNo reads and checks the {no} path value.
func deskTicketNo(r *http.Request) (string, error) {
	no := strings.ToUpper(r.PathValue("no"))
	if len(no) != 14 || !bot.TicketNoRE.MatchString(no) {
		return "", errNoSuchTicket
	}
	return no, nil
}
