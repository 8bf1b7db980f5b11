package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Second factor (S1, S2): each user's TOTP secret, sealed with the
// appliance's key, with the last step used and the recovery code hashes; and
// the short-lived challenges between a password and a code. Neither has API
// rules: only Vigie's routes read them. Rate limits for the TOTP and share
// routes (S7).
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users")
		if err != nil {
			return err
		}
		users := cols[0]
		secrets := core.NewBaseCollection("totp_secrets")
		secrets.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "sealedSecret", Required: true, Max: 500, Hidden: true},
			&core.BoolField{Name: "confirmed"},
			&core.NumberField{Name: "lastStep", OnlyInt: true},
			&core.JSONField{Name: "recoveryHashes", MaxSize: 10000, Hidden: true},
			&core.NumberField{Name: "failures", OnlyInt: true},
			&core.DateField{Name: "lockedUntil"},
		)
		autodates(secrets)
		secrets.AddIndex("idx_totp_secrets_user", true, "user", "")
		if err := app.Save(secrets); err != nil {
			return err
		}

		challenges := core.NewBaseCollection("totp_challenges")
		challenges.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "tokenHash", Required: true, Max: 64, Hidden: true},
			&core.DateField{Name: "expiresAt", Required: true},
			&core.NumberField{Name: "failures", OnlyInt: true},
			&core.TextField{Name: "ip", Max: 64},
		)
		autodates(challenges)
		challenges.AddIndex("idx_totp_challenges_token", true, "tokenHash", "")
		if err := app.Save(challenges); err != nil {
			return err
		}

		s := app.Settings()
		s.RateLimits.Rules = append(s.RateLimits.Rules,
			core.RateLimitRule{Label: "POST /api/vigie/auth/totp", MaxRequests: 5, Duration: 30},
			core.RateLimitRule{Label: "/api/vigie/totp/", MaxRequests: 10, Duration: 60},
			core.RateLimitRule{Label: "/api/vigie/share/", MaxRequests: 10, Duration: 60},
		)
		return app.Save(s)
	}, nil)
}
