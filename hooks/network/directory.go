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
	match := ftsQuery(q)
	if match == "" {
		return items, nil
	}
	err := app.DB().NewQuery(`SELECT d.siret, d.siren, d.name, d.address, d.postalCode, d.city, d.naf, d.active
		FROM directory_fts f JOIN directory d ON d.rowid = f.rowid
		WHERE directory_fts MATCH {:m} LIMIT {:n}`).
		Bind(dbx.Params{"m": match, "n": limit}).All(&items)
	if err != nil {
		return nil, fmt.Errorf("network: directory search: %w", err)
	}
	return items, nil
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

// ftsQuery turns free text into an FTS5 query: each word a quoted prefix,
// all required. Quoting keeps FTS syntax characters from being interpreted.
func ftsQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var terms []string
	for _, w := range words {
		terms = append(terms, `"`+w+`"*`)
		if len(terms) == 8 {
			break
		}
	}
	return strings.Join(terms, " AND ")
}
