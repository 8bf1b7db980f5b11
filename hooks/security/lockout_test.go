package security_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"vigie/hooks/audit"
	"vigie/internal/handler"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// S14, ASVS 2.2.1 (issue 18, item 10): the password lockout is soft. One
// address takes 10 wrong passwords an hour for an account, all addresses
// where the account never signed in 50; the holder's own addresses go on
// signing in, and an unknown email is answered exactly as an account is.
func TestSoftLockoutS14(t *testing.T) {
	w := testkit.NewWorld(t)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		status  int
		message string
	}
	signIn := func(email, password, address string) answer {
		body := `{"identity":"` + email + `","password":"` + password + `"}`
		req := httptest.NewRequest(http.MethodPost, "/api/collections/users/auth-with-password", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = address + ":4000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out struct{ Message string }
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return answer{rec.Code, out.Message}
	}
	expect := func(what string, got answer, status int) answer {
		t.Helper()
		if got.status != status {
			t.Fatalf("%s: %d %q, want %d", what, got.status, got.message, status)
		}
		return got
	}
	const wrong = "not-the-password-at-all"
	target, other := w.Users[testkit.Delivery], w.Users[testkit.Processing]
	unknown := "nobody@home.test"

	expect("the holder at its office", signIn(target.Email(), testkit.Password, "10.0.0.1"), 200)

	var refused, limited answer
	for range 10 {
		refused = expect("a wrong password from one address", signIn(target.Email(), wrong, "10.0.1.1"), 400)
	}
	limited = expect("that address, right password, past 10", signIn(target.Email(), testkit.Password, "10.0.1.1"), 429)
	expect("the holder at its office meanwhile", signIn(target.Email(), testkit.Password, "10.0.0.1"), 200)

	for i := range 10 {
		if got := signIn(unknown, wrong, "10.0.1.1"); got != refused {
			t.Fatalf("unknown email, attempt %d: %v, want what an account answers: %v", i+1, got, refused)
		}
	}
	if got := signIn(unknown, wrong, "10.0.1.1"); got != limited {
		t.Fatalf("unknown email past 10: %v, want what an account answers: %v", got, limited)
	}

	// 40 more from 20 addresses, 2 each: 50 for the account.
	for i := range 20 {
		for range 2 {
			expect("spread guesses", signIn(target.Email(), wrong, fmt.Sprintf("10.0.2.%d", i)), 400)
		}
	}
	expect("a new address, right password, account past 50", signIn(target.Email(), testkit.Password, "10.0.3.1"), 429)
	expect("the holder at its office", signIn(target.Email(), testkit.Password, "10.0.0.1"), 200)
	expect("another account from the new address", signIn(other.Email(), testkit.Password, "10.0.3.1"), 200)

	// After a restart the counters are gone, not the holder's addresses:
	// the audit log tells them.
	feedback := w.Users[testkit.Feedback]
	if err := audit.Write(w.App, audit.Entry{Action: audit.SignedIn, Actor: feedback.Id, IP: "10.0.5.5", Collection: schema.Users, RecordID: feedback.Id}); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		expect("spread guesses", signIn(feedback.Email(), wrong, fmt.Sprintf("10.0.6.%d", i)), 400)
	}
	expect("a new address", signIn(feedback.Email(), testkit.Password, "10.0.7.1"), 429)
	expect("an address the audit log knows", signIn(feedback.Email(), testkit.Password, "10.0.5.5"), 200)

	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": audit.SignInFailed, "actor": target.Id}); n < 52 {
		t.Errorf("failed attempts audited = %d, want the 429s too", n)
	}
}
