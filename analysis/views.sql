-- analysis/views.sql — views that answer the usual questions about a gmpsim
-- results database; created in every database the simulator writes, so
-- plain sqlite3 users can rely on them. Views only: must not create tables
-- or change data (the tables are in analysis/schema.sql).
--
--   sqlite3 -header -column out.db 'SELECT * FROM summary'
--   sqlite3 -header -column out.db 'SELECT * FROM compare'

-- summary: one row per run, its metrics pivoted into columns.
-- Latencies are converted from ns to ms (mean_ms, p50_ms ... max_ms); the
-- other columns keep the metric's unit (see the metrics table). A metric the
-- run did not record is NULL. `error` is the failure reason, if any.
CREATE VIEW IF NOT EXISTS summary AS
SELECT
  r.run_id, r.scenario, r.model, r.seed, r.rep, r.point_id, r.status,
  MAX(CASE WHEN m.name = 'tasks_completed'        THEN m.value END) AS tasks_completed,
  MAX(CASE WHEN m.name = 'tasks_failed'           THEN m.value END) AS tasks_failed,
  MAX(CASE WHEN m.name = 'throughput'             THEN m.value END) AS throughput,
  MAX(CASE WHEN m.name = 'latency_mean'           THEN m.value END) / 1e6 AS mean_ms,
  MAX(CASE WHEN m.name = 'latency_p50'            THEN m.value END) / 1e6 AS p50_ms,
  MAX(CASE WHEN m.name = 'latency_p90'            THEN m.value END) / 1e6 AS p90_ms,
  MAX(CASE WHEN m.name = 'latency_p99'            THEN m.value END) / 1e6 AS p99_ms,
  MAX(CASE WHEN m.name = 'latency_p999'           THEN m.value END) / 1e6 AS p999_ms,
  MAX(CASE WHEN m.name = 'latency_max'            THEN m.value END) / 1e6 AS max_ms,
  MAX(CASE WHEN m.name = 'cpu_task'               THEN m.value END) AS cpu_task,
  MAX(CASE WHEN m.name = 'cpu_runtime'            THEN m.value END) AS cpu_runtime,
  MAX(CASE WHEN m.name = 'cpu_kernel'             THEN m.value END) AS cpu_kernel,
  MAX(CASE WHEN m.name = 'cpu_spin'               THEN m.value END) AS cpu_spin,
  MAX(CASE WHEN m.name = 'cpu_gc'                 THEN m.value END) AS cpu_gc,
  MAX(CASE WHEN m.name = 'cpu_idle'               THEN m.value END) AS cpu_idle,
  MAX(CASE WHEN m.name = 'cpu_utilization'        THEN m.value END) AS cpu_utilization,
  MAX(CASE WHEN m.name = 'context_switches'       THEN m.value END) AS context_switches,
  MAX(CASE WHEN m.name = 'threads_created'        THEN m.value END) AS threads_created,
  MAX(CASE WHEN m.name = 'thread_create_failures' THEN m.value END) AS thread_create_failures,
  MAX(CASE WHEN m.name = 'threads_peak'           THEN m.value END) AS threads_peak,
  MAX(CASE WHEN m.name = 'threads_mean'           THEN m.value END) AS threads_mean,
  MAX(CASE WHEN m.name = 'stack_reserved_peak'    THEN m.value END) AS stack_reserved_peak,
  MAX(CASE WHEN m.name = 'stack_committed_peak'   THEN m.value END) AS stack_committed_peak,
  MAX(CASE WHEN m.name = 'gc_cycles'              THEN m.value END) AS gc_cycles,
  MAX(CASE WHEN m.name = 'gc_pause_p99'           THEN m.value END) / 1e6 AS gc_pause_p99_ms,
  MAX(CASE WHEN m.name = 'gc_pause_max'           THEN m.value END) / 1e6 AS gc_pause_max_ms,
  MAX(CASE WHEN m.name = 'gc_cpu_share'           THEN m.value END) AS gc_cpu_share,
  MAX(CASE WHEN m.name = 'heap_peak'              THEN m.value END) AS heap_peak,
  r.error
