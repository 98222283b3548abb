#!/usr/bin/env bash
# What-ifs: the direction and size of each lever's effect (issue 8).
#
# For each lever, small seeded batches (Latin hypercube over the scenario's remaining uncertain
# parameters, same master seed) at two to four settings. Every setting of one lever passes the same
# --set paths, so the batches share their design: run i of every setting has the same seed and the
# same draws of the other uncertain parameters (common random numbers), and the effect of a setting
# is taken run by run against the lever's reference setting.
#
# Writes docs/validation/whatifs.md (one table per lever: median [5%-95%] of each metric) and prints
# one verdict line per lever and setting: the direction (up / down / none) of each metric against the
# reference, from the median of the run-by-run differences; for levers with three or more settings,
# whether the median Dy peak is monotone along them. Exit code 3 when a setting could not run (its
# row then says why: e.g. a --set path the model no longer has).
#
# Run from the repository root:   docs/make-whatifs.sh
# Environment: RUNS (runs per batch, default 40), SEED (master seed, default 1),
#              OUT (default docs/validation/whatifs.md), WORK (scratch folder for the stores, default a
#              temporary folder, removed at the end unless WORK is given), R (the rareearth command;
#              default: build once, then the built executable).
# Needs only bash, awk and the rareearth CLI (statistics are done by `rareearth sql` on the stores).
set -uo pipefail

RUNS=${RUNS:-40}
SEED=${SEED:-1}
OUT=${OUT:-docs/validation/whatifs.md}
C25=${C25:-scenarios/controls-2025.yaml}
J10=${J10:-scenarios/japan-2010.yaml}
JB=${JB:-scenarios/what-if/japan-ban-2026.yaml}
T0=$(date +%s)

if [[ -z "${R:-}" ]]; then
  dotnet build src/RareEarth.Cli -c Release -v q -nologo >/dev/null || { echo "build failed" >&2; exit 1; }
  R=src/RareEarth.Cli/bin/Release/net10.0/rareearth
fi
if [[ -z "${WORK:-}" ]]; then WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
mkdir -p "$WORK" "$(dirname "$OUT")"

# ---- metrics: label | column of runs | scale | kind (mult, months, dec, bn) ----
METRICS=(
  "Dy peak ×|peak_price_multiple_dy_oxide_ROW|1|mult"
  "magnet peak ×|peak_price_multiple_ndfeb_magnet_ROW|1|mult"
  "EU Dy peak ×|peak_market_price_multiple_EU_dy_oxide|1|mult"
  "JP magnet peak ×|peak_market_price_multiple_JP_ndfeb_magnet|1|mult"
  "JP short mo|shortage_months_JP_ndfeb_magnet|1|months"
  "US short mo|shortage_months_US_ndfeb_magnet|1|months"
  "EU short mo|shortage_months_EU_ndfeb_magnet|1|months"
  "JP Dy short mo|shortage_months_JP_dy_oxide|1|months"
  "JP Dy <50% mo|decoupling_months_50_JP_dy_oxide|1|dec"
  "JP cost bn|net_cost_vs_cf_usd_JP|1e-9|bn"
  "US cost bn|net_cost_vs_cf_usd_US|1e-9|bn"
  "EU cost bn|net_cost_vs_cf_usd_EU|1e-9|bn"
  "CN cost bn|net_cost_vs_cf_usd_CN|1e-9|bn"
  "CN lost exp bn|lost_export_revenue_vs_cf_usd_CN|1e-9|bn"
)
NM=${#METRICS[@]}
mlabel() { local IFS='|'; set -- ${METRICS[$1]}; echo "$1"; }
mcol()   { local IFS='|'; set -- ${METRICS[$1]}; echo "$2"; }
mscale() { local IFS='|'; set -- ${METRICS[$1]}; echo "$3"; }
mkind()  { local IFS='|'; set -- ${METRICS[$1]}; echo "$4"; }

sqlc() { "$R" sql "$1" "$2" --format csv 2>>"$WORK/errors.log" | tail -n +2; }

# the columns a store has (a scenario without a counterfactual has no _vs_cf_ columns)
has_col() { grep -qx "$2" "$1.cols"; }

# expression for metric i in store s (NULL when the store lacks the column); decoupling "never" = horizon + 1
mexpr() { # store i
  local col; col=$(mcol "$2")
  if ! has_col "$1" "$col"; then echo "CAST(NULL AS DOUBLE)"; return; fi
  if [[ $(mkind "$2") == dec ]]; then echo "coalesce($col, $(cat "$1.never"))"; else echo "$col * $(mscale "$2")"; fi
}

# ---- one batch; prints nothing, records the store or the failure ----
# batch KEY SCENARIO [--set ...]...
batch() {
  local key=$1 scen=$2; shift 2
  local store="$WORK/$key.duckdb"
  rm -f "$store"
  if ! "$R" batch "$scen" --runs "$RUNS" --seed "$SEED" --out "$store" "$@" >"$WORK/$key.log" 2>&1; then
    echo "FAILED: $(grep -m1 -E 'error|problem|:[0-9]+:[0-9]+:' "$WORK/$key.log" | head -c 300)" >"$store.failed"
    return 1
  fi
  sqlc "$store" "SELECT name FROM metrics" >"$store.cols"
  sqlc "$store" "SELECT months - date_diff('month', start_month, shock_month) + 1 FROM batch" >"$store.never"
  sqlc "$store" "SELECT md5(coalesce((SELECT string_agg(seed::VARCHAR, ',' ORDER BY run_index) FROM design), '') || '|' ||
                         coalesce((SELECT string_agg(name || '=' || value::VARCHAR, ',' ORDER BY run_index, name) FROM run_parameters), ''))" >"$store.design"
  # quantiles: p05, p50, p95 per metric (decoupling: quantile_disc, so "never" stays "never")
  local sel="" i e q
  for ((i = 0; i < NM; i++)); do
    e=$(mexpr "$store" $i); q=quantile_cont; [[ $(mkind $i) == dec ]] && q=quantile_disc
    sel+="${sel:+, }$q($e, 0.05), $q($e, 0.5), $q($e, 0.95)"
  done
  sqlc "$store" "SELECT count(*), $sel FROM runs WHERE status = 'ok'" >"$store.q"
  # run-level values, for the run-by-run differences
  sel=""
  for ((i = 0; i < NM; i++)); do sel+=", $(mexpr "$store" $i)"; done
  sqlc "$store" "SELECT run_index$sel FROM runs WHERE status = 'ok' ORDER BY run_index" >"$store.runs"
}

