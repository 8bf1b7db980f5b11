package tenancy

import (
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/notify"
	"vigie/internal/bulk"
	"vigie/internal/config"
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
	rels      map[string][]*core.Record    // active relationships, by establishment
	inviters  map[string]string            // inviterID, by actor
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
	return &Batch{app: app, w: w, customers: map[string]*customerSide{},
		docs: map[string]*relationshipDocs{}, rels: map[string][]*core.Record{}, inviters: map[string]string{}}
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

func (b *Batch) relationshipsOf(app core.App, est string) ([]*core.Record, error) {
	if rels, ok := b.rels[est]; ok {
		return rels, nil
	}
	rels, err := activeRelationships(app, est)
	b.rels[est] = rels
	return rels, err
}

func (b *Batch) access(rows []accessRow) error {
	for _, r := range rows {
		b.w.Row(schema.DocumentAccess, r.params())
	}
	return nil
}

// InviteFirstContact creates the account of in, a person unknown to the
// portal, and its invitation to join est, an establishment created in this
// batch, with the audit row and the message InviteFirstContact (the record
// path) writes: no membership until it accepts (S10).
func (b *Batch) InviteFirstContact(cfg *config.Config, est *core.Record, in NewMember, actor audit.Entry) (*core.Record, error) {
	user, err := newInvitedUser(b.app, in)
	if err != nil {
		return nil, err
	}
	if err := b.w.Record(user); err != nil {
		return nil, err
	}
	// What the user hooks derive for a new account.
	if err := b.access(selfRows(user.Id)); err != nil {
		return nil, err
	}
	inv, err := newInvitation(b.app, est, user)
	if err != nil {
		return nil, err
	}
	invitedBy, ok := b.inviters[actor.Actor]
	if !ok {
		invitedBy = inviterID(b.app, actor)
		b.inviters[actor.Actor] = invitedBy
	}
	setInvitation(inv, est, in, actor, invitedBy)
	if err := b.w.Record(inv); err != nil {
		return nil, err
	}
	if err := audit.Queue(b.app, b.w, invitationEntry(actor, est, inv, in)); err != nil {
		return nil, err
	}
	msg, err := firstContactMessage(cfg, est, user, inv, actor.ActorEmail)
	if err != nil {
		return nil, err
	}
	return user, notify.Queue(b.app, b.w, user, msg)
}

// AddRelationship queues rel, between an existing customer and a supplier
// created in this batch whose members are given, with the partner access
// rows SyncRelationshipGrants would write.
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
