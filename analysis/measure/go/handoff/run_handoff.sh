#!/bin/sh
# run_handoff.sh - build handoff/main.go with Debian's Go 1.19 and run it
# REPS times (default 5) at GOMAXPROCS 1 and 2, each under
# `strace -f -c -e trace=futex,nanosleep` so futex calls per hand-off are counted.
# Raw output: analysis/measure/go/results/handoff_<date>.txt (with uptime).
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
GO=${GO:-/usr/lib/go-1.19/bin/go}
REPS=${REPS:-5}
N=${N:-2000000}
export GOCACHE=/tmp/gmpsim-measure-go/cache GOPATH=/tmp/gmpsim-measure-go/gopath
export GOPROXY=off GOFLAGS= GO111MODULE=on GOTOOLCHAIN=local CGO_ENABLED=0
BIN=/tmp/gmpsim-measure-go/bin/handoff
mkdir -p "$(dirname "$BIN")"
(cd "$HERE" && "$GO" build -o "$BIN" ./handoff)
OUT=${OUT:-$HERE/results/handoff_$(date -u +%F).txt}
{
	echo "# $(date -u) $(uname -r) nproc $(nproc)"
	for r in $(seq 1 "$REPS"); do
		for p in 1 2; do
			echo "## rep $r GOMAXPROCS=$p uptime:$(uptime)"
			strace -f -c -e trace=futex,nanosleep -o /tmp/gmpsim-measure-go/strace.$$ "$BIN" -procs "$p" -n "$N"
			sed -n '1,7p' /tmp/gmpsim-measure-go/strace.$$ | grep -v '^-' 
			echo "## plain (no strace) rep $r GOMAXPROCS=$p"
			"$BIN" -procs "$p" -n "$N"
		done
	done
} 2>&1 | tee "$OUT"
