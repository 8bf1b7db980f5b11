package documents

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/tenancy"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// ComplianceItem is one (supplier, type) cell of a customer's dashboard (D5).
type ComplianceItem struct {
	Supplier   Party  `json:"supplier"`
	Type       Kind   `json:"type"`
	Status     string `json:"status"`
	ValidUntil string `json:"validUntil"`
	// Document is the current version's id; empty when missing, or when
	// the caller may not see bank details.
	Document string `json:"document"`
}

// Party names an establishment in an answer.
type Party struct {
	ID    string `json:"id" db:"id"`
	SIRET string `json:"siret" db:"siret"`
	Name  string `json:"name" db:"name"`
}

// Kind names a document type in an answer.
type Kind struct {
	ID   string `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// Compliance is the answer of GET /api/vigie/establishments/{id}/compliance.
// Page and PerPage are set when a page was asked; TotalSuppliers counts
// every supplier the summary covers.
type Compliance struct {
	Items          []ComplianceItem `json:"items"`
	Summary        map[string]int   `json:"summary"`
	TotalSuppliers int              `json:"totalSuppliers"`
	Page           int              `json:"page,omitempty"`
	PerPage        int              `json:"perPage,omitempty"`
}

func (s *Service) bindComplianceRoute(se *core.ServeEvent) {
	se.Router.GET("/api/vigie/establishments/{id}/compliance", func(e *core.RequestEvent) error {
		customer, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.SeeReports)
		if err != nil {
			return err
		}
		userID := "" // whose partner grants bound the suppliers; none for the operator
		financial := e.HasSuperuserAuth()
		if !financial {
			financial = tenancy.Holds(e.App, e.Auth.Id, customer.Id, profiles.SeeFinancial)
			if !tenancy.ReachesEveryPartner(e.App, e.Auth.Id, customer.Id) {
				userID = e.Auth.Id
			}
		}
		query := e.Request.URL.Query()
		only := query.Get("supplier")
		if !query.Has("page") && !query.Has("perPage") {
			out, err := s.Compliance(e.App, customer.Id, userID, only, financial)
			if err != nil {
				return e.InternalServerError("", err)
			}
			return e.JSON(http.StatusOK, out)
		}
		page, perPage, err := pageParams(query)
		if err != nil {
			return err
		}
		out, err := s.CompliancePage(e.Request.Context(), e.App, customer.Id, userID, only, financial, page, perPage)
		if err != nil {
			return e.InternalServerError("", err)
		}
		return e.JSON(http.StatusOK, out)
	})
}

// MaxCompliancePerPage bounds a page of the compliance answer, in suppliers.
const MaxCompliancePerPage = 500

// pageParams reads page (from 1) and perPage (suppliers, default 50).
func pageParams(query url.Values) (page, perPage int, err error) {
	page, perPage = 1, 50
	for name, dst := range map[string]*int{"page": &page, "perPage": &perPage} {
		raw := query.Get(name)
		if raw == "" {
			continue
		}
		n, convErr := strconv.Atoi(raw)
		if convErr != nil || n < 1 || (name == "perPage" && n > MaxCompliancePerPage) {
			return 0, 0, apis.NewBadRequestError("Invalid paging.", validation.Errors{
				name: validation.NewError("validation_invalid_"+name, fmt.Sprintf("A whole number from 1 (perPage: at most %d).", MaxCompliancePerPage))})
		}
		*dst = n
	}
	return page, perPage, nil
}

// Compliance computes the status of every type customer collects from each
// supplier that userID sees (every active one when userID is empty; an
// adviser's assigned ones, T7), optionally one supplier only.
func (s *Service) Compliance(app core.App, customer, userID, onlySupplier string, financial bool) (*Compliance, error) {
	suppliers, err := visibleSuppliers(app, customer, userID, onlySupplier, 0, 0)
	if err != nil {
		return nil, err
	}
	out := &Compliance{Summary: emptySummary(), TotalSuppliers: len(suppliers)}
	if out.Items, err = s.items(app, customer, suppliers, financial); err != nil {
		return nil, err
	}
	for _, it := range out.Items {
		out.Summary[it.Status]++
	}
	return out, nil
}

// CompliancePage is one page of Compliance, perPage suppliers by name, with
// the summary of all of them (compliance_summary.go).
func (s *Service) CompliancePage(ctx context.Context, app core.App, customer, userID, onlySupplier string, financial bool, page, perPage int) (*Compliance, error) {
	suppliers, err := visibleSuppliers(app, customer, userID, onlySupplier, perPage, (page-1)*perPage)
	if err != nil {
		return nil, err
	}
	out := &Compliance{Page: page, PerPage: perPage}
	if out.Items, err = s.items(app, customer, suppliers, financial); err != nil {
		return nil, err
	}
	if out.Summary, out.TotalSuppliers, err = s.summary(ctx, app, customer, userID, onlySupplier); err != nil {
		return nil, err
	}
	return out, nil
}

func emptySummary() map[string]int {
	return map[string]int{schema.StatusValid: 0, schema.StatusExpiring: 0, schema.StatusExpired: 0, schema.StatusMissing: 0}
}

// items are the (supplier, type) cells of suppliers, in their order.
func (s *Service) items(app core.App, customer string, suppliers []Party, financial bool) ([]ComplianceItem, error) {
	items := []ComplianceItem{}
	typeCache := map[string]*core.Record{}
	today := s.today()
	for _, sup := range suppliers {
		collected, err := tenancy.CollectedTypes(app, customer, sup.ID)
		if err != nil {
			return nil, err
		}
		current, err := currentBySupplier(app, sup.ID, customer)
		if err != nil {
			return nil, err
		}
		for _, c := range collected {
			t, ok := typeCache[c.ID]
			if !ok {
				if t, err = app.FindRecordById(schema.DocumentTypes, c.ID); err != nil {
					return nil, err
				}
				typeCache[c.ID] = t
			}
			item := ComplianceItem{Supplier: sup, Status: schema.StatusMissing,
				Type: Kind{ID: t.Id, Code: t.GetString("code"), Name: t.GetString("name"), Kind: t.GetString("kind")}}
			if doc, ok := current[c.ID]; ok {
				item.Status = StatusOn(doc.ValidUntil, today, s.Cfg.ExpiringDays)
				if !doc.ValidUntil.IsZero() {
					item.ValidUntil = string(dayOf(doc.ValidUntil))
				}
				if c.Kind != schema.KindFinancial || financial {
					item.Document = doc.ID
				}
			}
			items = append(items, item)
		}
	}
	return items, nil
}

// visibleSuppliers lists customer's active suppliers the user sees through
// a partner grant, or all of them for the operator.
// limit > 0 asks one page of them.
func visibleSuppliers(app core.App, customer, userID, only string, limit, offset int) ([]Party, error) {
	q := app.DB().Select("e.id", "e.siret", "e.name").Distinct(true).From(schema.Relationships+" r").
		InnerJoin(schema.Establishments+" e", dbx.NewExp("e.id = r.supplier")).
		Where(dbx.HashExp{"r.customer": customer, "r.status": schema.RelationshipActive}).
		OrderBy("e.name", "e.id")
	if userID != "" {
		q = q.InnerJoin(schema.Grants+" g", dbx.NewExp("g.relationship = r.id AND g.user = {:u}", dbx.Params{"u": userID}))
	}
	if only != "" {
		q = q.AndWhere(dbx.HashExp{"r.supplier": only})
	}
	if limit > 0 {
		q = q.Limit(int64(limit)).Offset(int64(offset))
	}
	var out []Party
	return out, q.All(&out)
}

type currentDoc struct {
	ID         string         `db:"id"`
	Type       string         `db:"type"`
	ValidUntil types.DateTime `db:"validUntil"`
}

// currentBySupplier maps each type to supplier's current version for
// customer: shared documents and those addressed to it.
func currentBySupplier(app core.App, supplier, customer string) (map[string]currentDoc, error) {
	var docs []currentDoc
	err := app.DB().Select("id", "type", "validUntil").From(schema.Documents).
		Where(dbx.NewExp("supplier = {:s} AND status != 'superseded' AND (addressee = '' OR addressee = {:c})",
			dbx.Params{"s": supplier, "c": customer})).
		OrderBy("created", "rowid").All(&docs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]currentDoc, len(docs))
	for _, d := range docs {
		out[d.Type] = d // the latest wins (ties: the last written; the summary's order too)
	}
	return out, nil
}
