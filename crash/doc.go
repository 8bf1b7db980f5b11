// Package crash kills the real binary with SIGKILL in the middle of its
// long writes (a SIRENE import, a bulk supplier import, uploads), restarts
// it, and checks that nothing is half-written and that a re-run completes
// the work (issue 10).
package crash
