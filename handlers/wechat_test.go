package handlers

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/kb"
	"github.com/yilianpay/yilianbot/kb/kbtest"
)

var update = flag.Bool("update", false, "update golden files")

// goldenNow is the fixed clock of the golden tests: 2026-11-26 10:00 in Shanghai, inside
// service hours, and the CreateTime of testdata/wechat/*.xml.
var goldenNow = time.Unix(1795658400, 0)

// testServer is the whole HTTP edge over a real bot, real Redis and the real index.
type testServer struct {
	h   http.Handler
	sim *wechat.Simulator
	bot *bot.Bot
}

func newTestServer(tb testing.TB, wc wechat.Settings, now func() time.Time) testServer {
	tb.Helper()
	rdb, prefix := redistest.New(tb)
	b := bot.New(mustIndex(tb), bot.Options{Redis: rdb, Prefix: prefix, Now: now, Contact: testContact})
	h := New(slog.New(slog.DiscardHandler), b, Options{WeChat: wc, Now: now})
	sim := wechat.NewSimulator(wc)
	return testServer{h: h, sim: sim, bot: b}
}

func (ts testServer) post(tb testing.TB, plain []byte, at time.Time) *httptest.ResponseRecorder {
	tb.Helper()
	req, err := ts.sim.Request("http://bot/wechat", plain, at)
	if err != nil {
		tb.Fatal(err)
	}
	rec := httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	return rec
}

var plainWC = wechat.Settings{Token: "pamtest"}

// aesWC uses the key and AppID of Tencent's WXBizMsgCrypt vector A.
var aesWC = wechat.Settings{Token: "pamtest", AppID: "wxb11529c136998cb6", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}

func TestGoldenReplies(t *testing.T) {
	t.Parallel()
	inputs, err := filepath.Glob("testdata/wechat/*.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.xml") {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(in), ".xml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			ts := newTestServer(t, plainWC, func() time.Time { return goldenNow })
			rec := ts.post(t, body, goldenNow)
			if rec.Code != http.StatusOK {
				t.Fatalf("POST %s: HTTP %d %s", name, rec.Code, rec.Body)
			}
			got := rec.Body.Bytes()
			golden := filepath.Join("testdata/wechat", name+".golden.xml")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./handlers -run TestGoldenReplies -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("reply to %s differs from %s:\ngot:  %s\nwant: %s", name, golden, got, want)
			}
			if len(got) > 0 && string(got) != "success" {
				r, err := ts.sim.Open(got)
				if err != nil {
					t.Fatal(err)
				}
				if r.To != "o_golden_user" || r.From != "gh_yilianbot" {
					t.Errorf("reply addressed To=%q From=%q, want the user and the account swapped", r.To, r.From)
				}
				if len(r.Content) > bot.MaxReplyBytes {
					t.Errorf("reply content is %d bytes, over WeChat's %d", len(r.Content), bot.MaxReplyBytes)
				}
			}
		})
	}
}

func signedQuery(token string, at time.Time) url.Values {
	ts := strconv.FormatInt(at.Unix(), 10)
	q := url.Values{}
	q.Set("timestamp", ts)
	q.Set("nonce", "486452656")
	q.Set("signature", wechat.Signature(token, ts, "486452656"))
	return q
}

func TestVerifyURL(t *testing.T) {
	t.Parallel()
	now := goldenNow
	ts := newTestServer(t, plainWC, func() time.Time { return now })
	good := signedQuery(plainWC.Token, now)
	tests := []struct {
		name     string
		mutate   func(q url.Values)
		wantCode int
		wantBody string
	}{
		{"valid", func(url.Values) {}, 200, "1616140317555161061"},
		{"upper-case signature", func(q url.Values) { q.Set("signature", strings.ToUpper(q.Get("signature"))) }, 200, "1616140317555161061"},
		{"forged signature", func(q url.Values) { q.Set("signature", strings.Repeat("0", 40)) }, 403, ""},
		{"wrong nonce", func(q url.Values) { q.Set("nonce", "1") }, 403, ""},
		{"missing signature", func(q url.Values) { q.Del("signature") }, 400, ""},
		{"hour-old timestamp", func(q url.Values) {
			old := strconv.FormatInt(now.Add(-time.Hour).Unix(), 10)
			q.Set("timestamp", old)
			q.Set("signature", wechat.Signature(plainWC.Token, old, q.Get("nonce")))
		}, 403, ""},
		{"timestamp from the future", func(q url.Values) {
			f := strconv.FormatInt(now.Add(10*time.Minute).Unix(), 10)
			q.Set("timestamp", f)
			q.Set("signature", wechat.Signature(plainWC.Token, f, q.Get("nonce")))
		}, 403, ""},
		{"non-numeric timestamp", func(q url.Values) {
			q.Set("timestamp", "abc")
			q.Set("signature", wechat.Signature(plainWC.Token, "abc", q.Get("nonce")))
		}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range good {
				q[k] = append([]string(nil), v...)
			}
			q.Set("echostr", "1616140317555161061")
			tt.mutate(q)
			rec := httptest.NewRecorder()
			ts.h.ServeHTTP(rec, httptest.NewRequest("GET", "/wechat?"+q.Encode(), nil))
			if rec.Code != tt.wantCode {
				t.Errorf("GET /wechat (%s) = %d, want %d", tt.name, rec.Code, tt.wantCode)
			}
			if tt.wantBody != "" && rec.Body.String() != tt.wantBody {
				t.Errorf("GET /wechat body = %q, want echostr %q", rec.Body, tt.wantBody)
			}
		})
	}
}

