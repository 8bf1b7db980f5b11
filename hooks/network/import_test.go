package network_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// multipartCSV builds an upload of content as the "file" field.
func multipartCSV(t testing.TB, content string) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "suppliers.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	return &body, mw.FormDataContentType()
}

type importAnswer struct {
	Rows []struct {
		Line   int                                     `json:"line"`
		SIRET  string                                  `json:"siret"`
		Status string                                  `json:"status"`
		Error  string                                  `json:"error"`
		Errors []struct{ Field, Code, Message string } `json:"errors"`
	} `json:"rows"`
	Summary map[string]int `json:"summary"`
}

func runImport(t *testing.T, w *netWorld, actor testkit.Actor, content string, status int) importAnswer {
	t.Helper()
	body, contentType := multipartCSV(t, content)
	var answer importAnswer
	w.As(t, actor, tests.ApiScenario{
		Name: "import", Method: http.MethodPost, URL: "/api/vigie/establishments/" + w.Home.Id + "/suppliers/import",
		Body: body, Headers: map[string]string{"Content-Type": contentType},
		ExpectedStatus: status, ExpectedContent: []string{`"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if status == 200 {
				if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
					t.Fatal(err)
				}
			}
		},
	}).Test(t)
	return answer
}

// N3: every row is reported; a bad row never half-writes; a re-run creates
// nothing new.
func TestBulkImportN3(t *testing.T) {
	w := newNetWorld(t)
	fresh, unknown := testkit.SIRET(), testkit.SIRET()
	loadDirectory(t, w.App, [3]string{fresh, "Nouveau Fournisseur", "Rennes"})
	known := testkit.Establishment(t, w.App, "Déjà Là", testkit.SIRET())
	csv := strings.Join([]string{
		"SIRET;Email;Prénom;Nom",
		fresh + ";Contact@Nouveau.test;Ana;Nova",                    // 2 created
		w.Supplier.GetString("siret") + ";referent@supplier.test;;", // 3 already present
		known.GetString("siret") + ";boss@deja.test;Bo;Ss",          // 4 linked (its first contact: invited)
		"12345678901234;x@y.test;;",                                 // 5 invalid siret
		unknown + ";x@y.test;;",                                     // 6 unknown to the directory
		fresh + ";not-an-email;;",                                   // 7 invalid contact: nothing of it written
		fresh + ";contact@nouveau.test;Ana;Nova",                    // 8 same row again
		";;;",                                                       // blank: skipped
		w.Home.GetString("siret") + ";x@y.test;;",                   // 10 itself
	}, "\n")
	first := runImport(t, w, testkit.Admin, csv, 200)
	want := map[int]string{2: "created", 3: "already_present", 4: "linked", 5: "invalid", 6: "invalid", 7: "invalid", 8: "already_present", 10: "invalid"}
	if len(first.Rows) != len(want) {
		t.Fatalf("rows = %+v", first.Rows)
	}
	for _, r := range first.Rows {
		if r.Status != want[r.Line] {
			t.Errorf("line %d: %s (%s), want %s", r.Line, r.Status, r.Error, want[r.Line])
		}
		if r.Status == "invalid" && r.Error == "" {
			t.Errorf("line %d: invalid without a reason", r.Line)
		}
	}
	if !strings.Contains(first.Rows[5].Error, "contact.email") || !strings.Contains(first.Rows[3].Error, "siret") {
		t.Errorf("reasons do not name the field: %q, %q", first.Rows[5].Error, first.Rows[3].Error)
	}
	// U4: each reason also comes with its field and code, for the page.
	for _, r := range first.Rows {
		if r.Status != "invalid" {
			continue
		}
		if len(r.Errors) == 0 {
			t.Errorf("line %d: no coded reason", r.Line)
		}
		for _, f := range r.Errors {
			if !strings.HasPrefix(f.Code, "validation_") || f.Message == "" {
				t.Errorf("line %d: reason %+v", r.Line, f)
			}
		}
	}
	if f := first.Rows[5].Errors; len(f) != 1 || f[0].Field != "contact.email" {
		t.Errorf("line %d: coded reasons %+v, want contact.email", first.Rows[5].Line, f)
	}
	if first.Summary["created"] != 1 || first.Summary["invalid"] != 4 || first.Summary["total"] != 8 {
		t.Errorf("summary = %v", first.Summary)
	}
	if _, err := w.App.FindAuthRecordByEmail(schema.Users, "not-an-email"); err == nil {
		t.Error("an invalid row wrote a user")
	}

	counts := func() string {
		var out []string
		for _, c := range []string{schema.Establishments, schema.Relationships, schema.Memberships, schema.Users} {
			n, _ := w.App.CountRecords(c)
			out = append(out, fmt.Sprintf("%s=%d", c, n))
		}
		return strings.Join(out, " ")
	}
	before := counts()
	second := runImport(t, w, testkit.Admin, csv, 200)
	if after := counts(); after != before {
		t.Fatalf("a re-run wrote: %s → %s", before, after)
	}
	if second.Summary["already_present"] != 4 || second.Summary["created"] != 0 || second.Summary["linked"] != 0 {
		t.Fatalf("re-run summary = %v", second.Summary)
	}
	// The contact of the new supplier becomes its admin (T5: no member
	// before) by accepting its invitation only (S10).
	firstContactAccepts(t, w.App, w.Home, fresh, "contact@nouveau.test")
}

// N3: only those who may add suppliers may import; a bad upload names the field.
func TestBulkImportAccessN3(t *testing.T) {
	w := newNetWorld(t)
	csv := "siret,email\n" + w.Supplier.GetString("siret") + ",referent@supplier.test\n"
	for _, a := range []testkit.Actor{testkit.Processing, testkit.Delivery, testkit.Collector} {
		runImport(t, w, a, csv, 403)
	}
	for _, a := range []testkit.Actor{testkit.Sister, testkit.Outsider, testkit.Support} {
		runImport(t, w, a, csv, 404)
	}
	runImport(t, w, testkit.Guest, csv, 401)
	body, contentType := multipartCSV(t, "a,b\n1,2\n")
	w.As(t, testkit.Admin, tests.ApiScenario{
		Name: "no siret column", Method: http.MethodPost, URL: "/api/vigie/establishments/" + w.Home.Id + "/suppliers/import",
		Body: body, Headers: map[string]string{"Content-Type": contentType},
		ExpectedStatus: 400, ExpectedContent: []string{`"file":{"code":"validation_csv"`, "siret"},
	}).Test(t)
}
