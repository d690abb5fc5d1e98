package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// replier is what the webhook needs of the dialogue.
type replier interface {
	Reply(ctx context.Context, m bot.Message) (bot.Reply, error)
}

// MaxTextRunes is how much of a user's text the webhook hands to the dialogue. WeChat users
// type a few dozen characters; the cap bounds the cost of a pasted novel (guardrails, retrieval,
// the stored transcript) at the edge, whatever the body limit lets through.
const MaxTextRunes = 2000

// toBot translates WeChat's message into the dialogue's vocabulary. The text is cut to
// MaxTextRunes and copied, so that the message does not keep a huge body alive.
func toBot(m *wechat.MixMessage) bot.Message {
	out := bot.Message{
		OpenID:     string(m.FromUserName),
		Kind:       bot.Kind(m.MsgType),
		CreateTime: time.Unix(m.CreateTime, 0),
	}
	if m.MsgID != 0 {
		out.MsgID = strconv.FormatInt(m.MsgID, 10)
	}
	switch m.MsgType {
	case wechat.MsgTypeText:
		out.Text, out.Truncated = firstRunes(m.Content, MaxTextRunes)
	case wechat.MsgTypeVoice:
		out.Text, out.Truncated = firstRunes(m.Recognition, MaxTextRunes)
	case wechat.MsgTypeEvent:
		out.Event = string(m.Event)
		out.EventKey = m.EventKey
	}
	return out
}

// firstRunes returns a copy of the first n runes of s, and whether that cut anything.
func firstRunes(s string, n int) (string, bool) {
	if len(s) <= n { // n runes take at least n bytes
		return s, false
	}
	i := 0
	for range n {
		if i >= len(s) {
			return s, false
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if i >= len(s) {
		return s, false
	}
	return strings.Clone(s[:i]), true
}

// render writes the passive reply XML (plain) for r, or nil for "no reply".
func render(m *wechat.MixMessage, r bot.Reply) ([]byte, error) {
	switch {
	case r.Transfer:
		return wechat.RenderTransfer(m, r.KfAccount, r.Time)
	case r.Text != "":
		return wechat.RenderText(m, truncate(r.Text, bot.MaxReplyBytes), r.Time)
	}
	return nil, nil
}

// truncate keeps s within n bytes without splitting a character. The dialogue already splits
// long replies; this is the last guard of WeChat's limit.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// handleWeChatVerify handles "GET /wechat": WeChat's URL verification echoes echostr.
func handleWeChatVerify(logger *slog.Logger, wc wechat.Settings, m *webhookMetrics, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if rj := wc.Verify(q, now()); rj != nil {
			m.rejected.WithLabelValues(rj.Reason).Inc()
			logger.WarnContext(r.Context(), "verification refused", "reason", rj.Reason)
			http.Error(w, http.StatusText(rj.Status), rj.Status)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, q.Get("echostr"))
	})
}

// handleWeChatMessage handles "POST /wechat": a message or event, answered within the reply
// budget with a passive reply, plain or encrypted as it came.
func handleWeChatMessage(logger *slog.Logger, wc wechat.Settings, b replier, budget time.Duration, m *webhookMetrics, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		refuse := func(rj *wechat.Rejection) {
			m.rejected.WithLabelValues(rj.Reason).Inc()
			logger.WarnContext(r.Context(), "callback refused", "reason", rj.Reason, "error", rj.Err)
			http.Error(w, http.StatusText(rj.Status), rj.Status)
		}
		if r.ContentLength > wechat.MaxBody {
			refuse(&wechat.Rejection{Status: http.StatusRequestEntityTooLarge, Reason: "too_large", Err: fmt.Errorf("content length %d", r.ContentLength)})
			return
		}
		q := r.URL.Query()
		if rj := wc.Verify(q, now()); rj != nil {
			refuse(rj)
			return
		}
		body, rj := readBody(w, r)
		if rj != nil {
			refuse(rj)
			return
		}
		mix, encrypted, rj := wc.Decode(q, body)
		if rj != nil {
			refuse(rj)
			return
		}
		msg := toBot(mix)
		msg.CallbackID, msg.BodyHash = wechat.CallbackID(q), wechat.BodyHash(body)
		// Only the addressing of mix is needed from here on (render); drop the text and the
		// body so that a long message is garbage while the dialogue runs.
		mix.Content, mix.Recognition, body = "", "", nil
		kind := metricKind(mix)
		log := logger.With("msg_type", string(mix.MsgType), "msg_id", msg.MsgID, "event", msg.Event, "user", wechat.HashOpenID(msg.OpenID))
		if msg.Truncated {
			log = log.With("truncated", true)
		}

		ctx, cancel := context.WithTimeout(r.Context(), budget)
		defer cancel()
		log.DebugContext(ctx, "callback received", "encrypted", encrypted, "text_runes", utf8.RuneCountInString(msg.Text))
		reply, outcome := answer(ctx, log, b, msg)
		if outcome == outcomeReplayed {
			refuse(&wechat.Rejection{Status: http.StatusForbidden, Reason: "replayed", Err: bot.ErrReplayed})
			return
		}
		reply.Time = orNow(reply.Time, now)

		plain, err := render(mix, reply)
		if err != nil {
			log.ErrorContext(ctx, "render reply", "error", err)
			plain, _ = render(mix, bot.Reply{Text: wechat.FallbackText, Time: now()})
			outcome = "error"
		}
		out := []byte("success")
		if plain != nil && encrypted {
			if out, err = wc.Seal(plain, now()); err != nil {
				log.ErrorContext(ctx, "seal reply", "error", err)
				out, outcome = []byte("success"), "error"
			}
		} else if plain != nil {
			out = plain
		}
		if plain != nil {
			w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		w.Write(out)
		m.callbacks.WithLabelValues(kind, outcome).Inc()
		m.latency.Observe(time.Since(start).Seconds())
		log.InfoContext(ctx, "callback answered", "outcome", outcome, "duration_ms", time.Since(start).Milliseconds())
	})
}

