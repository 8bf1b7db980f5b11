package reminders

import "strconv"

// expiryStep is where a document whose last valid day is daysLeft away
// stands in R2's cadence: 30 days before, 7 days before, on the day, then
// weekly once expired. Each window is one step: a reminder missed on its
// day (server down) goes out on the next run within the window, never twice.
func expiryStep(daysLeft int) (string, bool) {
	switch {
	case daysLeft > 30:
		return "", false
	case daysLeft > 7:
		return "d30", true
	case daysLeft > 0:
		return "d7", true
	case daysLeft == 0:
		return "d0", true
	}
	weeks := -daysLeft / 7
	if weeks == 0 {
		return "", false // between the day and the first week after
	}
	return "w" + strconv.Itoa(weeks), true
}

// missingStep is the weekly step of an item missing for daysMissing days:
// the first run that finds it, then every 7 days.
func missingStep(daysMissing int) string {
	if daysMissing < 0 {
		daysMissing = 0
	}
	return "m" + strconv.Itoa(daysMissing/7)
}
