// Package spreadsheet writes the CSV files Vigie hands out (X2) the way
// French spreadsheets open them as is: UTF-8 with a byte-order mark, ";"
// between cells, CRLF line ends, and no cell a spreadsheet would run.
package spreadsheet

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
)

// Writer writes rows of cells, each made safe (Safe).
type Writer struct{ w *csv.Writer }

// NewWriter starts a file on w with its byte-order mark.
func NewWriter(w io.Writer) (*Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	c := csv.NewWriter(w)
	c.Comma = ';'
	c.UseCRLF = true
	return &Writer{c}, nil
}

// Write writes one row; an error means the reader went away.
func (w *Writer) Write(cells ...string) error {
	for i := range cells {
		cells[i] = Safe(cells[i])
	}
	return w.w.Write(cells)
}

// Flush writes what is buffered.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// Safe keeps a cell a spreadsheet would read as a formula as text
// (OWASP's advice on CSV injection): a quote before =, +, -, @, tab or CR.
func Safe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// Attach answers a request with a CSV attachment named file and returns
// the writer of its rows.
func Attach(w http.ResponseWriter, file string) (*Writer, error) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+file+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return NewWriter(w)
}

// Day is a stored date's day ("2026-12-04 00:00:00.000Z" gives
// "2026-12-04"), empty for none.
func Day(stored string) string {
	if len(stored) >= 10 {
		return stored[:10]
	}
	return stored
}
