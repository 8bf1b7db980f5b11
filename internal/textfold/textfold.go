// Package textfold prepares names for a search typed the way people type:
// without accents or capitals, and numbers with or without their spaces.
package textfold

import "strings"

// accents folds the letters of French names to their plain form, so that
// "societe" finds "Société".
var accents = strings.NewReplacer("à", "a", "â", "a", "ä", "a", "á", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ô", "o", "ö", "o", "ó", "o", "ù", "u", "û", "u", "ü", "u", "ú", "u", "ÿ", "y", "ñ", "n",
	"œ", "oe", "æ", "ae")

// Fold is s in lower case with its accents removed.
func Fold(s string) string { return accents.Replace(strings.ToLower(s)) }

// Digits is the digits of s, in order ("552 100 554" gives "552100554").
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
