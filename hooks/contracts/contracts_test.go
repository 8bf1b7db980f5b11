package contracts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

const contractsURL = "/api/collections/contracts/records"

// contractWorld: Customer follows Home (the world's supplier). Customer's
// admin and full-access members write contracts; its processing member and
// its adviser with no assigned relationship do not; Second follows Home
// too, and reads none of Customer's contracts.
type contractWorld struct {
	*testkit.World
	Second   *core.Record
	Rel      *core.Record
	Contract *core.Record
}

const (
	customerAdmin      testkit.Actor = "customer_admin"
	customerFull       testkit.Actor = "customer_full"
	customerProcessing testkit.Actor = "customer_processing"
	customerAdviser    testkit.Actor = "customer_adviser"
	secondAdmin        testkit.Actor = "second_admin"
)

func newContractWorld(t *testing.T) *contractWorld {
	t.Helper()
	w := &contractWorld{World: testkit.NewWorld(t)}
	app := w.App
	w.Second = testkit.Establishment(t, app, "Second SAS", testkit.SIRET())
	for _, m := range []struct {
		actor   testkit.Actor
		est     *core.Record
		profile profiles.Profile
		opts    []func(*core.Record)
	}{
		{customerAdmin, w.Customer, profiles.Admin, nil},
		{customerFull, w.Customer, profiles.FullAccess, nil},
		{customerProcessing, w.Customer, profiles.Processing, nil},
		{customerAdviser, w.Customer, profiles.Feedback, []func(*core.Record){func(r *core.Record) { r.Set("visibility", "assigned") }}},
		{secondAdmin, w.Second, profiles.Admin, nil},
	} {
		w.Users[m.actor] = testkit.User(t, app, string(m.actor)+"@customer.test")
		w.Memberships[m.actor] = testkit.Member(t, app, w.Users[m.actor], m.est, m.profile, m.opts...)
	}
	w.Rel = testkit.Record(t, app, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Home.Id, "status": "active"})
	testkit.Record(t, app, schema.Relationships, map[string]any{"customer": w.Second.Id, "supplier": w.Home.Id, "status": "active"})
	w.Contract = testkit.Record(t, app, schema.Contracts, map[string]any{"relationship": w.Rel.Id, "reference": "C-2026-001",
		"subject": "Nettoyage des locaux", "amountExclTax": 48000, "startsOn": "2026-01-15", "coContractor": "french"})
	return w
}

// V1: the contract's parties come from its relationship, whatever is sent.
func TestContractPartiesFromTheRelationshipV1(t *testing.T) {
	w := newContractWorld(t)
	if w.Contract.GetString("customer") != w.Customer.Id || w.Contract.GetString("supplier") != w.Home.Id {
		t.Fatalf("parties %s → %s", w.Contract.GetString("customer"), w.Contract.GetString("supplier"))
	}
	w.As(t, customerAdmin, tests.ApiScenario{Name: "a forged customer is replaced", Method: http.MethodPost, URL: contractsURL,
		Body:           strings.NewReader(`{"relationship":"` + w.Rel.Id + `","customer":"` + w.Second.Id + `","reference":"C-2","amountExclTax":1,"startsOn":"2026-02-01","coContractor":"french"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"customer":"` + w.Customer.Id + `"`, `"supplier":"` + w.Home.Id + `"`}}).Test(t)
	w.As(t, customerAdmin, tests.ApiScenario{Name: "an end before the start", Method: http.MethodPost, URL: contractsURL,
		Body:           strings.NewReader(`{"relationship":"` + w.Rel.Id + `","reference":"C-3","startsOn":"2026-02-01","endsOn":"2026-01-01","coContractor":"french"}`),
		ExpectedStatus: 400, ExpectedContent: []string{`"endsOn":{"code":"validation_date_order"`}}).Test(t)
}

