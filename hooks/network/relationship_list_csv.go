package network

import (
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
	"vigie/internal/spreadsheet"
)

// A list of suppliers or customers as a CSV (X2): the rows the same search
// and sort give, all of them, with the other side's public identity (the
// registry's, N4) and the day the relationship began; no contact, whose
// personal data the list's expand shows only under the users' rule.

var listCSVHeads = map[string][]string{
	"fr": {"Nom", "SIRET", "Code postal", "Ville", "Suivi depuis", "Fermé au registre le"},
	"en": {"Name", "SIRET", "Postal code", "City", "Since", "Closed in the registry on"},
}

func writeListCSV(e *core.RequestEvent, side listSide, ids []string) error {
	lang := "fr"
	if l := e.Request.URL.Query().Get("lang"); l == "en" || (l == "" && e.Auth != nil && e.Auth.GetString("lang") == "en") {
		lang = "en"
	}
	type row struct {
		ID         string `db:"id"`
		Name       string `db:"name"`
		SIRET      string `db:"siret"`
		PostalCode string `db:"postalCode"`
		City       string `db:"city"`
		Created    string `db:"created"`
		ClosedAt   string `db:"closedAt"`
	}
	byID := make(map[string]row, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		var rows []row
		err := e.App.DB().Select("r.id AS id", "e.name AS name", "e.siret AS siret", "e.postalCode AS postalCode", "e.city AS city",
			"r.created AS created", "COALESCE(e.closedAt, '') AS closedAt").
			From(schema.Relationships+" r").InnerJoin(schema.Establishments+" e", dbx.NewExp("e.id = r."+side.other)).
			Where(dbx.In("r.id", args...)).All(&rows)
		if err != nil {
			return e.InternalServerError("", err)
		}
		for _, r := range rows {
			byID[r.ID] = r
		}
	}
	w, err := spreadsheet.Attach(e.Response, side.other+"s.csv")
	if err != nil {
		return nil // the client went away
	}
	_ = w.Write(listCSVHeads[lang]...)
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			continue // gone since the list was read
		}
		if err := w.Write(r.Name, r.SIRET, r.PostalCode, r.City, spreadsheet.Day(r.Created), spreadsheet.Day(r.ClosedAt)); err != nil {
			return nil
		}
	}
	_ = w.Flush()
	return nil
}
