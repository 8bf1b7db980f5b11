package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Relationships between a customer and a supplier (N2, N4, N6, N8, T7), and
// the partner grants that open each side to the other while it is active.
//
// A partner grant is one grants row per member allowed to see that
// relationship (capability "partner", on the other side's establishment),
// kept by the tenancy hooks. Rules then ask one indexed question, "does the
// caller hold a grant for this relationship / establishment", instead of
// joining relationships and memberships in every list (docs/performance.md).
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users", "establishments", "grants")
		if err != nil {
			return err
		}
		users, establishments, grants := cols[0], cols[1], cols[2]

		rel := core.NewBaseCollection("relationships")
		rel.Fields.Add(
			&core.RelationField{Name: "customer", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "supplier", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"active", "ended"}},
			&core.RelationField{Name: "owner", CollectionId: users.Id, MaxSelect: 1},
			&core.RelationField{Name: "referents", CollectionId: users.Id, MaxSelect: 50},
		)
		autodates(rel)
		rel.AddIndex("idx_relationships_customer_supplier", true, "customer, supplier", "")
		rel.AddIndex("idx_relationships_supplier", false, "supplier", "")
		if err := app.Save(rel); err != nil {
			return err
		}

		grants.Fields.Add(&core.RelationField{Name: "relationship", CollectionId: rel.Id, MaxSelect: 1, CascadeDelete: true})
		grants.AddIndex("idx_grants_relationship", false, "relationship", "")
		grants.AddIndex("idx_grants_user_relationship", false, "user, relationship", "")
		if err := app.Save(grants); err != nil {
			return err
		}

		seen := "@collection.grants:g.user ?= @request.auth.id && @collection.grants:g.relationship ?= id"
		rel.ListRule = rule(seen)
		rel.ViewRule = rule(seen)
		rel.CreateRule = nil // POST /api/vigie/establishments/{id}/suppliers and the import
		rel.UpdateRule = rule(seen + " && (" + callerHolds("c", "manage_suppliers", "customer") +
			" || " + callerHolds("s", "manage", "supplier") + ")")
		rel.DeleteRule = nil // a relationship ends (status), it is not erased
		if err := app.Save(rel); err != nil {
			return err
		}

		// N4: an establishment is seen by its members and, while a
		// relationship is active, by the members allowed to see it.
		seenEst := `@collection.grants:g.user ?= @request.auth.id && @collection.grants:g.establishment ?= id && ` +
			`(@collection.grants:g.capability ?= "member" || @collection.grants:g.capability ?= "partner")`
		establishments.ListRule = rule(seenEst)
		establishments.ViewRule = rule(seenEst)
		if err := app.Save(establishments); err != nil {
			return err
		}

		// N6: a supplier's user is seen by a customer's member only as a
		// reference contact of a relationship that member sees.
		// The caller's partner grant targets the supplier only on the
		// customer's side.
		seenUser := *users.ViewRule + " || (@collection.grants:pg.user ?= @request.auth.id && " +
			"@collection.grants:pg.relationship.referents:each ?= id && " +
			"@collection.grants:pg.establishment ?= @collection.grants:pg.relationship.supplier)"
		users.ListRule = rule(seenUser)
		users.ViewRule = rule(seenUser)
		return app.Save(users)
	}, nil)
}
