package records

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"vigie/internal/schema"
)

// ProbeAccess is a ListSource for the lists the pages ask one
// establishment's rows of (issue 17): relationships of a customer with
// 20,000 suppliers, newest first. Compiled by PocketBase, the access-rows
// rule is a join that SQLite drives from the caller's 20,000 access rows,
// then sorts: 70-100 ms for a page of 50. When the filter starts by pinning
// one of columns (`customer = "…" && …`), the same rule is written as one
// EXISTS probe per term instead, so SQLite walks that establishment's rows
// in the asked order along its index and stops at the page's end.
//
// It answers only for a list rule of the migrations' shape
// (pb_migrations/rules.go, accessRows): any other rule, one edited in the
// dashboard for instance, is left to PocketBase. Both forms mean "the caller
// holds an access row matching one of the terms"; TestProbeAccessMatchesRule
// compares them. Callers holding few rows of the rule's kinds keep the join
// (holdsMany), which is then the cheaper plan.
func ProbeAccess(columns ...string) ListSource {
	pins := regexp.MustCompile(`^\s*\(?\s*(` + strings.Join(columns, "|") + `)\s*=\s*["'][^"']*["']\s*(\)|&&|$)`)
	return func(e *core.RequestEvent, collection *core.Collection, info *core.RequestInfo, query *dbx.SelectQuery) bool {
		if !pins.MatchString(info.Query[search.FilterQueryParam]) || collection.ListRule == nil {
			return false
		}
		terms, ok := parseAccessRule(collection, *collection.ListRule)
		if !ok {
			return false
		}
		user := ""
		if e.Auth != nil {
			user = e.Auth.Id
		}
		if !holdsMany(e, user, terms) {
			return false
		}
		query.AndWhere(probeExpr(collection.Name, terms, user))
		return true
	}
}

// probeExpr is an access-rows rule as one EXISTS probe per term on the
// records of table: "user holds a row of one of the term's kinds whose key
// is the record's column", false for a guest (user "").
func probeExpr(table string, terms []accessTerm, user string) dbx.Expression {
	probes := make([]string, len(terms))
	params := dbx.Params{"vigieProbeUser": user}
	for i, t := range terms {
		kinds := make([]string, len(t.kinds))
		for j, k := range t.kinds {
			name := fmt.Sprintf("vigieProbeKind%d_%d", i, j)
			params[name] = k
			kinds[j] = "{:" + name + "}"
		}
		probes[i] = "EXISTS (SELECT 1 FROM `" + schema.DocumentAccess + "` `vigie_p` WHERE `vigie_p`.`user` = {:vigieProbeUser}" +
			" AND `vigie_p`.`kind` IN (" + strings.Join(kinds, ", ") + ")" +
			" AND COALESCE(`vigie_p`.`key`, '') = COALESCE(`" + table + "`.`" + t.column + "`, ''))"
	}
	return dbx.NewExp("{:vigieProbeUser} != '' AND ("+strings.Join(probes, " OR ")+")", params)
}

// ProbeFrom is where probing starts to pay: below it, the rule's join reads
// the caller's few rows first and finds their records at once, where a
// probe would walk every row the filter names (20,000 relationships of a
// large customer, 30 ms, for a delivery member who sees none of them).
// (a variable: tests lower it to compare the probe on a small world).
var ProbeFrom = 1000

// holdsMany reports whether user holds at least ProbeFrom access rows of the
// terms' kinds, reading at most that many index entries.
func holdsMany(e *core.RequestEvent, user string, terms []accessTerm) bool {
	var kinds []any
	for _, t := range terms {
		for _, k := range t.kinds {
			kinds = append(kinds, k)
		}
	}
	var n int
	err := e.App.DB().Select("count(*)").From("(SELECT 1 FROM `" + schema.DocumentAccess + "` WHERE `user` = {:u} AND " +
		"`kind` IN (" + placeholders(len(kinds)) + ") LIMIT {:limit})").
		Bind(bindKinds(dbx.Params{"u": user, "limit": ProbeFrom}, kinds)).Row(&n)
	return err == nil && n >= ProbeFrom
}

func placeholders(n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("{:vigieKind%d}", i)
	}
	return strings.Join(p, ", ")
}

func bindKinds(params dbx.Params, kinds []any) dbx.Params {
	for i, k := range kinds {
		params[fmt.Sprintf("vigieKind%d", i)] = k
	}
	return params
}

// accessTerm is one term of an access-rows rule: a row of one of kinds
// whose key is the record's column.
type accessTerm struct {
	kinds  []string
	column string
}

var (
	accessRule = regexp.MustCompile(`^@request\.auth\.id != "" && @collection\.document_access:(\w+)\.user \?= @request\.auth\.id && \((.*)\)$`)
	identifier = regexp.MustCompile(`^\w+$`)
)

// parseAccessRule reads a rule written by accessRows, or says it is not
// one: it must be rebuilt, character for character, from the terms read,
// and name columns of collection.
func parseAccessRule(collection *core.Collection, rule string) ([]accessTerm, bool) {
	m := accessRule.FindStringSubmatch(rule)
	if m == nil {
		return nil, false
	}
	alias := regexp.QuoteMeta("@collection.document_access:" + m[1])
	term := regexp.MustCompile(`\((\(?(?:` + alias + `\.kind \?= "\w+"(?: \|\| )?)+\)?) && ` + alias + `\.key \?= (\w+)\)`)
	kind := regexp.MustCompile(alias + `\.kind \?= "(\w+)"`)
	var terms []accessTerm
	var rebuilt []string
	for _, t := range term.FindAllStringSubmatch(m[2], -1) {
		at := accessTerm{column: t[2]}
		for _, k := range kind.FindAllStringSubmatch(t[1], -1) {
			at.kinds = append(at.kinds, k[1])
		}
		if !identifier.MatchString(at.column) || len(at.kinds) == 0 || (at.column != "id" && collection.Fields.GetByName(at.column) == nil) {
			return nil, false
		}
		terms = append(terms, at)
		rebuilt = append(rebuilt, t[0])
	}
	if len(terms) == 0 || strings.Join(rebuilt, " || ") != m[2] {
		return nil, false
	}
	return terms, true
}
