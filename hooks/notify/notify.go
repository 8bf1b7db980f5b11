// Package notify tells people what happened: an in-app notification record and
// an email through PocketBase's mailer, in the recipient's language.
package notify

import (
	"bytes"
	"fmt"
	"html"
	"net/mail"
	"strings"
	"sync"
	gotemplate "text/template"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"vigie/internal/bulk"

	"vigie/internal/schema"
)

// Message is one thing to tell one person.
type Message struct {
	Kind string
	// Vars fill the kind's template.
	Vars map[string]string
	// Data is stored with the in-app notification for the pages to act on.
	Data map[string]any
}

// DefaultLang is used for people who did not choose one.
const DefaultLang = "fr"

// User notifies a user in-app and by email. Within a transaction the record
// commits with it and the email leaves only once it has committed.
func User(app core.App, user *core.Record, msg Message) error {
	return UserAt(app, user, user.Email(), msg)
}

// UserAt is User with the email sent to another address: the old one, when
// the news is that the address changed.
func UserAt(app core.App, user *core.Record, to string, msg Message) error {
	n, subject, body, err := newNotification(app, user, msg)
	if err != nil {
		return err
	}
	if err := app.Save(n); err != nil {
		return fmt.Errorf("notify: unable to save notification: %w", err)
	}
	afterCommit(app, func() { sendLogged(app, to, subject, body) })
	return nil
}

// Queue is User for a bulk write (N3's import): the notification joins w's
// rows and the email leaves once w's transaction has committed.
func Queue(app core.App, w *bulk.Writer, user *core.Record, msg Message) error {
	n, subject, body, err := newNotification(app, user, msg)
	if err != nil {
		return err
	}
	if err := w.Record(n); err != nil {
		return err
	}
	to := user.Email()
	w.AfterCommit(func() { sendLogged(app, to, subject, body) })
	return nil
}

func newNotification(app core.App, user *core.Record, msg Message) (n *core.Record, subject, body string, err error) {
	subject, body, err = Render(msg.Kind, user.GetString("lang"), msg.Vars)
	if err != nil {
		return nil, "", "", err
	}
	c, err := app.FindCachedCollectionByNameOrId(schema.Notifications)
	if err != nil {
		return nil, "", "", err
	}
	n = core.NewRecord(c)
	n.Set("user", user.Id)
	n.Set("kind", msg.Kind)
	n.Set("title", subject)
	n.Set("body", body)
	if msg.Data != nil {
		n.Set("data", msg.Data)
	}
	return n, subject, body, nil
}

// Email sends msg to an address with no in-app counterpart, after commit.
func Email(app core.App, to, lang string, msg Message) error {
	subject, body, err := Render(msg.Kind, lang, msg.Vars)
	if err != nil {
		return err
	}
	afterCommit(app, func() { sendLogged(app, to, subject, body) })
	return nil
}

// Render returns the subject and body of kind in lang (French by default).
func Render(kind, lang string, vars map[string]string) (subject, body string, err error) {
	byLang, ok := templates[kind]
	if !ok {
		return "", "", fmt.Errorf("notify: unknown kind %q", kind)
	}
	t, ok := byLang[lang]
	if !ok {
		t = byLang[DefaultLang]
	}
	if subject, err = execute(t.Subject, vars); err != nil {
		return "", "", err
	}
	body, err = execute(t.Body, vars)
	return subject, body, err
}

// parsed holds each template source once parsed: a bulk import renders
// the same two messages ten thousand times.
var parsed sync.Map // source → *gotemplate.Template

func execute(src string, vars map[string]string) (string, error) {
	t, err := parse(src)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, vars); err != nil {
		return "", fmt.Errorf("notify: unable to render: %w", err)
	}
	return strings.ReplaceAll(b.String(), "<no value>", ""), nil
}

func parse(src string) (*gotemplate.Template, error) {
	if t, ok := parsed.Load(src); ok {
		return t.(*gotemplate.Template), nil
	}
	t, err := gotemplate.New("").Option("missingkey=zero").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("notify: bad template: %w", err)
	}
	parsed.Store(src, t)
	return t, nil
}

// afterCommit runs fn once app's transaction commits, or now outside one.
func afterCommit(app core.App, fn func()) {
	if tx := app.TxInfo(); tx != nil {
		tx.OnComplete(func(txErr error) error {
			if txErr == nil {
				fn()
			}
			return nil
		})
		return
	}
	fn()
}

// sendLogged sends one email; a mail failure is logged, never fatal: the
// change it reports has committed and the in-app notification stands.
func sendLogged(app core.App, to, subject, body string) {
	meta := app.Settings().Meta
	msg := &mailer.Message{
		From:    mail.Address{Address: meta.SenderAddress, Name: meta.SenderName},
		To:      []mail.Address{{Address: to}},
		Subject: subject,
		Text:    body,
		HTML:    "<p>" + strings.ReplaceAll(html.EscapeString(body), "\n", "<br>") + "</p>",
	}
	if err := app.NewMailClient().Send(msg); err != nil {
		app.Logger().Error("notify: unable to send email", "subject", subject, "error", err)
	}
}
