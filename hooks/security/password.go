package security

import (
	"html"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/ccojocar/zxcvbn-go"
	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

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

// maxFailedSignIns bounds the wrong passwords one account takes within
// failedSignInWindow, from any number of addresses (OWASP ASVS 2.2.1 asks
// for at most 100 an hour): past it, password sign-in answers 429 until the
// oldest failure leaves the window, even with the right password. The
// per-address rate limits stay the first line; this one stops a guessing
// spread over many addresses, at the price of letting someone hold an
// account's password sign-in for up to an hour. Failures are kept in
// memory: a restart forgets them.
const (
	maxFailedSignIns   = 50
	failedSignInWindow = time.Hour
)

func (s *Service) bindAccountThrottle(app core.App) {
	var mu sync.Mutex
	failures := map[string][]time.Time{}
	recent := func(id string, now time.Time) []time.Time { // with mu held
		kept := failures[id][:0:0]
		for _, t := range failures[id] {
			if now.Sub(t) < failedSignInWindow {
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 {
			delete(failures, id)
		} else {
			failures[id] = kept
		}
		return kept
	}
	app.OnRecordAuthWithPasswordRequest(schema.Users).BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		if e.Record == nil {
			return e.Next()
		}
		id, now := e.Record.Id, s.Now()
		mu.Lock()
		if len(recent(id, now)) >= maxFailedSignIns {
			mu.Unlock()
			return e.TooManyRequestsError("Too many wrong passwords for this account: try again later.", nil)
		}
		failures[id] = append(failures[id], now) // counted until it succeeds, so that parallel guesses count too
		mu.Unlock()
		err := e.Next()
		if err == nil {
			mu.Lock()
			if list := failures[id]; len(list) > 0 {
				for i := len(list) - 1; i >= 0; i-- {
					if list[i].Equal(now) {
						failures[id] = append(list[:i:i], list[i+1:]...)
						break
					}
				}
			}
			mu.Unlock()
		}
		return err
	})
}

// Kinds of the in-app notifications of credential changes.
const (
	KindPasswordChanged = "security_password_changed"
	KindEmailChanged    = "security_email_changed"
	KindTOTPEnabled     = "security_totp_enabled"
	KindTOTPDisabled    = "security_totp_disabled"
	// KindTOTPReplayed: a code already used was presented (ASVS 2.8.5).
	KindTOTPReplayed = "security_totp_replayed"
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

// noticeCredential writes the in-app notification and mails to, after the
// surrounding transaction commits (at once outside one).
func (s *Service) noticeCredential(app core.App, user *core.Record, kind, to string) error {
	text := credentialTexts[kind][user.GetString("lang") == "en"]
	when := s.Now().UTC().Format(time.DateTime) + " UTC"
	subject, body := text[0], strings.ReplaceAll(text[1], "{when}", when)
	col, err := app.FindCachedCollectionByNameOrId(schema.Notifications)
	if err != nil {
		return err
	}
	n := core.NewRecord(col)
	n.Set("user", user.Id)
	n.Set("kind", kind)
	n.Set("title", subject)
	n.Set("body", body)
	if err := app.Save(n); err != nil {
		return err
	}
	send := func() {
		meta := app.Settings().Meta
		msg := &mailer.Message{
			From: mail.Address{Address: meta.SenderAddress, Name: meta.SenderName},
			To:   []mail.Address{{Address: to}}, Subject: subject, Text: body,
			HTML: "<p>" + strings.ReplaceAll(html.EscapeString(body), "\n", "<br>") + "</p>",
		}
		if err := app.NewMailClient().Send(msg); err != nil {
			app.Logger().Error("security: unable to send a credential notice", "kind", kind, "error", err)
		}
	}
	if tx := app.TxInfo(); tx != nil {
		tx.OnComplete(func(txErr error) error {
			if txErr == nil {
				send()
			}
			return nil
		})
		return nil
	}
	send()
	return nil
}

const ifNotYou = "\n\nIf it was not you, reset your password from the sign-in page at once and tell your establishment's administrator."
const siCeNEstPasVous = "\n\nSi ce n'est pas vous, réinitialisez tout de suite votre mot de passe depuis la page de connexion et prévenez l'administrateur de votre établissement."

// credentialTexts holds each notice's subject and body, French (false) and
// English (true).
var credentialTexts = map[string]map[bool][2]string{
	KindPasswordChanged: {
		false: {"Votre mot de passe Vigie a été modifié", "Le mot de passe de votre compte Vigie a été modifié le {when}." + siCeNEstPasVous},
		true:  {"Your Vigie password was changed", "The password of your Vigie account was changed on {when}." + ifNotYou},
	},
	KindEmailChanged: {
		false: {"L'adresse de votre compte Vigie a été modifiée", "L'adresse email de votre compte Vigie a été remplacée le {when} ; ce message part vers l'ancienne adresse." + siCeNEstPasVous},
		true:  {"The address of your Vigie account was changed", "The email address of your Vigie account was replaced on {when}; this message goes to the old address." + ifNotYou},
	},
	KindTOTPEnabled: {
		false: {"Double authentification activée", "La double authentification de votre compte Vigie a été activée le {when} ; vos autres sessions ont été fermées." + siCeNEstPasVous},
		true:  {"Two-factor authentication turned on", "Two-factor authentication was turned on for your Vigie account on {when}; your other sessions were signed out." + ifNotYou},
	},
	KindTOTPReplayed: {
		false: {"Un code de double authentification déjà utilisé a été présenté", "Le {when}, quelqu'un a tenté de se connecter à votre compte Vigie avec votre mot de passe et un code de double authentification déjà utilisé ; la connexion a été refusée. Votre mot de passe et un de vos codes ont pu être vus." + siCeNEstPasVous},
		true:  {"A two-factor code already used was presented", "On {when}, someone tried to sign in to your Vigie account with your password and a two-factor code that had already been used; the sign-in was refused. Your password and one of your codes may have been seen." + ifNotYou},
	},
	KindTOTPDisabled: {
		false: {"Double authentification désactivée", "La double authentification de votre compte Vigie a été désactivée le {when}." + siCeNEstPasVous},
		true:  {"Two-factor authentication turned off", "Two-factor authentication was turned off for your Vigie account on {when}." + ifNotYou},
	},
}
