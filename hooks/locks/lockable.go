package locks

import (
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// Lockable says who may edit the records of one collection, and which
// establishments' admins may force their locks (K1, K5).
type Lockable struct {
	// CanEdit reports whether the user may edit the record.
	CanEdit func(app core.App, userID string, record *core.Record) bool
	// Establishments are those whose admins may force-unlock the record.
	Establishments func(record *core.Record) []string
}

// lockables lists the lockable collections (K1).
var lockables = map[string]Lockable{
	schema.Establishments: {
		CanEdit: func(app core.App, userID string, r *core.Record) bool {
			return tenancy.Holds(app, userID, r.Id, profiles.Manage)
		},
		Establishments: func(r *core.Record) []string { return []string{r.Id} },
	},
	schema.Relationships: {
		// The customer's managers edit status and owner, the supplier's
		// admins the reference contacts (N8).
		CanEdit: func(app core.App, userID string, r *core.Record) bool {
			return tenancy.Holds(app, userID, r.GetString("customer"), profiles.ManageSuppliers) ||
				tenancy.Holds(app, userID, r.GetString("supplier"), profiles.Manage)
		},
		Establishments: func(r *core.Record) []string { return []string{r.GetString("customer"), r.GetString("supplier")} },
	},
	// Document details (dates) are edited by the supplier's members who
	// handle documents.
	schema.Documents: {
		CanEdit: func(app core.App, userID string, r *core.Record) bool {
			return tenancy.Holds(app, userID, r.GetString("supplier"), profiles.HandleDocuments)
		},
		Establishments: func(r *core.Record) []string { return []string{r.GetString("supplier")} },
	},
}
