#!/usr/bin/env python3
"""gen_cases.py: writes cases.tsv, the map from every measured (case, metric)
to the gmpsim run that describes the same workload:

  case metric unit family scenario model sets gmpsim_metric transform tolerance note

scenario  a file under analysis/validate/scenarios/ ('-' = the scenario
          language cannot express this case or metric; `note` says why)
model     the gmpsim model to run (--model)
sets      extra command-line arguments (shell-quoted --set KEY=VALUE)
gmpsim_metric  the name in the results database's `metrics` table
transform a Python expression in x (the gmpsim value) giving the real
          program's unit (gmpsim times are ns)
tolerance `rel 0.15` (|model - real| <= 15 % of real), `abs 2`, or
          `abs 2|rel 0.15` (whichever is larger)
Re-run after changing a case: python3 gen_cases.py > cases.tsv
"""
rows = []


def row(case, metric, unit, fam, scen, model, sets, gm, tr, tol, note=''):
    rows.append([case, metric, unit, fam, scen, model, sets, gm, tr, tol, note])


def none(case, metric, unit, fam, note):
    row(case, metric, unit, fam, '-', '-', '', '-', '', '', note)


REL, ABS, BOTH = 'rel 0.15', 'abs 2', 'abs 2|rel 0.15'

# a. spawn
for p in (1, 2, 8):
    c, s = f'spawn_100k_p{p}', f'--set models.gmp.gomaxprocs={p}'
    row(c, 'threads_peak_proc', 'threads', 'spawn', 'spawn.yaml', 'gmp', s, 'threads_peak', 'x', ABS,
        'real: peak of /proc/self/status Threads sampled every 100us (includes the runtime\'s start-up threads); model: peak kernel threads (Ms incl. sysmon)')
    row(c, 'threads_created', 'threads', 'spawn', 'spawn.yaml', 'gmp', s, 'ms_created', 'x', ABS,
        'real: pprof threadcreate count (every M in allm, m0 included)')
    none(c, 'threads_start', 'threads', 'spawn', 'baseline before the first go statement; informational')
    row(c, 'wall', 'ms', 'spawn', 'spawn.yaml', 'gmp', s, 'latency_max', 'x/1e6', REL, 'the one main task: spawn 100,000 + wait')

# b. sysblock
for k in (1, 10, 100, 500):
    c, s = f'syscall_block_k{k}', f'--set workload.main.program.0.spawn.count={k}'
    row(c, 'threads_peak_proc', 'threads', 'sysblock', 'sysblock.yaml', 'gmp', s, 'threads_peak', 'x', ABS, '/proc Threads sampled every 100us')
    row(c, 'threads_created', 'threads', 'sysblock', 'sysblock.yaml', 'gmp', s, 'ms_created', 'x', ABS, 'pprof threadcreate count')
    row(c, 'wall', 'ms', 'sysblock', 'sysblock.yaml', 'gmp', s, 'latency_max', 'x/1e6', REL, 'main task: spawn K blockers and wait')

# c. ticker
c = 'tick_async_on'
tn = 'tick lateness (receive - nominal) vs the latency of 1us tasks arriving at a constant 1,000/s (they enter through the accepting goroutine/netpoller in gmp, a real Ticker fires from the P timer heap)'
for m, q in (('late_p50', 'latency_p50'), ('late_p99', 'latency_p99'), ('late_max', 'latency_max')):
    row(c, m, 'us', 'ticker', 'ticker.yaml', 'gmp', '', q, 'x/1e3', REL, tn)
row(c, 'ticks_per_s', '1/s', 'ticker', 'ticker.yaml', 'gmp', '', 'throughput', 'x', REL,
    'real: ticks received per second (a late Ticker drops ticks); model: completed tick tasks per second (never dropped, they queue)')
none(c, 'gap_max', 'us', 'ticker', 'longest gap between received ticks; no model counterpart')
for m, u in (('late_p50', 'us'), ('late_p99', 'us'), ('late_max', 'us'), ('ticks_per_s', '1/s'), ('gap_max', 'us')):
    none('tick_async_off', m, u, 'ticker', 'GODEBUG=asyncpreemptoff=1 is not expressible: gmp always preempts by signal (no scenario key turns async preemption off); hogs whose only preemption point is a call every 50 ms cannot be described either')

