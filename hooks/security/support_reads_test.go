package security_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/internal/fixtures"
	"vigie/internal/handler"
	"vigie/internal/oraclenet"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// S6, S14 (issue 18, item 14): what support staff read of a granted
// establishment through a file download or a realtime stream is audited in
// that establishment's log, as their lists and views are; a member's own
// downloads are not.
func TestSupportFileAndStreamReadsAuditedS14(t *testing.T) {
	w := testkit.NewWorld(t)
	client := oraclenet.NewClient(t, w.App)
	admin, support := w.Headers(t, testkit.Admin)["Authorization"], w.Headers(t, testkit.Support)["Authorization"]
	until := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02 15:04:05.000Z")
	if status, body := client.Do(t, http.MethodPut, "/api/vigie/establishments/"+w.Home.Id+"/support-access", admin,
		map[string]any{"enabled": true, "until": until}); status != http.StatusOK {
		t.Fatalf("grant: %d %v", status, body)
	}
	newDoc := func() string {
		f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), "kbis.pdf")
		doc := testkit.Record(t, w.App, schema.Documents, map[string]any{"supplier": w.Home.Id, "type": testkit.TypeID(t, w.App, "kbis"),
			"file": f, "uploadedBy": w.Users[testkit.Admin].Id})
		return doc.Id
	}
	audited := func(via string) int64 {
		n, _ := w.App.CountRecords(schema.AuditLog, dbx.NewExp("action = 'support.read' AND establishment = {:e} AND collection = 'documents' AND json_extract(data, '$.via') = {:via}",
			dbx.Params{"e": w.Home.Id, "via": via}))
		return n
	}

	id := newDoc()
	download := func(token string) int {
		_, body := client.Do(t, http.MethodPost, "/api/files/token", token, nil)
		fileToken, _ := body["token"].(string)
		doc, _ := w.App.FindRecordById(schema.Documents, id)
		status, _ := client.Do(t, http.MethodGet, "/api/files/documents/"+id+"/"+doc.GetString("file")+"?token="+fileToken, "", nil)
		return status
	}
	if status := download(admin); status != http.StatusOK || audited("file") != 0 {
		t.Fatalf("the admin's download: %d, %d support rows", status, audited("file"))
	}
	if status := download(support); status != http.StatusOK || audited("file") != 1 {
		t.Fatalf("support's download: %d, %d support rows, want 1", status, audited("file"))
	}

	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	stream := openStream(t, srv, support, schema.Documents)
	streamed := newDoc()
	if got := stream.next(5 * time.Second); got != schema.Documents {
		t.Fatalf("support's stream got %q, want a document event", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for audited("realtime") == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	// One row per event delivered (the creation and the saves that follow it).
	if n := audited("realtime"); n < 1 {
		t.Fatalf("support's streamed document audited %d times", n)
	}
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.NewExp("action = 'support.read' AND json_extract(data, '$.via') = 'realtime' AND data NOT LIKE {:new} AND data NOT LIKE {:old}",
		dbx.Params{"new": "%" + streamed + "%", "old": "%" + id + "%"})); n != 0 {
		t.Fatalf("%d realtime rows name another record than the new document and the one it superseded", n)
	}
}
