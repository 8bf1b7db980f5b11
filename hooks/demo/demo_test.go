package demo_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"vigie/hooks/demo"
	"vigie/hooks/network"
	"vigie/internal/handler"
	"vigie/internal/schema"
	"vigie/internal/testkit"
	"vigie/internal/totp"
)

// P3: the demo data set loads, signs in with the printed password, and a
// second run changes nothing.
func TestDemoLoadsOnceP3(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	first, err := demo.Load(app, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	counts := func() [6]int64 {
		e, _ := app.CountRecords(schema.Establishments)
		u, _ := app.CountRecords(schema.Users)
		m, _ := app.CountRecords(schema.Memberships)
		r, _ := app.CountRecords(schema.Relationships)
		q, _ := app.CountRecords(schema.Requirements)
		d, _ := app.CountRecords(schema.Documents)
		return [6]int64{e, u, m, r, q, d}
	}
	before := counts()
	if before[3] != 2 {
		t.Fatalf("relationships = %d, want 2", before[3])
	}
	if _, err := demo.Load(app, &cfg); err != nil {
		t.Fatal(err)
	}
	if after := counts(); after != before {
		t.Fatalf("second run changed counts %v → %v", before, after)
	}
	seen := map[string]bool{}
	for _, a := range first {
		u, err := app.FindAuthRecordByEmail(schema.Users, a.Email)
		if err != nil || !u.ValidatePassword(demo.Password) {
			t.Fatalf("%s cannot sign in with the demo password", a.Email)
		}
		seen[a.Profile] = true
	}
	if len(seen) != 7 {
		t.Fatalf("demo covers %d profiles, want all 7: %v", len(seen), seen)
	}
	// D5: documents in every status, and a missing one on the dashboard.
	statuses := map[string]bool{}
	docs, _ := app.FindAllRecords(schema.Documents)
	for _, d := range docs {
		statuses[d.GetString("status")] = true
	}
	for _, s := range []string{schema.StatusValid, schema.StatusExpiring, schema.StatusExpired, schema.StatusSuperseded} {
		if !statuses[s] {
			t.Errorf("no demo document is %s: %v", s, statuses)
		}
	}
	// N2: the directory has enough establishments to pick a supplier from,
	// found by trade and name, and a second run kept their number.
	var listed int
	if err := app.DB().NewQuery("SELECT count(*) FROM directory").Row(&listed); err != nil || listed < demo.DirectorySize {
		t.Fatalf("directory rows = %d (%v), want at least %d", listed, err, demo.DirectorySize)
	}
	found, err := network.SearchDirectory(app, "plomberie garnier", 20)
	if err != nil || len(found) == 0 {
		t.Fatalf("search plomberie garnier = %v, %v", found, err)
	}
	// S1: the 2FA account signs in only with a code of the printed secret.
	user, err := app.FindAuthRecordByEmail(schema.Users, demo.TOTPEmail)
	if err != nil || !user.GetBool("totpEnabled") {
		t.Fatalf("the 2FA demo account: %v, %v", user, err)
	}
	if n, _ := app.CountRecords(schema.TOTPSecrets, dbx.HashExp{"user": user.Id, "confirmed": true}); n != 1 {
		t.Fatalf("the 2FA demo account has %d confirmed secrets", n)
	}
	n, _ := app.CountRecords(schema.Grants, dbx.HashExp{"capability": "manage"})
	if n != 4 {
		t.Fatalf("manage grants = %d, want one per demo establishment", n)
	}
}

// S1, P3: the demo's 2FA account signs in as a person would, with the
// printed password, then a code of the printed secret; the password alone
// gets no token.
func TestDemoTOTPAccountSignsInS1(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	if _, err := demo.Load(app, &cfg); err != nil {
		t.Fatal(err)
	}
	h, err := handler.New(app)
	if err != nil {
		t.Fatal(err)
	}
	post := func(path string, body any) (int, map[string]any) {
		t.Helper()
		raw, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out map[string]any
		json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	status, first := post("/api/collections/users/auth-with-password", map[string]string{"identity": demo.TOTPEmail, "password": demo.Password})
	challenge, _ := first["totpChallenge"].(string)
	if status != http.StatusUnauthorized || challenge == "" || first["token"] != nil {
		t.Fatalf("password alone: %d %v", status, first)
	}
	code, err := totp.Code(demo.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if status, out := post("/api/vigie/auth/totp", map[string]string{"challenge": challenge, "code": code}); status != http.StatusOK || out["token"] == "" {
		t.Fatalf("with the code: %d %v", status, out)
	}
}
