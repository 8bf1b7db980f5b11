package sirene

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzEstablishmentReader: any file, well-formed or not, is read to its end
// or refused with an error; a bad line is a RowError, never a panic (N1).
func FuzzEstablishmentReader(f *testing.F) {
	f.Add([]byte("siren,nic,siret,denominationUsuelleEtablissement\n732829320,00074,73282932000074,DURAND\n"))
	f.Add([]byte("siren;siret\n1;2\n"))
	f.Add([]byte("\ufeffsiret,etatAdministratifEtablissement\n73282932000074,F\n\"unclosed\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewEstablishmentReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i := 0; i < 10_000; i++ {
			e, err := r.Next()
			if err == io.EOF {
				return
			}
			var rowErr *RowError
			if err != nil && !errors.As(err, &rowErr) {
				return // a read error ends the file
			}
			if err == nil && len(e.SIRET) != 14 {
				t.Fatalf("accepted SIRET %q", e.SIRET)
			}
		}
	})
}
