package tenancy

import (
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
)

// securityFields say how an account is protected and used. They are the
// user's own business and the operator's: an admin reads them for its
// members through the access overview (S4), and a customer never reads
// them for a supplier's contacts (N6, S4; issue 18, item 16).
var securityFields = []string{"passwordScore", "totpEnabled", "lastLoginAt", "support", "verified"}

// bindUserPrivacy hides securityFields from everyone but the user itself
// and superusers, in every answer that carries a user (lists, views,
// expands, realtime).
func bindUserPrivacy(app core.App) {
	app.OnRecordEnrich(schema.Users).BindFunc(func(e *core.RecordEnrichEvent) error {
		auth := e.RequestInfo.Auth
		if auth != nil && (auth.IsSuperuser() || (auth.Collection().Name == schema.Users && auth.Id == e.Record.Id)) {
			return e.Next()
		}
		e.Record.Hide(securityFields...)
		return e.Next()
	})
}
