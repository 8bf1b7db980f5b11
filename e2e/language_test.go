package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/demo"
	"vigie/internal/browsertest"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// U4: no English text, raw key or "[object Object]" on any page in French,
// for the customer's admin and the supplier's, on the demo data set (every
// page has rows to show). With VIGIE_SCREENSHOTS=dir, the pages it walks
// are saved there as PNG, at 1366 and 390 px (the README's pictures).
func TestFrenchPagesSayNothingInEnglishU4(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	if _, err := demo.Load(app, &cfg); err != nil {
		t.Fatal(err)
	}
	customer := findEstablishment(t, app, "Bâtiments Durand SA")
	supplier := findEstablishment(t, app, "Nettoyage Martin SARL")
	base := browsertest.Serve(t, app)
	shots := os.Getenv("VIGIE_SCREENSHOTS")
	for _, who := range []struct {
		email string
		pages []string
	}{
		{"claire.durand@durand.demo", append(append([]string{}, signedInPages...),
			"/supplier.html?customer="+customer+"&supplier="+supplier)},
		{"marc.martin@martin.demo", []string{"/company.html", "/customers.html", "/documents.html", "/security.html", "/gdpr.html"}},
	} {
		ctx := browsertest.Browser(t)
		browsertest.Do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#signin")),
			chromedp.Evaluate[chromedp.Void](`localStorage.setItem("vigie.lang", "fr")`))
		for _, width := range []int{1366, 390} {
			browsertest.Do(t, ctx, chromedp.EmulateViewport(int64(width), 900))
			if width == 1366 || shots != "" {
				browsertest.Do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#signin")))
				checkFrench(t, ctx, "/")
				screenshot(t, ctx, shots, "signin", width)
				browsertest.Do(t, ctx, chromedp.Navigate(base+"/invite.html?token=x"), chromedp.WaitVisible(chromedp.CSS("#invite")),
					chromedp.SendKeys(chromedp.CSS("#invite [name=password]"), "a-long-password-2026"),
					chromedp.SendKeys(chromedp.CSS("#invite [name=passwordConfirm]"), "a-long-password-2026"),
					chromedp.Click(chromedp.CSS("#invite button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#invite-message")))
				checkFrench(t, ctx, "/invite.html, refused")
			}
			browsertest.SignIn(t, ctx, base, who.email, demo.Password, "#whoami")
			for _, page := range who.pages {
				browsertest.Do(t, ctx, chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("#whoami")),
					chromedp.Sleep(800*time.Millisecond)) // the lists fill after the page loads
				checkFrench(t, ctx, who.email+" "+page)
				name, _, _ := strings.Cut(page, "?")
				name = strings.TrimSuffix(strings.TrimPrefix(name, "/"), ".html")
				screenshot(t, ctx, shots, strings.Split(who.email, ".")[0]+"-"+name, width)
			}
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin")))
		}
	}
}

func checkFrench(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	for _, s := range browsertest.Untranslated(t, ctx) {
		t.Errorf("%s shows %q on a French page", where, s)
	}
}

func screenshot(t *testing.T, ctx context.Context, dir, name string, width int) {
	t.Helper()
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func findEstablishment(t *testing.T, app core.App, name string) string {
	t.Helper()
	rec, err := app.FindFirstRecordByData(schema.Establishments, "name", name)
	if err != nil {
		t.Fatalf("demo establishment %q: %v", name, err)
	}
	return rec.Id
}
