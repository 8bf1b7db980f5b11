// Command doclist measures SPEC's first budget: listing a customer's visible
// documents costs at most 1.5× the same query with no access checks. Against
// a data dir built by bench/docgen, it sends the same list requests through
// PocketBase's real router, in process, as a customer member (the documents
// rule applies) and as a superuser (no rule at all), interleaved in one run
// so both see the same machine, and prints each side's percentiles and the
// ratio of medians.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"vigie/bench/internal/budget"
	"vigie/hooks"
	"vigie/internal/config"
	"vigie/internal/handler"
	"vigie/internal/stmtcache"
)

func main() {
	dir := flag.String("dir", "bench/data/documents", "data dir built by bench/docgen")
	n := flag.Int("n", 300, "requests per query and side")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the user side's first-page requests here")
	flag.Parse()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: *dir, DBConnect: stmtcache.Connect})
	must(app.Bootstrap())
	cfg := config.Default()
	hooks.Register(app, &cfg)
	handler := serve(app)
	// The limiter would refuse a benchmark's burst from one address; what
	// is measured is the rule. (Set after serve: its hooks reload settings.)
	app.Settings().RateLimits.Enabled = false

	operator := superuser(app)
	sides := []struct {
		name  string
		token string
	}{
		{"customer admin (archive)", token(app, "bench-admin@vigie.test")},
		{"customer processing", token(app, "bench-processing@vigie.test")},
	}
	base := "/api/collections/documents/records?perPage=30"
	queries := []struct{ name, query string }{
		{"first page, skipTotal", base + "&skipTotal=1"},
		{"newest first, skipTotal", base + "&skipTotal=1&sort=-created"},
		// As the pages ask: one supplier's current documents, newest first
		// (issue 17, item 4: the order the pages use).
		{"one supplier, newest first", base + "&skipTotal=1&sort=-created&filter=" + url.QueryEscape(`supplier = "`+firstSupplier(app)+`" && status != "superseded"`)},
		{"first page with total", base},
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		must(err)
		must(pprof.StartCPUProfile(f))
		for i := 0; i < 20**n; i++ {
			call(handler, sides[0].token, base+"&skipTotal=1")
		}
		pprof.StopCPUProfile()
		f.Close()
		return
	}
	type result struct {
		side, query    string
		p50, p99, no50 time.Duration
		ratio          float64
	}
	var results []result
	fmt.Printf("documents: %d; %d requests per cell, interleaved\n", count(app, "documents"), *n)
	for _, side := range sides {
		fmt.Printf("\n%s sees %d documents\n", side.name, total(handler, side.token, base))
		fmt.Printf("  %-26s %10s %10s %12s %10s %8s\n", "query", "user p50", "user p99", "no-rule p50", "no-rule p99", "ratio")
		for _, q := range queries {
			user, plain := make([]time.Duration, *n), make([]time.Duration, *n)
			for i := 0; i < 20; i++ { // warm caches
				call(handler, side.token, q.query)
				call(handler, operator, q.query)
			}
			for i := 0; i < *n; i++ {
				user[i] = call(handler, side.token, q.query)
				plain[i] = call(handler, operator, q.query)
			}
			up50, up99 := pct(user, 0.5), pct(user, 0.99)
			pp50, pp99 := pct(plain, 0.5), pct(plain, 0.99)
			ratio := float64(up50) / float64(pp50)
			fmt.Printf("  %-26s %10s %10s %12s %10s %7.2f×\n", q.name, ms(up50), ms(up99), ms(pp50), ms(pp99), ratio)
			if q.name == queries[0].name || q.name == queries[2].name {
				results = append(results, result{side.name, q.name, up50, up99, pp50, ratio})
			}
		}
	}
	for _, r := range results {
		what := "visible documents list, first page, "
		if r.query != queries[0].name {
			what = "visible documents, " + r.query + " (as the pages ask), "
		}
		budget.Line(what+r.side,
			fmt.Sprintf("p50 %s p99 %s vs %s without rule = %.2fx", ms(r.p50), ms(r.p99), ms(r.no50), r.ratio), "<= 1.50x", r.ratio <= 1.5)
	}
}

// firstSupplier is the measured customer's first supplier by id.
func firstSupplier(app core.App) string {
	var id string
	must(app.DB().NewQuery("SELECT r.supplier FROM relationships r JOIN memberships m ON m.establishment = r.customer " +
		"JOIN users u ON u.id = m.user WHERE u.email = 'bench-admin@vigie.test' ORDER BY r.supplier LIMIT 1").Row(&id))
	return id
}

func must(err error) {
	if err == nil {
		return
	}
	log.Fatal(err)
}

// serve builds the real router with every hook bound, as `serve` does.
func serve(app core.App) http.Handler {
	h, err := handler.New(app)
	must(err)
	return h
}

func superuser(app core.App) string {
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	must(err)
	su, err := app.FindAuthRecordByEmail(col, "bench-operator@vigie.test")
	if err != nil {
		su = core.NewRecord(col)
		su.SetEmail("bench-operator@vigie.test")
		su.SetPassword("bench-password")
		must(app.Save(su))
	}
	t, err := su.NewAuthToken()
	must(err)
	return t
}

func token(app core.App, email string) string {
	u, err := app.FindAuthRecordByEmail("users", email)
	must(err)
	t, err := u.NewAuthToken()
	must(err)
	return t
}

func call(h http.Handler, token, url string) time.Duration {
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", token)
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	d := time.Since(start)
	if rec.Code != http.StatusOK {
		log.Fatalf("%s: %d %s", url, rec.Code, rec.Body.String())
	}
	return d
}

func total(h http.Handler, token, url string) int {
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var page struct {
		TotalItems int `json:"totalItems"`
	}
	must(json.Unmarshal(rec.Body.Bytes(), &page))
	return page.TotalItems
}

func count(app core.App, table string) int {
	var n int
	must(app.DB().NewQuery("SELECT count(*) FROM " + table).Row(&n))
	return n
}

func pct(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
