package security

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/audit"
	"vigie/internal/schema"
	"vigie/internal/totp"
)

// authMethodTOTP marks the auth answer given after the second factor.
const authMethodTOTP = "totp"

// bindSignIn puts the second factor between a password and a token (S2):
// every way to a token (password, OTP, OAuth2) stops at a challenge for a
// user with TOTP on. Refreshing needs a token, which only the full sign-in
// gives, and enabling TOTP rotates the token key, ending older sessions.
func (s *Service) bindSignIn(app core.App) {
	app.OnRecordAuthRequest(schema.Users).BindFunc(func(e *core.RecordAuthRequestEvent) error {
		switch {
		case e.AuthMethod == "": // refresh of a token already fully signed in
			if !s.sessionFresh(e.Record) {
				return e.UnauthorizedError("Your session has ended: sign in again.", nil)
			}
			return e.Next()
		case e.AuthMethod != authMethodTOTP && e.Record.GetBool("totpEnabled"):
			return s.challenge(e)
		}
		if err := e.Next(); err != nil {
			return err
		}
		return s.signedIn(e.RequestEvent, e.Record, e.AuthMethod)
	})
	app.OnRecordAuthWithPasswordRequest(schema.Users).BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		err := e.Next()
		if err != nil && !e.Written() {
			entry := audit.FromRequest(e.RequestEvent, audit.SignInFailed)
			entry.Actor, entry.ActorEmail = "", strings.ToLower(strings.TrimSpace(e.Identity))
			entry.Data = map[string]any{"method": "password"}
			if e.Record != nil {
				entry.Actor = e.Record.Id
			}
			if auditErr := s.auditUser(e.App, entry, e.Record); auditErr != nil {
				e.App.Logger().Error("security: unable to audit a failed sign-in", "error", auditErr)
			}
		}
		return err
	})
}

// challenge answers a correct password of a TOTP user with 401 and a
// challenge to redeem with a code: no token.
func (s *Service) challenge(e *core.RecordAuthRequestEvent) error {
	token := security.RandomString(40)
	col, err := e.App.FindCachedCollectionByNameOrId(schema.TOTPChallenges)
	if err != nil {
		return err
	}
	c := core.NewRecord(col)
	c.Set("user", e.Record.Id)
	c.Set("tokenHash", hashToken(token))
	c.Set("expiresAt", s.Now().Add(challengeTTL))
	c.Set("ip", e.RealIP())
	if err := e.App.Save(c); err != nil {
		return err
	}
	return e.JSON(http.StatusUnauthorized, map[string]any{
		"status": http.StatusUnauthorized, "message": "Enter the code of your authenticator app.",
		"data": map[string]any{}, "totpChallenge": token,
	})
}

