// spawn (case a): the seed article's first program. 100,000 goroutines each
// call time.Sleep(1ns); main waits on a WaitGroup. Reports, for the
// GOMAXPROCS given by -procs:
//
//	threads_peak_proc  peak of /proc/self/status Threads, sampled every
//	                   -sample (100us) by a goroutine from before the first
//	                   `go` until after wg.Wait (plus one last read)
//	threads_created    pprof.Lookup("threadcreate").Count(): every M the
//	                   runtime ever created (m0 included), after the run
//	threads_start      /proc Threads before the first `go` (the baseline)
//	wall_ms            first `go` -> wg.Wait returns
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"time"

	"gmpsim/validate/internal/vb"
)

func main() {
	cs := flag.String("case", "spawn_100k", "case name")
	procs := flag.Int("procs", 0, "GOMAXPROCS (0 = leave)")
	n := flag.Int("n", 100000, "goroutines")
	sample := flag.Duration("sample", 100*time.Microsecond, "thread sampling period")
	flag.Parse()
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	}
	th := vb.NewThreads()
	t0threads := th.Read()
	s := vb.StartSampler(*sample)
	time.Sleep(2 * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(*n)
	t0 := vb.Now()
	for i := 0; i < *n; i++ {
		go func() {
			time.Sleep(time.Nanosecond)
			wg.Done()
		}()
	}
	wg.Wait()
	wall := vb.Now() - t0
	peak, samples := s.Stop()
	fmt.Printf("# spawn: %d goroutines sleeping 1ns, GOMAXPROCS=%d, %s, %d thread samples\n",
		*n, runtime.GOMAXPROCS(0), runtime.Version(), samples)
	vb.Result(*cs, "threads_peak_proc", float64(peak), "threads")
	vb.Result(*cs, "threads_created", float64(vb.ThreadsCreated()), "threads")
	vb.Result(*cs, "threads_start", float64(t0threads), "threads")
	vb.Result(*cs, "wall", float64(wall)/1e6, "ms")
	vb.Background(*cs)
}
