/*
 * SelectorCosts.java - what a Java NIO event loop pays on this machine
 * (OpenJDK 17, sun.nio.ch.EPollSelectorImpl): the figures behind gmpsim's
 * models.eventloop.* defaults and the check of the seed article's
 * Selector.wakeup() figure (10-100 us, "25 us measured").
 *
 *   java -cp DIR SelectorCosts [MAX_SECONDS]
 *
 * What EPollSelectorImpl does (src.zip, java.base/sun/nio/ch): select() ->
 * doSelect: processUpdateQueue (epoll_ctl for changed interest sets), then
 * EPoll.wait (epoll_wait), then processEvents; if the eventfd fired,
 * clearInterrupt() takes interruptLock and drains it (EventFD.reset ->
 * IOUtil.drain, a read). wakeup(): under interruptLock, if
 * !interruptTriggered, EventFD.set (a write to the eventfd) and set
 * interruptTriggered. So a wakeup() costs the waker one system call; a
 * second wakeup() before the select returns costs only the lock.
 *
 * Measurements (each repeated, median / p10 / p90 reported):
 *   select_now       selectNow() with nothing ready: the Java side of a
 *                    select plus one epoll_wait that returns 0.
 *   wakeup_self      wakeup(); select() on one thread: eventfd write, an
 *                    epoll_wait that returns the eventfd, its drain.
 *   wakeup_call      the waker's time inside wakeup() when the loop
 *                    sleeps in select() (the eventfd write, plus waking it).
 *   wakeup_cross     one-way latency of a cross-thread wakeup between two
 *                    loops that ping-pong (each blocked in select() on its
 *                    own selector; A wakes B, B wakes A): round trip / 2.
 *   wakeup_idle      a loop idle for 2 ms (its core has gone idle) woken by
 *                    wakeup() from another thread: time from the call to
 *                    the loop's return from select().
 *   handoff          a loop hands an empty task to an idle
 *                    ExecutorService worker (Executors.newFixedThreadPool(1))
 *                    and sleeps in select(); the worker posts the completion
 *                    to the loop's queue and calls wakeup(); time from the
 *                    submit to the loop's poll of the completion.
 *   dispatch         per ready key: selectNow() with K pipes readable and
 *                    the selected keys iterated with a trivial handler,
 *                    minus selectNow() with none, / K (K = 64).
 * Ends with the background line of analysis/measure (others' CPU, steal).
 */
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

public class SelectorCosts {
    static long deadline;
    static volatile long sink;

    static boolean timeUp() { return System.nanoTime() > deadline; }

    static void report(String name, double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        if (n == 0) { System.out.printf("%-13s no samples (time cap)%n", name); return; }
        System.out.printf("%-13s median %9.0f ns   p10 %9.0f  p90 %9.0f  min %9.0f  max %10.0f  (n=%d)%n",
                name, s[(n - 1) / 2], s[(n - 1) / 10], s[(n - 1) * 9 / 10], s[0], s[n - 1], n);
        System.out.printf("SUMMARY %s %.0f ns%n", name, s[(n - 1) / 2]);
    }

    /* Median-of-batches for sub-microsecond operations: each sample is the mean over a batch. */
    static void selectNow(Selector sel) throws IOException {
        int batch = 1000, n = 0;
        double[] v = new double[200];
        for (int w = 0; w < 20; w++) for (int i = 0; i < batch; i++) sel.selectNow();
        while (n < v.length && !timeUp()) {
            long t = System.nanoTime();
            for (int i = 0; i < batch; i++) sel.selectNow();
            v[n++] = (double) (System.nanoTime() - t) / batch;
        }
        report("select_now", v, n);
    }

    static void wakeupSelf(Selector sel) throws IOException {
        int batch = 500, n = 0;
        double[] v = new double[200];
        for (int i = 0; i < 5000; i++) { sel.wakeup(); sel.select(); }
        while (n < v.length && !timeUp()) {
            long t = System.nanoTime();
            for (int i = 0; i < batch; i++) { sel.wakeup(); sel.select(); }
            v[n++] = (double) (System.nanoTime() - t) / batch;
        }
        report("wakeup_self", v, n);
    }

    /* Two loops ping-ponging wakeups; also the time inside each wakeup() call. */
    static volatile boolean stop;
    static void wakeupCross() throws Exception {
        final Selector a = Selector.open(), b = Selector.open();
        final int rounds = 20000;
        final double[] rt = new double[rounds], call = new double[rounds];
        final AtomicLong turn = new AtomicLong(); // 2i+1: B's turn; 2i+2: back to A
        Thread tb = new Thread(() -> {
            try {
                for (long i = 0; !stop; i++) {
                    while (turn.get() != 2 * i + 1 && !stop) b.select();
                    turn.set(2 * i + 2);
                    a.wakeup();
                }
            } catch (IOException e) { throw new RuntimeException(e); }
        });
        tb.start();
        int n = 0;
        for (long i = 0; i < rounds && !timeUp(); i++) {
            long t0 = System.nanoTime();
            turn.set(2 * i + 1);
            b.wakeup();
            long c1 = System.nanoTime();
            while (turn.get() != 2 * i + 2) a.select();
            long t1 = System.nanoTime();
            if (i >= 1000) { rt[n] = (t1 - t0) / 2.0; call[n] = c1 - t0; n++; }
        }
        stop = true;
        b.wakeup();
        tb.join();
        report("wakeup_call", call, n);
        report("wakeup_cross", rt, n);
        a.close();
        b.close();
    }

