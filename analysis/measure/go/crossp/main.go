// crossp: unbuffered-channel ping-pong with GOMAXPROCS=2, where the second P
// and its M take part: ready() calls wakep(), idle Ms spin looking for work
// or sleep on a futex and are woken, and a spinning M may steal the readied
// goroutine from the other P's runnext (after the 3 us usleep in runqgrab).
//
// Method: 15 trials; per trial N round trips (a <- i; <-b against an echo
// goroutine), one value per trial = trial time / N.  For each variant it also
// reports, per round trip, the process's CPU time (both Ps, all Ms: shows
// spinning), voluntary context switches per 1000 round trips (getrusage over
// all threads: futex sleeps of Ms), and
// how often the two goroutines were seen on different OS threads (gettid
// sampled every 64th round trip; the sample's own cost is included).
//
//	plain    both goroutines unlocked (the normal case).
//	locked   each goroutine LockOSThread'ed: every handoff must wake the
//	         other goroutine's own M (startlockedm / futex), the kernel path
//	         a 1:1 thread model takes, plus the runtime's bookkeeping.
//	plain, GOMAXPROCS=1: the plain variant at GOMAXPROCS=1 for comparison.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"

	"gmpsim/measure/go/internal/bench"
)

const trials = 15

type result struct{ rt, cpu, vcs, diff float64 }

func run(n int, lock bool) result {
	a, b := make(chan int), make(chan int)
	var echoTid int64
	go func() {
		if lock {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		for v := range a {
			if v&63 == 0 {
				atomic.StoreInt64(&echoTid, int64(syscall.Gettid()))
			}
			b <- v
		}
	}()
	if lock {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	for i := 1; i < 1000; i++ { // warm-up
		a <- i
		<-b
	}
	diff, samples := 0, 0
	r0 := bench.Self()
	t0 := bench.Now()
	for i := 0; i < n; i++ {
		a <- i
		<-b
		if i&63 == 0 {
			if int64(syscall.Gettid()) != atomic.LoadInt64(&echoTid) {
				diff++
			}
			samples++
		}
	}
	dt := bench.Now() - t0
	r1 := bench.Self()
	close(a)
	return result{
		rt:   float64(dt) / float64(n),
		cpu:  float64(r1.CPU-r0.CPU) / float64(n),
		vcs:  1000 * float64(r1.Nvcsw-r0.Nvcsw) / float64(n),
		diff: float64(diff) / float64(samples),
	}
}

func variant(name, key string, procs, n int, lock bool) {
	runtime.GOMAXPROCS(procs)
	run(n/10, lock)
	var rt, cpu, vcs, diff []float64
	for t := 0; t < trials; t++ {
		r := run(n, lock)
		rt, cpu, vcs, diff = append(rt, r.rt), append(cpu, r.cpu), append(vcs, r.vcs), append(diff, r.diff)
	}
	s := bench.StatsOf(rt)
	bench.Print(name+": round trip", s)
	bench.Summary(key, s.Med, "ns", fmt.Sprintf("unbuffered chan round trip, GOMAXPROCS=%d, lock=%v", procs, lock))
	bench.Print(name+": process CPU per round trip", bench.StatsOf(cpu))
	bench.PrintUnit(name+": vol. ctx switches per 1000 RT", "  ", bench.StatsOf(vcs))
	bench.PrintUnit(name+": share of samples on different Ms", "  ", bench.StatsOf(diff))
}

func main() {
	fmt.Printf("crossp: channel ping-pong across Ps, %s, nproc %d\n", runtime.Version(), runtime.NumCPU())
	variant("plain, GOMAXPROCS=2", "go.chan_rt.p2", 2, 50000, false)
	variant("locked threads, GOMAXPROCS=2", "go.chan_rt.p2_locked", 2, 5000, true)
	variant("plain, GOMAXPROCS=1", "go.chan_rt.p1", 1, 50000, false)
	bench.ReportBackground()
}
