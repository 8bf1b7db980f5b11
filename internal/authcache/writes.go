package authcache

import (
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// generation changes whenever a row that can decide a token's validity may
// have changed: an update or delete in a watched table (an auth collection's
// records, whose tokenKey, password and flags sign and gate tokens) or in
// _collections (each collection's token secrets). A cached record is used
// only while generation is what it was before the record was read.
//
// The writes are seen by SQLite itself, on every connection of the process
// (a connection hook registered before any database opens, in init): the
// record hooks would miss the writes made without them (raw SQL,
// app.UnsafeWithoutHooks(), PocketBase's own internals). Another process's
// writes (the CLI) are not seen: entries live maxAge at most.
var generation atomic.Uint64

// watched holds the table names whose writes bump generation.
var watched sync.Map // string -> struct{}

// SettleDelay re-bumps generation after a commit: the commit hook runs just
// before the commit becomes visible to other connections, so a reader
// starting in between could read the old row under the new generation.
const SettleDelay = 100 * time.Millisecond

func init() {
	Watch("_collections")
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, _ string) error {
		hooks, ok := conn.(sqlite.HookRegisterer)
		if !ok {
			return nil
		}
		// touched is this connection's own: SQLite calls its hooks on the
		// goroutine using it, and database/sql lends a connection to one
		// goroutine at a time.
		var touched bool
		hooks.RegisterPreUpdateHook(func(d sqlite.SQLitePreUpdateData) {
			if d.Op == sqlite3.SQLITE_INSERT {
				return // a new row has no token out yet
			}
			if _, ok := watched.Load(d.TableName); ok {
				touched = true
				generation.Add(1)
			}
		})
		hooks.RegisterCommitHook(func() int32 {
			if touched {
				touched = false
				generation.Add(1)
				time.AfterFunc(SettleDelay, func() { generation.Add(1) })
			}
			return 0
		})
		hooks.RegisterRollbackHook(func() {
			if touched {
				touched = false
				generation.Add(1)
			}
		})
		return nil
	})
}

// Watch makes writes to table invalidate every cached record. The cache
// watches each record's table before reading it; Register-time calls only
// close the window of a write already in flight at the first cached read.
func Watch(table string) {
	watched.Store(table, struct{}{})
}
