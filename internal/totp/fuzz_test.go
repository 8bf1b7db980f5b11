package totp

import (
	"strings"
	"testing"
	"time"
)

// FuzzVerify: any typed code and any stored secret are judged without a
// panic; a code is accepted only when it is the current one (S1).
func FuzzVerify(f *testing.F) {
	f.Add("JBSWY3DPEHPK3PXP", "123456", int64(0))
	f.Add("", "", int64(-1))
	f.Add("not base32!", "12345a", int64(1<<40))
	f.Add("JBSWY3DPEHPK3PXP", " 123 456 ", int64(0))
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, secret, code string, lastStep int64) {
		step, ok := Verify(secret, code, now, lastStep)
		if !ok {
			return
		}
		if step <= lastStep {
			t.Fatalf("accepted step %d not after the last used %d", step, lastStep)
		}
		if d := step - Step(now); d < -1 || d > 1 {
			t.Fatalf("accepted step %d, %d steps from now", step, d)
		}
		want, err := Code(secret, time.Unix(step*Period, 0))
		if err != nil || want != strings.TrimSpace(code) {
			t.Fatalf("accepted %q for step %d, whose code is %q (%v)", code, step, want, err)
		}
	})
}
