package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie/internal/browsertest"
	"vigie/internal/testkit"
)

// signedInPages are the pages behind sign-in, with the element each fills.
var signedInPages = []string{"/company.html", "/suppliers.html", "/customers.html", "/documents.html",
	"/compliance.html", "/security.html", "/gdpr.html"}

// U5: the navigation shows the pages the user's profiles may use. Home's
// delivery member sees neither partners, compliance nor the access
// overview; its admin sees them all (Home has the reports module).
func TestNavigationFollowsTheProfileU5(t *testing.T) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	for _, c := range []struct {
		actor         testkit.Actor
		shown, hidden []string
	}{
		{testkit.Delivery, []string{"/company.html", "/documents.html", "/security.html"},
			[]string{"/suppliers.html", "/customers.html", "/compliance.html", "/gdpr.html"}},
		{testkit.Processing, []string{"/suppliers.html", "/customers.html", "/documents.html"}, []string{"/compliance.html", "/gdpr.html"}},
		{testkit.Admin, signedInPages, nil},
	} {
		ctx := browsertest.Browser(t)
		browsertest.SignIn(t, ctx, base, string(c.actor)+"@home.test", testkit.Password, "#whoami")
		// The links the page hides are decided once the memberships are read.
		browsertest.WaitFor(t, ctx, `document.querySelector('.topbar a[href="/gdpr.html"]').hidden === `+boolJS(slices.Contains(c.hidden, "/gdpr.html")))
		for _, href := range append(append([]string{}, c.shown...), c.hidden...) {
			hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('.topbar a[href="`+href+`"]').hidden`))
			if err != nil {
				t.Fatal(err)
			}
			if want := slices.Contains(c.hidden, href); hidden != want {
				t.Errorf("%s: link to %s hidden = %v, want %v", c.actor, href, hidden, want)
			}
		}
	}
}

// U6: at 390 px every signed-in page fits the width: nothing scrolls
// sideways (a wide table scrolls inside its card).
func TestPagesFitAPhoneU6(t *testing.T) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844))
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#whoami")
	for _, page := range signedInPages {
		browsertest.Do(t, ctx, chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("#whoami")),
			chromedp.Sleep(700*time.Millisecond)) // the lists fill after the page loads
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 390 {
			t.Errorf("%s is %d px wide at 390 px", page, width)
		}
	}
}

// U4, U6: a refused addition is explained in French from the error's code,
// with the field named and no raw object; a control hidden by its script
// stays hidden whatever its display rule (the 2FA "turn off" form while
// 2FA is off).
func TestErrorsInThePageLanguageU4(t *testing.T) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#whoami")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/suppliers.html"),
		chromedp.WaitVisible(chromedp.CSS("#add-supplier")),
		chromedp.Click(chromedp.CSS(`.langs [data-lang="fr"]`)),
		chromedp.SendKeys(chromedp.CSS(`#add-supplier [name=siret]`), "12345678901234"),
		chromedp.SendKeys(chromedp.CSS(`#add-supplier [name=email]`), "chef@ailleurs.test"),
		chromedp.Click(chromedp.CSS(`#add-supplier button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#flash.error")),
	)
	got := browsertest.Text(t, ctx, "#flash")
	for _, want := range []string{"SIRET", "SIRET invalide"} {
		if !strings.Contains(got, want) {
			t.Errorf("flash %q lacks %q", got, want)
		}
	}
	for _, unwanted := range []string{"[object Object]", "Invalid", "Unable to"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("flash %q holds %q", got, unwanted)
		}
	}
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/security.html"), chromedp.WaitVisible(chromedp.CSS("#totp-setup")))
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.getElementById("totp-disable")).display !== "none"`))
	if err != nil {
		t.Fatal(err)
	}
	if shown {
		t.Error(`"Désactiver" shows while 2FA is off`)
	}
}

func boolJS(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// U6: axe-core finds no serious or critical violation on any page, signed
// in (as the admin, who sees every control) or not, in French, at 1366 px
// and at 390 px.
func TestPagesPassAxeU6(t *testing.T) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	check := func(page string) {
		t.Helper()
		for _, v := range browsertest.Axe(t, ctx) {
			t.Errorf("%s: %s", page, v)
		}
	}
	for _, width := range []int{1366, 390} {
		for _, page := range []string{"/", "/invite.html?token=x"} {
			browsertest.Do(t, ctx, chromedp.EmulateViewport(int64(width), 900), chromedp.Navigate(base+page),
				chromedp.WaitVisible(chromedp.CSS("form")))
			check(fmt.Sprintf("%s at %d px", page, width))
		}
		// A refused password (the token is not one) shows its message.
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#invite [name=password]"), "a-long-password-2026"),
			chromedp.SendKeys(chromedp.CSS("#invite [name=passwordConfirm]"), "a-long-password-2026"),
			chromedp.Click(chromedp.CSS("#invite button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#invite-message")))
		check(fmt.Sprintf("/invite.html refused at %d px", width))
	}
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#whoami")
	supplier := "/supplier.html?customer=" + w.Home.Id + "&supplier=" + w.Customer.Id
	for _, width := range []int{1366, 390} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(int64(width), 900))
		for _, page := range append(append([]string{}, signedInPages...), supplier) {
			browsertest.Do(t, ctx, chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("#whoami")),
				chromedp.Sleep(700*time.Millisecond)) // the lists fill after the page loads
			check(fmt.Sprintf("%s at %d px", page, width))
		}
	}
}
