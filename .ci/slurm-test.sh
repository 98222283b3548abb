#!/usr/bin/env bash
# The Slurm test (issue 11): a one-node Slurm started by hand (no systemd), a 4-task job array of a small batch and
# its merge job submitted with `rareearth cluster slurm`; the merged store must equal the same batch run whole.
# Then one task of a 1,200-run batch is killed mid-run (SIGKILL), only its index is resubmitted, the shards are merged again and
# compared again. Installs slurm-wlm and munge with apt-get when missing (needs root). Everything it writes
# (munge key, slurm.conf, state, logs, stores) is in a temporary folder; Slurm finds its config through SLURM_CONF.
# The daemons and jobs it started are stopped on exit. Exit 0 when every check passes.
#
#   .ci/slurm-test.sh            uses src/RareEarth.Cli/bin/Release/net10.0/rareearth (built if missing)
#   RAREEARTH=/path/to/rareearth .ci/slurm-test.sh     another build, e.g. the published single file
#   KEEP=1 .ci/slurm-test.sh     keep the temporary folder
set -euo pipefail
source "$(dirname "$0")/slurm-lib.sh"

# ------------------------------------------------------------------ 1: four tasks and the merge
small=(--runs 40 --set end=2026-12)
"$exe" batch "$scenario" "${small[@]}" --out "$T/whole-40.duckdb" --threads "$cpus" >"$T/log/whole-40.out"
say "batch run whole: $T/whole-40.duckdb"
submit "$T/jobs/a" "${small[@]}" --shards 4
s=$(wait_job "$merge_id" 180)
[ "$s" = COMPLETED ] || fail "merge job $merge_id ended $s"
for k in 0 1 2 3; do [ "$(field "${array_id}_$k" JobState)" = COMPLETED ] || fail "task ${array_id}_$k: $(field "${array_id}_$k" JobState)"; done
say "array job $array_id (4 tasks) and merge job $merge_id completed"
same_as_whole "$T/jobs/a/all.duckdb" "$T/whole-40.duckdb"

# ------------------------------------------------------------------ 1b: the same with the hand-written scripts in cluster/slurm/
RAREEARTH=$exe SETS="end=2026-12" cluster/slurm/submit.sh "$scenario" 40 4 "$T/jobs/c" | tee "$T/jobs/c.submit"
array_id=$(grep -oE 'array job [0-9]+' "$T/jobs/c.submit" | grep -oE '[0-9]+')
merge_id=$(grep -oE 'merge job [0-9]+' "$T/jobs/c.submit" | grep -oE '[0-9]+')
jobs_started+=("$array_id" "$merge_id")
s=$(wait_job "$merge_id" 180)
[ "$s" = COMPLETED ] || fail "merge job $merge_id (cluster/slurm/submit.sh) ended $s"
say "cluster/slurm/submit.sh: array job $array_id and merge job $merge_id completed"
same_as_whole "$T/jobs/c/all.duckdb" "$T/whole-40.duckdb"

# ------------------------------------------------------------------ 2: a task killed mid-run, its index resubmitted
big=(--runs 1200 --set end=2026-12)
"$exe" batch "$scenario" "${big[@]}" --out "$T/whole-1200.duckdb" --threads "$cpus" >"$T/log/whole-1200.out"
say "batch run whole: $T/whole-1200.duckdb"
dir=$T/jobs/b
submit "$dir" "${big[@]}" --shards 4
victim=1
log=""
for _ in $(seq 1200); do  # until task 1 has stored some of its 300 runs (0.1 s polls, 2 min at most)
  log=$(ls "$dir"/logs/shard-$victim-job*.out 2>/dev/null | head -n1 || true)
  [ -n "$log" ] && grep -qE '\([1-9][0-9]* stored\)' "$log" && break
  sleep 0.1
done
[ -n "$log" ] && grep -qE '\([1-9][0-9]* stored\)' "$log" || fail "task ${array_id}_$victim showed no progress in 2 minutes (log: ${log:-none})"
scancel --signal=KILL --full "${array_id}_$victim" || true
say "task ${array_id}_$victim killed (SIGKILL) after: $(grep -oE '[0-9]+/[0-9]+ runs \([0-9]+ stored\)' "$log" | tail -n1)"
s=$(wait_job "${array_id}_$victim" 60)
[ "$s" != COMPLETED ] || fail "task ${array_id}_$victim completed before it was killed; the kill tested nothing"
for k in 0 2 3; do s=$(wait_job "${array_id}_$k" 180); [ "$s" = COMPLETED ] || fail "task ${array_id}_$k: $s"; done
s=$(wait_job "$merge_id" 30)
[ "$s" = NEVER ] || fail "merge job $merge_id should wait for ever (DependencyNeverSatisfied), found $s"
say "task $victim: $(field "${array_id}_$victim" JobState); merge job $merge_id: dependency never satisfied"
# merge refuses the incomplete set and names the shard
if "$exe" merge --out "$T/refused.duckdb" "$dir"/shard-*.duckdb >"$T/log/refused.out" 2>&1; then fail "merge accepted an incomplete set"; fi
grep -q "missing shard $victim of 4" "$T/log/refused.out" || { cat "$T/log/refused.out"; fail "merge did not name shard $victim"; }
[ ! -e "$T/refused.duckdb" ] || fail "a refused merge wrote a store"
say "merge refused: $(grep -oE 'missing shard.*\)\.' "$T/log/refused.out")"
# the documented recovery: cancel the waiting merge, resubmit only the failed index, merge after it
scancel "$merge_id" || true
rerun=$(sbatch --parsable --array=$victim "$dir/shards.sbatch"); rerun=${rerun%%;*}
merge2=$(sbatch --parsable --dependency=afterok:$rerun "$dir/merge.sbatch"); merge2=${merge2%%;*}
jobs_started+=("$rerun" "$merge2")
s=$(wait_job "$merge2" 180)
[ "$s" = COMPLETED ] || fail "merge job $merge2 (after rerunning task $victim as job $rerun) ended $s"
relog=$(ls "$dir"/logs/shard-$victim-job$rerun.out)
grep -q "resuming:" "$relog" || fail "the resubmitted task did not continue its store: $(cat "$relog")"
say "task $victim resubmitted as job $rerun: $(grep -oE 'resuming: .*' "$relog")"
same_as_whole "$dir/all.duckdb" "$T/whole-1200.duckdb"
say "all checks passed"
