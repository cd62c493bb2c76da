#!/usr/bin/env bash
# Precision and recall of person matching over thresholds: synthetic people, each recorded
# twice with one realistic error of each kind in turn, against ten different people each
# (siblings, a twin, a namesake, a common surname born the same year, and others). The table
# is of the set a threshold is chosen on; the chosen threshold is then reported on a second
# set, generated with another seed. docs/design/match-keys-and-lookups.md explains the columns.
#
# Usage: Tools/match-quality.sh [POSITIVES] [SEED] [REPORT_SEED]   (default 1200, 1 and SEED + 1000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
swift build -c release --product vve --package-path "$root" >/dev/null
seed=${2:-1}
"$root/.build/release/vve" match-quality --positives "${1:-1200}" --seed "$seed" --report-seed "${3:-$((seed + 1000))}"
