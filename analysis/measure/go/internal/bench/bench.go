// Package bench holds the helpers shared by the Go runtime-cost benchmarks:
// a monotonic clock, statistics (median, p10/p90, min/max by nearest rank),
// the SUMMARY line format that run.sh collects, /proc readers, and the
// "background" line (CPU used by other processes while the program ran), in
// the same format as ../common.h uses for the C benchmarks.
package bench

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var start = time.Now()

// Now returns monotonic nanoseconds since program start.
func Now() int64 { return int64(time.Since(start)) }

// Stats by nearest rank, as in ../common.h.
type Stats struct {
	N                            int
	Min, P10, Med, P90, P99, Max float64
}

func StatsOf(v []float64) Stats {
	s := Stats{N: len(v)}
	if len(v) == 0 {
		return s
	}
	w := append([]float64(nil), v...)
	sort.Float64s(w)
	n := len(w)
	s.Min, s.Max = w[0], w[n-1]
	s.P10 = w[(n-1)*10/100]
	s.Med = w[(n-1)/2]
	s.P90 = w[(n-1)*90/100]
	s.P99 = w[(n-1)*99/100]
	return s
}

// Print one result line in ns.
func Print(label string, s Stats) {
	fmt.Printf("  %-46s median %10.1f ns   p10 %10.1f  p90 %10.1f  min %10.1f  max %11.1f  (n=%d)\n",
		label, s.Med, s.P10, s.P90, s.Min, s.Max, s.N)
}

// PrintP99 is Print with p99 as well (for per-sample latencies).
func PrintP99(label string, s Stats) {
	fmt.Printf("  %-46s median %10.1f ns   p10 %10.1f  p90 %10.1f  p99 %10.1f  min %10.1f  max %11.1f  (n=%d)\n",
		label, s.Med, s.P10, s.P90, s.P99, s.Min, s.Max, s.N)
}

// PrintUnit prints a line whose values are in an arbitrary unit.
func PrintUnit(label, unit string, s Stats) {
	fmt.Printf("  %-46s median %10.1f %s   p10 %10.1f  p90 %10.1f  min %10.1f  max %11.1f  (n=%d)\n",
		label, s.Med, unit, s.P10, s.P90, s.Min, s.Max, s.N)
}

// Summary prints a machine-readable line collected by run.sh.
func Summary(key string, value float64, unit, note string) {
	fmt.Printf("SUMMARY %-30s %12.1f %-6s %s\n", key, value, unit, note)
}

// ClockOverhead is the median cost of one Now() call.
func ClockOverhead() float64 {
	const trials, n = 11, 200000
	v := make([]float64, trials)
	for t := range v {
		t0 := Now()
		for i := 0; i < n; i++ {
			_ = Now()
		}
		v[t] = float64(Now()-t0) / n
	}
	return StatsOf(v).Med
}

// Rusage of the whole process (all threads).
type Rusage struct {
	CPU           int64 // user+sys ns
	Nvcsw, Nivcsw int64
}

func GetRusage(who int) Rusage {
	var r syscall.Rusage
	syscall.Getrusage(who, &r)
	return Rusage{
		CPU:    r.Utime.Nano() + r.Stime.Nano(),
		Nvcsw:  r.Nvcsw,
		Nivcsw: r.Nivcsw,
	}
}

func Self() Rusage { return GetRusage(syscall.RUSAGE_SELF) }

// StatusField returns a numeric field of /proc/<pid>/status ("self" allowed),
// e.g. "VmRSS" (in kB) or "Threads"; -1 when missing.
func StatusField(pid, field string) int64 {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, field+":") {
			fs := strings.Fields(line[len(field)+1:])
			if len(fs) > 0 {
				v, err := strconv.ParseInt(fs[0], 10, 64)
				if err == nil {
					return v
				}
			}
		}
	}
	return -1
}

// ---- background load (see ../common.h) ----
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
	// user nice system idle iowait irq softirq steal
	return jiffies{busy: v[0] + v[1] + v[2] + v[5] + v[6], steal: v[7]}
}

var bgJ0 = readJiffies()

// ReportBackground prints the CPU other processes used while this program
// ran (machine busy time minus this process's and its waited-for children's
// CPU), and steal, in % of one CPU.  Resolution 10 ms (USER_HZ=100).
func ReportBackground() {
	j1 := readJiffies()
	wall := float64(Now())
	const hz = 100
	own := float64(GetRusage(syscall.RUSAGE_SELF).CPU + GetRusage(syscall.RUSAGE_CHILDREN).CPU)
	busy := float64(j1.busy-bgJ0.busy) * 1e9 / hz
	steal := float64(j1.steal-bgJ0.steal) * 1e9 / hz
	other := busy - own
	if other < 0 {
		other = 0
	}
	fmt.Printf("  background during this program (%.1f s): other processes %.0f%% of a CPU, steal %.0f%% of a CPU\n",
		wall/1e9, 100*other/wall, 100*steal/wall)
}

// Spin burns CPU for d without calling into the scheduler (a stand-in for
// request work in the storm programs).
func Spin(d time.Duration) {
	t := time.Now()
	for time.Since(t) < d {
	}
}
