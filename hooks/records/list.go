package records

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/search"

	"vigie/internal/apierr"
	"vigie/internal/querypolicy"
)

// list is PocketBase's recordsList (apis/record_crud.go) with the query
// bound to the request (queryContext) and, for a collection with a
// ListSource, the rule's filtering done by the source.
func (s *Service) list(e *core.RequestEvent, collection *core.Collection) error {
	if err := s.limits.CheckCollection(e, collection, "list"); err != nil {
		return err
	}
	info, err := e.RequestInfo()
	if err != nil {
		return apierr.Or(err, e.BadRequestError("", err))
	}
	superuser := info.HasSuperuserAuth()
	if collection.ListRule == nil && !superuser {
		return e.ForbiddenError("Only superusers can perform this action.", nil)
	}
	if err := superuserOnlyFields(info); err != nil {
		return err
	}
	if !superuser {
		params := e.Request.URL.Query() // read as the search provider reads them
		if err := querypolicy.Check(collection, params.Get(search.FilterQueryParam), params.Get(search.SortQueryParam)); err != nil {
			return err
		}
	}

	ctx, cancel := s.queryContext(e, superuser)
	defer cancel()
	query := e.App.RecordQuery(collection).WithContext(ctx)
	resolver := core.NewRecordFieldResolver(e.App, collection, info, true)
	ruled := !superuser && collection.ListRule != nil && *collection.ListRule != ""
	if source := s.sources[collection.Name]; ruled && (source == nil || !source(e, collection, info, query)) {
		expr, err := search.FilterData(*collection.ListRule).BuildExpr(resolver)
		if err != nil {
			return err
		}
		query.AndWhere(expr)
	}
	resolver.SetAllowHiddenFields(superuser) // hidden fields are searchable only by superusers

	provider := search.NewProvider(resolver).Query(query)
	if !collection.IsView() {
		provider.CountCol("_rowid_") // the table's, or a source view's column of that name
	}
	records := []*core.Record{}
	result, err := provider.ParseAndExec(e.Request.URL.Query().Encode(), &records)
	if err := cutShort(ctx, e); err != nil {
		return err
	}
	if err != nil {
		return apierr.Or(err, e.BadRequestError("", err))
	}

	event := &core.RecordsListRequestEvent{RequestEvent: e, Records: records, Result: result}
	event.Collection = collection
	return e.App.OnRecordsListRequest().Trigger(event, func(e *core.RecordsListRequestEvent) error {
		expandByProbe(ctx, e.RequestEvent, info, collection, e.Records)
		if err := apis.EnrichRecords(e.RequestEvent, e.Records); err != nil {
			return apierr.Or(err, e.InternalServerError("Failed to enrich records", err))
		}
		// PocketBase slows down repeated filtered searches that find
		// nothing, against timing attacks through the rule: so do we.
		if ruled && info.Query[search.FilterQueryParam] != "" && len(e.Records) == 0 &&
			s.limits.Check(e.RequestEvent, "@pb_list_timing_check_"+collection.Id, listTimingRule) != nil {
			randomizedThrottle(500 * time.Millisecond)
		}
		return e.JSON(http.StatusOK, e.Result)
	})
}

// superuserOnlyFields is PocketBase's refusal of @collection and @request
// in the filter and sort of anyone but a superuser.
func superuserOnlyFields(info *core.RequestInfo) error {
	if info.HasSuperuserAuth() {
		return nil
	}
	for _, param := range []string{search.FilterQueryParam, search.SortQueryParam} {
		for _, field := range []string{"@collection.", "@request."} {
			if strings.Contains(info.Query[param], field) {
				return router.NewForbiddenError("Only superusers can filter by "+field, nil)
			}
		}
	}
	return nil
}

func randomizedThrottle(max time.Duration) {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(max)))
	if err != nil {
		time.Sleep(max)
		return
	}
	time.Sleep(time.Duration(n.Int64()))
}

// listTimingRule is PocketBase's allowance of filtered searches that find
// nothing before it slows the next ones down.
var listTimingRule = core.RateLimitRule{MaxRequests: 3, Duration: 3}
