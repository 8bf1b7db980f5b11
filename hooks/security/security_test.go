package security_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/security"
	"vigie/internal/schema"
	"vigie/internal/testkit"
	"vigie/internal/totp"
)

// call runs one request against the world's app and decodes the JSON answer.
func call(t *testing.T, w *testkit.World, method, url, token, body string, status int) map[string]any {
	t.Helper()
	var out map[string]any
	headers := map[string]string{}
	if token != "" {
		headers["Authorization"] = token
	}
	(&tests.ApiScenario{Name: method + " " + url, Method: method, URL: url, Body: strings.NewReader(body), Headers: headers,
		ExpectedStatus: status, ExpectedContent: []string{""}, TestAppFactory: w.Factory, DisableTestAppCleanup: true,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			_ = json.NewDecoder(res.Body).Decode(&out)
		}}).Test(t)
	return out
}

// enrol turns TOTP on for a user through the routes and returns its secret,
// a fresh token and the recovery codes.
func enrol(t *testing.T, w *testkit.World, user *core.Record) (string, string, []string) {
	t.Helper()
	token := testkit.Token(t, user)
	setup := call(t, w, http.MethodPost, "/api/vigie/totp/setup", token, "", 200)
	secret := setup["secret"].(string)
	if !strings.HasPrefix(setup["otpauthUrl"].(string), "otpauth://totp/Vigie:") || len(setup["qrPng"].(string)) < 100 {
		t.Fatalf("setup = %v", setup)
	}
	code, _ := totp.Code(secret, time.Now())
	confirmed := call(t, w, http.MethodPost, "/api/vigie/totp/confirm", token, `{"code":"`+code+`"}`, 200)
	var codes []string
	for _, c := range confirmed["recoveryCodes"].([]any) {
		codes = append(codes, c.(string))
	}
	if len(codes) != 10 {
		t.Fatalf("recovery codes = %v", codes)
	}
	return secret, confirmed["token"].(string), codes
}

func signIn(t *testing.T, w *testkit.World, email string, status int) map[string]any {
	return call(t, w, http.MethodPost, "/api/collections/users/auth-with-password", "",
		`{"identity":"`+email+`","password":"`+testkit.Password+`"}`, status)
}

// S1, S2: enrolment, then no token on password alone; the code (once), a
// recovery code (once); sessions from before TOTP end.
func TestTOTPSignInS2(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Feedback]
	signedInAgo(t, w, user, 0)
	before := testkit.Token(t, user)
	secret, fresh, codes := enrol(t, w, user)

	if stored, _ := w.App.FindFirstRecordByData(schema.TOTPSecrets, "user", user.Id); strings.Contains(stored.GetString("sealedSecret"), secret) ||
		strings.Contains(stored.GetString("recoveryHashes"), strings.ReplaceAll(codes[0], "-", "")) {
		t.Fatal("the secret or a recovery code is stored in clear")
	}
	call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", before, "", 401)
	call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", fresh, "", 200)

	first := signIn(t, w, user.Email(), 401)
	if first["token"] != nil || first["totpChallenge"] == nil {
		t.Fatalf("password alone answered %v", first)
	}
	next, _ := totp.Code(secret, time.Now().Add(totp.Period*time.Second)) // the confirm used the current step
	ok := call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"`+first["totpChallenge"].(string)+`","code":"`+next+`"}`, 200)
	if ok["token"] == nil || ok["record"] == nil {
		t.Fatalf("code answer = %v", ok)
	}
	replay := signIn(t, w, user.Email(), 401)
	wrong := "000000"
	if next == wrong {
		wrong = "111111"
	}
	call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"`+replay["totpChallenge"].(string)+`","code":"`+wrong+`"}`, 401)
	if notices(t, w, user.Id, security.KindTOTPReplayed) != 0 {
		t.Fatal("a wrong code was reported as a replay")
	}
	w.App.TestMailer.Reset()
	call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"`+replay["totpChallenge"].(string)+`","code":"`+next+`"}`, 401)
	// ASVS 2.8.5: a used code is refused, logged, and its holder told.
	if notices(t, w, user.Id, security.KindTOTPReplayed) != 1 || len(mailsTo(w, user.Email())) != 1 {
		t.Fatalf("replay: %d notices, mails %v", notices(t, w, user.Id, security.KindTOTPReplayed), mailsTo(w, user.Email()))
	}
	call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"`+replay["totpChallenge"].(string)+`","recoveryCode":"`+strings.ToUpper(codes[2])+`"}`, 200)
	again := signIn(t, w, user.Email(), 401)
	call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"`+again["totpChallenge"].(string)+`","recoveryCode":"`+codes[2]+`"}`, 401)

	if u, _ := w.App.FindRecordById(schema.Users, user.Id); u.GetString("lastLoginAt") == "" {
		t.Fatal("lastLoginAt not set")
	}
	for action, want := range map[string]int64{"totp.enabled": 1, "auth.recovery_code_used": 1, "auth.signed_in": 2} {
		n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": action, "actor": user.Id, "establishment": w.Home.Id})
		if n != want {
			t.Errorf("%s rows = %d, want %d", action, n, want)
		}
	}
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": "auth.failed", "actor": user.Id}); n < 2 {
		t.Errorf("failed attempts audited = %d", n)
	}
}

// S1: a challenge dies after five wrong codes; an unknown challenge is refused.
func TestChallengeDiesS1(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Processing]
	secret, _, _ := enrol(t, w, user)
	c := signIn(t, w, user.Email(), 401)["totpChallenge"].(string)
	for range 5 {
		call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"`+c+`","code":"000000"}`, 401)
	}
	good, _ := totp.Code(secret, time.Now().Add(totp.Period*time.Second))
	call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"`+c+`","code":"`+good+`"}`, 401)
	call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"forged","code":"`+good+`"}`, 401)
}

