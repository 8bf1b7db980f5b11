package documents

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"

	"vigie/hooks/locks"
	"vigie/internal/apierr"
	"vigie/internal/calendar"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/upload"
)

// applyUploadLimit makes the file fields' size bound the configured limit,
// so PocketBase also caps the request body near it instead of reading a
// huge upload before the hooks refuse it.
func (s *Service) applyUploadLimit(app core.App) error {
	docs, err := app.FindCollectionByNameOrId(schema.Documents)
	if err != nil {
		return err
	}
	limit := s.Cfg.UploadLimitBytes()
	changed := false
	for _, name := range []string{"file", "preview"} {
		if f, ok := docs.Fields.GetByName(name).(*core.FileField); ok && f.MaxSize != limit {
			f.MaxSize, changed = limit, true
		}
	}
	if !changed {
		return nil
	}
	return app.Save(docs)
}

// checkUpload refuses anything but a whole PDF, JPEG or PNG within the
// limit, before anything is stored (D3), normalises images (D4), and checks
// the document's type, addressee and uploader against the network and the
// profile matrix.
func (s *Service) checkUpload(e *core.RecordRequestEvent) error {
	doc := e.Record
	if err := s.checkFile(doc); err != nil {
		return err
	}
	docType, err := typeOf(e.App, doc)
	if err != nil {
		return err
	}
	if err := checkAudience(e.App, doc, docType); err != nil {
		return err
	}
	if !e.HasSuperuserAuth() {
		doc.Set("uploadedBy", e.Auth.Id)
		if err := checkHandler(e.App, e.Auth.Id, doc, docType); err != nil {
			return err
		}
	}
	doc.Set("status", "")
	doc.Set("replaces", "")
	if err := checkDateOrder(doc); err != nil {
		return err
	}
	if err := s.checkIssueDate(doc, docType); err != nil {
		return err
	}
	if err := s.checkSupersedable(e, doc); err != nil {
		return err
	}
	return e.Next()
}

// checkSupersedable refuses, with 423, a new version that would supersede
// a document someone else holds the lock of (K4): superseding rewrites its
// status, which the lock keeps for its holder.
func (s *Service) checkSupersedable(e *core.RecordRequestEvent, doc *core.Record) error {
	previous, err := currentVersions(e.App, doc.GetString("supplier"), doc.GetString("type"), doc.GetString("addressee"))
	if err != nil {
		return err
	}
	caller := ""
	if e.Auth != nil {
		caller = e.Auth.Id
	}
	for _, p := range previous {
		if err := locks.Writable(e.App, schema.Documents, p.Id, caller, s.Now()); err != nil {
			return err
		}
	}
	return nil
}

// checkFile reads the uploaded file and replaces it by what will be stored:
// a PDF as sent, an image re-encoded with a preview.
func (s *Service) checkFile(doc *core.Record) error {
	files := doc.GetUnsavedFiles("file")
	if len(files) != 1 {
		return apierr.Field("file", "validation_required", "Attach one PDF, JPEG or PNG file.")
	}
	f := files[0]
	limit := s.Cfg.UploadLimitBytes()
	if f.Size > limit {
		return apierr.Field("file", "validation_file_size_limit",
			fmt.Sprintf("The file is larger than the %d MB limit.", s.Cfg.UploadLimitMB))
	}
	data, err := readAll(f, limit)
	if err != nil {
		return err
	}
	kind, err := upload.Detect(data)
	if err != nil {
		return apierr.Field("file", "validation_file_content", "Refused: "+err.Error()+".")
	}
	if declared, ok := declaredKinds[strings.ToLower(filepath.Ext(f.OriginalName))]; ok && declared != kind {
		return apierr.Field("file", "validation_file_content",
			fmt.Sprintf("Refused: the file is named as %s but its content is %s.", declared.Label(), kind.Label()))
	}
	base := strings.TrimSuffix(filepath.Base(f.OriginalName), filepath.Ext(f.OriginalName))
	if base == "" || base == "." {
		base = "document"
	}
	if kind == upload.PDF {
		clean, err := filesystem.NewFileFromBytes(data, base+kind.Extension())
		if err != nil {
			return err
		}
		doc.Set("file", clean)
		doc.Set("preview", nil)
		return nil
	}
	n, err := upload.NormalizeImage(data, kind)
	if err != nil {
		return apierr.Field("file", "validation_file_content", "Refused: "+err.Error()+".")
	}
	clean, err := filesystem.NewFileFromBytes(n.Data, base+kind.Extension())
	if err != nil {
		return err
	}
	preview, err := filesystem.NewFileFromBytes(n.Preview, base+"-preview.jpg")
	if err != nil {
		return err
	}
	doc.Set("file", clean)
	doc.Set("preview", preview)
	return nil
}

