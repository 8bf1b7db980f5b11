package network

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/tenancy"
	"vigie/internal/audience"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/textfold"
)

// "My suppliers" at 20,000 suppliers (U1): PocketBase's filter on
// supplier.name joins every relationship to its establishment in each
// request (5 s on the large-customer set), so the list's search, sort and
// count are answered here, from the rows the relationships rule shows the
// caller, and the page's records are then read and expanded as
// PocketBase's list would (apis.EnrichRecords: the expanded collections'
// own rules, emails hidden as PocketBase hides them).

// The orders the list may ask.
const (
	supplierSortName       = "name"
	supplierSortNameDesc   = "-name"
	supplierSortNewest     = "-created" // the default: what was added last first
	supplierSortOldest     = "created"
	maxSupplierQuery       = 100
	maxSuppliersPerPage    = 200
	defaultSuppliersOnPage = 50
)

// supplierListAge bounds how long a cached list may keep a supplier's old
// name or city; who is listed never waits: the change counter (migration
// 1764008300) moves with every write to relationships and grants.
const supplierListAge = 30 * time.Second

// maxCachedLists bounds the cache; past it, it starts afresh.
const maxCachedLists = 256

type supplierRow struct {
	Relationship string `db:"rel"`
	Name         string `db:"name"`
	SIRET        string `db:"siret"`
	City         string `db:"city"`
	Created      string `db:"created"`
}

type supplierList struct {
	changes  int64
	loadedAt time.Time
	rows     []supplierRow // by folded name, then relationship id
	folded   []string
}

// listKey names a cached list; the app is part of it because each test
// runs its own.
type listKey struct {
	app            core.App
	customer, user string
}

var supplierLists = struct {
	sync.Mutex
	m map[listKey]*supplierList
}{m: map[listKey]*supplierList{}}

// supplierQuery is what one request of the list asks.
type supplierQuery struct {
	Query         string
	Sort          string
	Page, PerPage int
}

func parseSupplierQuery(q url.Values) (supplierQuery, error) {
	out := supplierQuery{Query: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Page: 1, PerPage: defaultSuppliersOnPage}
	if out.Sort == "" {
		out.Sort = supplierSortNewest
	}
	errs := validation.Errors{}
	switch out.Sort {
	case supplierSortName, supplierSortNameDesc, supplierSortNewest, supplierSortOldest:
	default:
		errs["sort"] = validation.NewError("validation_invalid_sort", "One of name, -name, created, -created.")
	}
	if utf8.RuneCountInString(out.Query) > maxSupplierQuery {
		errs["q"] = validation.NewError("validation_length_too_long", fmt.Sprintf("At most %d characters.", maxSupplierQuery))
	}
	for name, dst := range map[string]*int{"page": &out.Page, "perPage": &out.PerPage} {
		raw := q.Get(name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || (name == "perPage" && n > maxSuppliersPerPage) {
			errs[name] = validation.NewError("validation_invalid_"+name, fmt.Sprintf("A whole number from 1 (perPage: at most %d).", maxSuppliersPerPage))
			continue
		}
		*dst = n
	}
	if len(errs) > 0 {
		return out, apis.NewBadRequestError("Invalid list query.", errs)
	}
	return out, nil
}

// bindSupplierListRoute serves GET /api/vigie/establishments/{id}/suppliers
// to the customer's members: its active relationships the caller sees,
// searched by name or SIRET, sorted and paged, in PocketBase's list shape.
func bindSupplierListRoute(se *core.ServeEvent) {
	se.Router.GET("/api/vigie/establishments/{id}/suppliers", func(e *core.RequestEvent) error {
		customer, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.Member)
		if err != nil {
			return err
		}
		query, err := parseSupplierQuery(e.Request.URL.Query())
		if err != nil {
			return err
		}
		viewer := ""
		if !e.HasSuperuserAuth() {
			viewer = e.Auth.Id
		}
		list, err := visibleSupplierList(e.App, customer.Id, viewer)
		if err != nil {
			return e.InternalServerError("", err)
		}
		ids, total := list.page(query)
		records, err := e.App.FindRecordsByIds(schema.Relationships, ids)
		if err != nil {
			return e.InternalServerError("", err)
		}
		byID := make(map[string]*core.Record, len(records))
		for _, r := range records {
			byID[r.Id] = r
		}
		items := make([]*core.Record, 0, len(ids))
		for _, id := range ids { // in the list's order; a row gone since it was read is left out
			if r := byID[id]; r != nil && r.GetString("customer") == customer.Id && r.GetString("status") == schema.RelationshipActive {
				items = append(items, r)
			}
		}
		if err := apis.EnrichRecords(e, items, "supplier", "referents"); err != nil {
			return e.InternalServerError("", err)
		}
		return e.JSON(http.StatusOK, map[string]any{
			"page": query.Page, "perPage": query.PerPage, "totalItems": total,
			"totalPages": (total + query.PerPage - 1) / query.PerPage, "items": items,
		})
	})
}

