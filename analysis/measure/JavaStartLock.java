/*
 * JavaStartLock.java - do Thread.start() and thread exits serialise on
 * HotSpot's Threads_lock? In JDK 17 JVM_StartThread (prims/jvm.cpp) holds
 * Threads_lock from before `new JavaThread` -> os::create_thread (clone,
 * then wait on startThread_lock until the child is INITIALIZED:
 * os/linux/os_linux.cpp) until after prepare() -> Threads::add; every
 * exiting thread takes it in Threads::remove (runtime/thread.cpp, called
 * from JavaThread::exit) and again in ThreadsSMRSupport::smr_delete ->
 * wait_until_not_protected (runtime/threadSMR.cpp, from
 * JavaThread::post_run). If so: (1) starts made while many threads exit
 * take longer (the starter waits for the lock), (2) exits drain more
 * slowly while a starter runs back to back (they wait for a lock held
 * across the start handshake's wait), (3) both worsen when the other CPU
 * is busy (the child waits longer for a core while the lock is held).
 *
 *   java -Xss1m -XX:+UseG1GC -cp DIR JavaStartLock [REPS] [K] [SPINNERS]
 *
 * Per repetition, with K threads (default 1000) and SPINNERS busy daemon
 * threads (default 0; they never touch Threads_lock):
 *   start_alone  : K starts of threads that park (no exits): start() wall
 *                  per call, median and p90, and starts/s.
 *   start_exits  : K threads parked; all released at once (they exit
 *                  together) and at the same instant the starter makes K
 *                  more starts: start() wall per call while they exit.
 *   drain_alone  : K parked threads released with no starter: time until
 *                  /proc/self/status Threads has fallen by K (polled
 *                  every 200 us).
 *   drain_starts : the drain time of start_exits' K exits (same poll),
 *                  while the starter ran.
 * Between phases every thread started is released and the process waits
 * until /proc is back to its baseline. Output: one line per repetition
 * and phase, then the median over repetitions; a background line (others'
 * CPU from /proc/stat less this process's).
 */
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

public class JavaStartLock {
    static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    static volatile boolean stop;
    /* CPU of one exit in the control phase: JavaThreadPhases' exit path
     * (jvm.thread_exit 100 us + kernel.thread_exit 17 us), rounded */
    static final int EXIT_CPU_US = 120;

