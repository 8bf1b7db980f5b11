package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Memberships (T2, T3, T5, T7) and the grants derived from them.
//
// grants has one row per membership and capability of the profile matrix,
// bounded by the establishment's modules; the tenancy hooks rewrite a
// membership's rows in the transaction that changes it. Support staff get
// read grants (source "support", with an expiry) while an admin allows it
// (S5); a member without TOTP in an establishment that requires it has none
// (S3). It has no API rules: only other collections' rules read it.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users", "establishments")
		if err != nil {
			return err
		}
		users, establishments := cols[0], cols[1]

		ms := core.NewBaseCollection("memberships")
		ms.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "establishment", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.SelectField{Name: "profile", Required: true, MaxSelect: 1, Values: profileValues},
			&core.SelectField{Name: "visibility", MaxSelect: 1, Values: []string{"all", "assigned"}},
			&core.BoolField{Name: "financial"},
			&core.RelationField{Name: "collectorFor", CollectionId: establishments.Id, MaxSelect: 1},
		)
		autodates(ms)
		ms.AddIndex("idx_memberships_user_establishment", true, "user, establishment", "")
		ms.AddIndex("idx_memberships_establishment_profile", false, "establishment, profile", "")

		// Rules read grants: see 1764000250_tenancy_rules.go.
		if err := app.Save(ms); err != nil {
			return err
		}

		grants := core.NewBaseCollection("grants")
		grants.Fields.Add(
			&core.RelationField{Name: "membership", CollectionId: ms.Id, MaxSelect: 1, CascadeDelete: true},
			&core.SelectField{Name: "source", Required: true, MaxSelect: 1, Values: []string{"membership", "support"}},
			&core.DateField{Name: "expiresAt"},
			&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "establishment", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "capability", Required: true, Max: 40},
			&core.TextField{Name: "reach", Max: 20},
			&core.RelationField{Name: "customer", CollectionId: establishments.Id, MaxSelect: 1},
		)
		grants.AddIndex("idx_grants_membership", false, "membership", "")
		grants.AddIndex("idx_grants_user_capability_establishment", false, "user, capability, establishment", "")
		grants.AddIndex("idx_grants_establishment", false, "establishment", "")
		return app.Save(grants)
	}, nil)
}
