package share

import (
	"crypto/subtle"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

func hmacEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// manageable loads a link its sender, an admin of the establishment it was
// sent from, an admin of the document's supplier (S15: a customer's
// re-share of its document) or the operator may manage; anyone else gets
// 404.
func manageable(e *core.RequestEvent) (*core.Record, error) {
	if e.Auth == nil {
		return nil, e.UnauthorizedError("Sign in first.", nil)
	}
	link, err := e.App.FindRecordById(schema.ShareLinks, e.Request.PathValue("id"))
	if err != nil {
		return nil, e.NotFoundError("", nil)
	}
	if e.HasSuperuserAuth() || link.GetString("createdBy") == e.Auth.Id ||
		tenancy.Holds(e.App, e.Auth.Id, link.GetString("establishment"), profiles.Manage) ||
		(link.GetString("supplier") != "" && tenancy.Holds(e.App, e.Auth.Id, link.GetString("supplier"), profiles.Manage)) {
		return link, nil
	}
	return nil, e.NotFoundError("", nil)
}

// revoke is DELETE /api/vigie/share-links/{id}: the link answers 410 from now on (L3).
func (s *Service) revoke(e *core.RequestEvent) error {
	link, err := manageable(e)
	if err != nil {
		return err
	}
	if link.GetBool("revoked") {
		return e.JSON(http.StatusOK, map[string]any{"revoked": true})
	}
	link.Set("revoked", true)
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(link); err != nil {
			return err
		}
		return audit.Write(tx, s.entry(e, link, audit.ShareRevoked))
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"revoked": true})
}

// history is GET /api/vigie/share-links/{id}/history: every creation, open,
// failed attempt, lock, acceptance and revocation, oldest first.
func (s *Service) history(e *core.RequestEvent) error {
	link, err := manageable(e)
	if err != nil {
		return err
	}
	var rows []*core.Record
	err = e.App.RecordQuery(schema.AuditLog).Where(dbx.HashExp{"collection": schema.ShareLinks, "recordId": link.Id}).
		OrderBy("created ASC", "rowid ASC").All(&rows)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		items = append(items, map[string]any{"action": r.GetString("action"), "at": r.GetString("created"),
			"ip": r.GetString("ip"), "data": r.Get("data")})
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}
