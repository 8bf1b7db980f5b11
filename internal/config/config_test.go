package config

import (
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func TestSettingsFromEnvThenFlagsP3(t *testing.T) {
	c := Default()
	env := map[string]string{
		"VIGIE_PUBLIC_URL":      "https://vigie.example.fr/",
		"VIGIE_UPLOAD_LIMIT_MB": "25",
		"VIGIE_LOCK_TIMEOUT":    "2h",
		"VIGIE_ALLOW_SIGNUP":    "true",
		"VIGIE_QUERY_TIMEOUT":   "9s",
	}
	if err := c.LoadEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	c.BindFlags(fs)
	if err := fs.Parse([]string{"--upload-limit-mb=30", "--smtp-host=mail.local", "--query-timeout=2s"}); err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://vigie.example.fr/" || c.UploadLimitMB != 30 || c.LockTimeout != 2*time.Hour ||
		!c.AllowSignup || c.SMTP.Host != "mail.local" || c.ReminderSchedule != "0 7 * * *" || c.QueryTimeout != 2*time.Second {
		t.Fatalf("unexpected config %+v", c)
	}
	if got := c.Link("/invite.html?t=1"); got != "https://vigie.example.fr/invite.html?t=1" {
		t.Fatalf("Link = %q", got)
	}
	if c.UploadLimitBytes() != 30<<20 {
		t.Fatal("UploadLimitBytes")
	}
}

func TestBadEnvNamesTheVariable(t *testing.T) {
	c := Default()
	err := c.LoadEnv(func(k string) string {
		if k == "VIGIE_UPLOAD_LIMIT_MB" {
			return "ten"
		}
		return ""
	})
	if err == nil || err.Error()[:len("config: VIGIE_UPLOAD_LIMIT_MB")] != "config: VIGIE_UPLOAD_LIMIT_MB" {
		t.Fatalf("err = %v", err)
	}
}
