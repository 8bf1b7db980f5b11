package locks

import (
	"errors"
	"net/http"
	"strings"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// maxStates bounds one state request.
const maxStates = 200

func (s *Service) bindRoutes(se *core.ServeEvent) {
	se.Router.POST("/api/vigie/locks", s.take)
	se.Router.DELETE("/api/vigie/locks/{collection}/{recordId}", s.release)
	se.Router.GET("/api/vigie/locks", s.states)
	se.Router.GET("/api/vigie/locks/{collection}/{recordId}", s.detail)
	se.Router.POST("/api/vigie/auth/logout", s.logout)
}

func (s *Service) take(e *core.RequestEvent) error {
	var body struct {
		Collection string `json:"collection"`
		RecordID   string `json:"recordId"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("The body must be a JSON object.", err)
	}
	if e.Auth == nil {
		return e.UnauthorizedError("Sign in first.", nil)
	}
	if e.Auth.Collection().Name != schema.Users {
		return e.BadRequestError("Locks are taken by users; the operator edits without them.", nil)
	}
	lockable, record, err := visibleRecord(e, body.Collection, body.RecordID)
	if err != nil {
		return err
	}
	if !lockable.CanEdit(e.App, e.Auth.Id, record) {
		return e.ForbiddenError("Your profile does not allow editing this record.", nil)
	}
	lock, err := s.Take(body.Collection, record.Id, e.Auth.Id)
	var locked *ErrLocked
	if errors.As(err, &locked) {
		return locked.APIError()
	}
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, lock)
}

func (s *Service) release(e *core.RequestEvent) error {
	if e.Auth == nil {
		return e.UnauthorizedError("Sign in first.", nil)
	}
	collection := e.Request.PathValue("collection")
	lockable, record, err := visibleRecord(e, collection, e.Request.PathValue("recordId"))
	if err != nil {
		return err
	}
	held, err := s.Holder(collection, record.Id)
	if err != nil {
		return err
	}
	if held == nil {
		return e.JSON(http.StatusOK, map[string]any{"released": false})
	}
	force := held.Holder != e.Auth.Id
	if force && !mayForce(e, lockable, record) {
		return (&ErrLocked{Lock: *held}).APIError()
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		released, err := (&Service{App: tx, Timeout: s.Timeout, Now: s.Now}).Release(collection, record.Id, e.Auth.Id, force)
		if err != nil {
			return err
		}
		if force && released != nil {
			entry := audit.FromRequest(e, audit.LockForceUnlocked)
			entry.Establishment = lockable.Establishments(record)[0]
			entry.Collection = collection
			entry.RecordID = record.Id
			entry.Data = map[string]any{"holder": released.Holder, "holderName": released.HolderName,
				"expiresAt": released.ExpiresAt.UTC().Format("2006-01-02 15:04:05Z")}
			if err := audit.Write(tx, entry); err != nil {
				return err
			}
		}
		return e.JSON(http.StatusOK, map[string]any{"released": released != nil, "forced": force})
	})
}

// mayForce: an admin of one of the record's establishments, or the operator (K5).
func mayForce(e *core.RequestEvent, lockable Lockable, record *core.Record) bool {
	if e.HasSuperuserAuth() {
		return true
	}
	for _, est := range lockable.Establishments(record) {
		if tenancy.Holds(e.App, e.Auth.Id, est, profiles.Manage) {
			return true
		}
	}
	return false
}

func (s *Service) states(e *core.RequestEvent) error {
	if e.Auth == nil {
		return e.UnauthorizedError("Sign in first.", nil)
	}
	collection := e.Request.URL.Query().Get("collection")
	lockable, ok := lockables[collection]
	if !ok {
		return notLockable()
	}
	ids := strings.Split(e.Request.URL.Query().Get("ids"), ",")
	if len(ids) > maxStates {
		return e.BadRequestError("Too many ids.", validation.Errors{"ids": validation.NewError("validation_too_many", "At most 200 ids.")})
	}
	out := map[string]string{}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		record, err := e.App.FindRecordById(collection, id)
		if err != nil || !canView(e, record) {
			continue // invisible records get no answer at all: no state leaks
		}
		held, err := s.Holder(collection, id)
		if err != nil {
			return err
		}
		out[id] = stateFor(e, lockable, record, held)
	}
	return e.JSON(http.StatusOK, out)
}

// stateFor is what the caller sees of a record whose live lock is held
// (nil when free) (K1).
func stateFor(e *core.RequestEvent, lockable Lockable, record *core.Record, held *Lock) string {
	switch {
	case held != nil && held.Holder == e.Auth.Id:
		return LockedByYou
	case held != nil, e.HasSuperuserAuth(), !lockable.CanEdit(e.App, e.Auth.Id, record):
		return ReadOnly
	}
	return Editable
}

func (s *Service) logout(e *core.RequestEvent) error {
	if e.Auth == nil {
		return e.UnauthorizedError("Sign in first.", nil)
	}
	n, err := s.ReleaseAll(e.Auth.Id)
	if err != nil {
		return err
	}
	// The token the page forgets must stop working too (OWASP ASVS 3.3.1):
	// PocketBase tokens are stateless, so the user's token key changes,
	// which ends every session of that user (sign out everywhere).
	if e.Auth.Collection().Name == schema.Users {
		user, err := e.App.FindRecordById(schema.Users, e.Auth.Id)
		if err != nil {
			return err
		}
		user.RefreshTokenKey()
		if err := e.App.Save(user); err != nil {
			return err
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"released": n})
}

// visibleRecord loads a lockable record the caller may see: 400 for a
// collection that has no locks, 404 for a record it may not see.
func visibleRecord(e *core.RequestEvent, collection, id string) (Lockable, *core.Record, error) {
	lockable, ok := lockables[collection]
	if !ok {
		return Lockable{}, nil, notLockable()
	}
	record, err := e.App.FindRecordById(collection, id)
	if err != nil || !canView(e, record) {
		return Lockable{}, nil, e.NotFoundError("", nil)
	}
	return lockable, record, nil
}

// canView asks the collection's own view rule, as a REST read would.
func canView(e *core.RequestEvent, record *core.Record) bool {
	info, err := e.RequestInfo()
	if err != nil {
		return false
	}
	ok, err := e.App.CanAccessRecord(record, info, record.Collection().ViewRule)
	return err == nil && ok
}

func notLockable() error {
	return validation.Errors{"collection": validation.NewError("validation_not_lockable",
		"Records of this collection have no locks.")}
}
