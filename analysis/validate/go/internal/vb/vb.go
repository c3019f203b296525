// Package vb holds the helpers shared by the validation programs: a clock,
// percentiles, the RESULT line format that ../../run.sh collects, a cheap
// /proc/self/status thread sampler, and the background line (CPU used by
// other processes while the program ran). Adapted from
// analysis/measure/go/internal/bench (same /proc/stat method as
// analysis/measure/common.h).
package vb

import (
	"bytes"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

var start = time.Now()

// Now returns monotonic nanoseconds since program start.
func Now() int64 { return int64(time.Since(start)) }

// Result prints one machine-readable line: RESULT case metric value unit.
func Result(cs, metric string, value float64, unit string) {
	fmt.Printf("RESULT %s %s %.6g %s\n", cs, metric, value, unit)
}

// Quantile by nearest rank of a sorted slice (q in [0,1]).
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= n {
		i = n - 1
	}
	return sorted[i]
}

func Sorted(v []float64) []float64 {
	w := append([]float64(nil), v...)
	sort.Float64s(w)
	return w
}

func Median(v []float64) float64 { return Quantile(Sorted(v), 0.5) }

// CPU returns this process's user+system CPU time (all threads), ns.
func CPU() int64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return r.Utime.Nano() + r.Stime.Nano()
}

// Threads reads "Threads:" from /proc/self/status through a kept-open file
// (pread at offset 0 regenerates the seq_file), so a sample costs one
// syscall and a parse, ~10-20 us.
type Threads struct {
	f   *os.File
	buf []byte
}

func NewThreads() *Threads {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	return &Threads{f: f, buf: make([]byte, 8192)}
}

var key = []byte("\nThreads:")

func (t *Threads) Read() int {
	n, _ := t.f.ReadAt(t.buf, 0)
	b := t.buf[:n]
	i := bytes.Index(b, key)
	if i < 0 {
		return -1
	}
	b = b[i+len(key):]
	j := bytes.IndexByte(b, '\n')
	if j < 0 {
		j = len(b)
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b[:j])))
	if err != nil {
		return -1
	}
	return v
}

// Sampler samples Threads every period from a goroutine and keeps the peak.
type Sampler struct {
	peak, samples int64
	stop          int32
	done          chan struct{}
}

func StartSampler(period time.Duration) *Sampler {
	s := &Sampler{done: make(chan struct{})}
	t := NewThreads()
	s.peak = int64(t.Read())
	go func() {
		for atomic.LoadInt32(&s.stop) == 0 {
			if v := int64(t.Read()); v > atomic.LoadInt64(&s.peak) {
				atomic.StoreInt64(&s.peak, v)
			}
			s.samples++
			time.Sleep(period)
		}
		close(s.done)
	}()
	return s
}

// Stop ends the sampler (after one last sample) and returns peak, samples.
func (s *Sampler) Stop() (int, int) {
	atomic.StoreInt32(&s.stop, 1)
	<-s.done
	if v := int64(NewThreads().Read()); v > s.peak {
		s.peak = v
	}
	return int(s.peak), int(s.samples)
}

func (s *Sampler) Peak() int { return int(atomic.LoadInt64(&s.peak)) }

// ThreadsCreated is the number of Ms the runtime has created (the
// threadcreate profile's records: every M in allm, including m0).
func ThreadsCreated() int { return pprof.Lookup("threadcreate").Count() }

// Spin burns CPU for d, calling time.Since (so it has preemption points).
func Spin(d time.Duration) {
	t := time.Now()
	for time.Since(t) < d {
	}
}

// ---- background load (analysis/measure/common.h method) ----
type jiffies struct{ busy, steal int64 }

func readJiffies() jiffies {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return jiffies{}
	}
	line := strings.SplitN(string(b), "\n", 2)[0]
	fs := strings.Fields(line)
	if len(fs) < 9 || fs[0] != "cpu" {
		return jiffies{}
	}
	v := make([]int64, len(fs)-1)
	for i := range v {
		v[i], _ = strconv.ParseInt(fs[i+1], 10, 64)
	}
	return jiffies{busy: v[0] + v[1] + v[2] + v[5] + v[6], steal: v[7]}
}

var bgJ0 = readJiffies()

// Background prints the background line for case cs: the CPU other
// processes used while this program ran (machine busy time from /proc/stat
// minus this process's CPU), and steal, in % of one CPU, over the program's
// whole life. Resolution 10 ms (USER_HZ=100).
func Background(cs string) {
	j1 := readJiffies()
	wall := float64(Now())
	own := float64(CPU())
	busy := float64(j1.busy-bgJ0.busy) * 1e9 / 100
	steal := float64(j1.steal-bgJ0.steal) * 1e9 / 100
	other := busy - own
	if other < 0 {
		other = 0
	}
	fmt.Printf("BACKGROUND %s other_cpu_pct %.1f steal_pct %.1f wall_s %.2f\n", cs, 100*other/wall, 100*steal/wall, wall/1e9)
}

// ---- CPU work of a fixed amount ----
// Work(d) runs a call-free LCG loop of the number of iterations that takes d
// on an undisturbed CPU (calibrated by Calibrate: the fastest of 7 timed
// 10 ms runs), so a request's CPU demand stays the same when another process
// takes the core (a wall-clock spin would do less work then). This is the
// `cpu:` op of a gmpsim scenario.
var itersPerNs = 0.3
var workSink uint64

func work(n int) {
	x := atomic.LoadUint64(&workSink) + 1
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	atomic.StoreUint64(&workSink, x)
}

func Calibrate() float64 {
	const n = 3_000_000
	work(n)
	best := 1e18
	for k := 0; k < 7; k++ {
		t := time.Now()
		work(n)
		if d := float64(time.Since(t)); d < best {
			best = d
		}
	}
	itersPerNs = n / best
	return best / n
}

func Work(d time.Duration) { work(int(float64(d) * itersPerNs)) }
