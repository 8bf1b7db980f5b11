package documents

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/locks"
	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// DocumentAdopted is the audit action of a supplier's admin accepting a
// collector's document as the supplier's own.
const DocumentAdopted = "document.adopted"

// bindAdoptRoute serves POST /api/vigie/documents/{id}/adopt (S10): a
// collector's legal document serves its own customer only until one of
// the supplier's admins accepts it; it then becomes the supplier's shared
// version, read by every customer collecting the type, and supersedes the
// one they read so far. Anyone but the supplier's members gets 404, its
// other members 403; a document that is no collector's pending one, or
// was adopted meanwhile, 409.
func (s *Service) bindAdoptRoute(se *core.ServeEvent) {
	se.Router.POST("/api/vigie/documents/{id}/adopt", func(e *core.RequestEvent) error {
		if e.Auth == nil {
			return e.UnauthorizedError("Sign in first.", nil)
		}
		doc, err := e.App.FindRecordById(schema.Documents, e.Request.PathValue("id"))
		if err != nil {
			return e.NotFoundError("", nil)
		}
		if _, err := tenancy.RequireCapability(e, doc.GetString("supplier"), profiles.Manage); err != nil {
			return err
		}
		err = e.App.RunInTransaction(func(tx core.App) error {
			// Read again inside the write lock: two admins adopting at once
			// adopt once.
			doc, err := tx.FindRecordById(schema.Documents, doc.Id)
			if err != nil {
				return e.NotFoundError("", nil)
			}
			docType, err := typeOf(tx, doc)
			if err != nil {
				return err
			}
			if docType.GetString("kind") != schema.KindLegal || doc.GetString("addressee") == "" ||
				doc.GetString("status") == schema.StatusSuperseded {
				return e.Error(http.StatusConflict, "Only a collector's current legal document waits to be adopted.", nil)
			}
			previous, err := currentVersions(tx, doc.GetString("supplier"), doc.GetString("type"), "")
			if err != nil {
				return err
			}
			for _, r := range append(previous, doc) {
				if err := locks.Writable(tx, schema.Documents, r.Id, e.Auth.Id, s.Now()); err != nil {
					return err
				}
			}
			if err := supersede(tx, previous, doc); err != nil {
				return err
			}
			heldFor := doc.GetString("addressee")
			doc.Set("addressee", "")
			if err := tx.Save(doc); err != nil {
				return err
			}
			entry := audit.FromRequest(e, DocumentAdopted)
			entry.Establishment, entry.Collection, entry.RecordID = doc.GetString("supplier"), schema.Documents, doc.Id
			entry.Data = map[string]any{"heldFor": heldFor, "supersedes": doc.GetString("replaces")}
			return audit.Write(tx, entry)
		})
		if err != nil {
			return err
		}
		return e.JSON(http.StatusOK, map[string]any{"status": "adopted", "id": doc.Id})
	})
}
