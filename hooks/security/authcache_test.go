package security_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// Issue 9: an authenticated request reuses the record its token resolved to
// (internal/authcache) instead of loading the user again.
func TestAuthCacheAnswersRepeatedTokens(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Processing]
	signedInAgo(t, w, user, 0)
	token := testkit.Token(t, user)
	loads := countUserLoads(t, w.App)
	probe := func() int64 {
		before := loads.Load()
		call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", token, "", 200)
		return loads.Load() - before
	}
	if first := probe(); first == 0 {
		t.Fatal("the first request did not load its user: the counter sees nothing")
	}
	if again := probe(); again != 0 {
		t.Fatalf("the same token loaded its user %d more times", again)
	}
}

// Issue 9: whatever path a write takes (PocketBase's hooks or not, raw SQL,
// a transaction), the next request with a token it revoked gets 401, and a
// write to anything else leaves the token working.
func TestAuthCacheSeesEveryWrite(t *testing.T) {
	w := testkit.NewWorld(t)
	app := w.App
	other := w.Users[testkit.Admin]
	for _, c := range []struct {
		name   string
		write  func(t *testing.T, user *core.Record)
		status int
	}{
		{"another user's row changes", func(t *testing.T, _ *core.Record) {
			exec(t, app, "UPDATE users SET lastLoginAt = '2026-01-01 00:00:00.000Z' WHERE id = {:id}", dbx.Params{"id": other.Id})
		}, 200},
		{"new token key, raw SQL", func(t *testing.T, user *core.Record) {
			exec(t, app, "UPDATE users SET tokenKey = {:key} WHERE id = {:id}",
				dbx.Params{"key": security.RandomString(50), "id": user.Id})
		}, 401},
		{"new token key, saved without hooks", func(t *testing.T, user *core.Record) {
			user.RefreshTokenKey()
			if err := app.UnsafeWithoutHooks().Save(user); err != nil {
				t.Fatal(err)
			}
		}, 401},
		{"new password, saved in a transaction", func(t *testing.T, user *core.Record) {
			err := app.RunInTransaction(func(tx core.App) error {
				user.SetPassword("a brand new pass phrase")
				return tx.Save(user)
			})
			if err != nil {
				t.Fatal(err)
			}
		}, 401},
		{"user deleted", func(t *testing.T, user *core.Record) {
			if err := app.Delete(user); err != nil {
				t.Fatal(err)
			}
		}, 401},
		{"user deleted, raw SQL", func(t *testing.T, user *core.Record) {
			exec(t, app, "DELETE FROM users WHERE id = {:id}", dbx.Params{"id": user.Id})
		}, 401},
		{"every token revoked: new collection secret", func(t *testing.T, _ *core.Record) {
			users, err := app.FindCollectionByNameOrId(schema.Users)
			if err != nil {
				t.Fatal(err)
			}
			users.AuthToken.Secret = security.RandomString(50)
			if err := app.Save(users); err != nil {
				t.Fatal(err)
			}
		}, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			user := testkit.User(t, app, emailFor(c.name))
			signedInAgo(t, w, user, 0)
			token := testkit.Token(t, user)
			call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", token, "", 200)
			call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", token, "", 200) // from the cache
			c.write(t, user)
			call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", token, "", c.status)
		})
	}
}

// emailFor makes an address out of a case name.
func emailFor(name string) string {
	local := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return '-'
	}, strings.ToLower(name))
	return local + "@cache.test"
}

func exec(t *testing.T, app core.App, query string, params dbx.Params) {
	t.Helper()
	if _, err := app.DB().NewQuery(query).Bind(params).Execute(); err != nil {
		t.Fatal(err)
	}
}

// countUserLoads counts the queries reading a whole users row by id, the
// one a token's resolution makes.
func countUserLoads(t *testing.T, app core.App) *atomic.Int64 {
	t.Helper()
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok {
		t.Fatalf("unexpected database type %T", app.ConcurrentDB())
	}
	var n atomic.Int64
	previous := db.QueryLogFunc
	db.QueryLogFunc = func(ctx context.Context, d time.Duration, query string, rows *sql.Rows, err error) {
		if strings.Contains(query, "SELECT `users`.* FROM `users` WHERE `users`.`id`") {
			n.Add(1)
		}
	}
	t.Cleanup(func() { db.QueryLogFunc = previous })
	return &n
}
