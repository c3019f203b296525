/*
 * Svc.java (case e(ii), e(iii)) - an open-loop service with an in-process
 * load generator, Java 17 platform threads.
 *
 *   java -cp DIR Svc CASE MODE RATE ARRIVAL WARM_S DUR_S CPU1_US SLEEP_MS CPU2_US POOL SEED
 *     MODE tpr   thread per request: the generator (the main thread) does
 *                new Thread(handler).start() per request - the serial accept
 *                loop of a thread-per-request server
 *     MODE pool  Executors.newFixedThreadPool(POOL), submit() per request
 *     ARRIVAL const | poisson (exponential gaps, java.util.Random(SEED))
 *
 * Generator: request i has a scheduled time; the main thread parks
 * (LockSupport.parkNanos) until the next one and on waking starts every
 * request whose time has come, so lateness does not shift the schedule. Its
 * lateness (issue - scheduled) is reported: for tpr, each start() costs the
 * generator the thread creation (~80 us of the generator's time per start on
 * this machine, analysis/measure ThreadCreate.java), so at 10,000/s (100 us
 * apart) it can fall behind; the generator stops issuing at the end of the
 * window + DRAIN and the rest is counted as not_started.
 *
 * Request: CPU work CPU1 (a calibrated call-free loop: a fixed amount of
 * work), Thread.sleep(SLEEP), CPU work CPU2. Metrics as ../go/svc:
 * throughput (completions in the window / window), lat_* from the scheduled
 * time of the requests scheduled in the window that completed inside it
 * (gmpsim's definition; lat_samples their number, no lat_* when 0), svc_*
 * from the
 * issue time, threads_peak_proc (/proc/self/status Threads sampled every
 * 5 ms), java_threads_peak (ThreadMXBean peak, JVM life), cpu_cores (process
 * CPU in the window / window), inflight_end, unfinished, not_started,
 * gen_late_* (over every issued request, warm-up included), issued_per_s
 * (requests issued / time of the last issue: the accept loop's achieved
 * rate), gen_cpu_per_req (generator thread's CPU per issued request).
 */
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

public class Svc {
    static final long T0 = System.nanoTime();
    static volatile long sink;
    static double itersPerNs = 0.3;

