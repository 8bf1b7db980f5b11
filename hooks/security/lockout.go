package security

import (
	"crypto/rand"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"vigie/hooks/audit"
	"vigie/internal/schema"
)

// Password sign-in takes a soft lockout (OWASP ASVS 2.2.1, S14) that a
// stranger cannot turn against the account's holder:
//   - one address takes at most maxFailuresPerAddress wrong passwords an
//     hour for one account, then waits, whatever it sends;
//   - an account takes at most maxFailuresPerAccount an hour from all the
//     addresses where it never signed in; then those addresses wait, while
//     the holder's own addresses (a right password from there before) go on.
//
// Unknown identities are counted and answered exactly as accounts are, and
// a wrong password for them costs the same password hash: neither the
// status nor the time tells whether an address has an account.
// Failures are kept in memory: a restart forgets them.
const (
	maxFailuresPerAddress = 10
	maxFailuresPerAccount = 50
	failedSignInWindow    = time.Hour
	knownAddressAge       = 90 * 24 * time.Hour // how far back a sign-in makes an address the holder's
	maxTrackedKeys        = 100_000             // past it the counters start again: memory stays bounded
)

type lockout struct {
	mu        sync.Mutex
	byAccount map[string][]time.Time // key: account id, or "?" and the identity as typed (lowercase)
	byAddress map[[2]string][]time.Time
	known     map[[2]string]bool // (account, address): did it sign in from there?
}

func newLockout() *lockout {
	return &lockout{byAccount: map[string][]time.Time{}, byAddress: map[[2]string][]time.Time{}, known: map[[2]string]bool{}}
}

// recent keeps list's times within the window.
func recent(list []time.Time, now time.Time) []time.Time {
	kept := list[:0:0]
	for _, t := range list {
		if now.Sub(t) < failedSignInWindow {
			kept = append(kept, t)
		}
	}
	return kept
}

func without(list []time.Time, at time.Time) []time.Time {
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Equal(at) {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

func (s *Service) bindAccountThrottle(app core.App) {
	l := newLockout()
	dummy := sync.OnceValue(func() []byte { return dummyHash(app) }) // hashed once, when first needed
	app.OnRecordAuthWithPasswordRequest(schema.Users).BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		account := "?" + strings.ToLower(strings.TrimSpace(e.Identity))
		if e.Record != nil {
			account = e.Record.Id
		}
		address, now := e.RealIP(), s.Now()
		pair := [2]string{account, address}

		l.mu.Lock()
		if len(l.byAccount) > maxTrackedKeys || len(l.byAddress) > maxTrackedKeys {
			l.byAccount, l.byAddress = map[string][]time.Time{}, map[[2]string][]time.Time{}
		}
		fromHere := recent(l.byAddress[pair], now)
		overall := recent(l.byAccount[account], now)
		known, checked := l.known[pair]
		l.mu.Unlock()
		if len(overall) >= maxFailuresPerAccount && !checked {
			known = e.Record != nil && s.signedInFrom(e.App, e.Record.Id, address)
			l.mu.Lock()
			if len(l.known) > maxTrackedKeys {
				l.known = map[[2]string]bool{}
			}
			l.known[pair] = known
			l.mu.Unlock()
		}
		if len(fromHere) >= maxFailuresPerAddress || (len(overall) >= maxFailuresPerAccount && !known) {
			return e.TooManyRequestsError("Too many wrong passwords for this account: try again later.", nil)
		}
		// Counted before the check, so that parallel guesses count too;
		// taken back when the password is right.
		l.mu.Lock()
		l.byAddress[pair] = append(recent(l.byAddress[pair], now), now)
		l.byAccount[account] = append(recent(l.byAccount[account], now), now)
		l.mu.Unlock()

		if e.Record == nil {
			// What checking a real password costs, so that time does not
			// tell unknown addresses from accounts.
			_ = bcrypt.CompareHashAndPassword(dummy(), []byte(e.Password))
		}
		err := e.Next()
		if err == nil && e.Record != nil {
			l.mu.Lock()
			l.byAddress[pair] = without(l.byAddress[pair], now)
			l.byAccount[account] = without(l.byAccount[account], now)
			l.known[pair] = true
			l.mu.Unlock()
		}
		return err
	})
}

// signedInFrom says whether user fully signed in from address lately, by
// the audit log (which outlives a restart), along its (actor, action, ip)
// index.
func (s *Service) signedInFrom(app core.App, user, address string) bool {
	var n int
	err := app.DB().Select("COUNT(*)").From(schema.AuditLog).
		Where(dbx.HashExp{"actor": user, "action": audit.SignedIn, "ip": address}).
		AndWhere(dbx.NewExp("created > {:since}", dbx.Params{"since": s.Now().Add(-knownAddressAge).UTC().Format("2006-01-02 15:04:05.000Z")})).
		Limit(1).Row(&n)
	return err == nil && n > 0
}

// dummyHash is a bcrypt hash of a random password at the cost PocketBase
// hashes users' passwords with.
func dummyHash(app core.App) []byte {
	cost := bcrypt.DefaultCost
	if c, err := app.FindCachedCollectionByNameOrId(schema.Users); err == nil {
		if f, ok := c.Fields.GetByName("password").(*core.PasswordField); ok && f.Cost > 0 {
			cost = f.Cost
		}
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
	return hash
}
