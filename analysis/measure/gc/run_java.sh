#!/bin/bash
# JVM (OpenJDK 17) young-GC pause / safepoint sweep. Raw unified logs to raw/java/
set -e
cd "$(dirname "$0")"
REPS=${REPS:-3}
(cd java && javac GcBench.java)
mkdir -p raw/java
SECS=3; RATE=300
run() { # gc T K R rep
  local gc=$1 T=$2 K=$3 R=$4 rep=$5
  local f=raw/java/${gc}_T${T}_K${K}_R${R}_r${rep}.log
  java -XX:+Use${gc}GC -Xms1g -Xmx1g -Xmn64m -Xss256k -XX:-UsePerfData \
       -Xlog:gc,gc+heap=debug,safepoint:file=$f:uptime,tags \
       -cp java GcBench $T $K $R $SECS $RATE > $f.out 2>&1
  echo "$(date -u +%T) $f $(grep 'MEASURE END' $f.out)"
}
for rep in $(seq 1 $REPS); do
  for gc in Parallel G1; do
    for T in 10 100 1000 4000; do run $gc $T 0 0 $rep; done      # A: pause / TTSP vs threads
    for K in 1 2; do run $gc 100 $K 0 $rep; done                  # B: TTSP vs busy threads (K=0 is in A)
    for R in 4 16 32; do run $gc 100 0 $R $rep; done              # C: copy cost vs survivors (R=0 is in A)
  done
done
