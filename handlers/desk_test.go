package handlers

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yilianpay/yilianbot/bot"
)

// fakeDesk is a deskService in memory: enough of the domain for the pages' own logic (parsing,
// sessions, CSRF, rendering, error mapping). The real domain is exercised by the browser tests.
type fakeDesk struct {
	mu        sync.Mutex
	now       time.Time
	passwords map[string]string
	agents    map[string]bot.Agent
	sessions  map[string]bot.Session
	tickets   map[string]*bot.Ticket
	events    map[string][]bot.TimelineEvent
	tokens    map[string][]bot.APIToken
	filter    bot.TicketFilter
	calls     []string
	err       error // returned by the next ticket action, when set
	loginErr  error
}

func newFakeDesk(now time.Time) *fakeDesk {
	f := &fakeDesk{
		now:       now,
		passwords: map[string]string{"lin": "pw-lin-123456", "boss": "pw-boss-123456"},
		agents: map[string]bot.Agent{
			"lin":  {Name: "lin", Role: bot.RoleAgent, CreatedAt: now.Add(-48 * time.Hour)},
			"boss": {Name: "boss", Role: bot.RoleAdmin, CreatedAt: now.Add(-72 * time.Hour)},
		},
		sessions: map[string]bot.Session{},
		tickets:  map[string]*bot.Ticket{},
		events:   map[string][]bot.TimelineEvent{},
		tokens:   map[string][]bot.APIToken{},
	}
	delivered := now.Add(-30 * time.Minute)
	f.tickets["GD202612020001"] = &bot.Ticket{
		No: "GD202612020001", OpenID: "o_secret_openid", Type: bot.TypeMerchant, Priority: bot.PriorityUrgent,
		Status: bot.StatusProcessing, CreatedAt: now.Add(-2 * time.Hour), DueAt: now.Add(-time.Hour),
		MerchantNo: "8800001234", Description: `钱被盗刷了 <script>alert(1)</script> "><img src=x onerror=alert(1)>`,
		Contact: "13812345678", ContactMasked: "138****5678", Category: "资金安全",
		Transcript: []bot.Turn{{Time: now.Add(-2 * time.Hour), From: "user", Text: "提交工单"}, {Time: now.Add(-2 * time.Hour), From: "bot", Text: "请选择类型"}},
		Replies: []bot.TicketReply{
			{Agent: "lin", Text: "已收到", At: now.Add(-time.Hour), DeliveredAt: &delivered},
			{Agent: "lin", Text: "还在处理", At: now.Add(-20 * time.Minute), Pending: true, ErrCode: 45015},
		},
	}
	f.events["GD202612020001"] = []bot.TimelineEvent{
		{At: now.Add(-2 * time.Hour), Kind: "created"},
		{At: now.Add(-time.Hour), Kind: "replied", Agent: "lin", Text: "已收到"},
		{At: now.Add(-30 * time.Minute), Kind: "delivered"},
		{At: now.Add(-25 * time.Minute), Kind: "note", Agent: "lin", Text: "用户情绪激动 <b>注意</b>"},
		{At: now.Add(-20 * time.Minute), Kind: "replied", Agent: "lin", Text: "还在处理"},
		{At: now.Add(-20 * time.Minute), Kind: "failed", ErrCode: 45015},
		{At: now.Add(-10 * time.Minute), Kind: "status_changed", Agent: "lin", From: "open", To: "processing"},
		{At: now.Add(-5 * time.Minute), Kind: "rated", CSAT: 4},
	}
	f.tickets["GD202612020002"] = &bot.Ticket{
		No: "GD202612020002", Type: bot.TypeTech, Priority: bot.PriorityNormal, Status: bot.StatusOpen,
		CreatedAt: now.Add(-time.Hour), DueAt: now.Add(3 * time.Hour), Description: "接口报错",
	}
	return f
}

func (f *fakeDesk) record(format string, args ...any) {
	f.calls = append(f.calls, strings.TrimSpace(strings.Join(append([]string{format}, toStrings(args)...), " ")))
}

func toStrings(args []any) []string {
	var out []string
	for _, a := range args {
		switch v := a.(type) {
		case string:
			out = append(out, v)
		case *string:
			if v == nil {
				out = append(out, "<nil>")
			} else {
				out = append(out, "="+*v)
			}
		}
	}
	return out
}

func (f *fakeDesk) session(name string) bot.Session {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := bot.Session{ID: "sid-" + name, CSRF: "csrf-" + name, Agent: f.agents[name], Expires: f.now.Add(time.Hour)}
	f.sessions[s.ID] = s
	return s
}

