package share

import (
	"net/http"
	"strings"
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/go-ozzo/ozzo-validation/v4/is"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/audit"
	"vigie/hooks/notify"
	"vigie/hooks/tenancy"
	"vigie/internal/apierr"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// createBody is POST /api/vigie/documents/{id}/share's body.
type createBody struct {
	Email        string `json:"email"`
	ExpiresAt    string `json:"expiresAt"`
	MaxOpens     int    `json:"maxOpens"`
	RequireEmail *bool  `json:"requireEmail"`
	Lang         string `json:"lang"`
}

// maxValidity bounds how long a link may live.
const maxValidity = 366 * 24 * time.Hour

// create shares one document with one address (L1): for members who may
// see it and handle documents where they see it from.
func (s *Service) create(e *core.RequestEvent) error {
	if e.Auth == nil {
		return e.UnauthorizedError("Sign in first.", nil)
	}
	doc, err := e.App.FindRecordById(schema.Documents, e.Request.PathValue("id"))
	if err != nil {
		return e.NotFoundError("", nil)
	}
	from := doc.GetString("supplier")
	if !e.HasSuperuserAuth() {
		if !canView(e, doc) {
			return e.NotFoundError("", nil)
		}
		var ok bool
		if from, ok = sharingEstablishment(e.App, e.Auth.Id, doc); !ok {
			return router.NewApiError(http.StatusForbidden, "Your profile does not allow sharing this document.", nil)
		}
	}
	var body createBody
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("The body is not valid JSON.", err)
	}
	est, err := e.App.FindRecordById(schema.Establishments, from)
	if err != nil {
		return err
	}
	link, err := s.newLink(e, doc, est, body)
	if err != nil {
		return err
	}
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	link.Set("tokenHash", hash)
	url := s.Cfg.Link("/s/" + token)
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(link); err != nil {
			return err
		}
		entry := audit.FromRequest(e, audit.ShareCreated)
		entry.Establishment, entry.Collection, entry.RecordID = est.Id, schema.ShareLinks, link.Id
		entry.Data = map[string]any{"document": doc.Id, "email": link.GetString("email"),
			"expiresAt": link.GetString("expiresAt"), "maxOpens": link.GetInt("maxOpens"), "requireEmail": link.GetBool("requireEmail")}
		if err := audit.Write(tx, entry); err != nil {
			return err
		}
		return notify.Email(tx, link.GetString("email"), s.lang(e, body.Lang), notify.Message{Kind: notify.KindShareLink, Vars: map[string]string{
			"sender": senderName(e.Auth), "establishment": est.GetString("name"), "document": documentTitle(tx, doc, s.lang(e, body.Lang)),
			"expires": link.GetDateTime("expiresAt").Time().Format("2006-01-02"), "link": url,
		}})
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"id": link.Id, "url": url, "expiresAt": link.GetString("expiresAt")})
}

