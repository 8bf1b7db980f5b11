package hooks_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/tenancy"
	"vigie/internal/oraclenet"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// Every collection's read rule reads maintained access rows. This test
// builds random networks, changes them the ways people do (access_changes
// _test.go), and after each change compares, for every user and a guest,
// what the REST API lists and views in each collection with the spec's
// answer over plain rows (access_spec_test.go), never the derived tables. The seeds
// share out one order of every kind of change (30 steps, 24 kinds); one
// subtest per collection per seed reports.
func TestAccessRowsMatchTheSpec(t *testing.T) {
	const seeds, steps = 3, 10
	for seed := 0; seed < seeds; seed++ {
		t.Run(fmt.Sprint("seed ", seed+1), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed+1), 17))
			o := newOracle(t, rng)
			o.compare(t, "built")
			changes := o.changes()
			// One order of every kind for all seeds; each seed takes the
			// next steps of it, so that all kinds run.
			order := rand.New(rand.NewPCG(17, 17)).Perm(len(changes))
			for step := seed * steps; step < (seed+1)*steps; step++ {
				what := changes[order[step%len(order)]](t, rng)
				o.refresh(t)
				what = fmt.Sprintf("step %d, %s", step-seed*steps+1, what)
				t.Log(what)
				o.compare(t, what)
			}
			// A rebuild from the source rows gives the rows the changes
			// left, row for row, and the same answers.
			incremental := oraclenet.DerivedRows(t, o.App)
			if err := tenancy.Rebuild(o.App, nil); err != nil {
				t.Fatal(err)
			}
			if diff := oraclenet.RowDiff(incremental, oraclenet.DerivedRows(t, o.App)); diff != "" {
				t.Errorf("rebuild differs from the rows the changes derived:\n%s", diff)
			}
			o.compare(t, "rebuild")
			for _, c := range readCases {
				t.Run(c.collection, func(t *testing.T) { o.report(t, c.collection) })
			}
		})
	}
}

// oracle is one network under test, its client, and what went wrong.
type oracle struct {
	*oraclenet.Network
	client   *oraclenet.Client
	operator string            // a superuser's token: the dashboard's and the operator's calls
	recovery map[string]string // an unused recovery code per user enrolled in TOTP
	views    *rand.Rand        // which records are viewed; apart so as not to move the network
	failures map[string][]string
}

func newOracle(t *testing.T, rng *rand.Rand) *oracle {
	app := testkit.NewApp(t)
	o := &oracle{Network: oraclenet.Build(t, app, rng, oraclenet.Size{Users: 8, Documents: 8}),
		client: oraclenet.NewClient(t, app), operator: testkit.Token(t, testkit.Superuser(t, app)),
		recovery: map[string]string{}, views: rand.New(rand.NewPCG(rng.Uint64(), 3)),
		failures: map[string][]string{}}
	o.complete(t, rng)
	return o
}

// report fails a collection's subtest with its differences.
func (o *oracle) report(t *testing.T, collection string) {
	for _, f := range o.failures[collection] {
		t.Error(f)
	}
}

// compare asks every collection's list, and a view of one record it should
// show and one it should hide, as every user and a guest, and records each
// difference from the spec under its collection.
func (o *oracle) compare(t *testing.T, after string) {
	t.Helper()
	p := readPlain(t, o.App)
	var callers []*caller
	for _, u := range p.rows[schema.Users] {
		callers = append(callers, newCaller(p, u))
	}
	callers = append(callers, newCaller(p, nil)) // the guest
	tokens := make([]string, len(callers))
	for i, c := range callers {
		tokens[i] = oraclenet.TokenOf(t, c.u)
	}
	for _, rc := range readCases {
		for i, c := range callers {
			if rc.collection == schema.AuditLog {
				p.reload(t, o.App, schema.AuditLog)
			}
			msg := o.check(t, rc, c, tokens[i])
			if msg != "" {
				o.failures[rc.collection] = append(o.failures[rc.collection],
					fmt.Sprintf("after %s: %s: %s", after, o.describe(c), msg))
			}
		}
	}
}

