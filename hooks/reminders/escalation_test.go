package reminders_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"vigie/hooks/reminders"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// V7: at the third reminder of a missing document, the customer's member
// in charge of the relationship is told, not its admins; a dry run says so
// without telling or recording anything; it is told once, however many
// reminders follow; a setting of 0 tells nobody.
func TestEscalationToTheMemberInChargeV7(t *testing.T) {
	s := newSim(t)
	cfg := testkit.Config()
	inCharge := testkit.User(t, s.App, "in-charge@customer.test")
	testkit.Member(t, s.App, inCharge, s.Customer, profiles.FullAccess)
	rel, err := s.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}", dbx.Params{"c": s.Customer.Id, "s": s.Home.Id})
	if err != nil {
		t.Fatal(err)
	}
	rel.Set("owner", inCharge.Id)
	testkit.Save(t, s.App, rel)
	en := &reminders.Engine{App: s.App, Cfg: &cfg}
	told := func() int64 {
		n, _ := s.App.CountRecords(schema.Notifications, dbx.HashExp{"kind": "reminder_escalated"})
		return n
	}
	for _, d := range []int{0, 7} {
		if report, err := en.Run(s.start.AddDate(0, 0, d), false); err != nil || len(report.Escalations) != 0 {
			t.Fatalf("day %d: %v, escalations %+v", d, err, report.Escalations)
		}
	}
	dry, err := en.Run(s.start.AddDate(0, 0, 14), true)
	if err != nil || len(dry.Escalations) != 1 || dry.Escalations[0].To != inCharge.Email() || !strings.Contains(dry.Escalations[0].Body, "URSSAF") {
		t.Fatalf("dry run at the third reminder: %v %+v", err, dry.Escalations)
	}
	if told() != 0 {
		t.Fatal("a dry run told someone")
	}
	s.App.TestMailer.Reset()
	if _, err := en.Run(s.start.AddDate(0, 0, 14), false); err != nil {
		t.Fatal(err)
	}
	if told() != 1 {
		t.Fatalf("escalations after the third reminder: %d, want 1", told())
	}
	for _, m := range s.App.TestMailer.Messages() {
		if strings.Contains(m.Subject, "relances") && m.To[0].Address != inCharge.Email() {
			t.Errorf("escalation mailed to %s", m.To[0].Address)
		}
	}
	for _, d := range []int{21, 28} {
		if _, err := en.Run(s.start.AddDate(0, 0, d), false); err != nil {
			t.Fatal(err)
		}
	}
	if told() != 1 {
		t.Errorf("escalations after more reminders: %d, want still 1", told())
	}
	// The log keeps one escalation row, which sentAbout leaves out of the
	// supplier page's list of reminders (U2).
	if n, _ := s.App.CountRecords(schema.ReminderLog, dbx.NewExp("step LIKE 'escalated:%'")); n != 1 {
		t.Errorf("escalation log rows: %d", n)
	}

	off := testkit.Config()
	off.EscalateAfter = 0
	other := newSim(t)
	en = &reminders.Engine{App: other.App, Cfg: &off}
	for _, d := range []int{0, 7, 14, 21} {
		if report, err := en.Run(other.start.AddDate(0, 0, d), false); err != nil || len(report.Escalations) != 0 {
			t.Fatalf("setting 0, day %d: %v %+v", d, err, report.Escalations)
		}
	}
}
