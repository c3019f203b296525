/*
 * EvLoop.java (case h) - an open-loop service on a Java NIO event loop, in
 * the style of Netty: LOOPS selector threads, each with its own
 * java.nio.channels.Selector (EPollSelectorImpl on Linux), requests handed
 * out round-robin, an in-process load generator; Java 17.
 *
 *   java -cp DIR EvLoop CASE MODE RATE ARRIVAL WARM_S DUR_S CPU1_US WAIT_MS CPU2_US LOOPS SEED
 *     MODE net    the wait is a network wait: the handler sends its request
 *                 to "the network" (a backend thread holding a DelayQueue)
 *                 and returns to its loop; after WAIT_MS the backend puts
 *                 the reply on the loop's queue and writes a byte to the
 *                 loop's pipe, which the loop's selector watches (OP_READ):
 *                 the reply wakes the loop through epoll, as a socket's
 *                 data would; the loop then runs CPU2 and completes.
 *     MODE block  the handler calls Thread.sleep(WAIT_MS) on the loop
 *                 thread (a blocking call in a handler: the classic
 *                 mistake), then CPU2: every connection of the loop waits.
 *     ARRIVAL const | poisson (exponential gaps, java.util.Random(SEED))
 *
 * Generator (the main thread, as Svc.java's): request i has a scheduled
 * time; at it the generator puts the request on loop (i mod LOOPS)'s task
 * queue and, when that loop is in select(), calls Selector.wakeup() - as
 * Netty's SingleThreadEventExecutor.execute() does (its wakeup is skipped
 * when the loop is awake). A loop: select() (selectNow() when its queue is
 * not empty), then the replies its pipe signalled (CPU2 each, then done),
 * then its queued new requests (CPU1 each, then the wait): a batch is what
 * was queued when select() returned, the rest waits for the next select.
 *
 * Metrics as Svc.java's (throughput, lat_* from the scheduled time,
 * threads_peak_proc, cpu_cores, inflight_end, ...), plus wakeups (the
 * generator's Selector.wakeup() calls per request) and selects (select
 * calls per request, over all loops). The backend thread is the stand-in
 * for the network: its CPU (a pipe write per reply) is the process's but
 * has no counterpart in gmpsim (a NIC's interrupt there).
 */
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

public class EvLoop {
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

