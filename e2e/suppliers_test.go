package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"vigie/hooks/network"
	"vigie/internal/browsertest"
	"vigie/internal/schema"
	"vigie/internal/sirene"
	"vigie/internal/testkit"
)

func loadDirectory(t *testing.T, w *testkit.World, names map[string]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("siren,siret,denominationUsuelleEtablissement,codePostalEtablissement,libelleCommuneEtablissement\n")
	for number, name := range names {
		fmt.Fprintf(&b, "%s,%s,%s,69001,LYON\n", number[:9], number, name)
	}
	r, err := sirene.NewEstablishmentReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := network.ImportDirectory(w.App, r, func(e *sirene.RowError) { t.Error(e) }, nil); err != nil {
		t.Fatal(err)
	}
}

// N1, N2, P2: the admin finds a supplier in the directory, picks it, adds it
// with a contact, and sees it listed; the relationship really exists.
func TestAddSupplierThroughDirectoryN2(t *testing.T) {
	w := testkit.NewWorld(t)
	number := testkit.SIRET()
	loadDirectory(t, w, map[string]string{number: "Échafaudages Lumière"})
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#members tbody tr")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/suppliers.html"),
		chromedp.WaitVisible(chromedp.CSS("#no-suppliers")),
		chromedp.SendKeys(chromedp.CSS("#directory-q"), "echafau"),
		chromedp.WaitVisible(chromedp.CSS(`#directory-results button[data-siret="`+number+`"]`)),
		chromedp.Click(chromedp.CSS(`#directory-results button[data-siret="`+number+`"]`)),
		chromedp.SendKeys(chromedp.CSS(`#add-supplier [name=email]`), "chef@lumiere.test"),
		chromedp.Click(chromedp.CSS(`#add-supplier button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#suppliers tbody tr[data-siret="`+number+`"]`)),
	)
	if got := browsertest.Text(t, ctx, `#suppliers tbody tr[data-siret="`+number+`"]`); !strings.Contains(got, "chef@lumiere.test") {
		t.Fatalf("row = %q: the contact is missing", got)
	}
	supplier, err := w.App.FindFirstRecordByData(schema.Establishments, "siret", number)
	if err != nil {
		t.Fatal("the supplier was not created")
	}
	if _, err := w.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s} && status = 'active'",
		dbx.Params{"c": w.Home.Id, "s": supplier.Id}); err != nil {
		t.Fatal("no active relationship")
	}
}

// N3, P2: a bulk import shows the report of every row, and the suppliers.
func TestBulkImportReportN3(t *testing.T) {
	w := testkit.NewWorld(t)
	a, b := testkit.SIRET(), testkit.SIRET()
	loadDirectory(t, w, map[string]string{a: "Alpha Nettoyage", b: "Beta Sécurité"})
	csv := filepath.Join(t.TempDir(), "fournisseurs.csv")
	os.WriteFile(csv, []byte("siret;email;firstName;lastName\n"+a+";a@alpha.test;Ana;A\n"+b+";b@beta.test;Ben;B\n12345;x@y.test;;\n"), 0o600)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "full_access@home.test", testkit.Password, "#request-section")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/suppliers.html"),
		chromedp.WaitVisible(chromedp.CSS("#import")),
		chromedp.Click(chromedp.CSS(`[data-lang=en]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#import [name=file]`), []string{csv}),
		chromedp.Evaluate[chromedp.Void](`{ const make = URL.createObjectURL; URL.createObjectURL = (b) => { window.madeBlob = b; return make(b); }; }`),
		chromedp.Click(chromedp.CSS(`#import button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#import-report tr[data-line="4"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#suppliers tbody tr[data-siret="`+b+`"]`)),
	)
	if got := browsertest.Text(t, ctx, "#import-summary"); !strings.Contains(got, "created: 2") || !strings.Contains(got, "invalid: 1") {
		t.Fatalf("summary = %q", got)
	}
	if got := browsertest.Text(t, ctx, `#import-report tr[data-line="4"]`); !strings.Contains(got, "siret") {
		t.Fatalf("the invalid row does not say why: %q", got)
	}
	if n, _ := w.App.CountRecords(schema.Relationships, dbx.HashExp{"customer": w.Home.Id}); n != 2 {
		t.Fatalf("relationships = %d, want 2", n)
	}
	// U3: the invalid row comes first, and the report downloads as a CSV
	// French spreadsheets open (BOM, ";"), errors first too.
	if first, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#import-report tbody tr").dataset.line`)); first != "4" {
		t.Errorf("the report starts with line %q, want the invalid line 4", first)
	}
	// The page's CSP keeps fetch off blob: URLs: the test kept the blob
	// the link was made of (createObjectURL, wrapped before the import).
	link, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("import-download").href`))
	report, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.madeBlob.arrayBuffer().then((b) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(b))`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(link, "blob:") {
		t.Fatalf("download link %q, report: %v", link, err)
	}
	lines := strings.Split(report, "\r\n")
	if !strings.HasPrefix(report, "\ufeff") || len(lines) != 5 || !strings.HasPrefix(lines[1], "4;12345;") {
		t.Errorf("downloaded report = %q", report)
	}
	// U1: the list searches as people type (no accent, no capital) and
	// says how many suppliers match.
	if got := browsertest.Text(t, ctx, "#suppliers-count"); got != "2 suppliers" {
		t.Errorf("count = %q, want 2 suppliers", got)
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#suppliers-filter [name=q]`), "securite"),
		chromedp.WaitNotPresent(chromedp.CSS(`#suppliers tbody tr[data-siret="`+a+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#suppliers tbody tr[data-siret="`+b+`"]`)),
	)
	if got := browsertest.Text(t, ctx, "#suppliers-count"); got != "1 supplier" {
		t.Errorf("count = %q, want 1 supplier", got)
	}
}
