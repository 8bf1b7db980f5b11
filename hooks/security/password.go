package security

import (
	"strings"
	"time"

	"github.com/ccojocar/zxcvbn-go"
	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/notify"
	"vigie/internal/schema"
)

// bindPasswordScore estimates a password's strength (0-4, zxcvbn) when it is
// set, for the access overview (S4). The password itself is never kept.
func (s *Service) bindPasswordScore(app core.App) {
	score := func(e *core.RecordEvent) error {
		if plain := e.Record.GetString("password"); plain != "" {
			inputs := []string{e.Record.Email(), e.Record.GetString("firstName"), e.Record.GetString("lastName"), "vigie"}
			e.Record.Set("passwordScore", zxcvbn.PasswordStrength(plain, inputs).Score)
		}
		return e.Next()
	}
	app.OnRecordCreate(schema.Users).BindFunc(score)
	app.OnRecordUpdate(schema.Users).BindFunc(score)
}

// bindCommonPasswords refuses, on every API path that sets a password
// (sign-up, update, reset and invitation links), one that zxcvbn's
// built-in lists of breached and common passwords, keyboard walks and
// dates guess at once (score 0 or 1), OWASP ASVS 2.1.7: checked on the
// appliance, so no password leaves it. Go code (tests, demo) is not held
// to it; the 12-character minimum stays the model's rule.
func (s *Service) bindCommonPasswords(app core.App) {
	check := func(e *core.RequestEvent, record *core.Record) error {
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		plain, _ := info.Body["password"].(string)
		if plain == "" {
			return nil
		}
		inputs := []string{"vigie"}
		if record != nil {
			inputs = append(inputs, record.Email(), record.GetString("firstName"), record.GetString("lastName"))
		}
		if zxcvbn.PasswordStrength(plain, inputs).Score <= 1 {
			return e.BadRequestError("This password is among the first ones attackers try.", validation.Errors{
				"password": validation.NewError("validation_password_common",
					"This password is among the first ones attackers try: a few unrelated words make a better one."),
			})
		}
		return nil
	}
	app.OnRecordCreateRequest(schema.Users).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := check(e.RequestEvent, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest(schema.Users).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := check(e.RequestEvent, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordConfirmPasswordResetRequest(schema.Users).BindFunc(func(e *core.RecordConfirmPasswordResetRequestEvent) error {
		if err := check(e.RequestEvent, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
}

// Kinds of the notices of credential changes (texts in hooks/notify).
const (
	KindPasswordChanged = notify.KindPasswordChanged
	KindEmailChanged    = notify.KindEmailChanged
	KindTOTPEnabled     = notify.KindTOTPEnabled
	KindTOTPDisabled    = notify.KindTOTPDisabled
	KindTOTPReplayed    = notify.KindTOTPReplayed
	KindTOTPLimited     = notify.KindTOTPLimited
)

// bindCredentialNotices tells users when a factor of their account changes
// (OWASP ASVS 2.2.3, 2.5.5): a new password (changed or reset), a new email
// address (told to the old one, so that a take-over is seen), two-factor
// authentication turned on or off. Each is an in-app notification and an
// email sent once the change commits; neither holds a secret. A first
// password, set by redeeming an invitation, is not news.
func (s *Service) bindCredentialNotices(app core.App) {
	app.OnRecordUpdate(schema.Users).BindFunc(func(e *core.RecordEvent) error {
		before := e.Record.Original()
		var kinds []string
		if e.Record.GetString("password") != "" && before.GetBool("verified") {
			kinds = append(kinds, KindPasswordChanged)
		}
		oldEmail := before.Email()
		if !strings.EqualFold(oldEmail, e.Record.Email()) && oldEmail != "" {
			kinds = append(kinds, KindEmailChanged)
		}
		if on := e.Record.GetBool("totpEnabled"); on != before.GetBool("totpEnabled") {
			kinds = append(kinds, map[bool]string{true: KindTOTPEnabled, false: KindTOTPDisabled}[on])
		}
		if err := e.Next(); err != nil || len(kinds) == 0 {
			return err
		}
		for _, kind := range kinds {
			to := e.Record.Email()
			if kind == KindEmailChanged {
				to = oldEmail
			}
			if err := s.noticeCredential(e.App, e.Record, kind, to); err != nil {
				return err
			}
		}
		return nil
	})
}

// noticeCredential tells user, in-app and by email to to, that kind
// happened now; within a transaction, once it commits.
func (s *Service) noticeCredential(app core.App, user *core.Record, kind, to string) error {
	return notify.UserAt(app, user, to, notify.Message{Kind: kind,
		Vars: map[string]string{"when": s.Now().UTC().Format(time.DateTime) + " UTC"}})
}
