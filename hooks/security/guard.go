package security

import (
	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
)

// bindRequireTOTPGuard keeps an admin from requiring two-factor
// authentication without having it: the setting would lock them out of
// their own establishment on the spot (S3).
func (s *Service) bindRequireTOTPGuard(app core.App) {
	app.OnRecordUpdateRequest(schema.Establishments).BindFunc(func(e *core.RecordRequestEvent) error {
		turningOn := e.Record.GetBool("requireTotp") && !e.Record.Original().GetBool("requireTotp")
		if turningOn && !e.HasSuperuserAuth() && e.Auth != nil && !e.Auth.GetBool("totpEnabled") {
			return e.BadRequestError("Turn on your own two-factor authentication first.",
				validation.Errors{"requireTotp": validation.NewError("validation_totp_first",
					"Enrol in two-factor authentication before requiring it.")})
		}
		return e.Next()
	})
}
