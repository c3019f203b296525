#!/bin/sh
# tests/bench_ir.sh [GMPSIM] — instructions per simulated request (valgrind's
# callgrind counts them: immune to the other load of a shared machine) for
# `make bench`'s scale workload: P = cores = 8, 32, 128, 256, 1,500 requests/s
# per core of 200 us CPU + 50 ms net + 200 us CPU, P/8 SO_REUSEPORT listeners,
# 60,000 requests at every P. Prints one line per P and the ratios to P = 8.
# Needs valgrind and sqlite3; takes a few minutes.
BIN=$(readlink -f "${1:-./gmpsim}")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gmpsim-ir.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
base=""
for P in 8 32 128 256; do
  R=$((P * 1500)); D=$((60000000 / (15 * P) / 100))
  cat > "$TMP/scale.yaml" <<YAML
name: scale
duration: ${D}ms
warmup: 0s
seed: 1
output: { sample: 0 }
machine: { cores: $P }
acceptor: { listeners: $((P / 8)) }
models: { gmp: {} }
workload:
  request:
    arrival: { poisson: $R/s }
    program: [ { cpu: 200us }, { net: 50ms }, { cpu: 200us } ]
YAML
  valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" "$BIN" "$TMP/scale.yaml" -q -o "$TMP/r.db" 2> "$TMP/err" || { cat "$TMP/err"; exit 1; }
  IR=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$TMP/err")
  N=$(sqlite3 "$TMP/r.db" "select value from metrics where name='tasks_arrived'")
  EV=$(sqlite3 "$TMP/r.db" "select events from runs")
  PER=$(awk -v i="$IR" -v n="$N" 'BEGIN { printf "%.0f", i / n }')
  [ -z "$base" ] && base=$PER
  awk -v p="$P" -v n="$N" -v ev="$EV" -v per="$PER" -v b="$base" 'BEGIN {
    printf "ir P=%-3d %6.0f requests, %5.2f events each: %6d instructions per request (%.2fx P=8)\n", p, n, ev / n, per, per / b }'
  rm -f "$TMP/r.db"
done
