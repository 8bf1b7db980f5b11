package documents_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/testkit"
)

// D1, D2: who sees a customer's requirements and own types, and who sets
// them. Second buys from Customer here: as Customer's customer it must not
// learn what Customer collects from its suppliers.
func TestRequirementsD2(t *testing.T) {
	w := newDocWorld(t)
	w.relationship(t, w.Second, w.Customer, "active", nil)
	kbis, quality := w.ReqKbis.Id, w.Types["quality"].Id
	for _, c := range []struct {
		actor         testkit.Actor
		reqs, ownType bool
	}{
		{CustomerAdmin, true, true}, {CustomerProcessing, true, true}, {CustomerDelivery, true, true},
		{testkit.Admin, true, true}, {testkit.Processing, true, true}, {testkit.Collector, true, true},
		{testkit.Delivery, false, false}, // sees no partner
		{Customer2Admin, false, false},   // Customer's customer
		{testkit.Outsider, false, false}, // relationship ended: no partner grant
		{testkit.Sister, false, false},
		{testkit.Operator, true, true},
	} {
		want, not := []string{`"id":"` + kbis + `"`}, []string(nil)
		if !c.reqs {
			want, not = nil, []string{kbis}
		}
		w.As(t, c.actor, tests.ApiScenario{
			Name: "list requirements", Method: http.MethodGet, URL: "/api/collections/requirements/records?perPage=100",
			ExpectedStatus: 200, ExpectedContent: append(want, `"items":`), NotExpectedContent: not,
		}).Test(t)
		want, not = []string{`"id":"` + quality + `"`}, nil
		if !c.ownType {
			want, not = nil, []string{quality}
		}
		w.As(t, c.actor, tests.ApiScenario{
			Name: "list types", Method: http.MethodGet, URL: "/api/collections/document_types/records?perPage=100",
			ExpectedStatus: 200, ExpectedContent: append(want, `"code":"kbis"`), NotExpectedContent: not,
		}).Test(t)
	}
	body := func(typ, supplier string) string {
		return `{"customer":"` + w.Customer.Id + `","type":"` + typ + `","supplier":"` + supplier + `"}`
	}
	for _, c := range []struct {
		name   string
		actor  testkit.Actor
		body   string
		status int
		want   string
	}{
		{"an admin collects tax from all suppliers", CustomerAdmin, body(w.Types["tax"].Id, ""), 200, `"supplier":""`},
		{"full access collects insurance from Home", CustomerFull, body(w.Types["insurance"].Id, w.Home.Id), 200, `"supplier":"` + w.Home.Id + `"`},
		{"twice is refused", CustomerAdmin, body(w.Types["tax"].Id, ""), 400, `"status":400`},
		{"processing may not", CustomerProcessing, body(w.Types["urssaf"].Id, ""), 400, `"status":400`},
		{"the supplier may not", testkit.Admin, body(w.Types["urssaf"].Id, ""), 400, `"status":400`},
		{"another customer's type is refused", CustomerAdmin, body(w.Types["charter"].Id, ""), 400, `"status":400`},
		{"only from an actual supplier", CustomerAdmin, body(w.Types["urssaf"].Id, w.Unrelated.Id), 400, `"supplier":{"code":"validation_not_supplier"`},
	} {
		w.As(t, c.actor, tests.ApiScenario{
			Name: c.name, Method: http.MethodPost, URL: "/api/collections/requirements/records",
			Body: stringsReader(c.body), Headers: map[string]string{"Content-Type": "application/json"},
			ExpectedStatus: c.status, ExpectedContent: []string{c.want},
		}).Test(t)
	}
	// A type's kind never changes: it decides who sees its documents.
	w.As(t, CustomerAdmin, tests.ApiScenario{
		Name: "change a type's kind", Method: http.MethodPatch, URL: "/api/collections/document_types/records/" + quality,
		Body: stringsReader(`{"kind":"legal"}`), Headers: map[string]string{"Content-Type": "application/json"},
		ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)
}
