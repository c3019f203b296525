/*
 * JavaThreadsLive.java - does the CPU of a Java platform thread's start and
 * exit grow with the number of threads already alive? (the thread-per-request
 * server of analysis/validate/java/Svc.java keeps ~550 threads asleep while
 * its accept loop starts ~2,900 more per second). HotSpot candidates, JDK 17:
 * ThreadsSMRSupport::add_thread / remove_thread copy the whole ThreadsList
 * (threadSMR.cpp: ThreadsList::add_thread, remove_thread), free_list and
 * smr_delete scan every thread's hazard pointer, all under Threads_lock.
 *
 *   java -Xss1m -XX:+UseG1GC -cp DIR JavaThreadsLive [--reps R] [--threads M] [--load K] [N ...]
 *     N       live parked threads (default 0 100 300 600 1000)
 *     --reps  repetitions of the whole ladder (default 3; odd reps climb,
 *             even reps descend, so a drift of the machine does not look
 *             like a slope)
 *     --threads  threads started and ended per trial (default 2000)
 *     --load  K spinning threads during the trials (default 0): the child
 *             then has to wait for a core, which shows the Thread.start()
 *             handshake's wait in start()'s wall time
 *
 * Method: after a warm-up trial (2,000 threads at N = 0, for JIT and class
 * loading), for each repetition and each N: grow or shrink a pool of
 * threads parked in LockSupport.park (a sleeping request thread is parked
 * the same way) to exactly N, wait until all are WAITING, then one trial
 * exactly as JavaThreadPhases: one creator starts M threads one after
 * another, none joined, each child reads its own CPU time as the first
 * statement of run() and ends. Per thread: the creator's CPU across start()
 * (ThreadMXBean.getCurrentThreadCpuTime), start()'s wall time, the child's
 * CPU before user code, and the whole JVM's CPU over the trial until every
 * child has ended (OperatingSystemMXBean.getProcessCpuTime) minus the
 * spinners' CPU (ThreadMXBean.getThreadCpuTime of each); JVM - creator -
 * child init is the exit path (JavaThread::exit, Threads::remove, the
 * kernel's exit) plus whatever GC and JIT did. Every cost is CPU time, so
 * it holds on a machine shared with other work; start()'s wall time does
 * not (it is reported, and is what --load is about).
 *
 * Output: one "POINT" line per (rep, N), a table of medians per N, and
 * "RESULT java KEY VALUE UNIT" lines: per N the medians (live.N.KEY, us),
 * and the least-squares line over every point, KEY = a + b x live threads
 * (live_slope.KEY in ns per live thread, live_base.KEY in us), with the
 * number of live threads counted as Java threads alive (ThreadMXBean).
 */
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public class JavaThreadsLive {
    static final ThreadMXBean TMX = ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    static final String[] KEYS = { "creator_cpu", "start_wall", "child_init_cpu", "exit_and_rest_cpu", "jvm_cpu" };

    /* ---- the parked threads ---- */

    static final class Idle extends Thread {
        volatile boolean release;
        Idle() { setDaemon(true); }
        @Override public void run() { while (!release) LockSupport.park(this); }
    }

    static final List<Idle> parked = new ArrayList<>();

    static void setLive(int n) throws InterruptedException {
        while (parked.size() < n) {
            Idle t = new Idle();
            t.start();
            parked.add(t);
        }
        while (parked.size() > n) {
            Idle t = parked.remove(parked.size() - 1);
            t.release = true;
            LockSupport.unpark(t);
            t.join();
        }
        for (Idle t : parked)
            while (t.getState() != Thread.State.WAITING) Thread.sleep(1);
        Thread.sleep(100); /* let the exits of the shrink finish */
    }

    /* ---- the spinners (--load) ---- */

    static volatile boolean stopSpin;
    static final List<Thread> spinners = new ArrayList<>();
    static volatile long spinSink;

    static void startLoad(int k) {
        for (int i = 0; i < k; i++) {
            Thread t = new Thread(() -> { long x = 0; while (!stopSpin) x++; spinSink = x; });
            t.setDaemon(true);
            t.start();
            spinners.add(t);
        }
    }

    static long spinnersCpu() {
        long s = 0;
        for (Thread t : spinners) s += Math.max(0, TMX.getThreadCpuTime(t.getId()));
        return s;
    }

    /* ---- one trial ---- */

    static final AtomicLong childInitNs = new AtomicLong();
    static final AtomicInteger alive = new AtomicInteger();

    static final Runnable BODY = () -> {
        childInitNs.addAndGet(TMX.getCurrentThreadCpuTime());
        alive.decrementAndGet();
    };

    static long gcCount() {
        long c = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) c += Math.max(0, b.getCollectionCount());
        return c;
    }

    /* Per thread, ns: {creator CPU, start() wall, child init CPU, exit and rest, JVM CPU}; then live threads, GCs. */
    static double[] trial(int n) throws Exception {
        childInitNs.set(0);
        int live = TMX.getThreadCount();
        long gc0 = gcCount(), spin0 = spinnersCpu(), jvm0 = OS.getProcessCpuTime(), creator = 0, wall = 0;
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(BODY);
            alive.incrementAndGet();
            long c0 = TMX.getCurrentThreadCpuTime(), w0 = System.nanoTime();
            t.start();
            wall += System.nanoTime() - w0;
            creator += TMX.getCurrentThreadCpuTime() - c0;
        }
        while (alive.get() > 0)
            Thread.sleep(1);
        Thread.sleep(50); /* let the last exits finish */
        double jvm = OS.getProcessCpuTime() - jvm0 - (spinnersCpu() - spin0);
        double c = (double) creator / n, ci = (double) childInitNs.get() / n, j = jvm / n;
        return new double[] { c, (double) wall / n, ci, j - c - ci, j, live, gcCount() - gc0 };
    }

    /* ---- statistics ---- */

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length == 0 ? 0 : s[(s.length - 1) / 2];
    }

    /* Least squares y = a + b x: {a, b}. */
    static double[] fit(List<double[]> pts, int k) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int m = pts.size();
        for (double[] p : pts) { sx += p[5]; sy += p[k]; sxx += p[5] * p[5]; sxy += p[5] * p[k]; }
        double b = (m * sxy - sx * sy) / (m * sxx - sx * sx);
        return new double[] { (sy - b * sx) / m, b };
    }

    static long machineBusyJiffies() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
             + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    }

    public static void main(String[] a) throws Exception {
        int reps = 3, m = 2000, load = 0;
        List<Integer> levels = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            switch (a[i]) {
            case "--reps": reps = Integer.parseInt(a[++i]); break;
            case "--threads": m = Integer.parseInt(a[++i]); break;
            case "--load": load = Integer.parseInt(a[++i]); break;
            default: levels.add(Integer.parseInt(a[i]));
            }
        }
        if (levels.isEmpty()) levels.addAll(List.of(0, 100, 300, 600, 1000));
        long busy0 = machineBusyJiffies(), own0 = OS.getProcessCpuTime(), w0 = System.nanoTime();
        trial(2000);
        startLoad(load);
        List<double[]> pts = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            for (int li = 0; li < levels.size(); li++) {
                int n = levels.get(r % 2 == 0 ? li : levels.size() - 1 - li);
                setLive(n);
                double[] x = trial(m);
                double[] p = Arrays.copyOf(x, 8);
                p[7] = n;
                pts.add(p);
                System.out.printf("POINT rep %d parked %d live %.0f creator_cpu %.2f start_wall %.2f child_init_cpu %.2f exit_and_rest_cpu %.2f jvm_cpu %.2f us gcs %.0f%n",
                    r + 1, n, x[5], x[0] / 1e3, x[1] / 1e3, x[2] / 1e3, x[3] / 1e3, x[4] / 1e3, x[6]);
            }
        }
        stopSpin = true;
        setLive(0);
        System.out.printf("%-8s %8s", "parked", "live");
        for (String k : KEYS) System.out.printf(" %17s", k);
        System.out.println("   (medians over reps, us per thread)");
        for (int n : levels) {
            List<List<Double>> col = new ArrayList<>();
            for (int k = 0; k < 6; k++) col.add(new ArrayList<>());
            for (double[] p : pts)
                if (p[7] == n)
                    for (int k = 0; k < 6; k++) col.get(k).add(p[k]);
            System.out.printf("%-8d %8.0f", n, median(col.get(5)));
            for (int k = 0; k < KEYS.length; k++) System.out.printf(" %17.2f", median(col.get(k)) / 1e3);
            System.out.println();
            for (int k = 0; k < KEYS.length; k++)
                System.out.printf("RESULT java live.%d.%s %.2f us%n", n, KEYS[k], median(col.get(k)) / 1e3);
        }
        for (int k = 0; k < KEYS.length; k++) {
            double[] ab = fit(pts, k);
            System.out.printf("RESULT java live_slope.%s %.2f ns%n", KEYS[k], ab[1]);
            System.out.printf("RESULT java live_base.%s %.2f us%n", KEYS[k], ab[0] / 1e3);
        }
        double wall = (System.nanoTime() - w0) / 1e9;
        double others = (machineBusyJiffies() - busy0) / 100.0 - (OS.getProcessCpuTime() - own0) / 1e9;
        System.out.printf("background: others used %.1f%% of one CPU over %.1f s (load %d spinners, %d reps, %d threads a trial)%n",
            100 * Math.max(0, others) / wall, wall, load, reps, m);
    }
}
