// gcbench: pointer-dense live heap of L MiB + N blocked goroutines + steady garbage allocation.
// Run with GODEBUG=gctrace=1; cycles after the "MEASURE START" line on stderr are the measured window.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"time"
)

// 32-byte object, 3 pointer words + 1 scalar: pointer-dense.
type node struct {
	l, r, n *node
	v       int64
}

var (
	live  []*node // root slice (8 B/entry, also scanned)
	sink  []byte
	gsink [64]*[128]byte
)

//go:noinline
func park(ch chan struct{}, depth int) int {
	var buf [8]int64 // shallow frame with a little data
	if depth > 0 {
		return park(ch, depth-1) + int(buf[depth])
	}
	<-ch
	return int(buf[0])
}

func main() {
	L := flag.Int("live", 64, "live heap MiB (nodes 32B + 8B root-slice slot)")
	N := flag.Int("g", 0, "blocked goroutines")
	dur := flag.Float64("dur", 3, "measured seconds")
	rate := flag.Float64("rate", 1000, "garbage alloc rate MB/s (0=unlimited)")
	flag.Parse()

	cnt := *L << 20 / 40
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
	ch := make(chan struct{})
	for i := 0; i < *N; i++ {
		go park(ch, 2)
	}
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	fmt.Fprintf(os.Stderr, "MEASURE START live=%d g=%d procs=%d\n", *L, *N, runtime.GOMAXPROCS(0))
	t0 := time.Now()
	var allocated int64
	const chunk = 1024
	i := 0
	for {
		// mix of small pointer-free garbage and small pointerful garbage
		sink = make([]byte, chunk)
		gsink[i&63] = new([128]byte)
		i++
		allocated += chunk + 128
		if i&1023 == 0 {
			el := time.Since(t0).Seconds()
			if el >= *dur {
				break
			}
			if *rate > 0 {
				ahead := float64(allocated)/(*rate*1e6) - el
				if ahead > 0 {
					time.Sleep(time.Duration(ahead * 1e9))
				}
			}
		}
	}
	el := time.Since(t0).Seconds()
	runtime.ReadMemStats(&ms1)
	fmt.Fprintf(os.Stderr, "MEASURE END wall=%.3f allocMB=%.1f rateMBs=%.1f numgc=%d pauseTotalNs=%d liveobjs=%d\n",
		el, float64(allocated)/1e6, float64(allocated)/1e6/el, ms1.NumGC-ms0.NumGC, ms1.PauseTotalNs-ms0.PauseTotalNs, len(live))
	runtime.KeepAlive(ch)
}