    static void work(long n) {
        long x = sink + 1;
        for (long i = 0; i < n; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        sink = x;
    }

    static void calibrate() {
        final long n = 3_000_000;
        for (int k = 0; k < 20; k++) work(n); // JIT
        long best = Long.MAX_VALUE;
        for (int k = 0; k < 7; k++) {
            long t = System.nanoTime();
            work(n);
            best = Math.min(best, System.nanoTime() - t);
        }
        itersPerNs = (double) n / best;
    }

    static void workNs(long ns) { work((long) (ns * itersPerNs)); }

    /* Threads: from /proc/self/status via a kept-open channel */
    static FileChannel status;
    static ByteBuffer sbuf = ByteBuffer.allocate(8192);
    static int procThreads() {
        try {
            sbuf.clear();
            int n = status.read(sbuf, 0);
            String s = new String(sbuf.array(), 0, Math.max(n, 0), StandardCharsets.US_ASCII);
            int i = s.indexOf("\nThreads:");
            if (i < 0) return -1;
            int j = s.indexOf('\n', i + 9);
            return Integer.parseInt(s.substring(i + 9, j).trim());
        } catch (Exception e) { return -1; }
    }

    static long[] cpuJiffies() throws Exception {
        String[] f = java.nio.file.Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                + Long.parseLong(f[6]) + Long.parseLong(f[7]);
        return new long[] { busy, Long.parseLong(f[8]) };
    }

    static long ownCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double q(double[] s, double p) {
        if (s.length == 0) return 0;
        int i = (int) (p * s.length + 0.5) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    static void result(String cs, String m, double v, String unit) {
        System.out.printf("RESULT %s %s %.6g %s%n", cs, m, v, unit);
    }

    static void background(String cs, long[] j0) throws Exception {
        long[] j1 = cpuJiffies();
        double wall = System.nanoTime() - T0;
        double own = ownCpuNs();
        double busy = (j1[0] - j0[0]) * 1e9 / 100, steal = (j1[1] - j0[1]) * 1e9 / 100;
        double other = Math.max(0, busy - own);
        System.out.printf("BACKGROUND %s other_cpu_pct %.1f steal_pct %.1f wall_s %.2f%n", cs, 100 * other / wall, 100 * steal / wall, wall / 1e9);
    }

    public static void main(String[] a) throws Exception {
        long[] j0 = cpuJiffies();
        String cs = a[0], mode = a[1];
        double rate = Double.parseDouble(a[2]);
        boolean poisson = a[3].equals("poisson");
        long warm = (long) (Double.parseDouble(a[4]) * 1e9), dur = (long) (Double.parseDouble(a[5]) * 1e9);
        long cpu1 = (long) (Double.parseDouble(a[6]) * 1e3), sleepMs = Long.parseLong(a[7]), cpu2 = (long) (Double.parseDouble(a[8]) * 1e3);
        int poolSize = Integer.parseInt(a[9]);
        long seed = Long.parseLong(a[10]);
        long drain = 1_000_000_000L;
        status = FileChannel.open(Path.of("/proc/self/status"), StandardOpenOption.READ);
        calibrate();

        long total = warm + dur;
        Random rng = new Random(seed);
        double gap = 1e9 / rate;
        long[] sched = new long[(int) (rate * total / 1e9 * 1.2) + 1000];
        int n = 0;
        for (double t = 0; ; ) {
            t += poisson ? -Math.log(1 - rng.nextDouble()) * gap : gap;
            if ((long) t >= total || n == sched.length) break;
            sched[n++] = (long) t;
        }
        final AtomicLongArray done = new AtomicLongArray(n);
        final long[] issued = new long[n];
        final AtomicLong completed = new AtomicLong();
        ExecutorService pool = mode.equals("pool") ? Executors.newFixedThreadPool(poolSize) : null;
        if (pool != null) { // start the workers before the run
            for (int k = 0; k < poolSize; k++) pool.submit(() -> {});
        }
        final long t0 = System.nanoTime() + 20_000_000L;
        final long w0 = warm, w1 = total;

        // thread sampler + window markers
        final long[] peak = { procThreads() };
        final long[] marks = new long[3];
        final AtomicLong nIssued = new AtomicLong();
        final boolean[] stopS = { false };
        Thread sampler = new Thread(() -> {
            boolean m0 = false, m1 = false;
            while (!stopS[0]) {
                int v = procThreads();
                if (v > peak[0]) peak[0] = v;
                long now = System.nanoTime() - t0;
                if (!m0 && now >= w0) { marks[0] = ownCpuNs(); m0 = true; }
                if (!m1 && now >= w1) { marks[1] = ownCpuNs(); marks[2] = nIssued.get() - completed.get(); m1 = true; }
                LockSupport.parkNanos(5_000_000L);
            }
        });
        sampler.setDaemon(true);
        sampler.start();

        java.lang.management.ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        long genCpu0 = tmx.getCurrentThreadCpuTime();
        int i = 0;
        while (i < n) {
            long now = System.nanoTime() - t0;
            if (now > w1 + drain) break;
            while (i < n && sched[i] <= now && now <= w1 + drain) {
                final int k = i;
                issued[k] = now;
                nIssued.incrementAndGet();
                Runnable h = () -> {
                    workNs(cpu1);
                    try { Thread.sleep(sleepMs); } catch (InterruptedException e) { return; }
                    workNs(cpu2);
                    done.set(k, System.nanoTime() - t0);
                    completed.incrementAndGet();
                };
                if (pool != null) pool.submit(h);
                else new Thread(h).start();
                i++;
                now = System.nanoTime() - t0;
            }
            if (i < n) {
                long d = sched[i] - (System.nanoTime() - t0);
                if (d > 0) LockSupport.parkNanos(d);
            }
        }
        long genCpu = tmx.getCurrentThreadCpuTime() - genCpu0;
        int notStarted = n - i;
        long deadline = t0 + w1 + drain;
        while (completed.get() < i && System.nanoTime() < deadline) Thread.sleep(5);
        while (marks[1] == 0 && System.nanoTime() - t0 < w1 + 2 * drain) Thread.sleep(5);
        stopS[0] = true;
        int pk = (int) Math.max(peak[0], procThreads());

        double[] lat = new double[n], svc = new double[n], gl = new double[n];
        int nl = 0, ng = 0, inWin = 0, unfinished = 0, compInWin = 0;
        for (int j = 0; j < n; j++) {
            long d = done.get(j);
            if (d > 0 && d >= w0 && d < w1) compInWin++;
            if (j < i) gl[ng++] = (issued[j] - sched[j]) / 1e3;
            if (sched[j] < w0 || sched[j] >= w1) continue;
            inWin++;
            if (d == 0) unfinished++;
            else if (d < w1) {
                lat[nl] = (d - sched[j]) / 1e6;
                svc[nl++] = (d - issued[j]) / 1e6;
            }
        }
        lat = Arrays.copyOf(lat, nl); svc = Arrays.copyOf(svc, nl); gl = Arrays.copyOf(gl, ng);
        Arrays.sort(lat); Arrays.sort(svc); Arrays.sort(gl);
        double secs = dur / 1e9;
        System.out.printf("# Svc: %s %s %.0f/s, %d us + sleep %d ms + %d us, pool %d, warm %.1f s dur %.1f s, Java %s, %d CPUs, %d scheduled in window, work loop %.3f ns/iter%n",
                mode, poisson ? "poisson" : "const", rate, cpu1 / 1000, sleepMs, cpu2 / 1000, poolSize, warm / 1e9, dur / 1e9,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), inWin, 1 / itersPerNs);
        result(cs, "offered", inWin / secs, "1/s");
        result(cs, "throughput", compInWin / secs, "1/s");
        result(cs, "lat_samples", nl, "count");
        if (nl > 0) { /* none when nothing scheduled in the window finished inside it */
            result(cs, "lat_p50", q(lat, 0.5), "ms");
            result(cs, "lat_p99", q(lat, 0.99), "ms");
            result(cs, "lat_p999", q(lat, 0.999), "ms");
            result(cs, "lat_max", q(lat, 1), "ms");
            result(cs, "svc_p50", q(svc, 0.5), "ms");
            result(cs, "svc_p99", q(svc, 0.99), "ms");
        }
        result(cs, "threads_peak_proc", pk, "threads");
        result(cs, "java_threads_peak", tmx.getPeakThreadCount(), "threads");
        result(cs, "cpu_cores", (double) (marks[1] - marks[0]) / (w1 - w0), "cores");
        result(cs, "inflight_end", marks[2], "requests");
        result(cs, "unfinished", unfinished, "requests");
        result(cs, "not_started", notStarted, "requests");
        result(cs, "gen_late_p50", q(gl, 0.5), "us");
        result(cs, "gen_late_p99", q(gl, 0.99), "us");
        result(cs, "gen_late_max", q(gl, 1), "us");
        result(cs, "issued_per_s", i > 0 ? i / (issued[i - 1] / 1e9) : 0, "1/s");
        result(cs, "gen_cpu_per_req", i > 0 ? genCpu / 1e3 / i : 0, "us");
        background(cs, j0);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
