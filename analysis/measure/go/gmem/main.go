// gmem: memory per blocked goroutine in Go 1.19.
//
// Method: each trial runs in a fresh child process (this program re-executed
// with GMEM_CHILD=1), so that no freed g or stack is reused.  The child
// runs runtime.GC(), reads runtime.MemStats and VmRSS (/proc/self/status),
// starts 100,000 goroutines that each block on one shared channel receive,
// waits until all have started (WaitGroup) plus 20 ms, runs runtime.GC()
// again (so garbage does not count) and reads both again.  Per goroutine:
// delta(StackInuse), delta(HeapInuse) (g structs, sudogs, closures, the
// allgs slice...), their sum, delta(Sys) (address space the runtime
// obtained), and delta(VmRSS).  3 trials at the default GOMAXPROCS, and
// 2 at GOMAXPROCS=1 (a child takes ~0.7-1 s; the figures agree to 0.1 %
// between trials).  Values in bytes per goroutine.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"gmpsim/measure/go/internal/bench"
)

const N = 100000

func child() {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	rss0 := bench.StatusField("self", "VmRSS")
	ch := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(N)
	for i := 0; i < N; i++ {
		go func() {
			wg.Done()
			<-ch
		}()
	}
	wg.Wait()
	time.Sleep(20 * time.Millisecond)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	rss1 := bench.StatusField("self", "VmRSS")
	ng := runtime.NumGoroutine()
	d := func(a, b uint64) float64 { return (float64(b) - float64(a)) / N }
	fmt.Printf("%f %f %f %f %f %d\n",
		d(m0.StackInuse, m1.StackInuse), d(m0.HeapInuse, m1.HeapInuse),
		d(m0.Sys, m1.Sys), float64(rss1-rss0)*1024/N, d(m0.StackSys, m1.StackSys), ng)
	close(ch)
}

func main() {
	if os.Getenv("GMEM_CHILD") == "1" {
		child()
		return
	}
	fmt.Printf("gmem: memory per goroutine blocked on a channel, %d goroutines per trial, %s\n", N, runtime.Version())
	for _, procs := range []string{"", "1"} {
		var stack, heap, sum, sys, rss []float64
		trials := 3
		if procs != "" {
			trials = 2
		}
		for t := 0; t < trials; t++ {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "GMEM_CHILD=1")
			if procs != "" {
				cmd.Env = append(cmd.Env, "GOMAXPROCS="+procs)
			}
			out, err := cmd.Output()
			if err != nil {
				fmt.Println("child failed:", err)
				os.Exit(1)
			}
			f := strings.Fields(string(out))
			v := make([]float64, 5)
			for i := range v {
				v[i], _ = strconv.ParseFloat(f[i], 64)
			}
			if ng, _ := strconv.Atoi(f[5]); ng < N {
				fmt.Println("only", ng, "goroutines alive")
			}
			stack, heap, sum, sys, rss = append(stack, v[0]), append(heap, v[1]), append(sum, v[0]+v[1]), append(sys, v[2]), append(rss, v[3])
		}
		name := "GOMAXPROCS=default"
		if procs != "" {
			name = "GOMAXPROCS=" + procs
		}
		fmt.Println(" ", name)
		bench.PrintUnit("dStackInuse / goroutine", "B ", bench.StatsOf(stack))
		bench.PrintUnit("dHeapInuse / goroutine", "B ", bench.StatsOf(heap))
		s := bench.StatsOf(sum)
		bench.PrintUnit("dStackInuse+dHeapInuse / goroutine", "B ", s)
		bench.PrintUnit("dSys / goroutine", "B ", bench.StatsOf(sys))
		r := bench.StatsOf(rss)
		bench.PrintUnit("dVmRSS / goroutine", "B ", r)
		if procs == "" {
			bench.Summary("go.mem.goroutine.runtime", s.Med, "B", "dStackInuse+dHeapInuse per blocked goroutine")
			bench.Summary("go.mem.goroutine.rss", r.Med, "B", "dVmRSS per blocked goroutine")
		}
	}
	bench.ReportBackground()
}
