// Package network implements N: the establishment directory, customers adding
// suppliers one by one or in bulk, and who sees whom across a relationship.
package network

import (
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/config"
)

// Register binds the network's hooks and routes.
func Register(app core.App, cfg *config.Config) {
	bindDirectorySync(app)
	bindEstablishmentPrivacy(app)
	bindRelationshipUpdates(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindDirectoryRoute(se)
		bindSupplierRoutes(se, cfg)
		bindSupplierListRoute(se)
		return se.Next()
	})
}
