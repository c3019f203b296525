#!/usr/bin/env python3
"""check_cases.py [GMPSIM] [--run]: checks cases.tsv against gmpsim.

Without --run: every distinct (scenario, sets) must pass `gmpsim validate`.
With --run: also runs each distinct (scenario, model, sets) once (-q, a
temporary database) and checks that every gmpsim_metric of its rows exists
in the `metrics` table. It compares nothing with the measurements.
GMPSIM defaults to /tmp/gmpsim.base (a release build, used read-only)."""
import csv, os, shlex, sqlite3, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
args = [a for a in sys.argv[1:] if a != '--run']
gmpsim = args[0] if args else '/tmp/gmpsim.base'
run = '--run' in sys.argv
rows = list(csv.DictReader(open(os.path.join(here, 'cases.tsv')), delimiter='\t'))
bad = 0
seen = set()
for r in rows:
    if r['scenario'] == '-':
        continue
    k = (r['scenario'], r['sets'])
    if k in seen:
        continue
    seen.add(k)
    cmd = [gmpsim, 'validate', os.path.join(here, 'scenarios', r['scenario'])] + shlex.split(r['sets'])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        bad += 1
        print('INVALID', r['case'], r['scenario'], r['sets'], p.stderr.strip()[:300])
print(f'validate: {len(seen)} distinct scenario+sets, {bad} invalid')
if run:
    groups = {}
    for r in rows:
        if r['scenario'] != '-':
            groups.setdefault((r['scenario'], r['model'], r['sets']), set()).add(r['gmpsim_metric'])
    missing = 0
    with tempfile.TemporaryDirectory() as td:
        for i, ((sc, model, sets), metrics) in enumerate(sorted(groups.items())):
            db = os.path.join(td, f'{i}.db')
            cmd = [gmpsim, os.path.join(here, 'scenarios', sc), '--model', model, '-q', '-o', db] + shlex.split(sets)
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                missing += 1
                print('FAILED', sc, model, sets, p.stderr.strip()[:300])
                continue
            con = sqlite3.connect(db)
            have = {n for (n,) in con.execute('select distinct name from metrics')}
            nlat = con.execute("select value from metrics where name='latency_samples'").fetchone()
            for m in sorted(metrics - have):
                if m.startswith('latency_') and nlat and nlat[0] == 0:
                    print('absent (latency_samples = 0, as in the real program):', m, 'in', sc, model, sets)
                    continue
                missing += 1
                print('NO METRIC', m, 'in', sc, model, sets)
    print(f'run: {len(groups)} distinct runs, {missing} problems')
sys.exit(1 if bad else 0)
