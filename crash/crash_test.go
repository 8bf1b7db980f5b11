package crash

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"vigie/internal/fixtures"
	"vigie/internal/siret"
)

const password = "crash-test-password-2026"

// build compiles the binary once for the package's tests.
func build(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "vigie")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

type server struct {
	cmd  *exec.Cmd
	base string
}

func start(t *testing.T, bin, dir string) *server {
	t.Helper()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--http", addr, "--dir", dir)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { s.kill() })
	for i := 0; ; i++ {
		if res, err := http.Get(s.base + "/api/health"); err == nil {
			res.Body.Close()
			return s
		}
		if i > 300 {
			t.Fatal("the server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
	}
}

func call(t *testing.T, method, url, token, contentType string, body io.Reader) (int, []byte) {
	req, _ := http.NewRequest(method, url, body)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
	if err != nil {
		return 0, nil // killed under it
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func superuserToken(t *testing.T, base string) string {
	t.Helper()
	status, body := call(t, http.MethodPost, base+"/api/collections/_superusers/auth-with-password", "", "application/json",
		strings.NewReader(`{"identity":"operator@crash.test","password":"`+password+`"}`))
	var out struct{ Token string }
	if json.Unmarshal(body, &out); status != 200 || out.Token == "" {
		t.Fatalf("superuser sign-in: %d %s", status, body)
	}
	return out.Token
}

func openDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func scalar(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func integrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %s %v", ok, err)
	}
}

// sirets returns n valid SIRETs of distinct companies.
func sirets(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = siret.Complete(siret.Complete(fmt.Sprintf("%08d", 30000000+i)) + "0001")
	}
	return out
}

// The SIRENE import is killed half-way; the directory stays consistent with
// its search index, and a re-run completes it. Then a bulk supplier import
// is killed half-way through its HTTP request: no row is half-written, and
// the same upload again completes it. Then uploads are killed in flight: no
// record points to a missing file, and housekeeping leaves no orphan file.
func TestKilledMidWrite(t *testing.T) {
	bin := build(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	run := func(args ...string) string {
		out, err := exec.Command(bin, append(args, "--dir", dir)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("superuser", "upsert", "operator@crash.test", password)

	// 1. SIRENE import.
	numbers := sirets(150_000)
	var csv bytes.Buffer
	csv.WriteString("siren,nic,siret,denominationUsuelleEtablissement,codePostalEtablissement,libelleCommuneEtablissement,etatAdministratifEtablissement\n")
	for i, n := range numbers {
		fmt.Fprintf(&csv, "%s,%s,%s,Entreprise %d,69001,LYON,A\n", n[:9], n[9:], n, i)
	}
	file := filepath.Join(t.TempDir(), "StockEtablissement.csv")
	os.WriteFile(file, csv.Bytes(), 0o600)
	imp := exec.Command(bin, "directory", "import", file, "--dir", dir)
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dir)
	waitFor(t, db, "SELECT count(*) FROM directory", 50_000) // a first batch committed, the next in flight
	imp.Process.Signal(syscall.SIGKILL)
	imp.Wait()
	partial := scalar(t, db, "SELECT count(*) FROM directory")
	integrity(t, db)
	if _, err := db.Exec("INSERT INTO directory_fts(directory_fts) VALUES('integrity-check')"); err != nil {
		t.Fatalf("search index after the kill: %v", err)
	}
	run("directory", "import", file)
	if n := scalar(t, db, "SELECT count(*) FROM directory"); n != len(numbers) || partial >= n {
		t.Fatalf("directory: %d rows after the kill, %d after the re-run, want %d", partial, n, len(numbers))
	}
	db.Exec("INSERT INTO directory_fts(directory_fts) VALUES('integrity-check')")

	// 2. Bulk supplier import over HTTP.
	s := start(t, bin, dir)
	token := superuserToken(t, s.base)
	status, body := call(t, http.MethodPost, s.base+"/api/collections/establishments/records", token, "application/json",
		strings.NewReader(`{"siret":"`+numbers[0]+`","name":"Client SA"}`))
	var home struct{ ID string }
	if json.Unmarshal(body, &home); status != 200 {
		t.Fatalf("customer: %d %s", status, body)
	}
	const rows = 3000
	var upload bytes.Buffer
	upload.WriteString("siret,email,firstName,lastName\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&upload, "%s,contact%d@crash.test,Prénom,Nom %d\n", numbers[i], i, i)
	}
	importOnce := func(base, token string) (int, []byte) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "fournisseurs.csv")
		fw.Write(upload.Bytes())
		mw.Close()
		return call(t, http.MethodPost, base+"/api/vigie/establishments/"+home.ID+"/suppliers/import", token, mw.FormDataContentType(), &b)
	}
	done := make(chan struct{})
	go func() { importOnce(s.base, token); close(done) }()
	waitFor(t, db, "SELECT count(*) FROM relationships", 500) // one chunk committed, the next in flight
	s.kill()
	<-done
	created := scalar(t, db, "SELECT count(*) FROM relationships")
	integrity(t, db)
	for what, q := range map[string]string{
		"users without membership nor invitation": "SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user = u.id)" +
			" AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.user = u.id)",
		"suppliers without relationship": "SELECT count(*) FROM establishments e WHERE e.id != ? AND NOT EXISTS (SELECT 1 FROM relationships r WHERE r.supplier = e.id)",
		// S10: the first contact of each new supplier is invited, not a member.
		"relationships without their contact's invitation": "SELECT count(*) FROM relationships r WHERE NOT EXISTS (SELECT 1 FROM invitations i WHERE i.establishment = r.supplier)",
		"invitations without their user":                   "SELECT count(*) FROM invitations i WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = i.user)",
		"memberships without grants":                       "SELECT count(*) FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM grants g WHERE g.membership = m.id)",
	} {
		var n int
		if strings.Contains(q, "?") {
			n = scalar(t, db, q, home.ID)
		} else {
			n = scalar(t, db, q)
		}
		if n != 0 {
			t.Errorf("after the kill: %d %s", n, what)
		}
	}
	s = start(t, bin, dir)
	token = superuserToken(t, s.base)
	status, body = importOnce(s.base, token)
	var report struct{ Summary map[string]int }
	json.Unmarshal(body, &report)
	if status != 200 || report.Summary["created"]+report.Summary["already_present"] != rows ||
		report.Summary["already_present"] != created || report.Summary["invalid"] != 0 {
		t.Fatalf("re-run after %d rows: %d %v", created, status, report.Summary)
	}
	if n := scalar(t, db, "SELECT count(*) FROM relationships"); n != rows {
		t.Fatalf("%d relationships, want %d", n, rows)
	}

	// 3. Uploads killed in flight.
	kbis := ""
	db.QueryRow("SELECT id FROM document_types WHERE code = 'kbis' AND owner = ''").Scan(&kbis)
	pdf := append(append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 2<<20)...), fixtures.PDF()[9:]...)
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				var b bytes.Buffer
				mw := multipart.NewWriter(&b)
				mw.WriteField("supplier", home.ID)
				mw.WriteField("type", kbis)
				fw, _ := mw.CreateFormFile("file", "kbis.pdf")
				fw.Write(pdf)
				mw.Close()
				if status, _ := call(t, http.MethodPost, s.base+"/api/collections/documents/records", token, mw.FormDataContentType(), &b); status == 0 {
					return
				}
			}
		}()
	}
	waitFor(t, db, "SELECT count(*) FROM documents", 20)
	s.kill()
	wg.Wait()
	out := run("housekeeping", "run", "--orphans-older-than", "0s")
	docsCol := ""
	db.QueryRow("SELECT id FROM _collections WHERE name = 'documents'").Scan(&docsCol)
	rowsDocs, err := db.Query("SELECT id, file FROM documents")
	if err != nil {
		t.Fatal(err)
	}
	records := map[string]bool{}
	for rowsDocs.Next() {
		var id, name string
		rowsDocs.Scan(&id, &name)
		records[id] = true
		if _, err := os.Stat(filepath.Join(dir, "storage", docsCol, id, name)); err != nil {
			t.Errorf("document %s points to a missing file: %v", id, err)
		}
	}
	rowsDocs.Close()
	entries, _ := os.ReadDir(filepath.Join(dir, "storage", docsCol))
	for _, e := range entries {
		if !records[e.Name()] {
			files, _ := os.ReadDir(filepath.Join(dir, "storage", docsCol, e.Name()))
			if len(files) > 0 {
				t.Errorf("orphan files for record %s after housekeeping", e.Name())
			}
		}
	}
	if len(records) == 0 {
		t.Fatal("no upload completed before the kill: the check proved nothing")
	}
	t.Logf("directory: %d of %d rows at the kill; suppliers: %d of %d rows at the kill; uploads: %d documents; housekeeping: %s",
		partial, len(numbers), created, rows, len(records), lastLine(out))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// waitFor polls query until it counts at least n, the moment to kill.
func waitFor(t *testing.T, db *sql.DB, query string, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var got int
		if err := db.QueryRow(query).Scan(&got); err == nil && got >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never reached %d", query, n)
}
