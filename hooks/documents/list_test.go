package documents_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/documents"
	"vigie/internal/audience"
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

// pocketBase is PocketBase's own router over app, without Vigie's routes
// and middlewares: the reference the documents list is compared with.
func pocketBase(t *testing.T, app core.App) http.Handler {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	mux, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	return mux
}

// The documents list is served by Vigie (list.go) in place of PocketBase's
// handler: for every actor and every kind of parameter, both answer the
// same status and body (N5, T3, T4, T7 through the rule; D3's hidden keys;
// PocketBase's filter, sort, paging, totals, expand, fields and errors).
// Unsorted pages are compared as sets: neither order is specified.
func TestDocumentsListMatchesRule(t *testing.T) {
	w := newDocWorld(t)
	withBoth(t, w)
	assertRepeats(t, w.App, w.Users[Both].Id)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	reference := pocketBase(t, w.App)
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
		{"filter=" + url.QueryEscape("supplier.name ~ 'Home' || type.name ~ 'URSSAF'") + "&sort=type.code,id", false},
		{"filter=" + url.QueryEscape("type.kind = 'specific'") + "&sort=id", false},
		// The pages' form (one supplier, newest first), which takes the
		// per-document shape; with and without a match.
		{"filter=" + url.QueryEscape(`supplier = "`+w.Home.Id+`"`) + "&sort=-created,id&expand=type,addressee", false},
		{"filter=" + url.QueryEscape(`(supplier = "`+w.Home.Id+`" || supplier = "nothere") && archived = false`) + "&sort=-created,id", false},
		{"filter=" + url.QueryEscape(`supplier='nothere'`) + "&skipTotal=1", false},
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
			theirs := call(t, reference, headers, "/api/collections/documents/records?"+q.query)
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

// Every way of naming the collection reaches Vigie's list, which reads the
// view: the id, or the name in another case, would otherwise take the
// compiled rule (and a rate-limit bucket of its own).
func TestDocumentsListReadsTheView(t *testing.T) {
	w := newDocWorld(t)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := w.App.FindCollectionByNameOrId("documents")
	if err != nil {
		t.Fatal(err)
	}
	db, ok := w.App.ConcurrentDB().(*dbx.DB)
	if !ok {
		t.Fatalf("unexpected database type %T", w.App.ConcurrentDB())
	}
	var viewReads atomic.Int64
	db.QueryLogFunc = func(_ context.Context, _ time.Duration, query string, _ *sql.Rows, _ error) {
		if strings.Contains(query, "FROM `"+audience.View+"` `documents`") {
			viewReads.Add(1)
		}
	}
	t.Cleanup(func() { db.QueryLogFunc = nil })
	for _, name := range []string{"documents", docs.Id, "Documents", "DOCUMENTS"} {
		before := viewReads.Load()
		if got := call(t, h, w.Headers(t, CustomerAdmin), "/api/collections/"+name+"/records").status; got != 200 {
			t.Errorf("%s: status %d", name, got)
		}
		if viewReads.Load() == before {
			t.Errorf("%s: answered without the view", name)
		}
	}
}

// The list keeps PocketBase's rate limits (S7's limiter, turned on): a rule
// on "documents:list", "*:list" or the path counts per client for the
// audience it names, in one bucket whatever name or id the path uses, as on
// PocketBase's own handler; superusers are not counted.
func TestDocumentsListRateLimits(t *testing.T) {
	w := newDocWorld(t)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	handlers := map[string]http.Handler{"Vigie": h, "PocketBase": pocketBase(t, w.App)}
	docs, err := w.App.FindCollectionByNameOrId("documents")
	if err != nil {
		t.Fatal(err)
	}
	byName, byID := "/api/collections/documents/records", "/api/collections/"+docs.Id+"/records"
	testkit.RateLimited(w.App)
	cases := []struct {
		rule  core.RateLimitRule
		actor testkit.Actor
		paths []string
		want  []int
	}{
		{core.RateLimitRule{Label: "documents:list", MaxRequests: 2, Duration: 60}, testkit.Admin,
			[]string{byName, byID, byName, byID}, []int{200, 200, 429, 429}},
		{core.RateLimitRule{Label: "*:list", MaxRequests: 1, Duration: 60}, CustomerAdmin,
			[]string{byID, byName}, []int{200, 429}},
		{core.RateLimitRule{Label: "*:list", MaxRequests: 1, Duration: 60, Audience: core.RateLimitRuleAudienceAuth}, testkit.Guest,
			[]string{byName, byName, byName}, []int{200, 200, 200}},
		{core.RateLimitRule{Label: "*:list", MaxRequests: 1, Duration: 60, Audience: core.RateLimitRuleAudienceGuest}, testkit.Guest,
			[]string{byName, byName}, []int{200, 429}},
		{core.RateLimitRule{Label: "documents:list", MaxRequests: 1, Duration: 60}, testkit.Operator,
			[]string{byName, byName, byName}, []int{200, 200, 200}},
		{core.RateLimitRule{Label: "GET " + byName, MaxRequests: 1, Duration: 60}, Customer2Admin,
			[]string{byName, byName}, []int{200, 429}},
	}
	for _, c := range cases {
		for side, h := range handlers {
			// Saved settings reset PocketBase's windows; ours start afresh
			// with a changed rule, and the rules differ case to case.
			settings := w.App.Settings()
			settings.RateLimits.Rules = []core.RateLimitRule{c.rule}
			if err := w.App.Save(settings); err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, path := range c.paths {
				got = append(got, call(t, h, w.Headers(t, c.actor), path).status)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s, %s as %s: %v, want %v", side, c.rule.Label, c.actor, got, c.want)
			}
		}
	}
}

// U2: the documents view answers as PocketBase's compiled rule for every
// actor and document, with its expands, and for an id that does not exist.
func TestDocumentsViewMatchesRule(t *testing.T) {
	w := newDocWorld(t)
	withBoth(t, w)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	reference := pocketBase(t, w.App)
	var ids []string
	if err := w.App.DB().NewQuery("SELECT id FROM documents ORDER BY id").Column(&ids); err != nil || len(ids) < 3 {
		t.Fatalf("documents %v, %v", ids, err)
	}
	actors := append(slices.Clone(docActors), Both)
	seen := 0
	for _, a := range actors {
		headers := w.Headers(t, a)
		for _, id := range append(ids, "nothere12345678") {
			for _, q := range []string{"", "?expand=type,supplier,addressee"} {
				ours := call(t, h, headers, "/api/collections/documents/records/"+id+q)
				theirs := call(t, reference, headers, "/api/collections/documents/records/"+id+q)
				if !reflect.DeepEqual(ours, theirs) {
					t.Errorf("%s, %s%s:\nVigie      %d %v\nPocketBase %d %v", a, id, q, ours.status, ours.body, theirs.status, theirs.body)
				}
				if ours.status == http.StatusOK {
					seen++
				}
			}
		}
	}
	if seen == 0 || seen == 2*len(ids)*len(actors) {
		t.Fatalf("%d views answered 200: the world must show some documents to some actors, not all", seen)
	}
}
