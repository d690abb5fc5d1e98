package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/yilianpay/yilianbot/bot"
)

// replier is what the webhook needs of the dialogue.
type replier interface {
	Reply(ctx context.Context, m bot.Message) (bot.Reply, error)
}

// WeChat holds the official account's callback settings.
type WeChat struct {
	AppID          string
	Token          string
	EncodingAESKey string // empty: plain mode only
}

// MaxBody is the largest callback body accepted; real ones are a few KiB.
const MaxBody = 1 << 20

// TimestampWindow is how far a callback's timestamp may be from now.
const TimestampWindow = 300 * time.Second

// FallbackText is sent when the dialogue cannot answer within the reply budget or fails, so
// that WeChat never shows "该公众号暂时无法提供服务".
const FallbackText = "抱歉，系统有点忙，请稍后再发一次您的问题。着急的话可以回复“人工”联系人工客服。"

// rejection is a refused callback: the HTTP status and the metric reason.
type rejection struct {
	status int
	reason string
	err    error
}

func (r *rejection) Error() string { return r.reason + ": " + r.err.Error() }

func reject(status int, reason string, format string, args ...any) *rejection {
	return &rejection{status, reason, fmt.Errorf(format, args...)}
}

// signature is WeChat's sha1 over the sorted, concatenated parts.
func signature(parts ...string) string {
	sort.Strings(parts)
	h := sha1.New()
	for _, p := range parts {
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// verify checks the origin signature and the timestamp window of a callback.
func (wc WeChat) verify(q urlValues, now time.Time) *rejection {
	ts, nonce, sig := q.Get("timestamp"), q.Get("nonce"), q.Get("signature")
	// An encrypted callback is authenticated by msg_signature, which also covers the body
	// (checked in decode); WeChat sends signature too, but it adds nothing there.
	bodySigned := q.Get("encrypt_type") == "aes" && q.Get("msg_signature") != ""
	if ts == "" || nonce == "" || (sig == "" && !bodySigned) {
		return reject(http.StatusBadRequest, "missing_params", "timestamp, nonce and signature are required")
	}
	if (sig != "" || !bodySigned) && !equal(signature(wc.Token, ts, nonce), strings.ToLower(sig)) {
		return reject(http.StatusForbidden, "bad_signature", "signature does not match")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return reject(http.StatusBadRequest, "bad_timestamp", "timestamp %q is not a number", ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > TimestampWindow || d < -TimestampWindow {
		return reject(http.StatusForbidden, "stale_timestamp", "timestamp is %s away from now", d.Round(time.Second))
	}
	return nil
}

type urlValues interface{ Get(string) string }

// decode turns a verified callback body into the SDK's message, decrypting it in safe and
// compatible mode.
func (wc WeChat) decode(q urlValues, body []byte) (*message.MixMessage, bool, *rejection) {
	encrypted := q.Get("encrypt_type") == "aes"
	raw := body
	if encrypted {
		if wc.EncodingAESKey == "" {
			return nil, true, reject(http.StatusBadRequest, "aes_not_configured", "encrypted callback but WECHAT_ENCODING_AES_KEY is not set")
		}
		var env message.EncryptedXMLMsg
		if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
			return nil, true, reject(http.StatusBadRequest, "malformed", "encrypted envelope: %v", err)
		}
		if !equal(signature(wc.Token, q.Get("timestamp"), q.Get("nonce"), env.EncryptedMsg), strings.ToLower(q.Get("msg_signature"))) {
			return nil, true, reject(http.StatusForbidden, "bad_msg_signature", "msg_signature does not match")
		}
		_, plain, err := util.DecryptMsg(wc.AppID, env.EncryptedMsg, wc.EncodingAESKey)
		if err != nil {
			return nil, true, reject(http.StatusBadRequest, "decrypt_failed", "decrypt: %v", err)
		}
		raw = plain
	}
	var m message.MixMessage
	if err := xml.Unmarshal(raw, &m); err != nil {
		return nil, encrypted, reject(http.StatusBadRequest, "malformed", "xml: %v", err)
	}
	if m.MsgType == "" || m.FromUserName == "" || m.ToUserName == "" {
		return nil, encrypted, reject(http.StatusBadRequest, "malformed", "MsgType, FromUserName and ToUserName are required")
	}
	return &m, encrypted, nil
}

// toBot translates the SDK's message into the dialogue's vocabulary.
func toBot(m *message.MixMessage) bot.Message {
	out := bot.Message{
		OpenID:     string(m.FromUserName),
		Kind:       bot.Kind(m.MsgType),
		CreateTime: time.Unix(m.CreateTime, 0),
	}
	if m.MsgID != 0 {
		out.MsgID = strconv.FormatInt(m.MsgID, 10)
	}
	switch m.MsgType {
	case message.MsgTypeText:
		out.Text = m.Content
	case message.MsgTypeVoice:
		out.Text = m.Recognition
	case message.MsgTypeEvent:
		out.Event = string(m.Event)
		out.EventKey = m.EventKey
	}
	return out
}

// render writes the passive reply XML (plain) for r, or nil for "no reply".
func render(m *message.MixMessage, r bot.Reply) ([]byte, error) {
	created := r.Time.Unix()
	var v any
	switch {
	case r.Transfer:
		t := message.NewTransferCustomer(r.KfAccount)
		t.SetMsgType(message.MsgTypeTransfer)
		t.SetToUserName(m.FromUserName)
		t.SetFromUserName(m.ToUserName)
		t.SetCreateTime(created)
		v = t
	case r.Text != "":
		t := message.NewText(truncate(r.Text, bot.MaxReplyBytes))
		t.SetMsgType(message.MsgTypeText)
		t.SetToUserName(m.FromUserName)
		t.SetFromUserName(m.ToUserName)
		t.SetCreateTime(created)
		v = t
	default:
		return nil, nil
	}
	return xml.Marshal(v)
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

// seal wraps a plain reply in the safe-mode envelope with a fresh random prefix and nonce.
func (wc WeChat) seal(plain []byte, now time.Time) ([]byte, error) {
	random := []byte(randomString(16))
	enc, err := util.EncryptMsg(random, plain, wc.AppID, wc.EncodingAESKey)
	if err != nil {
		return nil, fmt.Errorf("encrypt reply: %w", err)
	}
	ts := now.Unix()
	nonce := randomDigits(10)
	env := message.ResponseEncryptedXMLMsg{
		EncryptedMsg: string(enc),
		MsgSignature: signature(wc.Token, strconv.FormatInt(ts, 10), nonce, string(enc)),
		Timestamp:    ts,
		Nonce:        nonce,
	}
	return xml.Marshal(env)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		x, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alnum))))
		b[i] = alnum[x.Int64()]
	}
	return string(b)
}

