package tenancy

import (
	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/config"
	"vigie/internal/schema"
)

// bindUsers keeps users' security fields out of their own hands and decides
// who may sign up.
func bindUsers(app core.App) {
	// Who may see a user is the users view rule's business (self, or a member
	// seen by an admin), so the address goes with the record.
	app.OnRecordCreate(schema.Users).BindFunc(func(e *core.RecordEvent) error {
		e.Record.SetEmailVisibility(true)
		return InTransaction(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			if err := writeSelfRows(tx, direct{tx}, e.Record.Id); err != nil {
				return err
			}
			if !e.Record.GetBool("support") {
				return nil
			}
			return syncUserGrants(tx, e.Record)
		})
	})
	// Grants depend on the TOTP state (S3) and the support flag (S5).
	app.OnRecordUpdate(schema.Users).BindFunc(func(e *core.RecordEvent) error {
		before := stored(e)
		if before.GetBool("totpEnabled") == e.Record.GetBool("totpEnabled") &&
			before.GetBool("support") == e.Record.GetBool("support") {
			return e.Next()
		}
		return InTransaction(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return syncUserGrants(tx, e.Record)
		})
	})
	guard := func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		errs := validation.Errors{}
		for _, f := range schema.UserSecurityFields {
			if _, set := info.Body[f]; set {
				errs[f] = validation.NewError("validation_server_set", "This field is set by the server.")
			}
		}
		if _, set := info.Body["emailVisibility"]; set {
			errs["emailVisibility"] = validation.NewError("validation_server_set", "This field is set by the server.")
		}
		if len(errs) > 0 {
			return e.BadRequestError("Security fields cannot be changed.", errs)
		}
		return e.Next()
	}
	app.OnRecordCreateRequest(schema.Users).BindFunc(guard)
	app.OnRecordUpdateRequest(schema.Users).BindFunc(guard)
}

// syncSignupRule opens or closes public sign-up to match the setting; closed,
// accounts come only from invitations and the operator.
func syncSignupRule(app core.App, cfg *config.Config) error {
	users, err := app.FindCollectionByNameOrId(schema.Users)
	if err != nil {
		return err
	}
	var want *string
	if cfg.AllowSignup {
		open := `@request.auth.id = ""`
		want = &open
	}
	if (want == nil) == (users.CreateRule == nil) && (want == nil || *want == *users.CreateRule) {
		return nil
	}
	users.CreateRule = want
	return app.Save(users)
}
