// Package testkit builds real PocketBase test apps with Vigie's migrations and
// hooks, and the people and establishments that access tests try every rule
// with. Nothing here is mocked: SQLite, hooks and the test mailer are real.
package testkit

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks"
	"vigie/internal/config"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/siret"
	"vigie/internal/stmtcache"
	_ "vigie/pb_migrations"
)

// Password is every test user's password.
const Password = "correct-horse-battery-42"

// Config returns the settings tests run with.
func Config() config.Config {
	c := config.Default()
	c.PublicURL = "http://vigie.test"
	return c
}

// NewApp returns a fresh app on an empty data dir, with every migration
// applied and Vigie's hooks bound; it is cleaned up with the test.
func NewApp(t testing.TB) *tests.TestApp {
	t.Helper()
	cfg := Config()
	return NewAppWith(t, &cfg)
}

// NewAppWith is NewApp with chosen settings.
func NewAppWith(t testing.TB, cfg *config.Config) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{
		DataDir: t.TempDir(), EncryptionEnv: "pb_test_env", DBConnect: stmtcache.Connect,
	})
	if err != nil {
		t.Fatal(err)
	}
	hooks.Register(app, cfg)
	t.Cleanup(app.Cleanup)
	// Tables send hundreds of requests from one address: rate limits are
	// off unless a test turns them on to test them (RateLimited).
	app.Settings().RateLimits.Enabled = false
	return app
}

// RateLimited turns the rate limiter back on, as it is in production.
func RateLimited(app core.App) { app.Settings().RateLimits.Enabled = true }

var serial atomic.Int64

// SIRET returns a new valid SIRET of a new company.
func SIRET() string {
	n := serial.Add(1)
	siren := siret.Complete(fmt.Sprintf("%08d", 10000000+n))
	return siret.Complete(siren + "0001")
}

// SisterSIRET returns another valid SIRET of the same company (SIREN) as s.
func SisterSIRET(s string, nic int) string {
	return siret.Complete(fmt.Sprintf("%s%04d", siret.SIREN(s), nic))
}

// Establishment saves an establishment with that SIRET and modules.
func Establishment(t testing.TB, app core.App, name, number string, modules ...profiles.Module) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(schema.Establishments)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("siret", number)
	r.Set("name", name)
	r.Set("modules", modules)
	r.Set("shareEmailCheck", true)
	if err := app.Save(r); err != nil {
		t.Fatalf("testkit: establishment %s: %v", name, err)
	}
	return r
}

// User saves a verified user with Password.
func User(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(schema.Users)
	if err != nil {
		t.Fatal(err)
	}
	u := core.NewRecord(col)
	u.SetEmail(email)
	u.SetPassword(Password)
	u.SetVerified(true)
	u.Set("firstName", "First "+email)
	u.Set("lastName", "Last "+email)
	if err := app.Save(u); err != nil {
		t.Fatalf("testkit: user %s: %v", email, err)
	}
	return u
}

// Member saves a membership; the hooks apply T5 and write its grants.
func Member(t testing.TB, app core.App, user, est *core.Record, profile profiles.Profile, opts ...func(*core.Record)) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(schema.Memberships)
	if err != nil {
		t.Fatal(err)
	}
	m := core.NewRecord(col)
	m.Set("user", user.Id)
	m.Set("establishment", est.Id)
	m.Set("profile", string(profile))
	for _, o := range opts {
		o(m)
	}
	if err := app.Save(m); err != nil {
		t.Fatalf("testkit: membership %s in %s: %v", user.Email(), est.GetString("name"), err)
	}
	return m
}

// Financial sets a membership's financial option.
func Financial(m *core.Record) { m.Set("financial", true) }

// CollectorFor makes a collector membership work for customer.
func CollectorFor(customer *core.Record) func(*core.Record) {
	return func(m *core.Record) { m.Set("collectorFor", customer.Id) }
}

// Token returns an auth token for a user or superuser record.
func Token(t testing.TB, r *core.Record) string {
	t.Helper()
	token, err := r.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// Superuser saves an operator account.
func Superuser(t testing.TB, app core.App) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	s := core.NewRecord(col)
	s.SetEmail(fmt.Sprintf("operator%d@vigie.test", serial.Add(1)))
	s.SetPassword(Password)
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Save saves r, failing the test on error.
func Save(t testing.TB, app core.App, r *core.Record) {
	t.Helper()
	if err := app.Save(r); err != nil {
		t.Fatalf("testkit: save %s: %v", r.Collection().Name, err)
	}
}

// Record saves a new record of collection with data (the hooks run as for
// any save) and returns it.
func Record(t testing.TB, app core.App, collection string, data map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(data)
	Save(t, app, r)
	return r
}

// TypeID is the id of the built-in document type with that code (D1).
func TypeID(t testing.TB, app core.App, code string) string {
	t.Helper()
	r, err := app.FindFirstRecordByFilter(schema.DocumentTypes, "code = {:c} && owner = ''", dbx.Params{"c": code})
	if err != nil {
		t.Fatalf("testkit: document type %s: %v", code, err)
	}
	return r.Id
}