# d. micro
for p in (1, 2):
    s = f'--set models.gmp.gomaxprocs={p}'
    row(f'go_spawn_p{p}', 'spawn_seq', 'ns', 'micro', 'micro_spawn.yaml', 'gmp', s, 'latency_max', 'x/20000', REL,
        '20,000 x (go f(); wait) in one task; the real one waits on a channel, the model on spawn wait')
    row(f'go_spawn_p{p}', 'spawn_batch', 'ns', 'micro', 'micro_spawn.yaml', 'gmp',
        s + ' --set workload.main.program.0.repeat.times=100 --set workload.main.program.0.repeat.do.0.spawn.count=200',
        'latency_max', 'x/20000', REL, '100 batches of 200 go f() + wg.Wait()')
    row(f'go_chan_p{p}', 'chan_handoff', 'ns', 'micro', 'micro_chan.yaml', 'gmp', s, 'latency_max', 'x/60000', REL,
        'round trip / 2; the model has no 1,000-round-trip warm-up')
    row(f'go_chan_p{p}', 'chan_rt', 'ns', 'micro', 'micro_chan.yaml', 'gmp', s, 'latency_max', 'x/30000', REL, '')
jt = ''
jn = 'threads model, runtime: java (the default): jvm.* costs and the Thread.start() handshake'
row('java_thread', 'start_join', 'us', 'java_thread', 'java_thread.yaml', 'threads', jt, 'latency_max', 'x/3000/1e3', REL, jn)
none('java_thread', 'start_call', 'us', 'java_thread', 'time inside Thread.start() (creation + start handshake); no per-call metric in gmpsim')
none('java_thread', 'creator_cpu', 'us', 'java_thread', 'the creator thread\'s CPU per thread; gmpsim reports CPU by category, not per thread (the jvm.start + kernel.thread_create input)')
none('java_thread', 'jvm_cpu', 'us', 'java_thread', 'whole JVM CPU per thread incl. JIT and GC threads; not modelled')

# e. svc
# Go's generator is a goroutine (acceptor off: gmp's in-process generator);
# Java's is a thread that starts a thread or submits a task per request (the
# acceptor thread, with no accept cost).
svc_models = (('go', 'gmp', '--set acceptor.enabled=false'), ('java_tpr', 'threads', jt), ('java_pool', 'pool', ''))
for name, model, extra in svc_models:
    for a in ('const', 'poisson'):
        c = f'svc_{name}_{a}'
        s = (extra + (" --set 'workload.request.arrival={poisson: 10000/s}'" if a == 'poisson' else '')).strip()
        sc = 'svc.yaml'
        ln = 'real: from the scheduled time (includes the in-process generator\'s lateness); model: from arrival; both over requests arriving in the window that complete inside it (absent when lat_samples is 0)'
        row(c, 'throughput', '1/s', 'svc', sc, model, s, 'throughput', 'x', REL, 'completions in the window / window')
        row(c, 'lat_samples', 'count', 'svc', sc, model, s, 'latency_samples', 'x', REL, 'requests arriving in the window and completing inside it (0 when the queue outgrows the window)')
        for m, q in (('lat_p50', 'latency_p50'), ('lat_p99', 'latency_p99'), ('lat_p999', 'latency_p999'), ('lat_max', 'latency_max')):
            row(c, m, 'ms', 'svc', sc, model, s, q, 'x/1e6', REL, ln)
        if model == 'gmp':
            row(c, 'threads_peak_proc', 'threads', 'svc', sc, model, s, 'threads_peak', 'x', ABS, '/proc Threads sampled every 5 ms')
            row(c, 'threads_created', 'threads', 'svc', sc, model, s, 'ms_created', 'x', ABS, 'pprof threadcreate count')
        else:
            row(c, 'threads_peak_proc', 'threads', 'svc', sc, model, s, 'threads_peak', 'x', BOTH,
                '/proc Threads sampled every 5 ms: includes ~15-20 JVM-internal threads (GC, JIT, VM thread) and the sampler; the model counts the acceptor and the request threads')
            row(c, 'java_threads_peak', 'threads', 'svc', sc, model, s, 'threads_peak', 'x', BOTH,
                'ThreadMXBean peak (Java threads incl. main, sampler and ~5 JDK daemons, over the JVM life)')
            row(c, 'gen_cpu_per_req', 'us', 'svc', '-', '-', '', '-', '', '',
                'generator (accept loop) CPU per issued request; the model charges acceptor.accept + the start cost but reports no per-request figure')
        row(c, 'cpu_cores', 'cores', 'svc', sc, model, s, 'cpu_utilization', 'x*2', REL, 'process CPU in the window / window; model busy share of 2 cores')
        row(c, 'inflight_end', 'requests', 'svc', sc, model, s, 'tasks_live_end', 'x', BOTH,
            'real: issued - completed at the window end; model: tasks live at the end (requests still in the acceptor backlog may not count)')
        none(c, 'offered', '1/s', 'svc', 'scheduled requests in the window / window (the input rate)')
        none(c, 'unfinished', 'requests', 'svc', 'requests scheduled in the window still not done after the drain; no model counterpart')
        none(c, 'not_started', 'requests', 'svc', 'requests the generator never issued (it ran past end + drain)')
        for m in ('svc_p50', 'svc_p99'):
            none(c, m, 'ms', 'svc', 'latency from the actual issue time; gmpsim\'s arrival is the scheduled time, so lat_* is the counterpart')
        for m in ('gen_late_p50', 'gen_late_p99', 'gen_late_max'):
            none(c, m, 'us', 'svc', 'the in-process generator\'s own lateness (all issued requests); gmpsim arrivals are exact (the acceptor backlog has no latency metric)')
        none(c, 'issued_per_s', '1/s', 'svc', 'the generator\'s achieved issue rate; for Java thread-per-request the accept loop\'s capacity (gmpsim: see the accept_backlog series)')

