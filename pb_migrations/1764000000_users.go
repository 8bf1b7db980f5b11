package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The users collection (T2, N6, S1, S4): people's names and contact details,
// plus server-set security fields that no user may write through the API.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.RemoveByName("name")
		users.Fields.RemoveByName("avatar")
		users.OAuth2.MappedFields.Name = ""
		users.OAuth2.MappedFields.AvatarURL = ""
		users.Fields.Add(
			&core.TextField{Name: "firstName", Max: 100},
			&core.TextField{Name: "lastName", Max: 100},
			&core.TextField{Name: "jobTitle", Max: 100},
			&core.TextField{Name: "phone", Max: 30},
			&core.TextField{Name: "mobile", Max: 30},
			&core.SelectField{Name: "lang", Values: []string{"fr", "en"}, MaxSelect: 1},
			&core.BoolField{Name: "support"},
			&core.BoolField{Name: "totpEnabled"},
			&core.NumberField{Name: "passwordScore", OnlyInt: true, Min: new(0.0), Max: new(4.0)},
			&core.DateField{Name: "lastLoginAt"},
		)

		// Read rules join memberships: see 1764000250_tenancy_rules.go.
		users.ListRule = rule("id = @request.auth.id")
		users.ViewRule = rule("id = @request.auth.id")
		users.CreateRule = nil // invitations and the operator; see hooks/tenancy/users.go
		users.UpdateRule = rule("id = @request.auth.id")
		users.DeleteRule = nil
		users.PasswordAuth.Enabled = true
		users.PasswordAuth.IdentityFields = []string{"email"}
		users.OAuth2.Enabled = false
		users.OTP.Enabled = false
		users.MFA.Enabled = false
		return app.Save(users)
	}, nil)
}
