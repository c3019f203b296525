-- analysis/schema.sql — the tables of a gmpsim results database.
-- Documentation for users of plain sqlite3 as much as DDL: every table and
-- column says what it holds and in which unit. Tables only: no indexes (the
-- writer adds them after the bulk insert, see db_close_commit in
-- sim/store/db.c) and no views (analysis/views.sql). Must not hold data
-- beyond meta's schema_version; the simulator fills the rest.
--
-- One database per gmpsim invocation (a run, a compare, a sweep); each
-- simulated run is one row of `runs`, and every other table refers to it by
-- run_id. The layout is long ("tidy"): one row per parameter, metric,
-- histogram bucket or time-series sample, so sweeps are easy to filter,
-- group and pivot. The indexes created at commit are:
--   params(run_id, key), metrics(run_id, name), metrics(name),
--   histograms(run_id, name), timeseries(run_id, name, t_ns).

-- Facts about the database file itself.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,  -- 'schema_version' (this file's layout, an integer),
                           -- 'gmpsim_version' (the simulator that wrote the file),
                           -- written by `gmpsim sweep` / `merge` only:
                           -- 'sweep_fingerprint' (16 hex digits: a hash of the
                           -- scenario as resolved at point 0, the axes and
                           -- their values, the models, reps and base seed;
                           -- --resume and merge require it to match),
                           -- 'sweep_scenario' (the scenario file), 'sweep_models'
                           -- (space-separated), 'sweep_reps', 'sweep_seed'
                           -- (base seed), 'sweep_points', 'sweep_runs' (total
                           -- runs of the whole sweep)
  value TEXT               -- the fact's value, as text
);
INSERT INTO meta(key, value) VALUES ('schema_version', '2');

-- One row per simulated run.
CREATE TABLE runs (
  run_id     INTEGER PRIMARY KEY,  -- 1, 2, ... in the order the runs were written
  scenario   TEXT NOT NULL,        -- scenario name (from the YAML file)
  model      TEXT NOT NULL,        -- thread model simulated: 'gmp', 'threads' ...
  seed       INTEGER,              -- base random seed; a 64-bit unsigned seed is
                                   -- stored as its signed 64-bit bit pattern
  rep        INTEGER,              -- replication index (0, 1, ...) for the same point
  point_id   INTEGER,              -- sweep point index (0 when not a sweep); runs
                                   -- with the same scenario, seed, rep and point_id
                                   -- differ only in model (common random numbers)
  status     TEXT NOT NULL,        -- 'complete': ran to the end and its metrics are
                                   -- valid; 'failed': see error; anything else
                                   -- (e.g. 'incomplete') must not be trusted
  error      TEXT,                 -- why the run failed; NULL unless status='failed'
  sim_ns     INTEGER,              -- virtual time simulated (ns)
  events     INTEGER,              -- discrete events processed by the engine
  wall_s     REAL,                 -- wall-clock seconds the run took (bookkeeping
                                   -- only; not reproducible)
  version    TEXT,                 -- gmpsim version that produced the run
  created_at TEXT,                 -- when the run was written, UTC ISO-8601
                                   -- ('2024-05-01T12:34:56Z')
  run_number INTEGER               -- the run's number in its sweep (0, 1, ...), a
                                   -- pure function of (scenario, sweep, number):
                                   -- point_id * (models * reps) + model index *
                                   -- reps + rep; run_id = run_number + 1. The plain
                                   -- `gmpsim S.yaml`: the model's index. NULL for
                                   -- runs written outside a sweep
);

-- Every resolved parameter of a run, flattened to dotted keys.
CREATE TABLE params (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  key    TEXT NOT NULL,  -- dotted path: 'models.gmp.gomaxprocs', 'machine.numa.nodes'
  value  TEXT            -- the value as written or resolved ('8', '1.5ms', 'true')
);