# f. sys
for kind in ('syscall', 'net', 'udp'):
    for p in (2, 8):
        for r in (1500, 3000):
            for a in ('const', 'poisson'):
                if kind == 'udp' and (r != 3000 or a != 'poisson'):
                    continue
                c = f'sys_{kind}_p{p}_{r}_{a}'
                arr = 'constant' if a == 'const' else 'poisson'
                s = f"--set models.gmp.gomaxprocs={p} --set 'workload.request.arrival={{{arr}: {r}/s}}'"
                if kind == 'net':
                    s += " --set 'workload.request.program.1={sleep: 5ms}'"
                if kind == 'udp':
                    s += " --set 'workload.request.program.1={net: 5ms}'"
                kn = {'syscall': 'nanosleep via syscall.Syscall = syscall op',
                      'net': 'real time.Sleep(5ms) = sleep op (P timer heap); named "net" after the brief',
                      'udp': 'loopback UDP read with a 5 ms deadline = net op (netpoller); the real wake comes from the deadline timer, not from data'}[kind]
                ln = 'from the scheduled time (real generator lateness included, ~0.2-1 ms from time.Sleep granularity); ' + kn
                row(c, 'throughput', '1/s', 'sys', 'sys.yaml', 'gmp', s, 'throughput', 'x', REL, kn)
                row(c, 'lat_samples', 'count', 'sys', 'sys.yaml', 'gmp', s, 'latency_samples', 'x', REL, 'requests arriving in the window and completing inside it')
                for m, q in (('lat_p50', 'latency_p50'), ('lat_p99', 'latency_p99'), ('lat_p999', 'latency_p999'), ('lat_max', 'latency_max')):
                    row(c, m, 'ms', 'sys', 'sys.yaml', 'gmp', s, q, 'x/1e6', REL, ln)
                row(c, 'threads_peak_proc', 'threads', 'sys', 'sys.yaml', 'gmp', s, 'threads_peak', 'x', ABS, '/proc Threads sampled every 5 ms')
                row(c, 'threads_created', 'threads', 'sys', 'sys.yaml', 'gmp', s, 'ms_created', 'x', ABS, 'pprof threadcreate count')
                row(c, 'cpu_cores', 'cores', 'sys', 'sys.yaml', 'gmp', s, 'cpu_utilization', 'x*2', REL, 'process CPU / window vs busy share of 2 cores')
                row(c, 'inflight_end', 'requests', 'sys', 'sys.yaml', 'gmp', s, 'tasks_live_end', 'x', BOTH, 'a snapshot at the window end (Poisson-noisy)')
                none(c, 'offered', '1/s', 'sys', 'the input rate')
                for m, u in (('unfinished', 'requests'), ('not_started', 'requests'), ('svc_p50', 'ms'), ('svc_p99', 'ms'),
                             ('gen_late_p50', 'us'), ('gen_late_p99', 'us'), ('gen_late_max', 'us'), ('issued_per_s', '1/s')):
                    none(c, m, u, 'sys', 'generator-side or drain figure; no model counterpart')

