// Command docgen builds the documents benchmark's data dir (issue 9) at
// SPEC's scale, deterministically from -seed: 10,000 establishments with
// members of every profile, 50,000 relationships (a collector for one in
// twenty), 30,000 requirements, 1,000,000 documents each with its stored
// file, 1% of current documents shared by link, 1,000 locks. Rows are
// written with one INSERT per chunk (internal/bulk); then every
// membership's grants and document access rows are written by the real
// tenancy code (tenancy.SyncMemberships), and every document's audience keys
// come from the real key function (internal/audience). Each phase reports
// its rows per second.
//
// Stored files are hard links to a few copies of one small PDF: a million
// records each with its own file where PocketBase looks for it, at the cost
// of a million directories (about 4 GB of ext4 blocks) rather than a
// million copies.
//
// Establishment 0 is the measured customer: it follows 100 suppliers and
// collects three types from all of them; its admin (archive module on) and
// its processing member (current documents only) are bench-admin@ and
// bench-processing@vigie.test. It lets support staff in: once the derived
// rows are written, the accounts of bench/internal/accounts that the rows
// above do not make (an adviser in charge of one in ten of its
// relationships, a support user) are added through Vigie's hooks.
//
// -shape large is SPEC's large-customer data set instead: establishment 0
// follows 20,000 suppliers (establishments 1 to 20,000) and collects, beyond
// its three types from all, one more from each supplier by name;
// establishment 1, one of them, is followed by 2,000 customers (0 and
// establishments 20,001 to 21,999). Every relationship is active; each
// establishment holds 20 documents (-documents 440000 by default).
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"vigie/bench/internal/accounts"
	"vigie/hooks"
	"vigie/hooks/tenancy"
	"vigie/internal/audience"
	"vigie/internal/bulk"
	"vigie/internal/config"
	"vigie/internal/fixtures"
	"vigie/internal/planner"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/siret"
	"vigie/internal/stmtcache"
	_ "vigie/pb_migrations"
)

func main() {
	dir := flag.String("dir", "bench/data/documents", "data dir to create")
	seed := flag.Uint64("seed", 4, "seed of every generated value")
	nEst := flag.Int("establishments", 10000, "establishments")
	nRel := flag.Int("relationships", 50000, "relationships")
	nDoc := flag.Int("documents", 1000000, "documents")
	files := flag.Bool("files", true, "store a file for every document")
	shape := flag.String("shape", "reference", `"reference" (SPEC's documents data set) or "large" (the large-customer one)`)
	flag.Parse()
	large := *shape == "large"
	if !large && *shape != "reference" {
		log.Fatalf("unknown -shape %q", *shape)
	}
	if large {
		*nEst, *nRel = largeSuppliers+largeCustomers, largeSuppliers+largeCustomers-1
		if !flagSet("documents") {
			*nDoc = 20 * *nEst
		}
	}
	start := time.Now()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: *dir, DBConnect: stmtcache.Connect})
	must(app.Bootstrap())
	must(app.RunAllMigrations())
	var existing int
	must(app.DB().NewQuery("SELECT count(*) FROM documents").Row(&existing))
	if existing > 0 {
		log.Fatalf("%s already holds %d documents", *dir, existing)
	}
	g := &gen{app: app, rng: rand.New(rand.NewPCG(*seed, *seed)), now: time.Now().UTC().Truncate(24 * time.Hour), large: large}
	g.loadTypes()
	g.establishments(*nEst)
	g.members()
	g.relationships(*nRel)
	g.collectors()
	g.requirements()
	g.documents(*nDoc)
	if *files {
		g.storeFiles(*dir)
	}
	g.shareLinks()
	g.locks(1000)
	g.sync()
	g.accounts()
	analysed := time.Now()
	must(planner.Optimize(app)) // as `serve` would at its start
	log.Printf("planner statistics: %s", time.Since(analysed).Round(time.Millisecond))
	log.Printf("done in %s", time.Since(start).Round(time.Second))
}

// The large-customer shape (SPEC, "Budgets"): establishment 0's suppliers,
// and establishment 1's customers.
const (
	largeSuppliers = 20000
	largeCustomers = 2000
)

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

type gen struct {
	app          core.App
	rng          *rand.Rand
	now          time.Time
	ests         []string
	admins       []string // admin user of each establishment
	types        []typeRow
	memberIDs    []string // membership ids
	suppliers    map[string][]string
	rels         [][3]string // customer, supplier, status
	current      []docRow    // current documents, for links and locks
	docIDs       []string
	estIndex     map[string]int
	passwordHash string
	large        bool // -shape large
}

type typeRow struct {
	ID   string `db:"id"`
	Kind string `db:"kind"`
}

