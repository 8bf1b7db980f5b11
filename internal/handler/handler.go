// Package handler builds the HTTP handler `vigie serve` runs: PocketBase's
// router with every OnServe hook bound (Vigie's routes, middlewares and
// pages). Browser tests and benchmarks serve it without a full `serve`.
package handler

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// New returns app's handler, triggering its OnServe hooks as `serve` does.
func New(app core.App) (http.Handler, error) {
	router, err := apis.NewRouter(app)
	if err != nil {
		return nil, err
	}
	var mux http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	})
	return mux, err
}
