package network

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/sirene"
)

// DirectoryEntry is the public answer about one establishment (N1): never
// members nor documents.
type DirectoryEntry struct {
	SIRET      string `db:"siret" json:"siret"`
	SIREN      string `db:"siren" json:"siren"`
	Name       string `db:"name" json:"name"`
	Address    string `db:"address" json:"address"`
	PostalCode string `db:"postalCode" json:"postalCode"`
	City       string `db:"city" json:"city"`
	NAF        string `db:"naf" json:"naf"`
	Active     bool   `db:"active" json:"active"`
}

const directoryColumns = "siret, siren, name, address, postalCode, city, naf, active"

// upsertDirectory is one statement for the import and the portal alike:
// re-running an import updates rows instead of duplicating them.
const upsertDirectory = `INSERT INTO directory (` + directoryColumns + `)
	VALUES ({:siret}, {:siren}, {:name}, {:address}, {:postalCode}, {:city}, {:naf}, {:active})
	ON CONFLICT (siret) DO UPDATE SET siren = excluded.siren, name = excluded.name,
		address = excluded.address, postalCode = excluded.postalCode, city = excluded.city,
		naf = excluded.naf, active = excluded.active`

func directoryParams(e sirene.Establishment) dbx.Params {
	return dbx.Params{"siret": e.SIRET, "siren": e.SIREN, "name": e.Name, "address": e.Address,
		"postalCode": e.PostalCode, "city": e.City, "naf": e.NAF, "active": e.Active}
}

// FindInDirectory returns the directory's entry for a SIRET.
func FindInDirectory(app core.App, siret string) (*DirectoryEntry, error) {
	var e DirectoryEntry
	err := app.DB().NewQuery("SELECT " + directoryColumns + " FROM directory WHERE siret = {:s}").
		Bind(dbx.Params{"s": siret}).One(&e)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// SearchDirectory finds up to limit establishments by SIRET or SIREN (whole
// or leading digits) or by name (every word as a prefix, accents ignored).
//
// Names are first looked up as whole words: FTS5 streams a word's rows and
// stops at the limit, whereas a prefix longer than the prefix indexes (4
// characters) makes it gather every matching row before the first answer
// (3 ms a word for 50,000 rows). Whole-word matches are prefix matches too,
// so when they fill the limit they are the answer; otherwise the prefix
// query completes them. Either way every row answers the query, and every
// match comes back when there are fewer than limit.
func SearchDirectory(app core.App, q string, limit int) ([]DirectoryEntry, error) {
	items := []DirectoryEntry{}
	if digits, ok := onlyDigits(q); ok {
		if len(digits) < 3 {
			return items, nil
		}
		err := app.DB().NewQuery("SELECT " + directoryColumns + " FROM directory WHERE siret GLOB {:p} ORDER BY siret LIMIT {:n}").
			Bind(dbx.Params{"p": digits + "*", "n": limit}).All(&items)
		return items, err
	}
	words := ftsWords(q)
	if len(words) == 0 {
		return items, nil
	}
	var prefixed []DirectoryEntry
	err := readSnapshot(app, func(db dbx.Builder) error {
		if err := matchDirectory(db, ftsQuery(words, ""), limit, &items); err != nil || len(items) >= limit {
			return err
		}
		return matchDirectory(db, ftsQuery(words, "*"), limit, &prefixed)
	})
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(items))
	for _, e := range items {
		seen[e.SIRET] = true
	}
	for _, e := range prefixed {
		if len(items) == limit {
			break
		}
		if !seen[e.SIRET] {
			items = append(items, e)
		}
	}
	return items, nil
}

// readSnapshot runs fn in one read transaction whose snapshot is taken by a
// plain read first. A directory import changes the schema in each of its
// transactions (it drops and recreates the triggers); a connection that
// reloads the schema then opens the FTS5 table, which reads its
// configuration through a second statement: without a held snapshot that
// statement could see a newer schema and fail ("database schema has
// changed: vtable constructor failed"). Both queries also see the same rows.
func readSnapshot(app core.App, fn func(db dbx.Builder) error) error {
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok { // already in a transaction
		return fn(app.DB())
	}
	return db.Transactional(func(tx *dbx.Tx) error {
		var one int
		if err := tx.NewQuery("SELECT count(*) FROM (SELECT 1 FROM directory LIMIT 1)").Row(&one); err != nil {
			return err
		}
		return fn(tx)
	})
}

func matchDirectory(db dbx.Builder, match string, limit int, items *[]DirectoryEntry) error {
	err := db.NewQuery(`SELECT d.siret, d.siren, d.name, d.address, d.postalCode, d.city, d.naf, d.active
		FROM directory_fts f JOIN directory d ON d.rowid = f.rowid
		WHERE directory_fts MATCH {:m} LIMIT {:n}`).
		Bind(dbx.Params{"m": match, "n": limit}).All(items)
	if err != nil {
		return fmt.Errorf("network: directory search: %w", err)
	}
	return nil
}

// onlyDigits strips the separators people type in identifiers and reports
// whether what is left is a number.
func onlyDigits(q string) (string, bool) {
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '\u00a0':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// ftsWords splits free text into at most 8 words of letters and digits.
// Every such word is one token to FTS5's unicode61 tokenizer, whose token
// characters include all letters and digits.
func ftsWords(q string) []string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return words[:min(len(words), 8)]
}

// ftsQuery turns words into an FTS5 query: each word quoted, followed by
// suffix ("*" for a prefix), all required. Quoting keeps FTS syntax
// characters from being interpreted.
func ftsQuery(words []string, suffix string) string {
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"` + suffix
	}
	return strings.Join(terms, " AND ")
}
