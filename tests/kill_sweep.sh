#!/bin/sh
# tests/kill_sweep.sh [KILLS] — issue 12 D10 (KILLS: default $KILL_SWEEP_KILLS, else 20): kill -9 a sweep at random
# moments, KILLS times (default 20), resuming after each kill, and show
# that every finished run survives: after each kill, the runs committed
# in OUT.tmp-partial are counted, and the next `--resume` must keep all of
# them; at the end the resumed database must equal a sweep never killed,
# run by run, and no partial file may be left. Prints one line per kill
# and a closing "kill_sweep: N passed, N failed". Run from the repository
# root after `make`; scratch files in build/tmp/kill-XXXXXX.
set -u
KILLS=${1:-${KILL_SWEEP_KILLS:-20}}
G=$(readlink -f ./gmpsim)
mkdir -p build/tmp
D=$(mktemp -d build/tmp/kill-XXXXXX)
ARGS="sweep scenarios/10k_rps.yaml --model pool --model gmp --set duration=3s --set warmup=50ms
      --set models.pool.workers=50,100,200,400,800,1600 --reps 18 -j 2 -q"
# the rows that must be equal (not wall_s, created_at)
dump() {
  sqlite3 "$1" "select run_number, model, seed, rep, point_id, status, sim_ns, events from runs order by run_number;
                select r.run_number, m.name, m.value from metrics m join runs r using(run_id) order by 1, 2;"
}
$G $ARGS -o $D/ref.db || { echo "kill_sweep: the reference sweep failed"; exit 1; }
total=$(sqlite3 $D/ref.db "select count(*) from runs")
passed=0; failed=0; lost_total=0
i=1
while [ $i -le $KILLS ]; do
  $G $ARGS --resume -o $D/k.db > $D/out.$i 2>&1 &
  pid=$!
  # a random moment within the first 2.5 s of this invocation
  sleep "$(awk -v s=$i 'BEGIN { srand(s * 7919 + '"$$"'); printf "%.3f", 0.05 + rand() * 2.45 }')"
  if ! kill -9 $pid 2>/dev/null; then
    wait $pid; echo "kill $i: the sweep finished before the kill"; i=$((i + 1)); continue
  fi
  wait $pid 2>/dev/null
  # the runs committed at the kill, by run number
  : > $D/before.$i
  [ -f $D/k.db.tmp-partial ] && sqlite3 $D/k.db.tmp-partial \
    "select run_number from runs where status='complete'" | sort > $D/before.$i
  files=$(ls $D | grep -c 'tmp-partial')
  # the next invocation (it runs run 1 at most) must keep every one of them
  $G $ARGS --resume -o $D/k.db --run 1 > $D/resume.$i 2>&1 </dev/null
  sqlite3 -readonly $D/k.db "select run_number from runs where status='complete'" 2>/dev/null | sort > $D/after.$i
  done_before=$(wc -l < $D/before.$i)
  lost=$(comm -23 $D/before.$i $D/after.$i | wc -l)
  in_final=$(wc -l < $D/after.$i)
  echo "kill $i: $done_before run(s) committed in the partial file at the kill ($files partial file(s) left), lost after --resume: $lost, complete in k.db now: $in_final of $total"
  if [ "$lost" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  lost_total=$((lost_total + lost))
  i=$((i + 1))
done
$G $ARGS --resume -o $D/k.db > $D/final 2>&1
if [ "$(dump $D/ref.db)" = "$(dump $D/k.db)" ]; then
  echo "after the kills: $D/k.db equals the sweep never killed ($total runs)"; passed=$((passed + 1))
else
  echo "after the kills: $D/k.db DIFFERS from the sweep never killed"; failed=$((failed + 1))
fi
left=$(ls $D | grep -c 'tmp-')
if [ "$left" -eq 0 ]; then passed=$((passed + 1)); else echo "left behind: $(ls $D | grep tmp-)"; failed=$((failed + 1)); fi
echo "runs lost over $KILLS kills: $lost_total"
echo "kill_sweep: $passed passed, $failed failed"
# the closing line tests/run.sh counts (make test runs a slice: KILL_SWEEP_KILLS=4)
if [ $failed -eq 0 ]; then echo "[  PASSED  ] $passed test(s)."; else echo "[  FAILED  ] $failed test(s), listed above."; fi
[ $failed -eq 0 ] && rm -rf $D
[ $failed -eq 0 ]