func (f *fakeDesk) Login(_ context.Context, name, password, clientIP string) (bot.Session, error) {
	f.mu.Lock()
	err := f.loginErr
	pw, ok := f.passwords[name]
	f.mu.Unlock()
	if err != nil {
		return bot.Session{}, err
	}
	if !ok || pw != password || f.agents[name].Disabled {
		return bot.Session{}, &bot.Error{Code: bot.CodeBadLogin, Message: "账号或密码错误。"}
	}
	return f.session(name), nil
}

func (f *fakeDesk) Session(_ context.Context, id string) (bot.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return bot.Session{}, &bot.Error{Code: bot.CodeNoSession, Message: "请重新登录。"}
	}
	return s, nil
}

func (f *fakeDesk) Logout(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, id)
	f.record("Logout")
	return nil
}

func (f *fakeDesk) LogoutEverywhere(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, s := range f.sessions {
		if s.Agent.Name == name {
			delete(f.sessions, id)
		}
	}
	f.record("LogoutEverywhere", name)
	return nil
}

func (f *fakeDesk) ChangePassword(_ context.Context, a bot.Agent, current, next, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.passwords[a.Name] != current {
		return &bot.Error{Code: bot.CodeInvalid, Message: "当前密码不正确。"}
	}
	f.passwords[a.Name] = next
	for id, s := range f.sessions {
		if s.Agent.Name == a.Name {
			delete(f.sessions, id)
		}
	}
	f.record("ChangePassword", a.Name)
	return nil
}

func (f *fakeDesk) AddAgent(_ context.Context, name string, role bot.Role, password string) (bot.Agent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.agents[name]; ok {
		return bot.Agent{}, &bot.Error{Code: bot.CodeExists, Message: "账号已存在。"}
	}
	a := bot.Agent{Name: name, Role: role, CreatedAt: f.now}
	f.agents[name], f.passwords[name] = a, password
	f.record("AddAgent", name, string(role))
	return a, nil
}

func (f *fakeDesk) Agents(context.Context) ([]bot.Agent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []bot.Agent
	for _, a := range f.agents {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b bot.Agent) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (f *fakeDesk) DisableAgent(_ context.Context, by bot.Agent, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.agents[name]
	if !ok {
		return &bot.Error{Code: bot.CodeNotFound, Message: "账号不存在。"}
	}
	a.Disabled = true
	f.agents[name] = a
	f.record("DisableAgent", by.Name, name)
	return nil
}

func (f *fakeDesk) CreateAPIToken(_ context.Context, a bot.Agent, label string) (string, bot.APIToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := bot.APIToken{ID: "tok1", Label: label, CreatedAt: f.now}
	f.tokens[a.Name] = append(f.tokens[a.Name], t)
	return "ylt_secret_shown_once", t, nil
}

func (f *fakeDesk) APITokens(_ context.Context, a bot.Agent) ([]bot.APIToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[a.Name], nil
}

func (f *fakeDesk) RevokeAPIToken(_ context.Context, a bot.Agent, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("RevokeAPIToken", a.Name, id)
	return nil
}

func (f *fakeDesk) Tickets(_ context.Context, flt bot.TicketFilter) (bot.TicketPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filter = flt
	p := bot.TicketPage{Page: flt.Page, PerPage: flt.PerPage}
	nos := slices.Sorted(maps.Keys(f.tickets))
	for _, no := range nos {
		p.Tickets = append(p.Tickets, *f.tickets[no])
	}
	p.Total = len(p.Tickets)
	return p, nil
}

func (f *fakeDesk) Ticket(_ context.Context, no string) (*bot.Ticket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tickets[no]
	if !ok {
		return nil, &bot.Error{Code: bot.CodeNotFound, Message: "工单不存在。"}
	}
	c := *t
	return &c, nil
}

func (f *fakeDesk) Timeline(_ context.Context, no string) ([]bot.TimelineEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.events[no], nil
}

func (f *fakeDesk) act(name string, args ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.err; err != nil {
		return err
	}
	f.record(name, args...)
	return nil
}

func (f *fakeDesk) ReplyTicket(ctx context.Context, by bot.Agent, no, text string) (*bot.Ticket, error) {
	if err := f.act("ReplyTicket", by.Name, no, text); err != nil {
		return nil, err
	}
	return f.Ticket(ctx, no)
}

func (f *fakeDesk) AddNote(ctx context.Context, by bot.Agent, no, text string) (*bot.Ticket, error) {
	if err := f.act("AddNote", by.Name, no, text); err != nil {
		return nil, err
	}
	return f.Ticket(ctx, no)
}

func (f *fakeDesk) UpdateTicket(ctx context.Context, by bot.Agent, no string, u bot.TicketUpdate) (*bot.Ticket, error) {
	var st, pr *string
	if u.Status != nil {
		s := string(*u.Status)
		st = &s
	}
	if u.Priority != nil {
		p := string(*u.Priority)
		pr = &p
	}
	if err := f.act("UpdateTicket", by.Name, no, st, pr, u.Assignee); err != nil {
		return nil, err
	}
	return f.Ticket(ctx, no)
}

func (f *fakeDesk) RevealContact(ctx context.Context, by bot.Agent, no string) (string, error) {
	t, err := f.Ticket(ctx, no)
	if err != nil {
		return "", err
	}
	f.act("RevealContact", by.Name, no)
	return t.Contact, nil
}

func (f *fakeDesk) CannedReplies() []bot.CannedReply {
	return []bot.CannedReply{{Title: "已受理", Text: "您好，您的问题已受理，我们会尽快处理。"}}
}

func (f *fakeDesk) Audit(context.Context, int) ([]bot.AuditEntry, error) {
	return []bot.AuditEntry{
		{At: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), Agent: "lin", Action: bot.AuditLogin, ClientIP: "127.0.0.1"},
		{At: time.Date(2026, 11, 26, 10, 5, 0, 0, time.UTC), Agent: "lin", Action: string(bot.EventContactViewed), Ticket: "GD202611260001"},
		{At: time.Date(2026, 11, 26, 10, 6, 0, 0, time.UTC), Agent: "<b>x</b>", Action: bot.AuditLoginFailed, Detail: `"><img src=x>`},
	}, nil
}

