package main

import (
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/browsertest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/handlers/wechat/wechatfake"
)

var screenshots = flag.Bool("screenshots", false, "rewrite the desk screenshots in handlers/desk/screenshots")

// browser is a headless Chromium tab that records any JavaScript dialog it was shown.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	dialogs []string
}

func (b *browser) Dialogs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// newBrowser starts Chromium at 1280×900 with a generous deadline: the machine may be busy,
// and every step waits for an element, never for a time.
func newBrowser(t testing.TB) *browser {
	t.Helper()
	bctx := browsertest.Start(t, 4*time.Minute)
	b := &browser{ctx: bctx}
	dialogs := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

func (b *browser) do(t testing.TB, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) text(t testing.TB, css string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

func (b *browser) eval(t testing.TB, js string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

// login signs in through the login page and waits for the queue.
func (b *browser) login(t testing.TB, admin, name, password string) {
	t.Helper()
	b.do(t, "log in as "+name,
		chromedp.Navigate(admin+"/desk/login"),
		chromedp.WaitVisible(chromedp.CSS("#login-name")),
		chromedp.SendKeys(chromedp.CSS("#login-name"), name),
		chromedp.SendKeys(chromedp.CSS("#login-password"), password),
		chromedp.Submit(chromedp.CSS("#login-password")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="me"]`)),
	)
}

func (b *browser) logout(t testing.TB) {
	t.Helper()
	b.do(t, "log out",
		chromedp.Click(chromedp.CSS(`form[action="/desk/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#login-name")),
	)
}

// screenshot writes the page at 1280 px to handlers/desk/screenshots/name.png under
// -screenshots.
func (b *browser) screenshot(t testing.TB, name string) {
	t.Helper()
	if !*screenshots {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG, below it JPEG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join("..", "..", "handlers", "desk", "screenshots", name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// user plays a WeChat user writing to the account through the real webhook.
type user struct {
	t      testing.TB
	base   string
	sim    *wechat.Simulator
	openID string
}

func (u *user) say(text string) string {
	u.t.Helper()
	req, err := u.sim.Request(u.base+"/wechat", u.sim.TextXML(u.openID, text, u.sim.NextMsgID(), time.Now()), time.Now())
	if err != nil {
		u.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		u.t.Fatalf("POST /wechat %q: HTTP %d %s", text, resp.StatusCode, body)
	}
	r, err := u.sim.Open(body)
	if err != nil {
		u.t.Fatal(err)
	}
	return r.Content
}

// fileTicket goes through the ticket flow as a merchant and returns the new ticket's number.
func (u *user) fileTicket(desc, phone string) string {
	u.t.Helper()
	return u.flow("提交工单", "1", "8800001234", desc, phone)
}

// flow says each message in turn and returns the ticket number of the last answer.
func (u *user) flow(msgs ...string) string {
	u.t.Helper()
	var last string
	for _, msg := range msgs {
		last = u.say(msg)
	}
	no := bot.TicketNoRE.FindString(last)
	if no == "" {
		u.t.Fatalf("ticket flow ended with %q, want a ticket number", last)
	}
	return no
}

// deskClient is an HTTP client signed in to the desk, outside the browser, for the checks a
// browser would not make (a form without its token).
func deskClient(t testing.TB, admin, name, password string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := formToken(t, c, admin+"/desk/login")
	resp, err := c.PostForm(admin+"/desk/login", url.Values{"name": {name}, "password": {password}, "csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s over HTTP = %d", name, resp.StatusCode)
	}
	return c, formToken(t, c, admin+"/desk/tokens")
}

var csrfFieldRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func formToken(t testing.TB, c *http.Client, page string) string {
	t.Helper()
	resp, err := c.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := csrfFieldRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s (%d): no csrf field", page, resp.StatusCode)
	}
	return string(m[1])
}

const xss = `<script>alert(1)</script> "><img src=x onerror=alert(1)>`

// deskEnv is the environment of a run with the desk: real Redis, the WeChat fake for
// customer-service messages, the admin listener on a free port.
func deskEnv(t testing.TB, fake *wechatfake.Server) map[string]string {
	t.Helper()
	redisURL, prefix := redistest.NewURL(t)
	return map[string]string{
		"REDIS_URL":         redisURL,
		"REDIS_PREFIX":      prefix,
		"WECHAT_TOKEN":      "desktoken",
		"WECHAT_APP_ID":     fake.AppID,
		"WECHAT_APP_SECRET": fake.AppSecret,
		"WECHAT_API_BASE":   fake.URL,
		"ADMIN_TOKEN":       "desk-admin-token-0123456789abcdefghij",
		"ADMIN_ADDR":        "127.0.0.1:0",
	}
}

// TestDeskEndToEnd works a ticket in the browser from filing to rating, through the real run:
// the user on the webhook, the agent at /desk/ on the admin listener, replies delivered
// through the WeChat fake.
func TestDeskEndToEnd(t *testing.T) {
	t.Parallel()
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	env := deskEnv(t, fake)
	addAgent(t, env, "boss", "admin", "boss-password-2026")
	public, admin := startDesk(t, env)
	u := &user{t: t, base: public, sim: wechat.NewSimulator(wechat.Settings{Token: "desktoken", AppID: env["WECHAT_APP_ID"]}), openID: "o_desk_e2e_user"}

	no := u.fileTicket("钱被扣了没到账 "+xss, "13812345678")
	// Two more users, so the queue and the dashboard have something to sort and count.
	u2 := &user{t: t, base: public, sim: u.sim, openID: "o_desk_e2e_user2"}
	u2.say("对账单在哪下载")
	complaint := u2.flow("我要投诉", "客服电话一直打不通，等了半个小时也没人接", "跳过")
	u3 := &user{t: t, base: public, sim: u.sim, openID: "o_desk_e2e_user3"}
	u3.say("你们支持火星币结算吗")
	tech := u3.flow("提交工单", "2", "8800002468", "支付接口返回 500，请求号 req-20261202-77", "13900001111")

	b := newBrowser(t)
	b.login(t, admin, "boss", "boss-password-2026")

	// The queue lists the urgent ticket first; the search by the phone's last 4 digits finds
	// only it.
	row := `tr[data-no="` + no + `"]`
	b.do(t, "queue", chromedp.WaitVisible(chromedp.CSS(`tr[data-no="`+tech+`"]`)), chromedp.WaitVisible(chromedp.CSS(`tr[data-no="`+complaint+`"]`)))
	if got := b.eval(t, `document.querySelector('tbody tr').dataset.no`); got != no {
		t.Errorf("first row = %s, want the urgent ticket %s", got, no)
	}
	b.screenshot(t, "queue")
	b.do(t, "search by phone",
		chromedp.SendKeys(chromedp.CSS("#f-q"), "5678"),
		chromedp.Submit(chromedp.CSS("#f-q")),
		chromedp.WaitNotPresent(chromedp.CSS(`tr[data-no="`+tech+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(row)),
	)

	// The ticket page shows the user's words as text: nothing runs.
	b.do(t, "open the ticket", chromedp.Click(chromedp.CSS(row+" a")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="description"]`)))
	if got := b.eval(t, `document.querySelector('[data-testid="description"]').textContent`); !strings.Contains(got, xss) {
		t.Errorf("description text = %q, want it to contain the literal %q", got, xss)
	}
	if got := b.eval(t, `String(document.querySelectorAll('main script, main img').length)`); got != "0" {
		t.Errorf("the ticket page has %s script or img elements in main, want 0", got)
	}
	if got := b.eval(t, `document.querySelector('[data-testid="transcript"]').textContent`); !strings.Contains(got, xss) {
		t.Errorf("transcript text = %q, want it to contain the literal %q", got, xss)
	}
	if got := b.text(t, `[data-testid="contact"]`); strings.Contains(got, "13812345678") || !strings.Contains(got, "5678") {
		t.Errorf("contact = %q, want it masked", got)
	}

	// The full number is one click away, and the click is on the record.
	b.do(t, "reveal the contact",
		chromedp.Click(chromedp.CSS("form.js-reveal button")),
		chromedp.WaitNotPresent(chromedp.CSS("form.js-reveal")),
	)
	if got := b.text(t, "#contact"); got != "13812345678" {
		t.Errorf("contact after reveal = %q, want the full number", got)
	}
	b.do(t, "assign to me",
		chromedp.Click(chromedp.CSS(`form.quick input[name="assignee"] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := b.text(t, `[data-testid="assignee"]`); got != "boss" {
		t.Errorf("assignee = %q, want boss", got)
	}
	if got := b.eval(t, `[...document.querySelectorAll('.tl-head strong')].map(e => e.textContent).join('|')`); !strings.Contains(got, "查看了完整联系电话") || !strings.Contains(got, "指派给 boss") {
		t.Errorf("timeline = %q, want the contact view and the assignment", got)
	}

	// A reply reaches the user through the WeChat fake and shows as delivered.
	const reply = "您好，已为您核实，款项将在今日到账。"
	b.do(t, "reply",
		chromedp.SendKeys(chromedp.CSS("#reply-text"), reply),
		chromedp.Click(chromedp.CSS(`form.reply-form button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(".tl-reply .del-ok")),
	)
	if got := b.text(t, ".tl-reply .delivery"); got != "已送达" {
		t.Errorf("delivery state = %q, want 已送达", got)
	}
	if !sentContains(fake, u.openID, reply) {
		t.Errorf("the WeChat fake got %+v, want the reply to %s", fake.Sent(), u.openID)
	}

	// A note is marked internal and never sent.
	sent := len(fake.Sent())
	b.do(t, "note",
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "已电话核实，用户认可"),
		chromedp.Click(chromedp.CSS(`form.reply-form button[formaction$="/note"]`)),
		chromedp.WaitVisible(chromedp.CSS(".tl-note .badge-note")),
	)
	if got := b.text(t, ".tl-note .tl-text"); got != "已电话核实，用户认可" {
		t.Errorf("note text = %q", got)
	}
	if got := len(fake.Sent()); got != sent {
		t.Errorf("a note sent %d messages to WeChat, want none", got-sent)
	}

	// Resolving asks the user for a score; the user's score shows on the ticket.
	b.do(t, "resolve",
		chromedp.Click(chromedp.CSS(`form.quick input[value="resolved"] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(".status-resolved")),
	)
	if r := u.say("5"); !strings.Contains(r, "感谢") {
		t.Logf("reply to the score: %q", r)
	}
	b.do(t, "see the score",
		chromedp.Navigate(admin+"/desk/tickets/"+no),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="csat"]`)),
	)
	if got := b.text(t, `[data-testid="csat"]`); got != "5 分" {
		t.Errorf("score = %q, want 5 分", got)
	}
	if got := b.text(t, ".tl-rated strong"); got != "用户评分：5 分" {
		t.Errorf("timeline rating = %q", got)
	}
	b.screenshot(t, "ticket")

	b.do(t, "dashboard", chromedp.Navigate(admin+"/desk/dashboard"), chromedp.WaitVisible(chromedp.CSS("#h-overview")))
	b.screenshot(t, "dashboard")

	// An admin adds an agent; the agent cannot reach admin pages; once disabled it cannot log in.
	b.do(t, "add an agent",
		chromedp.Navigate(admin+"/desk/agents"),
		chromedp.WaitVisible(chromedp.CSS("#a-name")),
		chromedp.SendKeys(chromedp.CSS("#a-name"), "lin"),
		chromedp.SendKeys(chromedp.CSS("#a-password"), "lin-password-2026"),
		chromedp.Submit(chromedp.CSS("#a-name")),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-agent="lin"]`)),
	)
	b.logout(t)
	b.login(t, admin, "lin", "lin-password-2026")
	b.do(t, "agent opens the admin page", chromedp.Navigate(admin+"/desk/agents"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="error"]`)))
	if got := b.text(t, `[data-testid="error"]`); got != "仅管理员可以访问此页面。" {
		t.Errorf("an agent on /desk/agents sees %q", got)
	}
	// The agent replaces the password it was given on its account page; that signs it out.
	b.do(t, "change own password",
		chromedp.Navigate(admin+"/desk/tokens"),
		chromedp.WaitVisible(chromedp.CSS("#pw-current")),
		chromedp.SendKeys(chromedp.CSS("#pw-current"), "lin-password-2026"),
		chromedp.SendKeys(chromedp.CSS("#pw-new"), "lin-own-secret-77"),
		chromedp.SendKeys(chromedp.CSS("#pw-confirm"), "lin-own-secret-77"),
		chromedp.Submit(chromedp.CSS("#pw-confirm")),
		chromedp.WaitVisible(chromedp.CSS("#login-name")),
	)
	if got := b.text(t, ".flash"); !strings.Contains(got, "密码已修改") {
		t.Errorf("after changing the password the login page says %q", got)
	}
	b.login(t, admin, "lin", "lin-own-secret-77")
	b.logout(t)
	b.login(t, admin, "boss", "boss-password-2026")
	b.do(t, "disable the agent",
		chromedp.Navigate(admin+"/desk/agents"),
		chromedp.Click(chromedp.CSS(`tr[data-agent="lin"] button.btn-danger`)),
		chromedp.WaitNotPresent(chromedp.CSS(`tr[data-agent="lin"] button.btn-danger`)),
	)
	b.logout(t)
	b.do(t, "disabled agent logs in",
		chromedp.SendKeys(chromedp.CSS("#login-name"), "lin"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), "lin-own-secret-77"),
		chromedp.Submit(chromedp.CSS("#login-password")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error"]`)),
	)
	if loc := b.eval(t, `location.pathname`); loc != "/desk/login" {
		t.Errorf("a disabled agent got to %s", loc)
	}

	if d := b.Dialogs(); len(d) > 0 {
		t.Errorf("the desk opened JavaScript dialogs: %q", d)
	}
}

func sentContains(fake *wechatfake.Server, openID, text string) bool {
	for _, s := range fake.Sent() {
		if s.OpenID == openID && strings.Contains(s.Content, text) {
			return true
		}
	}
	return false
}

// TestDeskSecurity checks the desk's defences through the real handler: the admin listener
// only, CSRF tokens, the login lockout and idle expiry.
func TestDeskSecurity(t *testing.T) {
	t.Parallel()
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	env := deskEnv(t, fake)
	// Long enough that a login and the next page on a loaded machine (two race runs at once,
	// a load of 10) stay inside it: at 1 s the csrf subtest's session expired between them.
	env["DESK_IDLE_TIMEOUT"] = "5s"
	addAgent(t, env, "guard", "admin", "guard-password-2026")
	addAgent(t, env, "target", "agent", "target-password-2026")
	public, admin := startDesk(t, env)

	t.Run("admin routes are not public", func(t *testing.T) {
		for _, path := range []string{"/desk/", "/desk/login", "/desk/static/desk.css", "/api/v1/tickets"} {
			resp, err := http.Get(public + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s on HTTP_ADDR = %d, want 404", path, resp.StatusCode)
			}
		}
	})

	t.Run("csrf", func(t *testing.T) {
		c, csrf := deskClient(t, admin, "guard", "guard-password-2026")
		for _, tt := range []struct {
			form url.Values
			want int
		}{
			{url.Values{"label": {"no token"}}, http.StatusForbidden},
			{url.Values{"label": {"wrong token"}, "csrf": {"x" + csrf}}, http.StatusForbidden},
			{url.Values{"label": {"right token"}, "csrf": {csrf}}, http.StatusCreated},
		} {
			resp, err := c.PostForm(admin+"/desk/tokens", tt.form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("POST /desk/tokens %v = %d, want %d", tt.form, resp.StatusCode, tt.want)
			}
		}
	})

	t.Run("idle session expires", func(t *testing.T) {
		c, _ := deskClient(t, admin, "guard", "guard-password-2026")
		time.Sleep(6 * time.Second) // past DESK_IDLE_TIMEOUT: a lower bound, not a timing assertion
		resp, err := c.Get(admin + "/desk/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "expired=1") {
			t.Errorf("GET /desk/ after the idle timeout = %d %q, want a redirect to the login page saying it expired", resp.StatusCode, loc)
		}
	})

	t.Run("lockout", func(t *testing.T) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		var last int
		var body string
		for i := 0; i < 30 && last != http.StatusTooManyRequests; i++ {
			csrf := formToken(t, c, admin+"/desk/login")
			resp, err := c.PostForm(admin+"/desk/login", url.Values{"name": {"target"}, "password": {"wrong"}, "csrf": {csrf}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			last, body = resp.StatusCode, string(b)
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("30 wrong passwords: last answer %d, want 429", last)
		}
		if !strings.Contains(body, "后再试") {
			t.Errorf("lockout page does not say when to retry:\n%s", body)
		}
		// The right password does not get through while locked.
		csrf := formToken(t, c, admin+"/desk/login")
		resp, err := c.PostForm(admin+"/desk/login", url.Values{"name": {"target"}, "password": {"target-password-2026"}, "csrf": {csrf}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("the right password while locked = %d, want 429", resp.StatusCode)
		}
	})
}

// startDesk runs serve with env and returns the public and the admin base URLs.
func startDesk(t *testing.T, env map[string]string) (public, admin string) {
	t.Helper()
	public, admin, _ = startServe(t, env)
	return public, admin
}

// addAgent adds an agent through the CLI, as an operator creates the first admin.
func addAgent(t *testing.T, env map[string]string, name, role, password string) {
	t.Helper()
	var out, errs syncBuffer
	err := run(context.Background(), []string{"agent", "add", name, "--role", role}, func(k string) string { return env[k] },
		strings.NewReader(password+"\n"), &out, &errs, hooks{})
	if err != nil {
		t.Fatalf("yilianbot agent add %s: %v\n%s%s", name, err, out.String(), errs.String())
	}
}
