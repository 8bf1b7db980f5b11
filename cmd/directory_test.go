package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/hooks/network"
	"vigie/internal/testkit"
)

// N1: the command loads a file, reports malformed lines without stopping,
// and names come from the legal-unit file when the establishment has none.
func TestImportDirectoryCommandN1(t *testing.T) {
	app := testkit.NewApp(t)
	dir := t.TempDir()
	stock := filepath.Join(dir, "StockEtablissement.csv")
	units := filepath.Join(dir, "StockUniteLegale.csv")
	os.WriteFile(stock, []byte("siren,nic,siret,denominationUsuelleEtablissement\n"+
		"732829320,00074,73282932000074,\n732829320,00075,73282932000075,Bad\n"), 0o600)
	os.WriteFile(units, []byte("siren,denominationUniteLegale\n732829320,DURAND SA\n"), 0o600)
	var out, errOut bytes.Buffer
	cfg := testkit.Config()
	if err := importDirectory(app, &cfg, stock, units, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 establishments written, 1 malformed lines skipped") ||
		!strings.Contains(errOut.String(), "line 3") || !strings.Contains(out.String(), "registry watch: 0 establishments") {
		t.Fatalf("out %q, err %q", out.String(), errOut.String())
	}
	items, _ := network.SearchDirectory(app, "durand", 5)
	if len(items) != 1 || items[0].Name != "DURAND SA" {
		t.Fatalf("search = %+v", items)
	}
	if err := importDirectory(app, &cfg, filepath.Join(dir, "missing.csv"), "", &out, &errOut); err == nil {
		t.Fatal("a missing file is an error")
	}
}
