# Makefile — builds ./gmpsim, runs the main scenario, the tests and the benchmarks.
# `make run` and `make test` work on a fresh Debian machine: the deps step
# installs missing packages with apt-get when run as root.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PKGS := yaml-0.1 gsl sqlite3
DEB_PKGS := libyaml-dev libgsl-dev libsqlite3-dev libcmocka-dev pkg-config sqlite3 gnuplot-nox libjansson-dev

CFLAGS ?= -O2 -g
CFLAGS += -std=c17 -Wall -Wextra -D_GNU_SOURCE -Isim -Imodels
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
TEST_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
# tests/test_trace.c parses the exported JSON with a real parser
TEST_LIBS += $(shell pkg-config --libs jansson 2>/dev/null)

# every sim/*.c but the CLI's entry point; a subcommand is one sim/cmd_*.c
SIM_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c))
MODEL_SRC := $(wildcard models/*.c)
LIB_SRC := $(SIM_SRC) $(MODEL_SRC) build/sql_embed.c
TEST_SRC := $(wildcard tests/test_*.c)
TESTS := $(patsubst tests/%.c,build/tests/%,$(TEST_SRC))
# end-to-end tests that are slow under the sanitizers or run ./gmpsim itself
ASAN_SKIP := tests/test_cli.c tests/test_queueing.c tests/test_scenarios.c tests/test_sweep.c
ASAN_TESTS := $(patsubst tests/%.c,build/asan/tests/%,$(filter-out $(ASAN_SKIP),$(TEST_SRC)))
SQL_FILES := analysis/schema.sql analysis/views.sql
HEADERS := $(wildcard sim/*.h models/*.h)

LIB_OBJ := $(patsubst %.c,build/obj/%.o,$(LIB_SRC))
ASAN_OBJ := $(patsubst %.c,build/asan/obj/%.o,$(LIB_SRC))
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps run test unit-tests asan-tests scenario-tests bench install clean

all: deps gmpsim

# ---- dependencies --------------------------------------------------------
deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
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
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/libgmpsim.a: $(LIB_OBJ)
	ar rcs $@ $^

gmpsim: build/obj/sim/main.o build/libgmpsim.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

build/tests/%: tests/%.c $(wildcard tests/*.h) build/libgmpsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -o $@ $< build/libgmpsim.a $(PKG_LIBS) $(TEST_LIBS)

build/asan/obj/%.o: %.c $(HEADERS) | deps
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -Wall -Wextra -D_GNU_SOURCE -Isim -Imodels $(ASAN_FLAGS) $(PKG_CFLAGS) -c $< -o $@

build/asan/libgmpsim.a: $(ASAN_OBJ)
	ar rcs $@ $^

build/asan/tests/%: tests/%.c $(wildcard tests/*.h) build/asan/libgmpsim.a
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -Wall -Wextra -D_GNU_SOURCE -Isim -Imodels -Itests -DGMPSIM_ASAN $(ASAN_FLAGS) $(PKG_CFLAGS) -o $@ $< build/asan/libgmpsim.a $(PKG_LIBS) $(TEST_LIBS)

build/bench: tests/bench.c build/libgmpsim.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -o $@ $< build/libgmpsim.a $(PKG_LIBS)

# ---- use -----------------------------------------------------------------
run: all
	./gmpsim scenarios/10k_rps.yaml

test: all $(TESTS) $(ASAN_TESTS)
	@sh tests/run.sh $(TESTS) $(ASAN_TESTS)

bench: all build/bench
	./build/bench

install: gmpsim
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gmpsim/scenarios $(DESTDIR)$(PREFIX)/share/gmpsim/analysis
	install -m 755 gmpsim $(DESTDIR)$(PREFIX)/bin/gmpsim
	install -m 644 scenarios/*.yaml $(DESTDIR)$(PREFIX)/share/gmpsim/scenarios/
	install -m 644 analysis/*.sql $(DESTDIR)$(PREFIX)/share/gmpsim/analysis/

clean:
	rm -rf build gmpsim
