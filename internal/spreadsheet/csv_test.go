package spreadsheet

import (
	"bytes"
	"testing"
)

func TestWriterX2(t *testing.T) {
	var b bytes.Buffer
	w, err := NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write("Nom", "Montant")
	w.Write(`=HYPERLINK("x")`, "-12")
	w.Write("a;b", "@SUM", "+1", "\tx", "plain")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffNom;Montant\r\n\"'=HYPERLINK(\"\"x\"\")\";'-12\r\n\"a;b\";'@SUM;'+1;'\tx;plain\r\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}
