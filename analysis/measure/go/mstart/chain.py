#!/usr/bin/env python3
"""chain.py - the retake -> new M chain out of `go tool trace -d` output
(Go 1.19) of mstart -trace.  Per handed-off P:

  sys->retake   the G's GoSysCall on P .. sysmon's GoSysBlock for P (retake)
  allocm        sysmon's borrowed-P ProcStart .. ProcStop (proc.go:allocm
                acquirep's the P for its mallocs: m, g0 stack, gsignal)
  clone->run    allocm's ProcStop .. the new thread's ProcStart
                (newm1 -> newosproc clone, mstart, minit, mstart1 acquirep)
  procstart->g  new thread's ProcStart .. GoStart (schedule, execute)
  g->syscall    GoStart .. the next G's GoSysCall on that P
  retake->retake  one GoSysBlock on P .. the next on the same P
  newosproc     allocm's ProcStop .. sysmon's next GoSysBlock on the other P
                when under 70 us (retake's loop in the same cycle: the rest of
                newm — newm1, newosproc's sigprocmask, clone, sigprocmask —
                and handoffp's return; a gap of 70 us or more holds a
                usleep(20) + 50 us timer slack, so it is another cycle)

Usage: chain.py TRACE_D_TXT  (prints one C line per chain and S summaries)
"""
import re
import sys
from collections import Counter

EV = re.compile(r'^(\d+) (\w+) p=(-?\d+) g=(\d+) off=\d+(.*)$')


def parse(path):
    evs = []
    with open(path) as f:
        for line in f:
            m = EV.match(line.strip())
            if not m:
                continue
            ts, name, p, g, rest = m.groups()
            th = re.search(r'thread=(\d+)', rest)
            evs.append((int(ts), name, int(p), int(g), int(th.group(1)) if th else None))
    return evs


def sysmon_thread(evs):
    """The thread whose ProcStart follows a retake's ProcStop at once."""
    c = Counter()
    for i in range(len(evs) - 2):
        if evs[i][1] == 'GoSysBlock' and evs[i + 1][1] == 'ProcStop' and evs[i + 2][1] == 'ProcStart':
            c[evs[i + 2][4]] += 1
    return c.most_common(1)[0][0] if c else None


def chains(evs, sm):
    out, last_sys, last_block = [], {}, {}
    byp = {}
    for e in evs:
        byp.setdefault(e[2], []).append(e)
    for p, pe in byp.items():
        for i, e in enumerate(pe):
            ts, name, _, g, th = e
            if name == 'GoSysCall':
                last_sys[p] = ts
            if name != 'GoSysBlock':
                continue
            c = {'p': p, 'retake': ts, 'sys': last_sys.get(p), 'prev': last_block.get(p)}
            last_block[p] = ts
            j = i + 1
            while j < len(pe) and pe[j][1] in ('ProcStop',):
                j += 1
            if j < len(pe) and pe[j][1] == 'ProcStart' and pe[j][4] == sm:
                c['alloc0'] = pe[j][0]
                if j + 1 < len(pe) and pe[j + 1][1] == 'ProcStop':
                    c['alloc1'] = pe[j + 1][0]
                    j += 2
            while j < len(pe) and not (pe[j][1] == 'ProcStart' and pe[j][4] != sm):
                j += 1
            if j < len(pe):
                c['pstart'], c['thread'] = pe[j][0], pe[j][4]
                k = j + 1
                while k < len(pe) and pe[k][1] != 'GoStart':
                    k += 1
                if k < len(pe):
                    c['gstart'] = pe[k][0]
                    while k < len(pe) and pe[k][1] != 'GoSysCall':
                        k += 1
                    if k < len(pe):
                        c['gsys'] = pe[k][0]
            out.append(c)
    return sorted(out, key=lambda c: c['retake'])


def d(c, a, b):
    return (c[b] - c[a]) / 1e3 if c.get(a) is not None and c.get(b) is not None else None


FIELDS = [('sys->retake', 'sys', 'retake'), ('retake->allocm', 'retake', 'alloc0'),
          ('allocm', 'alloc0', 'alloc1'), ('clone->run', 'alloc1', 'pstart'),
          ('procstart->g', 'pstart', 'gstart'), ('g->syscall', 'gstart', 'gsys'),
          ('retake->g', 'retake', 'gstart'), ('retake->retake', 'prev', 'retake')]


def q(v, x):
    v = sorted(v)
    return v[int(x * (len(v) - 1))] if v else float('nan')


def newosproc(evs, sm):
    out = []
    for i in range(len(evs) - 1):
        e, f = evs[i], evs[i + 1]
        if not (e[1] == 'ProcStart' and e[4] == sm and f[1] == 'ProcStop' and f[2] == e[2]):
            continue
        for n in evs[i + 2:]:
            if n[1] == 'GoSysBlock':
                gap = (n[0] - f[0]) / 1e3
                if n[2] != e[2] and gap < 70:
                    out.append(gap)
                break
    return out


def main():
    evs = parse(sys.argv[1])
    sm = sysmon_thread(evs)
    no = newosproc(evs, sm)
    cs = chains(evs, sm)
    seen, new = set(), 0
    for c in cs:
        th = c.get('thread')
        fresh = th is not None and th not in seen
        seen.add(th)
        new += fresh
        c['fresh'] = fresh
        print('C p=%d thread=%s fresh=%d ' % (c['p'], th, fresh) +
              ' '.join('%s=%s' % (n, '%.1f' % v if v is not None else '-')
                       for n, v in ((n, d(c, a, b)) for n, a, b in FIELDS)))
    print('S sysmon_thread=%s retakes=%d onto_fresh_M=%d onto_reused_M=%d' % (sm, len(cs), new, len(cs) - new))
    for n, a, b in FIELDS:
        v = [d(c, a, b) for c in cs if c['fresh'] and d(c, a, b) is not None]
        print('S %-15s us (fresh Ms) n=%3d median=%7.1f p10=%7.1f p90=%7.1f' %
              (n, len(v), q(v, .5), q(v, .1), q(v, .9)))
    print('S %-15s us (same cycle) n=%3d median=%7.1f p10=%7.1f p90=%7.1f' %
          ('newosproc', len(no), q(no, .5), q(no, .1), q(no, .9)))


if __name__ == '__main__':
    main()
