// Command docgen builds the documents benchmark's data dir: establishments,
// their members, relationships, requirements and documents at SPEC's scale
// (10,000 / 50,000 / 1,000,000), inserted as plain rows for speed, then every
// membership's grants and document access rows written by the real tenancy
// code (tenancy.SyncMembership), and every document's audience keys by the
// real key function (internal/audience).
//
// Establishment 0 is the measured customer: it follows 100 suppliers and
// collects three types from all of them; its admin (archive module on) and
// its processing member (current documents only) are bench-admin@ and
// bench-processing@vigie.test.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"golang.org/x/crypto/bcrypt"

	"vigie/hooks/tenancy"
	"vigie/internal/audience"
	"vigie/internal/schema"
	"vigie/internal/siret"
	_ "vigie/pb_migrations"
)

func main() {
	dir := flag.String("dir", "bench/data/documents", "data dir to create")
	nEst := flag.Int("establishments", 10000, "establishments")
	nRel := flag.Int("relationships", 50000, "relationships")
	nDoc := flag.Int("documents", 1000000, "documents")
	flag.Parse()
	start := time.Now()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: *dir})
	must(app.Bootstrap())
	must(app.RunAllMigrations())
	var existing int
	must(app.DB().NewQuery("SELECT count(*) FROM documents").Row(&existing))
	if existing > 0 {
		log.Fatalf("%s already holds %d documents", *dir, existing)
	}
	g := &gen{app: app, rng: rand.New(rand.NewPCG(4, 4)), now: time.Now().UTC()}
	g.loadTypes()
	g.establishments(*nEst)
	g.members()
	g.relationships(*nRel)
	g.requirements()
	g.documents(*nDoc)
	g.sync()
	log.Printf("done in %s", time.Since(start).Round(time.Second))
}

type gen struct {
	app       core.App
	rng       *rand.Rand
	now       time.Time
	ests      []string
	types     []typeRow
	memberIDs []string // membership ids
	suppliers map[string][]string
}

