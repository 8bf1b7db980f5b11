package tenancy

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/audience"
	"vigie/internal/bulk"
	"vigie/internal/planner"
	"vigie/internal/schema"
)

// Every access decision reads rows derived from the source records: grants
// (custom routes) and document_access (every collection's rules). This is
// the one list of what derives them; each change is re-derived in the
// transaction that makes it.
//
//	source change                                   re-derives (function)
//	user created                                    its own rows (writeSelfRows)
//	user's totpEnabled or support changed           its memberships, rosters, support rows (syncUserGrants)
//	membership created, updated                     its grants and rows, its establishment's roster (syncMembership)
//	membership deleted                              its rows go by cascade; its establishment's roster (syncRoster)
//	establishment's modules, requireTotp, support   its members' grants and rows, roster, support rows (syncEstablishmentGrants)
//	relationship created, updated                   its partner rows (SyncRelationshipGrants)
//	requirement created, updated, deleted           its partnerKey; the relationships it names (syncRequirementRelationships)
//	document addressed to a new customer            that relationship (hooks/documents, versions.go)
//	support grant past its date                     its grant and rows (DeleteExpiredSupportGrants)
//
// Rebuild re-derives everything from the source rows; DerivationVersion
// names the derivation, so that serve rebuilds once after an upgrade that
// changes it.

// DerivationVersion changes whenever what the functions above write for the
// same source rows changes.
const DerivationVersion = "2026-12-02.1"

// derivationParam is the _params row holding the version the stored rows
// were derived with.
const derivationParam = "vigie_access_derivation"

// rebuildChunk is how many source records one rebuild transaction
// re-derives: the write lock is held for one chunk at a time, and readers
// see each record's old rows or its new ones, never none.
const rebuildChunk = 500

// Progress reports a rebuild's phase and how far it is.
type Progress func(phase string, done, total int)

// LogProgress reports a rebuild in app's log, a line per chunk.
func LogProgress(app core.App) Progress {
	return func(phase string, done, total int) {
		app.Logger().Info("access rows: rebuilding", "phase", phase, "done", done, "total", total)
	}
}

// RebuildIfStale rebuilds the access rows when they were derived by another
// version of the derivation (or never, on a database migrated from one).
func RebuildIfStale(app core.App, progress Progress) (bool, error) {
	stored, err := storedDerivation(app)
	if err != nil {
		return false, err
	}
	if stored == DerivationVersion {
		return false, nil
	}
	return true, Rebuild(app, progress)
}

func storedDerivation(app core.App) (string, error) {
	var v string
	err := app.DB().NewQuery("SELECT json_extract(value, '$') FROM _params WHERE id = {:id}").
		Bind(dbx.Params{"id": derivationParam}).Row(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// Rebuild re-derives every grant and access row from the source records,
// in transactions of rebuildChunk records, then records DerivationVersion.
// It gives the rows the hooks would have written (TestRebuildMatchesHooks).
func Rebuild(app core.App, progress Progress) error {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	steps := []struct {
		phase string
		ids   string
		run   func(tx core.App, ids []string) error
	}{
		{"users", "SELECT id FROM users ORDER BY id", rebuildUsers},
		// By establishment: a chunk loads each one's relationships once.
		{"memberships", "SELECT id FROM memberships ORDER BY establishment, id", rebuildMemberships},
		{"rosters", "SELECT DISTINCT establishment FROM memberships ORDER BY 1", rebuildRosters},
		{"support", "SELECT id FROM establishments WHERE supportAccess = TRUE ORDER BY id", rebuildSupport},
	}
	if err := clearOrphans(app); err != nil {
		return err
	}
	for _, step := range steps {
		var ids []string
		if err := app.DB().NewQuery(step.ids).Column(&ids); err != nil {
			return fmt.Errorf("tenancy: rebuild %s: %w", step.phase, err)
		}
		for start := 0; start < len(ids); start += rebuildChunk {
			chunk := ids[start:min(start+rebuildChunk, len(ids))]
			if err := app.RunInTransaction(func(tx core.App) error { return step.run(tx, chunk) }); err != nil {
				return fmt.Errorf("tenancy: rebuild %s: %w", step.phase, err)
			}
			progress(step.phase, start+len(chunk), len(ids))
		}
	}
	if err := planner.Analyze(app, schema.Grants, schema.DocumentAccess, schema.Requirements); err != nil {
		return fmt.Errorf("tenancy: rebuild: statistics: %w", err)
	}
	_, err := app.DB().NewQuery("INSERT INTO _params (id, value) VALUES ({:id}, json_quote({:v})) " +
		"ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated = strftime('%Y-%m-%d %H:%M:%fZ')").
		Bind(dbx.Params{"id": derivationParam, "v": DerivationVersion}).Execute()
	return err
}

// clearOrphans removes what no phase rewrites: rosters of establishments
// left without members, support rows of establishments that closed support
// access, and requirement keys out of step with their columns.
func clearOrphans(app core.App) error {
	for _, q := range []string{
		"DELETE FROM document_access WHERE roster != '' AND roster NOT IN (SELECT establishment FROM memberships)",
		"DELETE FROM document_access WHERE support != '' AND support NOT IN (SELECT id FROM establishments WHERE supportAccess = TRUE)",
		"DELETE FROM grants WHERE source = 'support' AND establishment NOT IN (SELECT id FROM establishments WHERE supportAccess = TRUE)",
		"UPDATE requirements SET partnerKey = " + audience.RequirementSQL +
			" WHERE partnerKey IS NOT (" + audience.RequirementSQL + ")",
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("tenancy: rebuild: %w", err)
		}
	}
	return nil
}

func rebuildUsers(tx core.App, ids []string) error {
	w := bulk.New()
	b := NewBatch(tx, w)
	for _, id := range ids {
		if err := writeSelfRows(tx, b, id); err != nil {
			return err
		}
	}
	return w.Flush(tx)
}

func rebuildMemberships(tx core.App, ids []string) error {
	memberships, err := tx.FindRecordsByIds(schema.Memberships, ids)
	if err != nil {
		return err
	}
	return SyncMemberships(tx, memberships)
}

func rebuildRosters(tx core.App, ids []string) error {
	w := bulk.New()
	b := NewBatch(tx, w)
	for _, id := range ids {
		if err := syncRoster(tx, b, id); err != nil {
			return err
		}
	}
	return w.Flush(tx)
}

func rebuildSupport(tx core.App, ids []string) error {
	ests, err := tx.FindRecordsByIds(schema.Establishments, ids)
	if err != nil {
		return err
	}
	for _, est := range ests {
		if err := syncSupportGrants(tx, est); err != nil {
			return err
		}
	}
	return nil
}
