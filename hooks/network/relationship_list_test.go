package network_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/handler"
	"vigie/internal/schema"
	"vigie/internal/testkit"
	"vigie/internal/textfold"
)

type listedRelationship struct {
	ID     string `json:"id"`
	Expand struct {
		Supplier struct {
			Name  string `json:"name"`
			SIRET string `json:"siret"`
		} `json:"supplier"`
	} `json:"expand"`
}

type supplierListPage struct {
	TotalItems int                  `json:"totalItems"`
	Items      []listedRelationship `json:"items"`
}

type rawPage struct {
	Items []json.RawMessage `json:"items"`
}

// supplierListWorld: Home follows the net world's supplier and five more
// (one of them assigned to an adviser, one relationship ended).
func supplierListWorld(t *testing.T) (*netWorld, http.Handler, map[string]string) {
	t.Helper()
	w := newNetWorld(t)
	adviser := w.Memberships[testkit.Feedback]
	adviser.Set("visibility", "assigned")
	testkit.Save(t, w.App, adviser)
	names := map[string]string{} // relationship id → supplier name
	col, err := w.App.FindCollectionByNameOrId(schema.Relationships)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Société Écrou", "ecrous et boulons", "Zinc SARL", "Abeille SAS", "Fermée SA"} {
		sup := testkit.Establishment(t, w.App, name, testkit.SIRET())
		rel := core.NewRecord(col)
		rel.Load(map[string]any{"customer": w.Home.Id, "supplier": sup.Id, "status": "active"})
		if i == 2 {
			rel.Set("owner", w.Users[testkit.Feedback].Id)
		}
		if i == 4 {
			rel.Set("status", "ended")
		}
		testkit.Save(t, w.App, rel)
		names[rel.Id] = name
	}
	// Home is also the supplier of three more customers, one of them ended.
	for i, name := range []string{"Client Éole", "client zéphyr", "Client Parti"} {
		cust := testkit.Establishment(t, w.App, name, testkit.SIRET())
		rel := core.NewRecord(col)
		rel.Load(map[string]any{"customer": cust.Id, "supplier": w.Home.Id, "status": "active"})
		if i == 2 {
			rel.Set("status", "ended")
		}
		testkit.Save(t, w.App, rel)
	}
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	return w, h, names
}

func getJSON(t *testing.T, h http.Handler, headers map[string]string, path string, out any) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if out != nil && rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return rec.Code
}

// U1, N4, T7: "My suppliers" and "My customers", searched, sorted and
// paged, list page after page exactly the active relationships that
// PocketBase's own list rule shows each reader, each record as that list
// gives it; readers outside the customer get what a rule answers
// (404, 401 for a guest), never a row.
func TestSupplierListMatchesTheRuleU1(t *testing.T) {
	w, h, _ := supplierListWorld(t)
	for _, side := range []struct{ path, own, expand string }{
		{"suppliers", "customer", "supplier,referents"}, {"customers", "supplier", "customer"},
	} {
		t.Run(side.path, func(t *testing.T) {
			base := "/api/vigie/establishments/" + w.Home.Id + "/" + side.path
			ruleList := "/api/collections/relationships/records?perPage=500&expand=" + side.expand + "&filter=" +
				url.QueryEscape(fmt.Sprintf(`%s = %q && status = "active"`, side.own, w.Home.Id))
			listMatchesTheRule(t, w, h, base, ruleList)
		})
	}
}