type docRow struct{ id, supplier string }

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// id is a record id as PocketBase makes them, from the seed.
func (g *gen) id() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// phase writes the rows fill queues, in transactions of at most chunk rows,
// and reports the rate.
func (g *gen) phase(name string, chunk int, fill func(w *bulk.Writer, flush func())) {
	start := time.Now()
	rows := 0
	w := bulk.New()
	flush := func() {
		if w.Len() < chunk {
			return
		}
		rows += w.Len()
		must(g.app.RunInTransaction(func(tx core.App) error { return w.Flush(tx) }))
	}
	fill(w, flush)
	rows += w.Len()
	must(g.app.RunInTransaction(func(tx core.App) error { return w.Flush(tx) }))
	elapsed := time.Since(start)
	log.Printf("%-14s %9d rows in %6.1f s: %8.0f rows/s", name, rows, elapsed.Seconds(), float64(rows)/elapsed.Seconds())
}

func (g *gen) stamp() string { return g.now.Format(dbxDate) }

const dbxDate = "2006-01-02 15:04:05.000Z"

func (g *gen) loadTypes() {
	must(g.app.DB().NewQuery("SELECT id, kind FROM document_types WHERE owner = '' ORDER BY code").All(&g.types))
}

func (g *gen) establishments(n int) {
	g.phase("establishments", 50000, func(w *bulk.Writer, flush func()) {
		for i := 0; i < n; i++ {
			id := g.id()
			number := siret.Complete(siret.Complete(fmt.Sprintf("%08d", 20000000+i)) + "0001")
			modules := `["archive","reports","financial"]`
			if i%3 == 1 {
				modules = `[]`
			}
			w.Row(schema.Establishments, map[string]any{"id": id, "siret": number, "siren": number[:9],
				"name": fmt.Sprintf("Établissement %05d", i), "address": "", "postalCode": "", "city": "", "naf": "",
				"modules": modules, "requireTotp": false, "shareEmailCheck": true, "supportAccess": i == 0, "supportUntil": "",
				"created": g.stamp(), "updated": g.stamp()})
			g.ests = append(g.ests, id)
			flush()
		}
	})
}

// members gives every establishment an admin and a processing member, and
// one in ten also a member of each other profile a company chooses.
func (g *gen) members() {
	more := []profiles.Profile{profiles.FullAccess, profiles.ProcessingArchive, profiles.Feedback, profiles.Delivery}
	g.phase("members", 50000, func(w *bulk.Writer, flush func()) {
		for i, est := range g.ests {
			list := []profiles.Profile{profiles.Admin, profiles.Processing}
			if i%10 == 0 {
				list = append(list, more...)
			}
			for _, profile := range list {
				email := fmt.Sprintf("%s-%d@bench.test", profile, i)
				if i == 0 && (profile == profiles.Admin || profile == profiles.Processing) {
					email = "bench-" + string(profile) + "@vigie.test"
				}
				user := g.user(w, email)
				if profile == profiles.Admin {
					g.admins = append(g.admins, user)
				}
				g.member(w, user, est, profile, "")
			}
			flush()
		}
	})
}

// user queues an account whose password is "bench-password" (bcrypt at its
// lowest cost: one hash for every account).
func (g *gen) user(w *bulk.Writer, email string) string {
	if g.passwordHash == "" {
		hashed, err := bcrypt.GenerateFromPassword([]byte("bench-password"), bcrypt.MinCost)
		must(err)
		g.passwordHash = string(hashed)
	}
	id := g.id()
	w.Row(schema.Users, map[string]any{"id": id, "email": email, "password": g.passwordHash, "tokenKey": g.id() + g.id() + g.id(),
		"verified": true, "emailVisibility": true, "created": g.stamp(), "updated": g.stamp()})
	return id
}

func (g *gen) member(w *bulk.Writer, user, est string, profile profiles.Profile, collectorFor string) {
	m := g.id()
	financial := profile == profiles.FullAccess || profile == profiles.Feedback
	w.Row(schema.Memberships, map[string]any{"id": m, "user": user, "establishment": est, "profile": string(profile),
		"visibility": "all", "financial": financial, "collectorFor": collectorFor, "created": g.stamp(), "updated": g.stamp()})
	g.memberIDs = append(g.memberIDs, m)
}

// relationships: the measured customer follows 100 suppliers; the others
// are random pairs, 90% active.
func (g *gen) relationships(n int) {
	seen := map[[2]string]bool{}
	g.suppliers = map[string][]string{}
	g.phase("relationships", 50000, func(w *bulk.Writer, flush func()) {
		for i := 0; len(seen) < n; i++ {
			c, s, status := g.pair(i)
			if c == s || seen[[2]string{c, s}] {
				continue
			}
			seen[[2]string{c, s}] = true
			w.Row(schema.Relationships, map[string]any{"id": g.id(), "customer": c, "supplier": s, "status": status,
				"owner": "", "referents": "[]", "created": g.stamp(), "updated": g.stamp()})
			g.suppliers[c] = append(g.suppliers[c], s)
			g.rels = append(g.rels, [3]string{c, s, status})
			flush()
		}
	})
}

