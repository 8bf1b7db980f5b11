package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"vigie/bench/internal/budget"
)

// SPEC's budgets, in milliseconds.
const (
	callP99Budget     = 50.0
	guestServerBudget = 5.0
)

// percentiles are the nearest-rank p50 and p99 of ms; NaN for none.
func percentiles(ms []float64) (p50, p99 float64) {
	if len(ms) == 0 {
		return math.NaN(), math.NaN()
	}
	s := slices.Sorted(slices.Values(ms))
	rank := func(p float64) float64 { return s[max(0, int(math.Ceil(p*float64(len(s))))-1)] }
	return rank(0.50), rank(0.99)
}

// verdict says whether c meets its budgets, and why not.
func (c *cell) verdict() (bool, string) {
	_, p99 := percentiles(c.samples)
	switch {
	case c.notRun:
		return false, "not run (deadline)"
	case c.timeout:
		return false, "timeout"
	case c.errText != "":
		return false, c.errText
	case c.status >= 500:
		return false, fmt.Sprintf("status %d", c.status)
	case len(c.samples) == 0:
		return false, "no measure"
	case p99 >= callP99Budget && c.slow:
		return false, "p99 (once: slower than -cell)"
	case p99 >= callP99Budget:
		return false, "p99"
	case c.guest && guestP99(c) >= guestServerBudget:
		return false, "guest server time"
	}
	return true, ""
}

// guestP99 is the 99th percentile of a guest cell's server times. Not
// their maximum: over 100 requests on a shared 2-core machine, the slowest
// is a garbage collection or the scheduler (server p50 0.4 ms, p99 1.0 ms,
// slowest 7.4 ms for the same empty list), not what the request made the
// server do; the slowest is still printed.
func guestP99(c *cell) float64 {
	_, p99 := percentiles(c.guestTimes())
	return p99
}

// guestTimes are a guest cell's server times, or its client times (an upper
// bound) if the request log gave none.
func (c *cell) guestTimes() []float64 {
	if len(c.server) > 0 {
		return c.server
	}
	return c.samples
}

// report prints the table and the two budget lines.
func report(label string, cells []cell, timeout time.Duration) {
	w := tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "call\tprofile\tstatus\titems\tn\tp50 ms\tp99 ms\tserver p50\tserver p99\tverdict\t")
	worst, worstAt, over, measured := -1.0, "", 0, 0
	guestMax, guestAt, guestOver, slowest := -1.0, "", 0, 0.0
	for i := range cells {
		c := &cells[i]
		if c.skipped {
			continue
		}
		p50, p99 := percentiles(c.samples)
		s50, s99 := percentiles(c.server)
		ok, why := c.verdict()
		v := "PASS"
		switch {
		case c.signIn:
			v = "(not in the budget)"
		case !ok:
			v, over = "FAIL "+why, over+1
		}
		if c.timeout || c.notRun {
			p99 = math.Inf(1)
		}
		if !c.signIn {
			measured++
			if p99 > worst {
				worst, worstAt = p99, c.call+", "+c.profile
			}
		}
		if c.guest {
			top := math.Inf(1)
			if !c.timeout && !c.notRun {
				top = guestP99(c)
				slowest = max(slowest, slices.Max(c.guestTimes()))
			}
			if top >= guestServerBudget {
				guestOver++
			}
			if top > guestMax {
				guestMax, guestAt = top, c.call
			}
		}
		status, items := "-", "-"
		if c.status != 0 {
			status = fmt.Sprint(c.status)
		}
		if c.items >= 0 && c.status != 0 {
			items = fmt.Sprint(c.items)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", c.call, c.profile, status, items, len(c.samples),
			fmtMS(p50), fmtMS(p99), fmtMS(s50), fmtMS(s99), v)
	}
	w.Flush()
	fmt.Println()
	budget.Line("pages ("+label+"): p99 of every call, as each profile",
		fmt.Sprintf("%d of %d calls over, worst %s (%s)", over, measured, fmtWorst(worst, timeout), worstAt),
		fmt.Sprintf("< %.0f ms", callP99Budget), over == 0)
	budget.Line("pages ("+label+"): server time of guest requests, p99 of each call",
		fmt.Sprintf("%d guest calls over, worst %s (%s); slowest single request %s", guestOver, fmtWorst(guestMax, timeout), guestAt, fmtMS(slowest)),
		fmt.Sprintf("< %.0f ms", guestServerBudget), guestOver == 0)
}

func fmtMS(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.IsInf(v, 1):
		return "timeout"
	}
	return fmt.Sprintf("%.1f", v)
}

func fmtWorst(v float64, timeout time.Duration) string {
	if math.IsInf(v, 1) {
		return fmt.Sprintf("timeout (> %s)", timeout)
	}
	return fmt.Sprintf("%.1f ms", v)
}
