package locks

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/audit"
	"vigie/internal/schema"
)

// LockDetail answers GET /api/vigie/locks/{collection}/{recordId} (U7): the
// caller's state, who holds the lock until when (empty when free), and,
// when an admin forced the caller's own lock on it during the last lock
// timeout and the caller holds none now, who did and when: the page says
// so instead of letting the former holder believe she still edits.
type LockDetail struct {
	State      string        `json:"state"`
	Holder     string        `json:"holder"`
	HolderName string        `json:"holderName"`
	ExpiresAt  string        `json:"expiresAt"`
	Forced     *ForcedUnlock `json:"forced"`
}

// ForcedUnlock names who forced a lock and when (RFC 3339, UTC).
type ForcedUnlock struct {
	ByName string `json:"byName"`
	At     string `json:"at"`
}

func (s *Service) detail(e *core.RequestEvent) error {
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
	out := LockDetail{State: stateFor(e, lockable, record, held)}
	if held != nil {
		out.Holder, out.HolderName, out.ExpiresAt = held.Holder, held.HolderName, held.ExpiresAt.UTC().Format(time.RFC3339)
	}
	if out.State != LockedByYou {
		if out.Forced, err = s.lastForcedFrom(e.Auth.Id, collection, record.Id); err != nil {
			return err
		}
	}
	return e.JSON(http.StatusOK, out)
}

// lastForcedFrom is the latest forced unlock of the record within the lock
// timeout, if the lock it released was user's. Forced unlocks are rare: the
// action index finds them.
func (s *Service) lastForcedFrom(user, collection, recordID string) (*ForcedUnlock, error) {
	var rows []struct {
		Actor   string         `db:"actor"`
		Data    string         `db:"data"`
		Created types.DateTime `db:"created"`
	}
	since, _ := types.ParseDateTime(s.Now().Add(-s.Timeout))
	err := s.App.DB().Select("actor", "data", "created").From(schema.AuditLog).
		Where(dbx.HashExp{"action": audit.LockForceUnlocked, "collection": collection, "recordId": recordID}).
		AndWhere(dbx.NewExp("created >= {:since}", dbx.Params{"since": since.String()})).
		OrderBy("created DESC").Limit(1).All(&rows)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	var data struct {
		Holder string `json:"holder"`
	}
	if json.Unmarshal([]byte(rows[0].Data), &data) != nil || data.Holder != user {
		return nil, nil
	}
	forced := &ForcedUnlock{At: rows[0].Created.Time().UTC().Format(time.RFC3339)}
	if actor, err := s.App.FindRecordById(schema.Users, rows[0].Actor); err == nil {
		forced.ByName = displayName(actor)
	}
	return forced, nil
}
