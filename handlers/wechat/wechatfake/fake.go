// Package wechatfake is a local stand-in for WeChat's server API, for tests: it issues access
// tokens and records customer-service messages, template messages and menus.
//
// It answers as WeChat does, with HTTP 200 and a JSON errcode, and checks what WeChat checks
// that matters to yilianbot: credentials, tokens, JSON bodies, text length and menu limits.
package wechatfake

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to use in place of https://api.weixin.qq.com.
	URL string
	// AppID and AppSecret are the only credentials the fake accepts.
	AppID     string
	AppSecret string

	srv *httptest.Server

	mu        sync.Mutex
	tokens    map[string]bool // issued token → still valid
	issued    int
	sent      []Sent
	templates []Template
	menus     [][]byte
	failFor   map[string]int
}

// Sent is a recorded customer-service message.
type Sent struct {
	OpenID  string
	MsgType string
	Content string // the text of a text message
}

// Template is a recorded template message.
type Template struct {
	OpenID     string
	TemplateID string
	URL        string
	Data       map[string]string
}

// New starts a fake on a loopback port. Call Close when done.
func New() *Server {
	s := &Server{
		AppID:     "wxfa4e0000000000ke",
		AppSecret: "fakesecret0123456789abcdef012345",
		tokens:    make(map[string]bool),
		failFor:   make(map[string]int),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/stable_token", s.handleStableToken)
	mux.HandleFunc("GET /cgi-bin/token", s.handleToken)
	mux.HandleFunc("POST /cgi-bin/message/custom/send", s.withToken(s.handleCustomSend))
	mux.HandleFunc("POST /cgi-bin/message/template/send", s.withToken(s.handleTemplateSend))
	mux.HandleFunc("POST /cgi-bin/menu/create", s.withToken(s.handleMenuCreate))
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close shuts the fake down.
func (s *Server) Close() { s.srv.Close() }

// Sent returns the customer-service messages accepted so far.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Templates returns the template messages accepted so far.
func (s *Server) Templates() []Template {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Template(nil), s.templates...)
}

// Menus returns the raw JSON bodies of the menus created so far.
func (s *Server) Menus() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]byte, len(s.menus))
	for i, m := range s.menus {
		out[i] = append([]byte(nil), m...)
	}
	return out
}

// TokensIssued returns how many access tokens the fake has handed out.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// FailFor makes customer-service messages to openID fail with errcode (45015, 45047, …)
// until FailFor(openID, 0) clears it.
func (s *Server) FailFor(openID string, errcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if errcode == 0 {
		delete(s.failFor, openID)
		return
	}
	s.failFor[openID] = errcode
}

// RevokeTokens invalidates every token issued so far: the next call with one gets 40001.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = false
	}
}

// answer writes WeChat's JSON answer: HTTP 200 whatever the outcome.
func answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	json.NewEncoder(w).Encode(v)
}

type errAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func fail(w http.ResponseWriter, code int, msg string) { answer(w, errAnswer{code, msg}) }

func ok(w http.ResponseWriter) { fail(w, 0, "ok") }

