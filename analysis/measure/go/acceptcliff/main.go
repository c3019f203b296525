// acceptcliff — sysmon's 10 ms trap with and without an accept goroutine, in
// real go1.19. The handler spins S1, blocks SL in nanosleep(2) through
// syscall.Nanosleep (entersyscall/exitsyscall), spins S2.
//
//	S1=150us SL=5ms S2=150us GOMAXPROCS=8 ./acceptcliff gen RATE SECS
//	    in-process Poisson generator: time.Sleep, then go handle()
//	S1=150us SL=5ms S2=150us GOMAXPROCS=8 ./acceptcliff server ADDR
//	    accept loop `for { c := ln.Accept(); go serve(c) }`; serve answers
//	    one byte and closes (no read: the request is the connection)
//	GOMAXPROCS=2 ./acceptcliff client ADDR RATE SECS [poisson]
//	    opens connections at RATE on loopback; latency from the scheduled time
//
// Build with -overlay and sysmon_counters.patch applied to a copy of
// runtime/proc.go to see sysmon's cycles, how many ran at the 10 ms delay,
// its retakes (and sysretakes: schedtick unchanged for forcePreemptNS), and
// how often its netpoll found a G (the accept goroutine).
package main

import (
	"fmt"
	"math/rand"
	"net"
	"os"
	"sort"
	"sync"
	"syscall"
	"time"
)

func spin(d time.Duration) {
	t := time.Now()
	for time.Since(t) < d {
	}
}

var s1, sl, s2 time.Duration

func serve(c net.Conn) {
	spin(s1)
	ts := syscall.NsecToTimespec(int64(sl))
	syscall.Nanosleep(&ts, nil)
	spin(s2)
	c.Write([]byte{1})
	c.Close()
}

func server(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		panic(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(c)
	}
}

func client(addr string, rate, secs float64, poisson bool) {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	dur := time.Duration(secs * float64(time.Second))
	period := time.Duration(float64(time.Second) / rate)
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	next := time.Duration(0)
	failed := 0
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * period)
		if poisson {
			at = start.Add(next)
			next += time.Duration(rng.ExpFloat64() * float64(period))
		}
		if at.Sub(start) >= dur {
			break
		}
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func(at time.Time) {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				mu.Lock(); failed++; mu.Unlock()
				return
			}
			b := make([]byte, 1)
			c.Read(b)
			c.Close()
			mu.Lock()
			lat = append(lat, time.Since(at))
			mu.Unlock()
		}(at)
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	n := len(lat)
	fmt.Printf("client: rate=%g n=%d failed=%d thru=%.0f/s p50=%v p90=%v p99=%v max=%v\n", rate, n, failed, float64(n)/el.Seconds(), lat[n/2], lat[n*90/100], lat[n*99/100], lat[n-1])
}

func gen(rate, secs float64) {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	dur := time.Duration(secs * float64(time.Second))
	period := float64(time.Second) / rate
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	next := time.Duration(0)
	for {
		at := start.Add(next)
		next += time.Duration(rng.ExpFloat64() * period)
		if at.Sub(start) >= dur {
			break
		}
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func(at time.Time) {
			defer wg.Done()
			spin(s1)
			ts := syscall.NsecToTimespec(int64(sl))
			syscall.Nanosleep(&ts, nil)
			spin(s2)
			mu.Lock()
			lat = append(lat, time.Since(at))
			mu.Unlock()
		}(at)
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	n := len(lat)
	fmt.Printf("gen: rate=%g n=%d thru=%.0f/s p50=%v p90=%v p99=%v max=%v\n", rate, n, float64(n)/el.Seconds(), lat[n/2], lat[n*90/100], lat[n*99/100], lat[n-1])
}

func main() {
	s1, _ = time.ParseDuration(os.Getenv("S1"))
	sl, _ = time.ParseDuration(os.Getenv("SL"))
	s2, _ = time.ParseDuration(os.Getenv("S2"))
	if os.Args[1] == "gen" {
		var rate, secs float64
		fmt.Sscanf(os.Args[2], "%g", &rate)
		fmt.Sscanf(os.Args[3], "%g", &secs)
		gen(rate, secs)
		return
	}
	if os.Args[1] == "server" {
		server(os.Args[2])
		return
	}
	var rate, secs float64
	fmt.Sscanf(os.Args[3], "%g", &rate)
	fmt.Sscanf(os.Args[4], "%g", &secs)
	client(os.Args[2], rate, secs, len(os.Args) > 5 && os.Args[5] == "poisson")
}
