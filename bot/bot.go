package bot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/kb"
)

// knowledge is what the bot needs of the knowledge base. *kb.Index and *kb.Live satisfy it.
type knowledge interface {
	Search(ctx context.Context, q string, n int) (kb.Result, error)
	Content() *kb.Content
}

// MaxReplyBytes is WeChat's limit for a passive text reply.
const MaxReplyBytes = 2048

// Options configure a Bot. Zero values take the documented defaults.
type Options struct {
	Redis         redis.UniversalClient // required
	Prefix        string                // Redis key prefix, default "yl:"
	RedisTimeout  time.Duration         // per Redis call on the hot path, default 500ms
	SessionTTL    time.Duration         // idle time after which a conversation starts fresh, default 30m
	TranscriptTTL time.Duration         // default 7 days
	// TicketRetention is how long a ticket is kept once resolved or closed (it carries the
	// user's words, phone and merchant number); default 365 days. See keys.go.
	TicketRetention time.Duration
	RateLimit       int // messages per openid per minute, default 20
	Hours           Hours
	// UrgentDesk24h says that urgent (fund-safety) tickets are handled around the clock;
	// otherwise only in Hours, and the bot promises the 1-hour red channel only then.
	UrgentDesk24h bool
	Notices       []Notice
	// Contact holds the template variables of the knowledge base (hotline, ...).
	Contact   map[string]string
	KfAccount string
	Now       func() time.Time
	// After is the timer the bot sleeps on while it waits for another request (the user's
	// previous message, or the first delivery of a retried one); default time.After. A test
	// that fakes Now fakes After too, so that waits advance its clock and need no real time.
	After  func(d time.Duration) <-chan time.Time
	Logger *slog.Logger
	// Registerer receives the bot's metrics; nil registers nothing.
	Registerer prometheus.Registerer
	// Messenger delivers agents' replies; nil keeps them pending until the user writes.
	Messenger Messenger
	// TemplateID is the template message that tells a user outside the 48-hour window that
	// a ticket has news; empty sends none.
	TemplateID string
	// DeskIdleTimeout ends a desk session unused this long (DESK_IDLE_TIMEOUT); default 30m.
	DeskIdleTimeout time.Duration
	// CannedReplies are the agents' prepared replies (CONFIG_FILE desk.canned_replies);
	// CheckCannedReplies validates them.
	CannedReplies []CannedReply
}

// Notice is a maintenance or incident notice prepended to replies while active.
type Notice struct {
	Text       string
	Start, End time.Time
}

// Bot answers WeChat users. It is safe for concurrent use.
type Bot struct {
	kb         knowledge
	st         *store
	log        *slog.Logger
	now        func() time.Time
	hours      Hours
	urgent24h  bool
	notices    []Notice
	contactMap map[string]string
	kfAccount  string
	sessionTTL time.Duration
	rateLimit  int
	redisTO    time.Duration

	messenger  Messenger
	templateID string

	idleTimeout time.Duration
	canned      []CannedReply

	// downUntil is when to try Redis again after it failed (unix nanos); 0 when healthy.
	downUntil atomic.Int64
	metrics   metrics
	desk      *deskMetrics
}

type metrics struct {
	degraded   prometheus.Counter
	dedupeHits prometheus.Counter
	decisions  *prometheus.CounterVec
}

