package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The directory's search index stops keeping each row's token count
// (columnsize=0, issue 9): only bm25 ranking reads it and the search never
// ranks (it asks for every word as a prefix, AND, LIMIT n), yet an import
// wrote one %_docsize row per establishment, about a tenth of a 1,000,000-row
// import. Token positions stay (detail=full): dropping them too saved little
// and detail=none made prefix AND queries several times slower. The
// triggers refer to the table by name and are unchanged; the index is
// rebuilt once from the directory.
func init() {
	m.Register(func(app core.App) error {
		return recreateDirectoryFTS(app, `columnsize=0`)
	}, func(app core.App) error {
		return recreateDirectoryFTS(app, ``)
	})
}

func recreateDirectoryFTS(app core.App, options string) error {
	if options != "" {
		options = ", " + options
	}
	for _, stmt := range []string{
		`DROP TABLE directory_fts`,
		`CREATE VIRTUAL TABLE directory_fts USING fts5(
			name, content='directory', content_rowid='rowid',
			tokenize="unicode61 remove_diacritics 2", prefix='2 3 4'` + options + `)`,
		`INSERT INTO directory_fts (directory_fts) VALUES ('rebuild')`,
	} {
		if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
			return err
		}
	}
	return nil
}
