package reminders_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/hooks/reminders"
	"vigie/internal/fixtures"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

type sim struct {
	*testkit.World
	Second *core.Record
	start  time.Time
}

// day is the simulated date d days after the start, as stored.
func (s *sim) day(d int) string {
	return s.start.AddDate(0, 0, d).Format("2006-01-02") + " 00:00:00.000Z"
}

func (s *sim) upload(t *testing.T, code string, validUntilDay int) {
	t.Helper()
	f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), code+".pdf")
	testkit.Record(t, s.App, schema.Documents, map[string]any{"supplier": s.Home.Id, "type": testkit.TypeID(t, s.App, code),
		"file": f, "validFrom": s.day(0), "validUntil": s.day(validUntilDay)})
}

// newSim: Home supplies Customer (reference contact: Home's processing
// member) and Second (no reference contact: Home's admins hear). Customer
// collects Kbis and URSSAF from all suppliers, Second Kbis from Home. Home's
// Kbis ends on day 40; its URSSAF is missing. Each customer has an admin.
func newSim(t *testing.T) *sim {
	w := testkit.NewWorld(t)
	s := &sim{World: w}
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Now().In(paris)
	s.start = time.Date(now.Year(), now.Month(), now.Day(), 7, 0, 0, 0, paris)
	s.Second = testkit.Establishment(t, w.App, "Second SAS", testkit.SIRET())
	for email, est := range map[string]*core.Record{"admin@customer.test": w.Customer, "admin@second.test": s.Second} {
		testkit.Member(t, w.App, testkit.User(t, w.App, email), est, profiles.Admin)
	}
	testkit.Record(t, w.App, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Home.Id,
		"status": "active", "referents": []string{w.Users[testkit.Processing].Id}})
	testkit.Record(t, w.App, schema.Relationships, map[string]any{"customer": s.Second.Id, "supplier": w.Home.Id, "status": "active"})
	for _, r := range []struct {
		customer *core.Record
		code     string
		supplier string
	}{{w.Customer, "kbis", ""}, {w.Customer, "urssaf", ""}, {s.Second, "kbis", w.Home.Id}} {
		testkit.Record(t, w.App, schema.Requirements, map[string]any{"customer": r.customer.Id, "type": testkit.TypeID(t, w.App, r.code), "supplier": r.supplier})
	}
	s.upload(t, "kbis", 40)
	return s
}

