package demo

import (
	"path/filepath"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/config"
	"vigie/internal/schema"
	"vigie/internal/secretbox"
	"vigie/internal/totp"
)

// The demo's account with two-factor authentication on (S1): its secret
// and recovery codes are printed, so any authenticator app (or oathtool)
// can sign it in. A demo only: real secrets are drawn at enrolment.
const (
	TOTPEmail  = "emma.blanc@durand.demo"
	TOTPSecret = "VIGIEDEMOTOTPKEYJBSWY3DPEHPK3PXP"
)

// TOTPRecoveryCodes are the demo account's recovery codes, each usable once.
var TOTPRecoveryCodes = []string{"demo-2026-code-0001", "demo-2026-code-0002", "demo-2026-code-0003"}

// ensureTOTP turns two-factor authentication on for the demo account, as a
// confirmed enrolment would, unless it already is.
func ensureTOTP(tx core.App, cfg *config.Config) error {
	user, err := tx.FindAuthRecordByEmail(schema.Users, TOTPEmail)
	if err != nil || user.GetBool("totpEnabled") {
		return err
	}
	key, err := secretbox.LoadKey(cfg.EncryptionKey, filepath.Join(tx.DataDir(), "vigie.key"))
	if err != nil {
		return err
	}
	box, err := secretbox.New(key)
	if err != nil {
		return err
	}
	sealed, err := box.Seal(TOTPSecret)
	if err != nil {
		return err
	}
	col, err := tx.FindCachedCollectionByNameOrId(schema.TOTPSecrets)
	if err != nil {
		return err
	}
	hashes := make([]string, len(TOTPRecoveryCodes))
	for i, c := range TOTPRecoveryCodes {
		hashes[i] = totp.HashRecovery(c)
	}
	secret := core.NewRecord(col)
	secret.Load(map[string]any{"user": user.Id, "sealedSecret": sealed, "confirmed": true, "lastStep": 0, "recoveryHashes": hashes})
	if err := tx.Save(secret); err != nil {
		return err
	}
	user.Set("totpEnabled", true)
	return tx.Save(user)
}
