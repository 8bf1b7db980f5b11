package security

import (
	"net/http"
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/audit"
	"vigie/hooks/locks"
	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

func (s *Service) bindAdminRoutes(se *core.ServeEvent) {
	se.Router.GET("/api/vigie/establishments/{id}/access-overview", s.accessOverview)
	se.Router.PUT("/api/vigie/establishments/{id}/support-access", s.supportAccess)
}

// overviewItem is one person with access to the establishment (S4).
type overviewItem struct {
	User          map[string]string `json:"user"`
	Profile       string            `json:"profile"`
	PasswordScore int               `json:"passwordScore"`
	TOTP          bool              `json:"totp"`
	LastLogin     string            `json:"lastLogin"`
	Kind          string            `json:"kind"`
}

// accessOverview lists everyone with access (S4): members, collectors, and
// support staff while granted.
func (s *Service) accessOverview(e *core.RequestEvent) error {
	est, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.Manage)
	if err != nil {
		return err
	}
	members, err := e.App.FindAllRecords(schema.Memberships, dbx.HashExp{"establishment": est.Id})
	if err != nil {
		return err
	}
	items := []overviewItem{}
	for _, m := range members {
		u, err := e.App.FindRecordById(schema.Users, m.GetString("user"))
		if err != nil {
			continue
		}
		kind := "member"
		if m.GetString("profile") == string(profiles.Collector) {
			kind = "collector"
		}
		items = append(items, item(u, m.GetString("profile"), kind))
	}
	var supportIDs []string
	_ = e.App.DB().NewQuery("SELECT DISTINCT [[user]] FROM {{grants}} WHERE [[establishment]] = {:e} AND [[source]] = 'support'").
		Bind(dbx.Params{"e": est.Id}).Column(&supportIDs)
	for _, id := range supportIDs {
		if u, err := e.App.FindRecordById(schema.Users, id); err == nil {
			items = append(items, item(u, "support", "support"))
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

func item(u *core.Record, profile, kind string) overviewItem {
	return overviewItem{
		User: map[string]string{"id": u.Id, "email": u.Email(), "firstName": u.GetString("firstName"),
			"lastName": u.GetString("lastName")},
		Profile: profile, PasswordScore: u.GetInt("passwordScore"), TOTP: u.GetBool("totpEnabled"),
		LastLogin: u.GetString("lastLoginAt"), Kind: kind,
	}
}

// supportAccess turns support staff's access on (optionally until a date)
// or off, at once (S5).
func (s *Service) supportAccess(e *core.RequestEvent) error {
	est, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.Manage)
	if err != nil {
		return err
	}
	var body struct {
		Enabled *bool  `json:"enabled"`
		Until   string `json:"until"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("The body must be a JSON object.", err)
	}
	if body.Enabled == nil {
		return e.BadRequestError("Say whether support access is on.", validation.Errors{"enabled": validation.NewError("validation_required", "true or false.")})
	}
	until := types.DateTime{}
	if body.Until != "" && *body.Enabled {
		if until, err = types.ParseDateTime(body.Until); err != nil || until.IsZero() || !until.Time().After(s.Now()) {
			return e.BadRequestError("Invalid date.", validation.Errors{"until": validation.NewError("validation_invalid_date", "A date in the future.")})
		}
	}
	if err := locks.Writable(e.App, schema.Establishments, est.Id, e.Auth.Id, s.Now()); err != nil {
		return err
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(schema.Establishments, est.Id)
		if err != nil {
			return err
		}
		fresh.Set("supportAccess", *body.Enabled)
		fresh.Set("supportUntil", until)
		if err := tx.Save(fresh); err != nil {
			return err
		}
		action := audit.SupportAccessOff
		if *body.Enabled {
			action = audit.SupportAccessOn
		}
		entry := audit.FromRequest(e, action)
		entry.Establishment, entry.Collection, entry.RecordID = est.Id, schema.Establishments, est.Id
		entry.Data = map[string]any{"until": until.String()}
		return audit.Write(tx, entry)
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"enabled": *body.Enabled, "until": until.String()})
}

// expireSupportGrants drops a support user's grants whose date has passed
// before serving its request, so "until" is exact (S5).
func (s *Service) expireSupportGrants(e *core.RequestEvent) error {
	if e.Auth != nil && e.Auth.GetBool("support") {
		if _, err := tenancy.DeleteExpiredSupportGrants(e.App, e.Auth.Id, s.Now()); err != nil {
			return err
		}
	}
	return e.Next()
}

// bindSupportReads audits every record support staff read (S5, S6): one row
// per establishment per request, naming the records.
func (s *Service) bindSupportReads(app core.App) {
	app.OnRecordsListRequest().BindFunc(func(e *core.RecordsListRequestEvent) error {
		if err := e.Next(); err != nil || e.Auth == nil || !e.Auth.GetBool("support") {
			return err
		}
		return s.auditSupportRead(e.RequestEvent, e.Collection.Name, e.Records)
	})
	app.OnRecordViewRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil || e.Auth == nil || !e.Auth.GetBool("support") {
			return err
		}
		return s.auditSupportRead(e.RequestEvent, e.Collection.Name, []*core.Record{e.Record})
	})
}

// supportAudited says which establishments a record of collection belongs
// to, for the audit of support reads: establishmentOf's collections, and
// the requirements and custom types support staff also read (S6, S14;
// issue 18, item 14).
func supportAudited(collection string) (func(*core.Record) []string, bool) {
	if find, ok := establishmentOf[collection]; ok {
		return find, true
	}
	switch collection {
	case schema.Requirements:
		return func(r *core.Record) []string {
			if s := r.GetString("supplier"); s != "" {
				return []string{r.GetString("customer"), s}
			}
			return []string{r.GetString("customer")}
		}, true
	case schema.DocumentTypes:
		return func(r *core.Record) []string {
			if o := r.GetString("owner"); o != "" {
				return []string{o}
			}
			return nil
		}, true
	}
	return nil, false
}

func (s *Service) auditSupportRead(e *core.RequestEvent, collection string, records []*core.Record) error {
	find, ok := supportAudited(collection)
	if !ok || len(records) == 0 {
		return nil
	}
	byEst := map[string][]string{}
	for _, r := range records {
		for _, est := range find(r) {
			byEst[est] = append(byEst[est], r.Id)
		}
	}
	for est, ids := range byEst {
		entry := audit.FromRequest(e, audit.SupportRead)
		entry.Establishment, entry.Collection = est, collection
		entry.Data = map[string]any{"records": ids, "at": time.Now().UTC().Format(time.RFC3339)}
		if err := audit.Write(e.App, entry); err != nil {
			return err
		}
	}
	return nil
}
