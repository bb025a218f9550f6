/* bench/mcu/bench.c - `make bench-mcu`'s bare-metal program: instructions
 * of every layer of one generated net, generated kernel against the generic
 * kernel, on an emulated Cortex-M (bench/README.md, "Microcontrollers").
 *
 * Built by bench/mcu/run.sh with tests/mcu/startup.c (vector table, newlib
 * system calls on semihosting, SysTick wrap counting: tests/mcu/mcu.h) and
 * a glue header, bench_net.h, that run.sh writes for the net:
 *
 *   BN_LAYERS          the net's sg_layer table (N_layers)
 *   BN_NAME            its name, a string
 *   BN_FORWARD         N_forward, when the file is one chain; then also
 *   BN_ARENA_FLOATS    N_ARENA_FLOATS and
 *   BN_WEIGHTS         N_packed_weights (baked, const: in flash)
 *
 * Per layer it runs, three times each: an empty call (the overhead of a
 * measurement), the generated kernel (L->run, weights packed by L->pack)
 * and the generic kernel (sg_generic_run), each on the same random input,
 * weights and buffers; a layer of few MACs is run `reps` times inside one
 * measurement so that every measurement spans at least MIN_MACS MACs (a
 * tick is 40 instructions).  Then the whole net the same way: N_forward
 * against the generic kernels chained.  And once more each, untimed, over
 * a painted stack: the deepest stack the call touched.
 *
 * Output, one line each, for bench/mcu/report.lua (raw ticks; the report
 * subtracts the empty measurement and divides by reps):
 *   bench: empty T1 T2 T3
 *   bench: layer I NAME OP MACS REPS gen T1 T2 T3 STACK generic T1 T2 T3 STACK
 *   bench: net MACS gen T1 T2 T3 STACK generic T1 T2 T3 STACK
 * Exit status 0, or 2 when a buffer cannot be allocated. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_net.h"
#include "mcu.h"

#define MIN_MACS 100000L
#define RUNS 3
#define PAINT 0x5a5aa5a5u

typedef struct {
    const sg_layer *L;
    const sg_weights *w;
    const float *in, *skip;
    float *out;
    const float *packed;
    float *scratch;
    long reps;
} job;

typedef void (*job_fn)(const job *);

static uint32_t Rng = 0x2545f491u;

static float rnd(void)
{
    Rng ^= Rng << 13;
    Rng ^= Rng >> 17;
    Rng ^= Rng << 5;
    return (float)(Rng >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

static float *alloc_floats(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) {
        printf("bench: out of heap (%lu floats)\n", (unsigned long)n);
        exit(2);
    }
    return p;
}

static float *random_floats(size_t n)
{
    float *p = alloc_floats(n);
    for (size_t i = 0; i < n; ++i) p[i] = rnd();
    return p;
}

static size_t in_floats(const sg_layer *L) { return (size_t)L->in_h * (size_t)L->in_w * (size_t)L->in_c; }
static size_t out_floats(const sg_layer *L) { return (size_t)L->out_h * (size_t)L->out_w * (size_t)L->out_c; }

static void __attribute__((noinline)) run_empty(const job *j) { __asm__ volatile("" : : "r"(j) : "memory"); }

static void __attribute__((noinline)) run_gen(const job *j)
{
    for (long r = 0; r < j->reps; ++r) j->L->run(j->in, j->skip, j->out, j->packed, j->scratch);
}

static void __attribute__((noinline)) run_generic(const job *j)
{
    for (long r = 0; r < j->reps; ++r) sg_generic_run(j->L, j->w, j->in, j->skip, j->out, j->scratch);
}

/* Ticks of one call of fn. */
static unsigned long measure(job_fn fn, const job *j)
{
    const uint64_t t0 = mcu_ticks();
    fn(j);
    const uint64_t t1 = mcu_ticks();
    return (unsigned long)(t1 - t0);
}

/* The bytes of stack fn(j) touched below this function's frame: the stack
 * below is painted first, and after the call the lowest word that changed
 * is found (the call through fn and the harness's wrapper included, a few
 * words).  No call happens between the painting and fn. */
extern uint32_t __stack_limit[];
static unsigned long __attribute__((noinline)) stack_of(job_fn fn, const job *j)
{
    volatile uint32_t *sp, *p;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (p = __stack_limit; p < sp; ++p) *p = PAINT;
    fn(j);
    for (p = __stack_limit; p < sp && *p == PAINT; ++p) {
    }
    return (unsigned long)((uintptr_t)sp - (uintptr_t)p);
}

static void print_runs(const char *what, job_fn fn, const job *j)
{
    printf(" %s", what);
    for (int r = 0; r < RUNS; ++r) printf(" %lu", measure(fn, j));
    printf(" %lu", stack_of(fn, j));
}

