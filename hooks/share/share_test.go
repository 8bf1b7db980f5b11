package share_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	_ "modernc.org/sqlite"

	"vigie/internal/handler"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// L1: who may share which document, and what a link must say.
func TestCreateShareL1(t *testing.T) {
	w := newShareWorld(t)
	body := `{"email":"Auditor@Example.test"}`
	url := func(doc string) string { return "/api/vigie/documents/" + w.Docs[doc].Id + "/share" }
	for _, c := range []struct {
		actor  testkit.Actor
		doc    string
		status int
		want   string
	}{
		{testkit.Admin, "kbis", 200, `"url":"http://vigie.test/s/`},
		{testkit.Processing, "insurance", 200, `"url":`},
		{testkit.Delivery, "urssaf", 200, `"url":`},           // its own upload
		{testkit.Delivery, "kbis", 404, `"status":404`},       // not its upload: it cannot even see it
		{testkit.Collector, "kbis", 200, `"url":`},            // its customer collects Kbis
		{testkit.Collector, "insurance", 404, `"status":404`}, // its customer does not collect insurance
		{testkit.Feedback, "kbis", 403, `"status":403`},       // sees, may not share
		{CustomerAdmin, "kbis", 200, `"url":`},                // the collecting customer passes it on
		{CustomerAdmin, "insurance", 404, `"status":404`},     // not collected: invisible
		{testkit.Sister, "kbis", 404, `"status":404`},
		{testkit.Outsider, "kbis", 404, `"status":404`},
		{testkit.Support, "kbis", 404, `"status":404`},
		{testkit.Guest, "kbis", 401, `"status":401`},
		{testkit.Operator, "kbis", 200, `"url":`},
	} {
		w.call(t, c.actor, http.MethodPost, url(c.doc), body, c.status, c.want)
	}
	// The recipient got the link by email; the address is stored normalised.
	last := w.App.TestMailer.LastMessage()
	if !strings.Contains(last.Text, "/s/") || last.To[0].Address != "auditor@example.test" {
		t.Fatalf("last email to %v: %q", last.To, last.Text)
	}
	for _, c := range []struct{ body, field string }{
		{`{"email":"not-an-address"}`, `"email":{"code":"validation_invalid_email"`},
		{`{"email":"a@b.test","expiresAt":"2020-01-01 00:00:00.000Z"}`, `"expiresAt":{"code":"validation_date_range"`},
		{`{"email":"a@b.test","expiresAt":"` + future(400) + `"}`, `"expiresAt":{"code":"validation_date_range"`},
		{`{"email":"a@b.test","maxOpens":-1}`, `"maxOpens":{"code":"validation_range"`},
		{`{"email":"a@b.test","requireEmail":false}`, `"requireEmail":{"code":"validation_weaker_than_setting"`},
	} {
		before, _ := w.App.CountRecords(schema.ShareLinks)
		w.call(t, testkit.Admin, http.MethodPost, url("kbis"), c.body, 400, c.field)
		if after, _ := w.App.CountRecords(schema.ShareLinks); after != before {
			t.Fatalf("%s: a refused link was stored", c.body)
		}
	}
	// Without the establishment's check, the sender may still ask for it.
	w.Home.Set("shareEmailCheck", false)
	testkit.Save(t, w.App, w.Home)
	id, _ := w.share(t, testkit.Admin, "kbis", `{"email":"a@b.test","requireEmail":false}`)
	if w.link(t, id).GetBool("requireEmail") {
		t.Fatal("requireEmail false was not kept")
	}
	id, _ = w.share(t, testkit.Admin, "kbis", `{"email":"a@b.test","requireEmail":true}`)
	if !w.link(t, id).GetBool("requireEmail") {
		t.Fatal("requireEmail true was not kept")
	}
}

