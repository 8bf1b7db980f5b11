package tenancy

import (
	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
	"vigie/internal/siret"
)

// bindEstablishments validates identifiers (T1) and keeps grants in step with
// the modules an establishment enables (T4).
func bindEstablishments(app core.App) {
	app.OnRecordCreateRequest(schema.Establishments).BindFunc(func(e *core.RecordRequestEvent) error {
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		// The email check on share links is on unless asked off (L2).
		if _, given := info.Body["shareEmailCheck"]; !given {
			e.Record.Set("shareEmailCheck", true)
		}
		return e.Next()
	})
	app.OnRecordValidate(schema.Establishments).BindFunc(func(e *core.RecordEvent) error {
		if err := NormalizeIdentifiers(e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordUpdate(schema.Establishments).BindFunc(func(e *core.RecordEvent) error {
		if !grantInputsChanged(stored(e), e.Record) {
			return e.Next()
		}
		return InTransaction(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return syncEstablishmentGrants(tx, e.Record)
		})
	})
}

// NormalizeIdentifiers stores the SIRET without separators and derives the
// SIREN from it; an invalid SIRET is a validation error on the siret field.
func NormalizeIdentifiers(est *core.Record) error {
	s, err := siret.Parse(est.GetString("siret"))
	if err != nil {
		return validation.Errors{"siret": validation.NewError("validation_invalid_siret", "SIRET "+err.Error()+".")}
	}
	est.Set("siret", s)
	est.Set("siren", siret.SIREN(s))
	return nil
}

// grantInputsChanged reports whether a setting that grants depend on changed:
// modules (T4), required TOTP (S3) or support access (S5).
func grantInputsChanged(before, est *core.Record) bool {
	for _, f := range []string{"requireTotp", "supportAccess", "supportUntil"} {
		if before.GetString(f) != est.GetString(f) {
			return true
		}
	}
	return modulesChanged(before.GetStringSlice("modules"), est.GetStringSlice("modules"))
}

func modulesChanged(before, after []string) bool {
	if len(before) != len(after) {
		return true
	}
	seen := map[string]bool{}
	for _, m := range before {
		seen[m] = true
	}
	for _, m := range after {
		if !seen[m] {
			return true
		}
	}
	return false
}

// stored returns the record as the database holds it before this update.
// Record.Original is not enough: it is only refreshed when a record is read,
// so Go code saving the same record twice would see stale "before" values.
func stored(e *core.RecordEvent) *core.Record {
	if r, err := e.App.FindRecordById(e.Record.Collection(), e.Record.Id); err == nil {
		return r
	}
	return e.Record.Original()
}

// InTransaction runs fn in a transaction and points *app at it meanwhile, so
// that the hook chain (e.Next) writes in the same transaction as fn.
func InTransaction(app *core.App, fn func(tx core.App) error) error {
	orig := *app
	defer func() { *app = orig }()
	return orig.RunInTransaction(func(tx core.App) error {
		*app = tx
		return fn(tx)
	})
}
