#!/bin/sh
# gate.sh - the quiet-machine gate that analysis/validate/run.sh and
# `gmpsim calibrate` run before each measurement: 1 s of /proc/stat; if the
# machine was busier than GATE_MAX % of a CPU, wait GATE_WAIT s and sample
# again, up to GATE_TRIES samples and GATE_BUDGET s of waiting in all, then
# give up (the measurement runs anyway and is marked noisy).
#
#   . gate.sh; gate; echo "$GATE_RES"    sourced: GATE_RES is "ok PCT" or "noisy PCT"
#   sh gate.sh --run                     prints "GATE ok PCT" or "GATE noisy PCT"
#
# PCT is the busy jiffies of the whole machine in that second (USER_HZ 100:
# per cent of one CPU), so a 2-CPU machine flat out reads 200.
#
# With SPEEDREF naming the built analysis/calibrate/speedref.c, the gate then
# times the speed reference (~50 ms): GATE_REF is its line, "REF cpu_ns X
# mem_ns Y", printed by --run after the GATE line. It sees what /proc/stat
# cannot (a slower host: a noisy neighbour, a lower clock); `gmpsim
# calibrate` compares it across its runs.
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8; exit}' /proc/stat; }
GATE_SPENT=${GATE_SPENT:-0} GATE_RES="noisy -" GATE_REF=
speedref() { if [ -n "${SPEEDREF:-}" ] && [ -x "$SPEEDREF" ]; then GATE_REF=$("$SPEEDREF" 2>&1 | head -n 1); fi; }
gate() {
	tries=0
	while :; do
		b0=$(busy); sleep 1; b1=$(busy)
		pct=$((b1 - b0))   # jiffies in 1 s at USER_HZ 100 = % of a CPU
		tries=$((tries + 1))
		if [ $pct -le $GATE_MAX ]; then GATE_RES="ok $pct"; return; fi
		if [ $tries -ge $GATE_TRIES ] || [ $GATE_SPENT -ge $GATE_BUDGET ]; then GATE_RES="noisy $pct"; return; fi
		sleep $GATE_WAIT
		GATE_SPENT=$((GATE_SPENT + GATE_WAIT + 1))
	done
}
if [ "${1:-}" = --run ]; then
	GATE_MAX=${GATE_MAX:-15} GATE_WAIT=${GATE_WAIT:-2} GATE_TRIES=${GATE_TRIES:-3} GATE_BUDGET=${GATE_BUDGET:-60}
	gate
	speedref
	echo "GATE $GATE_RES"
	[ -z "$GATE_REF" ] || echo "$GATE_REF"
fi
