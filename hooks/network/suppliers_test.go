package network_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/network"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

func suppliersURL(id string) string { return "/api/vigie/establishments/" + id + "/suppliers" }

// N2: who may add a supplier to Home: its admin and full-access members (and
// the operator); other profiles 403, non-members 404, guests 401.
func TestAddSupplierActorsN2(t *testing.T) {
	w := testkit.NewWorld(t)
	for _, a := range testkit.Actors {
		number := testkit.SIRET()
		loadDirectory(t, w.App, [3]string{number, "Sous-traitant " + string(a), "Nantes"})
		status, want := 404, testkit.Body404
		switch a {
		case testkit.Admin, testkit.FullAccess, testkit.Operator:
			// S10: the first contact of a supplier without members is invited.
			status, want = 200, []string{`"status":"created"`, `"relationship":{`, `"membership":null`, `"invitation":{"email":"boss-`}
		case testkit.Guest:
			status, want = 401, []string{`"status":401`}
		case testkit.Processing, testkit.ProcessingArchive, testkit.Feedback, testkit.Delivery, testkit.Collector:
			status, want = 403, []string{`"status":403`}
		}
		w.As(t, a, tests.ApiScenario{
			Name: "add a supplier", Method: http.MethodPost, URL: suppliersURL(w.Home.Id),
			Body:           strings.NewReader(`{"siret":"` + number + `","contact":{"email":"boss-` + string(a) + `@sub.test","firstName":"Bo","lastName":"Ss"}}`),
			ExpectedStatus: status, ExpectedContent: want,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				_, err := app.FindFirstRecordByData(schema.Establishments, "siret", number)
				if created := err == nil; created != (status == 200) {
					t.Fatalf("supplier created = %v with status %d", created, status)
				}
			},
		}).Test(t)
	}
}

// N2, N7, T5: the contact of a supplier with members becomes a collector
// for this customer and its reference contact; the supplier's admins are told
// to review it; its members learn who follows them.
func TestAddSupplierToKnownSupplierN2(t *testing.T) {
	w := newNetWorld(t)
	rel, err := w.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
		dbx.Params{"c": w.Home.Id, "s": w.Supplier.Id})
	if err != nil || rel.GetString("status") != "active" {
		t.Fatalf("relationship = %v, %v", rel, err)
	}
	w.App.TestMailer.Reset()
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "a new contact at a known supplier", Method: http.MethodPost, URL: suppliersURL(w.Home.Id),
		Body:           strings.NewReader(`{"siret":"` + w.Supplier.GetString("siret") + `","contact":{"email":"newcomer@supplier.test","firstName":"Nina","lastName":"Neuve"}}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"status":"already_present"`, `"profile":"collector"`, `"collectorFor":"` + w.Home.Id + `"`},
	}).Test(t)
	newcomer, err := w.App.FindAuthRecordByEmail(schema.Users, "newcomer@supplier.test")
	if err != nil {
		t.Fatal(err)
	}
	rel, _ = w.App.FindRecordById(schema.Relationships, rel.Id)
	if refs := rel.GetStringSlice("referents"); len(refs) != 2 || refs[1] != newcomer.Id {
		t.Fatalf("referents = %v", refs)
	}
	if n, _ := w.App.CountRecords(schema.Notifications, dbx.HashExp{"user": w.SupplierAdmin.Id, "kind": "profile_to_review"}); n != 1 {
		t.Fatalf("supplier admin review notifications = %d", n)
	}
	sent := map[string]bool{}
	for _, m := range w.App.TestMailer.Messages() {
		sent[m.To[0].Address] = true
	}
	if !sent["newcomer@supplier.test"] || !sent["admin@supplier.test"] {
		t.Fatalf("emails went to %v", sent)
	}
	// A supplier with no member: the contact, new to Vigie, is invited; it
	// becomes the admin (T5) and the reference contact only by accepting
	// (S10, N8).
	number := testkit.SIRET()
	loadDirectory(t, w.App, [3]string{number, "Vide SARL", "Lille"})
	w.As(t, testkit.FullAccess, tests.ApiScenario{
		Name: "first contact of an empty supplier", Method: http.MethodPost, URL: suppliersURL(w.Home.Id),
		Body:           strings.NewReader(`{"siret":"` + number + `","contact":{"email":"first@vide.test"}}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"status":"created"`, `"membership":null`, `"invitation":{`, `"name":"Vide SARL"`},
	}).Test(t)
	firstContactAccepts(t, w.App, w.Home, number, "first@vide.test")
}

