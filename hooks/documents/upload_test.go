package documents_test

import (
	"bytes"
	"image/jpeg"
	"io"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/fixtures"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

const documentsURL = "/api/collections/documents/records"

// upload is one attempt: who, which type, to whom, what file.
type upload struct {
	name      string
	actor     testkit.Actor
	typeName  string
	addressee *core.Record
	filename  string
	content   []byte
	extra     map[string]string
	status    int
	content2  []string // expected in the answer
}

func (w *docWorld) try(t *testing.T, u upload) {
	t.Helper()
	fields := map[string]string{"supplier": w.Home.Id, "type": w.Types[u.typeName].Id}
	if u.addressee != nil {
		fields["addressee"] = u.addressee.Id
	}
	for k, v := range u.extra {
		fields[k] = v
	}
	body, contentType := multipartBody(t, fields, u.filename, u.content)
	docsBefore, filesBefore := countDocuments(t, w.App), storedFiles(t, w.App)
	w.As(t, u.actor, tests.ApiScenario{
		Name: u.name, Method: http.MethodPost, URL: documentsURL, Body: body,
		Headers:        map[string]string{"Content-Type": contentType},
		ExpectedStatus: u.status, ExpectedContent: u.content2,
	}).Test(t)
	if u.status != 200 {
		// D3: a refused upload leaves no record and no file behind.
		if n := countDocuments(t, w.App); n != docsBefore {
			t.Errorf("%s: %d documents after a refusal, %d before", u.name, n, docsBefore)
		}
		if n := storedFiles(t, w.App); n != filesBefore {
			t.Errorf("%s: %d stored files after a refusal, %d before", u.name, n, filesBefore)
		}
	}
}

// D3: only a whole PDF, JPEG or PNG within the limit, whose name does not
// claim another format, is stored; everything else is a 400 naming the
// file field, and nothing is written.
func TestUploadContentD3(t *testing.T) {
	cfg := testkit.Config()
	cfg.UploadLimitMB = 1
	w := buildDocWorld(t, testkit.NewAppWith(t, &cfg))
	big := append(append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0"), 1<<20)...), []byte("\n%%EOF\n")...)
	refused := []string{`"file":{"code":"validation_file_content"`}
	for _, u := range []upload{
		{name: "a renamed executable", filename: "kbis.pdf", content: fixtures.Executable(), status: 400, content2: refused},
		{name: "a truncated PDF", filename: "kbis.pdf", content: fixtures.TruncatedPDF(), status: 400,
			content2: append(refused, "end-of-file")},
		{name: "an oversized PDF", filename: "kbis.pdf", content: big, status: 400,
			content2: []string{`"file":{"code":"validation_file_size_limit"`, "1 MB"}},
		{name: "a PNG declared as a PDF", filename: "kbis.pdf", content: fixtures.PNG(t), status: 400,
			content2: append(refused, "named as a PDF but its content is a PNG image")},
		{name: "no file", status: 400, content2: []string{`"file":{"code":"validation_required"`}},
		{name: "an empty file", filename: "kbis.pdf", content: []byte{}, status: 400, content2: []string{`"file":`}},
		{name: "a decompression bomb", filename: "scan.png", content: fixtures.PNGBomb(100_000, 100_000), status: 400,
			content2: append(refused, "megapixels")},
		{name: "HTML", filename: "kbis.html", content: []byte("<html><script>alert(1)</script>"), status: 400, content2: refused},
		{name: "a whole PDF", filename: "kbis.pdf", content: fixtures.PDF(), status: 200, content2: []string{`"status":"valid"`}},
		{name: "a PNG without extension", filename: "scan", content: fixtures.PNG(t), status: 200, content2: []string{`.png"`}},
	} {
		u.actor, u.typeName = testkit.Admin, "kbis"
		w.try(t, u)
	}
}

// D4: a phone photo is stored upright, without EXIF, GPS or author, with
// a preview.
func TestUploadPhotoD4(t *testing.T) {
	w := newDocWorld(t)
	w.try(t, upload{name: "a photo", actor: testkit.Admin, typeName: "insurance", filename: "IMG_0042.JPG",
		content: fixtures.Photo(t), status: 200, content2: []string{`"preview":"img_0042_preview_`}})
	doc, err := w.App.FindFirstRecordByFilter(schema.Documents, "type = {:t} && status = 'valid'",
		map[string]any{"t": w.Types["insurance"].Id})
	if err != nil {
		t.Fatal(err)
	}
	stored := readStored(t, w.App, doc, "file")
	for _, marker := range []string{"Exif", "JDUPONT", "II*"} {
		if bytes.Contains(stored, []byte(marker)) {
			t.Errorf("stored photo still holds %q", marker)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Errorf("stored photo is %v: orientation not applied", b)
	}
	if _, err := jpeg.Decode(bytes.NewReader(readStored(t, w.App, doc, "preview"))); err != nil {
		t.Errorf("preview: %v", err)
	}
}

func readStored(t *testing.T, app core.App, doc *core.Record, field string) []byte {
	t.Helper()
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	r, err := fsys.GetReader(doc.BaseFilesPath() + "/" + doc.GetString(field))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The matrix on upload (T3, N7, D3): who may send which document, and to
// whom.
func TestUploadWhoD3(t *testing.T) {
	w := newDocWorld(t)
	ok := []string{`"status":"valid"`}
	denied := []string{`"status":403`}
	ruleDenied := []string{`"status":400`, "Failed to create record"}
	for _, u := range []upload{
		{name: "processing sends a Kbis", actor: testkit.Processing, typeName: "kbis", status: 200, content2: ok},
		{name: "delivery sends URSSAF", actor: testkit.Delivery, typeName: "urssaf", status: 200,
			content2: []string{`"uploadedBy":"` + w.Users[testkit.Delivery].Id + `"`}},
		{name: "feedback may not send", actor: testkit.Feedback, typeName: "kbis", status: 400, content2: ruleDenied},
		{name: "the collector sends what its customer collects", actor: testkit.Collector, typeName: "kbis", status: 200, content2: ok},
		{name: "the collector sends its customer's specific type", actor: testkit.Collector, typeName: "quality",
			addressee: w.Customer, status: 200, content2: ok},
		{name: "the collector may not send what its customer does not collect", actor: testkit.Collector,
			typeName: "insurance", status: 403, content2: append(denied, "does not collect")},
		{name: "the collector may not send to another customer", actor: testkit.Collector, typeName: "charter",
			addressee: w.Second, status: 403, content2: denied},
		{name: "processing may not send bank details", actor: testkit.Processing, typeName: "bank_details",
			status: 403, content2: append(denied, "financial")},
		{name: "full access with the option sends bank details", actor: testkit.FullAccess, typeName: "bank_details", status: 200, content2: ok},
		{name: "a customer may not upload for its supplier", actor: CustomerAdmin, typeName: "kbis", status: 400, content2: ruleDenied},
		{name: "a sister establishment may not", actor: testkit.Sister, typeName: "kbis", status: 400, content2: ruleDenied},
		{name: "an outsider may not", actor: testkit.Outsider, typeName: "kbis", status: 400, content2: ruleDenied},
		{name: "support staff may not", actor: testkit.Support, typeName: "kbis", status: 400, content2: ruleDenied},
		{name: "a guest may not", actor: testkit.Guest, typeName: "kbis", status: 400, content2: ruleDenied},
		{name: "a specific document needs its addressee", actor: testkit.Admin, typeName: "quality", status: 400,
			content2: []string{`"addressee":{"code":"validation_required"`}},
		{name: "a legal document has no addressee", actor: testkit.Admin, typeName: "kbis", addressee: w.Customer,
			status: 400, content2: []string{`"addressee":{"code":"validation_shared_document"`}},
		{name: "a customer's type goes to that customer only", actor: testkit.Admin, typeName: "charter", addressee: w.Customer,
			status: 400, content2: []string{`"addressee":{"code":"validation_foreign_type"`}},
		{name: "the end of validity comes after its start", actor: testkit.Admin, typeName: "kbis", status: 400,
			extra:    map[string]string{"validFrom": "2026-06-01", "validUntil": "2026-05-01"},
			content2: []string{`"validUntil":{"code":"validation_date_order"`}},
		{name: "the server sets status, archive and uploader", actor: testkit.Admin, typeName: "insurance", status: 200,
			extra:    map[string]string{"status": "expired", "archived": "true", "uploadedBy": w.Users[testkit.Delivery].Id},
			content2: []string{`"status":"valid"`, `"archived":false`, `"uploadedBy":"` + w.Users[testkit.Admin].Id + `"`}},
	} {
		if u.filename == "" {
			u.filename, u.content = "doc.pdf", fixtures.PDF()
		}
		w.try(t, u)
	}
}
