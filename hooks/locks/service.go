// Package locks implements K: record locks with three states for the viewer
// (editable, read_only, locked_by_you), a timeout, release at sign-out, an
// admin's force-unlock, and writes refused with 423 while another holds one.
package locks

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/internal/schema"
)

// States a record shows to a viewer (K1).
const (
	Editable    = "editable"
	ReadOnly    = "read_only"
	LockedByYou = "locked_by_you"
)

// Service takes and releases locks. Now is the clock, injected by tests.
type Service struct {
	App     core.App
	Timeout time.Duration
	Now     func() time.Time
}

// Lock is a live lock.
type Lock struct {
	Collection string    `json:"collection"`
	RecordID   string    `json:"recordId"`
	Holder     string    `json:"holder"`
	HolderName string    `json:"holderName"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

// ErrLocked is returned when another user holds a live lock (K4).
type ErrLocked struct{ Lock Lock }

func (e *ErrLocked) Error() string {
	return fmt.Sprintf("locks: %s/%s is locked by %s until %s", e.Lock.Collection, e.Lock.RecordID,
		e.Lock.HolderName, e.Lock.ExpiresAt.Format(time.RFC3339))
}

// APIError is the 423 answer naming who holds the lock until when.
func (e *ErrLocked) APIError() *router.ApiError {
	return &router.ApiError{
		Status: http.StatusLocked,
		Message: fmt.Sprintf("This record is being edited by %s until %s.", e.Lock.HolderName,
			e.Lock.ExpiresAt.UTC().Format("2006-01-02 15:04 MST")),
		Data: map[string]any{"holder": map[string]string{"id": e.Lock.Holder, "name": e.Lock.HolderName},
			"expiresAt": e.Lock.ExpiresAt.UTC().Format(time.RFC3339)},
	}
}

// Take takes or renews the lock on a record for userID (K1, K2). Of many
// simultaneous takers exactly one wins (K6): the insert is unique on the
// record, and writes are serialised in one transaction each.
func (s *Service) Take(collection, recordID, userID string) (*Lock, error) {
	now := s.Now()
	var taken *Lock
	err := s.App.RunInTransaction(func(tx core.App) error {
		current, err := live(tx, collection, recordID, now)
		if err != nil {
			return err
		}
		if current != nil && current.GetString("holder") != userID {
			held, err := describe(tx, current)
			if err != nil {
				return err
			}
			return &ErrLocked{Lock: *held}
		}
		// An expired lock is free at once (K2): it is replaced.
		if _, err := tx.DB().Delete(schema.Locks, dbx.HashExp{"collection": collection, "recordId": recordID}).Execute(); err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId(schema.Locks)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("collection", collection)
		r.Set("recordId", recordID)
		r.Set("holder", userID)
		r.Set("expiresAt", now.Add(s.Timeout))
		if err := tx.Save(r); err != nil {
			return err
		}
		taken, err = describe(tx, r)
		return err
	})
	return taken, err
}

// Release frees a record's lock: its holder may, and so may whoever force is
// granted to (an admin, K5). It reports the lock that was released, if any.
func (s *Service) Release(collection, recordID, userID string, force bool) (*Lock, error) {
	var released *Lock
	err := s.App.RunInTransaction(func(tx core.App) error {
		current, err := live(tx, collection, recordID, s.Now())
		if err != nil || current == nil {
			return err
		}
		if current.GetString("holder") != userID && !force {
			held, err := describe(tx, current)
			if err != nil {
				return err
			}
			return &ErrLocked{Lock: *held}
		}
		if released, err = describe(tx, current); err != nil {
			return err
		}
		return tx.Delete(current)
	})
	return released, err
}

// ReleaseAll frees every lock userID holds (K3: signing out).
func (s *Service) ReleaseAll(userID string) (int64, error) {
	res, err := s.App.DB().Delete(schema.Locks, dbx.HashExp{"holder": userID}).Execute()
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Holder returns the live lock on a record, or nil.
func (s *Service) Holder(collection, recordID string) (*Lock, error) {
	r, err := live(s.App, collection, recordID, s.Now())
	if err != nil || r == nil {
		return nil, err
	}
	return describe(s.App, r)
}

// CheckWritable refuses a write by userID while someone else holds a live
// lock on the record (K4); custom routes call it, record hooks too.
func (s *Service) CheckWritable(collection, recordID, userID string) error {
	held, err := s.Holder(collection, recordID)
	if err != nil {
		return err
	}
	if held != nil && held.Holder != userID {
		return (&ErrLocked{Lock: *held}).APIError()
	}
	return nil
}

// Writable is CheckWritable for the custom routes of other packages, which
// write with their own saves: someone else's live lock refuses the write
// (K4, issue 18, item 15).
func Writable(app core.App, collection, recordID, userID string, now time.Time) error {
	r, err := live(app, collection, recordID, now)
	if err != nil || r == nil || r.GetString("holder") == userID {
		return err
	}
	held, err := describe(app, r)
	if err != nil {
		return err
	}
	return (&ErrLocked{Lock: *held}).APIError()
}

// DeleteExpired removes locks past their time: the housekeeping job's part
// (R4); correctness never waits for it, since expired locks count as free.
func DeleteExpired(app core.App, now time.Time) (int64, error) {
	res, err := app.DB().Delete(schema.Locks, dbx.NewExp("expiresAt <= {:now}",
		dbx.Params{"now": now.UTC().Format(types.DefaultDateLayout)})).Execute()
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// live returns the record's lock if it has not expired.
func live(app core.App, collection, recordID string, now time.Time) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter(schema.Locks, "collection = {:c} && recordId = {:r}",
		dbx.Params{"c": collection, "r": recordID})
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, err
	}
	if !r.GetDateTime("expiresAt").Time().After(now) {
		return nil, nil
	}
	return r, nil
}

func describe(app core.App, r *core.Record) (*Lock, error) {
	l := &Lock{Collection: r.GetString("collection"), RecordID: r.GetString("recordId"),
		Holder: r.GetString("holder"), ExpiresAt: r.GetDateTime("expiresAt").Time()}
	if u, err := app.FindRecordById(schema.Users, l.Holder); err == nil {
		l.HolderName = displayName(u)
	}
	return l, nil
}

func displayName(u *core.Record) string {
	if name := strings.TrimSpace(u.GetString("firstName") + " " + u.GetString("lastName")); name != "" {
		return name
	}
	return u.Email()
}
