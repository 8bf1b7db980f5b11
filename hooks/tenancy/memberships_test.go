package tenancy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// T2, T3: the admin sees every membership of Home; any other member only its
// own; nobody outside Home sees Home's memberships.
func TestMembershipVisibilityT3(t *testing.T) {
	w := testkit.NewWorld(t)
	var homeIDs []string
	for _, a := range testkit.Members {
		homeIDs = append(homeIDs, w.Memberships[a].Id)
	}
	for _, a := range testkit.Actors {
		var want, not []string
		switch a {
		case testkit.Admin, testkit.Operator:
			want = homeIDs
		case testkit.Guest, testkit.Support:
			want, not = testkit.EmptyList, homeIDs
		case testkit.Sister, testkit.Outsider:
			want = []string{w.Memberships[a].Id}
			not = homeIDs
		default:
			own := w.Memberships[a].Id
			want = []string{own}
			for _, id := range homeIDs {
				if id != own {
					not = append(not, id)
				}
			}
		}
		w.As(t, a, tests.ApiScenario{
			Name: "list memberships", Method: http.MethodGet, URL: "/api/collections/memberships/records?perPage=100",
			ExpectedStatus: 200, ExpectedContent: want, NotExpectedContent: not,
		}).Test(t)
	}
}

// T3: only the admin changes a member's profile; the profile is per
// membership, so admin elsewhere gives nothing here.
func TestChangeProfileT3(t *testing.T) {
	w := testkit.NewWorld(t)
	target := w.Memberships[testkit.Processing]
	for _, a := range testkit.Actors {
		status, want := 404, testkit.Body404
		switch a {
		case testkit.Admin, testkit.Operator:
			status, want = 200, []string{`"profile":"feedback"`}
		case testkit.Guest:
			status, want = 404, testkit.Body404
		}
		w.As(t, a, tests.ApiScenario{
			Name: "processing → feedback", Method: http.MethodPatch,
			URL: "/api/collections/memberships/records/" + target.Id, Body: strings.NewReader(`{"profile":"feedback"}`),
			ExpectedStatus: status, ExpectedContent: want,
		}).Test(t)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "move a membership to another establishment", Method: http.MethodPatch,
		URL: "/api/collections/memberships/records/" + target.Id, Body: strings.NewReader(`{"establishment":"` + w.Unrelated.Id + `"}`),
		ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "make a member a collector", Method: http.MethodPatch,
		URL: "/api/collections/memberships/records/" + target.Id, Body: strings.NewReader(`{"profile":"collector"}`),
		ExpectedStatus: 400, ExpectedContent: []string{`"profile":{"code":"validation_collector_by_customer"`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "point a collector at another customer", Method: http.MethodPatch,
		URL:            "/api/collections/memberships/records/" + w.Memberships[testkit.Collector].Id,
		Body:           strings.NewReader(`{"collectorFor":"` + w.Unrelated.Id + `"}`),
		ExpectedStatus: 400, ExpectedContent: []string{`"collectorFor":{`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "promote the collector (N7)", Method: http.MethodPatch,
		URL:  "/api/collections/memberships/records/" + w.Memberships[testkit.Collector].Id,
		Body: strings.NewReader(`{"profile":"processing"}`), ExpectedStatus: 200, ExpectedContent: []string{`"profile":"processing"`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "unknown profile", Method: http.MethodPatch,
		URL: "/api/collections/memberships/records/" + target.Id, Body: strings.NewReader(`{"profile":"root"}`),
		ExpectedStatus: 400, ExpectedContent: []string{`"profile":{`},
	}).Test(t)
}

// T5: the first member of an establishment is its admin, whatever was asked.
func TestFirstMemberBecomesAdminT5(t *testing.T) {
	app := testkit.NewApp(t)
	est := testkit.Establishment(t, app, "Empty SA", testkit.SIRET())
	first := testkit.Member(t, app, testkit.User(t, app, "first@empty.test"), est, profiles.Delivery)
	second := testkit.Member(t, app, testkit.User(t, app, "second@empty.test"), est, profiles.Delivery)
	if first.GetString("profile") != "admin" {
		t.Fatalf("first member profile = %q, want admin", first.GetString("profile"))
	}
	if second.GetString("profile") != "delivery" {
		t.Fatalf("second member profile = %q, want delivery", second.GetString("profile"))
	}
}

// T5: the last admin can be neither demoted nor removed (409); with a second
// admin both work.
func TestLastAdminT5(t *testing.T) {
	w := testkit.NewWorld(t)
	admin := w.Memberships[testkit.Admin]
	url := "/api/collections/memberships/records/" + admin.Id
	for _, a := range []testkit.Actor{testkit.Admin, testkit.Operator} {
		w.As(t, a, tests.ApiScenario{
			Name: "demote the last admin", Method: http.MethodPatch, URL: url,
			Body: strings.NewReader(`{"profile":"feedback"}`), ExpectedStatus: 409,
			ExpectedContent: []string{`"status":409`, `"profile":{"code":"last_admin"`},
		}).Test(t)
		w.As(t, a, tests.ApiScenario{
			Name: "remove the last admin", Method: http.MethodDelete, URL: url,
			ExpectedStatus: 409, ExpectedContent: []string{`"status":409`},
		}).Test(t)
	}
	if n, _ := w.App.CountRecords(schema.Memberships, dbx.HashExp{"establishment": w.Home.Id, "profile": "admin"}); n != 1 {
		t.Fatalf("admins after refused changes = %d", n)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "promote full access", Method: http.MethodPatch,
		URL:  "/api/collections/memberships/records/" + w.Memberships[testkit.FullAccess].Id,
		Body: strings.NewReader(`{"profile":"admin"}`), ExpectedStatus: 200, ExpectedContent: []string{`"profile":"admin"`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "now step down", Method: http.MethodPatch, URL: url,
		Body: strings.NewReader(`{"profile":"feedback"}`), ExpectedStatus: 200, ExpectedContent: []string{`"profile":"feedback"`},
	}).Test(t)
	w.As(t, testkit.FullAccess, tests.ApiScenario{
		Name: "the new admin cannot leave as last admin", Method: http.MethodDelete,
		URL:            "/api/collections/memberships/records/" + w.Memberships[testkit.FullAccess].Id,
		ExpectedStatus: 409, ExpectedContent: []string{`"status":409`},
	}).Test(t)
}

// T2: a member may leave an establishment; it then reaches nothing of it.
func TestLeaveEstablishmentT2(t *testing.T) {
	w := testkit.NewWorld(t)
	w.As(t, testkit.Processing, tests.ApiScenario{
		Name: "leave", Method: http.MethodDelete,
		URL:            "/api/collections/memberships/records/" + w.Memberships[testkit.Processing].Id,
		ExpectedStatus: 204,
	}).Test(t)
	w.As(t, testkit.Processing, tests.ApiScenario{
		Name: "home is gone", Method: http.MethodGet, URL: "/api/collections/establishments/records/" + w.Home.Id,
		ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)
	w.As(t, testkit.Processing, tests.ApiScenario{
		Name: "cannot remove someone else", Method: http.MethodDelete,
		URL:            "/api/collections/memberships/records/" + w.Memberships[testkit.Feedback].Id,
		ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)
}
