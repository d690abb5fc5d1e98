// Command yilianbot is the customer-service chatbot behind 易联支付's WeChat official account.
//
// Usage:
//
//	yilianbot [serve]          run the webhook server and the admin listener (the default)
//	yilianbot chat             try the bot in the terminal, as a WeChat user would
//	yilianbot kb search|check|eval|unknown
//	yilianbot menu show|push
//	yilianbot healthcheck
//	yilianbot agent add|list|disable|passwd   manage the desk's agents
//
// `yilianbot COMMAND --help` describes each command (commands.go holds the table).
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"github.com/sirupsen/logrus"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/handlers"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/kb"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr, hooks{}); err != nil {
		fmt.Fprintln(os.Stderr, "yilianbot:", err)
		os.Exit(1)
	}
}

// hooks let tests observe the program; main passes none.
type hooks struct {
	// listening, when set, is called with each listener's name ("http" for HTTP_ADDR, "admin"
	// for ADMIN_ADDR) and address once both accept connections, so that tests can bind
	// 127.0.0.1:0.
	listening func(name, addr string)
}

// run is the whole program; main only reports its error.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer, h hooks) error {
	// The WeChat SDK logs every decrypted message through the global logrus logger; nothing of
	// it may reach our logs.
	logrus.SetOutput(io.Discard)
	logrus.SetLevel(logrus.PanicLevel)

	return dispatch(ctx, proc{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, hooks: h}, args)
}

// app is everything serve and chat share: Redis, the knowledge base, the bot and the handler.
type app struct {
	cfg     config.Config
	log     *slog.Logger
	rdb     redis.UniversalClient
	live    *kb.Live
	bot     *bot.Bot
	handler http.Handler // public: the webhook and health checks
	admin   http.Handler // the desk, the agent API, metrics
	// reloader runs knowledge-base reloads; serve runs its worker, so chat has none.
	reloader *reloader
	closers  []func() error

	mu      sync.Mutex
	retired []*kb.Index // replaced by reloads, closed with the app

	// stopping is set when serve begins to shut down: /readyz answers 503 from then on.
	stopping atomic.Bool
}

func (a *app) Close() {
	a.mu.Lock()
	for _, ix := range a.retired {
		ix.Close()
	}
	a.retired = nil
	a.mu.Unlock()
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

// newApp builds the application from its configuration.
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, warn io.Writer) (*app, error) {
	a := &app{cfg: cfg, log: log}
	a.reloader = newReloader(a)
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}

	if cfg.DevMode {
		mr := miniredis.NewMiniRedis()
		if err := mr.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("start embedded redis: %w", err)
		}
		a.closers = append(a.closers, func() error { mr.Close(); return nil })
		a.rdb = redis.NewClient(&redis.Options{Addr: mr.Addr(), ContextTimeoutEnabled: true})
		fmt.Fprint(warn, banner(
			"DEVELOPMENT MODE: REDIS_URL is not set, so an embedded in-memory",
			"Redis is used. NOTHING IS KEPT ACROSS RESTARTS: sessions, tickets",
			"and transcripts are lost when the process stops.",
			"For real use set REDIS_URL=redis://HOST:6379/0",
		))
		fmt.Fprint(warn, devCredentials(cfg))
	} else {
		rdb, err := connectRedis(ctx, cfg.RedisURL)
		if err != nil {
			return nil, err
		}
		a.rdb = rdb
	}
	a.closers = append(a.closers, a.rdb.Close)

	start := time.Now()
	ix, err := buildIndex(cfg)
	if err != nil {
		return nil, fmt.Errorf("knowledge base: %w", err)
	}
	a.live = kb.NewLive(ix)
	a.closers = append(a.closers, func() error { return a.live.Current().Close() })
	log.Info("knowledge base loaded", "categories", len(ix.Content().Categories), "duration_ms", time.Since(start).Milliseconds(), "source", kbSource(cfg))

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildInfoGauge())
	a.reloader.register(reg, time.Now())
	var notices []bot.Notice
	for _, n := range cfg.File.Notices {
		notices = append(notices, bot.Notice{Text: n.Text, Start: n.Start, End: n.End})
	}
	var canned []bot.CannedReply
	for _, r := range cfg.File.Desk.CannedReplies {
		canned = append(canned, bot.CannedReply{Title: r.Title, Text: r.Text})
	}
	if err := bot.CheckCannedReplies(canned); err != nil {
		return nil, fmt.Errorf("CONFIG_FILE: %w", err)
	}
	a.bot = bot.New(a.live, bot.Options{
		Redis:           a.rdb,
		Prefix:          cfg.RedisPrefix,
		RedisTimeout:    cfg.RedisTimeout,
		SessionTTL:      cfg.SessionTTL,
		TranscriptTTL:   cfg.TranscriptTTL,
		TicketRetention: cfg.TicketRetention,
		UrgentDesk24h:   cfg.File.ServiceHours.UrgentDesk24h,
		RateLimit:       cfg.RateLimit,
		Hours:           botHours(cfg.File.ServiceHours),
		Notices:         notices,
		Contact:         cfg.File.Variables(),
		KfAccount:       cfg.WeChat.KfAccount,
		Logger:          log,
		Registerer:      reg,
		Messenger:       newMessenger(cfg, a.rdb, log, wechat.NewMetrics(reg)),
		TemplateID:      cfg.File.Tickets.TemplateID,
		DeskIdleTimeout: cfg.DeskIdleTimeout,
		CannedReplies:   canned,
	})
	a.handler = handlers.New(log, a.bot, handlers.Options{
		WeChat: wechat.Settings{
			AppID:          cfg.WeChat.AppID,
			Token:          cfg.WeChat.Token.Reveal(),
			EncodingAESKey: cfg.WeChat.EncodingAESKey.Reveal(),
			AllowPlain:     cfg.WeChat.AllowPlain,
		},
		ReplyBudget: cfg.ReplyBudget,
		Ready: func(context.Context) error {
			if a.stopping.Load() {
				return errors.New("shutting down")
			}
			if a.live.Current() == nil {
				return errors.New("knowledge base not loaded")
			}
			return nil
		},
		State: func(ctx context.Context) error {
			if err := a.bot.Healthy(ctx); err != nil {
				return fmt.Errorf("redis unreachable: %w", err)
			}
			return nil
		},
		Registerer: reg,
	})
	a.admin = handlers.NewAdmin(log, a.bot, handlers.AdminOptions{
		Gatherer:     reg,
		AdminToken:   cfg.AdminToken.Reveal(),
		ReloadKB:     a.reloader,
		CookieSecure: cfg.DeskCookieSecure,
	})
	ok = true
	return a, nil
}

