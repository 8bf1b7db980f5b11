package documents

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"vigie/internal/audience"
)

// SeenRule is the documents list and view rule the migrations set: a
// document is seen by a user holding one of its three keys.
const SeenRule = `@collection.document_access:a.user ?= @request.auth.id && (` +
	`@collection.document_access:a.key ?= accessKey || ` +
	`@collection.document_access:a.key ?= supplierKey || ` +
	`@collection.document_access:a.key ?= ownerKey)`

// ListVisible is the documents list's records.ListSource, for one reason:
// the access rule. Compiled by PocketBase, it costs more than SPEC's budget
// allows against a public list (issue 9). Here the documents come from a
// view shaped for SQLite (internal/audience, view.go) filtered on the
// caller; its meaning is the rule's (TestDocumentsListMatchesRule compares
// the list with PocketBase's on every profile and kind of parameter). The
// rule is compiled as PocketBase does when it is not the migrations' (edited
// in the dashboard) or for a sort on @rowid: PocketBase prefixes @rowid
// with the query's first table name, which the view's alias is not.
func ListVisible(e *core.RequestEvent, collection *core.Collection, info *core.RequestInfo, query *dbx.SelectQuery) bool {
	if *collection.ListRule != SeenRule || strings.Contains(info.Query[search.SortQueryParam], "@rowid") {
		return false
	}
	user := ""
	if e.Auth != nil {
		user = e.Auth.Id
	}
	query.From(audience.View + " " + collection.Name).
		AndWhere(dbx.HashExp{collection.Name + ".viewer": user}).
		Select(visibleColumns(collection)...)
	return true
}

// visibleColumns are the columns a caller may receive: the view also has
// the hidden keys, the reader and the rowid, which cost a copy each per row
// and which nobody but a superuser may search or read.
func visibleColumns(collection *core.Collection) []string {
	cols := make([]string, 0, len(collection.Fields))
	for _, f := range collection.Fields {
		if !f.GetHidden() {
			cols = append(cols, collection.Name+"."+f.GetName())
		}
	}
	return cols
}