// V1, actor matrix: who writes and reads a relationship's contracts, and
// who reads their amounts (the customer's side only).
func TestContractsWhoReadsAndWritesV1(t *testing.T) {
	w := newContractWorld(t)
	body := func(ref string) *strings.Reader {
		return strings.NewReader(`{"relationship":"` + w.Rel.Id + `","reference":"` + ref + `","amountExclTax":7000,"startsOn":"2026-03-01","coContractor":"french"}`)
	}
	ruleDenied := []string{`"status":400`}
	for _, c := range []struct {
		actor  testkit.Actor
		status int
	}{
		{customerAdmin, 200}, {customerFull, 200}, {testkit.Operator, 200},
		{customerProcessing, 400}, {customerAdviser, 400}, {secondAdmin, 400},
		{testkit.Admin, 400}, {testkit.Collector, 400}, {testkit.Outsider, 400}, {testkit.Support, 400}, {testkit.Guest, 400},
	} {
		want := []string{`"reference":"R-` + string(c.actor) + `"`}
		if c.status != 200 {
			want = ruleDenied
		}
		w.As(t, c.actor, tests.ApiScenario{Name: "create", Method: http.MethodPost, URL: contractsURL, Body: body("R-" + string(c.actor)),
			ExpectedStatus: c.status, ExpectedContent: want}).Test(t)
	}

	one := contractsURL + "/" + w.Contract.Id
	for _, c := range []struct {
		actor      testkit.Actor
		status     int
		seesAmount bool
	}{
		{customerAdmin, 200, true}, {customerProcessing, 200, true}, {testkit.Operator, 200, true},
		{testkit.Admin, 200, false}, {testkit.Processing, 200, false}, {testkit.Collector, 200, false},
		{customerAdviser, 404, false}, {secondAdmin, 404, false}, {testkit.Outsider, 404, false},
		{testkit.Delivery, 404, false}, {testkit.Support, 404, false}, {testkit.Guest, 404, false},
	} {
		s := tests.ApiScenario{Name: "view", Method: http.MethodGet, URL: one, ExpectedStatus: c.status}
		switch {
		case c.status == 404:
			s.ExpectedContent = testkit.Body404
		case c.seesAmount:
			s.ExpectedContent = []string{`"reference":"C-2026-001"`, `"amountExclTax":48000`}
		default:
			s.ExpectedContent = []string{`"reference":"C-2026-001"`, `"startsOn":"2026-01-15`}
			s.NotExpectedContent = []string{"amountExclTax", "48000"}
		}
		w.As(t, c.actor, s).Test(t)
	}

	// S8: nobody infers an amount through a filter or a sort.
	for _, a := range []testkit.Actor{testkit.Admin, customerAdmin} {
		for _, q := range []string{"filter=" + url.QueryEscape("amountExclTax > 10000"), "sort=-amountExclTax"} {
			w.As(t, a, tests.ApiScenario{Name: "by amount: " + q, Method: http.MethodGet, URL: contractsURL + "?" + q,
				ExpectedStatus: 400, ExpectedContent: []string{"validation_path_not_allowed"}}).Test(t)
		}
	}

	for _, c := range []struct {
		actor  testkit.Actor
		body   string
		status int
	}{
		{testkit.Admin, `{"reference":"changed by the supplier"}`, 404},
		{customerProcessing, `{"reference":"changed by processing"}`, 404},
		{secondAdmin, `{"reference":"changed by another customer"}`, 404},
		{customerAdmin, `{"relationship":"` + w.Rel.Id + `"}`, 404},
		{customerAdmin, `{"amountExclTax":52000,"endsOn":"2027-01-14"}`, 200},
	} {
		w.As(t, c.actor, tests.ApiScenario{Name: "update " + c.body, Method: http.MethodPatch, URL: one,
			Body: strings.NewReader(c.body), ExpectedStatus: c.status, ExpectedContent: []string{`"`}}).Test(t)
	}
	for _, c := range []struct {
		actor  testkit.Actor
		status int
	}{{testkit.Admin, 404}, {customerProcessing, 404}, {secondAdmin, 404}, {customerFull, 204}} {
		s := tests.ApiScenario{Name: "delete", Method: http.MethodDelete, URL: one, ExpectedStatus: c.status}
		if c.status != 204 {
			s.ExpectedContent = testkit.Body404
		}
		w.As(t, c.actor, s).Test(t)
	}
}
