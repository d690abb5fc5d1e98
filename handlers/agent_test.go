package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/openapitest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/handlers/wechat/wechatfake"
)

const testAdminToken = "agent-test-token-0123456789"

// deskServer is the whole HTTP edge with the agent API, a real bot on real Redis, and a fake
// WeChat API that receives the agents' replies.
type deskServer struct {
	testServer
	admin http.Handler // the admin listener's handler
	fake  *wechatfake.Server
}

func newDeskServer(t *testing.T, now func() time.Time) deskServer {
	t.Helper()
	rdb, prefix := redistest.New(t)
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	api := wechat.NewClient(wechat.ClientOptions{AppID: fake.AppID, AppSecret: fake.AppSecret, BaseURL: fake.URL, Cache: &memCache{}})
	b := bot.New(mustIndex(t), bot.Options{Redis: rdb, Prefix: prefix, Now: now, Contact: testContact, Messenger: messenger{api}})
	h := New(slog.New(slog.DiscardHandler), b, Options{WeChat: plainWC, Now: now})
	admin := NewAdmin(slog.New(slog.DiscardHandler), b, AdminOptions{Now: now, AdminToken: testAdminToken})
	admin = openapitest.Load(t).Handler(t, admin) // every agent API exchange must match openapi.yaml
	return deskServer{testServer{h: h, sim: wechat.NewSimulator(plainWC), bot: b}, admin, fake}
}

// messenger adapts the WeChat client to bot.Messenger as cmd/yilianbot does: WeChat's
// ErrOutsideWindow is the bot's too.
type messenger struct{ c *wechat.Client }

func (m messenger) SendText(ctx context.Context, openID, text string) error {
	return outsideWindow(m.c.SendText(ctx, openID, text))
}

func (m messenger) SendTemplate(ctx context.Context, openID, templateID string, fields map[string]string) error {
	return outsideWindow(m.c.SendTemplate(ctx, openID, templateID, fields))
}

func outsideWindow(err error) error {
	if errors.Is(err, wechat.ErrOutsideWindow) {
		return fmt.Errorf("%w: %w", err, bot.ErrOutsideWindow)
	}
	return err
}

// memCache is an in-memory wechat.TokenCache; its values never expire.
type memCache struct {
	mu   sync.Mutex
	vals map[string]string
}

func (c *memCache) Get(_ context.Context, key string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.vals[key], nil
}

func (c *memCache) Set(_ context.Context, key, value string, _ time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vals == nil {
		c.vals = make(map[string]string)
	}
	c.vals[key] = value
	return nil
}

func (c *memCache) Delete(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.vals, key)
	return nil
}

// say sends text as openID and returns the reply content.
func (ds deskServer) say(t *testing.T, openID, text string, now time.Time) string {
	t.Helper()
	rec := ds.post(t, ds.sim.TextXML(openID, text, ds.sim.NextMsgID(), now), now)
	r, err := ds.sim.Open(rec.Body.Bytes())
	if err != nil || rec.Code != 200 {
		t.Fatalf("say %q: HTTP %d %v", text, rec.Code, err)
	}
	return r.Content
}

