package tenancy

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/audience"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// The access rows that every collection's rules read besides document keys
// (internal/audience, kinds.go). They follow from grants (grantAccess),
// from a user's existence (selfRows) and from an establishment's member
// list (syncRoster); derive.go says which change re-derives which.

// grantAccess is what one grant opens, as access rows in the grant's scope:
// the capability on its establishment, and for a partner grant the
// relationship and what each side reads of the other.
func grantAccess(g grantRow) []accessRow {
	scope := accessRow{user: g.user, membership: g.membership, relationship: g.relationship}
	if g.source == sourceSupport {
		scope.support = g.establishment
	}
	with := func(kind, key string) accessRow {
		r := scope
		r.kind, r.key = kind, key
		return r
	}
	rows := []accessRow{with(string(g.grant.Capability), g.establishment)}
	switch {
	case g.grant.Capability == profiles.Member:
		// A customer's own document types, for its members (D1).
		rows = append(rows, with(audience.KindTypes, g.establishment))
	case g.grant.Capability == capabilityPartner && g.rel != nil:
		rows = append(rows, with(audience.KindRelationship, g.rel.Id))
		customer, supplier := g.rel.GetString("customer"), g.rel.GetString("supplier")
		if g.establishment == customer {
			// The supplier's side: its customer's types and what it asks of
			// this supplier or of all (D2).
			rows = append(rows, with(audience.KindTypes, customer),
				with(audience.KindRequirements, audience.Requirement(customer, "")),
				with(audience.KindRequirements, audience.Requirement(customer, supplier)))
			break
		}
		// The customer's side: the supplier's reference contacts (N6).
		for _, referent := range g.rel.GetStringSlice("referents") {
			rows = append(rows, with(audience.KindUser, referent))
		}
	}
	return rows
}

// selfRows are a user's rows of its own: itself (its memberships, requests,
// links and record) and the built-in document types. They live as long as
// the user.
func selfRows(user string) []accessRow {
	return []accessRow{
		{user: user, kind: audience.KindSelf, key: user},
		{user: user, kind: audience.KindTypes, key: ""},
	}
}

// writeSelfRows rewrites a user's own rows.
func writeSelfRows(app core.App, out rowSink, user string) error {
	if err := clearAccess(app, dbx.HashExp{"user": user, "membership": "", "relationship": "", "support": "", "roster": ""}); err != nil {
		return err
	}
	return out.access(selfRows(user))
}

// rosterRows are the rows an establishment's member list gives: each member
// holding "manage" there sees every member (T2).
func rosterRows(est *core.Record, members []Member) []accessRow {
	var rows []accessRow
	for _, manager := range members {
		if totpLocked(est, manager.User) {
			continue
		}
		if _, ok := profiles.Allows(matrixInput(manager.Membership, est), profiles.Manage); !ok {
			continue
		}
		for _, m := range members {
			rows = append(rows, accessRow{user: manager.User.Id, kind: audience.KindUser, key: m.User.Id, roster: est.Id})
		}
	}
	return rows
}

// syncRoster rewrites the rows of establishment est's member list, after a
// membership, a member's TOTP state or est's required TOTP changed.
func syncRoster(app core.App, out rowSink, est string) error {
	if err := clearAccess(app, dbx.HashExp{"roster": est}); err != nil {
		return err
	}
	members, err := membersOf(app, est)
	if err != nil {
		return fmt.Errorf("tenancy: roster: %w", err)
	}
	if len(members) == 0 {
		return nil
	}
	return out.access(rosterRows(members[0].Establishment, members))
}

// syncRosters is syncRoster for every establishment user belongs to.
func syncRosters(app core.App, user string) error {
	var ests []string
	if err := app.DB().Select("establishment").From(schema.Memberships).
		Where(dbx.HashExp{"user": user}).Column(&ests); err != nil {
		return err
	}
	for _, est := range ests {
		if err := syncRoster(app, direct{app}, est); err != nil {
			return err
		}
	}
	return nil
}
