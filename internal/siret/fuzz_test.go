package siret

import (
	"strings"
	"testing"
)

// FuzzParse: whatever is typed, Parse never panics, and what it accepts is
// 14 digits, valid, stable under a second Parse, with a valid SIREN (T1).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"73282932000074", "732 829 320 00074", "732.829.320.00074", "35600000000048",
		"35600000012345", "", "1234567890123a", "٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "73282932000074\x00", strings.Repeat("9", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Parse(s)
		if err != nil {
			return
		}
		if len(out) != 14 || strings.Trim(out, "0123456789") != "" {
			t.Fatalf("Parse(%q) = %q", s, out)
		}
		if again, err := Parse(out); err != nil || again != out || !Valid(out) {
			t.Fatalf("Parse(%q) = %q is not stable: %q, %v", s, out, again, err)
		}
		if _, err := ParseSIREN(SIREN(out)); err != nil {
			t.Fatalf("SIRET %q has an invalid SIREN: %v", out, err)
		}
	})
}
