package documents

import (
	"context"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/internal/audience"
	"vigie/internal/schema"
)

// The summary of a paged compliance answer counts every (supplier, type)
// cell, not the page's: 80,000 cells for a customer with 20,000 suppliers,
// 0.7 s of SQL. It is computed once per reader and day, and again only when
// a write to the rows it reads has moved the change counter (migration
// 1764008300, SQLite triggers: no write path escapes them).

// maxSummaries and maxCachedCells bound the cache; past either, it starts
// afresh. An entry keeps its cells for the filters (compliance_filter.go):
// about 40 bytes each, 80,000 for a customer with 20,000 suppliers.
const (
	maxSummaries   = 1024
	maxCachedCells = 1_000_000
)

type summaryKey struct{ customer, user, only string }

type summaryEntry struct {
	changes   int64
	day       Day
	summary   map[string]int
	suppliers int
	// cells are each supplier's (type, status) cells on day, in no order.
	cells map[string][]summaryCell
}

// summaryCell is one cell of a cached entry; its strings are shared with
// the other cells of the entry.
type summaryCell struct{ typ, status string }

type summaryCache struct {
	mu      sync.Mutex
	entries map[summaryKey]*summaryEntry
	cells   int
	// parties are the visible suppliers by name, read the first time a
	// filter needs them, for as long as their entry stays current.
	parties map[summaryKey]partiesEntry
}

type partiesEntry struct {
	changes int64
	list    []Party
	folded  []string
}

// summary counts every cell of customer's compliance that userID sees.
func (s *Service) summary(ctx context.Context, app core.App, customer, userID, only string) (map[string]int, int, error) {
	entry, err := s.summaryEntry(ctx, app, customer, userID, only)
	if err != nil {
		return nil, 0, err
	}
	return copySummary(entry.summary), entry.suppliers, nil
}

// summaryEntry is the current entry of customer's cells that userID sees,
// computed again when a write or the day has made the stored one stale.
// Entries are never changed once stored: readers share them.
func (s *Service) summaryEntry(ctx context.Context, app core.App, customer, userID, only string) (*summaryEntry, error) {
	changes, err := changeCount(app)
	if err != nil {
		return nil, err
	}
	key, today := summaryKey{customer, userID, only}, s.today()
	s.summaries.mu.Lock()
	entry, ok := s.summaries.entries[key]
	s.summaries.mu.Unlock()
	if ok && entry.changes == changes && entry.day == today {
		return entry, nil
	}
	// Read before computing: a write during the computation moves the
	// counter past what is stored, so the next request computes again.
	entry = &summaryEntry{changes: changes, day: today}
	if err = s.countCells(ctx, app, customer, userID, only, entry); err != nil {
		return nil, err
	}
	s.summaries.mu.Lock()
	defer s.summaries.mu.Unlock()
	c := &s.summaries
	if c.entries == nil || len(c.entries) >= maxSummaries || c.cells >= maxCachedCells {
		c.entries, c.cells, c.parties = map[summaryKey]*summaryEntry{}, 0, map[summaryKey]partiesEntry{}
	}
	if old, ok := c.entries[key]; ok {
		c.cells -= old.cellCount()
	}
	c.entries[key] = entry
	c.cells += entry.cellCount()
	return entry, nil
}

func (e *summaryEntry) cellCount() int {
	n := 0
	for _, cells := range e.cells {
		n += len(cells)
	}
	return n
}

func copySummary(in map[string]int) map[string]int {
	out := make(map[string]int, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// changeCount is the counter the triggers move.
func changeCount(app core.App) (int64, error) {
	var n int64
	err := app.DB().NewQuery("SELECT n FROM vigie_changes WHERE id = 1").Row(&n)
	return n, err
}

// countCells is items' statuses for every supplier userID sees, in one
// statement: the same suppliers (visibleSuppliers), the same collected
// types (tenancy.CollectedTypes) and the same current document
// (currentBySupplier: the latest by created, then by rowid).
func (s *Service) countCells(ctx context.Context, app core.App, customer, userID, only string, entry *summaryEntry) error {
	scope, where := "", ""
	params := dbx.Params{"c": customer, "u": userID, "only": only}
	if userID != "" {
		scope = " JOIN " + schema.DocumentAccess + " g ON " + audience.SeesRelationshipSQL("g", "r.id")
	}
	if only != "" {
		where = " AND r.supplier = {:only}"
	}
	var cells []struct {
		Supplier   string         `db:"supplier"`
		Type       string         `db:"type"`
		Found      bool           `db:"found"`
		ValidUntil types.DateTime `db:"validUntil"`
	}
	// CROSS JOIN keeps the suppliers outside: modernc's SQLite otherwise
	// reads the customer's requirements first and scans the 20,000
	// suppliers once for each (over 4 minutes where this takes 1 s).
	err := app.DB().NewQuery(`WITH sup AS (SELECT DISTINCT r.supplier AS id FROM ` + schema.Relationships + ` r` + scope +
		` WHERE r.customer = {:c} AND r.status = 'active'` + where + `),
		cells AS (SELECT DISTINCT s.id AS supplier, q.type AS type FROM sup s
			CROSS JOIN ` + schema.Requirements + ` q ON q.customer = {:c} AND q.supplier IN (s.id, '')
			JOIN ` + schema.DocumentTypes + ` t ON t.id = q.type),
		cur AS (SELECT c.supplier, c.type, (SELECT d.rowid FROM ` + schema.Documents + ` d
			WHERE d.supplier = c.supplier AND d.type = c.type AND d.status != 'superseded' AND d.addressee IN ('', {:c})
			ORDER BY d.created DESC, d.rowid DESC LIMIT 1) AS doc FROM cells c)
		SELECT cur.supplier AS supplier, cur.type AS type, d.rowid IS NOT NULL AS found, COALESCE(d.validUntil, '') AS validUntil
		FROM cur LEFT JOIN ` + schema.Documents + ` d ON d.rowid = cur.doc`).WithContext(ctx).Bind(params).All(&cells)
	if err != nil {
		return err
	}
	if err := app.DB().NewQuery(`SELECT count(DISTINCT r.supplier) FROM ` + schema.Relationships + ` r` + scope +
		` WHERE r.customer = {:c} AND r.status = 'active'` + where).WithContext(ctx).Bind(params).Row(&entry.suppliers); err != nil {
		return err
	}
	entry.summary, entry.cells = emptySummary(), make(map[string][]summaryCell)
	types := map[string]string{} // one copy of each type id for all cells
	for _, c := range cells {
		status := schema.StatusMissing
		if c.Found {
			status = StatusOn(c.ValidUntil, entry.day, s.Cfg.ExpiringDays)
		}
		entry.summary[status]++
		typ, ok := types[c.Type]
		if !ok {
			typ, types[c.Type] = c.Type, c.Type
		}
		entry.cells[c.Supplier] = append(entry.cells[c.Supplier], summaryCell{typ: typ, status: status})
	}
	return nil
}
