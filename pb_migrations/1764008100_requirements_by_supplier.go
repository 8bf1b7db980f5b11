package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// What a customer collects from one supplier (its requirements naming that
// supplier or all) is read for every relationship the access rows derive:
// without (customer, supplier), each read walked all of the customer's
// requirements, 20,000 for a customer asking each supplier for one type,
// and a rebuild of the large-customer data set took 13 minutes.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("requirements")
		if err != nil {
			return err
		}
		c.AddIndex("idx_requirements_customer_supplier", false, "customer, supplier", "")
		return app.Save(c)
	}, nil)
}
