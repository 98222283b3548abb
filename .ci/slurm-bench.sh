#!/usr/bin/env bash
# Throughput on Slurm (issue 11, docs/performance.md): one batch of controls-2025 (full horizon) as 1 and as 2 array
# tasks of one CPU each on the one-node Slurm of slurm-lib.sh, from submission until the merged store is there;
# the same batch without Slurm (batch --threads 1 and 2) for comparison; and the peak RSS of one shard task and of
# the merge (/usr/bin/time). Not part of CI: it takes about 5 minutes on 2 cores.
#   .ci/slurm-bench.sh [RUNS]      (default 1000)
set -euo pipefail
SAY=slurm-bench
source "$(dirname "$0")/slurm-lib.sh"
runs=${1:-1000}
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.1f", r / s }'; }
for threads in 1 2; do
  start=$(date +%s.%N)
  "$exe" batch "$scenario" --runs "$runs" --threads "$threads" --out "$T/plain-$threads.duckdb" >/dev/null
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  say "no Slurm, batch --threads $threads: $runs runs in $secs s = $(rate "$runs" "$secs") runs/s"
done
for tasks in 1 2; do
  start=$(date +%s.%N)
  submit "$T/jobs/bench-$tasks" --runs "$runs" --shards "$tasks" >/dev/null
  s=$(wait_job "$merge_id" 1200)
  [ "$s" = COMPLETED ] || fail "merge job $merge_id ended $s"
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  per=$(grep -hoE '^[0-9]+ runs in [0-9.]+ s \([0-9.]+ runs/s\)' "$T/jobs/bench-$tasks"/logs/shard-*.out | sed 's/^/    /')
  say "Slurm, $tasks array task(s) of 1 CPU + merge: $runs runs in $secs s from sbatch to merged store = $(rate "$runs" "$secs") runs/s"
  echo "$per"
  same_as_whole "$T/jobs/bench-$tasks/all.duckdb" "$T/plain-2.duckdb"
done
# memory: one shard task (1 and 2 threads) and the merge
for spec in "500 1" "2000 1" "500 2"; do
  set -- $spec
  /usr/bin/time -f "%M %e" -o "$T/rss" "$exe" batch "$scenario" --runs $(($1 * 4)) --shard 0/4 --threads "$2" --out "$T/rss-$1-$2.duckdb" >/dev/null
  read -r kb secs <"$T/rss"
  say "one shard of $1 runs, --threads $2: peak RSS $((kb / 1024)) MB, $secs s, store $(du -m "$T/rss-$1-$2.duckdb" | cut -f1) MB"
done
/usr/bin/time -f "%M %e" -o "$T/rss" "$exe" merge --out "$T/merged-bench.duckdb" "$T/jobs/bench-2"/shard-*.duckdb >/dev/null
read -r kb secs <"$T/rss"
say "merge of 2 shards, $runs runs: peak RSS $((kb / 1024)) MB, $secs s, store $(du -m "$T/merged-bench.duckdb" | cut -f1) MB"
