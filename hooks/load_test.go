package hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/internal/browsertest"
	"vigie/internal/fixtures"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// Load (issue 10): lists, uploads, share opens and lock takes at once on
// loopback, bounded in count and time: no 5xx, no lost upload, and of
// simultaneous lock takers exactly one wins (K6). Run with -race in CI.
func TestConcurrentLoad(t *testing.T) {
	w := testkit.NewWorld(t)
	app := w.App
	rel := testkit.Record(t, app, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Home.Id, "status": "active"})
	kbis, err := app.FindFirstRecordByFilter(schema.DocumentTypes, "code = 'kbis' && owner = ''")
	if err != nil {
		t.Fatal(err)
	}
	testkit.Record(t, app, schema.Requirements, map[string]any{"customer": w.Customer.Id, "type": kbis.Id})
	f, _ := filesystem.NewFileFromBytes(fixtures.PDF(), "kbis.pdf")
	doc := testkit.Record(t, app, schema.Documents, map[string]any{"supplier": w.Home.Id, "type": kbis.Id, "file": f})
	var managers []*core.Record // customer members who may all lock the relationship
	for i := 0; i < 6; i++ {
		u := testkit.User(t, app, fmt.Sprintf("manager%d@customer.test", i))
		testkit.Member(t, app, u, w.Customer, profiles.FullAccess)
		managers = append(managers, u)
	}
	base := browsertest.Serve(t, app)
	client := &http.Client{Timeout: 30 * time.Second}
	tokens := map[string]string{}
	for _, a := range []testkit.Actor{testkit.Admin, testkit.Processing} {
		tokens[string(a)] = testkit.Token(t, w.Users[a])
	}
	share := do(t, client, http.MethodPost, base+"/api/vigie/documents/"+doc.Id+"/share", tokens["admin"], "application/json",
		strings.NewReader(`{"email":"load@x.test"}`))
	var link struct{ URL string }
	json.Unmarshal(share.body, &link)
	token := link.URL[strings.LastIndex(link.URL, "/s/")+3:]

	var requests, fivexx, uploads atomic.Int64
	deadline := time.Now().Add(4 * time.Second)
	const perWorker = 150
	var wg sync.WaitGroup
	work := map[string]func(){
		"list": func() {
			r := do(t, client, http.MethodGet, base+"/api/collections/documents/records?perPage=30", tokens["processing"], "", nil)
			count(&requests, &fivexx, r.status)
		},
		"upload": func() {
			body, ct := uploadBody(t, w.Home.Id, kbis.Id)
			r := do(t, client, http.MethodPost, base+"/api/collections/documents/records", tokens["admin"], ct, body)
			count(&requests, &fivexx, r.status)
			if r.status == 200 {
				uploads.Add(1)
			}
		},
		"share": func() {
			r := do(t, client, http.MethodPost, base+"/api/vigie/share/"+token, "", "application/json", strings.NewReader(`{"email":"load@x.test"}`))
			count(&requests, &fivexx, r.status)
		},
	}
	for _, fn := range work {
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perWorker && time.Now().Before(deadline); i++ {
					fn()
				}
			}()
		}
	}
	// K6 under load: rounds of simultaneous takers of one lock.
	rounds, exclusive := 0, true
	for time.Now().Before(deadline) && rounds < 20 {
		var winners atomic.Int64
		var takers sync.WaitGroup
		for _, m := range managers {
			takers.Add(1)
			go func() {
				defer takers.Done()
				r := do(t, client, http.MethodPost, base+"/api/vigie/locks", testkit.Token(t, m), "application/json",
					strings.NewReader(`{"collection":"relationships","recordId":"`+rel.Id+`"}`))
				count(&requests, &fivexx, r.status)
				if r.status == 200 {
					winners.Add(1)
				}
			}()
		}
		takers.Wait()
		if winners.Load() != 1 {
			exclusive = false
			t.Errorf("round %d: %d takers won the lock", rounds, winners.Load())
		}
		// The holder releases (sign-out releases all its locks).
		app.DB().NewQuery("DELETE FROM locks").Execute()
		rounds++
	}
	wg.Wait()
	if fivexx.Load() != 0 {
		t.Fatalf("%d of %d requests answered 5xx", fivexx.Load(), requests.Load())
	}
	stored, _ := app.CountRecords(schema.Documents, dbx.HashExp{"supplier": w.Home.Id})
	if stored != uploads.Load()+1 {
		t.Fatalf("%d uploads answered 200, %d documents stored", uploads.Load(), stored-1)
	}
	opened := 0
	app.DB().NewQuery("SELECT opens FROM share_links").Row(&opened)
	t.Logf("%d requests, 0 5xx, %d uploads stored, %d share opens, %d lock rounds exclusive=%v",
		requests.Load(), uploads.Load(), opened, rounds, exclusive)
}

type answer struct {
	status int
	body   []byte
}

func do(t *testing.T, c *http.Client, method, url, token, contentType string, body io.Reader) answer {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return answer{status: 599}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, b}
}

func count(requests, fivexx *atomic.Int64, status int) {
	requests.Add(1)
	if status >= 500 {
		fivexx.Add(1)
	}
}

func uploadBody(t *testing.T, supplier, docType string) (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("supplier", supplier)
	mw.WriteField("type", docType)
	fw, _ := mw.CreateFormFile("file", "kbis.pdf")
	fw.Write(fixtures.PDF())
	mw.Close()
	return &b, mw.FormDataContentType()
}
