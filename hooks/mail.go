package hooks

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/go-ozzo/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/config"
)

// applyMailSettings puts the configured SMTP server and sender into
// PocketBase's settings when the server starts. Without a configured host the
// dashboard's mail settings stay in charge.
func applyMailSettings(app core.App, cfg *config.Config) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if cfg.SMTP.Host == "" {
			return se.Next()
		}
		sender, err := mailSender(cfg)
		if err != nil {
			return err
		}
		s := se.App.Settings()
		s.SMTP.Enabled = true
		s.SMTP.Host = cfg.SMTP.Host
		s.SMTP.Port = cfg.SMTP.Port
		s.SMTP.Username = cfg.SMTP.Username
		s.SMTP.Password = cfg.SMTP.Password
		s.SMTP.TLS = cfg.SMTP.TLS
		s.Meta.SenderAddress = sender
		s.Meta.SenderName = cfg.SMTP.SenderName
		s.Meta.AppURL = cfg.PublicURL
		if err := se.App.Save(s); err != nil {
			return err
		}
		return se.Next()
	})
}

// mailSender is the configured sender, or vigie@ the public URL's host when
// that host is a domain name (issue 18: the former default, vigie@localhost,
// is no address PocketBase's settings accept, so serve refused to start).
// Anything else stops serve with what to set.
func mailSender(cfg *config.Config) (string, error) {
	sender := cfg.SMTP.Sender
	if sender == "" {
		if u, err := url.Parse(cfg.PublicURL); err == nil && strings.Contains(u.Hostname(), ".") && strings.Trim(u.Hostname(), "0123456789.") != "" {
			sender = "vigie@" + u.Hostname()
		}
	}
	if sender == "" || is.EmailFormat.Validate(sender) != nil {
		return "", fmt.Errorf("mail: %q is not a sender address an SMTP server accepts: set VIGIE_MAIL_FROM (--mail-from), "+
			"for example vigie@your-domain.fr, or a VIGIE_PUBLIC_URL on your domain", sender)
	}
	return sender, nil
}
