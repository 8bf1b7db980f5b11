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
	"vigie/internal/audience"
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
	Items []ComplianceItem `json:"items"`
	// Suppliers says, in the items' order, where each supplier stands under
	// the vigilance duty (V4).
	Suppliers      []SupplierDuty `json:"suppliers"`
	Summary        map[string]int `json:"summary"`
	TotalSuppliers int            `json:"totalSuppliers"`
	Page           int            `json:"page,omitempty"`
	PerPage        int            `json:"perPage,omitempty"`
}

func (s *Service) bindComplianceRoute(se *core.ServeEvent) {
	se.Router.GET("/api/vigie/establishments/{id}/compliance", func(e *core.RequestEvent) error {
		customer, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.SeeReports)
		if err != nil {
			return err
		}
		userID := "" // whose partner rows bound the suppliers; none for the operator
		financial := e.HasSuperuserAuth()
		if !financial {
			financial = tenancy.Holds(e.App, e.Auth.Id, customer.Id, profiles.SeeFinancial)
			if !tenancy.ReachesEveryPartner(e.App, e.Auth.Id, customer.Id) {
				userID = e.Auth.Id
			}
		}
		query := e.Request.URL.Query()
		only := query.Get("supplier")
		filter, err := parseComplianceFilter(query)
		if err != nil {
			return err
		}
		if format := query.Get("format"); format != "" && format != "csv" {
			return apis.NewBadRequestError("Invalid format.", validation.Errors{
				"format": validation.NewError("validation_invalid_format", "csv, or nothing for JSON.")})
		}
		if query.Get("format") == "csv" { // X2: every cell the filters keep, as a spreadsheet
			out, err := s.allCells(e.Request.Context(), e.App, customer.Id, userID, only, financial, filter)
			if err != nil {
				return e.InternalServerError("", err)
			}
			return writeComplianceCSV(e, out, csvLang(e))
		}
		if !query.Has("page") && !query.Has("perPage") && !filter.active() {
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
		var out *Compliance
		if filter.active() {
			out, err = s.filteredPage(e.Request.Context(), e.App, customer.Id, userID, only, financial, filter, page, perPage)
		} else {
			out, err = s.CompliancePage(e.Request.Context(), e.App, customer.Id, userID, only, financial, page, perPage)
		}
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
	if out.Items, out.Suppliers, err = s.items(app, customer, suppliers, financial); err != nil {
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
	out := &Compliance{Page: page, PerPage: perPage}
	var err error
	if out.Summary, out.TotalSuppliers, err = s.summary(ctx, app, customer, userID, onlySupplier); err != nil {
		return nil, err
	}
	var suppliers []Party
	offset := (page - 1) * perPage
	if onlySupplier == "" && walkPays(app, out.TotalSuppliers, perPage, offset) {
		suppliers, err = suppliersByWalk(app, customer, userID, perPage, offset)
	} else {
		suppliers, err = visibleSuppliers(app, customer, userID, onlySupplier, perPage, offset)
	}
	if err != nil {
		return nil, err
	}
	if out.Items, out.Suppliers, err = s.items(app, customer, suppliers, financial); err != nil {
		return nil, err
	}
	return out, nil
}

func emptySummary() map[string]int {
	return map[string]int{schema.StatusValid: 0, schema.StatusExpiring: 0, schema.StatusExpired: 0, schema.StatusMissing: 0}
}

// items are the (supplier, type) cells of suppliers, in their order; a
// page of suppliers is read in four statements whatever its size.
func (s *Service) items(app core.App, customer string, suppliers []Party, financial bool) ([]ComplianceItem, []SupplierDuty, error) {
	items, duties := []ComplianceItem{}, []SupplierDuty{}
	today := s.today()
	for start := 0; start < len(suppliers); start += itemsBatch {
		batch := suppliers[start:min(start+itemsBatch, len(suppliers))]
		ids := make([]any, len(batch))
		for i, sup := range batch {
			ids[i] = sup.ID
		}
		collected, kinds, err := collectedBySupplier(app, customer, ids)
		if err != nil {
			return nil, nil, err
		}
		current, err := currentBySuppliers(app, customer, ids)
		if err != nil {
			return nil, nil, err
		}
		batchDuties, err := s.duties(app, customer, ids, collected, kinds)
		if err != nil {
			return nil, nil, err
		}
		duties = append(duties, batchDuties...)
		for _, sup := range batch {
			for _, t := range collected(sup.ID) {
				item := ComplianceItem{Supplier: sup, Status: schema.StatusMissing, Type: kinds[t]}
				if doc, ok := current[sup.ID][t]; ok {
					item.Status = StatusOn(doc.ValidUntil, today, s.Cfg.ExpiringDays)
					if !doc.ValidUntil.IsZero() {
						item.ValidUntil = string(dayOf(doc.ValidUntil))
					}
					if kinds[t].Kind != schema.KindFinancial || financial {
						item.Document = doc.ID
					}
				}
				items = append(items, item)
			}
		}
	}
	return items, duties, nil
}

// itemsBatch bounds the suppliers of one statement (SQLite's variables).
const itemsBatch = 500

// collectedBySupplier reads the types customer collects from suppliers
// (tenancy.CollectedTypes, for many at once): collected(supplier) lists
// them by type name, and kinds describes each.
func collectedBySupplier(app core.App, customer string, suppliers []any) (func(string) []string, map[string]Kind, error) {
	var rows []struct {
		Supplier string `db:"supplier"`
		ID       string `db:"id"`
		Code     string `db:"code"`
		Name     string `db:"name"`
		Kind     string `db:"kind"`
	}
	err := app.DB().Select("r.supplier", "t.id", "t.code", "t.name", "t.kind").Distinct(true).From(schema.Requirements+" r").
		InnerJoin(schema.DocumentTypes+" t", dbx.NewExp("t.id = r.type")).
		Where(dbx.HashExp{"r.customer": customer}).AndWhere(dbx.In("r.supplier", append(suppliers, "")...)).
		OrderBy("t.name", "t.id").All(&rows)
	if err != nil {
		return nil, nil, err
	}
	kinds := map[string]Kind{}
	own := map[string][]string{}
	for _, r := range rows {
		kinds[r.ID] = Kind{ID: r.ID, Code: r.Code, Name: r.Name, Kind: r.Kind}
		own[r.Supplier] = append(own[r.Supplier], r.ID)
	}
	collected := func(supplier string) []string {
		seen := map[string]bool{}
		var out []string
		for _, r := range rows { // in type order, each type once
			if (r.Supplier == "" || r.Supplier == supplier) && !seen[r.ID] {
				seen[r.ID] = true
				out = append(out, r.ID)
			}
		}
		return out
	}
	return collected, kinds, nil
}

// visibleSuppliers lists customer's active suppliers the user sees through
// its partner rows, or all of them for the operator.
// limit > 0 asks one page of them.
func visibleSuppliers(app core.App, customer, userID, only string, limit, offset int) ([]Party, error) {
	q := app.DB().Select("e.id", "e.siret", "e.name").Distinct(true).From(schema.Relationships+" r").
		InnerJoin(schema.Establishments+" e", dbx.NewExp("e.id = r.supplier")).
		Where(dbx.HashExp{"r.customer": customer, "r.status": schema.RelationshipActive}).
		OrderBy("e.name", "e.id")
	if userID != "" {
		q = q.InnerJoin(schema.DocumentAccess+" g", dbx.NewExp(audience.SeesRelationshipSQL("g", "r.id"), dbx.Params{"u": userID}))
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
	Supplier   string         `db:"supplier"`
	Type       string         `db:"type"`
	ValidUntil types.DateTime `db:"validUntil"`
}

// currentBySuppliers maps each supplier's types to its current version for
// customer: shared documents and those addressed to it.
func currentBySuppliers(app core.App, customer string, suppliers []any) (map[string]map[string]currentDoc, error) {
	var docs []currentDoc
	err := app.DB().Select("id", "supplier", "type", "validUntil").From(schema.Documents).
		Where(dbx.In("supplier", suppliers...)).
		AndWhere(dbx.NewExp("status != 'superseded' AND (addressee = '' OR addressee = {:c})", dbx.Params{"c": customer})).
		OrderBy("created", "rowid").All(&docs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]currentDoc, len(suppliers))
	for _, d := range docs {
		if out[d.Supplier] == nil {
			out[d.Supplier] = map[string]currentDoc{}
		}
		out[d.Supplier][d.Type] = d // the latest wins (ties: the last written; the summary's order too)
	}
	return out, nil
}
