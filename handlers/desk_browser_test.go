package handlers

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/handlers/browsertest"
)

// pageWatch records what must never happen on a desk page: a JavaScript dialog (an injected
// alert) or an uncaught exception.
type pageWatch struct {
	mu         sync.Mutex
	dialogs    []string
	exceptions []string
}

func (w *pageWatch) problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, d := range w.dialogs {
		out = append(out, "dialog: "+d)
	}
	for _, e := range w.exceptions {
		out = append(out, "exception: "+e)
	}
	return out
}

// newBrowser starts a headless Chromium for t at 1280×900 and returns its tab's context,
// with a generous deadline: the machine may be busy, and every step waits for elements
// rather than for time.
func newBrowser(t testing.TB) (context.Context, *pageWatch) {
	t.Helper()
	bctx := browsertest.Start(t, 3*time.Minute)
	w := &pageWatch{}
	dialogs := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			w.mu.Lock()
			w.dialogs = append(w.dialogs, ev.Message)
			w.mu.Unlock()
			chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	exceptions := chromedp.Events(bctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			w.mu.Lock()
			text := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				text += " " + ev.ExceptionDetails.Exception.Description
			}
			w.exceptions = append(w.exceptions, text)
			w.mu.Unlock()
		}
	}()
	return bctx, w
}

// mustDo runs steps and fails the test with what for context.
func mustDo(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func mustRun[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// TestDeskInBrowser drives the pages' own behaviour (desk.js, CSP, escaping, layout) in
// Chromium against the fake; cmd/yilianbot's browser test runs the same pages on the real bot.
func TestDeskInBrowser(t *testing.T) {
	t.Parallel()
	ctx, watch := newBrowser(t)
	f := newFakeDesk(deskNow)
	srv := httptest.NewServer(newTestDesk(t, f, deskOptions{}))
	t.Cleanup(srv.Close)

	mustDo(t, ctx, "log in",
		chromedp.Navigate(srv.URL+"/desk/tickets/GD202612020001"),
		chromedp.WaitVisible(chromedp.CSS("#login-name")),
		chromedp.SendKeys(chromedp.CSS("#login-name"), "lin"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), "pw-lin-123456"),
		chromedp.Submit(chromedp.CSS("#login-password")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="ticket-no"]`)),
	)
	// The login page sent us back where we were going.
	if got := mustRun(t, ctx, "ticket number", chromedp.Text(chromedp.CSS(`[data-testid="ticket-no"]`))); got != "GD202612020001" {
		t.Errorf("after login the page shows ticket %q, want GD202612020001", got)
	}
	want := `钱被盗刷了 <script>alert(1)</script> "><img src=x onerror=alert(1)>`
	if got := mustRun(t, ctx, "description", chromedp.Evaluate[string](`document.querySelector('[data-testid="description"]').textContent`)); got != want {
		t.Errorf("description text = %q, want the literal %q", got, want)
	}
	if n := mustRun(t, ctx, "injected elements", chromedp.Evaluate[int](`document.querySelectorAll('main script, main img').length`)); n != 0 {
		t.Errorf("the page has %d script or img elements in main, want 0", n)
	}

	mustDo(t, ctx, "pick a canned reply",
		chromedp.Focus(chromedp.CSS("#canned")),
		chromedp.Evaluate[chromedp.Void](`(s => { s.value = '0'; s.dispatchEvent(new Event('change')) })(document.getElementById('canned'))`),
	)
	if got := mustRun(t, ctx, "reply box", chromedp.Value(chromedp.CSS("#reply-text"))); got != "您好，您的问题已受理，我们会尽快处理。" {
		t.Errorf("reply box after picking a canned reply = %q", got)
	}

	mustDo(t, ctx, "reveal the contact",
		chromedp.Click(chromedp.CSS("form.js-reveal button")),
		chromedp.WaitNotPresent(chromedp.CSS("form.js-reveal")),
	)
	if got := mustRun(t, ctx, "contact", chromedp.Text(chromedp.CSS("#contact"))); got != "13812345678" {
		t.Errorf("contact after reveal = %q, want the full number", got)
	}

	// Phone width: nothing sticks out sideways and the reply box is still there.
	mustDo(t, ctx, "phone width", chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.URL+"/desk/tickets/GD202612020001"), chromedp.WaitVisible(chromedp.CSS("#reply-text")))
	if w := mustRun(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("ticket page is %d px wide on a 390 px screen", w)
	}
	mustDo(t, ctx, "queue at phone width", chromedp.Navigate(srv.URL+"/desk/"), chromedp.WaitVisible(chromedp.CSS("#queue")))
	if w := mustRun(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("queue is %d px wide on a 390 px screen", w)
	}
	mustDo(t, ctx, "desktop width", chromedp.EmulateViewport(1280, 900))

	// A ticket filed while the queue is open is announced without a reload.
	f.mu.Lock()
	f.tickets["GD202612020003"] = &bot.Ticket{No: "GD202612020003", Type: bot.TypeOther, Priority: bot.PriorityNormal, Status: bot.StatusOpen, CreatedAt: deskNow, DueAt: deskNow.Add(4 * time.Hour)}
	f.mu.Unlock()
	mustDo(t, ctx, "new-ticket notice", chromedp.WaitVisible(chromedp.CSS("#new-tickets")))
	if got := mustRun(t, ctx, "notice", chromedp.Text(chromedp.CSS(`[data-testid="new-tickets"]`))); got != "1 个新工单，点击刷新" {
		t.Errorf("notice = %q, want 1 个新工单，点击刷新", got)
	}
	if got := mustRun(t, ctx, "title", chromedp.Evaluate[string](`document.title`)); !strings.HasPrefix(got, "(1) ") {
		t.Errorf("tab title = %q, want the count first", got)
	}

	if p := watch.problems(); len(p) > 0 {
		t.Errorf("the pages opened dialogs or threw: %q", p)
	}
}
