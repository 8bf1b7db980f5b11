package network_test

import (
	"bytes"
	"testing"

	"vigie/hooks/network"
)

// FuzzParseSupplierCSV: any upload is parsed into rows or refused with an
// error, never a panic; rows keep their line numbers in order (N3).
func FuzzParseSupplierCSV(f *testing.F) {
	f.Add([]byte("siret,email,firstName,lastName\n73282932000074,a@b.test,Ana,B\n"))
	f.Add([]byte("\ufeffSIRET;E-mail;Prénom;Nom\n732 829 320 00074;a@b.test;;\n\n"))
	f.Add([]byte("siret,email\n\"unclosed,x\n1,2,3,4,5\n"))
	f.Add([]byte("email\nx\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := network.ParseSupplierCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		last := 1
		for _, r := range rows {
			if line := network.RowLine(r); line <= last {
				t.Fatalf("line %d after %d", line, last)
			} else {
				last = line
			}
		}
	})
}