// declaredKinds are the extensions that claim a format: a file claiming
// one and holding another is refused, as a disguise or a mistake.
var declaredKinds = map[string]upload.Kind{".pdf": upload.PDF, ".jpg": upload.JPEG, ".jpeg": upload.JPEG, ".png": upload.PNG}

func readAll(f *filesystem.File, limit int64) ([]byte, error) {
	r, err := f.Reader.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, apierr.Field("file", "validation_file_size_limit", "The file is larger than the upload limit.")
	}
	return data, nil
}

// checkAudience enforces D3's two kinds: a legal or financial document is
// shared (no addressee), a specific one is addressed to one active customer
// of the supplier; a customer's own type serves that customer only.
func checkAudience(app core.App, doc, docType *core.Record) error {
	supplier, addressee := doc.GetString("supplier"), doc.GetString("addressee")
	owner := docType.GetString("owner")
	if owner != "" && !activeRelationship(app, owner, supplier) {
		return apierr.Field("type", "validation_foreign_type", "This type belongs to a customer this supplier does not work with.")
	}
	if docType.GetString("kind") != schema.KindSpecific {
		if addressee != "" {
			return apierr.Field("addressee", "validation_shared_document",
				"A legal or financial document is shared with every customer collecting it: leave the addressee empty.")
		}
		return nil
	}
	switch {
	case addressee == "":
		return apierr.Field("addressee", "validation_required", "A specific document is addressed to one customer: choose it.")
	case owner != "" && addressee != owner:
		return apierr.Field("addressee", "validation_foreign_type", "This type belongs to another customer.")
	case !activeRelationship(app, addressee, supplier):
		return apierr.Field("addressee", "validation_not_customer", "The addressee is not an active customer of this supplier.")
	}
	return nil
}

func activeRelationship(app core.App, customer, supplier string) bool {
	var n int
	err := app.DB().Select("count(*)").From(schema.Relationships).Where(dbx.HashExp{
		"customer": customer, "supplier": supplier, "status": schema.RelationshipActive,
	}).Row(&n)
	return err == nil && n > 0
}

// checkHandler narrows the create rule to the matrix's cells: a delivery
// member uploads its own documents, a collector only the types its customer
// collects, for that customer; bank details need financial access.
func checkHandler(app core.App, userID string, doc, docType *core.Record) error {
	supplier := doc.GetString("supplier")
	var g struct {
		Reach    string `db:"reach"`
		Customer string `db:"customer"`
	}
	err := app.DB().Select("reach", "customer").From(schema.Grants).Where(dbx.HashExp{
		"user": userID, "establishment": supplier, "capability": string(profiles.HandleDocuments),
	}).Limit(1).One(&g)
	if err != nil {
		return forbidden("Your profile in this establishment does not allow uploading documents.")
	}
	collector := profiles.Reach(g.Reach) == profiles.Collected
	if collector && docType.GetString("kind") == schema.KindFinancial {
		// Bank details placed by a customer's agent would be read by every
		// customer paying the supplier: the classic payment fraud.
		return forbidden("Bank details come from the supplier's own members, not from a collector.")
	}
	if docType.GetString("kind") == schema.KindFinancial {
		var n int
		_ = app.DB().Select("count(*)").From(schema.Grants).Where(dbx.HashExp{
			"user": userID, "establishment": supplier, "capability": string(profiles.SeeFinancial),
		}).Row(&n)
		if n == 0 {
			return forbidden("Bank details need the financial module and option.")
		}
	}
	if !collector {
		return nil
	}
	if a := doc.GetString("addressee"); a != "" && a != g.Customer {
		return forbidden("A collector sends documents to its own customer only.")
	}
	// A collector works for one customer (S10): what it sends is held for
	// that customer, beside the supplier's own version, which it neither
	// supersedes nor replaces for the supplier's other customers.
	doc.Set("addressee", g.Customer)
	collected, err := collects(app, g.Customer, supplier, docType.Id)
	if err != nil {
		return err
	}
	if !collected {
		return forbidden("Your customer does not collect this document type.")
	}
	return nil
}

func forbidden(message string) error {
	return router.NewApiError(http.StatusForbidden, message, nil)
}

