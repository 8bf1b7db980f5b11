// Package upstream lists the pieces of Vigie that re-implement PocketBase
// internals for speed or for bounded cost, with the upstream file each one
// follows. Its test fails when go.mod names another PocketBase version, or
// when an upstream file's content differs from the one the piece was last
// checked against: whoever upgrades PocketBase reads each upstream diff,
// ports what matters, then records the new version and sums here (README,
// "Upgrading PocketBase").
package upstream
