package tenancy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/testkit"
)

// T1: the operator creates establishments; the SIRET is normalised and
// checked, the SIREN derived, and a bad one is a 400 naming the field.
func TestCreateEstablishmentT1(t *testing.T) {
	w := testkit.NewWorld(t)
	good := testkit.SIRET()
	spaced := good[:3] + " " + good[3:6] + "." + good[6:9] + " " + good[9:]
	cases := []struct {
		name   string
		actor  testkit.Actor
		body   string
		status int
		want   []string
		not    []string
	}{
		{"spaces and dots ignored, siren derived", testkit.Operator, `{"siret":"` + spaced + `","name":"Neuve SA"}`,
			200, []string{`"siret":"` + good + `"`, `"siren":"` + good[:9] + `"`, `"shareEmailCheck":true`}, nil},
		{"la poste establishment", testkit.Operator, `{"siret":"35600000049837","name":"La Poste Lyon"}`,
			200, []string{`"siren":"356000000"`}, nil},
		{"luhn failure", testkit.Operator, `{"siret":"73282932000075","name":"X"}`,
			400, []string{`"siret":{"code":"validation_invalid_siret"`}, []string{`"id":"`}},
		{"letters", testkit.Operator, `{"siret":"7328293200007A","name":"X"}`,
			400, []string{`"siret":{`, "digits"}, nil},
		{"missing", testkit.Operator, `{"name":"X"}`, 400, []string{`"siret":{`}, nil},
		{"duplicate", testkit.Operator, `{"siret":"` + w.Home.GetString("siret") + `","name":"Copy"}`,
			400, []string{`"siret":{"code":"validation_not_unique"`}, nil},
		{"an admin cannot create", testkit.Admin, `{"siret":"` + testkit.SIRET() + `","name":"X"}`,
			403, []string{`"status":403`}, nil},
		{"a guest cannot create", testkit.Guest, `{"siret":"` + testkit.SIRET() + `","name":"X"}`,
			403, []string{`"status":403`}, nil},
	}
	for _, c := range cases {
		w.As(t, c.actor, tests.ApiScenario{
			Name: c.name, Method: http.MethodPost, URL: "/api/collections/establishments/records",
			Body: strings.NewReader(c.body), ExpectedStatus: c.status,
			ExpectedContent: c.want, NotExpectedContent: c.not,
		}).Test(t)
	}
}

// T2: an establishment is reached only through a membership of it; members
// of another SIRET of the same company see nothing of it.
func TestEstablishmentVisibilityT2(t *testing.T) {
	w := testkit.NewWorld(t)
	home, sister, unrelated := w.Home.Id, w.Sister.Id, w.Unrelated.Id
	for _, a := range testkit.Actors {
		var listWant, listNot []string
		viewStatus := 404
		switch a {
		case testkit.Operator:
			listWant, viewStatus = []string{home, sister, unrelated}, 200
		case testkit.Sister:
			listWant, listNot = []string{sister}, []string{home, unrelated}
		case testkit.Outsider:
			listWant, listNot = []string{unrelated}, []string{home, sister}
		case testkit.Guest, testkit.Support:
			listWant, listNot = testkit.EmptyList, []string{home, sister, unrelated}
		default: // every profile of Home
			listWant, listNot, viewStatus = []string{home}, []string{sister, unrelated}, 200
		}
		w.As(t, a, tests.ApiScenario{
			Name: "list", Method: http.MethodGet, URL: "/api/collections/establishments/records",
			ExpectedStatus: 200, ExpectedContent: listWant, NotExpectedContent: listNot,
		}).Test(t)
		viewWant := testkit.Body404
		if viewStatus == 200 {
			viewWant = []string{`"id":"` + home + `"`}
		}
		w.As(t, a, tests.ApiScenario{
			Name: "view home", Method: http.MethodGet, URL: "/api/collections/establishments/records/" + home,
			ExpectedStatus: viewStatus, ExpectedContent: viewWant,
		}).Test(t)
	}
}

// T3: only the admin manages the establishment's settings, and never its SIRET.
func TestEstablishmentSettingsT3(t *testing.T) {
	w := testkit.NewWorld(t)
	url := "/api/collections/establishments/records/" + w.Home.Id
	for _, a := range testkit.Actors {
		status, want := 404, testkit.Body404
		switch a {
		case testkit.Admin, testkit.Operator:
			status, want = 200, []string{`"shareEmailCheck":false`}
		}
		w.As(t, a, tests.ApiScenario{
			Name: "turn off the share email check", Method: http.MethodPatch, URL: url,
			Body: strings.NewReader(`{"shareEmailCheck":false}`), ExpectedStatus: status, ExpectedContent: want,
		}).Test(t)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "change the SIRET", Method: http.MethodPatch, URL: url,
		Body: strings.NewReader(`{"siret":"` + testkit.SIRET() + `"}`), ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)
}

// T4: the modules bound what any profile gives; changing them rewrites grants.
func TestModulesBoundGrantsT4(t *testing.T) {
	w := testkit.NewWorld(t)
	feedback := w.Users[testkit.Feedback].Id
	if !tenancy.Holds(w.App, feedback, w.Home.Id, profiles.SeeReports) {
		t.Fatal("feedback must see reports while the module is on")
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "turn reports off", Method: http.MethodPatch, URL: "/api/collections/establishments/records/" + w.Home.Id,
		Body: strings.NewReader(`{"modules":["archive"]}`), ExpectedStatus: 200, ExpectedContent: []string{`"modules":["archive"]`},
	}).Test(t)
	for _, a := range testkit.Members {
		u := w.Users[a].Id
		if tenancy.Holds(w.App, u, w.Home.Id, profiles.SeeReports) || tenancy.Holds(w.App, u, w.Home.Id, profiles.SeeFinancial) {
			t.Errorf("%s keeps reports or financial after the modules were turned off", a)
		}
	}
	if !tenancy.Holds(w.App, feedback, w.Home.Id, profiles.SeeArchive) {
		t.Error("feedback lost the archive, which stayed on")
	}
	if tenancy.Holds(w.App, w.Users[testkit.Processing].Id, w.Home.Id, profiles.SeeArchive) {
		t.Error("processing never sees the archive")
	}
}

// T3: the financial option is per membership and needs the module.
func TestFinancialOptionGrantT3(t *testing.T) {
	w := testkit.NewWorld(t)
	if !tenancy.Holds(w.App, w.Users[testkit.FullAccess].Id, w.Home.Id, profiles.SeeFinancial) {
		t.Fatal("full access with the option must see financial data")
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "remove the option", Method: http.MethodPatch,
		URL:  "/api/collections/memberships/records/" + w.Memberships[testkit.FullAccess].Id,
		Body: strings.NewReader(`{"financial":false}`), ExpectedStatus: 200, ExpectedContent: []string{`"financial":false`},
	}).Test(t)
	if tenancy.Holds(w.App, w.Users[testkit.FullAccess].Id, w.Home.Id, profiles.SeeFinancial) {
		t.Fatal("full access without the option still sees financial data")
	}
}
