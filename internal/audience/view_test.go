package audience_test

import (
	"testing"

	"vigie/internal/audience"
	"vigie/internal/testkit"
	"vigie/pb_migrations"
)

// The migration that made the visible-documents view keeps its SQL frozen;
// the code that writes that SQL (ViewSQL, which the documents list's
// reading of the view follows) must still write the same text, and a
// migrated database must hold exactly it. A change to ViewSQL fails here
// until it comes with a new migration that replaces the view.
func TestFrozenViewMatchesTheCode(t *testing.T) {
	if live := audience.ViewSQL("documents", "document_access"); live != pb_migrations.VisibleDocumentsView {
		t.Errorf("ViewSQL no longer writes the view migration 1764007300 made:\nlive:   %s\nfrozen: %s", live, pb_migrations.VisibleDocumentsView)
	}
	app := testkit.NewApp(t)
	var stored string
	if err := app.DB().NewQuery("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = {:n}").
		Bind(map[string]any{"n": audience.View}).Row(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != pb_migrations.VisibleDocumentsView {
		t.Errorf("the migrated database's view differs:\n%s", stored)
	}
}