// firstContactAccepts checks that the contact a customer named for a
// supplier without members is no member, nor reference contact, until it
// accepts its invitation; then it is both, and the supplier's admin (S10).
func firstContactAccepts(t *testing.T, app *tests.TestApp, customer *core.Record, number, email string) {
	t.Helper()
	supplier, err := app.FindFirstRecordByData(schema.Establishments, "siret", number)
	if err != nil {
		t.Fatal(err)
	}
	contact, err := app.FindAuthRecordByEmail(schema.Users, email)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := app.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
		dbx.Params{"c": customer.Id, "s": supplier.Id})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := app.CountRecords(schema.Memberships, dbx.HashExp{"establishment": supplier.Id}); n != 0 {
		t.Fatalf("%s: %d members before the contact accepted", number, n)
	}
	if refs := rel.GetStringSlice("referents"); len(refs) != 0 {
		t.Fatalf("reference contacts %v before the contact accepted", refs)
	}
	inv, err := app.FindFirstRecordByFilter(schema.Invitations, "user = {:u} && establishment = {:e} && status = 'pending'",
		dbx.Params{"u": contact.Id, "e": supplier.Id})
	if err != nil {
		t.Fatalf("no pending invitation: %v", err)
	}
	(&tests.ApiScenario{
		Name: "the first contact accepts", Method: http.MethodPost, URL: "/api/vigie/invitations/" + inv.Id + "/accept",
		Headers:        map[string]string{"Authorization": testkit.Token(t, contact)},
		ExpectedStatus: 200, ExpectedContent: []string{`"status":"accepted"`, `"profile":"admin"`},
		TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true,
	}).Test(t)
	rel, _ = app.FindRecordById(schema.Relationships, rel.Id)
	if refs := rel.GetStringSlice("referents"); len(refs) != 1 || refs[0] != contact.Id {
		t.Fatalf("reference contacts after accepting: %v, want the contact", refs)
	}
}

// N2, N7: what a customer may not do, each answered with the field named and
// nothing written.
func TestAddSupplierRefusalsN7(t *testing.T) {
	w := newNetWorld(t)
	unknown := testkit.SIRET()
	cases := []struct{ name, body, field string }{
		{"bad siret", `{"siret":"12345678901234","contact":{"email":"x@y.test"}}`, `"siret":{"code":"validation_invalid_siret"`},
		{"not in the directory", `{"siret":"` + unknown + `","contact":{"email":"x@y.test"}}`, `"siret":{"code":"validation_unknown_siret"`},
		{"no contact", `{"siret":"` + w.Supplier.GetString("siret") + `"}`, `"contact":{"email":{`},
		{"its own establishment", `{"siret":"` + w.Home.GetString("siret") + `","contact":{"email":"x@y.test"}}`, `"siret":{"code":"validation_self_supplier"`},
		{"itself as contact", `{"siret":"` + w.Supplier.GetString("siret") + `","contact":{"email":"admin@home.test"}}`, `"code":"validation_self_contact"`},
		{"a colleague as contact", `{"siret":"` + w.Supplier.GetString("siret") + `","contact":{"email":"feedback@home.test"}}`, `"code":"validation_own_company"`},
		{"a member of a sister establishment", `{"siret":"` + w.Supplier.GetString("siret") + `","contact":{"email":"member@sister.test"}}`, `"code":"validation_own_company"`},
	}
	before, _ := w.App.CountRecords(schema.Memberships)
	for _, c := range cases {
		w.As(t, testkit.Admin, tests.ApiScenario{
			Name: c.name, Method: http.MethodPost, URL: suppliersURL(w.Home.Id), Body: strings.NewReader(c.body),
			ExpectedStatus: 400, ExpectedContent: []string{c.field},
		}).Test(t)
	}
	if after, _ := w.App.CountRecords(schema.Memberships); after != before {
		t.Fatalf("memberships %d → %d after refusals", before, after)
	}
}

