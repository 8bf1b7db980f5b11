// Package share implements L: one document shared with one recipient by a
// link whose token exists only in the link, opened after an email check,
// limited in time and opens, accepted, revoked, and audited at every step.
package share

import (
	"crypto/rand"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"vigie/internal/config"
)

// Service holds what the share routes share; Now is the clock, injected by
// tests.
type Service struct {
	App core.App
	Cfg *config.Config
	Now func() time.Time
	// fileKey signs the short-lived file URLs; it lives with the process:
	// a restart only cuts URLs that would have died within minutes.
	fileKey []byte
}

// maxFailures wrong addresses lock a link (L2).
const maxFailures = 5

// fileURLTTL is how long a file URL given after a successful check works.
const fileURLTTL = 5 * time.Minute

// Register binds the share routes.
func Register(app core.App, cfg *config.Config, now func() time.Time) *Service {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err) // no randomness: nothing can be shared safely
	}
	s := &Service{App: app, Cfg: cfg, Now: now, fileKey: key}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		s.App = se.App
		se.Router.POST("/api/vigie/documents/{id}/share", s.create)
		se.Router.DELETE("/api/vigie/share-links/{id}", s.revoke)
		se.Router.GET("/api/vigie/share-links/{id}/history", s.history)
		// Inside PocketBase's request logger, before its rate limiter and
		// router: requests refused before the share handlers (429, a wrong
		// method's 404, an unknown share-file path) are logged without their
		// token too (issue 18, item 12).
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id: "vigieShareLogRedaction", Priority: apis.DefaultActivityLoggerMiddlewarePriority + 1, Func: redactSharePaths,
		})
		se.Router.POST("/api/vigie/share/{token}", redacted(s.open))
		se.Router.POST("/api/vigie/share/{token}/accept", redacted(s.accept))
		se.Router.GET("/api/vigie/share-files/{link}/{file}", redacted(s.file))
		se.Router.GET("/s/{token}", redacted(s.page))
		return se.Next()
	})
	return s
}
