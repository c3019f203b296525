#!/bin/bash
# Re-run everything: Go sweep (~10 min), JVM sweep (~4 min), then parse into results_*.md.
# REPS=3 by default (REPS=5 ./run.sh for more). Machine is shared: expect noise.
set -e
cd "$(dirname "$0")"
./run_go.sh   > raw/go_run.out 2>&1
./run_java.sh > raw/java_run.out 2>&1
python3 parse_go.py   > results_go.md
python3 parse_java.py > results_java.md
