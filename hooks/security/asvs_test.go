package security_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"golang.org/x/crypto/bcrypt"

	"vigie/hooks/security"
	"vigie/internal/schema"
	"vigie/internal/testkit"
	"vigie/internal/totp"
)

// Tests of OWASP ASVS 4.0.3 items that no requirement test isolates; each
// is cited in SECURITY.md.

// ASVS 2.2.1, 4.2.2: sign-in and the share page are rate-limited per
// client, as in production. (The share API's own rule, "/api/vigie/share/",
// is shadowed by PocketBase's default "/api/" rule: a gap in SECURITY.md.)
func TestRateLimitsASVS221(t *testing.T) {
	for _, c := range []struct {
		name, method, url, body string
		allowed, status         int
	}{
		{"password sign-in (*:auth, 2 per 3 s)", http.MethodPost, "/api/collections/users/auth-with-password",
			`{"identity":"processing@home.test","password":"not-the-password"}`, 2, 400},
		{"share page (/s/, 60 per minute)", http.MethodGet, "/s/" + strings.Repeat("A", 43), "", 60, 200},
		// Prefix rules under /api/, ahead of PocketBase's own "/api/" rule (S7).
		{"share link open (10 per minute)", http.MethodPost, "/api/vigie/share/" + strings.Repeat("A", 43), "{}", 10, 403},
		{"share file (60 per minute)", http.MethodGet, "/api/vigie/share-files/x/y?expires=1&sig=z", "", 60, 404},
		{"2FA enrolment (10 per minute)", http.MethodPost, "/api/vigie/totp/setup", "", 10, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := testkit.NewWorld(t)
			testkit.RateLimited(w.App)
			for i := 1; i <= c.allowed+1; i++ {
				status := c.status
				if i > c.allowed {
					status = 429
				}
				call(t, w, c.method, c.url, "", c.body, status)
			}
		})
	}
}

// ASVS 2.1.7: a password among the most guessed ones is refused on every
// path that sets one through the API; a pass phrase is not.
func TestCommonPasswordsRefusedASVS217(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Processing]
	refused := []string{`"password":{"code":"validation_password_common"`}
	change := func(pw string, status int, want []string) {
		t.Helper()
		fresh, _ := w.App.FindRecordById(schema.Users, user.Id)
		body := `{"oldPassword":"` + testkit.Password + `","password":"` + pw + `","passwordConfirm":"` + pw + `"}`
		(&tests.ApiScenario{Name: "change to " + pw, Method: http.MethodPatch, URL: "/api/collections/users/records/" + user.Id,
			Body: strings.NewReader(body), Headers: map[string]string{"Authorization": testkit.Token(t, fresh)},
			ExpectedStatus: status, ExpectedContent: want, TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
	}
	for _, pw := range []string{"password1234", "123456789012", "qwertyuiopas", "iloveyou2024", "Password1234!", "azertyuiop12"} {
		change(pw, 400, refused)
	}
	fresh, _ := w.App.FindRecordById(schema.Users, user.Id)
	reset, _ := fresh.NewPasswordResetToken()
	(&tests.ApiScenario{Name: "reset to a common one", Method: http.MethodPost, URL: "/api/collections/users/confirm-password-reset",
		Body:           strings.NewReader(`{"token":"` + reset + `","password":"password1234","passwordConfirm":"password1234"}`),
		ExpectedStatus: 400, ExpectedContent: refused, TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
	if err := signInErr(w, user.Email(), testkit.Password); err != nil {
		t.Fatalf("a refused change was written: %v", err)
	}
	change("pale lantern under rain", 200, []string{`"id":"` + user.Id + `"`})

	cfg := testkit.Config()
	cfg.AllowSignup = true
	open := testkit.NewAppWith(t, &cfg)
	for pw, status := range map[string]int{"password1234": 400, "pale lantern under rain": 200} {
		(&tests.ApiScenario{Name: "sign up with " + pw, Method: http.MethodPost, URL: "/api/collections/users/records",
			Body:           strings.NewReader(`{"email":"walk-in@example.test","password":"` + pw + `","passwordConfirm":"` + pw + `"}`),
			ExpectedStatus: status, ExpectedContent: map[int][]string{400: refused, 200: {`"email":"walk-in@example.test"`}}[status],
			TestAppFactory: func(testing.TB) *tests.TestApp { return open }, DisableTestAppCleanup: true}).Test(t)
	}
}

func signInErr(w *testkit.World, email, password string) error {
	u, err := w.App.FindAuthRecordByEmail(schema.Users, email)
	if err != nil {
		return err
	}
	if !u.ValidatePassword(password) {
		return errors.New("the password changed")
	}
	return nil
}

// mailsTo returns the subjects of the emails sent to address.
func mailsTo(w *testkit.World, address string) []string {
	var subjects []string
	for _, m := range w.App.TestMailer.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to.Address, address) {
				subjects = append(subjects, m.Subject)
			}
		}
	}
	return subjects
}

