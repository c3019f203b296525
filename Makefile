# Makefile — builds ./gmpsim, runs the main scenario, the tests and the benchmarks.
# `make run` and `make test` work on a fresh Debian machine: the deps step
# installs missing packages with apt-get when run as root.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PKGS := yaml-0.1 gsl sqlite3
DEB_PKGS := libyaml-dev libgsl-dev libsqlite3-dev libcmocka-dev pkg-config sqlite3 gnuplot-nox libjansson-dev

CFLAGS ?= -O3 -g
# gmpsim and build/bench link with link-time optimisation (README "Speed":
# ~10% fewer instructions per simulated request); the objects carry both
# their LTO form and plain code, so the tests link them without it.
LTO_CFLAGS ?= -flto=auto -ffat-lto-objects
LTO_LDFLAGS ?= -flto=auto
CFLAGS += -std=c17 -Wall -Wextra -Werror=implicit-function-declaration -Werror=incompatible-pointer-types -Werror=int-conversion -D_GNU_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
TEST_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
# tests/test_trace.c parses the exported JSON with a real parser
TEST_LIBS += $(shell pkg-config --libs jansson 2>/dev/null)

# ---- layers --------------------------------------------------------------
# One folder per layer. A layer is compiled with the include paths of itself
# and of the layers below it only, so an upward #include does not build
# (README, "Layout"). Bottom to top:
LAYERS := sim/core sim/scenario sim/results models/kernel models \
	  models/onethread models/evloop models/gmp sim/store sim/study sim/cli
INC_sim/core         := sim/core
INC_sim/scenario     := $(INC_sim/core) sim/scenario
INC_sim/results      := $(INC_sim/core) sim/results
INC_models/kernel    := $(INC_sim/scenario) models/kernel
INC_models           := $(INC_sim/scenario) sim/results models/kernel models
INC_models/onethread := $(INC_models) models/onethread
INC_models/evloop    := $(INC_models/onethread) models/evloop
INC_models/gmp       := $(INC_models) models/gmp
INC_sim/store        := $(INC_sim/scenario) sim/results sim/store
INC_sim/study        := $(INC_models) sim/store sim/study
INC_sim/cli          := $(INC_sim/study) sim/cli
INC_build            :=
# tests and benchmarks see every layer
INC_ALL := $(INC_sim/cli) models/onethread models/evloop models/gmp tests
layer_inc = $(addprefix -I,$(INC_$(patsubst %/,%,$(dir $(1)))))

