// Package pb_migrations holds Vigie's schema, access rules and seed data as Go
// migrations. Each file is one concern; a landed file is never renamed (its
// name is what PocketBase records as applied).
package pb_migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// callerHolds is the rule fragment "the signed-in user holds capability on the
// establishment given by establishmentExpr". Grants are one row per membership
// and capability, kept by the tenancy hooks from the profile matrix, so every
// rule is a single indexed join instead of a chain of profile tests.
// alias must differ between fragments of one rule that may match other rows.
func callerHolds(alias, capability, establishmentExpr string) string {
	g := "@collection.grants:" + alias
	return fmt.Sprintf("(%[1]s.user ?= @request.auth.id && %[1]s.capability ?= %[2]q && %[1]s.establishment ?= %[3]s)",
		g, capability, establishmentExpr)
}

// autodates adds the created and updated fields every collection carries.
func autodates(c *core.Collection) {
	c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
	c.Fields.Add(&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
}

// rule turns a rule string into the pointer PocketBase wants.
func rule(s string) *string { return &s }

// profileValues are the seven profiles of SPEC's matrix, as stored.
var profileValues = []string{"admin", "full_access", "processing", "processing_archive", "feedback", "delivery", "collector"}

// find loads collections by name, in order.
func find(app core.App, names ...string) ([]*core.Collection, error) {
	out := make([]*core.Collection, len(names))
	for i, name := range names {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return nil, fmt.Errorf("migration: collection %s: %w", name, err)
		}
		out[i] = c
	}
	return out, nil
}

// signedIn opens every rule of maintained rows: for a guest it compiles to
// a constant false, which SQLite tests once instead of scanning (S13).
const signedIn = `@request.auth.id != ""`

// accessRows is the rule "the signed-in caller holds an access row matching
// one of terms" over one alias of document_access; every term comes from
// row. One alias under an AND is one indexed join: SQLite seeks the
// caller's rows and then the records their keys name, or the reverse,
// whatever the filter (PERFORMANCE: a top-level OR over joins scans).
func accessRows(alias string, terms ...string) string {
	a := "@collection.document_access:" + alias
	return signedIn + " && " + a + ".user ?= @request.auth.id && (" + strings.Join(terms, " || ") + ")"
}

// row is one term of accessRows: a row of one of kinds whose key is the
// record's column. Kinds matched against one column go in one term: SQLite
// reads them as kind IN (...), one seek per kind in (user, kind, key)
// whatever its statistics say, where an OR of terms needs them to be right.
func row(alias, column string, kinds ...string) string {
	a := "@collection.document_access:" + alias
	var ks []string
	for _, k := range kinds {
		ks = append(ks, fmt.Sprintf("%s.kind ?= %q", a, k))
	}
	kind := ks[0]
	if len(ks) > 1 {
		kind = "(" + strings.Join(ks, " || ") + ")"
	}
	return fmt.Sprintf("(%s && %s.key ?= %s)", kind, a, column)
}
