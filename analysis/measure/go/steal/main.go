// steal: an estimate of gmp.steal and gmp.runqput.  The runtime's run-queue
// functions cannot be called from user code, so this program times a
// faithful copy of Go 1.19's lock-free per-P run queue (runtime/proc.go:
// runqput, runqget, runqgrab, runqsteal; a 256-slot ring with load-acquire /
// store-release head and tail and a CAS on the head, plus runnext), with the
// same memory layout as the runtime's p (runqhead, runqtail, runq[256],
// runnext).  It is a proxy: the real steal path (findRunnable -> stealWork)
// also walks the Ps in random order, checks their timers, and takes
// sched.lock-free counters; those parts are not included.
//
// Method:
//
//	local    one goroutine: runqput(next=false) then runqget, 1,000,000
//	         pairs per trial, 15 trials; per pair (ns).  Also runqput with
//	         next=true (CAS on runnext, old runnext to the ring) + runqget.
//	steal    GOMAXPROCS=2, two goroutines locked to threads pinned to two
//	         CPUs of two cores (the first allowed CPU: owner; the first
//	         allowed CPU of another core: thief; read back from the kernel,
//	         see placement), both spinning (no parking).  Each
//	         round: the owner puts 128 items into its queue and raises a
//	         flag; the thief sees it, then times one runqsteal (grabs 64 of
//	         them into its own ring, cache lines coming from the owner's
//	         core), drains its ring and answers; the owner drains the other
//	         64.  20,000 timed rounds, per-sample raw intervals; the
//	         SUMMARY values subtract the median of an empty timed interval
//	         (two back-to-back clock reads) measured in the same rounds.
//	empty    the thief's runqsteal on an empty victim queue whose head/tail
//	         the owner has just written (a failed steal attempt).
//	line     cross-core cache-line round trip: the two threads bounce one
//	         atomic counter; per one-way transfer (reference figure).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"gmpsim/measure/go/internal/bench"
)

// p mirrors the run-queue part of runtime.p.
type p struct {
	_        [64]byte
	runqhead uint32
	runqtail uint32
	runq     [256]uintptr
	runnext  uintptr
	_        [64]byte
}

func runqput(pp *p, gp uintptr, next bool) {
	if next {
	retryNext:
		oldnext := atomic.LoadUintptr(&pp.runnext)
		if !atomic.CompareAndSwapUintptr(&pp.runnext, oldnext, gp) {
			goto retryNext
		}
		if oldnext == 0 {
			return
		}
		gp = oldnext
	}
	h := atomic.LoadUint32(&pp.runqhead)
	t := pp.runqtail
	if t-h < uint32(len(pp.runq)) {
		pp.runq[t%uint32(len(pp.runq))] = gp
		atomic.StoreUint32(&pp.runqtail, t+1)
		return
	}
	panic("runq full (runqputslow not replicated)")
}

func runqget(pp *p) uintptr {
	next := atomic.LoadUintptr(&pp.runnext)
	if next != 0 && atomic.CompareAndSwapUintptr(&pp.runnext, next, 0) {
		return next
	}
	for {
		h := atomic.LoadUint32(&pp.runqhead)
		t := pp.runqtail
		if t == h {
			return 0
		}
		gp := pp.runq[h%uint32(len(pp.runq))]
		if atomic.CompareAndSwapUint32(&pp.runqhead, h, h+1) {
			return gp
		}
	}
}

func runqgrab(pp *p, batch *[256]uintptr, batchHead uint32) uint32 {
	for {
		h := atomic.LoadUint32(&pp.runqhead)
		t := atomic.LoadUint32(&pp.runqtail)
		n := t - h
		n = n - n/2
		if n == 0 {
			return 0 // (runnext stealing with its usleep(3) not replicated)
		}
		if n > uint32(len(pp.runq)/2) {
			continue
		}
		for i := uint32(0); i < n; i++ {
			batch[(batchHead+i)%uint32(len(batch))] = pp.runq[(h+i)%uint32(len(pp.runq))]
		}
		if atomic.CompareAndSwapUint32(&pp.runqhead, h, h+n) {
			return n
		}
	}
}

func runqsteal(pp, p2 *p) uintptr {
	t := pp.runqtail
	n := runqgrab(p2, &pp.runq, t)
	if n == 0 {
		return 0
	}
	n--
	gp := pp.runq[(t+n)%uint32(len(pp.runq))]
	if n == 0 {
		return gp
	}
	atomic.StoreUint32(&pp.runqtail, t+n)
	return gp
}

