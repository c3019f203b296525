/*
 * ThreadStart.java (case d) - cost of a Java platform thread, adapted from
 * analysis/measure/ThreadCreate.java: new Thread(r).start(); t.join() one at a
 * time. Warm-up of 1,000 threads (at most 1 s), then 5 trials of 3,000
 * threads, each trial capped at 1.2 s (the output says when a cap was hit).
 * Per trial: wall time per thread, the creator thread's CPU per thread
 * (ThreadMXBean.getCurrentThreadCpuTime) and the whole JVM's CPU per thread
 * (OperatingSystemMXBean.getProcessCpuTime); per call, the time in start()
 * alone (it includes waiting for the new thread's start handshake).
 * Values: medians over trials (start(): median over all calls).
 *
 *   java -Xss1m -cp DIR ThreadStart [CASE]
 */
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

public class ThreadStart {
    static volatile long sink;
    static final long T0 = System.nanoTime();

    static long[] cpuJiffies() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                + Long.parseLong(f[6]) + Long.parseLong(f[7]);
        return new long[] { busy, Long.parseLong(f[8]) };
    }

    static long ownCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[(s.length - 1) / 2];
    }

    static void result(String cs, String m, double v, String unit) {
        System.out.printf("RESULT %s %s %.6g %s%n", cs, m, v, unit);
    }

    public static void main(String[] args) throws Exception {
        long[] j0 = cpuJiffies();
        String cs = args.length > 0 ? args[0] : "java_thread";
        final int N = 3000, TRIALS = 5;
        final long CAP = 1_200_000_000L;
        Runnable r = () -> { sink++; };
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < 1000 && System.nanoTime() < warmEnd; i++) {
            Thread t = new Thread(r);
            t.start();
            t.join();
        }
        java.lang.management.ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        double[] wall = new double[TRIALS], creator = new double[TRIALS], jvm = new double[TRIALS];
        double[] startOnly = new double[TRIALS * N];
        int k = 0, capped = 0;
        for (int tr = 0; tr < TRIALS; tr++) {
            long c0 = tmx.getCurrentThreadCpuTime(), q0 = ownCpuNs();
            long t0 = System.nanoTime(), cap = t0 + CAP;
            int i;
            for (i = 0; i < N; i++) {
                Thread t = new Thread(r);
                long a = System.nanoTime();
                t.start();
                long b = System.nanoTime();
                t.join();
                startOnly[k++] = b - a;
                if (b > cap) { i++; capped++; break; }
            }
            wall[tr] = (double) (System.nanoTime() - t0) / i;
            creator[tr] = (double) (tmx.getCurrentThreadCpuTime() - c0) / i;
            jvm[tr] = (double) (ownCpuNs() - q0) / i;
        }
        startOnly = Arrays.copyOf(startOnly, k);
        System.out.printf("# ThreadStart: %d trials x %d start+join (%d capped), Java %s, JVM args %s%n", TRIALS, N, capped,
                System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments());
        result(cs, "start_join", median(wall) / 1e3, "us");
        result(cs, "start_call", median(startOnly) / 1e3, "us");
        result(cs, "creator_cpu", median(creator) / 1e3, "us");
        result(cs, "jvm_cpu", median(jvm) / 1e3, "us");
        long[] j1 = cpuJiffies();
        double w = System.nanoTime() - T0, own = ownCpuNs();
        double other = Math.max(0, (j1[0] - j0[0]) * 1e7 - own), steal = (j1[1] - j0[1]) * 1e7;
        System.out.printf("BACKGROUND %s other_cpu_pct %.1f steal_pct %.1f wall_s %.2f%n", cs, 100 * other / w, 100 * steal / w, w / 1e9);
    }
}
