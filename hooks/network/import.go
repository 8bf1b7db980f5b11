package network

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"vigie/hooks/audit"
	"vigie/internal/config"
)

// Bulk import limits (N3): 10,000 rows must work; the caps keep one upload
// from holding the database for long.
const (
	maxImportRows  = 20_000
	maxImportBytes = 8 << 20
	// rowsPerTransaction bounds how long one import holds the write lock
	// before letting other writers in; each row still commits or rolls back
	// alone through its savepoint.
	rowsPerTransaction = 500
)

// ImportRow is the report of one CSV line.
//
// Error says why a row was refused in English; Errors says it field by
// field with each error's code, for the pages to say it in the reader's
// language (U4).
type ImportRow struct {
	Line   int             `json:"line"`
	SIRET  string          `json:"siret"`
	Status string          `json:"status"`
	Error  string          `json:"error,omitempty"`
	Errors []ImportRowFail `json:"errors,omitempty"`
}

// ImportRowFail is one reason a row was refused: the field (dotted for a
// nested one, "contact.email"), the error's code and its English message.
type ImportRowFail struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ImportReport answers a bulk import: every row, and counts per status.
type ImportReport struct {
	Rows    []ImportRow    `json:"rows"`
	Summary map[string]int `json:"summary"`
}

// columnAliases maps accepted header names to the fields of a row.
var columnAliases = map[string]string{
	"siret": "siret", "email": "email", "contact_email": "email", "contactemail": "email", "e-mail": "email",
	"firstname": "firstName", "first_name": "firstName", "prenom": "firstName", "prénom": "firstName",
	"lastname": "lastName", "last_name": "lastName", "nom": "lastName",
}

func importSuppliersRoute(e *core.RequestEvent, cfg *config.Config, customer *core.Record) error {
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, maxImportBytes+1<<20)
	file, header, err := e.Request.FormFile("file")
	if err != nil {
		return e.BadRequestError("Upload the CSV as the multipart field \"file\".",
			validation.Errors{"file": validation.NewError("validation_required", "A CSV file is required.")})
	}
	defer file.Close()
	if header.Size > maxImportBytes {
		return e.BadRequestError("The file is too large.",
			validation.Errors{"file": validation.NewError("validation_file_size", fmt.Sprintf("At most %d MB.", maxImportBytes>>20))})
	}
	rows, err := ParseSupplierCSV(file)
	if err != nil {
		return e.BadRequestError("The CSV cannot be read.", validation.Errors{"file": validation.NewError("validation_csv", err.Error())})
	}
	if strings.Contains(e.Request.Header.Get("Accept"), ndjson) {
		return streamImport(e, cfg, customer, rows)
	}
	report, err := ImportSuppliers(e.App, cfg, customer, rows, audit.FromRequest(e, ""), callerID(e))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, report)
}

// ndjson is the media type a client accepts to follow an import's progress.
const ndjson = "application/x-ndjson"

// importLine is one line of a followed import: its progress after each
// committed chunk, then the report, or an error that stopped it.
type importLine struct {
	Progress *importProgress  `json:"progress,omitempty"`
	Report   *ImportReport    `json:"report,omitempty"`
	Error    *router.ApiError `json:"error,omitempty"`
}

type importProgress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// streamImport answers an import as NDJSON (U3): a progress line when it
// starts and after each committed chunk, then the report. The rows are
// the same and committed the same way as in the plain answer; a failure
// once the answer has started is its last line.
func streamImport(e *core.RequestEvent, cfg *config.Config, customer *core.Record, rows []SupplierRow) error {
	e.Response.Header().Set("Content-Type", ndjson)
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(e.Response)
	send := func(line importLine) {
		if enc.Encode(line) == nil {
			e.Flush()
		}
	}
	send(importLine{Progress: &importProgress{0, len(rows)}})
	report, err := importSuppliers(e.App, cfg, customer, rows, audit.FromRequest(e, ""), callerID(e), func(done int) {
		send(importLine{Progress: &importProgress{done, len(rows)}})
	})
	if err != nil {
		e.App.Logger().Error("network: followed import failed", "error", err)
		send(importLine{Error: router.NewApiError(http.StatusInternalServerError, "The import stopped; the rows reported so far are saved.", nil)})
		return nil
	}
	send(importLine{Report: report})
	return nil
}