// New returns a Bot answering from k. o.Redis is required: New panics without it. (When Redis
// fails at run time the bot answers statelessly until it is back.)
func New(k knowledge, o Options) *Bot {
	if o.Redis == nil {
		panic("bot: New needs Options.Redis")
	}
	if o.Prefix == "" {
		o.Prefix = "yl:"
	}
	if o.RedisTimeout <= 0 {
		o.RedisTimeout = 500 * time.Millisecond
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * time.Minute
	}
	if o.TranscriptTTL <= 0 {
		o.TranscriptTTL = 7 * 24 * time.Hour
	}
	if o.TicketRetention <= 0 {
		o.TicketRetention = 365 * 24 * time.Hour
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.DeskIdleTimeout <= 0 {
		o.DeskIdleTimeout = defaultIdleTimeout
	}
	if o.Hours.Location == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
		o.Hours = Hours{Location: loc, Open: 8 * 60, Close: 22 * 60}
	}
	b := &Bot{
		kb:         k,
		log:        o.Logger,
		now:        o.Now,
		hours:      o.Hours,
		urgent24h:  o.UrgentDesk24h,
		notices:    o.Notices,
		contactMap: o.Contact,
		kfAccount:  o.KfAccount,
		sessionTTL: o.SessionTTL,
		rateLimit:  o.RateLimit,
		redisTO:    o.RedisTimeout,
		messenger:  o.Messenger,
		templateID: o.TemplateID,

		idleTimeout: o.DeskIdleTimeout,
		canned:      o.CannedReplies,
		metrics: metrics{
			degraded: prometheus.NewCounter(prometheus.CounterOpts{
				Name: "yilianbot_degraded_replies_total",
				Help: "Replies made without Redis (no session, no de-duplication) because Redis did not answer.",
			}),
			dedupeHits: prometheus.NewCounter(prometheus.CounterOpts{
				Name: "yilianbot_dedupe_hits_total",
				Help: "Re-delivered WeChat messages answered from the stored reply.",
			}),
			decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
				Name: "yilianbot_faq_decisions_total",
				Help: "FAQ retrieval outcomes by decision.",
			}, []string{"decision"}),
		},
	}
	b.st = newStore(o.Redis, o.Prefix, o.RedisTimeout, o.SessionTTL, o.TranscriptTTL, o.Now, o.After)
	b.st.ticketRetention = o.TicketRetention
	b.st.loc = o.Hours.Location
	b.desk = newDeskMetrics(b.st)
	b.st.observe = b.observe
	if o.Registerer != nil {
		o.Registerer.MustRegister(b.metrics.degraded, b.metrics.dedupeHits, b.metrics.decisions)
		// Every decision exists from the start, so alert rules see a series before the event.
		for _, d := range []kb.Decision{kb.Answer, kb.Suggest, kb.None} {
			b.metrics.decisions.WithLabelValues(string(d))
		}
		b.desk.register(o.Registerer)
	}
	return b
}

func (b *Bot) contact(name string) string { return b.contactMap[name] }

// Reply answers one inbound message. A re-delivery of a message that was answered before gets
// the identical reply. When Redis does not answer, the bot still answers statelessly.
func (b *Bot) Reply(ctx context.Context, m Message) (Reply, error) {
	now := b.now()
	if m.Kind == KindEvent && !actionableEvent(m) {
		return Reply{}, nil // unsubscribe, VIEW, LOCATION, ...: acknowledged with "success"
	}
	if b.redisDown(now) {
		return b.stateless(ctx, m, now)
	}

	// begin bounds each Redis call by the Redis timeout and the wait for the user's lock by
	// lockWait.
	c, err := b.st.begin(ctx, m, now)
	if err == nil && c.busy {
		// The user's previous message is still being answered after lockWait: answer this
		// one anyway rather than not at all.
		return b.stateless(ctx, m, now)
	}
	if err != nil {
		b.markDown(ctx, now, err)
		return b.stateless(ctx, m, now)
	}
	if c.replayed {
		return Reply{}, ErrReplayed
	}
	if c.dup {
		b.metrics.dedupeHits.Inc()
		if c.cached != nil {
			return *c.cached, nil
		}
		r, err := b.st.waitReply(ctx, m)
		if err != nil && b.degrade(ctx, now, err) {
			return b.stateless(ctx, m, now)
		}
		return r, err
	}

	cv := &conv{b: b, m: m, now: now, pending: c.pending, csat: c.csat}
	cv.s = decodeSession(c.session)
	var r Reply
	switch {
	case c.count > int64(b.rateLimit)+1:
		// Silence until the window passes; the notice was given once.
	case c.count == int64(b.rateLimit)+1:
		r = Reply{Text: textRateLimited}
	default:
		if cv.s.stale(now, b.sessionTTL) {
			cv.expired = true
			cv.s = &session{}
		}
		r, err = cv.respond(ctx)
		if err != nil {
			// Let a retry of this delivery try again from scratch (the session is not
			// written: a ticket flow stays where it was).
			if rerr := b.st.release(context.WithoutCancel(ctx), m, c); rerr != nil {
				b.log.WarnContext(ctx, "release claim", "error", rerr)
			}
			if !b.degrade(ctx, now, err) {
				return Reply{}, err
			}
			if cv.flowFailed {
				return Reply{Text: textFlowBusy, Time: now}, nil
			}
			return b.stateless(ctx, m, now)
		}
	}
	r.Time = now
	cv.s.Seen = now
	sess, _ := json.Marshal(cv.s)
	stats := cv.stats
	if cv.userText != "" {
		stats = append(stats, statIncr{field: statMessages})
	}
	w := commit{reply: r, session: sess, stats: stats, unknown: cv.unknowns, day: day(now, b.hours.Location),
		pendingDone: cv.pendingShown, csatDone: cv.csatDone}
	if cv.userText != "" {
		w.turns = append(w.turns, Turn{Time: now, From: "user", Text: cv.userText})
		if r.Text != "" {
			w.turns = append(w.turns, Turn{Time: now, From: "bot", Text: r.Text})
		} else if r.Transfer {
			w.turns = append(w.turns, Turn{Time: now, From: "bot", Text: "[转接人工客服]"})
		}
	}
	// The reply is made: store it even if the request's own deadline has passed, so that
	// WeChat's retry gets it.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.redisTO)
	defer cancel()
	if err := b.st.commit(wctx, m, c, w); err != nil {
		b.markDown(ctx, now, err)
	}
	b.markDelivered(wctx, cv.pending[:cv.pendingShown], now)
	return r, nil
}

