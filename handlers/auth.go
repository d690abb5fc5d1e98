package handlers

import (
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
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

// authGuard checks the agent API's bearer token and throttles addresses that keep failing.
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

// require lets a request through only with "Authorization: Bearer <token>".
func (g *authGuard) require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientIP(r)
		if wait := g.throttled(client); wait > 0 {
			secs := int((wait + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeError(w, http.StatusTooManyRequests, "too_many_requests", "too many failed authentications; retry after "+strconv.Itoa(secs)+" s")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || g.token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(g.token)) != 1 {
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
		next.ServeHTTP(w, r)
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