func (f *fakeDesk) Dashboard(context.Context, time.Time) (bot.Dashboard, error) {
	return bot.Dashboard{
		Today:       bot.Period{Messages: 120, Answered: 80, TicketsCreated: 3, TicketsResolved: 2, SLAMet: 0.5, MedianFirstResponse: 25 * time.Minute, CSATAverage: 4.5, CSATCount: 2},
		Week:        bot.Period{Messages: 900, Answered: 700, TicketsCreated: 20, TicketsResolved: 18, SLAMet: 0.9},
		PerCategory: []bot.CategoryStats{{Slug: "settlement", Name: "结算到账", Answered: 50, Suggested: 5, Tickets: 2}},
		TopUnknown:  []bot.UnknownQuestion{{Text: "花呗 <i>分期</i> 手续费", Count: 7}},
		Open:        map[bot.Priority]int{bot.PriorityUrgent: 1, bot.PriorityNormal: 4},
		Overdue:     map[bot.Priority]int{bot.PriorityUrgent: 1},
	}, nil
}

func (f *fakeDesk) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

var deskNow = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func newTestDesk(t testing.TB, f *fakeDesk, opts deskOptions) http.Handler {
	t.Helper()
	opts.Now = func() time.Time { return deskNow }
	mux := http.NewServeMux()
	addDeskPages(mux, slog.New(slog.NewTextHandler(io.Discard, nil)), f, opts)
	return mux
}

type deskReq struct {
	method, path string
	form         url.Values
	as           string // agent name to sign in as; "" for none
	csrf         string // "" = the session's; "-" = none
	header       map[string]string
}

func do(t testing.TB, h http.Handler, f *fakeDesk, dr deskReq) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	form := url.Values{}
	for k, v := range dr.form {
		form[k] = v
	}
	if dr.as != "" {
		s := f.session(dr.as)
		switch dr.csrf {
		case "":
			form.Set("csrf", s.CSRF)
		case "-":
		default:
			form.Set("csrf", dr.csrf)
		}
	}
	if dr.method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(dr.method, dr.path, body)
	r.RemoteAddr = "192.0.2.7:4321"
	if dr.method == http.MethodPost {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if dr.as != "" {
		r.AddCookie(&http.Cookie{Name: deskCookie, Value: "sid-" + dr.as})
	}
	for k, v := range dr.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestDeskSignedOut(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	tests := []struct {
		method, path string
		wantStatus   int
		wantLocation string
	}{
		{"GET", "/desk/", http.StatusSeeOther, "/desk/login?next=%2Fdesk%2F"},
		{"GET", "/desk/tickets/GD202612020001", http.StatusSeeOther, "/desk/login?next=%2Fdesk%2Ftickets%2FGD202612020001"},
		{"GET", "/desk/dashboard", http.StatusSeeOther, "/desk/login?next=%2Fdesk%2Fdashboard"},
		{"GET", "/desk/agents", http.StatusSeeOther, "/desk/login?next=%2Fdesk%2Fagents"},
		{"POST", "/desk/tickets/GD202612020001/reply", http.StatusSeeOther, "/desk/login?"},
		{"GET", "/desk/queue.json", http.StatusUnauthorized, ""},
		{"GET", "/desk/login", http.StatusOK, ""},
		{"GET", "/desk/static/desk.css", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			w := do(t, h, f, deskReq{method: tt.method, path: tt.path})
			if w.Code != tt.wantStatus || w.Header().Get("Location") != tt.wantLocation {
				t.Errorf("%s %s = %d Location %q, want %d %q", tt.method, tt.path, w.Code, w.Header().Get("Location"), tt.wantStatus, tt.wantLocation)
			}
			if got := w.Header().Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options = %q, want DENY", got)
			}
		})
	}
	if got := f.Calls(); len(got) != 0 {
		t.Errorf("signed-out requests called the desk: %q", got)
	}
}

func TestDeskSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	want := map[string]string{
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	}
	for _, path := range []string{"/desk/login", "/desk/", "/desk/tickets/GD202612020001", "/desk/dashboard", "/desk/tokens", "/desk/nowhere"} {
		w := do(t, h, f, deskReq{method: "GET", path: path, as: "lin"})
		for k, v := range want {
			if got := w.Header().Get(k); got != v {
				t.Errorf("GET %s: %s = %q, want %q", path, k, got, v)
			}
		}
		csp := w.Header().Get("Content-Security-Policy")
		for _, part := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, part) {
				t.Errorf("GET %s: CSP %q lacks %q", path, csp, part)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP allows inline code: %q", path, csp)
		}
		if body := w.Body.String(); strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, " onclick=") {
			t.Errorf("GET %s: page has inline script or style", path)
		}
	}
}

func TestDeskLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		password   string
		csrf       bool
		loginErr   error
		secure     bool
		wantStatus int
		wantText   string
	}{
		{name: "ok", password: "pw-lin-123456", csrf: true, wantStatus: http.StatusSeeOther},
		{name: "ok secure", password: "pw-lin-123456", csrf: true, secure: true, wantStatus: http.StatusSeeOther},
		{name: "wrong password", password: "nope", csrf: true, wantStatus: http.StatusUnauthorized, wantText: "账号或密码错误。"},
		{name: "no csrf", password: "pw-lin-123456", wantStatus: http.StatusForbidden, wantText: "表单已失效"},
		{name: "locked", password: "pw-lin-123456", csrf: true, loginErr: &bot.Error{Code: bot.CodeLocked, Message: "尝试次数过多，请 15 分钟后再试。"}, wantStatus: http.StatusTooManyRequests, wantText: "尝试次数过多，请 15 分钟后再试。"},
		{name: "internal", password: "pw-lin-123456", csrf: true, loginErr: io.ErrUnexpectedEOF, wantStatus: http.StatusInternalServerError, wantText: "系统繁忙"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDesk(deskNow)
			f.loginErr = tt.loginErr
			h := newTestDesk(t, f, deskOptions{CookieSecure: tt.secure})
			page := do(t, h, f, deskReq{method: "GET", path: "/desk/login?next=/desk/dashboard"})
			var token string
			for _, c := range page.Result().Cookies() {
				if c.Name == deskLoginCookie {
					token = c.Value
				}
			}
			if token == "" || !strings.Contains(page.Body.String(), `value="`+token+`"`) {
				t.Fatalf("login page does not carry its CSRF token in a cookie and the form")
			}
			form := url.Values{"name": {"lin"}, "password": {tt.password}, "next": {"/desk/dashboard"}}
			if tt.csrf {
				form.Set("csrf", token)
			}
			r := httptest.NewRequest("POST", "/desk/login", strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.AddCookie(&http.Cookie{Name: deskLoginCookie, Value: token})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("POST /desk/login = %d, want %d\n%s", w.Code, tt.wantStatus, w.Body)
			}
			if tt.wantText != "" && !strings.Contains(w.Body.String(), tt.wantText) {
				t.Errorf("POST /desk/login body lacks %q", tt.wantText)
			}
			if tt.wantStatus != http.StatusSeeOther {
				return
			}
			if got := w.Header().Get("Location"); got != "/desk/dashboard" {
				t.Errorf("Location = %q, want /desk/dashboard", got)
			}
			var c *http.Cookie
			for _, k := range w.Result().Cookies() {
				if k.Name == deskCookie {
					c = k
				}
			}
			if c == nil {
				t.Fatal("no session cookie")
			}
			got := [5]any{c.Value, c.HttpOnly, c.SameSite, c.Path, c.Secure}
			want := [5]any{"sid-lin", true, http.SameSiteStrictMode, "/desk/", tt.secure}
			if got != want {
				t.Errorf("cookie (value, HttpOnly, SameSite, Path, Secure) = %v, want %v", got, want)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/desk/tickets/GD1": "/desk/tickets/GD1",
		"":                  "/desk/",
		"//evil.example/":   "/desk/",
		"https://evil/":     "/desk/",
		"/desk/\\evil":      "/desk/",
		"/metrics":          "/desk/",
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeskCSRF(t *testing.T) {
	t.Parallel()
	posts := []struct {
		path string
		form url.Values
	}{
		{"/desk/tickets/GD202612020001/reply", url.Values{"text": {"你好"}}},
		{"/desk/tickets/GD202612020001/note", url.Values{"text": {"备注"}}},
		{"/desk/tickets/GD202612020001/update", url.Values{"status": {"resolved"}}},
		{"/desk/tickets/GD202612020001/contact", nil},
		{"/desk/agents", url.Values{"name": {"new.agent"}, "password": {"pw-new-123456"}}},
		{"/desk/agents/lin/disable", nil},
		{"/desk/tokens", url.Values{"label": {"crm"}}},
		{"/desk/tokens/tok1/revoke", nil},
		{"/desk/logout", nil},
		{"/desk/logout-everywhere", nil},
	}
	for _, p := range posts {
		for _, csrf := range []string{"-", "csrf-lin"} {
			t.Run(p.path+" csrf="+csrf, func(t *testing.T) {
				t.Parallel()
				f := newFakeDesk(deskNow)
				h := newTestDesk(t, f, deskOptions{})
				w := do(t, h, f, deskReq{method: "POST", path: p.path, form: p.form, as: "boss", csrf: csrf})
				if w.Code != http.StatusForbidden {
					t.Errorf("POST %s with csrf %q = %d, want 403", p.path, csrf, w.Code)
				}
				if got := f.Calls(); len(got) != 0 {
					t.Errorf("refused POST called the desk: %q", got)
				}
			})
		}
		t.Run(p.path+" ok", func(t *testing.T) {
			t.Parallel()
			f := newFakeDesk(deskNow)
			h := newTestDesk(t, f, deskOptions{})
			w := do(t, h, f, deskReq{method: "POST", path: p.path, form: p.form, as: "boss"})
			if w.Code >= 400 {
				t.Errorf("POST %s with the session's token = %d, want success\n%s", p.path, w.Code, w.Body)
			}
		})
	}
}

func TestDeskQueueFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query string
		want  bot.TicketFilter
	}{
		{"", bot.TicketFilter{Page: 1, PerPage: deskPerPage}},
		{"status=resolved&priority=urgent&type=tech&page=3", bot.TicketFilter{Status: "resolved", Priority: "urgent", Type: "tech", Page: 3, PerPage: deskPerPage}},
		{"overdue=1&mine=1", bot.TicketFilter{Overdue: true, AssignedTo: "lin", Page: 1, PerPage: deskPerPage}},
		{"unassigned=1&q=+5678+&page=-2", bot.TicketFilter{Unassigned: true, Query: "5678", Page: 1, PerPage: deskPerPage}},
	}
	for _, tt := range tests {
		for _, path := range []string{"/desk/?", "/desk/queue.json?"} {
			f := newFakeDesk(deskNow)
			h := newTestDesk(t, f, deskOptions{})
			w := do(t, h, f, deskReq{method: "GET", path: path + tt.query, as: "lin"})
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s%s = %d", path, tt.query, w.Code)
			}
			if diff := cmp.Diff(tt.want, f.filter); diff != "" {
				t.Errorf("GET %s%s: filter (-want +got):\n%s", path, tt.query, diff)
			}
		}
	}
}