func kbSource(cfg config.Config) string {
	if cfg.KBDir != "" {
		return cfg.KBDir
	}
	return "embedded"
}

// connectRedis connects to REDIS_URL and pings it. A URL with master_name is a Sentinel
// setup, one with several addr parameters a Cluster; both come back as a UniversalClient.
// Context deadlines bound every call (ContextTimeoutEnabled), so REDIS_TIMEOUT holds even
// when Redis hangs rather than refuses, and the bot degrades in time.
func connectRedis(ctx context.Context, raw string) (redis.UniversalClient, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("REDIS_URL: not a URL")
	}
	q := u.Query()
	var rdb redis.UniversalClient
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(raw)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		o.ContextTimeoutEnabled = true
		rdb = redis.NewFailoverClient(o)
	case len(q["addr"]) > 0:
		o, err := redis.ParseClusterURL(raw)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		o.ContextTimeoutEnabled = true
		rdb = redis.NewClusterClient(o)
	default:
		o, err := redis.ParseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		if o.DialTimeout == 0 || o.DialTimeout > 2*time.Second {
			o.DialTimeout = 2 * time.Second
		}
		o.ContextTimeoutEnabled = true
		rdb = redis.NewClient(o)
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		// u.Redacted hides a password in the URL.
		return nil, fmt.Errorf("cannot reach Redis at %s: %w (check REDIS_URL, or leave it empty for the embedded development Redis)", u.Redacted(), err)
	}
	return rdb, nil
}

// botHours copies the service hours, which config has parsed and checked, into bot's types.
func botHours(sh config.ServiceHours) bot.Hours {
	h := bot.Hours{Location: sh.Location, Open: bot.Clock(sh.Open), Close: bot.Clock(sh.Close)}
	for _, p := range sh.Peaks {
		h.Peaks = append(h.Peaks, bot.Peak{Name: p.Name, From: p.From, To: p.To, Close: bot.Clock(p.Close)})
	}
	for _, n := range sh.Holidays {
		h.Notes = append(h.Notes, bot.DatedNote{From: n.From, To: n.To, Text: n.Text})
	}
	return h
}

