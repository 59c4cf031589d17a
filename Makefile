# taskleak — the two commands:
#   make demo    install what is missing, build, run taskleak on examples/
#   make check   install what is missing, build, run the whole test suite (ctest)
# LLVM=22 builds against LLVM/Clang 22 (in build-22 unless BUILD is given);
# the default is 19.
LLVM ?= 19
ifeq ($(LLVM),19)
BUILD ?= build
SUFFIX =
else
BUILD ?= build-$(LLVM)
SUFFIX = -$(LLVM)
endif
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# Compiles through ccache: rebuilds, and the add-check test's copy of the
# sources (test/manifest/add_check_test.py), hit its cache. LAUNCHER= turns it off.
LAUNCHER ?= ccache
export CCACHE_BASEDIR ?= $(CURDIR)

# Debian bookworm packages. LLVM/Clang 19 always (lit, clang-format-19 and the
# fuzzer come from it); LLVM=22 adds the same packages of 22.
LLVM_PACKAGES = clang-$(LLVM) libclang-$(LLVM)-dev llvm-$(LLVM)-dev llvm-$(LLVM)-tools \
                clang-tidy-$(LLVM) clangd-$(LLVM)
PACKAGES = cmake ninja-build make python3 g++ \
           clang-19 libclang-19-dev llvm-19-dev llvm-19-tools clang-tidy-19 clangd-19 \
           $(if $(filter-out 19,$(LLVM)),$(LLVM_PACKAGES)) \
           libyaml-cpp-dev libgtest-dev libgrpc++-dev libprotobuf-dev libabsl-dev \
           pre-commit dpkg-dev git python3-jsonschema clang-format-19 \
           libclang-rt-19-dev ccache help2man lintian

EXAMPLE = examples/iot-collector

.PHONY: all deps build demo check check-llvm22 check-asan bench clean lint lint-changed format-check fuzz

all: build

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "taskleak: installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

$(BUILD)/build.ninja: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++-$(LLVM) -DCMAKE_BUILD_TYPE=Release \
	  -DTASKLEAK_LLVM_MAJOR=$(LLVM) \
	  $(if $(LAUNCHER),-DCMAKE_CXX_COMPILER_LAUNCHER=$(LAUNCHER)) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# The example's compile database; taskleak exits 1 when it finds leaks, which
# is what the demo is for.
demo: build
	@cmake -S $(EXAMPLE) -B $(BUILD)/example -G Ninja -DCMAKE_CXX_COMPILER=clang++-$(LLVM) >/dev/null
	@echo "== taskleak$(SUFFIX) -p $(BUILD)/example  (the sample IoT collector in $(EXAMPLE))"
	@$(BUILD)/bin/taskleak$(SUFFIX) -p $(BUILD)/example; rc=$$?; \
	  echo "== taskleak exit status: $$rc (0 clean, 1 findings, 2 errors)"; \
	  [ $$rc -le 1 ]

check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same sources against LLVM/Clang 22 (build-22): the lit suite with
# clang-tidy-22, the 22 driver and taskleak-clangd-22, and the unit tests.
# CI runs it after make check (measured on 2 cores: build 2m46s cold, lit
# 2m26s; docs/ci.md).
check-llvm22:
	$(MAKE) build LLVM=22 JOBS=$(JOBS)
	cd build-22 && ctest --output-on-failure -j $(JOBS) -R '^(lit|unittests)$$'

# libFuzzer on the model loader (test/fuzz/), seeded from docs/models.md and
# the YAML files of test/, for FUZZ_TIME seconds; a crash, leak or hang fails.
FUZZ_TIME ?= 60
LIT = /usr/lib/llvm-19/build/utils/lit/lit.py
FUZZ_BUILD = $(BUILD)-fuzz
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_BUILD_TYPE=Release \
	  $(if $(LAUNCHER),-DCMAKE_CXX_COMPILER_LAUNCHER=$(LAUNCHER)) -DTASKLEAK_FUZZ=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target model-loader-fuzzer
	python3 test/fuzz/seeds.py . $(FUZZ_BUILD)/fuzz-seeds
	mkdir -p $(FUZZ_BUILD)/fuzz-corpus
	$(FUZZ_BUILD)/bin/model-loader-fuzzer -max_total_time=$(FUZZ_TIME) -timeout=10 \
	  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ \
	  $(FUZZ_BUILD)/fuzz-corpus $(FUZZ_BUILD)/fuzz-seeds

