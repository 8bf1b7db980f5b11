package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"vigie/hooks/network"
	"vigie/internal/browsertest"
	"vigie/internal/schema"
	"vigie/internal/sirene"
	"vigie/internal/testkit"
	"vigie/internal/textfold"
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
	browsertest.EachVariant(t, addSupplierThroughDirectory)
}

func addSupplierThroughDirectory(t *testing.T, v browsertest.Variant) {
	w := testkit.NewWorld(t)
	number := testkit.SIRET()
	loadDirectory(t, w, map[string]string{number: "Échafaudages Lumière"})
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.BrowserIn(t, v)
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
	if got, want := browsertest.Text(t, ctx, "#flash"), browsertest.T(t, ctx, "suppliers.added"); !strings.Contains(got, want) {
		t.Errorf("flash %q lacks %q", got, want)
	}
	browsertest.CheckPage(t, ctx, v, "suppliers.html, supplier added")
	supplier, err := w.App.FindFirstRecordByData(schema.Establishments, "siret", number)
	if err != nil {
		t.Fatal("the supplier was not created")
	}
	if _, err := w.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s} && status = 'active'",
		dbx.Params{"c": w.Home.Id, "s": supplier.Id}); err != nil {
		t.Fatal("no active relationship")
	}
}

// N3, U3, P2: a 2,000-row bulk import shows that it runs, then its report
// with the errors first (downloadable as a CSV French spreadsheets open),
// and the suppliers, searchable.
func TestBulkImportReportN3(t *testing.T) {
	browsertest.EachVariant(t, bulkImportReport)
}

