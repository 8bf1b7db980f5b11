package textfold

import "testing"

func TestFoldAndDigits(t *testing.T) {
	for in, want := range map[string]string{"Société ÉCROU": "societe ecrou", "Cœur d'Île": "coeur d'ile", "plain": "plain"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"552 100 554 00012": "55210055400012", "abc": "", "FR-12": "12"} {
		if got := Digits(in); got != want {
			t.Errorf("Digits(%q) = %q, want %q", in, got, want)
		}
	}
}
