// Package oraclenet builds the random networks that the oracle tests change
// the ways people do (profiles, modules, relationships, requirements,
// memberships, documents) and read back through plain rows only, so that an
// access rule over maintained rows can be compared with an answer computed
// from the spec. It uses the real app, as testkit does; nothing is mocked.
package oraclenet

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

// Network is one random network and what was made in it.
type Network struct {
	App    core.App
	Ests   []*core.Record
	Users  []*core.Record
	Types  []*core.Record
	Rels   []*core.Record
	Reqs   []*core.Record
	MemIDs []string
}

// Size says how many users Build makes and documents it uploads: the
// documents oracle wants many documents, the other collections' oracle a
// few to share, and fewer users, each asking every collection.
type Size struct{ Users, Documents int }

// Pick returns a random element of xs.
func Pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// RandomModules returns a random subset of the modules (T4).
func RandomModules(rng *rand.Rand) []string {
	var out []string
	for _, m := range []string{"archive", "reports", "financial"} {
		if rng.IntN(2) == 0 {
			out = append(out, m)
		}
	}
	return out
}

// Build makes a network in app: 5 establishments with random modules,
// size.Users users with one or two memberships of random profiles (some advisers, some
// with the financial option, collectors for a random customer), the
// built-in types and 2 customers' own, up to 10 relationships (a quarter
// ended), 12 requirements and size.Documents documents.
func Build(t *testing.T, app core.App, rng *rand.Rand, size Size) *Network {
	n := &Network{App: app}
	for i := 0; i < 5; i++ {
		n.Ests = append(n.Ests, testkit.Establishment(t, app, fmt.Sprint("E", i), testkit.SIRET()))
		n.Ests[i].Set("modules", RandomModules(rng))
		testkit.Save(t, app, n.Ests[i])
	}
	for i := 0; i < size.Users; i++ {
		n.Users = append(n.Users, testkit.User(t, app, fmt.Sprintf("u%d-%d@net.test", i, rng.Int())))
	}
	for _, u := range n.Users {
		for k := 0; k < 1+rng.IntN(2); k++ {
			est := Pick(rng, n.Ests)
			if n.MemberOf(u, est) {
				continue
			}
			n.AddMember(t, rng, u, est)
		}
	}
	all, err := app.FindAllRecords(schema.DocumentTypes)
	if err != nil {
		t.Fatal(err)
	}
	n.Types = all
	for i := 0; i < 2; i++ {
		n.AddType(t, fmt.Sprint("own", i), Pick(rng, n.Ests))
	}
	for i := 0; i < 10; i++ {
		c, s := Pick(rng, n.Ests), Pick(rng, n.Ests)
		if c.Id == s.Id || n.Relationship(c.Id, s.Id) != nil {
			continue
		}
		n.AddRelationship(t, rng, c, s)
	}
	for i := 0; i < 12; i++ {
		n.AddRequirement(t, rng)
	}
	for i := 0; i < size.Documents; i++ {
		n.AddDocument(t, rng)
	}
	return n
}

// AddMember makes u a member of est with a random profile, option and
// visibility; a collector works for a random customer.
func (n *Network) AddMember(t *testing.T, rng *rand.Rand, u, est *core.Record) *core.Record {
	p := Pick(rng, profiles.All)
	opts := []func(*core.Record){func(m *core.Record) {
		m.Set("financial", rng.IntN(2) == 0)
		if rng.IntN(3) == 0 {
			m.Set("visibility", schema.VisibilityAssigned)
		}
	}}
	if p == profiles.Collector {
		opts = append(opts, testkit.CollectorFor(Pick(rng, n.Ests)))
	}
	m := testkit.Member(t, n.App, u, est, p, opts...)
	n.MemIDs = append(n.MemIDs, m.Id)
	return m
}

// AddType saves a customer's own specific document type (D1).
func (n *Network) AddType(t *testing.T, code string, owner *core.Record) *core.Record {
	r := testkit.Record(t, n.App, schema.DocumentTypes, map[string]any{"code": code, "name": "own", "kind": schema.KindSpecific, "owner": owner.Id})
	n.Types = append(n.Types, r)
	return r
}

