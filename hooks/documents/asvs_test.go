package documents_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/fixtures"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// ASVS 12.3.1, 12.3.2: an uploaded file's name never steers where it is
// written: names that climb folders are stored, sanitised, in the
// document's own folder, and nothing lands anywhere else.
func TestFileNamesASVS123(t *testing.T) {
	w := newDocWorld(t)
	names := []string{"../../../../evil-a.pdf", `..\..\..\evil-b.pdf`, "/etc/evil-c.pdf", "evil-d .pdf", "%2e%2e%2fevil-e.pdf"}
	for _, name := range names {
		w.try(t, upload{name: name, actor: testkit.Admin, typeName: "insurance", filename: name,
			content: fixtures.PDF(), status: 200, content2: []string{`"status":"valid"`}})
	}
	docs, err := w.App.FindRecordsByFilter(schema.Documents, "type = {:t}", "", 0, 0, map[string]any{"t": w.Types["insurance"].Id})
	if err != nil {
		t.Fatal(err)
	}
	folders := map[string]bool{}
	for _, d := range docs {
		stored := d.GetString("file")
		if strings.ContainsAny(stored, `/\`) || strings.Contains(stored, "..") || strings.ContainsRune(stored, 0) {
			t.Errorf("stored name %q", stored)
		}
		readStored(t, w.App, d, "file") // it is in the record's folder
		folders[filepath.FromSlash(filepath.Join("storage", d.BaseFilesPath()))] = true
	}
	found := 0
	err = filepath.WalkDir(w.App.DataDir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(d.Name(), "evil") {
			return err
		}
		found++
		rel, _ := filepath.Rel(w.App.DataDir(), filepath.Dir(path))
		if !folders[rel] {
			t.Errorf("a file was written outside its record's folder: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < len(names)-1 {
		t.Fatalf("%d stored files found for %d uploads: the walk proves nothing", found, len(names))
	}
}
