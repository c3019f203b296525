// gcmark: the Go 1.19 collector's CPU per MiB of live heap and per parked
// goroutine, and its two stop-the-world phases, in about 4 s, for gmpsim's
// gc.go.mark_per_mib, gc.go.stack_scan, gc.go.sweep_term and
// gc.go.mark_term (`gmpsim calibrate`'s go family;
// analysis/calibrate/measure.sh builds and runs it).  The long sweep over
// heap sizes, goroutine counts and GOMAXPROCS is analysis/measure/gc.
//
// What the parameters stand for.  The gmp model's mark work is the reachable
// heap (gc.live_heap plus what live tasks allocated) at gc.go.mark_per_mib
// of CPU per MiB, whoever does it, plus gc.go.stack_scan per live goroutine
// (models/gmp/gmp_gc.c: mark_begin, ns_per_byte); sweeping is charged apart
// at gc.go.sweep_per_mib; the two stops cost gc.go.sweep_term and
// gc.go.mark_term of work besides the stop itself.  So this program gives
// the collector a known, fixed live heap, no garbage and an idle mutator,
// forces cycles with runtime.GC() and takes, per cycle:
//
//   - the process CPU (getrusage) across runtime.GC(): with GOMAXPROCS=1 and
//     the only goroutine waiting in it (mgc.go:GC → gcWaitOnMark), the idle
//     P runs the idle mark worker (proc.go:findRunnable) until the work is
//     drained, then GC sweeps every span before returning (mgc.go:GC's
//     sweepone loop); so it is mark + sweep + the two short stops.  Per MiB
//     of HeapAlloc after the cycle it is go.gc.cpu_per_mib.*; calibrate
//     subtracts gc.go.sweep_per_mib from it (analysis/calibrate/README.md).
//   - the runtime's own accounting from GODEBUG=gctrace=1
//     (mgc.go:gcMarkTermination prints it):
//     gc N @T s X%: A+B+C ms clock, D+E/F/G+H ms cpu, ...  (forced)
//     A and C are the sweep-termination and mark-termination stops (clock);
//     E+F+G is the mark "CPU" (assists + dedicated/fractional + idle
//     workers: gcController.assistTime, dedicatedMarkTime +
//     fractionalMarkTime, idleMarkTime).  That is the time a worker held
//     the P, not OS CPU time: when other processes take the CPU from the
//     worker's thread it still counts (analysis/measure/gc/README.md's
//     caveat).  Per MiB it is go.gc.mark_per_mib.*, printed to compare with
//     analysis/measure/gc, not used by calibrate.
//
// The heap is analysis/measure/gc/go/gcbench.go's: L MiB of 32-byte nodes
// {l, r, n *node; v int64} (3 pointers, pointer-dense), each linked to the
// previous node and to 2 random earlier ones (math/rand seed 1), rooted in
// one []*node: 40 B per node in all.  L = 16 and 64 MiB; the rate falls on
// heaps far beyond the caches (256 MiB in analysis/measure/gc), so the
// figure is for heaps of tens of MiB; calibrate takes L = 64 MiB, where
// fixed per-cycle costs (roots, globals, the workers' start) weigh least.
//
// Per goroutine: 20,000 goroutines parked in a channel receive 3 frames
// deep (gcbench.go's park: each keeps its 2 KiB stack) next to the 16 MiB
// heap.  The CPU they add to a cycle, per goroutine, is
// go.gc.goroutine_total; less what their own heap objects cost (the growth
// of HeapAlloc — g struct, closure, sudog — at the 16 MiB heap's CPU per
// MiB) it is go.gc.stack_scan, the default's convention
// (analysis/measure/gc/README.md (c)).
//
// Background cycles: forced cycles start on a swept heap with an idle
// mutator, and their stops are shorter than a running program's (on this
// host gctrace's clock A read 8-11 us forced against 20-21 us in background
// cycles, and analysis/measure/gc's workloads, which the validation measured,
// 12-22 us).  So after the forced phases the child sets GOGC=100 and runs
// analysis/measure/gc/go/gcbench.go's mutator (1 KiB pointer-free and 128 B
// garbage at 1000 MB/s, paced by sleeps) on the 16 MiB heap for churnDur;
// the clocks A and C of the cycles the pacer starts meanwhile are
// go.gc.bg_sweep_term and go.gc.bg_mark_term, which calibrate takes for
// gc.go.sweep_term and gc.go.mark_term (the model's stops are those of a
// running program's cycles).
//
// Method: the program runs itself as a child with GODEBUG=gctrace=1,
// GOMAXPROCS=1 and GOGC=off (so only forced cycles happen) and reads the
// child's stderr.  In each phase (64 MiB; 16 MiB; 16 MiB + goroutines) the
// child forces 2 warm-up cycles, then 9 measured ones, printing its own line
// after each.  Output: a line per figure (median, p10/p90, min/max over the
// 9 cycles), SUMMARY lines, and the background line.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"gmpsim/measure/go/internal/bench"
)

