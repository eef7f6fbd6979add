# geniekit: one GNU Makefile for the library, the two programs and every test.
#
#   make              libgeniekit.a (and the programs once they exist)
#   make test         build and run every Criterion suite
#   make asan/ubsan   the same suites under a sanitizer, each in its own folder
#   make fuzz         libFuzzer harnesses (clang); make fuzz-run runs each briefly
#   make deps         check (and, as root on Debian, install) the libraries
#
# Flags: the project's own are in GK_* variables; the user's CPPFLAGS, CFLAGS,
# LDFLAGS and LDLIBS come last, so `make CFLAGS=-O0` adds rather than replaces.

PKG_CONFIG ?= pkg-config
BUILD      ?= build
PKGS       := libcjson libcurl libmicrohttpd openssl libsodium criterion

GK_STD   := -std=c11 -D_POSIX_C_SOURCE=200809L
GK_WARN  := -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wvla
GK_OPT   ?= -O2 -g
GK_SAN   ?=
GK_DEPS  := -MMD -MP
GK_INC   := -I.

# pkg-config runs once, on first use, after `deps` had a chance to install what
# is missing (a plain := would run it while the Makefile is read, before that).
PKG_CFLAGS = $(eval PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS)))$(PKG_LIBS)

ALL_CFLAGS  = $(GK_INC) $(GK_DEPS) $(GK_STD) $(GK_WARN) $(GK_OPT) $(GK_SAN) \
              $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(GK_SAN) $(LDFLAGS)
ALL_LIBS    = $(PKG_LIBS) -lm $(LDLIBS)

