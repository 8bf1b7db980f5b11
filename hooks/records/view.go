package records

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"vigie/internal/apierr"
)

// view is PocketBase's recordView (apis/record_crud.go) with the query
// bound to the request (queryContext). A record outside the view rule, or a
// rule that does not compile, answers 404 as there.
func (s *Service) view(e *core.RequestEvent, collection *core.Collection) error {
	if err := s.limits.CheckCollection(e, collection, "view"); err != nil {
		return err
	}
	id := e.Request.PathValue("id")
	if id == "" {
		return e.NotFoundError("", nil)
	}
	info, err := e.RequestInfo()
	if err != nil {
		return apierr.Or(err, e.BadRequestError("", err))
	}
	superuser := info.HasSuperuserAuth()
	if collection.ViewRule == nil && !superuser {
		return e.ForbiddenError("Only superusers can perform this action.", nil)
	}

	ctx, cancel := s.queryContext(e, superuser)
	defer cancel()
	record, err := e.App.FindRecordById(collection, id, func(q *dbx.SelectQuery) error {
		q.WithContext(ctx)
		if superuser || *collection.ViewRule == "" {
			return nil
		}
		if source := s.views[collection.Name]; source != nil && source(e, collection, q) {
			return nil
		}
		resolver := core.NewRecordFieldResolver(e.App, collection, info, true)
		expr, err := search.FilterData(*collection.ViewRule).BuildExpr(resolver)
		if err != nil {
			return err
		}
		q.AndWhere(expr)
		return resolver.UpdateQuery(q)
	})
	if err := cutShort(ctx, e); err != nil {
		return err
	}
	if err != nil || record == nil {
		return e.NotFoundError("", err)
	}

	event := &core.RecordRequestEvent{RequestEvent: e, Record: record}
	event.Collection = collection
	return e.App.OnRecordViewRequest().Trigger(event, func(e *core.RecordRequestEvent) error {
		if err := apis.EnrichRecord(e.RequestEvent, e.Record); err != nil {
			return apierr.Or(err, e.InternalServerError("Failed to enrich record", err))
		}
		return e.JSON(http.StatusOK, e.Record)
	})
}
