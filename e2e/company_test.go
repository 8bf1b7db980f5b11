package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/tenancy"
	"vigie/internal/browsertest"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// P1, P2, T3, T6: the admin signs in, sees every member of Home in "My
// company", adds one through the form, and the member really exists.
func TestMyCompanyAddMemberP2(t *testing.T) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, `#members tbody tr[data-email="feedback@home.test"]`)
	for _, a := range testkit.Members {
		browsertest.WaitFor(t, ctx, `document.querySelector('#members tbody tr[data-email="`+string(a)+`@home.test"]') !== null`)
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#add-member [name=email]`), "newbie@home.test"),
		chromedp.SendKeys(chromedp.CSS(`#add-member [name=firstName]`), "Nouvelle"),
		chromedp.SendKeys(chromedp.CSS(`#add-member [name=lastName]`), "Recrue"),
		chromedp.SetValue(chromedp.CSS(`#add-member [name=profile]`), "feedback"),
		chromedp.Click(chromedp.CSS(`#add-member button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#members tbody tr[data-email="newbie@home.test"]`)),
	)
	user, err := w.App.FindAuthRecordByEmail(schema.Users, "newbie@home.test")
	if err != nil {
		t.Fatal("the form did not create the user")
	}
	ms, err := w.App.FindFirstRecordByFilter(schema.Memberships, "user = {:u} && establishment = {:e}",
		dbx.Params{"u": user.Id, "e": w.Home.Id})
	if err != nil || ms.GetString("profile") != "feedback" {
		t.Fatalf("membership = %v, %v", ms, err)
	}
}

// P2: a wrong password shows the error and stays on the sign-in page.
func TestWrongPasswordP2(t *testing.T) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/"),
		chromedp.SendKeys(chromedp.CSS("#email"), "admin@home.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), "not-the-password"),
		chromedp.Click(chromedp.CSS("#signin-submit")),
		chromedp.WaitVisible(chromedp.CSS("#signin-error")),
	)
	if url, _ := chromedp.Run(ctx, chromedp.Location()); strings.Contains(url, "company") {
		t.Fatalf("a wrong password reached %s", url)
	}
}

// P1: French and English, switched on the page.
func TestLanguageSwitchP1(t *testing.T) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#members tbody tr")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`[data-lang=en]`)))
	if got := browsertest.Text(t, ctx, `h1[data-i18n="company.title"]`); got != "My company" {
		t.Fatalf("English title = %q", got)
	}
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`[data-lang=fr]`)))
	if got := browsertest.Text(t, ctx, `h1[data-i18n="company.title"]`); got != "Mon entreprise" {
		t.Fatalf("French title = %q", got)
	}
}

// T6: a member without admin rights asks for a new user; Home's admin
// sees the request on "My company" and approves it, and the person is then
// a member with the profile asked. In both languages, on both screens.
func TestRequestNewUserT6(t *testing.T) {
	browsertest.EachVariant(t, requestNewUser)
}

func requestNewUser(t *testing.T, v browsertest.Variant) {
	w := testkit.NewWorld(t)
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.BrowserIn(t, v)
	browsertest.SignIn(t, ctx, base, "processing@home.test", testkit.Password, "#request-section")
	browsertest.Do(t, ctx,
		chromedp.WaitNotVisible(chromedp.CSS("#members-section")),
		chromedp.SendKeys(chromedp.CSS(`#request-user [name=email]`), "helper@home.test"),
		chromedp.SendKeys(chromedp.CSS(`#request-user [name=firstName]`), "Hélène"),
		chromedp.SendKeys(chromedp.CSS(`#request-user [name=lastName]`), "Aide"),
		chromedp.SetValue(chromedp.CSS(`#request-user [name=profile]`), "delivery"),
		chromedp.Click(chromedp.CSS(`#request-user button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	if got, want := browsertest.Text(t, ctx, "#flash"), browsertest.T(t, ctx, "company.request.sent"); got != want {
		t.Errorf("flash %q, want %q", got, want)
	}
	browsertest.CheckPage(t, ctx, v, "company.html, request sent")
	req, err := w.App.FindFirstRecordByData(schema.AccessRequests, "email", "helper@home.test")
	if err != nil || req.GetString("status") != "pending" || req.GetString("establishment") != w.Home.Id {
		t.Fatalf("access request = %v, %v", req, err)
	}

	admin := browsertest.BrowserIn(t, v)
	browsertest.SignIn(t, admin, base, "admin@home.test", testkit.Password, `#requests li[data-email="helper@home.test"] button.primary`)
	browsertest.CheckPage(t, admin, v, "company.html, a request pending")
	browsertest.Do(t, admin,
		chromedp.Click(chromedp.CSS(`#requests li[data-email="helper@home.test"] button.primary`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#requests li[data-email="helper@home.test"]`)),
	)
	if after, _ := w.App.FindRecordById(schema.AccessRequests, req.Id); after.GetString("status") != "approved" {
		t.Fatalf("request after approval: %q", after.GetString("status"))
	}
	browsertest.WaitFor(t, admin, `document.querySelector("#members tbody").textContent.includes("helper@home.test")`)
	helper, err := w.App.FindAuthRecordByEmail(schema.Users, "helper@home.test")
	if err != nil {
		t.Fatal("approving made no user")
	}
	ms, err := w.App.FindFirstRecordByFilter(schema.Memberships, "user = {:u} && establishment = {:e}", dbx.Params{"u": helper.Id, "e": w.Home.Id})
	if err != nil || ms.GetString("profile") != "delivery" {
		t.Fatalf("membership after approval: %v %v", ms, err)
	}
	browsertest.CheckPage(t, admin, v, "company.html, request approved")
}

// S9: someone with an account, invited by Home's admin, sees the
// invitation on "Mon entreprise", accepts it, and Home is then among its
// establishments; nothing was a membership before.
func TestInvitationAcceptedS9(t *testing.T) {
	w := testkit.NewWorld(t)
	outsider := w.Users[testkit.Outsider]
	cfg := testkit.Config()
	err := w.App.RunInTransaction(func(tx core.App) error {
		_, err := tenancy.AddMember(tx, &cfg, w.Home, tenancy.NewMember{Email: outsider.Email(), Profile: "feedback"},
			audit.Entry{Actor: w.Users[testkit.Admin].Id, ActorEmail: "admin@home.test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, outsider.Email(), testkit.Password, `#invitations li button.primary`)
	if got := browsertest.Text(t, ctx, `#invitations li strong`); got != "Home SA" {
		t.Fatalf("invitation shows %q", got)
	}
	if n, _ := w.App.CountRecords(schema.Memberships, dbx.HashExp{"user": outsider.Id, "establishment": w.Home.Id}); n != 0 {
		t.Fatal("a membership exists before accepting")
	}
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`#invitations li button.primary`)))
	browsertest.WaitFor(t, ctx, `document.querySelector('#establishment option[value="`+w.Home.Id+`"]') !== null`)
	if n, _ := w.App.CountRecords(schema.Memberships, dbx.HashExp{"user": outsider.Id, "establishment": w.Home.Id}); n != 1 {
		t.Fatal("accepting in the page made no membership")
	}
}
