// mstart: what starting an M costs in Go 1.19 when K goroutines block in a
// syscall at once (the validation's sysblock case, GOMAXPROCS 2).
//
// Each blocker, just before its nanosleep(50ms) (syscall.Syscall, so
// entersyscall/exitsyscall), records with raw syscalls (no entersyscall):
//   - its entry time (monotonic, ns since the spawn burst),
//   - its thread id (gettid),
//   - its thread's CPU time since clone (CLOCK_THREAD_CPUTIME_ID) and
//     runqueue wait (/proc/thread-self/schedstat wait ns) — for a fresh M this is the
//     child side of the M start: clone return, mstart/minit (sigaltstack,
//     sigprocmask, gettid), schedule, acquirep, execute.
// Before and after the burst it reads every task's schedstat, so the
// sysmon thread's CPU (its usleep cycles, retake, handoffp, startm, newm:
// allocm + newosproc's clone — the parent side of each M start) is known.
//
// With -trace FILE it also writes a runtime/trace of the burst, for
// `go tool trace -d` (run.sh parses the retake -> ProcStart -> GoStart
// chain out of it).
//
// Output: one "G" line per blocker, one "T" line per thread, a summary.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

type gRec struct {
	at     int64 // ns since the burst began, at syscall entry
	tid    int
	runNs  int64 // thread CPU since clone (schedstat)
	waitNs int64 // thread runqueue wait since clone (schedstat)
	slices int64
	probeNs int64 // CPU of the gettid + schedstat reads (not in runNs)
}

var base time.Time

func now() int64 { return int64(time.Since(base)) }

// rawSchedstat reads /proc/thread-self/schedstat with raw syscalls, so the
// read does not enter the scheduler (entersyscall) on the measured path.
func rawSchedstat() (run, wait, slices int64) {
	path := []byte("/proc/thread-self/schedstat\x00")
	fd, _, e := syscall.RawSyscall(syscall.SYS_OPEN, uintptr(unsafe.Pointer(&path[0])), syscall.O_RDONLY, 0)
	if e != 0 {
		return -1, -1, -1
	}
	var buf [128]byte
	n, _, _ := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	return parse3(string(buf[:n]))
}

// threadCPU is clock_gettime(CLOCK_THREAD_CPUTIME_ID): this thread's CPU
// since clone, including the running slice (schedstat's run field is only
// brought up to date when the thread leaves the CPU).
func threadCPU() int64 {
	var ts syscall.Timespec
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

func parse3(s string) (a, b, c int64) {
	f := strings.Fields(s)
	if len(f) < 3 {
		return -1, -1, -1
	}
	a, _ = strconv.ParseInt(f[0], 10, 64)
	b, _ = strconv.ParseInt(f[1], 10, 64)
	c, _ = strconv.ParseInt(f[2], 10, 64)
	return
}

type taskStat struct{ run, wait, slices int64 }

func readTasks() map[int]taskStat {
	out := map[int]taskStat{}
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return out
	}
	for _, e := range ents {
		tid, _ := strconv.Atoi(e.Name())
		b, err := os.ReadFile("/proc/self/task/" + e.Name() + "/schedstat")
		if err != nil {
			continue
		}
		r, w, s := parse3(string(b))
		out[tid] = taskStat{r, w, s}
	}
	return out
}

func main() {
	k := flag.Int("k", 100, "goroutines in the syscall at once")
	procs := flag.Int("procs", 2, "GOMAXPROCS")
	block := flag.Duration("block", 50*time.Millisecond, "nanosleep length")
	tfile := flag.String("trace", "", "write a runtime/trace of the burst here")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	before := readTasks()
	if *tfile != "" {
		f, err := os.Create(*tfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mstart:", err)
			os.Exit(1)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			fmt.Fprintln(os.Stderr, "mstart:", err)
			os.Exit(1)
		}
	}
	time.Sleep(2 * time.Millisecond)
	recs := make([]gRec, *k)
	var wg sync.WaitGroup
	wg.Add(*k)
	base = time.Now()
	for i := 0; i < *k; i++ {
		go func(r *gRec) {
			r.at = now()
			r.runNs = threadCPU()
			tid, _, _ := syscall.RawSyscall(syscall.SYS_GETTID, 0, 0, 0)
			r.tid = int(tid)
			_, r.waitNs, r.slices = rawSchedstat()
			r.probeNs = threadCPU() - r.runNs
			ts := syscall.NsecToTimespec(int64(*block))
			syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
			wg.Done()
		}(&recs[i])
	}
	wg.Wait()
	wall := now()
	if *tfile != "" {
		trace.Stop()
	}
	after := readTasks()
	report(recs, before, after, wall, *k, *procs)
}

