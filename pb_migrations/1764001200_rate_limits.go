package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// PocketBase's rate limiter is off by default; Vigie turns it on (S7) with
// PocketBase's default rules plus one for the directory search (N1), whose
// answers are cheap to ask for and should not be scraped.
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.RateLimits.Enabled = true
		s.RateLimits.Rules = append(s.RateLimits.Rules,
			core.RateLimitRule{Label: "GET /api/vigie/directory", MaxRequests: 30, Duration: 10})
		return app.Save(s)
	}, nil)
}
