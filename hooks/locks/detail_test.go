package locks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// U7, K1: before editing, every viewer reads who holds a lock until when;
// a record it may not see answers 404 whatever its lock, and the former
// holder of a forced lock reads who forced it, and no one else does.
func TestLockDetailU7(t *testing.T) {
	w := testkit.NewWorld(t)
	col, _ := w.App.FindCollectionByNameOrId(schema.Relationships)
	rel := newRecord(t, w, col.Id, map[string]any{"customer": w.Home.Id, "supplier": w.Unrelated.Id, "status": "active"})
	url := "/api/vigie/locks/relationships/" + rel
	holder := w.Users[testkit.FullAccess]
	detail := func(name string, actor testkit.Actor, status int, want, notWant []string) {
		t.Helper()
		w.As(t, actor, tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url,
			ExpectedStatus: status, ExpectedContent: want, NotExpectedContent: notWant}).Test(t)
	}
	free := []string{`"state":"editable"`, `"holder":""`, `"expiresAt":""`, `"forced":null`}
	detail("free, as an editor", testkit.Admin, 200, free, nil)
	detail("free, read only", testkit.Processing, 200, []string{`"state":"read_only"`, `"holder":""`}, nil)

	w.As(t, testkit.FullAccess, tests.ApiScenario{Name: "take", Method: http.MethodPost, URL: "/api/vigie/locks",
		Body: takeBody("relationships", rel), ExpectedStatus: 200, ExpectedContent: []string{`"holder"`}}).Test(t)
	name := func(u interface{ GetString(string) string }) string {
		return u.GetString("firstName") + " " + u.GetString("lastName")
	}
	held := []string{`"holder":"` + holder.Id + `"`, `"holderName":"` + name(holder) + `"`, `"expiresAt":"20`}
	detail("held, as the holder", testkit.FullAccess, 200, append([]string{`"state":"locked_by_you"`}, held...), nil)
	detail("held, as another editor", testkit.Admin, 200, append([]string{`"state":"read_only"`, `"forced":null`}, held...), nil)
	detail("held, read only", testkit.Processing, 200, append([]string{`"state":"read_only"`}, held...), nil)
	for _, c := range []struct {
		name   string
		actor  testkit.Actor
		status int
		want   []string
	}{
		{"an outsider", testkit.Sister, 404, testkit.Body404},
		{"support without a grant", testkit.Support, 404, testkit.Body404},
		{"a guest", testkit.Guest, 401, []string{`"status":401`}},
	} {
		detail(c.name, c.actor, c.status, c.want, []string{holder.Id, name(holder)})
	}
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "not lockable", Method: http.MethodGet, URL: "/api/vigie/locks/share_links/" + rel,
		ExpectedStatus: 400, ExpectedContent: []string{`"collection":{"code":"validation_not_lockable"`}}).Test(t)

	w.As(t, testkit.Admin, tests.ApiScenario{Name: "the admin forces", Method: http.MethodDelete, URL: url,
		ExpectedStatus: 200, ExpectedContent: []string{`"forced":true`}}).Test(t)
	admin := w.Users[testkit.Admin]
	detail("forced, as the former holder", testkit.FullAccess, 200,
		[]string{`"state":"editable"`, `"holder":""`, `"forced":{"byName":"` + name(admin) + `","at":"20`}, nil)
	detail("forced, as someone else", testkit.Processing, 200, []string{`"forced":null`}, nil)
	detail("forced, as the admin", testkit.Admin, 200, []string{`"forced":null`}, nil)

	w.As(t, testkit.FullAccess, tests.ApiScenario{Name: "take again", Method: http.MethodPost, URL: "/api/vigie/locks",
		Body: takeBody("relationships", rel), ExpectedStatus: 200, ExpectedContent: []string{`"holder"`}}).Test(t)
	detail("taken again", testkit.FullAccess, 200, []string{`"state":"locked_by_you"`, `"forced":null`}, nil)
}
