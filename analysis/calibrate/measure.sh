#!/bin/sh
# measure.sh - builds or runs one family of the measurement programs for
# `gmpsim calibrate` (sim/cli/cmd_calibrate.c), which parses the SUMMARY,
# RESULT and background lines they print.
#
#   sh measure.sh kernel|go|java build DIR   build into DIR (quiet unless it fails)
#   sh measure.sh kernel|go|java run DIR     run once, print the programs' output
#   sh measure.sh speedref build DIR         build gate.sh's speed reference (speedref.c)
#
# The sources are analysis/measure (kernel: C; java: JavaThreadPhases and
# ThreadCreate) and analysis/measure/go (newproc, steal, signal.c, switch,
# syscall, gcmark). Tools
# come from the environment: CC, GO, JAVA, JAVAC. CALIBRATE_PROGS limits a
# family to the programs it names (the tests run one short program).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/../measure
family=$1 action=$2 dir=$3
case $family in
kernel) progs=${CALIBRATE_PROGS:-"syscall switch wake wake_idle thread_create stack_commit"} ;;
go) progs=${CALIBRATE_PROGS:-"newproc steal signal switch syscall gcmark"} ;;
java) progs=${CALIBRATE_PROGS:-"JavaThreadPhases ThreadCreate"} ;;
speedref) progs=speedref ;;
*) echo "measure.sh: unknown family '$family' (kernel, go, java, speedref)" >&2; exit 2 ;;
esac
mkdir -p "$dir"

build() {
	case $family in
	speedref) ${CC:-cc} -O2 -Wall -o "$dir/speedref" "$HERE/speedref.c" ;;
	kernel) for p in $progs; do ${CC:-cc} -O2 -Wall -pthread -o "$dir/$p" "$SRC/$p.c"; done ;;
	go)
		export GOCACHE="$dir/gocache" GOPATH="$dir/gopath" GOPROXY=off GOFLAGS= GO111MODULE=on GOTOOLCHAIN=local CGO_ENABLED=0
		for p in $progs; do
			if [ "$p" = signal ]; then ${CC:-cc} -O2 -Wall -pthread -o "$dir/signal" "$SRC/go/signal.c"
			else (cd "$SRC/go" && "$GO" build -o "$dir/$p" "./$p"); fi
		done ;;
	java) for p in $progs; do "$JAVAC" -d "$dir" "$SRC/$p.java"; done ;;
	esac
}

run() {
	unset GOMAXPROCS GODEBUG GOGC 2>/dev/null || true
	for p in $progs; do
		echo "== $p"
		case $family in
		java) "$JAVA" -Xss1m -cp "$dir" "$p" || echo "!! $p failed (exit $?)" ;;
		*) "$dir/$p" || echo "!! $p failed (exit $?)" ;;
		esac
	done
}

case $action in
build) build ;;
run) run ;;
*) echo "measure.sh: unknown action '$action' (build, run)" >&2; exit 2 ;;
esac
