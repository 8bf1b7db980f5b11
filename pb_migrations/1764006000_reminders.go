package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Reminders (R1–R3): reminder_log remembers every (item, step) already sent,
// so that no restart, double run or clock change sends it twice (R2). An
// item is a customer × supplier × type; its step names the moment of the
// cadence (d30, d7, d0, wN after expiry, mN while missing) and the document
// it was about. The server alone reads and writes it.
func init() {
	m.Register(func(app core.App) error {
		log := core.NewBaseCollection("reminder_log")
		log.Fields.Add(
			&core.TextField{Name: "item", Required: true, Max: 100},
			&core.TextField{Name: "step", Required: true, Max: 60},
			&core.TextField{Name: "customer", Max: 20},
			&core.TextField{Name: "supplier", Max: 20},
			&core.TextField{Name: "type", Max: 20},
			&core.TextField{Name: "document", Max: 20},
			&core.JSONField{Name: "recipients"},
			&core.DateField{Name: "sentAt"},
		)
		log.AddIndex("idx_reminder_log_item_step", true, "item, step", "")
		if err := app.Save(log); err != nil {
			return err
		}
		// Expired documents still current (not superseded) are reminded
		// weekly: this index finds them without reading the others.
		docs, err := app.FindCollectionByNameOrId("documents")
		if err != nil {
			return err
		}
		docs.AddIndex("idx_documents_expired", false, "validUntil", "status = 'expired'")
		return app.Save(docs)
	}, nil)
}
