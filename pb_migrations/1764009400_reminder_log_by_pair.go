package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A customer's supplier page lists the reminders sent about that supplier,
// newest first (U2): without this index the route would read the whole log.
func init() {
	m.Register(func(app core.App) error {
		log, err := app.FindCollectionByNameOrId("reminder_log")
		if err != nil {
			return err
		}
		log.AddIndex("idx_reminder_log_customer_supplier_sent", false, "customer, supplier, sentAt", "")
		return app.Save(log)
	}, func(app core.App) error {
		log, err := app.FindCollectionByNameOrId("reminder_log")
		if err != nil {
			return err
		}
		log.RemoveIndex("idx_reminder_log_customer_supplier_sent")
		return app.Save(log)
	})
}