func listMatchesTheRule(t *testing.T, w *netWorld, h http.Handler, base, ruleList string) {
	for _, actor := range testkit.Actors {
		headers := w.Headers(t, actor)
		var byRule supplierListPage
		if code := getJSON(t, h, headers, ruleList, &byRule); code != http.StatusOK {
			t.Fatalf("%s: rule list %d", actor, code)
		}
		var want []string
		for _, r := range byRule.Items {
			want = append(want, r.ID)
		}
		slices.Sort(want)
		// Each record as PocketBase's list gives it, expand included.
		var rawRule, rawRoute rawPage
		getJSON(t, h, headers, ruleList, &rawRule)
		getJSON(t, h, headers, base+"?perPage=200", &rawRoute)
		asListed := map[string]string{}
		for i, r := range byRule.Items {
			asListed[r.ID] = string(rawRule.Items[i])
		}
		for _, raw := range rawRoute.Items {
			var r listedRelationship
			json.Unmarshal(raw, &r)
			if asListed[r.ID] != string(raw) {
				t.Errorf("%s: the route gives\n%s\nPocketBase's list\n%s", actor, raw, asListed[r.ID])
			}
		}
		code := getJSON(t, h, headers, base, nil)
		isMember := slices.Contains(testkit.Members, actor) || actor == testkit.Operator
		// X2: the CSV holds the same rows, and nothing for a refused reader.
		req := httptest.NewRequest(http.MethodGet, base+"?format=csv", nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != code {
			t.Errorf("%s: CSV %d, list %d", actor, rec.Code, code)
		}
		if rec.Code == http.StatusOK {
			if lines := strings.Count(rec.Body.String(), "\r\n"); lines-1 != len(want) {
				t.Errorf("%s: CSV of %d rows, the rule shows %d", actor, lines-1, len(want))
			}
		} else if strings.Contains(rec.Body.String(), "SIRET") {
			t.Errorf("%s: a refused CSV holds rows", actor)
		}
		switch {
		case actor == testkit.Guest:
			if code != http.StatusUnauthorized {
				t.Errorf("guest: %d, want 401", code)
			}
			continue
		case !isMember:
			if code != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", actor, code)
			}
			if len(want) != 0 {
				t.Errorf("%s: the rule shows %v of Home's relationships", actor, want)
			}
			continue
		}
		if len(want) == 0 && (actor == testkit.Admin || actor == testkit.Operator) {
			t.Fatalf("%s: the rule shows nothing; the test proves nothing", actor)
		}
		for _, sort := range []string{"", "name", "-name", "created", "-created"} {
			var got []string
			total := -1
			for page := 1; page < 10; page++ {
				var p supplierListPage
				q := url.Values{"perPage": {"2"}, "page": {fmt.Sprint(page)}, "sort": {sort}}
				if code := getJSON(t, h, headers, base+"?"+q.Encode(), &p); code != http.StatusOK {
					t.Fatalf("%s %v: %d", actor, q, code)
				}
				total = p.TotalItems
				if len(p.Items) == 0 {
					break
				}
				for _, r := range p.Items {
					got = append(got, r.ID)
				}
			}
			if total != len(want) {
				t.Errorf("%s sort %q: totalItems %d, want %d", actor, sort, total, len(want))
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s sort %q: listed %v, the rule shows %v", actor, sort, got, want)
			}
		}
	}
}

