# bpfcheck — static analyzer and linter for BPF tracing code.
#
#   make            build build/bpfcheck
#   make deps       install the Debian packages the build and tests need
#   make test       unit + end-to-end tests (SANITIZE=1: ASan + UBSan build;
#                   BC_UPDATE_GOLDEN=1 rewrites expectations: tests/rules/README.md)
#   make demo       run bpfcheck on the bundled examples
#   make bench      speed, memory and fidelity measurements
#   make fuzz       build the libFuzzer targets (clang-19); make fuzz-run runs
#                   each for FUZZ_SECONDS (docs/fuzzing.md)
#   make install    PREFIX=/usr/local DESTDIR=
#
# LLVM_LINK=static (default) links only the LLVM components bpfcheck needs,
# statically: a process starts in about half the time the shared libLLVM
# takes to load. LLVM_LINK=shared links libLLVM-19.so instead.

LLVM_CONFIG ?= llvm-config-19
CLANG ?= clang-19
CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
DESTDIR ?=
LLVM_LINK ?= static
SANITIZE ?= 0
FUZZ_SECONDS ?= 60

VERSION := 0.1.0
# Where the project lives (SARIF informationUri/helpUri); empty: none.
PROJECT_URL ?=

ifeq ($(SANITIZE),1)
BUILD ?= build-san
# GCC 12's sanitizer runtime misreads the dynamic TLS of the libraries the
# clang shim loads, and LeakSanitizer's exit scan crashes ("Tracer caught
# signal 11"); clang-19's runtime reads it right. CC=gcc still chooses gcc.
ifeq ($(origin CC),default)
CC := $(CLANG)
endif
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
BUILD ?= build
SAN_FLAGS :=
endif

PKGS := libbpf libelf libdw jansson zlib
LLVM_COMPONENTS := core irreader bitreader bitwriter passes target bpfcodegen bpfdesc bpfinfo bpfasmparser

# Evaluated lazily so that `make deps` works before the packages exist.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
LLVM_CFLAGS = $(shell $(LLVM_CONFIG) --cflags 2>/dev/null | sed 's/-std=[^ ]*//; s/-fno-exceptions//')
LLVM_LIBDIR = $(shell $(LLVM_CONFIG) --libdir 2>/dev/null)
LLVM_STATIC_LIBS = $(shell $(LLVM_CONFIG) --link-static --ldflags --libs $(LLVM_COMPONENTS) 2>/dev/null) \
	$(shell $(LLVM_CONFIG) --link-static --system-libs $(LLVM_COMPONENTS) 2>/dev/null) -lstdc++
LLVM_SHARED_LIBS = -L$(LLVM_LIBDIR) -Wl,-rpath,$(LLVM_LIBDIR) -lLLVM-19
ifeq ($(LLVM_LINK),shared)
LLVM_LIBS = $(LLVM_SHARED_LIBS)
else
LLVM_LIBS = $(LLVM_STATIC_LIBS)
endif
# STATIC_DEPS=1 (default, with LLVM_LINK=static) also links libbpf, libelf,
# libdw, jansson, their compression libraries and the C++ runtime into the
# executable: only libc and libm are left for the dynamic loader, whose
# symbol lookups for libstdc++ and a dozen libraries cost about 3 ms of
# every run. STATIC_DEPS=0 links them as shared libraries.
STATIC_DEPS ?= 1
ifeq ($(LLVM_LINK)$(STATIC_DEPS)$(SANITIZE),static10)
BIN_LIBS = -static-libgcc -Wl,-Bstatic $(shell $(PKG_CONFIG) --static --libs $(PKGS) 2>/dev/null) \
	$(shell $(LLVM_CONFIG) --link-static --ldflags --libs $(LLVM_COMPONENTS) 2>/dev/null) \
	-lzstd -lz -lstdc++ -Wl,-Bdynamic -lm -ldl -lrt -lpthread
else
BIN_LIBS = $(BC_LIBS) $(LLVM_LIBS)
endif
# A position-dependent executable skips the ~60,000 relocations the dynamic
# loader applies to a PIE with LLVM inside (about 4 ms of every run);
# PIE=1 builds a PIE (ASLR for the executable itself) instead.
# --gc-sections drops the LLVM code nothing calls: 15% less to map.
ifeq ($(PIE),1)
BIN_LDFLAGS := -Wl,--gc-sections
else
BIN_LDFLAGS := -no-pie -Wl,--gc-sections
endif

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
BC_CFLAGS = -std=gnu11 $(WARN) -D_GNU_SOURCE -DBC_VERSION='"$(VERSION)"' -DBC_PROJECT_URL='"$(PROJECT_URL)"' \
	-DBC_DOC_DIR='"$(PREFIX)/share/doc/bpfcheck"' -I. -I$(BUILD) \
	$(PKG_CFLAGS) $(LLVM_CFLAGS) $(SAN_FLAGS) -MMD -MP
