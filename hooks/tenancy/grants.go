package tenancy

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/internal/bulk"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// Grant sources.
const (
	sourceMembership = "membership"
	sourceSupport    = "support"
)

// syncGrants rewrites one membership's grant rows from the profile matrix.
// Call it with the transaction that changed the membership, its user or its
// establishment, so rules never see a membership without its grants.
func syncGrants(app core.App, membership *core.Record) error {
	return syncGrantsTo(app, direct{app}, membership)
}

// syncGrantsTo is syncGrants with the new rows going to out.
func syncGrantsTo(app core.App, out rowSink, membership *core.Record) error {
	est, err := app.FindRecordById(schema.Establishments, membership.GetString("establishment"))
	if err != nil {
		return fmt.Errorf("tenancy: grants: %w", err)
	}
	user, err := app.FindRecordById(schema.Users, membership.GetString("user"))
	if err != nil {
		return fmt.Errorf("tenancy: grants: %w", err)
	}
	if _, err := app.DB().Delete(schema.Grants, dbx.HashExp{"membership": membership.Id}).Execute(); err != nil {
		return fmt.Errorf("tenancy: grants: unable to clear: %w", err)
	}
	if err := clearAccess(app, dbx.HashExp{"membership": membership.Id}); err != nil {
		return err
	}
	// S3: until its user enrols in TOTP, the membership of an establishment
	// requiring it opens nothing, lists included.
	if totpLocked(est, user) {
		return nil
	}
	if err := syncMemberPartnerGrants(app, out, membership, est, user); err != nil {
		return err
	}
	return memberGrants(out, membership, est, user)
}

// memberGrants writes a membership's grants from the profile matrix and the
// access rows of its own establishment's documents.
func memberGrants(out rowSink, membership, est, user *core.Record) error {
	if err := memberOwnAccess(out, membership, est, user); err != nil {
		return err
	}
	for _, g := range profiles.Grants(matrixInput(membership, est)) {
		customer := ""
		if g.Reach == profiles.Collected {
			customer = membership.GetString("collectorFor")
		}
		if err := out.grant(grantRow{membership: membership.Id, user: user.Id, establishment: est.Id,
			grant: g, customer: customer, source: sourceMembership}); err != nil {
			return err
		}
	}
	return nil
}

// syncSupportGrants gives every support user read grants on est while its
// admin allows support access, until the chosen date (S5), and removes them
// otherwise.
func syncSupportGrants(app core.App, est *core.Record) error {
	if _, err := app.DB().Delete(schema.Grants, dbx.HashExp{"establishment": est.Id, "source": sourceSupport}).Execute(); err != nil {
		return fmt.Errorf("tenancy: support grants: unable to clear: %w", err)
	}
	if err := clearAccess(app, dbx.HashExp{"support": est.Id}); err != nil {
		return err
	}
	until := est.GetDateTime("supportUntil")
	if !est.GetBool("supportAccess") || (!until.IsZero() && !until.Time().After(time.Now())) {
		return nil
	}
	staff, err := app.FindAllRecords(schema.Users, dbx.HashExp{"support": true})
	if err != nil {
		return err
	}
	for _, u := range staff {
		for _, g := range profiles.SupportGrants(modulesOf(est)) {
			if err := (direct{app}).grant(grantRow{user: u.Id, establishment: est.Id, grant: g,
				source: sourceSupport, expiresAt: until}); err != nil {
				return err
			}
		}
		if err := supportAccess(app, u.Id, est); err != nil {
			return err
		}
	}
	return nil
}

type grantRow struct {
	membership, user, establishment, customer, source, relationship string
	grant                                                           profiles.Grant
	expiresAt                                                       types.DateTime
	// rel is the relationship a partner grant opens, for the access rows
	// that follow from it (grantAccess); not stored.
	rel *core.Record
}

// saveGrant inserts one grant row directly: grants are derived data with no
// hooks of their own, and a bulk supplier import writes thousands of them,
// so the record machinery (validation, interceptors, events) is skipped.
func saveGrant(app core.App, row grantRow) error {
	if _, err := app.DB().Insert(schema.Grants, row.params()).Execute(); err != nil {
		return fmt.Errorf("tenancy: grants: unable to save: %w", err)
	}
	return nil
}

// params is the grant's row, with a new id.
func (row grantRow) params() dbx.Params {
	expires := ""
	if !row.expiresAt.IsZero() {
		expires = row.expiresAt.String()
	}
	return dbx.Params{
		"id": core.GenerateDefaultRandomId(), "membership": row.membership, "user": row.user,
		"establishment": row.establishment, "capability": string(row.grant.Capability), "reach": string(row.grant.Reach),
		"customer": row.customer, "source": row.source, "expiresAt": expires, "relationship": row.relationship,
	}
}

