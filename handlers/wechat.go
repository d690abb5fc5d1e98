package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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

// toBot translates WeChat's message into the dialogue's vocabulary.
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
		out.Text = m.Content
	case wechat.MsgTypeVoice:
		out.Text = m.Recognition
	case wechat.MsgTypeEvent:
		out.Event = string(m.Event)
		out.EventKey = m.EventKey
	}
	return out
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
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, wechat.MaxBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				refuse(&wechat.Rejection{Status: http.StatusRequestEntityTooLarge, Reason: "too_large", Err: fmt.Errorf("body over %d bytes", wechat.MaxBody)})
				return
			}
			refuse(&wechat.Rejection{Status: http.StatusBadRequest, Reason: "read_failed", Err: fmt.Errorf("read body: %v", err)})
			return
		}
		mix, encrypted, rj := wc.Decode(q, body)
		if rj != nil {
			refuse(rj)
			return
		}
		msg := toBot(mix)
		log := logger.With("msg_type", string(mix.MsgType), "msg_id", msg.MsgID, "event", msg.Event, "user", wechat.HashOpenID(msg.OpenID))

		ctx, cancel := context.WithTimeout(r.Context(), budget)
		defer cancel()
		reply, outcome := answer(ctx, log, b, msg)
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
		kind := string(mix.MsgType)
		if mix.MsgType == wechat.MsgTypeEvent {
			kind = "event:" + strings.ToLower(string(mix.Event))
		}
		m.callbacks.WithLabelValues(kind, outcome).Inc()
		m.latency.Observe(time.Since(start).Seconds())
		log.InfoContext(ctx, "callback answered", "outcome", outcome, "duration_ms", time.Since(start).Milliseconds())
	})
}

func orNow(t time.Time, now func() time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return t
}

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
