package documents_test

import (
	"bytes"
	"io"
	"io/fs"
	"mime/multipart"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/internal/fixtures"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// Customer-side actors, added to the world's table.
const (
	CustomerAdmin      testkit.Actor = "customer_admin"       // Customer: archive, reports, financial on
	CustomerProcessing testkit.Actor = "customer_processing"  // no archive, no financial
	CustomerFull       testkit.Actor = "customer_full_access" // archive, no financial option
	CustomerAdviser    testkit.Actor = "customer_adviser"     // feedback, assigned, owns no relationship (T7)
	CustomerDelivery   testkit.Actor = "customer_delivery"
	Customer2Admin     testkit.Actor = "customer2_admin" // Second: no modules
)

// docWorld: Home (every module) supplies Customer and Second, and once
// supplied Unrelated (relationship ended).
//
//	Customer collects kbis and bank details from all suppliers, URSSAF from Home;
//	Second collects insurance from Home, and its own specific "charter";
//	Customer has its own specific "quality plan"; Unrelated collects kbis.
//
// Home's documents: kbis v1 (superseded by v2), kbis v2, URSSAF (uploaded by
// the delivery member), insurance, bank details, a quality plan addressed to
// Customer, a charter addressed to Second.
type docWorld struct {
	*testkit.World
	Second                   *core.Record
	Types                    map[string]*core.Record
	Docs                     map[string]*core.Record
	CustomerHome, SecondHome *core.Record
	ReqKbis                  *core.Record
	clock                    time.Time
}

// docNames lists the world's documents.
var docNames = []string{"kbis1", "kbis2", "urssaf", "insurance", "rib", "quality", "charter"}

func newDocWorld(t *testing.T) *docWorld {
	t.Helper()
	return buildDocWorld(t, testkit.NewApp(t))
}

func buildDocWorld(t *testing.T, app0 *tests.TestApp) *docWorld {
	t.Helper()
	w := &docWorld{World: testkit.BuildWorld(t, app0), Types: map[string]*core.Record{}, Docs: map[string]*core.Record{}}
	app := w.App
	w.Customer.Set("modules", []string{"archive", "reports", "financial"})
	testkit.Save(t, app, w.Customer)
	w.Second = testkit.Establishment(t, app, "Second SAS", testkit.SIRET())
	people := []struct {
		actor   testkit.Actor
		est     *core.Record
		profile profiles.Profile
		opts    []func(*core.Record)
	}{
		{CustomerAdmin, w.Customer, profiles.Admin, nil},
		{CustomerProcessing, w.Customer, profiles.Processing, nil},
		{CustomerFull, w.Customer, profiles.FullAccess, nil},
		{CustomerAdviser, w.Customer, profiles.Feedback, []func(*core.Record){func(m *core.Record) { m.Set("visibility", "assigned") }}},
		{CustomerDelivery, w.Customer, profiles.Delivery, nil},
		{Customer2Admin, w.Second, profiles.Admin, nil},
	}
	for _, p := range people {
		w.Users[p.actor] = testkit.User(t, app, string(p.actor)+"@customer.test")
		w.Memberships[p.actor] = testkit.Member(t, app, w.Users[p.actor], p.est, p.profile, p.opts...)
	}
	for _, code := range []string{"kbis", "urssaf", "tax", "insurance", "bank_details"} {
		r, err := app.FindFirstRecordByFilter(schema.DocumentTypes, "code = {:c} && owner = ''", dbx.Params{"c": code})
		if err != nil {
			t.Fatal(err)
		}
		w.Types[code] = r
	}
	w.Types["quality"] = w.docType(t, w.Customer, "quality_plan", schema.KindSpecific)
	w.Types["charter"] = w.docType(t, w.Second, "charter", schema.KindSpecific)

	w.CustomerHome = w.relationship(t, w.Customer, w.Home, "active", w.Users[CustomerAdmin])
	w.SecondHome = w.relationship(t, w.Second, w.Home, "active", nil)
	w.relationship(t, w.Unrelated, w.Home, "ended", nil)

	w.ReqKbis = w.require(t, w.Customer, "kbis", nil)
	w.require(t, w.Customer, "bank_details", nil)
	w.require(t, w.Customer, "urssaf", w.Home)
	w.require(t, w.Customer, "quality", w.Home)
	w.require(t, w.Second, "insurance", w.Home)
	w.require(t, w.Second, "charter", nil)
	w.require(t, w.Unrelated, "kbis", nil)

	admin := w.Users[testkit.Admin]
	w.Docs["kbis1"] = w.document(t, "kbis", nil, admin, fixtures.PDF())
	w.Docs["kbis2"] = w.document(t, "kbis", nil, admin, fixtures.PDF())
	w.Docs["urssaf"] = w.document(t, "urssaf", nil, w.Users[testkit.Delivery], fixtures.PDF())
	w.Docs["insurance"] = w.document(t, "insurance", nil, admin, fixtures.PDF())
	w.Docs["rib"] = w.document(t, "bank_details", nil, admin, fixtures.PDF())
	w.Docs["quality"] = w.document(t, "quality", w.Customer, admin, fixtures.PDF())
	w.Docs["charter"] = w.document(t, "charter", w.Second, admin, fixtures.PDF())
	w.Docs["kbis1"] = reload(t, app, w.Docs["kbis1"])
	return w
}

func reload(t testing.TB, app core.App, r *core.Record) *core.Record {
	t.Helper()
	fresh, err := app.FindRecordById(r.Collection().Name, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

func (w *docWorld) docType(t *testing.T, owner *core.Record, code, kind string) *core.Record {
	t.Helper()
	col, _ := w.App.FindCollectionByNameOrId(schema.DocumentTypes)
	r := core.NewRecord(col)
	r.Load(map[string]any{"code": code, "name": code, "kind": kind, "owner": owner.Id, "validityDays": 365})
	testkit.Save(t, w.App, r)
	return r
}

func (w *docWorld) relationship(t *testing.T, customer, supplier *core.Record, status string, owner *core.Record) *core.Record {
	t.Helper()
	col, _ := w.App.FindCollectionByNameOrId(schema.Relationships)
	r := core.NewRecord(col)
	r.Load(map[string]any{"customer": customer.Id, "supplier": supplier.Id, "status": status})
	if owner != nil {
		r.Set("owner", owner.Id)
	}
	testkit.Save(t, w.App, r)
	return r
}

func (w *docWorld) require(t *testing.T, customer *core.Record, typeName string, supplier *core.Record) *core.Record {
	t.Helper()
	col, _ := w.App.FindCollectionByNameOrId(schema.Requirements)
	r := core.NewRecord(col)
	r.Load(map[string]any{"customer": customer.Id, "type": w.Types[typeName].Id})
	if supplier != nil {
		r.Set("supplier", supplier.Id)
	}
	testkit.Save(t, w.App, r)
	return r
}

// document saves one of Home's documents directly (the model hooks set
// status, keys and versions, as for an upload).
func (w *docWorld) document(t *testing.T, typeName string, addressee, uploader *core.Record, content []byte) *core.Record {
	t.Helper()
	col, _ := w.App.FindCollectionByNameOrId(schema.Documents)
	r := core.NewRecord(col)
	f, err := filesystem.NewFileFromBytes(content, typeName+".pdf")
	if err != nil {
		t.Fatal(err)
	}
	r.Load(map[string]any{"supplier": w.Home.Id, "type": w.Types[typeName].Id, "file": f,
		"uploadedBy": uploader.Id, "validFrom": time.Now().UTC().Format("2006-01-02")})
	if addressee != nil {
		r.Set("addressee", addressee.Id)
	}
	testkit.Save(t, w.App, r)
	return r
}

// multipartBody is an upload form: fields and one file.
func multipartBody(t testing.TB, fields map[string]string, filename string, content []byte) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if filename != "" {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

// storedFiles counts the files in the documents' storage.
func storedFiles(t testing.TB, app core.App) int {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(schema.Documents)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	filepath.WalkDir(filepath.Join(app.DataDir(), "storage", col.Id), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// countDocuments counts every document row.
func countDocuments(t testing.TB, app core.App) int {
	t.Helper()
	n, err := app.CountRecords(schema.Documents)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
