#!/usr/bin/env bash
# The Slurm test (issue 11): a one-node Slurm started by hand (no systemd), a 4-task job array of a small batch and
# its merge job submitted with `rareearth cluster slurm`; the merged store must equal the same batch run whole.
# Then one task is killed mid-run (SIGKILL), only its index is resubmitted, the shards are merged again and
# compared again. Installs slurm-wlm and munge with apt-get when missing (needs root). Everything it writes
# (munge key, slurm.conf, state, logs, stores) is in a temporary folder; Slurm finds its config through SLURM_CONF.
# The daemons and jobs it started are stopped on exit. Exit 0 when every check passes.
#
#   .ci/slurm-test.sh            uses src/RareEarth.Cli/bin/Release/net10.0/rareearth (built if missing)
#   RAREEARTH=/path/to/rareearth .ci/slurm-test.sh     another build, e.g. the published single file
#   KEEP=1 .ci/slurm-test.sh     keep the temporary folder
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
t0=$SECONDS
say() { printf '[slurm-test %3ds] %s\n' $((SECONDS - t0)) "$*"; }
fail() { say "FAILED: $*"; exit 1; }

# ------------------------------------------------------------------ Slurm and munge
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  [ "$(id -u)" = 0 ] || fail "slurm-wlm and munge are missing and installing them needs root"
  say "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
[ "$(id -u)" = 0 ] || fail "slurmd must run as root to start jobs"
say "$(slurmctld -V)"

# ------------------------------------------------------------------ the rareearth executable
exe=${RAREEARTH:-$repo/src/RareEarth.Cli/bin/Release/net10.0/rareearth}
if [ ! -x "$exe" ]; then
  say "building the command line (dotnet build src/RareEarth.Cli -c Release)"
  dotnet build src/RareEarth.Cli -c Release -v q -nologo >/dev/null
fi
# an apphost finds the runtime through DOTNET_ROOT (the jobs inherit this environment)
if [ -z "${DOTNET_ROOT:-}" ] && command -v dotnet >/dev/null; then export DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")"); fi

