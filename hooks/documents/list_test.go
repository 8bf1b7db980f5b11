package documents_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/documents"
	"vigie/internal/handler"
	"vigie/internal/profiles"
	"vigie/internal/testkit"
)

// Both is a member of the supplier and of two of its customers: it holds
// the same key twice (both customers collect kbis) and opens Home's
// documents through two columns (the customers' type keys and Home's
// supplier key), the two ways a row could repeat in the list.
const Both testkit.Actor = "both_sides"

// withBoth adds Third (collects kbis from Home) and Both to w.
func withBoth(t *testing.T, w *docWorld) {
	third := testkit.Establishment(t, w.App, "Third SAS", testkit.SIRET())
	w.relationship(t, third, w.Home, "active", nil)
	w.require(t, third, "kbis", nil)
	w.Users[Both] = testkit.User(t, w.App, "both@customer.test")
	testkit.Member(t, w.App, w.Users[Both], w.Customer, profiles.Processing)
	testkit.Member(t, w.App, w.Users[Both], third, profiles.Admin)
	w.Memberships[Both] = testkit.Member(t, w.App, w.Users[Both], w.Home, profiles.Processing)
}

// The documents list is served by Vigie (list.go) in place of PocketBase's
// handler, which still answers on the collection's id: for every actor and
// every kind of parameter, both answer the same status and body (N5, T3,
// T4, T7 through the rule; D3's hidden keys; PocketBase's filter, sort,
// paging, totals, expand, fields and errors). Unsorted pages are compared
// as sets: neither order is specified.
func TestDocumentsListMatchesRule(t *testing.T) {
	w := newDocWorld(t)
	withBoth(t, w)
	assertRepeats(t, w.App, w.Users[Both].Id)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := w.App.FindCollectionByNameOrId("documents")
	if err != nil {
		t.Fatal(err)
	}
	if docs.ListRule == nil || *docs.ListRule != documents.SeenRule {
		t.Fatalf("the migrated rule is not the one the list reads from the view: %v", docs.ListRule)
	}
	queries := []struct {
		query    string
		unsorted bool
	}{
		{"perPage=100", true},
		{"skipTotal=1", true},
		{"sort=-created,id", false},
		{"sort=id&page=2&perPage=2", false},
		{"sort=@rowid&perPage=3", false},
		{"sort=-id&skipTotal=1&perPage=4", false},
		{"filter=" + url.QueryEscape("status = 'valid' && archived = false") + "&sort=id", false},
		{"filter=" + url.QueryEscape("supplier.name ~ 'Home' || addressee.name ~ 'Customer'") + "&sort=type.code,id", false},
		{"filter=" + url.QueryEscape("type.kind = 'specific'") + "&sort=id", false},
		{"expand=type,supplier&fields=id,type,expand.type.code,expand.supplier.name&sort=id", false},
		{"filter=" + url.QueryEscape("accessKey != ''"), false},        // hidden: superusers only
		{"filter=" + url.QueryEscape("@request.auth.id != ''"), false}, // 403 for users
		{"sort=nothere", false},
		{"filter=" + url.QueryEscape("(status ="), false},
		{"perPage=1&page=40&sort=id", false},
	}
	actors := append(slices.Clone(docActors), Both)
	for _, a := range actors {
		headers := w.Headers(t, a)
		for _, q := range queries {
			ours := call(t, h, headers, "/api/collections/documents/records?"+q.query)
			theirs := call(t, h, headers, "/api/collections/"+docs.Id+"/records?"+q.query)
			if q.unsorted {
				ours.sortItems()
				theirs.sortItems()
			}
			if !reflect.DeepEqual(ours, theirs) {
				t.Errorf("%s, %s:\nVigie      %d %v\nPocketBase %d %v", a, q.query, ours.status, ours.body, theirs.status, theirs.body)
			}
		}
	}
	// Both sees each of its documents once: kbis2 and URSSAF through two
	// columns, kbis2 through two identical keys.
	page := call(t, h, w.Headers(t, Both), "/api/collections/documents/records?perPage=100")
	if got := page.ids(); len(got) == 0 || len(got) != len(slices.Compact(slices.Sorted(slices.Values(got)))) {
		t.Errorf("both sides: ids %v", got)
	}
}

