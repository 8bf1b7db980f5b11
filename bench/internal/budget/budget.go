// Package budget prints the one-line verdicts that bench/run collects: a
// figure, its value, SPEC's budget and whether it is met.
package budget

import "fmt"

// Line prints "BUDGET<TAB>name<TAB>value<TAB>budget<TAB>PASS|FAIL".
func Line(name, value, limit string, pass bool) {
	verdict := "FAIL"
	if pass {
		verdict = "PASS"
	}
	fmt.Printf("BUDGET\t%s\t%s\t%s\t%s\n", name, value, limit, verdict)
}
