# Sourced by .ci/slurm-test.sh and .ci/slurm-bench.sh: installs slurm-wlm and munge when missing, starts munged,
# slurmctld and slurmd by hand for one node (config, state and logs in a temporary folder $T, SLURM_CONF pointing
# there), stops the jobs and daemons it started on exit, and defines the helpers field, wait_job, digest,
# same_as_whole and submit. Needs root.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
t0=$SECONDS
say() { printf '[%s %3ds] %s\n' "${SAY:-slurm-test}" $((SECONDS - t0)) "$*"; }
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