func TestDeskQueue(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "GET", path: "/desk/?status=open", as: "lin"})
	body := w.Body.String()
	for _, want := range []string{
		`<tr data-no="GD202612020001" class="urgent">`, "已超时 1小时", "sla-overdue", "剩余 3小时", "共 2 个",
		`data-poll="/desk/queue.json?status=open"`, `<option value="open" selected>`, "钱被盗刷了 &lt;script&gt;",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("queue page lacks %q", want)
		}
	}
	if strings.Contains(body, "o_secret_openid") || strings.Contains(body, "13812345678") {
		t.Error("queue page shows the OpenID or the full phone")
	}

	w = do(t, h, f, deskReq{method: "GET", path: "/desk/queue.json", as: "lin"})
	var got struct {
		Total   int
		Tickets []struct {
			No, Contact string
			SLA         struct{ Class string }
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Total != 2 || len(got.Tickets) != 2 || got.Tickets[0].No != "GD202612020001" || got.Tickets[0].Contact != "138****5678" || got.Tickets[0].SLA.Class != "sla-overdue" {
		t.Errorf("queue.json = %+v", got)
	}
	if strings.Contains(w.Body.String(), "o_secret_openid") || strings.Contains(w.Body.String(), "13812345678") {
		t.Error("queue.json carries the OpenID or the full phone")
	}
}

func TestDeskTicketPage(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "GET", path: "/desk/tickets/gd202612020001?done=noted", as: "lin"})
	if w.Code != http.StatusOK {
		t.Fatalf("GET ticket = %d\n%s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{
		"商户服务", "紧急", "处理中", "8800001234", "资金安全", "138****5678", "显示完整号码",
		"&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt;",
		"已送达", "发送失败（errcode 45015），将在用户下次留言时补发", "内部备注", "用户情绪激动 &lt;b&gt;注意&lt;/b&gt;", "不会发送给用户",
		"状态：待处理 → 处理中", "用户评分：4 分", "★★★★☆",
		`data-text="您好，您的问题已受理，我们会尽快处理。"`, "内部备注已添加", `id="live-chat"`,
		`value="csrf-lin"`, "提交工单", "请选择类型",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("ticket page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "13812345678", "o_secret_openid", "<b>注意"} {
		if strings.Contains(body, bad) {
			t.Errorf("ticket page contains %q", bad)
		}
	}

	w = do(t, h, f, deskReq{method: "GET", path: "/desk/tickets/GD209912319999", as: "lin"})
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "工单不存在。") {
		t.Errorf("GET missing ticket = %d, want 404 with 工单不存在。", w.Code)
	}
	w = do(t, h, f, deskReq{method: "GET", path: "/desk/tickets/..%2fetc", as: "lin"})
	if w.Code != http.StatusNotFound {
		t.Errorf("GET bad ticket number = %d, want 404", w.Code)
	}
}

