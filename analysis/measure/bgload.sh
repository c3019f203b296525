#!/bin/sh
# bgload.sh - per-CPU busy fraction over a 1 s sample, taken while none of
# the benchmarks runs, to show what the rest of the machine is doing.
a=$(grep '^cpu[0-9]' /proc/stat)
sleep 1
b=$(grep '^cpu[0-9]' /proc/stat)
printf '%s\n%s\n' "$a" "$b" | awk '
{ idle = $5 + $6; tot = 0; for (i = 2; i <= NF; i++) tot += $i
  if ($1 in t0) { dt = tot - t0[$1]; di = idle - i0[$1]; busy = 0
                  if (dt > 0) busy = 100 * (dt - di) / dt
                  printf "%s %.0f%% busy  ", $1, busy }
  else { t0[$1] = tot; i0[$1] = idle } }
END { print "(1 s sample)" }'
