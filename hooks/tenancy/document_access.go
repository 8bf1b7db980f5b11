package tenancy

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/audience"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// Document access rows say which documents' keys each user may read (N5,
// T3, T4, T7; see internal/audience). They are written next to the grants
// they follow, in the same transaction: a membership's own rows with its
// grants, a relationship's partner rows with it, support rows with
// support grants.

// accessRow is one document_access row: user may read what key names, for
// the rules of kind (internal/audience; empty for document keys). Exactly
// one of membership+relationship, membership alone, support or roster
// scopes it, or none for a user's own rows (selfRows), so each sync can
// clear its own.
type accessRow struct {
	user, kind, key, membership, relationship, support, roster string
}

// rowSink receives derived rows: written at once on the record path, queued
// for one INSERT per table on the bulk path (bulk.go).
type rowSink interface {
	grant(row grantRow) error
	access(rows []accessRow) error
	// docsOf is where what relationship rel opens is kept while the sink
	// lives: a bulk sink meets each relationship once per member.
	docsOf(rel string) *relationshipDocs
	// relationshipsOf is est's active relationships, which a bulk sink
	// loads once for all its members.
	relationshipsOf(app core.App, est string) ([]*core.Record, error)
}

// direct writes each row as it comes.
type direct struct{ app core.App }

func (d direct) grant(row grantRow) error {
	if err := saveGrant(d.app, row); err != nil {
		return err
	}
	return insertAccess(d.app, grantAccess(row))
}

func (d direct) access(rows []accessRow) error   { return insertAccess(d.app, rows) }
func (d direct) docsOf(string) *relationshipDocs { return &relationshipDocs{} }

func (d direct) relationshipsOf(app core.App, est string) ([]*core.Record, error) {
	return activeRelationships(app, est)
}

func insertAccess(app core.App, rows []accessRow) error {
	for _, r := range rows {
		_, err := app.DB().Insert(schema.DocumentAccess, r.params()).Execute()
		if err != nil {
			return fmt.Errorf("tenancy: document access: unable to save: %w", err)
		}
	}
	return nil
}

// params is the row, with a new id.
func (r accessRow) params() dbx.Params {
	return dbx.Params{
		"id": core.GenerateDefaultRandomId(), "user": r.user, "kind": r.kind, "key": r.key,
		"membership": r.membership, "relationship": r.relationship, "support": r.support, "roster": r.roster,
	}
}

func clearAccess(app core.App, where dbx.Expression) error {
	if _, err := app.DB().Delete(schema.DocumentAccess, where).Execute(); err != nil {
		return fmt.Errorf("tenancy: document access: unable to clear: %w", err)
	}
	return nil
}

// memberOwnAccess writes the keys of a member's own establishment's
// documents: all of them, or its own uploads (delivery); financial ones and
// the archive only with the capability. A collector's come per relationship.
func memberOwnAccess(out rowSink, m, est, user *core.Record) error {
	in := matrixInput(m, est)
	reach, ok := profiles.Allows(in, profiles.SeeDocuments)
	if !ok {
		return nil
	}
	_, archive := profiles.Allows(in, profiles.SeeArchive)
	_, financial := profiles.Allows(in, profiles.SeeFinancial)
	keys := audience.NewSet(archive)
	switch reach {
	case profiles.Everything:
		keys.Add(audience.Supplier(est.Id, false))
		if financial {
			keys.Add(audience.Supplier(est.Id, true))
		}
	case profiles.OwnUploads:
		keys.Add(audience.Owner(est.Id, user.Id, false))
		if financial {
			keys.Add(audience.Owner(est.Id, user.Id, true))
		}
	}
	rows := make([]accessRow, 0, len(keys.Keys()))
	for _, k := range keys.Keys() {
		rows = append(rows, accessRow{user: user.Id, key: k, membership: m.Id})
	}
	return out.access(rows)
}

// relationshipAccess writes what member m reads of rel's supplier once its
// partner grant on rel is given: on the customer's side, the types the
// customer collects from that supplier and the documents addressed to it
// (N5); on the supplier's side, a collector's (N7).
func relationshipAccess(app core.App, out rowSink, m, est, user, rel *core.Record, customerSide bool, docs *relationshipDocs) error {
	in := matrixInput(m, est)
	reach, ok := profiles.Allows(in, profiles.SeeDocuments)
	if !ok {
		return nil
	}
	// The customer's members read what it collects; on the supplier's
	// side only a collector reads through the relationship, the others
	// through their own keys.
	wanted := profiles.Everything
	if !customerSide {
		wanted = profiles.Collected
	}
	if reach != wanted {
		return nil
	}
	_, archive := profiles.Allows(in, profiles.SeeArchive)
	_, financial := profiles.Allows(in, profiles.SeeFinancial)
	customer, supplier := rel.GetString("customer"), rel.GetString("supplier")
	if err := docs.load(app, customer, supplier); err != nil {
		return err
	}
	keys := audience.NewSet(archive)
	for _, t := range docs.collected {
		if t.Kind == schema.KindFinancial && !financial {
			continue
		}
		keys.Add(audience.Type(supplier, t.ID))
	}
	// Keys that match no document still cost the rule an index probe per
	// list: the addressed key is written once the supplier has addressed a
	// document to this customer (the documents hooks then resync).
	if docs.addressed {
		keys.Add(audience.Addressed(supplier, customer))
	}
	rows := make([]accessRow, 0, len(keys.Keys()))
	for _, k := range keys.Keys() {
		rows = append(rows, accessRow{user: user.Id, key: k, membership: m.Id, relationship: rel.Id})
	}
	return out.access(rows)
}

