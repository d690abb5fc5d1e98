package handlers

import (
	"bytes"
	"context"
	"github.com/prometheus/client_golang/prometheus"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// claimingReplier plays the bot's side of replay protection: the first body of a CallbackID
// wins, and another body under it is ErrReplayed. It records what it was asked.
type claimingReplier struct {
	mu     sync.Mutex
	bodies map[string]string // CallbackID -> BodyHash
	got    []bot.Message
}

func (c *claimingReplier) Reply(_ context.Context, m bot.Message) (bot.Reply, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, m)
	if c.bodies == nil {
		c.bodies = map[string]string{}
	}
	if h, ok := c.bodies[m.CallbackID]; ok && h != m.BodyHash {
		return bot.Reply{}, bot.ErrReplayed
	}
	c.bodies[m.CallbackID] = m.BodyHash
	return bot.Reply{Text: "收到", Time: goldenNow}, nil
}

func (c *claimingReplier) calls() []bot.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bot.Message(nil), c.got...)
}

// repost sends body to the URL (and so the query) of a request the simulator signed.
func repost(h http.Handler, signed *http.Request, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", signed.URL.String(), bytes.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// metricsText is what /metrics shows of the registry the public handler registered in.
func metricsText(tb testing.TB, g prometheus.Gatherer) string {
	tb.Helper()
	rec := httptest.NewRecorder()
	handleMetrics(g).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// TestReplayedCallbackRefused: a captured callback URL posted with another body is refused;
// WeChat's exact re-delivery still gets the identical reply.
func TestReplayedCallbackRefused(t *testing.T) {
	t.Parallel()
	for _, wc := range []wechat.Settings{plainWC, aesWC} {
		name := "plain"
		if wc.EncodingAESKey != "" {
			name = "aes"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := &claimingReplier{}
			reg := prometheus.NewRegistry()
			h := New(slog.New(slog.DiscardHandler), r, Options{Registerer: reg, WeChat: wc, Now: func() time.Time { return goldenNow }})
			sim := wechat.NewSimulator(wc)
			signed, err := sim.Request("http://bot/wechat", sim.TextXML("o_owner", "你好", 1, goldenNow), goldenNow)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(signed.Body)

			first := repost(h, signed, body)
			again := repost(h, signed, body)
			if first.Code != 200 || again.Code != 200 {
				t.Fatalf("delivery and re-delivery = %d, %d, want 200, 200", first.Code, again.Code)
			}
			if wc.EncodingAESKey == "" && again.Body.String() != first.Body.String() {
				t.Errorf("re-delivery reply = %s, want the first reply %s", again.Body, first.Body)
			}

			// The same signed URL with another body: in plain mode a body of the attacker's
			// choosing, in AES mode another user's encrypted body (msg_signature then fails
			// first, which is also a refusal).
			other, _ := sim.Request("http://bot/wechat", sim.TextXML("o_victim", "我的工单", 2, goldenNow), goldenNow)
			otherBody, _ := io.ReadAll(other.Body)
			if wc.EncodingAESKey == "" {
				otherBody = sim.TextXML("o_victim", "我的工单", 2, goldenNow)
			}
			forged := repost(h, signed, otherBody)
			if forged.Code != http.StatusForbidden {
				t.Errorf("same callback URL, another body = %d %s, want 403", forged.Code, forged.Body)
			}

			calls := r.calls()
			if len(calls) < 2 {
				t.Fatalf("replier saw %d messages, want at least the delivery and the re-delivery", len(calls))
			}
			if want := wechat.CallbackID(signed.URL.Query()); calls[0].CallbackID != want || calls[1].CallbackID != want {
				t.Errorf("CallbackID = %q, %q, want %q for both deliveries", calls[0].CallbackID, calls[1].CallbackID, want)
			}
			if want := wechat.BodyHash(body); calls[0].BodyHash != want {
				t.Errorf("BodyHash = %q, want %q", calls[0].BodyHash, want)
			}
			if wc.EncodingAESKey == "" && !strings.Contains(metricsText(t, reg), `yilianbot_callbacks_rejected_total{reason="replayed"} 1`) {
				t.Errorf("metrics do not count one replayed callback:\n%s", metricsText(t, reg))
			}
		})
	}
}

// TestCapturedAESURLDowngrade: with an AES key, a captured callback URL with encrypt_type and
// msg_signature dropped, posting a plain body as another user, never reaches the dialogue.
func TestCapturedAESURLDowngrade(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		allow    bool
		wantCode int
	}{
		{"plain refused", false, http.StatusForbidden},
		{"plain allowed for a migration", true, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wc := aesWC
			wc.AllowPlain = tt.allow
			r := &claimingReplier{}
			reg := prometheus.NewRegistry()
			h := New(slog.New(slog.DiscardHandler), r, Options{Registerer: reg, WeChat: wc, Now: func() time.Time { return goldenNow }})
			sim := wechat.NewSimulator(wc)
			captured, _ := sim.Request("http://bot/wechat", sim.TextXML("o_owner", "你好", 1, goldenNow), goldenNow)
			q := captured.URL.Query()
			q.Del("encrypt_type")
			q.Del("msg_signature")
			captured.URL.RawQuery = q.Encode()
			rec := repost(h, captured, sim.TextXML("o_victim", "我的工单", 2, goldenNow))
			if rec.Code != tt.wantCode {
				t.Errorf("downgraded callback = %d %s, want %d", rec.Code, rec.Body, tt.wantCode)
			}
			if n := len(r.calls()); (n > 0) != tt.allow {
				t.Errorf("dialogue saw %d messages, want them only when plain is allowed", n)
			}
			if !tt.allow && !strings.Contains(metricsText(t, reg), `yilianbot_callbacks_rejected_total{reason="plain_refused"} 1`) {
				t.Error(`metrics do not count the refusal under reason="plain_refused"`)
			}
		})
	}
}

