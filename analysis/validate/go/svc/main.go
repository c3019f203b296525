// svc (cases e(i) and f): an open-loop service with an in-process load
// generator, goroutine per request (GOMAXPROCS from -procs, 0 = default).
//
// Generator: the main goroutine. Request i has a scheduled time sched[i]
// (constant gaps 1/rate, or exponential gaps from a rand.Source seeded with
// -seed for -arrival poisson). The generator sleeps (time.Sleep) until the
// next scheduled time and, on waking, starts every request whose time has
// come (`go handle(i)`), so a late wake-up issues a small batch rather than
// shifting the schedule (no coordinated omission). Its own lateness,
// issue - sched, is reported (gen_late_*): time.Sleep under 1 ms rounds up
// to ~1 ms when the M blocks in netpoll (epoll's millisecond timeout).
//
// Request: CPU work -cpu1 (vb.Work: a calibrated call-free loop, a fixed
// amount of work), block -blockdur, CPU work -cpu2. Block kinds:
//
//	syscall  nanosleep through syscall.Syscall (entersyscall/exitsyscall;
//	         the M blocks, sysmon may retake the P)
//	sleep    time.Sleep (the G parks on the P's timer heap; "net" variant)
//	udp      read from a loopback UDP socket with a deadline of -blockdur
//	         (the G parks in the netpoller; the deadline timer wakes it);
//	         sockets come from a pool, so the socket set-up is not timed
//
// Timeline: requests are scheduled over -warm + -dur; the measured window
// is [warm, warm+dur). After the schedule ends the program waits up to
// -drain for requests in flight.
//
// Metrics (RESULT lines): throughput = completions inside the window / dur;
// lat_* = completion - scheduled time of the requests scheduled inside the
// window that also completed inside it (gmpsim's definition: requests that
// arrived after the warm-up and completed before the end), lat_samples their
// number (no lat_* lines when it is 0); svc_* the same from the actual issue
// time; threads_peak_proc (Threads in
// /proc/self/status sampled every -sample), threads_created (pprof
// threadcreate), cpu_cores (process user+sys CPU in the window / dur),
// inflight_end (issued - completed at the window's end), unfinished
// (requests scheduled in the window not completed after the drain),
// not_started (scheduled but never issued: the generator ran out of time),
// gen_late_* over every issued request (warm-up included, so that a
// generator that never reached the window still reports), issued_per_s
// (requests issued / time of the last issue: the generator's achieved rate).
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"net"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"gmpsim/validate/internal/vb"
)

var (
	cpu1, cpu2, blockDur time.Duration
	blockKind            string
	t0                   int64
	done                 []int64
	completed            int64
	udpPool              chan *net.UDPConn
)

func block() {
	switch blockKind {
	case "syscall":
		ts := syscall.NsecToTimespec(int64(blockDur))
		syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
	case "sleep":
		time.Sleep(blockDur)
	case "udp":
		var c *net.UDPConn
		select {
		case c = <-udpPool:
		default:
			c = newUDP()
		}
		var buf [16]byte
		c.SetReadDeadline(time.Now().Add(blockDur))
		c.ReadFromUDP(buf[:])
		select {
		case udpPool <- c:
		default:
			c.Close()
		}
	case "none":
	}
}

func newUDP() *net.UDPConn {
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		panic(err)
	}
	return c
}

func handle(i int) {
	vb.Work(cpu1)
	block()
	vb.Work(cpu2)
	atomic.StoreInt64(&done[i], vb.Now()-t0)
	atomic.AddInt64(&completed, 1)
}