# median (and 5-95%) of B - A, run by run when the two stores share their design, else B's median - A's median.
# prints: mode then NM fields "p50" (empty when undefined)
diffs() { # storeA storeB
  local a=$1 b=$2 i
  if [[ $(cat "$a.design") == $(cat "$b.design") ]]; then
    local values cols="run_index" sel=""
    values=$(awk -F, '{ s = "(" ; for (i = 1; i <= NF; i++) s = s (i > 1 ? ", " : "") ($i == "" ? "NULL" : $i); printf "%s%s)", (NR > 1 ? ", " : ""), s }' "$a.runs")
    for ((i = 0; i < NM; i++)); do cols+=", a$i"; sel+="${sel:+, }quantile_cont(b.b$i - a.a$i, 0.5)"; done
    local bsel=""
    for ((i = 0; i < NM; i++)); do bsel+=", $(mexpr "$b" $i) AS b$i"; done
    echo -n "paired,"
    sqlc "$b" "WITH a($cols) AS (VALUES $values), bb AS (SELECT run_index$bsel FROM runs WHERE status = 'ok')
               SELECT $sel FROM bb b JOIN a USING (run_index)"
  else
    echo -n "unpaired,"
    awk -F, -v n=$NM 'NR == FNR { for (i = 0; i < n; i++) a[i] = $(3 + 3 * i); next }
                      { s = ""; for (i = 0; i < n; i++) { b = $(3 + 3 * i); s = s (i ? "," : "") ((a[i] == "" || b == "") ? "" : b - a[i]) } print s }' "$a.q" "$b.q"
  fi
}

fmt() { # value kind
  local v=$1 k=$2
  [[ -z "$v" ]] && { echo "–"; return; }
  case $k in
    mult) awk -v v="$v" 'BEGIN { printf "%.2f", v }' ;;
    months) awk -v v="$v" 'BEGIN { printf "%.0f", v }' ;;
    dec) awk -v v="$v" -v n="$3" 'BEGIN { if (v >= n) printf "never"; else printf "%.0f", v }' ;;
    bn) awk -v v="$v" 'BEGIN { a = v < 0 ? -v : v; printf (a >= 10 ? "%.0f" : (a >= 1 ? "%.1f" : "%.2f")), v }' ;;
  esac
}

# tolerance under which a difference counts as none
tol() { # kind refmedian
  awk -v k="$1" -v r="$2" 'BEGIN { r = r < 0 ? -r : r; t = 0.02 * r;
    m = (k == "mult") ? 0.05 : ((k == "months" || k == "dec") ? 0.5 : 0.02); print (t > m ? t : m) }'
}

