#!/bin/sh
# selector.sh - runs SelectorCosts.java REPS times (default 5), each behind the
# quiet-machine gate of analysis/validate/run.sh (1 s of /proc/stat; if other
# processes use more than GATE_MAX % of a CPU, wait GATE_WAIT s and sample
# again, up to GATE_TRIES samples, then run anyway and say "noisy").
# Logs: results/selector/runN.log (the GATE line, then the program's output);
# results/selector/summary.txt: the median over the runs of each figure,
# over every run and over the quiet ones only.
#   analysis/measure/selector.sh [REPS]
#   SUMMARY_ONLY=1 analysis/measure/selector.sh    # summary.txt from the logs only
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPS=${1:-5}
GATE_MAX=${GATE_MAX:-15} GATE_WAIT=${GATE_WAIT:-2} GATE_TRIES=${GATE_TRIES:-5}
OUT=$HERE/results/selector
BUILD=${BUILD:-/tmp/gmpsim-measure-java}
mkdir -p "$OUT" "$BUILD"
javac -d "$BUILD" "$HERE/SelectorCosts.java"

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8; exit}' /proc/stat; }
gate() {   # as analysis/validate/run.sh's gate(): sets GATE_RES to "ok X" or "noisy X"
	tries=0
	while :; do
		b0=$(busy); sleep 1; b1=$(busy)
		pct=$((b1 - b0)); tries=$((tries + 1))
		if [ $pct -le $GATE_MAX ]; then GATE_RES="ok $pct"; return; fi
		if [ $tries -ge $GATE_TRIES ]; then GATE_RES="noisy $pct"; return; fi
		sleep $GATE_WAIT
	done
}

[ "${SUMMARY_ONLY:-0}" = 1 ] && REPS=0   # only re-make summary.txt from the logs
for i in $(seq 1 "$REPS"); do
	gate
	log=$OUT/run$i.log
	{
		echo "# SelectorCosts run $i, $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "GATE ${GATE_RES% *} ${GATE_RES#* }"
		java -Xss1m -XX:+UseG1GC -cp "$BUILD" SelectorCosts 12
	} >"$log" 2>&1
	echo "run $i: gate $GATE_RES, $(grep '^background' "$log")"
done

# the median of the per-run medians, all runs and quiet (gate ok) runs only
awk '
	FNR == 1 { quiet = 0 }
	/^GATE ok/ { quiet = 1 }
	/^SUMMARY/ { v[$2] = v[$2] " " $3; if (quiet) q[$2] = q[$2] " " $3; names[$2] = 1 }
	function med(s,   a, n, i, j, t) {
		n = split(s, a, " "); if (n == 0) return "-"
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function cnt(s,   a) { return split(s, a, " ") }
	END { for (k in names) printf "%-13s %15s ns %20s ns (%d)\n", k, med(v[k]), med(q[k]), cnt(q[k]) }
	' "$OUT"/run*.log | sort >"$OUT/summary.body"
{ printf "%-13s %18s %26s\n" figure "median, all runs" "median, quiet runs (n)"; cat "$OUT/summary.body"; } >"$OUT/summary.txt"
rm -f "$OUT/summary.body"
cat "$OUT/summary.txt"
