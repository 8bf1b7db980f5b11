#!/usr/bin/env bash
# Reminder budget (SPEC, "Budgets"): a run over 1,000,000 documents, 0 to 2%
# of them due, in a transaction rolled back each time. Builds the documents
# data set first if missing (bench/docgen, about two minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
data=bench/data/documents
if [ ! -f "$data/data.db" ]; then
  go run ./bench/docgen -dir "$data"
fi
go run ./bench/reminders -dir "$data"
