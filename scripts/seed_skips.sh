#!/usr/bin/env bash
# How many of the tests that need the real seed pages (sharedSeeds: ../shared/seeds, or
# $WINNOW_SHARED/seeds) a `swift test` log shows skipped, and their names.
#   scripts/seed_skips.sh LOG            prints "seed tests: N of M skipped …"
#   scripts/seed_skips.sh LOG --all      also exits 1 unless all M were skipped (CI, seeds hidden)
#   scripts/seed_skips.sh LOG --none     also exits 1 unless none was skipped (CI, seeds present)
set -uo pipefail
log=$1
want=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
declared=$(grep -rhoE 'enabled\(if: sharedSeeds != nil, sharedSeedsSkip\)' "$root/Tests" | wc -l)
# Swift Testing: ➜ Test name() skipped: "needs the real seed pages: …"
names=$(grep -E 'Test .*\) skipped: "needs the real seed pages' "$log" | sed -E 's/.*Test (.*\)) skipped: .*/\1/' | sort -u)
skipped=$(printf '%s' "$names" | grep -c . || true)
if [ "$skipped" -eq 0 ]; then
  echo "seed tests: 0 of $declared skipped (the seed pages were found)"
else
  echo "seed tests: $skipped of $declared skipped, no seed pages: $(printf '%s' "$names" | paste -sd ' ')"
fi
case "$want" in
  --all) [ "$skipped" -eq "$declared" ] && [ "$declared" -gt 0 ] ;;
  --none) [ "$skipped" -eq 0 ] ;;
esac