func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		x, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + x.Int64())
	}
	return string(b)
}

// hashID is how an openid appears in logs: a short, stable, irreversible tag.
func hashID(openID string) string {
	h := sha256.Sum256([]byte("yilianbot:" + openID))
	return hex.EncodeToString(h[:6])
}

// handleWeChatVerify handles "GET /wechat": WeChat's URL verification echoes echostr.
func handleWeChatVerify(logger *slog.Logger, wc WeChat, m *webhookMetrics, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if rj := wc.verify(q, now()); rj != nil {
			m.rejected.WithLabelValues(rj.reason).Inc()
			logger.WarnContext(r.Context(), "verification refused", "reason", rj.reason)
			http.Error(w, http.StatusText(rj.status), rj.status)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, q.Get("echostr"))
	})
}

// handleWeChatMessage handles "POST /wechat": a message or event, answered within the reply
// budget with a passive reply, plain or encrypted as it came.
func handleWeChatMessage(logger *slog.Logger, wc WeChat, b replier, budget time.Duration, m *webhookMetrics, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		refuse := func(rj *rejection) {
			m.rejected.WithLabelValues(rj.reason).Inc()
			logger.WarnContext(r.Context(), "callback refused", "reason", rj.reason, "error", rj.err)
			http.Error(w, http.StatusText(rj.status), rj.status)
		}
		if r.ContentLength > MaxBody {
			refuse(reject(http.StatusRequestEntityTooLarge, "too_large", "content length %d", r.ContentLength))
			return
		}
		q := r.URL.Query()
		if rj := wc.verify(q, now()); rj != nil {
			refuse(rj)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				refuse(reject(http.StatusRequestEntityTooLarge, "too_large", "body over %d bytes", MaxBody))
				return
			}
			refuse(reject(http.StatusBadRequest, "read_failed", "read body: %v", err))
			return
		}
		mix, encrypted, rj := wc.decode(q, body)
		if rj != nil {
			refuse(rj)
			return
		}
		msg := toBot(mix)
		log := logger.With("msg_type", string(mix.MsgType), "msg_id", msg.MsgID, "event", msg.Event, "user", hashID(msg.OpenID))

		ctx, cancel := context.WithTimeout(r.Context(), budget)
		defer cancel()
		reply, outcome := answer(ctx, log, b, msg)
		reply.Time = orNow(reply.Time, now)

		plain, err := render(mix, reply)
		if err != nil {
			log.ErrorContext(ctx, "render reply", "error", err)
			plain, _ = render(mix, bot.Reply{Text: FallbackText, Time: now()})
			outcome = "error"
		}
		out := []byte("success")
		if plain != nil && encrypted {
			if out, err = wc.seal(plain, now()); err != nil {
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
		if mix.MsgType == message.MsgTypeEvent {
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
			return bot.Reply{Text: FallbackText}, "error"
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
		return bot.Reply{Text: FallbackText}, "timeout"
	}
}
