package locks_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/locks"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

func takeBody(collection, id string) *strings.Reader {
	return strings.NewReader(`{"collection":"` + collection + `","recordId":"` + id + `"}`)
}

// K1: who may take the lock on Home's details: those who may edit them.
func TestTakeLockActorsK1(t *testing.T) {
	w := testkit.NewWorld(t)
	for _, a := range testkit.Actors {
		status, want := 404, testkit.Body404
		switch a {
		case testkit.Admin:
			status, want = 200, []string{`"holder":"` + w.Users[testkit.Admin].Id + `"`, `"expiresAt":"`, `"holderName":"First admin@home.test`}
		case testkit.Guest:
			status, want = 401, []string{`"status":401`}
		case testkit.Operator:
			status, want = 400, []string{`"status":400`}
		case testkit.FullAccess, testkit.Processing, testkit.ProcessingArchive, testkit.Feedback, testkit.Delivery, testkit.Collector:
			status, want = 403, []string{`"status":403`}
		}
		w.As(t, a, tests.ApiScenario{
			Name: "take Home's lock", Method: http.MethodPost, URL: "/api/vigie/locks", Body: takeBody("establishments", w.Home.Id),
			ExpectedStatus: status, ExpectedContent: want,
		}).Test(t)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "not a lockable collection", Method: http.MethodPost, URL: "/api/vigie/locks", Body: takeBody("notifications", "x"),
		ExpectedStatus: 400, ExpectedContent: []string{`"collection":{"code":"validation_not_lockable"`},
	}).Test(t)
}

// K1, K4: states for each viewer, and writes by others refused with 423
// saying who holds the lock until when.
func TestStatesAndWritesK4(t *testing.T) {
	w := testkit.NewWorld(t)
	second := testkit.User(t, w.App, "second-admin@home.test")
	testkit.Member(t, w.App, second, w.Home, profiles.Admin)
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "take", Method: http.MethodPost, URL: "/api/vigie/locks",
		Body: takeBody("establishments", w.Home.Id), ExpectedStatus: 200, ExpectedContent: []string{`"holder"`}}).Test(t)

	statesURL := "/api/vigie/locks?collection=establishments&ids=" + w.Home.Id + "," + w.Unrelated.Id + ",nope"
	for _, a := range testkit.Actors {
		status, want, not := 200, []string{`"` + w.Home.Id + `":"read_only"`}, []string{w.Unrelated.Id}
		switch a {
		case testkit.Admin:
			want = []string{`"` + w.Home.Id + `":"locked_by_you"`}
		case testkit.Guest:
			status, want, not = 401, []string{`"status":401`}, nil
		case testkit.Sister, testkit.Support:
			want, not = []string{`{}`}, []string{w.Home.Id, w.Unrelated.Id}
		case testkit.Outsider:
			want, not = []string{`"` + w.Unrelated.Id + `":"editable"`}, []string{w.Home.Id}
		case testkit.Operator:
			want, not = []string{`"` + w.Home.Id + `":"read_only"`, `"` + w.Unrelated.Id + `":"read_only"`}, nil
		}
		w.As(t, a, tests.ApiScenario{Name: "states", Method: http.MethodGet, URL: statesURL,
			ExpectedStatus: status, ExpectedContent: want, NotExpectedContent: append(not, "nope")}).Test(t)
	}

	secondHeaders := map[string]string{"Authorization": testkit.Token(t, second)}
	for _, s := range []tests.ApiScenario{
		{Name: "another admin edits Home", Method: http.MethodPatch, URL: "/api/collections/establishments/records/" + w.Home.Id,
			Body: strings.NewReader(`{"name":"Renamed"}`), Headers: secondHeaders, ExpectedStatus: 423,
			ExpectedContent: []string{`"status":423`, `"name":"First admin@home.test Last admin@home.test"`, `"expiresAt":"`}},
		{Name: "another admin takes the lock", Method: http.MethodPost, URL: "/api/vigie/locks",
			Body: takeBody("establishments", w.Home.Id), Headers: secondHeaders, ExpectedStatus: 423, ExpectedContent: []string{`"status":423`}},
	} {
		s.TestAppFactory, s.DisableTestAppCleanup = w.Factory, true
		s.Test(t)
	}
	w.As(t, testkit.Operator, tests.ApiScenario{Name: "even the operator waits", Method: http.MethodPatch,
		URL: "/api/collections/establishments/records/" + w.Home.Id, Body: strings.NewReader(`{"name":"Renamed"}`),
		ExpectedStatus: 423, ExpectedContent: []string{`"status":423`}}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "the holder edits", Method: http.MethodPatch,
		URL: "/api/collections/establishments/records/" + w.Home.Id, Body: strings.NewReader(`{"name":"Home SA (holder)"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"name":"Home SA (holder)"`}}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "and releases", Method: http.MethodDelete,
		URL: "/api/vigie/locks/establishments/" + w.Home.Id, ExpectedStatus: 200, ExpectedContent: []string{`"released":true`, `"forced":false`}}).Test(t)
	(&tests.ApiScenario{Name: "then the other admin edits", Method: http.MethodPatch, URL: "/api/collections/establishments/records/" + w.Home.Id,
		Body: strings.NewReader(`{"name":"Renamed"}`), Headers: secondHeaders, ExpectedStatus: 200, ExpectedContent: []string{`"name":"Renamed"`},
		TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
}

// K4 on relationships: the other lockable collection.
func TestRelationshipWriteLockedK4(t *testing.T) {
	w := testkit.NewWorld(t)
	col, _ := w.App.FindCollectionByNameOrId(schema.Relationships)
	rel := newRecord(t, w, col.Id, map[string]any{"customer": w.Home.Id, "supplier": w.Unrelated.Id, "status": "active"})
	w.As(t, testkit.FullAccess, tests.ApiScenario{Name: "full access takes it", Method: http.MethodPost, URL: "/api/vigie/locks",
		Body: takeBody("relationships", rel), ExpectedStatus: 200, ExpectedContent: []string{`"holder"`}}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "the admin's write is refused", Method: http.MethodPatch,
		URL: "/api/collections/relationships/records/" + rel, Body: strings.NewReader(`{"status":"ended"}`),
		ExpectedStatus: 423, ExpectedContent: []string{`"status":423`}}).Test(t)
	w.As(t, testkit.Outsider, tests.ApiScenario{Name: "the supplier's admin too", Method: http.MethodPatch,
		URL: "/api/collections/relationships/records/" + rel, Body: strings.NewReader(`{"referents":[]}`),
		ExpectedStatus: 423, ExpectedContent: []string{`"status":423`}}).Test(t)
}

