// acceptstorm — a real Go server shaped like scenarios/syscall_storm.yaml
// (the accept loop of the gmp model: `for { c := ln.Accept(); go serve(c) }`),
// to check the model's prediction. The handler spins 50 us, blocks 20 ms in
// nanosleep(2) through syscall.Syscall, spins 50 us and answers one byte.
// A client process opens connections at a fixed rate (or, with "poisson",
// at exponentially distributed intervals of the same mean) on loopback and
// measures latency from each connection's scheduled time.
//
//	./acceptstorm server ADDR                      (run with GOMAXPROCS=N)
//	./acceptstorm client ADDR RATE SECS [poisson]  (prints p50/p99/max)
//
// The server prints its peak thread count when the client closes the
// control connection.
package main

import (
	"fmt"
	"gmpsim/measure/go/internal/bench"
	"math/rand"
	"net"
	"os"
	"sort"
	"sync"
	"syscall"
	"time"
)

func serve(c net.Conn) {
	buf := make([]byte, 1)
	c.Read(buf)
	bench.Spin(50 * time.Microsecond)
	ts := syscall.Timespec{Nsec: 20e6}
	syscall.Nanosleep(&ts, nil)
	bench.Spin(50 * time.Microsecond)
	c.Write(buf)
	c.Close()
}

func server(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		panic(err)
	}
	maxT := 0
	go func() {
		for {
			time.Sleep(50 * time.Millisecond)
			if n := int(bench.StatusField("self", "Threads")); n > maxT {
				maxT = n
			}
		}
	}()
	go func() {
		time.Sleep(60 * time.Second)
		fmt.Printf("server: threads_peak=%d\n", maxT)
		os.Exit(0)
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		go serve(c)
	}
}

func client(addr string, rate float64, secs float64, poisson bool) {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	dur := time.Duration(secs * float64(time.Second))
	period := time.Duration(float64(time.Second) / rate)
	failed := 0
	rng := rand.New(rand.NewSource(1))
	next := time.Duration(0)
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
				mu.Lock()
				failed++
				mu.Unlock()
				return
			}
			c.Write([]byte{1})
			b := make([]byte, 1)
			c.Read(b)
			c.Close()
			mu.Lock()
			lat = append(lat, time.Since(at))
			mu.Unlock()
		}(at)
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	n := len(lat)
	if n == 0 {
		fmt.Println("client: no responses")
		return
	}
	fmt.Printf("client: n=%d failed=%d p50=%v p99=%v max=%v\n", n, failed, lat[n/2], lat[n*99/100], lat[n-1])
}

func main() {
	if len(os.Args) >= 3 && os.Args[1] == "server" {
		server(os.Args[2])
		return
	}
	if len(os.Args) >= 5 && os.Args[1] == "client" {
		var rate, secs float64
		fmt.Sscanf(os.Args[3], "%g", &rate)
		fmt.Sscanf(os.Args[4], "%g", &secs)
		client(os.Args[2], rate, secs, len(os.Args) >= 6 && os.Args[5] == "poisson")
		return
	}
	fmt.Fprintln(os.Stderr, "usage: acceptstorm server ADDR | client ADDR RATE SECS [poisson]")
	os.Exit(2)
}
