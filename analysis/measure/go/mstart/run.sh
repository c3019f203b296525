#!/bin/sh
# run.sh - measure what starting an M costs in Go 1.19 (the validation's
# sysblock burst, GOMAXPROCS 2): REPS runs (default 5) each of K=2 (sysmon's
# idle wake-ups, no M created), K=100 and K=500, plus REPS K=100 runs with
# the execution tracer whose retake -> allocm -> clone -> ProcStart ->
# GoStart chain chain.py extracts.  `uptime` precedes every run.
#
#   analysis/measure/go/mstart/run.sh [OUT]   (default results/mstart_DATE.txt)
#
# Needs Debian's golang-1.19-go and python3; standard library only, offline.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-/usr/lib/go-1.19/bin/go}
REPS=${REPS:-5}
OUT=${1:-$HERE/../results/mstart_$(date -u +%Y-%m-%d).txt}
TMP=${TMPDIR:-/tmp}/gmpsim-mstart.$$
[ -x "$GO" ] || { echo "run.sh: $GO not found; apt-get install golang-1.19-go" >&2; exit 1; }
export GOCACHE=${TMPDIR:-/tmp}/gmpsim-measure-go/cache GOPATH=${TMPDIR:-/tmp}/gmpsim-measure-go/gopath
export GOPROXY=off GOFLAGS= GO111MODULE=on GOTOOLCHAIN=local CGO_ENABLED=0
unset GOMAXPROCS GODEBUG GOGC || true
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
(cd "$HERE/.." && "$GO" vet ./mstart && "$GO" build -o "$TMP/mstart" ./mstart)
{
	echo "# mstart: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r), $("$GO" version)"
	echo "# G lines: per blocker; T lines: per thread (schedstat delta over the burst); S: summary; C: trace chains"
	for k in 2 100 500; do
		i=1
		while [ "$i" -le "$REPS" ]; do
			echo "## run k=$k rep=$i uptime:$(uptime)"
			"$TMP/mstart" -k "$k"
			i=$((i + 1))
		done
	done
	i=1
	while [ "$i" -le "$REPS" ]; do
		echo "## trace k=100 rep=$i uptime:$(uptime)"
		"$TMP/mstart" -k 100 -trace "$TMP/t.out" | grep '^S'
		"$GO" tool trace -d "$TMP/t.out" 2>/dev/null >"$TMP/t.d"
		python3 "$HERE/chain.py" "$TMP/t.d"
		i=$((i + 1))
	done
} >"$OUT"
echo "raw output: $OUT"
grep -E '^## |^S ' "$OUT" | grep -v '^S last_entry'
