// storm — a validation run for scenarios/syscall_storm.yaml: goroutines
// arriving at a fixed rate, each spinning 50 us, blocking 20 ms in
// nanosleep(2) through syscall.Syscall (entersyscall/exitsyscall), spinning
// 50 us. Latency counts from the scheduled arrival, so a late spawner shows.
// Prints p50/p99/max latency and the peak thread count (/proc/self/status).
// Usage: GOMAXPROCS=8 ./storm [rate/s]
package main

import (
	"fmt"
	"gmpsim/measure/go/internal/bench"
	"os"
	"runtime"
	"sort"
	"sync"
	"syscall"
	"time"
)

func main() {
	rate := 4000.0
	if len(os.Args) > 1 {
		fmt.Sscanf(os.Args[1], "%g", &rate)
	}
	dur := 3 * time.Second
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	maxT := 0
	go func() {
		for {
			time.Sleep(50 * time.Millisecond)
			if n := int(bench.StatusField("self", "Threads")); n > maxT {
				maxT = n
			}
		}
	}()
	next := start
	for time.Since(start) < dur {
		next = next.Add(time.Duration(float64(time.Second) / rate))
		for time.Now().Before(next) {
			runtime.Gosched()
		}
		wg.Add(1)
		arr := next
		go func() {
			defer wg.Done()
			bench.Spin(50 * time.Microsecond)
			ts := syscall.Timespec{Nsec: 20e6}
			syscall.Nanosleep(&ts, nil)
			bench.Spin(50 * time.Microsecond)
			l := time.Since(arr)
			mu.Lock()
			lat = append(lat, l)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	n := len(lat)
	fmt.Printf("n=%d p50=%v p99=%v max=%v threads_peak=%d threads_end=%d\n", n, lat[n/2], lat[n*99/100], lat[n-1], maxT, int(bench.StatusField("self", "Threads")))
}
