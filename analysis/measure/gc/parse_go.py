#!/usr/bin/env python3
"""Parse raw/go/*.log (GODEBUG=gctrace=1) -> per-run and per-config tables (median [min-max] over reps)."""
import re, glob, os, statistics as st, sys
from collections import defaultdict

R = re.compile(r'gc (\d+) @([\d.]+)s (\d+)%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, '
               r'([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, (\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) MB stacks.*?(\d+) P(.*)')
def med(x): return st.median(x) if x else float('nan')

runs = defaultdict(list)
for f in sorted(glob.glob(os.path.join(os.path.dirname(__file__) or '.', 'raw/go/*.log'))):
    m = re.search(r'L(\d+)_N(\d+)_P(\d+)_r(\d+)', f); L, N, P, rep = map(int, m.groups())
    started = False; cyc = []; live = None; end = None; forced = None
    for line in open(f):
        if line.startswith('MEASURE START'): started = True; continue
        if line.startswith('MEASURE END'): end = dict(kv.split('=') for kv in line.split()[2:]); continue
        g = R.search(line)
        if not g: continue
        v = g.groups()
        if not started:
            if '(forced)' in v[-1]:
                live = int(v[13])      # marked heap of the forced GC = true live set
                fE, fF, fG = map(float, v[7:10]); fA, fC = float(v[3])*1000, float(v[5])*1000
                forced = dict(markcpu=fE+fF+fG, A=fA, C=fC)   # last forced cycle: mutator idle, pure marking
            continue
        if '(forced)' in v[-1]: continue
        A, B, C = map(float, v[3:6]); D, E, F, G, H = map(float, v[6:11])
        cyc.append(dict(pct=int(v[2]), A=A*1000, C=C*1000, markcpu=E+F+G, assist=E, stw_cpu=D+H,
                        total_cpu=D+E+F+G+H, marked=int(v[13]), stacks=int(v[15])))
    if not cyc or not end: print('skip', f, file=sys.stderr); continue
    wall = float(end['wall'])
    runs[(L, N, P)].append(dict(
        n=len(cyc), live=live, stacks=cyc[-1]['stacks'],
        A=med([c['A'] for c in cyc]), C=med([c['C'] for c in cyc]),
        Amax=max(c['A'] for c in cyc), Cmax=max(c['C'] for c in cyc),
        markcpu=med([c['markcpu'] for c in cyc]),               # ms CPU per cycle
        assist=med([c['assist'] for c in cyc]),
        mark_ms_per_MiB=med([c['markcpu'] / live for c in cyc]),
        pct=cyc[-1]['pct'],                                      # gctrace X% (cumulative since start)
        winpct=100 * sum(c['total_cpu'] for c in cyc) / (wall * 1000 * P),  # GC CPU / (wall*P) in window
        rate=float(end['rateMBs']),
        fmark=forced['markcpu'], fscan=live / forced['markcpu'] * 1000))

def fmt(xs, k, p=1):
    v = [r[k] for r in xs]
    return f"{med(v):.{p}f} [{min(v):.{p}f}-{max(v):.{p}f}]"

print("| P | L MiB | N gor | live MiB | stacks MB | cycles/run | A sweep-term µs | C mark-term µs | max A/C µs | mark CPU ms/cycle | mark ms/MiB | scan MB/s/CPU | gctrace X% | window GC% | forced-GC mark CPU ms | forced-GC scan MB/s/CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
summ = {}
for key in sorted(runs):
    L, N, P = key; xs = runs[key]
    scan = med([1000 / r['mark_ms_per_MiB'] for r in xs])
    summ[key] = dict(markcpu=med([r['markcpu'] for r in xs]), live=med([r['live'] for r in xs]),
                     A=med([r['A'] for r in xs]), C=med([r['C'] for r in xs]), scan=scan,
                     markcpus=[r['markcpu'] for r in xs], fmarks=[r['fmark'] for r in xs])
    print(f"| {P} | {L} | {N} | {med([r['live'] for r in xs]):.0f} | {med([r['stacks'] for r in xs]):.0f} | {med([r['n'] for r in xs]):.0f} | "
          f"{fmt(xs,'A',0)} | {fmt(xs,'C',0)} | {max(r['Amax'] for r in xs):.0f}/{max(r['Cmax'] for r in xs):.0f} | "
          f"{fmt(xs,'markcpu',1)} | {fmt(xs,'mark_ms_per_MiB',3)} | {scan:.0f} | {fmt(xs,'pct',0)} | {fmt(xs,'winpct',1)} | {fmt(xs,'fmark',0)} | {fmt(xs,'fscan',0)} |")

print("\nPer-goroutine stack scan cost: (markCPU(N) - markCPU(0)) / N, µs CPU per goroutine (median of reps; range = extreme pairings)")
print("| P | L | N | Δ mark CPU ms/cycle | µs/goroutine | range | forced-GC Δ ms | forced µs/goroutine |")
print("|---|---|---|---|---|---|---|---|")
for (L, N, P), s in sorted(summ.items()):
    if N == 0 or (L, 0, P) not in summ: continue
    b = summ[(L, 0, P)]
    d = s['markcpu'] - b['markcpu']
    lo = (min(s['markcpus']) - max(b['markcpus'])) / N * 1000; hi = (max(s['markcpus']) - min(b['markcpus'])) / N * 1000
    fd = med(s['fmarks']) - med(b['fmarks'])
    print(f"| {P} | {L} | {N} | {d:.1f} | {d / N * 1000:.3f} | {lo:.3f} to {hi:.3f} | {fd:.1f} | {fd / N * 1000:.3f} |")