// handleStableToken handles "POST /cgi-bin/stable_token".
func (s *Server) handleStableToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		GrantType string `json:"grant_type"`
		AppID     string `json:"appid"`
		Secret    string `json:"secret"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		fail(w, 47001, "data format error")
		return
	}
	s.issue(w, req.GrantType, req.AppID, req.Secret)
}

// handleToken handles "GET /cgi-bin/token".
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.issue(w, q.Get("grant_type"), q.Get("appid"), q.Get("secret"))
}

func (s *Server) issue(w http.ResponseWriter, grantType, appID, secret string) {
	if grantType != "client_credential" {
		fail(w, 40002, "invalid grant_type")
		return
	}
	if appID != s.AppID || secret != s.AppSecret {
		fail(w, 40125, "invalid appsecret")
		return
	}
	tok := "FAKE_" + rand.Text() + rand.Text()
	s.mu.Lock()
	s.tokens[tok] = true
	s.issued++
	s.mu.Unlock()
	answer(w, struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}{tok, 7200})
}

// withToken checks the access_token and the JSON body before calling h with the body.
func (s *Server) withToken(h func(http.ResponseWriter, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		valid := s.tokens[r.URL.Query().Get("access_token")]
		s.mu.Unlock()
		if !valid {
			fail(w, 40001, "invalid credential, access_token is invalid or not latest")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || !json.Valid(body) {
			fail(w, 47001, "data format error")
			return
		}
		h(w, body)
	}
}

// handleCustomSend handles "POST /cgi-bin/message/custom/send".
func (s *Server) handleCustomSend(w http.ResponseWriter, body []byte) {
	var m struct {
		ToUser  string `json:"touser"`
		MsgType string `json:"msgtype"`
		Text    *struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(body, &m); err != nil || m.MsgType == "" {
		fail(w, 47001, "data format error")
		return
	}
	if m.ToUser == "" {
		fail(w, 40003, "invalid openid")
		return
	}
	sent := Sent{OpenID: m.ToUser, MsgType: m.MsgType}
	if m.MsgType == "text" {
		if m.Text == nil || m.Text.Content == "" {
			fail(w, 44004, "empty content")
			return
		}
		if len(m.Text.Content) > 2048 {
			fail(w, 45002, "content size out of limit")
			return
		}
		sent.Content = m.Text.Content
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := s.failFor[m.ToUser]; code != 0 {
		fail(w, code, "fake failure for this user")
		return
	}
	s.sent = append(s.sent, sent)
	ok(w)
}

// handleTemplateSend handles "POST /cgi-bin/message/template/send".
func (s *Server) handleTemplateSend(w http.ResponseWriter, body []byte) {
	var m struct {
		ToUser     string `json:"touser"`
		TemplateID string `json:"template_id"`
		URL        string `json:"url"`
		Data       map[string]struct {
			Value string `json:"value"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		fail(w, 47001, "data format error")
		return
	}
	if m.ToUser == "" {
		fail(w, 40003, "invalid openid")
		return
	}
	if m.TemplateID == "" {
		fail(w, 40037, "invalid template_id")
		return
	}
	t := Template{OpenID: m.ToUser, TemplateID: m.TemplateID, URL: m.URL, Data: make(map[string]string, len(m.Data))}
	for k, v := range m.Data {
		t.Data[k] = v.Value
	}
	s.mu.Lock()
	s.templates = append(s.templates, t)
	n := len(s.templates)
	s.mu.Unlock()
	answer(w, struct {
		errAnswer
		MsgID int `json:"msgid"`
	}{errAnswer{0, "ok"}, n})
}

type button struct {
	Type      string   `json:"type"`
	Name      string   `json:"name"`
	Key       string   `json:"key"`
	SubButton []button `json:"sub_button"`
}

// handleMenuCreate handles "POST /cgi-bin/menu/create", checking WeChat's documented limits
// with its errcodes. Only click and view buttons are accepted; yilianbot uses no others.
func (s *Server) handleMenuCreate(w http.ResponseWriter, body []byte) {
	var m struct {
		Button []button `json:"button"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		fail(w, 47001, "data format error")
		return
	}
	if code, msg := checkMenu(m.Button); code != 0 {
		fail(w, code, msg)
		return
	}
	s.mu.Lock()
	s.menus = append(s.menus, append([]byte(nil), body...))
	s.mu.Unlock()
	ok(w)
}

func checkMenu(top []button) (int, string) {
	if len(top) < 1 || len(top) > 3 {
		return 40016, "invalid button size"
	}
	for _, b := range top {
		if b.Name == "" || len(b.Name) > 16 {
			return 40018, "invalid button name size"
		}
		if len(b.SubButton) == 0 {
			if b.Type != "click" && b.Type != "view" {
				return 40017, "invalid button type"
			}
			if b.Type == "click" && (b.Key == "" || len(b.Key) > 128) {
				return 40019, "invalid button key size"
			}
			continue
		}
		if len(b.SubButton) > 5 {
			return 40023, "invalid sub button size"
		}
		for _, sb := range b.SubButton {
			if sb.Type != "click" && sb.Type != "view" {
				return 40024, "invalid sub button type"
			}
			if sb.Name == "" || len(sb.Name) > 60 {
				return 40025, "invalid sub button name size"
			}
			if sb.Type == "click" && (sb.Key == "" || len(sb.Key) > 128) {
				return 40026, "invalid sub button key size"
			}
		}
	}
	return 0, ""
}
