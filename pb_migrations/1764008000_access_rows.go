package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Every collection's rules read maintained access rows (document_access:
// user, kind, key), as the documents rule already did.
//
// The rules they replace joined grants, memberships and relationships
// through @collection aliases under a top-level OR: SQLite cannot turn
// such joins into inner joins, so it crossed whole tables for every
// candidate row (30 s timeouts at 1M documents, seconds of CPU for one
// guest request). Here each rule is an AND of one alias constrained by the
// caller, matched against one or two of the record's columns: the caller's
// rows (an index range of (user, kind, key)) then the records they name
// (an expression index on the column), or the reverse when a filter is
// more selective. PocketBase compiles a column comparison to
// COALESCE(x, ”) = COALESCE(y, ”), hence the expression indexes.
//
// Rows are written by hooks/tenancy (derive.go lists which change
// re-derives what); until `serve` has rebuilt them after this migration
// (the derivation version), the new kinds are absent and these rules open
// nothing. Kinds: a capability name (key: the establishment it applies to),
// "self", "user", "relationship", "types", "requirements" (internal/audience).
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "document_access", "establishments", "requirements")
		if err != nil {
			return err
		}
		access, establishments, requirements := cols[0], cols[1], cols[2]
		access.Fields.Add(
			&core.TextField{Name: "kind", Max: 40},
			// roster: the establishment whose member list derived the row
			// (its admins see its members, T2).
			&core.RelationField{Name: "roster", CollectionId: establishments.Id, MaxSelect: 1, CascadeDelete: true},
		)
		access.AddIndex("idx_document_access_user_kind_key", false, "user, kind, COALESCE(`key`, '')", "")
		access.AddIndex("idx_document_access_roster", false, "roster", "")
		if err := app.Save(access); err != nil {
			return err
		}

		// partnerKey: "<customer>:<supplier>", or "<customer>:*" for every
		// supplier; set by the tenancy hooks on each save.
		requirements.Fields.Add(&core.TextField{Name: "partnerKey", Hidden: true, Max: 40})
		requirements.AddIndex("idx_requirements_customer_key", false, "COALESCE(`customer`, '')", "")
		requirements.AddIndex("idx_requirements_partner_key", false, "COALESCE(`partnerKey`, '')", "")
		if err := app.Save(requirements); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery("UPDATE requirements SET partnerKey = " +
			"customer || ':' || CASE supplier WHEN '' THEN '*' ELSE supplier END").Execute(); err != nil {
			return err
		}
		for _, set := range accessRules() {
			if err := set.apply(app); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// ruleSet is one collection's new rules and the expression indexes they
// need; a nil rule leaves the current one.
type ruleSet struct {
	collection                string
	list, create, update, del *string
	keyColumns                []string
}

func (s ruleSet) apply(app core.App) error {
	c, err := app.FindCollectionByNameOrId(s.collection)
	if err != nil {
		return err
	}
	c.ListRule, c.ViewRule = s.list, s.list
	if s.create != nil {
		c.CreateRule = s.create
	}
	if s.update != nil {
		c.UpdateRule = s.update
	}
	if s.del != nil {
		c.DeleteRule = s.del
	}
	for _, column := range s.keyColumns {
		c.AddIndex("idx_"+s.collection+"_"+column+"_key", false, "COALESCE(`"+column+"`, '')", "")
	}
	return app.Save(c)
}

// accessRules are the rules of every collection whose rules joined grants.
// The documents list and view rule stays (its keys already are rows); the
// write rules that joined grants read the capability rows instead.
func accessRules() []ruleSet {
	manages := func(column string) string { return row("g", column, "manage") }
	selfOr := func(column, managed string) *string {
		return rule(accessRows("a", row("a", column, "self"), row("a", managed, "manage")))
	}
	suppliers := func(column string) string { return accessRows("g", row("g", column, "manage_suppliers")) }
	return []ruleSet{
		{collection: "users", keyColumns: []string{"id"},
			// Self, a member of an establishment the caller manages (T2), a
			// reference contact of a relationship it sees (N6).
			list: rule(accessRows("a", row("a", "id", "self", "user")))},
		{collection: "memberships", keyColumns: []string{"user", "establishment"},
			list:   selfOr("user", "establishment"),
			update: rule(accessRows("g", manages("establishment")) + ` && @request.body.user:isset = false && @request.body.establishment:isset = false`),
			del:    selfOr("user", "establishment")},
		{collection: "establishments", keyColumns: []string{"id"},
			// Its members and, while a relationship is active, the members
			// allowed to see it (N4).
			list: rule(accessRows("a", row("a", "id", "member", "partner"))),
			update: rule(accessRows("g", manages("id")) +
				` && @request.body.siret:isset = false && @request.body.siren:isset = false`)},
		{collection: "relationships", keyColumns: []string{"id"},
			list: rule(accessRows("a", row("a", "id", "relationship"))),
			// The customer's side sets status and owner, the supplier's admins
			// the referents (hooks/network narrows each side's fields).
			update: rule(accessRows("a", row("a", "id", "relationship")) + " && " +
				accessRows("g", row("g", "customer", "manage_suppliers"), manages("supplier")))},
		{collection: "requirements", keyColumns: nil, // migration above
			list:   rule(accessRows("a", row("a", "customer", "member"), row("a", "partnerKey", "requirements"))),
			create: rule(suppliers("customer") + ` && (type.owner = "" || type.owner = customer)`),
			update: rule(suppliers("customer") + ` && @request.body.customer:isset = false && (type.owner = "" || type.owner = customer)`),
			del:    rule(suppliers("customer"))},
		{collection: "document_types", keyColumns: []string{"owner"},
			// The built-in catalogue (every user holds the empty key), a
			// customer's own types for its members and its suppliers'.
			list:   rule(accessRows("a", row("a", "owner", "types"))),
			create: rule(`owner != "" && ` + suppliers("owner")),
			update: rule(suppliers("owner") + ` && @request.body.owner:isset = false && @request.body.kind:isset = false`),
			del:    rule(suppliers("owner"))},
		{collection: "access_requests", keyColumns: []string{"requestedBy", "establishment"},
			list:   selfOr("requestedBy", "establishment"),
			create: rule(`requestedBy = @request.auth.id && ` + accessRows("g", row("g", "establishment", "member"))),
			update: rule(accessRows("g", manages("establishment")) + ` && status = "pending"`)},
		{collection: "audit_log", keyColumns: []string{"establishment"},
			list: rule(accessRows("a", row("a", "establishment", "manage")))},
		{collection: "share_links", keyColumns: []string{"createdBy", "establishment"},
			list: selfOr("createdBy", "establishment")},
		{collection: "documents",
			list:   rule(documentsSeen),
			create: rule(accessRows("g", row("g", "supplier", "handle_documents"))),
			update: rule(documentsSeen + " && " + accessRows("g", row("g", "supplier", "handle_documents")) +
				" && @request.body.supplier:isset = false && @request.body.type:isset = false" +
				" && @request.body.addressee:isset = false && @request.body.file:isset = false && @request.body.preview:isset = false" +
				" && @request.body.archived:isset = false && @request.body.status:isset = false" +
				" && @request.body.uploadedBy:isset = false && @request.body.replaces:isset = false")},
	}
}

// documentsSeen is the documents rule of 1764004100, unchanged: the
// documents list handler recognises it to read its view.
const documentsSeen = `@collection.document_access:a.user ?= @request.auth.id && (` +
	`@collection.document_access:a.key ?= accessKey || ` +
	`@collection.document_access:a.key ?= supplierKey || ` +
	`@collection.document_access:a.key ?= ownerKey)`
