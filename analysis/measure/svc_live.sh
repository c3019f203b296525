#!/bin/sh
# svc_live.sh - the real thread-per-request server of the validation
# (analysis/validate/java/Svc.java: an accept loop doing new Thread().start()
# per request; each request 50 us CPU + sleep + 50 us CPU) at rates it keeps
# up with, to see what its CPU per request grows with: the number of live
# threads (rate x sleep, varied through the sleep at a fixed rate) or the
# rate (varied at a fixed sleep). Costs are CPU time (process CPU in the
# measured window / requests), so they hold on a shared machine; the
# background line of each run says how shared it was.
#
#   sh analysis/measure/svc_live.sh [REPS]        (default 3; ~7 s a run, 9 runs a rep)
#   SVC_LIVE_SLEEPS="10 100 300 600 1000" SVC_LIVE_RATES="500 1000 2000 3000" ... to change the grid
#
# Output: one line per run, "RUN rate R sleep S rep K cpu_per_req_us X
# gen_cpu_per_req_us Y threads_peak T issued_per_s I throughput P bg B", then
# uptime. Each run is java -Xss1m -XX:+UseG1GC, as analysis/validate/run.sh.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPS=${1:-3}
SLEEPS=${SVC_LIVE_SLEEPS:-"10 100 300 600 1000"}
RATES=${SVC_LIVE_RATES:-"500 2000 3000"}
JAVA=${JAVA:-java}
JAVAC=${JAVAC:-javac}
BUILD=$(mktemp -d)
trap 'rm -rf "$BUILD"' EXIT
"$JAVAC" -d "$BUILD" "$HERE/../validate/java/Svc.java"

# one RATE SLEEP_MS REP: a 2 s warm-up (longer than any sleep) and a 3 s window
one() {
	"$JAVA" -Xss1m -XX:+UseG1GC -cp "$BUILD" Svc s tpr "$1" const 2 3 50 "$2" 50 0 "$3" | awk -v r="$1" -v s="$2" -v k="$3" '
		$1 == "RESULT" { v[$3] = $4 }
		$1 == "BACKGROUND" { bg = $4 }
		END {
			printf "RUN rate %d sleep %d rep %d cpu_per_req_us %.1f gen_cpu_per_req_us %.1f threads_peak %d issued_per_s %.0f throughput %.0f bg %s%%\n",
				r, s, k, v["cpu_cores"] / v["throughput"] * 1e6, v["gen_cpu_per_req"], v["java_threads_peak"],
				v["issued_per_s"], v["throughput"], bg
		}'
}

echo "# svc_live.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $("$JAVA" -version 2>&1 | head -1)"
echo "# uptime: $(uptime)"
for k in $(seq 1 "$REPS"); do
	for s in $SLEEPS; do one 1000 "$s" "$k"; done
	for r in $RATES; do one "$r" 100 "$k"; done
done
echo "# uptime: $(uptime)"
