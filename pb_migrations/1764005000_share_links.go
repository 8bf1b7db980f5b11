package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Share links (L1–L5): one document for one recipient. The token exists only
// in the link sent; the row keeps its SHA-256 (tokenHash, hidden, unique) to
// find it. Links are created, opened, accepted and revoked through the custom
// routes only; their sender and the admins of the establishment it was sent
// from read them.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users", "establishments", "documents")
		if err != nil {
			return err
		}
		users, establishments, documents := cols[0], cols[1], cols[2]
		c := core.NewBaseCollection("share_links")
		c.Fields.Add(
			&core.RelationField{Name: "document", CollectionId: documents.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.EmailField{Name: "email", Required: true},
			&core.DateField{Name: "expiresAt", Required: true},
			&core.NumberField{Name: "maxOpens", OnlyInt: true, Min: new(0.0)},
			&core.NumberField{Name: "opens", OnlyInt: true, Min: new(0.0)},
			&core.BoolField{Name: "revoked"},
			&core.BoolField{Name: "requireEmail"},
			&core.NumberField{Name: "failures", OnlyInt: true, Min: new(0.0)},
			&core.DateField{Name: "lockedAt"},
			&core.DateField{Name: "firstOpenedAt"},
			&core.DateField{Name: "acceptedAt"},
			&core.TextField{Name: "acceptedName", Max: 200},
			&core.TextField{Name: "acceptedIp", Max: 64},
			&core.RelationField{Name: "createdBy", CollectionId: users.Id, MaxSelect: 1},
			// The establishment the link was sent from: its admins may
			// revoke it, its setting decides the email check.
			&core.RelationField{Name: "establishment", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "tokenHash", Required: true, Hidden: true, Max: 64},
		)
		autodates(c)
		c.AddIndex("idx_share_links_token_hash", true, "tokenHash", "")
		c.AddIndex("idx_share_links_document", false, "document", "")
		c.AddIndex("idx_share_links_created_by", false, "createdBy", "")
		seen := `createdBy = @request.auth.id || ` + callerHolds("g", "manage", "establishment")
		c.ListRule = rule(seen)
		c.ViewRule = rule(seen)
		if err := app.Save(c); err != nil {
			return err
		}
		// The share endpoints answer strangers: bound how fast anyone may
		// guess addresses or tokens (S7); /api/vigie/share/ is bounded since
		// 1764002000_security.go.
		s := app.Settings()
		s.RateLimits.Rules = append(s.RateLimits.Rules,
			core.RateLimitRule{Label: "/api/vigie/share-files/", MaxRequests: 60, Duration: 60},
			core.RateLimitRule{Label: "/s/", MaxRequests: 60, Duration: 60},
		)
		return app.Save(s)
	}, nil)
}
