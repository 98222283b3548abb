#!/usr/bin/env bash
# Regenerates the figures in docs/ from the shipped scenarios (seed 1). Run from the repository root.
set -euo pipefail
R="dotnet run --project src/RareEarth.Cli -c Release --"
$R history scenarios/japan-2010.yaml --data docs/sources/history-2010.csv --out docs/validation/japan-2010 > /dev/null
$R history scenarios/controls-2025.yaml --data docs/sources/history-2025.csv --out docs/validation/controls-2025 > /dev/null
for s in japan-2010 controls-2025 baseline; do
  $R run scenarios/$s.yaml --out /tmp/rareearth-figures/$s > /dev/null
  mkdir -p docs/figures/$s
  cp /tmp/rareearth-figures/$s/charts/{prices,price_dy_oxide,price_ndpr_oxide,price_ndfeb_magnet,shortage_ndfeb_magnet,china_share_ndfeb_magnet,china_share_dy_oxide}.png docs/figures/$s/ 2>/dev/null || true
  cp /tmp/rareearth-figures/$s/summary.json docs/figures/$s/summary.json
done
$R run scenarios/what-if/japan-ban-2026.yaml --out /tmp/rareearth-figures/japan-ban-2026 > /dev/null
mkdir -p docs/figures/japan-ban-2026
cp /tmp/rareearth-figures/japan-ban-2026/charts/{price_ndfeb_magnet,price_dy_oxide,shortage_ndfeb_magnet,resilience}.png docs/figures/japan-ban-2026/ 2>/dev/null || true
cp /tmp/rareearth-figures/japan-ban-2026/summary.json docs/figures/japan-ban-2026/summary.json
echo "figures written to docs/validation and docs/figures"
# a batch of 2,000 runs of controls-2025 (Latin hypercube over its uncertain: block) and its report
rm -f /tmp/rareearth-figures/batch.duckdb /tmp/rareearth-figures/batch.duckdb.wal
$R batch scenarios/controls-2025.yaml --runs 2000 --out /tmp/rareearth-figures/batch.duckdb > /dev/null
rm -rf /tmp/rareearth-figures/report
$R report /tmp/rareearth-figures/batch.duckdb --out /tmp/rareearth-figures/report --where "peak_market_price_multiple_JP_dy_oxide > 3.75" > /dev/null
mkdir -p docs/figures/batch
cp /tmp/rareearth-figures/report/charts/{fan_price_dy_oxide_ROW,fan_china_share_JP_ndfeb_magnet,prim_box}.png docs/figures/batch/
echo "batch figures written to docs/figures/batch"
