package tenancy

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"vigie/internal/audience"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// Holds reports whether user holds capability on the establishment: the same
// question the collection rules ask of the grants table.
func Holds(app core.App, userID, establishmentID string, capability profiles.Capability) bool {
	var n int
	err := app.DB().Select("count(*)").From(schema.Grants).Where(dbx.HashExp{
		"user": userID, "establishment": establishmentID, "capability": string(capability),
	}).Row(&n)
	return err == nil && n > 0
}

// SeesPartner reports whether userID sees establishment as the other side
// of one of its relationships: the partner access row that a relationship
// gives each member allowed to see it.
func SeesPartner(app core.App, userID, establishmentID string) bool {
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM " + schema.DocumentAccess +
		" WHERE `user` = {:u} AND kind = {:kind} AND COALESCE(`key`, '') = {:e}").
		Bind(dbx.Params{"u": userID, "kind": string(capabilityPartner), "e": establishmentID}).Row(&n)
	return err == nil && n > 0
}

// SeesRelationship reports whether userID sees relationship relID: the
// relationship row its partner access gives (advisers: their own, T7).
func SeesRelationship(app core.App, userID, relID string) bool {
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM " + schema.DocumentAccess +
		" WHERE `user` = {:u} AND kind = {:kind} AND COALESCE(`key`, '') = {:r}").
		Bind(dbx.Params{"u": userID, "kind": audience.KindRelationship, "r": relID}).Row(&n)
	return err == nil && n > 0
}

// HoldsAsMember reports whether userID is a member of establishmentID
// through a membership, not through a support grant.
func HoldsAsMember(app core.App, userID, establishmentID string) bool {
	var n int
	err := app.DB().Select("count(*)").From(schema.Grants).Where(dbx.HashExp{
		"user": userID, "establishment": establishmentID, "capability": string(profiles.Member), "source": sourceMembership,
	}).Row(&n)
	return err == nil && n > 0
}

// ReachesEveryPartner reports whether userID's membership of establishment
// lets it see every one of its relationships (not an adviser's assigned
// ones, T7): its partner rows then cover every active relationship, and
// a query need not read them one by one.
func ReachesEveryPartner(app core.App, userID, establishmentID string) bool {
	var n int
	err := app.DB().Select("count(*)").From(schema.Grants).Where(dbx.HashExp{
		"user": userID, "establishment": establishmentID, "capability": string(profiles.SeePartners),
		"reach": string(profiles.Everything), "source": sourceMembership,
	}).Row(&n)
	return err == nil && n > 0
}

// RequireCapability loads the establishment a custom route acts on and checks
// that the caller may do capability there. Superusers pass. A caller that is
// not even a member gets 404, as a rule would answer; a member without the
// capability gets 403.
func RequireCapability(e *core.RequestEvent, establishmentID string, capability profiles.Capability) (*core.Record, error) {
	if e.Auth == nil {
		return nil, e.UnauthorizedError("Sign in first.", nil)
	}
	est, err := e.App.FindRecordById(schema.Establishments, establishmentID)
	if err != nil {
		return nil, e.NotFoundError("", nil)
	}
	if e.HasSuperuserAuth() {
		return est, nil
	}
	if e.Auth.Collection().Name != schema.Users || !Holds(e.App, e.Auth.Id, est.Id, profiles.Member) {
		return nil, e.NotFoundError("", nil)
	}
	if !Holds(e.App, e.Auth.Id, est.Id, capability) {
		return nil, router.NewApiError(http.StatusForbidden,
			"Your profile in this establishment does not allow this action.",
			map[string]any{"capability": string(capability)})
	}
	return est, nil
}
