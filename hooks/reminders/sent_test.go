package reminders_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/reminders"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// U2: a customer's supplier page lists the reminders sent about that
// supplier; nobody else reads them, and a supplier the caller does not see
// answers as one that does not exist.
func TestRemindersSentAboutASupplierU2(t *testing.T) {
	s := newSim(t)
	cfg := testkit.Config()
	for _, est := range []*core.Record{s.Customer, s.Second} {
		est.Set("modules", []string{string(profiles.Reports)})
		if err := s.App.Save(est); err != nil {
			t.Fatal(err)
		}
	}
	people := map[string]*core.Record{}
	adviser := func(m *core.Record) { m.Set("visibility", "assigned") } // T7: owns no relationship
	for name, p := range map[string]struct {
		profile profiles.Profile
		opts    []func(*core.Record)
	}{
		"customer-feedback": {profiles.Feedback, nil}, "customer-adviser": {profiles.Feedback, []func(*core.Record){adviser}},
		"customer-processing": {profiles.Processing, nil},
	} {
		people[name] = testkit.User(t, s.App, name+"@customer.test")
		testkit.Member(t, s.App, people[name], s.Customer, p.profile, p.opts...)
	}
	for _, email := range []string{"admin@customer.test", "admin@second.test"} {
		u, err := s.App.FindAuthRecordByEmail(schema.Users, email)
		if err != nil {
			t.Fatal(err)
		}
		people[email] = u
	}
	en := &reminders.Engine{App: s.App, Cfg: &cfg}
	if _, err := en.Run(s.start, false); err != nil { // URSSAF is missing: Customer's suppliers hear
		t.Fatal(err)
	}

	url := func(customer, supplier *core.Record) string {
		return "/api/vigie/establishments/" + customer.Id + "/suppliers/" + supplier.Id + "/reminders"
	}
	sentToCustomer := []string{`"code":"urssaf"`, `"reason":"missing"`, `"step":"m0"`, `"recipients":1`, `"page":1`, `"perPage":50`}
	for _, c := range []struct {
		name, who, url string
		status         int
		want, not      []string
	}{
		{"customer admin", "admin@customer.test", url(s.Customer, s.Home), 200, sentToCustomer, []string{`"code":"kbis"`}},
		{"reports profile", "customer-feedback", url(s.Customer, s.Home), 200, sentToCustomer, nil},
		{"operator", "", url(s.Customer, s.Home), 200, sentToCustomer, nil},
		{"other customer, its own pair", "admin@second.test", url(s.Second, s.Home), 200, []string{`"items":[]`}, nil},
		{"adviser, not its supplier (T7)", "customer-adviser", url(s.Customer, s.Home), 404, testkit.Body404, []string{"urssaf"}},
		{"no reports capability", "customer-processing", url(s.Customer, s.Home), 403, []string{`"status":403`}, []string{"urssaf"}},
		{"other customer, foreign pair", "admin@second.test", url(s.Customer, s.Home), 404, testkit.Body404, []string{"urssaf"}},
		{"the supplier itself", string(testkit.Admin), url(s.Customer, s.Home), 404, testkit.Body404, []string{"urssaf"}},
		{"not a supplier of it", "admin@customer.test", url(s.Customer, s.Second), 404, testkit.Body404, nil},
		{"guest", string(testkit.Guest), url(s.Customer, s.Home), 401, []string{`"status":401`}, []string{"urssaf"}},
		{"bad perPage", "admin@customer.test", url(s.Customer, s.Home) + "?perPage=201", 400,
			[]string{`"perPage":{"code":"validation_invalid_perPage"`}, []string{"urssaf"}},
		{"a page past the end", "admin@customer.test", url(s.Customer, s.Home) + "?page=9", 200, []string{`"items":[]`, `"page":9`}, nil},
	} {
		headers := map[string]string{}
		switch u, ok := people[c.who]; {
		case ok:
			headers["Authorization"] = testkit.Token(t, u)
		case c.who == "":
			headers["Authorization"] = testkit.Token(t, s.Operator())
		default:
			headers = s.Headers(t, testkit.Actor(c.who))
		}
		(&tests.ApiScenario{Name: c.name, Method: http.MethodGet, URL: c.url, Headers: headers,
			ExpectedStatus: c.status, ExpectedContent: c.want, NotExpectedContent: c.not,
			TestAppFactory: s.Factory, DisableTestAppCleanup: true}).Test(t)
	}
}
