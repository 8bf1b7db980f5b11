// Package reminders implements R: the reminder engine that tells suppliers
// what their customers are missing or about to miss, the customers' weekly
// digest, the housekeeping jobs, and the robfig/cron scheduler that runs
// them with the server.
package reminders

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/notify"
	"vigie/internal/bulk"
	"vigie/internal/calendar"
	"vigie/internal/config"
	"vigie/internal/schema"
)

// Item is one customer × supplier × type to remind at one step of the cadence.
type Item struct {
	Customer     string `db:"customer"`
	Supplier     string `db:"supplier"`
	Type         string `db:"type"`
	Document     string `db:"document"`
	Relationship string `db:"relationship"`
	ValidUntil   string `db:"validUntil"`
	Since        string `db:"since"`
	Status       string // missing, expiring, expired
	Step         string
}

func (i Item) key() string { return i.Customer + "|" + i.Supplier + "|" + i.Type }

// Email is one message of a run: one per recipient, grouping its items.
type Email struct {
	To      string
	User    string
	Subject string
	Body    string
	Items   int
}

// Report says what a run found and sent (or would send).
type Report struct {
	Today  string
	Items  []Item
	Emails []Email
	// Escalated are the items whose customer is told (V7), Escalations the
	// messages that tell it.
	Escalated   []Item
	Escalations []Email
}

// Engine runs reminders; Cfg gives the time zone and the public URL.
type Engine struct {
	App core.App
	Cfg *config.Config
}

// today is now's date in the scheduler's zone.
func (en *Engine) today(now time.Time) string { return calendar.Today(now, en.Cfg.TimeZone) }

// Run finds what is due on now's date and, unless dryRun, notifies every
// recipient once, in one transaction with the log that stops a second send.
func (en *Engine) Run(now time.Time, dryRun bool) (*Report, error) {
	today := en.today(now)
	items, err := en.due(today)
	if err != nil {
		return nil, err
	}
	items, err = en.unsent(items)
	if err != nil {
		return nil, err
	}
	report := &Report{Today: today, Items: items}
	if len(items) == 0 {
		return report, nil
	}
	names := newNames(en.App)
	byRecipient, recipientsOf, err := en.recipients(items)
	if err != nil {
		return nil, err
	}
	users := make([]string, 0, len(byRecipient))
	for u := range byRecipient {
		users = append(users, u)
	}
	sort.Strings(users)
	ests := make([]string, 0, 2*len(items))
	for _, it := range items {
		ests = append(ests, it.Customer, it.Supplier)
	}
	if err := names.preloadEstablishments(ests); err != nil {
		return nil, err
	}
	if err := names.preload(schema.Users, users); err != nil {
		return nil, err
	}
	type outgoing struct {
		user *core.Record
		vars map[string]string
	}
	var out []outgoing
	for _, u := range users {
		user := names.record(schema.Users, u)
		if user == nil {
			continue // a user deleted since: the others still hear
		}
		subject, body, vars := en.message(names, user, byRecipient[u])
		out = append(out, outgoing{user, vars})
		report.Emails = append(report.Emails, Email{To: user.Email(), User: u, Subject: subject, Body: body, Items: len(byRecipient[u])})
	}
	escalated, escalateTo, err := en.escalations(items)
	if err != nil {
		return nil, err
	}
	report.Escalated = escalated
	told := make([]string, 0, len(escalateTo))
	for u := range escalateTo {
		told = append(told, u)
	}
	sort.Strings(told)
	if err := names.preload(schema.Users, told); err != nil {
		return nil, err
	}
	type escalation struct {
		user *core.Record
		msg  notify.Message
	}
	var escalations []escalation
	for _, u := range told {
		user := names.record(schema.Users, u)
		if user == nil {
			continue
		}
		msg := en.escalationMessage(names, user, escalateTo[u])
		subject, body, _ := notify.Render(msg.Kind, user.GetString("lang"), msg.Vars)
		escalations = append(escalations, escalation{user, msg})
		report.Escalations = append(report.Escalations, Email{To: user.Email(), User: u, Subject: subject, Body: body, Items: len(escalateTo[u])})
	}
	if dryRun {
		return report, nil
	}
	err = en.App.RunInTransaction(func(tx core.App) error {
		// The log is the server's own bookkeeping, with no hooks, and the
		// notifications have none either: one INSERT per table and chunk
		// keeps a run over many items within its budget; the emails leave
		// after the commit, as notify.User's do.
		w := bulk.New()
		sentAt, _ := types.ParseDateTime(now.UTC())
		for _, it := range items {
			recipients, _ := json.Marshal(recipientsOf[it.key()+"#"+it.Step])
			w.Row(schema.ReminderLog, map[string]any{"id": core.GenerateDefaultRandomId(),
				"item": it.key(), "step": it.Step, "customer": it.Customer, "supplier": it.Supplier, "type": it.Type,
				"document": it.Document, "recipients": string(recipients), "sentAt": sentAt.String()})
		}
		for _, o := range out {
			if err := notify.Queue(tx, w, o.user, notify.Message{Kind: notify.KindDocumentReminder, Vars: o.vars,
				Data: map[string]any{"items": len(byRecipient[o.user.Id])}}); err != nil {
				return err
			}
		}
		for _, it := range escalated {
			w.Row(schema.ReminderLog, map[string]any{"id": core.GenerateDefaultRandomId(),
				"item": it.key(), "step": it.Step, "customer": it.Customer, "supplier": it.Supplier, "type": it.Type,
				"document": it.Document, "recipients": "[]", "sentAt": sentAt.String()})
		}
		for _, e := range escalations {
			if err := notify.Queue(tx, w, e.user, e.msg); err != nil {
				return err
			}
		}
		if err := w.Flush(tx); err != nil {
			return fmt.Errorf("reminders: log: %w", err)
		}
		return nil
	})
	return report, err
}

