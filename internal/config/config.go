// Package config holds Vigie's settings (P3). Each comes from an environment
// variable and may be overridden by a command-line flag of the same meaning.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Config is every setting Vigie reads at start-up.
type Config struct {
	// PublicURL is where people reach the portal; links in emails point there.
	PublicURL string
	// SMTP is the outgoing mail server; an empty host keeps PocketBase's own
	// mail settings (dashboard) untouched.
	SMTP SMTP
	// EncryptionKey encrypts TOTP secrets at rest (32 bytes, hex or raw); when
	// empty one is generated into pb_data.
	EncryptionKey string
	// UploadLimitMB bounds one uploaded document.
	UploadLimitMB int
	// ExpiringDays is the window before a document's last valid day in
	// which it is "expiring" (D5).
	ExpiringDays int
	// EscalateAfter is how many reminders an overdue item gets before the
	// customer's member in charge is told (V7).
	EscalateAfter int
	// LockTimeout is how long a record lock lasts (K2).
	LockTimeout time.Duration
	// ReminderSchedule is the cron expression of the reminder run (R1).
	ReminderSchedule string
	// DigestSchedule is the cron expression of the customers' weekly digest (R3).
	DigestSchedule string
	// HousekeepingSchedule is the cron expression of the clean-up and status
	// sweep (R4, D5).
	HousekeepingSchedule string
	// TimeZone is the scheduler's time zone.
	TimeZone string
	// AllowSignup opens public sign-up; off by default, accounts come from
	// invitations and the operator.
	AllowSignup bool
	// InviteValidity is how long an invitation link may be used.
	InviteValidity time.Duration
	// ShareValidity is a share link's lifetime when its sender gives none (L3).
	ShareValidity time.Duration
	// QueryTimeout bounds the database query of a records list or view
	// asked by anyone but a superuser (S13); the query also stops when its
	// client goes away.
	QueryTimeout time.Duration
	// DutyThresholdEUR is the contract amount, excluding tax, from which the
	// vigilance duty applies to a relationship (V1; D8222-1: 5,000 €).
	DutyThresholdEUR float64
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Host       string
	Port       int
	Username   string
	Password   string
	TLS        bool
	Sender     string
	SenderName string
}

// Default returns the settings used when nothing is configured.
func Default() Config {
	return Config{
		PublicURL:            "http://127.0.0.1:8090",
		SMTP:                 SMTP{Port: 587, SenderName: "Vigie"},
		UploadLimitMB:        10,
		ExpiringDays:         30,
		EscalateAfter:        3,
		LockTimeout:          4 * time.Hour,
		ReminderSchedule:     "0 7 * * *",
		DigestSchedule:       "0 7 * * 1",
		HousekeepingSchedule: "17 * * * *",
		TimeZone:             "Europe/Paris",
		InviteValidity:       7 * 24 * time.Hour,
		ShareValidity:        14 * 24 * time.Hour,
		QueryTimeout:         5 * time.Second,
		DutyThresholdEUR:     5000,
	}
}

// env maps each setting to its environment variable; Bind uses the same
// names, in kebab case, for flags.
type setting struct {
	env, flag, usage string
	target           any
}