func notices(t *testing.T, w *testkit.World, userID, kind string) int64 {
	t.Helper()
	n, err := w.App.CountRecords(schema.Notifications, dbx.HashExp{"user": userID, "kind": kind})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// ASVS 2.2.3, 2.5.5: a new password, a new email address (told to the old
// one) and two-factor authentication turned on or off are each notified by
// email and in-app, without the secret; a refused change says nothing.
func TestCredentialChangeNoticeASVS255(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Processing]
	self := "/api/collections/users/records/" + user.Id
	newPassword := "a brand new pass phrase"
	var secret, totpToken string
	steps := []struct {
		name    string
		do      func()
		to      string
		subject string // empty: nothing is sent
		kind    string
	}{
		{"a refused password change", func() {
			call(t, w, http.MethodPatch, self, testkit.Token(t, user),
				`{"oldPassword":"wrong-password-1","password":"`+newPassword+`","passwordConfirm":"`+newPassword+`"}`, 400)
		}, user.Email(), "", security.KindPasswordChanged},
		{"the password", func() {
			call(t, w, http.MethodPatch, self, testkit.Token(t, user),
				`{"oldPassword":"`+testkit.Password+`","password":"`+newPassword+`","passwordConfirm":"`+newPassword+`"}`, 200)
		}, user.Email(), "Votre mot de passe Vigie a été modifié", security.KindPasswordChanged},
		{"a reset by the forgotten-password link", func() {
			fresh, _ := w.App.FindRecordById(schema.Users, user.Id)
			reset, _ := fresh.NewPasswordResetToken()
			(&tests.ApiScenario{Name: "reset", Method: http.MethodPost, URL: "/api/collections/users/confirm-password-reset",
				Body:           strings.NewReader(`{"token":"` + reset + `","password":"` + newPassword + `","passwordConfirm":"` + newPassword + `"}`),
				ExpectedStatus: 204, TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
		}, user.Email(), "Votre mot de passe Vigie a été modifié", security.KindPasswordChanged},
		{"TOTP on", func() {
			fresh, _ := w.App.FindRecordById(schema.Users, user.Id)
			secret, totpToken, _ = enrol(t, w, fresh)
		}, user.Email(), "Double authentification activée", security.KindTOTPEnabled},
		{"TOTP off", func() {
			code, _ := totp.Code(secret, time.Now().Add(totp.Period*time.Second))
			call(t, w, http.MethodPost, "/api/vigie/totp/disable", totpToken, `{"code":"`+code+`"}`, 204)
		}, user.Email(), "Double authentification désactivée", security.KindTOTPDisabled},
		{"the email address, changed by the operator", func() {
			call(t, w, http.MethodPatch, self, testkit.Token(t, w.Operator()), `{"email":"moved@home.test"}`, 200)
		}, user.Email(), "L'adresse de votre compte Vigie a été modifiée", security.KindEmailChanged},
	}
	for _, s := range steps {
		w.App.TestMailer.Reset()
		before := notices(t, w, user.Id, s.kind)
		s.do()
		got := mailsTo(w, s.to)
		if s.subject == "" {
			if len(got) != 0 || notices(t, w, user.Id, s.kind) != before {
				t.Errorf("%s: notified %v", s.name, got)
			}
			continue
		}
		if len(got) != 1 || got[0] != s.subject {
			t.Errorf("%s: emails to %s = %v, want [%s]", s.name, s.to, got, s.subject)
		}
		if n := notices(t, w, user.Id, s.kind); n != before+1 {
			t.Errorf("%s: in-app notices %d, want %d", s.name, n, before+1)
		}
		for _, m := range w.App.TestMailer.Messages() {
			if strings.Contains(m.Text, newPassword) || strings.Contains(m.HTML, newPassword) {
				t.Errorf("%s: the password is in the email", s.name)
			}
		}
	}
	if got := mailsTo(w, "moved@home.test"); len(got) != 0 {
		t.Errorf("the new address was told %v; the old one must be", got)
	}
}

// ASVS 2.2.3: a sign-in from a new device (address and browser) is
// notified by PocketBase's login alert; a known device is not.
func TestNewOriginAlertASVS223(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Feedback]
	signInFrom := func(agent string) {
		(&tests.ApiScenario{Name: "sign in from " + agent, Method: http.MethodPost,
			URL: "/api/collections/users/auth-with-password", Headers: map[string]string{"User-Agent": agent},
			Body:           strings.NewReader(`{"identity":"` + user.Email() + `","password":"` + testkit.Password + `"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":"`}, TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
	}
	signInFrom("browser-one") // the first sign-in is not news
	w.App.TestMailer.Reset()
	signInFrom("browser-one")
	if n := len(mailsTo(w, user.Email())); n != 0 {
		t.Fatalf("a known device raised %d alerts", n)
	}
	signInFrom("browser-two")
	if n := len(mailsTo(w, user.Email())); n != 1 {
		t.Fatalf("a new device raised %d alerts, want 1", n)
	}
}

// ASVS 2.3.1, 2.5.1: an invitation link works once; redeeming it is the
// person's first password, not a change to report.
func TestInvitationSingleUseASVS231(t *testing.T) {
	w := testkit.NewWorld(t)
	w.App.TestMailer.Reset()
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "invite", Method: http.MethodPost,
		URL:            "/api/vigie/establishments/" + w.Home.Id + "/members",
		Body:           strings.NewReader(`{"email":"new.person@example.test","firstName":"New","lastName":"Person","profile":"feedback"}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"profile":"feedback"`}}).Test(t)
	link := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(w.App.TestMailer.LastMessage().Text)
	if link == nil {
		t.Fatal("no invitation link")
	}
	token, _ := url.QueryUnescape(link[1])
	w.App.TestMailer.Reset()
	redeem := func(password string, status int) {
		(&tests.ApiScenario{Name: "redeem", Method: http.MethodPost, URL: "/api/collections/users/confirm-password-reset",
			Body:           strings.NewReader(`{"token":"` + token + `","password":"` + password + `","passwordConfirm":"` + password + `"}`),
			ExpectedStatus: status, ExpectedContent: map[bool][]string{true: nil, false: {`"status":400`}}[status == 204],
			TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
	}
	redeem("the first pass phrase", 204)
	if n := w.App.TestMailer.TotalSend(); n != 0 {
		t.Errorf("redeeming an invitation sent %d emails", n)
	}
	redeem("a second pass phrase", 400)
	call(t, w, http.MethodPost, "/api/collections/users/auth-with-password", "",
		`{"identity":"new.person@example.test","password":"the first pass phrase"}`, 200)
}

// ASVS 2.4.1, 2.4.2, 2.4.4: passwords are bcrypt hashes of cost 10 or
// more, with a salt of their own.
func TestPasswordHashASVS24(t *testing.T) {
	w := testkit.NewWorld(t)
	var hashes []string
	for _, a := range []testkit.Actor{testkit.Admin, testkit.Processing} {
		u, err := w.App.FindRecordById(schema.Users, w.Users[a].Id)
		if err != nil {
			t.Fatal(err)
		}
		hash := u.GetString("password:hash")
		cost, err := bcrypt.Cost([]byte(hash))
		if err != nil || cost < 10 {
			t.Fatalf("%s: %q is not a bcrypt hash of cost ≥ 10 (%d, %v)", a, hash, cost, err)
		}
		if strings.Contains(hash, testkit.Password) || bcrypt.CompareHashAndPassword([]byte(hash), []byte(testkit.Password)) != nil {
			t.Fatalf("%s: the hash does not verify the password, or holds it", a)
		}
		hashes = append(hashes, hash)
	}
	if hashes[0] == hashes[1] {
		t.Fatal("two accounts with one password share a hash: no salt")
	}
}

// ASVS 3.1.1, 3.4, 4.2.2, 13.2.3: a session is the Authorization header
// only; the same token in the URL or a cookie is nobody.
func TestTokenOnlyInHeaderASVS311(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Processing]
	token := testkit.Token(t, user)
	self := "/api/collections/users/records/" + user.Id
	for _, c := range []struct {
		name, url string
		headers   map[string]string
		status    int
	}{
		{"header", self, map[string]string{"Authorization": token}, 200},
		{"bearer header", self, map[string]string{"Authorization": "Bearer " + token}, 200},
		{"query string", self + "?token=" + token, nil, 404},
		{"cookie", self, map[string]string{"Cookie": "pb_auth=" + token + "; token=" + token}, 404},
	} {
		want := `"status":404`
		if c.status == 200 {
			want = `"id":"` + user.Id + `"`
		}
		(&tests.ApiScenario{Name: c.name, Method: http.MethodGet, URL: c.url, Headers: c.headers,
			ExpectedStatus: c.status, ExpectedContent: []string{want},
			TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
	}
}

// ASVS 3.2.4, 3.5.3, 3.7.1: only a token signed with HS256 by the server,
// of the auth type, for the user's current key, is a session: not an
// unsigned one, nor an altered one, nor a file, reset or sign-in
// challenge token.
func TestForgedTokensRefusedASVS353(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Processing]
	signedInAgo(t, w, user, 0)
	token := testkit.Token(t, user)
	parts := strings.Split(token, ".")
	b64 := base64.RawURLEncoding
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(string(payload), user.Id, w.Users[testkit.Admin].Id, 1)
	sig := []byte(parts[2])
	sig[len(sig)/2] ^= 1
	fileToken, _ := user.NewFileToken()
	resetToken, _ := user.NewPasswordResetToken()
	holder := w.Users[testkit.Feedback]
	enrol(t, w, holder)
	challenge, _ := signIn(t, w, holder.Email(), 401)["totpChallenge"].(string)
	for _, c := range []struct{ name, token string }{
		{"alg none", b64.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."},
		{"altered signature", parts[0] + "." + parts[1] + "." + string(sig)},
		{"another user's id under this signature", parts[0] + "." + b64.EncodeToString([]byte(other)) + "." + parts[2]},
		{"file token", fileToken},
		{"password reset (invitation) token", resetToken},
		{"sign-in challenge", challenge},
		{"nothing", ""},
	} {
		call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", c.token, "", 401)
	}
	call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", token, "", 200)
}

// ASVS 3.3.3: changing the password or the email address ends every
// session of the account.
func TestSessionsEndOnCredentialChangeASVS333(t *testing.T) {
	w := testkit.NewWorld(t)
	refresh := func(token string, status int) {
		call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", token, "", status)
	}
	user := w.Users[testkit.Processing]
	signedInAgo(t, w, user, 0)
	phone, laptop := testkit.Token(t, user), testkit.Token(t, user)
	refresh(phone, 200)
	call(t, w, http.MethodPatch, "/api/collections/users/records/"+user.Id, laptop,
		`{"oldPassword":"`+testkit.Password+`","password":"another pass phrase","passwordConfirm":"another pass phrase"}`, 200)
	refresh(phone, 401)
	refresh(laptop, 401)
	fresh := call(t, w, http.MethodPost, "/api/collections/users/auth-with-password", "",
		`{"identity":"`+user.Email()+`","password":"another pass phrase"}`, 200)
	refresh(fresh["token"].(string), 200)

	moved := w.Users[testkit.Delivery]
	before := testkit.Token(t, moved)
	call(t, w, http.MethodPatch, "/api/collections/users/records/"+moved.Id, testkit.Token(t, w.Operator()), `{"email":"moved@home.test"}`, 200)
	refresh(before, 401)
}

// ASVS 4.3.2, 12.5.1: no folder is listed and no metadata, backup or source
// file is served.
func TestNoListingASVS432(t *testing.T) {
	app := testkit.NewApp(t)
	for _, u := range []string{"/css/", "/js/", "/.git/config", "/.git/HEAD", "/.DS_Store", "/index.html.bak",
		"/.index.html.swp", "/pb_data/data.db", "/go.mod", "/main.go", "/pb_public/embed.go", "/%2e%2e/go.mod"} {
		(&tests.ApiScenario{Name: u, Method: http.MethodGet, URL: u, ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`}, NotExpectedContent: []string{"app.css", "api.js", "<a href"},
			TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true}).Test(t)
	}
}

// ASVS 13.1.5, 13.2.5: a body that is not JSON (nor a form) is refused,
// with 400 where ASVS prefers 415 (a decided gap).
func TestUnexpectedContentTypeASVS1325(t *testing.T) {
	w := testkit.NewWorld(t)
	body := `{"collection":"establishments","recordId":"` + w.Home.Id + `"}`
	for _, c := range []struct {
		contentType string
		status      int
		want        string
	}{
		{"text/plain", 400, "JSON object"},
		{"application/octet-stream", 400, "JSON object"},
		{"application/json", 200, `"holder":"` + w.Users[testkit.Admin].Id + `"`},
	} {
		w.As(t, testkit.Admin, tests.ApiScenario{Name: c.contentType, Method: http.MethodPost, URL: "/api/vigie/locks",
			Body: strings.NewReader(body), Headers: map[string]string{"Content-Type": c.contentType},
			ExpectedStatus: c.status, ExpectedContent: []string{c.want}}).Test(t)
	}
}

// signedInAgo records the full sign-in that gave a test's tokens, ago
// before now: refreshing needs one within SessionLimit.
func signedInAgo(t *testing.T, w *testkit.World, user *core.Record, ago time.Duration) {
	t.Helper()
	fresh, err := w.App.FindRecordById(schema.Users, user.Id)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Set("lastLoginAt", time.Now().Add(-ago))
	if err := w.App.UnsafeWithoutHooks().Save(fresh); err != nil {
		t.Fatal(err)
	}
}

// ASVS 3.3.2: a session lasts at most 12 hours from its full sign-in:
// tokens expire then and no refresh extends them.
func TestSessionLimitASVS332(t *testing.T) {
	w := testkit.NewWorld(t)
	users, _ := w.App.FindCollectionByNameOrId(schema.Users)
	if got := time.Duration(users.AuthToken.Duration) * time.Second; got != security.SessionLimit {
		t.Fatalf("tokens live %s, want %s", got, security.SessionLimit)
	}
	user := w.Users[testkit.Processing]
	for _, c := range []struct {
		ago    time.Duration
		status int
	}{{11 * time.Hour, 200}, {13 * time.Hour, 401}} {
		signedInAgo(t, w, user, c.ago)
		call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", testkit.Token(t, user), "", c.status)
	}
	// A token no sign-in gave (Go code, an operator's impersonation) is not refreshed.
	never := w.Users[testkit.Delivery]
	call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", testkit.Token(t, never), "", 401)
}
