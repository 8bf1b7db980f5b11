package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The documents list reads the documents a user sees from a view shaped for
// SQLite (internal/audience, view.go; hooks/documents, list.go) instead of
// the rule PocketBase compiles: same meaning, a fraction of the cost at 1M
// documents. Not a collection: it has no API of its own.
//
// The SQL is frozen here as internal/audience.ViewSQL wrote it when this
// migration was made, so that a later change to that code never rewrites
// what this migration did; a test (internal/audience) fails when the live
// code and this text part, and a change then comes as a new migration.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(VisibleDocumentsView).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery("DROP VIEW IF EXISTS `vigie_visible_documents`").Execute()
		return err
	})
}

// VisibleDocumentsView is the view this migration creates.
const VisibleDocumentsView = "CREATE VIEW `vigie_visible_documents` AS SELECT k.`user` AS viewer, d.*, d.rowid AS _rowid_ FROM (SELECT DISTINCT `user`, `key` FROM `document_access` WHERE `key` >= 't:' AND `key` < 't;') k CROSS JOIN `documents` d ON COALESCE(d.`accessKey`, '') = COALESCE(k.`key`, '')" +
	" UNION ALL " +
	"SELECT k.`user` AS viewer, d.*, d.rowid AS _rowid_ FROM (SELECT DISTINCT `user`, `key` FROM `document_access` WHERE `key` >= 'a:' AND `key` < 'a;') k CROSS JOIN `documents` d ON COALESCE(d.`accessKey`, '') = COALESCE(k.`key`, '')" +
	" UNION ALL " +
	"SELECT k.`user` AS viewer, d.*, d.rowid AS _rowid_ FROM (SELECT DISTINCT `user`, `key` FROM `document_access` WHERE `key` >= 's:' AND `key` < 's;') k CROSS JOIN `documents` d ON COALESCE(d.`supplierKey`, '') = COALESCE(k.`key`, '') WHERE NOT EXISTS (SELECT 1 FROM `document_access` b WHERE b.`user` = k.`user` AND b.`key` = COALESCE(d.`accessKey`, ''))" +
	" UNION ALL " +
	"SELECT k.`user` AS viewer, d.*, d.rowid AS _rowid_ FROM (SELECT DISTINCT `user`, `key` FROM `document_access` WHERE `key` >= 'sf:' AND `key` < 'sf;') k CROSS JOIN `documents` d ON COALESCE(d.`supplierKey`, '') = COALESCE(k.`key`, '') WHERE NOT EXISTS (SELECT 1 FROM `document_access` b WHERE b.`user` = k.`user` AND b.`key` = COALESCE(d.`accessKey`, ''))" +
	" UNION ALL " +
	"SELECT k.`user` AS viewer, d.*, d.rowid AS _rowid_ FROM (SELECT DISTINCT `user`, `key` FROM `document_access` WHERE `key` >= 'o:' AND `key` < 'o;') k CROSS JOIN `documents` d ON COALESCE(d.`ownerKey`, '') = COALESCE(k.`key`, '') WHERE NOT EXISTS (SELECT 1 FROM `document_access` b WHERE b.`user` = k.`user` AND b.`key` = COALESCE(d.`accessKey`, '')) AND NOT EXISTS (SELECT 1 FROM `document_access` b WHERE b.`user` = k.`user` AND b.`key` = COALESCE(d.`supplierKey`, ''))" +
	" UNION ALL " +
	"SELECT k.`user` AS viewer, d.*, d.rowid AS _rowid_ FROM (SELECT DISTINCT `user`, `key` FROM `document_access` WHERE `key` >= 'of:' AND `key` < 'of;') k CROSS JOIN `documents` d ON COALESCE(d.`ownerKey`, '') = COALESCE(k.`key`, '') WHERE NOT EXISTS (SELECT 1 FROM `document_access` b WHERE b.`user` = k.`user` AND b.`key` = COALESCE(d.`accessKey`, '')) AND NOT EXISTS (SELECT 1 FROM `document_access` b WHERE b.`user` = k.`user` AND b.`key` = COALESCE(d.`supplierKey`, ''))"