// signInWithCode redeems a challenge with a TOTP or recovery code (S1, S2).
func (s *Service) signInWithCode(e *core.RequestEvent) error {
	var body struct {
		Challenge    string `json:"challenge"`
		Code         string `json:"code"`
		RecoveryCode string `json:"recoveryCode"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("The body must be a JSON object.", err)
	}
	refused := func() error { return e.UnauthorizedError("Invalid or expired code.", nil) }
	c, err := e.App.FindFirstRecordByData(schema.TOTPChallenges, "tokenHash", hashToken(body.Challenge))
	if err != nil || body.Challenge == "" {
		return refused()
	}
	failures, err := s.takeChallengeFailure(e.App, c.Id)
	if err != nil {
		_ = e.App.Delete(c) // expired or used up: a new password is needed
		return refused()
	}
	user, err := e.App.FindRecordById(schema.Users, c.GetString("user"))
	if err != nil {
		return refused()
	}
	secretRec, secret, loadErr := s.loadSecret(e.App, user.Id)
	ok := false
	if loadErr == nil {
		ok, err = s.useSecondFactor(e.App, user, secretRec, secret, body.Code, body.RecoveryCode)
		if errors.Is(err, errSecondFactorLimited) {
			entry := audit.FromRequest(e, audit.SignInFailed)
			entry.Actor, entry.ActorEmail = user.Id, user.Email()
			entry.Data = map[string]any{"method": authMethodTOTP, "limited": true}
			if err := s.auditUser(e.App, entry, user); err != nil {
				return err
			}
			return errSecondFactorLimited
		}
		if err != nil {
			return err
		}
	}
	if !ok {
		// A right code already used means someone holds the password and
		// saw a code (ASVS 2.8.5): the holder is told, not only the log.
		replayed := false
		if loadErr == nil && body.Code != "" {
			_, replayed = totp.Verify(secret, body.Code, s.Now(), -1)
		}
		entry := audit.FromRequest(e, audit.SignInFailed)
		entry.Actor, entry.ActorEmail = user.Id, user.Email()
		entry.Data = map[string]any{"method": authMethodTOTP, "failures": failures, "replayed": replayed}
		if err := s.auditUser(e.App, entry, user); err != nil {
			return err
		}
		if replayed {
			if err := s.noticeCredential(e.App, user, KindTOTPReplayed, user.Email()); err != nil {
				return err
			}
		}
		return refused()
	}
	// The challenge is redeemed once, whatever parallel requests bring.
	redeemed, err := redeemChallenge(e.App, c.Id)
	if err != nil {
		return err
	}
	if !redeemed {
		return refused()
	}
	if body.Code == "" {
		entry := audit.FromRequest(e, audit.RecoveryCodeUsed)
		entry.Actor, entry.ActorEmail = user.Id, user.Email()
		if err := s.auditUser(e.App, entry, user); err != nil {
			return err
		}
	}
	return apis.RecordAuthResponse(e, user, authMethodTOTP, nil)
}

// SessionLimit is how long a full sign-in lasts, refreshes included
// (OWASP ASVS 3.3.2; the tokens themselves live as long, see the
// session_lifetime migration).
const SessionLimit = 12 * time.Hour

// sessionFresh reports whether user's last full sign-in is recent enough to
// refresh its token; a token made without a sign-in (by Go code or an
// operator's impersonation) cannot be refreshed.
func (s *Service) sessionFresh(user *core.Record) bool {
	last := user.GetDateTime("lastLoginAt")
	return !last.IsZero() && s.Now().Sub(last.Time()) < SessionLimit
}

// signedIn records a successful sign-in: last sign-in time and the audit.
func (s *Service) signedIn(e *core.RequestEvent, user *core.Record, method string) error {
	fresh, err := e.App.FindRecordById(schema.Users, user.Id)
	if err != nil {
		return err
	}
	now, _ := types.ParseDateTime(s.Now())
	fresh.Set("lastLoginAt", now)
	if err := e.App.UnsafeWithoutHooks().Save(fresh); err != nil {
		return err
	}
	entry := audit.FromRequest(e, audit.SignedIn)
	entry.Actor, entry.ActorEmail = user.Id, user.Email()
	entry.Data = map[string]any{"method": method}
	return s.auditUser(e.App, entry, user)
}

// auditUser writes a user's event once per establishment it belongs to, so
// that each one's admins see it, or once without establishment.
func (s *Service) auditUser(app core.App, entry audit.Entry, user *core.Record) error {
	var ests []string
	if user != nil {
		_ = app.DB().Select("establishment").From(schema.Memberships).Where(dbx.HashExp{"user": user.Id}).Column(&ests)
	}
	if len(ests) == 0 {
		ests = []string{""}
	}
	for _, est := range ests {
		entry.Establishment = est
		entry.Collection = schema.Users
		if user != nil {
			entry.RecordID = user.Id
		}
		if err := audit.Write(app, entry); err != nil {
			return err
		}
	}
	return nil
}

// userEntry is the audit entry of a change a user made to its own account.
func (s *Service) userEntry(e *core.RequestEvent, action string) audit.Entry {
	return audit.FromRequest(e, action)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
