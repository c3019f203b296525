// preempt: how often Go 1.19 switches between CPU-bound goroutines that never
// make a call (so only asynchronous preemption -- sysmon's retake, which
// marks a G that has run for >= 10 ms (forcePreemptNS) and sends its M a
// SIGURG -- can take the P away), and what GODEBUG=schedtrace prints.
//
// Method: GOMAXPROCS=P (flag -procs, default 1), K spinning goroutines
// (flag -spinners, default 2).  Each spins in a loop of atomic loads/stores
// with no function call; when it finds that the last goroutine to run was
// another one, it records a switch-in timestamp (the only call in the loop,
// made once per switch).  The main goroutine sleeps for -dur (default 2 s)
// and then sets the stop flag; with every P busy it runs only when the
// scheduler next checks timers, i.e. at the next preemption.  Reported:
// time slices (interval between consecutive switch-ins; with P=1 this is
// the running goroutine's slice plus one preemption/switch), switches per
// second, and the spin-loop iteration rate.  The first slice is skipped.
// Run with GODEBUG=schedtrace=1000 to get the runtime's trace lines.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gmpsim/measure/go/internal/bench"
)

var (
	stop  int32
	cur   int32 = -1
	nrec  int32
	stamp [20000]int64
	who   [20000]int32
	iters [64]struct {
		n int64
		_ [56]byte
	}
)

//go:noinline
func record(id int32) {
	i := atomic.AddInt32(&nrec, 1) - 1
	if int(i) < len(stamp) {
		stamp[i] = bench.Now()
		who[i] = id
	}
}

func spin(id int32, wg *sync.WaitGroup) {
	defer wg.Done()
	c := &iters[id].n
	for atomic.LoadInt32(&stop) == 0 {
		if atomic.LoadInt32(&cur) != id {
			atomic.StoreInt32(&cur, id)
			record(id)
		}
		*c++
	}
}

func main() {
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	k := flag.Int("spinners", 2, "number of CPU-bound goroutines")
	dur := flag.Duration("dur", 2*time.Second, "run time")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	fmt.Printf("preempt: %d call-free CPU-bound goroutines, GOMAXPROCS=%d, %v, %s\n", *k, *procs, *dur, runtime.Version())
	var wg sync.WaitGroup
	wg.Add(*k)
	r0 := bench.Self()
	t0 := bench.Now()
	for i := 0; i < *k; i++ {
		go spin(int32(i), &wg)
	}
	time.Sleep(*dur)
	tWake := bench.Now()
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	t1 := bench.Now()
	r1 := bench.Self()
	n := int(atomic.LoadInt32(&nrec))
	if n > len(stamp) {
		n = len(stamp)
	}
	var slices []float64
	for i := 2; i < n; i++ { // skip the start-up switch-ins
		slices = append(slices, float64(stamp[i]-stamp[i-1]))
	}
	var total int64
	for i := 0; i < *k; i++ {
		total += iters[i].n
	}
	el := float64(t1 - t0)
	fmt.Printf("  switch-ins recorded: %d in %.3f s = %.1f switches/s (main's %v sleep ended %.2f ms late)\n",
		n, el/1e9, float64(n)/(el/1e9), *dur, float64(tWake-t0-int64(*dur))/1e6)
	s := bench.StatsOf(slices)
	bench.PrintUnit("time between switch-ins", "ms", bench.Stats{N: s.N, Min: s.Min / 1e6, P10: s.P10 / 1e6, Med: s.Med / 1e6, P90: s.P90 / 1e6, Max: s.Max / 1e6})
	fmt.Printf("  spin-loop iterations: %.1f M/s in total; process CPU %.2f s over %.2f s wall\n",
		float64(total)/(el/1e3), float64(r1.CPU-r0.CPU)/1e9, el/1e9)
	if *procs == 1 && *k == 2 {
		bench.Summary("go.preempt.slice", s.Med, "ns", "median time between async-preemption switches, 2 spinners, GOMAXPROCS=1")
		bench.Summary("go.preempt.rate", float64(n)/(el/1e9), "1/s", "switches per second")
	}
	bench.ReportBackground()
}
