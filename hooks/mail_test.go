package hooks_test

import (
	"strings"
	"testing"

	"vigie/internal/handler"
	"vigie/internal/testkit"
)

// Issue 18, item 17: with an SMTP host and no sender, serve starts with
// vigie@ the public URL's host when that is a domain name, and otherwise
// refuses to start saying what to set; the former default (vigie@localhost)
// is no address PocketBase's settings accept.
func TestMailSenderDefault(t *testing.T) {
	for _, c := range []struct {
		sender, publicURL string
		want, refusal     string
	}{
		{"", "https://portail.example.fr", "vigie@portail.example.fr", ""},
		{"", "https://portail.example.fr:8443/vigie", "vigie@portail.example.fr", ""},
		{"conformite@example.fr", "http://127.0.0.1:8090", "conformite@example.fr", ""},
		{"", "http://127.0.0.1:8090", "", "VIGIE_MAIL_FROM"},
		{"", "http://localhost:8090", "", "VIGIE_MAIL_FROM"},
		{"vigie@localhost", "https://portail.example.fr", "", "VIGIE_MAIL_FROM"},
	} {
		cfg := testkit.Config()
		cfg.SMTP.Host, cfg.SMTP.Sender, cfg.PublicURL = "mail.example.fr", c.sender, c.publicURL
		app := testkit.NewAppWith(t, &cfg)
		_, err := handler.New(app)
		switch {
		case c.refusal != "":
			if err == nil || !strings.Contains(err.Error(), c.refusal) {
				t.Errorf("sender %q, %s: serve started or said %v", c.sender, c.publicURL, err)
			}
		case err != nil:
			t.Errorf("sender %q, %s: %v", c.sender, c.publicURL, err)
		default:
			if got := app.Settings().Meta.SenderAddress; got != c.want || !app.Settings().SMTP.Enabled {
				t.Errorf("sender %q, %s: sends as %q", c.sender, c.publicURL, got)
			}
		}
	}
}
