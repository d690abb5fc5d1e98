package wechatfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type result struct {
	ErrCode     int    `json:"errcode"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

func newFake(t testing.TB) *Server {
	t.Helper()
	s := New()
	t.Cleanup(s.Close)
	return s
}

// call posts body to path (GET when body is empty) and decodes WeChat's JSON answer.
func call(t testing.TB, s *Server, path, body string) result {
	t.Helper()
	var resp *http.Response
	var err error
	if body == "" {
		resp, err = http.Get(s.URL + path)
	} else {
		resp, err = http.Post(s.URL+path, "application/json", strings.NewReader(body))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %s, want 200", path, resp.Status)
	}
	var r result
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

func mustToken(t testing.TB, s *Server) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": s.AppID, "secret": s.AppSecret, "force_refresh": false})
	r := call(t, s, "/cgi-bin/stable_token", string(body))
	if r.ErrCode != 0 || r.AccessToken == "" || r.ExpiresIn != 7200 {
		t.Fatalf("stable_token = %+v, want a token for 7200 s", r)
	}
	return r.AccessToken
}

func TestTokens(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	q := url.Values{"grant_type": {"client_credential"}, "appid": {s.AppID}, "secret": {s.AppSecret}}
	if r := call(t, s, "/cgi-bin/token?"+q.Encode(), ""); r.ErrCode != 0 || r.AccessToken == "" {
		t.Errorf("GET token = %+v, want a token", r)
	}
	q.Set("secret", "wrong")
	if r := call(t, s, "/cgi-bin/token?"+q.Encode(), ""); r.ErrCode != 40125 {
		t.Errorf("GET token with a wrong secret: errcode %d, want 40125", r.ErrCode)
	}
	if r := call(t, s, "/cgi-bin/stable_token", `{"grant_type":"client_credential","appid":"`+s.AppID+`","secret":"wrong"}`); r.ErrCode != 40125 {
		t.Errorf("stable_token with a wrong secret: errcode %d, want 40125", r.ErrCode)
	}
	if r := call(t, s, "/cgi-bin/stable_token", `{`); r.ErrCode != 47001 {
		t.Errorf("stable_token with bad JSON: errcode %d, want 47001", r.ErrCode)
	}
	a, b := mustToken(t, s), mustToken(t, s)
	if a == b {
		t.Errorf("two tokens are both %q, want different ones", a)
	}
	if got := s.TokensIssued(); got != 3 {
		t.Errorf("TokensIssued() = %d, want 3", got)
	}
}

func TestCustomSend(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	tok := mustToken(t, s)
	send := func(tok, body string) int {
		return call(t, s, "/cgi-bin/message/custom/send?access_token="+url.QueryEscape(tok), body).ErrCode
	}
	text := `{"touser":"oA","msgtype":"text","text":{"content":"你好"}}`
	tests := []struct {
		name  string
		token string
		body  string
		want  int
	}{
		{"ok", tok, text, 0},
		{"unknown token", "nope", text, 40001},
		{"bad JSON", tok, `{"touser":`, 47001},
		{"no openid", tok, `{"msgtype":"text","text":{"content":"x"}}`, 40003},
		{"too long", tok, `{"touser":"oA","msgtype":"text","text":{"content":"` + strings.Repeat("x", 2049) + `"}}`, 45002},
		{"empty", tok, `{"touser":"oA","msgtype":"text","text":{"content":""}}`, 44004},
	}
	for _, tt := range tests {
		if got := send(tt.token, tt.body); got != tt.want {
			t.Errorf("%s: errcode %d, want %d", tt.name, got, tt.want)
		}
	}

	s.FailFor("oA", 45015)
	if got := send(tok, text); got != 45015 {
		t.Errorf("after FailFor(oA, 45015): errcode %d, want 45015", got)
	}
	if got := send(tok, `{"touser":"oB","msgtype":"text","text":{"content":"hi"}}`); got != 0 {
		t.Errorf("another user after FailFor(oA): errcode %d, want 0", got)
	}
	s.FailFor("oA", 0)
	if got := send(tok, text); got != 0 {
		t.Errorf("after FailFor(oA, 0): errcode %d, want 0", got)
	}

	s.RevokeTokens()
	if got := send(tok, text); got != 40001 {
		t.Errorf("revoked token: errcode %d, want 40001", got)
	}
	if got := send(mustToken(t, s), text); got != 0 {
		t.Errorf("token issued after RevokeTokens: errcode %d, want 0", got)
	}

	want := []Sent{
		{OpenID: "oA", MsgType: "text", Content: "你好"},
		{OpenID: "oB", MsgType: "text", Content: "hi"},
		{OpenID: "oA", MsgType: "text", Content: "你好"},
		{OpenID: "oA", MsgType: "text", Content: "你好"},
	}
	if diff := cmp.Diff(want, s.Sent()); diff != "" {
		t.Errorf("Sent() mismatch (-want +got):\n%s", diff)
	}
}

func TestTemplateAndMenu(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	q := "?access_token=" + url.QueryEscape(mustToken(t, s))
	if r := call(t, s, "/cgi-bin/message/template/send"+q, `{"touser":"oA","template_id":"T1","data":{"keyword1":{"value":"工单 42"}}}`); r.ErrCode != 0 {
		t.Errorf("template/send: errcode %d, want 0", r.ErrCode)
	}
	wantT := []Template{{OpenID: "oA", TemplateID: "T1", Data: map[string]string{"keyword1": "工单 42"}}}
	if diff := cmp.Diff(wantT, s.Templates()); diff != "" {
		t.Errorf("Templates() mismatch (-want +got):\n%s", diff)
	}

	sub := func(n int, name string) string {
		b := make([]string, n)
		for i := range b {
			b[i] = `{"type":"click","name":"` + name + `","key":"k"}`
		}
		return `[` + strings.Join(b, ",") + `]`
	}
	good := `{"button":[{"name":"交易结算","sub_button":` + sub(2, "退款") + `},{"type":"click","name":"人工","key":"handoff"}]}`
	tests := []struct {
		name string
		body string
		want int
	}{
		{"ok", good, 0},
		{"no buttons", `{"button":[]}`, 40016},
		{"four buttons", `{"button":[` + strings.Repeat(`{"type":"click","name":"a","key":"k"},`, 3) + `{"type":"click","name":"a","key":"k"}]}`, 40016},
		{"long name", `{"button":[{"type":"click","name":"一二三四五六","key":"k"}]}`, 40018},
		{"six subs", `{"button":[{"name":"a","sub_button":` + sub(6, "b") + `}]}`, 40023},
		{"long sub name", `{"button":[{"name":"a","sub_button":` + sub(1, strings.Repeat("长", 21)) + `}]}`, 40025},
		{"long key", `{"button":[{"type":"click","name":"a","key":"` + strings.Repeat("k", 129) + `"}]}`, 40019},
	}
	for _, tt := range tests {
		if got := call(t, s, "/cgi-bin/menu/create"+q, tt.body).ErrCode; got != tt.want {
			t.Errorf("menu/create %s: errcode %d, want %d", tt.name, got, tt.want)
		}
	}
	if diff := cmp.Diff([][]byte{[]byte(good)}, s.Menus()); diff != "" {
		t.Errorf("Menus() mismatch (-want +got):\n%s", diff)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			tok := mustToken(t, s)
			call(t, s, "/cgi-bin/message/custom/send?access_token="+url.QueryEscape(tok), `{"touser":"oA","msgtype":"text","text":{"content":"hi"}}`)
			if i%2 == 0 {
				s.FailFor("oB", 45047)
				s.RevokeTokens()
			}
			s.Sent()
			s.Menus()
			s.Templates()
		})
	}
	wg.Wait()
	if got := s.TokensIssued(); got != 8 {
		t.Errorf("TokensIssued() = %d, want 8", got)
	}
}
