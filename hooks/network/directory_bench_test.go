package network_test

import (
	"os"
	"testing"

	"vigie/hooks/network"
	"vigie/internal/sirene"
	"vigie/internal/testkit"
)

// BenchmarkDirectoryImport imports VIGIE_SIRENE_CSV (e.g. from
// bench/sirenegen); bench/run reports the same figure for 1,000,000 rows
// through the real command.
func BenchmarkDirectoryImport(b *testing.B) {
	path := os.Getenv("VIGIE_SIRENE_CSV")
	if path == "" {
		b.Skip("set VIGIE_SIRENE_CSV to a StockEtablissement file")
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		app := testkit.NewApp(b)
		f, _, err := sirene.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := sirene.NewEstablishmentReader(f)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		stats, err := network.ImportDirectory(app, r, func(*sirene.RowError) {}, nil)
		b.StopTimer()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(stats.Written)/b.Elapsed().Seconds(), "rows/s")
	}
}