// assertRepeats proves the world can catch a list that repeats rows: user
// holds a key twice, and opens a document through two of its key columns.
func assertRepeats(t *testing.T, app core.App, user string) {
	t.Helper()
	var twice, twoColumns int
	err := app.DB().NewQuery("SELECT "+
		"(SELECT COUNT(*) FROM (SELECT `key` FROM document_access WHERE `user` = {:u} GROUP BY `key` HAVING COUNT(*) > 1)),"+
		"(SELECT COUNT(*) FROM documents d WHERE "+
		" (EXISTS (SELECT 1 FROM document_access WHERE `user` = {:u} AND `key` = d.accessKey)) +"+
		" (EXISTS (SELECT 1 FROM document_access WHERE `user` = {:u} AND `key` = d.supplierKey)) +"+
		" (EXISTS (SELECT 1 FROM document_access WHERE `user` = {:u} AND `key` = d.ownerKey)) > 1)").
		Bind(dbx.Params{"u": user}).Row(&twice, &twoColumns)
	if err != nil {
		t.Fatal(err)
	}
	if twice == 0 || twoColumns == 0 {
		t.Fatalf("the world no longer tests repeats: %d keys held twice, %d documents through two columns", twice, twoColumns)
	}
}

type answer struct {
	status int
	body   map[string]any
}

func call(t *testing.T, h http.Handler, headers map[string]string, target string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{status: rec.Code}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
		t.Fatalf("%s: %v: %s", target, err, rec.Body)
	}
	return a
}

func (a answer) items() []any {
	items, _ := a.body["items"].([]any)
	return items
}

func (a answer) ids() []string {
	var ids []string
	for _, it := range a.items() {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return ids
}

func (a answer) sortItems() {
	slices.SortFunc(a.items(), func(x, y any) int {
		return strings.Compare(x.(map[string]any)["id"].(string), y.(map[string]any)["id"].(string))
	})
}

// The list keeps PocketBase's rate limits (S7's limiter, turned on): a rule
// on "documents:list" or "*:list" counts per client for the audience it
// names, as on PocketBase's own handler; superusers are not counted.
func TestDocumentsListRateLimits(t *testing.T) {
	w := newDocWorld(t)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := w.App.FindCollectionByNameOrId("documents")
	if err != nil {
		t.Fatal(err)
	}
	testkit.RateLimited(w.App)
	paths := map[string]string{"Vigie": "/api/collections/documents/records", "PocketBase": "/api/collections/" + docs.Id + "/records"}
	cases := []struct {
		rule  core.RateLimitRule
		actor testkit.Actor
		want  []int
	}{
		{core.RateLimitRule{Label: "documents:list", MaxRequests: 2, Duration: 60}, testkit.Admin, []int{200, 200, 429, 429}},
		{core.RateLimitRule{Label: "*:list", MaxRequests: 1, Duration: 60}, CustomerAdmin, []int{200, 429}},
		{core.RateLimitRule{Label: "*:list", MaxRequests: 1, Duration: 60, Audience: core.RateLimitRuleAudienceAuth}, testkit.Guest, []int{200, 200, 200}},
		{core.RateLimitRule{Label: "*:list", MaxRequests: 1, Duration: 60, Audience: core.RateLimitRuleAudienceGuest}, testkit.Guest, []int{200, 429}},
		{core.RateLimitRule{Label: "documents:list", MaxRequests: 1, Duration: 60}, testkit.Operator, []int{200, 200, 200}},
		{core.RateLimitRule{Label: "GET path", MaxRequests: 1, Duration: 60}, Customer2Admin, []int{200, 429}},
	}
	for _, c := range cases {
		for side, path := range paths {
			// Saved settings reset PocketBase's windows; ours start afresh
			// with a changed rule.
			rule := c.rule
			if rule.Label == "GET path" {
				rule.Label = "GET " + path
			}
			settings := w.App.Settings()
			settings.RateLimits.Rules = []core.RateLimitRule{rule}
			if err := w.App.Save(settings); err != nil {
				t.Fatal(err)
			}
			var got []int
			for range c.want {
				got = append(got, call(t, h, w.Headers(t, c.actor), path).status)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s, %s as %s: %v, want %v", side, rule.Label, c.actor, got, c.want)
			}
		}
	}
}
