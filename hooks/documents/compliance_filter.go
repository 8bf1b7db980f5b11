package documents

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
	"vigie/internal/textfold"
)

// ComplianceFilter narrows a page of the compliance answer (U1): suppliers
// with a cell in Status, of Type, whose name or SIRET contains Query,
// ordered by Sort. The items of a filtered page are the cells that match;
// its summary counts the cells of the matching suppliers whatever their
// status (so the chart still shows the share of the status asked), and
// TotalSuppliers counts the suppliers that match.
type ComplianceFilter struct {
	Status string
	Type   string
	Query  string
	Sort   string
}

// The orders a filtered page may ask: by name (the default), by name
// descending, or the suppliers with the worst cell first.
const (
	SortByName     = "name"
	SortByNameDesc = "-name"
	SortByStatus   = "status"
)

// maxQueryLength bounds the search text, in characters.
const maxQueryLength = 100

// worstFirst ranks statuses for SortByStatus: what the law does not accept
// (expired, then missing) before what soon will not be.
var worstFirst = map[string]int32{schema.StatusExpired: 0, schema.StatusMissing: 1, schema.StatusExpiring: 2, schema.StatusValid: 3}

// parseComplianceFilter reads status, type, q and sort; each refused value
// names its parameter.
func parseComplianceFilter(query url.Values) (ComplianceFilter, error) {
	f := ComplianceFilter{Status: query.Get("status"), Type: query.Get("type"),
		Query: strings.TrimSpace(query.Get("q")), Sort: query.Get("sort")}
	errs := validation.Errors{}
	if _, ok := worstFirst[f.Status]; f.Status != "" && !ok {
		errs["status"] = validation.NewError("validation_invalid_status", "One of valid, expiring, expired, missing.")
	}
	if f.Sort != "" && f.Sort != SortByName && f.Sort != SortByNameDesc && f.Sort != SortByStatus {
		errs["sort"] = validation.NewError("validation_invalid_sort", "One of name, -name, status.")
	}
	if utf8.RuneCountInString(f.Query) > maxQueryLength {
		errs["q"] = validation.NewError("validation_length_too_long", "At most 100 characters.")
	}
	if len(errs) > 0 {
		return f, apis.NewBadRequestError("Invalid filter.", errs)
	}
	return f, nil
}

// active says whether f asks anything beyond the default page.
func (f ComplianceFilter) active() bool {
	return f.Status != "" || f.Type != "" || f.Query != "" || (f.Sort != "" && f.Sort != SortByName)
}

// keeps says whether a cell answers f's status and type.
func (f ComplianceFilter) keeps(typ, status string) bool {
	return (f.Type == "" || typ == f.Type) && (f.Status == "" || status == f.Status)
}

// filteredPage answers a filtered page from the cached cells (summaryEntry):
// one pass over the visible suppliers in memory, then the page's items read
// as an unfiltered page's are.
func (s *Service) filteredPage(ctx context.Context, app core.App, customer, userID, only string, financial bool, f ComplianceFilter, page, perPage int) (*Compliance, error) {
	entry, err := s.summaryEntry(ctx, app, customer, userID, only)
	if err != nil {
		return nil, err
	}
	parties, err := s.partiesOf(app, customer, userID, only, entry.changes)
	if err != nil {
		return nil, err
	}
	out := &Compliance{Page: page, PerPage: perPage, Summary: emptySummary()}
	needle, digits := textfold.Fold(f.Query), textfold.Digits(f.Query)
	// Indexes into parties, with each one's worst status: a customer with
	// 20,000 suppliers is 20,000 small entries per request, not copies.
	type match struct{ at, worst int32 }
	var matches []match
	for i, p := range parties.list {
		if f.Query != "" && !strings.Contains(parties.folded[i], needle) && (len(digits) < 3 || !strings.Contains(p.SIRET, digits)) {
			continue
		}
		worst, kept := int32(len(worstFirst)), f.Status == "" && f.Type == ""
		for _, c := range entry.cells[p.ID] {
			if f.Type != "" && c.typ != f.Type {
				continue
			}
			out.Summary[c.status]++
			worst = min(worst, worstFirst[c.status])
			kept = kept || f.keeps(c.typ, c.status)
		}
		if kept {
			matches = append(matches, match{int32(i), worst})
		}
	}
	switch f.Sort {
	case SortByNameDesc:
		slices.Reverse(matches)
	case SortByStatus:
		slices.SortStableFunc(matches, func(a, b match) int { return int(a.worst - b.worst) })
	}
	out.TotalSuppliers = len(matches)
	from := min((page-1)*perPage, len(matches))
	suppliers := make([]Party, 0, perPage)
	for _, m := range matches[from:min(from+perPage, len(matches))] {
		suppliers = append(suppliers, parties.list[m.at])
	}
	items, duties, err := s.items(app, customer, suppliers, financial)
	if err != nil {
		return nil, err
	}
	out.Suppliers, out.Items = duties, items[:0]
	for _, it := range items {
		if f.keeps(it.Type.ID, it.Status) {
			out.Items = append(out.Items, it)
		}
	}
	return out, nil
}

// partiesOf is visibleSuppliers' full list with each name folded for the
// search, kept while the change counter stays at changes: a filter typed
// letter by letter reads it once.
func (s *Service) partiesOf(app core.App, customer, userID, only string, changes int64) (partiesEntry, error) {
	key := summaryKey{customer, userID, only}
	s.summaries.mu.Lock()
	kept, ok := s.summaries.parties[key]
	s.summaries.mu.Unlock()
	if ok && kept.changes == changes {
		return kept, nil
	}
	list, err := visibleSuppliers(app, customer, userID, only, 0, 0)
	if err != nil {
		return partiesEntry{}, err
	}
	kept = partiesEntry{changes: changes, list: list, folded: make([]string, len(list))}
	for i, p := range list {
		kept.folded[i] = textfold.Fold(p.Name)
	}
	s.summaries.mu.Lock()
	c := &s.summaries
	if c.parties == nil {
		c.parties = map[summaryKey]partiesEntry{}
	}
	c.parties[key] = kept
	c.cells += len(list) // a supplier weighs about a cell
	s.summaries.mu.Unlock()
	return kept, nil
}
