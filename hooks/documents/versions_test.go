package documents_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/fixtures"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// D6: a new version supersedes the current one, which goes to the archive:
// seen by those with archive access only, and chained from the new one.
func TestNewVersionSupersedesD6(t *testing.T) {
	w := newDocWorld(t)
	old := w.Docs["kbis2"]
	w.try(t, upload{name: "a new Kbis", actor: testkit.Processing, typeName: "kbis", filename: "kbis.pdf",
		content: fixtures.PDF(), status: 200, content2: []string{`"replaces":"` + old.Id + `"`}})
	old = reload(t, w.App, old)
	if old.GetString("status") != schema.StatusSuperseded || !old.GetBool("archived") {
		t.Fatalf("the previous version is %q, archived %v", old.GetString("status"), old.GetBool("archived"))
	}
	current, err := w.App.FindAllRecords(schema.Documents)
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, d := range current {
		if d.GetString("type") == w.Types["kbis"].Id && d.GetString("status") != schema.StatusSuperseded {
			live++
		}
	}
	if live != 1 {
		t.Fatalf("%d current Kbis, want 1", live)
	}
	for _, c := range []struct {
		actor  testkit.Actor
		status int
	}{
		{testkit.Processing, 404}, {testkit.ProcessingArchive, 200}, {testkit.Collector, 404},
		{CustomerAdmin, 200}, {CustomerProcessing, 404}, {CustomerFull, 200},
	} {
		content := testkit.Body404
		if c.status == 200 {
			content = []string{`"status":"superseded"`}
		}
		w.As(t, c.actor, tests.ApiScenario{
			Name: "view the superseded version", Method: http.MethodGet, URL: documentsURL + "/" + old.Id,
			ExpectedStatus: c.status, ExpectedContent: content,
		}).Test(t)
	}
	// A specific document's versions are per addressee: Second's charter
	// does not replace Customer's quality plan, nor the reverse.
	w.try(t, upload{name: "a new charter", actor: testkit.Admin, typeName: "charter", addressee: w.Second,
		filename: "charter.pdf", content: fixtures.PDF(), status: 200,
		content2: []string{`"replaces":"` + w.Docs["charter"].Id + `"`}})
	if q := reload(t, w.App, w.Docs["quality"]); q.GetString("status") != schema.StatusValid {
		t.Fatalf("the quality plan became %q", q.GetString("status"))
	}
}

// Editing a document's dates: its handlers only, never its file, type,
// supplier or status; the lock guard applies (K1).
func TestEditDocumentDates(t *testing.T) {
	w := newDocWorld(t)
	url := documentsURL + "/" + w.Docs["kbis2"].Id
	for _, c := range []struct {
		actor  testkit.Actor
		body   string
		status int
		want   []string
	}{
		{testkit.Processing, `{"validUntil":"2027-01-31"}`, 200, []string{`"validUntil":"2027-01-31 00:00:00.000Z"`}},
		{testkit.Processing, `{"validFrom":"2027-03-01"}`, 400, []string{`"validUntil":{"code":"validation_date_order"`}},
		{testkit.Processing, `{"status":"expired"}`, 404, testkit.Body404},
		{testkit.Processing, `{"supplier":"` + w.Customer.Id + `"}`, 404, testkit.Body404},
		{testkit.Feedback, `{"validUntil":"2027-01-31"}`, 404, testkit.Body404},
		{testkit.Delivery, `{"validUntil":"2027-01-31"}`, 404, testkit.Body404},
		{CustomerAdmin, `{"validUntil":"2027-01-31"}`, 404, testkit.Body404},
		{testkit.Outsider, `{"validUntil":"2027-01-31"}`, 404, testkit.Body404},
	} {
		w.As(t, c.actor, tests.ApiScenario{
			Name: "edit " + c.body, Method: http.MethodPatch, URL: url, Body: stringsReader(c.body),
			Headers:        map[string]string{"Content-Type": "application/json"},
			ExpectedStatus: c.status, ExpectedContent: c.want,
		}).Test(t)
	}
	// Nobody deletes a document: versions are the history (D6).
	for _, a := range []testkit.Actor{testkit.Admin, CustomerAdmin} {
		w.As(t, a, tests.ApiScenario{
			Name: "delete", Method: http.MethodDelete, URL: url,
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		}).Test(t)
	}
}

// K4 (issue 18, item 15): a new version does not supersede a document
// someone else holds the lock of (423, nothing written); the holder's own
// new version does.
func TestNewVersionRespectsLocksK4(t *testing.T) {
	w := newDocWorld(t)
	pdf := fixtures.PDF()
	current := w.Docs["kbis2"] // Home's current Kbis
	testkit.Record(t, w.App, schema.Locks, map[string]any{"collection": schema.Documents, "recordId": current.Id,
		"holder": w.Users[testkit.Processing].Id, "expiresAt": time.Now().Add(10 * time.Minute)})
	w.try(t, upload{name: "a new version under someone else's lock", actor: testkit.Admin, typeName: "kbis",
		filename: "kbis.pdf", content: pdf, status: 423, content2: []string{`"holder":{`}})
	if after, _ := w.App.FindRecordById(schema.Documents, current.Id); after.GetString("status") == schema.StatusSuperseded {
		t.Fatal("the locked document was superseded")
	}
	w.try(t, upload{name: "the holder's new version", actor: testkit.Processing, typeName: "kbis",
		filename: "kbis.pdf", content: pdf, status: 200, content2: []string{`"replaces":"` + current.Id + `"`}})
	if after, _ := w.App.FindRecordById(schema.Documents, current.Id); after.GetString("status") != schema.StatusSuperseded {
		t.Fatal("the holder's version did not supersede its document")
	}
}
