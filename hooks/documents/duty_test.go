package documents_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/documents"
	"vigie/internal/calendar"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// V1, V4: the compliance route says, per supplier, whether the duty
// applies and whether the customer held, on the last due date, a valid
// document of every required type (the legal types it collects, and the
// URSSAF attestation, the Kbis and, for public procurement, the tax
// certificate the law names); due_soon when the next due date is near and
// something will not be valid then. Without any contract recorded, the
// supplier stays subject and is judged on the day.
func TestDutyStatusPerSupplierV4(t *testing.T) {
	w := newDocWorld(t)
	today := calendar.Today(time.Now(), testkit.Config().TimeZone)
	months := func(n int) string { return calendar.AddMonths(today, n) }
	var contracts []*core.Record
	contract := func(amount float64, startsOn, endsOn string, procurement bool) {
		t.Helper()
		for _, c := range contracts {
			if err := w.App.Delete(c); err != nil {
				t.Fatal(err)
			}
		}
		contracts = []*core.Record{testkit.Record(t, w.App, schema.Contracts, map[string]any{"relationship": w.CustomerHome.Id,
			"reference": "C-1", "amountExclTax": amount, "startsOn": startsOn, "endsOn": endsOn,
			"publicProcurement": procurement, "coContractor": "french"})}
	}
	redate := func(typeName, day string) {
		t.Helper()
		docs, err := w.App.FindAllRecords(schema.Documents, dbx.HashExp{"supplier": w.Home.Id, "type": w.Types[typeName].Id})
		if err != nil || len(docs) == 0 {
			t.Fatalf("no %s: %v", typeName, err)
		}
		for _, d := range docs {
			d.Set("issuedOn", day) // validity follows (V3)
			testkit.Save(t, w.App, d)
		}
	}
	duty := func(name string) documents.SupplierDuty {
		t.Helper()
		var got documents.SupplierDuty
		w.As(t, CustomerAdmin, tests.ApiScenario{Name: name, Method: http.MethodGet,
			URL: "/api/vigie/establishments/" + w.Customer.Id + "/compliance", ExpectedStatus: 200, ExpectedContent: []string{`"suppliers":[`},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				var out struct{ Suppliers []documents.SupplierDuty }
				if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
					t.Fatal(err)
				}
				for _, d := range out.Suppliers {
					if d.Supplier == w.Home.Id {
						got = d
					}
				}
			}}).Test(t)
		return got
	}
	check := func(name, status, lastDue, nextDue string, missing ...string) {
		t.Helper()
		got := duty(name)
		if missing == nil {
			missing = []string{}
		}
		slices.Sort(got.Missing)
		slices.Sort(missing)
		if got.Status != status || got.LastDue != lastDue || got.NextDue != nextDue || !slices.Equal(got.Missing, missing) {
			t.Errorf("%s: got %+v, want %s last %s next %s missing %v", name, got, status, lastDue, nextDue, missing)
		}
	}

	check("no contract recorded: subject, judged on the day", documents.DutyCompliant, "", "")
	if !duty("no contract recorded").NoContract {
		t.Error("a relationship without contracts does not say so")
	}
	contract(4000, months(-3), "", false)
	check("below the threshold", documents.DutyNotSubject, months(-3), months(3))
	contract(48000, today, "", false)
	check("signed today, documents of today", documents.DutyCompliant, today, months(6))
	contract(48000, months(-3), "", false)
	check("signed 3 months ago, nothing valid then", documents.DutyOverdue, months(-3), months(3), "kbis", "urssaf")
	contract(48000, months(-3), "", true)
	check("public procurement also wants the tax certificate", documents.DutyOverdue, months(-3), months(3), "kbis", "urssaf", "tax")

	// Documents of the day it was signed, the next check 10 days away: the
	// URSSAF attestation (6 months) will have lapsed, the Kbis (90 days) too.
	signed := calendar.AddDays(months(-6), 10)
	contract(48000, signed, "", false)
	redate("kbis", signed)
	redate("urssaf", signed)
	next := calendar.AddMonths(signed, 6)
	check("valid then, not at the next check", documents.DutyDueSoon, signed, next, "kbis", "urssaf")
	contract(48000, signed, calendar.AddDays(today, 5), false)
	check("the contract ends before the next check", documents.DutyCompliant, signed, "")
	contract(48000, months(-24), months(-1), false)
	check("every contract ended", documents.DutyNotSubject, "", "")
	if duty("every contract ended").NoContract {
		t.Error("ended contracts are contracts")
	}

	// No contract recorded: what lapses soon is due soon, what has lapsed
	// is overdue; never "not subject".
	for _, c := range contracts {
		if err := w.App.Delete(c); err != nil {
			t.Fatal(err)
		}
	}
	contracts = nil
	redate("urssaf", today)
	redate("kbis", calendar.AddDays(today, -85)) // a 90-day extract, 5 days left
	check("no contract, the Kbis lapses in 5 days", documents.DutyDueSoon, "", "", "kbis")
	redate("kbis", months(-7))
	check("no contract, the Kbis has lapsed", documents.DutyOverdue, "", "", "kbis")
}
