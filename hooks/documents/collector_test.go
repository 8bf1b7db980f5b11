package documents_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/fixtures"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// S10: a collector, the agent a customer places in a supplier's account,
// sends documents for that customer only. Its Kbis is held for Customer
// beside Home's own, which it does not supersede and which Second, another
// customer collecting Kbis, keeps reading; its next Kbis replaces its own
// only; it may not send bank details at all.
func TestCollectorUploadHeldForItsCustomerS10(t *testing.T) {
	w := newDocWorld(t)
	w.require(t, w.Second, "kbis", nil)
	collector := w.Users[testkit.Collector]
	sent := func(name string) *core.Record {
		t.Helper()
		w.try(t, upload{name: name, actor: testkit.Collector, typeName: "kbis", filename: "kbis.pdf",
			content: fixtures.PDF(), status: 200, content2: []string{`"addressee":"` + w.Customer.Id + `"`}})
		doc, err := w.App.FindFirstRecordByFilter(schema.Documents, "uploadedBy = {:u} && type = {:t} && status != 'superseded'",
			dbx.Params{"u": collector.Id, "t": w.Types["kbis"].Id})
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	first := sent("the collector sends a Kbis")
	if s := reload(t, w.App, w.Docs["kbis2"]).GetString("status"); s == schema.StatusSuperseded {
		t.Fatalf("Home's own Kbis is %s after the collector's upload", s)
	}
	kbis := "/api/collections/documents/records?filter=" + url.QueryEscape("type = '"+w.Types["kbis"].Id+"' && status != 'superseded'")
	for _, c := range []struct {
		actor         testkit.Actor
		sees, seesNot []string
	}{
		{CustomerAdmin, []string{w.Docs["kbis2"].Id, first.Id}, nil},
		{Customer2Admin, []string{w.Docs["kbis2"].Id}, []string{first.Id}},
		{testkit.Admin, []string{w.Docs["kbis2"].Id, first.Id}, nil},
		{testkit.Outsider, nil, []string{w.Docs["kbis2"].Id, first.Id}},
	} {
		w.As(t, c.actor, tests.ApiScenario{Name: string(c.actor) + " lists current Kbis", Method: http.MethodGet, URL: kbis,
			ExpectedStatus: 200, ExpectedContent: append([]string{`"items":`}, c.sees...), NotExpectedContent: c.seesNot}).Test(t)
	}

	second := sent("the collector sends a newer Kbis")
	if s := reload(t, w.App, first).GetString("status"); s != schema.StatusSuperseded {
		t.Errorf("the collector's first Kbis is %q after its second, want superseded", s)
	}
	if s := reload(t, w.App, w.Docs["kbis2"]).GetString("status"); s == schema.StatusSuperseded {
		t.Errorf("Home's own Kbis is %s after the collector's second upload", s)
	}
	if second.GetString("replaces") != first.Id {
		t.Errorf("the collector's second Kbis replaces %q, want its first %q", second.GetString("replaces"), first.Id)
	}

	// Until one of Home's admins adopts it: then it is Home's shared Kbis,
	// superseding the one Second read, once.
	adopt := "/api/vigie/documents/" + second.Id + "/adopt"
	for _, c := range []struct {
		actor  testkit.Actor
		status int
	}{
		{testkit.Guest, 401}, {CustomerAdmin, 404}, {Customer2Admin, 404}, {testkit.Outsider, 404},
		{testkit.Collector, 403}, {testkit.Processing, 403}, {testkit.Admin, 200}, {testkit.Admin, 409},
	} {
		w.As(t, c.actor, tests.ApiScenario{Name: string(c.actor) + " adopts", Method: http.MethodPost, URL: adopt,
			ExpectedStatus: c.status, ExpectedContent: []string{`"status"`}}).Test(t)
	}
	if s := reload(t, w.App, w.Docs["kbis2"]).GetString("status"); s != schema.StatusSuperseded {
		t.Errorf("Home's former Kbis is %q after the adoption, want superseded", s)
	}
	if a := reload(t, w.App, second).GetString("addressee"); a != "" {
		t.Errorf("the adopted Kbis is still addressed to %q", a)
	}
	w.As(t, Customer2Admin, tests.ApiScenario{Name: "Second reads the adopted Kbis", Method: http.MethodGet, URL: kbis,
		ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + second.Id + `"`, `"totalItems":1`}}).Test(t)

	w.try(t, upload{name: "the collector may not send bank details", actor: testkit.Collector, typeName: "bank_details",
		filename: "rib.pdf", content: fixtures.PDF(), status: 403, content2: []string{"collector"}})
	w.try(t, upload{name: "another member still may not address a Kbis", actor: testkit.Admin, typeName: "kbis",
		addressee: w.Customer, filename: "kbis.pdf", content: fixtures.PDF(), status: 400,
		content2: []string{`"addressee":{"code":"validation_shared_document"`}})
}