BC_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
BC_LIBS = $(PKG_LIBS) -lm

SRC_DIRS := analyzer/base analyzer/core analyzer/script analyzer/types analyzer/object \
	analyzer/target analyzer/stack analyzer/maps analyzer/codegen analyzer/llvm analyzer/frontend \
	analyzer/driver analyzer/fix analyzer/emit analyzer/manifest rules reporters server cli
# main.c and startup.c belong to the executable only (startup.c tunes the
# allocator before LLVM's static constructors run; tests keep the default).
MAIN_SRCS := cli/main.c cli/startup.c
LIB_SRCS := $(filter-out $(MAIN_SRCS),$(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJS := $(MAIN_SRCS:%.c=$(BUILD)/obj/%.o)

TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_SRCS := $(wildcard tests/unit/support/*.c)
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/obj/%.o)

# BPF C needs the multiarch include dir for <asm/types.h>: the system
# compiler's name for it (clang's -dumpmachine says x86_64-pc-linux-gnu).
ifeq ($(origin MULTIARCH),undefined)
MULTIARCH := $(shell cc -dumpmachine)
endif
BPF_CFLAGS = -target bpf -O2 -g -I/usr/include/$(MULTIARCH)

FIXTURE_SRCS := $(wildcard fixtures/objects/*.bpf.c)
FIXTURE_OBJS := $(FIXTURE_SRCS:fixtures/objects/%.bpf.c=$(BUILD)/fixtures/%.bpf.o)

# The BPF C rule cases (tests/rules/BCnnn/*.bpf.c) may include the fixtures.
RULE_CASE_SRCS := $(wildcard tests/rules/*/*.bpf.c)
RULE_CASE_OBJS := $(RULE_CASE_SRCS:tests/rules/%.bpf.c=$(BUILD)/rules/%.bpf.o)

FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)

.PHONY: all deps test unit-test golden-test fixtures demo bench fuzz fuzz-run install clean check-docs check-layers
.DEFAULT_GOAL := all

all: $(BUILD)/bpfcheck $(BUILD)/libbpfcheck-clang.so

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BC_CFLAGS) $(CFLAGS) -c $< -o $@

# The rule pages are compiled in (bpfcheck explain, SARIF help).
RULE_DOCS := $(sort $(wildcard docs/rules/BC*.md))
$(BUILD)/gen/rule_docs.c: $(RULE_DOCS) tools/embed-docs.sh
	@mkdir -p $(dir $@)
	./tools/embed-docs.sh $@ $(RULE_DOCS)
$(BUILD)/obj/reporters/rule_docs.o: $(BUILD)/gen/rule_docs.c

# The rule ids of analyzer/core, from rules/rules.def (see analyzer/core/rule_id.h).
$(BUILD)/gen/rule_ids.h: rules/rules.def tools/gen-rule-ids.sh
	./tools/gen-rule-ids.sh rules/rules.def $@
$(LIB_OBJS) $(MAIN_OBJS) $(TEST_SUPPORT_OBJS) $(TEST_BINS): | $(BUILD)/gen/rule_ids.h

$(BUILD)/libbpfcheck.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/bpfcheck: $(MAIN_OBJS) $(BUILD)/libbpfcheck.a
	$(CC) $(BC_LDFLAGS) $(BIN_LDFLAGS) -o $@ $(MAIN_OBJS) $(BUILD)/libbpfcheck.a $(BIN_LIBS)

# The C front end (analyzer/frontend/clang_shim.cpp): a small C++ library bpfcheck
# dlopens for C input only, linked against the shared libclang-cpp and
# libLLVM, so that other runs start as fast as before (docs/architecture.md).
CXX ?= c++
$(BUILD)/libbpfcheck-clang.so: analyzer/frontend/clang_shim.cpp analyzer/frontend/clang_shim.h
	@mkdir -p $(dir $@)
	$(CXX) -shared -fPIC -O2 -Wall -Werror $(shell $(LLVM_CONFIG) --cxxflags) -o $@ $< \
		-L$(LLVM_LIBDIR) -Wl,-rpath,$(LLVM_LIBDIR) -lclang-cpp -lLLVM-19
