// Package totp checks RFC 6238 codes (SHA-1, 6 digits, 30 s, one step of
// drift) and remembers the step a code used, so that no code is accepted
// twice (S1). Code generation is pquerna/otp's.
package totp

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Period is the length of one step.
const Period = 30

var opts = totp.ValidateOpts{Period: Period, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Step is the RFC 6238 counter of t.
func Step(t time.Time) int64 { return t.Unix() / Period }

// Code is the code of secret at t.
func Code(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, opts)
}

// Verify checks code against secret at now, one step of drift either way,
// and refuses steps at or before lastStep (a replay). It returns the step
// the code matched, to store as the new lastStep.
func Verify(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	current := Step(now)
	for _, step := range []int64{current - 1, current, current + 1} {
		want, err := Code(secret, time.Unix(step*Period, 0))
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			if step <= lastStep {
				return 0, false
			}
			return step, true
		}
	}
	return 0, false
}

// RecoveryCodes returns n one-time codes to show once and their hashes to
// store.
func RecoveryCodes(n int) (codes, hashes []string) {
	for range n {
		raw := make([]byte, 10)
		rand.Read(raw)
		c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
		code := c[:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
		codes = append(codes, code)
		hashes = append(hashes, HashRecovery(code))
	}
	return codes, hashes
}

// HashRecovery hashes a recovery code as typed (case and dashes ignored).
// The codes carry 80 random bits, so a fast hash is enough.
func HashRecovery(code string) string {
	norm := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}

// MatchRecovery returns the index of code among hashes, or -1; every hash
// is compared, in constant time.
func MatchRecovery(code string, hashes []string) int {
	h := []byte(HashRecovery(code))
	found := -1
	for i, want := range hashes {
		if subtle.ConstantTimeCompare(h, []byte(want)) == 1 {
			found = i
		}
	}
	return found
}