# Overridable so one module can be built and tested alone:
#   make BUILD=build-x COMMON_SRCS="common/err.c common/rng.c" UNIT_SRCS=tests/unit/test_rng.c test
COMMON_SRCS ?= $(wildcard common/*.c)
UNIT_SRCS   ?= $(wildcard tests/unit/test_*.c)
FUZZ_SRCS   ?= $(wildcard tests/fuzz/fuzz_*.c)

COMMON_OBJS = $(COMMON_SRCS:%.c=$(BUILD)/%.o)
UNIT_OBJS   = $(UNIT_SRCS:%.c=$(BUILD)/%.o)
LIB         = $(BUILD)/libgeniekit.a
UNIT_BIN    = $(BUILD)/tests/unit-tests

# A program's modules (all but main.c) are also linked into the integration
# tests; the program itself is built once its main.c exists.
MOCK_SRCS   ?= $(filter-out mockserver/main.c,$(wildcard mockserver/*.c))
# The generator's modules and suites join the build once generator/main.c
# exists (before that they are built only by naming them, so work in
# progress cannot break everyone's tests).
HAVE_GEN    := $(wildcard generator/main.c)
GEN_SRCS    ?= $(if $(HAVE_GEN),$(filter-out generator/main.c,$(wildcard generator/*.c)))
INTEG_SRCS  ?= $(filter-out $(if $(HAVE_GEN),,tests/integration/test_gen_%),\
                 $(wildcard tests/integration/*.c))
MOCK_OBJS    = $(MOCK_SRCS:%.c=$(BUILD)/%.o) $(if $(MOCK_SRCS),$(BUILD)/gen/builtin.o)
GEN_OBJS     = $(GEN_SRCS:%.c=$(BUILD)/%.o)
INTEG_OBJS   = $(INTEG_SRCS:%.c=$(BUILD)/%.o)
INTEG_BIN    = $(BUILD)/tests/integration-tests
PROGRAMS    := $(if $(wildcard mockserver/main.c),$(BUILD)/genie-mock) \
               $(if $(wildcard generator/main.c),$(BUILD)/genie-gen)

.PHONY: all deps test check asan ubsan fuzz fuzz-run clean format demo bench sdk-check
.DEFAULT_GOAL := all

all: $(LIB) $(PROGRAMS)

deps:
	@PKG_CONFIG="$(PKG_CONFIG)" sh scripts/deps.sh

# Every object waits for the dependency check; nothing is compiled against a
# library that is not there.
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The built-in scenarios, compiled into genie-mock (mockserver/builtin.h).
SCENARIOS := $(sort $(wildcard fixtures/scenarios/*.json))
$(BUILD)/gen/builtin.c: $(SCENARIOS) scripts/embed.sh | deps
	@mkdir -p $(@D)
	sh scripts/embed.sh $(SCENARIOS) > $@
$(BUILD)/gen/builtin.o: $(BUILD)/gen/builtin.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(COMMON_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/genie-mock: $(BUILD)/mockserver/main.o $(MOCK_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(ALL_LIBS)

$(BUILD)/genie-gen: $(BUILD)/generator/main.o $(GEN_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(ALL_LIBS)

$(UNIT_BIN): $(UNIT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(ALL_LIBS)

$(INTEG_BIN): $(INTEG_OBJS) $(MOCK_OBJS) $(GEN_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(ALL_LIBS)

# Criterion runs each test in its own process and prints one synthesis line
# per binary: unit suites first, then the integration suites (loopback only).
test: $(UNIT_BIN) $(if $(INTEG_SRCS),$(INTEG_BIN)) $(PROGRAMS)
	$(UNIT_BIN) $(TEST_ARGS)
	$(if $(INTEG_SRCS),$(INTEG_BIN) $(TEST_ARGS))

check: test

# Figures for the hot paths, the mock's HTTP throughput and genie-gen's pacing
# against it, printed, never asserted (tests/bench/bench.c). BENCH_SECONDS per
# HTTP run.
BENCH_SECONDS ?= 3
$(BUILD)/bench/bench: $(BUILD)/tests/bench/bench.o $(MOCK_OBJS) $(GEN_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(ALL_LIBS)
bench: $(BUILD)/bench/bench
	$(BUILD)/bench/bench $(BENCH_SECONDS)

# The official Databricks JavaScript SDK, unmodified, against genie-mock
# (tests/sdk/js, pinned by its package-lock.json; needs node and npm).
sdk-check: all
	@PKG_CONFIG="$(PKG_CONFIG)" sh scripts/deps.sh sdk
	cd tests/sdk/js && npm ci --no-audit --no-fund --loglevel=error
	MOCK=$(BUILD)/genie-mock sh scripts/sdk-check.sh

# The main job, end to end: genie-gen against genie-mock (scripts/demo.sh).
demo: all
	@PKG_CONFIG="$(PKG_CONFIG)" sh scripts/deps.sh demo
	MOCK=$(BUILD)/genie-mock GEN=$(BUILD)/genie-gen sh scripts/demo.sh

SAN_FLAGS := -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) BUILD=build-asan GK_OPT="-O1 -g" GK_SAN="-fsanitize=address $(SAN_FLAGS)" test
ubsan:
	$(MAKE) BUILD=build-ubsan GK_OPT="-O1 -g" \
	    GK_SAN="-fsanitize=undefined,float-divide-by-zero $(SAN_FLAGS)" test

# libFuzzer: the library is compiled with coverage hooks, each harness links
# the fuzzer's main. Seeds live in fixtures/fuzz/<name>/; new inputs go to the
# build folder so a run never writes into the tree.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 4
FUZZ_BUILD   ?= build-fuzz
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined $(SAN_FLAGS)
FUZZ_NAMES    = $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))

fuzz:
	@PKG_CONFIG="$(PKG_CONFIG)" sh scripts/deps.sh fuzz
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) GK_OPT="-O1 -g" GK_SAN="$(FUZZ_SAN)" \
	    $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz/%)

# Harnesses link the programs' modules through archives, so one that
# compiles a module into itself does not clash with the archived copy.
$(BUILD)/libmock.a: $(MOCK_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^
$(BUILD)/libgen.a: $(GEN_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/libmock.a $(if $(GEN_OBJS),$(BUILD)/libgen.a) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(GK_SAN) -fsanitize=fuzzer $^ -o $@ $(ALL_LIBS)

fuzz-run: fuzz
	@set -e; for f in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$f $(FUZZ_BUILD)/artifacts; \
	    echo "fuzz $$f: $(FUZZ_SECONDS)s"; \
	    $(FUZZ_BUILD)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=1024 \
	        -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$f- \
	        $(FUZZ_BUILD)/corpus/$$f fixtures/fuzz/$$f 2>&1 | \
	        grep -E '^(stat::number_of_executed_units|stat::new_units_added|==[0-9]+==|SUMMARY|.*ERROR)' || true; \
	    if ls $(FUZZ_BUILD)/artifacts/$$f-* >/dev/null 2>&1; then \
	        echo "fuzz $$f: FOUND A CRASH, see $(FUZZ_BUILD)/artifacts/"; exit 1; fi; \
	done

format:
	clang-format -i common/*.[ch] tests/*/*.[ch] mockserver/*.[ch] generator/*.[ch]

clean:
	rm -rf build build-asan build-ubsan $(FUZZ_BUILD)

-include $(COMMON_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(INTEG_OBJS:.o=.d) $(MOCK_OBJS:.o=.d) \
    $(GEN_OBJS:.o=.d) $(wildcard $(BUILD)/mockserver/main.d $(BUILD)/generator/main.d)
