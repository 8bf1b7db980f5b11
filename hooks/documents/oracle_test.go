package documents_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/internal/fixtures"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// The documents rule reads maintained access rows (PERFORMANCE.md). This
// test builds random networks, changes them the ways people do, and after
// each change compares what the rule lets every user see with an answer
// computed from the spec alone, from plain rows: no grants, no keys.
func TestAccessRowsMatchTheSpecN5(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			app := testkit.NewApp(t)
			n := randomNetwork(t, app, rng)
			n.compare(t, "built")
			for step := 0; step < 12; step++ {
				what := n.mutate(t, rng)
				n.compare(t, what)
			}
		})
	}
}

type network struct {
	app    core.App
	ests   []*core.Record
	users  []*core.Record
	types  []*core.Record
	rels   []*core.Record
	reqs   []*core.Record
	memIDs []string
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func randomModules(rng *rand.Rand) []string {
	var out []string
	for _, m := range []string{"archive", "reports", "financial"} {
		if rng.IntN(2) == 0 {
			out = append(out, m)
		}
	}
	return out
}

func randomNetwork(t *testing.T, app core.App, rng *rand.Rand) *network {
	n := &network{app: app}
	for i := 0; i < 5; i++ {
		n.ests = append(n.ests, testkit.Establishment(t, app, fmt.Sprint("E", i), testkit.SIRET()))
		n.ests[i].Set("modules", randomModules(rng))
		testkit.Save(t, app, n.ests[i])
	}
	for i := 0; i < 12; i++ {
		n.users = append(n.users, testkit.User(t, app, fmt.Sprintf("u%d-%d@net.test", i, rng.Int())))
	}
	for _, u := range n.users {
		for k := 0; k < 1+rng.IntN(2); k++ {
			est := pick(rng, n.ests)
			if n.memberOf(u, est) {
				continue
			}
			p := pick(rng, profiles.All)
			opts := []func(*core.Record){func(m *core.Record) {
				m.Set("financial", rng.IntN(2) == 0)
				if rng.IntN(3) == 0 {
					m.Set("visibility", "assigned")
				}
			}}
			if p == profiles.Collector {
				opts = append(opts, testkit.CollectorFor(pick(rng, n.ests)))
			}
			m := testkit.Member(t, app, u, est, p, opts...)
			n.memIDs = append(n.memIDs, m.Id)
		}
	}
	all, err := app.FindAllRecords(schema.DocumentTypes)
	if err != nil {
		t.Fatal(err)
	}
	n.types = all
	col, _ := app.FindCollectionByNameOrId(schema.DocumentTypes)
	for i := 0; i < 2; i++ {
		r := core.NewRecord(col)
		r.Load(map[string]any{"code": fmt.Sprint("own", i), "name": "own", "kind": "specific", "owner": pick(rng, n.ests).Id})
		testkit.Save(t, app, r)
		n.types = append(n.types, r)
	}
	for i := 0; i < 10; i++ {
		c, s := pick(rng, n.ests), pick(rng, n.ests)
		if c.Id == s.Id || n.relationship(c.Id, s.Id) != nil {
			continue
		}
		n.addRelationship(t, rng, c, s)
	}
	for i := 0; i < 12; i++ {
		n.addRequirement(t, rng)
	}
	for i := 0; i < 60; i++ {
		n.addDocument(t, rng)
	}
	return n
}

func (n *network) memberOf(u, est *core.Record) bool {
	c, _ := n.app.CountRecords(schema.Memberships, dbx.HashExp{"user": u.Id, "establishment": est.Id})
	return c > 0
}

func (n *network) relationship(c, s string) *core.Record {
	r, err := n.app.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}", dbx.Params{"c": c, "s": s})
	if err != nil {
		return nil
	}
	return r
}

func (n *network) membersOf(est string) []*core.Record {
	ms, _ := n.app.FindAllRecords(schema.Memberships, dbx.HashExp{"establishment": est})
	return ms
}

