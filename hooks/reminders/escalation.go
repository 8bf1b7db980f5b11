package reminders

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/notify"
	"vigie/internal/schema"
)

// Escalation (V7): once an overdue item (a required type missing, or its
// document expired) has had EscalateAfter reminders with no new document,
// the customer's member in charge of the relationship, otherwise its
// admins, is told, once per item and document: the log keeps an
// "escalated" step for it, as it keeps every reminder's step.

// overdueReminders is how many reminders an item has had at overdue steps
// once this run's step is sent: an expired document's weekly steps count
// from w1, a missing type's from m0. Other steps are not overdue. A logged
// step reads "<document>:w3" or "missing:m2" (Engine.due).
func overdueReminders(logged string) int {
	step := logged[strings.LastIndexByte(logged, ':')+1:]
	if len(step) < 2 || (step[0] != 'w' && step[0] != 'm') {
		return 0
	}
	n, err := strconv.Atoi(step[1:])
	if err != nil {
		return 0
	}
	if step[0] == 'm' {
		return n + 1
	}
	return n
}

// escalationPrefix starts the log's step that says an item's customer was
// told: "escalated:<document>", per document, so that a new document that
// lapses in turn is told again. The reminders' own list leaves them out.
const escalationPrefix = "escalated:"

func escalationStep(it Item) string { return escalationPrefix + it.Document }

// escalations picks, among the items this run reminds, those that reach
// the setting and were not escalated yet, and maps each customer-side
// person to be told to them.
func (en *Engine) escalations(items []Item) ([]Item, map[string][]Item, error) {
	after := en.Cfg.EscalateAfter
	if after <= 0 {
		return nil, nil, nil
	}
	var due []Item
	for _, it := range items {
		if overdueReminders(it.Step) >= after {
			e := it
			e.Step = escalationStep(it)
			due = append(due, e)
		}
	}
	due, err := en.unsent(due)
	if err != nil || len(due) == 0 {
		return nil, nil, err
	}
	var rels, customers []any
	seen := map[string]bool{}
	for _, it := range due {
		if !seen[it.Relationship] {
			seen[it.Relationship] = true
			rels = append(rels, it.Relationship)
		}
	}
	owner := map[string]string{}
	for chunk := range slices.Chunk(rels, lookupChunk) {
		var rows []struct {
			ID    string `db:"id"`
			Owner string `db:"owner"`
		}
		if err := en.App.DB().Select("id", "COALESCE(owner, '') AS owner").From(schema.Relationships).
			Where(dbx.In("id", chunk...)).All(&rows); err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			owner[r.ID] = r.Owner
		}
	}
	seen = map[string]bool{}
	for _, it := range due {
		if owner[it.Relationship] == "" && !seen[it.Customer] {
			seen[it.Customer] = true
			customers = append(customers, it.Customer)
		}
	}
	admins := map[string][]string{}
	for chunk := range slices.Chunk(customers, lookupChunk) {
		var rows []struct {
			Establishment string `db:"establishment"`
			User          string `db:"user"`
		}
		if err := en.App.DB().Select("establishment", "user").From(schema.Memberships).
			Where(dbx.HashExp{"profile": "admin"}).AndWhere(dbx.In("establishment", chunk...)).
			OrderBy("rowid").All(&rows); err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			admins[r.Establishment] = append(admins[r.Establishment], r.User)
		}
	}
	byUser := map[string][]Item{}
	for _, it := range due {
		users := admins[it.Customer]
		if o := owner[it.Relationship]; o != "" {
			users = []string{o}
		}
		for _, u := range users {
			byUser[u] = append(byUser[u], it)
		}
	}
	return due, byUser, nil
}

// escalationMessage tells one customer-side person which items have had
// the setting's reminders without a new document, in its language.
func (en *Engine) escalationMessage(names *names, user *core.Record, items []Item) notify.Message {
	lang := user.GetString("lang")
	sort.Slice(items, func(a, b int) bool { return items[a].key() < items[b].key() })
	lines := make([]string, len(items))
	for i, it := range items {
		lines[i] = itemLine(lang, names.docType(it.Type, lang), names.establishment(it.Supplier), it.Status, it.ValidUntil,
			names.establishment(it.Customer))
	}
	link := en.Cfg.Link("/compliance.html")
	if len(items) == 1 {
		link = en.Cfg.Link("/supplier.html?" + url.Values{"customer": {items[0].Customer}, "supplier": {items[0].Supplier}}.Encode())
	}
	return notify.Message{Kind: notify.KindReminderEscalated,
		Vars: map[string]string{"count": fmt.Sprint(len(items)), "after": fmt.Sprint(en.Cfg.EscalateAfter),
			"items": strings.Join(lines, "\n"), "link": link},
		Data: map[string]any{"items": len(items)}}
}