// R1, R2, R3: 120 simulated days with an injected clock, daily runs,
// restarts, double runs and a clock set back; every email is accounted for.
func TestRemindersAndDigestOver120DaysR2R3(t *testing.T) {
	s := newSim(t)
	cfg := testkit.Config()
	got := map[string][]string{} // recipient → "day:kind" per email
	s.App.TestMailer.Reset()
	en := &reminders.Engine{App: s.App, Cfg: &cfg}
	collect := func(day int) {
		for _, m := range s.App.TestMailer.Messages() {
			kind := "reminder"
			if strings.Contains(m.Subject, "non conforme") {
				kind = "digest"
			}
			if strings.Contains(m.Subject, "relances") {
				kind = "escalation"
			}
			var what []string
			for _, code := range []string{"Extrait Kbis", "URSSAF"} {
				if strings.Contains(m.Text, code) {
					what = append(what, code)
				}
			}
			got[m.To[0].Address] = append(got[m.To[0].Address], fmt.Sprintf("%d:%s:%s", day, kind, strings.Join(what, "+")))
		}
		s.App.TestMailer.Reset()
	}
	for d := 0; d < 120; d++ {
		switch d {
		case 60:
			s.upload(t, "kbis", 150) // renewed: reminders about Kbis stop
		case 80:
			s.upload(t, "urssaf", 260) // provided: reminders about URSSAF stop
		}
		s.App.TestMailer.Reset()
		now := s.start.AddDate(0, 0, d)
		if d%30 == 15 {
			en = &reminders.Engine{App: s.App, Cfg: &cfg} // a restart: only the database remembers
		}
		if _, err := en.Housekeep(now); err != nil {
			t.Fatal(err)
		}
		for run := 0; run < 1+d%2; run++ { // every other day, a second run
			if _, err := en.Run(now, false); err != nil {
				t.Fatal(err)
			}
			if _, err := en.Digest(now, false); err != nil {
				t.Fatal(err)
			}
		}
		if d == 45 { // the clock is set back a day: nothing goes twice
			en.Run(now.AddDate(0, 0, -1), false)
			en.Digest(now.AddDate(0, 0, -1), false)
		}
		collect(d)
	}

	kbisDays := []int{10, 33, 40, 47, 54} // d30, d7, on the day, weekly after; renewed on day 60
	var urssafDays []int                  // missing from day 0, weekly, until day 80
	for d := 0; d < 80; d += 7 {
		urssafDays = append(urssafDays, d)
	}
	want := map[string][]string{}
	referent := s.Users[testkit.Processing].Email()
	admin := s.Users[testkit.Admin].Email()
	for d := 0; d < 120; d++ {
		var items []string
		if slices.Contains(kbisDays, d) {
			items = append(items, "Extrait Kbis")
			want[admin] = append(want[admin], fmt.Sprintf("%d:reminder:Extrait Kbis", d))
		}
		if slices.Contains(urssafDays, d) {
			items = append(items, "URSSAF")
		}
		if len(items) > 0 { // one email, grouping the day's items
			want[referent] = append(want[referent], fmt.Sprintf("%d:reminder:%s", d, strings.Join(items, "+")))
		}
	}
	// R3: a digest the first run of each ISO week in which the customer
	// has a supplier missing or past a document.
	weekly := func(from, to int, body string) []string {
		var out []string
		seen := map[string]bool{}
		for d := from; d <= to; d++ {
			y, w := s.start.AddDate(0, 0, d).ISOWeek()
			if k := fmt.Sprint(y, w); !seen[k] {
				seen[k] = true
				out = append(out, fmt.Sprintf("%d:digest:%s", d, body))
			}
		}
		return out
	}
	want["admin@customer.test"] = weekly(0, 79, "")
	want["admin@second.test"] = weekly(41, 59, "")
	// V7: the URSSAF attestation missing at its third reminder (m2, day 14)
	// is told to Customer's admin once (no member in charge), before that
	// day's digest; Kbis, renewed after two overdue reminders, never is.
	escalated := "14:escalation:"
	at := slices.IndexFunc(want["admin@customer.test"], func(e string) bool {
		var d int
		fmt.Sscanf(e, "%d:", &d)
		return d >= 14
	})
	want["admin@customer.test"] = slices.Insert(want["admin@customer.test"], at, escalated)
	for who := range got {
		if _, ok := want[who]; !ok {
			t.Errorf("%s got unexpected emails: %v", who, got[who])
		}
	}
	for who, list := range want {
		g := got[who]
		if who != referent && who != admin { // digests: compare days only
			g = digestsOnly(g)
		}
		if !slices.Equal(g, list) {
			t.Errorf("%s:\n got  %v\n want %v", who, g, list)
		}
	}
	// Each email has its in-app notification.
	for who, list := range want {
		u, err := s.App.FindAuthRecordByEmail(schema.Users, who)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := s.App.CountRecords(schema.Notifications, dbx.And(dbx.HashExp{"user": u.Id},
			dbx.In("kind", "document_reminder", "compliance_digest", "reminder_escalated")))
		if int(n) != len(list) {
			t.Errorf("%s: %d notifications for %d emails", who, n, len(list))
		}
	}
}

// digestsOnly keeps "day:digest:" of each digest entry.
func digestsOnly(list []string) []string {
	var out []string
	for _, e := range list {
		parts := strings.SplitN(e, ":", 3)
		out = append(out, parts[0]+":"+parts[1]+":")
	}
	return out
}

