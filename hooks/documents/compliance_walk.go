package documents

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/audience"
	"vigie/internal/schema"
)

// walkPays says whether a page of suppliers by name is cheaper read by
// walking every establishment in name order, probing each for the
// customer's relationship, than by sorting the visible suppliers: the walk
// reads about (offset+limit) × establishments ÷ visible rows, the sort all
// visible ones. For a customer with 20,000 of the 22,000 establishments,
// the first page walks about 55 rows instead of sorting 20,000; for one
// with 30 suppliers, the sort wins by far.
func walkPays(app core.App, visible, limit, offset int) bool {
	if limit <= 0 || visible < 1000 {
		return false
	}
	var establishments int
	// The largest rowid: the table's size give or take deletions, read
	// from the end of its b-tree rather than counted.
	if err := app.DB().NewQuery("SELECT COALESCE(MAX(_rowid_), 0) FROM " + schema.Establishments).Row(&establishments); err != nil {
		return false
	}
	return (offset+limit)*establishments/visible < visible/2
}

// suppliersByWalk is visibleSuppliers' page read along the establishments'
// name index (see walkPays): the same rows in the same order.
func suppliersByWalk(app core.App, customer, userID string, limit, offset int) ([]Party, error) {
	probe := "EXISTS (SELECT 1 FROM " + schema.Relationships + " r WHERE r.customer = {:c} AND r.supplier = e.id AND r.status = {:active}"
	if userID != "" {
		// An IN, not a nested EXISTS: SQLite turns a nested EXISTS with
		// several matching grants into a join whose duplicates OFFSET
		// counts (TestSuppliersByWalkMatchesTheSort found a page past the
		// end repeating the last supplier).
		probe += " AND r.id IN (SELECT g.`key` FROM " + schema.DocumentAccess + " g WHERE g.`user` = {:u} AND g.kind = '" + audience.KindRelationship + "')"
	}
	probe += ")"
	var out []Party
	err := app.DB().NewQuery("SELECT e.id, e.siret, e.name FROM " + schema.Establishments + " e INDEXED BY idx_establishments_name" +
		" WHERE " + probe + " ORDER BY e.name, e.id LIMIT {:limit} OFFSET {:offset}").
		Bind(dbx.Params{"c": customer, "active": schema.RelationshipActive, "u": userID, "limit": limit, "offset": offset}).
		All(&out)
	return out, err
}