    static int procThreads() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("Threads:")) return Integer.parseInt(l.substring(8).trim());
        } catch (Exception e) { }
        return -1;
    }

    static long machineBusyJiffies() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
             + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    }

    /* A batch of parked threads, released all at once by unparking each
     * (one futex wake per thread from the releaser; a latch would wake
     * them one after another). */
    static final class Gate {
        volatile boolean open;
        final Thread[] ts;
        int n;
        Gate(int k) { ts = new Thread[k]; }
        void release() {
            open = true;
            for (int i = 0; i < n; i++) LockSupport.unpark(ts[i]);
        }
    }

    static Thread parked(Gate g) {
        Thread t = new Thread(() -> {
            while (!g.open) LockSupport.park();
        });
        t.setDaemon(true);
        return t;
    }

    static final AtomicInteger newStarts = new AtomicInteger();

    /* K timed starts of parked threads; returns the per-call wall times. */
    static long[] timedStarts(int k, Gate g) {
        long[] w = new long[k];
        for (int i = 0; i < k; i++) {
            Thread t = parked(g);
            g.ts[g.n++] = t;
            long a = System.nanoTime();
            t.start();
            w[i] = System.nanoTime() - a;
            newStarts.incrementAndGet();
        }
        return w;
    }

    static void waitBaseline(int base) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        while (procThreads() > base && System.nanoTime() < end) Thread.sleep(5);
    }

    /* Time until /proc's count, less the threads started since t0
     * (newStarts), has fallen to `target` or below. */
    static long drainUntil(int target, long t0) throws Exception {
        long end = t0 + 20_000_000_000L;
        while (procThreads() - newStarts.get() > target && System.nanoTime() < end) {
            long p = System.nanoTime() + 200_000;
            while (System.nanoTime() < p) Thread.onSpinWait();
        }
        return System.nanoTime() - t0;
    }

    static double pct(long[] v, double q) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(q * (s.length - 1) + 0.5))];
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public static void main(String[] a) throws Exception {
        int reps = a.length > 0 ? Integer.parseInt(a[0]) : 5;
        int k = a.length > 1 ? Integer.parseInt(a[1]) : 1000;
        int spinners = a.length > 2 ? Integer.parseInt(a[2]) : 0;
        long busy0 = machineBusyJiffies(), own0 = OS.getProcessCpuTime(), w0 = System.nanoTime();
        int base = procThreads() + spinners;
        for (int i = 0; i < spinners; i++) {
            Thread t = new Thread(() -> { long x = 0; while (!stop) x++; });
            t.setDaemon(true);
            t.start();
        }
        /* warm-up: JIT the start path */
        Gate wg = new Gate(500);
        timedStarts(500, wg);
        wg.release();
        waitBaseline(base);
        Thread.sleep(100);
        base = procThreads();
        System.out.printf("JavaStartLock K=%d spinners=%d reps=%d baseline_threads=%d%n", k, spinners, reps, base);
        double[][] res = new double[reps][11];
        for (int r = 0; r < reps; r++) {
            /* start_alone */
            Gate g1 = new Gate(k);
            long s0 = System.nanoTime();
            long[] alone = timedStarts(k, g1);
            double aloneRate = k / ((System.nanoTime() - s0) / 1e9);
            /* drain_alone: release them with no starter */
            Thread.sleep(50);
            newStarts.set(0);
            int before1 = procThreads();
            long d0 = System.nanoTime();
            g1.release();
            long drainAlone = drainUntil(before1 - k, d0);
            waitBaseline(base);
            /* start_exits + drain_starts */
            Gate g2 = new Gate(k), g3 = new Gate(k);
            timedStarts(k, g2);
            Thread.sleep(50);
            final int target = procThreads() - k + 1;  /* + the watcher itself */
            final long[] drain = new long[1];
            final long e0 = System.nanoTime();
            Thread watcher = new Thread(() -> {
                try { drain[0] = drainUntil(target, e0); } catch (Exception e) { }
            });
            watcher.setDaemon(true);
            newStarts.set(0);
            watcher.start();  /* before the release: not timed */
            long e1 = System.nanoTime();
            g2.release();
            long[] withExits = timedStarts(k, g3);
            double exitsRate = k / ((System.nanoTime() - e1) / 1e9);
            watcher.join();
            g3.release();
            waitBaseline(base);
            /* start_busy: the control. K parked threads released at once
             * to burn ~what an exit costs (EXIT_CPU_US of CPU) and park
             * again: the same competition for the CPUs as start_exits'
             * exits, without Threads_lock. */
            Gate g4 = new Gate(k), g5 = new Gate(k), g6 = new Gate(k);
            for (int i = 0; i < k; i++) {
                Thread t = new Thread(() -> {
                    while (!g4.open) LockSupport.park();
                    long end = System.nanoTime() + EXIT_CPU_US * 1000L;
                    while (System.nanoTime() < end) { }
                    while (!g6.open) LockSupport.park();
                });
                t.setDaemon(true);
                g4.ts[g4.n++] = t;
                g6.ts[g6.n++] = t;
                t.start();
            }
            Thread.sleep(50);
            long b1 = System.nanoTime();
            g4.release();
            long[] withBusy = timedStarts(k, g5);
            double busyRate = k / ((System.nanoTime() - b1) / 1e9);
            g5.release();
            g6.release();
            waitBaseline(base);
            res[r] = new double[] { pct(alone, 0.5) / 1e3, pct(alone, 0.9) / 1e3, aloneRate,
                                    pct(withExits, 0.5) / 1e3, pct(withExits, 0.9) / 1e3, exitsRate,
                                    drainAlone / 1e6, drain[0] / 1e6,
                                    pct(withBusy, 0.5) / 1e3, pct(withBusy, 0.9) / 1e3, busyRate };
            System.out.printf("rep %d: start_alone p50 %.1f us p90 %.1f us (%.0f/s) | start_exits p50 %.1f us p90 %.1f us (%.0f/s)"
                              + " | drain_alone %.2f ms | drain_starts %.2f ms | start_busy p50 %.1f us p90 %.1f us (%.0f/s)%n",
                              r + 1, res[r][0], res[r][1], res[r][2], res[r][3], res[r][4], res[r][5], res[r][6], res[r][7],
                              res[r][8], res[r][9], res[r][10]);
        }
        String[] names = { "start_alone_p50_us", "start_alone_p90_us", "start_alone_rate", "start_exits_p50_us",
                           "start_exits_p90_us", "start_exits_rate", "drain_alone_ms", "drain_starts_ms",
                           "start_busy_p50_us", "start_busy_p90_us", "start_busy_rate" };
        for (int c = 0; c < names.length; c++) {
            double[] col = new double[reps];
            for (int r = 0; r < reps; r++) col[r] = res[r][c];
            double lo = Arrays.stream(col).min().getAsDouble(), hi = Arrays.stream(col).max().getAsDouble();
            System.out.printf("SUMMARY %s %.2f [%.2f-%.2f]%n", names[c], median(col), lo, hi);
        }
        stop = true;
        double wall = (System.nanoTime() - w0) / 1e9;
        double others = (machineBusyJiffies() - busy0) / 100.0 - (OS.getProcessCpuTime() - own0) / 1e9;
        System.out.printf("background: others used %.0f%% of a CPU over %.1f s%n", 100 * others / wall, wall);
    }
}
