package pages_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/pages"
	"vigie/internal/testkit"
)

// P1: the pages are served from the binary, and API routes keep precedence.
func TestPagesServedFromBinary(t *testing.T) {
	app := testkit.NewApp(t)
	factory := func(testing.TB) *tests.TestApp { return app }
	for _, s := range []tests.ApiScenario{
		{Name: "sign-in page", URL: "/", ExpectedStatus: 200, ExpectedContent: []string{`<form id="signin">`}},
		{Name: "my company", URL: "/company.html", ExpectedStatus: 200, ExpectedContent: []string{`id="members"`}},
		{Name: "script", URL: "/js/api.js", ExpectedStatus: 200, ExpectedContent: []string{"async function api("}},
		{Name: "unknown page", URL: "/nope.html", ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "source is not served", URL: "/embed.go", ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "API still answers", URL: "/api/health", ExpectedStatus: 200, ExpectedContent: []string{`"code":200`}},
	} {
		s.Method = http.MethodGet
		s.TestAppFactory = factory
		s.DisableTestAppCleanup = true
		s.Test(t)
	}
}

// The pages carry a policy without inline scripts, and refuse framing and
// sniffing (issue 10); the share page keeps its token out of referrers.
func TestPageSecurityHeaders(t *testing.T) {
	app := testkit.NewApp(t)
	for _, c := range []struct{ url, referrer string }{
		{"/", "same-origin"}, {"/documents.html", "same-origin"}, {"/js/api.js", "same-origin"},
		{"/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "no-referrer"},
	} {
		(&tests.ApiScenario{
			Name: c.url, Method: http.MethodGet, URL: c.url, ExpectedStatus: 200, ExpectedContent: []string{"e"},
			TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true,
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				h := res.Header
				if csp := h.Get("Content-Security-Policy"); csp != pages.ContentSecurityPolicy ||
					strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
					t.Errorf("%s: CSP %q", c.url, csp)
				}
				if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
					h.Get("Referrer-Policy") != c.referrer {
					t.Errorf("%s: headers %v", c.url, h)
				}
			},
		}).Test(t)
	}
}
