/* common.h - what the benchmarks share (bench/common.c): timing, buffers,
 * deterministic random data, the machine's FMA peak and read bandwidth,
 * the weight arrays of a layer and the error bound of the generated Check
 * tests (templates/check.c.in), which every output is checked against.
 */
#ifndef SG_BENCH_COMMON_H
#define SG_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sg.h"

/* what the build says it compiled (bench/run.sh passes both) */
#ifndef SG_BENCH_TARGET
#define SG_BENCH_TARGET "unknown (build with -DSG_BENCH_TARGET)"
#endif
#ifndef SG_BENCH_CFLAGS
#define SG_BENCH_CFLAGS "unknown (build with -DSG_BENCH_CFLAGS)"
#endif

/* make bench THREADS=n: each implementation at n threads and at 1 (run.sh
 * passes n > 1 only; 1 is the single-threaded bench as it always was) */
#ifndef SG_BENCH_THREADS
#define SG_BENCH_THREADS 1
#endif

#define PAD_FLOATS 16 /* readable floats after every buffer (>= XNN_EXTRA_BYTES) */

void die(const char *msg);
double now(void); /* CLOCK_MONOTONIC, seconds */

/* n floats, 64-byte aligned, zeroed, PAD_FLOATS more readable after them. */
float *falloc(size_t n);

/* xorshift32 in [-1, 1), seeded per layer or net for reproducible data. */
extern uint32_t rng_state;
float rnd(void);
float *random_buf(size_t n);
float *abs_copy(const float *p, size_t n);

double median(double *v, int n); /* sorts v */

/* Bytes the C library's allocator hands out now (mallinfo2: in use from the
 * heap plus mmapped blocks); deltas measure what a library allocates. */
long long heap_bytes(void);

/* 1-minute load average, or -1. */
double load_average(void);

/* ---- threads (SG_BENCH_THREADS > 1) ----------------------------------------- */

/* Waits, outside any timing, until the other threads of this process are
 * idle: the CPU time of the process less this thread's grows by under 5% of
 * the wall time in two 100 us windows in a row (0.2 s at the most).  A pool
 * keeps its workers spinning after a run (libgomp about 8 ms, pthreadpool
 * 25 ms here), which would take a core from whatever is timed next.
 * Returns the seconds waited. */
double quiesce(void);

/* Every layer's N_L_par (README "Threads") with the arguments of sg_layer's
 * run plus the pool, in the table's order: par-NET.c, which bench/run.sh
 * writes from the declarations in N.h. */
typedef void (*bench_par_fn)(const float *in, const float *skip, float *out,
                             const float *packed, float *scratch, const sg_par *par);
typedef struct bench_par_layer {
    const char *name;
    bench_par_fn run;
} bench_par_layer;
extern const bench_par_layer bench_par_layers[];
extern const int bench_par_count;
/* bench_par_layers[i].run for layers[i] (dies unless the names agree). */
bench_par_fn par_run_of(const sg_layer *layers, int n, int i);

/* Untimed, between a sample "after the others" and the warm one: returns
 * once every thread of pool `par` has started a task of one call (each
 * task waits for the others, at most 50 ms), so the warm sample finds the
 * workers awake, as back-to-back calls of N_forward_par do.  The pool's
 * caller never waits for a sleeping worker (runtime/sg_pthreads.h), and a
 * worker's wake-up from its condition variable took about 1.9 ms on the
 * 2026-12-06 host (a virtual machine), longer than most layers: without
 * this, the warm sample of a layer often ran on the caller alone.  The
 * libraries' pools end each call with every worker awake (pthreadpool's
 * caller waits for all of them; OpenMP's barrier), so their warm samples
 * need nothing.  Returns the seconds it took. */
double pool_wake(const sg_par *par);

/* Pins the workers of sepgen's pool `par` (runtime/sg_pthreads.h) to the
 * second CPU this process may use and on, once, before any timing;
 * pin_main(1) then pins the main thread to the first for the timed rounds
 * (every implementation's), pin_main(0) gives it back its CPUs (threads the
 * libraries create take the creating thread's CPUs, so setup runs
 * unpinned).  Without it a worker woken after an idle spell was often
 * placed on the caller's CPU and stayed there through the sample: on the
 * 2026-12-06 host, in 43 of 89 warm samples of MobileNet v1's stem both of
 * sepgen's tasks ran on one CPU, and the per-layer table showed 1.00x
 * scaling for such layers.  The libraries' workers are left to the
 * scheduler: their pools spin long between calls (pthreadpool's caller
 * waits for every worker) and scaled 1.8-2.0x unpinned.  Linux only
 * (elsewhere nothing is pinned).  Writes what it did to how; returns the
 * threads pinned, or -1. */
int pin_pool(const sg_par *par, char *how, size_t n);
void pin_main(int on);

typedef struct machine {
    char cpu[256];
    const char *peak_isa;  /* the best FMA the CPU runs (the roof)      */
    double peak;           /* its single-thread GFLOP/s                 */
    const char *build_isa; /* the widest vector ISA this build targets  */
    double build_peak;     /* peak with only that ISA                   */
    double bw;             /* read bandwidth, GB/s                      */
} machine;

void cpu_model(char *buf, size_t n);
void measure_machine(machine *m);
/* The header lines CPU, date, compiler, cflags, target, peak, memory. */
void print_machine(const machine *m, const char *cflags, const char *target);
void print_load(void); /* the "load:" line */

/* ---- a layer's weights (the arrays of sg_weights, by index) -------------- */
enum { DW_W, DW_B, PW_W, PW_B, UP_W, UP_B, CONV_W, CONV_B, FC_W, FC_B,
       SE_W1, SE_B1, SE_W2, SE_B2, NW };

void sizes_of(const sg_layer *L, size_t n[NW]);   /* floats of each (0: unused) */
sg_weights weights_of(float *const a[NW], const size_t n[NW]);

/* ---- the error bound (the same as the generated Check test's) ------------- */

/* Terms and roundings summed into one output across the layer's stages
 * (bias, residual and activations included): K of gamma_K. */
int accumulation_length(const sg_layer *L);

/* The magnitude run: layer L on |weights| aw and input magnitudes m_in
 * (m_skip), each activation replaced by a bound on what it makes of a
 * magnitude and of the error it carries; softmax outputs get 1 + max/2.
 * scratch holds sg_generic_scratch_floats(L). */
void magnitude(const sg_layer *L, const sg_weights *aw, const float *m_in,
               const float *m_skip, float *mag, float *scratch);

/* max over i of |out[i] - ref[i]| / (2 gamma_K mag[i]): <= 1 passes; NaN
 * gives infinity. */
double check_output(const float *out, const float *ref, const float *mag, size_t n, int K);

/* ---- descriptions ------------------------------------------------------- */
const char *op_name(sg_op op);
int has_pw(const sg_layer *L);
int general_topology(const sg_layer *L); /* a projection no library has */
int is_global_pool(const sg_layer *L);
/* A short description without commas (a CSV field): "separable 3x3/2",
 * "conv 3x3/2", "pool avg global", "se r8", "pwconv topo". */
void op_desc(const sg_layer *L, char *buf, size_t n);

#endif
