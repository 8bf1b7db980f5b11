package tenancy_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/schema"
	"vigie/internal/testkit"
)

func membersURL(est *core.Record) string { return "/api/vigie/establishments/" + est.Id + "/members" }

// T6: only Home's admin (and the operator) add members directly; members of
// Home with another profile get 403, anyone else 404, a guest 401.
func TestAddMemberRouteActorsT6(t *testing.T) {
	w := testkit.NewWorld(t)
	for _, a := range testkit.Actors {
		status, want := 404, testkit.Body404
		switch a {
		case testkit.Admin, testkit.Operator:
			status, want = 200, []string{`"profile":"feedback"`, `"establishment":"` + w.Home.Id + `"`}
		case testkit.Guest:
			status, want = 401, []string{`"status":401`}
		case testkit.FullAccess, testkit.Processing, testkit.ProcessingArchive, testkit.Feedback, testkit.Delivery, testkit.Collector:
			status, want = 403, []string{`"status":403`}
		}
		email := "new-" + string(a) + "@home.test"
		w.As(t, a, tests.ApiScenario{
			Name: "add a member", Method: http.MethodPost, URL: membersURL(w.Home),
			Body:           strings.NewReader(`{"email":"` + email + `","firstName":"Ana","lastName":"Nova","profile":"feedback"}`),
			ExpectedStatus: status, ExpectedContent: want,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				_, err := app.FindAuthRecordByEmail(schema.Users, email)
				if created := err == nil; created != (status == 200) {
					t.Fatalf("user created = %v with status %d: nothing may be written on a denial", created, status)
				}
			},
		}).Test(t)
	}
}

// T6: a new person is invited by email with a link that sets the password
// and signs them in; an existing user is told they were added.
func TestAddMemberInvitesT6(t *testing.T) {
	w := testkit.NewWorld(t)
	w.App.TestMailer.Reset()
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "invite a new person", Method: http.MethodPost, URL: membersURL(w.Home),
		Body:           strings.NewReader(`{"email":"  Zoe.New@Example.TEST ","firstName":"Zoé","lastName":"Neuve","profile":"delivery"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"profile":"delivery"`},
	}).Test(t)
	if w.App.TestMailer.TotalSend() != 1 {
		t.Fatalf("emails sent = %d, want 1", w.App.TestMailer.TotalSend())
	}
	msg := w.App.TestMailer.LastMessage()
	if msg.To[0].Address != "zoe.new@example.test" || !strings.Contains(msg.Subject, "Home SA") {
		t.Fatalf("invitation to %v, subject %q", msg.To, msg.Subject)
	}
	link := regexp.MustCompile(`http://vigie\.test/invite\.html\?token=(\S+)`).FindStringSubmatch(msg.Text)
	if link == nil {
		t.Fatalf("no invitation link in %q", msg.Text)
	}
	token, _ := url.QueryUnescape(link[1])
	(&tests.ApiScenario{
		Name: "the link sets the password", Method: http.MethodPost, URL: "/api/collections/users/confirm-password-reset",
		Body:           strings.NewReader(`{"token":"` + token + `","password":"a-new-password-1","passwordConfirm":"a-new-password-1"}`),
		ExpectedStatus: 204, TestAppFactory: w.Factory, DisableTestAppCleanup: true,
	}).Test(t)
	(&tests.ApiScenario{
		Name: "and the person signs in", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
		Body:           strings.NewReader(`{"identity":"zoe.new@example.test","password":"a-new-password-1"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"token":"`, `"verified":true`},
		TestAppFactory: w.Factory, DisableTestAppCleanup: true,
	}).Test(t)

	// An existing user is invited to accept (S9, TestInvitationS9), told
	// by email without any token.
	w.App.TestMailer.Reset()
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "add an existing user", Method: http.MethodPost, URL: membersURL(w.Home),
		Body:           strings.NewReader(`{"email":"member@unrelated.test","profile":"feedback"}`),
		ExpectedStatus: 202, ExpectedContent: []string{`"invitation":{`, `"profile":"feedback"`, `"status":"pending"`},
	}).Test(t)
	if msg := w.App.TestMailer.LastMessage(); msg.To[0].Address != "member@unrelated.test" || strings.Contains(msg.Text, "token=") {
		t.Fatalf("existing user got %q: %q", msg.Subject, msg.Text)
	}
	n, _ := w.App.CountRecords(schema.Notifications, dbx.HashExp{"user": w.Users[testkit.Outsider].Id, "kind": "member_invited"})
	if n != 1 {
		t.Fatalf("in-app notifications = %d, want 1", n)
	}
}

// T6: bad input names the field and writes nothing.
func TestAddMemberBadInputT6(t *testing.T) {
	w := testkit.NewWorld(t)
	cases := []struct{ name, body, field string }{
		{"no email", `{"profile":"feedback"}`, "email"},
		{"not an email", `{"email":"nobody","profile":"feedback"}`, "email"},
		{"no profile", `{"email":"x@home.test"}`, "profile"},
		{"unknown profile", `{"email":"x@home.test","profile":"root"}`, "profile"},
		{"collectors come from customers", `{"email":"x@home.test","profile":"collector"}`, "profile"},
	}
	for _, c := range cases {
		w.As(t, testkit.Admin, tests.ApiScenario{
			Name: c.name, Method: http.MethodPost, URL: membersURL(w.Home), Body: strings.NewReader(c.body),
			ExpectedStatus: 400, ExpectedContent: []string{`"` + c.field + `":{`},
		}).Test(t)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "not JSON", Method: http.MethodPost, URL: membersURL(w.Home), Body: strings.NewReader(`[1,2`),
		ExpectedStatus: 400, ExpectedContent: []string{`"status":400`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "already a member", Method: http.MethodPost, URL: membersURL(w.Home),
		Body:           strings.NewReader(`{"email":"feedback@home.test","profile":"processing"}`),
		ExpectedStatus: 409, ExpectedContent: []string{`"email":{"code":"already_member"`},
	}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "unknown establishment", Method: http.MethodPost, URL: "/api/vigie/establishments/nope/members",
		Body:           strings.NewReader(`{"email":"x@home.test","profile":"processing"}`),
		ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)
	if _, err := w.App.FindAuthRecordByEmail(schema.Users, "x@home.test"); err == nil {
		t.Fatal("a refused request created a user")
	}
}

// T5 through the route: the first member of an empty establishment is admin.
func TestAddFirstMemberIsAdminT5(t *testing.T) {
	w := testkit.NewWorld(t)
	empty := testkit.Establishment(t, w.App, "Empty SA", testkit.SIRET())
	w.As(t, testkit.Operator, tests.ApiScenario{
		Name: "first member asked as delivery", Method: http.MethodPost, URL: membersURL(empty),
		Body:           strings.NewReader(`{"email":"boss@empty.test","profile":"delivery"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"profile":"admin"`},
	}).Test(t)
}