FROM runs AS r
LEFT JOIN metrics AS m ON m.run_id = r.run_id
GROUP BY r.run_id;

-- compare: models side by side. Runs are grouped by (scenario, seed, rep,
-- point_id) — the runs of one group saw the same random inputs and differ
-- only in model. Only status='complete' runs appear. Each row is one run
-- with its reference run: the group's 'gmp' run if there is one (the lowest
-- run_id among several), else the group's lowest run_id.
-- Ratios are MODEL ÷ reference, as everywhere in gmpsim (the run summary,
-- `gmpsim compare`): throughput_ratio = throughput / ref_throughput (> 1:
-- more throughput than the reference); p99_ratio = p99 / ref_p99 (> 1:
-- worse tail latency).
-- A ratio is NULL when either side is missing or the reference is 0.
CREATE VIEW IF NOT EXISTS compare AS
WITH ranked AS (
  SELECT
    s.*,
    FIRST_VALUE(s.run_id)     OVER grp AS ref_run_id,
    FIRST_VALUE(s.model)      OVER grp AS ref_model,
    FIRST_VALUE(s.throughput) OVER grp AS ref_throughput,
    FIRST_VALUE(s.p99_ms)     OVER grp AS ref_p99_ms
  FROM summary AS s
  WHERE s.status = 'complete'
  WINDOW grp AS (PARTITION BY s.scenario, s.seed, s.rep, s.point_id
                 ORDER BY s.model <> 'gmp', s.run_id)
)
SELECT
  scenario, seed, rep, point_id, run_id, model,
  throughput, p50_ms, p99_ms, cpu_utilization, threads_peak,
  ref_run_id, ref_model, ref_throughput, ref_p99_ms,
  throughput / NULLIF(ref_throughput, 0) AS throughput_ratio,
  p99_ms / NULLIF(ref_p99_ms, 0) AS p99_ratio
FROM ranked;

-- latency_histogram: every histogram bucket with its run, ready to plot.
-- Bounds are converted from ns to ms; cum_fraction is the fraction of the
-- distribution's observations in this bucket or below it (buckets ordered
-- by lo), so it reaches 1.0 at the last bucket (NULL if the distribution
-- is empty). Filter on name ('latency', 'sched_delay' ...) to pick one.
CREATE VIEW IF NOT EXISTS latency_histogram AS
SELECT
  h.run_id, r.model, h.name,
  h.lo / 1e6 AS lo_ms,
  h.hi / 1e6 AS hi_ms,
  h.count,
  CAST(SUM(h.count) OVER (PARTITION BY h.run_id, h.name ORDER BY h.lo, h.hi
                          ROWS UNBOUNDED PRECEDING) AS REAL)
    / NULLIF(SUM(h.count) OVER (PARTITION BY h.run_id, h.name), 0) AS cum_fraction,
  r.scenario, r.seed, r.rep, r.point_id, r.status
FROM histograms AS h
JOIN runs AS r ON r.run_id = h.run_id;

-- sweep_values: the swept parameters of each run, one row per (run, axis
-- parameter): `key` is the axis as given (sweep_axes.key), `param` the
-- resolved parameter under it (the key itself, or one below it when the
-- axis sets a mapping such as workload.r.arrival), `value` its resolved
-- value as in params (durations in ns, sizes in bytes). Empty outside a
-- sweep. Pivot with MAX(CASE WHEN key = '...' THEN value END) ... GROUP BY run_id.
CREATE VIEW IF NOT EXISTS sweep_values AS
SELECT r.run_id, r.run_number, r.point_id, r.model, r.rep, a.position, a.key,
       p.key AS param, p.value
FROM runs AS r
JOIN sweep_axes AS a
JOIN params AS p ON p.run_id = r.run_id AND (p.key = a.key OR p.key LIKE a.key || '.%');

