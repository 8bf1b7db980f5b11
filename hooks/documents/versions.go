package documents

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/tenancy"
	"vigie/internal/apierr"
	"vigie/internal/audience"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// onCreate runs on every document save, whatever its path: the new version
// supersedes the current one of the same supplier, type and addressee (D6),
// in one transaction with it.
func (s *Service) onCreate(e *core.RecordEvent) error {
	return tenancy.InTransaction(&e.App, func(tx core.App) error {
		doc := e.Record
		docType, err := typeOf(tx, doc)
		if err != nil {
			return err
		}
		if err := s.defaultDates(doc, docType); err != nil {
			return err
		}
		previous, err := currentVersions(tx, doc.GetString("supplier"), doc.GetString("type"), doc.GetString("addressee"))
		if err != nil {
			return err
		}
		if err := supersede(tx, previous, doc); err != nil {
			return err
		}
		s.applyStatus(doc)
		held := docType.GetString("kind") == schema.KindLegal && heldForCollectorsCustomer(tx, doc)
		if err := prepare(doc, docType, held); err != nil {
			return err
		}
		supplier, addressee := doc.GetString("supplier"), doc.GetString("addressee")
		first := addressee != "" && !tenancy.HasAddressed(tx, supplier, addressee)
		if err := e.Next(); err != nil {
			return err
		}
		if !first {
			return nil
		}
		// The first document addressed to this customer opens its key to
		// the customer's members (see tenancy.relationshipAccess).
		rel, err := tx.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
			dbx.Params{"c": addressee, "s": supplier})
		if err != nil {
			return nil // no relationship: nobody on the customer's side reads it yet
		}
		return tenancy.SyncRelationshipGrants(tx, rel)
	})
}

// onUpdate keeps status, archive flag and keys true to the saved fields: a
// new end date decides the status again; otherwise the status is what the
// caller (supersede, sweep) set.
func (s *Service) onUpdate(e *core.RecordEvent) error {
	docType, err := typeOf(e.App, e.Record)
	if err != nil {
		return err
	}
	before := e.Record.Original()
	untilKept := e.Record.GetDateTime("validUntil").Equal(before.GetDateTime("validUntil"))
	if untilKept && !e.Record.GetDateTime("issuedOn").Equal(before.GetDateTime("issuedOn")) {
		// V3: a corrected issue date moves the validity that runs from it,
		// and the start when it was the issue date.
		e.Record.Set("validUntil", "")
		if e.Record.GetDateTime("validFrom").Equal(before.GetDateTime("issuedOn")) {
			e.Record.Set("validFrom", "")
		}
		if err := s.defaultDates(e.Record, docType); err != nil {
			return err
		}
		untilKept = false
	}
	if !untilKept {
		s.applyStatus(e.Record)
	}
	// An addressee checked on creation stays valid: the collector who sent
	// the document may have left since.
	kept := e.Record.GetString("addressee") == before.GetString("addressee") &&
		e.Record.GetString("type") == before.GetString("type")
	if err := prepare(e.Record, docType, kept); err != nil {
		return err
	}
	return e.Next()
}

// prepare sets what follows from a document's status and fields: its
// archive flag and its audience keys. addresseeChecked says a legal
// document's addressee is the customer its collector works for.
func prepare(doc, docType *core.Record, addresseeChecked bool) error {
	archiveByStatus(doc)
	// Whatever the path (API, dashboard, Go), only a specific document, or
	// a legal one a collector sent for its customer, has an addressee: any
	// other shared one addressed to a customer would bypass the financial
	// and collection checks of its kind.
	kind := docType.GetString("kind")
	held := kind == schema.KindLegal && addresseeChecked
	if kind != schema.KindSpecific && !held && doc.GetString("addressee") != "" {
		return apierr.Field("addressee", "validation_shared_document",
			"A legal or financial document is shared with every customer collecting it: leave the addressee empty.")
	}
	access, supplier, owner := audience.Document{
		Supplier:   doc.GetString("supplier"),
		Type:       docType.Id,
		Addressee:  doc.GetString("addressee"),
		UploadedBy: doc.GetString("uploadedBy"),
		Financial:  docType.GetString("kind") == schema.KindFinancial,
		Archived:   doc.GetBool("archived"),
	}.Keys()
	doc.Set("accessKey", access)
	doc.Set("supplierKey", supplier)
	doc.Set("ownerKey", owner)
	return nil
}

// heldForCollectorsCustomer reports whether doc was sent by a collector of
// its supplier working for its addressee (see checkHandler).
func heldForCollectorsCustomer(app core.App, doc *core.Record) bool {
	addressee := doc.GetString("addressee")
	if addressee == "" || doc.GetString("uploadedBy") == "" {
		return false
	}
	var n int
	err := app.DB().Select("count(*)").From(schema.Grants).Where(dbx.HashExp{
		"user": doc.GetString("uploadedBy"), "establishment": doc.GetString("supplier"),
		"capability": string(profiles.HandleDocuments), "reach": string(profiles.Collected), "customer": addressee,
	}).Row(&n)
	return err == nil && n > 0
}

// typeOf loads a document's type; a missing one is a 400 naming the field.
func typeOf(app core.App, doc *core.Record) (*core.Record, error) {
	t, err := app.FindRecordById(schema.DocumentTypes, doc.GetString("type"))
	if err != nil {
		return nil, apierr.Field("type", "validation_unknown_type", "Choose a document type.")
	}
	return t, nil
}

// supersede moves previous to the archive with doc as their new version (D6).
func supersede(tx core.App, previous []*core.Record, doc *core.Record) error {
	for _, p := range previous {
		p.Set("status", schema.StatusSuperseded)
		if err := tx.Save(p); err != nil {
			return err
		}
		doc.Set("replaces", p.Id)
	}
	return nil
}

// currentVersions finds the documents a new version of (supplier, type,
// addressee) supersedes: normally one.
func currentVersions(app core.App, supplier, docType, addressee string) ([]*core.Record, error) {
	return app.FindAllRecords(schema.Documents,
		dbx.HashExp{"supplier": supplier, "type": docType, "addressee": addressee},
		dbx.NewExp("status != 'superseded'")) // literal: the partial index's condition
}
