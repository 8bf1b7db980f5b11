package documents_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vigie/internal/handler"
	"vigie/internal/testkit"
)

type filterItem struct {
	Supplier struct{ ID, SIRET, Name string }
	Type     struct{ ID, Code string }
	Status   string
}

type filterPage struct {
	Items          []filterItem
	Summary        map[string]int
	TotalSuppliers int
}

// U1: a filtered compliance page (status, type, search, sort) gives, page
// after page, exactly the cells of the whole unfiltered answer that match,
// in the order asked, with the summary and the count of what matches; as
// every reader, whose whole answer is already bounded by what it sees.
func TestComplianceFiltersU1(t *testing.T) {
	w := newDocWorld(t)
	for i := 0; i < 4; i++ {
		sup := testkit.Establishment(t, w.App, fmt.Sprintf("Société Écrou %d", i), testkit.SIRET())
		w.relationship(t, w.Customer, sup, "active", nil)
	}
	w.setUntil(t, "kbis2", -1)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/vigie/establishments/" + w.Customer.Id + "/compliance"
	get := func(actor testkit.Actor, query url.Values) filterPage {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, base+"?"+query.Encode(), nil)
		for k, v := range w.Headers(t, actor) {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out filterPage
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			t.Fatalf("%s %v: %d %s", actor, query, rec.Code, rec.Body)
		}
		return out
	}
	homeSIRET := w.Home.GetString("siret")
	filters := []map[string]string{
		{"status": "missing"}, {"status": "expired"}, {"status": "valid"}, {"status": "expiring"},
		{"type": w.Types["kbis"].Id}, {"type": w.Types["urssaf"].Id}, {"type": "nosuchtype"},
		{"type": w.Types["kbis"].Id, "status": "missing"},
		{"q": "societe ecrou"}, {"q": "ÉCROU 2"}, {"q": homeSIRET[2:9]}, {"q": "zzz"},
		{"sort": "-name"}, {"sort": "status"}, {"sort": "status", "status": "missing"},
		{"q": "ecrou", "sort": "-name", "type": w.Types["kbis"].Id},
	}
	for _, actor := range []testkit.Actor{CustomerAdmin, CustomerFull, CustomerAdviser, testkit.Operator} {
		whole := get(actor, url.Values{})
		for _, f := range filters {
			want := expectFiltered(whole.Items, f)
			for _, perPage := range []int{1, 2, 50} {
				var items []filterItem
				for page := 1; ; page++ {
					q := url.Values{"page": {fmt.Sprint(page)}, "perPage": {fmt.Sprint(perPage)}}
					for k, v := range f {
						q.Set(k, v)
					}
					got := get(actor, q)
					if !reflect.DeepEqual(got.Summary, want.Summary) || got.TotalSuppliers != want.TotalSuppliers {
						t.Fatalf("%s, %v, page %d of %d: summary %v of %d suppliers, want %v of %d",
							actor, f, page, perPage, got.Summary, got.TotalSuppliers, want.Summary, want.TotalSuppliers)
					}
					if (page-1)*perPage >= want.TotalSuppliers {
						if len(got.Items) != 0 {
							t.Fatalf("%s, %v: page %d past the end: %v", actor, f, page, got.Items)
						}
						break
					}
					items = append(items, got.Items...)
				}
				if !reflect.DeepEqual(items, want.Items) && (len(items) > 0 || len(want.Items) > 0) {
					t.Fatalf("%s, %v, pages of %d:\n got %v\nwant %v", actor, f, perPage, items, want.Items)
				}
			}
		}
	}
	// The filters must not be vacuous in this world.
	admin := get(CustomerAdmin, url.Values{})
	if n := expectFiltered(admin.Items, map[string]string{"q": "societe ecrou"}).TotalSuppliers; n != 4 {
		t.Fatalf("accents: %d suppliers match, want 4", n)
	}
	if n := expectFiltered(admin.Items, map[string]string{"status": "expired"}).TotalSuppliers; n != 1 {
		t.Fatalf("%d suppliers with an expired document, want 1", n)
	}
	if got := get(CustomerAdmin, url.Values{"sort": {"status"}}); got.Items[0].Supplier.ID != w.Home.Id {
		t.Fatalf("worst first starts with %s, not the supplier with an expired document", got.Items[0].Supplier.Name)
	}
}

