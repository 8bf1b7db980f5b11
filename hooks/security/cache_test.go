package security_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/testkit"
)

// S3 with the lock cache of requireTOTP: each change of an establishment's
// requirement or of a membership is seen by the very next request, a
// rolled-back change is not.
func TestRequiredTOTPCacheFollowsWritesS3(t *testing.T) {
	w := testkit.NewWorld(t)
	list := func(status int) {
		t.Helper()
		content := []string{`"items":[`}
		if status == 403 {
			content = []string{`"code":"totp_required"`}
		}
		w.As(t, testkit.Processing, tests.ApiScenario{Name: "list establishments", Method: http.MethodGet,
			URL: "/api/collections/establishments/records", ExpectedStatus: status, ExpectedContent: content}).Test(t)
	}
	setRequired := func(app core.App, on bool) error {
		home, err := app.FindRecordById("establishments", w.Home.Id)
		if err != nil {
			return err
		}
		home.Set("requireTotp", on)
		return app.Save(home)
	}
	list(200) // cached: nothing locked
	if err := setRequired(w.App, true); err != nil {
		t.Fatal(err)
	}
	list(403)
	if err := setRequired(w.App, false); err != nil {
		t.Fatal(err)
	}
	list(200)
	rollback := errors.New("rollback")
	err := w.App.RunInTransaction(func(tx core.App) error {
		if err := setRequired(tx, true); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	list(200)
	err = w.App.RunInTransaction(func(tx core.App) error { return setRequired(tx, true) })
	if err != nil {
		t.Fatal(err)
	}
	list(403)
	// Leaving the establishment ends the lock at once.
	if err := w.App.Delete(w.Memberships[testkit.Processing]); err != nil {
		t.Fatal(err)
	}
	list(200)
}
