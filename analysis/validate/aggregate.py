#!/usr/bin/env python3
"""aggregate.py RAWDIR OUT.csv [NOISY_MAX]: the raw logs of one run.sh
invocation -> measured.csv (case,metric,unit,median,min,max,reps,noisy).

A log is one repetition of one program. It is noisy when its GATE line says
`noisy` (the machine never got quiet before it) or its BACKGROUND line shows
other processes above NOISY_MAX % of a CPU (or an unknown load). `noisy` in
the table counts the noisy repetitions among `reps`. Rows of cases this
invocation did not run are kept from the existing OUT.csv."""
import glob, math, os, statistics as st, sys

raw, out = sys.argv[1], sys.argv[2]
noisy_max = float(sys.argv[3]) if len(sys.argv) > 3 else 25.0
vals = {}   # (case, metric, unit) -> [(value, noisy)]
order = []
for f in sorted(glob.glob(os.path.join(raw, '*.log')), key=os.path.getmtime):
    gate_noisy, bg, results, failed = False, None, [], False
    for line in open(f, errors='replace'):
        w = line.split()
        if not w:
            continue
        if w[0] == 'GATE' and len(w) >= 3:
            gate_noisy = w[2] != 'ok'
        elif w[0] == 'BACKGROUND' and len(w) >= 4:
            bg = float(w[3])
        elif w[0] == 'RESULT' and len(w) == 5:
            results.append((w[1], w[2], float(w[3]), w[4]))
        elif w[0] == 'FAILED':
            failed = True
    noisy = gate_noisy or bg is None or math.isnan(bg) or bg > noisy_max or failed
    for c, m, v, u in results:
        k = (c, m, u)
        if k not in vals:
            vals[k] = []
            order.append(k)
        vals[k].append((v, noisy))

def g(x):
    return f"{x:.6g}"

rows = []
for k in order:
    v = [x for x, _ in vals[k]]
    rows.append(f"{k[0]},{k[1]},{k[2]},{g(st.median(v))},{g(min(v))},{g(max(v))},{len(v)},{sum(n for _, n in vals[k])}")
new_cases = {k[0] for k in order}
kept = []
if os.path.exists(out):
    for line in open(out):
        if line.startswith('#') or line.startswith('case,') or not line.strip():
            continue
        if line.split(',')[0] not in new_cases:
            kept.append(line.rstrip('\n'))
machine = open(os.path.join(raw, 'machine.txt')).read().splitlines() if os.path.exists(os.path.join(raw, 'machine.txt')) else []
with open(out, 'w') as o:
    o.write("# gmpsim validation: real-program measurements (analysis/validate/run.sh; README.md there)\n")
    o.write(f"# rows from raw/{os.path.basename(os.path.normpath(raw))}" + (f" plus {len(kept)} kept from an earlier run" if kept else "") + "\n")
    for m in machine:
        o.write("# " + m + "\n")
    o.write(f"# median/min/max over reps; noisy = reps whose quiet-machine gate failed or whose own background line showed other processes > {noisy_max:g}% of a CPU\n")
    o.write("case,metric,unit,median,min,max,reps,noisy\n")
    for r in kept + rows:
        o.write(r + "\n")
print(f"aggregate: {len(rows)} rows from {raw}, {len(kept)} kept")
