package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/internal/browsertest"
	"vigie/internal/fixtures"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// L2, L4, P2: the recipient's page shows nothing before the right address,
// refuses a wrong one, then shows the document, lets it be downloaded and
// accepted.
func TestShareRecipientPageL2(t *testing.T) {
	w, types := docSetup(t)
	f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), "kbis.pdf")
	doc := testkit.Record(t, w.App, schema.Documents, map[string]any{"supplier": w.Home.Id, "type": types["kbis"].Id, "file": f})
	base := browsertest.Serve(t, w.App)

	req, _ := http.NewRequest(http.MethodPost, base+"/api/vigie/documents/"+doc.Id+"/share",
		strings.NewReader(`{"email":"auditeur@cabinet.test"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", testkit.Token(t, w.Users[testkit.Admin]))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("share: %v %v", err, res)
	}
	var link struct{ URL string }
	json.NewDecoder(res.Body).Decode(&link)
	res.Body.Close()
	path := link.URL[strings.Index(link.URL, "/s/"):]

	ctx := browsertest.Browser(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS("#check")),
	)
	if body := browsertest.Text(t, ctx, "main"); strings.Contains(body, "Home SA") || strings.Contains(body, "Kbis") {
		t.Fatalf("the page shows the document before the check: %q", body)
	}
	for _, v := range browsertest.Axe(t, ctx) { // U6, before the check
		t.Errorf("share page: %s", v)
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#check [name=email]"), "someone@cabinet.test"),
		chromedp.Click(chromedp.CSS("#check button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#flash.error")),
	)
	if got := browsertest.Text(t, ctx, "#flash"); !strings.Contains(got, "address") && !strings.Contains(got, "adresse") {
		t.Fatalf("flash = %q", got)
	}
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+path), // a fresh page: the typed address is the only input
		chromedp.WaitVisible(chromedp.CSS("#check")),
		chromedp.SendKeys(chromedp.CSS("#check [name=email]"), "Auditeur@Cabinet.test"),
		chromedp.Click(chromedp.CSS("#check button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#document-section")),
	)
	if got := browsertest.Text(t, ctx, "#doc-supplier"); !strings.Contains(got, "Home SA") {
		t.Fatalf("supplier shown = %q", got)
	}
	for _, v := range browsertest.Axe(t, ctx) { // U6, the document shown
		t.Errorf("share page, document: %s", v)
	}
	// The download link serves the PDF.
	browsertest.WaitFor(t, ctx, `window.__pdf === true || (window.__fetching = window.__fetching || `+
		`fetch(document.getElementById("doc-file").href).then(r => r.text()).then(t => { window.__pdf = t.startsWith("%PDF") }), false)`)
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#accept [name=name]"), "Alice Auditeur"),
		chromedp.Click(chromedp.CSS("#accept button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#accepted")),
	)
	if got := browsertest.Text(t, ctx, "#accepted"); !strings.Contains(got, "Alice Auditeur") {
		t.Fatalf("accepted = %q", got)
	}
	l, err := w.App.FindFirstRecordByFilter(schema.ShareLinks, "document = {:d}", map[string]any{"d": doc.Id})
	if err != nil || l.GetString("acceptedName") != "Alice Auditeur" || l.GetInt("opens") != 1 || l.GetInt("failures") != 1 {
		t.Fatalf("link after the walk: %v %v", err, l.PublicExport())
	}
}

// U8, L3: a member shares a document from its page, sees the link in the
// list of links sent with its history, and revokes it; the recipient's
// address then opens nothing.
func TestShareLinksListedAndRevokedU8(t *testing.T) {
	w, types := docSetup(t)
	f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), "kbis.pdf")
	doc := testkit.Record(t, w.App, schema.Documents, map[string]any{"supplier": w.Home.Id, "type": types["kbis"].Id, "file": f})
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#whoami")
	row := `#documents tr[data-id="` + doc.Id + `"]`
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/documents.html"),
		chromedp.WaitVisible(chromedp.CSS(row+" button.share")),
		chromedp.Click(chromedp.CSS(row+" button.share")),
		chromedp.WaitVisible(chromedp.CSS("#no-share-links")),
		chromedp.SendKeys(chromedp.CSS("#share [name=email]"), "auditeur@cabinet.test"),
		chromedp.Click(chromedp.CSS("#share button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`#share-links tr[data-state=active] button.history`)),
		chromedp.Click(chromedp.CSS(`#share-links tr[data-state=active] button.history`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-links tr.history[data-action=created]`)),
	)
	if got := browsertest.Text(t, ctx, "#share-links tbody"); !strings.Contains(got, "auditeur@cabinet.test") {
		t.Fatalf("links sent: %q", got)
	}
	link := browsertest.Text(t, ctx, "#share-url")
	browsertest.Do(t, ctx,
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`#share-links tr[data-state=active] button.revoke`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-links tr[data-state=revoked]`)),
	)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#share-links button.revoke").length`)); err != nil || n != 0 {
		t.Errorf("a revoked link still offers revoke: %d (%v)", n, err)
	}
	l, err := w.App.FindFirstRecordByFilter(schema.ShareLinks, "document = {:d}", map[string]any{"d": doc.Id})
	if err != nil || !l.GetBool("revoked") {
		t.Fatalf("link after revoke: %v %v", err, l)
	}
	token := link[strings.LastIndex(link, "/")+1:]
	req, _ := http.NewRequest(http.MethodPost, base+"/api/vigie/share/"+token, strings.NewReader(`{"email":"auditeur@cabinet.test"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusGone {
		t.Errorf("a revoked link answers %d, want 410", res.StatusCode)
	}
}