    /* A loop idle for 2 ms woken from another thread. */
    static void wakeupIdle() throws Exception {
        final Selector sel = Selector.open();
        final int rounds = 400;
        final AtomicLong back = new AtomicLong(-1), armed = new AtomicLong(-1);
        Thread loop = new Thread(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    armed.set(i);
                    sel.select();
                    back.set(System.nanoTime());
                }
            } catch (IOException e) { throw new RuntimeException(e); }
        });
        loop.start();
        double[] v = new double[rounds];
        int n = 0;
        for (int i = 0; i < rounds && !timeUp(); i++) {
            while (armed.get() != i) Thread.onSpinWait();
            Thread.sleep(2);
            back.set(-1);
            long t0 = System.nanoTime();
            sel.wakeup();
            long t1;
            while ((t1 = back.get()) < 0) Thread.onSpinWait();
            if (i >= 20) v[n++] = t1 - t0;
        }
        while (loop.isAlive()) { sel.wakeup(); loop.join(10); }
        report("wakeup_idle", v, n);
        sel.close();
    }

    /* submit to an idle worker, completion posted back with wakeup(). */
    static void handoff() throws Exception {
        final Selector sel = Selector.open();
        final ConcurrentLinkedQueue<Long> done = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(1);
        pool.submit(() -> {}).get();
        int rounds = 20000, n = 0;
        double[] v = new double[rounds];
        for (int i = 0; i < rounds && !timeUp(); i++) {
            final long id = i;
            long t0 = System.nanoTime();
            pool.execute(() -> { done.add(id); sel.wakeup(); });
            Long got;
            while ((got = done.poll()) == null) sel.select();
            long t1 = System.nanoTime();
            if (i >= 1000) v[n++] = t1 - t0;
            if (i % 64 == 0) Thread.sleep(0, 50_000); // let the worker park again sometimes
        }
        pool.shutdown();
        report("handoff", v, n);
        sel.close();
    }

    /* Per ready key: K readable pipes selected and dispatched, minus an empty selectNow. */
    static void dispatch() throws IOException {
        final int k = 64;
        Selector sel = Selector.open();
        List<Pipe> pipes = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Pipe p = Pipe.open();
            p.source().configureBlocking(false);
            p.source().register(sel, SelectionKey.OP_READ, i);
            p.sink().write(ByteBuffer.wrap(new byte[] { 1 }));  // stays readable: never drained
            pipes.add(p);
        }
        Selector empty = Selector.open();
        int batch = 200, n = 0;
        double[] v = new double[200];
        for (int w = 0; w < 50; w++) for (int i = 0; i < batch; i++) selectAll(sel);
        while (n < v.length && !timeUp()) {
            long t = System.nanoTime();
            for (int i = 0; i < batch; i++) selectAll(sel);
            long full = System.nanoTime() - t;
            t = System.nanoTime();
            for (int i = 0; i < batch; i++) empty.selectNow();
            long none = System.nanoTime() - t;
            v[n++] = (double) (full - none) / batch / k;
        }
        report("dispatch", v, n);
        for (Pipe p : pipes) { p.source().close(); p.sink().close(); }
        sel.close();
        empty.close();
    }

    static void selectAll(Selector sel) throws IOException {
        sel.selectNow();
        Iterator<SelectionKey> it = sel.selectedKeys().iterator();
        long s = 0;
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (key.isReadable()) s += (Integer) key.attachment();
        }
        sink += s;
    }

    static long[] cpuJiffies() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                + Long.parseLong(f[6]) + Long.parseLong(f[7]);
        return new long[] { busy, Long.parseLong(f[8]) };
    }

    public static void main(String[] args) throws Exception {
        double cap = args.length > 0 ? Double.parseDouble(args[0]) : 12;
        long[] j0 = cpuJiffies();
        long w0 = System.nanoTime();
        long own0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        deadline = w0 + (long) (cap * 1e9);
        System.out.println("java " + System.getProperty("java.vm.version") + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
        Selector sel = Selector.open();
        selectNow(sel);
        wakeupSelf(sel);
        sel.close();
        wakeupCross();
        wakeupIdle();
        handoff();
        dispatch();
        long[] j1 = cpuJiffies();
        double wall = System.nanoTime() - w0;
        double own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() - own0;
        double busy = (j1[0] - j0[0]) * 1e7, steal = (j1[1] - j0[1]) * 1e7;
        System.out.printf("background: other processes %.1f%% of a CPU, steal %.1f%% (over %.1f s)%n",
                100 * Math.max(0, busy - own) / wall, 100 * steal / wall, wall / 1e9);
    }
}
