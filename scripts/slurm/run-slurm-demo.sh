#!/usr/bin/env bash
# A real Slurm run of a sharded conversion, on this machine alone:
#   1. starts a one-node Slurm cluster (Debian's slurm-wlm + munge; slurmctld, slurmd and munged with every
#      file — key, sockets, state, logs — in a private work folder, on non-default ports);
#   2. submits `sbatch --array=0-3`: task i runs `cepstra convert <dataset> --shard i/4` into a folder of its own;
#   3. waits, merges the four folders (`cepstra merge`) and verifies the result (`cepstra verify`);
#   4. converts the same dataset in one process and checks the merged dataset equals it row for row
#      (scripts/slurm/compare-datasets.cs: every table through DuckDB, EXCEPT ALL both ways);
#   5. shuts the cluster down (scontrol shutdown, then munged) and checks no daemon it started is left.
#
# usage: scripts/slurm/run-slurm-demo.sh [dataset-folder|demo]
#   dataset: default ../shared/datasets/gtzan-mini when present, else (or with `demo`) the demo's synthetic
#   genres (`cepstra demo`). Shards write the tracks table and the frame-level MFCC table (--frames mfcc).
#   Environment: CEPSTRA (a cepstra command; default: the Release build of src/Cli, built if needed),
#   CEPSTRA_SLURM_WORK (work folder; default a new /tmp folder, kept for inspection),
#   CEPSTRA_SLURM_PORT (slurmctld port, slurmd uses the next; default 16817), CEPSTRA_SLURM_SEGMENTS (default 10).
# Needs root (the daemons run as root here) and installs slurm-wlm and munge with apt-get when missing.
# Exit codes: 0 identical, 1 a step failed or the datasets differ, 3 Slurm could not be installed or started.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${CEPSTRA_SLURM_WORK:-$(mktemp -d /tmp/cepstra-slurm.XXXXXX)}
port=${CEPSTRA_SLURM_PORT:-16817}
segments=${CEPSTRA_SLURM_SEGMENTS:-10}
shards=4
mkdir -p "$work"
work=$(cd "$work" && pwd)

say() { printf '== %s\n' "$*"; }
fail() { printf 'slurm demo: %s\n' "$*" >&2; exit "${2:-1}"; }
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- Slurm and munge -------------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  say "installing slurm-wlm and munge (apt-get)"
  [ "$(id -u)" -eq 0 ] || fail "slurm-wlm and munge are not installed and this is not root: sudo apt-get install -y slurm-wlm munge" 3
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; } >"$work/apt.log" 2>&1 \
    || fail "apt-get install slurm-wlm munge failed (log: $work/apt.log)" 3
fi
[ "$(id -u)" -eq 0 ] || fail "run as root: slurmd must start jobs as the submitting user" 3

# --- cepstra ---------------------------------------------------------------------------------------------
if [ -z "${CEPSTRA:-}" ]; then
  say "building src/Cli (Release)"
  dotnet build "$repo/src/Cli" -c Release -v q -nologo >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log"; fail "build failed"; }
  CEPSTRA="dotnet $repo/src/Cli/bin/Release/net10.0/cepstra.dll"
fi
read -r -a cepstra <<<"$CEPSTRA"

dataset=${1:-}
if [ -z "$dataset" ] || [ "$dataset" = demo ]; then
  if [ -z "$dataset" ] && [ -d "$repo/../shared/datasets/gtzan-mini" ]; then
    dataset="$repo/../shared/datasets/gtzan-mini"
  else
    say "synthesizing the demo's genres (cepstra demo)"
    "${cepstra[@]}" demo --work "$work/demo" --trainers sdca --folds 2 >"$work/demo.log" 2>&1 || { tail -n 30 "$work/demo.log"; fail "cepstra demo failed"; }
    dataset="$work/demo/audio"
  fi
fi
[ -d "$dataset" ] || fail "no dataset folder $dataset" 2
dataset=$(cd "$dataset" && pwd)
files=$(find "$dataset" -type f | wc -l)

# --- start the cluster -----------------------------------------------------------------------------------
host=$(hostname -s)
cpus=$(( $(nproc) < 2 ? $(nproc) : 2 ))
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log" "$work/jobs" "$work/shards"
chmod 700 "$work/munge"
conf="$work/slurm.conf"
cat >"$conf" <<CONF
# One-node cluster for scripts/slurm/run-slurm-demo.sh: everything under $work.
ClusterName=cepstra-demo
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
# No cgroups, accounting or task binding: a container has none of them to offer, and a demo needs none.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=demo Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"

