// Package audit writes the append-only audit log (S6) and keeps it append-only:
// no API request, not even the operator's, may create, change or delete a row.
package audit

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"vigie/internal/bulk"
	"vigie/internal/schema"
)

// Actions recorded in the log.
const (
	MembershipCreated   = "membership.created"
	InvitationCreated   = "invitation.created"
	InvitationDeclined  = "invitation.declined"
	MembershipUpdated   = "membership.updated"
	MembershipDeleted   = "membership.deleted"
	AccessRequested     = "access_request.created"
	AccessApproved      = "access_request.approved"
	AccessRefused       = "access_request.refused"
	RelationshipCreated = "relationship.created"
	RelationshipUpdated = "relationship.updated"
	RegistryClosed      = "establishment.registry_closed"
	RegistryReopened    = "establishment.registry_reopened"
	LockForceUnlocked   = "lock.force_unlocked"
	SignedIn            = "auth.signed_in"
	SignInFailed        = "auth.failed"
	RecoveryCodeUsed    = "auth.recovery_code_used"
	TOTPEnabled         = "totp.enabled"
	TOTPDisabled        = "totp.disabled"
	SupportAccessOn     = "support.enabled"
	SupportAccessOff    = "support.disabled"
	SupportRead         = "support.read"
	ShareCreated        = "share.created"
	ShareOpened         = "share.opened"
	ShareFailed         = "share.failed"
	ShareLocked         = "share.locked"
	ShareAccepted       = "share.accepted"
	ShareRevoked        = "share.revoked"
)

// Entry is one audit row.
type Entry struct {
	Action        string
	Establishment string
	Collection    string
	RecordID      string
	Data          map[string]any
	// Actor and IP are filled from the request by FromRequest; an operator or
	// system action leaves them empty.
	Actor      string
	ActorEmail string
	IP         string
}

// FromRequest returns an entry whose actor and IP are the request's.
func FromRequest(e *core.RequestEvent, action string) Entry {
	entry := Entry{Action: action, IP: e.RealIP()}
	if e.Auth != nil {
		entry.Actor = e.Auth.Id
		entry.ActorEmail = e.Auth.Email()
		if e.Auth.IsSuperuser() {
			entry.Actor = "superuser:" + e.Auth.Id
		}
	}
	return entry
}

// Write appends entry with app, which may be a transaction: the row then
// commits or rolls back with the change it describes.
func Write(app core.App, entry Entry) error {
	r, err := newRecord(app, entry)
	if err != nil {
		return err
	}
	return app.SaveNoValidate(r)
}

// Queue adds entry to a bulk write (N3's import): it commits or rolls back
// with the rows it describes, like Write's.
func Queue(app core.App, w *bulk.Writer, entry Entry) error {
	r, err := newRecord(app, entry)
	if err != nil {
		return err
	}
	return w.Record(r)
}

func newRecord(app core.App, entry Entry) (*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId(schema.AuditLog)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("actor", entry.Actor)
	r.Set("actorEmail", entry.ActorEmail)
	r.Set("action", entry.Action)
	r.Set("establishment", entry.Establishment)
	r.Set("collection", entry.Collection)
	r.Set("recordId", entry.RecordID)
	r.Set("ip", entry.IP)
	if entry.Data != nil {
		r.Set("data", entry.Data)
	}
	return r, nil
}

// ErrAppendOnly is returned for any attempt to rewrite history.
var ErrAppendOnly = errors.New("audit: the audit log is append-only")

// Register binds the guards that keep the log append-only.
func Register(app core.App) {
	refuse := func(e *core.RecordRequestEvent) error {
		return router.NewApiError(http.StatusForbidden, "The audit log is written by the server only.", nil)
	}
	app.OnRecordCreateRequest(schema.AuditLog).BindFunc(refuse)
	app.OnRecordUpdateRequest(schema.AuditLog).BindFunc(refuse)
	app.OnRecordDeleteRequest(schema.AuditLog).BindFunc(refuse)
	// Below the API too: no code path may update or delete a row.
	app.OnRecordUpdate(schema.AuditLog).BindFunc(func(e *core.RecordEvent) error { return ErrAppendOnly })
	app.OnRecordDelete(schema.AuditLog).BindFunc(func(e *core.RecordEvent) error { return ErrAppendOnly })
}
