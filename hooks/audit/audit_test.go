package audit_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/audit"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

func auditRow(t *testing.T, w *testkit.World, est *core.Record) *core.Record {
	t.Helper()
	if err := audit.Write(w.App, audit.Entry{Action: "test.event", Establishment: est.Id, Actor: "someone"}); err != nil {
		t.Fatal(err)
	}
	r, err := w.App.FindFirstRecordByFilter(schema.AuditLog, "establishment = {:e} && action = 'test.event'", dbx.Params{"e": est.Id})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// S6: an establishment's admins read its audit rows, nobody else does.
func TestAuditReadersS6(t *testing.T) {
	w := testkit.NewWorld(t)
	home, other := auditRow(t, w, w.Home), auditRow(t, w, w.Unrelated)
	for _, a := range testkit.Actors {
		want, not := testkit.EmptyList, []string{home.Id, other.Id}
		switch a {
		case testkit.Admin:
			want, not = []string{home.Id}, []string{other.Id}
		case testkit.Outsider:
			want, not = []string{other.Id}, []string{home.Id}
		case testkit.Operator:
			want, not = []string{home.Id, other.Id}, nil
		}
		w.As(t, a, tests.ApiScenario{
			Name: "list audit", Method: http.MethodGet, URL: "/api/collections/audit_log/records?perPage=500",
			ExpectedStatus: 200, ExpectedContent: want, NotExpectedContent: not,
		}).Test(t)
	}
}

// S6: the log is append-only: no API call, not even the operator's, writes it.
func TestAuditAppendOnlyS6(t *testing.T) {
	w := testkit.NewWorld(t)
	row := auditRow(t, w, w.Home)
	for _, a := range []testkit.Actor{testkit.Admin, testkit.Operator} {
		w.As(t, a, tests.ApiScenario{
			Name: "create", Method: http.MethodPost, URL: "/api/collections/audit_log/records",
			Body: strings.NewReader(`{"action":"forged","establishment":"` + w.Home.Id + `"}`), ExpectedStatus: 403,
			ExpectedContent: []string{`"status":403`},
		}).Test(t)
		w.As(t, a, tests.ApiScenario{
			Name: "update", Method: http.MethodPatch, URL: "/api/collections/audit_log/records/" + row.Id,
			Body: strings.NewReader(`{"action":"rewritten"}`), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		}).Test(t)
		w.As(t, a, tests.ApiScenario{
			Name: "delete", Method: http.MethodDelete, URL: "/api/collections/audit_log/records/" + row.Id,
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		}).Test(t)
	}
	row.Set("action", "rewritten in Go")
	if err := w.App.Save(row); err == nil {
		t.Fatal("Go code updated an audit row")
	}
	if err := w.App.Delete(row); err == nil {
		t.Fatal("Go code deleted an audit row")
	}
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": "forged"}); n != 0 {
		t.Fatal("a forged row was written")
	}
}

// T6, S6: membership and profile changes are audited with actor and before/after.
func TestMembershipChangesAuditedT6(t *testing.T) {
	w := testkit.NewWorld(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "add", Method: http.MethodPost, URL: "/api/vigie/establishments/" + w.Home.Id + "/members",
		Body: strings.NewReader(`{"email":"audited@home.test","profile":"processing"}`), ExpectedStatus: 200,
		ExpectedContent: []string{`"profile":"processing"`},
	}).Test(t)
	target := w.Memberships[testkit.Feedback]
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "change profile", Method: http.MethodPatch, URL: "/api/collections/memberships/records/" + target.Id,
		Body: strings.NewReader(`{"profile":"full_access"}`), ExpectedStatus: 200, ExpectedContent: []string{`"profile":"full_access"`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "remove", Method: http.MethodDelete, URL: "/api/collections/memberships/records/" + target.Id, ExpectedStatus: 204,
	}).Test(t)
	w.As(t, testkit.Delivery, tests.ApiScenario{
		Name: "a refused change", Method: http.MethodPatch, URL: "/api/collections/memberships/records/" + w.Memberships[testkit.Delivery].Id,
		Body: strings.NewReader(`{"profile":"admin"}`), ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)

	admin := w.Users[testkit.Admin]
	for _, action := range []string{audit.MembershipCreated, audit.MembershipUpdated, audit.MembershipDeleted} {
		rows, err := w.App.FindAllRecords(schema.AuditLog, dbx.HashExp{"action": action, "establishment": w.Home.Id, "actor": admin.Id})
		if err != nil || len(rows) != 1 {
			t.Fatalf("%s rows by the admin = %d, %v", action, len(rows), err)
		}
		if rows[0].GetString("ip") == "" || rows[0].GetString("actorEmail") != admin.Email() {
			t.Errorf("%s row lacks ip or actor email: %v", action, rows[0])
		}
	}
	updated, _ := w.App.FindFirstRecordByData(schema.AuditLog, "action", audit.MembershipUpdated)
	if data := updated.GetString("data"); !strings.Contains(data, `"before":{"financial":true,"profile":"feedback"`) ||
		!strings.Contains(data, `"profile":"full_access"`) {
		t.Fatalf("update row data = %s", data)
	}
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"actor": w.Users[testkit.Delivery].Id}); n != 0 {
		t.Fatal("a refused change was audited as done")
	}
}
