#!/usr/bin/env bash
# Precision and recall of person matching over thresholds (issue 4): synthetic people, each
# recorded twice with one realistic error (typo, transposed day and month, no date of birth,
# a nickname, a split double-barrelled surname, a spelling variant), against ten different
# people each, a fifth of them siblings. R:<error> columns give recall per kind of error.
#
# Usage: Tools/match-quality.sh [POSITIVES] [SEED]   (default 1000 and 1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
swift build -c release --product vve --package-path "$root" >/dev/null
"$root/.build/release/vve" match-quality --positives "${1:-1000}" --seed "${2:-1}"