// expectFiltered computes a filter's answer from the whole unfiltered one,
// as a person would read the table: every supplier of this world has cells.
func expectFiltered(whole []filterItem, f map[string]string) filterPage {
	out := filterPage{Summary: map[string]int{"valid": 0, "expiring": 0, "expired": 0, "missing": 0}}
	var order []string
	bySupplier := map[string][]filterItem{}
	for _, it := range whole {
		if _, seen := bySupplier[it.Supplier.ID]; !seen {
			order = append(order, it.Supplier.ID)
		}
		bySupplier[it.Supplier.ID] = append(bySupplier[it.Supplier.ID], it)
	}
	plain := strings.NewReplacer("é", "e", "É", "e")
	worst := map[string]int{"expired": 0, "missing": 1, "expiring": 2, "valid": 3}
	type kept struct {
		items []filterItem
		worst int
	}
	var suppliers []kept
	for _, id := range order {
		cells := bySupplier[id]
		name := strings.ToLower(plain.Replace(cells[0].Supplier.Name))
		if q := strings.ToLower(plain.Replace(f["q"])); q != "" && !strings.Contains(name, q) && !strings.Contains(cells[0].Supplier.SIRET, q) {
			continue
		}
		k := kept{worst: 4}
		for _, c := range cells {
			if f["type"] != "" && c.Type.ID != f["type"] {
				continue
			}
			out.Summary[c.Status]++
			k.worst = min(k.worst, worst[c.Status])
			if f["status"] == "" || c.Status == f["status"] {
				k.items = append(k.items, c)
			}
		}
		if len(k.items) > 0 || (f["status"] == "" && f["type"] == "") {
			suppliers = append(suppliers, k)
		}
	}
	switch f["sort"] {
	case "-name":
		slices.Reverse(suppliers)
	case "status":
		slices.SortStableFunc(suppliers, func(a, b kept) int { return a.worst - b.worst })
	}
	out.TotalSuppliers = len(suppliers)
	for _, k := range suppliers {
		out.Items = append(out.Items, k.items...)
	}
	return out
}

// Bad filters are refused naming the parameter; a filter opens nothing the
// unfiltered answer denies.
func TestComplianceFilterRefusals(t *testing.T) {
	w := newDocWorld(t)
	u := "/api/vigie/establishments/" + w.Customer.Id + "/compliance"
	for _, q := range []struct{ query, field, code string }{
		{"?status=late", "status", "validation_invalid_status"},
		{"?sort=siret", "sort", "validation_invalid_sort"},
		{"?q=" + strings.Repeat("a", 101), "q", "validation_length_too_long"},
		{"?status=missing&page=0", "page", "validation_invalid_page"},
	} {
		w.As(t, CustomerAdmin, testApiScenario("bad filter "+q.field, u+q.query, 400,
			[]string{`"` + q.field + `":{"code":"` + q.code + `"`})).Test(t)
	}
	for _, c := range []struct {
		actor  testkit.Actor
		status int
		want   []string
	}{
		{CustomerAdviser, 200, []string{`"items":[]`, `"totalSuppliers":0`}},
		{CustomerProcessing, 403, []string{`"status":403`}},
		{testkit.Admin, 404, testkit.Body404},
		{Customer2Admin, 404, testkit.Body404},
		{testkit.Support, 404, testkit.Body404},
		{testkit.Guest, 401, []string{`"status":401`}},
	} {
		w.As(t, c.actor, testApiScenario("filtered", u+"?status=missing&q=ecrou", c.status, c.want)).Test(t)
	}
}