-- swept_params: the parameters a sweep varied, one row per (scenario,
-- point_id, model, key) with that point's value. A key counts as swept when,
-- for some model, its value differs between points while staying the same
-- across the repetitions of each point (so `seed`, which changes with the
-- repetition, and `model`, which changes with the model, are not swept).
-- Empty for a database with a single point.
CREATE VIEW IF NOT EXISTS swept_params AS
WITH per_point AS (
  SELECT r.scenario, r.model, r.point_id, p.key,
         MIN(p.value) AS value, COUNT(DISTINCT p.value) AS nvalues
  FROM runs AS r JOIN params AS p ON p.run_id = r.run_id
  GROUP BY r.scenario, r.model, r.point_id, p.key
),
varying AS (
  SELECT DISTINCT scenario, key FROM per_point
  GROUP BY scenario, model, key
  HAVING COUNT(DISTINCT value) > 1
),
steady AS (
  SELECT scenario, key FROM per_point
  GROUP BY scenario, key
  HAVING MAX(nvalues) = 1
)
SELECT pp.scenario, pp.point_id, pp.model, pp.key, pp.value
FROM per_point AS pp
JOIN varying AS v ON v.scenario = pp.scenario AND v.key = pp.key
JOIN steady AS s ON s.scenario = pp.scenario AND s.key = pp.key;

-- sweep: one row per (scenario, point_id, model): the point's swept
-- parameters as text (`params`, 'key=value, ...' ordered by key; NULL when
-- nothing was swept), n = the number of complete repetitions, and the mean
-- and sample standard deviation over them of throughput (1/s), p50 and p99
-- latency (ms), CPU utilization (ratio) and peak threads. A standard
-- deviation is NULL below two repetitions; means are NULL when n = 0.
-- `gmpsim query DB sweep` shows the same rows with one column per swept key.
CREATE VIEW IF NOT EXISTS sweep AS
WITH ok AS (
  SELECT s.scenario, s.point_id, s.model,
         s.throughput, s.p50_ms, s.p99_ms, s.cpu_utilization, s.threads_peak,
         AVG(s.throughput)      OVER pt AS throughput_avg,
         AVG(s.p50_ms)          OVER pt AS p50_avg,
         AVG(s.p99_ms)          OVER pt AS p99_avg,
         AVG(s.cpu_utilization) OVER pt AS cpu_avg,
         AVG(s.threads_peak)    OVER pt AS threads_avg
  FROM summary AS s
  WHERE s.status = 'complete'
  WINDOW pt AS (PARTITION BY s.scenario, s.point_id, s.model)
),
stats AS (
  SELECT scenario, point_id, model, COUNT(*) AS n,
    AVG(throughput) AS throughput_mean,
    SQRT(SUM((throughput - throughput_avg) * (throughput - throughput_avg))
         / NULLIF(COUNT(throughput) - 1, 0)) AS throughput_sd,
    AVG(p50_ms) AS p50_ms_mean,
    SQRT(SUM((p50_ms - p50_avg) * (p50_ms - p50_avg))
         / NULLIF(COUNT(p50_ms) - 1, 0)) AS p50_ms_sd,
    AVG(p99_ms) AS p99_ms_mean,
    SQRT(SUM((p99_ms - p99_avg) * (p99_ms - p99_avg))
         / NULLIF(COUNT(p99_ms) - 1, 0)) AS p99_ms_sd,
    AVG(cpu_utilization) AS cpu_utilization_mean,
    SQRT(SUM((cpu_utilization - cpu_avg) * (cpu_utilization - cpu_avg))
         / NULLIF(COUNT(cpu_utilization) - 1, 0)) AS cpu_utilization_sd,
    AVG(threads_peak) AS threads_peak_mean,
    SQRT(SUM((threads_peak - threads_avg) * (threads_peak - threads_avg))
         / NULLIF(COUNT(threads_peak) - 1, 0)) AS threads_peak_sd
  FROM ok
  GROUP BY scenario, point_id, model
),
points AS (
  SELECT DISTINCT scenario, point_id, model FROM runs
)
SELECT
  pt.scenario, pt.point_id, pt.model,
  (SELECT GROUP_CONCAT(kv, ', ') FROM
     (SELECT sp.key || '=' || sp.value AS kv FROM swept_params AS sp
      WHERE sp.scenario = pt.scenario AND sp.point_id = pt.point_id
        AND sp.model = pt.model
      ORDER BY sp.key)) AS params,
  COALESCE(st.n, 0) AS n,
  st.throughput_mean, st.throughput_sd,
  st.p50_ms_mean, st.p50_ms_sd,
  st.p99_ms_mean, st.p99_ms_sd,
  st.cpu_utilization_mean, st.cpu_utilization_sd,
  st.threads_peak_mean, st.threads_peak_sd
