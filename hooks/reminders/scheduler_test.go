package reminders_test

import (
	"testing"
	"time"

	"vigie/hooks/reminders"
	"vigie/internal/testkit"
)

// R1, R4: the four jobs are scheduled from the settings, in their zone; a bad
// schedule or zone stops the start with a clear error.
func TestSchedulerFromSettingsR1(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	en := &reminders.Engine{App: app, Cfg: &cfg}
	c, err := reminders.NewScheduler(en, &cfg, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Entries()); n != 4 {
		t.Fatalf("%d jobs, want 4", n)
	}
	if loc := c.Location().String(); loc != "Europe/Paris" {
		t.Fatalf("zone %s", loc)
	}
	// The next reminder run is at 07:00 Paris time.
	next := c.Entries()[0].Schedule.Next(time.Date(2026, 11, 24, 12, 0, 0, 0, c.Location()))
	if next.Hour() != 7 || next.Day() != 25 {
		t.Fatalf("next reminder run %v", next)
	}
	bad := cfg
	bad.ReminderSchedule = "every morning"
	if _, err := reminders.NewScheduler(en, &bad, time.Now); err == nil {
		t.Fatal("a bad schedule was accepted")
	}
	bad = cfg
	bad.TimeZone = "Mars/Olympus"
	if _, err := reminders.NewScheduler(en, &bad, time.Now); err == nil {
		t.Fatal("a bad zone was accepted")
	}
}

// A panicking job is recovered: the scheduler and the server go on.
func TestPanicRecoveredR1(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	cfg.ReminderSchedule = "@every 1s"
	en := &reminders.Engine{App: app, Cfg: &cfg}
	calls := make(chan struct{}, 4)
	c, err := reminders.NewScheduler(en, &cfg, func() time.Time {
		calls <- struct{}{}
		panic("clock broke")
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Start()
	defer c.Stop()
	for i := 0; i < 2; i++ {
		select {
		case <-calls:
		case <-time.After(5 * time.Second):
			t.Fatal("the job did not run again after a panic")
		}
	}
}
