package network

import (
	"slices"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/sirene"
)

// bindDirectorySync makes every establishment created or changed in the
// portal searchable in the directory (N1), in the same transaction.
func bindDirectorySync(app core.App) {
	sync := func(e *core.RecordEvent) error {
		return tenancy.InTransaction(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			_, err := tx.DB().NewQuery(upsertDirectory).Bind(portalDirectoryRow(e.Record)).Execute()
			return err
		})
	}
	app.OnRecordCreate(schema.Establishments).BindFunc(sync)
	app.OnRecordUpdate(schema.Establishments).BindFunc(sync)
}

// portalDirectoryRow is the directory row of an establishment of the portal.
func portalDirectoryRow(est *core.Record) dbx.Params {
	return directoryParams(sirene.Establishment{
		SIRET: est.GetString("siret"), SIREN: est.GetString("siren"), Name: est.GetString("name"),
		Address: est.GetString("address"), PostalCode: est.GetString("postalCode"), City: est.GetString("city"),
		NAF: est.GetString("naf"), Active: est.GetDateTime("closedAt").IsZero(),
	})
}

// settingsFields are an establishment's own business: partners see its
// public identity only (N4).
var settingsFields = schema.EstablishmentSettingsFields

func bindEstablishmentPrivacy(app core.App) {
	app.OnRecordEnrich(schema.Establishments).BindFunc(func(e *core.RecordEnrichEvent) error {
		auth := e.RequestInfo.Auth
		if auth != nil && (auth.IsSuperuser() || tenancy.Holds(e.App, auth.Id, e.Record.Id, profiles.Member)) {
			return e.Next()
		}
		e.Record.Hide(settingsFields...)
		return e.Next()
	})
}

// bindRelationshipUpdates splits who changes what in a relationship: the
// customer's managers its status and member in charge (T7), the supplier's
// admins its reference contacts (N8), who must be the supplier's members.
func bindRelationshipUpdates(app core.App) {
	app.OnRecordUpdateRequest(schema.Relationships).BindFunc(func(e *core.RecordRequestEvent) error {
		before := e.Record.Original()
		changed := func(f string) bool { return !slices.Equal(before.GetStringSlice(f), e.Record.GetStringSlice(f)) }
		errs := validation.Errors{}
		for _, f := range []string{"customer", "supplier"} {
			if changed(f) {
				errs[f] = validation.NewError("validation_immutable", "A relationship keeps its two establishments.")
			}
		}
		if !e.HasSuperuserAuth() {
			customerSide := tenancy.Holds(e.App, e.Auth.Id, before.GetString("customer"), profiles.ManageSuppliers)
			supplierSide := tenancy.Holds(e.App, e.Auth.Id, before.GetString("supplier"), profiles.Manage)
			if changed("referents") && !supplierSide {
				errs["referents"] = validation.NewError("validation_supplier_only", "The supplier's admins choose its reference contacts.")
			}
			for _, f := range []string{"status", "owner"} {
				if changed(f) && !customerSide {
					errs[f] = validation.NewError("validation_customer_only", "The customer manages this field.")
				}
			}
		}
		if err := checkPeople(e.App, e.Record, errs); len(errs) > 0 || err != nil {
			if err != nil {
				return err
			}
			return e.BadRequestError("Invalid relationship change.", errs)
		}
		return tenancy.InTransaction(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			entry := audit.FromRequest(e.RequestEvent, audit.RelationshipUpdated)
			entry.Establishment = e.Record.GetString("customer")
			entry.Collection = schema.Relationships
			entry.RecordID = e.Record.Id
			entry.Data = map[string]any{"status": e.Record.GetString("status"), "owner": e.Record.GetString("owner"),
				"referents": e.Record.GetStringSlice("referents")}
			return audit.Write(tx, entry)
		})
	})
}

// checkPeople requires referents to be the supplier's members and the owner
// a member of the customer.
func checkPeople(app core.App, rel *core.Record, errs validation.Errors) error {
	count := func(users []string, est string) (int, error) {
		var n int
		if len(users) == 0 {
			return 0, nil
		}
		ids := make([]any, len(users))
		for i, u := range users {
			ids[i] = u
		}
		err := app.DB().Select("count(*)").From(schema.Memberships).
			Where(dbx.HashExp{"establishment": est}).AndWhere(dbx.In("user", ids...)).Row(&n)
		return n, err
	}
	referents := rel.GetStringSlice("referents")
	if n, err := count(referents, rel.GetString("supplier")); err != nil {
		return err
	} else if n != len(referents) {
		errs["referents"] = validation.NewError("validation_not_member", "Reference contacts are members of the supplier.")
	}
	if owner := rel.GetString("owner"); owner != "" {
		if n, err := count([]string{owner}, rel.GetString("customer")); err != nil {
			return err
		} else if n != 1 {
			errs["owner"] = validation.NewError("validation_not_member", "The member in charge is a member of the customer.")
		}
	}
	return nil
}