// S1: disabling needs a valid code; a wrong one changes nothing.
func TestDisableNeedsCodeS1(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Delivery]
	secret, token, _ := enrol(t, w, user)
	call(t, w, http.MethodPost, "/api/vigie/totp/disable", token, `{"code":"123456"}`, 400)
	if u, _ := w.App.FindRecordById(schema.Users, user.Id); !u.GetBool("totpEnabled") {
		t.Fatal("a wrong code disabled TOTP")
	}
	code, _ := totp.Code(secret, time.Now().Add(totp.Period*time.Second))
	call(t, w, http.MethodPost, "/api/vigie/totp/disable", token, `{"code":"`+code+`"}`, 204)
	if u, _ := w.App.FindRecordById(schema.Users, user.Id); u.GetBool("totpEnabled") {
		t.Fatal("TOTP still on")
	}
	signIn(t, w, user.Email(), 200)
}

// S3: members without TOTP get totp_required on the requiring
// establishment's data and routes, and can still enrol.
func TestRequiredTOTPS3(t *testing.T) {
	w := testkit.NewWorld(t)
	w.Home.Set("requireTotp", true)
	if err := w.App.Save(w.Home); err != nil {
		t.Fatal(err)
	}
	urls := []string{
		"/api/collections/establishments/records/" + w.Home.Id,
		"/api/collections/establishments/records",
		"/api/collections/memberships/records",
		"/api/collections/memberships/records/" + w.Memberships[testkit.Processing].Id,
		"/api/collections/access_requests/records",
		"/api/collections/audit_log/records",
		"/api/collections/relationships/records",
		"/api/vigie/establishments/" + w.Home.Id + "/access-overview",
	}
	for _, a := range []testkit.Actor{testkit.Admin, testkit.Processing, testkit.Collector} {
		for _, u := range urls {
			w.As(t, a, tests.ApiScenario{Name: u, Method: http.MethodGet, URL: u, ExpectedStatus: 403,
				ExpectedContent: []string{`"code":"totp_required"`}, NotExpectedContent: []string{`"siret"`}}).Test(t)
		}
		for _, route := range []string{"/members", "/suppliers", "/suppliers/import"} {
			w.As(t, a, tests.ApiScenario{Name: "POST " + route, Method: http.MethodPost, URL: "/api/vigie/establishments/" + w.Home.Id + route,
				Body: strings.NewReader(`{}`), ExpectedStatus: 403, ExpectedContent: []string{`"code":"totp_required"`}}).Test(t)
		}
		w.As(t, a, tests.ApiScenario{Name: "PATCH Home", Method: http.MethodPatch, URL: "/api/collections/establishments/records/" + w.Home.Id,
			Body: strings.NewReader(`{"name":"x"}`), ExpectedStatus: 403, ExpectedContent: []string{`"code":"totp_required"`}}).Test(t)
		w.As(t, a, tests.ApiScenario{Name: "can still enrol", Method: http.MethodPost, URL: "/api/vigie/totp/setup",
			ExpectedStatus: 200, ExpectedContent: []string{`"otpauthUrl"`}}).Test(t)
	}
	w.As(t, testkit.Outsider, tests.ApiScenario{Name: "others are not affected", Method: http.MethodGet,
		URL: "/api/collections/establishments/records", ExpectedStatus: 200, ExpectedContent: []string{w.Unrelated.Id}}).Test(t)
	_, token, _ := enrol(t, w, w.Users[testkit.FullAccess])
	(&tests.ApiScenario{Name: "enrolled: back in", Method: http.MethodGet, URL: "/api/collections/establishments/records/" + w.Home.Id,
		Headers: map[string]string{"Authorization": token}, ExpectedStatus: 200, ExpectedContent: []string{w.Home.Id},
		TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
}

// S4: the admin sees everyone with access; nobody else may look.
func TestAccessOverviewS4(t *testing.T) {
	w := testkit.NewWorld(t)
	url := "/api/vigie/establishments/" + w.Home.Id + "/access-overview"
	for _, a := range testkit.Actors {
		status, want := 404, testkit.Body404
		switch a {
		case testkit.Admin, testkit.Operator:
			status, want = 200, []string{`"kind":"collector"`, `"email":"feedback@home.test"`, `"passwordScore":`, `"totp":false`}
		case testkit.Guest:
			status, want = 401, []string{`"status":401`}
		case testkit.FullAccess, testkit.Processing, testkit.ProcessingArchive, testkit.Feedback, testkit.Delivery, testkit.Collector:
			status, want = 403, []string{`"status":403`}
		}
		w.As(t, a, tests.ApiScenario{Name: "overview", Method: http.MethodGet, URL: url, ExpectedStatus: status,
			ExpectedContent: want, NotExpectedContent: []string{"support@vigie.test"}}).Test(t)
	}
	// The password's strength is estimated when it is set, never stored.
	if u, _ := w.App.FindRecordById(schema.Users, w.Users[testkit.Admin].Id); u.GetInt("passwordScore") < 3 {
		t.Fatalf("score of a long passphrase = %d", u.GetInt("passwordScore"))
	}
	weak := testkit.User(t, w.App, "weak@home.test")
	weak.SetPassword("password1234") // long enough for the policy, guessed at once
	if err := w.App.Save(weak); err != nil {
		t.Fatal(err)
	}
	if u, _ := w.App.FindRecordById(schema.Users, weak.Id); u.GetInt("passwordScore") > 1 {
		t.Fatalf("score of password1234 = %d", u.GetInt("passwordScore"))
	}
}

// S5: support sees nothing until the admin grants it, until a date, and at
// once nothing after; every read is audited.
func TestSupportAccessS5(t *testing.T) {
	w := testkit.NewWorld(t)
	url := "/api/vigie/establishments/" + w.Home.Id + "/support-access"
	collections := []string{"establishments", "memberships", "access_requests", "audit_log", "relationships", "locks", "notifications"}
	seesHome := func(want bool) {
		t.Helper()
		content, not := []string{`"items":[`}, []string{w.Home.Id}
		if want {
			content, not = []string{w.Home.Id}, nil
		}
		w.As(t, testkit.Support, tests.ApiScenario{Name: "support lists establishments", Method: http.MethodGet,
			URL: "/api/collections/establishments/records", ExpectedStatus: 200, ExpectedContent: content, NotExpectedContent: not}).Test(t)
	}
	for _, c := range collections {
		w.As(t, testkit.Support, tests.ApiScenario{Name: "no grant: " + c, Method: http.MethodGet,
			URL: "/api/collections/" + c + "/records", ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}}).Test(t)
	}
	for _, a := range []testkit.Actor{testkit.FullAccess, testkit.Support} {
		w.As(t, a, tests.ApiScenario{Name: "not theirs to grant", Method: http.MethodPut, URL: url,
			Body: strings.NewReader(`{"enabled":true}`), ExpectedStatus: map[testkit.Actor]int{testkit.FullAccess: 403, testkit.Support: 404}[a],
			ExpectedContent: []string{`"status":`}}).Test(t)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "a date in the past", Method: http.MethodPut, URL: url,
		Body: strings.NewReader(`{"enabled":true,"until":"2001-01-01 00:00:00Z"}`), ExpectedStatus: 400, ExpectedContent: []string{`"until":{`}}).Test(t)
	// K4 (issue 18, item 15): not while someone else holds the establishment's lock.
	lock := testkit.Record(t, w.App, schema.Locks, map[string]any{"collection": schema.Establishments, "recordId": w.Home.Id,
		"holder": w.Users[testkit.FullAccess].Id, "expiresAt": time.Now().Add(time.Hour).UTC().Format("2006-01-02 15:04:05.000Z")})
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "a locked establishment", Method: http.MethodPut, URL: url,
		Body: strings.NewReader(`{"enabled":true}`), ExpectedStatus: 423, ExpectedContent: []string{`"status":423`}}).Test(t)
	if fresh, _ := w.App.FindRecordById(schema.Establishments, w.Home.Id); fresh.GetBool("supportAccess") {
		t.Fatal("support access was turned on under someone else's lock")
	}
	if err := w.App.Delete(lock); err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02 15:04:05.000Z")
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "grant", Method: http.MethodPut, URL: url,
		Body: strings.NewReader(`{"enabled":true,"until":"` + until + `"}`), ExpectedStatus: 200, ExpectedContent: []string{`"enabled":true`}}).Test(t)
	seesHome(true)
	w.As(t, testkit.Support, tests.ApiScenario{Name: "support reads Home", Method: http.MethodGet,
		URL: "/api/collections/establishments/records/" + w.Home.Id, ExpectedStatus: 200, ExpectedContent: []string{w.Home.Id}}).Test(t)
	w.As(t, testkit.Support, tests.ApiScenario{Name: "but not its members (My company is the admin's)", Method: http.MethodGet,
		URL: "/api/collections/memberships/records", ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}}).Test(t)
	w.As(t, testkit.Support, tests.ApiScenario{Name: "but writes nothing", Method: http.MethodPatch,
		URL: "/api/collections/establishments/records/" + w.Home.Id, Body: strings.NewReader(`{"name":"x"}`),
		ExpectedStatus: 404, ExpectedContent: testkit.Body404}).Test(t)
	// S6, S14 (issue 18, item 14): its requirements are read, and audited.
	testkit.Record(t, w.App, schema.Requirements, map[string]any{"customer": w.Home.Id, "type": testkit.TypeID(t, w.App, "kbis")})
	w.As(t, testkit.Support, tests.ApiScenario{Name: "support reads Home's requirements", Method: http.MethodGet,
		URL: "/api/collections/requirements/records", ExpectedStatus: 200, ExpectedContent: []string{w.Home.Id}}).Test(t)
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": "support.read", "establishment": w.Home.Id, "collection": schema.Requirements}); n != 1 {
		t.Fatalf("support's requirements read audited %d times", n)
	}
	// S14 (issue 18, item 13): nor asks for a new admin.
	w.As(t, testkit.Support, tests.ApiScenario{Name: "nor asks for a new user", Method: http.MethodPost,
		URL:            "/api/collections/access_requests/records",
		Body:           strings.NewReader(`{"establishment":"` + w.Home.Id + `","email":"mole@x.test","profile":"admin","requestedBy":"` + w.Users[testkit.Support].Id + `"}`),
		ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}}).Test(t)
	if n, _ := w.App.CountRecords(schema.AccessRequests, dbx.HashExp{"email": "mole@x.test"}); n != 0 {
		t.Fatalf("support's access request was written")
	}
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": "support.read", "establishment": w.Home.Id}); n < 2 {
		t.Fatalf("support reads audited = %d", n)
	}
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "overview lists support while granted", Method: http.MethodGet,
		URL: "/api/vigie/establishments/" + w.Home.Id + "/access-overview", ExpectedStatus: 200,
		ExpectedContent: []string{`"kind":"support"`, "support@vigie.test"}}).Test(t)
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "revoke", Method: http.MethodPut, URL: url,
		Body: strings.NewReader(`{"enabled":false}`), ExpectedStatus: 200, ExpectedContent: []string{`"enabled":false`}}).Test(t)
	seesHome(false)
	for action, want := range map[string]int64{"support.enabled": 1, "support.disabled": 1} {
		if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": action, "establishment": w.Home.Id}); n != want {
			t.Errorf("%s rows = %d", action, n)
		}
	}
}

