package reminders

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/documents"
	"vigie/hooks/notify"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// Digest sends each customer's members who follow compliance (reports,
// else its admins) the list of its suppliers missing or past a document
// (R3), once per ISO week whatever runs.
func (en *Engine) Digest(now time.Time, dryRun bool) (*Report, error) {
	year, week := now.ISOWeek()
	step := fmt.Sprintf("%d-W%02d", year, week)
	var customers []string
	if err := en.App.DB().Select("customer").Distinct(true).From(schema.Requirements).Column(&customers); err != nil {
		return nil, err
	}
	docs := &documents.Service{App: en.App, Cfg: en.Cfg, Now: func() time.Time { return now }}
	report := &Report{Today: en.today(now)}
	for _, c := range customers {
		item := "digest|" + c
		var n int
		if err := en.App.DB().Select("count(*)").From(schema.ReminderLog).Where(dbx.HashExp{"item": item, "step": step}).Row(&n); err != nil || n > 0 {
			continue
		}
		compliance, err := docs.Compliance(en.App, c, "", "", true)
		if err != nil {
			return nil, err
		}
		lines, bad := digestLines(compliance)
		if bad == 0 {
			continue
		}
		users, err := digestRecipients(en.App, c)
		if err != nil {
			return nil, err
		}
		est, err := en.App.FindRecordById(schema.Establishments, c)
		if err != nil {
			continue
		}
		vars := map[string]string{"establishment": est.GetString("name"), "items": strings.Join(lines, "\n"),
			"count": fmt.Sprint(bad), "link": en.Cfg.Link("/compliance.html")}
		for _, u := range users {
			subject, body, _ := notify.Render(notify.KindComplianceDigest, u.GetString("lang"), vars)
			report.Emails = append(report.Emails, Email{To: u.Email(), User: u.Id, Subject: subject, Body: body, Items: bad})
		}
		if dryRun || len(users) == 0 {
			continue
		}
		err = en.App.RunInTransaction(func(tx core.App) error {
			log, err := tx.FindCachedCollectionByNameOrId(schema.ReminderLog)
			if err != nil {
				return err
			}
			r := core.NewRecord(log)
			r.Load(map[string]any{"item": item, "step": step, "customer": c, "sentAt": now.UTC()})
			if err := tx.SaveNoValidate(r); err != nil {
				return err
			}
			for _, u := range users {
				if err := notify.User(tx, u, notify.Message{Kind: notify.KindComplianceDigest, Vars: vars,
					Data: map[string]any{"establishment": c}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return report, nil
}

// digestLines names each non-compliant supplier with its missing and
// expired types; bad counts those suppliers.
func digestLines(c *documents.Compliance) (lines []string, bad int) {
	bySupplier := map[string][]string{}
	names := map[string]string{}
	for _, it := range c.Items {
		if it.Status != schema.StatusMissing && it.Status != schema.StatusExpired {
			continue
		}
		bySupplier[it.Supplier.ID] = append(bySupplier[it.Supplier.ID], it.Type.Name+" ("+it.Status+")")
		names[it.Supplier.ID] = it.Supplier.Name + " — " + it.Supplier.SIRET
	}
	for id, types := range bySupplier {
		lines = append(lines, "- "+names[id]+" : "+strings.Join(types, ", "))
	}
	sort.Strings(lines)
	return lines, len(bySupplier)
}

// digestRecipients are the customer's members holding the reports
// capability, else its admins.
func digestRecipients(app core.App, customer string) ([]*core.Record, error) {
	var ids []string
	for _, c := range []profiles.Capability{profiles.SeeReports, profiles.Manage} {
		err := app.DB().Select("user").Distinct(true).From(schema.Grants).
			Where(dbx.HashExp{"establishment": customer, "capability": string(c), "source": "membership"}).Column(&ids)
		if err != nil {
			return nil, err
		}
		if len(ids) > 0 {
			break
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return app.FindRecordsByIds(schema.Users, ids)
}