// check compares one caller's list and two views of one collection with
// the spec, and says what differs.
func (o *oracle) check(t *testing.T, rc readCase, c *caller, token string) string {
	var shown, hidden []*core.Record
	want := map[string]bool{}
	for _, r := range c.p.rows[rc.collection] {
		if c.u != nil && rc.sees(c, r) {
			shown, want[r.Id] = append(shown, r), true
		} else {
			hidden = append(hidden, r)
		}
	}
	var problems []string
	wantStatus := http.StatusOK
	if rc.heldBy != nil && len(c.locked) > 0 {
		wantStatus = http.StatusForbidden // S3: the list is refused until the user enrols
	}
	status, ids := o.client.List(t, rc.collection, token)
	if status != wantStatus {
		problems = append(problems, fmt.Sprintf("list answers %d, spec %d", status, wantStatus))
	} else if status == http.StatusOK {
		problems = append(problems, o.diff(rc.collection, want, ids)...)
	}
	for _, rs := range [][]*core.Record{shown, hidden} {
		if len(rs) == 0 {
			continue
		}
		r := oraclenet.Pick(o.views, rs)
		if got, w := o.client.View(t, rc.collection, r.Id, token), viewStatus(rc, c, r, want[r.Id]); got != w {
			problems = append(problems, fmt.Sprintf("view of %s answers %d, spec %d", o.show(rc.collection, r), got, w))
		}
	}
	return strings.Join(problems, "; ")
}

// viewStatus is the spec's answer to a view: 403 for the data of an
// establishment whose required 2FA the caller lacks (S3), else 200 or 404.
func viewStatus(rc readCase, c *caller, r *core.Record, seen bool) int {
	if rc.heldBy != nil {
		for _, est := range rc.heldBy(r) {
			if slices.Contains(c.locked, est) {
				return http.StatusForbidden
			}
		}
	}
	if seen {
		return http.StatusOK
	}
	return http.StatusNotFound
}

func (o *oracle) diff(collection string, want map[string]bool, ids []string) []string {
	var extra, missing []string
	got := map[string]bool{}
	for _, id := range ids {
		got[id] = true
		if !want[id] {
			extra = append(extra, o.showID(collection, id))
		}
	}
	for id := range want {
		if !got[id] {
			missing = append(missing, o.showID(collection, id))
		}
	}
	var out []string
	if len(extra) > 0 {
		out = append(out, "listed against the spec: "+strings.Join(extra, ", "))
	}
	if len(missing) > 0 {
		out = append(out, "missing from the list: "+strings.Join(missing, ", "))
	}
	return out
}

func (o *oracle) showID(collection, id string) string {
	r, err := o.App.FindRecordById(collection, id)
	if err != nil {
		return id + " (gone)"
	}
	return o.show(collection, r)
}

// show names a record with the fields that decide who reads it.
func (o *oracle) show(collection string, r *core.Record) string {
	fields := map[string][]string{
		schema.Memberships:    {"user", "establishment", "profile"},
		schema.Relationships:  {"customer", "supplier", "status", "owner", "referents"},
		schema.Requirements:   {"customer", "supplier", "type"},
		schema.DocumentTypes:  {"owner"},
		schema.AccessRequests: {"establishment", "requestedBy"},
		schema.ShareLinks:     {"establishment", "createdBy"},
		schema.AuditLog:       {"establishment", "action"},
		schema.Locks:          {"holder"},
		schema.Notifications:  {"user"},
	}[collection]
	var parts []string
	for _, f := range fields {
		parts = append(parts, f+"="+fmt.Sprint(r.Get(f)))
	}
	return r.Id + "{" + strings.Join(parts, " ") + "}"
}

func (o *oracle) describe(c *caller) string {
	if c.u == nil {
		return "guest"
	}
	return fmt.Sprintf("user %s support=%v totp=%v %s", c.u.Id, c.u.GetBool("support"), c.u.GetBool("totpEnabled"), o.DescribeUser(c.u))
}
