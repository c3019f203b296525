// GcBench: T platform threads, most parked (blocked on a lock/queue), 1 allocator
// thread producing garbage at a steady rate, K busy (non-allocating spin) threads,
// and a retained ring of R MiB of the most recently allocated objects (= survivors per young GC).
import java.util.concurrent.*;
import java.util.concurrent.locks.*;

public class GcBench {
    static volatile boolean stop = false;
    static volatile long spinSink;

    static int depth(Object lock, int d) throws InterruptedException {
        long a = d, b = d * 2; // shallow frames
        if (d > 0) return depth(lock, d - 1) + (int) (a + b);
        synchronized (lock) { while (!stop) lock.wait(); }
        return 0;
    }

    public static void main(String[] args) throws Exception {
        int T = Integer.parseInt(args[0]);          // blocked threads
        int K = Integer.parseInt(args[1]);          // busy spin threads
        int retainMiB = Integer.parseInt(args[2]);  // survivors per young GC (ring size)
        double secs = Double.parseDouble(args[3]);
        double rateMBs = Double.parseDouble(args[4]);

        final Object lock = new Object();
        Thread[] ts = new Thread[T];
        for (int i = 0; i < T; i++) {
            ts[i] = new Thread(() -> { try { depth(lock, 3); } catch (InterruptedException e) {} });
            ts[i].setDaemon(true);
            ts[i].start();
        }
        for (int i = 0; i < K; i++) {
            Thread t = new Thread(() -> {
                long x = 1;
                while (!stop) {               // pure compute, no allocation
                    for (int j = 0; j < 1_000_000; j++) x = x * 6364136223846793005L + 1442695040888963407L;
                    spinSink = x;
                }
            });
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(500);
        System.gc();
        System.err.println("MEASURE START T=" + T + " K=" + K + " R=" + retainMiB);
        System.out.println("MEASURE START " + System.nanoTime());

        final int objBytes = 1024;
        int ringN = Math.max(1, retainMiB * 1024 * 1024 / (objBytes + 16));
        byte[][] ring = new byte[retainMiB > 0 ? ringN : 1][];
        long t0 = System.nanoTime();
        long allocated = 0;
        int idx = 0;
        byte[] sink = null;
        while (true) {
            for (int j = 0; j < 1024; j++) {
                sink = new byte[objBytes];
                if (retainMiB > 0) { ring[idx] = sink; if (++idx == ringN) idx = 0; }
            }
            allocated += 1024L * (objBytes + 16);
            double el = (System.nanoTime() - t0) / 1e9;
            if (el >= secs) break;
            double ahead = allocated / (rateMBs * 1e6) - el;
            if (ahead > 0.0005) Thread.sleep((long) (ahead * 1000));
        }
        double el = (System.nanoTime() - t0) / 1e9;
        System.out.printf("MEASURE END wall=%.3f allocMB=%.1f rateMBs=%.1f%n", el, allocated / 1e6, allocated / 1e6 / el);
        if (sink.length == 0) System.out.println(ring.length);
        stop = true;
        System.exit(0);
    }
}
