#!/bin/sh
# runs_by_load.sh LOG... - for each SUMMARY key, the median [min-max] over the
# logs, split by the background line of the program that printed it: "quiet"
# when other processes used < 20 % of a CPU during that program, else "busy".
# Shows which figures a busy second CPU moves (the two-thread spin tests).
awk '
/^== / { nk = 0 }
/^SUMMARY/ { k[++nk] = $2; v[nk] = $3 }
/background during this program/ {
	match($0, /other processes [0-9]+%/); bg = substr($0, RSTART + 16, RLENGTH - 17) + 0
	for (i = 1; i <= nk; i++) {
		key = k[i]
		if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		if (bg < 20) q[key] = q[key] " " v[i]; else b[key] = b[key] " " v[i]
	}
	nk = 0
}
function med(s,   a, m, i, j, t) {
	m = split(s, a, " ")
	if (m == 0) return "-"
	for (i = 2; i <= m; i++) { t = a[i] + 0; j = i - 1; while (j > 0 && a[j] + 0 > t) { a[j + 1] = a[j]; j-- } a[j + 1] = t }
	return sprintf("%.0f [%.0f-%.0f] n=%d", (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2, a[1], a[m], m)
}
END { for (i = 1; i <= n; i++) printf "%-28s quiet: %-34s busy: %s\n", order[i], med(q[order[i]]), med(b[order[i]]) }' "$@"
