package cmd

import (
	"bytes"
	"strings"
	"testing"

	"vigie/hooks/demo"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// R5: `vigie reminders run --dry-run` prints the emails a run would send
// over the demo data, and sends and records nothing; without the flag it
// sends them.
func TestRemindersRunCommandR5(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	if _, err := demo.Load(app, &cfg); err != nil {
		t.Fatal(err)
	}
	app.TestMailer.Reset()
	run := func(args ...string) string {
		t.Helper()
		c := remindersCommand(app, &cfg)
		var out bytes.Buffer
		c.SetOut(&out)
		c.SetArgs(append([]string{"run"}, args...))
		if err := c.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	out := run("--dry-run")
	if !strings.Contains(out, "would send") || !strings.Contains(out, "To: julie.bernard@martin.demo") ||
		!strings.Contains(out, "Attestation de vigilance URSSAF") {
		t.Fatalf("dry run printed:\n%s", out)
	}
	if n, _ := app.CountRecords(schema.ReminderLog); n != 0 || app.TestMailer.TotalSend() != 0 {
		t.Fatalf("the dry run recorded %d items and sent %d emails", n, app.TestMailer.TotalSend())
	}
	out = run()
	if !strings.Contains(out, "sent") || app.TestMailer.TotalSend() == 0 {
		t.Fatalf("the run printed:\n%s", out)
	}
	if again := run(); !strings.Contains(again, "0 item(s) due") {
		t.Fatalf("a second run the same day:\n%s", again)
	}
}