$(BUILD)/obj/analyzer/frontend/c_compile.o: CFLAGS += \
	-DBC_CLANG_RESOURCE_DIR='"$(shell $(CLANG) -print-resource-dir 2>/dev/null)"' \
	-DBC_MULTIARCH_INCLUDE='"/usr/include/$(MULTIARCH)"' \
	-DBC_LIBDIR='"$(PREFIX)/lib/bpfcheck"'

# Unit tests link the shared libLLVM: same code, much faster links.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libbpfcheck.a $(TEST_SUPPORT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(BC_CFLAGS) $(CFLAGS) $(BC_LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJS) \
		$(BUILD)/libbpfcheck.a $(BC_LIBS) -lcmocka $(LLVM_SHARED_LIBS)

# BPF fixtures are built from C at test time. A file may name extra clang
# flags on a line `// CFLAGS: ...` (e.g. -mllvm -bpf-stack-size=1024).
$(BUILD)/fixtures/%.bpf.o: fixtures/objects/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ifixtures/objects \
		$$(sed -n 's|^// CFLAGS: ||p' $<) -c $< -o $@

$(BUILD)/rules/%.bpf.o: tests/rules/%.bpf.c $(wildcard fixtures/objects/*.h) $(FIXTURE_SRCS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ifixtures/objects \
		$$(sed -n 's|^// CFLAGS: ||p' $<) -c $< -o $@

EXAMPLE_SRCS := $(wildcard examples/*.bpf.c)
EXAMPLE_OBJS := $(EXAMPLE_SRCS:examples/%.bpf.c=$(BUILD)/examples/%.bpf.o)

$(BUILD)/examples/%.bpf.o: examples/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) $$(sed -n 's|^// CFLAGS: ||p' $<) -c $< -o $@

# A fixture as LLVM IR, for the IR front end's tests.
FIXTURE_IRS := $(BUILD)/fixtures/count_loops.ll
$(BUILD)/fixtures/%.ll: fixtures/objects/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ifixtures/objects -S -emit-llvm -c $< -o $@

fixtures: $(FIXTURE_OBJS) $(EXAMPLE_OBJS) $(RULE_CASE_OBJS) $(FIXTURE_IRS)

test: all $(TEST_BINS) fixtures check-docs check-layers
	@BUILD=$(BUILD) ./tests/run-tests.sh $(TEST_BINS)

check-docs:
	@./tests/check-docs.sh

# Include and symbol arrows between folders follow the layers (see the script).
check-layers: all
	@./tools/check-layers.sh $(BUILD)

deps:
	@./tests/install-deps.sh

demo: all $(EXAMPLE_OBJS)
	@./bench/demo.sh $(BUILD)

bench: all fixtures
	@./bench/run.sh $(BUILD)

# Fuzz targets link a libbpfcheck.a built by clang-19 with coverage and
# sanitizers (archive linking pulls in only what each target needs).
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(CLANG) \
		CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build-fuzz/libbpfcheck.a
	@for f in $(FUZZ_SRCS); do \
		n=$$(basename $$f .c); \
		echo "  FUZZ $$n"; \
		$(CLANG) -std=gnu11 -D_GNU_SOURCE -I. -Ibuild-fuzz $(FUZZ_FLAGS) -fsanitize=fuzzer \
			$(PKG_CFLAGS) $(LLVM_CFLAGS) $$f -o build-fuzz/$$n build-fuzz/libbpfcheck.a \
			$(BC_LIBS) $(LLVM_SHARED_LIBS) -lstdc++ || exit 1; \
	done

fuzz-run: fuzz
	@for f in $(FUZZ_SRCS); do \
		n=$$(basename $$f .c); mkdir -p build-fuzz/corpus-$$n; \
		build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			build-fuzz/corpus-$$n fuzz/seeds/$$n || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/bpfcheck/rules \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/bpfcheck $(DESTDIR)$(PREFIX)/bin/bpfcheck
	install -d $(DESTDIR)$(PREFIX)/lib/bpfcheck
	install -m 0755 $(BUILD)/libbpfcheck-clang.so $(DESTDIR)$(PREFIX)/lib/bpfcheck/
	install -m 0644 docs/rules/*.md $(DESTDIR)$(PREFIX)/share/doc/bpfcheck/rules/
	if [ -f docs/bpfcheck.1 ]; then install -m 0644 docs/bpfcheck.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJS:.o=.d) $(TEST_SUPPORT_OBJS:.o=.d)
