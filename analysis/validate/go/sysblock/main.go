// sysblock (case b): K goroutines enter a blocking system call at the same
// time: nanosleep(-block, 50ms) through syscall.Syscall, so each does
// entersyscall/exitsyscall and holds its M while blocked; sysmon retakes the
// Ps and handoffp/startm create Ms for the runnable rest. Reports:
//
//	threads_peak_proc  peak of /proc/self/status Threads, sampled every 100us
//	threads_created    pprof threadcreate count (every M ever created)
//	wall               first `go` -> all returned (ms)
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"gmpsim/validate/internal/vb"
)

func main() {
	cs := flag.String("case", "syscall_block", "case name")
	procs := flag.Int("procs", 2, "GOMAXPROCS")
	k := flag.Int("k", 10, "goroutines in the syscall at once")
	block := flag.Duration("block", 50*time.Millisecond, "nanosleep length")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	s := vb.StartSampler(100 * time.Microsecond)
	time.Sleep(2 * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(*k)
	t0 := vb.Now()
	for i := 0; i < *k; i++ {
		go func() {
			ts := syscall.NsecToTimespec(int64(*block))
			syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
			wg.Done()
		}()
	}
	wg.Wait()
	wall := vb.Now() - t0
	peak, samples := s.Stop()
	fmt.Printf("# sysblock: K=%d nanosleep(%v) via syscall.Syscall, GOMAXPROCS=%d, %s, %d samples\n",
		*k, *block, runtime.GOMAXPROCS(0), runtime.Version(), samples)
	vb.Result(*cs, "threads_peak_proc", float64(peak), "threads")
	vb.Result(*cs, "threads_created", float64(vb.ThreadsCreated()), "threads")
	vb.Result(*cs, "wall", float64(wall)/1e6, "ms")
	vb.Background(*cs)
}