func (ds deskServer) api(t *testing.T, method, path, token, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	ds.admin.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// TestAgentAPI plays the checker's scenario: a user types secrets in passing, then files a
// technical ticket; agents read it, reply and resolve it through the API.
func TestAgentAPI(t *testing.T) {
	t.Parallel()
	now := goldenNow
	clock := func() time.Time { return now }
	ds := newDeskServer(t, clock)
	user := "o_agent_user"

	for _, line := range []string{"我的验证码是384756，你帮我看看", "卡号 6222020200112233446 扣款了"} {
		if got := ds.say(t, user, line, now); strings.Contains(got, "384756") || strings.Contains(got, "6222020200112233446") {
			t.Fatalf("reply echoes a secret: %s", got)
		}
	}
	var last string
	for _, line := range []string{"提交工单", "2", "12345", "8812345678", "调用下单接口返回签名错误，错误码 40004，时间 10:05，请求号 req-7f3a", "跳过"} {
		last = ds.say(t, user, line, now)
		if line == "12345" && !strings.Contains(last, "88") {
			t.Errorf("reply to a wrong merchant number lacks the format: %s", last)
		}
	}
	no := bot.TicketNoRE.FindString(last)
	if no == "" {
		t.Fatalf("last reply has no ticket number: %s", last)
	}

	for _, tt := range []struct{ name, token string }{{"no token", ""}, {"wrong token", "not-the-token"}} {
		if code, body := ds.api(t, "GET", "/api/v1/tickets", tt.token, ""); code != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
			t.Errorf("%s: GET /api/v1/tickets = %d %s, want 401 with a JSON error", tt.name, code, body)
		}
	}

	code, body := ds.api(t, "GET", "/api/v1/tickets", testAdminToken, "")
	if code != 200 || !strings.Contains(body, no) || !strings.Contains(body, "8812345678") {
		t.Fatalf("GET /api/v1/tickets = %d %s, want the ticket with its merchant number", code, body)
	}
	code, body = ds.api(t, "GET", "/api/v1/tickets/"+no, testAdminToken, "")
	if code != 200 {
		t.Fatalf("GET ticket = %d %s", code, body)
	}
	var tk bot.Ticket
	if err := json.Unmarshal([]byte(body), &tk); err != nil {
		t.Fatal(err)
	}
	if tk.MerchantNo != "8812345678" || tk.Type != bot.TypeTech || tk.Status != bot.StatusOpen || !strings.Contains(tk.Description, "40004") {
		t.Errorf("ticket = %+v, want a tech ticket with merchant number and description", tk)
	}
	if len(tk.Transcript) == 0 {
		t.Error("ticket carries no transcript")
	}
	for _, secret := range []string{"384756", "6222020200112233446", "6222 0202"} {
		if strings.Contains(body, secret) {
			t.Errorf("the API returns a secret the user typed (%s): %s", secret, body)
		}
	}

	// An agent replies inside the 48-hour window: delivered as a customer-service message.
	code, body = ds.api(t, "POST", "/api/v1/tickets/"+no+"/replies", testAdminToken, `{"text":"请将 AppSecret 重置后重试，签名需用 UTF-8 编码。"}`)
	if code != 201 {
		t.Fatalf("POST reply = %d %s", code, body)
	}
	sent := ds.fake.Sent()
	if len(sent) != 1 || sent[0].OpenID != user || !strings.Contains(sent[0].Content, "UTF-8") || !strings.Contains(sent[0].Content, no) {
		t.Fatalf("WeChat received %+v, want the agent's reply to %s", sent, user)
	}
	if !strings.Contains(body, `"status":"processing"`) || !strings.Contains(body, `"delivered_at"`) {
		t.Errorf("after a delivered reply the ticket = %s, want processing and delivered_at", body)
	}

	// Outside the window WeChat answers 45015: the reply waits for the user's next message.
	ds.fake.FailFor(user, 45015)
	if code, body = ds.api(t, "POST", "/api/v1/tickets/"+no+"/replies", testAdminToken, `{"text":"已为您重置，请再试一次。"}`); code != 201 || !strings.Contains(body, `"pending":true`) {
		t.Fatalf("POST reply outside the window = %d %s, want 201 with the reply pending", code, body)
	}
	ds.fake.FailFor(user, 0)
	if got := ds.say(t, user, "你好", now); !strings.Contains(got, "已为您重置") {
		t.Errorf("the user's next reply lacks the pending agent reply: %s", got)
	}
	if got := ds.say(t, user, "谢谢", now); strings.Contains(got, "已为您重置") {
		t.Errorf("the pending reply was shown twice: %s", got)
	}

	// Lookup by the owner shows the latest agent reply; another user learns nothing.
	if got := ds.say(t, user, "查询工单 "+no, now); !strings.Contains(got, "处理中") || !strings.Contains(got, "已为您重置") {
		t.Errorf("owner's lookup = %s", got)
	}
	other := ds.say(t, "o_someone_else", "查询工单 "+no, now)
	missing := ds.say(t, "o_someone_else", "查询工单 GD209901019999", now)
	if strings.ReplaceAll(other, no, "X") != strings.ReplaceAll(missing, "GD209901019999", "X") {
		t.Errorf("another user's lookup differs from a missing number's:\n%s\n%s", other, missing)
	}

	// Resolving tells the user and asks for a score; "5" is stored.
	if code, body = ds.api(t, "PATCH", "/api/v1/tickets/"+no, testAdminToken, `{"status":"resolved"}`); code != 200 || !strings.Contains(body, `"status":"resolved"`) {
		t.Fatalf("PATCH resolved = %d %s", code, body)
	}
	if s := ds.fake.Sent(); len(s) < 2 || !strings.Contains(s[len(s)-1].Content, "1-5") {
		t.Errorf("resolving sent %+v, want a message asking for a 1-5 score", s)
	}
	ds.say(t, user, "5", now)
	if _, body = ds.api(t, "GET", "/api/v1/tickets/"+no, testAdminToken, ""); !strings.Contains(body, `"csat":5`) {
		t.Errorf("ticket after the score = %s, want csat 5", body)
	}

	code, body = ds.api(t, "GET", "/api/v1/stats", testAdminToken, "")
	if code != 200 || !strings.Contains(body, `"resolved":1`) || !strings.Contains(body, `"csat_average":5`) {
		t.Errorf("GET /api/v1/stats = %d %s", code, body)
	}
}