// K4 (issue 18, item 15): the suppliers route does not rewrite a
// relationship someone else holds the lock of; the lock's holder may.
func TestAddSupplierRespectsLocksK4(t *testing.T) {
	w := newNetWorld(t)
	rel, err := w.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
		dbx.Params{"c": w.Home.Id, "s": w.Supplier.Id})
	if err != nil {
		t.Fatal(err)
	}
	lock := testkit.Record(t, w.App, schema.Locks, map[string]any{"collection": schema.Relationships, "recordId": rel.Id,
		"holder": w.SupplierAdmin.Id, "expiresAt": time.Now().Add(time.Hour).UTC().Format("2006-01-02 15:04:05.000Z")})
	body := `{"siret":"` + w.Supplier.GetString("siret") + `","contact":{"email":"newcomer@supplier.test"}}`
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "a locked relationship", Method: http.MethodPost, URL: suppliersURL(w.Home.Id), Body: strings.NewReader(body),
		ExpectedStatus: 423, ExpectedContent: []string{`"status":423`},
	}).Test(t)
	after, _ := w.App.FindRecordById(schema.Relationships, rel.Id)
	if !slices.Equal(after.GetStringSlice("referents"), rel.GetStringSlice("referents")) {
		t.Fatalf("a locked relationship was rewritten: %v", after.GetStringSlice("referents"))
	}
	if _, err := w.App.FindAuthRecordByEmail(schema.Users, "newcomer@supplier.test"); err == nil {
		t.Fatal("the refused request left a new user behind")
	}
	if err := w.App.Delete(lock); err != nil {
		t.Fatal(err)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "once free", Method: http.MethodPost, URL: suppliersURL(w.Home.Id), Body: strings.NewReader(body),
		ExpectedStatus: 200, ExpectedContent: []string{`"status":"already_present"`},
	}).Test(t)
}

