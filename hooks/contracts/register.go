// Package contracts keeps the contracts of each relationship (V1) and says
// where a relationship stands under the vigilance duty (duty.go): subject
// or not, the last and next due dates.
package contracts

import (
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/tenancy"
	"vigie/internal/apierr"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// AmountField is what the supplier's side never reads of a contract (V1).
const AmountField = "amountExclTax"

// Register binds the contracts hooks.
func Register(app core.App) {
	// Every path: the contract's parties are its relationship's, so that
	// the rules and the duty read plain columns.
	app.OnRecordCreate(schema.Contracts).BindFunc(func(e *core.RecordEvent) error {
		if err := copyParties(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordUpdate(schema.Contracts).BindFunc(func(e *core.RecordEvent) error {
		if err := copyParties(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordEnrich(schema.Contracts).BindFunc(func(e *core.RecordEnrichEvent) error {
		auth := e.RequestInfo.Auth
		if auth == nil || !auth.IsSuperuser() && !tenancy.Holds(e.App, auth.Id, e.Record.GetString("customer"), profiles.Member) {
			e.Record.Hide(AmountField)
		}
		return e.Next()
	})
}

// copyParties sets customer and supplier from the relationship and keeps
// the dates in order.
func copyParties(app core.App, c *core.Record) error {
	rel, err := app.FindRecordById(schema.Relationships, c.GetString("relationship"))
	if err != nil {
		return apierr.Field("relationship", "validation_required", "Choose the relationship the contract belongs to.")
	}
	c.Set("customer", rel.GetString("customer"))
	c.Set("supplier", rel.GetString("supplier"))
	starts, ends := c.GetDateTime("startsOn"), c.GetDateTime("endsOn")
	if !ends.IsZero() && ends.Time().Before(starts.Time()) {
		return apierr.Field("endsOn", "validation_date_order", "A contract ends on or after its start.")
	}
	return nil
}