-- Scalar results of a run: one row per (run, metric).
-- Names written by the simulator (unit): tasks_completed, tasks_failed,
-- tasks_arrived (count); throughput (1/s); latency_mean, latency_p50, latency_p90,
-- latency_p99, latency_p999, latency_max (ns); cpu_task, cpu_runtime,
-- cpu_kernel, cpu_spin, cpu_gc, cpu_idle (s of CPU time); cpu_utilization (ratio,
-- busy / (cores * time)); context_switches, threads_created,
-- thread_create_failures (count); threads_peak, threads_mean (threads);
-- stack_reserved_peak, stack_committed_peak (B); gc_cycles, gc_pauses
-- (count), gc_pause_p50, gc_pause_p99, gc_pause_max, gc_pause_total (ns),
-- gc_pause_share, gc_cpu_share (ratio), heap_peak, heap_allocated (B).
-- The breakdown (issue 15, gmpsim explain; views breakdown and cpu_causes):
-- tb_PART_sum, tb_PART_mean, tb_PART_p99 (ns) for PART in accept, sched,
-- run, overhead, net, syscall, chan, mutex, sleep, join, gc — each request's
-- time in that state, summed over the window's requests (integers: they
-- add up to tb_latency_sum exactly), per request (they add up to
-- latency_mean) and its part of the p99; tb_latency_sum (ns),
-- tb_tail_requests, tb_unbalanced (count: always 0); cpu_cause_CAUSE (ns)
-- and cpu_per_req_CAUSE (us per completed request) for CAUSE in user,
-- switch, wake, thread, syscall, sched, gc, lockspin, other (they add up
-- to the busy CPU exactly).
-- Models may add others.
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  name   TEXT NOT NULL,  -- metric name, see above
  value  REAL,           -- the value in `unit`; NULL when undefined (e.g. a
                         -- latency quantile of a run that completed no task)
  unit   TEXT            -- 'count', '1/s', 'ns', 's', 'ratio', 'threads', 'B' ...
);

-- Distributions (latency, scheduling delay ...) as buckets [lo, hi):
-- log-linear as HdrHistogram's, 1 ns wide below 2048 ns, then 1024 per
-- power of two, so every bucket is at most 0.1% of its lo wide (a
-- quantile read off them is within 0.1%); only non-empty buckets stored.
CREATE TABLE histograms (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  name   TEXT NOT NULL,  -- distribution name, e.g. 'latency', 'sched_latency' (gmp)
  lo     REAL,           -- bucket lower bound, inclusive (ns)
  hi     REAL,           -- bucket upper bound, exclusive (ns)
  count  INTEGER         -- observations that fell in [lo, hi)
);

-- Sampled state over virtual time (runnable Gs, threads, idle Ps ...).
CREATE TABLE timeseries (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  t_ns   INTEGER NOT NULL,  -- virtual time of the sample (ns since start)
  name   TEXT NOT NULL,     -- series name, e.g. 'threads', 'live_tasks', 'heap'
                            -- (bytes in use, when the scenario allocates)
  value  REAL               -- the sampled value
);

-- The keys a sweep varies, in axis order (the first axis varies slowest
-- in point_id). Empty outside a sweep. A run's value of each axis is in
-- params (run_id, key).
CREATE TABLE sweep_axes (
  position INTEGER PRIMARY KEY,  -- 0, 1, ... in the order the axes were given
  key      TEXT NOT NULL,        -- dotted parameter key, e.g. 'models.gmp.gomaxprocs'
  nvalues  INTEGER NOT NULL      -- how many values the axis takes
);

