package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/internal/browsertest"
	"vigie/internal/fixtures"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// L1–L4, U8: a member shares a document from "My documents"; the recipient
// is refused with a wrong address, checks the right one, sees the document
// and accepts its terms; the sender then reads the link's history (sent,
// wrong address, opened, accepted) and revokes it, after which the
// recipient's page opens nothing. In both languages, on both screens.
func TestShareJourneyU8(t *testing.T) {
	browsertest.EachVariant(t, shareJourney)
}

func shareJourney(t *testing.T, v browsertest.Variant) {
	w, types := docSetup(t)
	f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), "kbis.pdf")
	doc := testkit.Record(t, w.App, schema.Documents, map[string]any{"supplier": w.Home.Id, "type": types["kbis"].Id, "file": f})
	base := browsertest.Serve(t, w.App)
	row := `#documents tr[data-id="` + doc.Id + `"]`

	sender := browsertest.BrowserIn(t, v)
	browsertest.SignIn(t, sender, base, "admin@home.test", testkit.Password, "#whoami")
	browsertest.Do(t, sender,
		chromedp.Navigate(base+"/documents.html"),
		chromedp.WaitVisible(chromedp.CSS(row+" button.share")),
		chromedp.Click(chromedp.CSS(row+" button.share")),
		chromedp.WaitVisible(chromedp.CSS("#no-share-links")),
		chromedp.SendKeys(chromedp.CSS("#share [name=email]"), "auditeur@cabinet.test"),
		chromedp.Click(chromedp.CSS("#share button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`#share-links tr[data-state=active]`)),
	)
	browsertest.CheckPage(t, sender, v, "documents.html, link sent")
	url := browsertest.Text(t, sender, "#share-url")
	if !strings.Contains(w.App.TestMailer.LastMessage().Text, url) {
		t.Fatalf("the link %q is not in the mail sent", url)
	}
	path := url[strings.Index(url, "/s/"):]

	recipient := browsertest.BrowserIn(t, v)
	// check opens the link in a fresh page and types address, then waits
	// for what answers: the refusal or the document.
	check := func(address, answer string) {
		t.Helper()
		browsertest.Do(t, recipient,
			chromedp.Navigate(base+path),
			chromedp.WaitVisible(chromedp.CSS("#check")),
			chromedp.SendKeys(chromedp.CSS("#check [name=email]"), address),
			chromedp.Click(chromedp.CSS("#check button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(answer)),
		)
	}
	check("someone@cabinet.test", "#flash.error")
	browsertest.CheckPage(t, recipient, v, "share page, wrong address")
	check("Auditeur@Cabinet.test", "#document-section")
	browsertest.Do(t, recipient,
		chromedp.SendKeys(chromedp.CSS("#accept [name=name]"), "Alice Auditeur"),
		chromedp.Click(chromedp.CSS("#accept button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#accepted")),
	)
	browsertest.CheckPage(t, recipient, v, "share page, accepted")

	// The list again, as it now stands: the rows shown so far are marked,
	// so that the history button clicked is one of the new list's.
	browsertest.Do(t, sender,
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#share-links tbody tr").forEach((r) => r.dataset.stale = "1")`),
		chromedp.Click(chromedp.CSS(row+" button.share")),
		chromedp.WaitVisible(chromedp.CSS(`#share-links tr[data-state=active]:not([data-stale]) button.history`)),
		chromedp.Click(chromedp.CSS(`#share-links tr[data-state=active] button.history`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-links tr.history[data-action=accepted]`)),
	)
	for _, action := range []string{"created", "failed", "opened", "accepted"} {
		if n, _ := chromedp.Run(sender, chromedp.Evaluate[int](`document.querySelectorAll('#share-links tr.history[data-action=`+action+`]').length`)); n == 0 {
			t.Errorf("the history lacks %q", action)
		}
	}
	if got, want := browsertest.Text(t, sender, `#share-links tr.history[data-action=accepted]`), browsertest.T(t, sender, "share.action.accepted"); !strings.Contains(got, want) {
		t.Errorf("history line %q lacks %q", got, want)
	}
	browsertest.CheckPage(t, sender, v, "documents.html, history")
	browsertest.Do(t, sender,
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`#share-links tr[data-state=active] button.revoke`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-links tr[data-state=revoked]`)),
	)
	check("auditeur@cabinet.test", "#flash.error")
	if shown, _ := chromedp.Run(recipient, chromedp.Evaluate[bool](`!document.getElementById("document-section").hidden`)); shown {
		t.Error("a revoked link still shows the document")
	}
	browsertest.CheckPage(t, recipient, v, "share page, revoked")
}
