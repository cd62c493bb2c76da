#!/usr/bin/env bash
# The seeded in-process simulation (SimulationTests) at the size of a region: NODES nodes, one
# seed, with the same faults, partitions and crashes as the suite's five, then a heal that
# must converge. Prints the work per node (pulls and the items they carried) and the time,
# so runs at several sizes show how the cost grows with the region. 400 is the size of
# England's authorities and forces; it is never run by `swift test`, which runs 5 and 35.
#
# Usage: Tools/sim-region.sh [NODES] [SEED]   (defaults 400 1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nodes=${1:-400}
seed=${2:-1}
echo "sim-region: building the tests..." >&2
swift build --build-tests --package-path "$root" > /dev/null
VVE_SIM_NODES=$nodes VVE_SIM_SEED=$seed swift test --skip-build --package-path "$root" \
  --filter 'SimulationTests/aRegionOfTheSizeAsked' 2>&1 | grep -a 'sim-region: seed\|recorded an issue\|✘' || true
