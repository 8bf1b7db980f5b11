// Package calendar names calendar days as "2006-01-02" strings in the
// portal's time zone: what "today", "valid until" and "30 days before" mean
// for statuses and reminders alike.
package calendar

import (
	"sync"
	"time"
)

// Layout is a day's form.
const Layout = "2006-01-02"

var zones sync.Map // zone name → *time.Location

// Location loads zone once (time.LoadLocation reads the zone database each
// call); an unknown zone falls back to UTC, the configuration check having
// reported it at start (reminders.NewScheduler).
func Location(zone string) *time.Location {
	if loc, ok := zones.Load(zone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	zones.Store(zone, loc)
	return loc
}

// Today is now's date in zone.
func Today(now time.Time, zone string) string { return now.In(Location(zone)).Format(Layout) }

// AddDays is day moved by n days.
func AddDays(day string, n int) string {
	t, err := time.Parse(Layout, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(Layout)
}

// AddMonths is day moved by n calendar months, kept within the target month
// (August 31 less six months is February 28 or 29, not March 3).
func AddMonths(day string, n int) string {
	t, err := time.Parse(Layout, day)
	if err != nil {
		return day
	}
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(t.Day(), last), 0, 0, 0, 0, time.UTC).Format(Layout)
}

// DaysBetween counts the days from a to b.
func DaysBetween(a, b string) int {
	ta, err1 := time.Parse(Layout, a)
	tb, err2 := time.Parse(Layout, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}
