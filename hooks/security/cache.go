package security

import (
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// versioned caches one value per key (a user id) for the per-request
// middlewares, so they do not query the database on every authenticated call
// (issue 9), and never answers from rows that have changed since.
//
// Why it is exact: every value is derived from the rows of a few
// collections, and each write to them through PocketBase's record hooks (the
// Vigie code writes these collections with app.Save/Delete, and PocketBase's
// cascades do too) bumps gen twice: when the write starts, inside its
// transaction and before the row changes, and once it has been committed or
// rolled back (PocketBase runs the After*Success/Error hooks after the
// outermost transaction ends). A value is used only if it was computed under
// the current gen, and a reader loads gen before it queries: a query that
// may have seen the old rows is stamped with a gen that the write's second
// bump has already made obsolete. Rows written without the hooks (raw SQL,
// app.UnsafeWithoutHooks(), another process) are not seen: use it only for
// collections whose writers all go through the hooks, and say at each use
// why a missed write could not open anything.
type versioned[V any] struct {
	gen atomic.Uint64

	mu      sync.RWMutex
	entries map[string]versionedEntry[V]
}

type versionedEntry[V any] struct {
	gen   uint64
	value V
}

// maxVersionedEntries bounds the memory: past it the map starts over (one
// query per user again), which costs a little time and never correctness.
const maxVersionedEntries = 50_000

// get returns key's value if it is current and valid accepts it, else the
// value load reads from the database (and keeps it).
func (c *versioned[V]) get(key string, valid func(V) bool, load func() (V, error)) (V, error) {
	gen := c.gen.Load()
	c.mu.RLock()
	entry, ok := c.entries[key]
	c.mu.RUnlock()
	if ok && entry.gen == gen && (valid == nil || valid(entry.value)) {
		return entry.value, nil
	}
	value, err := load()
	if err != nil {
		return value, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxVersionedEntries {
		c.entries = map[string]versionedEntry[V]{}
	}
	c.entries[key] = versionedEntry[V]{gen: gen, value: value}
	c.mu.Unlock()
	return value, nil
}

func (c *versioned[V]) invalidate() { c.gen.Add(1) }

// invalidateOn makes every create, update and delete of a record of the
// collections invalidate the cache, before the write and after its
// transaction ends.
func (c *versioned[V]) invalidateOn(app core.App, collections ...string) {
	bump := func(e *core.RecordEvent) error {
		c.invalidate()
		return e.Next()
	}
	failed := func(e *core.RecordErrorEvent) error {
		c.invalidate()
		return e.Next()
	}
	app.OnRecordCreate(collections...).BindFunc(bump)
	app.OnRecordUpdate(collections...).BindFunc(bump)
	app.OnRecordDelete(collections...).BindFunc(bump)
	app.OnRecordAfterCreateSuccess(collections...).BindFunc(bump)
	app.OnRecordAfterUpdateSuccess(collections...).BindFunc(bump)
	app.OnRecordAfterDeleteSuccess(collections...).BindFunc(bump)
	app.OnRecordAfterCreateError(collections...).BindFunc(failed)
	app.OnRecordAfterUpdateError(collections...).BindFunc(failed)
	app.OnRecordAfterDeleteError(collections...).BindFunc(failed)
}