# ---- a lever: name, description, reference key, then settings as KEY=label ----
LEVERS=()
declare -A LDESC LREF LSET LSCEN
lever() { LEVERS+=("$1"); LDESC[$1]=$2; LSCEN[$1]=$3; LREF[$1]=$4; LSET[$1]=$5; }
declare -A LABEL

declare -A SKIP   # lever -> why it cannot be set up on this scenario (its rows then say so)
run_setting() { # lever key label scenario sets...
  local lv=$1 key=$2 label=$3 scen=$4; shift 4
  LABEL[$key]=$label
  if [[ -n "${SKIP[$lv]:-}" ]]; then echo "FAILED: not run: ${SKIP[$lv]}" >"$WORK/$key.duckdb.failed"; echo "  $lv / $label: not run: ${SKIP[$lv]}" >&2; return 1; fi
  batch "$key" "$scen" "$@" || echo "  $lv / $label: $(cat "$WORK/$key.duckdb.failed")" >&2
}

# ---- the resolved scenario text, for the ids of firms, sectors, stockpiles and events ----
resolved() { sqlc "$1" "SELECT scenario_text FROM batch" | sed 's/^"//; s/"$//; s/""/"/g'; }

echo "what-ifs: $RUNS runs per batch, master seed $SEED, scratch $WORK"
batch base25 "$C25" || { echo "cannot run $C25: $(cat "$WORK/base25.duckdb.failed")" >&2; exit 1; }
resolved "$WORK/base25.duckdb" >"$WORK/c25.yaml"

