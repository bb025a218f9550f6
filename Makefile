# sepgen: generate specialized depthwise-separable C kernels and test them.
# `make help` (the default goal) lists the targets and variables.

LUA          ?= lua5.4
SHAPES       ?= examples/mobilenet_v1.lua
OUT          ?= out
TARGET       ?= native
# Fusion of separable layers: auto (the plan's rules), always, never;
# empty: what OPTIMIZE implies (speed: auto, memory: always).
FUSE         ?=
# speed (default), memory (fuse every separable layer: smallest arena) or
# size (smaller depthwise and conv tiles: least code, for flash).
OPTIMIZE     ?= speed
# A safetensors file: bake the packed weights into OUT/<net>_weights.c.
WEIGHTS      ?=
# Workers N_forward_par may get (N_MAX_THREADS): split layers' scratch per worker.
THREADS      ?= 1
# make demo: the net, and an optional PPM image (default: a drawn pattern).
DEMO_SHAPES  ?= examples/mobilenet_v3_small.lua
DEMO_IMAGE   ?=
# make import: an ONNX model, and the net name (default: from the file name);
# it writes into OUT when given, else imported/ (sources to keep, not out/).
ONNX         ?=
NAME         ?=
IMPORT_OUT   := $(if $(filter command line environment,$(origin OUT)),$(OUT),imported)
CC           ?= cc
BUILD        ?= build
# Targets whose generated kernels `make test` builds and runs (stage f).
TEST_TARGETS ?= scalar avx2 avx512 neon
# Extra compiler for a compile-only -Werror check in stage f ('' to skip).
CLANG        ?= clang
# make fuzz: seconds to run, the seed (default: a new one, printed), and
# optionally the number of valid nets (with SEED: the same round again).
SECONDS      ?= 600
SEED         ?=
NETS         ?=

GEN     ?= gen/main.lua
TEMPLATES := $(sort $(wildcard templates/*.in templates/*/*.in))
SCRIPTS := tests/scripts
STAGES  := lua runtime bad determinism golden import nets threads mcu
NPROC   := $(shell nproc 2>/dev/null || echo 2)

export LUA CC CLANG BUILD GEN FUSE