func TestDeskTimelineDelivery(t *testing.T) {
	t.Parallel()
	d := newDesk(slog.New(slog.NewTextHandler(io.Discard, nil)), nil, deskOptions{})
	at := deskNow
	tk := &bot.Ticket{Replies: []bot.TicketReply{{DeliveredAt: &at}, {Pending: true}, {Pending: true, ErrCode: 45047}}}
	events := []bot.TimelineEvent{
		{Kind: "replied", Text: "a"}, {Kind: "delivered"},
		{Kind: "replied", Text: "b"}, {Kind: "pending"},
		{Kind: "replied", Text: "c"}, {Kind: "failed", ErrCode: 45047},
	}
	var got []string
	for _, it := range d.timeline(tk, events) {
		got = append(got, it.Text+":"+it.Delivery)
	}
	want := []string{"a:已送达", "b:待送达（用户48小时未互动）", "c:发送失败（errcode 45047），将在用户下次留言时补发"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
}

func TestDeskTicketActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		path       string
		form       url.Values
		err        error
		wantStatus int
		wantCall   string
		wantText   string
	}{
		{name: "reply", path: "reply", form: url.Values{"text": {" 已为您处理 "}}, wantStatus: 303, wantCall: "ReplyTicket lin GD202612020001 已为您处理"},
		{name: "empty reply", path: "reply", form: url.Values{"text": {"  "}}, wantStatus: 400, wantText: "请输入内容。"},
		{name: "refused reply keeps the draft", path: "reply", form: url.Values{"text": {"请告诉我验证码"}},
			err: &bot.Error{Code: bot.CodeInvalid, Message: "官方客服不会向用户索要验证码或密码，回复未发送。"}, wantStatus: 400,
			wantText: "官方客服不会向用户索要验证码或密码，回复未发送。"},
		{name: "note", path: "note", form: url.Values{"text": {"内部说明"}}, wantStatus: 303, wantCall: "AddNote lin GD202612020001 内部说明"},
		{name: "resolve", path: "update", form: url.Values{"status": {"resolved"}}, wantStatus: 303, wantCall: "UpdateTicket lin GD202612020001 =resolved <nil> <nil>"},
		{name: "assign", path: "update", form: url.Values{"assignee": {"boss"}}, wantStatus: 303, wantCall: "UpdateTicket lin GD202612020001 <nil> <nil> =boss"},
		{name: "unassign", path: "update", form: url.Values{"assignee": {""}}, wantStatus: 303, wantCall: "UpdateTicket lin GD202612020001 <nil> <nil> ="},
		{name: "priority", path: "update", form: url.Values{"priority": {"normal"}, "status": {"processing"}}, wantStatus: 303, wantCall: "UpdateTicket lin GD202612020001 =processing =normal <nil>"},
		{name: "nothing to update", path: "update", form: url.Values{}, wantStatus: 400, wantText: "没有要更新的内容。"},
		{name: "internal error", path: "note", form: url.Values{"text": {"x"}}, err: io.ErrUnexpectedEOF, wantStatus: 500, wantText: "系统繁忙"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDesk(deskNow)
			f.err = tt.err
			h := newTestDesk(t, f, deskOptions{})
			w := do(t, h, f, deskReq{method: "POST", path: "/desk/tickets/GD202612020001/" + tt.path, form: tt.form, as: "lin"})
			if w.Code != tt.wantStatus {
				t.Fatalf("POST %s = %d, want %d\n%s", tt.path, w.Code, tt.wantStatus, w.Body)
			}
			if tt.wantStatus == 303 && !strings.HasPrefix(w.Header().Get("Location"), "/desk/tickets/GD202612020001?done=") {
				t.Errorf("Location = %q", w.Header().Get("Location"))
			}
			var want []string
			if tt.wantCall != "" {
				want = []string{tt.wantCall}
			}
			if diff := cmp.Diff(want, f.Calls()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if tt.wantText != "" && !strings.Contains(w.Body.String(), tt.wantText) {
				t.Errorf("body lacks %q", tt.wantText)
			}
			if tt.err != nil && tt.path == "reply" && !strings.Contains(w.Body.String(), ">"+tt.form.Get("text")+"</textarea>") {
				t.Errorf("refused reply's text is not kept in the reply box")
			}
		})
	}
}