// S3: requiring 2FA needs it on the admin's own account first.
func TestRequireTOTPNeedsOwnS3(t *testing.T) {
	w := testkit.NewWorld(t)
	url := "/api/collections/establishments/records/" + w.Home.Id
	w.As(t, testkit.Admin, tests.ApiScenario{Name: "without TOTP", Method: http.MethodPatch, URL: url,
		Body: strings.NewReader(`{"requireTotp":true}`), ExpectedStatus: 400, ExpectedContent: []string{`"requireTotp":{"code":"validation_totp_first"`}}).Test(t)
	_, token, _ := enrol(t, w, w.Users[testkit.Admin])
	(&tests.ApiScenario{Name: "with TOTP", Method: http.MethodPatch, URL: url, Body: strings.NewReader(`{"requireTotp":true}`),
		Headers: map[string]string{"Authorization": token}, ExpectedStatus: 200, ExpectedContent: []string{`"requireTotp":true`},
		TestAppFactory: w.Factory, DisableTestAppCleanup: true}).Test(t)
}

// S2: the one-time-password path stops at the challenge too, if the operator
// ever turns it on in the dashboard.
func TestOTPPathChallengedS2(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Processing]
	enrol(t, w, user)
	users, _ := w.App.FindCollectionByNameOrId(schema.Users)
	users.OTP.Enabled = true
	if err := w.App.Save(users); err != nil {
		t.Fatal(err)
	}
	otp := core.NewOTP(w.App)
	otp.SetCollectionRef(users.Id)
	otp.SetRecordRef(user.Id)
	otp.SetPassword("12345678")
	if err := w.App.Save(otp); err != nil {
		t.Fatal(err)
	}
	password := "12345678"
	out := call(t, w, http.MethodPost, "/api/collections/users/auth-with-otp", "", `{"otpId":"`+otp.Id+`","password":"`+password+`"}`, 401)
	if out["token"] != nil || out["totpChallenge"] == nil {
		t.Fatalf("OTP sign-in answered %v", out)
	}
}

