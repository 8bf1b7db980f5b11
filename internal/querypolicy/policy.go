// Package querypolicy decides which field paths a client may name in the
// filters and sorts of its lists and realtime subscriptions (S8).
//
// PocketBase compiles a path through a back-relation or a multi-relation
// with an "every item" operator (`!=`, `!~`, `=` without `?`) into a NOT
// EXISTS sub-query that ignores the joined collection's rule, and joins a
// single relation without its target's rule at all: either way a filter
// answers yes or no about rows the caller cannot read, and a sort orders
// by them. Rewriting those sub-queries with every rule would make each
// filter as costly as the rules Vigie keeps out of the list queries; so a
// client names only what it could read in the answer itself:
//   - the collection's own fields, except those Vigie hides from some
//     readers in its answers (private);
//   - a few declared one-hop paths through a single relation whose target
//     every reader of the row also reads (a document's type, a
//     relationship's two establishments);
//   - PocketBase's date macros (PocketBase itself refuses @request and
//     @collection in a client's filter).
//
// Anything else is refused with a 400 naming the parameter and the path.
// Superusers are not checked.
package querypolicy

import (
	"fmt"
	"strings"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"vigie/internal/apierr"
	"vigie/internal/schema"
)

// private are own fields answered to some readers only: a filter or sort on
// them would read them for everyone else.
var private = map[string][]string{
	schema.Users:          schema.UserSecurityFields,
	schema.Establishments: schema.EstablishmentSettingsFields,
	schema.Contracts:      {"amountExclTax"}, // the supplier's side never reads it (V1)
}

// declared are the paths beyond own fields, by collection. Each target is
// read by whoever reads the row (TestDeclaredPathsTargetsAreReadable).
var declared = map[string][]string{
	schema.Relationships: {"supplier.name", "supplier.siret", "supplier.city", "customer.name", "customer.siret", "customer.city"},
	schema.Requirements:  {"customer.name", "customer.siret"},
	schema.Documents:     {"type.code", "type.kind", "type.name", "supplier.name", "supplier.siret"},
	schema.Memberships:   {"establishment.name", "establishment.siret", "user.firstName", "user.lastName"},
}

// Declared lists the declared paths of collection, for tests and docs.
func Declared(collection string) []string { return declared[collection] }

// Check refuses a filter or sort of collection that names a path outside
// the policy, as a 400 naming the parameter (filter or sort).
func Check(collection *core.Collection, filter, sort string) error {
	if filter != "" {
		if err := CheckFilter(collection, filter); err != nil {
			return err
		}
	}
	for _, field := range search.ParseSortFromString(sort) {
		if !allowed(collection, field.Name) { // @random and @rowid pass as macros
			return refusal(search.SortQueryParam, field.Name)
		}
	}
	return nil
}

// CheckFilter refuses a filter that names a path outside the policy. A
// filter that does not parse is left to PocketBase's own 400.
func CheckFilter(collection *core.Collection, filter string) error {
	groups, err := fexpr.Parse(filter)
	if err != nil {
		return nil
	}
	var refused string
	walkIdentifiers(groups, func(name string) {
		if refused == "" && !allowed(collection, name) {
			refused = name
		}
	})
	if refused != "" {
		return refusal(search.FilterQueryParam, refused)
	}
	return nil
}

func refusal(param, path string) error {
	return apierr.Field(param, "validation_path_not_allowed", fmt.Sprintf(
		"%q cannot be used in %s: name this collection's own fields or its declared paths (README, \"Filters and sorts\").", path, param))
}

// walkIdentifiers calls visit with every identifier of the parsed filter,
// function arguments included.
func walkIdentifiers(groups []fexpr.ExprGroup, visit func(string)) {
	for _, g := range groups {
		switch item := g.Item.(type) {
		case fexpr.Expr:
			walkToken(item.Left, visit)
			walkToken(item.Right, visit)
		case []fexpr.ExprGroup:
			walkIdentifiers(item, visit)
		}
	}
}

func walkToken(t fexpr.Token, visit func(string)) {
	switch t.Type {
	case fexpr.TokenIdentifier:
		visit(t.Literal)
	case fexpr.TokenFunction:
		args, _ := t.Meta.([]fexpr.Token)
		for _, a := range args {
			walkToken(a, visit)
		}
	}
}

// allowed says whether a client may name path in collection's filters
// and sorts.
func allowed(collection *core.Collection, path string) bool {
	segments := strings.Split(path, ".")
	for i, s := range segments {
		segments[i], _, _ = strings.Cut(s, ":") // modifiers (:lower, :length, :each…) read the same field
	}
	first := segments[0]
	if strings.HasPrefix(first, "@") {
		// Date macros (@now, @todayStart…), @random and @rowid; PocketBase
		// itself refuses @request and @collection paths to non-superusers.
		return len(segments) == 1
	}
	field := collection.Fields.GetByName(first)
	if field == nil {
		return len(segments) == 1 // an unknown name: PocketBase's own 400
	}
	for _, p := range private[collection.Name] {
		if p == first {
			return false
		}
	}
	if len(segments) == 1 || field.Type() == core.FieldTypeJSON {
		return true // a JSON field's keys are the row's own value
	}
	joined := strings.Join(segments, ".")
	for _, d := range declared[collection.Name] {
		if d == joined {
			return true
		}
	}
	return false
}