// L1: the token is nowhere in the database, data or logs, after a whole
// life: creation, failed and good opens, acceptance.
func TestTokenNotStoredL1(t *testing.T) {
	w := newShareWorld(t)
	w.App.Settings().Logs.MaxDays = 7
	_, token := w.share(t, testkit.Admin, "kbis", `{"email":"r@x.test"}`)
	w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"wrong@x.test"}`, 403, `"status":403`)
	w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"r@x.test"}`, 200, `"fileUrl":`)
	w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token+"/accept", `{"email":"r@x.test","name":"R X"}`, 200, `"acceptedName":"R X"`)
	w.call(t, testkit.Guest, http.MethodGet, "/s/"+token, "", 200, "share.js")
	// Refused before the share handlers (issue 18, item 12): a wrong
	// method, a path in another case, a share-file path that names nothing,
	// and the rate limiter's 429.
	w.call(t, testkit.Guest, http.MethodPut, "/api/vigie/share/"+token, `{}`, 404, `"status":404`)
	w.call(t, testkit.Guest, http.MethodGet, "/S/"+token, "", 404, "")
	w.call(t, testkit.Guest, http.MethodGet, "/api/vigie/share-files/"+token+"/x.pdf?sig="+token, "", 404, `"status":404`)
	testkit.RateLimited(w.App)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	limited := false
	for i := 0; i < 200 && !limited; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/s/"+token, nil))
		limited = rec.Code == http.StatusTooManyRequests
	}
	if !limited {
		t.Fatal("the share page was never rate-limited: the check would prove nothing")
	}
	w.App.OnTerminate().Trigger(&core.TerminateEvent{App: w.App}, func(e *core.TerminateEvent) error { return nil })
	var logs int
	w.App.AuxDB().NewQuery("SELECT count(*) FROM _logs").Row(&logs)
	if logs == 0 {
		t.Fatal("no request was logged: the check would prove nothing")
	}
	for _, file := range []string{"data.db", "auxiliary.db"} {
		if found := grepDatabase(t, filepath.Join(w.App.DataDir(), file), token); found != "" {
			t.Errorf("the token is stored in clear in %s: %s", file, found)
		}
	}
}

// grepDatabase returns where needle occurs in any text cell of the file.
func grepDatabase(t *testing.T, path, needle string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	x := dbx.NewFromDB(db, "sqlite")
	var tables []string
	if err := x.NewQuery("SELECT name FROM sqlite_master WHERE type = 'table'").Column(&tables); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		rows, err := x.NewQuery("SELECT * FROM [[" + table + "]]").Rows()
		if err != nil {
			continue // virtual tables of FTS
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			cells := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range cells {
				ptrs[i] = &cells[i]
			}
			rows.Scan(ptrs...)
			for i, c := range cells {
				var s string
				switch v := c.(type) {
				case string:
					s = v
				case []byte:
					s = string(v)
				}
				if strings.Contains(s, needle) {
					rows.Close()
					return table + "." + cols[i]
				}
			}
		}
		rows.Close()
	}
	return ""
}

