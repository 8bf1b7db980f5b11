package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie/internal/browsertest"
	"vigie/internal/schema"
	"vigie/internal/testkit"
	"vigie/internal/totp"
)

// S1, S2, P2: a user enrols on the security page with the code computed from
// the secret shown, signs out, and signs back in with a TOTP code.
func TestEnrolAndSignInWithTOTPS1(t *testing.T) {
	browsertest.EachVariant(t, enrolAndSignInWithTOTP)
}

func enrolAndSignInWithTOTP(t *testing.T, v browsertest.Variant) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.BrowserIn(t, v)
	browsertest.SignIn(t, ctx, base, "feedback@home.test", testkit.Password, "#request-section")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/security.html"),
		chromedp.WaitVisible(chromedp.CSS("#totp-setup")),
		chromedp.Click(chromedp.CSS("#totp-setup")),
		chromedp.WaitVisible(chromedp.CSS("#totp-qr")),
	)
	browsertest.WaitFor(t, ctx, `document.getElementById("totp-qr").naturalWidth > 0`)
	browsertest.CheckPage(t, ctx, v, "security.html, enrolling")
	secret := browsertest.Text(t, ctx, "#totp-secret")
	code, _ := totp.Code(secret, time.Now())
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#totp-confirm [name=code]`), code),
		chromedp.Click(chromedp.CSS(`#totp-confirm button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#recovery-codes li")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-totp="on"]`)),
	)
	if u, _ := w.App.FindAuthRecordByEmail(schema.Users, "feedback@home.test"); !u.GetBool("totpEnabled") {
		t.Fatal("TOTP is not on")
	}
	// U8: the codes shown once download as a text file holding each of them.
	file, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise((resolve) => {
		URL.createObjectURL = (blob) => { blob.text().then(resolve); return "data:text/plain,"; };
		document.getElementById("recovery-download").click();
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#recovery-codes li")].map((li) => li.textContent)`))
	if len(shown) != 10 {
		t.Fatalf("%d recovery codes shown", len(shown))
	}
	browsertest.CheckPage(t, ctx, v, "security.html, recovery codes")
	for _, c := range shown {
		if !strings.Contains(file, c) {
			t.Errorf("the downloaded file lacks code %q", c)
		}
	}
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin")),
		chromedp.SendKeys(chromedp.CSS("#email"), "feedback@home.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), testkit.Password),
		chromedp.Click(chromedp.CSS("#signin-submit")),
		chromedp.WaitVisible(chromedp.CSS("#totp-step")),
	)
	if token, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem("vigie.token") || ""`)); token != "" {
		t.Fatal("a token was stored on password alone")
	}
	// A wrong code is refused in the page's language; the right one signs in.
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#totp-code"), "000000"),
		chromedp.Click(chromedp.CSS("#totp-submit")),
		chromedp.WaitVisible(chromedp.CSS("#totp-error")),
	)
	browsertest.CheckPage(t, ctx, v, "sign-in, wrong code")
	browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("totp-code").value = ""`))
	next, _ := totp.Code(secret, time.Now().Add(totp.Period*time.Second)) // the confirmation used this step
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#totp-code"), next),
		chromedp.Click(chromedp.CSS("#totp-submit")),
		chromedp.WaitVisible(chromedp.CSS("#request-section")),
	)
	// ASVS 3.2.3: the token is kept for the tab only, never on disk.
	inSession, err1 := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem("vigie.token") || ""`))
	onDisk, err2 := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem("vigie.token") || ""`))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if inSession == "" || onDisk != "" {
		t.Fatalf("token in sessionStorage: %t, in localStorage: %t", inSession != "", onDisk != "")
	}
}

// S4, S5, P2: the admin's GDPR tab: everyone with access, and support access
// turned on.
func TestGDPRTabS5(t *testing.T) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#members tbody tr")
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/gdpr.html"),
		chromedp.WaitVisible(chromedp.CSS(`#overview tr[data-kind="collector"]`)),
		chromedp.Click(chromedp.CSS(`#support [name=enabled]`)),
		chromedp.Click(chromedp.CSS(`#support button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#overview tr[data-kind="support"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#audit tr[data-action="support.enabled"]`)),
	)
	home, _ := w.App.FindRecordById(schema.Establishments, w.Home.Id)
	if !home.GetBool("supportAccess") || !strings.Contains(browsertest.Text(t, ctx, "#overview"), "support@vigie.test") {
		t.Fatal("support access is not on")
	}
}
