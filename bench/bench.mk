# bench/bench.mk - `make bench`, `make bench-net`, `make bench-deps` and
# `make bench-mcu`;
# included by the top-level Makefile (`include bench/bench.mk`).  Never
# part of `make test`.
#
#   make bench [SHAPES="a.lua b.lua"] [TARGET=native] [BUILD=build] [THREADS=1]
#       per-layer timing table of the generated kernels next to the generic
#       kernels, XNNPACK and oneDNN (single thread), for each SHAPES file:
#       $(BUILD)/bench/<net>.txt (the table), <net>.csv and <net>.png
#       (roofline); then, for each SHAPES file that is one chain and each
#       of BENCH_NETS, the whole-net row: N_forward against XNNPACK's and
#       oneDNN's execution of the same network, <net>_wholenet.txt and
#       <net>_wholenet.csv.  Environment passed through to bench/run.sh:
#       ONEDNN_MAX_CPU_ISA (e.g. AVX2), BENCH_SECONDS (per-layer budget,
#       0.4), BENCH_NET_SECONDS (whole-net budget, 3), BENCH_CPU (CPU to pin
#       to, "none" to not pin), BENCH_XNNPACK=0, BENCH_ONEDNN=0,
#       EXTRA_CFLAGS.
#       THREADS=n (n > 1): the net generated with --threads n, and every
#       implementation timed at n threads and at 1 side by side (sepgen's
#       N_forward_par / N_L_par with an sg_pthreads pool, XNNPACK with a
#       pthreadpool, oneDNN with OpenMP threads), pinned to n CPUs; the
#       files are named <net>_t<n>.txt, ... (bench/README.md "Threads").
#   make bench-net [SHAPES=...] [TARGET=native] [THREADS=1]
#       the whole-net rows alone (SHAPES, then BENCH_NETS).
#   BENCH_NETS: whole-net rows added to both; by default MobileNet v2 and v3
#       small when SHAPES is not given, none when it is.
#   make bench-tile
#       the AVX-512 projection tile's inner loop against a register-only FMA
#       loop of the same shape (bench/tilepeak.c; AVX-512 only;
#       pinned like make bench, BENCH_CPU).
#   make bench-deps
#       install XNNPACK, oneDNN and gnuplot (apt-get as root, else print the
#       command and exit 2).
#   make bench-mcu
#       instructions per MAC on an emulated Cortex-M4F (below).

SHAPES ?= examples/mobilenet_v1.lua
TARGET ?= native
BUILD  ?= build
LUA    ?= lua5.4
THREADS ?= 1
BENCH_DEPS := libxnnpack-dev libpthreadpool-dev libdnnl-dev gnuplot-nox
BENCH_NETS ?= $(if $(filter file undefined,$(origin SHAPES)),examples/mobilenet_v2.lua \
                examples/mobilenet_v3_small.lua)
# BENCH_NETS without the SHAPES files (those get their whole-net row anyway)
bench_more = $(filter-out $(SHAPES),$(BENCH_NETS))

.PHONY: bench bench-net bench-deps bench-tile

# deps: a fresh machine gets Lua (the generator) before the first run
bench: deps
	@rc=0; for s in $(SHAPES); do \
	  LUA="$(LUA)" CC="$(CC)" THREADS="$(THREADS)" bench/run.sh "$$s" "$(TARGET)" "$(BUILD)/bench" all || rc=1; \
	done; \
	for s in $(bench_more); do \
	  LUA="$(LUA)" CC="$(CC)" THREADS="$(THREADS)" bench/run.sh "$$s" "$(TARGET)" "$(BUILD)/bench" net || rc=1; \
	done; exit $$rc

bench-net: deps
	@rc=0; for s in $(SHAPES) $(bench_more); do \
	  LUA="$(LUA)" CC="$(CC)" THREADS="$(THREADS)" bench/run.sh "$$s" "$(TARGET)" "$(BUILD)/bench" net || rc=1; \
	done; exit $$rc

bench-tile:
	@if ! grep -qw avx512f /proc/cpuinfo 2>/dev/null; then \
	  echo "make bench-tile: skipped: this CPU has no AVX-512F (the tile is AVX-512 code)"; \
	else \
	  mkdir -p "$(BUILD)/bench" && \
	  $(CC) -std=c11 -Wall -Wextra -O2 -o "$(BUILD)/bench/tilepeak" bench/tilepeak.c && \
	  . tests/scripts/common.sh && cpu=$$(sg_bench_cpu) && \
	  if [ -n "$$cpu" ]; then taskset -c "$$cpu" "$(BUILD)/bench/tilepeak"; \
	  else "$(BUILD)/bench/tilepeak"; fi; \
	fi

bench-deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "apt-get install -y $(BENCH_DEPS)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y $(BENCH_DEPS) || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(BENCH_DEPS); }; \
	else \
	  echo "make bench-deps: not root; run: sudo apt-get install -y $(BENCH_DEPS)" >&2; \
	  exit 2; \
	fi

# make bench-mcu [MCU_SHAPES="a.lua b.lua"] [MCU_BOARDS="m4 m7"] [MCU_OPTS="-O2 -Os"]
#     instructions per MAC of the generated scalar code and of the generic
#     kernels, layer by layer and for the whole net, with code size, flash
#     and RAM, on an emulated Cortex-M4F (qemu-system-arm -M mps2-an386;
#     MCU_BOARDS=m7 adds the Cortex-M7) at -O2 and -Os:
#     $(BUILD)/bench-mcu/<net>.txt and <net>.csv (bench/README.md,
#     "Microcontrollers").  Default: the held-out layer set
#     bench/mcu/layers.lua and the DS-CNN keyword-spotting net
#     bench/mcu/dscnn.lua, a few minutes.  Skipped, exit 0, without
#     gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm.
MCU_SHAPES ?= bench/mcu/layers.lua bench/mcu/heldout.lua bench/mcu/dscnn.lua

.PHONY: bench-mcu
bench-mcu: deps
	@LUA="$(LUA)" bench/mcu/run.sh "$(BUILD)/bench-mcu" $(MCU_SHAPES)