    static final class Req implements Delayed {
        final int k; final long due; final int loop;
        Req(int k, long due, int loop) { this.k = k; this.due = due; this.loop = loop; }
        public long getDelay(TimeUnit u) { return u.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS); }
        public int compareTo(Delayed o) { return Long.compare(due, ((Req) o).due); }
    }

    static final class Loop {
        final Selector sel;
        final Pipe pipe;
        final ConcurrentLinkedQueue<Integer> inbox = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> replies = new ConcurrentLinkedQueue<>();
        final AtomicBoolean selecting = new AtomicBoolean();
        final ByteBuffer drain = ByteBuffer.allocate(4096);
        long selects;
        Loop() throws IOException {
            sel = Selector.open();
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.source().register(sel, SelectionKey.OP_READ);
        }
    }

    public static void main(String[] a) throws Exception {
        long[] j0 = cpuJiffies();
        String cs = a[0], mode = a[1];
        double rate = Double.parseDouble(a[2]);
        boolean poisson = a[3].equals("poisson");
        long warm = (long) (Double.parseDouble(a[4]) * 1e9), dur = (long) (Double.parseDouble(a[5]) * 1e9);
        long cpu1 = (long) (Double.parseDouble(a[6]) * 1e3), waitMs = Long.parseLong(a[7]), cpu2 = (long) (Double.parseDouble(a[8]) * 1e3);
        final int nloops = Integer.parseInt(a[9]);
        long seed = Long.parseLong(a[10]);
        final boolean block = mode.equals("block");
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
        final long t0 = System.nanoTime() + 200_000_000L;
        final long w0 = warm, w1 = total;
        final Loop[] loops = new Loop[nloops];
        for (int l = 0; l < nloops; l++) loops[l] = new Loop();
        final DelayQueue<Req> network = new DelayQueue<>();
        final boolean[] stop = { false };

        Thread backend = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocate(1);
            try {
                while (true) {
                    Req r = network.take();
                    Loop l = loops[r.loop];
                    l.replies.add(r.k);
                    b.clear(); b.put((byte) 1); b.flip();
                    l.pipe.sink().write(b);
                }
            } catch (Exception e) { /* interrupted at the end */ }
        }, "network");
        backend.setDaemon(true);
        backend.start();

        for (int l = 0; l < nloops; l++) {
            final Loop lp = loops[l];
            final int li = l;
            Thread t = new Thread(() -> {
                try {
                    while (!stop[0]) {
                        lp.selecting.set(true);
                        if (lp.inbox.isEmpty() && lp.replies.isEmpty()) lp.sel.select(); else lp.sel.selectNow();
                        lp.selecting.set(false);
                        lp.selects++;
                        lp.sel.selectedKeys().clear();
                        lp.drain.clear();
                        while (lp.pipe.source().read(lp.drain) > 0) lp.drain.clear();
                        // one batch per select: what was there when select returned
                        Integer k;
                        int nr = lp.replies.size(), ni = lp.inbox.size();
                        for (int b = 0; b < nr && (k = lp.replies.poll()) != null; b++) {
                            workNs(cpu2);
                            done.set(k, System.nanoTime() - t0);
                            completed.incrementAndGet();
                        }
                        for (int b = 0; b < ni && (k = lp.inbox.poll()) != null; b++) {
                            workNs(cpu1);
                            if (block) {
                                Thread.sleep(waitMs);
                                workNs(cpu2);
                                done.set(k, System.nanoTime() - t0);
                                completed.incrementAndGet();
                            } else {
                                network.add(new Req(k, System.nanoTime() + waitMs * 1_000_000L, li));
                            }
                        }
                    }
                } catch (Exception e) { if (!stop[0]) e.printStackTrace(); }
            }, "loop-" + l);
            t.setDaemon(true);
            t.start();
        }

        // thread sampler + window markers
        final long[] peak = { procThreads() };
        final long[] marks = new long[3];
        final AtomicLong nIssued = new AtomicLong(), wakeups = new AtomicLong();
        final boolean[] stopS = { false };
        final long[] selMarks = new long[2];
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
                issued[i] = now;
                nIssued.incrementAndGet();
                Loop l = loops[i % nloops];
                l.inbox.add(i);
                if (l.selecting.get()) { l.sel.wakeup(); wakeups.incrementAndGet(); }
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
        long selects = 0;
        for (Loop l : loops) selects += l.selects;

        double[] lat = new double[n], gl = new double[n];
        int nl = 0, ng = 0, inWin = 0, unfinished = 0, compInWin = 0;
        for (int j = 0; j < n; j++) {
            long d = done.get(j);
            if (d > 0 && d >= w0 && d < w1) compInWin++;
            if (j < i) gl[ng++] = (issued[j] - sched[j]) / 1e3;
            if (sched[j] < w0 || sched[j] >= w1) continue;
            inWin++;
            if (d == 0) unfinished++;
            else if (d < w1) lat[nl++] = (d - sched[j]) / 1e6;
        }
        lat = Arrays.copyOf(lat, nl); gl = Arrays.copyOf(gl, ng);
        Arrays.sort(lat); Arrays.sort(gl);
        double secs = dur / 1e9;
        System.out.printf("# EvLoop: %s %s %.0f/s, %d us + wait %d ms + %d us, %d loops, warm %.1f s dur %.1f s, Java %s, %d CPUs, %d scheduled in window, work loop %.3f ns/iter%n",
                mode, poisson ? "poisson" : "const", rate, cpu1 / 1000, waitMs, cpu2 / 1000, nloops, warm / 1e9, dur / 1e9,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), inWin, 1 / itersPerNs);
        result(cs, "offered", inWin / secs, "1/s");
        result(cs, "throughput", compInWin / secs, "1/s");
        result(cs, "lat_samples", nl, "count");
        if (nl > 0) {
            result(cs, "lat_p50", q(lat, 0.5), "ms");
            result(cs, "lat_p99", q(lat, 0.99), "ms");
            result(cs, "lat_p999", q(lat, 0.999), "ms");
            result(cs, "lat_max", q(lat, 1), "ms");
        }
        result(cs, "threads_peak_proc", pk, "threads");
        result(cs, "java_threads_peak", tmx.getPeakThreadCount(), "threads");
        result(cs, "cpu_cores", (double) (marks[1] - marks[0]) / (w1 - w0), "cores");
        result(cs, "inflight_end", marks[2], "requests");
        result(cs, "unfinished", unfinished, "requests");
        result(cs, "not_started", notStarted, "requests");
        result(cs, "gen_late_p50", q(gl, 0.5), "us");
        result(cs, "gen_late_p99", q(gl, 0.99), "us");
        result(cs, "wakeups_per_req", i > 0 ? (double) wakeups.get() / i : 0, "calls");
        result(cs, "selects_per_req", i > 0 ? (double) selects / i : 0, "calls");
        result(cs, "gen_cpu_per_req", i > 0 ? genCpu / 1e3 / i : 0, "us");
        background(cs, j0);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
