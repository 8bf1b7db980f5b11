package network

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/tenancy"
	"vigie/internal/apierr"
	"vigie/internal/config"
	"vigie/internal/profiles"
)

// directoryLimit bounds one directory answer.
const directoryLimit = 20

// bindDirectoryRoute serves GET /api/vigie/directory?q= to signed-in users
// (N1): public fields only.
func bindDirectoryRoute(se *core.ServeEvent) {
	se.Router.GET("/api/vigie/directory", func(e *core.RequestEvent) error {
		if e.Auth == nil {
			return e.UnauthorizedError("Sign in first.", nil)
		}
		q := strings.TrimSpace(e.Request.URL.Query().Get("q"))
		if len(q) > 200 {
			q = q[:200]
		}
		items, err := SearchDirectory(e.App, q, directoryLimit)
		if err != nil {
			return e.BadRequestError("Unable to search the directory.", err)
		}
		return e.JSON(http.StatusOK, map[string]any{"items": items})
	})
}

// bindSupplierRoutes serves adding one supplier (N2) and the bulk import (N3)
// to the customer's members allowed to add suppliers.
func bindSupplierRoutes(se *core.ServeEvent, cfg *config.Config) {
	se.Router.POST("/api/vigie/establishments/{id}/suppliers", func(e *core.RequestEvent) error {
		customer, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.ManageSuppliers)
		if err != nil {
			return err
		}
		var in NewSupplier
		if err := e.BindBody(&in); err != nil {
			return e.BadRequestError("The body must be a JSON object.", err)
		}
		var added *Added
		err = e.App.RunInTransaction(func(tx core.App) error {
			added, err = AddSupplier(tx, cfg, customer, in, audit.FromRequest(e, ""), callerID(e))
			return err
		})
		if err != nil {
			return apiError(e, "Unable to add the supplier.", err)
		}
		// The supplier as its partners see it (N4): its settings are its own.
		if e.Auth == nil || !e.Auth.IsSuperuser() && !tenancy.Holds(e.App, e.Auth.Id, added.Supplier.Id, profiles.Member) {
			added.Supplier.Hide(settingsFields...)
		}
		return e.JSON(http.StatusOK, map[string]any{
			"status": added.Status, "relationship": added.Relationship,
			"supplier": added.Supplier, "membership": added.Membership, "invitation": invitationOf(added, in.Contact.Email),
		})
	})
	se.Router.POST("/api/vigie/establishments/{id}/suppliers/import", func(e *core.RequestEvent) error {
		customer, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.ManageSuppliers)
		if err != nil {
			return err
		}
		return importSuppliersRoute(e, cfg, customer)
	})
}

// callerID is the acting user, empty for the operator.
func callerID(e *core.RequestEvent) string {
	if e.Auth == nil || e.Auth.IsSuperuser() {
		return ""
	}
	return e.Auth.Id
}

// apiError keeps an error that already has an HTTP status and makes any other
// a 400 that carries its validation details.
func apiError(e *core.RequestEvent, message string, err error) error {
	return apierr.Or(err, e.BadRequestError(message, err))
}

// invitationOf is what the customer reads of the contact's invitation: the
// address it typed and the state, nothing of the person (S9).
func invitationOf(added *Added, email string) any {
	if added.Invitation == nil {
		return nil
	}
	return map[string]any{"id": added.Invitation.Id, "email": email, "status": added.Invitation.GetString("status")}
}
