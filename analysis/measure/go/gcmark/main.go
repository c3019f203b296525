// gcmark: the Go 1.19 collector's mark CPU per MiB of live heap and its two
// stop-the-world phases, in about 3 s, for gmpsim's gc.go.mark_per_mib,
// gc.go.sweep_term and gc.go.mark_term (`gmpsim calibrate`'s go family;
// analysis/calibrate/measure.sh builds and runs it).  The long sweep over
// heap sizes, goroutine counts and GOMAXPROCS is analysis/measure/gc.
//
// What the parameters stand for.  The gmp model's mark work is the reachable
// heap (gc.live_heap plus what live tasks allocated) at gc.go.mark_per_mib
// of CPU per MiB, whoever does it (models/gmp/gmp_gc.c: mark_begin,
// ns_per_byte); the two stops cost gc.go.sweep_term and gc.go.mark_term of
// work besides the stop itself.  So this program gives the collector a
// known, fixed live heap, no garbage and an idle mutator, and reads the
// runtime's own accounting of each forced cycle from GODEBUG=gctrace=1
// (runtime/mgc.go:gcMarkTermination prints it):
//
//	gc N @T s X%: A+B+C ms clock, D+E/F/G+H ms cpu, H0->H1->Z MB, ...  (forced)
//
// A and C are the sweep-termination and mark-termination stops (clock);
// E+F+G is the mark CPU: assists + dedicated/fractional workers + idle
// workers (mgc.go: gcController.assistTime, dedicatedMarkTime +
// fractionalMarkTime, idleMarkTime).  With GOMAXPROCS=1 and the only
// goroutine parked in runtime.GC (gcWaitOnMark), the idle P runs the idle
// mark worker (proc.go:findRunnable, gcController.addIdleMarkWorker) until
// the work is drained: every ms of it is marking, and with one P it is not
// inflated by a second P's idle time (analysis/measure/gc/README.md's
// caveat).  The live heap is runtime.MemStats.HeapAlloc right after
// runtime.GC() (which sweeps everything before returning, mgc.go:GC), so
// only reachable objects are counted.  As a cross-check the process CPU
// (getrusage) per runtime.GC() is printed too; it also includes the sweep.
//
// The heap is analysis/measure/gc/go/gcbench.go's: L MiB of 32-byte nodes
// {l, r, n *node; v int64} (3 pointers, pointer-dense), each linked to the
// previous node and to 2 random earlier ones (math/rand seed 1), rooted in
// one []*node: 40 B per node in all.  L = 16 and 64 MiB; the mark rate
// falls on heaps far beyond the caches (256 MiB in analysis/measure/gc), so
// the figure is for heaps of tens of MiB.  gc.go.mark_per_mib is taken from
// L = 64 MiB: fixed per-cycle costs (roots, globals, the workers' start)
// weigh least there.
//
// Method: the program runs itself as a child with GODEBUG=gctrace=1,
// GOMAXPROCS=1 and GOGC=off (so only forced cycles happen) and reads the
// child's stderr.  The child builds each heap, forces 2 warm-up cycles,
// then 9 measured ones, printing its own line after each.  Output: a line
// per figure (median, p10/p90, min/max over the 9 cycles), SUMMARY lines,
// and the background line.
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
	"strconv"
	"syscall"

	"gmpsim/measure/go/internal/bench"
)

const (
	warmup   = 2
	measured = 9
	childEnv = "GMPSIM_GCMARK_CHILD"
)

var heaps = []int{16, 64} // MiB

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

func cpuNs() int64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return r.Utime.Nano() + r.Stime.Nano()
}

// child: forced cycles on each heap; after each, a CYCLE line on stderr
// (the gctrace line of that cycle comes just before it).
func child() {
	var ms runtime.MemStats
	for _, l := range heaps {
		build(l)
		for k := 0; k < warmup+measured; k++ {
			c0 := cpuNs()
			runtime.GC()
			c1 := cpuNs()
			runtime.ReadMemStats(&ms)
			fmt.Fprintf(os.Stderr, "CYCLE live=%d measured=%t heap=%d cpu=%d\n", l, k >= warmup, ms.HeapAlloc, c1-c0)
		}
	}
	runtime.KeepAlive(live)
}