# ------------------------------------------------------------------ start munged, slurmctld, slurmd
T=$(mktemp -d /tmp/rareearth-slurm.XXXXXX)
chmod 755 "$T"
pids=()
jobs_started=()
cleanup() {
  local status=$?
  for j in "${jobs_started[@]}"; do scancel "$j" 2>/dev/null || true; done
  [ ${#jobs_started[@]} -gt 0 ] && sleep 1
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ $status -ne 0 ]; then
    for f in "$T"/log/*.log; do [ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }; done
    for f in "$T"/jobs/*/logs/*.out; do [ -f "$f" ] && { echo "--- $f"; tail -n 8 "$f"; }; done
  fi
  if [ "${KEEP:-0}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi
  say "daemons stopped; $( [ $status -eq 0 ] && echo passed || echo failed ) in $((SECONDS - t0)) s"
}
trap cleanup EXIT

mkdir -p "$T/munge" "$T/etc" "$T/state" "$T/spool" "$T/log" "$T/jobs"
chmod 700 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
sock=$T/munge/munge.socket
munged --foreground --force --key-file="$T/munge/munge.key" --socket="$sock" --pid-file="$T/munge/munged.pid" \
  --log-file="$T/log/munged.log" --seed-file="$T/munge/munged.seed" >"$T/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
munge -n -S "$sock" | unmunge -S "$sock" >/dev/null || fail "munge does not work (see $T/log/munged.log)"

node=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
export SLURM_CONF=$T/etc/slurm.conf
cat > "$SLURM_CONF" <<EOF
ClusterName=rareearth-ci
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool/slurmd
SlurmctldPidFile=$T/state/slurmctld.pid
SlurmdPidFile=$T/spool/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=1
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=600
MailProg=/bin/true
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -c -f "$SLURM_CONF" >"$T/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" >"$T/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "the node is not idle after 30 s (state '${state:-none}'; see $T/log/slurmctld.log and slurmd.log)"
say "one-node Slurm up: $node, $cpus CPUs, config $SLURM_CONF"

# ------------------------------------------------------------------ helpers
field() { scontrol show job "$1" 2>/dev/null | grep -oE "\b$2=[^ ]+" | head -n1 | cut -d= -f2; }
# wait_job ID [SECONDS]: until the job has left PENDING and RUNNING; prints its final state
wait_job() {
  local id=$1 limit=${2:-180} s
  for ((i = 0; i < limit * 2; i++)); do
    s=$(field "$id" JobState)
    case "$s" in PENDING | RUNNING | CONFIGURING | COMPLETING | "") ;; *) echo "$s"; return 0 ;; esac
    if [ "$s" = PENDING ] && [ "$(field "$id" Reason)" = DependencyNeverSatisfied ]; then echo "NEVER"; return 0; fi
    sleep 0.5
  done
  echo "TIMEOUT"
}
scenario=$repo/scenarios/controls-2025.yaml
# the comparison: the runs table without its timing columns, and a hash of every series, in run order
digest() {
  "$exe" sql "$1" "SELECT * EXCLUDE (elapsed_ms, compile_ms, finished_at) FROM runs ORDER BY run_index" --format csv
  "$exe" sql "$1" "SELECT count(*) AS runs, md5(string_agg(run_index || ':' || series_id || ':' || CAST(monthly AS VARCHAR), '|' ORDER BY run_index, series_id)) AS series FROM series_values" --format csv
}
same_as_whole() { # STORE WHOLE
  digest "$1" >"$1.digest"; digest "$2" >"$2.digest"
  cmp -s "$1.digest" "$2.digest" || { diff "$1.digest" "$2.digest" | head -n 20; fail "$1 differs from the batch run whole ($2)"; }
  say "equal to the batch run whole: $(wc -l <"$1.digest") lines of runs, series hash $(tail -n1 "$1.digest" | cut -d, -f2)"
}
submit() { # DIR ARGS...: runs `rareearth cluster slurm`, sets array_id and merge_id
  local dir=$1; shift
  "$exe" cluster slurm "$scenario" --out "$dir" "$@" | tee "$dir.submit"
  array_id=$(grep -oE 'array job [0-9]+' "$dir.submit" | grep -oE '[0-9]+')
  merge_id=$(grep -oE 'merge job [0-9]+' "$dir.submit" | grep -oE '[0-9]+')
  [ -n "$array_id" ] && [ -n "$merge_id" ] || fail "cluster slurm printed no job ids"
  jobs_started+=("$array_id" "$merge_id")
}

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

# ------------------------------------------------------------------ 2: a task killed mid-run, its index resubmitted
big=(--runs 400 --set end=2026-12)
"$exe" batch "$scenario" "${big[@]}" --out "$T/whole-400.duckdb" --threads "$cpus" >"$T/log/whole-400.out"
say "batch run whole: $T/whole-400.duckdb"
dir=$T/jobs/b
submit "$dir" "${big[@]}" --shards 4
victim=1
log=""
for _ in $(seq 600); do  # until task 1 has stored some of its 100 runs
  log=$(ls "$dir"/logs/shard-$victim-job*.out 2>/dev/null | head -n1 || true)
  [ -n "$log" ] && grep -qE '\([1-9][0-9]* stored\)' "$log" && break
  sleep 0.1
done
scancel --signal=KILL --full "${array_id}_$victim"
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
scancel "$merge_id"
rerun=$(sbatch --parsable --array=$victim "$dir/shards.sbatch"); rerun=${rerun%%;*}
merge2=$(sbatch --parsable --dependency=afterok:$rerun "$dir/merge.sbatch"); merge2=${merge2%%;*}
jobs_started+=("$rerun" "$merge2")
s=$(wait_job "$merge2" 180)
[ "$s" = COMPLETED ] || fail "merge job $merge2 (after rerunning task $victim as job $rerun) ended $s"
relog=$(ls "$dir"/logs/shard-$victim-job$rerun.out)
grep -q "resuming:" "$relog" || fail "the resubmitted task did not continue its store: $(cat "$relog")"
say "task $victim resubmitted as job $rerun: $(grep -oE 'resuming: .*' "$relog")"
same_as_whole "$dir/all.duckdb" "$T/whole-400.duckdb"
say "all checks passed"
