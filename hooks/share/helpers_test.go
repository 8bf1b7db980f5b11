package share_test

import (
	"encoding/json"
	"net/http"
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

const CustomerAdmin testkit.Actor = "customer_admin"

// shareWorld: Customer follows Home and collects its Kbis; Home holds a
// Kbis and an insurance certificate (uploaded by its admin) and an URSSAF
// attestation (uploaded by its delivery member).
type shareWorld struct {
	*testkit.World
	Docs map[string]*core.Record
}

func newShareWorld(t *testing.T) *shareWorld {
	t.Helper()
	w := &shareWorld{World: testkit.NewWorld(t), Docs: map[string]*core.Record{}}
	app := w.App
	w.Users[CustomerAdmin] = testkit.User(t, app, "admin@customer.test")
	w.Memberships[CustomerAdmin] = testkit.Member(t, app, w.Users[CustomerAdmin], w.Customer, profiles.Admin)
	testkit.Record(t, app, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Home.Id, "status": "active"})
	testkit.Record(t, app, schema.Requirements, map[string]any{"customer": w.Customer.Id, "type": testkit.TypeID(t, app, "kbis")})
	for name, uploader := range map[string]testkit.Actor{"kbis": testkit.Admin, "insurance": testkit.Admin, "urssaf": testkit.Delivery} {
		f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), name+".pdf")
		doc := testkit.Record(t, app, schema.Documents, map[string]any{"supplier": w.Home.Id, "type": testkit.TypeID(t, app, name), "file": f, "uploadedBy": w.Users[uploader].Id})
		w.Docs[name] = doc
	}
	return w
}

// call runs one request as actor, checks its status and content (a string
// starting with "!" must not appear) and returns the body.
func (w *shareWorld) call(t *testing.T, actor testkit.Actor, method, url, body string, status int, content ...string) string {
	t.Helper()
	var got string
	s := tests.ApiScenario{
		Name: method + " " + url, Method: method, URL: url, ExpectedStatus: status, ExpectedContent: content,
		Headers: map[string]string{"Content-Type": "application/json"},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			var b strings.Builder
			buf := make([]byte, 4096)
			for {
				n, err := res.Body.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			got = b.String()
		},
	}
	if body != "" {
		s.Body = strings.NewReader(body)
	}
	s.ExpectedContent = nil
	for _, c := range content {
		if not, ok := strings.CutPrefix(c, "!"); ok {
			s.NotExpectedContent = append(s.NotExpectedContent, not)
		} else {
			s.ExpectedContent = append(s.ExpectedContent, c)
		}
	}
	if len(s.ExpectedContent) == 0 {
		s.ExpectedContent = []string{"{"}
	}
	w.As(t, actor, s).Test(t)
	return got
}

// share creates a link as actor and returns its id and token.
func (w *shareWorld) share(t *testing.T, actor testkit.Actor, doc, body string) (id, token string) {
	t.Helper()
	res := w.call(t, actor, http.MethodPost, "/api/vigie/documents/"+w.Docs[doc].Id+"/share", body, 200, `"url":"`)
	var out struct{ ID, URL string }
	if err := json.Unmarshal([]byte(res), &out); err != nil {
		t.Fatalf("%s: %v", res, err)
	}
	i := strings.LastIndex(out.URL, "/s/")
	return out.ID, out.URL[i+3:]
}

func (w *shareWorld) link(t *testing.T, id string) *core.Record {
	t.Helper()
	r, err := w.App.FindRecordById(schema.ShareLinks, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// actions lists a link's audit actions, oldest first.
func (w *shareWorld) actions(t *testing.T, id string) []string {
	t.Helper()
	var out []string
	err := w.App.DB().NewQuery("SELECT action FROM audit_log WHERE collection = 'share_links' AND recordId = {:id} ORDER BY rowid").
		Bind(dbx.Params{"id": id}).Column(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func future(days int) string {
	return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02 15:04:05.000Z")
}