var (
	traceRe = regexp.MustCompile(`^gc \d+ @[\d.]+s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, ` +
		`([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, .*\(forced\)$`)
	cycleRe = regexp.MustCompile(`^CYCLE live=(\d+) measured=(true|false) heap=(\d+) cpu=(\d+)$`)
)

type figures struct{ perMiB, sweepTerm, markTerm, markMs, liveMiB, rusage []float64 }

func num(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// parse pairs each CYCLE line with the gctrace line before it.
func parse(stderr []byte) (map[int]*figures, error) {
	out := map[int]*figures{}
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
		if m[2] == "true" {
			l := int(num(m[1]))
			if out[l] == nil {
				out[l] = &figures{}
			}
			f := out[l]
			mark := num(last[5]) + num(last[6]) + num(last[7])
			mib := num(m[3]) / (1 << 20)
			f.markMs = append(f.markMs, mark)
			f.liveMiB = append(f.liveMiB, mib)
			f.perMiB = append(f.perMiB, mark/mib*1e3) // us of mark CPU per MiB
			f.sweepTerm = append(f.sweepTerm, num(last[1])*1e3) // us
			f.markTerm = append(f.markTerm, num(last[3])*1e3)
			f.rusage = append(f.rusage, num(m[4])/1e3)
		}
		last = nil
	}
	return out, nil
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

func main() {
	if os.Getenv(childEnv) == "1" {
		child()
		return
	}
	fmt.Printf("gcmark: forced GC cycles on a pointer-dense live heap, GOMAXPROCS=1, GOGC=off, %s\n", runtime.Version())
	figs, err := parse(runChild())
	if err == nil && len(figs) != len(heaps) {
		err = fmt.Errorf("measured %d of %d heaps (no gctrace lines? GODEBUG=gctrace=1 is set for the child)", len(figs), len(heaps))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gcmark:", err)
		os.Exit(1)
	}
	for _, l := range heaps {
		f := figs[l]
		live := bench.StatsOf(f.liveMiB).Med
		fmt.Printf("  live heap %d MiB of nodes: %.1f MiB reachable (HeapAlloc after the cycle)\n", l, live)
		bench.PrintUnit(fmt.Sprintf("mark CPU per cycle, %d MiB", l), "ms", bench.StatsOf(f.markMs))
		s := bench.StatsOf(f.perMiB)
		bench.PrintUnit(fmt.Sprintf("mark CPU per MiB live, %d MiB", l), "us", s)
		bench.Summary(fmt.Sprintf("go.gc.mark_per_mib.%dMiB", l), s.Med, "us",
			"gctrace assist+background+idle mark CPU / HeapAlloc, forced GC, 1 P")
		bench.PrintUnit(fmt.Sprintf("process CPU per runtime.GC(), per MiB, %d MiB", l), "us",
			bench.StatsOf(div(f.rusage, f.liveMiB)))
	}
	all := figs[heaps[len(heaps)-1]]
	s := bench.StatsOf(append(append([]float64{}, figs[heaps[0]].sweepTerm...), all.sweepTerm...))
	bench.PrintUnit("sweep termination stop (clock A)", "us", s)
	bench.Summary("go.gc.sweep_term", s.Med, "us", "gctrace clock A, forced GC, 1 P, both heaps")
	s = bench.StatsOf(append(append([]float64{}, figs[heaps[0]].markTerm...), all.markTerm...))
	bench.PrintUnit("mark termination stop (clock C)", "us", s)
	bench.Summary("go.gc.mark_term", s.Med, "us", "gctrace clock C, forced GC, 1 P, both heaps")
	bench.ReportBackground()
}

func div(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] / b[i]
	}
	return out
}
