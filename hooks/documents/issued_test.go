package documents_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/calendar"
	"vigie/internal/fixtures"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// V3: validity runs from the document's own date, not from the upload; an
// URSSAF attestation of 6 months or more, or a date still to come, is
// refused with the date named, and nothing is stored.
func TestIssueDateDecidesValidityV3(t *testing.T) {
	w := newDocWorld(t)
	today := calendar.Today(time.Now(), testkit.Config().TimeZone)
	day := func(months, days int) string { return calendar.AddDays(calendar.AddMonths(today, months), days) }
	stale, fresh := day(-6, 0), day(-6, 1)
	sent := func(name, typeName, issuedOn string) {
		t.Helper()
		w.try(t, upload{name: name, actor: testkit.Admin, typeName: typeName, filename: "doc.pdf", content: fixtures.PDF(),
			extra: map[string]string{"issuedOn": issuedOn}, status: 200, content2: []string{`"issuedOn":"` + issuedOn}})
	}
	validUntil := func(typeName, issuedOn string) string {
		t.Helper()
		doc, err := w.App.FindFirstRecordByFilter(schema.Documents, "type = {:t} && issuedOn = {:d}",
			dbx.Params{"t": w.Types[typeName].Id, "d": issuedOn + " 00:00:00.000Z"})
		if err != nil {
			t.Fatalf("no %s issued on %s: %v", typeName, issuedOn, err)
		}
		return doc.GetDateTime("validUntil").Time().Format(calendar.Layout)
	}

	sent("an URSSAF attestation of 6 months less a day", "urssaf", fresh)
	// Valid while less than 6 calendar months old: its last day is today.
	if got := validUntil("urssaf", fresh); got != today {
		t.Errorf("URSSAF issued %s: valid until %s, want %s (6 months less a day)", fresh, got, today)
	}
	kbis := day(0, -30)
	sent("a month-old Kbis extract", "kbis", kbis)
	if got, want := validUntil("kbis", kbis), calendar.AddDays(kbis, 90); got != want {
		t.Errorf("Kbis issued %s: valid until %s, want %s", kbis, got, want)
	}

	for _, c := range []struct{ name, typeName, issuedOn, code string }{
		{"an URSSAF attestation of 6 months", "urssaf", stale, "validation_stale_attestation"},
		{"an URSSAF attestation of a year", "urssaf", day(-12, 0), "validation_stale_attestation"},
		{"a document dated tomorrow", "kbis", day(0, 1), "validation_future_date"},
	} {
		w.try(t, upload{name: c.name, actor: testkit.Admin, typeName: c.typeName, filename: "doc.pdf", content: fixtures.PDF(),
			extra: map[string]string{"issuedOn": c.issuedOn}, status: 400,
			content2: []string{`"issuedOn":{"code":"` + c.code + `"`, `"params":{"issuedOn":"` + c.issuedOn + `"}`, c.issuedOn}})
	}
	// A Kbis as old as the refused attestation is accepted: the 6 months are URSSAF's.
	sent("a six-month-old Kbis extract", "kbis", stale)

	// A corrected date moves the validity with it, and is checked as on upload.
	urssaf, err := w.App.FindFirstRecordByFilter(schema.Documents, "type = {:t} && status != 'superseded'", dbx.Params{"t": w.Types["urssaf"].Id})
	if err != nil {
		t.Fatal(err)
	}
	edit := func(issuedOn string, status int, want string) {
		t.Helper()
		w.As(t, testkit.Admin, tests.ApiScenario{Name: "correct the date to " + issuedOn, Method: http.MethodPatch,
			URL: documentsURL + "/" + urssaf.Id, Body: strings.NewReader(`{"issuedOn":"` + issuedOn + `"}`),
			ExpectedStatus: status, ExpectedContent: []string{want}}).Test(t)
	}
	edit(kbis, 200, `"validUntil":"`+calendar.AddDays(calendar.AddMonths(kbis, 6), -1))
	edit(stale, 400, `"validation_stale_attestation"`)
}
