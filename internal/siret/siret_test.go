package siret

import (
	"errors"
	"testing"
)

// T1: SIRET validation, including La Poste's digit-sum exception.
func TestParseT1(t *testing.T) {
	cases := []struct {
		name, in, want string
		err            error
	}{
		{"valid", "73282932000074", "73282932000074", nil},
		{"spaces and dots ignored", "732 829 320 00074", "73282932000074", nil},
		{"dots", "732.829.320.00074", "73282932000074", nil},
		{"non-breaking spaces", "732\u00a0829\u00a0320\u00a000074", "73282932000074", nil},
		{"luhn fails", "73282932000075", "", ErrChecksum},
		{"siren part fails luhn though siret passes", "11111111000008", "", ErrChecksum},
		{"too short", "7328293200007", "", ErrLength},
		{"too long", "732829320000740", "", ErrLength},
		{"letters", "7328293200007A", "", ErrDigits},
		{"dash is not a separator", "732-829-320-00074", "", ErrDigits},
		{"empty", "", "", ErrEmpty},
		{"only separators", " . ", "", ErrEmpty},
		{"la poste head office (luhn)", "35600000000048", "35600000000048", nil},
		{"la poste establishment, digit sum 15", "35600000049837", "35600000049837", nil},
		{"la poste establishment, digit sum 15, second", "35600000000100", "35600000000100", nil},
		{"la poste establishment, digit sum not multiple of 5", "35600000049838", "", ErrChecksum},
		{"la poste head office with a wrong digit", "35600000000049", "", ErrChecksum},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.in)
			if !errors.Is(err, c.err) {
				t.Fatalf("Parse(%q) error = %v, want %v", c.in, err, c.err)
			}
			if got != c.want {
				t.Fatalf("Parse(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// The La Poste fixtures must really exercise the exception: they fail Luhn.
func TestLaPosteFixturesFailLuhn(t *testing.T) {
	for _, s := range []string{"35600000049837", "35600000000100"} {
		if luhn(s) {
			t.Fatalf("%s passes Luhn: the fixture does not test the La Poste rule", s)
		}
	}
	if !luhn(laPosteSIREN) || !luhn(laPosteHeadOffice) {
		t.Fatal("La Poste's SIREN and head office must pass Luhn")
	}
}

func TestParseSIRENT1(t *testing.T) {
	cases := []struct {
		in, want string
		err      error
	}{
		{"732829320", "732829320", nil},
		{"732 829 320", "732829320", nil},
		{"732829321", "", ErrChecksum},
		{"73282932", "", ErrSIRENLen},
		{"73282932X", "", ErrDigits},
		{"", "", ErrEmpty},
	}
	for _, c := range cases {
		got, err := ParseSIREN(c.in)
		if !errors.Is(err, c.err) || got != c.want {
			t.Errorf("ParseSIREN(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestSIREN(t *testing.T) {
	if got := SIREN("73282932000074"); got != "732829320" {
		t.Fatalf("SIREN = %q", got)
	}
	if got := SIREN("123"); got != "" {
		t.Fatalf("SIREN of a short string = %q", got)
	}
}

func TestComplete(t *testing.T) {
	for _, prefix := range []string{"73282932", "12345678", "00000000"} {
		siren := Complete(prefix)
		s, err := Parse(Complete(siren + "0001"))
		if err != nil || SIREN(s) != siren {
			t.Fatalf("Complete(%s) built %q, %v", prefix, s, err)
		}
	}
}
