package network_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/testkit"
)

// visWorld: Home follows Supplier (reference contact: referent@), Unrelated
// follows Supplier too (reference contact: member@), and Customer follows
// Home, with Home's collector as its contact.
type visWorld struct {
	*netWorld
	HomeSupplier, UnrelatedSupplier, CustomerHome *core.Record
}

func newVisWorld(t *testing.T) *visWorld {
	w := &visWorld{netWorld: newNetWorld(t)}
	number := w.Supplier.GetString("siret")
	w.HomeSupplier = w.addSupplier(t, w.Home, number, "referent@supplier.test").Relationship
	w.UnrelatedSupplier = w.addSupplier(t, w.Unrelated, number, "member@supplier.test").Relationship
	designate(t, w.App, w.UnrelatedSupplier, w.SupplierMember)
	w.CustomerHome = w.addSupplier(t, w.Customer, w.Home.GetString("siret"), "collector@home.test").Relationship
	return w
}

// N4, N5-side, T3: who sees which relationship, from every seat.
func TestRelationshipVisibilityN4(t *testing.T) {
	w := newVisWorld(t)
	hs, us, ch := w.HomeSupplier.Id, w.UnrelatedSupplier.Id, w.CustomerHome.Id
	for _, a := range testkit.Actors {
		var want, not []string
		switch a {
		case testkit.Admin, testkit.FullAccess, testkit.Processing, testkit.ProcessingArchive, testkit.Feedback:
			want, not = []string{hs, ch}, []string{us}
		case testkit.Collector: // its own customer's relationship only
			want, not = []string{ch}, []string{hs, us}
		case testkit.Outsider:
			want, not = []string{us}, []string{hs, ch}
		case testkit.Operator:
			want = []string{hs, us, ch}
		default: // delivery, sister, support, guest
			want, not = testkit.EmptyList, []string{hs, us, ch}
		}
		w.As(t, a, tests.ApiScenario{
			Name: "list relationships", Method: http.MethodGet, URL: "/api/collections/relationships/records",
			ExpectedStatus: 200, ExpectedContent: want, NotExpectedContent: not,
		}).Test(t)
	}
}

// N4: the supplier's account is seen by customers with an active
// relationship, without its settings; the supplier sees its customers.
func TestPartnerEstablishmentsN4(t *testing.T) {
	w := newVisWorld(t)
	url := "/api/collections/establishments/records/" + w.Supplier.Id
	for _, a := range testkit.Actors {
		status, want, not := 404, testkit.Body404, []string(nil)
		switch a {
		case testkit.Admin, testkit.FullAccess, testkit.Processing, testkit.ProcessingArchive, testkit.Feedback, testkit.Outsider:
			status, want, not = 200, []string{`"name":"Fournitures Dupont"`}, []string{"modules", "requireTotp", "supportAccess"}
		case testkit.Operator:
			status, want = 200, []string{`"modules":`}
		}
		w.As(t, a, tests.ApiScenario{Name: "view the supplier", Method: http.MethodGet, URL: url,
			ExpectedStatus: status, ExpectedContent: want, NotExpectedContent: not}).Test(t)
	}
	supplierAdmin := map[string]string{"Authorization": testkit.Token(t, w.SupplierAdmin)}
	(&tests.ApiScenario{Name: "the supplier lists its customers", Method: http.MethodGet,
		URL: "/api/collections/establishments/records", Headers: supplierAdmin, ExpectedStatus: 200,
		ExpectedContent: []string{w.Home.Id, w.Unrelated.Id, w.Supplier.Id}, NotExpectedContent: []string{w.Customer.Id, w.Sister.Id},
		TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)

	// Ending the relationship closes both sides at once.
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "end the relationship", Method: http.MethodPatch,
		URL: "/api/collections/relationships/records/" + w.HomeSupplier.Id, Body: strings.NewReader(`{"status":"ended"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"status":"ended"`}}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "the supplier is gone", Method: http.MethodGet, URL: url,
		ExpectedStatus: 404, ExpectedContent: testkit.Body404}).Test(t)
	(&tests.ApiScenario{Name: "and so is the customer", Method: http.MethodGet,
		URL: "/api/collections/establishments/records/" + w.Home.Id, Headers: supplierAdmin,
		ExpectedStatus: 404, ExpectedContent: testkit.Body404, TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
}

// N6: a supplier's user's personal data is shown to a customer only when that
// user is its reference contact.
func TestReferentPersonalDataN6(t *testing.T) {
	w := newVisWorld(t)
	for _, c := range []struct {
		actor     testkit.Actor
		want, not []string
	}{
		{testkit.Admin, []string{"referent@supplier.test", "+33 4 00 00 00 00"}, []string{"member@supplier.test", "admin@supplier.test"}},
		{testkit.Feedback, []string{"referent@supplier.test"}, []string{"member@supplier.test", "admin@supplier.test"}},
		{testkit.Outsider, []string{"member@supplier.test"}, []string{"referent@supplier.test", "admin@supplier.test"}},
		{testkit.Delivery, []string{"delivery@home.test"}, []string{"referent@supplier.test", "member@supplier.test"}},
		{testkit.Sister, []string{"member@sister.test"}, []string{"referent@supplier.test", "member@supplier.test"}},
	} {
		w.As(t, c.actor, tests.ApiScenario{Name: "list users", Method: http.MethodGet, URL: "/api/collections/users/records?perPage=200",
			ExpectedStatus: 200, ExpectedContent: c.want, NotExpectedContent: c.not}).Test(t)
	}
}

// T7: an adviser sees only the relationships assigned to it.
func TestAssignedAdviserT7(t *testing.T) {
	w := newVisWorld(t)
	adviser := w.Memberships[testkit.Feedback]
	adviser.Set("visibility", "assigned")
	if err := w.App.Save(adviser); err != nil {
		t.Fatal(err)
	}
	list := func(name string, want, not []string) {
		w.As(t, testkit.Feedback, tests.ApiScenario{Name: name, Method: http.MethodGet, URL: "/api/collections/relationships/records",
			ExpectedStatus: 200, ExpectedContent: want, NotExpectedContent: not}).Test(t)
	}
	list("nothing assigned", testkit.EmptyList, []string{w.HomeSupplier.Id, w.CustomerHome.Id})
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "assign the supplier", Method: http.MethodPatch,
		URL:  "/api/collections/relationships/records/" + w.HomeSupplier.Id,
		Body: strings.NewReader(`{"owner":"` + w.Users[testkit.Feedback].Id + `"}`), ExpectedStatus: 200,
		ExpectedContent: []string{`"owner":"` + w.Users[testkit.Feedback].Id + `"`}}).Test(t)
	list("its assigned supplier", []string{w.HomeSupplier.Id}, []string{w.CustomerHome.Id})
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "the owner must be a member of the customer", Method: http.MethodPatch,
		URL:  "/api/collections/relationships/records/" + w.HomeSupplier.Id,
		Body: strings.NewReader(`{"owner":"` + w.SupplierAdmin.Id + `"}`), ExpectedStatus: 400,
		ExpectedContent: []string{`"owner":{`}}).Test(t)
}

