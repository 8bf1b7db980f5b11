package share

import (
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/audit"
	"vigie/hooks/notify"
	"vigie/hooks/pages"
	"vigie/internal/apierr"
	"vigie/internal/schema"
	"vigie/pb_public"
)

// redacted keeps the token out of the request log: once routed, the path
// the logger will record names the route, not the token.
func redacted(next func(*core.RequestEvent) error) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		token := e.Request.PathValue("token")
		err := next(e)
		path := e.Request.URL.Path
		if token != "" {
			path = strings.Replace(path, token, "{token}", 1)
		}
		e.Request.URL.Path, e.Request.URL.RawPath, e.Request.URL.RawQuery = path, "", ""
		return err
	}
}

// sharePrefixes start the paths that carry a share token or a signed file
// URL.
var sharePrefixes = []string{"/s/", "/api/vigie/share/", "/api/vigie/share-files/"}

// redactSharePaths lets the request through unchanged, then leaves to the
// logger only the share path's prefix: whatever answered, no token or
// signature reaches the request log.
func redactSharePaths(e *core.RequestEvent) error {
	err := e.Next()
	path := e.Request.URL.Path
	for _, prefix := range sharePrefixes {
		if strings.HasPrefix(strings.ToLower(path), prefix) {
			e.Request.URL.Path, e.Request.URL.RawPath, e.Request.URL.RawQuery = prefix+"{redacted}", "", ""
			break
		}
	}
	return err
}

// errNotOpened is the one answer to a wrong address and to an unknown token,
// so that tokens cannot be probed (L2).
func errNotOpened() error {
	return router.NewApiError(http.StatusForbidden, "This link cannot be opened with this email address.", nil)
}

func errGone() error {
	return router.NewApiError(http.StatusGone, "This link is no longer valid: it expired, was revoked, was used up or locked.", nil)
}

type emailBody struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// usable tells whether a link may still be opened: not revoked, locked or
// expired; with countOpens, not used up either (L3).
func (s *Service) usable(link *core.Record, countOpens bool) bool {
	if link.GetBool("revoked") || !link.GetDateTime("lockedAt").IsZero() ||
		!link.GetDateTime("expiresAt").Time().After(s.Now()) {
		return false
	}
	return !countOpens || link.GetInt("maxOpens") == 0 || link.GetInt("opens") < link.GetInt("maxOpens")
}

