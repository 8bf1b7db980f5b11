package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Passwords of at least 12 characters (OWASP ASVS 2.1.1), up to bcrypt's 72
// bytes (refused beyond, never truncated; 64 ASCII characters fit, ASVS
// 2.1.2), any characters, no composition rule (2.1.9).
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		if f, ok := users.Fields.GetByName("password").(*core.PasswordField); ok {
			f.Min = 12
			f.Pattern = ""
		}
		return app.Save(users)
	}, nil)
}
