#!/bin/sh
# run.sh - build and run the Go 1.19 runtime-cost benchmarks, print every
# result and a summary of the SUMMARY lines.
#
#   analysis/measure/go/run.sh            build + run all (~45 s)
#   analysis/measure/go/run.sh build      build only
#
# Full output goes to analysis/measure/go/run.log; the GODEBUG=schedtrace
# examples go to analysis/measure/go/results/schedtrace_*.txt.
# Needs Debian's golang-1.19-go (installed here if missing and we are root)
# and cc.  Builds offline: standard library only, GOPROXY=off, GOFLAGS
# cleared, caches under /tmp.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-/usr/lib/go-1.19/bin/go}
BIN=${BIN:-/tmp/gmpsim-measure-go/bin}

if [ ! -x "$GO" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "installing golang-1.19-go golang-1.19-src (Debian)"
		apt-get install -y -qq golang-1.19-go golang-1.19-src >/dev/null 2>&1 ||
			{ apt-get update -qq && apt-get install -y -qq golang-1.19-go golang-1.19-src >/dev/null; }
	else
		echo "run.sh: $GO not found; apt-get install golang-1.19-go" >&2
		exit 1
	fi
fi

export GOCACHE=/tmp/gmpsim-measure-go/cache GOPATH=/tmp/gmpsim-measure-go/gopath
export GOPROXY=off GOFLAGS= GO111MODULE=on GOTOOLCHAIN=local CGO_ENABLED=0
unset GOMAXPROCS GODEBUG GOGC || true
mkdir -p "$BIN" "$HERE/results"
(cd "$HERE" && "$GO" vet ./... && "$GO" build -o "$BIN/" ./...)
${CC:-cc} -O2 -Wall -Wextra -pthread -o "$BIN/signal" "$HERE/signal.c"
[ "${1:-}" = build ] && { echo "built into $BIN"; exit 0; }

PROGS="newproc switch crossp sleep syscall signal steal gmem threads preempt gcmark"
bgload() { sh "$HERE/../bgload.sh" 2>/dev/null || echo "(bgload.sh missing)"; }
{
	echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc:     $(nproc)"
	echo "kernel:    $(uname -r)"
	echo "cpu:       $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "go:        $("$GO" version)"
	echo "load:      $(cat /proc/loadavg)"
	echo "bg load:   $(bgload)"
	echo
	for p in $PROGS; do
		echo "== $p"
		"$BIN/$p" || echo "!! $p failed"
		echo
	done
	echo "== schedtrace examples (stderr of preempt, saved in results/)"
	# GOMAXPROCS also in the environment, so that the trace's first line
	# (printed before main runs) shows the final value; -dur 3.2s gives the
	# lines at 0, 1, 2 and 3 s.
	GOMAXPROCS=1 GODEBUG=schedtrace=1000 "$BIN/preempt" -procs 1 -spinners 2 -dur 3.2s \
		>/dev/null 2>"$HERE/results/schedtrace_preempt_p1.txt" || echo "!! schedtrace p1 failed"
	GOMAXPROCS=2 GODEBUG=schedtrace=1000 "$BIN/preempt" -procs 2 -spinners 4 -dur 3.2s \
		>/dev/null 2>"$HERE/results/schedtrace_preempt_p2.txt" || echo "!! schedtrace p2 failed"
	GOMAXPROCS=1 GODEBUG=schedtrace=1000,scheddetail=1 "$BIN/preempt" -procs 1 -spinners 2 -dur 2.2s \
		>/dev/null 2>"$HERE/results/scheddetail_preempt_p1.txt" || echo "!! scheddetail failed"
	echo "-- results/schedtrace_preempt_p1.txt (GOMAXPROCS=1, 2 spinners, 3 s):"
	cat "$HERE/results/schedtrace_preempt_p1.txt"
	echo "-- results/schedtrace_preempt_p2.txt (GOMAXPROCS=2, 4 spinners, 3 s):"
	cat "$HERE/results/schedtrace_preempt_p2.txt"
	echo
	echo "bg load after: $(bgload)"
} 2>&1 | tee "$HERE/run.log" | grep -v '^SUMMARY'
echo "================ summary (medians; full output in $HERE/run.log) ================"
grep '^SUMMARY' "$HERE/run.log" | sed 's/^SUMMARY //'