type typeRow struct {
	ID   string `db:"id"`
	Kind string `db:"kind"`
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func (g *gen) tx(fn func(tx core.App)) {
	must(g.app.RunInTransaction(func(tx core.App) error { fn(tx); return nil }))
}

func (g *gen) insert(tx core.App, table string, p dbx.Params) {
	if _, err := tx.DB().Insert(table, p).Execute(); err != nil {
		log.Fatalf("%s: %v", table, err)
	}
}

func (g *gen) stamp() string { return g.now.Format(dbxDate) }

const dbxDate = "2006-01-02 15:04:05.000Z"

func (g *gen) loadTypes() {
	must(g.app.DB().NewQuery("SELECT id, kind FROM document_types WHERE owner = ''").All(&g.types))
}

func (g *gen) establishments(n int) {
	g.tx(func(tx core.App) {
		for i := 0; i < n; i++ {
			id := core.GenerateDefaultRandomId()
			number := siret.Complete(siret.Complete(fmt.Sprintf("%08d", 20000000+i)) + "0001")
			modules := `["archive","reports","financial"]`
			if i%3 == 1 {
				modules = `[]`
			}
			g.insert(tx, schema.Establishments, dbx.Params{"id": id, "siret": number, "siren": number[:9],
				"name": fmt.Sprintf("Établissement %05d", i), "modules": modules, "created": g.stamp(), "updated": g.stamp()})
			g.ests = append(g.ests, id)
		}
	})
	log.Printf("%d establishments", n)
}

// members gives every establishment an admin and a processing member.
func (g *gen) members() {
	hashed, err := bcrypt.GenerateFromPassword([]byte("bench-password"), bcrypt.MinCost)
	must(err)
	hash := string(hashed)
	g.tx(func(tx core.App) {
		for i, est := range g.ests {
			for _, profile := range []string{"admin", "processing"} {
				user := core.GenerateDefaultRandomId()
				email := fmt.Sprintf("%s-%d@bench.test", profile, i)
				if i == 0 {
					email = "bench-" + profile + "@vigie.test"
				}
				g.insert(tx, schema.Users, dbx.Params{"id": user, "email": email, "password": hash,
					"tokenKey": security.RandomString(50), "verified": true, "emailVisibility": false,
					"created": g.stamp(), "updated": g.stamp()})
				m := core.GenerateDefaultRandomId()
				g.insert(tx, schema.Memberships, dbx.Params{"id": m, "user": user, "establishment": est,
					"profile": profile, "visibility": "all", "created": g.stamp(), "updated": g.stamp()})
				g.memberIDs = append(g.memberIDs, m)
			}
		}
	})
	log.Printf("%d memberships", len(g.memberIDs))
}

// relationships: the measured customer follows 100 suppliers; the others
// are random pairs, 90% active.
func (g *gen) relationships(n int) {
	seen := map[[2]string]bool{}
	g.suppliers = map[string][]string{}
	g.tx(func(tx core.App) {
		for i := 0; len(seen) < n; i++ {
			c := g.ests[g.rng.IntN(len(g.ests))]
			if i < 100 {
				c = g.ests[0]
			}
			s := g.ests[1+g.rng.IntN(len(g.ests)-1)]
			if c == s || seen[[2]string{c, s}] {
				continue
			}
			seen[[2]string{c, s}] = true
			status := schema.RelationshipActive
			if i >= 100 && g.rng.IntN(10) == 0 {
				status = schema.RelationshipEnded
			}
			g.insert(tx, schema.Relationships, dbx.Params{"id": core.GenerateDefaultRandomId(), "customer": c,
				"supplier": s, "status": status, "referents": "[]", "created": g.stamp(), "updated": g.stamp()})
			g.suppliers[c] = append(g.suppliers[c], s)
		}
	})
	log.Printf("%d relationships", n)
}

// requirements: every customer collects three legal types from all its
// suppliers (30,000 rows at 10,000 establishments).
func (g *gen) requirements() {
	legal := []typeRow{}
	for _, t := range g.types {
		if t.Kind == schema.KindLegal {
			legal = append(legal, t)
		}
	}
	count := 0
	g.tx(func(tx core.App) {
		for _, c := range g.ests {
			perm := g.rng.Perm(len(legal))
			for _, k := range perm[:3] {
				g.insert(tx, schema.Requirements, dbx.Params{"id": core.GenerateDefaultRandomId(), "customer": c,
					"type": legal[k].ID, "supplier": "", "created": g.stamp(), "updated": g.stamp()})
				count++
			}
		}
	})
	log.Printf("%d requirements", count)
}

// documents: each establishment, as a supplier, holds n/establishments
// documents over the catalogue: the latest version of each type current,
// the others superseded (the archive).
func (g *gen) documents(n int) {
	per := n / len(g.ests)
	batch := 50000
	done := 0
	for done < n {
		g.tx(func(tx core.App) {
			for end := min(done+batch, n); done < end; done++ {
				supplier := g.ests[done/per%len(g.ests)]
				k := done % per
				t := g.types[k%len(g.types)]
				current := k >= per-len(g.types) // the last round of types is current
				status := schema.StatusValid
				if !current {
					status = schema.StatusSuperseded
				}
				created := g.now.Add(-time.Duration(per-k) * 24 * time.Hour)
				access, sup, owner := audience.Document{Supplier: supplier, Type: t.ID, UploadedBy: "",
					Financial: t.Kind == schema.KindFinancial, Archived: !current}.Keys()
				g.insert(tx, schema.Documents, dbx.Params{"id": core.GenerateDefaultRandomId(), "supplier": supplier,
					"type": t.ID, "file": "document.pdf", "validFrom": created.Format(dbxDate),
					"validUntil": created.AddDate(1, 0, 0).Format(dbxDate), "status": status, "archived": !current,
					"accessKey": access, "supplierKey": sup, "ownerKey": owner,
					"created": created.Format(dbxDate), "updated": created.Format(dbxDate)})
			}
		})
		log.Printf("%d documents", done)
	}
}

// sync writes every membership's grants and access rows with the real code.
func (g *gen) sync() {
	for i := 0; i < len(g.memberIDs); i += 1000 {
		g.tx(func(tx core.App) {
			for _, id := range g.memberIDs[i:min(i+1000, len(g.memberIDs))] {
				m, err := tx.FindRecordById(schema.Memberships, id)
				must(err)
				must(tenancy.SyncMembership(tx, m))
			}
		})
		log.Printf("%d memberships synced", min(i+1000, len(g.memberIDs)))
	}
	var rows int
	must(g.app.DB().NewQuery("SELECT count(*) FROM document_access").Row(&rows))
	log.Printf("%d document access rows", rows)
}