func (n *network) addRelationship(t *testing.T, rng *rand.Rand, c, s *core.Record) {
	col, _ := n.app.FindCollectionByNameOrId(schema.Relationships)
	r := core.NewRecord(col)
	status := "active"
	if rng.IntN(4) == 0 {
		status = "ended"
	}
	r.Load(map[string]any{"customer": c.Id, "supplier": s.Id, "status": status})
	if ms := n.membersOf(c.Id); len(ms) > 0 && rng.IntN(2) == 0 {
		r.Set("owner", pick(rng, ms).GetString("user"))
	}
	testkit.Save(t, n.app, r)
	n.rels = append(n.rels, r)
}

func (n *network) addRequirement(t *testing.T, rng *rand.Rand) {
	col, _ := n.app.FindCollectionByNameOrId(schema.Requirements)
	r := core.NewRecord(col)
	c := pick(rng, n.ests)
	r.Load(map[string]any{"customer": c.Id, "type": pick(rng, n.types).Id})
	if rng.IntN(2) == 0 {
		r.Set("supplier", pick(rng, n.ests).Id)
	}
	if err := n.app.Save(r); err == nil { // a duplicate is refused by the unique index: fine
		n.reqs = append(n.reqs, r)
	}
}

func (n *network) addDocument(t *testing.T, rng *rand.Rand) {
	col, _ := n.app.FindCollectionByNameOrId(schema.Documents)
	d := core.NewRecord(col)
	s := pick(rng, n.ests)
	typ := pick(rng, n.types)
	f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), "d.pdf")
	until := time.Now().UTC().AddDate(0, 0, rng.IntN(200)-60)
	d.Load(map[string]any{"supplier": s.Id, "type": typ.Id, "file": f, "uploadedBy": pick(rng, n.users).Id,
		"validFrom":  until.AddDate(0, 0, -90).Format("2006-01-02") + " 00:00:00.000Z",
		"validUntil": until.Format("2006-01-02") + " 00:00:00.000Z"})
	if typ.GetString("kind") == schema.KindSpecific {
		d.Set("addressee", pick(rng, n.ests).Id)
	}
	testkit.Save(t, n.app, d)
}

// mutate makes one change of the kinds that move access, and names it.
func (n *network) mutate(t *testing.T, rng *rand.Rand) string {
	switch rng.IntN(8) {
	case 0:
		m, err := n.app.FindRecordById(schema.Memberships, pick(rng, n.memIDs))
		if err != nil {
			return "membership already gone"
		}
		p := pick(rng, profiles.All)
		m.Set("profile", string(p))
		if p == profiles.Collector {
			m.Set("collectorFor", pick(rng, n.ests).Id)
		}
		m.Set("financial", !m.GetBool("financial"))
		testkit.Save(t, n.app, m)
		return "profile changed to " + string(p)
	case 1:
		e := pick(rng, n.ests)
		e.Set("modules", randomModules(rng))
		testkit.Save(t, n.app, e)
		return "modules changed"
	case 2:
		if len(n.rels) == 0 {
			return "no relationship"
		}
		r := pick(rng, n.rels)
		if r.GetString("status") == "active" {
			r.Set("status", "ended")
		} else {
			r.Set("status", "active")
		}
		testkit.Save(t, n.app, r)
		return "relationship " + r.GetString("status")
	case 3:
		if len(n.reqs) == 0 {
			return "no requirement"
		}
		i := rng.IntN(len(n.reqs))
		if err := n.app.Delete(n.reqs[i]); err != nil {
			t.Fatal(err)
		}
		n.reqs = slices.Delete(n.reqs, i, i+1)
		return "requirement deleted"
	case 4:
		n.addRequirement(t, rng)
		return "requirement added"
	case 5:
		n.addDocument(t, rng)
		return "document added (maybe a new version)"
	case 6:
		m, err := n.app.FindRecordById(schema.Memberships, pick(rng, n.memIDs))
		if err != nil {
			return "membership already gone"
		}
		if err := n.app.Delete(m); err != nil {
			return "membership kept: " + err.Error()
		}
		return "membership deleted"
	default:
		if len(n.rels) == 0 {
			return "no relationship"
		}
		r := pick(rng, n.rels)
		if ms := n.membersOf(r.GetString("customer")); len(ms) > 0 {
			r.Set("owner", pick(rng, ms).GetString("user"))
		}
		testkit.Save(t, n.app, r)
		return "relationship owner changed"
	}
}