// placement: where the owner and the thief run.  A failed steal costs a
// cache-line transfer from another CPU's cache, so the two must be on two
// CPUs of two cores: pinned (sched_setaffinity), read back from the kernel
// (sched_getaffinity after pinning, getcpu every 64 rounds), and chosen from
// this process's allowed CPUs, not assumed to be CPU0 and CPU1.  What the
// guest cannot see is where a hypervisor runs its vCPUs: two vCPUs of a
// KVM guest may share a cache on the host or not, and the transfer then
// costs ~10-40 ns or ~130-150 ns (README "steal is bimodal").
type placement struct {
	owner, thief int
	checks       [2]int64 // getcpu read-backs, owner and thief
	off          [2]int64 // read-backs that found the thread elsewhere
}

func affinity() (mask [16]uint64, err syscall.Errno) {
	_, _, err = syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask)))
	return
}

// core names a CPU's core from sysfs ("package:core"), "" when unknown.
func core(cpu int) string {
	rd := func(f string) string {
		b, err := os.ReadFile(fmt.Sprintf("/sys/devices/system/cpu/cpu%d/topology/%s", cpu, f))
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	pkg, id := rd("physical_package_id"), rd("core_id")
	if pkg == "" || id == "" {
		return ""
	}
	return pkg + ":" + id
}

// pickCPUs: the first allowed CPU, and the first other allowed CPU on another
// core (not its SMT sibling), else any other allowed CPU; ok false when only
// one CPU is allowed.
func pickCPUs() (a, b int, ok bool) {
	mask, err := affinity()
	if err != 0 {
		return 0, 0, false
	}
	var cpus []int
	for c := 0; c < len(mask)*64; c++ {
		if mask[c/64]&(1<<(c%64)) != 0 {
			cpus = append(cpus, c)
		}
	}
	if len(cpus) < 2 {
		return 0, 0, false
	}
	a, b = cpus[0], cpus[1]
	for _, c := range cpus[1:] {
		if core(c) != core(a) || core(a) == "" {
			return a, c, true
		}
	}
	return a, b, true
}

func getcpu() int {
	var cpu, node uint32
	syscall.RawSyscall(309 /* SYS_getcpu, amd64 */, uintptr(unsafe.Pointer(&cpu)), uintptr(unsafe.Pointer(&node)), 0)
	return int(cpu)
}

// pin locks the goroutine to its thread and the thread to cpu, and reads the
// affinity back; it panics when the kernel did not do it (the figures would
// be meaningless).
func pin(cpu int) {
	runtime.LockOSThread()
	var mask [16]uint64
	mask[cpu/64] = 1 << (cpu % 64)
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask)))
	if e != 0 {
		panic(fmt.Sprintf("sched_setaffinity(CPU%d): %v", cpu, e))
	}
	if got, e := affinity(); e != 0 || got != mask {
		panic(fmt.Sprintf("sched_getaffinity after pinning to CPU%d: %v %x", cpu, e, got[0]))
	}
	for getcpu() != cpu { // the kernel moves the thread at its next switch
		runtime.Gosched()
	}
}

// check records where the thread is (who: 0 owner, 1 thief).
func (pl *placement) check(who int) {
	want := pl.owner
	if who == 1 {
		want = pl.thief
	}
	pl.checks[who]++
	if getcpu() != want {
		pl.off[who]++
	}
}

var gs [256]struct{ x [64]byte } // stand-ins for g structs

func g(i int) uintptr { return uintptr(unsafe.Pointer(&gs[i%256])) }