// pair is the i-th relationship tried: customer, supplier, status.
func (g *gen) pair(i int) (c, s, status string) {
	if g.large {
		if i < largeSuppliers {
			return g.ests[0], g.ests[1+i], schema.RelationshipActive
		}
		return g.ests[largeSuppliers+1+i-largeSuppliers], g.ests[1], schema.RelationshipActive
	}
	c = g.ests[g.rng.IntN(len(g.ests))]
	if i < 100 {
		c = g.ests[0]
	}
	s = g.ests[1+g.rng.IntN(len(g.ests)-1)]
	status = schema.RelationshipActive
	if i >= 100 && g.rng.IntN(10) == 0 {
		status = schema.RelationshipEnded
	}
	return c, s, status
}

// collectors: one active relationship in twenty has a contact the customer
// added, a collector at the supplier (N7).
func (g *gen) collectors() {
	g.phase("collectors", 50000, func(w *bulk.Writer, flush func()) {
		for i, r := range g.rels {
			if i%20 != 7 || r[2] != schema.RelationshipActive {
				continue
			}
			user := g.user(w, fmt.Sprintf("collector-%d@bench.test", i))
			g.member(w, user, r[1], profiles.Collector, r[0])
			flush()
		}
	})
}

// requirements: every customer collects three legal types from all its
// suppliers (30,000 rows at 10,000 establishments); in the large shape,
// establishment 0 one more from each of its suppliers.
func (g *gen) requirements() {
	legal := []typeRow{}
	for _, t := range g.types {
		if t.Kind == schema.KindLegal {
			legal = append(legal, t)
		}
	}
	g.phase("requirements", 50000, func(w *bulk.Writer, flush func()) {
		for i, c := range g.ests {
			perm := g.rng.Perm(len(legal))
			for _, k := range perm[:3] {
				w.Row(schema.Requirements, map[string]any{"id": g.id(), "customer": c, "type": legal[k].ID, "supplier": "",
					"created": g.stamp(), "updated": g.stamp()})
			}
			flush()
			if i != 0 || !g.large {
				continue
			}
			// The large customer also collects a fourth type from each
			// supplier by name.
			for _, s := range g.suppliers[c] {
				w.Row(schema.Requirements, map[string]any{"id": g.id(), "customer": c, "type": legal[perm[3]].ID, "supplier": s,
					"created": g.stamp(), "updated": g.stamp()})
				flush()
			}
		}
	})
}

// documents: each establishment, as a supplier, holds n/establishments
// documents over the catalogue: the latest version of each type current,
// the others superseded (the archive).
func (g *gen) documents(n int) {
	per := n / len(g.ests)
	g.phase("documents", 50000, func(w *bulk.Writer, flush func()) {
		for i := 0; i < n; i++ {
			supplier := g.ests[i/per%len(g.ests)]
			k := i % per
			t := g.types[k%len(g.types)]
			current := k >= per-len(g.types) // the last round of types is current
			status := schema.StatusValid
			if !current {
				status = schema.StatusSuperseded
			}
			created := g.now.Add(-time.Duration(per-k) * 24 * time.Hour)
			access, sup, owner := audience.Document{Supplier: supplier, Type: t.ID, UploadedBy: "",
				Financial: t.Kind == schema.KindFinancial, Archived: !current}.Keys()
			id := g.id()
			w.Row(schema.Documents, map[string]any{"id": id, "supplier": supplier,
				"type": t.ID, "file": "document.pdf", "validFrom": created.Format(dbxDate),
				"validUntil": created.AddDate(1, 0, 0).Format(dbxDate), "status": status, "archived": !current,
				"accessKey": access, "supplierKey": sup, "ownerKey": owner,
				"created": created.Format(dbxDate), "updated": created.Format(dbxDate)})
			g.docIDs = append(g.docIDs, id)
			if current {
				g.current = append(g.current, docRow{id, supplier})
			}
			flush()
		}
	})
}