// K5: an admin forces a lock, audited; a non-admin cannot.
func TestForceUnlockK5(t *testing.T) {
	w := testkit.NewWorld(t)
	col, _ := w.App.FindCollectionByNameOrId(schema.Relationships)
	rel := newRecord(t, w, col.Id, map[string]any{"customer": w.Home.Id, "supplier": w.Unrelated.Id, "status": "active"})
	w.As(t, testkit.FullAccess, tests.ApiScenario{Name: "take", Method: http.MethodPost, URL: "/api/vigie/locks",
		Body: takeBody("relationships", rel), ExpectedStatus: 200, ExpectedContent: []string{`"holder"`}}).Test(t)
	url := "/api/vigie/locks/relationships/" + rel
	w.As(t, testkit.Processing, tests.ApiScenario{Name: "a non-admin", Method: http.MethodDelete, URL: url,
		ExpectedStatus: 423, ExpectedContent: []string{`"status":423`}}).Test(t)
	w.As(t, testkit.Sister, tests.ApiScenario{Name: "an outsider", Method: http.MethodDelete, URL: url,
		ExpectedStatus: 404, ExpectedContent: testkit.Body404}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "the admin forces", Method: http.MethodDelete, URL: url,
		ExpectedStatus: 200, ExpectedContent: []string{`"released":true`, `"forced":true`}}).Test(t)
	row, err := w.App.FindFirstRecordByFilter(schema.AuditLog, "action = 'lock.force_unlocked' && recordId = {:r}", dbx.Params{"r": rel})
	if err != nil || row.GetString("actor") != w.Users[testkit.Admin].Id || !strings.Contains(row.GetString("data"), w.Users[testkit.FullAccess].Id) {
		t.Fatalf("audit row = %v, %v", row, err)
	}
}