func TestPostRejections(t *testing.T) {
	t.Parallel()
	now := goldenNow
	ts := newTestServer(t, plainWC, func() time.Time { return now })
	text := ts.sim.TextXML("o_reject", "你好", 1, now)
	tests := []struct {
		name     string
		query    url.Values
		body     io.Reader
		length   int64 // -1: unknown (chunked)
		wantCode int
	}{
		{"forged signature", func() url.Values { q := signedQuery("other", now); return q }(), bytes.NewReader(text), int64(len(text)), 403},
		{"hour-old timestamp", signedQuery(plainWC.Token, now.Add(-time.Hour)), bytes.NewReader(text), int64(len(text)), 403},
		{"3 MiB body", signedQuery(plainWC.Token, now), bytes.NewReader(make([]byte, 3<<20)), 3 << 20, 413},
		{"3 MiB body, chunked", signedQuery(plainWC.Token, now), io.LimitReader(zeros{}, 3<<20), -1, 413},
		{"malformed XML", signedQuery(plainWC.Token, now), strings.NewReader("<xml><ToUserName>"), 17, 400},
		{"not XML", signedQuery(plainWC.Token, now), strings.NewReader(`{"MsgType":"text"}`), 18, 400},
		{"XML without MsgType", signedQuery(plainWC.Token, now), strings.NewReader("<xml><FromUserName>a</FromUserName></xml>"), 41, 400},
		{"aes callback in plain mode", func() url.Values {
			q := signedQuery(plainWC.Token, now)
			q.Set("encrypt_type", "aes")
			return q
		}(), bytes.NewReader(text), int64(len(text)), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/wechat?"+tt.query.Encode(), tt.body)
			req.ContentLength = tt.length
			rec := httptest.NewRecorder()
			ts.h.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Errorf("POST /wechat (%s) = %d %q, want %d", tt.name, rec.Code, rec.Body, tt.wantCode)
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestAESMode(t *testing.T) {
	t.Parallel()
	now := goldenNow
	ts := newTestServer(t, aesWC, func() time.Time { return now })

	rec := ts.post(t, ts.sim.TextXML("o_aes_user", "对账单在哪里下载", 9001, now), now)
	if rec.Code != 200 {
		t.Fatalf("HTTP %d %s", rec.Code, rec.Body)
	}
	if !bytes.Contains(rec.Body.Bytes(), []byte("<Encrypt>")) {
		t.Fatalf("AES callback got a plain reply: %s", rec.Body)
	}
	r, err := ts.sim.Open(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if r.MsgType != "text" || !strings.Contains(r.Content, "对账") || r.To != "o_aes_user" {
		t.Errorf("decrypted reply = %+v, want a text about 对账 to o_aes_user", r)
	}

	// "No reply" is success in safe mode too, not an encrypted empty message.
	rec = ts.post(t, ts.sim.EventXML("o_aes_user", "unsubscribe", "", now), now)
	if rec.Code != 200 || rec.Body.String() != "success" {
		t.Errorf("unsubscribe in AES mode = %d %q, want 200 success", rec.Code, rec.Body)
	}

	// A body signed with the wrong msg_signature is refused.
	req, _ := ts.sim.Request("http://bot/wechat", ts.sim.TextXML("o_aes_user", "你好", 9002, now), now)
	q := req.URL.Query()
	q.Set("msg_signature", strings.Repeat("a", 40))
	req.URL.RawQuery = q.Encode()
	rec = httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("bad msg_signature = %d, want 403", rec.Code)
	}

	// Only msg_signature, which covers the body too, is enough; a forged one is not.
	req, _ = ts.sim.Request("http://bot/wechat", ts.sim.TextXML("o_aes_user", "你好", 9004, now), now)
	q = req.URL.Query()
	q.Del("signature")
	req.URL.RawQuery = q.Encode()
	rec = httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("AES callback with msg_signature only = %d, want 200", rec.Code)
	}
	q.Set("msg_signature", strings.Repeat("b", 40))
	req, _ = ts.sim.Request("http://bot/wechat", ts.sim.TextXML("o_aes_user", "你好", 9005, now), now)
	req.URL.RawQuery = q.Encode()
	rec = httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("AES callback with a forged msg_signature only = %d, want 403", rec.Code)
	}

	// Encrypted for another AppID: the AppID tail does not match.
	other := wechat.NewSimulator(wechat.Settings{Token: aesWC.Token, AppID: "wx0000000000000000", EncodingAESKey: aesWC.EncodingAESKey})
	req, _ = other.Request("http://bot/wechat", ts.sim.TextXML("o_aes_user", "你好", 9003, now), now)
	rec = httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("foreign AppID = %d, want 400", rec.Code)
	}
}

