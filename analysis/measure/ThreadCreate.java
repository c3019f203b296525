/*
 * ThreadCreate.java - the JVM's cost of a platform thread: time per
 * new Thread(r).start() + join(), for 10,000 threads, default stack (run with
 * -Xss1m, which is also the default on x86-64 Linux), and the memory an idle
 * Java thread adds to the process.
 *
 * Method:
 *   1. warm-up: 1,000 start+join (JIT, class loading), at most 1 s.
 *   2. 3 trials of 10,000 sequential start()+join() (a trial stops early at a
 *      2.1 s cap, so that a busy machine cannot stretch the run beyond
 *      10 s; the output says so); per trial the mean time
 *      per thread; also, in every trial, each start() call is timed
 *      separately (System.nanoTime), giving the creator's time in start()
 *      (JVM bookkeeping + pthread_create + waiting for the new thread to
 *      reach its start handshake).  Per trial also the creator thread's CPU
 *      time (ThreadMXBean) and the whole JVM's CPU time
 *      (OperatingSystemMXBean.getProcessCpuTime) per thread: start() is
 *      mostly waiting, these say how much of it is CPU.
 *   3. RSS: 500 threads started that block on a CountDownLatch; VmRSS and
 *      VmSize from /proc/self/status before and after (after a 100 ms settle),
 *      one unrecorded warm-up round then up to 3 trials (fewer if the run
 *      has used 7.5 s); a System.gc() before each "before" reading.  The delta
 *      includes the JVM's per-thread structures (JavaThread, TLAB is
 *      not counted until used, HandleArea, etc.), not only the stack.
 */
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

public class ThreadCreate {
    static volatile long sink;

    static long statusKb(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    static String stats(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return String.format("median %9.1f ns   p10 %9.1f  p90 %9.1f  min %9.1f  max %10.1f  (n=%d)",
                s[(n - 1) / 2], s[(n - 1) * 10 / 100], s[(n - 1) * 90 / 100], s[0], s[n - 1], n);
    }

    /* busy and steal jiffies of the whole machine, from /proc/stat */
    static long[] cpuJiffies() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                + Long.parseLong(f[6]) + Long.parseLong(f[7]);
        return new long[] { busy, Long.parseLong(f[8]) };
    }

