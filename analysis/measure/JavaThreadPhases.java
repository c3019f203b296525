/*
 * JavaThreadPhases.java - where a Java platform thread's CPU goes, phase by
 * phase, for the threads model's `runtime: java` costs (README "Java
 * platform threads"), and how many threads an idle JVM already has.
 *
 * Method (after a warm-up of 2,000 threads, for JIT and class loading):
 *   5 trials of 4,000 threads started one after another by one creator
 *   thread, none joined (a thread-per-request server does not join): for
 *   each thread
 *   - creator: its own CPU time across `new Thread(r).start()`
 *     (ThreadMXBean.getCurrentThreadCpuTime before and after): the JVM's
 *     JavaThread set-up, pthread_create, the start handshake's waits and
 *     notify (os::create_thread waits until the child is INITIALIZED;
 *     os::start_thread then notifies it);
 *   - start() wall time of the creator (it blocks in the handshake);
 *   - child: getCurrentThreadCpuTime() as the first statement of run(): the
 *     CPU the new thread spent before user code (clone return, TLS, stack
 *     guard pages, JavaThread::run's set-up, the handshake);
 *   - the whole JVM's CPU (OperatingSystemMXBean.getProcessCpuTime) over
 *     the trial, until every started thread has ended, per thread; minus
 *     creator and child-init CPU it leaves the exit path (JavaThread::exit,
 *     Threads::remove, the kernel's exit) plus whatever GC and JIT did.
 *   Also: Threads in /proc/self/status at start-up (the JVM's own threads:
 *   VM thread, GC workers, compiler threads, ...).
 * Output: "RESULT java key value unit" lines (medians over trials, min and
 * max in the text) and a background line (others' CPU during the run).
 */
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class JavaThreadPhases {
    static final ThreadMXBean TMX = ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static long statusField(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith(key + ":"))
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
        return -1;
    }

    static long machineBusyJiffies() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
             + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    }

    static final AtomicLong childInitNs = new AtomicLong();
    static final AtomicInteger alive = new AtomicInteger();

    static final Runnable BODY = () -> {
        childInitNs.addAndGet(TMX.getCurrentThreadCpuTime());
        alive.decrementAndGet();
    };

    /* One trial of n threads; returns {creator CPU, start() wall, child init CPU, JVM CPU} per thread in ns. */
    static double[] trial(int n) throws Exception {
        childInitNs.set(0);
        long jvm0 = OS.getProcessCpuTime(), creator = 0, wall = 0;
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
        long jvm = OS.getProcessCpuTime() - jvm0;
        return new double[] { (double) creator / n, (double) wall / n, (double) childInitNs.get() / n, (double) jvm / n };
    }

    static double median(double[] v) { double[] s = v.clone(); Arrays.sort(s); return s[(s.length - 1) / 2]; }
    static double min(double[] v) { return Arrays.stream(v).min().getAsDouble(); }
    static double max(double[] v) { return Arrays.stream(v).max().getAsDouble(); }

    public static void main(String[] a) throws Exception {
        long vmThreads = statusField("Threads");
        long busy0 = machineBusyJiffies(), own0 = OS.getProcessCpuTime(), w0 = System.nanoTime();
        trial(2000);
        int trials = 5, n = 4000;
        String[] names = { "creator_cpu", "start_wall", "child_init_cpu", "jvm_cpu" };
        double[][] r = new double[4][trials];
        for (int t = 0; t < trials; t++) {
            double[] x = trial(n);
            for (int k = 0; k < 4; k++) r[k][t] = x[k];
        }
        double[] rest = new double[trials];
        for (int t = 0; t < trials; t++) rest[t] = r[3][t] - r[0][t] - r[2][t];
        System.out.printf("RESULT java vm_threads %d threads (Threads in /proc/self/status at start-up)%n", vmThreads);
        for (int k = 0; k < 4; k++)
            System.out.printf("RESULT java %s %.2f us  [%.2f-%.2f]%n", names[k], median(r[k]) / 1e3, min(r[k]) / 1e3, max(r[k]) / 1e3);
        System.out.printf("RESULT java exit_and_rest_cpu %.2f us  [%.2f-%.2f] (JVM CPU - creator - child init)%n",
            median(rest) / 1e3, min(rest) / 1e3, max(rest) / 1e3);
        double wall = (System.nanoTime() - w0) / 1e9;
        double others = (machineBusyJiffies() - busy0) / 100.0 - (OS.getProcessCpuTime() - own0) / 1e9;
        System.out.printf("background: others used %.1f%% of one CPU over %.1f s%n", 100 * Math.max(0, others) / wall, wall);
    }
}
