package tenancy

import (
	"strings"
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/notify"
	"vigie/internal/config"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// bindAccessRequests implements T6: a member asks for a new user, the admins
// are told, and an admin approves (the member is added) or refuses by
// updating the request's status.
func bindAccessRequests(app core.App, cfg *config.Config) {
	app.OnRecordCreateRequest(schema.AccessRequests).BindFunc(func(e *core.RecordRequestEvent) error {
		e.Record.Set("status", schema.RequestPending)
		e.Record.Set("email", strings.ToLower(strings.TrimSpace(e.Record.GetString("email"))))
		for _, f := range []string{"decidedBy", "decidedAt", "membership"} {
			e.Record.Set(f, nil)
		}
		// Support staff read an establishment that lets them in; they never
		// write there (S14, issue 18, item 13), and their member grant
		// would otherwise pass the create rule.
		if !e.HasSuperuserAuth() && e.Auth != nil && !HoldsAsMember(e.App, e.Auth.Id, e.Record.GetString("establishment")) {
			return e.ForbiddenError("Only the establishment's members ask for new users.", nil)
		}
		if e.Record.GetString("profile") == string(profiles.Collector) {
			return e.BadRequestError("Invalid request.", validation.Errors{"profile": validation.NewError(
				"validation_collector_by_customer", "Collectors are added by customers.")})
		}
		return InTransaction(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			entry := requestEntry(e, audit.AccessRequested)
			entry.Data = map[string]any{"email": e.Record.GetString("email"), "profile": e.Record.GetString("profile")}
			if err := audit.Write(tx, entry); err != nil {
				return err
			}
			return tellAdmins(tx, cfg, e.Record, e.Auth)
		})
	})

	app.OnRecordUpdateRequest(schema.AccessRequests).BindFunc(func(e *core.RecordRequestEvent) error {
		status := e.Record.GetString("status")
		if status != schema.RequestApproved && status != schema.RequestRefused {
			return e.BadRequestError("Invalid decision.", validation.Errors{"status": validation.NewError(
				"validation_invalid_decision", "Set status to approved or refused.")})
		}
		// Only the decision is the admin's to write; the request stays as asked.
		for _, f := range []string{"establishment", "requestedBy", "email", "firstName", "lastName", "profile"} {
			e.Record.Set(f, e.Record.Original().Get(f))
		}
		if e.Auth != nil && !e.Auth.IsSuperuser() {
			e.Record.Set("decidedBy", e.Auth.Id)
		}
		e.Record.Set("decidedAt", time.Now())
		return InTransaction(&e.App, func(tx core.App) error {
			return decide(tx, cfg, e)
		})
	})
}

func decide(tx core.App, cfg *config.Config, e *core.RecordRequestEvent) error {
	req := e.Record
	est, err := tx.FindRecordById(schema.Establishments, req.GetString("establishment"))
	if err != nil {
		return err
	}
	kind, action := notify.KindAccessRefused, audit.AccessRefused
	if req.GetString("status") == schema.RequestApproved {
		kind, action = notify.KindAccessApproved, audit.AccessApproved
		added, err := AddMember(tx, cfg, est, NewMember{
			Email: req.GetString("email"), FirstName: req.GetString("firstName"),
			LastName: req.GetString("lastName"), Profile: req.GetString("profile"),
		}, audit.FromRequest(e.RequestEvent, ""))
		if err != nil {
			return err
		}
		if added.Membership != nil { // else an invitation the person accepts (S9)
			req.Set("membership", added.Membership.Id)
		}
	}
	if err := e.Next(); err != nil {
		return err
	}
	entry := requestEntry(e, action)
	entry.Data = map[string]any{"email": req.GetString("email"), "profile": req.GetString("profile")}
	if err := audit.Write(tx, entry); err != nil {
		return err
	}
	requester, err := tx.FindRecordById(schema.Users, req.GetString("requestedBy"))
	if err != nil {
		return nil // the requester left; nobody to tell
	}
	return notify.User(tx, requester, notify.Message{Kind: kind, Vars: map[string]string{
		"establishment": est.GetString("name"), "email": req.GetString("email"),
	}, Data: map[string]any{"accessRequest": req.Id}})
}

func requestEntry(e *core.RecordRequestEvent, action string) audit.Entry {
	entry := audit.FromRequest(e.RequestEvent, action)
	entry.Establishment = e.Record.GetString("establishment")
	entry.Collection = schema.AccessRequests
	entry.RecordID = e.Record.Id
	return entry
}

// tellAdmins notifies every admin of the request's establishment.
func tellAdmins(tx core.App, cfg *config.Config, req, requester *core.Record) error {
	est, err := tx.FindRecordById(schema.Establishments, req.GetString("establishment"))
	if err != nil {
		return err
	}
	vars := map[string]string{
		"establishment": est.GetString("name"),
		"email":         req.GetString("email"),
		"name":          strings.TrimSpace(req.GetString("firstName") + " " + req.GetString("lastName")),
		"profile":       req.GetString("profile"),
		"link":          cfg.Link("/company.html?establishment=" + est.Id),
	}
	if requester != nil {
		vars["requester"] = requester.Email()
	}
	return NotifyAdmins(tx, est.Id, notify.Message{Kind: notify.KindAccessRequested, Vars: vars,
		Data: map[string]any{"establishment": est.Id, "accessRequest": req.Id}})
}

// NotifyAdmins sends msg to every admin of an establishment.
func NotifyAdmins(tx core.App, establishmentID string, msg notify.Message) error {
	admins, err := tx.FindAllRecords(schema.Memberships, dbx.HashExp{
		"establishment": establishmentID, "profile": string(profiles.Admin)})
	if err != nil {
		return err
	}
	for _, m := range admins {
		user, err := tx.FindRecordById(schema.Users, m.GetString("user"))
		if err != nil {
			continue
		}
		if err := notify.User(tx, user, msg); err != nil {
			return err
		}
	}
	return nil
}
