package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Documents (D3–D6) and the access rows that decide who sees them (N5, T3,
// T4, T7).
//
// The natural rule (the caller is a member of the supplier, or of a customer
// whose active relationship collects the type, or of the addressee...) joins
// four tables under a top-level OR and times out at 1M documents
// (docs/performance.md). Instead every document carries three audience keys,
// written by the documents hooks on each save:
//
//	accessKey    "t:<supplier>:<type>" (legal, financial) or "a:<supplier>:<addressee>" (specific)
//	supplierKey  "s:<supplier>", or "sf:<supplier>" for a financial type
//	ownerKey     "o:<supplier>:<uploader>"
//
// each suffixed ":x" once the document is archived (superseded or expired).
// document_access holds, per user, the keys it may read; the tenancy hooks
// keep it exact from memberships, relationships, requirements and support
// access, in the transaction of each change. The rule is then one indexed
// join: the caller's rows, matched against the document's keys.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users", "establishments", "memberships", "relationships", "document_types")
		if err != nil {
			return err
		}
		users, establishments, memberships, relationships, types := cols[0], cols[1], cols[2], cols[3], cols[4]

		access := core.NewBaseCollection("document_access")
		access.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "key", Required: true, Max: 80},
			&core.RelationField{Name: "membership", CollectionId: memberships.Id, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "relationship", CollectionId: relationships.Id, MaxSelect: 1, CascadeDelete: true},
			// support: the establishment whose admin let support staff in (S5).
			&core.RelationField{Name: "support", CollectionId: establishments.Id, MaxSelect: 1, CascadeDelete: true},
		)
		access.AddIndex("idx_document_access_user_key", false, "user, key", "")
		access.AddIndex("idx_document_access_membership", false, "membership", "")
		access.AddIndex("idx_document_access_relationship", false, "relationship", "")
		access.AddIndex("idx_document_access_support", false, "support", "")
		if err := app.Save(access); err != nil {
			return err
		}

		docs := core.NewBaseCollection("documents")
		docs.Fields.Add(
			&core.RelationField{Name: "supplier", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "type", CollectionId: types.Id, Required: true, MaxSelect: 1},
			// The upload limit is the configured one, checked by the hooks
			// with a clear message; this bound only caps the request body.
			&core.FileField{Name: "file", Required: true, MaxSelect: 1, MaxSize: 1 << 30, Protected: true},
			&core.FileField{Name: "preview", MaxSelect: 1, MaxSize: 1 << 30, Protected: true},
			&core.DateField{Name: "validFrom"},
			&core.DateField{Name: "validUntil"},
			&core.RelationField{Name: "addressee", CollectionId: establishments.Id, MaxSelect: 1},
			&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"valid", "expiring", "expired", "superseded"}},
			&core.RelationField{Name: "uploadedBy", CollectionId: users.Id, MaxSelect: 1},
			&core.BoolField{Name: "archived"},
			&core.TextField{Name: "accessKey", Hidden: true, Max: 80},
			&core.TextField{Name: "supplierKey", Hidden: true, Max: 80},
			&core.TextField{Name: "ownerKey", Hidden: true, Max: 80},
		)
		autodates(docs)
		if err := app.Save(docs); err != nil {
			return err
		}
		docs.Fields.Add(&core.RelationField{Name: "replaces", CollectionId: docs.Id, MaxSelect: 1})
		// The rule compares columns, which PocketBase compiles to
		// COALESCE(x, '') = COALESCE(y, ''): these expression indexes are
		// what lets SQLite seek a user's keys instead of scanning.
		docs.AddIndex("idx_documents_access_key", false, "COALESCE(`accessKey`, '')", "")
		docs.AddIndex("idx_documents_supplier_key", false, "COALESCE(`supplierKey`, '')", "")
		docs.AddIndex("idx_documents_owner_key", false, "COALESCE(`ownerKey`, '')", "")
		docs.AddIndex("idx_documents_current", false, "supplier, type, addressee", "status != 'superseded'")
		docs.AddIndex("idx_documents_valid_until", false, "validUntil", "archived = FALSE")
		docs.AddIndex("idx_documents_created", false, "created", "")

		seen := `@collection.document_access:a.user ?= @request.auth.id && (` +
			`@collection.document_access:a.key ?= accessKey || ` +
			`@collection.document_access:a.key ?= supplierKey || ` +
			`@collection.document_access:a.key ?= ownerKey)`
		docs.ListRule = rule(seen)
		docs.ViewRule = rule(seen)
		// The documents hooks narrow these: a delivery member handles its own
		// uploads only, a collector only what its customer collects; the
		// server sets status, archive, uploader and keys.
		handles := callerHolds("g", "handle_documents", "supplier")
		docs.CreateRule = rule(handles)
		docs.UpdateRule = rule(seen + " && " + handles +
			" && @request.body.supplier:isset = false && @request.body.type:isset = false" +
			" && @request.body.addressee:isset = false && @request.body.file:isset = false && @request.body.preview:isset = false" +
			" && @request.body.archived:isset = false && @request.body.status:isset = false" +
			" && @request.body.uploadedBy:isset = false && @request.body.replaces:isset = false")
		docs.DeleteRule = nil // versions go to the archive; nothing is erased (D6)
		return app.Save(docs)
	}, nil)
}
