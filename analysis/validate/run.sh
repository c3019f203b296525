#!/bin/sh
# run.sh - build and run the real-program half of the validation suite.
#
#   analysis/validate/run.sh [--quick] [--reps N] [--only FAMILY[,FAMILY...]]
#
# Families (cases.tsv's `family` column): spawn sysblock ticker micro
# java_thread svc sys eventloop gc.  --quick: 1 repetition, shorter durations (a smoke
# test, ~2-3 min); default 5 repetitions (~11 min on a quiet 2-core machine).
#
# Every run is preceded by a quiet-machine gate (1 s of /proc/stat; if other
# processes use more than GATE_MAX % of a CPU, wait GATE_WAIT s and retry, up
# to GATE_TRIES samples and GATE_BUDGET s of retries per invocation, then run
# anyway; the sub-second programs of a family - spawn, sysblock, micro - share
# one gate per repetition); a run is marked noisy when its gate
# never passed or when its own background line says other processes used more
# than NOISY_MAX % of a CPU while it ran.  Raw logs: raw/<UTC date-time>/,
# one per run; the table: measured.csv (rows of families not run this time
# are kept from the previous measured.csv); machine facts: machine.txt and
# the header of measured.csv.
#
# Builds offline (Go 1.19 standard library only, GOPROXY=off; javac) into
# $BUILD (default /tmp/gmpsim-validate).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-/usr/lib/go-1.19/bin/go}
JAVA=${JAVA:-java}
JAVAC=${JAVAC:-javac}
BUILD=${BUILD:-/tmp/gmpsim-validate}
REPS=5 QUICK=0 ONLY=all
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1; REPS=1 ;;
	--reps) REPS=$2; shift ;;
	--only) ONLY=$2; shift ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

# Durations. Full: svc (case e) 2 s warm-up + 4 s measured; sys (case f)
# 0.5 s + 2 s; ticker 2 s. Quick: svc 0.5 + 2 s, sys 0.5 + 1.5 s, ticker 1 s.
if [ $QUICK = 1 ]; then
	SVC_WARM=0.5 SVC_DUR=2 SYS_WARM=0.5 SYS_DUR=1.5 TICK_DUR=1s MICRO_TRIALS=5
	GATE_TRIES=${GATE_TRIES:-1}
else
	SVC_WARM=2 SVC_DUR=4 SYS_WARM=0.5 SYS_DUR=2 TICK_DUR=2s MICRO_TRIALS=11
	GATE_TRIES=${GATE_TRIES:-3}
fi
GATE_MAX=${GATE_MAX:-15} GATE_WAIT=${GATE_WAIT:-2} NOISY_MAX=${NOISY_MAX:-25}
GATE_BUDGET=${GATE_BUDGET:-60}    # seconds of gate retries per invocation, then sample once only
RUN_TIMEOUT=${RUN_TIMEOUT:-60}    # seconds before a hung program is killed

want() { [ "$ONLY" = all ] || echo ",$ONLY," | grep -q ",$1,"; }

# ---- build
export GOCACHE=$BUILD/gocache GOPATH=$BUILD/gopath GOPROXY=off GOFLAGS= GO111MODULE=on GOTOOLCHAIN=local CGO_ENABLED=0
unset GOMAXPROCS GODEBUG GOGC 2>/dev/null || true
mkdir -p "$BUILD/bin" "$BUILD/java"
(cd "$HERE/go" && "$GO" vet ./... && "$GO" build -o "$BUILD/bin/" ./...)
"$JAVAC" -d "$BUILD/java" "$HERE/java/Svc.java" "$HERE/java/ThreadStart.java" "$HERE/java/EvLoop.java"
B=$BUILD/bin

STAMP=$(date -u +%Y-%m-%dT%H%M%S)
RAW=$HERE/raw/$STAMP
mkdir -p "$RAW"

# ---- machine facts
{
	echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "nproc:   $(nproc)"
	echo "kernel:  $(uname -r)"
	echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), $(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') MHz"
	echo "clock:   $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo '?')"
	echo "memory:  $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "virt:    $(systemd-detect-virt --vm 2>/dev/null || echo '?') (vm), $(systemd-detect-virt 2>/dev/null || echo '?') (outermost); hypervisor flag: $(grep -qw hypervisor /proc/cpuinfo && echo yes || echo no)"
	echo "go:      $("$GO" version)"
	echo "java:    $("$JAVA" -version 2>&1 | head -1)"
	echo "load:    $(cat /proc/loadavg)"
	echo "mode:    $([ $QUICK = 1 ] && echo quick || echo full), reps $REPS, only $ONLY"
} >"$RAW/machine.txt"
cp "$RAW/machine.txt" "$HERE/machine.txt"
cat "$RAW/machine.txt"

# ---- quiet-machine gate: sets GATE_RES to "ok X" or "noisy X" (X = others' % of a CPU);
# shared with gmpsim calibrate
GATE_SPENT=0
. "$HERE/../calibrate/gate.sh"

