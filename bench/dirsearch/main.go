// Command dirsearch measures directory search latency (N1's budget: p99
// under 10 ms over 1,000,000 rows) in-process, against a data dir loaded by
// `vigie directory import`.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"vigie/bench/internal/budget"
	"vigie/hooks/network"
	"vigie/internal/stmtcache"
)

func main() {
	dir := flag.String("dir", "pb_data", "data dir holding the imported directory")
	n := flag.Int("n", 2000, "number of searches")
	flag.Parse()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: *dir, DBConnect: stmtcache.Connect})
	if err := app.Bootstrap(); err != nil {
		log.Fatal(err)
	}
	var sirets []string
	if err := app.DB().NewQuery("SELECT siret FROM directory ORDER BY random() LIMIT 500").Column(&sirets); err != nil || len(sirets) == 0 {
		log.Fatalf("no directory rows: %v", err)
	}
	names := []string{"boul", "martin", "transports dur", "bâtiment", "nettoyage lyon", "pharm", "café", "garage bernard",
		"electricite", "hotel", "plomberie roux", "conseil", "info", "zzzz", "securite log"}
	rng := rand.New(rand.NewPCG(7, 7))
	queries := make([]string, *n)
	for i := range queries {
		switch i % 4 {
		case 0:
			queries[i] = sirets[rng.IntN(len(sirets))]
		case 1:
			queries[i] = sirets[rng.IntN(len(sirets))][:9]
		default:
			queries[i] = names[rng.IntN(len(names))]
		}
	}
	for _, q := range queries[:100] { // warm the page cache
		network.SearchDirectory(app, q, 20)
	}
	latencies := make([]time.Duration, len(queries))
	for i, q := range queries {
		start := time.Now()
		if _, err := network.SearchDirectory(app, q, 20); err != nil {
			log.Fatal(err)
		}
		latencies[i] = time.Since(start)
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	var rows int
	app.DB().NewQuery("SELECT count(*) FROM directory").Row(&rows)
	fmt.Printf("directory search over %d rows, %d queries: p50 %s p99 %s max %s\n",
		rows, len(queries), pct(0.50), pct(0.99), latencies[len(latencies)-1])
	budget.Line(fmt.Sprintf("directory search, %d rows", rows), fmt.Sprintf("p50 %s p99 %s", pct(0.50), pct(0.99)),
		"p99 < 10ms", pct(0.99) < 10*time.Millisecond)
}
