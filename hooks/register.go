// Package hooks binds every Vigie capability to a PocketBase app, in one
// readable list: one package per SPEC section.
package hooks

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/contracts"
	"vigie/hooks/documents"
	"vigie/hooks/locks"
	"vigie/hooks/network"
	"vigie/hooks/pages"
	"vigie/hooks/records"
	"vigie/hooks/reminders"
	"vigie/hooks/security"
	"vigie/hooks/share"
	"vigie/hooks/tenancy"
	"vigie/internal/config"
	"vigie/internal/planner"
	"vigie/internal/schema"
)

// Register binds Vigie's hooks, routes and pages to app. cfg is read when
// requests are served, so flags parsed after Register still apply.
func Register(app core.App, cfg *config.Config) {
	applyMailSettings(app, cfg)
	planner.Register(app)
	lists := records.Register(app, cfg)
	lists.ListFrom(schema.Documents, documents.ListVisible)
	lists.ViewFrom(schema.Documents, documents.ViewVisible)
	// The pages list one establishment's partners and requirements.
	lists.ListFrom(schema.Relationships, records.ProbeAccess("customer", "supplier"))
	lists.ListFrom(schema.Requirements, records.ProbeAccess("customer"))
	audit.Register(app)
	tenancy.Register(app, cfg)
	network.Register(app, cfg)
	contracts.Register(app)
	locks.Register(app, cfg, time.Now)
	security.Register(app, cfg, time.Now)
	documents.Register(app, cfg, time.Now)
	share.Register(app, cfg, time.Now)
	reminders.Register(app, cfg, time.Now)
	pages.Register(app)
}