// collects reports whether customer collects docType from supplier (D2).
func collects(app core.App, customer, supplier, docType string) (bool, error) {
	var n int
	err := app.DB().Select("count(*)").From(schema.Requirements).Where(dbx.And(
		dbx.HashExp{"customer": customer, "type": docType},
		dbx.NewExp("(supplier = {:s} OR supplier = '')", dbx.Params{"s": supplier}),
	)).Row(&n)
	return n > 0, err
}

// defaultDates fills what the uploader left out: valid from today, until the
// end of the type's validity period (D1), and refuses an end before the start.
func (s *Service) defaultDates(doc, docType *core.Record) error {
	// V3: the issue date, else the start typed, else today; validity runs
	// from the issue date.
	issued, from := doc.GetDateTime("issuedOn"), doc.GetDateTime("validFrom")
	switch {
	case issued.IsZero() && from.IsZero():
		t, _ := time.Parse(calendar.Layout, string(s.today()))
		doc.Set("issuedOn", t)
	case issued.IsZero():
		doc.Set("issuedOn", from)
	}
	issued = doc.GetDateTime("issuedOn")
	if from.IsZero() {
		doc.Set("validFrom", issued)
	}
	if doc.GetDateTime("validUntil").IsZero() {
		if months := legalMonths(docType); months > 0 {
			// Valid while it is less than that many months old.
			last := calendar.AddDays(calendar.AddMonths(string(dayOf(issued)), months), -1)
			t, _ := time.Parse(calendar.Layout, last)
			doc.Set("validUntil", t)
		} else if days := docType.GetInt("validityDays"); days > 0 {
			doc.Set("validUntil", issued.Time().AddDate(0, 0, days))
		}
	}
	return checkDateOrder(doc)
}

// urssafMaxAgeMonths is how old an URSSAF attestation may be when it is
// collected: the Labour Code (D8222-5) wants one of less than 6 months.
const urssafMaxAgeMonths = 6

// legalMonths is the validity the law counts in calendar months for a
// built-in type, 0 where the type's validityDays apply.
func legalMonths(docType *core.Record) int {
	if docType.GetString("code") == "urssaf" && docType.GetString("owner") == "" {
		return urssafMaxAgeMonths
	}
	return 0
}

// checkIssueDate refuses, on upload, an issue date in the future and an
// URSSAF attestation older than the law accepts, naming its date (V3).
func (s *Service) checkIssueDate(doc, docType *core.Record) error {
	issued := doc.GetDateTime("issuedOn")
	if issued.IsZero() {
		return nil
	}
	day := dayOf(issued)
	today := s.today()
	if day > today {
		return apierr.FieldParams("issuedOn", "validation_future_date", map[string]any{"issuedOn": string(day)},
			fmt.Sprintf("The document's date, %s, is in the future.", day))
	}
	if months := legalMonths(docType); months > 0 && day <= Day(calendar.AddMonths(string(today), -months)) {
		return apierr.FieldParams("issuedOn", "validation_stale_attestation", map[string]any{"issuedOn": string(day)},
			fmt.Sprintf("This URSSAF attestation was issued on %s, %d months ago or more: the law asks for one of less than %d months.",
				day, months, months))
	}
	return nil
}

// checkDates keeps an edited document's dates in order, and a corrected
// issue date within what the law accepts (V3).
func (s *Service) checkDates(e *core.RecordRequestEvent) error {
	if err := checkDateOrder(e.Record); err != nil {
		return err
	}
	if !e.Record.GetDateTime("issuedOn").Equal(e.Record.Original().GetDateTime("issuedOn")) {
		docType, err := typeOf(e.App, e.Record)
		if err != nil {
			return err
		}
		if err := s.checkIssueDate(e.Record, docType); err != nil {
			return err
		}
	}
	return e.Next()
}

func checkDateOrder(doc *core.Record) error {
	from, until := doc.GetDateTime("validFrom"), doc.GetDateTime("validUntil")
	if !until.IsZero() && !from.IsZero() && until.Time().Before(from.Time()) {
		return apierr.Field("validUntil", "validation_date_order", "The end of validity comes before its start.")
	}
	return nil
}

// checkRequirement accepts a requirement for one supplier only if the
// customer works with it (D2).
func checkRequirement(e *core.RecordRequestEvent) error {
	supplier := e.Record.GetString("supplier")
	if supplier != "" {
		var n int
		_ = e.App.DB().Select("count(*)").From(schema.Relationships).Where(dbx.HashExp{
			"customer": e.Record.GetString("customer"), "supplier": supplier,
		}).Row(&n)
		if n == 0 {
			return apierr.Field("supplier", "validation_not_supplier", "This establishment is not one of your suppliers.")
		}
	}
	return e.Next()
}
