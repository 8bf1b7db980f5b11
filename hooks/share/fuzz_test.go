package share

import (
	"strings"
	"testing"
)

// FuzzSameEmail: the recipient check is symmetric, ignores case and
// surrounding spaces, and never accepts two different trimmed addresses
// (L2).
func FuzzSameEmail(f *testing.F) {
	f.Add("recipient@example.test", " RECIPIENT@example.TEST ")
	f.Add("a@b.test", "a@b.test\x00")
	f.Add("", " ")
	f.Add("İ@x.test", "i̇@x.test")
	f.Fuzz(func(t *testing.T, a, b string) {
		got := sameEmail(a, b)
		if got != sameEmail(b, a) {
			t.Fatalf("not symmetric for %q, %q", a, b)
		}
		want := strings.ToLower(strings.TrimSpace(a)) == strings.ToLower(strings.TrimSpace(b))
		if got != want {
			t.Fatalf("sameEmail(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

// FuzzToken: any path segment is looked up by its hash only; a token's hash
// is stable, 64 hex digits, and differs for different tokens.
func FuzzToken(f *testing.F) {
	f.Add("NnYjpmcBEb_hjSXYuUPBeqgdMBOip6hYm2RIGZ6Q864", "NnYjpmcBEb_hjSXYuUPBeqgdMBOip6hYm2RIGZ6Q865")
	f.Add("", "../../etc/passwd")
	f.Fuzz(func(t *testing.T, a, b string) {
		ha := hashToken(a)
		if len(ha) != 64 || ha != hashToken(a) || strings.Trim(ha, "0123456789abcdef") != "" {
			t.Fatalf("hash of %q = %q", a, ha)
		}
		if a != b && ha == hashToken(b) {
			t.Fatalf("collision: %q, %q", a, b)
		}
	})
}