# h. eventloop (java/EvLoop): a Java NIO event loop, 4 loops on 2 cores
evl_block = ("--set 'workload.request.program=[{cpu: 150us}, {sleep: 5ms}, {cpu: 150us}]'"
             " --set duration=2.5s --set warmup=0.5s")
for shape, a in (('net', 'const'), ('net', 'poisson'), ('block', 'const'), ('block', 'poisson'), ('net2k', 'poisson')):
    c = f'evl_{shape}_{a}'
    rate = {'net': 10000, 'block': 500, 'net2k': 2000}[shape]
    s = ('' if shape != 'block' else evl_block + ' ') + (f"--set 'workload.request.arrival={{poisson: {rate}/s}}'" if a == 'poisson'
                                                    else f"--set 'workload.request.arrival={{constant: {rate}/s}}'")
    sc = 'evloop.yaml'
    kn = ('handlers on the loops; the 100 ms wait a network reply (real: a backend thread writing to the loop\'s pipe)' if shape != 'block'
          else 'Thread.sleep(5 ms) on the loop thread: the loop serves one request at a time (4 loops: at most ~750/s)')
    ln = 'real: from the scheduled time (includes the in-process generator\'s lateness); model: from arrival; requests arriving in the window that complete inside it'
    row(c, 'throughput', '1/s', 'eventloop', sc, 'eventloop', s, 'throughput', 'x', REL, kn)
    row(c, 'lat_samples', 'count', 'eventloop', sc, 'eventloop', s, 'latency_samples', 'x', REL, 'requests arriving in the window and completing inside it')
    for m, q in (('lat_p50', 'latency_p50'), ('lat_p99', 'latency_p99'), ('lat_p999', 'latency_p999'), ('lat_max', 'latency_max')):
        row(c, m, 'ms', 'eventloop', sc, 'eventloop', s, q, 'x/1e6', REL, ln)
    row(c, 'threads_peak_proc', 'threads', 'eventloop', sc, 'eventloop', s, 'threads_peak', 'x', BOTH,
        '/proc Threads every 5 ms: the 4 loops, main (the generator), the backend and sampler threads and the JVM\'s own; model: the loops, the acceptor and jvm.threads (18)')
    row(c, 'cpu_cores', 'cores', 'eventloop', sc, 'eventloop', s, 'cpu_utilization', 'x*2', REL,
        'process CPU in the window / window (includes the backend thread\'s pipe writes and the generator); model busy share of 2 cores')
    row(c, 'inflight_end', 'requests', 'eventloop', sc, 'eventloop', s, 'tasks_live_end', 'x', BOTH, 'issued - completed at the window end')
    none(c, 'offered', '1/s', 'eventloop', 'the input rate')
    none(c, 'java_threads_peak', 'threads', 'eventloop', 'ThreadMXBean peak; threads_peak_proc is the counterpart')
    for m, u in (('unfinished', 'requests'), ('not_started', 'requests'), ('gen_late_p50', 'us'), ('gen_late_p99', 'us'),
                 ('gen_cpu_per_req', 'us')):
        none(c, m, u, 'eventloop', 'generator-side or drain figure; no model counterpart')
    none(c, 'wakeups_per_req', 'calls', 'eventloop', 'the generator\'s Selector.wakeup() calls per request (loops found in select()); gmpsim: evl_wakeups over the whole run, not per request')
    none(c, 'selects_per_req', 'calls', 'eventloop', 'select calls per request over all loops; gmpsim: evl_selects over the whole run')

