package records_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/records"
	"vigie/internal/handler"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// slowRule makes every list and view of slowThings run for seconds (a view
// among 5,000 rows took 14 s uninterrupted on the 2-core machine): it joins
// the table twice over an unindexable LIKE that no pair of rows matches
// (n² pairs for n rows, each tried), the kind of rule a dashboard edit
// could save.
const slowRule = "@collection.slow_things:o.id ?~ @collection.slow_things:p.t"

// slowThings adds the collection "slow_things" of n rows to app, and
// returns the id of one of them.
func slowThings(t *testing.T, app core.App, n int) string {
	t.Helper()
	c := core.NewBaseCollection("slow_things")
	c.Fields.Add(&core.TextField{Name: "t"})
	c.ListRule, c.ViewRule = types.Pointer(slowRule), types.Pointer(slowRule)
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	_, err := app.DB().NewQuery("INSERT INTO slow_things (id, t) " +
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {:n}) " +
		"SELECT printf('%015d', x), 'x' FROM c").Bind(map[string]any{"n": n}).Execute()
	if err != nil {
		t.Fatal(err)
	}
	return "000000000000001"
}

// answerOf serves req and decodes the answer.
func answerOf(t *testing.T, h http.Handler, req *http.Request, headers map[string]string) answer {
	t.Helper()
	rec := serve(h, req, headers)
	a := answer{status: rec.Code}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
		t.Fatalf("%s: %v: %s", req.URL, err, rec.Body)
	}
	return a
}

// cut tells whether a is the 503 of a query stopped with message, with
// nothing of a list in it.
func cut(a answer, message string) bool {
	_, items := a.body["items"]
	_, id := a.body["id"]
	return a.status == http.StatusServiceUnavailable && a.body["message"] == message && !items && !id
}

// S13: a list or view whose query outlives the caller's timeout, or whose
// client has gone, answers 503 saying which, never rows; the superuser
// keeps PocketBase's 30 s.
func TestQueryCutShortS13(t *testing.T) {
	cfg := testkit.Config()
	cfg.QueryTimeout = time.Nanosecond // over before the query starts
	w := testkit.BuildWorld(t, testkit.NewAppWith(t, &cfg))
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	list := "/api/collections/" + schema.Establishments + "/records"
	view := list + "/" + w.Home.Id
	for _, target := range []string{list, view} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		if a := answerOf(t, h, req, w.Headers(t, testkit.Admin)); !cut(a, records.TimeoutMessage) {
			t.Errorf("admin, %s past the timeout: %d %v", target, a.status, a.body)
		}
		if a := answerOf(t, h, req, w.Headers(t, testkit.Operator)); a.status != http.StatusOK {
			t.Errorf("superuser, %s: %d %v", target, a.status, a.body)
		}
		gone, cancel := context.WithCancel(context.Background())
		cancel()
		req = httptest.NewRequestWithContext(gone, http.MethodGet, target, nil)
		for _, actor := range []testkit.Actor{testkit.Admin, testkit.Operator} {
			if a := answerOf(t, h, req, w.Headers(t, actor)); !cut(a, records.CancelledMessage) {
				t.Errorf("%s, %s with its client gone: %d %v", actor, target, a.status, a.body)
			}
		}
	}
}

// A query that would run for minutes is interrupted at the timeout, or as
// soon as its client goes away: the answer comes at once, and says so.
func TestSlowQueryInterruptedS13(t *testing.T) {
	cfg := testkit.Config()
	cfg.QueryTimeout = 300 * time.Millisecond
	w := testkit.BuildWorld(t, testkit.NewAppWith(t, &cfg))
	id := slowThings(t, w.App, 5000)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	list := "/api/collections/slow_things/records"
	for _, target := range []string{list, list + "?skipTotal=1", list + "/" + id} {
		start := time.Now()
		a := answerOf(t, h, httptest.NewRequest(http.MethodGet, target, nil), w.Headers(t, testkit.Admin))
		if took := time.Since(start); !cut(a, records.TimeoutMessage) || took > 2*time.Second {
			t.Errorf("%s: %d %v after %v", target, a.status, a.body, took)
		}
	}
	cfg.QueryTimeout = time.Minute
	for _, target := range []string{list, list + "/" + id} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		start := time.Now()
		a := answerOf(t, h, httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil), w.Headers(t, testkit.Guest))
		if took := time.Since(start); !cut(a, records.CancelledMessage) || took > 2*time.Second {
			t.Errorf("%s, client gone: %d %v after %v", target, a.status, a.body, took)
		}
	}
}