func TestDeskRevealContact(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "POST", path: "/desk/tickets/GD202612020001/contact", as: "lin", csrf: "-", header: map[string]string{"X-CSRF-Token": "csrf-lin"}})
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"contact":"13812345678"}` {
		t.Errorf("fetch reveal = %d %s", w.Code, w.Body)
	}
	w = do(t, h, f, deskReq{method: "POST", path: "/desk/tickets/GD202612020001/contact", as: "lin"})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `<span data-testid="contact">13812345678</span>`) {
		t.Errorf("form reveal = %d, want the ticket page with the full number", w.Code)
	}
	want := []string{"RevealContact lin GD202612020001", "RevealContact lin GD202612020001"}
	if diff := cmp.Diff(want, f.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestDeskAdminOnly(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	for _, r := range []deskReq{
		{method: "GET", path: "/desk/agents", as: "lin"},
		{method: "POST", path: "/desk/agents", form: url.Values{"name": {"x1"}, "password": {"pw-x-1234567"}, "role": {"admin"}}, as: "lin"},
		{method: "POST", path: "/desk/agents/boss/disable", as: "lin"},
		{method: "GET", path: "/desk/audit", as: "lin"},
	} {
		w := do(t, h, f, r)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "仅管理员") {
			t.Errorf("%s %s as an agent = %d, want 403", r.method, r.path, w.Code)
		}
	}
	if got := f.Calls(); len(got) != 0 {
		t.Errorf("an agent reached admin actions: %q", got)
	}
	if body := do(t, h, f, deskReq{method: "GET", path: "/desk/", as: "lin"}).Body.String(); strings.Contains(body, `href="/desk/agents"`) {
		t.Error("an agent's navigation links to the admin page")
	}
	if body := do(t, h, f, deskReq{method: "GET", path: "/desk/", as: "boss"}).Body.String(); !strings.Contains(body, `href="/desk/agents"`) {
		t.Error("an admin's navigation lacks the admin page")
	}
}

// TestDeskAudit: an admin reads the audit trail in Chinese, user-supplied text escaped.
func TestDeskAudit(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "GET", path: "/desk/audit", as: "boss"})
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("GET /desk/audit as an admin = %d", w.Code)
	}
	for _, want := range []string{"登录", "查看完整联系电话", `href="/desk/tickets/GD202611260001"`, "登录失败", "&lt;b&gt;x&lt;/b&gt;", "&#34;&gt;&lt;img src=x&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	if strings.Contains(body, "<img src=x>") || strings.Contains(body, "<b>x</b>") {
		t.Error("audit page renders user-supplied markup")
	}
}

func TestDeskAgents(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "POST", path: "/desk/agents", form: url.Values{"name": {"wang"}, "password": {"pw-wang-123456"}, "role": {"superuser"}}, as: "boss"})
	if w.Code != 303 || w.Header().Get("Location") != "/desk/agents?done=agent_added" {
		t.Fatalf("add agent = %d %q", w.Code, w.Header().Get("Location"))
	}
	w = do(t, h, f, deskReq{method: "POST", path: "/desk/agents", form: url.Values{"name": {"wang"}, "password": {"x"}}, as: "boss"})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "账号已存在。") || !strings.Contains(w.Body.String(), `value="wang"`) {
		t.Errorf("add existing agent = %d, want 409 with the message and the name kept", w.Code)
	}
	w = do(t, h, f, deskReq{method: "POST", path: "/desk/agents/wang/disable", as: "boss"})
	if w.Code != 303 {
		t.Errorf("disable = %d", w.Code)
	}
	w = do(t, h, f, deskReq{method: "GET", path: "/desk/agents?done=disabled", as: "boss"})
	if !strings.Contains(w.Body.String(), "已停用") || !strings.Contains(w.Body.String(), "账号已停用") {
		t.Errorf("agents page does not show the disabled agent")
	}
	want := []string{"AddAgent wang agent", "DisableAgent boss wang"}
	if diff := cmp.Diff(want, f.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestDeskTokens(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "POST", path: "/desk/tokens", form: url.Values{"label": {"CRM 同步"}}, as: "lin"})
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), "ylt_secret_shown_once") || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("create token = %d, want 201 showing the token, not cached", w.Code)
	}
	w = do(t, h, f, deskReq{method: "GET", path: "/desk/tokens", as: "lin"})
	if strings.Contains(w.Body.String(), "ylt_secret_shown_once") || !strings.Contains(w.Body.String(), "CRM 同步") {
		t.Errorf("token list shows the secret again or lacks the label")
	}
}

// TestDeskChangePassword: the account page changes the agent's own password; a mismatch or a
// wrong current password keeps the agent on the page with the reason, success signs out.
func TestDeskChangePassword(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "GET", path: "/desk/tokens", as: "lin"})
	if !strings.Contains(w.Body.String(), `action="/desk/password"`) {
		t.Fatal("the account page has no password form")
	}
	for _, tt := range []struct {
		name, current, next, confirm string
		want                         int
		msg                          string
	}{
		{"mismatch", "pw-lin-123456", "new-password-1", "new-password-2", 400, "两次输入的新密码不一致"},
		{"wrong current", "guess-123456", "new-password-1", "new-password-1", 400, "当前密码不正确"},
	} {
		w := do(t, h, f, deskReq{method: "POST", path: "/desk/password", as: "lin",
			form: url.Values{"current": {tt.current}, "new": {tt.next}, "confirm": {tt.confirm}}})
		if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.msg) || !strings.Contains(w.Body.String(), `action="/desk/password"`) {
			t.Errorf("%s: POST /desk/password = %d, want %d with %q on the account page", tt.name, w.Code, tt.want, tt.msg)
		}
		if strings.Contains(w.Body.String(), tt.current) || strings.Contains(w.Body.String(), tt.next) {
			t.Errorf("%s: the page echoes a password", tt.name)
		}
	}
	w = do(t, h, f, deskReq{method: "POST", path: "/desk/password", as: "lin", csrf: "-",
		form: url.Values{"current": {"pw-lin-123456"}, "new": {"new-password-1"}, "confirm": {"new-password-1"}}})
	if w.Code != http.StatusForbidden {
		t.Errorf("without the CSRF token = %d, want 403", w.Code)
	}
	w = do(t, h, f, deskReq{method: "POST", path: "/desk/password", as: "lin",
		form: url.Values{"current": {"pw-lin-123456"}, "new": {"new-password-1"}, "confirm": {"new-password-1"}}})
	if w.Code != 303 || w.Header().Get("Location") != "/desk/login?done=password" {
		t.Fatalf("change = %d %q, want a redirect to the login page", w.Code, w.Header().Get("Location"))
	}
	r := httptest.NewRequest("GET", "/desk/login?done=password", nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if !strings.Contains(w.Body.String(), "密码已修改") {
		t.Error("the login page does not say the password was changed")
	}
	if diff := cmp.Diff([]string{"ChangePassword lin"}, f.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestDeskLogout(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "POST", path: "/desk/logout", as: "lin"})
	if w.Code != 303 || w.Header().Get("Location") != "/desk/login" {
		t.Fatalf("logout = %d %q", w.Code, w.Header().Get("Location"))
	}
	r := httptest.NewRequest("GET", "/desk/", nil)
	r.AddCookie(&http.Cookie{Name: deskCookie, Value: "sid-lin"})
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 303 || !strings.Contains(w.Header().Get("Location"), "expired=1") {
		t.Errorf("GET after logout = %d %q, want a redirect to login saying the session expired", w.Code, w.Header().Get("Location"))
	}
}

func TestDeskDashboard(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "GET", path: "/desk/dashboard", as: "lin"})
	body := w.Body.String()
	for _, want := range []string{"用户消息", "<td class=\"num\">120</td>", "25分钟", "50%", "90%", "4.5 分（2 个评分）", "结算到账", "bar w100", "花呗 &lt;i&gt;分期&lt;/i&gt; 手续费"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}

func TestDeskReservedConversations(t *testing.T) {
	t.Parallel()
	f := newFakeDesk(deskNow)
	h := newTestDesk(t, f, deskOptions{})
	w := do(t, h, f, deskReq{method: "GET", path: "/desk/conversations/abc", as: "lin"})
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "实时会话") {
		t.Errorf("GET /desk/conversations/abc = %d", w.Code)
	}
}

func TestShortDuration(t *testing.T) {
	t.Parallel()
	tests := map[time.Duration]string{
		30 * time.Second:              "不到1分钟",
		-35 * time.Minute:             "35分钟",
		2 * time.Hour:                 "2小时",
		2*time.Hour + 15*time.Minute:  "2小时15分",
		50*time.Hour + 10*time.Minute: "2天2小时",
	}
	for in, want := range tests {
		if got := shortDuration(in); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", in, got, want)
		}
	}
}
