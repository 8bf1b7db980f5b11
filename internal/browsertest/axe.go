package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.10.2 (Deque Systems, MPL 2.0; axe/LICENSE),
// from the npm registry's axe-core package, vendored so the tests need no
// network: the accessibility checker browsers' own audits are built on.
//
//go:embed axe/axe.min.js
var axeSource string

// Violation is one axe rule a page breaks, with the elements that break it.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// Axe runs axe-core on the page ctx shows and returns its serious and
// critical violations (U6): the WCAG 2.1 A and AA rules and axe's best
// practices.
func Axe(t testing.TB, ctx context.Context) []Violation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { if (!window.axe) { `+axeSource+`
		} return true; })()`)); err != nil {
		t.Fatalf("browsertest: loading axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {
			runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
			resultTypes: ["violations"],
		}).then((r) => JSON.stringify(r.violations
			.filter((v) => v.impact === "serious" || v.impact === "critical")
			.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) })))) `,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: running axe-core: %v", err)
	}
	var out []Violation
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("browsertest: axe-core's answer: %v", err)
	}
	return out
}