# g. gc (configurations of analysis/measure/gc)
for P in (1, 2):
    for L in (16, 64, 256):
        for N in (0, 1000, 10000, 100000):
            c = f'gc_go_L{L}_N{N}_P{P}'
            win = 5 if L == 256 else 3
            s = f'--set gc.live_heap={L}MiB --set models.gmp.gomaxprocs={P}'
            s += (" --set 'workload.parked.arrival={batch: {count: 1, at: 1000s}}'" if N == 0
                  else f' --set workload.parked.arrival.batch.count={N}')
            if win == 5:
                s += ' --set duration=6s'
            gn = ('not rerun: parsed from analysis/measure/gc/raw (busy machine, 2026-11-28); live heap of pointer-dense nodes '
                  '(mark 2.8-7 ms/MiB measured, model default gc.go.mark_per_mib 3 ms); ' + ('L=256: 1-3 cycles per run' if L == 256 else ''))
            row(c, 'pause_p50', 'us', 'gc', 'gc_go.yaml', 'gmp', s, 'gc_pause_p50', 'x/1e3', REL, 'both STW pauses of every cycle; ' + gn)
            row(c, 'pause_max', 'us', 'gc', 'gc_go.yaml', 'gmp', s, 'gc_pause_max', 'x/1e3', REL, gn)
            row(c, 'gc_cpu_share_cores', 'share', 'gc', 'gc_go.yaml', 'gmp', s, 'gc_cpu_share', 'x', REL,
                'gctrace cpu fields (time holding a P, not OS CPU) / (wall x 2 cores); ' + gn)
            row(c, 'gc_cpu_share_procs', 'share', 'gc', 'gc_go.yaml', 'gmp', s, 'gc_cpu_share', f'x*2/{P}', REL, gn)
            row(c, 'gc_cycles_per_s', '1/s', 'gc', 'gc_go.yaml', 'gmp', s, 'gc_cycles', f'x/{win}', REL, gn)
java_cfgs = [(g, T, 0, 0) for g in ('Parallel', 'G1') for T in (10, 100, 1000, 4000)] + \
            [(g, 100, K, 0) for g in ('Parallel', 'G1') for K in (1, 2)] + \
            [(g, 100, 0, R) for g in ('Parallel', 'G1') for R in (4, 16, 32)]
for g, T, K, R in java_cfgs:
    c = f'gc_java_{g}_T{T}_K{K}_R{R}'
    s = f'--set workload.parked.arrival.batch.count={T}'
    s += (" --set 'workload.busy.arrival={batch: {count: 1, at: 1000s}}'" if K == 0 else f' --set workload.busy.arrival.batch.count={K}')
    if R > 0:
        s += f" --set 'workload.alloc.program.0={{alloc: 1MiB}}' --set 'workload.alloc.program.1={{sleep: {R * 1048576 / 300e6 * 1e3:.1f}ms}}'"
    jn = ('not rerun: parsed from analysis/measure/gc/raw (busy machine); ' +
          ('the model\'s young collector was calibrated on ParallelGC' if g == 'Parallel' else 'G1 run, compared with the model\'s ParallelGC-calibrated young collector'))
    row(c, 'pause_p50', 'us', 'gc', 'gc_java.yaml', 'threads', s, 'gc_pause_p50', 'x/1e3', REL, 'young pauses; ' + jn)
    row(c, 'pause_max', 'us', 'gc', 'gc_java.yaml', 'threads', s, 'gc_pause_max', 'x/1e3', REL, jn)
    row(c, 'pause_share', 'share', 'gc', 'gc_java.yaml', 'threads', s, 'gc_pause_share', 'x', REL, 'sum of young pauses / wall; ' + jn)
    row(c, 'gc_per_s', '1/s', 'gc', 'gc_java.yaml', 'threads', s, 'gc_cycles', 'x/3', REL, jn)

print('\t'.join(['case', 'metric', 'unit', 'family', 'scenario', 'model', 'sets', 'gmpsim_metric', 'transform', 'tolerance', 'note']))
for r in rows:
    print('\t'.join(str(x) for x in r))