// L2: the email check, one answer for a wrong address and an unknown
// token, and the document, only it, once the check passes.
func TestOpenAndItsAuditL2L5(t *testing.T) {
	w := newShareWorld(t)
	id, token := w.share(t, testkit.Processing, "kbis", `{"email":"Recipient@Example.test"}`)
	page := w.call(t, testkit.Guest, http.MethodGet, "/s/"+token, "", 200, "share.js")
	for _, secret := range []string{w.Docs["kbis"].Id, w.Docs["kbis"].GetString("file"), "recipient@example.test", "Home SA"} {
		if strings.Contains(page, secret) {
			t.Fatalf("the page shows %q before the check", secret)
		}
	}
	wrong := w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"someone@example.test"}`, 403, `"status":403`)
	unknown := w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+strings.Repeat("A", len(token)), `{"email":"recipient@example.test"}`, 403, `"status":403`)
	if wrong != unknown {
		t.Fatalf("a wrong address and an unknown token answer differently:\n%s\n%s", wrong, unknown)
	}
	if strings.Contains(wrong, w.Docs["kbis"].Id) {
		t.Fatal("the refusal names the document")
	}
	res := w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"  RECIPIENT@example.TEST "}`, 200,
		`"id":"`+w.Docs["kbis"].Id+`"`, `"name":"Extrait Kbis"`, `"fileUrl":"/api/vigie/share-files/`+id+`/`)
	var opened struct{ FileURL string }
	json.Unmarshal([]byte(res), &opened)
	w.call(t, testkit.Guest, http.MethodGet, opened.FileURL, "", 200, "%PDF-1.7")

	// Its access opens that file and nothing else.
	other := w.Docs["insurance"]
	for _, u := range []string{
		strings.Replace(opened.FileURL, w.Docs["kbis"].GetString("file"), other.GetString("file"), 1), // another file name
		strings.Replace(opened.FileURL, id, other.Id, 1),                                              // another id
		strings.Replace(opened.FileURL, "sig=", "sig=0", 1),                                           // a forged signature
		"/api/files/documents/" + w.Docs["kbis"].Id + "/" + w.Docs["kbis"].GetString("file"),          // PocketBase's own route
		"/api/files/documents/" + other.Id + "/" + other.GetString("file"),
	} {
		w.call(t, testkit.Guest, http.MethodGet, u, "", 404, `"status":404`)
	}
	w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"recipient@example.test"}`, 200, `"fileUrl":`)

	// L5: audited with time, IP and the verified address; the sender is
	// told once, at the first open.
	if got := w.actions(t, id); !slices.Equal(got, []string{"share.created", "share.failed", "share.opened", "share.opened"}) {
		t.Fatalf("audit = %v", got)
	}
	var ip, data string
	w.App.DB().NewQuery("SELECT ip, data FROM audit_log WHERE recordId = {:id} AND action = 'share.opened'").
		Bind(dbx.Params{"id": id}).Row(&ip, &data)
	if ip == "" || !strings.Contains(data, `"email":"recipient@example.test"`) || !strings.Contains(data, `"at":`) {
		t.Fatalf("open audited as ip %q, data %s", ip, data)
	}
	n, _ := w.App.CountRecords(schema.Notifications, dbx.HashExp{"user": w.Users[testkit.Processing].Id, "kind": "share_opened"})
	if n != 1 {
		t.Fatalf("the sender got %d open notifications, want 1", n)
	}
}

// L2: five wrong addresses lock the link; the right one then gets 410.
func TestLockoutL2(t *testing.T) {
	w := newShareWorld(t)
	id, token := w.share(t, testkit.Admin, "kbis", `{"email":"r@x.test"}`)
	for i := 0; i < 5; i++ {
		w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"guess`+string(rune('a'+i))+`@x.test"}`, 403, `"status":403`)
	}
	w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"r@x.test"}`, 410, `"status":410`)
	if got := w.actions(t, id); len(got) != 7 || got[6] != "share.locked" {
		t.Fatalf("audit = %v", got)
	}
}

// L3: maximum opens, expiry and revocation answer 410.
func TestLinkEndsL3(t *testing.T) {
	w := newShareWorld(t)
	open := func(token string, status int) {
		t.Helper()
		w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"r@x.test"}`, status, `"status":`)
	}
	_, twice := w.share(t, testkit.Admin, "kbis", `{"email":"r@x.test","maxOpens":2}`)
	open(twice, 200)
	open(twice, 200)
	open(twice, 410)

	id, expiring := w.share(t, testkit.Admin, "kbis", `{"email":"r@x.test"}`)
	link := w.link(t, id)
	link.Set("expiresAt", "2020-01-01 00:00:00.000Z")
	testkit.Save(t, w.App, link)
	open(expiring, 410)

	id, revoked := w.share(t, testkit.Processing, "kbis", `{"email":"r@x.test"}`)
	for _, c := range []struct {
		actor  testkit.Actor
		status int
	}{
		{testkit.FullAccess, 404}, {testkit.Outsider, 404}, {CustomerAdmin, 404}, {testkit.Guest, 401},
		{testkit.Admin, 200}, // an admin of the establishment it was sent from
	} {
		w.call(t, c.actor, http.MethodDelete, "/api/vigie/share-links/"+id, "", c.status, `"`)
	}
	open(revoked, 410)
	// Revoking also cuts the file URL the recipient already holds.
	mineID, mine := w.share(t, testkit.Processing, "kbis", `{"email":"r@x.test"}`)
	res := w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+mine, `{"email":"r@x.test"}`, 200, `"fileUrl":`)
	var opened struct{ FileURL string }
	json.Unmarshal([]byte(res), &opened)
	w.call(t, testkit.Guest, http.MethodGet, opened.FileURL, "", 200, "%PDF-1.7")
	w.call(t, testkit.Processing, http.MethodDelete, "/api/vigie/share-links/"+mineID, "", 200, `"revoked":true`)
	open(mine, 410)
	w.call(t, testkit.Guest, http.MethodGet, opened.FileURL, "", 404, `"status":404`)
}