// check runs the email check of a link found by token; the answer is the
// error to return, after recording a failure.
func (s *Service) check(e *core.RequestEvent, token, typed string, countOpens bool) (*core.Record, error) {
	link := findLink(e.App, token)
	if link == nil {
		return nil, errNotOpened()
	}
	if !s.usable(link, countOpens) {
		return nil, errGone()
	}
	if !link.GetBool("requireEmail") {
		return link, nil
	}
	// Each check takes one of the link's remaining failures before it
	// compares (S11): parallel guesses can no longer all be compared while
	// the link reads unlocked; a right address gives its failure back.
	res, err := e.App.DB().NewQuery("UPDATE share_links SET failures = failures + 1 WHERE id = {:id} AND failures < {:max} AND lockedAt = ''").
		Bind(dbx.Params{"id": link.Id, "max": maxFailures}).Execute()
	if err != nil {
		return nil, err
	}
	if taken, _ := res.RowsAffected(); taken == 0 {
		return nil, errGone()
	}
	if sameEmail(typed, link.GetString("email")) {
		if _, err := e.App.DB().NewQuery("UPDATE share_links SET failures = failures - 1 WHERE id = {:id} AND failures > 0").
			Bind(dbx.Params{"id": link.Id}).Execute(); err != nil {
			return nil, err
		}
		return link, nil
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		// The failure that reaches the limit, and only it, locks the link.
		res, err := tx.DB().NewQuery("UPDATE share_links SET lockedAt = {:now} WHERE id = {:id} AND failures >= {:max} AND lockedAt = ''").
			Bind(dbx.Params{"max": maxFailures, "now": s.stamp(), "id": link.Id}).Execute()
		if err != nil {
			return err
		}
		locked, _ := res.RowsAffected()
		entry := s.entry(e, link, audit.ShareFailed)
		entry.Data["email"] = strings.TrimSpace(typed)
		if err := audit.Write(tx, entry); err != nil {
			return err
		}
		if locked == 1 {
			return audit.Write(tx, s.entry(e, link, audit.ShareLocked))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, errNotOpened()
}

// stamp is now, as the database stores dates.
func (s *Service) stamp() string {
	d, _ := types.ParseDateTime(s.Now().UTC())
	return d.String()
}

func (s *Service) entry(e *core.RequestEvent, link *core.Record, action string) audit.Entry {
	entry := audit.FromRequest(e, action)
	entry.Establishment, entry.Collection, entry.RecordID = link.GetString("establishment"), schema.ShareLinks, link.Id
	entry.Data = map[string]any{"at": s.Now().UTC().Format(time.RFC3339)}
	return entry
}

// open is POST /api/vigie/share/{token}: the email check, then the
// document's details and a short-lived URL for its file only (L2).
func (s *Service) open(e *core.RequestEvent) error {
	var body emailBody
	_ = e.BindBody(&body)
	link, err := s.check(e, e.Request.PathValue("token"), body.Email, true)
	if err != nil {
		return err
	}
	doc, err := e.App.FindRecordById(schema.Documents, link.GetString("document"))
	if err != nil {
		return errGone()
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		// One statement decides the last allowed open, another the first,
		// whatever runs beside.
		res, err := tx.DB().NewQuery("UPDATE share_links SET opens = opens + 1 WHERE id = {:id} AND (maxOpens = 0 OR opens < maxOpens)").
			Bind(dbx.Params{"id": link.Id}).Execute()
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errGone()
		}
		res, err = tx.DB().NewQuery("UPDATE share_links SET firstOpenedAt = {:now} WHERE id = {:id} AND firstOpenedAt = ''").
			Bind(dbx.Params{"now": s.stamp(), "id": link.Id}).Execute()
		if err != nil {
			return err
		}
		first, _ := res.RowsAffected()
		entry := s.entry(e, link, audit.ShareOpened)
		entry.Data["email"] = link.GetString("email")
		entry.Data["verified"] = link.GetBool("requireEmail")
		if err := audit.Write(tx, entry); err != nil {
			return err
		}
		if first == 1 {
			return s.notifySender(tx, link, doc, notify.KindShareOpened, nil)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{
		"document":     s.details(e.App, doc),
		"fileUrl":      s.fileURL(link, doc),
		"expiresAt":    link.GetString("expiresAt"),
		"acceptedAt":   link.GetString("acceptedAt"),
		"acceptedName": link.GetString("acceptedName"),
	})
}

// details is what the recipient learns of the document.
func (s *Service) details(app core.App, doc *core.Record) map[string]any {
	out := map[string]any{"id": doc.Id, "validFrom": doc.GetString("validFrom"), "validUntil": doc.GetString("validUntil"),
		"status": doc.GetString("status"), "fileName": doc.GetString("file")}
	if t, err := app.FindRecordById(schema.DocumentTypes, doc.GetString("type")); err == nil {
		out["type"] = map[string]string{"code": t.GetString("code"), "name": t.GetString("name"), "nameEn": t.GetString("nameEn")}
	}
	if sup, err := app.FindRecordById(schema.Establishments, doc.GetString("supplier")); err == nil {
		out["supplier"] = map[string]string{"name": sup.GetString("name"), "siret": sup.GetString("siret")}
	}
	return out
}

func (s *Service) fileURL(link, doc *core.Record) string {
	expires := strconv.FormatInt(s.Now().Add(fileURLTTL).Unix(), 10)
	name := doc.GetString("file")
	return "/api/vigie/share-files/" + link.Id + "/" + name + "?expires=" + expires + "&sig=" + s.fileSignature(link.Id, name, expires)
}

// file serves the one file a signed URL names, while the link lives; any
// other id, name or signature is a 404.
func (s *Service) file(e *core.RequestEvent) error {
	linkID, name := e.Request.PathValue("link"), e.Request.PathValue("file")
	q := e.Request.URL.Query()
	expires, sig := q.Get("expires"), q.Get("sig")
	unix, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || s.Now().Unix() > unix || !hmacEqual(sig, s.fileSignature(linkID, name, expires)) {
		return e.NotFoundError("", nil)
	}
	link, err := e.App.FindRecordById(schema.ShareLinks, linkID)
	if err != nil || !s.usable(link, false) {
		return e.NotFoundError("", nil)
	}
	doc, err := e.App.FindRecordById(schema.Documents, link.GetString("document"))
	if err != nil || doc.GetString("file") != name {
		return e.NotFoundError("", nil)
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return fsys.Serve(e.Response, e.Request, doc.BaseFilesPath()+"/"+name, name)
}

// accept is POST /api/vigie/share/{token}/accept: the recipient's typed
// name, the time and the address it came from are recorded (L4).
func (s *Service) accept(e *core.RequestEvent) error {
	var body emailBody
	_ = e.BindBody(&body)
	link, err := s.check(e, e.Request.PathValue("token"), body.Email, false)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(body.Name)
	if name == "" || len(name) > 200 {
		return apierr.Field("name", "validation_required", "Type your full name to accept.")
	}
	if !link.GetDateTime("acceptedAt").IsZero() {
		return router.NewApiError(http.StatusConflict, "This document was already accepted.", nil)
	}
	doc, err := e.App.FindRecordById(schema.Documents, link.GetString("document"))
	if err != nil {
		return errGone()
	}
	now := s.Now().UTC()
	link.Set("acceptedAt", now)
	link.Set("acceptedName", name)
	link.Set("acceptedIp", e.RealIP())
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(link); err != nil {
			return err
		}
		entry := s.entry(e, link, audit.ShareAccepted)
		entry.Data["email"], entry.Data["name"] = link.GetString("email"), name
		if err := audit.Write(tx, entry); err != nil {
			return err
		}
		return s.notifySender(tx, link, doc, notify.KindShareAccepted, map[string]string{"name": name})
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"acceptedAt": link.GetString("acceptedAt"), "acceptedName": name})
}

// notifySender tells the link's sender, in-app and by email.
func (s *Service) notifySender(app core.App, link, doc *core.Record, kind string, vars map[string]string) error {
	sender, err := app.FindRecordById(schema.Users, link.GetString("createdBy"))
	if err != nil {
		return nil // sent by the operator: nobody to tell
	}
	v := map[string]string{"email": link.GetString("email"), "document": documentTitle(app, doc, sender.GetString("lang")),
		"at": s.Now().UTC().Format("2006-01-02 15:04 MST")}
	for k, val := range vars {
		v[k] = val
	}
	return notify.User(app, sender, notify.Message{Kind: kind, Vars: v,
		Data: map[string]any{"shareLink": link.Id, "document": doc.Id}})
}

// page serves the recipient's page, the same for every token: it shows
// nothing until the email check passes.
func (s *Service) page(e *core.RequestEvent) error {
	html, err := fs.ReadFile(pb_public.FS(), "share.html")
	if err != nil {
		return err
	}
	pages.SecurityHeaders(e.Response.Header())
	e.Response.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.HTML(http.StatusOK, string(html))
}
