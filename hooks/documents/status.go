package documents

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/internal/calendar"
	"vigie/internal/schema"
)

// Day is a calendar date in the portal's time zone, as "2006-01-02".
type Day string

// today is the current date where the portal runs (the scheduler's zone).
func (s *Service) today() Day { return Day(calendar.Today(s.Now(), s.Cfg.TimeZone)) }

// dayOf is the date a validity bound names; dates are stored at midnight UTC.
func dayOf(t types.DateTime) Day { return Day(t.Time().UTC().Format(calendar.Layout)) }

func (d Day) addDays(n int) Day { return Day(calendar.AddDays(string(d), n)) }

// StatusOn says where a document valid until validUntil stands on today: a
// document is valid through its last Day, expiring within windowDays of it,
// expired after it; with no end date it stays valid (D5).
func StatusOn(validUntil types.DateTime, today Day, windowDays int) string {
	if validUntil.IsZero() {
		return schema.StatusValid
	}
	last := dayOf(validUntil)
	switch {
	case last < today:
		return schema.StatusExpired
	case last <= today.addDays(windowDays):
		return schema.StatusExpiring
	}
	return schema.StatusValid
}

// applyStatus sets a current document's status from its end date.
func (s *Service) applyStatus(doc *core.Record) {
	if doc.GetString("status") != schema.StatusSuperseded {
		doc.Set("status", StatusOn(doc.GetDateTime("validUntil"), s.today(), s.Cfg.ExpiringDays))
	}
}

// archiveByStatus files superseded and expired documents in the archive
// (matrix, D6).
func archiveByStatus(doc *core.Record) {
	status := doc.GetString("status")
	doc.Set("archived", status == schema.StatusSuperseded || status == schema.StatusExpired)
}

// Sweep moves the current documents whose status the calendar changed:
// valid ones entering the expiring window, and those past their last Day.
// It reads the partial index of current documents by date, so it costs
// what is due, not the table. It returns how many documents changed.
func (s *Service) Sweep(app core.App) (int, error) {
	today := s.today()
	horizon := today.addDays(s.Cfg.ExpiringDays + 1) // strictly before: the window's last day included
	due, err := app.FindAllRecords(schema.Documents,
		dbx.NewExp("archived = FALSE AND validUntil != '' AND validUntil < {:horizon}", dbx.Params{"horizon": string(horizon)}))
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, doc := range due {
		before := doc.GetString("status")
		s.applyStatus(doc)
		if doc.GetString("status") == before {
			continue
		}
		if err := app.Save(doc); err != nil {
			return changed, err
		}
		changed++
	}
	return changed, nil
}