func bulkImportReport(t *testing.T, v browsertest.Variant) {
	w := testkit.NewWorld(t)
	const rows = 2000
	names := map[string]string{}
	var csv strings.Builder
	csv.WriteString("siret;email;firstName;lastName\n")
	var a, b string
	for i := 0; i < rows-1; i++ {
		number := testkit.SIRET()
		name := fmt.Sprintf("Fournisseur %04d", i)
		switch i {
		case 0:
			a, name = number, "Alpha Nettoyage"
		case 1:
			b, name = number, "Beta Sécurité"
		}
		names[number] = name
		fmt.Fprintf(&csv, "%s;contact%d@fournisseur%d.test;Ana;A\n", number, i, i)
	}
	csv.WriteString("12345;x@y.test;;\n") // line 2001: refused
	loadDirectory(t, w, names)
	file := filepath.Join(t.TempDir(), "fournisseurs.csv")
	os.WriteFile(file, []byte(csv.String()), 0o600)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.BrowserIn(t, v)
	browsertest.SignIn(t, ctx, base, "full_access@home.test", testkit.Password, "#request-section")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/suppliers.html"),
		chromedp.WaitVisible(chromedp.CSS("#import")),
		chromedp.SetUploadFiles(chromedp.CSS(`#import [name=file]`), []string{file}),
		// The page's CSP keeps fetch off blob: URLs: the test keeps the
		// blob the download link is made of.
		chromedp.Evaluate[chromedp.Void](`{ const make = URL.createObjectURL; URL.createObjectURL = (b) => { window.madeBlob = b; return make(b); }; }`),
		// Every value the progress bar takes, as the server reports.
		chromedp.Evaluate[chromedp.Void](`{ window.progressSeen = []; const p = document.getElementById("import-progress");
			new MutationObserver(() => p.hasAttribute("value") && window.progressSeen.push(p.value + "/" + p.max)).observe(p, { attributes: true }); }`),
		chromedp.Click(chromedp.CSS(`#import button[type=submit]`)),
	)
	// U3: while it runs, the form says so and cannot be sent twice.
	browsertest.WaitFor(t, ctx, `document.getElementById("import").getAttribute("aria-busy") === "true" || !document.getElementById("import-report").hidden`)
	busy, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("import").getAttribute("aria-busy") === "true"`))
	if busy {
		if disabled, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#import button[type=submit]").disabled`)); !disabled {
			t.Error("the import button stays enabled while the import runs")
		}
		if got, want := browsertest.Text(t, ctx, "#import-summary"), browsertest.T(t, ctx, "import.progress"); got != browsertest.T(t, ctx, "import.running") && !strings.HasPrefix(got, want) {
			t.Errorf("while running, the summary says %q, want %q…", got, want)
		}
	}
	browsertest.Do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`#import-report tr[data-line="2001"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#suppliers tbody tr`)),
	)
	// U3: the bar followed the server's chunks of 500 rows to the end.
	seen, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...new Set(window.progressSeen)]`))
	if !slices.Contains(seen, "1000/2000") || !slices.Contains(seen, "2000/2000") {
		t.Errorf("the progress bar showed %v, want 1000/2000 on the way and 2000/2000", seen)
	}
	summary := browsertest.Text(t, ctx, "#import-summary")
	for _, want := range []string{browsertest.T(t, ctx, "status.created") + ": 1999", browsertest.T(t, ctx, "status.invalid") + ": 1"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary %q lacks %q", summary, want)
		}
	}
	if got := browsertest.Text(t, ctx, `#import-report tr[data-line="2001"]`); !strings.Contains(got, "SIRET") {
		t.Errorf("the invalid row does not say why: %q", got)
	}
	if n, _ := w.App.CountRecords(schema.Relationships, dbx.HashExp{"customer": w.Home.Id}); n != rows-1 {
		t.Fatalf("relationships = %d, want %d", n, rows-1)
	}
	// The invalid row comes first, and the report downloads as a CSV
	// French spreadsheets open (BOM, ";"), errors first too.
	if first, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#import-report tbody tr").dataset.line`)); first != "2001" {
		t.Errorf("the report starts with line %q, want the invalid line 2001", first)
	}
	link, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("import-download").href`))
	report, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.madeBlob.arrayBuffer().then((b) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(b))`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(link, "blob:") {
		t.Fatalf("download link %q, report: %v", link, err)
	}
	lines := strings.Split(report, "\r\n")
	if !strings.HasPrefix(report, "\ufeff") || len(lines) != rows+2 || !strings.HasPrefix(lines[1], "2001;12345;") {
		t.Errorf("downloaded report: %d lines, starting %q", len(lines), lines[:min(3, len(lines))])
	}
	browsertest.CheckPage(t, ctx, v, "suppliers.html, import report")
	// U1: the list pages its 1,999 suppliers, says how many, and searches
	// as people type (no accent, no capital).
	count, noun := browsertest.Text(t, ctx, "#suppliers-count"), strings.TrimSpace(strings.ReplaceAll(browsertest.T(t, ctx, "filter.suppliers"), "{n}", ""))
	if textfold.Digits(count) != "1999" || !strings.Contains(count, noun) {
		t.Errorf("count = %q, want 1999 %s", count, noun)
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#suppliers-filter [name=q]`), "securite"),
		chromedp.WaitNotPresent(chromedp.CSS(`#suppliers tbody tr[data-siret="`+a+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#suppliers tbody tr[data-siret="`+b+`"]`)),
	)
	if got, want := browsertest.Text(t, ctx, "#suppliers-count"), browsertest.T(t, ctx, "filter.oneSupplier"); got != want {
		t.Errorf("count = %q, want %q", got, want)
	}
	browsertest.CheckPage(t, ctx, v, "suppliers.html, searched")
	// X2: the list downloads as a CSV of what the search keeps.
	browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.madeBlob = undefined`), chromedp.Click(chromedp.CSS("#suppliers-export")))
	browsertest.WaitFor(t, ctx, `window.madeBlob !== undefined`)
	exported, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.madeBlob.text()`, chromedp.EvalAwaitPromise))
	if lines := strings.Split(strings.TrimSpace(exported), "\r\n"); err != nil || len(lines) != 2 || !strings.Contains(lines[1], b) {
		t.Errorf("exported list %q (%v): want the header and the one row searched", exported, err)
	}
}