func TestAgentAPIErrors(t *testing.T) {
	t.Parallel()
	ds := newDeskServer(t, func() time.Time { return goldenNow })
	tests := []struct {
		method, path, body string
		wantCode           int
		wantErr            string
	}{
		{"GET", "/api/v1/tickets/GD202611260001", "", 404, "not_found"},
		{"GET", "/api/v1/tickets/nonsense", "", 404, "not_found"},
		{"GET", "/api/v1/tickets?status=lost", "", 422, "invalid_request"},
		{"GET", "/api/v1/tickets?overdue=maybe", "", 400, "invalid_request"},
		{"GET", "/api/v1/tickets?page=0", "", 400, "invalid_request"},
		{"GET", "/api/v1/tickets?per_page=101", "", 400, "invalid_request"},
		{"GET", "/api/v1/tickets?per_page=0", "", 400, "invalid_request"},
		{"GET", "/api/v1/tickets?per_page=-5", "", 400, "invalid_request"},
		{"GET", "/api/v1/tickets?per_page=ten", "", 400, "invalid_request"},
		{"POST", "/api/v1/tickets/GD202611260001/replies", `{"agent":"a"}`, 422, "invalid_request"},
		{"POST", "/api/v1/tickets/GD202611260001/replies", `not json`, 400, "invalid_request"},
		{"POST", "/api/v1/tickets/GD202611260001/replies", `{"text":"hi","extra":1}`, 400, "invalid_request"},
		{"POST", "/api/v1/tickets/GD202611260001/replies", `{"text":"hi"}`, 404, "not_found"},
		{"POST", "/api/v1/tickets/GD202611260001/replies", `{"agent":"xiaowang","text":"hi"}`, 422, "invalid_request"},
		{"PATCH", "/api/v1/tickets/GD202611260001", `{"status":"done"}`, 422, "invalid_request"},
		{"PATCH", "/api/v1/tickets/GD202611260001", `{}`, 422, "invalid_request"},
	}
	for _, tt := range tests {
		code, body := ds.api(t, tt.method, tt.path, testAdminToken, tt.body)
		if code != tt.wantCode || !strings.Contains(body, `"code":"`+tt.wantErr+`"`) {
			t.Errorf("%s %s %s = %d %s, want %d %s", tt.method, tt.path, tt.body, code, body, tt.wantCode, tt.wantErr)
		}
		var e apiError
		if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Message == "" {
			t.Errorf("%s %s: error body %q is not {\"error\":{\"code\",\"message\"}}", tt.method, tt.path, body)
		}
	}
	if code, _ := ds.api(t, "GET", "/api/v1/tickets", testAdminToken, ""); code != http.StatusOK {
		t.Errorf("empty list = %d, want 200", code)
	}
	for _, perPage := range []string{"1", "100"} {
		code, body := ds.api(t, "GET", "/api/v1/tickets?per_page="+perPage, testAdminToken, "")
		if code != http.StatusOK || !strings.Contains(body, `"per_page":`+perPage+`,`) {
			t.Errorf("GET /api/v1/tickets?per_page=%s = %d %s, want 200 with that page size", perPage, code, body)
		}
	}
}

