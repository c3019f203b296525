// syscall: a non-blocking netpoll(0), the scheduler's share of a syscall,
// and SIGURG to self, in the Go 1.19 runtime, for gmpsim's
// models.gmp.netpoll (`gmpsim calibrate`'s go family;
// analysis/calibrate/measure.sh builds and runs it).
//
// What the parameter stands for.  The gmp model charges models.gmp.netpoll
// as kernel time for every non-blocking poll: findRunnable's netpoll(0)
// before stealing (models/gmp/gmp.c: find_local), sysmon's poll after 10 ms
// (gmp_sysmon.c) and an epoll_wait that returns at once (gmp.c:
// block_or_stop); no kernel.syscall is added to it.  In the runtime that is
//
//	netpoll_epoll.go:netpoll(0)   waitms = 0; var events [128]epollevent;
//	                              n := epollwait(epfd, &events[0], 128, 0)
//	sys_linux_amd64.s:epollwait   a bare SYSCALL of SYS_epoll_pwait with a
//	                              nil sigmask: no entersyscall/exitsyscall
//
// on the runtime's epoll fd, which always holds netpollBreakRd
// (netpoll_epoll.go:netpollinit) besides the program's idle sockets.  User
// code cannot call runtime.netpoll, and making the scheduler call it (a
// goroutine parked on a socket, every findRunnable that finds nothing else)
// would time the whole of findRunnable; so this program makes the same
// system call the same way: syscall.RawSyscall6(SYS_EPOLL_PWAIT, epfd, ev,
// 128, 0, 0, 0) — RawSyscall6 does not enter the scheduler either
// (runtime/internal/syscall.Syscall6, a bare SYSCALL; unlike
// syscall.Syscall it calls no entersyscall, syscall/syscall_linux.go) — on
// an epoll fd with one idle pipe registered (the break pipe's equivalent;
// `1fd`, the figure calibrate uses) and on an empty one.  The figure therefore includes the kernel entry and exit, as
// the model's netpoll does.  Not included: netpoll's loop over ready events
// (none are ready: that is the non-blocking poll that finds nothing, the
// common case) and findRunnable's atomic loads around it (a few ns).
//
// Also measured (reference figures, not calibrated): syscall.Syscall
// against syscall.RawSyscall of getppid (the difference is entersyscall +
// exitsyscall, fast path), and tgkill(self, SIGURG) with the runtime's own
// handler (sigtramp → sighandler → doSigPreempt, which finds no preemption
// request), on a thread locked with LockOSThread.
//
// Method: 15 trials; in each, every case runs its calls back to back
// (20,000 syscalls, 5,000 signals), cases interleaved; the value of a
// trial is its mean per call.  Output: a line per case (median, p10/p90,
// min/max over the trials), SUMMARY lines, and the background line.
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"gmpsim/measure/go/internal/bench"
)

const (
	trials  = 15
	ncalls  = 20000
	nsignal = 5000
)

var events [128]syscall.EpollEvent

// epollFd returns a new epoll fd, with the read end of a new pipe
// registered (EPOLLIN, never ready) when withFd.
func epollFd(withFd bool) int {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		fmt.Fprintln(os.Stderr, "syscall: epoll_create1:", err)
		os.Exit(1)
	}
	if withFd {
		var p [2]int
		if err := syscall.Pipe2(p[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
			fmt.Fprintln(os.Stderr, "syscall: pipe2:", err)
			os.Exit(1)
		}
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p[0])}
		if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p[0], &ev); err != nil {
			fmt.Fprintln(os.Stderr, "syscall: epoll_ctl:", err)
			os.Exit(1)
		}
	}
	return epfd
}

// netpoll0 is netpoll(0)'s system call, n times; ns per call.
func netpoll0(epfd, n int) float64 {
	ev := uintptr(unsafe.Pointer(&events[0]))
	t0 := bench.Now()
	for i := 0; i < n; i++ {
		r, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), ev, uintptr(len(events)), 0, 0, 0)
		if e != 0 || r != 0 {
			fmt.Fprintf(os.Stderr, "syscall: epoll_pwait returned %d, errno %d: expected 0 ready\n", r, e)
			os.Exit(1)
		}
	}
	return float64(bench.Now()-t0) / float64(n)
}

func getppid(n int, raw bool) float64 {
	t0 := bench.Now()
	for i := 0; i < n; i++ {
		if raw {
			syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0)
		} else {
			syscall.Syscall(syscall.SYS_GETPPID, 0, 0, 0)
		}
	}
	return float64(bench.Now()-t0) / float64(n)
}

// sigurg sends SIGURG to the calling (locked) thread n times; ns per signal.
func sigurg(pid, tid, n int) float64 {
	t0 := bench.Now()
	for i := 0; i < n; i++ {
		syscall.Tgkill(pid, tid, syscall.SIGURG)
	}
	return float64(bench.Now()-t0) / float64(n)
}

func main() {
	runtime.LockOSThread()
	fmt.Printf("syscall: scheduler overhead of a syscall; netpoll(0); SIGURG to self; GOMAXPROCS=%d, %s\n",
		runtime.GOMAXPROCS(0), runtime.Version())
	empty, one := epollFd(false), epollFd(true)
	pid, tid := syscall.Getpid(), syscall.Gettid()
	netpoll0(one, ncalls) // warm-up
	var sc, raw, diff, pe, p1, sig, sigd []float64
	for t := 0; t < trials; t++ {
		s, r := getppid(ncalls, false), getppid(ncalls, true)
		sc, raw, diff = append(sc, s), append(raw, r), append(diff, s-r)
		pe, p1 = append(pe, netpoll0(empty, ncalls)), append(p1, netpoll0(one, ncalls))
		g := sigurg(pid, tid, nsignal)
		sig, sigd = append(sig, g), append(sigd, g-r)
	}
	s := bench.StatsOf(sc)
	bench.Print("Syscall(getppid)", s)
	bench.Summary("go.syscall.getppid", s.Med, "ns", "syscall.Syscall: entersyscall+syscall+exitsyscall")
	s = bench.StatsOf(raw)
	bench.Print("RawSyscall(getppid)", s)
	bench.Summary("go.rawsyscall.getppid", s.Med, "ns", "syscall.RawSyscall: the kernel entry/exit alone")
	s = bench.StatsOf(diff)
	bench.Print("difference: entersyscall+exitsyscall", s)
	bench.Summary("go.entersyscall_exitsyscall", s.Med, "ns", "per-trial Syscall - RawSyscall, fast path")
	s = bench.StatsOf(pe)
	bench.Print("epoll_pwait(timeout 0), empty epoll set", s)
	bench.Summary("go.netpoll0.empty", s.Med, "ns", "RawSyscall6(epoll_pwait, 0 timeout), no fds registered")
	s = bench.StatsOf(p1)
	bench.Print("epoll_pwait(timeout 0), 1 idle fd", s)
	bench.Summary("go.netpoll0.1fd", s.Med, "ns", "RawSyscall6(epoll_pwait, 0 timeout), one idle pipe fd")
	s = bench.StatsOf(sig)
	bench.Print("tgkill(self, SIGURG) incl. Go handler", s)
	bench.Summary("go.sigurg.self", s.Med, "ns", "tgkill to own thread + delivery + Go sighandler + sigreturn")
	s = bench.StatsOf(sigd)
	bench.Print("  minus RawSyscall(getppid)", s)
	bench.Summary("go.sigurg.delivery", s.Med, "ns", "delivery + Go sighandler + rt_sigreturn")
	bench.ReportBackground()
}
