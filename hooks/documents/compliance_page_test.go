package documents_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/handler"
	"vigie/internal/testkit"
)

type compliancePage struct {
	Items []struct {
		Supplier struct{ ID string }
		Type     struct{ Code string }
		Status   string
		Document string
	}
	Summary        map[string]int
	TotalSuppliers int
	Page, PerPage  int
}

// D5, U1 (issue 17): the compliance answer in pages of suppliers gives,
// page after page, the cells of the whole answer in the same order, and
// each page the summary of all of them; the summary follows every write,
// including one that goes around the model hooks.
func TestCompliancePagesD5(t *testing.T) {
	w := newDocWorld(t)
	for i := 0; i < 4; i++ {
		sup := testkit.Establishment(t, w.App, fmt.Sprintf("Paged %d", i), testkit.SIRET())
		w.relationship(t, w.Customer, sup, "active", nil)
	}
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/vigie/establishments/" + w.Customer.Id + "/compliance"
	get := func(actor testkit.Actor, query string) (int, compliancePage) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, base+query, nil)
		for k, v := range w.Headers(t, actor) {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out compliancePage
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s: %v: %s", query, err, rec.Body)
		}
		return rec.Code, out
	}
	check := func(stage string) {
		t.Helper()
		for _, actor := range []testkit.Actor{CustomerAdmin, CustomerFull, CustomerAdviser, testkit.Operator} {
			_, whole := get(actor, "")
			for _, perPage := range []int{1, 2, 50} {
				var items []any
				for page := 1; ; page++ {
					status, got := get(actor, fmt.Sprintf("?page=%d&perPage=%d", page, perPage))
					if status != 200 || got.Page != page || got.PerPage != perPage {
						t.Fatalf("%s, %s: page %d of %d: %d %+v", stage, actor, page, perPage, status, got)
					}
					if !reflect.DeepEqual(got.Summary, whole.Summary) || got.TotalSuppliers != whole.TotalSuppliers {
						t.Fatalf("%s, %s: page %d of %d: summary %v of %d suppliers, the whole answer %v of %d",
							stage, actor, page, perPage, got.Summary, got.TotalSuppliers, whole.Summary, whole.TotalSuppliers)
					}
					if len(got.Items) == 0 {
						break
					}
					for _, it := range got.Items {
						items = append(items, it)
					}
				}
				var want []any
				for _, it := range whole.Items {
					want = append(want, it)
				}
				if !reflect.DeepEqual(items, want) {
					t.Fatalf("%s, %s: pages of %d give\n%v\nthe whole answer\n%v", stage, actor, perPage, items, want)
				}
			}
		}
	}
	check("start")
	_, before := get(CustomerAdmin, "?page=1")
	if before.TotalSuppliers != 5 || before.PerPage != 50 || before.Summary["missing"] < 8 {
		t.Fatalf("the world no longer pages: %+v", before)
	}
	// Through the model hooks: an expired Kbis.
	w.setUntil(t, "kbis2", -1)
	check("after an update")
	_, after := get(CustomerAdmin, "?page=1")
	if after.Summary["expired"] != before.Summary["expired"]+1 {
		t.Fatalf("the summary did not follow the update: %v, then %v", before.Summary, after.Summary)
	}
	// Around them: a raw statement, as the bulk writers do.
	if _, err := w.App.DB().NewQuery("UPDATE documents SET validUntil = {:d} WHERE id = {:id}").Bind(map[string]any{
		"d": time.Now().UTC().AddDate(1, 0, 0).Format("2006-01-02") + " 00:00:00.000Z", "id": w.Docs["kbis2"].Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	check("after a raw update")
	if _, raw := get(CustomerAdmin, "?page=1"); raw.Summary["expired"] != before.Summary["expired"] {
		t.Fatalf("the summary did not follow a raw update: %v", raw.Summary)
	}
}

// Bad paging is refused naming the parameter; denials are the unpaged
// answer's, so paging opens nothing.
func TestCompliancePagesRefusals(t *testing.T) {
	w := newDocWorld(t)
	url := "/api/vigie/establishments/" + w.Customer.Id + "/compliance"
	for _, q := range []struct{ query, field string }{
		{"?page=0", "page"}, {"?page=x", "page"}, {"?perPage=0", "perPage"}, {"?perPage=501", "perPage"}, {"?page=1&perPage=-3", "perPage"},
	} {
		w.As(t, CustomerAdmin, testApiScenario("bad paging "+q.query, url+q.query, 400,
			[]string{`"` + q.field + `":{"code":"validation_invalid_` + q.field + `"`})).Test(t)
	}
	for _, c := range []struct {
		actor  testkit.Actor
		status int
		want   []string
	}{
		{CustomerAdviser, 200, []string{`"items":[]`, `"totalSuppliers":0`, `"missing":0`}},
		{CustomerProcessing, 403, []string{`"status":403`}},
		{testkit.Admin, 404, testkit.Body404},
		{Customer2Admin, 404, testkit.Body404},
		{testkit.Support, 404, testkit.Body404},
		{testkit.Guest, 401, []string{`"status":401`}},
	} {
		w.As(t, c.actor, testApiScenario("paged", url+"?page=1&perPage=10", c.status, c.want)).Test(t)
	}
}

func testApiScenario(name, url string, status int, want []string) tests.ApiScenario {
	return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url, ExpectedStatus: status, ExpectedContent: want}
}
