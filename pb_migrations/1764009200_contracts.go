package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Contracts (V1): the vigilance duty is owed per contract, from 5,000 €
// excluding tax, at signature and every 6 months until it ends. A contract
// belongs to one relationship; its customer and supplier are copied from
// it by the contracts hooks, so that the rules read plain columns. Both
// sides read the contracts of the relationships they see (the access rows
// of kind "relationship"); only the customer's members with "add suppliers"
// write them, and the supplier never reads their amounts (hooks/contracts).
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "relationships", "establishments")
		if err != nil {
			return err
		}
		relationships, establishments := cols[0], cols[1]
		c := core.NewBaseCollection("contracts")
		c.Fields.Add(
			&core.RelationField{Name: "relationship", CollectionId: relationships.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "customer", CollectionId: establishments.Id, MaxSelect: 1},
			&core.RelationField{Name: "supplier", CollectionId: establishments.Id, MaxSelect: 1},
			&core.TextField{Name: "reference", Required: true, Max: 100},
			&core.TextField{Name: "subject", Max: 500},
			&core.NumberField{Name: "amountExclTax", Min: new(0.0), Max: new(1e12)},
			&core.DateField{Name: "startsOn", Required: true},
			&core.DateField{Name: "endsOn"},
			&core.BoolField{Name: "publicProcurement"},
			&core.SelectField{Name: "coContractor", Required: true, MaxSelect: 1, Values: []string{"french", "foreign"}},
		)
		autodates(c)
		c.AddIndex("idx_contracts_relationship_key", false, "COALESCE(`relationship`, '')", "")
		c.AddIndex("idx_contracts_customer_supplier", false, "customer, supplier", "")
		seen := accessRows("a", row("a", "relationship", "relationship"))
		manages := accessRows("g", row("g", "relationship.customer", "manage_suppliers"))
		c.ListRule = rule(seen)
		c.ViewRule = rule(seen)
		c.CreateRule = rule(manages)
		c.UpdateRule = rule(seen + " && " + manages + " && @request.body.relationship:isset = false")
		c.DeleteRule = rule(seen + " && " + manages)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("contracts")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}
