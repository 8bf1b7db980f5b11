package contracts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// V1, U2: the supplier page lists a relationship's contracts by filtering on
// it. With a customer of one member, SQLite 3.51.3 answered that filter with
// no row (internal/planner, TestExpressionIndexJoinWithAnEqualityOnTheColumn).
func TestContractsOfOneRelationshipV1U2(t *testing.T) {
	w := testkit.NewWorld(t)
	admin := testkit.User(t, w.App, "customer@customer.test")
	testkit.Member(t, w.App, admin, w.Customer, profiles.Admin)
	rel := testkit.Record(t, w.App, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Home.Id, "status": "active"})
	other := testkit.Record(t, w.App, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Unrelated.Id, "status": "active"})
	headers := map[string]string{"Authorization": testkit.Token(t, admin)}
	scenario := func(s tests.ApiScenario) *tests.ApiScenario {
		s.Headers, s.TestAppFactory, s.DisableTestAppCleanup = headers, w.Factory, true
		return &s
	}
	for ref, r := range map[string]string{"C-HOME": rel.Id, "C-OTHER": other.Id} {
		scenario(tests.ApiScenario{Name: "create " + ref, Method: http.MethodPost, URL: contractsURL,
			Body:           strings.NewReader(`{"relationship":"` + r + `","reference":"` + ref + `","amountExclTax":7000,"startsOn":"2026-03-01","coContractor":"french"}`),
			ExpectedStatus: 200, ExpectedContent: []string{ref}}).Test(t)
	}
	for _, f := range []string{`relationship = "` + rel.Id + `"`, `relationship = "` + rel.Id + `" && reference != ""`} {
		scenario(tests.ApiScenario{Name: f, Method: http.MethodGet,
			URL:            contractsURL + "?perPage=50&skipTotal=1&sort=-startsOn&filter=" + url.QueryEscape(f),
			ExpectedStatus: 200, ExpectedContent: []string{`"reference":"C-HOME"`}, NotExpectedContent: []string{"C-OTHER"}}).Test(t)
	}
}
