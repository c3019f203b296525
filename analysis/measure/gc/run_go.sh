#!/bin/bash
# Go 1.19 GC sweep: L x N x GOMAXPROCS x REPS. Raw gctrace to raw/go/
set -e
cd "$(dirname "$0")"
export PATH=/usr/lib/go-1.19/bin:$PATH
REPS=${REPS:-3}
(cd go && go build -o gcbench .)
mkdir -p raw/go
for rep in $(seq 1 $REPS); do
 for P in 1 2; do
  for L in 16 64 256; do
   for N in 0 1000 10000 100000; do
    dur=3; [ $L = 256 ] && dur=5
    f=raw/go/L${L}_N${N}_P${P}_r${rep}.log
    GODEBUG=gctrace=1 GOMAXPROCS=$P ./go/gcbench -live $L -g $N -dur $dur -rate 300 2> $f
    echo "$(date -u +%T) $f $(grep 'MEASURE END' $f)"
   done
  done
 done
done
