package tenancy_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/testkit"
)

func save(t *testing.T, app core.App, r *core.Record, fields map[string]any) {
	t.Helper()
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func seesHome(t *testing.T, w *testkit.World, a testkit.Actor, want bool) {
	t.Helper()
	content, not := []string{w.Home.Id}, []string(nil)
	if !want {
		content, not = []string{`"items":[`}, []string{w.Home.Id}
	}
	w.As(t, a, tests.ApiScenario{
		Name: "list establishments", Method: http.MethodGet, URL: "/api/collections/establishments/records",
		ExpectedStatus: 200, ExpectedContent: content, NotExpectedContent: not,
	}).Test(t)
}

// S3: a member without TOTP holds no grant in an establishment requiring it,
// lists included, and gets them back once enrolled.
func TestRequiredTotpLocksGrantsS3(t *testing.T) {
	w := testkit.NewWorld(t)
	seesHome(t, w, testkit.Processing, true)
	save(t, w.App, w.Home, map[string]any{"requireTotp": true})
	w.As(t, testkit.Processing, tests.ApiScenario{
		Name: "list while locked", Method: http.MethodGet, URL: "/api/collections/establishments/records",
		ExpectedStatus: 403, ExpectedContent: []string{`"code":"totp_required"`}, NotExpectedContent: []string{w.Home.Id},
	}).Test(t)
	if locked, _ := tenancy.LockedEstablishments(w.App, w.Users[testkit.Processing]); len(locked) != 1 || locked[0] != w.Home.Id {
		t.Fatalf("locked establishments = %v", locked)
	}
	if tenancy.Holds(w.App, w.Users[testkit.Admin].Id, w.Home.Id, profiles.Manage) {
		t.Fatal("the admin without TOTP keeps managing")
	}
	save(t, w.App, w.Users[testkit.Processing], map[string]any{"totpEnabled": true})
	seesHome(t, w, testkit.Processing, true)
	if locked, _ := tenancy.LockedEstablishments(w.App, w.Users[testkit.Processing]); len(locked) != 0 {
		t.Fatalf("an enrolled user is still locked out of %v", locked)
	}
	seesHome(t, w, testkit.Sister, false)
}

// S5: support staff read an establishment only while its admin allows it,
// until the chosen date, and never manage it or see bank details.
func TestSupportAccessGrantsS5(t *testing.T) {
	w := testkit.NewWorld(t)
	support := w.Users[testkit.Support].Id
	seesHome(t, w, testkit.Support, false)

	save(t, w.App, w.Home, map[string]any{"supportAccess": true})
	seesHome(t, w, testkit.Support, true)
	if tenancy.Holds(w.App, support, w.Home.Id, profiles.Manage) || tenancy.Holds(w.App, support, w.Home.Id, profiles.SeeFinancial) {
		t.Fatal("support manages or sees bank details")
	}
	late := testkit.User(t, w.App, "late-support@vigie.test")
	save(t, w.App, late, map[string]any{"support": true})
	if !tenancy.Holds(w.App, late.Id, w.Home.Id, profiles.SeeDocuments) {
		t.Fatal("support staff flagged after the grant do not get it")
	}
	save(t, w.App, late, map[string]any{"support": false})
	if tenancy.Holds(w.App, late.Id, w.Home.Id, profiles.Member) {
		t.Fatal("a user no longer support keeps the grant")
	}

	save(t, w.App, w.Home, map[string]any{"supportAccess": false})
	seesHome(t, w, testkit.Support, false)

	until := time.Now().Add(time.Hour)
	dt, _ := types.ParseDateTime(until)
	save(t, w.App, w.Home, map[string]any{"supportAccess": true, "supportUntil": dt})
	seesHome(t, w, testkit.Support, true)
	if _, err := tenancy.DeleteExpiredSupportGrants(w.App, support, until.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	seesHome(t, w, testkit.Support, true)
	if _, err := tenancy.DeleteExpiredSupportGrants(w.App, support, until.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	seesHome(t, w, testkit.Support, false)

	past, _ := types.ParseDateTime(time.Now().Add(-time.Hour))
	save(t, w.App, w.Home, map[string]any{"supportUntil": past})
	if tenancy.Holds(w.App, support, w.Home.Id, profiles.Member) {
		t.Fatal("a grant until a past date was given")
	}
}