munged_pid=
cleanup() {
  local code=$?
  set +e
  if [ -f "$work/slurmctld.pid" ] || [ -f "$work/slurmd.pid" ]; then
    scontrol shutdown >/dev/null 2>&1
  fi
  # Wait for the daemons this script started (by their pid files), then stop munged the same way.
  for f in slurmctld slurmd; do
    pid=$(cat "$work/$f.pid" 2>/dev/null)
    for _ in $(seq 50); do { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || break; sleep 0.2; done
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; sleep 1; fi
  done
  munged_pid=$(cat "$work/munge/munged.pid" 2>/dev/null)
  if [ -n "$munged_pid" ] && kill -0 "$munged_pid" 2>/dev/null; then
    kill "$munged_pid"
    for _ in $(seq 25); do kill -0 "$munged_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  left=
  for pid in $(cat "$work/slurmctld.pid" "$work/slurmd.pid" "$work/munge/munged.pid" 2>/dev/null); do
    kill -0 "$pid" 2>/dev/null && left="$left $pid"
  done
  if [ -n "$left" ]; then
    echo "slurm demo: daemons still running:$left" >&2
    [ $code -ne 0 ] || code=1
  else
    echo "== cluster shut down: no slurmctld, slurmd or munged left"
  fi
  echo "== work folder: $work"
  exit $code
}
trap cleanup EXIT

say "starting munged, slurmctld and slurmd ($host, $cpus CPUs, ports $port/$((port + 1)))"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/munged.seed" \
  || fail "munged did not start (log: $work/log/munged.log)" 3
slurmctld -i || fail "slurmctld did not start (log: $work/log/slurmctld.log)" 3
slurmd || fail "slurmd did not start (log: $work/log/slurmd.log)" 3
for _ in $(seq 60); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || { tail -n 20 "$work/log/slurmctld.log" "$work/log/slurmd.log" >&2; fail "node $host is '${state:-unknown}', not idle" 3; }
sinfo

# --- the sharded conversion as a job array ---------------------------------------------------------------
cat >"$work/convert-shard.sh" <<JOB
#!/usr/bin/env bash
# One array task: shard \$SLURM_ARRAY_TASK_ID of $shards, into a folder of its own (as on machines without a shared disk).
$(printf '%q ' "${cepstra[@]}") convert $(printf '%q' "$dataset") --segments $segments --frames mfcc --shard "\$SLURM_ARRAY_TASK_ID/$shards" \\
  --workers "\${SLURM_CPUS_PER_TASK:-1}" --out "$work/shards/\$SLURM_ARRAY_TASK_ID" --quiet
code=\$?
echo "\$code" >"$work/jobs/\$SLURM_ARRAY_TASK_ID.exit"
exit \$code
JOB
chmod +x "$work/convert-shard.sh"

say "sbatch --array=0-$((shards - 1)): cepstra convert --shard i/$shards of $files files, --segments $segments"
start=$(now)
jobid=$(sbatch --parsable --array=0-$((shards - 1)) --cpus-per-task=1 --job-name=cepstra-convert \
  --output="$work/jobs/%A_%a.log" --chdir="$work" "$work/convert-shard.sh")
for _ in $(seq 1800); do
  [ -z "$(squeue -h -j "$jobid" 2>/dev/null)" ] && break
  sleep 0.5
done
array_s=$(seconds "$start" "$(now)")
[ -z "$(squeue -h -j "$jobid" 2>/dev/null)" ] || fail "job $jobid still queued or running after 15 minutes"
for i in $(seq 0 $((shards - 1))); do
  code=$(cat "$work/jobs/$i.exit" 2>/dev/null || echo missing)
  [ "$code" = 0 ] || { cat "$work/jobs/${jobid}_$i.log" >&2 2>/dev/null; fail "array task $i exited $code"; }
done
say "array job $jobid: $shards tasks done in $array_s s (submit to last task finished)"

say "cepstra merge + verify"
start=$(now)
"${cepstra[@]}" merge "$work"/shards/* --out "$work/merged" || fail "merge failed"
merge_s=$(seconds "$start" "$(now)")
"${cepstra[@]}" verify "$work/merged" || fail "verify failed"

say "the same conversion in one process (no Slurm)"
start=$(now)
"${cepstra[@]}" convert "$dataset" --segments $segments --frames mfcc --workers "$cpus" --out "$work/single" --quiet || fail "single-process convert failed"
single_s=$(seconds "$start" "$(now)")

say "merged array result vs single-process run, row for row (DuckDB)"
dotnet run "$repo/scripts/slurm/compare-datasets.cs" -- "$work/single" "$work/merged" | tee "$work/compare.txt"
rows=$(awk '/^tracks:/ { print $2 }' "$work/compare.txt")
printf 'RESULT: %s files, %s track rows; array of %s tasks on %s CPUs %s s, merge %s s, one process (%s workers) %s s; identical\n' \
  "$files" "$rows" "$shards" "$cpus" "$array_s" "$merge_s" "$cpus" "$single_s" | tee "$work/result.txt"
