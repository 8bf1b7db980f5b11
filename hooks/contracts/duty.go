package contracts

import "vigie/internal/calendar"

// Contract is what the vigilance duty reads of a contract (V1, V4); dates
// are calendar days (YYYY-MM-DD), EndsOn empty for an open-ended one.
type Contract struct {
	Amount            float64
	StartsOn, EndsOn  string
	PublicProcurement bool
	Foreign           bool
}

// Duty is where a relationship stands under the duty on one day.
type Duty struct {
	// Subject: its live contracts reach the threshold, alone or summed over
	// the last 12 months (V1). Not subject, nothing is owed.
	Subject bool
	// LastDue is the latest due date on or before the day: the day a live
	// contract started or a 6-month anniversary of it (V4). Empty if none.
	LastDue string
	// NextDue is the earliest due date after the day, of a live or
	// upcoming contract, before its end. Empty if none.
	NextDue string
	// PublicProcurement: a live contract is public procurement (V2).
	PublicProcurement bool
	// Foreign: a live contract's co-contractor is foreign (V2).
	Foreign bool
}

// dueEveryMonths is the cadence of checks during a contract (D8222-5).
const dueEveryMonths = 6

// Assess applies V1 and V4 to a relationship's contracts on day today.
func Assess(contracts []Contract, today string, threshold float64) Duty {
	var d Duty
	yearAgo := calendar.AddMonths(today, -12)
	live, recent, largest := false, 0.0, 0.0
	for _, c := range contracts {
		if c.EndsOn != "" && c.EndsOn < c.StartsOn {
			continue
		}
		started := c.StartsOn <= today
		running := started && (c.EndsOn == "" || c.EndsOn >= today)
		if started && (c.EndsOn == "" || c.EndsOn >= yearAgo) {
			recent += c.Amount
		}
		if running {
			live = true
			largest = max(largest, c.Amount)
			d.PublicProcurement = d.PublicProcurement || c.PublicProcurement
			d.Foreign = d.Foreign || c.Foreign
		}
		if !running && started {
			continue // ended: no due date any more
		}
		last, next := dueAround(c, today)
		if last > d.LastDue {
			d.LastDue = last
		}
		if next != "" && (d.NextDue == "" || next < d.NextDue) {
			d.NextDue = next
		}
	}
	d.Subject = live && (largest >= threshold || recent >= threshold)
	return d
}

// dueAround is c's latest due date on or before today and its earliest
// after today, each counted from the start (not from the previous date, so
// that month ends do not drift).
func dueAround(c Contract, today string) (last, next string) {
	for k := 0; ; k++ {
		due := calendar.AddMonths(c.StartsOn, k*dueEveryMonths)
		if c.EndsOn != "" && due > c.EndsOn {
			return last, ""
		}
		if due > today {
			return last, due
		}
		last = due
	}
}