-- ---- Timelines: only for runs made with `gmpsim --trace` ----------------
-- A traced run has one `traces` row; its timeline is a set of tracks (one
-- per core, P, M and kernel thread, plus one 'sched' track for global
-- events), intervals on them (`spans`) and instants (`events`). Within one
-- track spans never overlap. Times are virtual ns since the run's start.
-- `gmpsim export DB --run N -o trace.json` turns them into Chrome/Perfetto
-- JSON. A trace has up to millions of spans and events, so they are not
-- stored a row each (SQLite's row insert cost 6-14x the run): they are
-- stored coded, 65,536 to a BLOB, in `trace_chunks` (format:
-- sim/core/trace_codec.h), and `spans` and `events` are read-only virtual
-- tables that gmpsim registers on every connection it opens (`gmpsim
-- query`, `export`, `plot` ...; sim/store/trace_vtab.c) and that decode
-- them back to the rows below. The sqlite3 shell has them after
-- `.load build/gmpsim_trace` (the same code as an SQLite extension).
-- (Databases written before this change hold real spans and events
-- tables, which gmpsim reads as before.)

-- One row per traced run.
CREATE TABLE traces (
  run_id          INTEGER NOT NULL REFERENCES runs(run_id),
  records         INTEGER,  -- spans + events stored
  record_limit    INTEGER,  -- --trace-limit in force
  truncated_at_ns INTEGER   -- NULL: the trace covers the whole run; else the
                            -- limit was reached and nothing after this
                            -- virtual time was recorded (open spans end here)
);

-- The timeline's tracks.
CREATE TABLE tracks (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  track  INTEGER NOT NULL,  -- 0, 1, ... within the run (creation order)
  kind   TEXT NOT NULL,     -- 'core', 'P', 'M', 'thread' (kernel thread), 'sched', 'G' (goroutine)
  num    INTEGER,           -- the object's id: core number, P id, M id, thread id, goroutine id
  name   TEXT               -- 'core 3', 'P2', 'M5', 'T17', 'sched', 'G42'
);

-- Intervals [t0_ns, t1_ns) during which a track was in one state. Idle
-- cores, idle Ps (and Ps whose M is in the scheduler: see the M), parked
-- Ms and blocked threads have no span.
--   core:   kind = the burst's CPU category 'task', 'runtime', 'kernel'
--           (including context switches), 'spin', 'gc'; obj = the thread on it.
--           Within the measured window these add up to the cpu_* metrics.
--   P:      'running' (obj = G key), 'syscall' (lent to the syscall of M
--           obj), 'gcstop' (stopped for a stop-the-world), 'gc' (its M
--           runs a mark worker)
--   M:      'running' (obj = G key), 'schedule' (findRunnable), 'spinning'
--           (looking for work to steal), 'syscall' (obj = G key),
--           'netpoll' (blocked in epoll_wait), 'gc' (a mark worker, or
--           stopping the world); sysmon has no M track
--   G:      (gmp) 'runnable', 'running' and 'syscall' (obj = its M),
--           'waiting' (parked: channel, mutex, sleep, network, join, GC
--           assist); goroutines are numbered 1, 2 ... in order of first
--           appearance
--   thread: 'running' on core obj (from the switch-in), 'runnable' (queued
--           on core obj, waiting for it); on the 1:1 models also
--           'blocked' (task obj in a blocking call: I/O, sleep, waiting for
--           its children), 'futex' (task obj waits on a channel or mutex),
--           'idle' (a pool worker waiting for work), the acceptor's
--           'netpoll' (waiting for connections), and 'gcstop' (runnable
--           but held by a JVM safepoint's stop-the-world)
-- A G key is the task's 64-bit common-random-numbers identity (stored as
-- its signed bit pattern): the same request has the same key in every model.
-- Virtual table spans (rowid: the span's number in its run, from 1):
--   run_id INTEGER, track INTEGER (tracks.track), kind TEXT (the state,
--   see above), obj INTEGER (the state's object, see above; NULL: none),
--   t0_ns INTEGER (start, ns), t1_ns INTEGER (end, ns, > t0_ns)

-- Instant scheduler events, on the track of the object they happen to.
--   steal (P: arg = Gs stolen, arg2 = victim P), handoffp (P: arg = 1 when
--   by a sysmon retake), startm (M: arg = P, arg2 = 1 spinning), wakep
--   (sched), retake (sched: arg = P), preempt (sched: arg = G key, arg2 =
--   P), netpoll (sched or M: arg = Gs made ready), thread_create /
--   thread_exit (thread: arg = thread id), gc (sched: a stop-the-world;
--   arg = 0 its start, 1 its end — gmp's mark termination 2 and 3 —,
--   arg2 = the M stopping the world, or -1 for a JVM safepoint).
-- Virtual table events (rowid: the event's number in its run, from 1, in
-- the order they happened):
--   run_id INTEGER, t_ns INTEGER (when, ns), track INTEGER (tracks.track),
--   name TEXT (the event, see above), arg INTEGER (first argument, see
--   above), arg2 INTEGER (second argument, see above)

-- The stored spans and events: chunk seq (0, 1 ...) of a run's span stream
-- (stream 0) or event stream (stream 1), holding nrows records coded as
-- sim/core/trace_codec.h says; record i of the chunk is row first + i + 1.
-- traces.records = the sum of nrows over a run's chunks: a reader refuses a
-- trace whose chunks do not add up or do not decode.
CREATE TABLE trace_chunks (
  run_id INTEGER NOT NULL,
  stream INTEGER NOT NULL,  -- 0 spans, 1 events
  seq    INTEGER NOT NULL,  -- 0, 1 ... within the run's stream
  first  INTEGER NOT NULL,  -- records in the stream's earlier chunks
  nrows  INTEGER NOT NULL,  -- records in this chunk
  data   BLOB NOT NULL,
  PRIMARY KEY (run_id, stream, seq)
) WITHOUT ROWID;
