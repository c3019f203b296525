#!/usr/bin/env python3
"""table.py [measured.csv]: compact markdown tables of measured.csv, one per
family, one row per case; cells are `median` or `median [min–max]` over the
repetitions; a trailing * marks a case with at least one noisy repetition."""
import csv, sys
f = sys.argv[1] if len(sys.argv) > 1 else 'measured.csv'
d, noisy, reps = {}, {}, {}
for r in csv.reader(l for l in open(f) if not l.startswith('#')):
    if r[0] == 'case':
        continue
    c, m, u, med, lo, hi, n, nz = r
    d[(c, m)] = (med, lo, hi, u)
    noisy[c] = noisy.get(c, 0) + int(nz)
    reps[c] = max(reps.get(c, 0), int(n))


def fmt(x):
    v = float(x)
    if v != v:
        return 'nan'
    if v == int(v) and abs(v) < 1e7:
        return str(int(v))
    if abs(v) >= 100:
        return f'{v:.0f}'
    if abs(v) >= 10:
        return f'{v:.1f}'
    return f'{v:.3g}'


def cell(c, m):
    if (c, m) not in d:
        return '–'
    med, lo, hi, u = d[(c, m)]
    return fmt(med) if lo == hi else f'{fmt(med)} [{fmt(lo)}–{fmt(hi)}]'


fams = [
    ('a. spawn 100k', lambda c: c.startswith('spawn_'), ['threads_peak_proc', 'threads_created', 'wall']),
    ('b. K blocking syscalls', lambda c: c.startswith('syscall_block'), ['threads_peak_proc', 'threads_created', 'wall']),
    ('c. ticker + 4 hogs, GOMAXPROCS 1', lambda c: c.startswith('tick_'), ['late_p50', 'late_p99', 'late_max', 'ticks_per_s']),
    ('d. Go microcosts', lambda c: c.startswith('go_spawn') or c.startswith('go_chan'), ['spawn_seq', 'spawn_batch', 'chan_handoff']),
    ('d. Java thread start', lambda c: c == 'java_thread', ['start_join', 'start_call', 'creator_cpu', 'jvm_cpu']),
    ('e. 10,000 req/s service', lambda c: c.startswith('svc_'), ['throughput', 'lat_samples', 'lat_p50', 'lat_p99', 'threads_peak_proc', 'cpu_cores', 'inflight_end', 'not_started', 'issued_per_s', 'gen_late_p99']),
    ('f. blocking-syscall service', lambda c: c.startswith('sys_'), ['throughput', 'lat_p50', 'lat_p99', 'lat_p999', 'lat_max', 'threads_peak_proc', 'cpu_cores', 'gen_late_p99']),
    ('g. GC (parsed, Go, selection)', lambda c: c.startswith('gc_go_') and '_N1000_' not in c and '_N100000_' not in c, ['pause_p50', 'pause_max', 'gc_cpu_share_cores', 'gc_cycles_per_s']),
    ('g. GC (parsed, Java)', lambda c: c.startswith('gc_java_'), ['pause_p50', 'pause_max', 'pause_share', 'gc_per_s']),
]
cases = list(dict.fromkeys(c for c, _ in d))
for title, sel, ms in fams:
    cs = [c for c in cases if sel(c)]
    if not cs:
        continue
    units = [next((d[(c, m)][3] for c in cs if (c, m) in d), '') for m in ms]
    print(f'\n**{title}**\n')
    print('| case | reps | ' + ' | '.join(f'{m} ({u})' for m, u in zip(ms, units)) + ' |')
    print('|---|---|' + '---|' * len(ms))
    for c in cs:
        print(f'| {c}{"*" if noisy[c] else ""} | {reps[c]} | ' + ' | '.join(cell(c, m) for m in ms) + ' |')