// N8: the supplier's admins choose its reference contacts per customer; the
// customer cannot, and referents are the supplier's members.
func TestReferentsBySupplierAdminsN8(t *testing.T) {
	w := newVisWorld(t)
	url := "/api/collections/relationships/records/" + w.HomeSupplier.Id
	admin := map[string]string{"Authorization": testkit.Token(t, w.SupplierAdmin)}
	member := map[string]string{"Authorization": testkit.Token(t, w.SupplierMember)}
	for _, s := range []tests.ApiScenario{
		{Name: "supplier admin designates a referent", Headers: admin, Body: strings.NewReader(`{"referents":["` + w.SupplierMember.Id + `"]}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"referents":["` + w.SupplierMember.Id + `"]`}},
		{Name: "a non-member referent", Headers: admin, Body: strings.NewReader(`{"referents":["` + w.Users[testkit.Admin].Id + `"]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"referents":{"code":"validation_not_member"`}},
		{Name: "the supplier cannot end it", Headers: admin, Body: strings.NewReader(`{"status":"ended"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":{"code":"validation_customer_only"`}},
		{Name: "a supplier member without admin rights", Headers: member, Body: strings.NewReader(`{"referents":[]}`),
			ExpectedStatus: 404, ExpectedContent: testkit.Body404},
	} {
		s.Method, s.URL, s.TestAppFactory, s.DisableTestAppCleanup = http.MethodPatch, url, w.Factory, true
		s.Test(t)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "the customer cannot pick referents", Method: http.MethodPatch, URL: url,
		Body: strings.NewReader(`{"referents":["` + w.Referent.Id + `"]}`), ExpectedStatus: 400,
		ExpectedContent: []string{`"referents":{"code":"validation_supplier_only"`}}).Test(t)
	// The new referent's details now reach the customer, the old one's not.
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "customer sees the new referent", Method: http.MethodGet,
		URL: "/api/collections/users/records?perPage=200", ExpectedStatus: 200,
		ExpectedContent: []string{"member@supplier.test"}, NotExpectedContent: []string{"referent@supplier.test"}}).Test(t)
}

// N4: a customer cannot reach a supplier it did not add, nor its
// relationship with another customer, nor its members.
func TestForeignSupplierUnreachableN4(t *testing.T) {
	w := newNetWorld(t) // only Home follows Supplier
	rel, err := w.App.FindFirstRecordByData("relationships", "supplier", w.Supplier.Id)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []tests.ApiScenario{
		{Name: "view the supplier", URL: "/api/collections/establishments/records/" + w.Supplier.Id, ExpectedStatus: 404, ExpectedContent: testkit.Body404},
		{Name: "view the relationship", URL: "/api/collections/relationships/records/" + rel.Id, ExpectedStatus: 404, ExpectedContent: testkit.Body404},
		{Name: "filter for it", URL: "/api/collections/relationships/records?filter=" + url.QueryEscape("supplier='"+w.Supplier.Id+"'"),
			ExpectedStatus: 200, ExpectedContent: testkit.EmptyList},
		{Name: "view its referent", URL: "/api/collections/users/records/" + w.Referent.Id, ExpectedStatus: 404, ExpectedContent: testkit.Body404},
		{Name: "expand through a membership", URL: "/api/collections/memberships/records?expand=establishment&filter=" + url.QueryEscape("establishment='"+w.Supplier.Id+"'"),
			ExpectedStatus: 200, ExpectedContent: testkit.EmptyList},
	} {
		s.Method = http.MethodGet
		w.As(t, testkit.Outsider, s).Test(t)
	}
}
