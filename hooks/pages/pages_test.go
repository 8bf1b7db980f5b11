package pages_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

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