# run CASE REP CMD...: gate (unless SHARE_GATE=1: programs shorter than the
# gate's own second share the gate of the first program of their family),
# run, keep the log
run() {
	c=$1 rep=$2; shift 2
	share=
	if [ "${SHARE_GATE:-0}" = 1 ]; then share=" (shared)"; else gate; fi
	log=$RAW/$c.r$rep.log
	{
		echo "# case $c rep $rep"
		echo "# cmd $*"
		echo "# start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "GATE $c ${GATE_RES% *} ${GATE_RES#* }$share"
	} >"$log"
	# a hung program (e.g. a hog that cannot be preempted) is killed after RUN_TIMEOUT s
	if ! timeout -k 5 "$RUN_TIMEOUT" "$@" >>"$log" 2>&1; then echo "FAILED $c exit $?" >>"$log"; fi
	printf '%-34s r%s gate %-10s %s\n' "$c" "$rep" "$GATE_RES$share" "$(grep '^BACKGROUND' "$log" | awk '{print "bg " $4 "%"}')"
}

J="$JAVA -Xss1m -XX:+UseG1GC -cp $BUILD/java"
for rep in $(seq 1 "$REPS"); do
	if want spawn; then
		SHARE_GATE=0
		for p in 1 2 8; do run spawn_100k_p$p $rep $B/spawn -procs $p -case spawn_100k_p$p; SHARE_GATE=1; done
		SHARE_GATE=0
	fi
	if want sysblock; then
		for k in 1 10 100 500; do run syscall_block_k$k $rep $B/sysblock -procs 2 -k $k -block 50ms -case syscall_block_k$k; SHARE_GATE=1; done
		SHARE_GATE=0
	fi
	if want ticker; then
		run tick_async_on $rep $B/ticker -dur $TICK_DUR -case tick_async_on
		run tick_async_off $rep env GODEBUG=asyncpreemptoff=1 $B/ticker -dur $TICK_DUR -case tick_async_off
	fi
	if want micro; then
		for p in 1 2; do run go_micro_p$p $rep $B/micro -procs $p -trials $MICRO_TRIALS; SHARE_GATE=1; done
		SHARE_GATE=0
	fi
	if want java_thread; then
		run java_thread $rep $J ThreadStart java_thread
	fi
	if want svc; then
		for a in const poisson; do
			run svc_go_$a $rep $B/svc -case svc_go_$a -rate 10000 -arrival $a -warm ${SVC_WARM}s -dur ${SVC_DUR}s \
				-cpu1 50us -block sleep -blockdur 100ms -cpu2 50us -seed $rep
			run svc_java_tpr_$a $rep $J Svc svc_java_tpr_$a tpr 10000 $a $SVC_WARM $SVC_DUR 50 100 50 0 $rep
			run svc_java_pool_$a $rep $J Svc svc_java_pool_$a pool 10000 $a $SVC_WARM $SVC_DUR 50 100 50 200 $rep
		done
	fi
	if want eventloop; then   # case h: a Java NIO event loop, 4 loops (Netty's 2 x cores)
		for a in const poisson; do
			run evl_net_$a $rep $J EvLoop evl_net_$a net 10000 $a $SVC_WARM $SVC_DUR 50 100 50 4 $rep
			run evl_block_$a $rep $J EvLoop evl_block_$a block 500 $a $SYS_WARM $SYS_DUR 150 5 150 4 $rep
		done
		# the net shape at a fifth of the rate: 0.2 cores of demand, which a shared machine still has
		run evl_net2k_poisson $rep $J EvLoop evl_net2k_poisson net 2000 poisson $SVC_WARM $SVC_DUR 50 100 50 4 $rep
	fi
	if want sys; then
		for kind in syscall net; do
			blk=$kind; [ $kind = net ] && blk=sleep
			for p in 2 8; do for r in 1500 3000; do for a in const poisson; do
				c=sys_${kind}_p${p}_${r}_$a
				run $c $rep $B/svc -case $c -procs $p -rate $r -arrival $a -warm ${SYS_WARM}s -dur ${SYS_DUR}s \
					-cpu1 150us -block $blk -blockdur 5ms -cpu2 150us -drain 500ms -seed $rep
			done; done; done
		done
		for p in 2 8; do
			c=sys_udp_p${p}_3000_poisson
			run $c $rep $B/svc -case $c -procs $p -rate 3000 -arrival poisson -warm ${SYS_WARM}s -dur ${SYS_DUR}s \
				-cpu1 150us -block udp -blockdur 5ms -cpu2 150us -drain 500ms -seed $rep
		done
	fi
done
if want gc; then   # the three stored repetitions of analysis/measure/gc (its run.sh re-measures them; no gate there, so they count as noisy)
	for rep in 1 2 3; do
		{ echo "# case gc_stw rep $rep (parsed from analysis/measure/gc/raw; see analysis/measure/gc/README.md for when)"; echo "GATE gc_stw noisy nan"
		  python3 "$HERE/gcparse.py" $rep; } >"$RAW/gc_stw.r$rep.log"
	done
	echo "gc_stw: parsed 3 stored repetitions"
fi

python3 "$HERE/aggregate.py" "$RAW" "$HERE/measured.csv" "$NOISY_MAX"
echo "raw logs: $RAW"
echo "table:    $HERE/measured.csv"
