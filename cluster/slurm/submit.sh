#!/bin/bash
# Submits a rareearth batch to Slurm: a job array of SHARDS tasks (shards.sbatch, one shard each) and the job that
# merges them (merge.sbatch) when every task has succeeded. Prints the two job ids.
#   cluster/slurm/submit.sh SCENARIO RUNS SHARDS OUT [DESIGN [SEED]]
# Environment: SETS ("a=1;b=2" --set overrides), RAREEARTH (the executable), and Slurm's own SBATCH_PARTITION,
# SBATCH_TIMELIMIT, SBATCH_ACCOUNT, SBATCH_MEM_PER_NODE for both jobs. `rareearth cluster slurm` does the same.
set -euo pipefail
if [ $# -lt 4 ]; then sed -n '2,6p' "$0"; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
scenario=$(readlink -f "$1"); runs=$2; shards=$3; out=$4; design=${5:-lhs}; seed=${6:-1}
[ -f "$scenario" ] || { echo "error: no scenario file $1" >&2; exit 2; }
mkdir -p "$out/logs"; out=$(cd "$out" && pwd)
if compgen -G "$out/*.duckdb" >/dev/null; then echo "error: $out already holds stores; choose another OUT" >&2; exit 2; fi
vars="ALL,SCENARIO=$scenario,RUNS=$runs,SHARDS=$shards,OUT=$out,DESIGN=$design,SEED=$seed"
array=$(sbatch --parsable --array=0-$((shards - 1)) --output="$out/logs/shard-%a-job%A.out" --export="$vars" "$here/shards.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" --output="$out/logs/merge-job%j.out" --export="$vars" "$here/merge.sbatch")
merge=${merge%%;*}
echo "submitted: array job $array (tasks 0-$((shards - 1))), merge job $merge -> $out/all.duckdb"
echo "a failed task K: scancel $merge; then sbatch --array=K --output=$out/logs/shard-%a-job%A.out --export=$vars $here/shards.sbatch"
echo "  and sbatch --dependency=afterok:<its job id> --output=$out/logs/merge-job%j.out --export=$vars $here/merge.sbatch"