func (c *Config) settings() []setting {
	return []setting{
		{"VIGIE_PUBLIC_URL", "public-url", "public URL of the portal, used in emailed links", &c.PublicURL},
		{"VIGIE_SMTP_HOST", "smtp-host", "SMTP server host (empty: keep the dashboard's mail settings)", &c.SMTP.Host},
		{"VIGIE_SMTP_PORT", "smtp-port", "SMTP server port", &c.SMTP.Port},
		{"VIGIE_SMTP_USERNAME", "smtp-username", "SMTP user name", &c.SMTP.Username},
		{"VIGIE_SMTP_PASSWORD", "smtp-password", "SMTP password (prefer the environment variable)", &c.SMTP.Password},
		{"VIGIE_SMTP_TLS", "smtp-tls", "use implicit TLS for SMTP", &c.SMTP.TLS},
		{"VIGIE_MAIL_FROM", "mail-from", "sender address of Vigie's emails (empty: vigie@ the public URL's host)", &c.SMTP.Sender},
		{"VIGIE_MAIL_FROM_NAME", "mail-from-name", "sender name of Vigie's emails", &c.SMTP.SenderName},
		{"VIGIE_ENCRYPTION_KEY", "encryption-key", "32-byte key (64 hex digits) encrypting TOTP secrets; generated into pb_data when empty", &c.EncryptionKey},
		{"VIGIE_UPLOAD_LIMIT_MB", "upload-limit-mb", "largest accepted document, in MB", &c.UploadLimitMB},
		{"VIGIE_EXPIRING_DAYS", "expiring-days", "days before a document's end date in which it counts as expiring", &c.ExpiringDays},
		{"VIGIE_ESCALATE_AFTER", "escalate-after", "reminders an overdue document gets before the customer's member in charge is told", &c.EscalateAfter},
		{"VIGIE_LOCK_TIMEOUT", "lock-timeout", "how long a record lock lasts", &c.LockTimeout},
		{"VIGIE_REMINDER_SCHEDULE", "reminder-schedule", "cron expression of the reminder run", &c.ReminderSchedule},
		{"VIGIE_DIGEST_SCHEDULE", "digest-schedule", "cron expression of the customers' weekly digest", &c.DigestSchedule},
		{"VIGIE_HOUSEKEEPING_SCHEDULE", "housekeeping-schedule", "cron expression of the clean-up and status sweep", &c.HousekeepingSchedule},
		{"VIGIE_TIMEZONE", "timezone", "time zone of the scheduler", &c.TimeZone},
		{"VIGIE_ALLOW_SIGNUP", "allow-signup", "let anyone create an account (off: invitations only)", &c.AllowSignup},
		{"VIGIE_INVITE_VALIDITY", "invite-validity", "how long an invitation link stays valid", &c.InviteValidity},
		{"VIGIE_SHARE_VALIDITY", "share-validity", "default lifetime of a share link", &c.ShareValidity},
		{"VIGIE_DUTY_THRESHOLD", "duty-threshold", "contract amount in euros excl. tax from which the vigilance duty applies", &c.DutyThresholdEUR},
		{"VIGIE_QUERY_TIMEOUT", "query-timeout", "longest a records list or view may query the database (superusers: 30s)", &c.QueryTimeout},
	}
}

// LoadEnv overrides c with the environment variables that are set.
func (c *Config) LoadEnv(getenv func(string) string) error {
	for _, s := range c.settings() {
		v := strings.TrimSpace(getenv(s.env))
		if v == "" {
			continue
		}
		if err := set(s.target, v); err != nil {
			return fmt.Errorf("config: %s: %w", s.env, err)
		}
	}
	return nil
}

// BindFlags declares one flag per setting on fs, defaulting to c's current
// values, so flags override the environment.
func (c *Config) BindFlags(fs *pflag.FlagSet) {
	for _, s := range c.settings() {
		usage := s.usage + " (env " + s.env + ")"
		switch p := s.target.(type) {
		case *string:
			fs.StringVar(p, s.flag, *p, usage)
		case *int:
			fs.IntVar(p, s.flag, *p, usage)
		case *bool:
			fs.BoolVar(p, s.flag, *p, usage)
		case *time.Duration:
			fs.DurationVar(p, s.flag, *p, usage)
		case *float64:
			fs.Float64Var(p, s.flag, *p, usage)
		}
	}
}

// FromEnvironment returns the defaults overridden by the process environment.
func FromEnvironment() (Config, error) {
	c := Default()
	err := c.LoadEnv(os.Getenv)
	return c, err
}

// UploadLimitBytes is UploadLimitMB in bytes.
func (c *Config) UploadLimitBytes() int64 { return int64(c.UploadLimitMB) << 20 }

// Link joins the public URL and a path.
func (c *Config) Link(path string) string {
	return strings.TrimRight(c.PublicURL, "/") + "/" + strings.TrimLeft(path, "/")
}

func set(target any, v string) error {
	switch p := target.(type) {
	case *string:
		*p = v
	case *int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		*p = n
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return err
		}
		*p = b
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		*p = d
	case *float64:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return fmt.Errorf("not a non-negative number: %q", v)
		}
		*p = f
	}
	return nil
}
