#!/usr/bin/env python3
"""startlock_trace.py - reads `perf trace -e futex,clone3` output of a JVM
whose one thread starts threads back to back (JavaExitLag) and says how
Thread.start() and the exiting threads share HotSpot's Threads_lock.

JDK 17: JVM_StartThread (prims/jvm.cpp) holds Threads_lock from before
`new JavaThread` -> os::create_thread (clone3, then the wait on the
child's startThread_lock until it is INITIALIZED: os/linux/os_linux.cpp)
until after prepare() -> Threads::add; an exiting thread takes it in
Threads::remove (runtime/thread.cpp, from JavaThread::exit) and again in
ThreadsSMRSupport::smr_delete -> wait_until_not_protected
(runtime/threadSMR.cpp). The lock is found, not assumed: the contended
pthread mutex (FUTEX_WAIT val 2) that the most threads wait on. The
starter's other waits on addresses it waits on at most twice are the
per-thread start handshake.

usage: startlock_trace.py PERF_TRACE.txt
"""
import collections, re, sys

LINE = re.compile(r'^\s*([\d.?]+) \(\s*([\d.]*)\s*(?:ms)?\): (.+?)/(\d+) (.*)$')


def load(path):
    pend, ev = {}, []
    for l in open(path, errors='replace'):
        m = LINE.match(l)
        if not m:
            continue
        t, d, comm, tid, rest = m.groups()
        tid, rest = int(tid), rest.lstrip()
        dur = float(d) if d and float(d) < 5000 else None
        if rest.startswith('... [continued]'):
            if tid in pend:
                e = pend.pop(tid)
                e['dur'] = dur
                r = re.search(r'= (-?\d+)', rest)
                e['ret'] = int(r.group(1)) if r else None
                ev.append(e)
            continue
        mm = re.match(r'(\w+)\((.*?)\)?\s*(=\s*(-?\d+)|\.\.\.)', rest)
        if not mm:
            continue
        args = mm.group(2)
        a = re.search(r'uaddr: (0x[0-9a-f]+)', args)
        op = re.search(r'op: ([A-Z_|]+)', args)
        v = re.search(r'val: (\d+)', args)
        e = dict(t=float(t) if t != '?' else 0.0, tid=tid, call=mm.group(1), addr=a.group(1) if a else None,
                 op=op.group(1) if op else '', val=int(v.group(1)) if v else None, dur=dur,
                 ret=int(mm.group(4)) if mm.group(4) else None)
        if mm.group(3) == '...':
            pend[tid] = e
        else:
            ev.append(e)
    return ev


def q(v, p):
    return round(v[min(len(v) - 1, int(p * len(v)))], 1) if v else None


def main():
    ev = load(sys.argv[1])
    st = collections.Counter(e['tid'] for e in ev if e['call'] == 'clone3').most_common(1)[0][0]
    mine = sorted((e for e in ev if e['tid'] == st), key=lambda e: e['t'])
    n = sum(1 for e in mine if e['call'] == 'clone3')
    span = (mine[-1]['t'] - mine[0]['t']) / 1e3
    waiters, waits = collections.defaultdict(set), collections.defaultdict(list)
    for e in ev:
        if e['call'] == 'futex' and e['op'].startswith('WAIT|') and e['val'] == 2:
            waiters[e['addr']].add(e['tid'])
            if e['dur'] is not None:
                waits[e['addr']].append(e['dur'])
    lk = max(waiters, key=lambda a: len(waiters[a]))
    by = collections.defaultdict(list)
    for e in mine:
        if e['call'] == 'futex' and 'WAIT' in e['op']:
            by[e['addr']].append(e['dur'])
    hs = sorted(d for a, ds in by.items() if a != lk and len(ds) <= 2 for d in ds if d is not None)
    lw = [d for d in by.get(lk, []) if d is not None]
    ow = sorted(d for d in waits[lk])
    wake = [e for e in mine if e['call'] == 'futex' and e['addr'] == lk and 'WAKE' in e['op']]
    print(f"starter tid {st}: {n} starts in {span:.2f} s ({n / span:.0f}/s under perf trace)")
    print(f"Threads_lock {lk}: {len(waiters[lk])} threads waited on it, {len(ow)} waits (p50 {q(ow, .5)} ms, p90 {q(ow, .9)} ms)")
    print(f"  starter: {len(lw)} waits for it, {sum(lw) * 1e3 / n:.1f} us per start;"
          f" its unlocks that woke a waiter {sum(1 for e in wake if (e['ret'] or 0) > 0)} of {n} starts")
    print(f"  starter: {len(hs)} handshake waits, {sum(hs) * 1e3 / n:.1f} us per start (p50 of a wait {q(hs, .5)} ms)")
    cs = []
    per = collections.defaultdict(list)
    for e in ev:
        if e['tid'] != st and e['call'] == 'futex' and e['addr'] == lk:
            per[e['tid']].append(e)
    for es in per.values():
        es.sort(key=lambda e: e['t'])
        for i, e in enumerate(es):
            if 'WAIT' in e['op'] and e['dur'] is not None:
                for f in es[i + 1:]:
                    if 'WAKE' in f['op']:
                        cs.append((f['t'] - e['t'] - e['dur']) * 1e3)
                    if 'WAKE' in f['op'] or 'WAIT' in f['op']:
                        break
    cs.sort()
    print(f"  exiting thread, woken -> its own unlock: p10 {q(cs, .1)} p50 {q(cs, .5)} p90 {q(cs, .9)} us ({len(cs)})")
    hold, last = [], None
    for i, e in enumerate(mine):
        if e['call'] == 'clone3':
            for f in mine[i + 1:]:
                if f['call'] == 'futex' and f['addr'] == lk and 'WAKE' in f['op']:
                    hold.append((f['t'] - e['t']) * 1e3)
                    break
                if f['call'] == 'clone3':
                    break
    hold.sort()
    print(f"  starter, clone3 -> its unlock (clone, handshake, Threads::add): p10 {q(hold, .1)} p50 {q(hold, .5)} p90 {q(hold, .9)} us")


if __name__ == '__main__':
    main()
