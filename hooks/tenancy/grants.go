package tenancy

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// syncGrants rewrites one membership's grant rows from the profile matrix.
// Call it with the transaction that changed the membership or its
// establishment, so rules never see a membership without its grants.
func syncGrants(app core.App, membership *core.Record) error {
	est, err := app.FindRecordById(schema.Establishments, membership.GetString("establishment"))
	if err != nil {
		return fmt.Errorf("tenancy: grants: %w", err)
	}
	if _, err := app.DB().Delete(schema.Grants, dbx.HashExp{"membership": membership.Id}).Execute(); err != nil {
		return fmt.Errorf("tenancy: grants: unable to clear: %w", err)
	}
	grantsCol, err := app.FindCachedCollectionByNameOrId(schema.Grants)
	if err != nil {
		return err
	}
	for _, g := range profiles.Grants(matrixInput(membership, est)) {
		r := core.NewRecord(grantsCol)
		r.Set("membership", membership.Id)
		r.Set("user", membership.GetString("user"))
		r.Set("establishment", est.Id)
		r.Set("capability", string(g.Capability))
		r.Set("reach", string(g.Reach))
		if g.Reach == profiles.Collected {
			r.Set("customer", membership.GetString("collectorFor"))
		}
		if err := app.SaveNoValidate(r); err != nil {
			return fmt.Errorf("tenancy: grants: unable to save: %w", err)
		}
	}
	return nil
}

// syncEstablishmentGrants rewrites the grants of every member of est, after its
// modules changed (T4).
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
	return nil
}

func matrixInput(membership, est *core.Record) profiles.Membership {
	var modules []profiles.Module
	for _, m := range est.GetStringSlice("modules") {
		modules = append(modules, profiles.Module(m))
	}
	return profiles.Membership{
		Profile:   profiles.Profile(membership.GetString("profile")),
		Financial: membership.GetBool("financial"),
		Modules:   modules,
	}
}
