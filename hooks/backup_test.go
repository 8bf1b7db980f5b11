package hooks_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/hooks/demo"
	"vigie/internal/fixtures"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// Backups (issue 10): PocketBase's backup of a data dir holding Vigie's
// data, restored into a fresh directory, gives back every record of every
// collection and every stored file, byte for byte.
func TestBackupRestoresRecordsAndFiles(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	if _, err := demo.Load(app, &cfg); err != nil {
		t.Fatal(err)
	}
	// One more document whose file is a normalised photo.
	docs, _ := app.FindCollectionByNameOrId(schema.Documents)
	insurance, err := app.FindFirstRecordByFilter(schema.DocumentTypes, "code = 'insurance' && owner = ''")
	if err != nil {
		t.Fatal(err)
	}
	supplier, _ := app.FindFirstRecordByFilter(schema.Establishments, "name = 'Transports Leroy'")
	photo := core.NewRecord(docs)
	f, _ := filesystem.NewFileFromBytes(fixtures.PNG(t), "scan.png")
	photo.Load(map[string]any{"supplier": supplier.Id, "type": insurance.Id, "file": f})
	if err := app.Save(photo); err != nil {
		t.Fatal(err)
	}

	if err := app.CreateBackup(context.Background(), "vigie.zip"); err != nil {
		t.Fatal(err)
	}
	restored := t.TempDir()
	unzip(t, filepath.Join(app.DataDir(), "backups", "vigie.zip"), restored)
	copyApp, err := tests.NewTestApp(restored)
	if err != nil {
		t.Fatal(err)
	}
	defer copyApp.Cleanup()

	collections, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	records, files := 0, 0
	for _, c := range collections {
		if c.IsView() {
			continue
		}
		original, err := app.FindAllRecords(c.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range original {
			back, err := copyApp.FindRecordById(c.Name, r.Id)
			if err != nil {
				t.Fatalf("%s %s is missing after the restore", c.Name, r.Id)
			}
			if !bytes.Equal(mustJSON(t, r), mustJSON(t, back)) {
				t.Fatalf("%s %s differs after the restore", c.Name, r.Id)
			}
			records++
			for _, field := range c.Fields {
				if field.Type() != core.FieldTypeFile {
					continue
				}
				for _, name := range r.GetStringSlice(field.GetName()) {
					if !bytes.Equal(readFile(t, app, r, name), readFile(t, copyApp, back, name)) {
						t.Fatalf("file %s of %s %s differs after the restore", name, c.Name, r.Id)
					}
					files++
				}
			}
		}
	}
	if records < 50 || files < 9 {
		t.Fatalf("only %d records and %d files checked", records, files)
	}
	t.Logf("restored %d records and %d files", records, files)
}

func mustJSON(t *testing.T, r *core.Record) []byte {
	t.Helper()
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readFile(t *testing.T, app core.App, r *core.Record, name string) []byte {
	t.Helper()
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	rd, err := fsys.GetReader(r.BaseFilesPath() + "/" + name)
	if err != nil {
		t.Fatalf("file %s: %v", name, err)
	}
	defer rd.Close()
	b, _ := io.ReadAll(rd)
	return b
}

func unzip(t *testing.T, archive, dir string) {
	t.Helper()
	z, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		path := filepath.Join(dir, f.Name)
		if f.FileInfo().IsDir() {
			os.MkdirAll(path, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(path), 0o755)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
