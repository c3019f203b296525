// newproc: the cost of a `go f()` statement, and of a goroutine's whole life
// (create + run + exit), in the Go 1.19 runtime with GOMAXPROCS=1.
//
// Method (GOMAXPROCS=1 throughout, so a new goroutine cannot run until the
// creator blocks; the creator never yields inside a timed loop, and every
// timed loop is far below sysmon's 10 ms preemption limit):
//
//	warm.b200   The creator does wg.Add(200), then 200 `go f(&wg)` in a
//	            loop (timed: creator's cost per go statement), then
//	            wg.Wait() (timed: run + exit per goroutine, i.e. schedule,
//	            gogo, f, goexit0/gfput, plus one wake of the creator per
//	            batch).  200 goroutines fit in runnext + the P's local run
//	            queue (256), and after the warm-up every g comes from the P's
//	            free list (gfget), stack included.  250 batches per trial,
//	            15 trials; one value per trial = trial time / goroutines.
//	warm.b10000 The same with 10,000 per batch: every 128 puts the local
//	            queue overflows and runqputslow moves half of it to the
//	            global queue under sched.lock; batches of 10,000 also drain
//	            the P's free list into the global free list and back.
//	warm.b1000  The same with 1,000 per batch: overflow, but a working set
//	            (~2.5 MB of g structs and stack tops) that fits in cache.
//	cold        8 batches of 4,000 goroutines that block forever on a channel
//	            after running, so every `go` has to allocate a new g (malg:
//	            g struct on the heap + 2 KiB stack from the stack pool).
//	            The creator's time per go statement.  GC cycles that happen
//	            meanwhile are counted and included.
//	seq         One at a time: `go f(); <-done`, so each goroutine costs a
//	            create, a switch to it, its exit, and a switch back.
//
// Per-operation values are trial means, ns.  Output: median, p10/p90,
// min/max over trials, SUMMARY lines, background load.
package main

import (
	"fmt"
	"runtime"
	"sync"

	"gmpsim/measure/go/internal/bench"
)

func f(wg *sync.WaitGroup) { wg.Done() }

func blockForever(wg *sync.WaitGroup, ch chan struct{}) {
	wg.Done()
	<-ch
}

func ping(done chan struct{}) { done <- struct{}{} }

// batches runs `nb` batches of `b` goroutines; returns creator ns/go and
// run+exit ns/goroutine for the whole trial.
func batches(nb, b int) (create, runexit float64) {
	var wg sync.WaitGroup
	var tc, tw int64
	for k := 0; k < nb; k++ {
		wg.Add(b)
		t0 := bench.Now()
		for i := 0; i < b; i++ {
			go f(&wg)
		}
		t1 := bench.Now()
		wg.Wait()
		t2 := bench.Now()
		tc += t1 - t0
		tw += t2 - t1
	}
	n := float64(nb * b)
	return float64(tc) / n, float64(tw) / n
}

func main() {
	runtime.GOMAXPROCS(1)
	const trials = 15
	fmt.Printf("newproc: go statement and goroutine life, GOMAXPROCS=%d, %s\n", runtime.GOMAXPROCS(0), runtime.Version())
	batches(50, 200) // warm-up: fills the P's free g list
	batches(2, 10000)

	var cw, rw, tw []float64
	for t := 0; t < trials; t++ {
		c, r := batches(250, 200)
		cw, rw, tw = append(cw, c), append(rw, r), append(tw, c+r)
	}
	var cm, rm []float64
	for t := 0; t < trials; t++ {
		c, r := batches(30, 1000)
		cm, rm = append(cm, c), append(rm, r)
	}
	var cb, rb []float64
	for t := 0; t < trials; t++ {
		c, r := batches(3, 10000)
		cb, rb = append(cb, c), append(rb, r)
	}

	// cold: goroutines never exit, so every go statement allocates a new g.
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	forever := make(chan struct{})
	var cc []float64
	for t := 0; t < 8; t++ {
		var wg sync.WaitGroup
		const b = 4000
		wg.Add(b)
		t0 := bench.Now()
		for i := 0; i < b; i++ {
			go blockForever(&wg, forever)
		}
		t1 := bench.Now()
		wg.Wait()
		cc = append(cc, float64(t1-t0)/b)
	}
	runtime.ReadMemStats(&ms1)
	close(forever)

	// seq: one goroutine at a time.
	var sq []float64
	done := make(chan struct{})
	for t := 0; t < trials; t++ {
		const n = 20000
		t0 := bench.Now()
		for i := 0; i < n; i++ {
			go ping(done)
			<-done
		}
		sq = append(sq, float64(bench.Now()-t0)/n)
	}

	s := bench.StatsOf(cw)
	bench.Print("go stmt, creator side, warm, batch 200", s)
	bench.Summary("go.newproc.warm", s.Med, "ns", "creator's time per `go f()`, g reused, local runq (batch 200)")
	s = bench.StatsOf(rw)
	bench.Print("run+exit per goroutine, batch 200", s)
	bench.Summary("go.runexit.warm", s.Med, "ns", "wg.Wait()/200: schedule+gogo+f+goexit0 per goroutine")
	s = bench.StatsOf(tw)
	bench.Print("create+run+exit per goroutine, batch 200", s)
	bench.Summary("go.goroutine.total", s.Med, "ns", "create+run+exit per goroutine (batch 200)")
	s = bench.StatsOf(cm)
	bench.Print("go stmt, creator side, warm, batch 1000", s)
	bench.Summary("go.newproc.b1000", s.Med, "ns", "as warm, with local-runq overflow to the global queue")
	s = bench.StatsOf(rm)
	bench.Print("run+exit per goroutine, batch 1000", s)
	s = bench.StatsOf(cb)
	bench.Print("go stmt, creator side, warm, batch 10000", s)
	bench.Summary("go.newproc.b10000", s.Med, "ns", "as b1000, 10,000 gs (25 MB) no longer fit in cache")
	s = bench.StatsOf(rb)
	bench.Print("run+exit per goroutine, batch 10000", s)
	s = bench.StatsOf(cc)
	bench.Print("go stmt, creator side, cold (new g+stack)", s)
	fmt.Printf("    cold: %d GC cycles during the 32,000 cold creates (included)\n", ms1.NumGC-ms0.NumGC)
	bench.Summary("go.newproc.cold", s.Med, "ns", "creator's time per `go f()` allocating a new g + 2 KiB stack")
	s = bench.StatsOf(sq)
	bench.Print("seq: go f(); <-done, per goroutine", s)
	bench.Summary("go.goroutine.seq", s.Med, "ns", "create, switch in, exit, switch back; one at a time")
	bench.ReportBackground()
}