// SupplierRow is one parsed line of the suppliers file.
type SupplierRow struct {
	line    int
	input   NewSupplier
	err     string // why the line cannot be read, if it cannot
	errCode string
}

// ParseSupplierCSV reads a header-addressed CSV, comma- or semicolon-separated
// (spreadsheets in French locales write semicolons), UTF-8 with or without BOM.
func ParseSupplierCSV(r io.Reader) ([]SupplierRow, error) {
	br := bufio.NewReader(r)
	first, err := br.Peek(4096)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1
	c.TrimLeadingSpace = true
	if line, _, _ := bytes.Cut(first, []byte("\n")); bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		c.Comma = ';'
	}
	head, err := c.Read()
	if err != nil {
		return nil, fmt.Errorf("no header line: %v", err)
	}
	index := map[string]int{}
	for i, h := range head {
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if field, ok := columnAliases[key]; ok {
			index[field] = i
		}
	}
	for _, need := range []string{"siret", "email"} {
		if _, ok := index[need]; !ok {
			return nil, fmt.Errorf("the header needs a %q column (columns: siret, email, firstName, lastName)", need)
		}
	}
	var rows []SupplierRow
	for line := 2; ; line++ {
		rec, err := c.Read()
		if err == io.EOF {
			return rows, nil
		}
		if len(rows) >= maxImportRows {
			return nil, fmt.Errorf("at most %d rows per file", maxImportRows)
		}
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			rows = append(rows, SupplierRow{line: line, err: parseErr.Err.Error(), errCode: "validation_csv_line"})
			continue
		}
		if err != nil {
			return nil, err
		}
		get := func(f string) string {
			if i, ok := index[f]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // blank line
		}
		rows = append(rows, SupplierRow{line: line, input: NewSupplier{SIRET: get("siret"),
			Contact: Contact{Email: get("email"), FirstName: get("firstName"), LastName: get("lastName")}}})
	}
}

// ImportSuppliers adds every row's supplier (N3). Each row is atomic: it
// runs in a savepoint and a bad row leaves nothing behind; rows are grouped
// in transactions so that 10,000 rows take seconds, not minutes. A re-run
// reports every row already present and creates nothing. An import of a
// chunk or more updates the planner's statistics.
func ImportSuppliers(app core.App, cfg *config.Config, customer *core.Record, rows []SupplierRow, actor audit.Entry, callerID string) (*ImportReport, error) {
	return importSuppliers(app, cfg, customer, rows, actor, callerID, func(int) {})
}

// importSuppliers is ImportSuppliers telling committed how many rows are
// done after each chunk commits.
func importSuppliers(app core.App, cfg *config.Config, customer *core.Record, rows []SupplierRow, actor audit.Entry, callerID string, committed func(done int)) (*ImportReport, error) {
	report := &ImportReport{Rows: make([]ImportRow, len(rows)), Summary: map[string]int{}}
	first := firstOccurrences(rows)
	for start := 0; start < len(rows); start += rowsPerTransaction {
		end := min(start+rowsPerTransaction, len(rows))
		chunk, results := rows[start:end], report.Rows[start:end]
		bulkPath := true
		importChunk := func(tx core.App) error {
			done := make([]bool, len(chunk))
			var err error
			if bulkPath {
				if done, err = importNewSuppliers(tx, cfg, customer, chunk, first[start:end], results, actor, callerID); err != nil {
					return err
				}
			}
			for i, row := range chunk {
				if done[i] {
					continue
				}
				if results[i], err = importRow(tx, cfg, customer, row, actor, callerID); err != nil {
					return err
				}
			}
			return nil
		}
		err := app.RunInTransaction(importChunk)
		if errors.Is(err, errBulkPath) {
			// Rolled back whole: the row-by-row path then reports each row's own outcome.
			app.Logger().Warn("network: bulk import path failed, importing the chunk row by row", "rows", len(chunk), "error", err)
			bulkPath = false
			err = app.RunInTransaction(importChunk)
		}
		if err != nil {
			return nil, err
		}
		committed(end)
	}
	for _, r := range report.Rows {
		report.Summary[r.Status]++
	}
	report.Summary["total"] = len(report.Rows)
	if len(rows) >= rowsPerTransaction {
		optimize(app)
	}
	return report, nil
}