# firms outside China with capacity in mining, separation or magnets (recycling left out)
NONCN_FIRMS=$(awk '/^firms:/ { f = 1; next } /^[a-z_]+:/ { f = 0 } f && /^  [a-z0-9_]+:$/ { if (id != "" && c != "CN" && cap > 0 && p !~ /recycl/) print id "=" cap; id = substr($1, 1, length($1) - 1); c = ""; cap = 0; p = "" }
  f && /^    country:/ { c = $2 } f && /^    capacity:/ { cap = $2 } f && /^    process:/ { p = $2 }
  END { if (id != "" && c != "CN" && cap > 0 && p !~ /recycl/) print id "=" cap }' "$WORK/c25.yaml")
# countries with an explicit hoarding gain
HOARDERS=$(awk '/^countries:/ { f = 1; next } /^[a-z_]+:/ { f = 0 } f && /^  [A-Z][A-Z]:$/ { id = substr($1, 1, 2) } f && /^    hoarding_gain:/ { print id "=" $2 }' "$WORK/c25.yaml")
# sectors with substitution
SUBST=$(awk '/^sectors:/ { f = 1; next } /^[a-z_]+:/ { f = 0 } f && /^  [A-Za-z0-9_]+:$/ { id = substr($1, 1, length($1) - 1) } f && /^      max_share:/ { print id }' "$WORK/c25.yaml")
# stockpiles with a release rule: COUNTRY.material=tonnes
STOCKS=$(awk '/^countries:/ { f = 1; next } /^[a-z_]+:/ { f = 0 } f && /^  [A-Z][A-Z]:$/ { id = substr($1, 1, 2) } f && /^    stockpiles:/ { s = 1; next } f && /^    [a-z]/ { s = 0 }
  f && s && /^      [a-z_]+:$/ { m = substr($1, 1, length($1) - 1) } f && s && /^        tonnes:/ { print id "." m "=" $2 }' "$WORK/c25.yaml")
# events: index|month|type|country|to|regime
events() { awk '/^events:/ { f = 1; next } /^[a-z_]+:/ { if (f && n) print out; f = 0 }
  f && /^- / { if (n) print out; n++; mo = ""; ty = ""; co = ""; to = ""; re = ""; sub(/^- /, "  ") }
  f && /^  month:/ { mo = $2 } f && /^  type:/ { ty = $2 } f && /^  country:/ { co = $2 } f && /^  regime:/ { re = $2 }
  f && /^  to:/ { to = $2; inl = ($2 == "") } f && inl && /^  - / { to = to (to == "" ? "" : ",") $2 } f && /^  [a-z]/ && !/^  to:/ { inl = 0 }
  { out = (n - 1) "|" mo "|" ty "|" co "|" to "|" re }
  END { if (f && n) print out }' "$1"; }
events "$WORK/c25.yaml" >"$WORK/c25.events"
# the three CN licence events on the April list: April, June, November 2025
CN_LIC=($(awk -F'|' '$3 == "export_regime" && $4 == "CN" && $6 == "licence" && $5 == "all" { print $2 "|" $1 }' "$WORK/c25.events" | sort | cut -d'|' -f2))
if (( ${#CN_LIC[@]} < 3 )); then
  why="controls-2025 no longer has three CN licence events to all destinations (April, June, November 2025); found ${#CN_LIC[@]}: update docs/make-whatifs.sh"
  for lv in approval halt target stockpile_halt6; do SKIP[$lv]=$why; done
fi
E0=${CN_LIC[0]:-0} E1=${CN_LIC[1]:-1} E2=${CN_LIC[2]:-2}
month_add() { awk -v m="$1" -v k="$2" 'BEGIN { y = substr(m, 1, 4) + 0; mo = substr(m, 6, 2) + 0 + k; y += int((mo - 1) / 12); mo = (mo - 1) % 12 + 1; printf "%04d-%02d", y, mo }'; }
SHOCK=$(awk '/^shock:/ { print $2; exit }' "$WORK/c25.yaml"); SHOCK=${SHOCK:-2025-04}

# ---------------- controls-2025 levers ----------------
# 1. April approval rate, the April regime kept 12 months (the June approval set to the same rate, November's moved to April 2026)
for a in 0.75 0.5 0.25 0; do
  run_setting approval "appr_$a" "approval $a" "$C25" --set "events.$E0.approval=$a" --set "events.$E1.approval=$a" --set "events.$E2.month=$(month_add $SHOCK 12)"
done
lever approval "April 2025 licence approval rate, kept for 12 months (June 2025 event set to the same rate, the November 2025 relaxation moved to April 2026); \`events.$E0.approval\` is fixed in every setting" "$C25" appr_0.25 "appr_0.75 appr_0.5 appr_0.25 appr_0"

# 2. a halt: the April licence list banned for N months, then licences at 0.9 and a month later 0.95
for n in 1 3 6 12; do
  run_setting halt "halt_$n" "halt $n mo" "$C25" --set "events.$E0.regime=ban" --set "events.$E1.month=$(month_add $SHOCK $n)" --set "events.$E2.month=$(month_add $SHOCK $((n + 1)))"
done
lever halt "a halt instead of the April licences: Dy, Tb oxide and magnets banned to all from 2025-04 for N months, then licences at 90% (June event moved), 95% a month later (November event moved)" "$C25" halt_1 "halt_1 halt_3 halt_6 halt_12"

# 3. one country or all: every rare-earth good banned for 12 months from 2025-04, to Japan only or to all
for to in JP all; do
  run_setting target "ban_$to" "ban to $to, 12 mo" "$C25" --set "events.$E0.regime=ban" --set "events.$E0.materials=all" --set "events.$E0.to=$to" \
    --set "events.$E1.month=$(month_add $SHOCK 12)" --set "events.$E1.regime=open" --set "events.$E1.materials=all" --set "events.$E1.to=all" --set "events.$E2.month=$(month_add $SHOCK 13)"
done
lever target "a 12-month ban of every rare-earth good from 2025-04 on Japan alone or on every destination (then all open, the April list under 95% licences a month later)" "$C25" ban_all "ban_all ban_JP"

# 3b. held-back goods: under the 2026 ban on Japan (scenarios/what-if/japan-ban-2026.yaml, China's 0.1% rule in force), what
# suppliers outside China hold back from the pooled market (their ask above its price) stays with them (0, the world's
# value), half of it or all of it may be sold to Japan at its own price
for h in 0 0.5 1; do
  run_setting held "held_$h" "held share $h" "$JB" --set "behaviour.held_stock_reroute_share=$h"
done
lever held "japan-ban-2026.yaml (a 12-month Chinese ban on every rare-earth good to Japan from 2026-01, the 0.1% rule in force): the share of what suppliers outside China hold back from the pooled market that they sell to Japan at its own price (\`behaviour.held_stock_reroute_share\`: 0, the world's value, 0.5, 1)" "$JB" held_0 "held_0 held_0.5 held_1"

# 4. hoarding: every country's hoarding gain 0, the world's value, 3
hz=() hw=() h3=()
for kv in $HOARDERS; do hz+=(--set "countries.${kv%%=*}.hoarding_gain=0"); hw+=(--set "countries.${kv%%=*}.hoarding_gain=${kv#*=}"); h3+=(--set "countries.${kv%%=*}.hoarding_gain=3"); done
run_setting hoarding hoard_0 "gain 0" "$C25" "${hz[@]}"
run_setting hoarding hoard_w "world values" "$C25" "${hw[@]}"
run_setting hoarding hoard_3 "gain 3" "$C25" "${h3[@]}"
lever hoarding "hoarding gain of every country that has one ($(echo $HOARDERS | tr ' ' ',')): 0, the world's values (JP's is otherwise sampled from its calibrated distribution in controls-2025), 3" "$C25" hoard_w "hoard_0 hoard_w hoard_3"

# 5. substitution: on (world) or off (max_share 0 in every sector that has it)
so=()
for s in $SUBST; do so+=(--set "sectors.$s.substitution.max_share=0"); done
run_setting substitution subst_on "on (world)" "$C25"
run_setting substitution subst_off "off" "$C25" "${so[@]}"
lever substitution "rare-earth-free substitution in every sector that has it ($(echo $SUBST | wc -w) sectors): on as in the world, or off (max_share 0)" "$C25" subst_on "subst_on subst_off"

# 6. non-China capacity +50%
cap=()
for kv in $NONCN_FIRMS; do cap+=(--set "firms.${kv%%=*}.capacity=$(awk -v c="${kv#*=}" 'BEGIN { printf "%.0f", c * 1.5 }')"); done
run_setting capacity cap_w "world" "$C25"
run_setting capacity cap_15 "+50% outside China" "$C25" "${cap[@]}"
lever capacity "capacity of every mining, separation and magnet firm outside China ×1.5 from the start ($(echo $NONCN_FIRMS | sed 's/=[0-9.]*//g' | tr ' ' ','))" "$C25" cap_w "cap_w cap_15"

# 7. stockpile release: on (world), off (release_rate 0), on with 10× the stocks
soff=() s10=()
for kv in $STOCKS; do c=${kv%%.*}; rest=${kv#*.}; m=${rest%%=*}; t=${kv#*=}
  soff+=(--set "countries.$c.stockpiles.$m.release_rate=0"); s10+=(--set "countries.$c.stockpiles.$m.tonnes=$(awk -v t="$t" 'BEGIN { printf "%.0f", t * 10 }')")
  r=$(awk -v c="$c" -v m="$m" '/^countries:/ { f = 1; next } /^[a-z_]+:/ { f = 0 } f && $0 == "  " c ":" { k = 1; next } f && /^  [A-Z][A-Z]:$/ { k = 0 }
      f && k && $0 == "      " m ":" { s = 1; next } f && k && s && /^      [a-z_]+:$/ { s = 0 } f && k && s && /^        release_rate:/ { print $2; exit }' "$WORK/c25.yaml")
  [[ -n "$r" ]] && s10+=(--set "countries.$c.stockpiles.$m.release_rate=$(awk -v r="$r" 'BEGIN { printf "%g", r * 10 }')"); done
run_setting stockpile stock_on "release on (world)" "$C25"
run_setting stockpile stock_off "release off" "$C25" "${soff[@]}"
run_setting stockpile stock_10 "release on, stocks and rate ×10" "$C25" "${s10[@]}"
lever stockpile "strategic stockpiles with a release rule ($(echo $STOCKS | tr ' ' ',') t): released as in the world, never released (release_rate 0), or ten times the tonnes and the release rate" "$C25" stock_on "stock_on stock_off stock_10"
# the same under a 6-month halt (the stocks are released only when the stocked material runs short)
halt6=(--set "events.$E0.regime=ban" --set "events.$E1.month=$(month_add $SHOCK 6)" --set "events.$E2.month=$(month_add $SHOCK 7)")
run_setting stockpile_halt6 stockh_on "release on (world)" "$C25" "${halt6[@]}"
run_setting stockpile_halt6 stockh_off "release off" "$C25" "${halt6[@]}" "${soff[@]}"
run_setting stockpile_halt6 stockh_10 "release on, stocks and rate ×10" "$C25" "${halt6[@]}" "${s10[@]}"
lever stockpile_halt6 "the stockpile lever as above, under the 6-month halt of the halt lever (the stocks are released only when the stocked material itself runs short)" "$C25" stockh_on "stockh_on stockh_off stockh_10"

# 8. the US price floor
run_setting floor floor_on "floor on (world)" "$C25"
run_setting floor floor_off "floor off" "$C25" --set 'price_floors={}'
# the US fiscal cost against the counterfactual (transfers at home: shown in summary.json, not in the net cost), one run each, seed 1
us_fiscal() { "$R" run "$C25" --seed 1 --no-charts --out "$WORK/$1" "${@:2}" >/dev/null 2>&1 &&
  awk '/"counterfactual": \{/ { f = 1 } f && /"country": "US"/ { u = 1 } f && u && /"fiscal_usd":/ { gsub(/[,]/, "", $2); printf "%.2f", $2 / 1e9; exit }' "$WORK/$1/summary.json"; }
FISC_ON=$(us_fiscal run_floor_on); FISC_OFF=$(us_fiscal run_floor_off --set 'price_floors={}')
lever floor "the US price floor for MP's NdPr oxide (USD 110/kg from 2025-10): as shipped, or none (\`price_floors={}\`). US fiscal cost against the counterfactual (floor top-ups and stockpile purchases; in summary.json, not in the net cost), seed 1: ${FISC_ON:-?} bn USD with the floor, ${FISC_OFF:-?} bn without" "$C25" floor_on "floor_on floor_off"

# 9. the world with its events removed (approval fixed at 0.25 in the reference, so the two share their design)
run_setting rest rest_ref "controls-2025" "$C25" --set "events.$E0.approval=0.25"
run_setting rest rest_none "no events, no floor" "$C25" --set 'events=[]' --set 'price_floors={}'
lever rest "controls-2025 against its world with every event and the price floor removed (\`events=[]\`, \`price_floors={}\`: no counterfactual, so no costs)" "$C25" rest_ref "rest_ref rest_none"

# ---------------- japan-2010 ----------------
batch base10 "$J10" && { resolved "$WORK/base10.duckdb" >"$WORK/j10.yaml"; events "$WORK/j10.yaml" >"$WORK/j10.events"; }
# the halt to Japan: the first licence event to JP (Sep 2010), the next two to JP (Oct, Nov), the reopening to all (Dec)
JP_EV=($(awk -F'|' '$3 == "export_regime" && $4 == "CN" && $5 == "JP" { print $2 "|" $1 }' "$WORK/j10.events" 2>/dev/null | sort | cut -d'|' -f2))
OPEN_EV=$(awk -F'|' '$3 == "export_regime" && $4 == "CN" && $6 == "open" { print $2 "|" $1 }' "$WORK/j10.events" 2>/dev/null | sort | head -1 | cut -d'|' -f2)
if ! { (( ${#JP_EV[@]} >= 3 )) && [[ -n "$OPEN_EV" ]]; }; then
  SKIP[halt2010]="japan-2010 no longer has three CN export-regime events to JP and a reopening (open) event: update docs/make-whatifs.sh"
fi
H0=2010-09
for n in 1 2 6 12; do
    run_setting halt2010 "j_halt_$n" "halt $n mo" "$J10" --set "events.${JP_EV[0]:-}.regime=ban" --set "events.${JP_EV[0]:-}.month=$H0" \
      --set "events.${JP_EV[1]:-}.month=$(month_add $H0 $n)" --set "events.${JP_EV[1]:-}.approval=0.6" \
      --set "events.${JP_EV[2]:-}.month=$(month_add $H0 $((n + 1)))" --set "events.${JP_EV[2]:-}.regime=open" \
      --set "events.$OPEN_EV.to=[US,EU]"
done
lever halt2010 "japan-2010: China's September 2010 measure to Japan made a ban of N months (history: ~2 months, 21 Sep - 20 Nov), then licences at 60% for a month, then open; the December 2010 reopening applies to the US and EU" "$J10" j_halt_1 "j_halt_1 j_halt_2 j_halt_6 j_halt_12"
run_setting rest2010 j_rest_ref "japan-2010" "$J10" --set "countries.JP.hoarding_gain=2"
run_setting rest2010 j_rest_none "no events" "$J10" --set "countries.JP.hoarding_gain=2" --set 'events=[]'
lever rest2010 "japan-2010 against its world with every event removed (\`events=[]\`; JP hoarding gain fixed at 2 in both)" "$J10" j_rest_ref "j_rest_ref j_rest_none"

# ---------------- the tables and verdicts ----------------
ELAPSED=$(( $(date +%s) - T0 ))
{
  echo "# What-ifs: direction and size of each lever"
  echo
  echo "Written by [\`docs/make-whatifs.sh\`](../make-whatifs.sh) on $(git describe --always --dirty 2>/dev/null || echo '?') ($(date -u +%Y-%m-%d)):"
  echo "$RUNS runs per setting (Latin hypercube over the scenario's uncertain parameters that the lever does not fix,"
  echo "master seed $SEED), $(( ELAPSED / 60 )) min $(( ELAPSED % 60 )) s on this machine."
  echo "Cells: median [5%–95%] over the runs. Every setting of a lever passes the same \`--set\` paths, so run *i* has"
  echo "the same seed and parameter draws in every setting (common random numbers); the verdict under each table is the"
  echo "median of the run-by-run differences against the lever's reference setting (**ref**), and its direction"
  echo "(none: within 2% of the reference median, or 0.05× / 0.5 months / 0.02 bn USD)."
  echo
  echo "Columns: outside-China peak price multiple of Dy oxide and NdFeB magnets (peak from the shock on / 12 months"
  echo "before); months with more than 1% of magnet demand unmet in Japan, the US and the EU; months from the shock"
  echo "until Japan's direct China share of Dy oxide stays below 50% for 12 months (\"never\": not within the horizon);"
  echo "net cost against the counterfactual (same run without the confrontation; \`net_cost_vs_cf_usd_*\`, bn USD) for"
  echo "Japan, the US, the EU and China; China's lost export revenue against the counterfactual (bn USD). \"–\": not"
  echo "defined (a scenario with no confrontation has no counterfactual)."
  echo
} >"$OUT"

VERDICTS=""
for lv in "${LEVERS[@]}"; do
  ref=${LREF[$lv]}
  {
    echo "## $lv"
    echo
    echo "${LDESC[$lv]}."
    echo
    h="| setting |"; s="| --- |"
    for ((i = 0; i < NM; i++)); do h+=" $(mlabel $i) |"; s+=" --- |"; done
    echo "$h"; echo "$s"
    for key in ${LSET[$lv]}; do
      st="$WORK/$key.duckdb"; row="| ${LABEL[$key]}$([[ $key == "$ref" ]] && echo ' (**ref**)') |"
      if [[ -f "$st.failed" ]]; then row+=" $(cat "$st.failed" | tr '|' '/') |"; echo "$row"; continue; fi
      IFS=, read -r -a q <"$st.q"
      nev=$(cat "$st.never")
      for ((i = 0; i < NM; i++)); do
        k=$(mkind $i)
        p05=${q[$((1 + 3 * i))]:-} p50=${q[$((2 + 3 * i))]:-} p95=${q[$((3 + 3 * i))]:-}
        if [[ -z "$p50" ]]; then row+=" – |"; else row+=" $(fmt "$p50" $k $nev) [$(fmt "$p05" $k $nev)–$(fmt "$p95" $k $nev)] |"; fi
      done
      echo "$row"
    done
    echo
  } >>"$OUT"
  [[ -f "$WORK/$ref.duckdb.failed" ]] && { VERDICTS+="$lv: reference failed"$'\n'; continue; }
  IFS=, read -r -a rq <"$WORK/$ref.duckdb.q"
  for key in ${LSET[$lv]}; do
    [[ $key == "$ref" ]] && continue
    [[ -f "$WORK/$key.duckdb.failed" ]] && { VERDICTS+="$lv: ${LABEL[$key]} failed"$'\n'; continue; }
    IFS=, read -r -a d <<<"$(diffs "$WORK/$ref.duckdb" "$WORK/$key.duckdb")"
    line="$lv: ${LABEL[$key]} vs ${LABEL[$ref]}$([[ ${d[0]} == unpaired ]] && echo ' (unpaired)'):"
    md="- **${LABEL[$key]}** against ${LABEL[$ref]}$([[ ${d[0]} == unpaired ]] && echo ' (designs differ: difference of medians)'):"
    for ((i = 0; i < NM; i++)); do
      v=${d[$((1 + i))]:-}; k=$(mkind $i)
      if [[ -z "$v" ]]; then dir="n/a"; txt="n/a"
      else
        t=$(tol "$k" "${rq[$((2 + 3 * i))]:-0}")
        dir=$(awk -v v="$v" -v t="$t" 'BEGIN { print (v > t ? "up" : (v < -t ? "down" : "none")) }')
        txt="$dir $(awk -v v="$v" -v k="$k" 'BEGIN { printf (k == "mult" ? "%+.2f" : (k == "bn" ? "%+.2f" : "%+.0f")), v }')"
        [[ $dir == none ]] && txt=none
      fi
      line+=" $(mlabel $i) $txt;"
      md+=" $(mlabel $i) $txt;"
    done
    VERDICTS+="${line%;}"$'\n'
    echo "${md%;}" >>"$OUT"
  done
  # along three or more settings: is the Dy peak (median) monotone?
  if (( $(wc -w <<<"${LSET[$lv]}") >= 3 )); then
    seq=""; for key in ${LSET[$lv]}; do [[ -f "$WORK/$key.duckdb.q" ]] && seq+="$(cut -d, -f3 "$WORK/$key.duckdb.q") "; done
    # a step counts as up or down when the median moves by more than 1%
    mono=$(awk -v s="$seq" 'BEGIN { n = split(s, v, " "); up = 1; dn = 1; out = ""; st = "";
      for (i = 1; i <= n; i++) { out = out (i > 1 ? " → " : "") sprintf("%.2f", v[i]);
        if (i > 1) { d = (v[i] - v[i-1]) / (v[i-1] == 0 ? 1 : v[i-1]); k = d > 0.01 ? "up" : (d < -0.01 ? "down" : "flat"); st = st (i > 2 ? " " : "") k; if (k != "up") up = 0; if (k != "down") dn = 0 } }
      print out " (steps: " st "; " (up ? "strictly rising" : (dn ? "strictly falling" : "not strictly monotone")) ")" }')
    VERDICTS+="$lv: Dy peak median along the settings: $mono"$'\n'
    echo "- Dy peak median along the settings ($(for key in ${LSET[$lv]}; do echo -n "${LABEL[$key]}, "; done | sed 's/, $//')): $mono" >>"$OUT"
  fi
  echo >>"$OUT"
done
# ---------------- the summary table in docs/validation.md (between its whatifs markers) ----------------
# one row per lever: the median of each metric at every setting, joined by " / " in the order of the settings,
# the reference in bold. VALIDATION= names the file (default docs/validation.md; "" skips it).
VALIDATION=${VALIDATION-docs/validation.md}
med() { # key metric -> formatted median, or "–"
  local st="$WORK/$1.duckdb" q
  [[ -f "$st.q" && ! -f "$st.failed" ]] || { echo "–"; return; }
  IFS=, read -r -a q <"$st.q"
  fmt "${q[$((2 + 3 * $2))]:-}" "$(mkind $2)" "$(cat "$st.never")"
}
per_metric() { # lever metric... -> "a / **b** / c ; d / **e** / f"
  local lv=$1 out="" i key v row; shift
  for i in "$@"; do
    row=""
    for key in ${LSET[$lv]}; do v=$(med "$key" "$i"); [[ $key == "${LREF[$lv]}" ]] && v="**$v**"; row+="${row:+ / }$v"; done
    out+="${out:+ ; }$row"
  done
  echo "$out"
}
per_setting() { # lever metric... -> "a,b,c / **d,e,f**"
  local lv=$1 out="" i key v tuple; shift
  for key in ${LSET[$lv]}; do
    tuple=""; for i in "$@"; do v=$(med "$key" "$i"); tuple+="${tuple:+,}$v"; done
    [[ $key == "${LREF[$lv]}" ]] && tuple="**$tuple**"
    out+="${out:+ / }$tuple"
  done
  echo "$out"
}
if [[ -n "$VALIDATION" && -f "$VALIDATION" ]] && grep -q '<!-- whatifs:begin -->' "$VALIDATION"; then
  TABLE="$WORK/validation-table.md"
  {
    echo "<!-- whatifs:begin -->"
    echo "<!-- written by docs/make-whatifs.sh on $(git describe --always --dirty 2>/dev/null || echo '?') ($(date -u +%Y-%m-%d)), $RUNS runs per setting, master seed $SEED: do not edit by hand -->"
    echo
    echo "| lever | settings (**reference**) | Dy peak × outside ; EU | magnet peak × outside ; JP | magnet shortage months JP,US,EU | net cost vs counterfactual, bn USD: JP ; US ; EU ; CN | CN lost export revenue, bn USD | JP months to <50% China Dy |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for lv in "${LEVERS[@]}"; do
      settings=""; for key in ${LSET[$lv]}; do l=${LABEL[$key]}; [[ $key == "${LREF[$lv]}" ]] && l="**$l**"; settings+="${settings:+ / }$l"; done
      echo "| $lv | $settings | $(per_metric $lv 0 2) | $(per_metric $lv 1 3) | $(per_setting $lv 4 5 6) | $(per_metric $lv 9 10 11 12) | $(per_metric $lv 13) | $(per_metric $lv 8) |"
    done
    echo
    echo "Medians over the runs of each setting (5-95% bands and run-by-run differences in [validation/whatifs.md](validation/whatifs.md)); a negative net cost is a gain; \"–\": not defined (no counterfactual without events)."
    echo "<!-- whatifs:end -->"
  } >"$TABLE"
  awk -v table="$TABLE" '/<!-- whatifs:begin -->/ { while ((getline line < table) > 0) print line; skip = 1; next }
                         /<!-- whatifs:end -->/ { skip = 0; next } !skip { print }' "$VALIDATION" >"$WORK/validation.new" && cat "$WORK/validation.new" >"$VALIDATION"
  echo "updated the what-if table in $VALIDATION"
fi

ELAPSED=$(( $(date +%s) - T0 ))
printf "%s" "$VERDICTS"
echo "wrote $OUT ($RUNS runs per setting, $(ls "$WORK"/*.duckdb 2>/dev/null | wc -l) batches, ${ELAPSED} s)"
# a setting that could not run (e.g. a --set path the model no longer has) is in its row; say so in the exit code
if ls "$WORK"/*.failed >/dev/null 2>&1; then echo "some settings failed: see the FAILED rows in $OUT" >&2; exit 3; fi
