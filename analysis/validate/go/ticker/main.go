// ticker (case c): four CPU hogs at GOMAXPROCS 1 and a 1 ms time.Ticker
// read by the main goroutine. Run it twice: plain (async preemption on) and
// with GODEBUG=asyncpreemptoff=1 (pass -case accordingly).
//
// Hogs: a call-free loop (an LCG step, ~1.6 ns) of -chunk (50 ms, calibrated
// before the hogs start) between calls of a non-inlined function. Go 1.19
// puts no preemption check in loops, so with async preemption off a hog can
// only be preempted cooperatively at the function call that ends a chunk
// (sysmon has flagged it after 10 ms); with it on, sysmon's SIGURG stops it
// within 10-20 ms wherever it is.
//
// Lateness of a received tick: receive time minus the tick's nominal time.
// The runtime fires a ticker at the first timer check after its `when` and
// then sets `when` to the next nominal time t0 + k*1ms after the firing, so
// the tick received with fire time c_i belongs to the first nominal time
// after the previous fire c_(i-1) (t0 + 1ms for the first). The first
// -warm (100 ms) is discarded. Reports lateness p50/p99/max (us), ticks
// received per second, and the longest gap between received ticks.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"gmpsim/validate/internal/vb"
)

var sink uint64
var stop int32

//go:noinline
func store(x uint64) { atomic.StoreUint64(&sink, x) }

// chunk is not a leaf (it calls store), so the compiler gives it a
// stack-check prologue: the hog's one cooperative preemption point.
//
//go:noinline
func chunk(iters int) {
	x := sink + 1
	for i := 0; i < iters; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	store(x)
}

func main() {
	cs := flag.String("case", "tick_preempt", "case name")
	hogs := flag.Int("hogs", 4, "CPU hogs")
	chunkDur := flag.Duration("chunk", 50*time.Millisecond, "call-free stretch of each hog")
	dur := flag.Duration("dur", 2*time.Second, "measured duration")
	warm := flag.Duration("warm", 100*time.Millisecond, "discarded start")
	period := flag.Duration("period", time.Millisecond, "ticker period")
	flag.Parse()
	runtime.GOMAXPROCS(1)

	// calibrate iterations per chunk
	const cal = 20_000_000
	t := time.Now()
	chunk(cal)
	perIter := float64(time.Since(t)) / cal
	iters := int(float64(*chunkDur) / perIter)

	for i := 0; i < *hogs; i++ {
		go func() {
			for atomic.LoadInt32(&stop) == 0 {
				chunk(iters)
			}
		}()
	}
	runtime.Gosched()
	tk := time.NewTicker(*period)
	t0 := time.Now()
	prevFire := t0
	var late []float64
	var maxGap time.Duration
	prevRecv := t0
	received := 0
	for {
		c := <-tk.C
		recv := time.Now()
		k := int64(prevFire.Sub(t0) / *period) + 1
		nominal := t0.Add(time.Duration(k) * *period)
		prevFire = c
		if recv.Sub(t0) < *warm {
			prevRecv = recv
			continue
		}
		received++
		late = append(late, float64(recv.Sub(nominal))/1e3)
		if g := recv.Sub(prevRecv); g > maxGap {
			maxGap = g
		}
		prevRecv = recv
		if recv.Sub(t0) >= *warm+*dur {
			break
		}
	}
	atomic.StoreInt32(&stop, 1)
	s := vb.Sorted(late)
	fmt.Printf("# ticker: %d hogs (call-free chunks of %v, %.2f ns/iter), GOMAXPROCS=1, GODEBUG=%q, %s\n",
		*hogs, *chunkDur, perIter, os.Getenv("GODEBUG"), runtime.Version())
	vb.Result(*cs, "late_p50", vb.Quantile(s, 0.5), "us")
	vb.Result(*cs, "late_p99", vb.Quantile(s, 0.99), "us")
	vb.Result(*cs, "late_max", vb.Quantile(s, 1), "us")
	vb.Result(*cs, "ticks_per_s", float64(received)/dur.Seconds(), "1/s")
	vb.Result(*cs, "gap_max", float64(maxGap)/1e3, "us")
	vb.Background(*cs)
	os.Exit(0)
}
