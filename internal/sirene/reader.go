// Package sirene streams INSEE's public SIRENE files (N1): the establishment
// file (StockEtablissement) and the legal-unit file (StockUniteLegale), CSV or
// zipped, reading columns by header name because INSEE adds columns without
// notice (48 then 54 so far). It is pure: no database.
package sirene

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Establishment is the public part of one establishment line.
type Establishment struct {
	SIRET, SIREN, Name, Address, PostalCode, City, NAF string
	Active, HeadOffice                                 bool
}

// RowError reports a malformed line, which readers skip.
type RowError struct {
	Line   int
	Reason string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Open opens a CSV file, or the first CSV inside a zip archive, for reading.
func Open(path string) (io.ReadCloser, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil || string(magic[:]) != "PK\x03\x04" {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, 0, err
		}
		info, _ := f.Stat()
		return f, info.Size(), nil
	}
	f.Close()
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, 0, fmt.Errorf("sirene: %s: %w", path, err)
	}
	for _, entry := range z.File {
		if strings.HasSuffix(strings.ToLower(entry.Name), ".csv") {
			r, err := entry.Open()
			if err != nil {
				z.Close()
				return nil, 0, err
			}
			return struct {
				io.Reader
				io.Closer
			}{r, closers{r, z}}, int64(entry.UncompressedSize64), nil
		}
	}
	z.Close()
	return nil, 0, fmt.Errorf("sirene: %s: no CSV inside the archive", path)
}

type closers []io.Closer

func (c closers) Close() error {
	var errs []error
	for _, x := range c {
		errs = append(errs, x.Close())
	}
	return errors.Join(errs...)
}

// table reads a header-addressed CSV stream.
type table struct {
	csv     *csv.Reader
	columns map[string]int
	line    int
}

func newTable(r io.Reader, required ...string) (*table, error) {
	c := csv.NewReader(bufio.NewReaderSize(r, 1<<20))
	c.ReuseRecord = true
	c.FieldsPerRecord = -1
	header, err := c.Read()
	if err != nil {
		return nil, fmt.Errorf("sirene: unable to read the header: %w", err)
	}
	t := &table{csv: c, columns: map[string]int{}, line: 1}
	for i, name := range header {
		t.columns[strings.TrimPrefix(strings.TrimSpace(name), "\ufeff")] = i
	}
	for _, name := range required {
		if _, ok := t.columns[name]; !ok {
			return nil, fmt.Errorf("sirene: column %q is missing from the header", name)
		}
	}
	return t, nil
}

// next returns the next record, a *RowError for a malformed one, or io.EOF.
func (t *table) next() ([]string, error) {
	rec, err := t.csv.Read()
	t.line++
	if err == nil {
		return rec, nil
	}
	var parseErr *csv.ParseError
	if errors.As(err, &parseErr) {
		return nil, &RowError{Line: t.line, Reason: parseErr.Err.Error()}
	}
	return nil, err
}

func (t *table) get(rec []string, name string) string {
	i, ok := t.columns[name]
	if !ok || i >= len(rec) {
		return ""
	}
	v := strings.TrimSpace(rec[i])
	if strings.Trim(v, "[ND]") == "" && v != "" {
		return "" // "[ND]": withheld at the company's request (statutDiffusion P)
	}
	return v
}
