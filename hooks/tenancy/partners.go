package tenancy

import (
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// capabilityPartner is the access that opens a relationship and the other
// side's establishment to one member.
const capabilityPartner profiles.Capability = "partner"

// SyncRelationshipGrants rewrites the partner access rows of one
// relationship: while it is active, each member of either side allowed to
// see it gets them.
func SyncRelationshipGrants(app core.App, rel *core.Record) error {
	if err := clearAccess(app, dbx.HashExp{"relationship": rel.Id}); err != nil {
		return err
	}
	if rel.GetString("status") != schema.RelationshipActive {
		return nil
	}
	members, err := membersOf(app, rel.GetString("customer"), rel.GetString("supplier"))
	if err != nil {
		return err
	}
	docs := &relationshipDocs{}
	for _, m := range members {
		if err := grantPartner(app, direct{app}, m.Membership, m.Establishment, m.User, rel, docs); err != nil {
			return err
		}
	}
	return nil
}

// membersOf loads the memberships of establishments with their
// establishment and user, in three queries.
func membersOf(app core.App, establishments ...string) ([]Member, error) {
	ids := make([]any, len(establishments))
	for i, id := range establishments {
		ids[i] = id
	}
	memberships, err := app.FindAllRecords(schema.Memberships, dbx.In("establishment", ids...))
	if err != nil {
		return nil, err
	}
	ests, err := app.FindRecordsByIds(schema.Establishments, establishments)
	if err != nil {
		return nil, err
	}
	userIDs := make([]string, len(memberships))
	for i, m := range memberships {
		userIDs[i] = m.GetString("user")
	}
	users, err := app.FindRecordsByIds(schema.Users, userIDs)
	if err != nil {
		return nil, err
	}
	estByID, userByID := byID(ests), byID(users)
	out := make([]Member, 0, len(memberships))
	for _, m := range memberships {
		est, user := estByID[m.GetString("establishment")], userByID[m.GetString("user")]
		if est != nil && user != nil {
			out = append(out, Member{Membership: m, Establishment: est, User: user})
		}
	}
	return out, nil
}

func byID(records []*core.Record) map[string]*core.Record {
	out := make(map[string]*core.Record, len(records))
	for _, r := range records {
		out[r.Id] = r
	}
	return out
}

// syncMemberPartnerGrants writes a membership's partner grants over every
// active relationship of its establishment (its other grants were just
// cleared with it).
func syncMemberPartnerGrants(app core.App, out rowSink, m, est, user *core.Record) error {
	rels, err := out.relationshipsOf(app, est.Id)
	if err != nil {
		return err
	}
	for _, rel := range rels {
		if err := grantPartner(app, out, m, est, user, rel, out.docsOf(rel.Id)); err != nil {
			return err
		}
	}
	return nil
}

// activeRelationships loads est's active relationships on either side.
func activeRelationships(app core.App, est string) ([]*core.Record, error) {
	// Two indexed look-ups: an OR of the two columns would scan the table.
	asCustomer, err := app.FindAllRecords(schema.Relationships, dbx.HashExp{"customer": est, "status": schema.RelationshipActive})
	if err != nil {
		return nil, err
	}
	asSupplier, err := app.FindAllRecords(schema.Relationships, dbx.HashExp{"supplier": est, "status": schema.RelationshipActive})
	if err != nil {
		return nil, err
	}
	return append(asCustomer, asSupplier...), nil
}

// grantPartner gives member m its partner grant on rel when its profile lets
// it see partners there: every relationship, its assigned ones (T7: the
// customer's member in charge, the supplier's reference contacts), or, for a
// collector, its own customer's (N7).
func grantPartner(app core.App, out rowSink, m, est, user, rel *core.Record, docs *relationshipDocs) error {
	if totpLocked(est, user) {
		return nil
	}
	reach, ok := profiles.Allows(matrixInput(m, est), profiles.SeePartners)
	if !ok {
		return nil
	}
	customerSide := est.Id == rel.GetString("customer")
	other := rel.GetString("customer")
	if customerSide {
		other = rel.GetString("supplier")
	}
	switch reach {
	case profiles.Everything:
	case profiles.Assigned:
		assigned := rel.GetString("owner") == user.Id
		if !customerSide {
			assigned = slices.Contains(rel.GetStringSlice("referents"), user.Id)
		}
		if !assigned {
			return nil
		}
	case profiles.Collected:
		if customerSide || m.GetString("collectorFor") != rel.GetString("customer") {
			return nil
		}
	default:
		return nil
	}
	// The partner grant is its access rows only: no query reads a grants
	// row for it (the relationship row answers "does this member see rel"),
	// and at one row per customer member and supplier, with its indexes, it
	// was the largest part of a bulk import (N3).
	partner := grantRow{membership: m.Id, user: user.Id, establishment: other,
		grant: profiles.Grant{Capability: capabilityPartner, Reach: reach}, relationship: rel.Id, rel: rel}
	if err := out.access(grantAccess(partner)); err != nil {
		return err
	}
	return relationshipAccess(app, out, m, est, user, rel, customerSide, docs)
}

// bindRelationships keeps partner grants in step with every relationship
// change, in its transaction.
func bindRelationships(app core.App) {
	sync := func(e *core.RecordEvent) error {
		return InTransaction(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return SyncRelationshipGrants(tx, e.Record)
		})
	}
	app.OnRecordCreate(schema.Relationships).BindFunc(sync)
	app.OnRecordUpdate(schema.Relationships).BindFunc(sync)
}
