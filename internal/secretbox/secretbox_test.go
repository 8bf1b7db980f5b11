package secretbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := b.Seal("JBSWY3DPEHPK3PXP")
	again, _ := b.Seal("JBSWY3DPEHPK3PXP")
	if sealed == again || strings.Contains(sealed, "JBSWY3DP") {
		t.Fatal("sealing must be randomised and hide the secret")
	}
	if plain, err := b.Open(sealed); err != nil || plain != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("Open = %q, %v", plain, err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, KeySize))
	if _, err := other.Open(sealed); err != ErrOpen {
		t.Fatal("another key opened the secret")
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if _, err := b.Open(tampered); err != ErrOpen {
		t.Fatal("a tampered value opened")
	}
}

// S1: without a configured key, one is generated into the data dir, 0600,
// and reused.
func TestLoadKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigie.key")
	k1, err := LoadKey("", path)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", info.Mode().Perm())
	}
	k2, _ := LoadKey("", path)
	if !bytes.Equal(k1, k2) {
		t.Fatal("the generated key changed")
	}
	if _, err := LoadKey("not hex", path); err == nil {
		t.Fatal("a bad configured key was accepted")
	}
	configured := strings.Repeat("ab", KeySize)
	if k, err := LoadKey(configured, path); err != nil || k[0] != 0xab {
		t.Fatalf("configured key: %v", err)
	}
}