// readBody reads the whole body once, refusing one over MaxBody. With a Content-Length (the
// usual case) it allocates exactly once; io.ReadAll would double its buffer up to twice the
// body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *wechat.Rejection) {
	rd := http.MaxBytesReader(w, r.Body, wechat.MaxBody)
	var (
		body []byte
		err  error
	)
	if n := r.ContentLength; n >= 0 {
		body = make([]byte, n)
		if _, err = io.ReadFull(rd, body); err == nil {
			// A body longer than its Content-Length is cut by net/http; nothing is left to read.
			var one [1]byte
			if k, _ := rd.Read(one[:]); k > 0 {
				err = errors.New("body longer than its Content-Length")
			}
		}
	} else {
		body, err = io.ReadAll(rd)
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &wechat.Rejection{Status: http.StatusRequestEntityTooLarge, Reason: "too_large", Err: fmt.Errorf("body over %d bytes", wechat.MaxBody)}
		}
		return nil, &wechat.Rejection{Status: http.StatusBadRequest, Reason: "read_failed", Err: fmt.Errorf("read body: %w", err)}
	}
	return body, nil
}

func orNow(t time.Time, now func() time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return t
}

// outcomeReplayed is answer's outcome for a callback the dialogue refused as replayed; the
// handler refuses it instead of answering.
const outcomeReplayed = "replayed"

// answer asks the dialogue for a reply within ctx's deadline. When the deadline passes first,
// the user gets the fallback text; the dialogue, which got the same ctx, stops soon after and
// stores what it made so that WeChat's retry gets a real answer.
func answer(ctx context.Context, log *slog.Logger, b replier, msg bot.Message) (bot.Reply, string) {
	type result struct {
		r   bot.Reply
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		r, err := b.Reply(ctx, msg)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		if errors.Is(res.err, bot.ErrReplayed) {
			return bot.Reply{}, outcomeReplayed
		}
		if res.err != nil {
			log.ErrorContext(ctx, "dialogue failed", "error", res.err)
			return bot.Reply{Text: wechat.FallbackText}, "error"
		}
		if res.r.Empty() {
			return res.r, "no_reply"
		}
		return res.r, "replied"
	case <-ctx.Done():
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return bot.Reply{}, "client_gone" // WeChat hung up; nobody reads this reply
		}
		log.WarnContext(ctx, "reply budget exceeded; sent the fallback text")
		return bot.Reply{Text: wechat.FallbackText}, "timeout"
	}
}

// Known message types and events, as WeChat documents them; metricKind counts anything else as
// "other", so that a signed callback cannot create metric series at will.
var (
	knownTypes = []wechat.MsgType{
		wechat.MsgTypeText, wechat.MsgTypeImage, wechat.MsgTypeVoice, wechat.MsgTypeVideo,
		wechat.MsgTypeShortVideo, wechat.MsgTypeLocation, wechat.MsgTypeLink, "file",
	}
	knownEvents = []string{
		"subscribe", "unsubscribe", "scan", "location", "click", "view",
		"scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin",
		"location_select", "view_miniprogram", "templatesendjobfinish", "masssendjobfinish",
		"subscribe_msg_popup_event", "subscribe_msg_change_event", "subscribe_msg_sent_event",
		"kf_create_session", "kf_close_session", "kf_switch_session", "publishjobfinish",
	}
)

// metricKind is the type label of m: its MsgType, "event:" and its lower-cased Event, or
// "other" and "event:other" for what WeChat does not send.
func metricKind(m *wechat.MixMessage) string {
	if m.MsgType == wechat.MsgTypeEvent {
		ev := strings.ToLower(string(m.Event))
		if slices.Contains(knownEvents, ev) {
			return "event:" + ev
		}
		return "event:other"
	}
	if slices.Contains(knownTypes, m.MsgType) {
		return string(m.MsgType)
	}
	return "other"
}

// metricKinds lists every value of the type label.
func metricKinds() []string {
	kinds := make([]string, 0, len(knownTypes)+len(knownEvents)+2)
	for _, t := range knownTypes {
		kinds = append(kinds, string(t))
	}
	for _, e := range knownEvents {
		kinds = append(kinds, "event:"+e)
	}
	return append(kinds, "other", "event:other")
}