const (
	warmup     = 2
	measured   = 9
	goroutines = 20000
	childEnv   = "GMPSIM_GCMARK_CHILD"
)

// A phase: the live heap (MiB of nodes) and the parked goroutines.
type phase struct{ live, g int }

var (
	small  = phase{16, 0}
	withG  = phase{16, goroutines}
	large  = phase{64, 0}
	phases = []phase{large, small, withG} // withG last: dead Gs stay in allgs
)

type node struct {
	l, r, n *node
	v       int64
}

var live []*node

// build replaces the live heap by l MiB of linked nodes (gcbench.go's shape).
func build(l int) {
	live = nil
	cnt := l << 20 / 40
	live = make([]*node, cnt)
	rng := rand.New(rand.NewSource(1))
	for i := range live {
		nd := &node{v: int64(i)}
		if i > 0 {
			nd.n = live[i-1]
			nd.l = live[rng.Intn(i)]
			nd.r = live[rng.Intn(i)]
		}
		live[i] = nd
	}
}

// park blocks in a channel receive depth+1 frames down (gcbench.go's park).
//
//go:noinline
func park(ch chan struct{}, depth int) int {
	var buf [8]int64
	if depth > 0 {
		return park(ch, depth-1) + int(buf[depth])
	}
	<-ch
	return int(buf[0])
}

func cpuNs() int64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return r.Utime.Nano() + r.Stime.Nano()
}

// child: forced cycles in each phase; after each, a CYCLE line on stderr
// (the gctrace line of that cycle comes just before it).
func child() {
	var ms runtime.MemStats
	var ch chan struct{}
	built := 0
	for _, ph := range phases {
		if ph.live != built {
			build(ph.live)
			built = ph.live
		}
		if ch != nil {
			close(ch) // the previous phase's goroutines exit
			ch = nil
		}
		if ph.g > 0 {
			ch = make(chan struct{})
			for i := 0; i < ph.g; i++ {
				go park(ch, 2)
			}
			runtime.Gosched() // with one P, they all run to their receive first
		}
		for k := 0; k < warmup+measured; k++ {
			c0 := cpuNs()
			runtime.GC()
			c1 := cpuNs()
			runtime.ReadMemStats(&ms)
			fmt.Fprintf(os.Stderr, "CYCLE live=%d g=%d measured=%t heap=%d cpu=%d\n", ph.live, ph.g,
				k >= warmup, ms.HeapAlloc, c1-c0)
		}
	}
	if ch != nil {
		close(ch)
	}
	churn()
	runtime.KeepAlive(live)
}

// Background cycles: GOGC=100 and analysis/measure/gc/go/gcbench.go's
// mutator (1 KiB pointer-free and 128 B garbage at 1000 MB/s, paced by
// sleeps) on the last phase's 16 MiB heap for churnDur; the pacer starts the
// cycles (gctrace lines without "(forced)") between the CHURN lines.
const churnDur = time.Second

var (
	sink  []byte
	gsink [64]*[128]byte
)

func churn() {
	debug.SetGCPercent(100)
	runtime.GC()
	fmt.Fprintln(os.Stderr, "CHURN start")
	t0 := time.Now()
	var allocated int64
	for i := 1; ; i++ {
		sink = make([]byte, 1024)
		gsink[i&63] = new([128]byte)
		allocated += 1024 + 128
		if i&1023 == 0 {
			el := time.Since(t0)
			if el >= churnDur {
				break
			}
			if ahead := time.Duration(float64(allocated)/1e9*1e9) - el; ahead > 0 {
				time.Sleep(ahead)
			}
		}
	}
	fmt.Fprintln(os.Stderr, "CHURN end")
}