// errBulkPath marks a failure of the bulk path, after which a chunk is
// imported again row by row.
var errBulkPath = errors.New("bulk path failed")

// importNewSuppliers writes the rows of chunk that the bulk path can take
// (import_new.go), fills their results and reports which rows it did.
func importNewSuppliers(tx core.App, cfg *config.Config, customer *core.Record, chunk []SupplierRow, first []bool,
	results []ImportRow, actor audit.Entry, callerID string) ([]bool, error) {
	done := make([]bool, len(chunk))
	rows, err := selectNewSuppliers(tx, customer, chunk, first)
	if err != nil || len(rows) == 0 {
		return done, err
	}
	added, err := addNewSuppliers(tx, cfg, customer, rows, actor, callerID)
	if err != nil {
		return done, fmt.Errorf("%w: %w", errBulkPath, err)
	}
	for i, row := range rows {
		added[i].Line = chunk[row.index].line
		results[row.index], done[row.index] = added[i], true
	}
	return done, nil
}

// importRow adds one row inside a savepoint; only a database failure is an
// error, a bad row is reported as invalid.
func importRow(tx core.App, cfg *config.Config, customer *core.Record, row SupplierRow, actor audit.Entry, callerID string) (ImportRow, error) {
	out := ImportRow{Line: row.line, SIRET: strings.TrimSpace(row.input.SIRET), Status: StatusInvalid, Error: row.err}
	if row.err != "" {
		out.Errors = []ImportRowFail{{Field: "file", Code: row.errCode, Message: row.err}}
		return out, nil
	}
	if _, err := tx.DB().NewQuery("SAVEPOINT import_row").Execute(); err != nil {
		return out, err
	}
	added, err := AddSupplier(tx, cfg, customer, row.input, actor, callerID)
	if err != nil {
		if _, rbErr := tx.DB().NewQuery("ROLLBACK TO import_row").Execute(); rbErr != nil {
			return out, rbErr
		}
		out.Error, out.Errors = describe(err)
	} else {
		out.Status = added.Status
		out.SIRET = added.Supplier.GetString("siret")
	}
	_, err = tx.DB().NewQuery("RELEASE import_row").Execute()
	return out, err
}

// describe turns a row's failure into one readable reason naming each
// field, and the same reasons with their codes, in field order.
func describe(err error) (string, []ImportRowFail) {
	var errs validation.Errors
	if !errors.As(err, &errs) {
		return err.Error(), []ImportRowFail{{Code: "validation_row", Message: err.Error()}}
	}
	var fails []ImportRowFail
	add := func(field string, e error) {
		code := "validation_invalid"
		if coded, ok := e.(validation.Error); ok {
			code = coded.Code()
		}
		fails = append(fails, ImportRowFail{Field: field, Code: code, Message: e.Error()})
	}
	for field, e := range errs {
		var nested validation.Errors
		if errors.As(e, &nested) {
			for sub, ne := range nested {
				add(field+"."+sub, ne)
			}
			continue
		}
		add(field, e)
	}
	slices.SortFunc(fails, func(a, b ImportRowFail) int { return strings.Compare(a.Field, b.Field) })
	parts := make([]string, len(fails))
	for i, f := range fails {
		parts[i] = f.Field + ": " + f.Message
	}
	return strings.Join(parts, "; "), fails
}

// RowLine is the CSV line a parsed row came from.
func RowLine(r SupplierRow) int { return r.line }
