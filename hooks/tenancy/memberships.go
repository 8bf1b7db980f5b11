package tenancy

import (
	"net/http"

	validation "github.com/go-ozzo/ozzo-validation/v4"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"vigie/hooks/audit"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// bindMemberships enforces T5 and keeps grants and the audit log in step with
// every membership change, whatever path it takes (API, dashboard, Go code).
func bindMemberships(app core.App) {
	// Model level: every save, in one transaction with its grants.
	app.OnRecordCreate(schema.Memberships).BindFunc(func(e *core.RecordEvent) error {
		return InTransaction(&e.App, func(tx core.App) error {
			if e.Record.GetString("visibility") == "" {
				e.Record.Set("visibility", schema.VisibilityAll)
			}
			// T5: the first member of an establishment is its admin, whatever was asked.
			if countMembers(tx, e.Record.GetString("establishment"), "") == 0 {
				e.Record.Set("profile", string(profiles.Admin))
			}
			if err := e.Next(); err != nil {
				return err
			}
			return syncMembership(tx, e.Record, "")
		})
	})
	app.OnRecordUpdate(schema.Memberships).BindFunc(func(e *core.RecordEvent) error {
		return InTransaction(&e.App, func(tx core.App) error {
			before := stored(e).GetString("establishment")
			if err := e.Next(); err != nil {
				return err
			}
			return syncMembership(tx, e.Record, before)
		})
	})
	// Its own rows go with it (cascade); its establishment's roster is
	// rewritten without it.
	app.OnRecordDelete(schema.Memberships).BindFunc(func(e *core.RecordEvent) error {
		return InTransaction(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return syncRoster(tx, direct{tx}, e.Record.GetString("establishment"))
		})
	})

	// Request level: the last admin stays (T5), and the change is audited
	// with its actor, in the transaction of the change.
	app.OnRecordUpdateRequest(schema.Memberships).BindFunc(func(e *core.RecordRequestEvent) error {
		before := e.Record.Original()
		if err := checkCollectorChange(e, before); err != nil {
			return err
		}
		return InTransaction(&e.App, func(tx core.App) error {
			if isAdmin(before) && !isAdmin(e.Record) && lastAdmin(tx, before) {
				return errLastAdmin()
			}
			if err := e.Next(); err != nil {
				return err
			}
			entry := membershipEntry(e, audit.MembershipUpdated)
			entry.Data = map[string]any{
				"user":    e.Record.GetString("user"),
				"before":  membershipState(before),
				"after":   membershipState(e.Record),
				"profile": e.Record.GetString("profile"),
			}
			return audit.Write(tx, entry)
		})
	})
	app.OnRecordDeleteRequest(schema.Memberships).BindFunc(func(e *core.RecordRequestEvent) error {
		return InTransaction(&e.App, func(tx core.App) error {
			if isAdmin(e.Record) && lastAdmin(tx, e.Record) {
				return errLastAdmin()
			}
			if err := e.Next(); err != nil {
				return err
			}
			entry := membershipEntry(e, audit.MembershipDeleted)
			entry.Data = map[string]any{"user": e.Record.GetString("user"), "before": membershipState(e.Record)}
			return audit.Write(tx, entry)
		})
	})
}

// syncMembership rewrites what membership m derives: its grants and rows,
// and its establishment's roster (and the one it left, if any).
func syncMembership(app core.App, m *core.Record, before string) error {
	if err := syncGrants(app, m); err != nil {
		return err
	}
	if before != "" && before != m.GetString("establishment") {
		if err := syncRoster(app, direct{app}, before); err != nil {
			return err
		}
	}
	return syncRoster(app, direct{app}, m.GetString("establishment"))
}

// checkCollectorChange keeps collectors what N7 makes them: only a customer
// adding a contact creates one, so no update turns a member into a collector
// or points a collector at another customer. Admins may promote collectors.
func checkCollectorChange(e *core.RecordRequestEvent, before *core.Record) error {
	if e.HasSuperuserAuth() {
		return nil
	}
	errs := validation.Errors{}
	if e.Record.GetString("profile") == string(profiles.Collector) && before.GetString("profile") != string(profiles.Collector) {
		errs["profile"] = validation.NewError("validation_collector_by_customer", "Collectors are added by customers.")
	}
	if e.Record.GetString("collectorFor") != before.GetString("collectorFor") {
		errs["collectorFor"] = validation.NewError("validation_server_set", "This field is set when a customer adds the contact.")
	}
	if len(errs) > 0 {
		return e.BadRequestError("Invalid membership change.", errs)
	}
	return nil
}

func membershipEntry(e *core.RecordRequestEvent, action string) audit.Entry {
	entry := audit.FromRequest(e.RequestEvent, action)
	entry.Establishment = e.Record.GetString("establishment")
	entry.Collection = schema.Memberships
	entry.RecordID = e.Record.Id
	return entry
}

func membershipState(m *core.Record) map[string]any {
	return map[string]any{
		"profile":    m.GetString("profile"),
		"visibility": m.GetString("visibility"),
		"financial":  m.GetBool("financial"),
	}
}

func isAdmin(m *core.Record) bool { return m.GetString("profile") == string(profiles.Admin) }

// lastAdmin reports whether m is the only admin of its establishment.
func lastAdmin(app core.App, m *core.Record) bool {
	return countMembers(app, m.GetString("establishment"), profiles.Admin) <= 1
}

// countMembers counts an establishment's memberships, of one profile if given.
func countMembers(app core.App, establishmentID string, profile profiles.Profile) int {
	where := dbx.HashExp{"establishment": establishmentID}
	if profile != "" {
		where["profile"] = string(profile)
	}
	var n int
	_ = app.DB().Select("count(*)").From(schema.Memberships).Where(where).Row(&n)
	return n
}

func errLastAdmin() error {
	return router.NewApiError(http.StatusConflict,
		"An establishment keeps at least one admin: name another admin first.",
		validation.Errors{"profile": validation.NewError("last_admin", "The last admin can be neither removed nor demoted.")})
}