// TestHugeTextAnswered posts a 300,000-character text through the real handler, bot, Redis and
// index: it is answered, not refused, and the dialogue sees only its first MaxTextRunes runes.
func TestHugeTextAnswered(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("钱怎么还没到账？", 300_000/8)
	if n := utf8.RuneCountInString(huge); n != 300_000 {
		t.Fatalf("test text has %d runes", n)
	}
	for _, wc := range []wechat.Settings{plainWC, aesWC} {
		name := "plain"
		if wc.EncodingAESKey != "" {
			name = "aes"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A generous reply budget: this test is about answering, not about speed, which
			// -race on two shared cores does not show (BenchmarkWebhookHugeText measures it).
			rdb, prefix := redistest.New(t)
			now := func() time.Time { return goldenNow }
			b := bot.New(mustIndex(t), bot.Options{Redis: rdb, Prefix: prefix, Now: now, Contact: testContact})
			ts := testServer{h: New(slog.New(slog.DiscardHandler), b, Options{WeChat: wc, Now: now, ReplyBudget: time.Minute}), sim: wechat.NewSimulator(wc), bot: b}
			rec := ts.post(t, ts.sim.TextXML("o_huge_"+name, huge, 31337, goldenNow), goldenNow)
			if rec.Code != 200 {
				t.Fatalf("HTTP %d %s", rec.Code, rec.Body)
			}
			r, err := ts.sim.Open(rec.Body.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if r.Success || r.Content == "" || r.Content == wechat.FallbackText {
				t.Errorf("reply = %+v, want an answer", r)
			}
			tr, err := ts.bot.Transcript(context.Background(), "o_huge_"+name, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, turn := range tr {
				if len(turn.Text) > 4*MaxTextRunes+1024 {
					t.Errorf("transcript keeps %d bytes of one turn, want the capped text", len(turn.Text))
				}
			}
		})
	}

	t.Run("what the dialogue sees", func(t *testing.T) {
		t.Parallel()
		r := &claimingReplier{}
		h := New(slog.New(slog.DiscardHandler), r, Options{WeChat: aesWC, Now: func() time.Time { return goldenNow }})
		sim := wechat.NewSimulator(aesWC)
		req, _ := sim.Request("http://bot/wechat", sim.TextXML("o_huge", huge, 1, goldenNow), goldenNow)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		calls := r.calls()
		if rec.Code != 200 || len(calls) != 1 {
			t.Fatalf("HTTP %d, %d calls", rec.Code, len(calls))
		}
		m := calls[0]
		if got := utf8.RuneCountInString(m.Text); got != MaxTextRunes || !m.Truncated || !strings.HasPrefix(huge, m.Text) {
			t.Errorf("dialogue got %d runes, Truncated=%v, want the first %d runes and Truncated", got, m.Truncated, MaxTextRunes)
		}
	})
}

func TestFirstRunes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		n        int
		want     string
		wantTrun bool
	}{
		{"", 3, "", false},
		{"abc", 3, "abc", false},
		{"abcd", 3, "abc", true},
		{"你好", 3, "你好", false}, // 6 bytes, 2 runes
		{"你好吗呀", 3, "你好吗", true},
		{"a你b好", 4, "a你b好", false},
		{"\xff\xfe\xfd\xfc", 2, "\xff\xfe", true}, // invalid bytes count one rune each
	}
	for _, tt := range tests {
		got, trunc := firstRunes(tt.in, tt.n)
		if got != tt.want || trunc != tt.wantTrun {
			t.Errorf("firstRunes(%q, %d) = %q, %v, want %q, %v", tt.in, tt.n, got, trunc, tt.want, tt.wantTrun)
		}
	}
}

