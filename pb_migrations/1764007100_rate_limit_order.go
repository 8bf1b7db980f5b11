package pb_migrations

import (
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// PocketBase applies the first prefix rule, in list order, that matches a
// request's path: appended after its own "/api/" rule (300 requests per 10
// s), the share, share-files and TOTP rules of S7 never applied. Vigie's
// prefix rules go first, so the narrower limit wins (found by the ASVS
// review, TestRateLimitsASVS221).
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		ours := func(r core.RateLimitRule) bool {
			return strings.HasSuffix(r.Label, "/") && (strings.HasPrefix(r.Label, "/api/vigie/") || r.Label == "/s/")
		}
		rules := slices.Clone(s.RateLimits.Rules)
		slices.SortStableFunc(rules, func(a, b core.RateLimitRule) int {
			switch {
			case ours(a) && !ours(b):
				return -1
			case ours(b) && !ours(a):
				return 1
			}
			return 0
		})
		s.RateLimits.Rules = rules
		return app.Save(s)
	}, nil)
}
