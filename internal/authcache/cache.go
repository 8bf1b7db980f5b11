// Package authcache keeps the auth records that recent tokens resolved to,
// so an authenticated request does not load its user row again (issue 9:
// the row's query was a quarter of what authentication costs a request).
// A token is answered from the cache only while no auth row nor collection
// has changed since it was read (see generation), and within maxAge.
//
// Upstream: loadAuthToken in apis/middlewares.go and FindAuthRecordByToken
// in core/record_query.go of PocketBase v0.36.8 (internal/upstream fails
// until they are compared again after an upgrade).
package authcache

import (
	"crypto/sha256"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"
)

// maxAge bounds how long a write from another process goes unseen.
const maxAge = 10 * time.Second

// maxEntries bounds the memory; past it the cache starts over.
const maxEntries = 20_000

// MiddlewareId names the middleware, for tests and Unbind.
const MiddlewareId = "vigieAuthCache"

type entry struct {
	record     *core.Record // never handed out: requests get clones
	generation uint64
	until      time.Time // the token's expiry or maxAge, the sooner
}

// Cache maps a token's hash to the record it authenticated.
type Cache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]entry
}

// Middleware resolves the request's token like PocketBase's loadAuthToken,
// which it runs just before: that one skips a request whose e.Auth is set,
// and does the work itself (logging why) for the tokens refused here.
func (c *Cache) Middleware() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       MiddlewareId,
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
		Func: func(e *core.RequestEvent) error {
			if e.Auth == nil {
				if token := requestToken(e); token != "" {
					e.Auth = c.resolve(e.App, token)
				}
			}
			return e.Next()
		},
	}
}

// resolve returns a copy of the record token authenticates, or nil.
func (c *Cache) resolve(app core.App, token string) *core.Record {
	key := sha256.Sum256([]byte(token))
	now := time.Now()
	c.mu.RLock()
	cached, ok := c.entries[key]
	c.mu.RUnlock()
	if ok && cached.generation == generation.Load() && now.Before(cached.until) {
		return cached.record.Clone()
	}
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return nil
	}
	collectionId, _ := claims[core.TokenClaimCollectionId].(string)
	collection, err := app.FindCachedCollectionByNameOrId(collectionId)
	if err != nil || !collection.IsAuth() {
		return nil
	}
	// Watched before the generation is read, and read before the row.
	Watch(collection.Name)
	gen := generation.Load()
	record, err := app.FindAuthRecordByToken(token, core.TokenTypeAuth)
	if err != nil {
		return nil
	}
	until := now.Add(maxAge)
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil && exp.Before(until) {
		until = exp.Time
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxEntries {
		c.entries = map[[sha256.Size]byte]entry{}
	}
	c.entries[key] = entry{record: record.Clone(), generation: gen, until: until}
	c.mu.Unlock()
	return record
}

// requestToken reads the token as PocketBase does: the Authorization
// header, with an optional "Bearer " prefix.
func requestToken(e *core.RequestEvent) string {
	token := e.Request.Header.Get("Authorization")
	if len(token) > 7 && strings.EqualFold(token[:7], "Bearer ") {
		return token[7:]
	}
	return token
}
