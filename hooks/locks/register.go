package locks

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/config"
)

// Register binds the lock routes and the write guard on every lockable
// collection; now is the clock (time.Now outside tests).
func Register(app core.App, cfg *config.Config, now func() time.Time) *Service {
	s := &Service{App: app, Timeout: cfg.LockTimeout, Now: now}
	guard := func(e *core.RecordRequestEvent) error {
		holder := ""
		if e.Auth != nil {
			holder = e.Auth.Id
		}
		if err := s.CheckWritable(e.Collection.Name, e.Record.Id, holder); err != nil {
			return err
		}
		return e.Next()
	}
	for name := range lockables {
		app.OnRecordUpdateRequest(name).BindFunc(guard)
		app.OnRecordDeleteRequest(name).BindFunc(guard)
	}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		s.App = se.App
		s.bindRoutes(se)
		return se.Next()
	})
	return s
}
