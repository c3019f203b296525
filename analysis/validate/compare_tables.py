#!/usr/bin/env python3
"""compare_tables.py A.md B.md: two validation tables written by
tests/test_validation.c (VALIDATE_TABLE=...; e.g. one with the shipped
defaults, one with VALIDATE_PROFILE=a machine profile) side by side: rows
within tolerance per case family in each, then every row whose verdict
changed, then the other rows whose prediction moved by more than 5 %
(GC rows left out of that last list: GC costs are not calibrated)."""
import sys

FAMILIES = [('spawn', 'spawn_'), ('sysblock', 'syscall_block'), ('ticker', 'tick_'), ('go micro', 'go_'),
            ('java_thread', 'java_thread'), ('svc', 'svc_'), ('eventloop', 'evl_'), ('sys', 'sys_'),
            ('gc go', 'gc_go_'), ('gc java', 'gc_java_')]


def load(path):
    """(case, metric) -> dict(measured, predicted, error, tolerance, verdict)."""
    rows = {}
    for line in open(path):
        if not line.startswith('| ') or line.startswith('| case'):
            continue
        c = [x.strip() for x in line.strip().strip('|').split('|')]
        if len(c) == 8:  # "abs 2|rel 0.15" split in two
            c = c[:5] + [c[5] + '|' + c[6], c[7]]
        if len(c) != 7:
            continue
        rows[(c[0], c[1])] = dict(measured=c[2], predicted=c[3], error=c[4], tolerance=c[5], verdict=c[6])
    return rows


def within(r):
    return r['verdict'].startswith('ok')


def family(case):
    return next((name for name, prefix in FAMILIES if case.startswith(prefix)), 'other')


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    print(f'{"family":12s} {"rows":>5s} {"A ok":>5s} {"B ok":>5s}')
    for name, _ in FAMILIES + [('all', '')]:
        keys = [k for k in a if name == 'all' or family(k[0]) == name]
        print(f'{name:12s} {len(keys):5d} {sum(within(a[k]) for k in keys):5d} '
              f'{sum(within(b[k]) for k in keys if k in b):5d}')
    print('\nverdict changed (A -> B):')
    for k in a:
        if k in b and a[k]['verdict'] != b[k]['verdict']:
            print(f'  {k[0]} {k[1]}: measured {a[k]["measured"]}; predicted {a[k]["predicted"]} ({a[k]["error"]}, '
                  f'{a[k]["verdict"]}) -> {b[k]["predicted"]} ({b[k]["error"]}, {b[k]["verdict"]})')
    print('\nprediction moved > 5 %, verdict unchanged (GC rows left out):')
    for k in a:
        if k not in b or a[k]['verdict'] != b[k]['verdict'] or k[0].startswith('gc_'):
            continue
        try:
            pa, pb = float(a[k]['predicted']), float(b[k]['predicted'])
        except ValueError:
            continue
        if pa and abs(pb / pa - 1) > 0.05:
            print(f'  {k[0]} {k[1]}: measured {a[k]["measured"]}; predicted {pa:.4g} ({a[k]["error"]}) -> '
                  f'{pb:.4g} ({b[k]["error"]}), {a[k]["verdict"]}')


if __name__ == '__main__':
    main()
