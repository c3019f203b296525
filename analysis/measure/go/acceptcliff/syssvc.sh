#!/bin/sh
# syssvc.sh — sysmon's per-cycle counters in the validation's own sys_syscall
# service (analysis/validate/go/svc, case f: in-process generator, 150 us of
# work + a 5 ms nanosleep through syscall.Syscall + 150 us) on real go1.19,
# built with sysmon_counters.patch (printing every 100 ms instead of every
# second), so each run reports what gmpsim's sysmon_* metrics count: sysmon
# cycles, cycles after a 10 ms sleep, retakes and sysretakes (retake saw a
# _Psyscall P's schedtick unchanged for forcePreemptNS).
#   analysis/measure/go/acceptcliff/syssvc.sh [REPS] [PROCS...]   (default: 3 reps, GOMAXPROCS 8 2)
# Prints uptime before each run (the machine is shared); counters are the
# run's totals (warm-up 0.5 s + window 2 s + drain), and per second between
# the first and last SYSMONDBG line.
set -e
REPS=${1:-3}; shift 2>/dev/null || true
PROCS=${*:-8 2}
HERE=$(cd "$(dirname "$0")" && pwd)
W=/tmp/gmpsim-syssvc; mkdir -p $W/rt
GO=/usr/lib/go-1.19/bin/go
cp /usr/lib/go-1.19/src/runtime/proc.go $W/rt/proc.go
(cd $W/rt && patch -s -p2 < "$HERE/sysmon_counters.patch" && sed -i 's/if now-dbgLast > 1e9 {/if now-dbgLast > 1e8 {/' proc.go)
grep -q 'now-dbgLast > 1e8' $W/rt/proc.go
printf '{"Replace":{"/usr/lib/go-1.19/src/runtime/proc.go":"%s/rt/proc.go"}}' $W > $W/overlay.json
cd "$HERE/../../../validate/go"
GOPROXY=off GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 GOCACHE=$W/cache $GO build -overlay $W/overlay.json -o $W/svc-dbg ./svc
cd $W
for p in $PROCS; do for r in 1500 3000; do for a in const poisson; do
  rep=1
  while [ $rep -le $REPS ]; do
    c=sys_syscall_p${p}_${r}_$a
    echo "== $c rep $rep $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
    ./svc-dbg -case $c -procs $p -rate $r -arrival $a -warm 0.5s -dur 2s \
      -cpu1 150us -block syscall -blockdur 5ms -cpu2 150us -drain 500ms -seed $rep > run.log 2>&1 || echo "!! svc failed"
    grep -E 'RESULT .*(lat_p50|lat_p99|threads_created) ' run.log | awk '{printf "  %s %s", $3, $4} END {print ""}'
    grep '^BACKGROUND' run.log | sed 's/^BACKGROUND [^ ]* /  background: /'
    grep SYSMONDBG run.log | awk '
      { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] + 0 }
        if (NR == 1) { t0 = v["t"]; c0 = v["cycles"]; a0 = v["at10ms"]; r0 = v["retakes"]; s0 = v["sysretakes"] } }
      END { d = (v["t"] - t0) / 1000; if (d <= 0) d = 1
        printf "  total: cycles=%d at10ms=%d retakes=%d sysretakes=%d | per s over %.1f s: cycles %.0f at10ms %.0f retakes %.0f sysretakes %.0f\n",
          v["cycles"], v["at10ms"], v["retakes"], v["sysretakes"], d,
          (v["cycles"] - c0) / d, (v["at10ms"] - a0) / d, (v["retakes"] - r0) / d, (v["sysretakes"] - s0) / d }'
    rep=$((rep + 1))
  done
done; done; done