# ---- the nets of stage f --------------------------------------------------
# Every tests/nets/*.lua and examples/*.lua, plus $(SHAPES) when it is not one
# of them.  Each gets a key (its basename, made unique) and per target a job
# net/<target>/<key> that runs tests/scripts/net.sh into
# $(BUILD)/nets/<key>/<target>/.
NET_FILES := $(sort $(wildcard tests/nets/*.lua)) $(sort $(wildcard examples/*.lua))
ALL_NETS  := $(NET_FILES) $(if $(filter $(abspath $(SHAPES)),$(abspath $(NET_FILES))),,$(SHAPES))
net_pairs  = $(shell printf '%s\n' $(1) | awk 'NF { b = $$0; sub(/.*\//, "", b); sub(/\.lua$$/, "", b); \
               gsub(/[^A-Za-z0-9_.-]/, "_", b); k = b; n = 1; \
               while (k in seen) { n++; k = b "_" n }; seen[k] = 1; print k "=" $$0 }')
NET_PAIRS := $(call net_pairs,$(ALL_NETS))
NET_KEYS  := $(foreach p,$(NET_PAIRS),$(firstword $(subst =, ,$(p))))
$(foreach p,$(NET_PAIRS),$(eval NETPATH.$(firstword $(subst =, ,$(p))) := $(word 2,$(subst =, ,$(p)))))
NET_JOBS  := $(foreach t,$(TEST_TARGETS),$(foreach k,$(NET_KEYS),net/$(t)/$(k)))
# The jobs for $(SHAPES) alone (make test-shapes).
SHAPES_KEY  := $(firstword $(foreach p,$(NET_PAIRS),$(if $(filter $(abspath $(SHAPES)),$(abspath $(word 2,$(subst =, ,$(p))))),$(firstword $(subst =, ,$(p))))))
SHAPES_JOBS := $(foreach t,$(TEST_TARGETS),net/$(t)/$(SHAPES_KEY))
# Without -j on the command line, stage f still runs $(NPROC) jobs at a time.
PAR = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))

job_dir = $(BUILD)/nets/$(notdir $(1))/$(patsubst %/,%,$(dir $(1)))

.DEFAULT_GOAL := help
.PHONY: help deps deps-test gen import demo test test-baked golden golden-update clean lint fuzz \
        $(addprefix test-,$(STAGES)) test-shapes net-jobs $(NET_JOBS)

help:
	@echo 'sepgen make targets (default: help)'
	@echo '  make gen    [SHAPES=$(SHAPES)] [OUT=$(OUT)] [TARGET=$(TARGET)] [FUSE=...]'
	@echo '              [OPTIMIZE=speed|memory|size] [THREADS=n] [WEIGHTS=net.safetensors]'
	@echo '                 generate <net>.h, <net>.c, sg.h and check/ into OUT (with WEIGHTS,'
	@echo '                 also <net>_weights.c: the packed weights as const data)'
	@echo '  make import ONNX=model.onnx [OUT=imported] [NAME=net]'
	@echo '                 read an ONNX model (Lua only): OUT/<net>.lua and OUT/<net>.safetensors'
	@echo '  make demo   [DEMO_SHAPES=$(DEMO_SHAPES)] [WEIGHTS=...] [DEMO_IMAGE=x.ppm]'
	@echo '                 examples/app on baked (random unless WEIGHTS) weights'
	@echo '  make demo-mcu [WEIGHTS=...] [OPTIMIZE=size]  examples/mcu on an emulated Cortex-M4F: flash, RAM, instructions'
	@echo '  make test-baked  stage f for the example nets with weights baked in'
	@echo '  make test   [SHAPES=...] [TEST_TARGETS="$(TEST_TARGETS)"]'
	@echo '                 all test stages, in order, stopping at the first failure:'
	@echo '                 a. Lua unit tests, luacheck (make test-lua)'
	@echo '                 b. generic-kernel Check suite (make test-runtime)'
	@echo '                 c. bad shapes files        (make test-bad), and a short fuzz round'
	@echo '                    (fixed seed) plus the cases in tests/fuzz/found/'
	@echo '                 d. determinism             (make test-determinism)'
	@echo '                 e. golden output           (make test-golden)'
	@echo '                 e2. ONNX import vs PyTorch (make test-import): torchvision'
	@echo '                    MobileNet v2, v3 small, MnasNet 0.5 and a factorized net,'
	@echo '                    random weights, exported, imported, generated (scalar,'
	@echo '                    native), run against PyTorch in float64 within a derived'
	@echo '                    tolerance (skipped without python3-torch, -torchvision, -onnx)'
	@echo '                 f. every tests/nets/*.lua, examples/*.lua and SHAPES:'
	@echo '                    generate (with FUSE), gcc -O2 -Werror + run, clang -Werror,'
	@echo '                    for each of TEST_TARGETS (make test-nets); asan+ubsan + run'
	@echo '                    for tests/nets on every target the machine runs'
	@echo '                    (SANITIZE_ALL=1: the example nets too); a target the CPU'
	@echo '                    lacks is compiled (gcc, clang) and skipped with the reason'
	@echo '                 g. threads (make test-threads): every net for 4 threads, its'
	@echo '                    layers and N_forward_par on fake pools of 1-4 threads (any task'
	@echo '                    order) bit for bit; N_forward_par on the pthreads pool, -O2'
	@echo '                    and ThreadSanitizer'
	@echo '  make test-shapes [SHAPES=...]  stage f for SHAPES alone'
	@echo '  make test-mcu  scalar Check tests on emulated Cortex-M4F and M7, -O2 and -Os (tests/mcu/)'
	@echo '  make fuzz   [SECONDS=600] [SEED=n] [NETS=n]  random valid nets on every target'
	@echo '                 the machine runs (-Werror, ASan+UBSan) and invalid mutants of the'
	@echo '                 example files (exit 2, clean); failures shrunk into tests/fuzz/found/'
	@echo '                 (tests/fuzz/README.md; stage c runs a short fixed-seed round)'
	@echo '  make golden-update  rewrite tests/golden/ (every test net and example on'
	@echo '                 scalar, avx2, avx512, neon) after an intended change'
	@echo '  make deps      install what is missing (apt-get as root, else print the command)'
	@echo '  make bench [SHAPES="a.lua b.lua"] [THREADS=n]  per-layer timing table (bench/README.md)'
	@echo '  make bench-deps  install XNNPACK, oneDNN and gnuplot for make bench'
	@echo '  make bench-tile  the AVX-512 projection tile loop against the FMA peak'
	@echo '  make lint      shellcheck the test and bench scripts'
	@echo '  make clean     remove $(BUILD)/ and empty $(OUT)/ (the directory stays)'
	@echo 'Variables: LUA=$(LUA) CC=$(CC) CLANG=$(CLANG) BUILD=$(BUILD)'
	@echo '  TARGET: scalar | avx2 | avx512 | neon | native'
	@echo '  FUSE: auto | always | never (fusion of separable layers; auto: the plan decides)'
	@echo '  TEST_TARGETS: targets for stage f; avx2/avx512 are compiled but not run when'
	@echo '  the CPU lacks them, neon is skipped when aarch64-linux-gnu-gcc or qemu-aarch64'
	@echo '  is missing.'
	@echo '  `make -j2 test` runs the stage f jobs in parallel (the default is -j$(NPROC)).'

deps:
	@$(SCRIPTS)/deps.sh

deps-test:
	@$(SCRIPTS)/deps.sh test

gen: deps
	@test -f $(GEN) || { echo "make gen: $(GEN) does not exist yet" >&2; exit 1; }
	@test -n "$(OUT)" || { echo "make gen: OUT is empty: give a directory (OUT=out)" >&2; exit 2; }
	$(LUA) $(GEN) --out "$(OUT)" --target $(TARGET) $(if $(FUSE),--fuse $(FUSE)) --optimize $(OPTIMIZE) \
	  --threads $(THREADS) $(if $(WEIGHTS),--weights "$(WEIGHTS)") "$(SHAPES)"

import: deps
	@test -n "$(ONNX)" || { echo "make import: give the model: make import ONNX=model.onnx [OUT=dir] [NAME=net]" >&2; exit 2; }
	$(LUA) gen/import.lua --out $(IMPORT_OUT) $(if $(NAME),--name $(NAME)) $(ONNX)

demo: deps
	@examples/app/demo.sh $(DEMO_SHAPES) $(TARGET) $(BUILD)/demo "$(WEIGHTS)" "$(DEMO_IMAGE)"

# examples/mcu on an emulated Cortex-M4F: flash, RAM, instructions (examples/mcu/README.md).
.PHONY: demo-mcu
demo-mcu: deps
	@OPTIMIZE=$(OPTIMIZE) examples/mcu/demo.sh $(BUILD)/demo-mcu$(if $(filter size,$(OPTIMIZE)),-size) "$(WEIGHTS)"

# Stage f for the example nets with their (large) random weights baked in.
test-baked: deps-test
	@$(MAKE) --no-print-directory test-nets NET_FILES="$(sort $(wildcard examples/*.lua))" NET_BAKE_MAX=1000000000

test: deps-test
	@$(SCRIPTS)/run-stages.sh "$(MAKE)" $(BUILD) $(STAGES)

# $(call stage,NAME,COMMAND): run COMMAND; exit status 77 means "skipped".
define stage
@mkdir -p $(BUILD)/stages; rm -f $(BUILD)/stages/$(1).skipped; \
$(2); rc=$$?; \
if [ $$rc -eq 77 ]; then touch $(BUILD)/stages/$(1).skipped; rc=0; fi; exit $$rc
endef

test-lua:
	$(call stage,lua,if [ -f tests/lua/run.lua ]; then \
	    echo "$(LUA) tests/lua/run.lua"; $(LUA) tests/lua/run.lua || exit 1; \
	    if command -v luacheck >/dev/null 2>&1; then \
	      echo "luacheck gen tests/lua tests/fuzz (.luacheckrc)"; luacheck --no-color -q gen tests/lua $(wildcard tests/fuzz/*.lua) || exit 1; \
	      rm -rf $(BUILD)/templates-lua; mkdir -p $(BUILD)/templates-lua; \
	      $(LUA) tests/lua/translate.lua $(BUILD)/templates-lua $(TEMPLATES) || exit 1; \
	      echo "luacheck the translated templates (globals: emit.TEMPLATE_VARS)"; \
	      luacheck --no-color -q --config $(BUILD)/templates-lua/.luacheckrc $(BUILD)/templates-lua || exit 1; \
	    else echo "luacheck: SKIPPED (not installed; Debian package lua-check, installed by make deps-test as root)"; fi; \
	  else echo "tests/lua/run.lua does not exist yet: skipped"; (exit 77); fi)

test-runtime:
	$(call stage,runtime,$(SCRIPTS)/runtime.sh)

test-bad:
	$(call stage,bad,$(SCRIPTS)/bad.sh)

test-determinism:
	$(call stage,determinism,TARGETS="$(TEST_TARGETS)" $(SCRIPTS)/determinism.sh)

test-golden:
	$(call stage,golden,$(SCRIPTS)/golden.sh check)

test-import:
	$(call stage,import,$(SCRIPTS)/torch.sh $(BUILD)/torch)

test-nets:
	$(call stage,nets,rm -f $(foreach j,$(NET_JOBS),$(call job_dir,$(patsubst net/%,%,$(j)))/result); \
	  $(MAKE) --no-print-directory -k $(PAR) net-jobs; rc=$$?; \
	  echo "-------- nets summary"; \
	  $(SCRIPTS)/nets-summary.sh $(foreach j,$(NET_JOBS),$(call job_dir,$(patsubst net/%,%,$(j)))) || rc=1; \
	  echo "-------- a CPU without avx2/avx512 (fake /proc/cpuinfo)"; \
	  $(SCRIPTS)/net-selftest.sh $(BUILD)/nets-selftest || rc=1; [ $$rc -eq 0 ])

test-threads:
	$(call stage,threads,BUILD=$(BUILD) $(SCRIPTS)/threads.sh)

# Stage h: the scalar Check tests on emulated Cortex-M4F and M7, -O2 and -Os
# (tests/mcu/README.md), for the nets of MCU_NETS (MCU_NETS=all: every test
# net, about 30 minutes); skipped with the reason without the packages.
MCU_NETS ?= tiny single sep_basic dw_kernels size wholenet_ops examples/mcu/vww.lua
test-mcu:
	$(call stage,mcu,MCU_SKIP_STATUS=77 MCU_STRICT=1 MCU_NETS="$(MCU_NETS)" tests/mcu/run.sh $(BUILD)/mcu)

test-shapes: deps
	@rm -f $(foreach j,$(SHAPES_JOBS),$(call job_dir,$(patsubst net/%,%,$(j)))/result); \
	  $(MAKE) --no-print-directory -k $(PAR) $(SHAPES_JOBS); rc=$$?; \
	  $(SCRIPTS)/nets-summary.sh $(foreach j,$(SHAPES_JOBS),$(call job_dir,$(patsubst net/%,%,$(j)))) && [ $$rc -eq 0 ]

net-jobs: $(NET_JOBS)

$(NET_JOBS): net/%:
	@$(SCRIPTS)/net.sh $(NETPATH.$(notdir $*)) $(patsubst %/,%,$(dir $*)) $(call job_dir,$*)

golden-update: deps
	@$(SCRIPTS)/golden.sh update

golden: golden-update

# A fuzz round (tests/fuzz/README.md); never part of make test, whose stage c
# (bad.sh) runs a short fixed-seed round and the saved cases of tests/fuzz/found/.
fuzz: deps-test
	@tests/fuzz/run.sh --seconds $(SECONDS) $(if $(SEED),--seed $(SEED)) $(if $(NETS),--nets $(NETS))

# make bench, make bench-deps: bench/bench.mk (never part of make test).
include bench/bench.mk

lint:
	shellcheck -x $(SCRIPTS)/*.sh tests/fuzz/*.sh tests/mcu/*.sh bench/*.sh bench/mcu/*.sh examples/app/*.sh examples/mcu/*.sh .ci/run

# clean refuses to empty the repository, its ancestors (and /) or $HOME.
clean:
	@for d in "$(abspath $(BUILD))" "$(abspath $(OUT))"; do \
	  case "$(CURDIR)/" in "$${d%/}/"*) echo "clean: refusing to empty $$d" >&2; exit 2;; esac; \
	  if [ "$$d" = "$$HOME" ]; then echo "clean: refusing to empty $$d" >&2; exit 2; fi; \
	done
	rm -rf $(BUILD)
	@if [ -d $(OUT) ]; then \
	  echo "find $(OUT) -mindepth 1 -maxdepth 1 -exec rm -rf {} +"; \
	  find $(OUT) -mindepth 1 -maxdepth 1 -exec rm -rf {} +; fi
