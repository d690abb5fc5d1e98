// Package browsertest starts the headless Chromium the desk's browser tests drive, the same way
// for every package that has such tests.
//
// Without a browser the tests skip, except under CI=true, where they fail: CI always runs them
// (.ci/run installs Debian's chromium).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path finds Chromium: CHROME_PATH, or the first of the usual names on PATH.
func Path(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatal("no Chromium found (chromium, chromium-browser, google-chrome or CHROME_PATH): browser tests must run in CI")
	}
	tb.Skip("no Chromium found; install Debian's chromium (apt-get install chromium) to run the browser tests")
	return ""
}

// Start starts a headless Chromium at 1280×900 for tb, with a fresh profile and the flags this
// closed network needs, and returns its first tab's context. deadline is generous on purpose:
// the machine may be busy, and every step waits for an element, never for a time. Everything is
// closed in tb.Cleanup.
func Start(tb testing.TB, deadline time.Duration) context.Context {
	tb.Helper()
	path := Path(tb)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	tb.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	tb.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	tb.Cleanup(bcancel)
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		tb.Fatalf("start %s: %v", path, err)
	}
	return bctx
}
