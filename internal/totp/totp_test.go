package totp

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890": the published
// 8-digit codes, whose last six digits are the 6-digit codes.
func TestRFC6238VectorsS1(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	vectors := map[int64]string{59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
		1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130"}
	for unix, eight := range vectors {
		got, err := Code(secret, time.Unix(unix, 0))
		if err != nil || got != eight[2:] {
			t.Errorf("T=%d: %s, want %s (%v)", unix, got, eight[2:], err)
		}
		if step, ok := Verify(secret, eight[2:], time.Unix(unix, 0), 0); !ok || step != unix/30 {
			t.Errorf("T=%d: Verify = %d, %v", unix, step, ok)
		}
	}
}

// S1: one step of drift accepted either way, two refused; a code is
// accepted once.
func TestDriftAndReplayS1(t *testing.T) {
	secret := "JBSWY3DPEHPK3PXP"
	now := time.Unix(1_800_000_000, 0)
	for _, c := range []struct {
		offset time.Duration
		ok     bool
	}{{-60 * time.Second, false}, {-30 * time.Second, true}, {0, true}, {30 * time.Second, true}, {60 * time.Second, false}} {
		code, _ := Code(secret, now.Add(c.offset))
		if _, ok := Verify(secret, code, now, 0); ok != c.ok {
			t.Errorf("drift %v: accepted = %v, want %v", c.offset, ok, c.ok)
		}
	}
	code, _ := Code(secret, now)
	step, ok := Verify(secret, code, now, 0)
	if !ok {
		t.Fatal("a fresh code was refused")
	}
	if _, ok := Verify(secret, code, now, step); ok {
		t.Fatal("a code was accepted twice")
	}
	earlier, _ := Code(secret, now.Add(-30*time.Second))
	if _, ok := Verify(secret, earlier, now, step); ok {
		t.Fatal("an older code was accepted after a newer one")
	}
	if _, ok := Verify(secret, "12345", now, 0); ok {
		t.Fatal("a short code was accepted")
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, hashes := RecoveryCodes(10)
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatal("ten codes")
	}
	if MatchRecovery(strings.ToUpper(codes[3]), hashes) != 3 || MatchRecovery(strings.ReplaceAll(codes[5], "-", ""), hashes) != 5 {
		t.Fatal("a typed code did not match")
	}
	if MatchRecovery("aaaa-bbbb-cccc-dddd", hashes) != -1 {
		t.Fatal("a wrong code matched")
	}
	for _, h := range hashes {
		for _, c := range codes {
			if strings.Contains(h, strings.ReplaceAll(c, "-", "")) {
				t.Fatal("a hash contains its code")
			}
		}
	}
}
