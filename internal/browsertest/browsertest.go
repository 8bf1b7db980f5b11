// Package browsertest drives the portal's pages in a real headless Chromium
// (P2) against a real test app served over loopback HTTP. Without a browser
// the tests skip, unless VIGIE_E2E=1 makes that a failure (CI).
package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/handler"
)

// chromium finds a browser binary, or skips (fails under VIGIE_E2E=1).
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("VIGIE_E2E") == "1" {
		t.Fatal("browsertest: no Chromium found and VIGIE_E2E=1 requires the browser tests")
	}
	t.Skip("browsertest: no Chromium found (install chromium, or set VIGIE_E2E=1 to fail instead)")
	return ""
}

// Serve serves app's router (routes, hooks and pages) on 127.0.0.1 for the
// test's duration and returns its base URL.
func Serve(t testing.TB, app *tests.TestApp) string {
	t.Helper()
	mux, err := handler.New(app)
	if err != nil {
		t.Fatal(err)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: listener, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// Browser starts a fresh headless Chromium (its own profile, so its own
// localStorage) and returns a context to run actions in, bounded in time.
// It speaks the machine's language (English here) at 800 × 600 px.
func Browser(t testing.TB) context.Context {
	t.Helper()
	return browser(t)
}

func browser(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	// The first call starts the browser and must not carry the timeout,
	// which would stop the whole browser.
	if err := chromedp.Do(browserCtx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("browsertest: unable to start Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(browserCtx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	failOnPageErrors(t, ctx)
	return ctx
}

// failOnPageErrors fails the test for every exception a page script lets
// escape (a name a module forgot to import, a rejected promise nobody
// handles): the page may still look right while a control is dead.
func failOnPageErrors(t testing.TB, ctx context.Context) {
	t.Helper()
	var mu sync.Mutex
	var thrown []string
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
			text := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil && e.ExceptionDetails.Exception.Description != "" {
				text += " " + e.ExceptionDetails.Exception.Description
			}
			mu.Lock()
			thrown = append(thrown, fmt.Sprintf("%s (%s:%d)", text, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber+1))
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("browsertest: unable to listen to the page: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			t.Errorf("browsertest: a page script threw: %s", e)
		}
	})
}

// SignIn signs in through the sign-in page and waits for the next page.
func SignIn(t testing.TB, ctx context.Context, base, email, password, landing string) {
	t.Helper()
	Do(t, ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#signin")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#signin-submit")),
		chromedp.WaitVisible(chromedp.CSS(landing)),
	)
}

// Do runs steps and fails the test, saying where the page was, on error.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		url, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browsertest: %v (at %s)", err, url)
	}
}

// Text returns the text of the first element matching the CSS selector.
func Text(t testing.TB, ctx context.Context, selector string) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("browsertest: text of %s: %v", selector, err)
	}
	return text
}

// WaitFor waits until a JavaScript expression is truthy.
func WaitFor(t testing.TB, ctx context.Context, expression string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expression)); err != nil {
		url, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browsertest: waiting for %s: %v (at %s)", expression, err, url)
	}
}
