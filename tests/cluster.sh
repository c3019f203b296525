#!/bin/sh
# tests/cluster.sh — proves the README's cluster recipes (Sweeps, "Clusters")
# on real engines: a small sweep is run locally in one piece, then as one
# job per run through GNU parallel and through a Slurm job array on a
# single-node Slurm started here (munged, slurmctld, slurmd with their own
# key, sockets, ports and state in a temporary directory; nothing of the
# system's is touched), merged with `gmpsim merge`, and the merged
# databases compared with the local one: the same runs and the same
# params, metrics, histograms and timeseries, bit for bit (runs.wall_s and
# created_at are wall-clock bookkeeping and left out).
#
# Debian's slurm-wlm, munge and parallel come from the Makefile's
# dependency step (`make cluster-deps`, as root). An engine whose programs
# are missing, or a Slurm that cannot start here (the log says why), is
# reported as SKIPPED with the reason, never as passed. Prints cmocka-style
# summary lines for tests/run.sh. Run from the repository root.
GMPSIM=${GMPSIM:-./gmpsim}
SWEEP="scenarios/10k_rps.yaml --set duration=100ms --set warmup=20ms --set models.gmp.gomaxprocs=1,2"
T=$(mktemp -d "${TMPDIR:-/tmp}/gmpsim-cluster-XXXXXX") || exit 1
passed=0; failed=0; pids=""

cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  sleep 0.5
  for p in $pids; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok()   { echo "[       OK ] $1"; passed=$((passed + 1)); }
fail() { echo "[  FAILED  ] $1: $2"; failed=$((failed + 1)); }
skip() { echo "[  SKIPPED ] $1: $2"; }

# Everything but wall-clock fields, in a stable order; reals with 17
# significant digits (the sqlite3 shell's own 15 would hide a last bit).
dump() {
  sqlite3 "$1" "select run_id, run_number, scenario, model, seed, rep, point_id, status, error, sim_ns, events
                from runs order by run_id;
                select * from params order by 1, 2;
                select run_id, name, printf('%!.17g', value), unit from metrics order by 1, 2;
                select run_id, name, printf('%!.17g', lo), printf('%!.17g', hi), count from histograms order by 1, 2, 3;
                select run_id, t_ns, name, printf('%!.17g', value) from timeseries order by 1, 2, 3;
                select * from sweep_axes order by 1;
                select key, value from meta where key like 'sweep%' order by 1"
}

# same NAME DB: DB holds what the local sweep holds.
same() {
  dump "$T/local.db" > "$T/local.txt"
  dump "$2" > "$T/$1.txt"
  if [ ! -s "$T/local.txt" ]; then fail "$1" "the local sweep wrote nothing"
  elif cmp -s "$T/local.txt" "$T/$1.txt"; then ok "$1: merged parts equal the local sweep ($N runs, $(wc -l < "$T/local.txt") rows)"
  else fail "$1" "merged database differs from the local sweep: $(diff "$T/local.txt" "$T/$1.txt" | head -3)"
  fi
}

# ---- the local sweep, and the run list -----------------------------------
$GMPSIM sweep $SWEEP -q -o "$T/local.db" > "$T/local.log" 2>&1 || { fail local "sweep failed: $(tail -2 "$T/local.log")"; }
N=$($GMPSIM sweep $SWEEP --list | tail -n +2 | wc -l)

# ---- GNU parallel: the README's recipe ------------------------------------
if command -v parallel > /dev/null; then
  mkdir -p "$T/pparts"
  $GMPSIM sweep $SWEEP --list | tail -n +2 | cut -f1 |
    parallel --will-cite -j 2 $GMPSIM sweep $SWEEP -q --run {} -o "$T/pparts/part-{}.db" > "$T/parallel.log" 2>&1
  if $GMPSIM merge "$T/parallel.db" "$T"/pparts/part-*.db > "$T/pmerge.log" 2>&1; then
    same parallel "$T/parallel.db"
    # a control: the comparison sees a metric changed in its last bit
    cp "$T/parallel.db" "$T/control.db"
    sqlite3 "$T/control.db" "update metrics set value = value * (1 + 2e-16) where rowid = (select max(rowid) from metrics where value > 1)"
    dump "$T/control.db" > "$T/control.txt"
    if cmp -s "$T/local.txt" "$T/control.txt"; then fail control "a changed metric went unnoticed"
    else ok "control: a metric changed in its last bit is seen"; fi
  else
    fail parallel "merge failed: $(tail -3 "$T/pmerge.log" "$T/parallel.log")"
  fi
