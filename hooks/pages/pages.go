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

// ContentSecurityPolicy is the pages' policy: scripts, styles and
// connections from the portal itself only (no inline script anywhere), the
// QR code as a data: image, no framing, no plugins, forms posted home.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the pages' headers; the share page uses it too.
func SecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}

// Register serves pb_public at / after every other route is bound, so API
// routes and the dashboard keep theirs.
func Register(app core.App) {
	static := apis.Static(pb_public.FS(), false)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(se *core.ServeEvent) error {
			if !se.Router.HasRoute(http.MethodGet, "/{path...}") {
				se.Router.GET("/{path...}", func(e *core.RequestEvent) error {
					SecurityHeaders(e.Response.Header())
					return static(e)
				})
			}
			return se.Next()
		},
		Priority: 999,
	})
}