func report(recs []gRec, before, after map[int]taskStat, wall int64, k, procs int) {
	sort.Slice(recs, func(i, j int) bool { return recs[i].at < recs[j].at })
	firstOn := map[int]bool{}
	var fresh []gRec
	for _, r := range recs {
		fmt.Printf("G at_us=%.1f tid=%d thread_run_us=%.1f thread_wait_us=%.1f slices=%d\n",
			float64(r.at)/1e3, r.tid, float64(r.runNs)/1e3, float64(r.waitNs)/1e3, r.slices)
		if !firstOn[r.tid] {
			firstOn[r.tid] = true
			if _, old := before[r.tid]; !old {
				fresh = append(fresh, r)
			}
		}
	}
	tids := make([]int, 0, len(after))
	for t := range after {
		tids = append(tids, t)
	}
	sort.Ints(tids)
	for _, t := range tids {
		a, b := after[t], before[t]
		_, old := before[t]
		fmt.Printf("T tid=%d old=%v run_us=%.1f wait_us=%.1f slices=%d\n",
			t, old, float64(a.run-b.run)/1e3, float64(a.wait-b.wait)/1e3, a.slices-b.slices)
	}
	var runs, waits, probes []float64
	for _, r := range fresh {
		runs = append(runs, float64(r.runNs)/1e3)
		waits = append(waits, float64(r.waitNs)/1e3)
		probes = append(probes, float64(r.probeNs)/1e3)
	}
	// sysmon: the pre-existing thread switched in most often during the
	// burst (it wakes every 20 us + timer slack while Ps sit in syscalls)
	smTid, sm := 0, taskStat{}
	for t, a := range after {
		if b, old := before[t]; old && a.slices-b.slices > sm.slices {
			smTid, sm = t, taskStat{a.run - b.run, a.wait - b.wait, a.slices - b.slices}
		}
	}
	var gaps []float64
	for i := 1; i < len(recs); i++ {
		gaps = append(gaps, float64(recs[i].at-recs[i-1].at)/1e3)
	}
	fmt.Printf("S k=%d procs=%d %s wall_ms=%.2f threads_now=%d fresh_ms=%d reused_or_old_gs=%d\n",
		k, procs, runtime.Version(), float64(wall)/1e6, len(after), len(fresh), k-len(fresh))
	fmt.Printf("S last_entry_ms=%.3f entry_gap_us_median=%.1f entry_gap_us_mean=%.1f\n",
		float64(recs[len(recs)-1].at)/1e6, median(gaps), mean(gaps))
	fmt.Printf("S fresh_thread_cpu_at_gstart_us median=%.1f p10=%.1f p90=%.1f; runq_wait_us median=%.1f p90=%.1f\n",
		median(runs), quant(runs, 0.1), quant(runs, 0.9), median(waits), quant(waits, 0.9))
	fmt.Printf("S probe_cpu_us median=%.1f (gettid + schedstat read, after the CPU reading)\n", median(probes))
	perM := 0.0
	if len(fresh) > 0 {
		perM = float64(sm.run) / 1e3 / float64(len(fresh))
	}
	fmt.Printf("S sysmon tid=%d cpu_us=%.1f wakeups=%d cpu_per_wakeup_us=%.2f cpu_per_fresh_M_us=%.1f\n",
		smTid, float64(sm.run)/1e3, sm.slices, float64(sm.run)/1e3/float64(max64(sm.slices, 1)), perM)
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func quant(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}
func median(v []float64) float64 { return quant(v, 0.5) }
func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t / float64(len(v))
}
