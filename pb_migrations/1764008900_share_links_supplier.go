package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A share link names the supplier of its document (S15): the supplier's
// admins see and revoke the links its customers send of its documents, as
// they do their own. The rule keeps the access rows' shape (one alias, a
// term per column), with the supplier as a third managed column.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "share_links", "establishments")
		if err != nil {
			return err
		}
		links, establishments := cols[0], cols[1]
		links.Fields.Add(&core.RelationField{Name: "supplier", CollectionId: establishments.Id, MaxSelect: 1})
		links.AddIndex("idx_share_links_supplier_key", false, "COALESCE(`supplier`, '')", "")
		links.ListRule = rule(accessRows("a", row("a", "createdBy", "self"), row("a", "establishment", "manage"), row("a", "supplier", "manage")))
		links.ViewRule = links.ListRule
		if err := app.Save(links); err != nil {
			return err
		}
		_, err = app.DB().NewQuery("UPDATE share_links SET supplier = COALESCE((SELECT d.supplier FROM documents d WHERE d.id = share_links.document), '')").Execute()
		return err
	}, nil)
}
