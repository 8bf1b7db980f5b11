package ratelimit

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Fixed windows as PocketBase counts them: MaxRequests per Duration seconds
// and client, a new window once the last one has ended; an edited rule
// counts afresh; ended windows are dropped.
func TestFixedWindows(t *testing.T) {
	clock := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	l := New()
	l.now = func() time.Time { return clock }
	rule := core.RateLimitRule{Label: "*:list", MaxRequests: 2, Duration: 10}
	steps := []struct {
		advance time.Duration
		client  string
		rule    core.RateLimitRule
		want    bool
	}{
		{0, "a", rule, true},
		{time.Second, "a", rule, true},
		{time.Second, "a", rule, false},
		{0, "b", rule, true}, // another client has its own window
		{0, "a", core.RateLimitRule{Label: "*:list", MaxRequests: 3, Duration: 10}, true}, // edited rule
		{8 * time.Second, "a", rule, true},                                                // 10 s after the window opened
		{0, "a", rule, true},
		{0, "a", rule, false},
	}
	for i, s := range steps {
		clock = clock.Add(s.advance)
		if got := l.Allow("bucket", s.client, s.rule); got != s.want {
			t.Fatalf("step %d: allowed %v, want %v", i, got, s.want)
		}
	}
	clock = clock.Add(2 * time.Minute)
	l.Allow("bucket", "c", rule)
	if len(l.windows) != 1 {
		t.Fatalf("%d windows kept after they ended, want only the new one", len(l.windows))
	}
}
