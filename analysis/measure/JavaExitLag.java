/*
 * JavaExitLag.java - how long does a Java thread stay alive after its
 * request is done, in a thread-per-request server? (The validation's
 * Svc.java at 10,000/s on 2 cores peaks at ~550 threads while ~330
 * requests are in flight.) In JDK 17 a thread leaves ThreadMXBean's count
 * early in JavaThread::exit (ThreadService::current_thread_exiting), and
 * /proc's count only after Threads::remove (Threads_lock, which
 * JVM_StartThread holds across the start handshake's wait) and the kernel
 * exit; so the two counts, less the requests in flight, say how many
 * threads are past their request and where they wait.
 *
 *   java -Xss1m -XX:+UseG1GC -cp DIR JavaExitLag RATE SLEEP_MS SECONDS [SPINNERS]
 *
 * One generator thread starts RATE requests/s (constant gaps, parkNanos
 * when ahead; when behind it starts back to back), each a new Thread:
 * 50 us of CPU, Thread.sleep(SLEEP_MS), 50 us of CPU, then it counts
 * itself done and returns. A sampler reads every 2 ms, after a 1 s
 * warm-up: requests in flight (started - done), ThreadMXBean's thread
 * count and /proc/self/status Threads. Output: their means less the
 * counts before the first request (the baseline: main, sampler, spinners,
 * the JVM's own), the threads past their request by each count and, by
 * Little's law, the mean time a thread spends between the end of its
 * request and leaving each count; the achieved start rate, the
 * generator's CPU per start and start()'s mean wall time; a background
 * line (others' CPU).
 */
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public class JavaExitLag {
    static final ThreadMXBean TMX = ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    static final AtomicLong started = new AtomicLong(), done = new AtomicLong();
    static volatile boolean stop;

    static void spin(long ns) {
        long end = System.nanoTime() + ns;
        while (System.nanoTime() < end) { }
    }

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

    public static void main(String[] a) throws Exception {
        double rate = Double.parseDouble(a[0]);
        long sleepMs = Long.parseLong(a[1]);
        double secs = Double.parseDouble(a[2]);
        int spinners = a.length > 3 ? Integer.parseInt(a[3]) : 0;
        long busy0 = machineBusyJiffies(), own0 = OS.getProcessCpuTime(), w0 = System.nanoTime();
        for (int i = 0; i < 2000; i++) spin(1000); /* JIT the work loop */
        for (int i = 0; i < spinners; i++) {
            Thread t = new Thread(() -> { while (!stop) spin(1_000_000); });
            t.setDaemon(true);
            t.start();
        }
        final double[] sums = new double[4]; /* inflight, jmx, proc, samples */
        final long warm = 1_000_000_000L, t0 = System.nanoTime();
        Thread sampler = new Thread(() -> {
            while (!stop) {
                if (System.nanoTime() - t0 >= warm) {
                    long in = started.get() - done.get();
                    int jmx = TMX.getThreadCount(), proc = procThreads();
                    sums[0] += in; sums[1] += jmx; sums[2] += proc; sums[3]++;
                }
                LockSupport.parkNanos(2_000_000L);
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        Thread.sleep(50);
        int jmx0 = TMX.getThreadCount(), proc0 = procThreads();
        Runnable req = () -> {
            spin(50_000);
            try { Thread.sleep(sleepMs); } catch (InterruptedException e) { return; }
            spin(50_000);
            done.incrementAndGet();
        };
        long gap = (long) (1e9 / rate), end = (long) (secs * 1e9), next = 0, startWall = 0, nWarm = 0;
        long cpu0 = 0, wallWarm = 0;
        final long tg = System.nanoTime();
        for (long k = 0; ; k++) {
            long now = System.nanoTime() - tg;
            if (now >= end) break;
            if (next > now) { LockSupport.parkNanos(next - now); continue; }
            if (nWarm == 0 && now >= warm) { nWarm = k; cpu0 = TMX.getCurrentThreadCpuTime(); wallWarm = now; startWall = 0; }
            Thread t = new Thread(req);
            long s0 = System.nanoTime();
            t.start();
            startWall += System.nanoTime() - s0;
            started.incrementAndGet();
            next += gap;
        }
        long n = started.get() - nWarm;
        double genCpu = (TMX.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
        double achieved = n / ((System.nanoTime() - tg - wallWarm) / 1e9);
        stop = true;
        double m = sums[3], in = sums[0] / m, jx = sums[1] / m - jmx0, pr = sums[2] / m - proc0;
        System.out.printf("RESULT exitlag rate %.0f 1/s (achieved starts %.0f/s, sleep %d ms, %d spinners)%n", rate, achieved, sleepMs, spinners);
        System.out.printf("RESULT exitlag inflight_mean %.1f requests%n", in);
        System.out.printf("RESULT exitlag jmx_extra_mean %.1f threads (ThreadMXBean count - baseline)%n", jx);
        System.out.printf("RESULT exitlag proc_extra_mean %.1f threads (/proc Threads - baseline)%n", pr);
        System.out.printf("RESULT exitlag past_request_jmx %.1f threads, lag %.2f ms (until ThreadService::current_thread_exiting)%n", jx - in, (jx - in) / achieved * 1e3);
        System.out.printf("RESULT exitlag past_request_proc %.1f threads, lag %.2f ms (until the kernel thread is gone)%n", pr - in, (pr - in) / achieved * 1e3);
        System.out.printf("RESULT exitlag gen_cpu_per_start %.1f us, start_wall_mean %.1f us%n", genCpu, startWall / 1e3 / n);
        double wall = (System.nanoTime() - w0) / 1e9;
        double others = (machineBusyJiffies() - busy0) / 100.0 - (OS.getProcessCpuTime() - own0) / 1e9;
        System.out.printf("background: others used %.1f%% of one CPU over %.1f s; this process %.2f cores%n",
            100 * Math.max(0, others) / wall, wall, (OS.getProcessCpuTime() - own0) / 1e9 / wall);
        Runtime.getRuntime().halt(0);
    }
}
