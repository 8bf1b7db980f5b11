package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A document carries its own date (V3): the certification date printed on
// an URSSAF attestation, the extract date of a Kbis. Validity runs from it,
// not from the upload. Documents stored before knew only their start of
// validity, which was their upload day or the date typed: it stands for
// their issue date.
func init() {
	m.Register(func(app core.App) error {
		docs, err := app.FindCollectionByNameOrId("documents")
		if err != nil {
			return err
		}
		docs.Fields.Add(&core.DateField{Name: "issuedOn"})
		if err := app.Save(docs); err != nil {
			return err
		}
		_, err = app.DB().NewQuery("UPDATE documents SET issuedOn = validFrom WHERE issuedOn = ''").Execute()
		return err
	}, nil)
}