else
  skip parallel "GNU parallel is not installed (Debian package 'parallel'; make cluster-deps as root)"
fi

# ---- Slurm: a single-node cluster of our own -------------------------------
# a port the kernel says is free now (python3), else a random high one
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    shuf -i 20000-60000 -n 1
}

start_slurm() {
  for p in munged mungekey slurmctld slurmd sbatch squeue sinfo; do
    command -v $p > /dev/null || { why="'$p' is not installed (Debian packages slurm-wlm, munge; make cluster-deps as root)"; return 1; }
  done
  [ "$(id -u)" = 0 ] || { why="a Slurm of our own needs root here (slurmd runs jobs as their user)"; return 1; }
  S="$T/slurm"; mkdir -p "$S/state" "$S/spool" "$S/munge" && chmod 700 "$S/munge"
  mungekey -c -k "$S/munge/munge.key" > "$S/munge.log" 2>&1 || { why="mungekey failed: $(tail -1 "$S/munge.log")"; return 1; }
  munged -f --socket="$S/munge/sock" --key-file="$S/munge/munge.key" --pid-file="$S/munge/pid" \
         --log-file="$S/munge/log" --seed-file="$S/munge/seed" >> "$S/munge.log" 2>&1 ||
    { why="munged did not start: $(tail -1 "$S/munge.log")"; return 1; }
  pids="$pids $(cat "$S/munge/pid")"
  host=$(hostname -s); cpus=$(nproc)
  cat > "$S/slurm.conf" <<EOF
ClusterName=gmpsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$S/munge/sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$S/slurm.conf"
  slurmctld -D -i > "$S/slurmctld.out" 2>&1 & pids="$pids $!"
  slurmd -D > "$S/slurmd.out" 2>&1 & pids="$pids $!"
  i=0
  while [ $i -lt 60 ]; do
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null)
    case "$state" in idle*|mix*|alloc*) return 0 ;; esac
    sleep 0.5; i=$((i + 1))
  done
  why="the node did not come up in 30 s (state '${state:-none}'): $(tail -2 "$S/slurmctld.log" "$S/slurmd.log" 2>/dev/null | tr '\n' ' ' | cut -c1-400)"
  return 1
}

if start_slurm; then
  mkdir -p "$T/sparts"
  # the README's recipe: one array task per run
  job=$(sbatch --parsable --array=0-$((N - 1)) -o "$T/sparts/slurm-%A_%a.out" -D "$PWD" \
        --wrap "$GMPSIM sweep $SWEEP -q --run \$SLURM_ARRAY_TASK_ID -o $T/sparts/part-\$SLURM_ARRAY_TASK_ID.db" 2>&1)
  i=0
  while [ $i -lt 240 ] && [ -n "$(squeue -h -j "${job%%;*}" 2>/dev/null)" ]; do sleep 0.5; i=$((i + 1)); done
  if [ -n "$(squeue -h -j "${job%%;*}" 2>/dev/null)" ]; then
    fail slurm "job array $job still queued or running after 120 s: $(squeue -j "${job%%;*}" | tail -3)"
  elif [ "$(ls "$T"/sparts/slurm-*.out 2>/dev/null | wc -l)" -ne "$N" ]; then
    fail slurm "job array $job: expected $N array tasks' output files, found $(ls "$T"/sparts/slurm-*.out 2>/dev/null | wc -l)"
  elif $GMPSIM merge "$T/slurm.db" "$T"/sparts/part-*.db > "$T/smerge.log" 2>&1; then
    same slurm "$T/slurm.db"
  else
    fail slurm "sbatch said '$job'; merge failed: $(tail -3 "$T/smerge.log") $(cat "$T"/sparts/slurm-*.out 2>/dev/null | head -3)"
  fi
else
  skip slurm "Slurm cannot start here: $why"
fi

[ $passed -gt 0 ] && echo "[  PASSED  ] $passed test(s)."
[ $failed -gt 0 ] && echo "[  FAILED  ] $failed test(s), listed above"
[ $failed -eq 0 ]
