// Command reminders measures SPEC's reminder budget: a run over 1,000,000
// documents takes under 10 s and grows with the number of items due, not
// with the table. Against the data dir of bench/docgen, inside a transaction
// rolled back at the end (the data set is left as it was, and no email
// leaves), it makes a share of the current documents end within the week
// and times a real run (items found, log rows and notifications written),
// for several shares, so the growth shows against a constant table.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/bench/internal/budget"
	"vigie/hooks/reminders"
	"vigie/internal/config"
	"vigie/internal/stmtcache"
	_ "vigie/pb_migrations"
)

var errRollback = errors.New("rollback")

func main() {
	dir := flag.String("dir", "bench/data/documents", "data dir built by bench/docgen")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the runs to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: *dir, DBConnect: stmtcache.Connect})
	if err := app.Bootstrap(); err != nil {
		log.Fatal(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		log.Fatal(err)
	}
	cfg := config.Default()
	var docs int
	app.DB().NewQuery("SELECT count(*) FROM documents").Row(&docs)
	fmt.Printf("documents: %d\n%-10s %10s %10s %10s %10s\n", docs, "due", "docs due", "items", "emails", "run")
	for _, share := range []float64{0, 0.0025, 0.005, 0.01, 0.02, 0.05} {
		due := int(share * float64(docs))
		var report *reminders.Report
		var took time.Duration
		err := app.RunInTransaction(func(tx core.App) error {
			if due > 0 {
				soon := time.Now().UTC().AddDate(0, 0, 5).Format("2006-01-02") + " 00:00:00.000Z"
				_, err := tx.DB().NewQuery(`UPDATE documents SET validUntil = {:soon} WHERE id IN (
					SELECT id FROM documents WHERE status = 'valid' AND archived = FALSE ORDER BY id LIMIT {:n})`).
					Bind(dbx.Params{"soon": soon, "n": due}).Execute()
				if err != nil {
					return err
				}
			}
			en := &reminders.Engine{App: tx, Cfg: &cfg}
			start := time.Now()
			var err error
			report, err = en.Run(time.Now(), false)
			took = time.Since(start)
			if err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			log.Fatal(err)
		}
		fmt.Printf("%-10s %10d %10d %10d %10s\n", fmt.Sprintf("%.2f%%", share*100), due, len(report.Items), len(report.Emails),
			took.Round(time.Millisecond))
		if share == 0.01 || share == 0.05 {
			budget.Line(fmt.Sprintf("reminder run, %d documents, %.0f%% due", docs, share*100),
				fmt.Sprintf("%s (%d items, %d emails)", took.Round(time.Millisecond), len(report.Items), len(report.Emails)),
				"< 10s", took < 10*time.Second)
		}
	}
}
