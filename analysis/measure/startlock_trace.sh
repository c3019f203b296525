#!/bin/sh
# startlock_trace.sh [REPS] [SPINNERS] - JavaExitLag (target 3,000 starts/s,
# 100 ms requests, 4 s) under `perf trace -e futex,clone3`, REPS times,
# each followed by startlock_trace.py's summary; `uptime` before each.
# perf trace slows every futex call: the rates are lower than untraced.
set -e
here=$(cd "$(dirname "$0")" && pwd)
reps=${1:-3}; spin=${2:-0}
out=$(mktemp -d)
javac -d "$out" "$here/JavaExitLag.java"
i=1
while [ "$i" -le "$reps" ]; do
	echo "== rep $i, spinners $spin: $(uptime)"
	perf trace -e futex,clone3 -o "$out/trace.txt" -- \
		java -Xss1m -XX:+UseG1GC -cp "$out" JavaExitLag 3000 100 4 "$spin" | grep -E 'achieved|past_request_proc|gen_cpu|background'
	python3 "$here/startlock_trace.py" "$out/trace.txt"
	i=$((i + 1))
done
rm -rf "$out"
