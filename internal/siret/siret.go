// Package siret validates the French establishment (SIRET) and company (SIREN)
// identifiers of requirement T1. It is pure: no I/O, no PocketBase.
package siret

import (
	"errors"
	"strings"
)

// Errors returned by Parse and ParseSIREN; callers map them to a 400 naming the field.
var (
	ErrEmpty    = errors.New("is required")
	ErrLength   = errors.New("must have exactly 14 digits")
	ErrSIRENLen = errors.New("must have exactly 9 digits")
	ErrDigits   = errors.New("must contain only digits")
	ErrChecksum = errors.New("fails the Luhn check")
)

// laPosteSIREN is La Poste's SIREN: INSEE numbers its many establishments with a
// digit-sum rule instead of Luhn, except for the head office.
const (
	laPosteSIREN      = "356000000"
	laPosteHeadOffice = "35600000000048"
)

// Normalize drops the separators people type or paste (spaces, non-breaking
// spaces, dots) and leaves every other character for validation to reject.
func Normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '\u00a0', '\u202f', '\t':
			return -1
		}
		return r
	}, s)
}

// Parse normalises s and returns the 14-digit SIRET when it is valid.
func Parse(s string) (string, error) {
	n := Normalize(s)
	if err := checkDigits(n, 14, ErrLength); err != nil {
		return "", err
	}
	if !luhn(n[:9]) {
		return "", ErrChecksum
	}
	if n[:9] == laPosteSIREN && n != laPosteHeadOffice {
		if digitSum(n)%5 != 0 {
			return "", ErrChecksum
		}
		return n, nil
	}
	if !luhn(n) {
		return "", ErrChecksum
	}
	return n, nil
}

// ParseSIREN normalises s and returns the 9-digit SIREN when it is valid.
func ParseSIREN(s string) (string, error) {
	n := Normalize(s)
	if err := checkDigits(n, 9, ErrSIRENLen); err != nil {
		return "", err
	}
	if !luhn(n) {
		return "", ErrChecksum
	}
	return n, nil
}

// SIREN returns the company part of a valid SIRET.
func SIREN(siret string) string {
	if len(siret) < 9 {
		return ""
	}
	return siret[:9]
}

// Valid reports whether s is a valid SIRET once normalised.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

func checkDigits(s string, n int, lengthErr error) error {
	if s == "" {
		return ErrEmpty
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ErrDigits
		}
	}
	if len(s) != n {
		return lengthErr
	}
	return nil
}

// luhn runs the Luhn check on a string of ASCII digits, doubling every second
// digit from the right.
func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func digitSum(digits string) int {
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum += int(digits[i] - '0')
	}
	return sum
}

// Complete appends the Luhn check digit to a string of digits: the way to
// build valid identifiers for demo data and tests.
func Complete(prefix string) string {
	for d := byte('0'); d <= '9'; d++ {
		if s := prefix + string(d); luhn(s) {
			return s
		}
	}
	return "" // unreachable for digit strings: one of ten digits always fits
}