// TestAgentAPIIdentity: per-agent tokens authenticate as their agent, who is the author of what
// they do (timeline, audit); agents cannot use admin operations; ADMIN_TOKEN is the built-in
// admin; a revoked token is refused.
func TestAgentAPIIdentity(t *testing.T) {
	t.Parallel()
	now := goldenNow
	ds := newDeskServer(t, func() time.Time { return now })
	ctx := context.Background()
	if _, err := ds.bot.AddAgent(ctx, "wang", bot.RoleAgent, "correct-horse-battery"); err != nil {
		t.Fatal(err)
	}
	wang, err := ds.bot.AgentByToken(ctx, "ylt_x")
	if err == nil {
		t.Fatalf("AgentByToken(guess) = %+v, want an error", wang)
	}
	code, body := ds.api(t, "POST", "/api/v1/tokens", testAdminToken, `{"label":"x"}`)
	if code != 422 {
		t.Errorf("POST /api/v1/tokens as ADMIN_TOKEN = %d %s, want 422 (it has no tokens of its own)", code, body)
	}
	token, _, err := ds.bot.CreateAPIToken(ctx, bot.Agent{Name: "wang", Role: bot.RoleAgent}, "脚本")
	if err != nil {
		t.Fatal(err)
	}

	var last string
	for _, line := range []string{"提交工单", "0", "发票还没有收到，请帮忙查一下", "13812345678"} {
		last = ds.say(t, "o_identity_user", line, now)
	}
	no := bot.TicketNoRE.FindString(last)
	if no == "" {
		t.Fatalf("no ticket number in %q", last)
	}

	tests := []struct {
		name, token, method, path, body string
		wantCode                        int
		wantBody                        string
	}{
		{"me", token, "GET", "/api/v1/me", "", 200, `"name":"wang"`},
		{"me as ADMIN_TOKEN", testAdminToken, "GET", "/api/v1/me", "", 200, `"name":"admin-token","role":"admin"`},
		{"queue", token, "GET", "/api/v1/tickets?q=5678", "", 200, no},
		{"reply", token, "POST", "/api/v1/tickets/" + no + "/replies", `{"text":"已为您补开发票。"}`, 201, `"agent":"wang"`},
		{"reply in another's name", token, "POST", "/api/v1/tickets/" + no + "/replies", `{"agent":"boss","text":"hi"}`, 422, "authenticated agent"},
		{"note", token, "POST", "/api/v1/tickets/" + no + "/notes", `{"text":"客户来电 13812345678 催办"}`, 201, no},
		{"assign", token, "PATCH", "/api/v1/tickets/" + no, `{"assignee":"wang"}`, 200, `"assignee":"wang"`},
		{"assign to nobody known", token, "PATCH", "/api/v1/tickets/" + no, `{"assignee":"ghost"}`, 422, "ghost"},
		{"contact", token, "POST", "/api/v1/tickets/" + no + "/contact", "", 200, `"contact":"13812345678"`},
		{"timeline", token, "GET", "/api/v1/tickets/" + no + "/timeline", "", 200, `"kind":"contact_viewed","agent":"wang"`},
		{"dashboard", token, "GET", "/api/v1/dashboard", "", 200, `"tickets_created":1`},
		{"canned replies", token, "GET", "/api/v1/canned-replies", "", 200, `"canned_replies":[]`},
		{"agents: forbidden", token, "GET", "/api/v1/agents", "", 403, "forbidden"},
		{"add agent: forbidden", token, "POST", "/api/v1/agents", `{"name":"li"}`, 403, "forbidden"},
		{"disable: forbidden", token, "POST", "/api/v1/agents/wang/disable", "", 403, "forbidden"},
		{"audit: forbidden", token, "GET", "/api/v1/audit", "", 403, "forbidden"},
		{"kb reload: forbidden", token, "POST", "/api/v1/kb/reload", "", 403, "forbidden"},
		{"agents as admin", testAdminToken, "GET", "/api/v1/agents", "", 200, `"name":"wang"`},
		{"add agent as admin", testAdminToken, "POST", "/api/v1/agents", `{"name":"li"}`, 201, `"password":"`},
		{"add it again", testAdminToken, "POST", "/api/v1/agents", `{"name":"li"}`, 409, "exists"},
		{"audit as admin", testAdminToken, "GET", "/api/v1/audit", "", 200, `"action":"replied","ticket":"` + no + `"`},
	}
	for _, tt := range tests {
		code, body := ds.api(t, tt.method, tt.path, tt.token, tt.body)
		if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
			t.Errorf("%s: %s %s = %d %s, want %d with %s", tt.name, tt.method, tt.path, code, body, tt.wantCode, tt.wantBody)
		}
	}
	_, body = ds.api(t, "GET", "/api/v1/tickets/"+no+"/timeline", token, "")
	for _, want := range []string{`"kind":"created"`, `"kind":"replied","agent":"wang"`, `"kind":"note","agent":"wang","text":"客户来电 138****5678 催办"`,
		`"kind":"status_changed","agent":"wang","from":"open","to":"processing"`, `"kind":"assigned","agent":"wang","to":"wang"`} {
		if !strings.Contains(body, want) {
			t.Errorf("timeline lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "13812345678") {
		t.Errorf("the timeline holds the full phone: %s", body)
	}

	if code, _ := ds.api(t, "POST", "/api/v1/agents/wang/disable", testAdminToken, ""); code != 204 {
		t.Errorf("disable wang = %d, want 204", code)
	}
	if code, _ := ds.api(t, "GET", "/api/v1/me", token, ""); code != 401 {
		t.Errorf("a disabled agent's token = %d, want 401", code)
	}
}
