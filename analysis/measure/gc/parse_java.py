#!/usr/bin/env python3
"""Parse raw/java/*.log (-Xlog:gc,gc+heap=debug,safepoint) -> tables, median [min-max] over reps, linear fits."""
import re, glob, os, statistics as st
from collections import defaultdict
D = os.path.dirname(os.path.abspath(__file__))
def med(x): return st.median(x) if x else float('nan')
PAUSE = re.compile(r'GC\((\d+)\) Pause Young \((?:Normal|Allocation Failure)\).*?(\d+)M->(\d+)M\(\d+M\) ([\d.]+)ms')
SP = re.compile(r'Safepoint "(\w+)".*Reaching safepoint: (\d+) ns.*At safepoint: (\d+) ns, Total: (\d+) ns')
PSY = re.compile(r'GC\((\d+)\) PSYoungGen: (\d+)K\(\d+K\)->(\d+)K')
PSO = re.compile(r'GC\((\d+)\) ParOldGen: (\d+)K\(\d+K\)->(\d+)K')
G1R = re.compile(r'GC\((\d+)\) (Survivor|Old|Humongous) regions: (\d+)->(\d+)')
GCOPS = ('ParallelGCFailedAllocation', 'G1CollectForAllocation')

runs = defaultdict(list)
for f in sorted(glob.glob(D + '/raw/java/*.log')):
    gc, T, K, R, rep = re.search(r'(\w+?)_T(\d+)_K(\d+)_R(\d+)_r(\d+)\.log', f).groups()
    T, K, R = int(T), int(K), int(R)
    started = False; pauses = []; ttsp_gc = []; atsp_gc = []; ttsp_all = []
    ygafter = {}; old = {}; g1 = defaultdict(dict); ids = []
    for line in open(f):
        m = SP.search(line)
        if m:
            if 'SystemGC' in m.group(1) or m.group(1) == 'G1CollectFull': started = True; continue
            if not started: continue
            ttsp_all.append(int(m.group(2)) / 1000)
            if m.group(1) in GCOPS: ttsp_gc.append(int(m.group(2)) / 1000); atsp_gc.append(int(m.group(3)) / 1000)
            continue
        if not started: continue
        m = PAUSE.search(line)
        if m: pauses.append(float(m.group(4)) * 1000); ids.append(int(m.group(1))); continue
        m = PSY.search(line)
        if m: ygafter[int(m.group(1))] = int(m.group(3)); continue
        m = PSO.search(line)
        if m: old[int(m.group(1))] = int(m.group(3)) - int(m.group(2)); continue
        m = G1R.search(line)
        if m: g1[int(m.group(1))][m.group(2)] = (int(m.group(3)), int(m.group(4)))
    copied = []
    for i in ids:
        if gc == 'Parallel' and i in ygafter:
            copied.append((ygafter[i] + old.get(i, 0)) / 1024)
        elif gc == 'G1' and i in g1:   # survivor regions after + old/humongous growth, 1 MiB regions
            d = g1[i]; s = d.get('Survivor', (0, 0))[1]
            o = d.get('Old', (0, 0)); copied.append(s + o[1] - o[0])
    if not pauses: continue
    runs[(gc, T, K, R)].append(dict(n=len(pauses), pause=med(pauses), pmax=max(pauses), ttsp=med(ttsp_gc),
        ttspmax=max(ttsp_gc) if ttsp_gc else float('nan'), ttsp_all=med(ttsp_all), atsp=med(atsp_gc),
        copied=med(copied) if copied else float('nan'), nsp=len(ttsp_all)))

def fmt(xs, k, p=0):
    v = [r[k] for r in xs]; return f"{med(v):.{p}f} [{min(v):.{p}f}-{max(v):.{p}f}]"
def fit(xy):
    n = len(xy); mx = sum(x for x, _ in xy) / n; my = sum(y for _, y in xy) / n
    sxx = sum((x - mx) ** 2 for x, _ in xy)
    b = sum((x - mx) * (y - my) for x, y in xy) / sxx; return my - b * mx, b

print("| GC | T threads | K busy | R retain MiB | young GCs/run | young pause µs | max pause µs | TTSP (GC safepoints) µs | max TTSP µs | TTSP all safepoints µs | At-safepoint µs | copied MiB/GC |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for k in sorted(runs, key=lambda k: (k[0], k[2], k[3], k[1])):
    xs = runs[k]
    print(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {fmt(xs,'n')} | {fmt(xs,'pause')} | {max(r['pmax'] for r in xs):.0f} | "
          f"{fmt(xs,'ttsp')} | {max(r['ttspmax'] for r in xs):.0f} | {fmt(xs,'ttsp_all')} | {fmt(xs,'atsp')} | {fmt(xs,'copied',1)} |")
print()
for gc in ('Parallel', 'G1'):
    a = [(T, med([r['pause'] for r in runs[(gc, T, 0, 0)]])) for T in (10, 100, 1000, 4000) if (gc, T, 0, 0) in runs]
    if len(a) > 1:
        b0, b1 = fit(a); print(f"{gc}: young pause = {b0:.0f} µs + {b1:.3f} µs/thread x T   (fit over T={[t for t,_ in a]})")
    t = [(T, med([r['ttsp'] for r in runs[(gc, T, 0, 0)]])) for T in (10, 100, 1000, 4000) if (gc, T, 0, 0) in runs]
    if len(t) > 1:
        b0, b1 = fit(t); print(f"{gc}: TTSP = {b0:.1f} µs + {b1:.4f} µs/thread x T")
    c = [(med([r['copied'] for r in runs[(gc, 100, 0, R)]]), med([r['pause'] for r in runs[(gc, 100, 0, R)]]))
         for R in (0, 4, 16, 32) if (gc, 100, 0, R) in runs]
    if len(c) > 1:
        b0, b1 = fit(c); print(f"{gc}: young pause = {b0:.0f} µs + {b1:.0f} µs/MiB copied  (=> {1e6/b1 if b1>0 else float('nan'):.0f} MiB/s wall, points {[(round(x,1),round(y)) for x,y in c]})")
