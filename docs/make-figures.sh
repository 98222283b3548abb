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
echo "figures written to docs/validation and docs/figures"
