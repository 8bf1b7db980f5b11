package upstream

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// checkedVersion is the PocketBase version every piece below was last
// compared with.
const checkedVersion = "v0.36.8"

// pieces are Vigie's re-implementations and the upstream files they follow,
// with those files' SHA-256 at checkedVersion.
var pieces = []struct {
	piece, upstreamFile, sum string
}{
	// recordsList and recordView, with the request's context and a deadline (S13).
	{"hooks/records (list.go, view.go)", "apis/record_crud.go", "a277f2ea8ab41cc40b5f5aa29ba72935115bb25a1dcad71398f4aff484428ce2"},
	// The rate limiter PocketBase does not export, for the routes Vigie serves in its place.
	{"internal/ratelimit", "apis/middlewares_rate_limit.go", "c4f8d18f45cb6e581f575fa1e7c90a5772d0baf134597196b20bbf2ae3299efb"},
	// loadAuthToken, answered from a cache of auth records.
	{"internal/authcache", "apis/middlewares.go", "32a3671f2985c272007cb82e6178c11244f16fa9cd47694e100e7a0442f0d3b7"},
	// FindAuthRecordByToken, which the cache calls and whose checks it keeps.
	{"internal/authcache", "core/record_query.go", "7fbd44d9e74894bb55d54e5007e767f630c9c81e297305f2d49b17311481a841"},
	// DefaultDBConnect's pragmas, on connections that keep prepared statements.
	{"internal/stmtcache", "core/db_connect.go", "53a3bddaf73e8db8037b8280c8eff4f18ea8e289b5974df747f603cf9ca9b8ef"},
}

// P4, "Upgrading PocketBase": a new PocketBase version fails here until
// each piece has been compared with its upstream file again.
func TestPiecesMatchTheirUpstreamP4(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/pocketbase/pocketbase (v\S+)`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod names no github.com/pocketbase/pocketbase version")
	}
	if v := string(m[1]); v != checkedVersion {
		t.Fatalf("go.mod asks PocketBase %s; the re-implemented pieces were checked against %s: compare each "+
			"with its upstream file (listed in this test), then update checkedVersion and the sums", v, checkedVersion)
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "github.com", "pocketbase", "pocketbase@"+checkedVersion)
	for _, p := range pieces {
		data, err := os.ReadFile(filepath.Join(root, p.upstreamFile))
		if err != nil {
			t.Fatalf("%s: upstream %s: %v (run go mod download)", p.piece, p.upstreamFile, err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != p.sum {
			t.Errorf("%s follows %s, whose content changed (sha256 %s): compare, port, then record the new sum", p.piece, p.upstreamFile, got)
		}
	}
}
