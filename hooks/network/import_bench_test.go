package network_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"vigie/hooks/network"
	"vigie/internal/sirene"
	"vigie/internal/testkit"
)

// BenchmarkBulkImport10k measures N3's budget: 10,000 new suppliers, each
// with a new contact, in one upload (go test -bench BulkImport -benchtime 1x).
func BenchmarkBulkImport10k(b *testing.B) {
	rows := benchRows()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := testkit.NewWorld(b)
		var dir, upload strings.Builder
		dir.WriteString("siren,siret,denominationUsuelleEtablissement\n")
		upload.WriteString("siret,email,firstName,lastName\n")
		for n := 0; n < rows; n++ {
			s := testkit.SIRET()
			fmt.Fprintf(&dir, "%s,%s,Fournisseur %d\n", s[:9], s, n)
			fmt.Fprintf(&upload, "%s,contact%d@bulk.test,Prénom,Nom %d\n", s, n, n)
		}
		r, _ := sirene.NewEstablishmentReader(strings.NewReader(dir.String()))
		if _, err := network.ImportDirectory(w.App, r, func(*sirene.RowError) {}, nil); err != nil {
			b.Fatal(err)
		}
		parsed, err := network.ParseSupplierCSV(strings.NewReader(upload.String()))
		if err != nil {
			b.Fatal(err)
		}
		cfg := testkit.Config()
		b.StartTimer()
		report, err := network.ImportSuppliers(w.App, &cfg, w.Home, parsed, auditEntry(), "")
		b.StopTimer()
		if err != nil || report.Summary["created"] != rows {
			b.Fatalf("summary %v, %v", report.Summary, err)
		}
	}
}

// benchRows is 10,000 (SPEC's budget) unless VIGIE_BENCH_ROWS says otherwise.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("VIGIE_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 10_000
}
