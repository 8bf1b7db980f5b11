package security_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"vigie/internal/authcache"
	"vigie/internal/browsertest"
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
	settle()
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

// Issue 9: a cached token opens nothing beyond itself: the same claims under
// another signature, the user's other kinds of token, and the token itself
// once expired are refused as without the cache.
func TestAuthCacheRefusesWhatTheTokenDoesNotProve(t *testing.T) {
	w := testkit.NewWorld(t)
	user := w.Users[testkit.Processing]
	signedInAgo(t, w, user, 0)
	refresh := func(token string, status int) {
		call(t, w, http.MethodPost, "/api/collections/users/auth-refresh", token, "", status)
	}
	token := testkit.Token(t, user)
	refresh(token, 200) // cached from here on
	parts := strings.Split(token, ".")
	sig := []byte(parts[2])
	sig[len(sig)/2] ^= 1
	refresh(parts[0]+"."+parts[1]+"."+string(sig), 401)
	fileToken, err := user.NewFileToken()
	if err != nil {
		t.Fatal(err)
	}
	refresh(fileToken, 401)
	refresh(token, 200)

	// A static token cannot be refreshed: a route that only needs a
	// signed-in caller tells whether it still authenticates.
	states := func(token string, status int) {
		call(t, w, http.MethodGet, "/api/vigie/locks?collection=relationships&ids=none", token, "", status)
	}
	// exp is in whole seconds: the token lives between 2 and 3 s, room for
	// the first request on a loaded machine.
	short, err := user.NewStaticAuthToken(3 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	settle()
	states(short, 200)
	time.Sleep(3100 * time.Millisecond)
	states(short, 401)
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
			settle()
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

// settle waits for the bumps that follow earlier commits (signedInAgo's
// among them), so that the next request caches for good and a later 401
// can only come from what the test does next.
func settle() { time.Sleep(authcache.SettleDelay + 50*time.Millisecond) }

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

// Issue 9: the cache under concurrent requests and writes (run with -race
// in CI): tokens keep working while other users' rows change, and a token
// revoked in the middle of the traffic is refused by the very next request.
func TestAuthCacheUnderConcurrentWrites(t *testing.T) {
	w := testkit.NewWorld(t)
	app := w.App
	base := browsertest.Serve(t, app)
	client := &http.Client{Timeout: 30 * time.Second}
	// A route that only needs a signed-in caller: PocketBase's auth-refresh
	// writes a variable shared by its requests on first use (its own data
	// race, which -race would report here).
	signedIn := func(token string) int {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/vigie/locks?collection=relationships&ids=none", nil)
		req.Header.Set("Authorization", token)
		res, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	var readers []*core.Record
	for i := 0; i < 4; i++ {
		u := testkit.User(t, app, fmt.Sprintf("reader%d@cache.test", i))
		readers = append(readers, u)
	}
	writer := w.Users[testkit.Admin]
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // other rows change all along, raw and through PocketBase
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			exec(t, app, "UPDATE users SET lastLoginAt = {:at} WHERE id = {:id}",
				dbx.Params{"at": time.Now().UTC().Format("2006-01-02 15:04:05.000Z"), "id": writer.Id})
			fresh, err := app.FindRecordById(schema.Users, writer.Id)
			if err == nil {
				fresh.Set("jobTitle", fmt.Sprint("title ", i))
				err = app.Save(fresh)
			}
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for _, u := range readers {
		token := testkit.Token(t, u)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				if status := signedIn(token); status != 200 {
					t.Errorf("a valid token got %d", status)
					return
				}
			}
		}()
	}
	revoked := testkit.User(t, app, "revoked@cache.test")
	token := testkit.Token(t, revoked)
	if status := signedIn(token); status != 200 {
		t.Fatalf("before the revocation: %d", status)
	}
	revoked.RefreshTokenKey()
	if err := app.UnsafeWithoutHooks().Save(revoked); err != nil {
		t.Fatal(err)
	}
	if status := signedIn(token); status != 401 {
		t.Fatalf("the request right after the revocation got %d, want 401", status)
	}
	close(stop)
	wg.Wait()
}
