// threads: how many OS threads the Go 1.19 runtime uses for the seed
// article's program -- 100,000 goroutines that each time.Sleep(1ns), then
// wait for all of them -- at GOMAXPROCS=1, 2 (= nproc here) and 8.
//
// Method: each run is a fresh child process (this program re-executed with
// THREADS_CHILD=1 and GOMAXPROCS set).  The parent samples the child's
// /proc/PID/status "Threads:" every ~250 us (nanosleep between reads, so the
// sampler leaves the CPUs to the child) and keeps the peak.  The child
// prints its thread count at the start of main, at the end (the runtime
// never destroys an M, so the final count is also the peak unless a locked
// goroutine exited), the threadcreate profile count (Ms ever created) and
// its wall time for spawn + wait.  5 runs per GOMAXPROCS value.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"gmpsim/measure/go/internal/bench"
)

const N = 100000

func child() {
	startThreads := bench.StatusField("self", "Threads")
	t0 := time.Now()
	// --- the seed article's program ---
	var wg sync.WaitGroup
	for i := 0; i < N; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(1 * time.Nanosecond)
		}()
	}
	wg.Wait()
	// ---
	wall := time.Since(t0)
	endThreads := bench.StatusField("self", "Threads")
	fmt.Printf("%d %d %d %d\n", startThreads, endThreads, pprof.Lookup("threadcreate").Count(), wall.Nanoseconds())
}

func main() {
	if os.Getenv("THREADS_CHILD") == "1" {
		child()
		return
	}
	fmt.Printf("threads: OS threads for 100,000 goroutines x time.Sleep(1ns), %s, nproc %d\n", runtime.Version(), runtime.NumCPU())
	for _, procs := range []int{1, 2, 8} {
		var peaks, starts, ends, creates, walls []float64
		for t := 0; t < 5; t++ {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "THREADS_CHILD=1", "GOMAXPROCS="+strconv.Itoa(procs))
			var out strings.Builder
			cmd.Stdout = &out
			if err := cmd.Start(); err != nil {
				panic(err)
			}
			pid := strconv.Itoa(cmd.Process.Pid)
			done := make(chan struct{})
			peak := int64(0)
			go func() {
				defer close(done)
				ts := syscall.Timespec{Nsec: 250000}
				for {
					n := bench.StatusField(pid, "Threads")
					if n < 0 { // exited (or zombie without status)
						return
					}
					if n > peak {
						peak = n
					}
					syscall.Nanosleep(&ts, nil)
				}
			}()
			err := cmd.Wait()
			<-done
			if err != nil {
				fmt.Println("child failed:", err)
				os.Exit(1)
			}
			f := strings.Fields(out.String())
			v := make([]float64, 4)
			for i := range v {
				v[i], _ = strconv.ParseFloat(f[i], 64)
			}
			starts, ends, creates, walls = append(starts, v[0]), append(ends, v[1]), append(creates, v[2]), append(walls, v[3]/1e6)
			peaks = append(peaks, float64(peak))
		}
		fmt.Printf("  GOMAXPROCS=%d\n", procs)
		bench.PrintUnit("threads at start of main", "  ", bench.StatsOf(starts))
		p := bench.StatsOf(peaks)
		bench.PrintUnit("peak threads (external sampler, 250 us)", "  ", p)
		bench.PrintUnit("threads at end (= peak: Ms never exit)", "  ", bench.StatsOf(ends))
		bench.PrintUnit("threadcreate profile count (Ms created)", "  ", bench.StatsOf(creates))
		bench.PrintUnit("wall time, spawn + wait", "ms", bench.StatsOf(walls))
		e := bench.StatsOf(ends)
		bench.Summary(fmt.Sprintf("go.threads.peak.p%d", procs), maxf(p.Max, e.Max), "thr", "max over runs of peak OS threads, 100k goroutines x Sleep(1ns)")
	}
	bench.ReportBackground()
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