// K2: a lock lasts its timeout, then is free at once, without any sweep.
func TestExpiryK2(t *testing.T) {
	w := testkit.NewWorld(t)
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	now := t0
	s := &locks.Service{App: w.App, Timeout: 4 * time.Hour, Now: func() time.Time { return now }}
	admin, full := w.Users[testkit.Admin].Id, w.Users[testkit.FullAccess].Id
	if _, err := s.Take("establishments", w.Home.Id, admin); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(4*time.Hour - time.Second)
	if err := s.CheckWritable("establishments", w.Home.Id, full); err == nil {
		t.Fatal("a live lock let another user write")
	}
	if _, err := s.Take("establishments", w.Home.Id, full); !errors.As(err, new(*locks.ErrLocked)) {
		t.Fatalf("take of a live lock = %v", err)
	}
	now = t0.Add(4*time.Hour + time.Second)
	if err := s.CheckWritable("establishments", w.Home.Id, full); err != nil {
		t.Fatalf("an expired lock still blocks: %v", err)
	}
	if _, err := s.Take("establishments", w.Home.Id, full); err != nil {
		t.Fatalf("an expired lock is not free: %v", err)
	}
	if n, err := locks.DeleteExpired(w.App, now.Add(5*time.Hour)); err != nil || n != 1 {
		t.Fatalf("sweep deleted %d, %v", n, err)
	}
}

// K3: signing out releases every lock of the user.
func TestLogoutReleasesK3(t *testing.T) {
	w := testkit.NewWorld(t)
	col, _ := w.App.FindCollectionByNameOrId(schema.Relationships)
	rel := newRecord(t, w, col.Id, map[string]any{"customer": w.Home.Id, "supplier": w.Unrelated.Id, "status": "active"})
	for _, body := range []*strings.Reader{takeBody("establishments", w.Home.Id), takeBody("relationships", rel)} {
		w.As(t, testkit.Admin, tests.ApiScenario{Name: "take", Method: http.MethodPost, URL: "/api/vigie/locks",
			Body: body, ExpectedStatus: 200, ExpectedContent: []string{`"holder"`}}).Test(t)
	}
	session := w.Headers(t, testkit.Admin)
	other := w.Headers(t, testkit.Admin) // another device of the same user
	(&tests.ApiScenario{Name: "sign out", Method: http.MethodPost, URL: "/api/vigie/auth/logout", Headers: session,
		ExpectedStatus: 200, ExpectedContent: []string{`"released":2`}, TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
	if n, _ := w.App.CountRecords(schema.Locks); n != 0 {
		t.Fatalf("locks left after sign-out: %d", n)
	}
	// ASVS 3.3.1: the tokens of the signed-out user no longer open anything.
	for name, headers := range map[string]map[string]string{"the signed-out token": session, "another session": other} {
		(&tests.ApiScenario{Name: name, Method: http.MethodPost, URL: "/api/collections/users/auth-refresh", Headers: headers,
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}, TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
	}
	w.As(t, testkit.Guest, tests.ApiScenario{Name: "guest", Method: http.MethodPost, URL: "/api/vigie/auth/logout",
		ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}}).Test(t)
}

// K6: of 50 simultaneous takers exactly one wins.
func TestRaceK6(t *testing.T) {
	w := testkit.NewWorld(t)
	s := &locks.Service{App: w.App, Timeout: time.Hour, Now: time.Now}
	takers := make([]string, 50)
	for i := range takers {
		u := testkit.User(t, w.App, "taker"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@home.test")
		testkit.Member(t, w.App, u, w.Home, profiles.Admin)
		takers[i] = u.Id
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, refused := 0, 0
	start := make(chan struct{})
	for _, id := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := s.Take("establishments", w.Home.Id, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.As(err, new(*locks.ErrLocked)):
				refused++
			default:
				t.Errorf("take: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins != 1 || refused != 49 {
		t.Fatalf("wins %d, refused %d", wins, refused)
	}
	if n, _ := w.App.CountRecords(schema.Locks); n != 1 {
		t.Fatalf("locks = %d", n)
	}
}