// relationshipDocs is what one relationship opens of its supplier's
// documents, the same for every member reading through it: loaded once per
// relationship sync, not once per member.
type relationshipDocs struct {
	loaded    bool
	collected []CollectedType
	addressed bool
}

func (d *relationshipDocs) load(app core.App, customer, supplier string) error {
	if d.loaded {
		return nil
	}
	collected, err := CollectedTypes(app, customer, supplier)
	if err != nil {
		return err
	}
	d.collected, d.addressed, d.loaded = collected, HasAddressed(app, supplier, customer), true
	return nil
}

// HasAddressed reports whether supplier ever addressed a document to customer.
func HasAddressed(app core.App, supplier, customer string) bool {
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM (SELECT 1 FROM documents WHERE addressee != '' AND addressee = {:c} AND supplier = {:s} LIMIT 1)").
		Bind(dbx.Params{"c": customer, "s": supplier}).Row(&n)
	return err == nil && n > 0
}

// CollectedType is a document type a customer collects from a supplier.
type CollectedType struct {
	ID   string `db:"id"`
	Kind string `db:"kind"`
}

// CollectedTypes lists the types customer collects from supplier: its
// requirements addressed to that supplier or to all its suppliers (D2).
func CollectedTypes(app core.App, customer, supplier string) ([]CollectedType, error) {
	var out []CollectedType
	err := app.DB().Select("t.id", "t.kind").Distinct(true).From(schema.Requirements+" r").
		InnerJoin(schema.DocumentTypes+" t", dbx.NewExp("t.id = r.type")).
		// IN, not OR: two ranges of the (customer, supplier) index.
		Where(dbx.NewExp("r.customer = {:c} AND r.supplier IN ({:s}, '')",
			dbx.Params{"c": customer, "s": supplier})).
		All(&out)
	if err != nil {
		return nil, fmt.Errorf("tenancy: collected types: %w", err)
	}
	return out, nil
}

// supportAccess writes support staff's keys on est: its documents and,
// with the module, their archive; never financial ones (S5).
func supportAccess(app core.App, userID string, est *core.Record) error {
	var see, archive bool
	for _, g := range profiles.SupportGrants(modulesOf(est)) {
		see = see || g.Capability == profiles.SeeDocuments
		archive = archive || g.Capability == profiles.SeeArchive
	}
	if !see {
		return nil
	}
	keys := audience.NewSet(archive)
	keys.Add(audience.Supplier(est.Id, false))
	rows := make([]accessRow, 0, 2)
	for _, k := range keys.Keys() {
		rows = append(rows, accessRow{user: userID, key: k, support: est.Id})
	}
	return insertAccess(app, rows)
}

// bindRequirements keeps the access rows of the relationships a requirement
// touches in step with it (D2, N5): the customer's relationship with that
// supplier, or with every supplier.
func bindRequirements(app core.App) {
	sync := func(e *core.RecordEvent) error {
		return InTransaction(&e.App, func(tx core.App) error {
			before := e.Record.Original()
			// Derived, never taken from the client (the field is hidden).
			e.Record.Set("partnerKey", audience.Requirement(e.Record.GetString("customer"), e.Record.GetString("supplier")))
			if err := e.Next(); err != nil {
				return err
			}
			for _, r := range []*core.Record{before, e.Record} {
				if r == nil || r.GetString("customer") == "" {
					continue
				}
				if err := syncRequirementRelationships(tx, r.GetString("customer"), r.GetString("supplier")); err != nil {
					return err
				}
			}
			return nil
		})
	}
	app.OnRecordCreate(schema.Requirements).BindFunc(sync)
	app.OnRecordUpdate(schema.Requirements).BindFunc(sync)
	app.OnRecordDelete(schema.Requirements).BindFunc(sync)
}

func syncRequirementRelationships(app core.App, customer, supplier string) error {
	where := dbx.HashExp{"customer": customer, "status": schema.RelationshipActive}
	if supplier != "" {
		where["supplier"] = supplier
	}
	rels, err := app.FindAllRecords(schema.Relationships, where)
	if err != nil {
		return err
	}
	for _, rel := range rels {
		if err := SyncRelationshipGrants(app, rel); err != nil {
			return err
		}
	}
	return nil
}
