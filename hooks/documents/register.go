// Package documents implements D and N5's document side: uploads checked by
// content and normalised, versions that supersede each other, statuses by
// validity date, requirements checked against the network, and the
// compliance answer per supplier and type. Who sees a document is decided by
// its audience keys (internal/audience) against the access rows the tenancy
// hooks keep.
package documents

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/config"
	"vigie/internal/schema"
)

// Service holds what the documents hooks share; Now is the clock, injected
// by tests.
type Service struct {
	App core.App
	Cfg *config.Config
	Now func() time.Time

	summaries summaryCache
}

// Register binds the documents hooks, routes and status sweep.
func Register(app core.App, cfg *config.Config, now func() time.Time) *Service {
	s := &Service{App: app, Cfg: cfg, Now: now}
	app.OnRecordCreate(schema.Documents).BindFunc(s.onCreate)
	app.OnRecordUpdate(schema.Documents).BindFunc(s.onUpdate)
	app.OnRecordCreateRequest(schema.Documents).BindFunc(s.checkUpload)
	app.OnRecordUpdateRequest(schema.Documents).BindFunc(s.checkDates)
	app.OnRecordCreateRequest(schema.Requirements).BindFunc(checkRequirement)
	app.OnRecordUpdateRequest(schema.Requirements).BindFunc(checkRequirement)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		s.App = se.App
		if err := s.applyUploadLimit(se.App); err != nil {
			return err
		}
		s.bindComplianceRoute(se)
		s.bindAdoptRoute(se)
		return se.Next()
	})
	// The list reads the visible documents (list.go, wired by hooks.Register).
	// Statuses move with the calendar: the housekeeping job (hooks/reminders)
	// runs Sweep.
	return s
}
