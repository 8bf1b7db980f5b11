package locks_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/testkit"
)

func newRecord(t *testing.T, w *testkit.World, collectionID string, fields map[string]any) string {
	t.Helper()
	col, err := w.App.FindCollectionByNameOrId(collectionID)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(fields)
	if err := w.App.Save(r); err != nil {
		t.Fatal(err)
	}
	return r.Id
}