// S7: the code route is rate-limited.
func TestTOTPRateLimitS7(t *testing.T) {
	w := testkit.NewWorld(t)
	testkit.RateLimited(w.App)
	for i := 1; i <= 6; i++ {
		status := 401
		if i == 6 {
			status = 429
		}
		call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"x","code":"000000"}`, status)
	}
}

// S1: a challenge expires: past its time the right code opens nothing.
func TestChallengeExpiresS1(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.ProcessingArchive]
	secret, _, _ := enrol(t, w, user)
	c := signIn(t, w, user.Email(), 401)["totpChallenge"].(string)
	rec, err := w.App.FindFirstRecordByData(schema.TOTPChallenges, "user", user.Id)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("expiresAt", time.Now().Add(-time.Second))
	if err := w.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	good, _ := totp.Code(secret, time.Now().Add(totp.Period*time.Second))
	call(t, w, http.MethodPost, "/api/vigie/auth/totp", "", `{"challenge":"`+c+`","code":"`+good+`"}`, 401)
	if n, _ := w.App.CountRecords(schema.TOTPChallenges, dbx.HashExp{"user": user.Id}); n != 0 {
		t.Fatal("an expired challenge was kept")
	}
}

// ASVS 2.1.1, 2.1.2, 2.1.3, 2.1.6: a password of at least 12 characters, 64
// and more with spaces, Unicode allowed, changed with the current one. The
// upper bound is bcrypt's 72 bytes: 64 kanji (192 bytes) do not fit.
func TestPasswordPolicyASVS21(t *testing.T) {
	w := testkit.NewWorld(t)
	id := w.Users[testkit.Processing].Id
	change := func(old, pw string, status int, want string) {
		t.Helper()
		fresh, err := w.App.FindRecordById("users", id) // a changed password renews the token key
		if err != nil {
			t.Fatal(err)
		}
		w.Users[testkit.Processing] = fresh
		body := `{"oldPassword":"` + old + `","password":"` + pw + `","passwordConfirm":"` + pw + `"}`
		w.As(t, testkit.Processing, tests.ApiScenario{
			Name: "password " + pw, Method: http.MethodPatch, URL: "/api/collections/users/records/" + id,
			Body: strings.NewReader(body), Headers: map[string]string{"Content-Type": "application/json"},
			ExpectedStatus: status, ExpectedContent: []string{want},
		}).Test(t)
	}
	change(testkit.Password, "eleven-char", 400, `"password":{`)
	change("wrong-old-password", "a long enough one", 400, `"oldPassword":{`)
	long := strings.Repeat("correct horse ", 5) // 70 characters with spaces
	change(testkit.Password, long, 200, `"id":"`+id+`"`)
	change(long, "mot de passe de Noël 漢字 🙂", 200, `"id":"`+id+`"`)
	change("mot de passe de Noël 漢字 🙂", strings.Repeat("漢", 64), 400, `"password":{`) // 192 bytes
}