// MemberOf reports whether u is a member of est.
func (n *Network) MemberOf(u, est *core.Record) bool {
	c, _ := n.App.CountRecords(schema.Memberships, dbx.HashExp{"user": u.Id, "establishment": est.Id})
	return c > 0
}

// Relationship is the relationship of customer c and supplier s, or nil.
func (n *Network) Relationship(c, s string) *core.Record {
	r, err := n.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}", dbx.Params{"c": c, "s": s})
	if err != nil {
		return nil
	}
	return r
}

// MembersOf lists est's memberships.
func (n *Network) MembersOf(est string) []*core.Record {
	ms, _ := n.App.FindAllRecords(schema.Memberships, dbx.HashExp{"establishment": est})
	return ms
}

// AddRelationship saves a relationship of c and s, ended one time in four,
// with a random member of c in charge half of the time.
func (n *Network) AddRelationship(t *testing.T, rng *rand.Rand, c, s *core.Record) {
	col, _ := n.App.FindCollectionByNameOrId(schema.Relationships)
	r := core.NewRecord(col)
	status := schema.RelationshipActive
	if rng.IntN(4) == 0 {
		status = schema.RelationshipEnded
	}
	r.Load(map[string]any{"customer": c.Id, "supplier": s.Id, "status": status})
	if ms := n.MembersOf(c.Id); len(ms) > 0 && rng.IntN(2) == 0 {
		r.Set("owner", Pick(rng, ms).GetString("user"))
	}
	testkit.Save(t, n.App, r)
	n.Rels = append(n.Rels, r)
}

// AddRequirement saves a random requirement (D2): a customer collects a
// type from all its suppliers or from one; a duplicate is skipped.
func (n *Network) AddRequirement(t *testing.T, rng *rand.Rand) {
	col, _ := n.App.FindCollectionByNameOrId(schema.Requirements)
	r := core.NewRecord(col)
	c := Pick(rng, n.Ests)
	r.Load(map[string]any{"customer": c.Id, "type": Pick(rng, n.Types).Id})
	if rng.IntN(2) == 0 {
		r.Set("supplier", Pick(rng, n.Ests).Id)
	}
	if err := n.App.Save(r); err == nil { // a duplicate is refused by the unique index: fine
		n.Reqs = append(n.Reqs, r)
	}
}

// AddDocument uploads a random document valid around today (some expired,
// some new versions of others); a specific one goes to a random addressee.
func (n *Network) AddDocument(t *testing.T, rng *rand.Rand) {
	col, _ := n.App.FindCollectionByNameOrId(schema.Documents)
	d := core.NewRecord(col)
	s := Pick(rng, n.Ests)
	typ := Pick(rng, n.Types)
	f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), "d.pdf")
	until := time.Now().UTC().AddDate(0, 0, rng.IntN(200)-60)
	d.Load(map[string]any{"supplier": s.Id, "type": typ.Id, "file": f, "uploadedBy": Pick(rng, n.Users).Id,
		"validFrom":  until.AddDate(0, 0, -90).Format("2006-01-02") + " 00:00:00.000Z",
		"validUntil": until.Format("2006-01-02") + " 00:00:00.000Z"})
	if typ.GetString("kind") == schema.KindSpecific {
		d.Set("addressee", Pick(rng, n.Ests).Id)
	}
	testkit.Save(t, n.App, d)
}

// Mutation makes one change and names it.
type Mutation func(t *testing.T, rng *rand.Rand) string

// Mutations are the changes that move document access: a profile, modules,
// a relationship's status or member in charge, requirements, a document, a
// membership removed.
func (n *Network) Mutations() []Mutation {
	return []Mutation{n.changeProfile, n.changeModules, n.toggleRelationship, n.deleteRequirement,
		func(t *testing.T, rng *rand.Rand) string { n.AddRequirement(t, rng); return "requirement added" },
		func(t *testing.T, rng *rand.Rand) string {
			n.AddDocument(t, rng)
			return "document added (maybe a new version)"
		},
		n.deleteMembership, n.changeOwner}
}

