package network

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/records"
	"vigie/hooks/tenancy"
	"vigie/internal/audience"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/textfold"
)

// "My suppliers" at 20,000 suppliers and "My customers" at 2,000 customers
// (U1): PocketBase's filter on supplier.name joins every relationship to
// its establishment in each request (5 s on the large-customer set), so
// the lists' search, sort and count are answered here, from the rows the
// relationships rule shows the caller (kept until a write to the tables
// they come from), and the page's records are then read and expanded as
// the list endpoint does (records.EnrichList: the expanded collections'
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

// maxCachedLists and maxCachedRows bound the cache (a row is about 120
// bytes: 300,000 of them, 15 readers of the 20,000-supplier customer, are
// about 36 MB); past either, it starts afresh.
const (
	maxCachedLists = 256
	maxCachedRows  = 300_000
)

type supplierRow struct {
	Relationship string `db:"rel"`
	Name         string `db:"name"`
	SIRET        string `db:"siret"`
	Created      string `db:"created"`
}

type supplierList struct {
	changes int64         // the list counter when it was read
	rows    []supplierRow // by folded name, then relationship id
	folded  []string
	orders  map[string][]int32 // indexes into rows, for each sort
}

// listKey names a cached list; the app is part of it because each test
// runs its own.
type listKey struct {
	app       core.App
	side      listSide
	own, user string
}

var supplierLists = struct {
	sync.Mutex
	m    map[listKey]*supplierList
	rows int
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

// The two sides of a relationship a list can show: a customer's suppliers
// ("My suppliers") and a supplier's customers ("My customers").
type listSide struct {
	own, other string // the path's establishment, the listed one
	expand     string // the listed establishment and the contacts
}

var (
	suppliersSide = listSide{own: "customer", other: "supplier", expand: "supplier,referents"}
	customersSide = listSide{own: "supplier", other: "customer", expand: "customer"}
)

// bindSupplierListRoute serves GET /api/vigie/establishments/{id}/suppliers
// to the customer's members and GET …/{id}/customers to the supplier's:
// the active relationships the caller sees on that side, searched by the
// other side's name or SIRET, sorted and paged, in PocketBase's list shape.
func bindSupplierListRoute(se *core.ServeEvent) {
	se.Router.GET("/api/vigie/establishments/{id}/suppliers", func(e *core.RequestEvent) error {
		return serveRelationshipList(e, suppliersSide)
	})
	se.Router.GET("/api/vigie/establishments/{id}/customers", func(e *core.RequestEvent) error {
		return serveRelationshipList(e, customersSide)
	})
}

func serveRelationshipList(e *core.RequestEvent, side listSide) error {
	own, err := tenancy.RequireCapability(e, e.Request.PathValue("id"), profiles.Member)
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
	list, err := visibleList(e.App, side, own.Id, viewer)
	if err != nil {
		return e.InternalServerError("", err)
	}
	switch format := e.Request.URL.Query().Get("format"); format {
	case "":
	case "csv":
		all := query
		all.Page, all.PerPage = 1, len(list.rows)+1
		ids, _ := list.page(all)
		return writeListCSV(e, side, ids)
	default:
		return apis.NewBadRequestError("Invalid format.", validation.Errors{
			"format": validation.NewError("validation_invalid_format", "csv, or nothing for JSON.")})
	}
	ids, total := list.page(query)
	relationships, err := e.App.FindCachedCollectionByNameOrId(schema.Relationships)
	if err != nil {
		return e.InternalServerError("", err)
	}
	found, err := e.App.FindRecordsByIds(relationships, ids)
	if err != nil {
		return e.InternalServerError("", err)
	}
	byID := make(map[string]*core.Record, len(found))
	for _, r := range found {
		byID[r.Id] = r
	}
	items := make([]*core.Record, 0, len(ids))
	for _, id := range ids { // in the list's order; a row gone since it was read is left out
		if r := byID[id]; r != nil && r.GetString(side.own) == own.Id && r.GetString("status") == schema.RelationshipActive {
			items = append(items, r)
		}
	}
	if err := records.EnrichList(e, relationships, items, strings.Split(side.expand, ",")...); err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, map[string]any{
		"page": query.Page, "perPage": query.PerPage, "totalItems": total,
		"totalPages": (total + query.PerPage - 1) / query.PerPage, "items": items,
	})
}

