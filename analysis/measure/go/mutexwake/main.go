// mutexwake: how often a contended sync.Mutex parks a goroutine in Go 1.19
// — the check behind gmpsim's mutexWoken (README, numa_mutex_seed: the gogo
// knife edge). 8 goroutines each take one mutex 200,000 times around a few
// ns of work, with a few ns between (the shape of scenarios/numa_mutex_seed
// and tests/test_mutex.c's mutexWoken test, scaled to this machine).
//
// Method: the mutex profile at fraction 1 (runtime.SetMutexProfileFraction)
// records one event each time Unlock's semrelease wakes a parked waiter
// (sema.go:semrelease1 → mutexevent, every event at rate 1), so the profile's
// total count is the number of park → wake-ups. 5 trials per GOMAXPROCS
// value (1, 2, 4); one value per trial = wake-ups per 10^6 acquisitions.
// A model that wakes a waiter at every unlock with waiters predicts about
// 10^6 (one per acquisition); sync/mutex.go, whose spinners hold
// mutexWoken and whose running owner re-takes the free lock, predicts few.
//
//	go run ./mutexwake        (from analysis/measure/go; about 2 s)
package main

import (
	"fmt"
	"runtime"
	"sync"

	"gmpsim/measure/go/internal/bench"
)

const goroutines, perG = 8, 200000

var (
	mu      sync.Mutex
	counter int
	sink    int
)

func work(n int) {
	for i := 0; i < n; i++ {
		sink += i
	}
}

// wakeups returns the mutex profile's total event count so far.
func wakeups() int64 {
	n, _ := runtime.MutexProfile(nil)
	recs := make([]runtime.BlockProfileRecord, n+16)
	n, _ = runtime.MutexProfile(recs)
	var c int64
	for _, r := range recs[:n] {
		c += r.Count
	}
	return c
}

// trial runs the 8 x 200,000 acquisitions once; wake-ups per 10^6 and ns per acquisition.
func trial() (float64, float64) {
	before := wakeups()
	var wg sync.WaitGroup
	t0 := bench.Now()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				mu.Lock()
				counter++
				work(10)
				mu.Unlock()
				work(10)
			}
		}()
	}
	wg.Wait()
	el := float64(bench.Now() - t0)
	n := float64(goroutines * perG)
	return 1e6 * float64(wakeups()-before) / n, el / n
}

func main() {
	runtime.SetMutexProfileFraction(1)
	fmt.Printf("mutexwake: %d goroutines x %d Lock/Unlock of one sync.Mutex, %s\n", goroutines, perG, runtime.Version())
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		var w, t []float64
		for i := 0; i < 5; i++ {
			a, b := trial()
			w = append(w, a)
			t = append(t, b)
		}
		bench.PrintUnit(fmt.Sprintf("GOMAXPROCS=%d wake-ups per 10^6 acquisitions", procs), "", bench.StatsOf(w))
		bench.Print(fmt.Sprintf("GOMAXPROCS=%d time per acquisition", procs), bench.StatsOf(t))
		bench.Summary(fmt.Sprintf("go.mutex.wakeups_per_1e6.p%d", procs), bench.StatsOf(w).Med, "count", "")
	}
	bench.ReportBackground()
}