var (
	traceRe = regexp.MustCompile(`^gc \d+ @[\d.]+s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, ` +
		`([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, .*\(forced\)$`)
	bgRe = regexp.MustCompile(`^gc \d+ @[\d.]+s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, .* \d+ P$`)
	cycleRe = regexp.MustCompile(`^CYCLE live=(\d+) g=(\d+) measured=(true|false) heap=(\d+) cpu=(\d+)$`)
)

// A phase's measured cycles: ms of CPU, MiB of heap, us of the stops.
type figures struct{ markMs, cpuMs, liveMiB, sweepTerm, markTerm []float64 }

func num(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// parse pairs each measured CYCLE line with the gctrace line before it.
func parse(stderr []byte) (map[phase]*figures, error) {
	out := map[phase]*figures{}
	var last []string
	sc := bufio.NewScanner(bytes.NewReader(stderr))
	for sc.Scan() {
		line := sc.Text()
		if m := traceRe.FindStringSubmatch(line); m != nil {
			last = m
			continue
		}
		m := cycleRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if last == nil {
			return nil, fmt.Errorf("no gctrace line before %q", line)
		}
		if m[3] == "true" {
			ph := phase{int(num(m[1])), int(num(m[2]))}
			if out[ph] == nil {
				out[ph] = &figures{}
			}
			f := out[ph]
			f.markMs = append(f.markMs, num(last[5])+num(last[6])+num(last[7]))
			f.cpuMs = append(f.cpuMs, num(m[5])/1e6)
			f.liveMiB = append(f.liveMiB, num(m[4])/(1<<20))
			f.sweepTerm = append(f.sweepTerm, num(last[1])*1e3)
			f.markTerm = append(f.markTerm, num(last[3])*1e3)
		}
		last = nil
	}
	return out, nil
}

// parseChurn returns the clocks A and C (us) of the background cycles
// between the CHURN lines.
func parseChurn(stderr []byte) (a, c []float64) {
	in := false
	sc := bufio.NewScanner(bytes.NewReader(stderr))
	for sc.Scan() {
		switch line := sc.Text(); line {
		case "CHURN start":
			in = true
		case "CHURN end":
			in = false
		default:
			if m := bgRe.FindStringSubmatch(line); in && m != nil {
				a, c = append(a, num(m[1])*1e3), append(c, num(m[3])*1e3)
			}
		}
	}
	return a, c
}

func runChild() []byte {
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = append(os.Environ(), childEnv+"=1", "GODEBUG=gctrace=1", "GOMAXPROCS=1", "GOGC=off")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = os.Stdout, &stderr
	if err := cmd.Run(); err != nil {
		os.Stderr.Write(stderr.Bytes())
		fmt.Fprintln(os.Stderr, "gcmark: the measuring child failed:", err)
		os.Exit(1)
	}
	return stderr.Bytes()
}

// perMiB returns x[k] / mib[k] * 1e3: us per MiB from ms.
func perMiB(x, mib []float64) []float64 {
	out := make([]float64, len(x))
	for k := range x {
		out[k] = x[k] / mib[k] * 1e3
	}
	return out
}

// heapRates prints one heap's CPU and mark time per MiB.
func heapRates(ph phase, f *figures) {
	fmt.Printf("  live heap %d MiB of nodes: %.1f MiB reachable (HeapAlloc after the cycle)\n", ph.live,
		bench.StatsOf(f.liveMiB).Med)
	s := bench.StatsOf(perMiB(f.cpuMs, f.liveMiB))
	bench.PrintUnit(fmt.Sprintf("process CPU per runtime.GC(), per MiB, %d MiB", ph.live), "us", s)
	bench.Summary(fmt.Sprintf("go.gc.cpu_per_mib.%dMiB", ph.live), s.Med, "us",
		"getrusage across runtime.GC() / HeapAlloc: mark + sweep + stops, 1 P")
	s = bench.StatsOf(perMiB(f.markMs, f.liveMiB))
	bench.PrintUnit(fmt.Sprintf("gctrace mark time per MiB, %d MiB", ph.live), "us", s)
	bench.Summary(fmt.Sprintf("go.gc.mark_per_mib.%dMiB", ph.live), s.Med, "us",
		"gctrace assist+background+idle (P-time) / HeapAlloc, 1 P")
}

// perGoroutine prints the CPU the parked goroutines add to a cycle, per
// goroutine: in all, and less their heap objects at the base heap's rate.
func perGoroutine(base, with *figures) {
	c0, h0 := bench.StatsOf(base.cpuMs).Med, bench.StatsOf(base.liveMiB).Med
	rate := bench.StatsOf(perMiB(base.cpuMs, base.liveMiB)).Med / 1e3 // ms per MiB
	m0 := bench.StatsOf(base.markMs).Med
	var total, stack, heap, mark []float64
	for k := range with.cpuMs {
		dc, dh := with.cpuMs[k]-c0, with.liveMiB[k]-h0
		total = append(total, dc*1e3/goroutines)
		stack = append(stack, (dc-dh*rate)*1e3/goroutines)
		heap = append(heap, dh*(1<<20)/goroutines)
		mark = append(mark, (with.markMs[k]-m0)*1e3/goroutines)
	}
	bench.PrintUnit(fmt.Sprintf("heap per parked goroutine (%d of them)", goroutines), "B", bench.StatsOf(heap))
	bench.PrintUnit("gctrace mark time per parked goroutine", "us", bench.StatsOf(mark))
	s := bench.StatsOf(total)
	bench.PrintUnit("process CPU per parked goroutine", "us", s)
	bench.Summary("go.gc.goroutine_total", s.Med, "us", "CPU a parked goroutine adds to a cycle (stack + its heap objects)")
	s = bench.StatsOf(stack)
	bench.PrintUnit("  less its heap objects at the 16 MiB rate", "us", s)
	bench.Summary("go.gc.stack_scan", s.Med, "us", "CPU per parked goroutine beyond its heap objects")
}

func main() {
	if os.Getenv(childEnv) == "1" {
		child()
		return
	}
	fmt.Printf("gcmark: forced GC cycles on a pointer-dense live heap, GOMAXPROCS=1, GOGC=off, %s\n", runtime.Version())
	stderr := runChild()
	figs, err := parse(stderr)
	if err == nil && len(figs) != len(phases) {
		err = fmt.Errorf("measured %d of %d phases (no gctrace lines? GODEBUG=gctrace=1 is set for the child)",
			len(figs), len(phases))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gcmark:", err)
		os.Exit(1)
	}
	heapRates(small, figs[small])
	heapRates(large, figs[large])
	perGoroutine(figs[small], figs[withG])
	var a, c []float64
	for _, ph := range phases {
		a, c = append(a, figs[ph].sweepTerm...), append(c, figs[ph].markTerm...)
	}
	s := bench.StatsOf(a)
	bench.PrintUnit("sweep termination stop (gctrace clock A)", "us", s)
	bench.Summary("go.gc.sweep_term", s.Med, "us", "gctrace clock A, forced GC, 1 P, all phases")
	s = bench.StatsOf(c)
	bench.PrintUnit("mark termination stop (gctrace clock C)", "us", s)
	bench.Summary("go.gc.mark_term", s.Med, "us", "gctrace clock C, forced GC, 1 P, all phases")
	a, c = parseChurn(stderr)
	if len(a) < 3 {
		fmt.Fprintf(os.Stderr, "gcmark: %d background cycles in %v of churn (want 3 or more)\n", len(a), churnDur)
		os.Exit(1)
	}
	fmt.Printf("  background cycles (GOGC=100, gcbench's mutator at 1000 MB/s, 16 MiB heap): %d\n", len(a))
	s = bench.StatsOf(a)
	bench.PrintUnit("  sweep termination stop (gctrace clock A)", "us", s)
	bench.Summary("go.gc.bg_sweep_term", s.Med, "us", "gctrace clock A, background cycles, 1 P, 16 MiB")
	s = bench.StatsOf(c)
	bench.PrintUnit("  mark termination stop (gctrace clock C)", "us", s)
	bench.Summary("go.gc.bg_mark_term", s.Med, "us", "gctrace clock C, background cycles, 1 P, 16 MiB")
	bench.ReportBackground()
}
