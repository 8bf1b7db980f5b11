// Package accounts names the benchmarks' sign-in accounts of establishment
// 0, the measured customer, and adds the two profiles that the documents
// data set was first built without: an adviser (a member whose visibility
// is "assigned", T7) and support staff let in by the customer (S5). They are
// added through the app's hooks, so their grants and access rows come from
// the real code, whatever it is at the time.
package accounts

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// Password is every benchmark account's password.
const Password = "bench-password"

// The accounts of establishment 0 named by their profile.
const (
	Admin      = "bench-admin@vigie.test"
	Processing = "bench-processing@vigie.test"
	Adviser    = "bench-adviser@vigie.test"
	Support    = "bench-support@vigie.test"
)

// The adviser is in charge of one in ten of the customer's active
// relationships, at most assignedMax of them.
const (
	assignedEvery = 10
	assignedMax   = 100
)

// Fixed ids: the same data set whatever the run.
const (
	adviserID    = "benchadviser000"
	adviserMemID = "benchadvisermem"
	supportID    = "benchsupport000"
)

// Ensure adds the adviser and the support account of customer est when they
// are missing. app must have Vigie's hooks registered.
func Ensure(app core.App, est string) error {
	if err := ensureAdviser(app, est); err != nil {
		return fmt.Errorf("accounts: adviser: %w", err)
	}
	if err := ensureSupport(app, est); err != nil {
		return fmt.Errorf("accounts: support: %w", err)
	}
	return nil
}

func ensureAdviser(app core.App, est string) error {
	if exists(app, Adviser) {
		return nil
	}
	return app.RunInTransaction(func(tx core.App) error {
		user, err := newUser(tx, adviserID, Adviser, false)
		if err != nil {
			return err
		}
		col, err := tx.FindCollectionByNameOrId(schema.Memberships)
		if err != nil {
			return err
		}
		m := core.NewRecord(col)
		m.Id = adviserMemID
		m.Set("user", user.Id)
		m.Set("establishment", est)
		m.Set("profile", string(profiles.FullAccess))
		m.Set("visibility", schema.VisibilityAssigned)
		if err := tx.Save(m); err != nil {
			return err
		}
		rels, err := tx.FindRecordsByFilter(schema.Relationships, "customer = {:c} && status = {:s}", "id",
			assignedEvery*assignedMax, 0, map[string]any{"c": est, "s": schema.RelationshipActive})
		if err != nil {
			return err
		}
		for i := 0; i < len(rels); i += assignedEvery {
			rels[i].Set("owner", user.Id)
			if err := tx.Save(rels[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// ensureSupport opens est to support staff (unless it already is) and adds
// a support account, whose creation grants it access to every open
// establishment.
func ensureSupport(app core.App, est string) error {
	if exists(app, Support) {
		return nil
	}
	return app.RunInTransaction(func(tx core.App) error {
		rec, err := tx.FindRecordById(schema.Establishments, est)
		if err != nil {
			return err
		}
		if !rec.GetBool("supportAccess") || !rec.GetDateTime("supportUntil").IsZero() {
			rec.Set("supportAccess", true)
			rec.Set("supportUntil", "")
			if err := tx.Save(rec); err != nil {
				return err
			}
		}
		_, err = newUser(tx, supportID, Support, true)
		return err
	})
}

func exists(app core.App, email string) bool {
	_, err := app.FindAuthRecordByEmail(schema.Users, email)
	return err == nil
}

func newUser(app core.App, id, email string, support bool) (*core.Record, error) {
	col, err := app.FindCollectionByNameOrId(schema.Users)
	if err != nil {
		return nil, err
	}
	u := core.NewRecord(col)
	u.Id = id
	u.SetEmail(email)
	u.SetPassword(Password)
	u.SetVerified(true)
	u.Set("support", support)
	if err := app.Save(u); err != nil {
		return nil, fmt.Errorf("%s: %w", email, err)
	}
	return u, nil
}