func (n *Network) changeProfile(t *testing.T, rng *rand.Rand) string {
	m, err := n.App.FindRecordById(schema.Memberships, Pick(rng, n.MemIDs))
	if err != nil {
		return "membership already gone"
	}
	p := Pick(rng, profiles.All)
	m.Set("profile", string(p))
	if p == profiles.Collector {
		m.Set("collectorFor", Pick(rng, n.Ests).Id)
	}
	m.Set("financial", !m.GetBool("financial"))
	testkit.Save(t, n.App, m)
	return "profile changed to " + string(p)
}

func (n *Network) changeModules(t *testing.T, rng *rand.Rand) string {
	e := Pick(rng, n.Ests)
	e.Set("modules", RandomModules(rng))
	testkit.Save(t, n.App, e)
	return "modules changed"
}

func (n *Network) toggleRelationship(t *testing.T, rng *rand.Rand) string {
	if len(n.Rels) == 0 {
		return "no relationship"
	}
	r := Pick(rng, n.Rels)
	if r.GetString("status") == schema.RelationshipActive {
		r.Set("status", schema.RelationshipEnded)
	} else {
		r.Set("status", schema.RelationshipActive)
	}
	testkit.Save(t, n.App, r)
	return "relationship " + r.GetString("status")
}

func (n *Network) deleteRequirement(t *testing.T, rng *rand.Rand) string {
	if len(n.Reqs) == 0 {
		return "no requirement"
	}
	i := rng.IntN(len(n.Reqs))
	if err := n.App.Delete(n.Reqs[i]); err != nil {
		t.Fatal(err)
	}
	n.Reqs = slices.Delete(n.Reqs, i, i+1)
	return "requirement deleted"
}

func (n *Network) deleteMembership(t *testing.T, rng *rand.Rand) string {
	m, err := n.App.FindRecordById(schema.Memberships, Pick(rng, n.MemIDs))
	if err != nil {
		return "membership already gone"
	}
	if err := n.App.Delete(m); err != nil {
		return "membership kept: " + err.Error()
	}
	return "membership deleted"
}

func (n *Network) changeOwner(t *testing.T, rng *rand.Rand) string {
	if len(n.Rels) == 0 {
		return "no relationship"
	}
	r := Pick(rng, n.Rels)
	if ms := n.MembersOf(r.GetString("customer")); len(ms) > 0 {
		r.Set("owner", Pick(rng, ms).GetString("user"))
	}
	testkit.Save(t, n.App, r)
	return "relationship owner changed"
}

// Active reports whether customer c and supplier s have an active relationship.
func (n *Network) Active(c, s string) bool {
	r := n.Relationship(c, s)
	return r != nil && r.GetString("status") == schema.RelationshipActive
}

// Collects reports whether customer c collects type typ from supplier s (D2).
func (n *Network) Collects(c, s, typ string) bool {
	var k int
	n.App.DB().NewQuery("SELECT count(*) FROM requirements WHERE customer = {:c} AND type = {:t} AND (supplier = {:s} OR supplier = '')").
		Bind(dbx.Params{"c": c, "s": s, "t": typ}).Row(&k)
	return k > 0
}

// DescribeUser says what u is where, for failure messages.
func (n *Network) DescribeUser(u *core.Record) string {
	ms, _ := n.App.FindAllRecords(schema.Memberships, dbx.HashExp{"user": u.Id})
	out := ""
	for _, m := range ms {
		est, _ := n.App.FindRecordById(schema.Establishments, m.GetString("establishment"))
		out += fmt.Sprintf("[%s %s modules=%v financial=%v %s for=%s requireTotp=%v]", est.Id, m.GetString("profile"),
			est.GetStringSlice("modules"), m.GetBool("financial"), m.GetString("visibility"), m.GetString("collectorFor"),
			est.GetBool("requireTotp"))
	}
	return out
}
