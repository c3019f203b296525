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
  MAX(CASE WHEN m.name = 'cpu_idle'               THEN m.value END) AS cpu_idle,
  MAX(CASE WHEN m.name = 'cpu_utilization'        THEN m.value END) AS cpu_utilization,
  MAX(CASE WHEN m.name = 'context_switches'       THEN m.value END) AS context_switches,
  MAX(CASE WHEN m.name = 'threads_created'        THEN m.value END) AS threads_created,
  MAX(CASE WHEN m.name = 'thread_create_failures' THEN m.value END) AS thread_create_failures,
  MAX(CASE WHEN m.name = 'threads_peak'           THEN m.value END) AS threads_peak,
  MAX(CASE WHEN m.name = 'threads_mean'           THEN m.value END) AS threads_mean,
  MAX(CASE WHEN m.name = 'stack_reserved_peak'    THEN m.value END) AS stack_reserved_peak,
  MAX(CASE WHEN m.name = 'stack_committed_peak'   THEN m.value END) AS stack_committed_peak,
  r.error
FROM runs AS r
LEFT JOIN metrics AS m ON m.run_id = r.run_id
GROUP BY r.run_id;

-- compare: models side by side. Runs are grouped by (scenario, seed, rep,
-- point_id) — the runs of one group saw the same random inputs and differ
-- only in model. Only status='complete' runs appear. Each row is one run
-- with its reference run: the group's 'gmp' run if there is one (the lowest
-- run_id among several), else the group's lowest run_id.
-- throughput_ratio = throughput / ref_throughput (> 1: more throughput than
-- the reference); p99_ratio = p99 / ref_p99 (> 1: worse tail latency).
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

-- trace_spans: spans with their track's name and a readable label, e.g.
-- track 'P2', label 'running G 0x1f2e3d4c' (a G key's low 32 bits in hex).
CREATE VIEW IF NOT EXISTS trace_spans AS
SELECT s.run_id, s.track, t.kind AS track_kind, t.name AS track_name, s.kind,
  s.obj, s.t0_ns, s.t1_ns, s.t1_ns - s.t0_ns AS dur_ns,
  s.kind || CASE
    WHEN s.obj IS NULL THEN ''
    WHEN (t.kind = 'M' AND s.kind IN ('running', 'syscall')) OR (t.kind = 'P' AND s.kind = 'running')
      THEN printf(' G 0x%08x', s.obj & 4294967295)
    WHEN t.kind = 'P' THEN ' M' || s.obj
    WHEN t.kind = 'core' THEN ' T' || s.obj
    WHEN t.kind = 'thread' AND s.kind IN ('blocked', 'futex') THEN printf(' task 0x%08x', s.obj & 4294967295)
    WHEN t.kind = 'thread' THEN ' core ' || s.obj
    ELSE '' END AS label
FROM spans AS s JOIN tracks AS t ON t.run_id = s.run_id AND t.track = s.track;
