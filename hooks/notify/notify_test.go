package notify_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"errors"
	"github.com/pocketbase/pocketbase/core"
	"vigie/hooks/notify"
	"vigie/internal/testkit"
)

func TestRenderLanguages(t *testing.T) {
	vars := map[string]string{"establishment": "Home SA", "email": "a@b.test"}
	fr, _, err := notify.Render(notify.KindAccessApproved, "fr", vars)
	if err != nil || fr != "Demande d'accès acceptée" {
		t.Fatalf("fr subject = %q, %v", fr, err)
	}
	en, body, _ := notify.Render(notify.KindAccessApproved, "en", vars)
	if en != "Access request approved" || !strings.Contains(body, "Home SA") {
		t.Fatalf("en = %q / %q", en, body)
	}
	if de, _, _ := notify.Render(notify.KindAccessApproved, "de", vars); de != fr {
		t.Fatalf("unknown language falls back to French, got %q", de)
	}
	if _, _, err := notify.Render("nope", "fr", nil); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

// Within a transaction the email leaves only if it commits.
func TestEmailAfterCommitOnly(t *testing.T) {
	w := testkit.NewWorld(t)
	w.App.TestMailer.Reset()
	user := w.Users[testkit.Feedback]
	_ = w.App.RunInTransaction(func(tx core.App) error {
		if err := notify.User(tx, user, notify.Message{Kind: notify.KindAccessRefused}); err != nil {
			t.Fatal(err)
		}
		return errRollback
	})
	if w.App.TestMailer.TotalSend() != 0 {
		t.Fatal("an email left for a rolled-back change")
	}
	if err := notify.User(w.App, user, notify.Message{Kind: notify.KindAccessRefused}); err != nil {
		t.Fatal(err)
	}
	if w.App.TestMailer.TotalSend() != 1 {
		t.Fatal("no email outside a transaction")
	}
}

// Notifications are their user's alone; the user marks them read, nothing more.
func TestNotificationsOwnOnly(t *testing.T) {
	w := testkit.NewWorld(t)
	if err := notify.User(w.App, w.Users[testkit.Feedback], notify.Message{Kind: notify.KindAccessRefused,
		Vars: map[string]string{"email": "secret@home.test"}}); err != nil {
		t.Fatal(err)
	}
	n, err := w.App.FindFirstRecordByData("notifications", "user", w.Users[testkit.Feedback].Id)
	if err != nil {
		t.Fatal(err)
	}
	url := "/api/collections/notifications/records/" + n.Id
	for _, a := range testkit.Actors {
		status, want := 404, testkit.Body404
		if a == testkit.Feedback || a == testkit.Operator {
			status, want = 200, []string{"secret@home.test"}
		}
		w.As(t, a, tests.ApiScenario{Name: "view", Method: http.MethodGet, URL: url,
			ExpectedStatus: status, ExpectedContent: want}).Test(t)
	}
	w.As(t, testkit.Feedback, tests.ApiScenario{Name: "mark read", Method: http.MethodPatch, URL: url,
		Body: strings.NewReader(`{"read":true}`), ExpectedStatus: 200, ExpectedContent: []string{`"read":true`}}).Test(t)
	w.As(t, testkit.Feedback, tests.ApiScenario{Name: "rewrite", Method: http.MethodPatch, URL: url,
		Body: strings.NewReader(`{"title":"forged"}`), ExpectedStatus: 404, ExpectedContent: testkit.Body404}).Test(t)
	w.As(t, testkit.Feedback, tests.ApiScenario{Name: "create", Method: http.MethodPost, URL: "/api/collections/notifications/records",
		Body: strings.NewReader(`{"user":"` + w.Users[testkit.Feedback].Id + `","kind":"x"}`), ExpectedStatus: 403,
		ExpectedContent: []string{`"status":403`}}).Test(t)
}

var errRollback = errors.New("roll back")
