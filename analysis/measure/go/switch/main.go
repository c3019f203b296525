// switch: the user-level goroutine switch of the Go 1.19 runtime, with
// GOMAXPROCS=1, for gmpsim's models.gmp.gogo (`gmpsim calibrate`'s go
// family; analysis/calibrate/measure.sh builds and runs it).
//
// What the parameter stands for.  The gmp model charges models.gmp.gogo once
// per proc.go:execute, i.e. once per switch to a G (models/gmp/gmp_g.c:
// gmp_execute), and a runtime.Gosched in the model costs runqput + schedule +
// gogo (gmp_g.c: gosched → to_schedule, then execute).  The shipped default
// (100 ns) is the whole Gosched switch, so this program measures exactly
// that: one goroutine's runtime.Gosched up to the other goroutine running,
// which in the runtime is
//
//	proc.go:Gosched      checkTimeouts; mcall(gosched_m)       (asm_amd64.s: mcall)
//	proc.go:gosched_m    goschedImpl: casgstatus, dropg,
//	                     lock(&sched.lock); globrunqput; unlock
//	proc.go:schedule     findRunnable: checkTimers, the local runq, the
//	                     global runq (globrunqget under sched.lock)
//	proc.go:execute      casgstatus(_Grunnable → _Grunning)
//	asm_amd64.s:gogo     restore the G's registers and jump
//
// With 2 goroutines alternating on 1 P, every Gosched is one switch to the
// other goroutine: a round of the two loops is 2 switches, so the figure is
// the trial's time / (2 × rounds).  (models.gmp.schedule, 100 ns, is an
// estimate charged besides gogo in the model: see README "Default costs".)
//
// Method (GOMAXPROCS=1, 15 trials, each trial's mean per operation):
//
//	gosched   2 goroutines each call runtime.Gosched() 100,000 times.
//	self      1 goroutine calls Gosched 100,000 times and re-picks itself
//	          (the same path with nothing else runnable).
//	handoff   unbuffered channel ping-pong between 2 goroutines, 50,000
//	          round trips; per handoff = round trip / 2: a send that readies
//	          the parked receiver (goready: runnext, wakep), a receive that
//	          parks (gopark, park_m), a schedule and a gogo.
//	baseline  a cap-1 channel, one goroutine: ch <- x; <-ch (the same two
//	          channel operations without a park), per pair.
//	handoff - baseline = gopark + park_m + schedule + gogo + goready, per
//	          trial (the cost of a block-and-switch beyond its channel ops).
//
// Every timed loop is far below sysmon's 10 ms preemption limit per
// goroutine run; no goroutine blocks in the kernel.  Output: a line per
// case (median, p10/p90, min/max over the trials), SUMMARY lines, and the
// background line (internal/bench).
package main

import (
	"fmt"
	"runtime"
	"sync"

	"gmpsim/measure/go/internal/bench"
)

const trials = 15

// yielder calls Gosched n times.
func yielder(n int, wg *sync.WaitGroup) {
	for i := 0; i < n; i++ {
		runtime.Gosched()
	}
	wg.Done()
}

// gosched times g goroutines yielding n times each; ns per Gosched.
func gosched(g, n int) float64 {
	var wg sync.WaitGroup
	wg.Add(g)
	t0 := bench.Now()
	for i := 0; i < g; i++ {
		go yielder(n, &wg)
	}
	wg.Wait()
	return float64(bench.Now()-t0) / float64(g*n)
}

// handoff times n round trips of an unbuffered ping-pong; ns per handoff.
func handoff(n int) float64 {
	a, b := make(chan int), make(chan int)
	go func() {
		for v := range a {
			b <- v
		}
		close(b)
	}()
	t0 := bench.Now()
	for i := 0; i < n; i++ {
		a <- i
		<-b
	}
	dt := bench.Now() - t0
	close(a)
	<-b
	return float64(dt) / float64(2*n)
}

// baseline times n send+receive pairs on a cap-1 channel by one goroutine.
func baseline(n int) float64 {
	ch := make(chan int, 1)
	t0 := bench.Now()
	for i := 0; i < n; i++ {
		ch <- i
		<-ch
	}
	return float64(bench.Now()-t0) / float64(n)
}

func main() {
	runtime.GOMAXPROCS(1)
	fmt.Printf("switch: user-level goroutine switches, GOMAXPROCS=%d, %s\n", runtime.GOMAXPROCS(0), runtime.Version())
	gosched(2, 10000) // warm-up: g structs from the free list, code in cache
	handoff(10000)
	var g2, g1, ho, bl, net []float64
	for t := 0; t < trials; t++ {
		g2 = append(g2, gosched(2, 100000))
		g1 = append(g1, gosched(1, 100000))
		h, b := handoff(50000), baseline(50000)
		ho, bl, net = append(ho, h), append(bl, b), append(net, h-b)
	}
	s := bench.StatsOf(ho)
	bench.Print("chan ping-pong, per handoff", s)
	bench.Summary("go.switch.chan_handoff", s.Med, "ns", "unbuffered chan ping-pong, round trip/2, GOMAXPROCS=1")
	s = bench.StatsOf(bl)
	bench.Print("buffered chan send+recv, no park (baseline)", s)
	bench.Summary("go.chan.send_recv_nopark", s.Med, "ns", "ch<-x; <-ch on cap-1 chan, one goroutine")
	s = bench.StatsOf(net)
	bench.Print("handoff - baseline (park+schedule+gogo+ready)", s)
	bench.Summary("go.switch.only", s.Med, "ns", "per-trial handoff minus no-park baseline")
	s = bench.StatsOf(g2)
	bench.Print("Gosched, 2 goroutines, per switch", s)
	bench.Summary("go.switch.gosched", s.Med, "ns", "runtime.Gosched() alternation, 2 goroutines, GOMAXPROCS=1")
	s = bench.StatsOf(g1)
	bench.Print("Gosched, 1 goroutine (re-picks itself)", s)
	bench.Summary("go.gosched.self", s.Med, "ns", "Gosched with no other goroutine")
	bench.ReportBackground()
}
