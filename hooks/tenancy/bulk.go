package tenancy

import (
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/notify"
	"vigie/internal/bulk"
	"vigie/internal/config"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// Batch queues, for one bulk write, what AddMember and the membership and
// relationship hooks write when a supplier new to the portal joins with a
// contact new to the portal (the bulk supplier import, N3). The grants and
// access rows come from the same functions as on the record path
// (memberGrants, grantPartner); what those would have read from the
// database is known instead: a new establishment has no member, no
// relationship and no document, and no requirement names it yet.
// TestBulkImportMatchesRecordPath compares both paths row for row.
type Batch struct {
	app       core.App // the transaction the writer flushes in
	w         *bulk.Writer
	customers map[string]*customerSide
	docs      map[string]*relationshipDocs // by relationship
}

// customerSide is a customer's members as the relationship hooks load them,
// and what a relationship with a new supplier opens to them.
type customerSide struct {
	members []Member
	docs    *relationshipDocs
}

// Member is one membership with its establishment and user.
type Member struct {
	Membership, Establishment, User *core.Record
}

// NewBatch queues into w; app is the transaction w will flush in.
func NewBatch(app core.App, w *bulk.Writer) *Batch {
	return &Batch{app: app, w: w, customers: map[string]*customerSide{}, docs: map[string]*relationshipDocs{}}
}

func (b *Batch) grant(row grantRow) error {
	b.w.Row(schema.Grants, row.params())
	return b.access(grantAccess(row))
}

func (b *Batch) docsOf(rel string) *relationshipDocs {
	d, ok := b.docs[rel]
	if !ok {
		d = &relationshipDocs{}
		b.docs[rel] = d
	}
	return d
}

func (b *Batch) access(rows []accessRow) error {
	for _, r := range rows {
		b.w.Row(schema.DocumentAccess, r.params())
	}
	return nil
}

// InviteFirstMember creates the account of in, a person unknown to the
// portal, as the first member of est, an establishment created in this
// batch: T5 makes it admin whatever was asked. Its grants, the audit entry
// and the invitation are queued as AddMember would write them.
func (b *Batch) InviteFirstMember(cfg *config.Config, est *core.Record, in NewMember, actor audit.Entry) (Member, error) {
	user, err := newInvitedUser(b.app, in)
	if err != nil {
		return Member{}, err
	}
	if err := b.w.Record(user); err != nil {
		return Member{}, err
	}
	col, err := b.app.FindCachedCollectionByNameOrId(schema.Memberships)
	if err != nil {
		return Member{}, err
	}
	ms := core.NewRecord(col)
	ms.Set("user", user.Id)
	ms.Set("establishment", est.Id)
	ms.Set("profile", string(profiles.Admin))
	ms.Set("collectorFor", in.CollectorFor)
	ms.Set("visibility", schema.VisibilityAll)
	if err := b.w.Record(ms); err != nil {
		return Member{}, err
	}
	// What the record hooks derive, without their reads: a new user, the
	// only member of a new establishment, no relationship yet.
	if err := b.access(selfRows(user.Id)); err != nil {
		return Member{}, err
	}
	if !totpLocked(est, user) {
		if err := memberGrants(b, ms, est, user); err != nil {
			return Member{}, err
		}
	}
	member := Member{Membership: ms, Establishment: est, User: user}
	if err := b.access(rosterRows(est, []Member{member})); err != nil {
		return Member{}, err
	}
	if err := audit.Queue(b.app, b.w, memberAddedEntry(actor, est, ms, user, in.Profile, true)); err != nil {
		return Member{}, err
	}
	msg, err := newMemberMessage(cfg, est, ms, user, true, actor.ActorEmail)
	if err != nil {
		return Member{}, err
	}
	if err := notify.Queue(b.app, b.w, user, msg); err != nil {
		return Member{}, err
	}
	return member, nil
}

// AddRelationship queues rel, between an existing customer and a supplier
// created in this batch whose members are given, with the partner grants
// and access rows SyncRelationshipGrants would write.
func (b *Batch) AddRelationship(rel *core.Record, supplierMembers []Member) error {
	if err := b.w.Record(rel); err != nil {
		return err
	}
	if rel.GetString("status") != schema.RelationshipActive {
		return nil
	}
	side, err := b.customer(rel.GetString("customer"))
	if err != nil {
		return err
	}
	for _, m := range append(side.members[:len(side.members):len(side.members)], supplierMembers...) {
		if err := grantPartner(b.app, b, m.Membership, m.Establishment, m.User, rel, side.docs); err != nil {
			return err
		}
	}
	return nil
}

// customer loads a customer's members once per batch: a bulk import adds
// members to suppliers only (N7 keeps the customer's own company out).
func (b *Batch) customer(id string) (*customerSide, error) {
	if side, ok := b.customers[id]; ok {
		return side, nil
	}
	members, err := membersOf(b.app, id)
	if err != nil {
		return nil, err
	}
	side := &customerSide{members: members}
	// A new supplier is named by no requirement and addressed nothing yet:
	// the customer's requirements for all its suppliers are what it collects.
	collected, err := CollectedTypes(b.app, id, "")
	if err != nil {
		return nil, err
	}
	side.docs = &relationshipDocs{loaded: true, collected: collected}
	b.customers[id] = side
	return side, nil
}
