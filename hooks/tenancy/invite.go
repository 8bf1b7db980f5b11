package tenancy

import (
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"vigie/internal/config"
)

// inviteToken is a password-reset token that lives as long as an invitation:
// PocketBase's own confirm-password-reset endpoint redeems it, sets the
// password and marks the email verified. A password set or changed since
// invalidates it, like any reset token (the signing key includes the
// record's token key).
func inviteToken(user *core.Record, validity time.Duration) (string, error) {
	return security.NewJWT(jwt.MapClaims{
		core.TokenClaimType:         core.TokenTypePasswordReset,
		core.TokenClaimId:           user.Id,
		core.TokenClaimCollectionId: user.Collection().Id,
		core.TokenClaimEmail:        user.Email(),
	}, user.TokenKey()+user.Collection().PasswordResetToken.Secret, validity)
}

// inviteLink is the page where an invited user chooses a password.
func inviteLink(cfg *config.Config, user *core.Record) (string, error) {
	token, err := inviteToken(user, cfg.InviteValidity)
	if err != nil {
		return "", err
	}
	return cfg.Link("/invite.html?token=" + url.QueryEscape(token)), nil
}
