package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Registry watch (V9): the day the directory first said an establishment
// of the portal was closed (INSEE's etatAdministratifEtablissement "F"),
// empty while it is active. Public, as the registry is.
func init() {
	m.Register(func(app core.App) error {
		est, err := app.FindCollectionByNameOrId("establishments")
		if err != nil {
			return err
		}
		est.Fields.Add(&core.DateField{Name: "closedAt"})
		return app.Save(est)
	}, func(app core.App) error {
		est, err := app.FindCollectionByNameOrId("establishments")
		if err != nil {
			return err
		}
		est.Fields.RemoveByName("closedAt")
		return app.Save(est)
	})
}
