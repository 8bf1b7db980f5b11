// Package demo loads a small, realistic data set to try Vigie with (P3):
// a customer following two suppliers through reference contacts, a supplier
// with a sister establishment and a collector, one member of each profile,
// what the customer collects, and documents in every status.
package demo

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/network"
	"vigie/hooks/tenancy"
	"vigie/internal/config"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/siret"
)

// Password is every demo account's password.
const Password = "vigie-demo-2026"

// Account is one demo sign-in.
type Account struct {
	Email, Profile, Establishment string
}

type establishment struct {
	key, sirenBase, nic, name, address, postalCode, city, naf string
	modules                                                   []string
}

var establishments = []establishment{
	{"customer", "83245671", "0001", "Bâtiments Durand SA", "12 rue de la Paix", "75002", "Paris", "41.20A", []string{"archive", "reports", "financial"}},
	{"supplier", "51234987", "0001", "Nettoyage Martin SARL", "4 avenue Jean Jaurès", "69007", "Lyon", "81.21Z", []string{"archive"}},
	{"supplier-lille", "51234987", "0002", "Nettoyage Martin SARL — Lille", "9 rue Nationale", "59000", "Lille", "81.21Z", []string{"archive"}},
	{"other", "44087123", "0001", "Transports Leroy", "1 quai de la Fosse", "44000", "Nantes", "49.41A", nil},
}

type member struct {
	email, first, last, establishment string
	profile                           profiles.Profile
	financial                         bool
	collectorFor                      string
}

var members = []member{
	{"claire.durand@durand.demo", "Claire", "Durand", "customer", profiles.Admin, false, ""},
	{"hugo.petit@durand.demo", "Hugo", "Petit", "customer", profiles.FullAccess, true, ""},
	{"lea.moreau@durand.demo", "Léa", "Moreau", "customer", profiles.Processing, false, ""},
	{"nina.roux@durand.demo", "Nina", "Roux", "customer", profiles.ProcessingArchive, false, ""},
	{"paul.fournier@durand.demo", "Paul", "Fournier", "customer", profiles.Feedback, true, ""},
	{"sam.girard@durand.demo", "Sam", "Girard", "customer", profiles.Delivery, false, ""},
	{TOTPEmail, "Emma", "Blanc", "customer", profiles.Processing, false, ""},
	{"marc.martin@martin.demo", "Marc", "Martin", "supplier", profiles.Admin, false, ""},
	{"julie.bernard@martin.demo", "Julie", "Bernard", "supplier", profiles.Collector, false, "customer"},
	{"ines.lambert@martin.demo", "Inès", "Lambert", "supplier-lille", profiles.Admin, false, ""},
	{"yves.leroy@leroy.demo", "Yves", "Leroy", "other", profiles.Admin, false, ""},
}

// Load creates what is missing of the demo data set, adds the demo
// directory, and returns its accounts. Running it again changes nothing.
func Load(app core.App, cfg *config.Config) ([]Account, error) {
	var accounts []Account
	err := app.RunInTransaction(func(tx core.App) error {
		ests := map[string]*core.Record{}
		for _, e := range establishments {
			rec, err := ensureEstablishment(tx, e)
			if err != nil {
				return err
			}
			ests[e.key] = rec
		}
		for _, m := range members {
			if err := ensureMember(tx, cfg, ests, m); err != nil {
				return err
			}
			accounts = append(accounts, Account{m.email, string(m.profile), ests[m.establishment].GetString("name")})
		}
		if err := ensureRelationships(tx, cfg, ests); err != nil {
			return err
		}
		if err := ensureTOTP(tx, cfg); err != nil {
			return err
		}
		return ensureDocuments(tx, ests)
	})
	if err != nil {
		return nil, err
	}
	return accounts, loadDirectory(app)
}

func ensureEstablishment(tx core.App, e establishment) (*core.Record, error) {
	siren := siret.Complete(e.sirenBase)
	number := siret.Complete(siren + e.nic)
	if rec, err := tx.FindFirstRecordByData(schema.Establishments, "siret", number); err == nil {
		return rec, nil
	}
	col, err := tx.FindCachedCollectionByNameOrId(schema.Establishments)
	if err != nil {
		return nil, err
	}
	rec := core.NewRecord(col)
	rec.Load(map[string]any{"siret": number, "name": e.name, "address": e.address, "postalCode": e.postalCode,
		"city": e.city, "naf": e.naf, "modules": e.modules, "shareEmailCheck": true})
	if err := tx.Save(rec); err != nil {
		return nil, fmt.Errorf("demo: establishment %s: %w", e.name, err)
	}
	return rec, nil
}

func ensureMember(tx core.App, cfg *config.Config, ests map[string]*core.Record, m member) error {
	est := ests[m.establishment]
	added, err := tenancy.AddMember(tx, cfg, est, tenancy.NewMember{
		Email: m.email, FirstName: m.first, LastName: m.last, Profile: string(m.profile),
		CollectorFor: collectorFor(ests, m),
	}, audit.Entry{ActorEmail: "demo"})
	if err == tenancy.ErrAlreadyMember {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: member %s: %w", m.email, err)
	}
	added.Membership.Set("financial", m.financial)
	if err := tx.Save(added.Membership); err != nil {
		return err
	}
	added.User.SetPassword(Password)
	added.User.SetVerified(true)
	added.User.Set("lang", "fr")
	return tx.Save(added.User)
}

// relationships: the customer follows both suppliers, each through a
// reference contact (N2, N6); the collector is the first one's.
var relationships = []struct{ customer, supplier, contact string }{
	{"customer", "supplier", "julie.bernard@martin.demo"},
	{"customer", "other", "yves.leroy@leroy.demo"},
}

func ensureRelationships(tx core.App, cfg *config.Config, ests map[string]*core.Record) error {
	for _, r := range relationships {
		added, err := network.AddSupplier(tx, cfg, ests[r.customer], network.NewSupplier{
			SIRET: ests[r.supplier].GetString("siret"), Contact: network.Contact{Email: r.contact},
		}, audit.Entry{ActorEmail: "demo"}, "")
		if err != nil {
			return fmt.Errorf("demo: relationship with %s: %w", ests[r.supplier].GetString("name"), err)
		}
		// The contact is a member already: its supplier's admins, not the
		// customer, make it the reference contact (N8, S10).
		contact, err := tx.FindAuthRecordByEmail(schema.Users, r.contact)
		if err != nil {
			return err
		}
		if !slices.Contains(added.Relationship.GetStringSlice("referents"), contact.Id) {
			added.Relationship.Set("referents+", contact.Id)
			if err := tx.Save(added.Relationship); err != nil {
				return err
			}
		}
	}
	return nil
}

func collectorFor(ests map[string]*core.Record, m member) string {
	if m.collectorFor == "" {
		return ""
	}
	return ests[m.collectorFor].Id
}
