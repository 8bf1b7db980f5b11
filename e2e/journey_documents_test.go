package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"vigie/internal/browsertest"
	"vigie/internal/fixtures"
	"vigie/internal/testkit"
)

// D3, U2, U3: the supplier's admin uploads a PDF Kbis and a photographed
// URSSAF attestation from "My documents"; the customer's admin then opens
// each of them, from the compliance overview and from the supplier's page,
// in both languages and on both screens.
func TestSupplierUploadsCustomerOpensU2(t *testing.T) {
	browsertest.EachVariant(t, supplierUploadsCustomerOpens)
}

func supplierUploadsCustomerOpens(t *testing.T, v browsertest.Variant) {
	w, types := docSetup(t)
	dir := t.TempDir()
	pdf, photo := filepath.Join(dir, "extrait-kbis.pdf"), filepath.Join(dir, "attestation-urssaf.jpg")
	os.WriteFile(pdf, fixtures.PDF(), 0o600)
	os.WriteFile(photo, fixtures.Photo(t), 0o600)
	base := browsertest.Serve(t, w.App)

	supplier := browsertest.BrowserIn(t, v)
	browsertest.SignIn(t, supplier, base, "admin@home.test", testkit.Password, "#whoami")
	browsertest.Do(t, supplier,
		chromedp.Navigate(base+"/documents.html"),
		chromedp.WaitVisible(chromedp.CSS(`#required tr[data-type=kbis][data-status=missing]`)))
	browsertest.CheckPage(t, supplier, v, "documents.html, nothing uploaded")
	for _, up := range []struct{ code, file string }{{"kbis", pdf}, {"urssaf", photo}} {
		browsertest.Do(t, supplier,
			chromedp.WaitReady(chromedp.CSS(`#upload [name=type] option[value="`+types[up.code].Id+`"]`)),
			chromedp.SetValue(chromedp.CSS(`#upload [name=type]`), types[up.code].Id),
			chromedp.SetUploadFiles(chromedp.CSS(`#upload [name=file]`), []string{up.file}),
			chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#required tr[data-type=`+up.code+`][data-status=valid]`)),
			chromedp.WaitVisible(chromedp.CSS(`#documents tr[data-type=`+up.code+`] a`)),
		)
	}
	browsertest.CheckPage(t, supplier, v, "documents.html, two uploaded")

	customer := browsertest.BrowserIn(t, v)
	browsertest.SignIn(t, customer, base, "customer@customer.test", testkit.Password, "#whoami")
	// window.open is kept: the test then fetches what the click opened.
	keepOpened := chromedp.Evaluate[chromedp.Void](`window.opened = []; window.open = (url) => { const w = { location: url, opener: null, close() {} };
		window.opened.push(w); return w; }`)
	openedFile := func(where string) {
		t.Helper()
		browsertest.WaitFor(t, customer, `window.opened.length > 0 && String(window.opened[window.opened.length - 1].location).includes("/api/files/documents/")`)
		status, err := chromedp.Run(customer, chromedp.Evaluate[int](
			`fetch(String(window.opened[window.opened.length - 1].location)).then((r) => r.status)`, chromedp.EvalAwaitPromise))
		if err != nil || status != 200 {
			t.Errorf("%s: the opened file answers %d (%v)", where, status, err)
		}
	}
	browsertest.Do(t, customer,
		chromedp.Navigate(base+"/compliance.html"),
		chromedp.WaitVisible(chromedp.CSS(`#compliance tr[data-type=urssaf][data-status=valid] a.open-document`)),
		keepOpened,
		chromedp.Click(chromedp.CSS(`#compliance tr[data-type=urssaf] a.open-document`)),
	)
	openedFile("compliance overview, the photo")
	browsertest.CheckPage(t, customer, v, "compliance.html")
	browsertest.Do(t, customer,
		chromedp.Click(chromedp.CSS(`#compliance tr[data-type=kbis] a.supplier-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#status tr[data-type=kbis][data-status=valid] a[href*="/api/files/documents/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#documents tr[data-type=urssaf] a[href*="/api/files/documents/"]`)),
	)
	browsertest.CheckPage(t, customer, v, "supplier.html")
	for _, link := range []string{`#status tr[data-type=kbis] a`, `#documents tr[data-type=urssaf] a`} {
		status, err := chromedp.Run(customer, chromedp.Evaluate[int](
			fmt.Sprintf(`fetch(document.querySelector(%q).href).then((r) => r.status)`, link), chromedp.EvalAwaitPromise))
		if err != nil || status != 200 {
			t.Errorf("supplier page, %s: %d (%v)", link, status, err)
		}
	}
}
