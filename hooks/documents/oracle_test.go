package documents_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/oraclenet"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// The documents rule reads maintained access rows (docs/performance.md). This
// test builds random networks, changes them the ways people do, and after
// each change compares what the rule lets every user see with an answer
// computed from the spec alone, from plain rows: no grants, no keys.
func TestAccessRowsMatchTheSpecN5(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			app := testkit.NewApp(t)
			n := docOracle{oraclenet.Build(t, app, rng, oraclenet.Size{Users: 12, Documents: 60})}
			n.compare(t, "built")
			mutations := n.Mutations()
			for step := 0; step < 12; step++ {
				n.compare(t, oraclenet.Pick(rng, mutations)(t, rng))
			}
		})
	}
}

// docOracle compares the documents rule with the spec over one network.
type docOracle struct{ *oraclenet.Network }

// compare checks, for every user and document, the rule against the spec.
func (n docOracle) compare(t *testing.T, after string) {
	t.Helper()
	col, _ := n.App.FindCollectionByNameOrId(schema.Documents)
	docs, err := n.App.FindAllRecords(schema.Documents)
	if err != nil {
		t.Fatal(err)
	}
	mismatches := 0
	for _, u := range n.Users {
		info := &core.RequestInfo{Auth: u}
		for _, d := range docs {
			got, err := n.App.CanAccessRecord(d, info, col.ListRule)
			if err != nil {
				t.Fatal(err)
			}
			if want := n.specSees(u, d); got != want {
				mismatches++
				if mismatches <= 5 {
					t.Errorf("after %s: user %s %s, document %s: rule %v, spec %v", after, u.Id, n.DescribeUser(u),
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
func (n docOracle) specSees(u, d *core.Record) bool {
	typ, _ := n.App.FindRecordById(schema.DocumentTypes, d.GetString("type"))
	financial := typ.GetString("kind") == schema.KindFinancial
	archived := d.GetString("status") == schema.StatusSuperseded || d.GetString("status") == schema.StatusExpired
	supplier, addressee := d.GetString("supplier"), d.GetString("addressee")
	ms, _ := n.App.FindAllRecords(schema.Memberships, dbx.HashExp{"user": u.Id})
	for _, m := range ms {
		est, _ := n.App.FindRecordById(schema.Establishments, m.GetString("establishment"))
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
				if n.Active(c, supplier) && (addressee == c || (addressee == "" && n.Collects(c, supplier, typ.Id))) {
					return true
				}
			}
			continue
		}
		// The customer's side: an active relationship it sees (T7), and the
		// document addressed to it or of a type it collects.
		rel := n.Relationship(est.Id, supplier)
		if !fullReader || rel == nil || rel.GetString("status") != "active" {
			continue
		}
		if m.GetString("visibility") == "assigned" && rel.GetString("owner") != u.Id {
			continue
		}
		if addressee == est.Id || (addressee == "" && n.Collects(est.Id, supplier, typ.Id)) {
			return true
		}
	}
	return false
}
