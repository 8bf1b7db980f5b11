package calendar

import "testing"

func TestAddMonthsStaysInTheMonth(t *testing.T) {
	for _, c := range []struct {
		day  string
		n    int
		want string
	}{
		{"2026-12-03", -6, "2026-06-03"},
		{"2026-08-31", -6, "2026-02-28"},
		{"2028-08-31", -6, "2028-02-29"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-01-15", -13, "2024-12-15"},
		{"not a day", 1, "not a day"},
	} {
		if got := AddMonths(c.day, c.n); got != c.want {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", c.day, c.n, got, c.want)
		}
	}
}
