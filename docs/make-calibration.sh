#!/usr/bin/env bash
# Calibration of the two historical scenarios (issue 9): runs `rareearth calibrate` on the hand-set version of each
# (scenarios/hand-set/<scenario>.yaml, whose uncertain: block holds the priors) with its targets file, from scratch,
# and writes
#   scenarios/<scenario>.yaml                          the shipped default: the posterior as a scenario overlay that
#                                                      extends hand-set/<scenario>.yaml (run / batch / serve use it)
#   docs/calibration/<scenario>/fit.md + charts/       the fit report (prior vs posterior, bands, distances)
#   docs/validation.md                                 the out-of-sample table of each scenario, between the
#                                                      markers <!-- calibration:<scenario> --> and <!-- /calibration:<scenario> -->
#   scenarios/calibration/validation-floors.csv        the calibrated validation scores: the floor the history test
#                                                      (tests/RareEarth.Tests/Calibration/HistoryFloorTests.cs) holds the model to
# and prints the runs and wall-clock time of each calibration (docs/performance.md).
#
# Run from the repository root:   docs/make-calibration.sh
# Environment: PARTICLES (default 1000), GENERATIONS (default 8), SEED (default 1), THREADS (default: all cores),
#              WORK (the calibration folders with their stores; default results/calibration),
#              R (the rareearth command; default: build once, then the built executable).
# Needs bash, awk and the rareearth CLI.
set -euo pipefail

PARTICLES=${PARTICLES:-1000}
GENERATIONS=${GENERATIONS:-8}
SEED=${SEED:-1}
THREADS=${THREADS:-$(nproc)}
WORK=${WORK:-results/calibration}

if [[ -z "${R:-}" ]]; then
  dotnet build src/RareEarth.Cli -c Release -v q -nologo >/dev/null || { echo "build failed" >&2; exit 1; }
  R=src/RareEarth.Cli/bin/Release/net10.0/rareearth
fi

floors=scenarios/calibration/validation-floors.csv
echo "scenario,target,points,coverage,log_rmse" > "$floors.new"
for s in controls-2025 japan-2010; do
  out="$WORK/$s-seed$SEED"
  rm -rf "$out"   # from scratch: a folder from an older model would otherwise be resumed (or refused)
  t0=$(date +%s)
  "$R" calibrate "scenarios/hand-set/$s.yaml" --targets "scenarios/calibration/$s-targets.yaml" \
    --particles "$PARTICLES" --generations "$GENERATIONS" --seed "$SEED" --threads "$THREADS" \
    --out "$out" --overlay "scenarios/$s.yaml" | grep -v '^calibrate gen\|^calibrate post\|^calibrate hand'
  echo "$s: $(( $(date +%s) - t0 )) s wall clock on $THREADS threads"
  rm -rf "docs/calibration/$s"
  mkdir -p "docs/calibration/$s/charts"
  cp "$out/fit.md" "docs/calibration/$s/fit.md"
  cp "$out"/charts/*.png "docs/calibration/$s/charts/"
  # the table between the scenario's markers in docs/validation.md
  awk -v s="$s" -v table="$out/validation.md" '
    $0 == "<!-- calibration:" s " -->" { print; while ((getline line < table) > 0) print line; skip = 1; next }
    $0 == "<!-- /calibration:" s " -->" { skip = 0 }
    !skip { print }' docs/validation.md > docs/validation.md.new
  mv docs/validation.md.new docs/validation.md
  awk -F, '$3 == "calibrated" { print $1 "," $2 "," $4 "," $5 "," $6 }' "$out/validation.csv" >> "$floors.new"
done
mv "$floors.new" "$floors"