// syncEstablishmentGrants rewrites the grants of every member of est and of
// support staff, after a setting they depend on changed.
func syncEstablishmentGrants(app core.App, est *core.Record) error {
	members, err := app.FindAllRecords(schema.Memberships, dbx.HashExp{"establishment": est.Id})
	if err != nil {
		return err
	}
	for _, m := range members {
		if err := syncGrants(app, m); err != nil {
			return err
		}
	}
	if err := syncRoster(app, direct{app}, est.Id); err != nil {
		return err
	}
	return syncSupportGrants(app, est)
}

// syncUserGrants rewrites a user's grants after its TOTP state or support
// flag changed.
func syncUserGrants(app core.App, user *core.Record) error {
	members, err := app.FindAllRecords(schema.Memberships, dbx.HashExp{"user": user.Id})
	if err != nil {
		return err
	}
	for _, m := range members {
		if err := syncGrants(app, m); err != nil {
			return err
		}
	}
	if err := syncRosters(app, user.Id); err != nil {
		return err
	}
	if _, err := app.DB().Delete(schema.Grants, dbx.HashExp{"user": user.Id, "source": sourceSupport}).Execute(); err != nil {
		return err
	}
	if err := clearAccess(app, dbx.And(dbx.HashExp{"user": user.Id}, dbx.NewExp("support != ''"))); err != nil {
		return err
	}
	if !user.GetBool("support") {
		return nil
	}
	open, err := app.FindAllRecords(schema.Establishments, dbx.HashExp{"supportAccess": true})
	if err != nil {
		return err
	}
	for _, est := range open {
		// Rewriting the establishment's support rows includes this user.
		if err := syncSupportGrants(app, est); err != nil {
			return err
		}
	}
	return nil
}

// DeleteExpiredSupportGrants removes support grants whose date has passed: the
// housekeeping job calls it, and so does every request of support staff, so
// a grant never outlives its date (S5).
// An empty userID sweeps every support user.
// It returns how many grants it removed.
func DeleteExpiredSupportGrants(app core.App, userID string, now time.Time) (int64, error) {
	where := dbx.And(dbx.HashExp{"source": sourceSupport},
		dbx.NewExp("expiresAt != '' AND expiresAt <= {:now}", dbx.Params{"now": now.UTC().Format(types.DefaultDateLayout)}))
	if userID != "" {
		where = dbx.And(where, dbx.HashExp{"user": userID})
	}
	var expired []struct {
		User          string `db:"user"`
		Establishment string `db:"establishment"`
	}
	if err := app.DB().Select("user", "establishment").Distinct(true).From(schema.Grants).Where(where).All(&expired); err != nil {
		return 0, err
	}
	for _, x := range expired {
		if err := clearAccess(app, dbx.HashExp{"user": x.User, "support": x.Establishment}); err != nil {
			return 0, err
		}
	}
	res, err := app.DB().Delete(schema.Grants, where).Execute()
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// LockedEstablishments lists the establishments whose data user cannot reach
// until it enrols in TOTP (S3).
func LockedEstablishments(app core.App, user *core.Record) ([]string, error) {
	if user.GetBool("totpEnabled") {
		return nil, nil
	}
	var ids []string
	err := app.DB().Select("m.establishment").From(schema.Memberships+" m").
		InnerJoin(schema.Establishments+" e", dbx.NewExp("e.id = m.establishment")).
		Where(dbx.HashExp{"m.user": user.Id, "e.requireTotp": true}).Column(&ids)
	return ids, err
}

func totpLocked(est, user *core.Record) bool {
	return est.GetBool("requireTotp") && !user.GetBool("totpEnabled")
}

func modulesOf(est *core.Record) []profiles.Module {
	var modules []profiles.Module
	for _, m := range est.GetStringSlice("modules") {
		modules = append(modules, profiles.Module(m))
	}
	return modules
}

func matrixInput(membership, est *core.Record) profiles.Membership {
	return profiles.Membership{
		Profile:   profiles.Profile(membership.GetString("profile")),
		Financial: membership.GetBool("financial"),
		Modules:   modulesOf(est),
		Assigned:  membership.GetString("visibility") == schema.VisibilityAssigned,
	}
}

// SyncMembership rewrites one membership's grants and document access rows.
// Loaders that insert memberships as plain rows (bench/docgen) call it so
// the rows are the ones the hooks would have written.
func SyncMembership(app core.App, membership *core.Record) error {
	return syncGrants(app, membership)
}

// SyncMemberships is SyncMembership for many memberships in one
// transaction, app: the derived rows are written at the end with one
// INSERT per table, which a loader of thousands of memberships needs (what
// each membership's rows depend on is read, never written, by the others).
func SyncMemberships(app core.App, memberships []*core.Record) error {
	w := bulk.New()
	b := NewBatch(app, w)
	for _, m := range memberships {
		if err := syncGrantsTo(app, b, m); err != nil {
			return err
		}
	}
	return w.Flush(app)
}
