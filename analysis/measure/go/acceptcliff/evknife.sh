#!/bin/sh
# evknife.sh — eventloop_10k's blocking handler (100 us + nanosleep 100 ms + 100 us, Poisson)
# on real go1.19 on this 2-vCPU machine, scaled by the cores: the scenario's 10,000/s on
# 8 cores is 2,500/s on 2 (the same 25 % CPU load). Runs acceptcliff (accept goroutine +
# loopback client, as gmpsim's default acceptor; and the in-process generator) built with
# sysmon_counters.patch, so each server run also prints sysmon's cycles, cycles at the 10 ms
# delay, retakes, sysretakes, and every retake made at the 10 ms delay (an escape).
#   analysis/measure/go/acceptcliff/evknife.sh [REPS] [PROCS...]   (default: 3 reps, GOMAXPROCS 8 2)
# Prints uptime before each run: the machine is shared, and the tails move with its load.
set -e
REPS=${1:-3}; shift 2>/dev/null || true
PROCS=${*:-8 2}
HERE=$(cd "$(dirname "$0")" && pwd)
W=/tmp/gmpsim-evknife; mkdir -p $W/rt
GO=/usr/lib/go-1.19/bin/go
cp /usr/lib/go-1.19/src/runtime/proc.go $W/rt/proc.go
(cd $W/rt && patch -s -p2 < "$HERE/sysmon_counters.patch")
printf '{"Replace":{"/usr/lib/go-1.19/src/runtime/proc.go":"%s/rt/proc.go"}}' $W > $W/overlay.json
cd "$HERE/.."
GOPROXY=off GOFLAGS= GOCACHE=$W/cache $GO build -overlay $W/overlay.json -o $W/acceptcliff-dbg ./acceptcliff
GOPROXY=off GOFLAGS= GOCACHE=$W/cache $GO build -o $W/acceptcliff ./acceptcliff
cd $W
port=$((40000 + $$ % 10000))
export S1=100us SL=100ms S2=100us
for p in $PROCS; do
  r=1
  while [ $r -le $REPS ]; do
    port=$((port + 1))
    echo "== accept GOMAXPROCS=$p rep $r $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
    GOMAXPROCS=$p ./acceptcliff-dbg server 127.0.0.1:$port > srv.log 2>&1 &
    spid=$!
    sleep 0.5
    GOMAXPROCS=2 timeout 60 ./acceptcliff client 127.0.0.1:$port 2500 8 poisson 2>&1 | head -1 || true
    echo "server $(grep Threads /proc/$spid/status | tr -s '\t' ' ')"
    kill $spid; wait $spid 2>/dev/null || true
    grep SYSMONDBG srv.log | tail -1 | sed 's/^/  /'
    echo "  retakes at the 10 ms delay (escapes): $(grep -c ESCAPE srv.log || true)"
    r=$((r + 1))
  done
  echo "== gen GOMAXPROCS=$p $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
  GOMAXPROCS=$p ./acceptcliff-dbg gen 2500 8 > gen.log 2>&1
  grep SYSMONDBG gen.log | tail -1 | sed 's/^/  /'
  grep '^gen:' gen.log
done
