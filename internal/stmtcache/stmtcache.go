// Package stmtcache opens PocketBase's SQLite databases with prepared
// statements kept between queries. PocketBase sends every query as text, and
// the pure-Go SQLite compiles each one again: for the documents list that
// compilation costs more than running it (README, "Decisions"). Each
// connection keeps its most recent SELECT statements by text, from their
// second run; dbx turns named parameters into "?", so the text repeats
// whatever the values.
//
// A query whose context ends is interrupted wherever it is: modernc calls
// sqlite3_interrupt only while a query computes its first row, so a
// statement that takes long between two rows (a scan that rarely matches)
// ran on after its client had gone; the rows here interrupt it too.
//
// Upstream: DefaultDBConnect in core/db_connect.go of PocketBase v0.36.8
// (internal/upstream fails until it is compared again after an upgrade).
package stmtcache

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"hash/fnv"
	"io"
	"reflect"
	"strings"
	"sync"

	"github.com/pocketbase/dbx"
	"modernc.org/libc"
	_ "modernc.org/sqlite" // registers the "sqlite" driver wrapped here
	sqlite3 "modernc.org/sqlite/lib"
)

// PerConnection bounds the statements one connection keeps (the documents
// list's takes about 32 KB).
const PerConnection = 32

// seenBound bounds the texts a connection remembers having run once.
const seenBound = 256

// pragmas are core.DefaultDBConnect's, in its order (busy_timeout first, so
// the connection waits for a lock before switching to WAL).
const pragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
	"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)" +
	"&_pragma=analysis_limit(1000)" // planner.AnalysisLimit: bounded ANALYZE, PocketBase's own PRAGMA optimize included

// Connect is a core.DBConnectFunc: core.DefaultDBConnect's database, with
// statement reuse.
func Connect(dbPath string) (*dbx.DB, error) {
	base, err := sql.Open("sqlite", "")
	if err != nil {
		return nil, err
	}
	drv := base.Driver() // the registered driver, whose connection hooks apply
	base.Close()
	db := sql.OpenDB(&connector{dsn: dbPath + pragmas, driver: drv})
	return dbx.NewFromDB(db, "sqlite"), nil
}

type connector struct {
	dsn    string
	driver driver.Driver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) {
	inner, err := c.driver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newConn(inner)
}

func (c *connector) Driver() driver.Driver { return c.driver }

// sqliteConn is what database/sql uses of modernc's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func newConn(inner driver.Conn) (driver.Conn, error) {
	c, ok := inner.(sqliteConn)
	if !ok {
		inner.Close()
		return nil, errors.New("stmtcache: the sqlite driver's connection lacks a context method")
	}
	interrupt, err := interrupter(inner)
	if err != nil {
		inner.Close()
		return nil, err
	}
	return &conn{sqliteConn: c, interrupt: interrupt, byText: map[string]*list.Element{}, recent: list.New(),
		seen: map[uint64]bool{}}, nil
}

// interrupter returns a function calling sqlite3_interrupt on modernc's
// connection as modernc itself does (under the connection's lock, which
// its Close takes too), reading the handle modernc does not export.
// TestCancellationInterrupts fails if a new modernc changes its shape.
func interrupter(inner driver.Conn) (func(), error) {
	v := reflect.ValueOf(inner)
	lock, ok := inner.(sync.Locker)
	if !ok || v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, errors.New("stmtcache: unexpected sqlite connection type " + v.Type().String())
	}
	db, tls := v.Elem().FieldByName("db"), v.Elem().FieldByName("tls")
	if !db.IsValid() || db.Kind() != reflect.Uintptr || !tls.IsValid() || tls.Type() != reflect.TypeFor[*libc.TLS]() {
		return nil, errors.New("stmtcache: the sqlite connection has no database handle to interrupt")
	}
	return func() {
		lock.Lock()
		defer lock.Unlock()
		if p := tls.UnsafePointer(); p != nil { // nil once closed
			sqlite3.Xsqlite3_interrupt((*libc.TLS)(p), uintptr(db.Uint()))
		}
	}, nil
}

// conn is one SQLite connection and its statements; database/sql never uses
// a connection from two goroutines at once, so it needs no lock.
type conn struct {
	sqliteConn
	interrupt func()                   // sqlite3_interrupt on this connection
	byText    map[string]*list.Element // of *cached
	recent    *list.List               // most recently used first
	// seen holds hashes of texts run once and not kept: a statement is
	// kept from its second run, so that texts that never repeat (PocketBase
	// names some joins at random) do not push out those that do.
	seen map[uint64]bool
}