// R5: a dry run reports what a run would send, and sends and records nothing.
func TestDryRunR5(t *testing.T) {
	s := newSim(t)
	cfg := testkit.Config()
	en := &reminders.Engine{App: s.App, Cfg: &cfg}
	s.App.TestMailer.Reset()
	report, err := en.Run(s.start, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Emails) != 1 || !strings.Contains(report.Emails[0].Body, "URSSAF") || report.Emails[0].To != s.Users[testkit.Processing].Email() {
		t.Fatalf("dry run = %+v", report)
	}
	if n := s.App.TestMailer.TotalSend(); n != 0 {
		t.Fatalf("a dry run sent %d emails", n)
	}
	if n, _ := s.App.CountRecords(schema.ReminderLog); n != 0 {
		t.Fatalf("a dry run recorded %d items", n)
	}
	if report, _ = en.Run(s.start, false); len(report.Emails) != 1 || s.App.TestMailer.TotalSend() != 1 {
		t.Fatalf("the real run after the dry one: %+v", report)
	}
}

// R4: housekeeping removes expired locks, support grants, old share links and
// challenges, and sweeps statuses.
func TestHousekeepingR4(t *testing.T) {
	s := newSim(t)
	cfg := testkit.Config()
	en := &reminders.Engine{App: s.App, Cfg: &cfg}
	h, err := en.Housekeep(s.start.AddDate(0, 0, 41))
	if err != nil {
		t.Fatal(err)
	}
	if h.Statuses != 1 {
		t.Fatalf("statuses swept = %d, want the Kbis", h.Statuses)
	}
	kbis, _ := s.App.FindFirstRecordByFilter(schema.Documents, "type = {:t}", dbx.Params{"t": testkit.TypeID(t, s.App, "kbis")})
	if kbis.GetString("status") != schema.StatusExpired {
		t.Fatalf("Kbis is %s on day 41", kbis.GetString("status"))
	}
}

// R4: a stored file whose record never committed (a crash mid-upload) is
// removed once old enough; a fresh one (an upload in flight) and the files
// of existing records stay.
func TestDeleteOrphanFilesR4(t *testing.T) {
	s := newSim(t)
	col, _ := s.App.FindCollectionByNameOrId(schema.Documents)
	dir := filepath.Join(s.App.DataDir(), "storage", col.Id)
	write := func(record string, age time.Duration) string {
		p := filepath.Join(dir, record, "orphan.pdf")
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, fixtures.PDF(), 0o600)
		old := time.Now().Add(-age)
		os.Chtimes(p, old, old)
		return p
	}
	stale, fresh := write("stalerecord0001", 2*time.Hour), write("freshrecord0001", time.Minute)
	n, err := reminders.DeleteOrphanFiles(s.App, time.Now().Add(-reminders.OrphanAge))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); n != 1 || !os.IsNotExist(err) {
		t.Fatalf("removed %d, stale file still there: %v", n, err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatal("a fresh file was removed")
	}
	docs, _ := s.App.FindAllRecords(schema.Documents)
	for _, d := range docs {
		if _, err := os.Stat(filepath.Join(dir, d.Id, d.GetString("file"))); err != nil {
			t.Fatalf("a document's file was removed: %v", err)
		}
	}
}

// R2: a missing document's weeks count from the day, in the service's
// zone, its requirement or relationship appeared: one created at 23:30 UTC
// (00:30 in Paris, the next day) is six days old, not seven, six Paris days
// later. The 120-day test failed every night between midnight in Paris and
// midnight UTC until this was fixed.
func TestMissingWeeksCountInTheServiceZoneR2(t *testing.T) {
	s := newSim(t)
	created := "2026-03-10 23:30:00.000Z" // 2026-03-11 00:30 in Paris
	for _, table := range []string{schema.Requirements, schema.Relationships} {
		if _, err := s.App.DB().NewQuery("UPDATE " + table + " SET created = {:c}").Bind(dbx.Params{"c": created}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	cfg := testkit.Config()
	en := &reminders.Engine{App: s.App, Cfg: &cfg}
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, c := range []struct {
		day  int // of March, 09:00 in Paris
		step string
	}{{16, "missing:m0"}, {17, "missing:m0"}, {18, "missing:m1"}} {
		report, err := en.Run(time.Date(2026, 3, c.day, 9, 0, 0, 0, paris), true)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, it := range report.Items {
			if it.Status == "missing" {
				steps = append(steps, it.Step)
			}
		}
		if len(steps) == 0 || steps[0] != c.step {
			t.Errorf("March %d: missing steps %v, want %s", c.day, steps, c.step)
		}
	}
}