FROM points AS pt
LEFT JOIN stats AS st
  ON st.scenario = pt.scenario AND st.point_id = pt.point_id AND st.model = pt.model
ORDER BY pt.scenario, pt.point_id, pt.model;

-- trace_spans: spans with their track's name and a readable label, e.g.
-- track 'P2', label 'running G17' (the goroutine whose own track is G17).
CREATE VIEW IF NOT EXISTS trace_spans AS
SELECT s.run_id, s.track, t.kind AS track_kind, t.name AS track_name, s.kind,
  s.obj, s.t0_ns, s.t1_ns, s.t1_ns - s.t0_ns AS dur_ns,
  s.kind || CASE
    WHEN s.obj IS NULL THEN ''
    WHEN (t.kind = 'M' AND s.kind IN ('running', 'syscall')) OR (t.kind = 'P' AND s.kind = 'running')
      THEN ' G' || s.obj
    WHEN t.kind = 'P' THEN ' M' || s.obj
    WHEN t.kind = 'core' THEN ' T' || s.obj
    WHEN t.kind = 'thread' AND s.kind IN ('blocked', 'futex') THEN printf(' task 0x%08x', s.obj & 4294967295)
    WHEN t.kind = 'thread' THEN ' core ' || s.obj
    ELSE '' END AS label
FROM spans AS s JOIN tracks AS t ON t.run_id = s.run_id AND t.track = s.track;

-- breakdown: where each run's requests spent their time (issue 15, gmpsim
-- explain), one row per run and part: accept, sched (runnable, not
-- running), run, overhead (runtime/kernel CPU on its behalf), net, syscall,
-- chan, mutex, sleep, join (its children), gc. sum_ns: the part over the
-- requests of the window (integers; the parts add up to the latencies'
-- sum exactly); mean_ns: per request (they add up to latency_mean);
-- p99_ns: its part of the p99 (latency_p99 x its share in the requests at
-- or above the p99; they add up to latency_p99).
CREATE VIEW IF NOT EXISTS breakdown AS
SELECT
  r.run_id, r.scenario, r.point_id, r.model, r.seed, r.rep,
  substr(s.name, 4, length(s.name) - 7) AS part,
  s.value AS sum_ns,
  (SELECT value FROM metrics x WHERE x.run_id = r.run_id
     AND x.name = 'tb_' || substr(s.name, 4, length(s.name) - 7) || '_mean') AS mean_ns,
  (SELECT value FROM metrics x WHERE x.run_id = r.run_id
     AND x.name = 'tb_' || substr(s.name, 4, length(s.name) - 7) || '_p99') AS p99_ns
FROM runs r JOIN metrics s ON s.run_id = r.run_id
WHERE s.name LIKE 'tb\_%\_sum' ESCAPE '\' AND s.name <> 'tb_latency_sum';

-- cpu_causes: the service's CPU in the window by cause, one row per run
-- and cause: user, switch, wake (futex wakes), thread (create/exit, the
-- JVM's start and exit), syscall, sched (scheduler decisions, spinning Ms,
-- queue ops), gc, lockspin, other. cpu_ns add up to the busy CPU
-- (cpu_task + cpu_runtime + cpu_kernel + cpu_spin + cpu_gc) exactly;
-- us_per_request = cpu_ns / tasks_completed / 1000.
CREATE VIEW IF NOT EXISTS cpu_causes AS
SELECT
  r.run_id, r.scenario, r.point_id, r.model, r.seed, r.rep,
  substr(c.name, 11) AS cause,
  c.value AS cpu_ns,
  (SELECT value FROM metrics x WHERE x.run_id = r.run_id
     AND x.name = 'cpu_per_req_' || substr(c.name, 11)) AS us_per_request
FROM runs r JOIN metrics c ON c.run_id = r.run_id
WHERE c.name LIKE 'cpu\_cause\_%' ESCAPE '\';
