package documents_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// D1: the built-in catalogue, with each type's kind and validity, is read
// by every signed-in user; a customer's own type by its members and its
// suppliers' only; a guest lists nothing.
func TestCatalogueAndCustomerTypesD1(t *testing.T) {
	w := newDocWorld(t)
	builtIn := map[string]struct {
		kind string
		days int
	}{
		"kbis": {schema.KindLegal, 90}, "urssaf": {schema.KindLegal, 180}, "tax": {schema.KindLegal, 365},
		"insurance": {schema.KindLegal, 365}, "foreign_workers": {schema.KindLegal, 180}, "bank_details": {schema.KindFinancial, 0},
	}
	types, err := w.App.FindAllRecords(schema.DocumentTypes, dbx.HashExp{"owner": ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(types) != len(builtIn) {
		t.Fatalf("%d built-in types, want %d", len(types), len(builtIn))
	}
	for _, r := range types {
		want, ok := builtIn[r.GetString("code")]
		if !ok || r.GetString("kind") != want.kind || r.GetInt("validityDays") != want.days {
			t.Errorf("%s: kind %s, %d days; want %+v", r.GetString("code"), r.GetString("kind"), r.GetInt("validityDays"), want)
		}
	}
	quality := w.Types["quality"].Id
	list := "/api/collections/document_types/records?perPage=100&filter=" + url.QueryEscape("code = 'kbis' || id = '"+quality+"'")
	for _, c := range []struct {
		actor testkit.Actor
		want  int // kbis, and the quality plan for Customer's side and its supplier Home
	}{
		{CustomerAdmin, 2}, {CustomerDelivery, 2}, {testkit.Admin, 2}, {testkit.Collector, 2},
		{Customer2Admin, 1}, {testkit.Outsider, 1}, {testkit.Support, 1}, {testkit.Guest, 0},
	} {
		w.As(t, c.actor, tests.ApiScenario{Name: string(c.actor) + " lists types", Method: http.MethodGet, URL: list,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":` + string(rune('0'+c.want))}}).Test(t)
	}
}
