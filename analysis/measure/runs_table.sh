#!/bin/sh
# runs_table.sh LOG... - one line per SUMMARY key: the value from each log,
# then the median / min / max across the logs.
awk '
FNR == 1 { nf++ }
/^SUMMARY/ { if (!($2 in seen)) { seen[$2] = 1; order[++nk] = $2 }
             v[$2, nf] = $3 }
END {
  for (k = 1; k <= nk; k++) {
    key = order[k]; n = 0; line = sprintf("%-28s", key)
    for (f = 1; f <= nf; f++)
      if ((key, f) in v) { x[++n] = v[key, f]; line = line sprintf(" %10.0f", v[key, f]) }
    for (i = 2; i <= n; i++) { t = x[i]; j = i - 1; while (j > 0 && x[j] > t) { x[j + 1] = x[j]; j-- } x[j + 1] = t }
    med = (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
    printf "%s   | med %10.0f  min %10.0f  max %10.0f\n", line, med, x[1], x[n]
  }
}' "$@"
