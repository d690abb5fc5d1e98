package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/yilianpay/yilianbot/handlers/wechat/wechatfake"
)

// memCache is an in-memory TokenCache that remembers the TTLs it was given.
type memCache struct {
	mu   sync.Mutex
	vals map[string]string
	ttls map[string]time.Duration
}

func newMemCache() *memCache {
	return &memCache{vals: map[string]string{}, ttls: map[string]time.Duration{}}
}

func (c *memCache) Get(_ context.Context, key string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.vals[key], nil
}

func (c *memCache) Set(_ context.Context, key, value string, ttl time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.vals[key], c.ttls[key] = value, ttl
	return nil
}

func (c *memCache) Delete(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.vals, key)
	return nil
}

// brokenCache fails every operation, as Redis does when it is down.
type brokenCache struct{}

func (brokenCache) Get(context.Context, string) (string, error) { return "", errors.New("down") }
func (brokenCache) Set(context.Context, string, string, time.Duration) error {
	return errors.New("down")
}
func (brokenCache) Delete(context.Context, string) error { return errors.New("down") }

func newFakeAPI(t testing.TB) (*Client, *wechatfake.Server, *memCache) {
	t.Helper()
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	cache := newMemCache()
	api := NewClient(ClientOptions{AppID: fake.AppID, AppSecret: fake.AppSecret, BaseURL: fake.URL, Cache: cache})
	return api, fake, cache
}

func TestSendText(t *testing.T) {
	t.Parallel()
	api, fake, cache := newFakeAPI(t)
	ctx := t.Context()
	for _, text := range []string{"您好", "工单已受理"} {
		if err := api.SendText(ctx, "oUser", text); err != nil {
			t.Fatalf("SendText(%q) = %v", text, err)
		}
	}
	want := []wechatfake.Sent{
		{OpenID: "oUser", MsgType: "text", Content: "您好"},
		{OpenID: "oUser", MsgType: "text", Content: "工单已受理"},
	}
	if diff := cmp.Diff(want, fake.Sent()); diff != "" {
		t.Errorf("sent messages mismatch (-want +got):\n%s", diff)
	}
	if got := fake.TokensIssued(); got != 1 {
		t.Errorf("tokens issued = %d, want 1 (cached)", got)
	}
	key := "wechat:access_token:" + fake.AppID
	if got, want := cache.ttls[key], 7200*time.Second-5*time.Minute; got != want {
		t.Errorf("token cached for %v, want %v", got, want)
	}
	if err := api.SendText(ctx, "oUser", ""); err == nil {
		t.Error("SendText with empty text succeeded, want an error")
	}
}

func TestSendTextSplitsLongText(t *testing.T) {
	t.Parallel()
	api, fake, _ := newFakeAPI(t)
	text := strings.Repeat("您的退款已原路退回，请注意查收。", 200) // 9600 bytes
	if err := api.SendText(t.Context(), "oUser", text); err != nil {
		t.Fatalf("SendText(%d bytes) = %v", len(text), err)
	}
	var joined strings.Builder
	sent := fake.Sent()
	for _, s := range sent {
		if len(s.Content) > MaxTextBytes || !utf8.ValidString(s.Content) {
			t.Errorf("part of %d bytes (valid UTF-8: %v), want at most %d bytes of valid UTF-8", len(s.Content), utf8.ValidString(s.Content), MaxTextBytes)
		}
		joined.WriteString(s.Content)
	}
	if len(sent) != 5 || joined.String() != text {
		t.Errorf("sent %d parts joining to %d bytes, want 5 parts joining to the %d-byte text", len(sent), joined.Len(), len(text))
	}
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    string
		n    int
		want []string
	}{
		{"short", "abc", 5, []string{"abc"}},
		{"exact", "abcde", 5, []string{"abcde"}},
		{"bytes", "abcdefg", 3, []string{"abc", "def", "g"}},
		{"rune boundary", "一二三", 4, []string{"一", "二", "三"}},
		{"prefers newline", "abc\ndefgh", 6, []string{"abc\n", "defgh"}},
		{"ignores early newline", "a\nbcdefgh", 6, []string{"a\nbcde", "fgh"}},
		{"n below a rune", "一二", 2, []string{"一", "二"}},
	}
	for _, tt := range tests {
		if got := splitText(tt.s, tt.n); !cmp.Equal(got, tt.want) {
			t.Errorf("%s: splitText(%q, %d) = %q, want %q", tt.name, tt.s, tt.n, got, tt.want)
		}
	}
}

func TestSendTextErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code    int
		outside bool
	}{
		{45015, true},
		{45047, true},
		{43004, true},
		{48001, false},
		{45008, false},
	}
	api, fake, _ := newFakeAPI(t)
	for _, tt := range tests {
		fake.FailFor("oUser", tt.code)
		err := api.SendText(t.Context(), "oUser", "您好")
		if got := errors.Is(err, ErrOutsideWindow); got != tt.outside {
			t.Errorf("errcode %d: SendText = %v; errors.Is(err, ErrOutsideWindow) = %v, want %v", tt.code, err, got, tt.outside)
		}
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != tt.code {
			t.Errorf("errcode %d: SendText = %v, want an *APIError with that code", tt.code, err)
		}
	}
	fake.FailFor("oUser", 0)
	if err := api.SendText(t.Context(), "oUser", "您好"); err != nil {
		t.Errorf("SendText after FailFor(oUser, 0) = %v", err)
	}
}

func TestTokenRevokedIsRefreshedOnce(t *testing.T) {
	t.Parallel()
	api, fake, _ := newFakeAPI(t)
	ctx := t.Context()
	if err := api.SendText(ctx, "oUser", "一"); err != nil {
		t.Fatal(err)
	}
	fake.RevokeTokens()
	if err := api.SendText(ctx, "oUser", "二"); err != nil {
		t.Fatalf("SendText after RevokeTokens = %v, want a retry with a new token", err)
	}
	if got := fake.TokensIssued(); got != 2 {
		t.Errorf("tokens issued = %d, want 2", got)
	}
	if got := len(fake.Sent()); got != 2 {
		t.Errorf("%d messages sent, want 2", got)
	}
}

// TestTokenErrorRetriedOnlyOnce: a server that refuses every token gets two tries, not a loop.
func TestTokenErrorRetriedOnlyOnce(t *testing.T) {
	t.Parallel()
	var tokens, sends atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/stable_token", func(w http.ResponseWriter, r *http.Request) {
		tokens.Add(1)
		io.WriteString(w, `{"access_token":"tok","expires_in":7200}`)
	})
	mux.HandleFunc("POST /cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		sends.Add(1)
		io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	api := NewClient(ClientOptions{AppID: "wxapp", AppSecret: "s", BaseURL: srv.URL, Cache: newMemCache()})
	err := api.SendText(t.Context(), "oUser", "您好")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 42001 {
		t.Errorf("SendText = %v, want errcode 42001", err)
	}
	if tokens.Load() != 2 || sends.Load() != 2 {
		t.Errorf("%d token fetches and %d sends, want 2 and 2", tokens.Load(), sends.Load())
	}
}

func TestBrokenCacheIsBypassed(t *testing.T) {
	t.Parallel()
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	api := NewClient(ClientOptions{AppID: fake.AppID, AppSecret: fake.AppSecret, BaseURL: fake.URL, Cache: brokenCache{}})
	if err := api.SendText(t.Context(), "oUser", "您好"); err != nil {
		t.Errorf("SendText with a failing cache = %v, want success", err)
	}
}

func TestSendTemplate(t *testing.T) {
	t.Parallel()
	api, fake, _ := newFakeAPI(t)
	fields := map[string]string{"keyword1": "T-42", "keyword2": "已处理"}
	if err := api.SendTemplate(t.Context(), "oUser", "TPL1", fields); err != nil {
		t.Fatalf("SendTemplate = %v", err)
	}
	want := []wechatfake.Template{{OpenID: "oUser", TemplateID: "TPL1", Data: fields}}
	if diff := cmp.Diff(want, fake.Templates()); diff != "" {
		t.Errorf("templates mismatch (-want +got):\n%s", diff)
	}
}

