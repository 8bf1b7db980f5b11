package sirene

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The real 54-column header of INSEE's StockEtablissement file.
func header54(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/StockEtablissement-header.csv")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// row fills a line of the given header from named values.
func row(header string, values map[string]string) string {
	cols := strings.Split(header, ",")
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = values[c]
	}
	return strings.Join(out, ",")
}

func readAll(t *testing.T, r *EstablishmentReader) ([]Establishment, []*RowError) {
	var got []Establishment
	var bad []*RowError
	for {
		e, err := r.Next()
		if err == io.EOF {
			return got, bad
		}
		var rowErr *RowError
		if errors.As(err, &rowErr) {
			bad = append(bad, rowErr)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
}

// N1: columns are read by name in the 54-column layout and in the older
// 48-column one; malformed lines are reported and skipped.
func TestReadEstablishmentsN1(t *testing.T) {
	h54 := header54(t)
	cols := strings.Split(h54, ",")
	var h48 []string
	for _, c := range cols {
		switch c {
		case "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
			"coordonneeLambertOrdonneeEtablissement", "activitePrincipaleNAF25Etablissement":
			continue
		}
		h48 = append(h48, c)
	}
	// reverse the old layout's order too: position must not matter
	for i, j := 0, len(h48)-1; i < j; i, j = i+1, j-1 {
		h48[i], h48[j] = h48[j], h48[i]
	}
	durand := map[string]string{"siren": "732829320", "nic": "00074", "siret": "73282932000074",
		"denominationUsuelleEtablissement": "Durand Bâtiment", "numeroVoieEtablissement": "12",
		"typeVoieEtablissement": "RUE", "libelleVoieEtablissement": "DE LA PAIX", "codePostalEtablissement": "75002",
		"libelleCommuneEtablissement": "PARIS", "activitePrincipaleEtablissement": "41.20A",
		"etatAdministratifEtablissement": "A", "etablissementSiege": "true"}
	closed := map[string]string{"siren": "356000000", "siret": "35600000049837", "enseigne1Etablissement": "BUREAU DE POSTE",
		"etatAdministratifEtablissement": "F", "codePostalEtablissement": "[ND]"}
	unnamed := map[string]string{"siren": "100000017", "siret": "10000001700028"}
	badSiret := map[string]string{"siren": "732829320", "siret": "73282932000075"}
	for name, header := range map[string]string{"54 columns": h54, "48 columns, other order": strings.Join(h48, ",")} {
		t.Run(name, func(t *testing.T) {
			csv := strings.Join([]string{header, row(header, durand), row(header, badSiret), `7328"29320,bare quote`, `short,line`,
				row(header, closed), row(header, unnamed)}, "\n") + "\n"
			r, err := NewEstablishmentReader(strings.NewReader(csv))
			if err != nil {
				t.Fatal(err)
			}
			r.Names = map[string]string{"100000017": "SOCIETE SANS ENSEIGNE"}
			got, bad := readAll(t, r)
			if len(got) != 3 || len(bad) != 3 {
				t.Fatalf("got %d establishments, %d bad lines: %+v %v", len(got), len(bad), got, bad)
			}
			want := Establishment{SIRET: "73282932000074", SIREN: "732829320", Name: "Durand Bâtiment",
				Address: "12 RUE DE LA PAIX", PostalCode: "75002", City: "PARIS", NAF: "41.20A", Active: true, HeadOffice: true}
			if got[0] != want {
				t.Errorf("got %+v\nwant %+v", got[0], want)
			}
			if got[1].Active || got[1].Name != "BUREAU DE POSTE" || got[1].PostalCode != "" {
				t.Errorf("closed, withheld postal code: %+v", got[1])
			}
			if got[2].Name != "SOCIETE SANS ENSEIGNE" {
				t.Errorf("name from the legal-unit file: %+v", got[2])
			}
			if bad[0].Line != 3 || !strings.Contains(bad[0].Reason, "Luhn") {
				t.Errorf("first bad line = %+v", bad[0])
			}
		})
	}
}

func TestMissingColumn(t *testing.T) {
	if _, err := NewEstablishmentReader(strings.NewReader("siren,nic\n1,2\n")); err == nil || !strings.Contains(err.Error(), `"siret"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestLegalUnitNames(t *testing.T) {
	csv := "siren,denominationUniteLegale,nomUniteLegale,prenom1UniteLegale\n" +
		"732829320,DURAND SA,,\n100000017,,MARTIN,JEAN\n"
	names, err := ReadLegalUnitNames(strings.NewReader(csv), func(error) {})
	if err != nil || names["732829320"] != "DURAND SA" || names["100000017"] != "JEAN MARTIN" {
		t.Fatalf("names = %v, %v", names, err)
	}
}

// N1: the file may come zipped.
func TestOpenZip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "StockEtablissement_utf8.zip")
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("StockEtablissement_utf8.csv")
	io.WriteString(w, "siren,siret\n732829320,73282932000074\n")
	z.Close()
	os.WriteFile(path, buf.Bytes(), 0o600)
	rc, size, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	r, err := NewEstablishmentReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := readAll(t, r)
	if len(got) != 1 || size == 0 {
		t.Fatalf("read %d from the zip (size %d)", len(got), size)
	}
}