// TestRetryGetsIdenticalReply sends one message several times at once, as WeChat does when it
// re-delivers: it is processed once and every delivery gets the same bytes.
func TestRetryGetsIdenticalReply(t *testing.T) {
	t.Parallel()
	now := goldenNow
	ts := newTestServer(t, plainWC, func() time.Time { return now })
	body := ts.sim.TextXML("o_retry_user", "钱怎么还没到账", 777001, now)

	const n = 8
	var wg sync.WaitGroup
	replies := make([]string, n)
	codes := make([]int, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			rec := ts.post(t, body, now)
			replies[i], codes[i] = rec.Body.String(), rec.Code
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if codes[i] != 200 {
			t.Fatalf("delivery %d: HTTP %d", i, codes[i])
		}
		if replies[i] != replies[0] {
			t.Errorf("delivery %d got a different reply:\n%s\nwant\n%s", i, replies[i], replies[0])
		}
	}
	// A later retry, seconds after, still gets the identical reply.
	later := ts.post(t, body, now.Add(5*time.Second))
	if later.Body.String() != replies[0] {
		t.Errorf("retry after 5 s got a different reply")
	}
	tr, err := ts.bot.Transcript(context.Background(), "o_retry_user", 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) != 2 { // one user turn and one bot turn: processed once
		t.Errorf("transcript has %d turns after %d deliveries, want 2 (processed once)", len(tr), n+1)
	}
}

// slowReplier never answers in time.
type slowReplier struct{}

func (slowReplier) Reply(ctx context.Context, m bot.Message) (bot.Reply, error) {
	<-ctx.Done()
	return bot.Reply{}, ctx.Err()
}

type failingReplier struct{}

func (failingReplier) Reply(context.Context, bot.Message) (bot.Reply, error) {
	return bot.Reply{}, errors.New("boom")
}

type panickingReplier struct{}

func (panickingReplier) Reply(context.Context, bot.Message) (bot.Reply, error) { panic("boom") }

// TestFallbackReply checks that a slow or failing dialogue still gives the user a text, so
// WeChat never shows "该公众号暂时无法提供服务".
func TestFallbackReply(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]replier{"slow": slowReplier{}, "failing": failingReplier{}, "panicking": panickingReplier{}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := New(slog.New(slog.DiscardHandler), r, Options{WeChat: plainWC, ReplyBudget: 50 * time.Millisecond, Now: func() time.Time { return goldenNow }})
			sim := wechat.NewSimulator(plainWC)
			req, _ := sim.Request("http://bot/wechat", sim.TextXML("o_slow", "你好", 1, goldenNow), goldenNow)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got, err := sim.Open(rec.Body.Bytes())
			if err != nil || rec.Code != 200 {
				t.Fatalf("HTTP %d, %v", rec.Code, err)
			}
			if got.Content != wechat.FallbackText {
				t.Errorf("reply = %q, want the fallback text", got.Content)
			}
		})
	}
}

// TestHealthAndMetrics: the public listener serves the webhook and health checks only; metrics
// and the agent API are on the admin listener (a change of the desk issue: they used to share
// the public one).
func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, plainWC, time.Now)
	ts.post(t, ts.sim.TextXML("o_metrics", "你好", 42, time.Now()), time.Now())
	admin := NewAdmin(slog.New(slog.DiscardHandler), ts.bot, AdminOptions{AdminToken: testAdminToken})
	tests := []struct {
		name string
		h    http.Handler
		path string
		want int
	}{
		{"public", ts.h, "/healthz", 200},
		{"public", ts.h, "/readyz", 200},
		{"public", ts.h, "/metrics", 404},
		{"public", ts.h, "/api/v1/stats", 404},
		{"public", ts.h, "/api/v1/tickets", 404},
		{"public", ts.h, "/desk/", 404},
		{"admin", admin, "/metrics", 200},
		{"admin", admin, "/wechat", 404},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", tt.path, nil)
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		rec := httptest.NewRecorder()
		tt.h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s GET %s = %d, want %d", tt.name, tt.path, rec.Code, tt.want)
		}
	}
}

// mustIndex is the shipped knowledge base, indexed.
func mustIndex(tb testing.TB) *kb.Index { return kbtest.Index(tb) }

// testContact fills every template variable of the shipped knowledge base.
var testContact = map[string]string(kbtest.Vars)
