package documents_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/documents"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

func date(t *testing.T, s string) types.DateTime {
	t.Helper()
	d, err := types.ParseDateTime(s + " 00:00:00.000Z")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// D5: a document is valid through its last day, expiring within the
// window before it, expired after it; without an end date, valid.
func TestStatusOnD5(t *testing.T) {
	for _, c := range []struct {
		until, today string
		want         string
	}{
		{"2026-12-31", "2026-11-01", schema.StatusValid},
		{"2026-12-31", "2026-12-01", schema.StatusExpiring}, // 30 days before: in the window
		{"2026-12-31", "2026-11-30", schema.StatusValid},    // 31 days before
		{"2026-12-31", "2026-12-31", schema.StatusExpiring}, // its last day
		{"2026-12-31", "2027-01-01", schema.StatusExpired},
		{"", "2030-01-01", schema.StatusValid},
	} {
		var until types.DateTime
		if c.until != "" {
			until = date(t, c.until)
		}
		if got := documents.StatusOn(until, documents.Day(c.today), 30); got != c.want {
			t.Errorf("until %s, on %s: %s, want %s", c.until, c.today, got, c.want)
		}
	}
}

func (w *docWorld) setUntil(t *testing.T, name string, days int) {
	t.Helper()
	doc := reload(t, w.App, w.Docs[name])
	doc.Set("validUntil", time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02")+" 00:00:00.000Z")
	testkit.Save(t, w.App, doc)
	w.Docs[name] = doc
}

// D5: the compliance answer per supplier and type, for the customer's
// members with reports, from every seat.
func TestComplianceD5(t *testing.T) {
	w := newDocWorld(t)
	w.setUntil(t, "kbis2", -1)  // expired
	w.setUntil(t, "urssaf", 10) // expiring
	w.require(t, w.Customer, "tax", nil)
	url := "/api/vigie/establishments/" + w.Customer.Id + "/compliance"
	rib := `"document":"` + w.Docs["rib"].Id + `"`
	full := []string{
		`"summary":{"expired":1,"expiring":1,"missing":1,"valid":2}`,
		`"code":"kbis","name":"Extrait Kbis","kind":"legal"},"status":"expired"`,
		`"code":"urssaf"`, `"status":"expiring","validUntil":"` + time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02") + `"`,
		`"code":"tax"`, `"status":"missing","validUntil":"","document":""`,
		`"siret":"` + w.Home.GetString("siret") + `"`,
	}
	for _, c := range []struct {
		actor  testkit.Actor
		status int
		want   []string
		not    []string
	}{
		{CustomerAdmin, 200, append(full, rib), nil},
		{testkit.Operator, 200, append(full, rib), nil},
		{CustomerFull, 200, full, []string{rib}},                            // bank details: status only, without the financial option
		{CustomerAdviser, 200, []string{`"items":[]`}, []string{w.Home.Id}}, // T7: no assigned supplier
		{CustomerProcessing, 403, []string{`"status":403`, "does not allow"}, nil},
		{CustomerDelivery, 403, []string{`"status":403`}, nil},
		{testkit.Admin, 404, testkit.Body404, nil}, // the supplier sees its documents, not the customer's dashboard
		{testkit.Collector, 404, testkit.Body404, nil},
		{Customer2Admin, 404, testkit.Body404, nil},
		{testkit.Outsider, 404, testkit.Body404, nil},
		{testkit.Support, 404, testkit.Body404, nil},
		{testkit.Guest, 401, []string{`"status":401`}, nil},
	} {
		w.As(t, c.actor, tests.ApiScenario{
			Name: "compliance", Method: http.MethodGet, URL: url,
			ExpectedStatus: c.status, ExpectedContent: c.want, NotExpectedContent: c.not,
		}).Test(t)
	}
	// One supplier's card; Second's dashboard needs its reports module.
	w.As(t, CustomerAdmin, tests.ApiScenario{
		Name: "one supplier", Method: http.MethodGet, URL: url + "?supplier=" + w.Unrelated.Id,
		ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`},
	}).Test(t)
	w.As(t, Customer2Admin, tests.ApiScenario{
		Name: "without the reports module", Method: http.MethodGet,
		URL:            "/api/vigie/establishments/" + w.Second.Id + "/compliance",
		ExpectedStatus: 403, ExpectedContent: []string{`"status":403`, "does not allow"},
	}).Test(t)
}

// D5, matrix: the sweep moves documents across the calendar's boundaries;
// an expired document goes to the archive, out of sight of members without
// archive access.
func TestSweepD5(t *testing.T) {
	w := newDocWorld(t)
	w.setUntil(t, "insurance", 40)
	cfg := testkit.Config()
	sweep := func(days int) int {
		s := &documents.Service{App: w.App, Cfg: &cfg, Now: func() time.Time { return time.Now().AddDate(0, 0, days) }}
		n, err := s.Sweep(w.App)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	status := func() string { return reload(t, w.App, w.Docs["insurance"]).GetString("status") }
	if n := sweep(0); n != 0 || status() != schema.StatusValid {
		t.Fatalf("today: %d changed, insurance %s", n, status())
	}
	if sweep(15); status() != schema.StatusExpiring {
		t.Fatalf("in 15 days: %s", status())
	}
	if sweep(41); status() != schema.StatusExpired || !reload(t, w.App, w.Docs["insurance"]).GetBool("archived") {
		t.Fatalf("in 41 days: %s", status())
	}
	if n := sweep(42); n != 0 {
		t.Fatalf("a second sweep changed %d documents", n)
	}
	for _, c := range []struct {
		actor  testkit.Actor
		status int
	}{{testkit.Processing, 404}, {testkit.ProcessingArchive, 200}, {Customer2Admin, 404}} {
		content := testkit.Body404
		if c.status == 200 {
			content = []string{`"status":"expired"`}
		}
		w.As(t, c.actor, tests.ApiScenario{
			Name: "view the expired insurance", Method: http.MethodGet, URL: documentsURL + "/" + w.Docs["insurance"].Id,
			ExpectedStatus: c.status, ExpectedContent: content,
		}).Test(t)
	}
}
