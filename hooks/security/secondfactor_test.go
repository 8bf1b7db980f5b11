package security_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"vigie/hooks/security"
	"vigie/internal/oraclenet"
	"vigie/internal/schema"
	"vigie/internal/testkit"
	"vigie/internal/totp"
)

// parallel sends one code request per body at once and gives their statuses.
func parallel(t *testing.T, client *oraclenet.Client, bodies []map[string]any) []int {
	t.Helper()
	statuses := make([]int, len(bodies))
	var wg sync.WaitGroup
	for i, body := range bodies {
		wg.Go(func() { statuses[i], _ = client.Do(t, http.MethodPost, "/api/vigie/auth/totp", "", body) })
	}
	wg.Wait()
	return statuses
}

func count(statuses []int, status int) int {
	n := 0
	for _, s := range statuses {
		if s == status {
			n++
		}
	}
	return n
}

func challenges(t *testing.T, w *testkit.World, email string, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = signIn(t, w, email, 401)["totpChallenge"].(string)
	}
	return out
}

// failedAt is the account's stored wrong codes of the hour.
func failedAt(t *testing.T, w *testkit.World, user string) []string {
	t.Helper()
	var raw string
	if err := w.App.DB().Select("failedAt").From(schema.TOTPSecrets).Where(dbx.HashExp{"user": user}).Row(&raw); err != nil {
		t.Fatal(err)
	}
	var times []string
	_ = json.Unmarshal([]byte(raw), &times)
	return times
}

// S11 (issue 18, item 6): a TOTP code, a recovery code and a challenge's
// failures are consumed atomically, under parallel requests; wrong codes
// are limited per account, whatever the challenge, and the holder is told.
func TestSecondFactorConsumedOnceAndLimitedS11(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Feedback]
	secret, _, codes := enrol(t, w, user)
	client := oraclenet.NewClient(t, w.App)
	next, _ := totp.Code(secret, time.Now().Add(totp.Period*time.Second)) // the confirm used the current step
	wrong := "000000"
	if next == wrong {
		wrong = "111111"
	}

	// Each case starts with no failure in the hour: the losers of a race
	// for one code count as wrong codes, as any refused code does.
	forget := func(t *testing.T) {
		if _, err := w.App.DB().Update(schema.TOTPSecrets, dbx.Params{"failedAt": "[]"}, dbx.HashExp{"user": user.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("one code, eight challenges at once: one token", func(t *testing.T) {
		forget(t)
		var bodies []map[string]any
		for _, c := range challenges(t, w, user.Email(), 8) {
			bodies = append(bodies, map[string]any{"challenge": c, "code": next})
		}
		if got := parallel(t, client, bodies); count(got, 200) != 1 || count(got, 401) != 7 {
			t.Fatalf("statuses %v, want one 200 and seven 401", got)
		}
	})
	t.Run("one recovery code, eight challenges at once: one token", func(t *testing.T) {
		forget(t)
		var bodies []map[string]any
		for _, c := range challenges(t, w, user.Email(), 8) {
			bodies = append(bodies, map[string]any{"challenge": c, "recoveryCode": codes[0]})
		}
		if got := parallel(t, client, bodies); count(got, 200) != 1 || count(got, 401) != 7 {
			t.Fatalf("statuses %v, want one 200 and seven 401", got)
		}
	})
	t.Run("one challenge, two right factors at once: one token", func(t *testing.T) {
		forget(t)
		c := challenges(t, w, user.Email(), 1)[0]
		got := parallel(t, client, []map[string]any{{"challenge": c, "recoveryCode": codes[1]}, {"challenge": c, "recoveryCode": codes[2]}})
		if count(got, 200) != 1 {
			t.Fatalf("statuses %v, want one 200", got)
		}
	})
	t.Run("fifteen guesses on one challenge at once: five checked", func(t *testing.T) {
		forget(t)
		c := challenges(t, w, user.Email(), 1)[0]
		before := len(failedAt(t, w, user.Id))
		bodies := make([]map[string]any, 15)
		for i := range bodies {
			bodies[i] = map[string]any{"challenge": c, "code": wrong}
		}
		if got := parallel(t, client, bodies); count(got, 401) != 15 {
			t.Fatalf("statuses %v, want 401s", got)
		}
		if checked := len(failedAt(t, w, user.Id)) - before; checked != 5 {
			t.Fatalf("%d codes checked, want 5", checked)
		}
	})
	t.Run("ten wrong codes in the hour, through any challenge: the right one is refused unchecked", func(t *testing.T) {
		forget(t)
		w.App.TestMailer.Reset()
		for len(failedAt(t, w, user.Id)) < 10 {
			bodies := []map[string]any{}
			for _, c := range challenges(t, w, user.Email(), 2) {
				bodies = append(bodies, map[string]any{"challenge": c, "code": wrong})
			}
			parallel(t, client, bodies)
		}
		if n := len(failedAt(t, w, user.Id)); n != 10 {
			t.Fatalf("%d failures stored, want the limit, 10", n)
		}
		if notices(t, w, user.Id, security.KindTOTPLimited) != 1 || len(mailsTo(w, user.Email())) != 1 {
			t.Fatalf("the holder got %d notices and mails %v, want one of each", notices(t, w, user.Id, security.KindTOTPLimited), mailsTo(w, user.Email()))
		}
		c := challenges(t, w, user.Email(), 1)[0]
		status, body := client.Do(t, http.MethodPost, "/api/vigie/auth/totp", "", map[string]any{"challenge": c, "recoveryCode": codes[3]})
		if status != http.StatusTooManyRequests || !strings.Contains(body["message"].(string), "Too many wrong codes") {
			t.Fatalf("past the limit: %d %v, want 429", status, body)
		}
		if notices(t, w, user.Id, security.KindTOTPLimited) != 1 {
			t.Fatal("the holder was told twice")
		}
		// The recovery code was not consumed: once the hour has passed, it works.
		hourAgo := time.Now().Add(-61 * time.Minute).UTC().Format("2006-01-02T15:04:05.000000000Z")
		old, _ := json.Marshal(slicesOf(10, hourAgo))
		if _, err := w.App.DB().Update(schema.TOTPSecrets, dbx.Params{"failedAt": string(old)}, dbx.HashExp{"user": user.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
		status, body = client.Do(t, http.MethodPost, "/api/vigie/auth/totp", "", map[string]any{"challenge": c, "recoveryCode": codes[3]})
		if status != http.StatusOK {
			t.Fatalf("after the hour: %d %v, want 200", status, body)
		}
		if n := len(failedAt(t, w, user.Id)); n != 0 {
			t.Fatalf("%d failures kept, want the old ones forgotten and the right code's given back", n)
		}
	})
	t.Run("turning 2FA off counts against the same limit", func(t *testing.T) {
		forget(t)
		fresh, _ := w.App.FindRecordById(schema.Users, user.Id) // enrolment renewed the token key
		token := testkit.Token(t, fresh)
		before := len(failedAt(t, w, user.Id))
		call(t, w, http.MethodPost, "/api/vigie/totp/disable", token, `{"code":"`+wrong+`"}`, 400)
		if got := len(failedAt(t, w, user.Id)); got != before+1 {
			t.Fatalf("failures %d → %d, want one more", before, got)
		}
	})
}

func slicesOf(n int, v string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = v
	}
	return out
}