# every layer's .c but the CLI's entry point; a subcommand is one sim/cli/cmd_*.c
LAYER_SRC := $(foreach l,$(LAYERS),$(wildcard $(l)/*.c))
LIB_SRC := $(filter-out sim/cli/main.c,$(LAYER_SRC)) build/sql_embed.c
TEST_SRC := $(wildcard tests/test_*.c)
TESTS := $(patsubst tests/%.c,build/tests/%,$(TEST_SRC))
# end-to-end tests that are slow under the sanitizers or run ./gmpsim itself
ASAN_SKIP := tests/test_budgets.c tests/test_durable.c tests/test_fuzz.c tests/test_cli.c tests/test_reliability.c tests/test_queueing.c tests/test_scenarios.c tests/test_sweep.c tests/test_validation.c \
	tests/test_calibrate.c
ASAN_TESTS := $(patsubst tests/%.c,build/asan/tests/%,$(filter-out $(ASAN_SKIP),$(TEST_SRC)))
SQL_FILES := analysis/schema.sql analysis/views.sql
HEADERS := $(foreach l,$(LAYERS),$(wildcard $(l)/*.h))

LIB_OBJ := $(patsubst %.c,build/obj/%.o,$(LIB_SRC))
ASAN_OBJ := $(patsubst %.c,build/asan/obj/%.o,$(LIB_SRC))
# float-cast-overflow is not part of GCC's 'undefined' group; issue 12 D12 was such a cast
# GMP_PIDX_CHECK: the gmp model verifies its P indexes after every step (models/gmp/gmp_pidx.h);
# GMP_TRACE_CHECK: a traced gmp run re-reads every P after each incremental trace sync (models/gmp/gmp_trace.h)
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=all -DGMP_PIDX_CHECK -DGMP_TRACE_CHECK

.PHONY: all deps validate-deps cluster-deps simgrid-deps fuzz-deps install-debs run test cluster-test unit-tests asan-tests scenario-tests bench bench-simgrid validate fuzz install clean

all: deps gmpsim build/gmpsim_trace.so

# ---- dependencies --------------------------------------------------------
deps:
	@$(MAKE) -s --no-print-directory install-debs DEBS="$(DEB_PKGS)"

# the real runtimes `make validate` measures (Go 1.19, OpenJDK 17)
VALIDATE_DEBS := golang-1.19-go openjdk-17-jdk-headless
validate-deps:
	@$(MAKE) -s --no-print-directory install-debs DEBS="$(VALIDATE_DEBS)"

# AFL++ for `make fuzz` (the smoke in `make test` needs only the ASan build)
FUZZ_DEBS := afl++
fuzz-deps:
	@$(MAKE) -s --no-print-directory install-debs DEBS="$(FUZZ_DEBS)"

# the cluster engines tests/cluster.sh runs the README's recipes on: a
# single-node Slurm of its own (slurmctld, slurmd, munged) and GNU parallel
CLUSTER_DEBS := slurm-wlm munge parallel
cluster-deps:
	@$(MAKE) -s --no-print-directory install-debs DEBS="$(CLUSTER_DEBS)"

# the SimGrid peer `make bench-simgrid` times gmpsim against (never needed by `make test`)
SIMGRID_DEBS := libsimgrid-dev
simgrid-deps:
	@$(MAKE) -s --no-print-directory install-debs DEBS="$(SIMGRID_DEBS)"

install-debs:
	@missing=""; \
	for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "deps: missing packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# ---- build ---------------------------------------------------------------
build/sql_embed.c: $(SQL_FILES) analysis/embed.sh
	@mkdir -p build
	sh analysis/embed.sh $(SQL_FILES) > $@

build/obj/%.o: %.c $(HEADERS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LTO_CFLAGS) $(call layer_inc,$<) $(PKG_CFLAGS) -c $< -o $@

build/libgmpsim.a: $(LIB_OBJ)
	ar rcs $@ $^

# gmpsim is built with profile-guided optimisation (README "Speed"; PGO=0
# links it from the plain objects instead): every source compiled once
# instrumented (build/pgo/gen), that binary run on short shipped scenarios
# (PGO_TRAIN; one of them traced, so --trace's recorder and writer are not
# laid out as cold code), every source compiled again with the profile it wrote. Both
# compile to the same build/pgo/use path (the instrumented object is then
# moved to build/pgo/gen): the profile names static functions after it, and
# the second compile finds the .gcda the training wrote there. Only the code's
# layout and inlining change, never its arithmetic: results are the same
# bit for bit. build/bench links the same objects.
# The release objects are compiled with -DGMPSIM_RELEASE: the per-event
# invariant checks (HOT_ASSERT, sim/core/check.h) compile to nothing there and
# stay in the test (build/obj) and sanitizer (build/asan) builds.
PGO ?= 1
RELEASE_CFLAGS := -DGMPSIM_RELEASE
PGO_SRC := $(LIB_SRC) sim/cli/main.c
PGO_GEN_OBJ := $(patsubst %.c,build/pgo/gen/%.o,$(PGO_SRC))
PGO_USE_OBJ := $(patsubst %.c,build/pgo/use/%.o,$(PGO_SRC))
PGO_USE_FLAGS := -fprofile-use -fprofile-partial-training -Wno-missing-profile
PGO_TRAIN := scenarios/10k_rps.yaml --set duration=2s; \
	scenarios/10k_rps.yaml --model gmp --set duration=2s --set models.gmp.gomaxprocs=64 --set machine.cores=64; \
	scenarios/10k_rps.yaml --set duration=1s --set warmup=200ms --trace

build/pgo/gen/%.o: %.c $(HEADERS) | deps
	@mkdir -p $(dir $@)
	@mkdir -p $(dir build/pgo/use/$*.o)
	$(CC) $(CFLAGS) $(RELEASE_CFLAGS) $(LTO_CFLAGS) -fprofile-generate -fprofile-update=single $(call layer_inc,$<) $(PKG_CFLAGS) -c $< -o build/pgo/use/$*.o
	@mv -f build/pgo/use/$*.o $@

build/pgo/gmpsim-gen: $(PGO_GEN_OBJ)
	$(CC) $(CFLAGS) $(LTO_LDFLAGS) -fprofile-generate -o $@ $^ $(PKG_LIBS)

build/pgo/trained: build/pgo/gmpsim-gen
	@find build/pgo/use -name '*.gcda' -delete
	@echo "pgo: training on $(PGO_TRAIN)"
	@echo '$(PGO_TRAIN)' | tr ';' '\n' | while read -r args; do \
	  ./build/pgo/gmpsim-gen $$args -q --force -o build/pgo/train.db >/dev/null || exit 1; done
	@rm -f build/pgo/train.db
	@touch $@

build/pgo/use/%.o: %.c $(HEADERS) build/pgo/trained
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(RELEASE_CFLAGS) $(LTO_CFLAGS) $(PGO_USE_FLAGS) $(call layer_inc,$<) $(PKG_CFLAGS) -c $< -o $@

ifeq ($(PGO),1)
GMPSIM_OBJ := $(PGO_USE_OBJ)
BENCH_LIB := $(filter-out build/pgo/use/sim/cli/main.o,$(PGO_USE_OBJ))
GMPSIM_LDFLAGS := $(PGO_USE_FLAGS)
else
GMPSIM_OBJ := build/obj/sim/cli/main.o build/libgmpsim.a
BENCH_LIB := build/libgmpsim.a
GMPSIM_LDFLAGS :=
endif

gmpsim: $(GMPSIM_OBJ)
	$(CC) $(CFLAGS) $(LTO_LDFLAGS) $(GMPSIM_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# the spans and events tables as an SQLite extension for the sqlite3 shell (.load build/gmpsim_trace)
TRACE_EXT_SRC := sim/store/ext/trace_ext.c sim/core/trace.c sim/core/trace_codec.c sim/core/grow.c sim/core/budget.c
build/gmpsim_trace.so: $(TRACE_EXT_SRC) sim/store/trace_vtab.c $(HEADERS) | deps
	@mkdir -p build
	$(CC) $(CFLAGS) -fPIC -shared -Isim/core -Isim/store -o $@ $(TRACE_EXT_SRC)

build/tests/%: tests/%.c $(wildcard tests/*.h) build/libgmpsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(addprefix -I,$(INC_ALL)) $(PKG_CFLAGS) -o $@ $< build/libgmpsim.a $(PKG_LIBS) $(TEST_LIBS)

build/asan/obj/%.o: %.c $(HEADERS) | deps
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -Wall -Wextra -Werror=implicit-function-declaration -Werror=incompatible-pointer-types -Werror=int-conversion -D_GNU_SOURCE $(call layer_inc,$<) $(ASAN_FLAGS) $(PKG_CFLAGS) -c $< -o $@

build/asan/libgmpsim.a: $(ASAN_OBJ)
	ar rcs $@ $^

build/asan/tests/%: tests/%.c $(wildcard tests/*.h) build/asan/libgmpsim.a
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -Wall -Wextra -Werror=implicit-function-declaration -Werror=incompatible-pointer-types -Werror=int-conversion -D_GNU_SOURCE $(addprefix -I,$(INC_ALL)) -DGMPSIM_ASAN $(ASAN_FLAGS) $(PKG_CFLAGS) -o $@ $< build/asan/libgmpsim.a $(PKG_LIBS) $(TEST_LIBS)

# ---- fuzzing (issue 12 point 6; tests/fuzz/fuzz_scenario.c) ---------------
# the harness under ASan+UBSan: the smoke of make test (tests/test_fuzz.c)
# and the generator's runs of make fuzz
build/asan/fuzz_scenario: tests/fuzz/fuzz_scenario.c build/asan/libgmpsim.a
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -Wall -Wextra -D_GNU_SOURCE $(addprefix -I,$(INC_ALL)) $(ASAN_FLAGS) $(PKG_CFLAGS) -o $@ $< build/asan/libgmpsim.a $(PKG_LIBS)

# the harness instrumented by afl-cc, persistent mode
AFL_CC ?= afl-cc
FUZZ_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC))
build/fuzz/obj/%.o: %.c $(HEADERS) | fuzz-deps
	@mkdir -p $(dir $@)
	$(AFL_CC) -O2 -g -std=c17 -D_GNU_SOURCE $(call layer_inc,$<) $(PKG_CFLAGS) -c $< -o $@

build/fuzz/libgmpsim.a: $(FUZZ_OBJ)
	ar rcs $@ $^

build/fuzz/fuzz_scenario: tests/fuzz/fuzz_scenario.c build/fuzz/libgmpsim.a
	$(AFL_CC) -O2 -g -std=c17 -D_GNU_SOURCE $(addprefix -I,$(INC_ALL)) $(PKG_CFLAGS) -o $@ $< build/fuzz/libgmpsim.a $(PKG_LIBS)

# make fuzz [FUZZ_SECONDS=1200] [FUZZ_SEED=1] [FUZZ_COUNT=2000]: AFL++ on the
# loader + a short simulation from the committed corpus, then the generator
# of valid extreme scenarios under ASan+UBSan. Findings: build/fuzz/out/default/crashes, hangs.
FUZZ_SECONDS ?= 1200
FUZZ_SEED ?= 1
FUZZ_COUNT ?= 2000
fuzz: fuzz-deps build/fuzz/fuzz_scenario build/asan/fuzz_scenario
	@mkdir -p build/fuzz/out
	AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
	  nice -n 15 afl-fuzz -i tests/fuzz/corpus -o build/fuzz/out -x tests/fuzz/yaml.dict -t 2000 -m none \
	  -V $(FUZZ_SECONDS) -- build/fuzz/fuzz_scenario
	@grep -E 'execs_done|saved_crashes|saved_hangs|run_time' build/fuzz/out/default/fuzzer_stats
	nice -n 15 build/asan/fuzz_scenario --generate $(FUZZ_SEED) $(FUZZ_COUNT) 2>/dev/null

build/bench: tests/bench.c $(BENCH_LIB)
	$(CC) $(CFLAGS) $(LTO_LDFLAGS) $(GMPSIM_LDFLAGS) $(addprefix -I,$(INC_ALL)) $(PKG_CFLAGS) -o $@ $< $(BENCH_LIB) $(PKG_LIBS)

# the same workload as a SimGrid S4U program (C binding), for the bench's ratio
build/bench_simgrid: tests/bench_simgrid.c | simgrid-deps
	@mkdir -p build
	$(CC) $(CFLAGS) $$(pkg-config --cflags simgrid) -o $@ $< $$(pkg-config --libs simgrid) -lm

# ---- use -----------------------------------------------------------------
run: all
	./gmpsim scenarios/10k_rps.yaml

# the tests' scratch files live in build/tmp: two checkouts testing at once never share them
# tests/cluster.sh skips (saying why) an engine that cannot be installed or started
test: all $(TESTS) $(ASAN_TESTS) build/asan/fuzz_scenario
	@mkdir -p build/tmp
	@$(MAKE) -s --no-print-directory cluster-deps || echo "cluster-deps: not installed; tests/cluster.sh will skip what is missing"
	@KILL_SWEEP_KILLS=4 sh tests/run.sh $(TESTS) $(ASAN_TESTS) tests/cluster.sh tests/kill_sweep.sh

cluster-test: all cluster-deps
	@mkdir -p build/tmp
	@sh tests/run.sh tests/cluster.sh

# every section; the SimGrid comparison too when SimGrid is installed
# (`make bench-simgrid` installs it and runs that section alone)
HAVE_SIMGRID = $(shell pkg-config --exists simgrid 2>/dev/null && echo build/bench_simgrid)
bench: all build/bench $(HAVE_SIMGRID)
	@mkdir -p build/tmp
	./build/bench

bench-simgrid: all build/bench build/bench_simgrid
	@mkdir -p build/tmp
	./build/bench simgrid

# the validation suite (README "Validation"): measures the real programs
# (Go 1.19, OpenJDK 17, C) behind the quiet-machine gate, then compares
# gmpsim's predictions with them into analysis/validate/table.md.
# VALIDATE_FLAGS="--quick" for a smoke run, "--only CASE" for one family.
validate: all validate-deps build/tests/test_validation
	sh analysis/validate/run.sh $(VALIDATE_FLAGS)
	@mkdir -p build/tmp
	VALIDATE_TABLE=analysis/validate/table.md ./build/tests/test_validation

# gmpsim calibrate finds analysis/calibrate next to the binary (this tree) or
# under ../share/gmpsim (installed): the scripts and the measurement sources.
SHARE := $(DESTDIR)$(PREFIX)/share/gmpsim
# the Go programs of calibrate's go family (analysis/calibrate/measure.sh) and what they import
MEASURE_GO := go.mod signal.c internal/bench/bench.go newproc/main.go steal/main.go \
  switch/main.go syscall/main.go gcmark/main.go
install: gmpsim
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/scenarios $(SHARE)/analysis/calibrate $(SHARE)/analysis/profiles \
	  $(SHARE)/analysis/measure/go
	install -m 755 gmpsim $(DESTDIR)$(PREFIX)/bin/gmpsim
	install -m 644 scenarios/*.yaml $(SHARE)/scenarios/
	install -m 644 analysis/*.sql $(SHARE)/analysis/
	install -m 644 analysis/calibrate/*.sh analysis/calibrate/*.c $(SHARE)/analysis/calibrate/
	install -m 644 analysis/profiles/*.yaml $(SHARE)/analysis/profiles/
	install -m 644 analysis/measure/*.c analysis/measure/*.h analysis/measure/*.java $(SHARE)/analysis/measure/
	for f in $(MEASURE_GO); do install -D -m 644 analysis/measure/go/$$f $(SHARE)/analysis/measure/go/$$f; done

clean:
	rm -rf build gmpsim
