// Package security implements S: the TOTP second factor and its sign-in
// step, 2FA required by an establishment, the access overview, support
// staff's access, the audit of these events, and password strength.
package security

import (
	"path/filepath"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/authcache"
	"vigie/internal/config"
	"vigie/internal/secretbox"
)

// Service holds what the security hooks share; Now is the clock, injected
// by tests.
type Service struct {
	App core.App
	Cfg *config.Config
	Now func() time.Time

	boxOnce sync.Once
	box     *secretbox.Box
	boxErr  error

	locks versioned[[]string] // requireTOTP's answers per user (see bindLockCache)
	auth  authcache.Cache     // the records tokens resolved to
}

// challengeTTL is how long a password-verified sign-in waits for its code.
const challengeTTL = 5 * time.Minute

// maxChallengeFailures kills a challenge: a new password is needed.
const maxChallengeFailures = 5

// Register binds the security hooks and routes.
func Register(app core.App, cfg *config.Config, now func() time.Time) *Service {
	s := &Service{App: app, Cfg: cfg, Now: now}
	s.bindSignIn(app)
	s.bindPasswordScore(app)
	s.bindCommonPasswords(app)
	s.bindCredentialNotices(app)
	s.bindAccountThrottle(app)
	s.bindSupportReads(app)
	s.bindSupportFileAndStreamReads(app)
	s.bindRequireTOTPGuard(app)
	s.bindLockCache(app)
	s.bindStreamEnds(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		s.App = se.App
		auths, err := se.App.FindAllCollections(core.CollectionTypeAuth)
		if err != nil {
			return err
		}
		for _, c := range auths {
			authcache.Watch(c.Name)
		}
		se.Router.Bind(s.auth.Middleware())
		se.Router.BindFunc(s.requireTOTP)
		se.Router.BindFunc(s.expireSupportGrants)
		s.bindTOTPRoutes(se)
		s.bindAdminRoutes(se)
		return se.Next()
	})
	return s
}

// secrets returns the box sealing TOTP secrets, with the configured key or
// the one kept in the data dir.
func (s *Service) secrets() (*secretbox.Box, error) {
	s.boxOnce.Do(func() {
		key, err := secretbox.LoadKey(s.Cfg.EncryptionKey, filepath.Join(s.App.DataDir(), "vigie.key"))
		if err != nil {
			s.boxErr = err
			return
		}
		s.box, s.boxErr = secretbox.New(key)
	})
	return s.box, s.boxErr

}