// stateless answers without Redis: FAQ and fixed texts only, no menus numbers or flows.
func (b *Bot) stateless(ctx context.Context, m Message, now time.Time) (Reply, error) {
	b.metrics.degraded.Inc()
	cv := &conv{b: b, m: m, now: now, s: &session{}, stateless: true}
	r, err := cv.respond(ctx)
	r.Time = now
	return r, err
}

// degrade reports whether err is Redis failing on the message path (an error, or a call past
// REDIS_TIMEOUT) while the request still has time: then the bot marks Redis down and answers
// without it, rather than failing into the webhook's fallback text.
func (b *Bot) degrade(ctx context.Context, now time.Time, err error) bool {
	var re *redisError
	if !errors.As(err, &re) || ctx.Err() != nil {
		return false
	}
	b.markDown(ctx, now, err)
	return true
}

func (b *Bot) redisDown(now time.Time) bool {
	until := b.downUntil.Load()
	return until != 0 && now.UnixNano() < until
}

// markDown makes the bot skip Redis for a moment, so that every message does not wait for
// a timeout while Redis is away; it retries by itself afterwards.
func (b *Bot) markDown(ctx context.Context, now time.Time, err error) {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return // the caller gave up; Redis is not to blame
	}
	b.downUntil.Store(now.Add(2 * time.Second).UnixNano())
	b.log.WarnContext(ctx, "redis unavailable; answering without session state", "error", err)
}

// Transcript returns the last n turns of a user's masked transcript, oldest first.
func (b *Bot) Transcript(ctx context.Context, openID string, n int) ([]Turn, error) {
	return b.st.transcript(ctx, openID, int64(n))
}

// Healthy pings Redis: nil when the bot can keep sessions, an error while it answers in
// degraded mode.
func (b *Bot) Healthy(ctx context.Context) error { return b.st.ping(ctx) }

func actionableEvent(m Message) bool {
	switch strings.ToLower(m.Event) {
	case "subscribe", "click", "scan":
		return true
	}
	return false
}

func day(t time.Time, loc *time.Location) string { return t.In(loc).Format("20060102") }

// split cuts a reply that is over WeChat's limit at a sentence boundary; the rest is returned
// for "继续".
func split(text string) (head, rest string) {
	if len(text) <= MaxReplyBytes {
		return text, ""
	}
	limit := MaxReplyBytes - len(textMoreSuffix)
	cut := 0
	for i, r := range text {
		if i+utf8.RuneLen(r) > limit {
			break
		}
		if strings.ContainsRune("。！？!?\n；;", r) {
			cut = i + utf8.RuneLen(r)
		}
	}
	if cut == 0 { // no boundary: cut at the last whole rune
		for i, r := range text {
			if i+utf8.RuneLen(r) > limit {
				break
			}
			cut = i + utf8.RuneLen(r)
		}
	}
	return strings.TrimRight(text[:cut], "\n") + textMoreSuffix, strings.TrimLeft(text[cut:], "\n")
}