// serve runs the webhook server until ctx is done or SIGINT/SIGTERM arrives.
func serve(ctx context.Context, getenv func(string) string, stderr io.Writer, h hooks) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	adoptLogger(log)
	a, err := newApp(ctx, cfg, log, stderr)
	if err != nil {
		return err
	}
	defer a.Close()

	// Tickets of the layout before the desk's indexes are indexed before anything is served,
	// so that the first queue read is complete.
	if n, err := a.bot.Migrate(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("tickets indexed for the desk", "tickets", n)
	}

	hup, stopHUP := notifyHUP()
	defer stopHUP()
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	adminLn, err := net.Listen("tcp", cfg.AdminAddr)
	if err != nil {
		ln.Close()
		return fmt.Errorf("ADMIN_ADDR: %w", err)
	}
	newServer := func(h http.Handler) *http.Server {
		return &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      15 * time.Second,
			IdleTimeout:       90 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
	}
	srv, adminSrv := newServer(a.handler), newServer(a.admin)
	serveErr := make(chan error, 2)
	go func() { serveErr <- srv.Serve(ln) }()
	go func() { serveErr <- adminSrv.Serve(adminLn) }()
	mode := "plain"
	switch {
	case cfg.WeChat.EncodingAESKey != "" && cfg.WeChat.AllowPlain:
		mode = "plain+aes"
	case cfg.WeChat.EncodingAESKey != "":
		mode = "aes"
	}
	log.Info("serving", "addr", ln.Addr().String(), "admin_addr", adminLn.Addr().String(), "wechat_modes", mode, "dev_mode", cfg.DevMode)
	if h.listening != nil {
		h.listening("http", ln.Addr().String())
		h.listening("admin", adminLn.Addr().String())
	}

	var workers sync.WaitGroup
	workers.Go(func() { a.reloader.watch(ctx, log, hup) })
	workers.Go(func() { sweep(ctx, log, a.bot) })

	var runErr error
	select {
	case err := <-serveErr:
		runErr = fmt.Errorf("http server: %w", err)
		stop()
	case <-ctx.Done():
	}
	log.Info("shutting down")
	a.stopping.Store(true)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var shut sync.WaitGroup
	var errPublic, errAdmin error
	shut.Go(func() { errPublic = srv.Shutdown(sctx) })
	shut.Go(func() { errAdmin = adminSrv.Shutdown(sctx) })
	shut.Wait()
	workers.Wait()
	if runErr != nil {
		return runErr
	}
	if err := errors.Join(errPublic, errAdmin); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// sweep removes tickets whose retention ended from the desk's indexes every
// bot.SweepInterval, until ctx is done.
func sweep(ctx context.Context, log *slog.Logger, b *bot.Bot) {
	t := time.NewTicker(bot.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := b.Sweep(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("sweep of expired tickets", "error", err)
		case n > 0:
			log.Info("expired tickets removed from the desk's indexes", "tickets", n)
		}
	}
}

// healthcheck asks the server on HTTP_ADDR whether it is ready; container images have no curl.
func healthcheck(ctx context.Context, getenv func(string) string) error {
	addr := getenv("HTTP_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("readyz answered %s", resp.Status)
	}
	return nil
}

// devCredentials says which credentials development mode uses. A value the operator supplied
// is never printed; the random ADMIN_TOKEN is, once, since nobody else knows it.
func devCredentials(cfg config.Config) string {
	filled := func(name string) bool { return slices.Contains(cfg.DevDefaults, name) }
	var b strings.Builder
	if filled("HTTP_ADDR") {
		fmt.Fprintf(&b, "listening on %s only; set HTTP_ADDR to listen elsewhere\n", cfg.HTTPAddr)
	}
	fmt.Fprintf(&b, "the desk, the agent API and metrics are on http://%s (ADMIN_ADDR)\n", cfg.AdminAddr)
	if filled("WECHAT_TOKEN") {
		fmt.Fprintf(&b, "WECHAT_TOKEN=%s is the published development token: anyone can sign callbacks with it\n", config.DevToken)
	} else {
		b.WriteString("WECHAT_TOKEN: the value set in the environment is used (not printed)\n")
	}
	if filled("ADMIN_TOKEN") {
		fmt.Fprintf(&b, "ADMIN_TOKEN=%s is random for this run only; set ADMIN_TOKEN to choose one\n", cfg.AdminToken.Reveal())
	} else {
		b.WriteString("ADMIN_TOKEN: the value set in the environment is used (not printed)\n")
	}
	b.WriteString("\n")
	return b.String()
}

// banner frames lines of ASCII text in asterisks.
func banner(lines ...string) string {
	width := 0
	for _, l := range lines {
		width = max(width, len(l))
	}
	edge := strings.Repeat("*", width+6)
	var b strings.Builder
	b.WriteString("\n" + edge + "\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "*  %-*s  *\n", width, l)
	}
	b.WriteString(edge + "\n")
	return b.String()
}
