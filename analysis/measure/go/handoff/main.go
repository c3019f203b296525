// handoff: does an unbuffered-channel ping-pong at GOMAXPROCS=2 wake the
// second M (futex) per hand-off, and does that M spin? Counts, not times,
// so a busy shared machine does not change the answer.
//
// Method: one ping-pong of -n round trips (a <- i; <-b against an echo
// goroutine, 1,000 warm-up round trips first, as in validate/go/micro).
// Around the measured loop it reads, for every thread of the process,
// utime+stime and voluntary/involuntary context switches from
// /proc/self/task/*/{stat,status}, and prints per thread the CPU share of
// the loop's wall time and the context switches per 1000 hand-offs.
// Run under `strace -f -c -e trace=futex` (run_handoff.sh) to count
// futex calls: a futexwakeup per hand-off would show as >= 1 FUTEX_WAKE
// per hand-off; a parked second M as a FUTEX_WAIT per wake.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

type task struct {
	cpuTicks  int64
	vcs, nvcs int64
}

func readTasks() map[string]task {
	m := map[string]task{}
	ents, _ := os.ReadDir("/proc/self/task")
	for _, e := range ents {
		id := e.Name()
		st, err := os.ReadFile("/proc/self/task/" + id + "/stat")
		if err != nil {
			continue
		}
		s := string(st)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		stt, _ := strconv.ParseInt(f[12], 10, 64)
		t := task{cpuTicks: ut + stt}
		sts, _ := os.ReadFile("/proc/self/task/" + id + "/status")
		for _, l := range strings.Split(string(sts), "\n") {
			if v := strings.TrimPrefix(l, "voluntary_ctxt_switches:"); v != l {
				t.vcs, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			}
			if v := strings.TrimPrefix(l, "nonvoluntary_ctxt_switches:"); v != l {
				t.nvcs, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			}
		}
		m[id] = t
	}
	return m
}

func main() {
	n := flag.Int("n", 2000000, "round trips")
	procs := flag.Int("procs", 2, "GOMAXPROCS")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
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
	before := readTasks()
	t0 := time.Now()
	for i := 0; i < *n; i++ {
		a <- i
		<-b
	}
	wall := time.Since(t0)
	after := readTasks()
	close(a)
	handoffs := float64(2 * *n)
	fmt.Printf("handoff: GOMAXPROCS=%d %s n=%d round trips, wall %.3f s, %.1f ns per hand-off\n",
		runtime.GOMAXPROCS(0), runtime.Version(), *n, wall.Seconds(), float64(wall.Nanoseconds())/handoffs)
	const hz = 100.0 // USER_HZ
	var tot float64
	for id, t1 := range after {
		t0 := before[id]
		cpu := float64(t1.cpuTicks-t0.cpuTicks) / hz
		tot += cpu
		fmt.Printf("  thread %-8s cpu %6.3f s (%5.1f%% of wall)  vol.cs/1000 hand-offs %8.2f  invol.cs/1000 %8.2f\n",
			id, cpu, 100*cpu/wall.Seconds(), 1000*float64(t1.vcs-t0.vcs)/handoffs, 1000*float64(t1.nvcs-t0.nvcs)/handoffs)
	}
	fmt.Printf("  process cpu %.3f s = %.2f cores over the loop\n", tot, tot/wall.Seconds())
}
