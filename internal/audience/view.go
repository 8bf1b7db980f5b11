package audience

import "strings"

// View is the name of the SQL view listing, for each user, the documents
// its keys open: the documents rule's meaning, shaped for SQLite.
const View = "vigie_visible_documents"

// ViewSQL creates View over the documents and document_access tables: every
// documents column, the document's rowid as _rowid_, and the reader as
// viewer. A query filtering on viewer = ? has that term pushed by SQLite
// into each branch, where it bounds a range of the (user, key) index.
//
// Why not the rule: compiled by PocketBase, it joins a user's access rows to
// the documents through a three-way OR (three index probes per key) and
// removes duplicates with DISTINCT over whole rows. Here each branch takes
// the user's distinct keys of one form (one index range) and probes the one
// column keys of that form are stored in. A document opened through two
// columns comes from the first only: later branches skip documents whose
// earlier keys the user holds, so no row repeats and no DISTINCT is needed.
func ViewSQL(documents, access string) string {
	var branches []string
	var earlier []string // the columns of the branches before
	for _, column := range Columns() {
		for _, prefix := range column.Prefixes {
			branch := "SELECT k.`user` AS viewer, d.*, d.rowid AS _rowid_" +
				" FROM (SELECT DISTINCT `user`, `key` FROM `" + access + "`" +
				" WHERE `key` >= '" + prefix + "' AND `key` < '" + PrefixEnd(prefix) + "') k" +
				" CROSS JOIN `" + documents + "` d ON COALESCE(d.`" + column.Name + "`, '') = COALESCE(k.`key`, '')"
			var skips []string
			for _, prev := range earlier {
				skips = append(skips, "NOT EXISTS (SELECT 1 FROM `"+access+"` b"+
					" WHERE b.`user` = k.`user` AND b.`key` = COALESCE(d.`"+prev+"`, ''))")
			}
			if len(skips) > 0 {
				branch += " WHERE " + strings.Join(skips, " AND ")
			}
			branches = append(branches, branch)
		}
		earlier = append(earlier, column.Name)
	}
	return "CREATE VIEW `" + View + "` AS " + strings.Join(branches, " UNION ALL ")
}