// L4, L5: acceptance records the typed name, time and IP, tells the
// sender, and happens once; the sender reads the link's history.
func TestAcceptL4(t *testing.T) {
	w := newShareWorld(t)
	id, token := w.share(t, testkit.Processing, "kbis", `{"email":"r@x.test"}`)
	accept := "/api/vigie/share/" + token + "/accept"
	w.call(t, testkit.Guest, http.MethodPost, accept, `{"email":"r@x.test","name":"  "}`, 400, `"name":{"code":"validation_required"`)
	w.call(t, testkit.Guest, http.MethodPost, accept, `{"email":"x@x.test","name":"Rose"}`, 403, `"status":403`)
	w.call(t, testkit.Guest, http.MethodPost, accept, `{"email":"R@X.test","name":" Rose Martin "}`, 200, `"acceptedName":"Rose Martin"`)
	w.call(t, testkit.Guest, http.MethodPost, accept, `{"email":"r@x.test","name":"Rose"}`, 409, `"status":409`)
	link := w.link(t, id)
	if link.GetDateTime("acceptedAt").IsZero() || link.GetString("acceptedIp") == "" {
		t.Fatalf("acceptance not recorded: %v", link.PublicExport())
	}
	n, _ := w.App.CountRecords(schema.Notifications, dbx.HashExp{"user": w.Users[testkit.Processing].Id, "kind": "share_accepted"})
	if n != 1 {
		t.Fatalf("the sender got %d acceptance notifications", n)
	}
	w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"r@x.test"}`, 200, `"acceptedName":"Rose Martin"`)
	history := "/api/vigie/share-links/" + id + "/history"
	w.call(t, testkit.Processing, http.MethodGet, history, "", 200,
		`"action":"share.created"`, `"action":"share.failed"`, `"action":"share.accepted"`, `"name":"Rose Martin"`, `"action":"share.opened"`)
	w.call(t, testkit.Admin, http.MethodGet, history, "", 200, `"action":"share.accepted"`)
	for _, a := range []testkit.Actor{testkit.FullAccess, testkit.Outsider, CustomerAdmin} {
		w.call(t, a, http.MethodGet, history, "", 404, `"status":404`)
	}
	// The links collection: the sender and the admins, nobody else, and
	// never the token's hash.
	for _, c := range []struct {
		actor testkit.Actor
		sees  bool
	}{{testkit.Processing, true}, {testkit.Admin, true}, {testkit.FullAccess, false}, {CustomerAdmin, false}, {testkit.Outsider, false}} {
		want := []string{`"id":"` + id + `"`, "!tokenHash"}
		if !c.sees {
			want = []string{testkit.EmptyList[0], "!" + id}
		}
		w.call(t, c.actor, http.MethodGet, "/api/collections/share_links/records", "", 200, want...)
	}
}

// S11 (issue 18, item 11): fifteen wrong addresses sent at once are not all
// checked: five are, the link locks, and the right address then gets 410.
func TestLockoutRaceS11(t *testing.T) {
	w := newShareWorld(t)
	id, token := w.share(t, testkit.Admin, "kbis", `{"email":"r@x.test"}`)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	const guesses = 15
	statuses := make([]int, guesses)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req := httptest.NewRequest(http.MethodPost, "/api/vigie/share/"+token, strings.NewReader(fmt.Sprintf(`{"email":"guess%d@x.test"}`, i)))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = fmt.Sprintf("10.0.0.%d:1234", i+1)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			statuses[i] = rec.Code
		}()
	}
	close(start)
	wg.Wait()
	checked := 0
	for _, s := range statuses {
		switch s {
		case http.StatusForbidden:
			checked++
		case http.StatusGone:
		default:
			t.Fatalf("answers %v", statuses)
		}
	}
	failed := 0
	for _, a := range w.actions(t, id) {
		if a == "share.failed" {
			failed++
		}
	}
	var failures int
	w.App.DB().NewQuery("SELECT failures FROM share_links WHERE id = {:id}").Bind(dbx.Params{"id": id}).Row(&failures)
	if checked != maxChecks || failed != maxChecks || failures != maxChecks {
		t.Fatalf("%d of %d wrong addresses checked (%d audited, %d counted), want %d: %v", checked, guesses, failed, failures, maxChecks, statuses)
	}
	w.call(t, testkit.Guest, http.MethodPost, "/api/vigie/share/"+token, `{"email":"r@x.test"}`, 410, `"status":410`)
}

// maxChecks is the link's allowance of wrong addresses (L2).
const maxChecks = 5

// S15 (issue 18, item 9): a customer re-sharing a supplier's document is
// held to the supplier's email check, and the supplier's admins see, read
// the history of and revoke that link; its other members and strangers
// do not.
func TestCustomerReshareFollowsSupplierS15(t *testing.T) {
	w := newShareWorld(t)
	w.Home.Set("shareEmailCheck", true)
	testkit.Save(t, w.App, w.Home)
	w.Customer.Set("shareEmailCheck", false)
	testkit.Save(t, w.App, w.Customer)

	kbis := "/api/vigie/documents/" + w.Docs["kbis"].Id + "/share"
	w.call(t, CustomerAdmin, http.MethodPost, kbis, `{"email":"auditor@bank.test","requireEmail":false}`, 400,
		`"requireEmail":{"code":"validation_weaker_than_setting"`)
	id, _ := w.share(t, CustomerAdmin, "kbis", `{"email":"auditor@bank.test"}`)
	if link := w.link(t, id); !link.GetBool("requireEmail") || link.GetString("supplier") != w.Home.Id || link.GetString("establishment") != w.Customer.Id {
		t.Fatalf("link = %v", link)
	}

	list := "/api/collections/share_links/records"
	w.call(t, testkit.Admin, http.MethodGet, list, "", 200, `"id":"`+id+`"`)
	for _, a := range []testkit.Actor{testkit.Processing, testkit.Sister, testkit.Outsider} {
		w.call(t, a, http.MethodGet, list, "", 200, "!"+id)
		w.call(t, a, http.MethodGet, list+"/"+id, "", 404)
		w.call(t, a, http.MethodDelete, "/api/vigie/share-links/"+id, "", 404)
	}
	w.call(t, testkit.Admin, http.MethodGet, "/api/vigie/share-links/"+id+"/history", "", 200, `"action":"share.created"`)
	w.call(t, testkit.Admin, http.MethodDelete, "/api/vigie/share-links/"+id, "", 200, `"revoked":true`)
	if !w.link(t, id).GetBool("revoked") {
		t.Fatal("the supplier's admin did not revoke the link")
	}
}
