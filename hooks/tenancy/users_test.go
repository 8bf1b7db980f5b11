package tenancy_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/handler"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// T2, T3: a user sees itself; Home's admin sees Home's members; nobody else
// sees anyone. Sister and outsider members never appear to Home.
func TestUserVisibilityT3(t *testing.T) {
	w := testkit.NewWorld(t)
	var homeEmails []string
	for _, a := range testkit.Members {
		homeEmails = append(homeEmails, string(a)+"@home.test")
	}
	foreign := []string{"member@sister.test", "member@unrelated.test", "support@vigie.test"}
	for _, a := range testkit.Actors {
		var want, not []string
		switch a {
		case testkit.Operator:
			want = append(homeEmails, foreign...)
		case testkit.Admin:
			want, not = homeEmails, foreign
		case testkit.Guest:
			want, not = testkit.EmptyList, append(homeEmails, foreign...)
		default:
			self := w.Users[a].Email()
			want = []string{self}
			for _, e := range append(homeEmails, foreign...) {
				if e != self {
					not = append(not, e)
				}
			}
		}
		w.As(t, a, tests.ApiScenario{
			Name: "list users", Method: http.MethodGet, URL: "/api/collections/users/records?perPage=100",
			ExpectedStatus: 200, ExpectedContent: want, NotExpectedContent: not,
		}).Test(t)
	}
}

// Issue 2: users edit their own profile fields, never the security fields,
// and never someone else.
func TestUserSecurityFields(t *testing.T) {
	w := testkit.NewWorld(t)
	self := "/api/collections/users/records/" + w.Users[testkit.Processing].Id
	w.As(t, testkit.Processing, tests.ApiScenario{
		Name: "edit own contact details", Method: http.MethodPatch, URL: self,
		Body:           strings.NewReader(`{"firstName":"Léa","jobTitle":"Acheteuse","phone":"+33 1 23 45 67 89","lang":"en"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"jobTitle":"Acheteuse"`, `"lang":"en"`},
	}).Test(t)
	for _, field := range []string{"support", "totpEnabled", "passwordScore", "lastLoginAt", "verified", "emailVisibility"} {
		value := "true"
		switch field {
		case "passwordScore":
			value = "4"
		case "lastLoginAt":
			value = `"2026-01-01 00:00:00.000Z"`
		}
		w.As(t, testkit.Processing, tests.ApiScenario{
			Name: "set own " + field, Method: http.MethodPatch, URL: self,
			Body:           strings.NewReader(`{"firstName":"X","` + field + `":` + value + `}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"` + field + `":{"code":"validation_server_set"`},
		}).Test(t)
	}
	if u, _ := w.App.FindRecordById("users", w.Users[testkit.Processing].Id); u.GetBool("support") || u.GetString("firstName") == "X" {
		t.Fatal("a refused update was written")
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "an admin edits a member's details", Method: http.MethodPatch, URL: self,
		Body: strings.NewReader(`{"firstName":"Mallory"}`), ExpectedStatus: 404, ExpectedContent: testkit.Body404,
	}).Test(t)
	w.As(t, testkit.Operator, tests.ApiScenario{
		Name: "the operator flags support staff", Method: http.MethodPatch, URL: self,
		Body: strings.NewReader(`{"support":true}`), ExpectedStatus: 200, ExpectedContent: []string{`"support":true`},
	}).Test(t)
}

// Issue 2: public sign-up is off unless the setting turns it on.
func TestSignupSetting(t *testing.T) {
	body := `{"email":"walk-in@example.test","password":"walk-in-pass-1","passwordConfirm":"walk-in-pass-1"}`
	closed := testkit.NewApp(t)
	(&tests.ApiScenario{
		Name: "closed by default", Method: http.MethodPost, URL: "/api/collections/users/records",
		Body: strings.NewReader(body), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		TestAppFactory: func(testing.TB) *tests.TestApp { return closed }, DisableTestAppCleanup: true,
	}).Test(t)

	cfg := testkit.Config()
	cfg.AllowSignup = true
	open := testkit.NewAppWith(t, &cfg)
	(&tests.ApiScenario{
		Name: "open when allowed", Method: http.MethodPost, URL: "/api/collections/users/records",
		Body: strings.NewReader(body), ExpectedStatus: 200, ExpectedContent: []string{`"email":"walk-in@example.test"`},
		TestAppFactory: func(testing.TB) *tests.TestApp { return open }, DisableTestAppCleanup: true,
	}).Test(t)
	(&tests.ApiScenario{
		Name: "but never as support staff", Method: http.MethodPost, URL: "/api/collections/users/records",
		Body:           strings.NewReader(`{"email":"sneaky@example.test","password":"walk-in-pass-1","passwordConfirm":"walk-in-pass-1","support":true}`),
		ExpectedStatus: 400, ExpectedContent: []string{`"support":{`},
		TestAppFactory: func(testing.TB) *tests.TestApp { return open }, DisableTestAppCleanup: true,
	}).Test(t)
}

// N6, S4 (issue 18, item 16): another user's security fields reach no one
// but that user and the operator: not the admin who lists its members, not
// a customer reading its supplier's reference contacts.
func TestUserSecurityFieldsStayPrivate(t *testing.T) {
	w := testkit.NewWorld(t)
	rel := testkit.Record(t, w.App, schema.Relationships, map[string]any{
		"customer": w.Customer.Id, "supplier": w.Home.Id, "status": "active", "referents": []string{w.Users[testkit.Admin].Id}})
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	get := func(actor testkit.Actor, target string) map[string]any {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for k, v := range w.Headers(t, actor) {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 200 {
			t.Fatalf("%s %s: %d %s", actor, target, rec.Code, rec.Body)
		}
		return body
	}
	check := func(actor testkit.Actor, where string, user map[string]any) {
		t.Helper()
		self := actor != testkit.Operator && user["id"] == w.Users[actor].Id
		for _, f := range []string{"passwordScore", "totpEnabled", "lastLoginAt", "support", "verified"} {
			if _, shown := user[f]; shown != (self || actor == testkit.Operator) {
				t.Errorf("%s, %s: user %s, field %s shown = %v", actor, where, user["email"], f, shown)
			}
		}
	}
	users := 0
	for _, actor := range []testkit.Actor{testkit.Admin, testkit.Processing, testkit.Operator} {
		for _, it := range get(actor, "/api/collections/users/records?perPage=200")["items"].([]any) {
			check(actor, "users list", it.(map[string]any))
			users++
		}
	}
	// The customer's members read Home's reference contact.
	contacts := 0
	for actor := range w.Users {
		if !slices.Contains(testkit.Actors, actor) || actor == testkit.Guest {
			continue
		}
		body := get(actor, "/api/collections/relationships/records?expand=referents&filter="+url.QueryEscape(`id = "`+rel.Id+`"`))
		for _, it := range body["items"].([]any) {
			expand, _ := it.(map[string]any)["expand"].(map[string]any)
			refs, _ := expand["referents"].([]any)
			for _, r := range refs {
				check(actor, "a relationship's contacts", r.(map[string]any))
				contacts++
			}
		}
	}
	if users < 4 || contacts == 0 {
		t.Fatalf("the world no longer tests this: %d users and %d contacts read", users, contacts)
	}
}
