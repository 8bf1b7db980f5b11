#!/usr/bin/env bash
# Budget 1 (SPEC, "Budgets"): a customer's visible-documents list against the
# same query with no access checks, at 10,000 establishments, 50,000
# relationships and 1,000,000 documents. Builds the data dir once (about two
# minutes), then measures both sides interleaved in one run.
# Usage: bench/documents.sh [requests per cell]
set -euo pipefail
cd "$(dirname "$0")/.."
data=bench/data/documents
if [ ! -f "$data/data.db" ]; then
  go run ./bench/docgen -dir "$data"
fi
go run ./bench/doclist -dir "$data" -n "${1:-300}"
