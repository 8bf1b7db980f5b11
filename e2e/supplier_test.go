package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/hooks/reminders"
	"vigie/internal/browsertest"
	"vigie/internal/fixtures"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// U2, V1: from the compliance overview a customer opens its supplier's
// page: the status per type with the current document to open, the
// documents with their earlier versions, the reminders sent, the
// contacts; it records a contract there and the duty follows. A member
// without the reports capability sees the documents but neither the
// statuses nor the reminders; on a phone nothing scrolls sideways.
func TestSupplierPageU2(t *testing.T) {
	w, types := docSetup(t)
	w.Customer.Set("modules", []string{"reports", "archive"})
	testkit.Save(t, w.App, w.Customer)
	processing := testkit.User(t, w.App, "processing@customer.test")
	testkit.Member(t, w.App, processing, w.Customer, profiles.Processing)
	for _, days := range []int{20, 60} { // the second Kbis supersedes the first
		f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), "kbis.pdf")
		testkit.Record(t, w.App, schema.Documents, map[string]any{"supplier": w.Home.Id, "type": types["kbis"].Id, "file": f,
			"validUntil": time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") + " 00:00:00.000Z"})
	}
	cfg := testkit.Config()
	if _, err := (&reminders.Engine{App: w.App, Cfg: &cfg}).Run(time.Now(), false); err != nil { // URSSAF and insurance are missing
		t.Fatal(err)
	}

	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "customer@customer.test", testkit.Password, "#members tbody tr")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/compliance.html"),
		chromedp.WaitVisible(chromedp.CSS(`#compliance a.supplier-link`)),
		chromedp.Click(chromedp.CSS(`#compliance a.supplier-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#status tr[data-type=kbis][data-status=valid] a[href*="/api/files/documents/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#status tr[data-type=urssaf][data-status=missing]`)),
		chromedp.WaitVisible(chromedp.CSS(`#reminders tr[data-type=urssaf][data-reason=missing]`)),
		chromedp.WaitVisible(chromedp.CSS(`#documents tr[data-type=kbis] button.versions`)),
	)
	if got := browsertest.Text(t, ctx, "#supplier-name"); got != w.Home.GetString("name") {
		t.Errorf("title = %q, want the supplier's name", got)
	}
	if got := browsertest.Text(t, ctx, "#identity"); !strings.Contains(got, w.Home.GetString("siret")) {
		t.Errorf("identity %q lacks the SIRET", got)
	}
	// The current document opens with a file token (the file rule).
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`fetch(document.querySelector('#status tr[data-type=kbis] a').href).then((r) => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || status != 200 {
		t.Fatalf("opening the current Kbis: %d, %v", status, err)
	}
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`#documents tr[data-type=kbis] button.versions`)),
		chromedp.WaitVisible(chromedp.CSS(`#documents tr.version[data-status=superseded]`)),
	)
	// No contract yet: subject, no contract recorded (V1). One is recorded.
	browsertest.WaitFor(t, ctx, `!document.getElementById("no-contracts").hidden`)
	// V1: no contract recorded is no proof of being below the threshold.
	browsertest.WaitFor(t, ctx, `document.querySelector("#duty [data-duty]")`)
	if duty, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#duty [data-duty]").dataset.duty`)); duty == "not_subject" {
		t.Error(`a supplier without contracts shows "not subject"`)
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#add-contract [name=reference]`), "C-2026-01"),
		chromedp.SendKeys(chromedp.CSS(`#add-contract [name=amountExclTax]`), "12000"),
		chromedp.SetValue(chromedp.CSS(`#add-contract [name=startsOn]`), time.Now().Format("2006-01-02")),
		chromedp.Click(chromedp.CSS(`#add-contract button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#contracts tr[data-reference="C-2026-01"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#duty [data-duty]`)),
	)
	if got := browsertest.Text(t, ctx, `#contracts tr[data-reference="C-2026-01"]`); !strings.Contains(got, "12") {
		t.Errorf("contract row %q lacks its amount", got)
	}
	// A refused contract is explained in the page's language, field named.
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`.langs [data-lang="fr"]`)),
		chromedp.SendKeys(chromedp.CSS(`#add-contract [name=reference]`), "C-2026-02"),
		chromedp.SetValue(chromedp.CSS(`#add-contract [name=startsOn]`), "2026-06-01"),
		chromedp.SetValue(chromedp.CSS(`#add-contract [name=endsOn]`), "2026-01-01"),
		chromedp.Click(chromedp.CSS(`#add-contract button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#flash.error")),
	)
	if got := browsertest.Text(t, ctx, "#flash"); !strings.Contains(got, "Fin") || !strings.Contains(got, "date de fin") {
		t.Errorf("refused contract: flash %q", got)
	}

	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#documents tr[data-type=kbis]`)), chromedp.Sleep(500*time.Millisecond))
	if width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || width > 390 {
		t.Errorf("the supplier page is %d px wide at 390 px (%v)", width, err)
	}

	other := browsertest.Browser(t)
	browsertest.SignIn(t, other, base, "processing@customer.test", testkit.Password, "#whoami")
	browsertest.Do(t, other,
		chromedp.Navigate(base+"/supplier.html?customer="+w.Customer.Id+"&supplier="+w.Home.Id),
		chromedp.WaitVisible(chromedp.CSS(`#documents tr[data-type=kbis]`)),
		chromedp.Sleep(500*time.Millisecond),
	)
	for _, section := range []string{"status-section", "reminders-section"} {
		if hidden, err := chromedp.Run(other, chromedp.Evaluate[bool](`document.getElementById("`+section+`").hidden`)); err != nil || !hidden {
			t.Errorf("processing member: #%s hidden = %v (%v)", section, hidden, err)
		}
	}
	browsertest.Do(t, other,
		chromedp.Navigate(base+"/supplier.html?customer="+w.Customer.Id+"&supplier="+w.Unrelated.Id),
		chromedp.WaitVisible(chromedp.CSS("#flash.error")),
	)
	if hidden, _ := chromedp.Run(other, chromedp.Evaluate[bool](`document.getElementById("documents-section").hidden`)); !hidden {
		t.Error("a supplier the customer does not follow shows documents")
	}
	// V9: a supplier the registry says closed shows it, on its page and in
	// My suppliers.
	home, _ := w.App.FindRecordById(schema.Establishments, w.Home.Id)
	home.Set("closedAt", time.Now().UTC())
	testkit.Save(t, w.App, home)
	browsertest.Do(t, other,
		chromedp.Navigate(base+"/supplier.html?customer="+w.Customer.Id+"&supplier="+w.Home.Id),
		chromedp.WaitVisible(chromedp.CSS(`#identity [data-closed]`)),
		chromedp.Navigate(base+"/suppliers.html"),
		chromedp.WaitVisible(chromedp.CSS(`#suppliers tr[data-siret="`+w.Home.GetString("siret")+`"] [data-closed]`)),
	)
}
