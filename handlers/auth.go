package handlers

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yilianpay/yilianbot/bot"
)

// Failed agent-API authentications are throttled per client address: after authFailLimit
// failures within authFailWindow of the first, the address gets 429 until the window ends,
// whatever token it sends (otherwise the one 200 among the 429s would still tell a guesser it
// found the token).
const (
	authFailLimit  = 10
	authFailWindow = time.Minute
	// authMaxClients bounds the table; beyond it, new addresses share one entry.
	authMaxClients = 10_000
)

// authGuard checks the agent API's bearer tokens (ADMIN_TOKEN or an agent's own) and throttles
// addresses that keep failing.
// Its state is per process: with several replicas, a client may fail authFailLimit times on
// each. The address is the connection's remote IP: X-Forwarded-For is not trusted, so behind
// a reverse proxy every client shares the proxy's address (and its throttle).
type authGuard struct {
	token  string
	logger *slog.Logger
	now    func() time.Time

	mu      sync.Mutex
	clients map[string]*authFailures
}

type authFailures struct {
	start time.Time // first failure of the window
	n     int
}

func newAuthGuard(logger *slog.Logger, token string, now func() time.Time) *authGuard {
	return &authGuard{token: token, logger: logger, now: now, clients: make(map[string]*authFailures)}
}

// tokenChecker finds the agent an API token belongs to; *bot.Bot implements it.
type tokenChecker interface {
	AgentByToken(ctx context.Context, token string) (bot.Agent, error)
}

// require returns middleware that lets a request through only with "Authorization: Bearer
// <token>", where the token is ADMIN_TOKEN (the built-in admin bot.TokenAdmin) or an agent's
// API token. The agent is put in the request's context (requestAgent).
func (g *authGuard) require(tc tokenChecker) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			client := clientIP(r)
			if wait := g.throttled(client); wait > 0 {
				secs := int((wait + time.Second - 1) / time.Second)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				writeError(w, http.StatusTooManyRequests, "too_many_requests", "too many failed authentications; retry after "+strconv.Itoa(secs)+" s")
				return
			}
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			var agent bot.Agent
			switch {
			case !ok || got == "":
			case g.token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(g.token)) == 1:
				agent, ok = bot.TokenAdmin, true
			default:
				a, err := tc.AgentByToken(r.Context(), got)
				if err != nil && bot.ErrorCode(err) != bot.CodeNoSession {
					g.logger.ErrorContext(r.Context(), "agent api authentication", "error", err)
					writeError(w, http.StatusServiceUnavailable, "unavailable", "cannot check the token now; retry")
					return
				}
				agent, ok = a, err == nil
			}
			if !ok {
				n := g.fail(client)
				// Never the token: a wrong one is often a real one with a typo.
				g.logger.WarnContext(r.Context(), "agent api authentication failed", "client", client, "method", r.Method, "path", r.URL.Path, "failures", n)
				if n == authFailLimit {
					g.logger.WarnContext(r.Context(), "agent api client throttled", "client", client, "for", authFailWindow)
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="yilianbot"`)
				writeError(w, http.StatusUnauthorized, "unauthorized", "missing or wrong bearer token")
				return
			}
			if info, _ := r.Context().Value(accessKey{}).(*accessInfo); info != nil {
				info.agent = agent.Name
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), agentKey{}, agent)))
		})
	}
}

type agentKey struct{}

// requestAgent is the authenticated agent of r (set by authGuard.require).
func requestAgent(r *http.Request) bot.Agent {
	a, _ := r.Context().Value(agentKey{}).(bot.Agent)
	return a
}

// adminOnly refuses agents without the admin role with 403.
func adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !requestAgent(r).Admin() {
			writeError(w, http.StatusForbidden, "forbidden", "需要管理员权限。")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// accessInfo is what the access log learns from inner handlers: the agent.
type accessInfo struct{ agent string }

type accessKey struct{}

// SetAccessAgent tells the admin listener's access log which agent made r (the desk's session
// middleware calls it; the API's bearer check does so itself).
func SetAccessAgent(r *http.Request, name string) {
	if info, _ := r.Context().Value(accessKey{}).(*accessInfo); info != nil {
		info.agent = name
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog logs every request of the admin listener: method, path (never the query, which
// may hold a phone's last digits), status, duration, client address and agent. Never bodies,
// cookies or tokens.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &accessInfo{}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), accessKey{}, info)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		logger.InfoContext(r.Context(), "admin request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", float64(time.Since(start).Microseconds())/1000, "client", clientIP(r), "agent", info.agent)
	})
}

// throttled returns how long client must still wait, or 0.
func (g *authGuard) throttled(client string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.clients[g.key(client)]
	if f == nil || f.n < authFailLimit {
		return 0
	}
	return max(0, f.start.Add(authFailWindow).Sub(g.now()))
}

// fail counts a failure of client and returns its failures in the current window.
func (g *authGuard) fail(client string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if _, known := g.clients[client]; !known && len(g.clients) >= authMaxClients {
		for c, f := range g.clients {
			if now.Sub(f.start) >= authFailWindow {
				delete(g.clients, c)
			}
		}
	}
	k := g.key(client)
	f := g.clients[k]
	if f == nil || now.Sub(f.start) >= authFailWindow {
		f = &authFailures{start: now}
		g.clients[k] = f
	}
	f.n++
	return f.n
}

// key is client's entry in the table: its own, or the shared one when the table is full.
// The caller holds g.mu.
func (g *authGuard) key(client string) string {
	if _, known := g.clients[client]; known || len(g.clients) < authMaxClients {
		return client
	}
	return "overflow"
}

// clientIP is the remote address of r's connection, without the port.
func clientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
