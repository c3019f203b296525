// sleep: how long time.Sleep(d) really takes in Go 1.19 on an otherwise idle
// program, for d = 1ns, 10us, 100us, 1ms, at GOMAXPROCS=1 and 2.
//
// Method: one goroutine calls time.Sleep(d) repeatedly and times each call
// with the monotonic clock (per-sample latency; no other goroutine is
// runnable, so the P goes idle and its M waits in netpoll/epoll_pwait with
// a timeout, or finds the timer already expired).  Go 1.19's netpoll rounds
// any timeout below 1 ms up to 1 ms (waitms = 1), so sub-millisecond sleeps
// are expected to take about 1 ms when the M really blocks.
// Samples: 500 for 1ns, 200 for the others, after 20 warm-up calls.  Prints
// median, p10/p90, p99, min/max of the actual duration and of the overshoot.
package main

import (
	"fmt"
	"runtime"
	"time"

	"gmpsim/measure/go/internal/bench"
)

func measure(d time.Duration, n int) []float64 {
	for i := 0; i < 20; i++ {
		time.Sleep(d)
	}
	v := make([]float64, n)
	for i := range v {
		t0 := bench.Now()
		time.Sleep(d)
		v[i] = float64(bench.Now() - t0)
	}
	return v
}

func main() {
	fmt.Printf("sleep: actual duration of time.Sleep(d), %s\n", runtime.Version())
	cases := []struct {
		d    time.Duration
		n    int
		name string
	}{
		{1, 500, "1ns"}, {10 * time.Microsecond, 200, "10us"},
		{100 * time.Microsecond, 200, "100us"}, {time.Millisecond, 200, "1ms"},
	}
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, c := range cases {
			v := measure(c.d, c.n)
			s := bench.StatsOf(v)
			bench.PrintP99(fmt.Sprintf("GOMAXPROCS=%d Sleep(%s) actual", procs, c.name), s)
			bench.Summary(fmt.Sprintf("go.sleep.%s.p%d", c.name, procs), s.Med, "ns",
				fmt.Sprintf("median actual duration of time.Sleep(%s)", c.name))
		}
	}
	bench.ReportBackground()
}
