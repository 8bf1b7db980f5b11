package hooks_test

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/browsertest"
	"vigie/internal/testkit"
)

// versitygw finds the S3 server binary (go install
// github.com/versity/versitygw/cmd/versitygw@latest); without it the test
// is skipped unless VIGIE_S3=1 asks for it.
func versitygw(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		if p := filepath.Join(strings.TrimSpace(string(out)), "bin", "versitygw"); fileExists(p) {
			return p
		}
	}
	if os.Getenv("VIGIE_S3") == "1" {
		t.Fatal("VIGIE_S3=1 but versitygw is not installed")
	}
	t.Skip("versitygw not installed (go install github.com/versity/versitygw/cmd/versitygw@latest)")
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// P4: documents stored on a real S3-compatible server (versitygw on
// 127.0.0.1, posix backend) through PocketBase's storage settings: the
// object lands in the bucket, protected files stay protected, a share link
// serves its file from there.
func TestS3StorageP4(t *testing.T) {
	bin := versitygw(t)
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "vigie"), 0o755); err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	gw := exec.Command(bin, "--port", addr, "posix", root)
	gw.Env = append(os.Environ(), "ROOT_ACCESS_KEY=vigietest", "ROOT_SECRET_KEY=vigietestsecret")
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Process.Kill(); gw.Wait() })
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if i > 100 {
			t.Fatal("versitygw did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}

	w := testkit.NewWorld(t)
	app := w.App
	s := app.Settings()
	s.S3.Enabled, s.S3.Bucket, s.S3.Region = true, "vigie", "us-east-1"
	s.S3.Endpoint, s.S3.AccessKey, s.S3.Secret, s.S3.ForcePathStyle = "http://"+addr, "vigietest", "vigietestsecret", true
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	kbis, err := app.FindFirstRecordByFilter("document_types", "code = 'kbis' && owner = ''")
	if err != nil {
		t.Fatal(err)
	}
	base := browsertest.Serve(t, app)
	client := &http.Client{Timeout: 30 * time.Second}
	admin := testkit.Token(t, w.Users[testkit.Admin])
	body, ct := uploadBody(t, w.Home.Id, kbis.Id)
	r := do(t, client, http.MethodPost, base+"/api/collections/documents/records", admin, ct, body)
	if r.status != 200 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var doc struct {
		ID, CollectionID, File string
	}
	json.Unmarshal(r.body, &doc)
	object := filepath.Join(root, "vigie", doc.CollectionID, doc.ID, doc.File)
	if data, err := os.ReadFile(object); err != nil || !strings.HasPrefix(string(data), "%PDF") {
		t.Fatalf("object %s not in the bucket: %v", object, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(app.DataDir(), "storage")); len(entries) != 0 {
		t.Fatalf("files also stored locally: %v", entries)
	}
	fileURL := base + "/api/files/documents/" + doc.ID + "/" + doc.File
	fileToken := func(actor testkit.Actor) string {
		tok, err := w.Users[actor].NewFileToken()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	for _, c := range []struct {
		name   string
		url    string
		status int
	}{
		{"no token", fileURL, 404},
		{"an outsider's token", fileURL + "?token=" + fileToken(testkit.Outsider), 404},
		{"a member's token", fileURL + "?token=" + fileToken(testkit.Processing), 200},
	} {
		if got := do(t, client, http.MethodGet, c.url, "", "", nil); got.status != c.status {
			t.Errorf("%s: %d, want %d", c.name, got.status, c.status)
		}
	}
	share := do(t, client, http.MethodPost, base+"/api/vigie/documents/"+doc.ID+"/share", admin, "application/json",
		strings.NewReader(`{"email":"s3@x.test"}`))
	var link struct{ URL string }
	json.Unmarshal(share.body, &link)
	token := link.URL[strings.LastIndex(link.URL, "/s/")+3:]
	opened := do(t, client, http.MethodPost, base+"/api/vigie/share/"+token, "", "application/json", strings.NewReader(`{"email":"s3@x.test"}`))
	var o struct{ FileURL string }
	json.Unmarshal(opened.body, &o)
	if got := do(t, client, http.MethodGet, base+o.FileURL, "", "", nil); got.status != 200 || !strings.HasPrefix(string(got.body), "%PDF") {
		t.Fatalf("shared file from S3: %d", got.status)
	}
}
