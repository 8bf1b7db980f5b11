// Package pages serves the portal's pages, embedded in the binary (P1), so
// the executable works when copied alone to another folder.
package pages

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"vigie/pb_public"
)

// Register serves pb_public at / after every other route is bound, so API
// routes and the dashboard keep theirs.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(se *core.ServeEvent) error {
			if !se.Router.HasRoute(http.MethodGet, "/{path...}") {
				se.Router.GET("/{path...}", apis.Static(pb_public.FS(), false))
			}
			return se.Next()
		},
		Priority: 999,
	})
}