// due lists every item at a step of its cadence today: current documents
// ending within 30 days or expired (two index ranges), and required types
// with no current document (one anti-join over requirements ×
// relationships). None of it reads the documents that are not due.
func (en *Engine) due(today string) ([]Item, error) {
	horizon := calendar.AddDays(today, 31)
	// One row per document and relationship: the requirement is an EXISTS
	// (a type asked of all suppliers and of this one is still one item),
	// and the expired branch leaves out what the first one found, so the
	// two add up without sorting 100,000 rows to remove duplicates.
	cols := `SELECT rel.customer AS customer, d.supplier AS supplier, d.type AS type, d.id AS document,
		rel.id AS relationship, substr(d.validUntil, 1, 10) AS validUntil, '' AS since
		FROM documents d
		JOIN relationships rel ON rel.supplier = d.supplier AND rel.status = 'active'
		WHERE EXISTS (SELECT 1 FROM requirements r WHERE r.customer = rel.customer AND r.type = d.type AND r.supplier IN ('', d.supplier))
			AND (d.addressee = '' OR d.addressee = rel.customer) AND `
	soon := `d.archived = FALSE AND d.validUntil != '' AND d.validUntil < {:horizon}`
	var docs []Item
	q := cols + soon + ` UNION ALL ` + cols + `d.status = 'expired' AND NOT (` + soon + `)`
	if err := en.App.DB().NewQuery(q).Bind(dbx.Params{"horizon": horizon}).All(&docs); err != nil {
		return nil, fmt.Errorf("reminders: due documents: %w", err)
	}
	var out []Item
	for _, it := range docs {
		left := calendar.DaysBetween(today, it.ValidUntil)
		step, ok := expiryStep(left)
		if !ok {
			continue
		}
		it.Status = "expiring"
		if left < 0 {
			it.Status = "expired"
		}
		it.Step = it.Document + ":" + step
		out = append(out, it)
	}
	var missing []Item
	err := en.App.DB().NewQuery(`SELECT DISTINCT r.customer AS customer, rel.supplier AS supplier, r.type AS type,
			'' AS document, rel.id AS relationship, '' AS validUntil,
			max(r.created, rel.created) AS since
		FROM requirements r
		JOIN relationships rel ON rel.customer = r.customer AND rel.status = 'active' AND (r.supplier = '' OR r.supplier = rel.supplier)
		WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.supplier = rel.supplier AND d.type = r.type
			AND d.status != 'superseded' AND (d.addressee = '' OR d.addressee = r.customer))`).All(&missing)
	if err != nil {
		return nil, fmt.Errorf("reminders: missing documents: %w", err)
	}
	for _, it := range missing {
		// Creation times are UTC instants: their day is the one of the
		// service's zone, as today's is (else, between midnight in Paris and
		// midnight UTC, a new requirement would count as a day old).
		created, err := types.ParseDateTime(it.Since)
		if err != nil {
			return nil, fmt.Errorf("reminders: creation time %q: %w", it.Since, err)
		}
		it.Since = en.today(created.Time())
		it.Status = "missing"
		it.Step = "missing:" + missingStep(calendar.DaysBetween(it.Since, today))
		out = append(out, it)
	}
	return out, nil
}

