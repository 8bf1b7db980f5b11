package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/internal/browsertest"
	"vigie/internal/fixtures"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// docSetup: Customer (reports on, admin customer@) follows Home and collects
// kbis, URSSAF and insurance from all its suppliers.
func docSetup(t *testing.T) (*testkit.World, map[string]*core.Record) {
	t.Helper()
	w := testkit.NewWorld(t)
	w.Customer.Set("modules", []string{"reports"})
	testkit.Save(t, w.App, w.Customer)
	admin := testkit.User(t, w.App, "customer@customer.test")
	testkit.Member(t, w.App, admin, w.Customer, profiles.Admin)
	testkit.Record(t, w.App, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Home.Id, "status": "active"})
	types := map[string]*core.Record{}
	for _, code := range []string{"kbis", "urssaf", "insurance"} {
		ty, err := w.App.FindFirstRecordByFilter(schema.DocumentTypes, "code = {:c} && owner = ''", dbx.Params{"c": code})
		if err != nil {
			t.Fatal(err)
		}
		types[code] = ty
		testkit.Record(t, w.App, schema.Requirements, map[string]any{"customer": w.Customer.Id, "type": ty.Id})
	}
	return w, types
}

// D3, D5, P2: the supplier's admin sees what its customer requires, uploads
// the missing Kbis through the page, and sees it valid.
func TestUploadDocumentPageD3(t *testing.T) {
	w, types := docSetup(t)
	pdf := filepath.Join(t.TempDir(), "extrait-kbis.pdf")
	if err := os.WriteFile(pdf, fixtures.PDF(), 0o600); err != nil {
		t.Fatal(err)
	}
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#members tbody tr")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/documents.html"),
		chromedp.WaitVisible(chromedp.CSS(`#required tr[data-type=kbis][data-status=missing]`)),
		chromedp.WaitReady(chromedp.CSS(`#upload [name=type] option[value="`+types["kbis"].Id+`"]`)),
		chromedp.SetValue(chromedp.CSS(`#upload [name=type]`), types["kbis"].Id),
		chromedp.SetUploadFiles(chromedp.CSS(`#upload [name=file]`), []string{pdf}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#required tr[data-type=kbis][data-status=valid]`)),
		chromedp.WaitVisible(chromedp.CSS(`#documents tr[data-type=kbis][data-status=valid] a`)),
	)
	doc, err := w.App.FindFirstRecordByFilter(schema.Documents, "type = {:t}", dbx.Params{"t": types["kbis"].Id})
	if err != nil {
		t.Fatal("no document stored")
	}
	if doc.GetString("uploadedBy") != w.Users[testkit.Admin].Id || !strings.HasPrefix(doc.GetString("file"), "extrait_kbis") {
		t.Fatalf("stored %v", doc.PublicExport())
	}
	// L1: sharing it from the page shows the link once and mails it.
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`#documents tr[data-type=kbis] button.share`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-section`)),
		chromedp.SendKeys(chromedp.CSS(`#share [name=email]`), "auditeur@cabinet.test"),
		chromedp.Click(chromedp.CSS(`#share button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-result`)),
	)
	if got := browsertest.Text(t, ctx, "#share-url"); !strings.Contains(got, "/s/") ||
		!strings.Contains(w.App.TestMailer.LastMessage().Text, got) {
		t.Fatalf("share url %q, mailed %q", got, w.App.TestMailer.LastMessage().Text)
	}
	// A refused file says why, and the page stays as it was.
	exe := filepath.Join(t.TempDir(), "urssaf.pdf")
	os.WriteFile(exe, fixtures.Executable(), 0o600)
	browsertest.Do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#upload [name=type]`), types["urssaf"].Id),
		chromedp.SetUploadFiles(chromedp.CSS(`#upload [name=file]`), []string{exe}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash.error`)),
	)
	if got := browsertest.Text(t, ctx, "#flash"); !strings.Contains(got, "file") {
		t.Fatalf("flash = %q: the refusal does not name the file", got)
	}
}

// D5, P2: the customer's dashboard shows each supplier's status per type.
func TestComplianceDashboardD5(t *testing.T) {
	w, types := docSetup(t)
	until := map[string]int{"kbis": 60, "urssaf": 10}
	for code, days := range until {
		f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), code+".pdf")
		testkit.Record(t, w.App, schema.Documents, map[string]any{"supplier": w.Home.Id, "type": types[code].Id, "file": f,
			"validUntil": time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") + " 00:00:00.000Z"})
	}
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "customer@customer.test", testkit.Password, "#members tbody tr")
	siret := w.Home.GetString("siret")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/compliance.html"),
		chromedp.WaitVisible(chromedp.CSS(`#compliance tr[data-supplier="`+siret+`"][data-type=kbis][data-status=valid]`)),
		chromedp.WaitVisible(chromedp.CSS(`#compliance tr[data-supplier="`+siret+`"][data-type=urssaf][data-status=expiring]`)),
		chromedp.WaitVisible(chromedp.CSS(`#compliance tr[data-supplier="`+siret+`"][data-type=insurance][data-status=missing]`)),
	)
	if got := browsertest.Text(t, ctx, `#summary .count[data-status=missing]`); !strings.Contains(got, "1") {
		t.Fatalf("summary of missing = %q", got)
	}
	// U2: the chart gives each status its share: one cell each here.
	parts, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#summary .status-chart .part")].map((p) => p.dataset.status + "=" + p.style.flexGrow).join(" ")`))
	if err != nil || parts != "valid=1 expiring=1 missing=1" {
		t.Errorf("chart parts %q (%v), want valid=1 expiring=1 missing=1", parts, err)
	}
	// The customer collects one more type from all its suppliers: it shows as missing.
	// The form's types load apart from the table: wait for the option first.
	tax := testkit.TypeID(t, w.App, "tax")
	browsertest.Do(t, ctx,
		chromedp.WaitReady(chromedp.CSS(`#collect [name=type] option[value="`+tax+`"]`)),
		chromedp.SetValue(chromedp.CSS(`#collect [name=type]`), tax),
		chromedp.Click(chromedp.CSS(`#collect button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#compliance tr[data-type=tax][data-status=missing]`)),
	)
	// U1: the filters ask the server, and every row shown is one they keep.
	choose := func(field, value string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const f = document.querySelector("#compliance-filter [name=`+field+`]");
			f.value = `+strconv.Quote(value)+`; f.dispatchEvent(new Event("change", { bubbles: true })); return true; })()`)); err != nil {
			t.Fatal(err)
		}
	}
	rows := `[...document.querySelectorAll("#compliance tbody tr")]`
	choose("status", "missing")
	browsertest.WaitFor(t, ctx, rows+`.length === 2 && `+rows+`.every((r) => r.dataset.status === "missing")`)
	choose("type", tax)
	browsertest.WaitFor(t, ctx, rows+`.length === 1 && `+rows+`[0].dataset.type === "tax"`)
	choose("status", "")
	choose("type", "")
	choose("q", "no such supplier")
	browsertest.WaitFor(t, ctx, rows+`.length === 0 && document.getElementById("compliance-count").textContent === "0 suppliers"`)
	choose("q", siret[:9])
	browsertest.WaitFor(t, ctx, rows+`.length === 4 && document.getElementById("compliance-count").textContent === "1 supplier"`)
	// X2: the download holds the rows the filters keep, in the page's language.
	browsertest.Do(t, ctx,
		chromedp.Evaluate[chromedp.Void](`{ const make = URL.createObjectURL; URL.createObjectURL = (b) => { window.madeBlob = b; return make(b); }; }`),
		chromedp.Click(chromedp.CSS("#compliance-export")),
	)
	browsertest.WaitFor(t, ctx, `window.madeBlob !== undefined`)
	exported, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.madeBlob.text()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(exported), "\r\n"); len(lines) != 5 || !strings.HasPrefix(lines[0], "Supplier;SIRET") || !strings.Contains(exported, siret) {
		t.Errorf("exported %q: want the header and the 4 rows shown", exported)
	}
}
