package reminders

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/robfig/cron/v3"

	"vigie/internal/config"
)

// Register starts the scheduler with the server and stops it with it. Jobs
// never overlap themselves (SkipIfStillRunning) and a panic is logged, never
// fatal (Recover). clock is time.Now outside tests.
func Register(app core.App, cfg *config.Config, clock func() time.Time) {
	var c *cron.Cron
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if c != nil {
			c.Stop() // served again (tests build a router per request): one scheduler per app
		}
		en := &Engine{App: se.App, Cfg: cfg}
		var err error
		if c, err = NewScheduler(en, cfg, clock); err != nil {
			return err
		}
		c.Start()
		bindSentRoute(se)
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if c != nil {
			<-c.Stop().Done()
		}
		return e.Next()
	})
}

// NewScheduler builds the cron with the jobs at their configured
// schedules, in the configured zone.
func NewScheduler(en *Engine, cfg *config.Config, clock func() time.Time) (*cron.Cron, error) {
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("reminders: time zone %q: %w", cfg.TimeZone, err)
	}
	logger := cronLogger{en.App}
	// Recover must sit inside SkipIfStillRunning: the latter frees its slot
	// only when the job returns, so an unrecovered panic would block the job
	// for good (TestPanicRecoveredR1).
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(logger),
		cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)))
	jobs := []struct {
		name, spec string
		run        func(time.Time) error
	}{
		{"reminders", cfg.ReminderSchedule, func(now time.Time) error { _, err := en.Run(now, false); return err }},
		{"digest", cfg.DigestSchedule, func(now time.Time) error { _, err := en.Digest(now, false); return err }},
		{"housekeeping", cfg.HousekeepingSchedule, func(now time.Time) error { _, err := en.Housekeep(now); return err }},
		// Listing every stored file is the heavy part of clean-up: nightly.
		{"orphan files", "30 3 * * *", func(now time.Time) error {
			_, err := DeleteOrphanFiles(en.App, now.Add(-OrphanAge))
			return err
		}},
	}
	for _, j := range jobs {
		j := j
		_, err := c.AddFunc(j.spec, func() {
			start := time.Now()
			if err := j.run(clock()); err != nil {
				en.App.Logger().Error("scheduled job failed", "job", j.name, "error", err)
				return
			}
			en.App.Logger().Info("scheduled job done", "job", j.name, "duration", time.Since(start).String())
		})
		if err != nil {
			return nil, fmt.Errorf("reminders: %s schedule %q: %w", j.name, j.spec, err)
		}
	}
	return c, nil
}

// cronLogger sends robfig/cron's messages to PocketBase's log.
type cronLogger struct{ app core.App }

func (l cronLogger) Info(msg string, kv ...any) { l.app.Logger().Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.app.Logger().Error("cron: "+msg, append(kv, "error", err)...)
}
