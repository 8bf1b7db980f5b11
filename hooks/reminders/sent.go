package reminders

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// The reminders sent about one supplier, for its customer's supplier page
// (U2): what Vigie asked of the supplier and when, so a compliance manager
// sees it was chased before it writes a formal notice.

// SentReminder is one row of GET
// /api/vigie/establishments/{id}/suppliers/{supplier}/reminders.
type SentReminder struct {
	Type SentType `json:"type"`
	// Reason is what the reminder was about: "missing", "expiring" (30 and
	// 7 days before, and on the last valid day) or "expired" (weekly after).
	Reason string `json:"reason"`
	// Step is the moment of R2's cadence: d30, d7, d0, wN after expiry,
	// mN weeks missing.
	Step       string `json:"step"`
	Document   string `json:"document"`
	SentAt     string `json:"sentAt"`
	Recipients int    `json:"recipients"`
}

// SentType names the document type a reminder was about.
type SentType struct {
	ID     string `json:"id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn"`
}

// maxSentPerPage bounds one page of the answer.
const maxSentPerPage = 200

func bindSentRoute(se *core.ServeEvent) {
	se.Router.GET("/api/vigie/establishments/{id}/suppliers/{supplier}/reminders", func(e *core.RequestEvent) error {
		customer, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.SeeReports)
		if err != nil {
			return err
		}
		rel, err := e.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
			dbx.Params{"c": customer.Id, "s": e.Request.PathValue("supplier")})
		// A supplier the caller does not see answers as one that does not
		// exist (an adviser's colleague's supplier, T7).
		if err != nil || (!e.HasSuperuserAuth() && !tenancy.SeesRelationship(e.App, e.Auth.Id, rel.Id)) {
			return e.NotFoundError("", nil)
		}
		page, perPage, err := sentPage(e)
		if err != nil {
			return err
		}
		items, err := sentAbout(e.App, customer.Id, rel.GetString("supplier"), page, perPage)
		if err != nil {
			return e.InternalServerError("", err)
		}
		return e.JSON(http.StatusOK, map[string]any{"items": items, "page": page, "perPage": perPage})
	})
}

func sentPage(e *core.RequestEvent) (page, perPage int, err error) {
	page, perPage = 1, 50
	for name, dst := range map[string]*int{"page": &page, "perPage": &perPage} {
		raw := e.Request.URL.Query().Get(name)
		if raw == "" {
			continue
		}
		n, convErr := strconv.Atoi(raw)
		if convErr != nil || n < 1 || (name == "perPage" && n > maxSentPerPage) {
			return 0, 0, apis.NewBadRequestError("Invalid paging.", validation.Errors{
				name: validation.NewError("validation_invalid_"+name, fmt.Sprintf("A whole number from 1 (perPage: at most %d).", maxSentPerPage))})
		}
		*dst = n
	}
	return page, perPage, nil
}

// sentAbout reads one page of the log of customer × supplier, newest first,
// along its (customer, supplier, sentAt) index.
func sentAbout(app core.App, customer, supplier string, page, perPage int) ([]SentReminder, error) {
	var rows []struct {
		Type       string `db:"type"`
		Step       string `db:"step"`
		Document   string `db:"document"`
		SentAt     string `db:"sentAt"`
		Recipients int    `db:"recipients"`
		Code       string `db:"code"`
		Name       string `db:"name"`
		NameEn     string `db:"nameEn"`
	}
	err := app.DB().NewQuery("SELECT l.type, l.step, l.document, l.sentAt, COALESCE(json_array_length(l.recipients), 0) AS recipients," +
		" COALESCE(t.code, '') AS code, COALESCE(t.name, '') AS name, COALESCE(t.nameEn, '') AS nameEn" +
		" FROM " + schema.ReminderLog + " l LEFT JOIN " + schema.DocumentTypes + " t ON t.id = l.type" +
		" WHERE l.customer = {:c} AND l.supplier = {:s} AND l.step NOT LIKE '" + escalationPrefix + "%' ORDER BY l.sentAt DESC, l.id DESC LIMIT {:limit} OFFSET {:offset}").
		Bind(dbx.Params{"c": customer, "s": supplier, "limit": perPage, "offset": (page - 1) * perPage}).All(&rows)
	if err != nil {
		return nil, err
	}
	out := make([]SentReminder, len(rows))
	for i, r := range rows {
		reason, step := stepReason(r.Step)
		out[i] = SentReminder{Type: SentType{ID: r.Type, Code: r.Code, Name: r.Name, NameEn: r.NameEn},
			Reason: reason, Step: step, Document: r.Document, SentAt: r.SentAt, Recipients: r.Recipients}
	}
	return out, nil
}

// stepReason reads a logged step ("<document>:d30", "missing:m2"; see
// Engine.due) as its reason and cadence step.
func stepReason(logged string) (reason, step string) {
	step = logged[strings.LastIndexByte(logged, ':')+1:]
	switch {
	case strings.HasPrefix(logged, "missing:"):
		return "missing", step
	case strings.HasPrefix(step, "w"):
		return "expired", step
	}
	return "expiring", step
}