// S10, N8 (issue 18, item 4): a customer adding a supplier with the address
// of one of its existing members neither makes that member a reference
// contact nor learns anything of the member or of the supplier's settings.
func TestCustomerCannotChooseReferentsS10(t *testing.T) {
	w := newNetWorld(t)
	rel, err := w.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
		dbx.Params{"c": w.Home.Id, "s": w.Supplier.Id})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"siret":"` + w.Supplier.GetString("siret") + `","contact":{"email":"admin@supplier.test"}}`
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "re-add with the supplier's admin as contact", Method: http.MethodPost, URL: suppliersURL(w.Home.Id),
		Body: strings.NewReader(body), ExpectedStatus: 200,
		ExpectedContent:    []string{`"status":"already_present"`, `"membership":null`, `"name":"Fournitures Dupont"`},
		NotExpectedContent: []string{`"profile"`, `"requireTotp"`, `"modules"`, `"shareEmailCheck"`, `"supportAccess"`, w.SupplierAdmin.Id},
	}).Test(t)
	after, _ := w.App.FindRecordById(schema.Relationships, rel.Id)
	if !slices.Equal(after.GetStringSlice("referents"), []string{w.Referent.Id}) {
		t.Fatalf("referents = %v, want the supplier's choice %v", after.GetStringSlice("referents"), w.Referent.Id)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "the member's record stays closed", Method: http.MethodGet, URL: "/api/collections/users/records/" + w.SupplierAdmin.Id,
		ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)

	// A new relationship through an existing member: none of them referent.
	added := w.addSupplier(t, w.Unrelated, w.Supplier.GetString("siret"), "member@supplier.test")
	if refs := added.Relationship.GetStringSlice("referents"); len(refs) != 0 || added.Membership != nil {
		t.Fatalf("referents = %v, membership = %v", refs, added.Membership)
	}
}

// S10, T5 (issue 18, item 8): a contact who already has an account is
// invited to the supplier, not made its member: a customer never makes
// someone admin of a supplier with no member yet. Accepting makes it the
// first member, hence admin (T5), by its own choice.
func TestContactWithAccountIsInvitedS10(t *testing.T) {
	w := newNetWorld(t)
	number := testkit.SIRET()
	loadDirectory(t, w.App, [3]string{number, "Atelier Sans Membre", "Nantes"})
	outsider := w.Users[testkit.Outsider]
	body := `{"siret":"` + number + `","contact":{"email":"` + outsider.Email() + `"}}`
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "add a supplier with no member, contact with an account", Method: http.MethodPost, URL: suppliersURL(w.Home.Id),
		Body: strings.NewReader(body), ExpectedStatus: 200,
		ExpectedContent:    []string{`"status":"created"`, `"membership":null`, `"invitation":{`, `"status":"pending"`},
		NotExpectedContent: []string{outsider.Id, `"profile"`},
	}).Test(t)
	supplier, err := w.App.FindFirstRecordByData(schema.Establishments, "siret", number)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := w.App.CountRecords(schema.Memberships, dbx.HashExp{"establishment": supplier.Id}); n != 0 {
		t.Fatalf("the supplier has %d members before anyone accepted", n)
	}
	inv, err := w.App.FindFirstRecordByFilter(schema.Invitations, "user = {:u} && establishment = {:e}", dbx.Params{"u": outsider.Id, "e": supplier.Id})
	if err != nil || inv.GetString("profile") != "collector" || inv.GetString("collectorFor") != w.Home.Id {
		t.Fatalf("invitation: %v %v", inv, err)
	}
	(&tests.ApiScenario{
		Name: "the contact accepts", Method: http.MethodPost, URL: "/api/vigie/invitations/" + inv.Id + "/accept",
		Headers: w.Headers(t, testkit.Outsider), ExpectedStatus: 200, ExpectedContent: []string{`"status":"accepted"`, `"profile":"admin"`},
		TestAppFactory: w.Factory, DisableTestAppCleanup: true,
	}).Test(t)
}

// S10: an address at the customer's own mail domain is refused as a
// supplier's contact, by the route and by the import (whose new rows take
// a bulk path of their own); public mail providers are not a company's.
func TestContactAtOwnDomainRefusedS10(t *testing.T) {
	w := newNetWorld(t)
	first, second := testkit.SIRET(), testkit.SIRET()
	loadDirectory(t, w.App, [3]string{first, "Atelier Un", "Nantes"}, [3]string{second, "Atelier Deux", "Brest"})
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "a new address at home.test", Method: http.MethodPost, URL: suppliersURL(w.Home.Id),
		Body:           strings.NewReader(`{"siret":"` + first + `","contact":{"email":"Mole@HOME.test"}}`),
		ExpectedStatus: 400, ExpectedContent: []string{`"contact":{"email":{"code":"validation_own_domain"`},
	}).Test(t)
	rows, err := network.ParseSupplierCSV(strings.NewReader("siret,email\n" + first + ",mole@home.test\n" + second + ",someone@gmail.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	report, err := network.ImportSuppliers(w.App, ptr(testkit.Config()), w.Home, rows, auditEntry(), w.Users[testkit.Admin].Id)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Rows) != 2 || report.Rows[0].Status != network.StatusInvalid || !strings.Contains(report.Rows[0].Error, "own company") || report.Rows[1].Status != "created" {
		t.Fatalf("import: %+v", report.Rows)
	}
	if _, err := w.App.FindAuthRecordByEmail(schema.Users, "mole@home.test"); err == nil {
		t.Fatal("the refused contact's account was created")
	}
}

func ptr[T any](v T) *T { return &v }
