package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Document types (D1) and requirements (D2). The built-in French catalogue
// has no owner and is seen by everyone signed in; a customer's own types are
// seen by its members and its suppliers' members, and managed by those who
// add suppliers. A requirement says a customer collects a type from all its
// suppliers (no supplier) or from one.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "establishments")
		if err != nil {
			return err
		}
		establishments := cols[0]
		types := core.NewBaseCollection("document_types")
		types.Fields.Add(
			&core.TextField{Name: "code", Required: true, Max: 40, Pattern: `^[a-z0-9_]+$`},
			&core.TextField{Name: "name", Required: true, Max: 200},
			&core.TextField{Name: "nameEn", Max: 200},
			&core.NumberField{Name: "validityDays", OnlyInt: true, Min: new(0.0), Max: new(3660.0)},
			&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"legal", "specific", "financial"}},
			&core.RelationField{Name: "owner", CollectionId: establishments.Id, MaxSelect: 1, CascadeDelete: true},
		)
		autodates(types)
		types.AddIndex("idx_document_types_owner_code", true, "owner, code", "")
		// A customer's own types are seen by its members and by its
		// suppliers' (through a relationship where it is the customer), not
		// by its own customers.
		memberOrSupplier := `(@collection.grants:g.user ?= @request.auth.id && @collection.grants:g.establishment ?= owner && ` +
			`(@collection.grants:g.capability ?= "member" || (@collection.grants:g.capability ?= "partner" && ` +
			`@collection.grants:g.relationship.customer ?= owner)))`
		types.ListRule = rule(`@request.auth.id != "" && (owner = "" || ` + memberOrSupplier + `)`)
		types.ViewRule = types.ListRule
		types.CreateRule = rule(`owner != "" && ` + callerHolds("g", "manage_suppliers", "owner"))
		// A type's kind decides who sees its documents: it never changes.
		types.UpdateRule = rule(callerHolds("g", "manage_suppliers", "owner") +
			` && @request.body.owner:isset = false && @request.body.kind:isset = false`)
		types.DeleteRule = rule(callerHolds("g", "manage_suppliers", "owner"))
		if err := app.Save(types); err != nil {
			return err
		}
		for _, t := range []struct {
			code, name, nameEn, kind string
			days                     int
		}{
			{"kbis", "Extrait Kbis", "Kbis extract", "legal", 90},
			{"urssaf", "Attestation de vigilance URSSAF", "URSSAF attestation de vigilance", "legal", 180},
			{"tax", "Attestation de régularité fiscale", "Tax compliance certificate", "legal", 365},
			{"insurance", "Attestation d'assurance responsabilité civile professionnelle", "Professional liability insurance", "legal", 365},
			{"foreign_workers", "Liste nominative des travailleurs étrangers", "List of foreign workers", "legal", 180},
			{"bank_details", "Relevé d'identité bancaire (RIB)", "Bank details", "financial", 0},
		} {
			r := core.NewRecord(types)
			r.Load(map[string]any{"code": t.code, "name": t.name, "nameEn": t.nameEn, "kind": t.kind, "validityDays": t.days})
			if err := app.Save(r); err != nil {
				return err
			}
		}

		req := core.NewBaseCollection("requirements")
		req.Fields.Add(
			&core.RelationField{Name: "customer", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "type", CollectionId: types.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "supplier", CollectionId: establishments.Id, MaxSelect: 1, CascadeDelete: true},
		)
		autodates(req)
		req.AddIndex("idx_requirements_customer_type_supplier", true, "customer, type, supplier", "")
		req.AddIndex("idx_requirements_supplier", false, "supplier", "")
		// The customer's members, and the members of a supplier it follows
		// for requirements addressed to all its suppliers or to theirs; not
		// the customer's own customers.
		seen := callerHolds("g", "member", "customer") + ` || (@collection.grants:p.user ?= @request.auth.id && ` +
			`@collection.grants:p.capability ?= "partner" && @collection.grants:p.establishment ?= customer && ` +
			`@collection.grants:p.relationship.customer ?= customer && ` +
			`(supplier = "" || @collection.grants:p.relationship.supplier ?= supplier))`
		req.ListRule = rule(seen)
		req.ViewRule = rule(seen)
		// A customer collects built-in types and its own, never another's.
		ownType := ` && (type.owner = "" || type.owner = customer)`
		req.CreateRule = rule(callerHolds("g", "manage_suppliers", "customer") + ownType)
		req.UpdateRule = rule(callerHolds("g", "manage_suppliers", "customer") + ` && @request.body.customer:isset = false` + ownType)
		req.DeleteRule = rule(callerHolds("g", "manage_suppliers", "customer"))
		return app.Save(req)
	}, nil)
}