// TestMetricKinds: made-up message types and events share one label value, and the known
// series exist before any callback.
func TestMetricKinds(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	h := New(slog.New(slog.DiscardHandler), &claimingReplier{}, Options{Registerer: reg, WeChat: plainWC, Now: func() time.Time { return goldenNow }})
	sim := wechat.NewSimulator(plainWC)
	before := metricsText(t, reg)
	for _, series := range []string{
		`yilianbot_callbacks_total{outcome="replied",type="text"} 0`,
		`yilianbot_callbacks_total{outcome="no_reply",type="event:templatesendjobfinish"} 0`,
		`yilianbot_callbacks_total{outcome="replied",type="event:scan"} 0`,
		`yilianbot_callbacks_rejected_total{reason="replayed"} 0`,
	} {
		if !strings.Contains(before, series) {
			t.Errorf("metrics lack the pre-created series %s", series)
		}
	}

	bodies := [][]byte{
		bytes.Replace(sim.TextXML("o_kind", "x", 1, goldenNow), []byte("[text]"), []byte("[made_up_type_1]"), 1),
		bytes.Replace(sim.TextXML("o_kind", "x", 2, goldenNow), []byte("[text]"), []byte("[made_up_type_2]"), 1),
		sim.EventXML("o_kind", "MADE_UP_EVENT", "", goldenNow),
		sim.EventXML("o_kind", "SCAN", "123", goldenNow.Add(time.Second)),
	}
	for _, b := range bodies {
		req, _ := sim.Request("http://bot/wechat", b, goldenNow)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("HTTP %d for %s", rec.Code, b)
		}
	}
	after := metricsText(t, reg)
	for _, series := range []string{
		`yilianbot_callbacks_total{outcome="replied",type="other"} 2`,
		`yilianbot_callbacks_total{outcome="replied",type="event:other"} 1`,
		`yilianbot_callbacks_total{outcome="replied",type="event:scan"} 1`,
	} {
		if !strings.Contains(after, series) {
			t.Errorf("metrics lack %s", series)
		}
	}
	if strings.Contains(strings.ToLower(after), "made_up") {
		t.Error("a made-up type or event became a label value")
	}
}
