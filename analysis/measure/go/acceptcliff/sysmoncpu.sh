#!/bin/sh
# sysmoncpu.sh — sysmon's own CPU per cycle in real go1.19: runs the validation's svc
# (sys_syscall shape, as syssvc.sh; needs its build in /tmp/gmpsim-syssvc/svc-dbg), reads every
# thread's /proc/PID/task/TID/schedstat (run ns, wait ns, timeslices) 1.8 s in, and divides the
# thread with the most timeslices (sysmon: it wakes every 20 us-10 ms and never blocks long
# otherwise) by the sysmon cycles the runtime counted by then (SYSMONDBG, every 100 ms).
#   analysis/measure/go/acceptcliff/sysmoncpu.sh [REPS] [PROCS] [RATE] [const|poisson]
set -e
REPS=${1:-3}; P=${2:-8}; R=${3:-1500}; A=${4:-const}
W=/tmp/gmpsim-syssvc
[ -x $W/svc-dbg ] || { echo "run syssvc.sh first (it builds $W/svc-dbg)" >&2; exit 1; }
cd $W
rep=1
while [ $rep -le $REPS ]; do
  echo "== sys_syscall_p${P}_${R}_$A rep $rep $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
  ./svc-dbg -case c -procs $P -rate $R -arrival $A -warm 0.5s -dur 2s \
    -cpu1 150us -block syscall -blockdur 5ms -cpu2 150us -drain 500ms -seed $rep > cpu.log 2>&1 &
  pid=$!
  sleep 1.8
  for t in /proc/$pid/task/*; do echo "$(basename $t) $(cat $t/schedstat 2>/dev/null)"; done > sched.txt
  sleep 0.05
  wait $pid || true
  # the SYSMONDBG line printed just before the sample: the last one at or before 1.7 s after the first (about 1.8 s in)
  cyc=$(grep SYSMONDBG cpu.log | awk '{ split($2, t, "="); split($3, c, "="); if (NR == 1) t0 = t[2]; if (t[2] - t0 <= 1700) n = c[2] } END { print n }')
  sort -k4 -n -r sched.txt | head -1 | awk -v cyc="$cyc" '{ printf "  busiest-waking thread %s: %.1f ms CPU, %d timeslices; sysmon cycles by then ~%d: %.1f us CPU per cycle, %.1f us per timeslice\n", $1, $2 / 1e6, $4, cyc, $2 / 1e3 / cyc, $2 / 1e3 / $4 }'
  grep '^BACKGROUND' cpu.log | sed 's/^BACKGROUND [^ ]* /  background: /'
  rep=$((rep + 1))
done
