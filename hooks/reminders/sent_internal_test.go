package reminders

import "testing"

// U2: the log's steps read back as what the page shows.
func TestStepReasonU2(t *testing.T) {
	for logged, want := range map[string][2]string{
		"missing:m0": {"missing", "m0"}, "missing:m12": {"missing", "m12"},
		"abc123:d30": {"expiring", "d30"}, "abc123:d7": {"expiring", "d7"}, "abc123:d0": {"expiring", "d0"},
		"abc123:w1": {"expired", "w1"}, "abc123:w9": {"expired", "w9"},
	} {
		if reason, step := stepReason(logged); reason != want[0] || step != want[1] {
			t.Errorf("stepReason(%q) = %q, %q; want %q, %q", logged, reason, step, want[0], want[1])
		}
	}
}
