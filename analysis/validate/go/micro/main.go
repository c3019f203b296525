// micro (case d): goroutine spawn and channel hand-off costs at the
// GOMAXPROCS given by -procs (adapted from analysis/measure/go/newproc and
// crossp). Each value is the median over -trials trials of a trial mean.
//
//	spawn_seq      `go ping(done); <-done` one at a time: create + switch to
//	               the new G + its exit + switch back, per goroutine
//	spawn_batch    wg.Add(200); 200 x `go f(&wg)`; wg.Wait(): create + run +
//	               exit per goroutine in batches that fit the local run queue
//	chan_handoff   unbuffered channel ping-pong against an echo goroutine:
//	               round trip / 2
//	chan_rt        the round trip itself
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sync"

	"gmpsim/validate/internal/vb"
)

func f(wg *sync.WaitGroup)    { wg.Done() }
func ping(done chan struct{}) { done <- struct{}{} }

func seq(n int) float64 {
	done := make(chan struct{})
	t0 := vb.Now()
	for i := 0; i < n; i++ {
		go ping(done)
		<-done
	}
	return float64(vb.Now()-t0) / float64(n)
}

func batch(nb, b int) float64 {
	var wg sync.WaitGroup
	t0 := vb.Now()
	for k := 0; k < nb; k++ {
		wg.Add(b)
		for i := 0; i < b; i++ {
			go f(&wg)
		}
		wg.Wait()
	}
	return float64(vb.Now()-t0) / float64(nb*b)
}

func pingpong(n int) float64 {
	a, b := make(chan int), make(chan int)
	go func() {
		for v := range a {
			b <- v
		}
	}()
	for i := 0; i < 1000; i++ {
		a <- i
		<-b
	}
	t0 := vb.Now()
	for i := 0; i < n; i++ {
		a <- i
		<-b
	}
	dt := vb.Now() - t0
	close(a)
	return float64(dt) / float64(n)
}

func main() {
	cs := flag.String("case", "go_micro", "case name prefix")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	trials := flag.Int("trials", 11, "trials")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	seq(2000)
	batch(50, 200)
	var sq, bt, rt []float64
	for t := 0; t < *trials; t++ {
		sq = append(sq, seq(20000))
		bt = append(bt, batch(100, 200))
		rt = append(rt, pingpong(30000))
	}
	fmt.Printf("# micro: GOMAXPROCS=%d, %s, %d trials\n", runtime.GOMAXPROCS(0), runtime.Version(), *trials)
	p := fmt.Sprintf("_p%d", *procs)
	vb.Result("go_spawn"+p, "spawn_seq", vb.Median(sq), "ns")
	vb.Result("go_spawn"+p, "spawn_batch", vb.Median(bt), "ns")
	vb.Result("go_chan"+p, "chan_handoff", vb.Median(rt)/2, "ns")
	vb.Result("go_chan"+p, "chan_rt", vb.Median(rt), "ns")
	_ = cs
	vb.Background("go_micro" + p)
}