// TestTemplateBody checks the JSON sent: no empty "miniprogram" object, which the SDK's type
// would send.
func TestTemplateBody(t *testing.T) {
	t.Parallel()
	var body []byte
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/stable_token", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"access_token":"tok","expires_in":7200}`)
	})
	mux.HandleFunc("POST /cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		io.WriteString(w, `{"errcode":0,"errmsg":"ok","msgid":1}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	api := NewClient(ClientOptions{AppID: "wxapp", AppSecret: "s", BaseURL: srv.URL, Cache: newMemCache()})
	if err := api.SendTemplate(t.Context(), "oUser", "TPL1", map[string]string{"keyword1": "x"}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"touser": "oUser", "template_id": "TPL1", "data": map[string]any{"keyword1": map[string]any{"value": "x"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("template body mismatch (-want +got):\n%s", diff)
	}
}

func TestCreateMenu(t *testing.T) {
	t.Parallel()
	api, fake, _ := newFakeAPI(t)
	buttons := []*Button{
		NewSubButton("交易结算", []*Button{NewClickButton("退款", "cat:refund")}),
		NewClickButton("人工客服", "handoff"),
	}
	if err := api.CreateMenu(t.Context(), buttons); err != nil {
		t.Fatalf("CreateMenu = %v", err)
	}
	want := `{"button":[{"name":"交易结算","sub_button":[{"type":"click","name":"退款","key":"cat:refund"}]},{"type":"click","name":"人工客服","key":"handoff"}]}`
	if got := fake.Menus(); len(got) != 1 || string(got[0]) != want {
		t.Errorf("menus = %q, want [%q]", got, want)
	}
	err := api.CreateMenu(t.Context(), nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 40016 {
		t.Errorf("CreateMenu(nil) = %v, want errcode 40016", err)
	}
}

// TestErrorsHideSecrets: neither the AppSecret nor an access_token may appear in an error,
// which ends up in logs.
func TestErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	const secret = "S3CRET0123456789abcdef0123456789"
	const token = "TOKEN_0123456789_abcdefghijklmnopqrstuvwxyz"
	tokenOK := func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"access_token":"`+token+`","expires_in":7200}`)
	}
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
	}
	errcode := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"errcode":`+strconv.Itoa(code)+`,"errmsg":"refused"}`)
		}
	}
	tests := []struct {
		name  string
		token http.HandlerFunc
		send  http.HandlerFunc
		down  bool // the server is closed before the call
	}{
		{"token 502", status(http.StatusBadGateway), nil, false},
		{"token errcode", errcode(40125), nil, false},
		{"send 502", tokenOK, status(http.StatusBadGateway), false},
		{"send errcode", tokenOK, errcode(48001), false},
		{"send token refused", tokenOK, errcode(40001), false},
		{"server down", tokenOK, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mux := http.NewServeMux()
			mux.Handle("POST /cgi-bin/stable_token", tt.token)
			if tt.send != nil {
				mux.Handle("POST /cgi-bin/message/custom/send", tt.send)
				mux.Handle("POST /cgi-bin/message/template/send", tt.send)
			}
			srv := httptest.NewServer(mux)
			cache := newMemCache()
			api := NewClient(ClientOptions{AppID: "wxapp", AppSecret: secret, BaseURL: srv.URL, Cache: cache})
			if tt.down {
				cache.Set(t.Context(), "wechat:access_token:wxapp", token, time.Hour)
				srv.Close()
			} else {
				t.Cleanup(srv.Close)
			}
			errs := []error{
				api.SendText(t.Context(), "oUser", "您好"),
				api.SendTemplate(t.Context(), "oUser", "TPL", nil),
			}
			for _, err := range errs {
				if err == nil {
					t.Fatal("call succeeded, want an error")
				}
				t.Log(err)
				if msg := err.Error(); strings.Contains(msg, secret) || strings.Contains(msg, token) {
					t.Errorf("error %q contains the secret or the access_token", msg)
				}
			}
		})
	}
}

func TestConcurrentSends(t *testing.T) {
	t.Parallel()
	api, fake, _ := newFakeAPI(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() { errs <- api.SendText(t.Context(), "oUser", "您好") })
	}
	wg.Go(func() { fake.RevokeTokens() })
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(fake.Sent()); got != 20 {
		t.Errorf("%d messages sent, want 20", got)
	}
	if got := fake.TokensIssued(); got > 3 {
		t.Errorf("%d tokens issued for 20 concurrent sends, want at most 3", got)
	}
}
