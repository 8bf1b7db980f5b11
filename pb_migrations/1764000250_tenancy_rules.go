package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Access rules of T2, T3 and T5, once grants exist to be read: a user reaches
// an establishment's data only through a membership's grants.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users", "establishments", "memberships")
		if err != nil {
			return err
		}
		users, est, ms := cols[0], cols[1], cols[2]
		// Self, or a member of an establishment the caller manages.
		seen := "id = @request.auth.id || (" +
			callerHolds("mine", "manage", "@collection.memberships:theirs.establishment") +
			" && @collection.memberships:theirs.user ?= id)"
		users.ListRule = rule(seen)
		users.ViewRule = rule(seen)
		if err := app.Save(users); err != nil {
			return err
		}

		est.ListRule = rule(callerHolds("g", "member", "id"))
		est.ViewRule = rule(callerHolds("g", "member", "id"))
		est.CreateRule = nil // the operator; customers add suppliers through a route (N2)
		est.UpdateRule = rule(callerHolds("g", "manage", "id") +
			" && @request.body.siret:isset = false && @request.body.siren:isset = false")
		est.DeleteRule = nil
		if err := app.Save(est); err != nil {
			return err
		}

		manager := callerHolds("g", "manage", "establishment")
		ms.ListRule = rule("user = @request.auth.id || " + manager)
		ms.ViewRule = rule("user = @request.auth.id || " + manager)
		ms.CreateRule = nil // POST /api/vigie/establishments/{id}/members
		ms.UpdateRule = rule(manager +
			" && @request.body.user:isset = false && @request.body.establishment:isset = false")
		ms.DeleteRule = rule("user = @request.auth.id || " + manager)
		return app.Save(ms)
	}, nil)
}