// storeFiles gives every document its file where PocketBase's storage looks
// for it (storage/<collection id>/<record id>/<name>).
func (g *gen) storeFiles(dir string) {
	start := time.Now()
	col, err := g.app.FindCollectionByNameOrId(schema.Documents)
	must(err)
	// ext4 allows 65,000 links to a file: one source per 60,000 documents.
	const linksPerSource = 60000
	var sources []string
	for i := 0; i < len(g.docIDs); i += linksPerSource {
		source := filepath.Join(dir, fmt.Sprintf("bench-document-%d.pdf", i/linksPerSource))
		must(os.WriteFile(source, fixtures.PDF(), 0o644))
		sources = append(sources, source)
	}
	base := filepath.Join(dir, "storage", col.Id)
	must(os.MkdirAll(base, 0o755))
	// Directory creation waits on the file system, not the CPU: a few
	// workers keep it busy.
	type job struct{ id, source string }
	jobs := make(chan job, 1024)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for j := range jobs {
				at := filepath.Join(base, j.id)
				must(os.Mkdir(at, 0o755))
				must(os.Link(j.source, filepath.Join(at, "document.pdf")))
			}
		})
	}
	for i, id := range g.docIDs {
		jobs <- job{id, sources[i/linksPerSource]}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	log.Printf("%-14s %9d files in %6.1f s: %8.0f files/s", "stored files", len(g.docIDs), elapsed.Seconds(), float64(len(g.docIDs))/elapsed.Seconds())
}

// shareLinks: 1% of current documents were sent by link by their supplier's
// admin; a third of those are past their date, some were opened.
func (g *gen) shareLinks() {
	g.phase("share links", 50000, func(w *bulk.Writer, flush func()) {
		for i, d := range g.current {
			if i%100 != 0 {
				continue
			}
			token := make([]byte, 32)
			for j := range token {
				token[j] = byte(g.rng.IntN(256))
			}
			hash := sha256.Sum256(token)
			expires := g.now.AddDate(0, 0, 30)
			if i%3 == 0 {
				expires = g.now.AddDate(0, 0, -3)
			}
			w.Row(schema.ShareLinks, map[string]any{"id": g.id(), "document": d.id, "email": fmt.Sprintf("partner-%d@bench.test", i),
				"expiresAt": expires.Format(dbxDate), "maxOpens": 0, "opens": i % 4, "revoked": i%50 == 0, "requireEmail": true,
				"failures": 0, "lockedAt": "", "firstOpenedAt": "", "acceptedAt": "", "acceptedName": "", "acceptedIp": "",
				"createdBy": g.admins[g.indexOf(d.supplier)], "establishment": d.supplier, "tokenHash": hex.EncodeToString(hash[:]),
				"created": g.stamp(), "updated": g.stamp()})
			flush()
		}
	})
}

// locks: n current documents are being edited by their supplier's admin,
// one in four of them past its expiry.
func (g *gen) locks(n int) {
	g.phase("locks", 50000, func(w *bulk.Writer, flush func()) {
		step := max(1, len(g.current)/n)
		for i := 0; i < n && i*step < len(g.current); i++ {
			d := g.current[i*step]
			expires := g.now.Add(10 * time.Minute)
			if i%4 == 0 {
				expires = g.now.Add(-time.Minute)
			}
			w.Row(schema.Locks, map[string]any{"id": g.id(), "collection": schema.Documents, "recordId": d.id,
				"holder": g.admins[g.indexOf(d.supplier)], "expiresAt": expires.Format(dbxDate),
				"created": g.stamp(), "updated": g.stamp()})
			flush()
		}
	})
}

func (g *gen) indexOf(est string) int {
	if g.estIndex == nil {
		g.estIndex = make(map[string]int, len(g.ests))
		for i, id := range g.ests {
			g.estIndex[id] = i
		}
	}
	return g.estIndex[est]
}

// sync derives every grant and access row with the real code: the rebuild
// serve runs after an upgrade, which gives the rows the hooks would write.
func (g *gen) sync() {
	start := time.Now()
	must(tenancy.Rebuild(g.app, nil))
	var grants, access int
	must(g.app.DB().NewQuery("SELECT count(*) FROM grants").Row(&grants))
	must(g.app.DB().NewQuery("SELECT count(*) FROM document_access").Row(&access))
	elapsed := time.Since(start)
	log.Printf("%-14s %9d memberships in %6.1f s: %8.0f memberships/s (%d grants, %d access rows)", "grants", len(g.memberIDs),
		elapsed.Seconds(), float64(len(g.memberIDs))/elapsed.Seconds(), grants, access)
}

// accounts adds, through Vigie's hooks, the accounts of establishment 0 the
// rows do not make (bench/internal/accounts): hooks bound only now, so the
// bulk phases above write plain rows.
func (g *gen) accounts() {
	start := time.Now()
	cfg := config.Default()
	hooks.Register(g.app, &cfg)
	must(accounts.Ensure(g.app, g.ests[0]))
	log.Printf("%-14s %9s in %6.1f s", "accounts", "adviser, support", time.Since(start).Seconds())
}
