package tenancy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/schema"
	"vigie/internal/testkit"
)

func requestBody(w *testkit.World, by testkit.Actor, email string) string {
	requester := ""
	if u, ok := w.Users[by]; ok {
		requester = u.Id
	}
	return `{"establishment":"` + w.Home.Id + `","requestedBy":"` + requester + `","email":"` + email +
		`","firstName":"Nouveau","lastName":"Venu","profile":"delivery","status":"approved"}`
}

// T6: any member of Home may ask for a new user; outsiders may not; the
// request starts pending whatever was sent, and the admins are told.
func TestCreateAccessRequestT6(t *testing.T) {
	w := testkit.NewWorld(t)
	for _, a := range testkit.Actors {
		status, want := 400, []string{`"status":400`}
		switch {
		case a == testkit.Operator: // the operator is no user: it adds members directly
			want = []string{`"requestedBy":{`}
		case a == testkit.Guest || a == testkit.Sister || a == testkit.Outsider || a == testkit.Support:
		default:
			status, want = 200, []string{`"status":"pending"`, `"requestedBy":"` + w.Users[a].Id + `"`}
		}
		w.App.TestMailer.Reset()
		w.As(t, a, tests.ApiScenario{
			Name: "ask for a user", Method: http.MethodPost, URL: "/api/collections/access_requests/records",
			Body: strings.NewReader(requestBody(w, a, "wanted-"+string(a)+"@home.test")), ExpectedStatus: status,
			ExpectedContent: want, NotExpectedContent: []string{`"status":"approved"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				toAdmin := app.TestMailer.TotalSend() == 1 && app.TestMailer.LastMessage().To[0].Address == "admin@home.test"
				if toAdmin != (status == 200) {
					t.Fatalf("admin emailed = %v for status %d", toAdmin, status)
				}
			},
		}).Test(t)
	}
	w.As(t, testkit.Processing, tests.ApiScenario{
		Name: "on behalf of someone else", Method: http.MethodPost, URL: "/api/collections/access_requests/records",
		Body: strings.NewReader(strings.Replace(requestBody(w, testkit.Processing, "x@home.test"),
			w.Users[testkit.Processing].Id, w.Users[testkit.Feedback].Id, 1)),
		ExpectedStatus: 400, ExpectedContent: []string{`"status":400`},
	}).Test(t)
	n, _ := w.App.CountRecords(schema.Notifications, dbx.HashExp{"user": w.Users[testkit.Admin].Id, "kind": "access_requested"})
	if int(n) != len(testkit.Members) {
		t.Fatalf("admin notifications = %d, want %d", n, len(testkit.Members))
	}
}

func pendingRequest(t *testing.T, w *testkit.World, email string) *core.Record {
	t.Helper()
	col, _ := w.App.FindCollectionByNameOrId(schema.AccessRequests)
	r := core.NewRecord(col)
	r.Load(map[string]any{"establishment": w.Home.Id, "requestedBy": w.Users[testkit.Processing].Id,
		"email": email, "profile": "feedback", "status": "pending"})
	if err := w.App.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// T6: only the admin decides; approving adds the member, refusing does not,
// the requester sees its request and is told.
func TestDecideAccessRequestT6(t *testing.T) {
	w := testkit.NewWorld(t)
	req := pendingRequest(t, w, "asked@home.test")
	for _, a := range testkit.Actors {
		if a == testkit.Admin || a == testkit.Operator {
			continue
		}
		w.As(t, a, tests.ApiScenario{
			Name: "approve", Method: http.MethodPatch, URL: "/api/collections/access_requests/records/" + req.Id,
			Body: strings.NewReader(`{"status":"approved"}`), ExpectedStatus: 404, ExpectedContent: testkit.Body404,
		}).Test(t)
	}
	w.As(t, testkit.Processing, tests.ApiScenario{
		Name: "the requester sees its request", Method: http.MethodGet, URL: "/api/collections/access_requests/records/" + req.Id,
		ExpectedStatus: 200, ExpectedContent: []string{`"status":"pending"`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "a decision must be approved or refused", Method: http.MethodPatch, URL: "/api/collections/access_requests/records/" + req.Id,
		Body: strings.NewReader(`{"status":"maybe"}`), ExpectedStatus: 400, ExpectedContent: []string{`"status":{`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "approve, trying to raise the profile", Method: http.MethodPatch, URL: "/api/collections/access_requests/records/" + req.Id,
		Body:           strings.NewReader(`{"status":"approved","profile":"admin","email":"evil@home.test"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"status":"approved"`, `"profile":"feedback"`, `"decidedBy":"` + w.Users[testkit.Admin].Id + `"`},
	}).Test(t)
	user, err := w.App.FindAuthRecordByEmail(schema.Users, "asked@home.test")
	if err != nil {
		t.Fatal("approval did not create the user")
	}
	ms, err := w.App.FindFirstRecordByFilter(schema.Memberships, "user = {:u} && establishment = {:e}", dbx.Params{"u": user.Id, "e": w.Home.Id})
	if err != nil || ms.GetString("profile") != "feedback" {
		t.Fatalf("approval membership = %v, %v", ms, err)
	}
	if _, err := w.App.FindAuthRecordByEmail(schema.Users, "evil@home.test"); err == nil {
		t.Fatal("the admin rewrote the requested email")
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "a decided request is closed", Method: http.MethodPatch, URL: "/api/collections/access_requests/records/" + req.Id,
		Body: strings.NewReader(`{"status":"refused"}`), ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)

	refused := pendingRequest(t, w, "nope@home.test")
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "refuse", Method: http.MethodPatch, URL: "/api/collections/access_requests/records/" + refused.Id,
		Body: strings.NewReader(`{"status":"refused"}`), ExpectedStatus: 200, ExpectedContent: []string{`"status":"refused"`},
	}).Test(t)
	if _, err := w.App.FindAuthRecordByEmail(schema.Users, "nope@home.test"); err == nil {
		t.Fatal("a refused request created a user")
	}
	for kind, want := range map[string]int{"access_approved": 1, "access_refused": 1} {
		n, _ := w.App.CountRecords(schema.Notifications, dbx.HashExp{"user": w.Users[testkit.Processing].Id, "kind": kind})
		if int(n) != want {
			t.Errorf("requester %s notifications = %d, want %d", kind, n, want)
		}
	}
}

// T6: who sees access requests: the requester and Home's admin only.
func TestAccessRequestVisibilityT6(t *testing.T) {
	w := testkit.NewWorld(t)
	req := pendingRequest(t, w, "seen@home.test")
	for _, a := range testkit.Actors {
		want, not := testkit.EmptyList, []string{req.Id}
		if a == testkit.Admin || a == testkit.Processing || a == testkit.Operator {
			want, not = []string{req.Id}, nil
		}
		w.As(t, a, tests.ApiScenario{
			Name: "list requests", Method: http.MethodGet, URL: "/api/collections/access_requests/records",
			ExpectedStatus: 200, ExpectedContent: want, NotExpectedContent: not,
		}).Test(t)
	}
}