func main() {
	fmt.Printf("steal: replica of Go 1.19's per-P run queue, %s\n", runtime.Version())
	const trials = 15

	runtime.GOMAXPROCS(1)
	var local p
	var putget, putnext []float64
	for t := 0; t < trials+1; t++ {
		const n = 1000000
		t0 := bench.Now()
		for i := 0; i < n; i++ {
			runqput(&local, g(i), false)
			runqget(&local)
		}
		t1 := bench.Now()
		for i := 0; i < n; i++ {
			runqput(&local, g(i), true)
			runqget(&local)
		}
		t2 := bench.Now()
		if t > 0 {
			putget = append(putget, float64(t1-t0)/n)
			putnext = append(putnext, float64(t2-t1)/n)
		}
	}

	s := bench.StatsOf(putget)
	bench.Print("local runqput + runqget (ring)", s)
	bench.Summary("go.runq.putget", s.Med, "ns", "replica: runqput(next=false)+runqget, one P, per pair")
	s = bench.StatsOf(putnext)
	bench.Print("local runqput(next) + runqget (runnext)", s)

	var pl placement
	var ok bool
	if pl.owner, pl.thief, ok = pickCPUs(); !ok {
		fmt.Println("  placement: this process may run on one CPU only: no steal from another CPU to measure")
		bench.ReportBackground()
		return
	}
	runtime.GOMAXPROCS(2)
	const rounds, warm, block = 20000, 500, 2000
	var owner, thief p
	var flag int32
	steal := make([]float64, 0, rounds)
	empty := make([]float64, 0, rounds)
	null := make([]float64, 0, rounds)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // owner
		defer wg.Done()
		pin(pl.owner)
		for r := 0; r < rounds+warm; r++ {
			if r%64 == 0 {
				pl.check(0)
			}
			for i := 0; i < 128; i++ {
				runqput(&owner, g(i), false)
			}
			atomic.StoreInt32(&flag, 1)
			for atomic.LoadInt32(&flag) != 2 {
			}
			for runqget(&owner) != 0 {
			}
			atomic.StoreInt32(&flag, 3) // owner's queue is empty, head/tail just written here
			for atomic.LoadInt32(&flag) != 4 {
			}
		}
	}()
	go func() { // thief
		defer wg.Done()
		pin(pl.thief)
		for r := 0; r < rounds+warm; r++ {
			if r%64 == 0 {
				pl.check(1)
			}
			for atomic.LoadInt32(&flag) != 1 {
			}
			t0 := bench.Now()
			gp := runqsteal(&thief, &owner)
			t1 := bench.Now()
			if gp == 0 {
				panic("steal found nothing")
			}
			for runqget(&thief) != 0 {
			}
			atomic.StoreInt32(&flag, 2)
			for atomic.LoadInt32(&flag) != 3 {
			}
			t2 := bench.Now()
			gp = runqsteal(&thief, &owner)
			t3 := bench.Now()
			if gp != 0 {
				panic("steal from an empty queue found something")
			}
			atomic.StoreInt32(&flag, 4)
			t4 := bench.Now()
			t5 := bench.Now()
			if r >= warm {
				steal = append(steal, float64(t1-t0))
				empty = append(empty, float64(t3-t2))
				null = append(null, float64(t5-t4))
			}
		}
	}()
	wg.Wait()

	// cache-line ping-pong between the two pinned threads
	var line struct {
		_ [64]byte
		v int64
		_ [64]byte
	}
	var lines []float64
	wg.Add(2)
	const bounces = 200000
	go func() {
		defer wg.Done()
		pin(pl.owner)
		for tr := 0; tr < trials; tr++ {
			t0 := bench.Now()
			for i := int64(0); i < bounces; i++ {
				for atomic.LoadInt64(&line.v) != 2*(int64(tr)*bounces+i) {
				}
				atomic.AddInt64(&line.v, 1)
			}
			lines = append(lines, float64(bench.Now()-t0)/(2*bounces))
		}
	}()
	go func() {
		defer wg.Done()
		pin(pl.thief)
		for j := int64(0); j < trials*bounces; j++ {
			for atomic.LoadInt64(&line.v) != 2*j+1 {
			}
			atomic.AddInt64(&line.v, 1)
		}
	}()
	wg.Wait()

	fmt.Printf("  placement: owner on CPU%d (core %s), thief on CPU%d (core %s); getcpu read back %d/%d times, off their CPU %d/%d\n",
		pl.owner, core(pl.owner), pl.thief, core(pl.thief), pl.checks[0], pl.checks[1], pl.off[0], pl.off[1])
	sn := bench.StatsOf(null)
	bench.PrintP99("empty timed interval (clock baseline)", sn)
	if pl.off[0]+pl.off[1] > 0 || (core(pl.owner) == core(pl.thief) && core(pl.owner) != "") {
		fmt.Println("  placement: the two threads were not on two cores throughout: no steal figure")
		bench.ReportBackground()
		return
	}
	s = bench.StatsOf(steal)
	bench.PrintP99("steal of 64 from a freshly filled remote queue", s)
	bench.Summary("go.runq.steal64", s.Med-sn.Med, "ns", "replica: runqsteal of half of 128 queued on the other core, minus baseline")
	s = bench.StatsOf(empty)
	bench.PrintP99("failed steal attempt (empty remote queue)", s)
	var blocks []float64
	for b := 0; b+block <= len(empty); b += block {
		blocks = append(blocks, bench.StatsOf(empty[b:b+block]).Med-sn.Med)
	}
	sb := bench.StatsOf(blocks)
	fmt.Printf("  failed steal, median of each %d-round block minus baseline: min %.0f  max %.0f ns (%d blocks)\n",
		block, sb.Min, sb.Max, sb.N)
	bench.Summary("go.runq.steal_empty", s.Med-sn.Med, "ns", "replica: runqsteal on an empty queue written by the other core, minus baseline")
	s = bench.StatsOf(lines)
	bench.Print(fmt.Sprintf("cache line one-way transfer, CPU%d<->CPU%d", pl.owner, pl.thief), s)
	bench.Summary("go.cacheline.transfer", s.Med, "ns", "atomic counter ping-pong, per one-way transfer")
	bench.ReportBackground()
}
