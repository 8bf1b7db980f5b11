package network

import (
	"errors"
	"io"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/sirene"
)

// ImportStats counts what an import did.
type ImportStats struct {
	Written int // rows inserted or updated
	Skipped int // malformed rows, reported and skipped
}

// importBatch is the number of rows written per transaction: large enough
// that commits cost little, small enough that progress shows.
const importBatch = 50_000

// ImportDirectory streams establishments into the directory, in large
// transactions. A malformed row goes to report and is skipped, never fatal;
// re-running an import updates rows rather than duplicating them. progress
// is called after each committed batch.
func ImportDirectory(app core.App, r *sirene.EstablishmentReader, report func(*sirene.RowError), progress func(ImportStats)) (ImportStats, error) {
	var stats ImportStats
	for done := false; !done; {
		err := app.RunInTransaction(func(tx core.App) error {
			q := tx.DB().NewQuery(upsertDirectory).Prepare()
			defer q.Close()
			for n := 0; n < importBatch; n++ {
				e, err := r.Next()
				if err == io.EOF {
					done = true
					return nil
				}
				var rowErr *sirene.RowError
				if errors.As(err, &rowErr) {
					stats.Skipped++
					report(rowErr)
					continue
				}
				if err != nil {
					return err
				}
				if _, err := q.Bind(directoryParams(e)).Execute(); err != nil {
					return err
				}
				stats.Written++
			}
			return nil
		})
		if err != nil {
			return stats, err
		}
		if progress != nil {
			progress(stats)
		}
	}
	return stats, nil
}
