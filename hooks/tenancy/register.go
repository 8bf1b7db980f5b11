// Package tenancy implements T: establishments, memberships and their grants,
// members added directly or through access requests, and who may sign up.
package tenancy

import (
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/config"
)

// Register binds tenancy's hooks and routes.
func Register(app core.App, cfg *config.Config) {
	bindUsers(app)
	bindUserPrivacy(app)
	bindEstablishments(app)
	bindMemberships(app)
	bindRelationships(app)
	bindRequirements(app)
	bindAccessRequests(app, cfg)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := syncSignupRule(se.App, cfg); err != nil {
			return err
		}
		// Before the first request: rules read rows of this derivation.
		if _, err := RebuildIfStale(se.App, LogProgress(se.App)); err != nil {
			return err
		}
		bindMembersRoute(se, cfg)
		bindInvitationRoutes(se)
		return se.Next()
	})
}
