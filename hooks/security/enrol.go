package security

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pquerna/otp"
	otptotp "github.com/pquerna/otp/totp"

	"vigie/hooks/audit"
	"vigie/internal/schema"
	"vigie/internal/totp"
)

func (s *Service) bindTOTPRoutes(se *core.ServeEvent) {
	se.Router.POST("/api/vigie/totp/setup", s.setup).Bind(apis.RequireAuth(schema.Users))
	se.Router.POST("/api/vigie/totp/confirm", s.confirm).Bind(apis.RequireAuth(schema.Users))
	se.Router.POST("/api/vigie/totp/disable", s.disable).Bind(apis.RequireAuth(schema.Users))
	se.Router.POST("/api/vigie/auth/totp", s.signInWithCode)
}

// setup starts enrolment (S1): a new secret, its otpauth URI and a QR code.
// Nothing changes for the user until confirm.
func (s *Service) setup(e *core.RequestEvent) error {
	if e.Auth.GetBool("totpEnabled") {
		return e.BadRequestError("Two-factor authentication is already on; disable it first.", nil)
	}
	key, err := otptotp.Generate(otptotp.GenerateOpts{Issuer: "Vigie", AccountName: e.Auth.Email(),
		Period: totp.Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return err
	}
	box, err := s.secrets()
	if err != nil {
		return err
	}
	sealed, err := box.Seal(key.Secret())
	if err != nil {
		return err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return err
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return err
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().Delete(schema.TOTPSecrets, dbx.HashExp{"user": e.Auth.Id}).Execute(); err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId(schema.TOTPSecrets)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("user", e.Auth.Id)
		r.Set("sealedSecret", sealed)
		return tx.Save(r)
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]string{
		"secret": key.Secret(), "otpauthUrl": key.URL(), "qrPng": base64.StdEncoding.EncodeToString(qr.Bytes()),
	})
}

// confirm turns TOTP on with a first valid code and answers the ten
// recovery codes, shown this once. Other sessions end (the token key
// rotates); the caller gets a fresh token.
func (s *Service) confirm(e *core.RequestEvent) error {
	var body struct {
		Code string `json:"code"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("The body must be a JSON object.", err)
	}
	secretRec, secret, err := s.loadSecret(e.App, e.Auth.Id)
	if err != nil || secretRec.GetBool("confirmed") {
		return e.BadRequestError("Start with /api/vigie/totp/setup.", nil)
	}
	step, ok := totp.Verify(secret, body.Code, s.Now(), int64(secretRec.GetInt("lastStep")))
	if !ok {
		return e.BadRequestError("Invalid code.", validation.Errors{"code": validation.NewError("validation_invalid_code", "This code is not valid now.")})
	}
	codes, hashes := totp.RecoveryCodes(10)
	var token string
	err = e.App.RunInTransaction(func(tx core.App) error {
		secretRec.Set("confirmed", true)
		secretRec.Set("lastStep", step)
		secretRec.Set("recoveryHashes", hashes)
		if err := tx.Save(secretRec); err != nil {
			return err
		}
		user, err := tx.FindRecordById(schema.Users, e.Auth.Id)
		if err != nil {
			return err
		}
		user.Set("totpEnabled", true)
		user.RefreshTokenKey()
		if err := tx.Save(user); err != nil {
			return err
		}
		if token, err = user.NewAuthToken(); err != nil {
			return err
		}
		return s.auditUser(tx, s.userEntry(e, audit.TOTPEnabled), user)
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"recoveryCodes": codes, "token": token})
}

// disable turns TOTP off with a valid code or a recovery code.
func (s *Service) disable(e *core.RequestEvent) error {
	var body struct {
		Code         string `json:"code"`
		RecoveryCode string `json:"recoveryCode"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("The body must be a JSON object.", err)
	}
	secretRec, secret, err := s.loadSecret(e.App, e.Auth.Id)
	if err != nil || !secretRec.GetBool("confirmed") {
		return e.BadRequestError("Two-factor authentication is off.", nil)
	}
	ok, err := s.useSecondFactor(e.App, e.Auth, secretRec, secret, body.Code, body.RecoveryCode)
	if err != nil {
		return err
	}
	if !ok {
		return e.BadRequestError("Invalid code.", validation.Errors{"code": validation.NewError("validation_invalid_code", "This code is not valid now.")})
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		if err := tx.Delete(secretRec); err != nil {
			return err
		}
		user, err := tx.FindRecordById(schema.Users, e.Auth.Id)
		if err != nil {
			return err
		}
		user.Set("totpEnabled", false)
		if err := tx.Save(user); err != nil {
			return err
		}
		if err := s.auditUser(tx, s.userEntry(e, audit.TOTPDisabled), user); err != nil {
			return err
		}
		return e.NoContent(http.StatusNoContent)
	})
}

// loadSecret returns a user's TOTP record and its opened secret.
func (s *Service) loadSecret(app core.App, userID string) (*core.Record, string, error) {
	r, err := app.FindFirstRecordByData(schema.TOTPSecrets, "user", userID)
	if err != nil {
		return nil, "", err
	}
	box, err := s.secrets()
	if err != nil {
		return nil, "", err
	}
	secret, err := box.Open(r.GetString("sealedSecret"))
	return r, secret, err
}
