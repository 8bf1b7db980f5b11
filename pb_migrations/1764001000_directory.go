package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The establishment directory (N1): INSEE's public SIRENE data plus every
// establishment created in the portal, searched with FTS5 (prefix, accents
// ignored). A plain table, not a collection: it holds millions of public rows
// that only GET /api/vigie/directory serves.
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range []string{
			`CREATE TABLE directory (
				siret      TEXT PRIMARY KEY NOT NULL,
				siren      TEXT NOT NULL,
				name       TEXT NOT NULL DEFAULT '',
				address    TEXT NOT NULL DEFAULT '',
				postalCode TEXT NOT NULL DEFAULT '',
				city       TEXT NOT NULL DEFAULT '',
				naf        TEXT NOT NULL DEFAULT '',
				active     INTEGER NOT NULL DEFAULT 1
			)`,
			`CREATE INDEX idx_directory_siren ON directory (siren)`,
			`CREATE VIRTUAL TABLE directory_fts USING fts5(
				name, content='directory', content_rowid='rowid',
				tokenize="unicode61 remove_diacritics 2", prefix='2 3 4')`,
			`CREATE TRIGGER directory_ai AFTER INSERT ON directory BEGIN
				INSERT INTO directory_fts(rowid, name) VALUES (new.rowid, new.name);
			END`,
			`CREATE TRIGGER directory_ad AFTER DELETE ON directory BEGIN
				INSERT INTO directory_fts(directory_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
			END`,
			`CREATE TRIGGER directory_au AFTER UPDATE OF name ON directory BEGIN
				INSERT INTO directory_fts(directory_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
				INSERT INTO directory_fts(rowid, name) VALUES (new.rowid, new.name);
			END`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS directory_fts; DROP TABLE IF EXISTS directory`).Execute()
		return err
	})
}