// unsent drops the items whose step was already sent (R2): one indexed
// look-up per batch of items, not per item.
func (en *Engine) unsent(items []Item) ([]Item, error) {
	sent := map[string]bool{}
	const batch = 500
	for start := 0; start < len(items); start += batch {
		keys := make([]any, 0, batch)
		for _, it := range items[start:min(start+batch, len(items))] {
			keys = append(keys, it.key())
		}
		var rows []struct {
			Item string `db:"item"`
			Step string `db:"step"`
		}
		if err := en.App.DB().Select("item", "step").From(schema.ReminderLog).Where(dbx.In("item", keys...)).All(&rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			sent[r.Item+"#"+r.Step] = true
		}
	}
	out := items[:0]
	for _, it := range items {
		if !sent[it.key()+"#"+it.Step] {
			out = append(out, it)
		}
	}
	return out, nil
}

// recipients maps each user to its items: the relationship's reference
// contacts, else the supplier's admins (R1).
func (en *Engine) recipients(items []Item) (map[string][]Item, map[string][]string, error) {
	// Relationships and admins are read in chunks: a run at 5% of a million
	// documents meets tens of thousands of relationships, and two look-ups
	// each took most of its time.
	var rels []any
	supplierOf := map[string]string{}
	for _, it := range items {
		if _, seen := supplierOf[it.Relationship]; !seen {
			supplierOf[it.Relationship] = it.Supplier
			rels = append(rels, it.Relationship)
		}
	}
	to := make(map[string][]string, len(rels))
	var noReferent []any
	for chunk := range slices.Chunk(rels, lookupChunk) {
		var rows []struct {
			ID        string `db:"id"`
			Referents string `db:"referents"`
		}
		err := en.App.DB().Select("id", "referents").From(schema.Relationships).
			Where(dbx.In("id", chunk...)).All(&rows)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			var referents []string
			if r.Referents != "" {
				if err := json.Unmarshal([]byte(r.Referents), &referents); err != nil {
					return nil, nil, fmt.Errorf("reminders: referents of %s: %w", r.ID, err)
				}
			}
			to[r.ID] = referents
			if len(referents) == 0 {
				noReferent = append(noReferent, supplierOf[r.ID])
			}
		}
	}
	admins := map[string][]string{}
	for chunk := range slices.Chunk(noReferent, lookupChunk) {
		var rows []struct {
			Establishment string `db:"establishment"`
			User          string `db:"user"`
		}
		err := en.App.DB().Select("establishment", "user").From(schema.Memberships).
			Where(dbx.HashExp{"profile": "admin"}).AndWhere(dbx.In("establishment", chunk...)).
			OrderBy("rowid").All(&rows)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			if !slices.Contains(admins[r.Establishment], r.User) {
				admins[r.Establishment] = append(admins[r.Establishment], r.User)
			}
		}
	}
	byUser := map[string][]Item{}
	ofItem := map[string][]string{}
	for _, it := range items {
		users, ok := to[it.Relationship]
		if !ok {
			return nil, nil, fmt.Errorf("reminders: relationship %s not found", it.Relationship)
		}
		if len(users) == 0 {
			users = admins[it.Supplier]
		}
		for _, u := range users {
			byUser[u] = append(byUser[u], it)
		}
		ofItem[it.key()+"#"+it.Step] = users
	}
	return byUser, ofItem, nil
}

// lookupChunk bounds the ids of one IN list.
const lookupChunk = 500