# The driver and the unit tests under AddressSanitizer and UBSan (build-asan,
# no taskleak-clangd, no usable plugin): the unit tests, the driver tests and
# every checker test through the driver alone. Any sanitizer report fails it
# (written to build-asan/sanitizer-reports/ as well; docs/ci.md).
ASAN_BUILD = build-asan
check-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_BUILD_TYPE=Release \
	  $(if $(LAUNCHER),-DCMAKE_CXX_COMPILER_LAUNCHER=$(LAUNCHER)) \
	  -DTASKLEAK_SANITIZE=address,undefined -DTASKLEAK_CLANGD=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target taskleak taskleak-unittests
	rm -rf $(ASAN_BUILD)/sanitizer-reports && mkdir -p $(ASAN_BUILD)/sanitizer-reports
	cd $(ASAN_BUILD) && ASAN_OPTIONS=exitcode=86:log_path=$(CURDIR)/$(ASAN_BUILD)/sanitizer-reports/report \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$(CURDIR)/$(ASAN_BUILD)/sanitizer-reports/report \
	  LSAN_OPTIONS=print_suppressions=0:suppressions=$(CURDIR)/test/lsan.supp \
	  ./bin/taskleak-unittests --gtest_brief=1
	python3 $(LIT) -sv $(ASAN_BUILD)/test/checkers $(ASAN_BUILD)/test/driver $(ASAN_BUILD)/test/models
	@if [ -n "$$(ls -A $(ASAN_BUILD)/sanitizer-reports)" ]; then \
	  cat $(ASAN_BUILD)/sanitizer-reports/*; echo "check-asan: sanitizer reports above"; exit 1; fi; \
	echo "check-asan: no sanitizer report"

bench: build
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)

# Lint our own sources with .clang-tidy (and our own checks, through the plugin).
lint: build
	run-clang-tidy-19 -quiet -p $(BUILD) -load=$(BUILD)/lib/libtaskleak-tidy.so \
	  '$(CURDIR)/(lib|checks|tools)/.*\.cpp$$'

# The same lint on the lines changed since the merge base with main
# (LINT_BASE=<commit> to choose); any warning fails. CI runs it: in a fresh
# clone of main nothing changed, so nothing is checked.
LINT_BASE ?= $(shell git merge-base HEAD main 2>/dev/null)
lint-changed: build
	@base="$(LINT_BASE)"; \
	if [ -z "$$base" ] || [ "$$base" = "$$(git rev-parse HEAD)" ]; then \
	  echo "lint-changed: no changed lines to check"; exit 0; fi; \
	out=$$(git diff -U0 "$$base" -- lib checks tools | clang-tidy-diff-19.py -p1 \
	  -path $(BUILD) -clang-tidy-binary clang-tidy-19 -load $(BUILD)/lib/libtaskleak-tidy.so \
	  -j $(JOBS) -iregex '.*\.cpp' -quiet 2>&1); \
	if printf '%s\n' "$$out" | grep -qE '(warning|error):'; then \
	  printf '%s\n' "$$out"; echo "lint-changed: fix the findings above (make lint checks every file)"; exit 1; fi; \
	echo "lint-changed: changed lines are clean"

# clang-format-19 on the lines changed since the merge base with main
# (FORMAT_BASE=<commit> to choose). Nothing changed (CI's fresh clone of main):
# nothing to check.
FORMAT_BASE ?= $(shell git merge-base HEAD main 2>/dev/null)
format-check: deps
	@base="$(FORMAT_BASE)"; \
	if [ -z "$$base" ] || [ "$$base" = "$$(git rev-parse HEAD)" ]; then \
	  echo "format-check: no changed lines to check"; exit 0; fi; \
	out=$$(git clang-format-19 --binary clang-format-19 --diff "$$base" -- lib checks tools 2>&1); \
	case "$$out" in \
	  ""|*"no modified files to format"*|*"did not modify any files"*) \
	    echo "format-check: changed lines are formatted";; \
	  *) echo "$$out"; echo "format-check: run git clang-format-19 --binary clang-format-19 $$base"; exit 1;; \
	esac