// newLink validates the body into an unsaved link: a valid address, an
// expiry in the future (default from the settings), opens ≥ 0, and an email
// check never weaker than the establishment's nor the supplier's.
func (s *Service) newLink(e *core.RequestEvent, doc, est *core.Record, body createBody) (*core.Record, error) {
	email := strings.ToLower(strings.TrimSpace(body.Email))
	if err := validation.Validate(email, validation.Required, is.EmailFormat); err != nil {
		return nil, apierr.Field("email", "validation_invalid_email", "Give the recipient's email address.")
	}
	now := s.Now()
	expires := now.Add(s.Cfg.ShareValidity)
	if body.ExpiresAt != "" {
		d, err := types.ParseDateTime(body.ExpiresAt)
		if err != nil || d.IsZero() {
			return nil, apierr.Field("expiresAt", "validation_invalid_date", "Give the expiry as a date.")
		}
		expires = d.Time()
	}
	if !expires.After(now) || expires.After(now.Add(maxValidity)) {
		return nil, apierr.Field("expiresAt", "validation_date_range", "The expiry must be in the future and within a year.")
	}
	if body.MaxOpens < 0 || body.MaxOpens > 1000 {
		return nil, apierr.Field("maxOpens", "validation_range", "The maximum number of opens is between 0 (no limit) and 1000.")
	}
	// The check is never weaker than the sender's setting nor, for a
	// customer re-sharing, than the document's supplier's (S15).
	requireEmail := est.GetBool("shareEmailCheck")
	if supplier := doc.GetString("supplier"); supplier != est.Id {
		if sup, err := e.App.FindRecordById(schema.Establishments, supplier); err == nil && sup.GetBool("shareEmailCheck") {
			requireEmail = true
		}
	}
	if body.RequireEmail != nil {
		if requireEmail && !*body.RequireEmail {
			return nil, apierr.Field("requireEmail", "validation_weaker_than_setting",
				"Your establishment or the document's supplier requires the recipient's email check.")
		}
		requireEmail = *body.RequireEmail
	}
	col, err := e.App.FindCachedCollectionByNameOrId(schema.ShareLinks)
	if err != nil {
		return nil, err
	}
	link := core.NewRecord(col)
	link.Load(map[string]any{"document": doc.Id, "email": email, "expiresAt": expires.UTC(), "maxOpens": body.MaxOpens,
		"requireEmail": requireEmail, "establishment": est.Id, "supplier": doc.GetString("supplier")})
	if !e.HasSuperuserAuth() {
		link.Set("createdBy", e.Auth.Id)
	}
	return link, nil
}

// canView asks the documents view rule, as a direct request would.
func canView(e *core.RequestEvent, doc *core.Record) bool {
	info, err := e.RequestInfo()
	if err != nil {
		return false
	}
	ok, err := e.App.CanAccessRecord(doc, info, doc.Collection().ViewRule)
	return err == nil && ok
}

// sharingEstablishment finds where user shares doc from (matrix: "upload,
// process, send and share"): its supplier, with any reach that lets it see
// the document, or a customer of that supplier where it handles every
// document.
func sharingEstablishment(app core.App, userID string, doc *core.Record) (string, bool) {
	var grants []struct {
		Establishment string `db:"establishment"`
		Reach         string `db:"reach"`
	}
	err := app.DB().Select("establishment", "reach").From(schema.Grants).
		Where(dbx.HashExp{"user": userID, "capability": string(profiles.HandleDocuments)}).All(&grants)
	if err != nil {
		return "", false
	}
	supplier := doc.GetString("supplier")
	for _, g := range grants {
		if g.Establishment == supplier {
			return supplier, true
		}
	}
	for _, g := range grants {
		if g.Reach == string(profiles.Everything) && tenancy.SeesPartner(app, userID, supplier) &&
			activeCustomer(app, g.Establishment, supplier) {
			return g.Establishment, true
		}
	}
	return "", false
}

func activeCustomer(app core.App, customer, supplier string) bool {
	n, err := app.CountRecords(schema.Relationships, dbx.HashExp{"customer": customer, "supplier": supplier,
		"status": schema.RelationshipActive})
	return err == nil && n > 0
}

func senderName(u *core.Record) string {
	if name := strings.TrimSpace(u.GetString("firstName") + " " + u.GetString("lastName")); name != "" {
		return name
	}
	return u.Email()
}

// documentTitle names a document by its type, in lang.
func documentTitle(app core.App, doc *core.Record, lang string) string {
	t, err := app.FindRecordById(schema.DocumentTypes, doc.GetString("type"))
	if err != nil {
		return ""
	}
	if lang == "en" && t.GetString("nameEn") != "" {
		return t.GetString("nameEn")
	}
	return t.GetString("name")
}

// lang is the recipient's language: the one asked for, else the sender's.
func (s *Service) lang(e *core.RequestEvent, asked string) string {
	if asked == "fr" || asked == "en" {
		return asked
	}
	if e.Auth != nil && e.Auth.GetString("lang") != "" {
		return e.Auth.GetString("lang")
	}
	return notify.DefaultLang
}
