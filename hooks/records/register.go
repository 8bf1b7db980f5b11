// Package records serves PocketBase's records list and view
// (GET /api/collections/{collection}/records and .../records/{id}) for
// every collection, with PocketBase's parameters, answers, hooks, rate
// limits and errors, for one difference (S13): the query runs with the
// request's context and a deadline, so it stops when its client goes away
// or when it takes longer than the configured timeout, and the answer then
// says so (503) instead of a partial list or a 404. PocketBase gives these
// queries a 30 s timeout of their own and never the request's context.
//
// A collection may read its list from elsewhere than its compiled rule
// (ListFrom): the documents list reads a view shaped for SQLite.
//
// Upstream: apis/record_crud.go of PocketBase v0.36.8 (internal/upstream
// fails until it is compared again after an upgrade).
package records

import (
	"context"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"vigie/internal/config"
	"vigie/internal/ratelimit"
)

// PocketBase's records routes, whose rate limiter PocketBase unbinds and
// runs inside the handlers (so do these).
const (
	listPattern = "GET /api/collections/{collection}/records"
	viewPattern = "GET /api/collections/{collection}/records/{id}"
)

// ListSource narrows a list's query to the records the caller may list, in
// place of the collection's list rule, for a caller the rule applies to;
// it answers false to leave the query to the compiled rule.
type ListSource func(e *core.RequestEvent, collection *core.Collection, info *core.RequestInfo, query *dbx.SelectQuery) bool

// ViewSource narrows a view's query (one record by id) to a record the
// caller may view, in place of the collection's view rule; it answers false
// to leave the query to the compiled rule.
type ViewSource func(e *core.RequestEvent, collection *core.Collection, query *dbx.SelectQuery) bool

// Service serves the records list and view.
type Service struct {
	cfg     *config.Config
	limits  *ratelimit.Limiter
	sources map[string]ListSource // by collection name
	views   map[string]ViewSource // by collection name
}

// Register takes over PocketBase's records list and view routes of app.
// cfg is read per request.
func Register(app core.App, cfg *config.Config) *Service {
	s := &Service{cfg: cfg, limits: ratelimit.New(), sources: map[string]ListSource{}, views: map[string]ViewSource{}}
	bindRealtimeFilters(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id: "vigieRecordsRead",
			// After authentication and Vigie's session checks (priority 0).
			Priority: 1000,
			Func:     s.serve,
		})
		return se.Next()
	})
	return s
}

// ListFrom makes source answer the lists of the collection named name.
func (s *Service) ListFrom(name string, source ListSource) { s.sources[name] = source }

// ViewFrom makes source answer the views of the collection named name.
func (s *Service) ViewFrom(name string, source ViewSource) { s.views[name] = source }

// serve takes the records list and view by collection, however the path
// names it (name, id, any case): the same collection must not reach
// PocketBase's unbounded query nor a rate-limit bucket of its own.
func (s *Service) serve(e *core.RequestEvent) error {
	if e.Request.Pattern != listPattern && e.Request.Pattern != viewPattern {
		return e.Next()
	}
	collection, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
	if err != nil {
		return e.Next() // PocketBase's 404
	}
	if e.Request.Pattern == listPattern {
		return s.list(e, collection)
	}
	return s.view(e, collection)
}

// queryContext is the request's context with the caller's query timeout:
// superusers keep PocketBase's own (the dashboard's unindexed searches).
func (s *Service) queryContext(e *core.RequestEvent, superuser bool) (context.Context, context.CancelFunc) {
	timeout := s.cfg.QueryTimeout
	if superuser || timeout <= 0 {
		timeout = core.DefaultQueryTimeout
	}
	return context.WithTimeout(e.Request.Context(), timeout)
}

// Messages of the 503 answered for a query cut short.
const (
	TimeoutMessage   = "The request took longer than the server allows and was stopped; narrow the filter or try again."
	CancelledMessage = "The request was cancelled before its answer was ready."
)

// cutShort answers 503 once ctx has ended, whatever the query returned:
// dbx reads rows until the first failure without reporting it, so a query
// stopped between two rows gives a partial list and no error.
func cutShort(ctx context.Context, e *core.RequestEvent) error {
	if ctx.Err() == nil {
		return nil
	}
	message := TimeoutMessage
	if e.Request.Context().Err() != nil { // the client went away
		message = CancelledMessage
	}
	return router.NewApiError(http.StatusServiceUnavailable, message, ctx.Err())
}