// page is the relationship ids of one page of l for q, and how many match:
// one pass over the rows in the order asked, computed when l was read.
func (l *supplierList) page(q supplierQuery) ([]string, int) {
	needle, digits := textfold.Fold(q.Query), textfold.Digits(q.Query)
	from := (q.Page - 1) * q.PerPage
	ids := make([]string, 0, q.PerPage)
	matched := 0
	for _, at := range l.orders[q.Sort] {
		if q.Query != "" && !strings.Contains(l.folded[at], needle) && (len(digits) < 3 || !strings.Contains(l.rows[at].SIRET, digits)) {
			continue
		}
		if matched >= from && len(ids) < q.PerPage {
			ids = append(ids, l.rows[at].Relationship)
		}
		matched++
	}
	return ids, matched
}

// visibleList is own's active relationships on side that viewer sees, by
// the other side's name: the relationships rule's own question (a
// relationship access row, audience.SeesRelationshipSQL) asked once for
// all of them. An empty viewer is the operator, who sees them all.
func visibleList(app core.App, side listSide, own, viewer string) (*supplierList, error) {
	changes, err := listCount(app)
	if err != nil {
		return nil, err
	}
	key := listKey{app, side, own, viewer}
	supplierLists.Lock()
	kept := supplierLists.m[key]
	supplierLists.Unlock()
	if kept != nil && kept.changes == changes {
		return kept, nil
	}
	q := app.DB().Select("r.id AS rel", "e.name AS name", "e.siret AS siret", "r.created AS created").
		From(schema.Relationships+" r").
		InnerJoin(schema.Establishments+" e", dbx.NewExp("e.id = r."+side.other)).
		Where(dbx.HashExp{"r." + side.own: own, "r.status": schema.RelationshipActive})
	if viewer != "" {
		q = q.InnerJoin(schema.DocumentAccess+" g", dbx.NewExp(audience.SeesRelationshipSQL("g", "r.id"), dbx.Params{"u": viewer}))
	}
	list := &supplierList{changes: changes}
	if err := q.All(&list.rows); err != nil {
		return nil, err
	}
	list.folded = make([]string, len(list.rows))
	for i, r := range list.rows {
		list.folded[i] = textfold.Fold(r.Name)
	}
	list.sortRows()
	supplierLists.Lock()
	if len(supplierLists.m) >= maxCachedLists || supplierLists.rows+len(list.rows) > maxCachedRows {
		clear(supplierLists.m)
		supplierLists.rows = 0
	}
	if old := supplierLists.m[key]; old != nil {
		supplierLists.rows -= len(old.rows)
	}
	supplierLists.m[key] = list
	supplierLists.rows += len(list.rows)
	supplierLists.Unlock()
	return list, nil
}

// sortRows orders l's rows as people read names ("ecrous" before
// "Société", whatever their capitals and accents; ties by relationship id)
// and keeps each order the list may ask.
func (l *supplierList) sortRows() {
	order := make([]int32, len(l.rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
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
	byName := make([]int32, len(rows))
	for i := range byName {
		byName[i] = int32(i)
	}
	oldest := slices.Clone(byName)
	slices.SortStableFunc(oldest, func(a, b int32) int { return strings.Compare(rows[a].Created, rows[b].Created) })
	l.orders = map[string][]int32{supplierSortName: byName, supplierSortNameDesc: reversed(byName),
		supplierSortOldest: oldest, supplierSortNewest: reversed(oldest)}
	for i := range rows {
		rows[i].Created = "" // in the orders now
	}
}

func reversed(s []int32) []int32 {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// listCount is the counter that every write to the list's tables moves
// (migration 1764009600): a cached list is current while it stays.
func listCount(app core.App) (int64, error) {
	var n int64
	err := app.DB().NewQuery("SELECT n FROM vigie_changes WHERE id = 2").Row(&n)
	return n, err
}