    static long ownCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }

    public static void main(String[] args) throws Exception {
        final int N = 10_000, TRIALS = 3, IDLE = 500;
        final long T_START = System.nanoTime();
        final long[] J0 = cpuJiffies();
        final long OWN0 = ownCpuNs();
        final long TRIAL_CAP_NS = 2_100_000_000L; /* keeps the run under 10 s on a busy machine */
        Runnable r = () -> { sink++; };
        System.out.printf("java_thread: new Thread(r).start() + join(), %d trials x %d threads, Java %s, JVM args %s%n",
                TRIALS, N, System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());

        long warmEnd = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < 1_000 && System.nanoTime() < warmEnd; i++) {
            Thread t = new Thread(r);
            t.start();
            t.join();
        }

        double[] perThread = new double[TRIALS];
        double[] startOnly = new double[TRIALS * N];
        int k = 0;
        int[] done = new int[TRIALS];
        double[] creatorCpu = new double[TRIALS], processCpu = new double[TRIALS];
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int tr = 0; tr < TRIALS; tr++) {
            long c0 = tmx.getCurrentThreadCpuTime(), q0 = ownCpuNs();
            long t0 = System.nanoTime(), cap = t0 + TRIAL_CAP_NS;
            int i;
            for (i = 0; i < N; i++) {
                Thread t = new Thread(r);
                long a = System.nanoTime();
                t.start();
                long b = System.nanoTime();
                t.join();
                startOnly[k++] = b - a;
                if (b > cap) { i++; break; }
            }
            done[tr] = i;
            perThread[tr] = (double) (System.nanoTime() - t0) / i;
            creatorCpu[tr] = (double) (tmx.getCurrentThreadCpuTime() - c0) / i;
            processCpu[tr] = (double) (ownCpuNs() - q0) / i;
        }
        startOnly = Arrays.copyOf(startOnly, k);
        System.out.println("  threads per trial: " + Arrays.toString(done)
                + (k < TRIALS * N ? "  (some trials stopped at the 2.1 s time cap: machine busy)" : ""));
        System.out.println("  new Thread + start + join, trial means      " + stats(perThread));
        System.out.println("  start() alone, per call                     " + stats(startOnly));
        System.out.println("  creator thread's CPU per thread (trials)    " + stats(creatorCpu));
        System.out.println("  whole JVM's CPU per thread (trials)         " + stats(processCpu));

        double[] rss = new double[3], vsz = new double[3];
        int nr = 0;
        for (int tr = -1; tr < 3; tr++) {
            if (nr >= 1 && System.nanoTime() - T_START > 7_500_000_000L) break; /* time cap */
            System.gc();
            Thread.sleep(100);
            long rss0 = statusKb("VmRSS"), vsz0 = statusKb("VmSize");
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch ready = new CountDownLatch(IDLE);
            Thread[] ts = new Thread[IDLE];
            for (int i = 0; i < IDLE; i++) {
                ts[i] = new Thread(() -> {
                    ready.countDown();
                    try { go.await(); } catch (InterruptedException e) { }
                });
                ts[i].start();
            }
            ready.await();
            Thread.sleep(100);
            long rss1 = statusKb("VmRSS"), vsz1 = statusKb("VmSize");
            go.countDown();
            for (Thread t : ts) t.join();
            if (tr < 0) continue;
            rss[tr] = (rss1 - rss0) * 1024.0 / IDLE;
            vsz[tr] = (vsz1 - vsz0) * 1024.0 / IDLE;
            nr++;
        }
        rss = Arrays.copyOf(rss, nr);
        vsz = Arrays.copyOf(vsz, nr);
        System.out.printf("  RSS trials: %d x %d idle threads%n", nr, IDLE);
        System.out.printf("  idle thread dVmRSS / thread                 median %9.0f B    min %9.0f  max %9.0f%n",
                median(rss), Arrays.stream(rss).min().getAsDouble(), Arrays.stream(rss).max().getAsDouble());
        System.out.printf("  idle thread dVmSize / thread                median %9.0f B    min %9.0f  max %9.0f%n",
                median(vsz), Arrays.stream(vsz).min().getAsDouble(), Arrays.stream(vsz).max().getAsDouble());
        long[] j1 = cpuJiffies();
        double wall = System.nanoTime() - T_START;
        double other = Math.max(0, (j1[0] - J0[0]) * 1e7 - (ownCpuNs() - OWN0)); /* USER_HZ = 100 */
        System.out.printf("  background during this program (%.1f s, JVM start-up not included): "
                + "other processes %.0f%% of a CPU, steal %.0f%% of a CPU%n",
                wall / 1e9, 100 * other / wall, 100 * (j1[1] - J0[1]) * 1e7 / wall);
        System.out.printf("SUMMARY %-28s %12.1f %-6s %s%n", "java.thread.start_join", median(perThread), "ns",
                "new Thread(r).start() + join(), median of trial means");
        System.out.printf("SUMMARY %-28s %12.1f %-6s %s%n", "java.thread.start", median(startOnly), "ns",
                "Thread.start() call alone, median");
        System.out.printf("SUMMARY %-28s %12.1f %-6s %s%n", "java.thread.creator_cpu", median(creatorCpu), "ns",
                "creator's CPU per start+join");
        System.out.printf("SUMMARY %-28s %12.1f %-6s %s%n", "java.thread.process_cpu", median(processCpu), "ns",
                "whole JVM's CPU per start+join (all threads, incl. GC/JIT)");
        System.out.printf("SUMMARY %-28s %12.1f %-6s %s%n", "java.thread.rss", median(rss), "B",
                "dVmRSS per idle Java thread");
        System.out.printf("SUMMARY %-28s %12.1f %-6s %s%n", "java.thread.vsz", median(vsz), "B",
                "dVmSize per idle Java thread");
    }
}
