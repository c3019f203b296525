#!/usr/bin/env python3
"""gcparse.py (case g, gc_stw): re-reads the raw GC logs of analysis/measure/gc
(measured 2026-11-28 on a busy machine; not rerun here) and prints, per
configuration, one repetition's figures in the RESULT format:

  gcparse.py REP [GCDIR]      REP = 1, 2 or 3 (the _rREP logs)

Go (raw/go/L{L}_N{N}_P{P}_r{REP}.log, GODEBUG=gctrace=1, GOMAXPROCS=P, live
heap L MiB, N parked goroutines, 300 MB/s of garbage, GOGC=100):
  case gc_go_L{L}_N{N}_P{P}
    pause_p50, pause_max  (us) over every stop-the-world pause of the cycles
                          after MEASURE START that were not forced: each cycle
                          gives two, gctrace's clock fields A (sweep
                          termination) and C (mark termination)
    gc_cpu_share_cores    sum of the cycles' cpu fields / (wall x 2 cores): GC
                          CPU as a share of the machine (gmpsim's gc_cpu_share
                          on a 2-core machine). The mark workers' figure is time
                          holding a P, not OS CPU (see analysis/measure/gc)
    gc_cpu_share_procs    the same / (wall x GOMAXPROCS)
    gc_cycles_per_s       cycles in the window / wall
Java (raw/java/{GC}_T{T}_K{K}_R{R}_r{REP}.log, -Xlog gc+safepoint, -Xmn64m,
T parked threads, K spinning threads, R MiB retained, 300 MB/s):
  case gc_java_{GC}_T{T}_K{K}_R{R}
    pause_p50, pause_max  (us) young pauses (Normal / Allocation Failure)
                          after the setup's System.gc()
    pause_share           sum of those pauses / the window's wall time
    gc_per_s              young collections per second
  (the JVM logs carry no GC CPU time, so there is no GC CPU share for Java)
Ends with a BACKGROUND line whose load is unknown (nan): the source README
says other engineers were using the CPUs during those runs.
"""
import glob, os, re, statistics as st, sys

REP = sys.argv[1] if len(sys.argv) > 1 else '1'
GCDIR = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'measure', 'gc')
GOR = re.compile(r'gc (\d+) @([\d.]+)s (\d+)%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, '
                 r'([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, .*?(\d+) P(.*)')
JPAUSE = re.compile(r'GC\((\d+)\) Pause Young \((?:Normal|Allocation Failure)\).*? ([\d.]+)ms')
JSP = re.compile(r'Safepoint "(\w+)"')


def q(v, p):
    s = sorted(v)
    i = max(0, min(len(s) - 1, int(p * len(s) + 0.5) - 1))
    return s[i]


def res(case, metric, value, unit):
    print(f"RESULT {case} {metric} {value:.6g} {unit}")


for f in sorted(glob.glob(os.path.join(GCDIR, 'raw/go', f'*_r{REP}.log'))):
    L, N, P = re.search(r'L(\d+)_N(\d+)_P(\d+)_r', f).groups()
    started, pauses, cpu, cycles, wall = False, [], 0.0, 0, None
    for line in open(f):
        if line.startswith('MEASURE START'):
            started = True
            continue
        if line.startswith('MEASURE END'):
            wall = float(re.search(r'wall=([\d.]+)', line).group(1))
            continue
        g = GOR.search(line)
        if not g or not started or '(forced)' in g.group(13):
            continue
        v = g.groups()
        pauses += [float(v[3]) * 1000, float(v[5]) * 1000]
        cpu += sum(float(x) for x in v[6:11])
        cycles += 1
    if not pauses or not wall:
        print(f"# {os.path.basename(f)}: no complete cycle in the window, skipped")
        continue
    c = f"gc_go_L{L}_N{N}_P{P}"
    res(c, 'pause_p50', q(pauses, 0.5), 'us')
    res(c, 'pause_max', max(pauses), 'us')
    res(c, 'gc_cpu_share_cores', cpu / (wall * 1000 * 2), 'share')
    res(c, 'gc_cpu_share_procs', cpu / (wall * 1000 * int(P)), 'share')
    res(c, 'gc_cycles_per_s', cycles / wall, '1/s')

for f in sorted(glob.glob(os.path.join(GCDIR, 'raw/java', f'*_r{REP}.log'))):
    gc, T, K, R = re.search(r'(\w+?)_T(\d+)_K(\d+)_R(\d+)_r', os.path.basename(f)).groups()
    started, pauses = False, []
    for line in open(f):
        m = JSP.search(line)
        if m and ('SystemGC' in m.group(1) or m.group(1) == 'G1CollectFull'):
            started = True
            continue
        m = JPAUSE.search(line)
        if m and started:
            pauses.append(float(m.group(2)) * 1000)
    wall = None
    if os.path.exists(f + '.out'):
        for line in open(f + '.out'):
            m = re.search(r'MEASURE END wall=([\d.]+)', line)
            if m:
                wall = float(m.group(1))
    if not pauses or not wall:
        print(f"# {os.path.basename(f)}: no young pause or no wall time, skipped")
        continue
    c = f"gc_java_{gc}_T{T}_K{K}_R{R}"
    res(c, 'pause_p50', q(pauses, 0.5), 'us')
    res(c, 'pause_max', max(pauses), 'us')
    res(c, 'pause_share', sum(pauses) / 1e6 / wall, 'share')
    res(c, 'gc_per_s', len(pauses) / wall, '1/s')

print("BACKGROUND gc_stw other_cpu_pct nan steal_pct nan wall_s nan")
