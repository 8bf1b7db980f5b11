package hooks

import (
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
		s := se.App.Settings()
		s.SMTP.Enabled = true
		s.SMTP.Host = cfg.SMTP.Host
		s.SMTP.Port = cfg.SMTP.Port
		s.SMTP.Username = cfg.SMTP.Username
		s.SMTP.Password = cfg.SMTP.Password
		s.SMTP.TLS = cfg.SMTP.TLS
		s.Meta.SenderAddress = cfg.SMTP.Sender
		s.Meta.SenderName = cfg.SMTP.SenderName
		s.Meta.AppURL = cfg.PublicURL
		if err := se.App.Save(s); err != nil {
			return err
		}
		return se.Next()
	})
}
