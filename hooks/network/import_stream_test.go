package network_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie/internal/handler"
	"vigie/internal/testkit"
)

// U3, N3: an import asked as NDJSON tells its progress from 0 after each
// committed chunk (500 rows) up to every row, then gives the same report
// as the plain answer; the access check comes first, as for the plain one.
func TestFollowedImportReportsProgressU3(t *testing.T) {
	w := newNetWorld(t)
	var lines [][3]string
	var csv strings.Builder
	csv.WriteString("siret;email\n")
	for i := 0; i < 1200; i++ {
		number := testkit.SIRET()
		lines = append(lines, [3]string{number, fmt.Sprintf("Fournisseur %d", i), "Lyon"})
		fmt.Fprintf(&csv, "%s;contact%d@f%d.test\n", number, i, i)
	}
	csv.WriteString("123;bad@f.test\n")
	loadDirectory(t, w.App, lines...)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	post := func(actor testkit.Actor) *httptest.ResponseRecorder {
		body, contentType := multipartCSV(t, csv.String())
		req := httptest.NewRequest(http.MethodPost, "/api/vigie/establishments/"+w.Home.Id+"/suppliers/import", body)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Accept", "application/x-ndjson")
		for k, v := range w.Headers(t, actor) {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for actor, want := range map[testkit.Actor]int{testkit.Processing: http.StatusForbidden, testkit.Outsider: http.StatusNotFound, testkit.Guest: http.StatusUnauthorized} {
		if rec := post(actor); rec.Code != want || strings.Contains(rec.Body.String(), "progress") {
			t.Errorf("%s: %d %s, want %d and no progress", actor, rec.Code, rec.Body, want)
		}
	}
	rec := post(testkit.Admin)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("followed import: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var done []int
	var report *importAnswer
	scan := bufio.NewScanner(rec.Body)
	scan.Buffer(nil, 8<<20)
	for scan.Scan() {
		var line struct {
			Progress *struct{ Done, Total int }
			Report   *importAnswer
			Error    any
		}
		if err := json.Unmarshal(scan.Bytes(), &line); err != nil {
			t.Fatalf("line %q: %v", scan.Text(), err)
		}
		switch {
		case line.Progress != nil:
			if line.Progress.Total != 1201 {
				t.Errorf("total %d, want 1201", line.Progress.Total)
			}
			done = append(done, line.Progress.Done)
		case line.Report != nil:
			report = line.Report
		default:
			t.Errorf("unexpected line %s", scan.Text())
		}
	}
	if fmt.Sprint(done) != "[0 500 1000 1201]" {
		t.Errorf("progress %v, want [0 500 1000 1201]", done)
	}
	if report == nil || len(report.Rows) != 1201 || report.Summary["created"] != 1200 || report.Summary["invalid"] != 1 {
		t.Fatalf("report: %+v", report)
	}
	// The same file again, plain: the same rows, now already present.
	again := runImport(t, w, testkit.Admin, csv.String(), 200)
	if again.Summary["already_present"] != 1200 || len(again.Rows) != len(report.Rows) {
		t.Errorf("plain re-run summary %v", again.Summary)
	}
}
