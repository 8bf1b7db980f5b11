package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Record locks (K1-K6): one row per locked record, unique on (collection,
// recordId) so that of two simultaneous takers exactly one inserts. Written
// only through /api/vigie/locks; holders list their own locks.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("locks")
		c.Fields.Add(
			&core.TextField{Name: "collection", Required: true, Max: 60},
			&core.TextField{Name: "recordId", Required: true, Max: 40},
			&core.RelationField{Name: "holder", CollectionId: cols[0].Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.DateField{Name: "expiresAt", Required: true},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_locks_record", true, "collection, recordId", "")
		c.AddIndex("idx_locks_holder", false, "holder", "")
		c.AddIndex("idx_locks_expires", false, "expiresAt", "")
		own := "holder = @request.auth.id"
		c.ListRule = rule(own)
		c.ViewRule = rule(own)
		return app.Save(c)
	}, nil)
}
