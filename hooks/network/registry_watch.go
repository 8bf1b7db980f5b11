package network

import (
	"net/url"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/notify"
	"vigie/internal/calendar"
	"vigie/internal/config"
	"vigie/internal/schema"
)

// RegistryChanges is what one registry watch changed.
type RegistryChanges struct {
	Closed, Reopened int
	Informed         int // people told that a supplier under contract closed
}

// WatchRegistry applies the directory's administrative state to the
// portal's establishments (V9), after an import: an establishment the
// directory now says is closed gets closedAt and, for every active
// relationship in which it is the supplier under a live contract, the
// customer's admins and the member in charge are informed; one that
// reopened loses closedAt. Each establishment changes in its own
// transaction, audited. Establishments are few beside the directory: the
// two questions walk them, not the directory's million rows.
func WatchRegistry(app core.App, cfg *config.Config, now time.Time) (RegistryChanges, error) {
	var out RegistryChanges
	var closed, reopened []string
	err := app.DB().NewQuery(`SELECT e.id FROM ` + schema.Establishments + ` e JOIN directory d ON d.siret = e.siret
		WHERE d.active = 0 AND COALESCE(e.closedAt, '') = ''`).Column(&closed)
	if err != nil {
		return out, err
	}
	err = app.DB().NewQuery(`SELECT e.id FROM ` + schema.Establishments + ` e JOIN directory d ON d.siret = e.siret
		WHERE d.active = 1 AND COALESCE(e.closedAt, '') != ''`).Column(&reopened)
	if err != nil {
		return out, err
	}
	today := calendar.Today(now, cfg.TimeZone)
	for _, id := range closed {
		informed, err := markClosed(app, cfg, id, now, today)
		if err != nil {
			return out, err
		}
		out.Closed++
		out.Informed += informed
	}
	for _, id := range reopened {
		err := app.RunInTransaction(func(tx core.App) error {
			est, err := tx.FindRecordById(schema.Establishments, id)
			if err != nil {
				return err
			}
			est.Set("closedAt", "")
			if err := tx.Save(est); err != nil {
				return err
			}
			return audit.Write(tx, audit.Entry{Action: audit.RegistryReopened, Establishment: id,
				Collection: schema.Establishments, RecordID: id, ActorEmail: "directory import"})
		})
		if err != nil {
			return out, err
		}
		out.Reopened++
	}
	return out, nil
}

// markClosed records that the registry closed establishment id and tells
// its customers under a live contract; it answers how many people it told.
func markClosed(app core.App, cfg *config.Config, id string, now time.Time, today string) (int, error) {
	informed := 0
	err := app.RunInTransaction(func(tx core.App) error {
		informed = 0
		est, err := tx.FindRecordById(schema.Establishments, id)
		if err != nil {
			return err
		}
		est.Set("closedAt", now.UTC())
		if err := tx.Save(est); err != nil {
			return err
		}
		if err := audit.Write(tx, audit.Entry{Action: audit.RegistryClosed, Establishment: id,
			Collection: schema.Establishments, RecordID: id, ActorEmail: "directory import"}); err != nil {
			return err
		}
		var rels []struct {
			Customer string `db:"customer"`
			Owner    string `db:"owner"`
		}
		err = tx.DB().NewQuery(`SELECT r.customer, COALESCE(r.owner, '') AS owner FROM ` + schema.Relationships + ` r
			WHERE r.supplier = {:s} AND r.status = 'active' AND EXISTS (SELECT 1 FROM ` + schema.Contracts + ` c
				WHERE c.relationship = r.id AND substr(c.startsOn, 1, 10) <= {:today}
				AND (COALESCE(c.endsOn, '') = '' OR substr(c.endsOn, 1, 10) >= {:today}))`).
			Bind(dbx.Params{"s": id, "today": today}).All(&rels)
		if err != nil {
			return err
		}
		for _, rel := range rels {
			customer, err := tx.FindRecordById(schema.Establishments, rel.Customer)
			if err != nil {
				return err
			}
			var people []string
			err = tx.DB().Select("user").From(schema.Memberships).
				Where(dbx.HashExp{"establishment": rel.Customer, "profile": "admin"}).Column(&people)
			if err != nil {
				return err
			}
			if rel.Owner != "" {
				people = append(people, rel.Owner)
			}
			seen := map[string]bool{}
			for _, userID := range people {
				if seen[userID] {
					continue
				}
				seen[userID] = true
				user, err := tx.FindRecordById(schema.Users, userID)
				if err != nil {
					continue // gone since: nobody to tell
				}
				link := cfg.Link("/supplier.html?" + url.Values{"customer": {rel.Customer}, "supplier": {id}}.Encode())
				err = notify.User(tx, user, notify.Message{Kind: notify.KindSupplierClosed, Vars: map[string]string{
					"supplier": est.GetString("name"), "siret": est.GetString("siret"), "customer": customer.GetString("name"), "link": link},
					Data: map[string]any{"supplier": id, "customer": rel.Customer}})
				if err != nil {
					return err
				}
				informed++
			}
		}
		return nil
	})
	return informed, err
}
