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

// maxSummaries bounds the cache; past it, it starts afresh.
const maxSummaries = 1024

type summaryKey struct{ customer, user, only string }

type summaryEntry struct {
	changes   int64
	day       Day
	summary   map[string]int
	suppliers int
}

type summaryCache struct {
	mu      sync.Mutex
	entries map[summaryKey]summaryEntry
}

// summary counts every cell of customer's compliance that userID sees.
func (s *Service) summary(ctx context.Context, app core.App, customer, userID, only string) (map[string]int, int, error) {
	changes, err := changeCount(app)
	if err != nil {
		return nil, 0, err
	}
	key, today := summaryKey{customer, userID, only}, s.today()
	s.summaries.mu.Lock()
	entry, ok := s.summaries.entries[key]
	s.summaries.mu.Unlock()
	if ok && entry.changes == changes && entry.day == today {
		return copySummary(entry.summary), entry.suppliers, nil
	}
	// Read before computing: a write during the computation moves the
	// counter past what is stored, so the next request computes again.
	entry = summaryEntry{changes: changes, day: today}
	if entry.summary, entry.suppliers, err = s.countCells(ctx, app, customer, userID, only, today); err != nil {
		return nil, 0, err
	}
	s.summaries.mu.Lock()
	if s.summaries.entries == nil || len(s.summaries.entries) >= maxSummaries {
		s.summaries.entries = map[summaryKey]summaryEntry{}
	}
	s.summaries.entries[key] = entry
	s.summaries.mu.Unlock()
	return copySummary(entry.summary), entry.suppliers, nil
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
func (s *Service) countCells(ctx context.Context, app core.App, customer, userID, only string, today Day) (map[string]int, int, error) {
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
		cur AS (SELECT c.supplier, (SELECT d.rowid FROM ` + schema.Documents + ` d
			WHERE d.supplier = c.supplier AND d.type = c.type AND d.status != 'superseded' AND d.addressee IN ('', {:c})
			ORDER BY d.created DESC, d.rowid DESC LIMIT 1) AS doc FROM cells c)
		SELECT cur.supplier AS supplier, d.rowid IS NOT NULL AS found, COALESCE(d.validUntil, '') AS validUntil
		FROM cur LEFT JOIN ` + schema.Documents + ` d ON d.rowid = cur.doc`).WithContext(ctx).Bind(params).All(&cells)
	if err != nil {
		return nil, 0, err
	}
	var suppliers int
	if err := app.DB().NewQuery(`SELECT count(DISTINCT r.supplier) FROM ` + schema.Relationships + ` r` + scope +
		` WHERE r.customer = {:c} AND r.status = 'active'` + where).WithContext(ctx).Bind(params).Row(&suppliers); err != nil {
		return nil, 0, err
	}
	out := emptySummary()
	for _, c := range cells {
		if !c.Found {
			out[schema.StatusMissing]++
			continue
		}
		out[StatusOn(c.ValidUntil, today, s.Cfg.ExpiringDays)]++
	}
	return out, suppliers, nil
}