// page is the relationship ids of one page of l for q, and how many match.
func (l *supplierList) page(q supplierQuery) ([]string, int) {
	needle, digits := textfold.Fold(q.Query), textfold.Digits(q.Query)
	matches := make([]int32, 0, len(l.rows))
	for i, r := range l.rows {
		if q.Query == "" || strings.Contains(l.folded[i], needle) || (len(digits) >= 3 && strings.Contains(r.SIRET, digits)) {
			matches = append(matches, int32(i))
		}
	}
	switch q.Sort {
	case supplierSortNameDesc:
		slices.Reverse(matches)
	case supplierSortNewest, supplierSortOldest:
		slices.SortStableFunc(matches, func(a, b int32) int {
			c := strings.Compare(l.rows[a].Created, l.rows[b].Created)
			if q.Sort == supplierSortNewest {
				c = -c
			}
			return c
		})
	}
	from := min((q.Page-1)*q.PerPage, len(matches))
	ids := make([]string, 0, q.PerPage)
	for _, at := range matches[from:min(from+q.PerPage, len(matches))] {
		ids = append(ids, l.rows[at].Relationship)
	}
	return ids, len(matches)
}

// visibleSupplierList is customer's active relationships that viewer sees,
// by supplier name: the relationships rule's own question (a relationship
// access row, audience.SeesRelationshipSQL) asked once for all of them.
// An empty viewer is the operator, who sees them all.
func visibleSupplierList(app core.App, customer, viewer string) (*supplierList, error) {
	changes, err := changeCount(app)
	if err != nil {
		return nil, err
	}
	key := listKey{app, customer, viewer}
	supplierLists.Lock()
	kept := supplierLists.m[key]
	supplierLists.Unlock()
	if kept != nil && kept.changes == changes && time.Since(kept.loadedAt) < supplierListAge {
		return kept, nil
	}
	q := app.DB().Select("r.id AS rel", "e.name AS name", "e.siret AS siret", "e.city AS city", "r.created AS created").
		From(schema.Relationships+" r").
		InnerJoin(schema.Establishments+" e", dbx.NewExp("e.id = r.supplier")).
		Where(dbx.HashExp{"r.customer": customer, "r.status": schema.RelationshipActive})
	if viewer != "" {
		q = q.InnerJoin(schema.DocumentAccess+" g", dbx.NewExp(audience.SeesRelationshipSQL("g", "r.id"), dbx.Params{"u": viewer}))
	}
	list := &supplierList{changes: changes, loadedAt: time.Now()}
	if err := q.All(&list.rows); err != nil {
		return nil, err
	}
	list.folded = make([]string, len(list.rows))
	for i, r := range list.rows {
		list.folded[i] = textfold.Fold(r.Name)
	}
	list.sortByName()
	supplierLists.Lock()
	if len(supplierLists.m) >= maxCachedLists {
		clear(supplierLists.m)
	}
	supplierLists.m[key] = list
	supplierLists.Unlock()
	return list, nil
}

// sortByName orders l as people read names: "ecrous" before "Société",
// whatever their capitals and accents; ties by relationship id.
func (l *supplierList) sortByName() {
	order := make([]int, len(l.rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := strings.Compare(l.folded[a], l.folded[b]); c != 0 {
			return c
		}
		return strings.Compare(l.rows[a].Relationship, l.rows[b].Relationship)
	})
	rows, folded := make([]supplierRow, len(order)), make([]string, len(order))
	for i, at := range order {
		rows[i], folded[i] = l.rows[at], l.folded[at]
	}
	l.rows, l.folded = rows, folded
}

func changeCount(app core.App) (int64, error) {
	var n int64
	err := app.DB().NewQuery("SELECT n FROM vigie_changes WHERE id = 1").Row(&n)
	return n, err
}