// message renders one recipient's email: items grouped by supplier and
// document, each naming the customers asking, in the recipient's language.
func (en *Engine) message(names *names, user *core.Record, items []Item) (subject, body string, vars map[string]string) {
	lang := user.GetString("lang")
	type group struct {
		supplier, typ, status, validUntil string
		customers                         []string
	}
	groups := map[string]*group{}
	var order []string
	suppliers := map[string]bool{}
	for _, it := range items {
		k := it.Supplier + "|" + it.Type + "|" + it.Document
		g, ok := groups[k]
		if !ok {
			g = &group{supplier: it.Supplier, typ: it.Type, status: it.Status, validUntil: it.ValidUntil}
			groups[k] = g
			order = append(order, k)
		}
		g.customers = append(g.customers, names.establishment(it.Customer))
		suppliers[names.establishment(it.Supplier)] = true
	}
	sort.Strings(order)
	var lines []string
	for _, k := range order {
		g := groups[k]
		lines = append(lines, itemLine(lang, names.docType(g.typ, lang), names.establishment(g.supplier),
			g.status, g.validUntil, strings.Join(g.customers, ", ")))
	}
	var est []string
	for s := range suppliers {
		est = append(est, s)
	}
	sort.Strings(est)
	vars = map[string]string{"establishment": strings.Join(est, ", "), "items": strings.Join(lines, "\n"),
		"link": en.Cfg.Link("/documents.html")}
	subject, body, _ = notify.Render(notify.KindDocumentReminder, lang, vars)
	return subject, body, vars
}

func itemLine(lang, docType, supplier, status, validUntil, customers string) string {
	if lang == "en" {
		state := map[string]string{"missing": "missing", "expiring": "expires on " + validUntil, "expired": "expired on " + validUntil}[status]
		return fmt.Sprintf("- %s (%s): %s — asked by %s", docType, supplier, state, customers)
	}
	state := map[string]string{"missing": "manquant", "expiring": "expire le " + validUntil, "expired": "expiré le " + validUntil}[status]
	return fmt.Sprintf("- %s (%s) : %s — demandé par %s", docType, supplier, state, customers)
}

// names caches the names a run prints: establishments by name only (a
// run at 5% of a million documents names tens of thousands), users and
// types as records.
type names struct {
	app            core.App
	cache          map[string]*core.Record
	establishments map[string]string
}

func newNames(app core.App) *names {
	return &names{app: app, cache: map[string]*core.Record{}, establishments: map[string]string{}}
}

// preloadEstablishments reads the names of ids not read yet, a chunk at a
// time; an id not found keeps no name (establishment then prints the id).
func (n *names) preloadEstablishments(ids []string) error {
	var missing []any
	for _, id := range ids {
		if _, ok := n.establishments[id]; !ok {
			n.establishments[id] = id
			missing = append(missing, id)
		}
	}
	for chunk := range slices.Chunk(missing, lookupChunk) {
		var rows []struct {
			ID   string `db:"id"`
			Name string `db:"name"`
		}
		if err := n.app.DB().Select("id", "name").From(schema.Establishments).Where(dbx.In("id", chunk...)).All(&rows); err != nil {
			return err
		}
		for _, r := range rows {
			n.establishments[r.ID] = r.Name
		}
	}
	return nil
}

func (n *names) record(collection, id string) *core.Record {
	if r, ok := n.cache[id]; ok {
		return r
	}
	r, _ := n.app.FindRecordById(collection, id)
	n.cache[id] = r
	return r
}

// preload reads the records of ids not cached yet, a chunk at a time.
func (n *names) preload(collection string, ids []string) error {
	var missing []string
	for _, id := range ids {
		if _, ok := n.cache[id]; !ok {
			n.cache[id] = nil // stays nil if not found, as FindRecordById's miss
			missing = append(missing, id)
		}
	}
	for chunk := range slices.Chunk(missing, lookupChunk) {
		records, err := n.app.FindRecordsByIds(collection, chunk)
		if err != nil {
			return err
		}
		for _, r := range records {
			n.cache[r.Id] = r
		}
	}
	return nil
}

func (n *names) establishment(id string) string {
	if name, ok := n.establishments[id]; ok {
		return name
	}
	if r := n.record(schema.Establishments, id); r != nil {
		return r.GetString("name")
	}
	return id
}

func (n *names) docType(id, lang string) string {
	r := n.record(schema.DocumentTypes, id)
	if r == nil {
		return id
	}
	if lang == "en" && r.GetString("nameEn") != "" {
		return r.GetString("nameEn")
	}
	return r.GetString("name")
}
