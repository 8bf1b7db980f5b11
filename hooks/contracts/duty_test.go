package contracts

import "testing"

// V1, V4: who is subject to the duty, and when its checks fall due, on the
// cases the Labour Code names: the 5,000 € threshold alone or over 12
// months, signature then every 6 months, nothing after the end.
func TestDutyFollowsTheContractsV1V4(t *testing.T) {
	const today = "2026-12-03"
	for _, c := range []struct {
		name      string
		contracts []Contract
		want      Duty
	}{
		{"no contract", nil, Duty{}},
		{"one contract at the threshold, started today", []Contract{{Amount: 5000, StartsOn: today}},
			Duty{Subject: true, LastDue: today, NextDue: "2027-06-03"}},
		{"one contract below the threshold", []Contract{{Amount: 4999.99, StartsOn: "2026-01-10"}},
			Duty{LastDue: "2026-07-10", NextDue: "2027-01-10"}},
		{"two small contracts summed over 12 months", []Contract{{Amount: 3000, StartsOn: "2026-01-10", EndsOn: "2026-03-31"},
			{Amount: 2500, StartsOn: "2026-09-01"}},
			Duty{Subject: true, LastDue: "2026-09-01", NextDue: "2027-03-01"}},
		{"a small contract ended more than 12 months ago does not count", []Contract{{Amount: 3000, StartsOn: "2024-01-10", EndsOn: "2025-11-30"},
			{Amount: 2500, StartsOn: "2026-09-01"}},
			Duty{LastDue: "2026-09-01", NextDue: "2027-03-01"}},
		{"every contract ended: not subject, nothing due", []Contract{{Amount: 90000, StartsOn: "2025-01-01", EndsOn: "2026-11-30"}},
			Duty{}},
		{"the end stops the cadence", []Contract{{Amount: 9000, StartsOn: "2026-08-31", EndsOn: "2027-02-27"}},
			Duty{Subject: true, LastDue: "2026-08-31"}},
		{"six months from August 31 is February 28", []Contract{{Amount: 9000, StartsOn: "2026-08-31"}},
			Duty{Subject: true, LastDue: "2026-08-31", NextDue: "2027-02-28"}},
		{"years of an open-ended contract", []Contract{{Amount: 12000, StartsOn: "2020-03-15"}},
			Duty{Subject: true, LastDue: "2026-09-15", NextDue: "2027-03-15"}},
		{"an upcoming contract is due when it starts, not subject yet", []Contract{{Amount: 50000, StartsOn: "2026-12-20"}},
			Duty{NextDue: "2026-12-20"}},
		{"public procurement and a foreign co-contractor are read from live contracts",
			[]Contract{{Amount: 8000, StartsOn: "2026-06-01", PublicProcurement: true, Foreign: true},
				{Amount: 1, StartsOn: "2025-01-01", EndsOn: "2025-06-01", PublicProcurement: false}},
			Duty{Subject: true, LastDue: "2026-12-01", NextDue: "2027-06-01", PublicProcurement: true, Foreign: true}},
		{"an end before the start is ignored", []Contract{{Amount: 9000, StartsOn: "2026-06-01", EndsOn: "2026-05-01"}}, Duty{}},
	} {
		if got := Assess(c.contracts, today, 5000); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}