func main() {
	cs := flag.String("case", "svc", "case name")
	procs := flag.Int("procs", 0, "GOMAXPROCS (0 = default)")
	rate := flag.Float64("rate", 10000, "requests per second")
	arrival := flag.String("arrival", "const", "const | poisson")
	warm := flag.Duration("warm", 2*time.Second, "warm-up")
	dur := flag.Duration("dur", 8*time.Second, "measured window")
	drain := flag.Duration("drain", time.Second, "max wait for requests in flight after the schedule")
	flag.DurationVar(&cpu1, "cpu1", 50*time.Microsecond, "CPU spin before the block")
	flag.DurationVar(&cpu2, "cpu2", 50*time.Microsecond, "CPU spin after the block")
	flag.DurationVar(&blockDur, "blockdur", 100*time.Millisecond, "block length")
	flag.StringVar(&blockKind, "block", "sleep", "syscall | sleep | udp | none")
	seed := flag.Int64("seed", 1, "RNG seed for poisson gaps")
	sample := flag.Duration("sample", 5*time.Millisecond, "thread sampling period")
	flag.Parse()
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	}
	nsPerIter := vb.Calibrate()
	if blockKind == "udp" {
		udpPool = make(chan *net.UDPConn, 1024)
		for i := 0; i < 64; i++ {
			udpPool <- newUDP()
		}
	}

	// schedule
	total := int64(*warm + *dur)
	var sched []int64
	rng := rand.New(rand.NewSource(*seed))
	gap := 1e9 / *rate
	for t := 0.0; ; {
		if *arrival == "poisson" {
			t += rng.ExpFloat64() * gap
		} else {
			t += gap
		}
		if int64(t) >= total {
			break
		}
		sched = append(sched, int64(t))
	}
	n := len(sched)
	done = make([]int64, n)
	issued := make([]int64, n)

	s := vb.StartSampler(*sample)
	w0, w1 := int64(*warm), total
	var cpuW0, cpuW1, inflightEnd int64
	markerDone := make(chan struct{})
	t0 = vb.Now() + int64(20*time.Millisecond)
	var nIssued int64
	go func() { // window markers
		time.Sleep(time.Duration(t0 + w0 - vb.Now()))
		cpuW0 = vb.CPU()
		time.Sleep(time.Duration(t0 + w1 - vb.Now()))
		cpuW1 = vb.CPU()
		inflightEnd = atomic.LoadInt64(&nIssued) - atomic.LoadInt64(&completed)
		close(markerDone)
	}()

	stopIssue := w1 + int64(*drain)
	i := 0
	for i < n {
		now := vb.Now() - t0
		if now > stopIssue {
			break
		}
		// (the inner loop re-reads no clock: a batch is issued at one time)
		for i < n && sched[i] <= now && now <= stopIssue {
			issued[i] = now
			atomic.AddInt64(&nIssued, 1)
			go handle(i)
			i++
		}
		if i < n {
			if d := sched[i] - (vb.Now() - t0); d > 0 {
				time.Sleep(time.Duration(d))
			}
		}
	}
	notStarted := n - i
	<-markerDone
	deadline := t0 + w1 + int64(*drain)
	for atomic.LoadInt64(&completed) < int64(i) && vb.Now() < deadline {
		time.Sleep(5 * time.Millisecond)
	}
	peak, samples := s.Stop()

	var lat, svc, gl []float64
	var inWin, unfinished, compInWin int
	for j := 0; j < n; j++ {
		d := atomic.LoadInt64(&done[j])
		if d > 0 && d >= w0 && d < w1 {
			compInWin++
		}
		if j < i {
			gl = append(gl, float64(issued[j]-sched[j])/1e3)
		}
		if sched[j] < w0 || sched[j] >= w1 {
			continue
		}
		inWin++
		if d == 0 {
			unfinished++
		} else if d < w1 {
			lat = append(lat, float64(d-sched[j])/1e6)
			svc = append(svc, float64(d-issued[j])/1e6)
		}
	}
	L, S, G := vb.Sorted(lat), vb.Sorted(svc), vb.Sorted(gl)
	secs := dur.Seconds()
	fmt.Printf("# svc: %s %.0f/s, %v + %s %v + %v, warm %v dur %v, GOMAXPROCS=%d, %s; %d scheduled in window, %d thread samples, work loop %.3f ns/iter\n",
		*arrival, *rate, cpu1, blockKind, blockDur, cpu2, *warm, *dur, runtime.GOMAXPROCS(0), runtime.Version(), inWin, samples, nsPerIter)
	r := func(m string, v float64, u string) { vb.Result(*cs, m, v, u) }
	r("offered", float64(inWin)/secs, "1/s")
	r("throughput", float64(compInWin)/secs, "1/s")
	r("lat_samples", float64(len(L)), "count")
	if len(L) > 0 { // none when nothing scheduled in the window finished inside it
		r("lat_p50", vb.Quantile(L, 0.5), "ms")
		r("lat_p99", vb.Quantile(L, 0.99), "ms")
		r("lat_p999", vb.Quantile(L, 0.999), "ms")
		r("lat_max", vb.Quantile(L, 1), "ms")
		r("svc_p50", vb.Quantile(S, 0.5), "ms")
		r("svc_p99", vb.Quantile(S, 0.99), "ms")
	}
	r("threads_peak_proc", float64(peak), "threads")
	r("threads_created", float64(vb.ThreadsCreated()), "threads")
	r("cpu_cores", float64(cpuW1-cpuW0)/float64(w1-w0), "cores")
	r("inflight_end", float64(inflightEnd), "requests")
	r("unfinished", float64(unfinished), "requests")
	r("not_started", float64(notStarted), "requests")
	r("gen_late_p50", vb.Quantile(G, 0.5), "us")
	r("gen_late_p99", vb.Quantile(G, 0.99), "us")
	r("gen_late_max", vb.Quantile(G, 1), "us")
	lastIssue := int64(1)
	if i > 0 {
		lastIssue = issued[i-1]
	}
	r("issued_per_s", float64(i)/(float64(lastIssue)/1e9), "1/s")
	vb.Background(*cs)
}