// compare checks, for every user and document, the rule against the spec.
func (n *network) compare(t *testing.T, after string) {
	t.Helper()
	col, _ := n.app.FindCollectionByNameOrId(schema.Documents)
	docs, err := n.app.FindAllRecords(schema.Documents)
	if err != nil {
		t.Fatal(err)
	}
	mismatches := 0
	for _, u := range n.users {
		info := &core.RequestInfo{Auth: u}
		for _, d := range docs {
			got, err := n.app.CanAccessRecord(d, info, col.ListRule)
			if err != nil {
				t.Fatal(err)
			}
			if want := n.specSees(u, d); got != want {
				mismatches++
				if mismatches <= 5 {
					t.Errorf("after %s: user %s %s, document %s: rule %v, spec %v", after, u.Id, n.describeUser(u),
						d.PublicExport(), got, want)
				}
			}
		}
	}
	if mismatches > 0 {
		t.Fatalf("after %s: %d mismatches", after, mismatches)
	}
}

// specSees is SPEC's answer, from plain rows: the matrix (T3, T4), T7, N5,
// N7, D3, D6.
func (n *network) specSees(u, d *core.Record) bool {
	typ, _ := n.app.FindRecordById(schema.DocumentTypes, d.GetString("type"))
	financial := typ.GetString("kind") == schema.KindFinancial
	archived := d.GetString("status") == schema.StatusSuperseded || d.GetString("status") == schema.StatusExpired
	supplier, addressee := d.GetString("supplier"), d.GetString("addressee")
	ms, _ := n.app.FindAllRecords(schema.Memberships, dbx.HashExp{"user": u.Id})
	for _, m := range ms {
		est, _ := n.app.FindRecordById(schema.Establishments, m.GetString("establishment"))
		mods := est.GetStringSlice("modules")
		p := m.GetString("profile")
		fullReader := slices.Contains([]string{"admin", "full_access", "processing", "processing_archive", "feedback"}, p)
		mayArchive := slices.Contains(mods, "archive") && slices.Contains([]string{"admin", "full_access", "processing_archive", "feedback"}, p)
		mayFinance := slices.Contains(mods, "financial") &&
			(p == "admin" || (slices.Contains([]string{"full_access", "feedback"}, p) && m.GetBool("financial")))
		if archived && !mayArchive {
			continue
		}
		if financial && !mayFinance {
			continue
		}
		if est.Id == supplier {
			if fullReader || (p == "delivery" && d.GetString("uploadedBy") == u.Id) {
				return true
			}
			if p == "collector" {
				c := m.GetString("collectorFor")
				if n.active(c, supplier) && (addressee == c || (addressee == "" && n.collects(c, supplier, typ.Id))) {
					return true
				}
			}
			continue
		}
		// The customer's side: an active relationship it sees (T7), and the
		// document addressed to it or of a type it collects.
		rel := n.relationship(est.Id, supplier)
		if !fullReader || rel == nil || rel.GetString("status") != "active" {
			continue
		}
		if m.GetString("visibility") == "assigned" && rel.GetString("owner") != u.Id {
			continue
		}
		if addressee == est.Id || (addressee == "" && n.collects(est.Id, supplier, typ.Id)) {
			return true
		}
	}
	return false
}

func (n *network) active(c, s string) bool {
	r := n.relationship(c, s)
	return r != nil && r.GetString("status") == "active"
}

func (n *network) collects(c, s, typ string) bool {
	var k int
	n.app.DB().NewQuery("SELECT count(*) FROM requirements WHERE customer = {:c} AND type = {:t} AND (supplier = {:s} OR supplier = '')").
		Bind(dbx.Params{"c": c, "s": s, "t": typ}).Row(&k)
	return k > 0
}

func (n *network) describeUser(u *core.Record) string {
	ms, _ := n.app.FindAllRecords(schema.Memberships, dbx.HashExp{"user": u.Id})
	out := ""
	for _, m := range ms {
		est, _ := n.app.FindRecordById(schema.Establishments, m.GetString("establishment"))
		out += fmt.Sprintf("[%s %s modules=%v financial=%v %s for=%s]", est.Id, m.GetString("profile"),
			est.GetStringSlice("modules"), m.GetBool("financial"), m.GetString("visibility"), m.GetString("collectorFor"))
	}
	return out
}