// U1: the search ignores accents and capitals and finds a SIRET typed with
// spaces; the sorts order by name; an ended relationship is never listed.
func TestSupplierListSearchAndSortU1(t *testing.T) {
	w, h, names := supplierListWorld(t)
	base := "/api/vigie/establishments/" + w.Home.Id + "/suppliers"
	admin := w.Headers(t, testkit.Admin)
	list := func(q url.Values) []string {
		t.Helper()
		var p supplierListPage
		if code := getJSON(t, h, admin, base+"?"+q.Encode(), &p); code != http.StatusOK {
			t.Fatalf("%v: %d", q, code)
		}
		out := make([]string, len(p.Items))
		for i, r := range p.Items {
			out[i] = r.Expand.Supplier.Name
		}
		if p.TotalItems != len(out) {
			t.Errorf("%v: totalItems %d for %d items", q, p.TotalItems, len(out))
		}
		return out
	}
	if got := list(url.Values{"q": {"ECROU"}, "sort": {"name"}}); !slices.Equal(got, []string{"ecrous et boulons", "Société Écrou"}) {
		t.Errorf("q=ECROU: %v", got)
	}
	// X2: the CSV follows the search and the sort.
	req := httptest.NewRequest(http.MethodGet, base+"?format=csv&q=ECROU&sort=name", nil)
	for k, v := range admin {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	csvLines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(rec.Body.String(), "\ufeff"), "\r\n"), "\r\n")
	if rec.Code != 200 || len(csvLines) != 3 || !strings.HasPrefix(csvLines[0], "Nom;SIRET") ||
		!strings.HasPrefix(csvLines[1], "ecrous et boulons;") || !strings.HasPrefix(csvLines[2], "Société Écrou;") {
		t.Errorf("CSV q=ECROU sort=name: %d %q", rec.Code, csvLines)
	}
	if got := list(url.Values{"q": {"societe"}}); !slices.Equal(got, []string{"Société Écrou"}) {
		t.Errorf("q=societe: %v", got)
	}
	siret := w.Supplier.GetString("siret")
	spaced := siret[:3] + " " + siret[3:6] + " " + siret[6:9] + " " + siret[9:]
	if got := list(url.Values{"q": {spaced}}); !slices.Equal(got, []string{"Fournitures Dupont"}) {
		t.Errorf("q=%q: %v", spaced, got)
	}
	byName := list(url.Values{"sort": {"name"}})
	if !slices.IsSortedFunc(byName, func(a, b string) int { return strings.Compare(textfold.Fold(a), textfold.Fold(b)) }) || len(byName) != 5 {
		t.Errorf("sort=name: %v", byName)
	}
	desc := list(url.Values{"sort": {"-name"}})
	slices.Reverse(desc)
	if !slices.Equal(desc, byName) {
		t.Errorf("sort=-name is not sort=name reversed: %v", desc)
	}
	for _, n := range list(url.Values{"q": {"ferm"}}) {
		t.Errorf("an ended relationship is listed: %s", n)
	}
	// Ending a relationship takes it off the list at once, cache or not.
	for id, name := range names {
		if name == "Zinc SARL" {
			rel, err := w.App.FindRecordById(schema.Relationships, id)
			if err != nil {
				t.Fatal(err)
			}
			rel.Set("status", "ended")
			testkit.Save(t, w.App, rel)
		}
	}
	if got := list(url.Values{"q": {"zinc"}}); len(got) != 0 {
		t.Errorf("ended since the last read, still listed: %v", got)
	}
	// A supplier renamed is found by its new name at once.
	abeille, err := w.App.FindFirstRecordByData(schema.Establishments, "name", "Abeille SAS")
	if err != nil {
		t.Fatal(err)
	}
	abeille.Set("name", "Bourdon SAS")
	testkit.Save(t, w.App, abeille)
	if got := list(url.Values{"q": {"bourdon"}}); !slices.Equal(got, []string{"Bourdon SAS"}) {
		t.Errorf("renamed since the last read: %v", got)
	}
	// "My customers" searches the customers' names the same way.
	var customers struct {
		TotalItems int
		Items      []struct {
			Expand struct{ Customer struct{ Name string } }
		}
	}
	if code := getJSON(t, h, admin, "/api/vigie/establishments/"+w.Home.Id+"/customers?q=ZEPHYR", &customers); code != http.StatusOK ||
		customers.TotalItems != 1 || customers.Items[0].Expand.Customer.Name != "client zéphyr" {
		t.Errorf("customers?q=ZEPHYR: %d %+v", code, customers)
	}
}

// U1: a refused query names its parameter.
func TestSupplierListRefusalsU1(t *testing.T) {
	w, h, _ := supplierListWorld(t)
	base := "/api/vigie/establishments/" + w.Home.Id + "/suppliers?"
	for _, c := range []struct{ query, field string }{
		{"sort=siret", "sort"}, {"perPage=0", "perPage"}, {"perPage=201", "perPage"}, {"page=-1", "page"},
		{"q=" + strings.Repeat("a", 101), "q"}, {"format=xlsx", "format"},
	} {
		req := httptest.NewRequest(http.MethodGet, base+c.query, nil)
		for k, v := range w.Headers(t, testkit.Admin) {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"`+c.field+`":{"code":"validation_`) {
			t.Errorf("%s: %d %s", c.query, rec.Code, rec.Body)
		}
	}
}
