package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Establishments (T1, T4): one SIRET each; created by the operator (and by
// customers adding suppliers, through a route), edited by their admins.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("establishments")
		c.Fields.Add(
			&core.TextField{Name: "siret", Required: true, Min: 14, Max: 14, Pattern: `^\d{14}$`},
			&core.TextField{Name: "siren", Max: 9},
			&core.TextField{Name: "name", Required: true, Max: 200},
			&core.TextField{Name: "address", Max: 300},
			&core.TextField{Name: "postalCode", Max: 10},
			&core.TextField{Name: "city", Max: 100},
			&core.TextField{Name: "naf", Max: 10},
			&core.SelectField{Name: "modules", Values: []string{"archive", "reports", "financial"}, MaxSelect: 3},
			&core.BoolField{Name: "requireTotp"},
			&core.BoolField{Name: "shareEmailCheck"},
			&core.BoolField{Name: "supportAccess"},
			&core.DateField{Name: "supportUntil"},
		)
		autodates(c)
		c.AddIndex("idx_establishments_siret", true, "siret", "")
		c.AddIndex("idx_establishments_siren", false, "siren", "")

		// Rules read grants: see 1764000250_tenancy_rules.go.
		return app.Save(c)
	}, nil)
}