static long reps_for(long long macs)
{
    return macs >= MIN_MACS ? 1 : (long)((MIN_MACS + macs) / (macs + 1));
}

#ifdef BN_FORWARD
static const float *Net_in;
static float *Net_out, *Net_arena, **Net_t, *Net_scratch;
static const sg_weights *Net_w;

static void __attribute__((noinline)) net_gen(const job *j)
{
    (void)j;
    BN_FORWARD(Net_in, Net_out, BN_WEIGHTS, Net_arena);
}

/* The generic kernels chained, every tensor in a buffer of its own
 * (Net_t[i]: layer i's input; the last layer writes Net_out). */
static void __attribute__((noinline)) net_generic(const job *j)
{
    const int n = (int)(sizeof BN_LAYERS / sizeof BN_LAYERS[0]);
    (void)j;
    for (int i = 0; i < n; ++i) {
        const sg_layer *L = &BN_LAYERS[i];
        const float *skip = L->residual == SG_RESIDUAL_NAMED ? Net_t[L->skip_layer] : NULL;
        sg_generic_run(L, Net_w, Net_t[i], skip, i + 1 < n ? Net_t[i + 1] : Net_out, Net_scratch);
    }
}

static void bench_net(const sg_weights *w, long long macs)
{
    const int n = (int)(sizeof BN_LAYERS / sizeof BN_LAYERS[0]);
    size_t scratch = 0;
    job j;
    memset(&j, 0, sizeof j);
    Net_w = w;
    Net_t = malloc((size_t)n * sizeof *Net_t);
    if (!Net_t) exit(2);
    Net_t[0] = random_floats(in_floats(&BN_LAYERS[0]));
    for (int i = 1; i < n; ++i) Net_t[i] = alloc_floats(in_floats(&BN_LAYERS[i]));
    for (int i = 0; i < n; ++i) {
        const size_t s = sg_generic_scratch_floats(&BN_LAYERS[i]);
        if (s > scratch) scratch = s;
    }
    Net_scratch = alloc_floats(scratch);
    Net_in = Net_t[0];
    Net_out = alloc_floats(out_floats(&BN_LAYERS[n - 1]));
    Net_arena = alloc_floats(BN_ARENA_FLOATS);
    printf("bench: net %lu", (unsigned long)macs);
    print_runs("gen", net_gen, &j);
    print_runs("generic", net_generic, &j);
    printf("\n");
}
#endif

int main(void)
{
    const int n = (int)(sizeof BN_LAYERS / sizeof BN_LAYERS[0]);
    size_t wmax = 1;
    long long macs = 0;
    job j;
    memset(&j, 0, sizeof j);

    /* Every weight pointer at one random array as long as the largest
     * layer's parameters: a layer reads only its own fields, each of them
     * at most its parameter count long. */
    for (int i = 0; i < n; ++i)
        if ((size_t)BN_LAYERS[i].params > wmax) wmax = (size_t)BN_LAYERS[i].params;
    const float *wbuf = random_floats(wmax);
    const sg_weights w = { wbuf, wbuf, wbuf, wbuf, wbuf, wbuf, wbuf, wbuf, wbuf, wbuf, wbuf, wbuf, wbuf, wbuf };

    printf("bench: net %s, %d layers, runs %d, at least %ld MACs a measurement\n", BN_NAME, n, RUNS, MIN_MACS);
    printf("bench: empty");
    for (int r = 0; r < RUNS; ++r) printf(" %lu", measure(run_empty, &j));
    printf("\n");

    for (int i = 0; i < n; ++i) {
        const sg_layer *L = &BN_LAYERS[i];
        float *packed = alloc_floats(L->packed_floats);
        const size_t gs = sg_generic_scratch_floats(L);
        float *scratch = alloc_floats(L->scratch_floats > gs ? L->scratch_floats : gs);
        float *in = random_floats(in_floats(L));
        float *skip = L->residual == SG_RESIDUAL_NAMED ? random_floats(in_floats(&BN_LAYERS[L->skip_layer])) : NULL;
        float *out = alloc_floats(out_floats(L));
        L->pack(&w, packed);
        j.L = L;
        j.w = &w;
        j.in = in;
        j.skip = skip;
        j.out = out;
        j.packed = packed;
        j.scratch = scratch;
        j.reps = reps_for(L->macs);
        macs += L->macs;
        printf("bench: layer %d %s %d %lu %ld", i + 1, L->name, (int)L->op, (unsigned long)L->macs, j.reps);
        print_runs("gen", run_gen, &j);
        print_runs("generic", run_generic, &j);
        printf("\n");
        free(out);
        free(skip);
        free(in);
        free(scratch);
        free(packed);
    }
#ifdef BN_FORWARD
    bench_net(&w, macs);
#endif
    return 0;
}