type cached struct {
	text string
	stmt driver.StmtQueryContext
	// busy while its rows are open: a second query with the same text on
	// the same connection (rows read inside a loop over other rows, in a
	// transaction) gets a statement of its own.
	busy bool
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !cacheable(query) {
		return c.query(ctx, query, args)
	}
	if el, ok := c.byText[query]; ok {
		entry := el.Value.(*cached)
		if entry.busy {
			return c.query(ctx, query, args)
		}
		c.recent.MoveToFront(el)
		return c.queryKept(ctx, entry, args)
	}
	if !c.secondRun(query) {
		return c.query(ctx, query, args)
	}
	stmt, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	q, ok := stmt.(driver.StmtQueryContext)
	if !ok {
		stmt.Close()
		return c.query(ctx, query, args)
	}
	entry := &cached{text: query, stmt: q}
	c.byText[query] = c.recent.PushFront(entry)
	c.evict()
	return c.queryKept(ctx, entry, args)
}

// query runs a statement that is not kept.
func (c *conn) query(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	r, err := c.sqliteConn.QueryContext(ctx, query, args)
	if err != nil || ctx.Done() == nil {
		return r, err
	}
	return c.wrap(ctx, r, nil), nil
}

// queryKept runs a kept statement, busy until its rows are closed.
func (c *conn) queryKept(ctx context.Context, entry *cached, args []driver.NamedValue) (driver.Rows, error) {
	r, err := entry.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	entry.busy = true
	return c.wrap(ctx, r, entry), nil
}

// wrap returns rows that free entry (if any) when closed and that
// interrupt their statement when ctx ends before they are closed.
func (c *conn) wrap(ctx context.Context, r driver.Rows, entry *cached) *rows {
	w := &rows{Rows: r, entry: entry, ctx: ctx}
	if ctx.Done() != nil {
		w.stop = context.AfterFunc(ctx, func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if !w.closed {
				c.interrupt()
			}
		})
	}
	return w
}

// secondRun tells whether query ran before on c, remembering it otherwise.
func (c *conn) secondRun(query string) bool {
	h := fnv.New64a()
	h.Write([]byte(query))
	sum := h.Sum64()
	if c.seen[sum] {
		delete(c.seen, sum)
		return true
	}
	if len(c.seen) >= seenBound {
		clear(c.seen)
	}
	c.seen[sum] = true
	return false
}

// evict closes the least recently used statements beyond the bound, busy
// ones excepted (they are closed when a later eviction finds them idle).
func (c *conn) evict() {
	for el := c.recent.Back(); el != nil && c.recent.Len() > PerConnection; {
		prev := el.Prev()
		if entry := el.Value.(*cached); !entry.busy {
			c.recent.Remove(el)
			delete(c.byText, entry.text)
			entry.stmt.(driver.Stmt).Close()
		}
		el = prev
	}
}

// Close finalizes the kept statements but a busy one: database/sql closes
// no connection with open rows, and were it to, finalizing the statement
// under them would turn their Close into a use after free.
func (c *conn) Close() error {
	for el := c.recent.Front(); el != nil; el = el.Next() {
		if entry := el.Value.(*cached); !entry.busy {
			entry.stmt.(driver.Stmt).Close()
		}
	}
	c.recent.Init()
	clear(c.byText)
	return c.sqliteConn.Close()
}

// cacheable keeps reads only. A text holding several statements is safe
// too: modernc's statement then compiles them in turn on each run.
func cacheable(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// rows frees its kept statement (entry, when not nil) for the next query
// when closed, and is interrupted when its context ends before.
type rows struct {
	driver.Rows
	entry *cached
	ctx   context.Context
	stop  func() bool // unregisters the interruption; nil if ctx never ends

	mu     sync.Mutex // closed is read by the interruption, from another goroutine
	closed bool
}

// Next answers the context's error for a statement it interrupted.
func (r *rows) Next(dest []driver.Value) error {
	err := r.Rows.Next(dest)
	if err != nil && err != io.EOF && r.ctx.Err() != nil {
		return r.ctx.Err()
	}
	return err
}

func (r *rows) Close() error {
	if r.stop != nil {
		r.stop()
	}
	// After an interruption that is under way, never during it: the
	// connection may serve another statement once these rows are closed.
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	err := r.Rows.Close()
	if r.entry != nil {
		r.entry.busy = false
	}
	return err
}

// The column-type methods are modernc's, forwarded so that database/sql
// answers ColumnTypes as it does without the cache.

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, is := r.Rows.(driver.RowsColumnTypeNullable); is {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, is := r.Rows.(driver.RowsColumnTypePrecisionScale); is {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
