package security_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie/internal/handler"
	"vigie/internal/testkit"
)

// A wrong password for an account and for an unknown email, side by side
// (S14: time must not tell them apart): go test ./hooks/security -run '^$'
// -bench SignInRefused. Each request comes from its own address, under the
// lockout's bounds (40 requests a run).
func BenchmarkSignInRefused(b *testing.B) {
	for _, c := range []struct{ name, email string }{
		{"account", "delivery@home.test"},
		{"unknown", "nobody@home.test"},
	} {
		b.Run(c.name, func(b *testing.B) {
			w := testkit.NewWorld(b) // a fresh lockout per run: under its account bound
			h, err := handler.New(w.App)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				i++
				req := httptest.NewRequest(http.MethodPost, "/api/collections/users/auth-with-password",
					strings.NewReader(`{"identity":"`+c.email+`","password":"wrong-password-here"}`))
				req.Header.Set("Content-Type", "application/json")
				req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:4000", i>>16&255, i>>8&255, i&255)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusBadRequest {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
