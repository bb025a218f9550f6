/* bench.c - per-layer benchmark of one generated sepgen net, side by side
 * with the generic kernels, XNNPACK and oneDNN, single-threaded (or, built
 * with -DSG_BENCH_THREADS=n, at n threads and at 1: below).
 *
 * Compiled together with ONE generated net, the generic kernels and the
 * bench's common code; the net is named by three macros:
 *
 *   cc -std=c11 -O3 <the net's cflags> -Wall -Wextra -I OUT -I bench \
 *      -DSG_NET_HEADER='"mbv1.h"' -DSG_NET_LAYERS=mbv1_layers \
 *      -DSG_NET_COUNT=MBV1_LAYER_COUNT \
 *      [-DSG_BENCH_TARGET='"scalar"'] [-DSG_BENCH_CFLAGS='"-O3 ..."'] \
 *      [-DSG_BENCH_XNNPACK] [-DSG_BENCH_ONEDNN] \
 *      bench/bench.c bench/common.c bench/libnet.c OUT/mbv1.c runtime/sg_generic.c \
 *      [-lXNNPACK] [-ldnnl] -lm
 *   OMP_NUM_THREADS=1 ./bench results.csv [seconds-per-layer]
 *
 * bench/run.sh does all of this (and the roofline plot).
 *
 * For every layer of SG_NET_LAYERS[]:
 *   - random TFLite-layout weights (README: weight layouts), input and skip tensor;
 *     the generated kernel gets them through L->pack, the libraries through
 *     their own weight packing; all of it before any timing;
 *   - every implementation runs once and is compared with the generic kernel
 *     (the oracle) within the generated Check test's bound (common.c); a
 *     mismatch is printed as a warning, marked in the table and the CSV, and
 *     the layer is left out of that implementation's totals;
 *   - timing: warm-up, then rounds that interleave the implementations
 *     (generated, generic, XNNPACK, oneDNN, generated, ...) so they see the
 *     same machine noise; in a round each implementation takes two samples
 *     back to back, the first right after the other implementations ran
 *     (reported as the *_after_us CSV columns and a totals line), the second
 *     warm (the reported time: the median of these warm samples); a sample
 *     is one run, or a batch of runs timed together when one run is shorter
 *     than 20 us.  The generic kernel takes one sample a round and only in
 *     the first 3-5 rounds (it is slow and only there for the speedup column).
 *
 * The libraries compute the layer as a one-layer network of libnet.c (the
 * same op mapping as the whole-net bench, wholenet.c): XNNPACK as a
 * subgraph runtime, oneDNN as a chain of primitives on NHWC tensors.  A
 * layer a library cannot express is "n/a" with the reason in a footnote,
 * never replaced by something else.  Residual: XNNPACK adds it with an
 * add node (timed as part of the layer); oneDNN with a sum post-op into
 * the output buffer, which holds the skip tensor before the checked run
 * (during timing it accumulates, which costs exactly what the in-place
 * residual costs in a real network).  oneDNN 2.6 runs deconvolution
 * post-ops through a slow path, so a layer ending in a deconvolution with
 * post-ops is also set up with them as separate primitives, and the faster
 * correct setup is timed (ln_dnnl_best).  This XNNPACK snapshot crashes on
 * some deconvolution geometries: every XNNPACK layer is first tried in a
 * child process (xnn_trial).
 *
 * Threads (-DSG_BENCH_THREADS=n, n > 1; make bench THREADS=n): the net is
 * generated with --threads n and every implementation runs twice, at n
 * threads and at 1, all interleaved in the same rounds: the generated
 * layer as N_L_par (par-NET.c) with an sg_pthreads pool of n threads and
 * with the caller's thread (par.threads 1), XNNPACK with a pthreadpool of
 * n threads and with none, oneDNN with n and 1 OpenMP threads.  The generic
 * kernel is only the reference then (not timed).  After each
 * implementation's two samples, outside the timing, XNNPACK's workers are
 * parked and the bench waits until no thread of the process spins any more
 * (common.c, quiesce), so that a pool's idle workers do not take the cores
 * from the next implementation; between the generated layer's two samples
 * at n threads, untimed, a call that returns once every worker of the pool
 * is awake (common.h, pool_wake: the pool's caller never waits for a
 * sleeping worker, whose wake-up can outlast a layer).  The main thread
 * and the workers of the generated layers' pool are pinned to distinct
 * CPUs (common.h, pin_pool).  The table adds the 1-thread time of the
 * generated layer and each one's scaling (time at 1 thread / time at n).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SG_NET_HEADER
#error "define SG_NET_HEADER, SG_NET_LAYERS and SG_NET_COUNT (see the top of bench.c)"
#endif
#include SG_NET_HEADER

#include "common.h"
#include "libnet.h"

#if SG_BENCH_THREADS > 1
#include "sg_pthreads.h"
static sg_par par_n, par_1; /* the generated layers' pools: n threads, the caller's */
#endif

#ifdef SG_BENCH_XNNPACK
#include <xnnpack.h>
#endif

#ifndef SG_BENCH_XNNPACK_VERSION
#define SG_BENCH_XNNPACK_VERSION "version unknown"
#endif

#define MIN_SAMPLE_S 20e-6  /* a sample is at least this long (batched runs)   */
#define MIN_ROUNDS 7
#define MAX_ROUNDS 2001

/* ---- implementations ------------------------------------------------------- */

/* I_GEN1, I_XNN1, I_DNNL1: the same at 1 thread (SG_BENCH_THREADS > 1 only) */
enum { I_GEN, I_GENERIC, I_XNN, I_DNNL, I_GEN1, I_XNN1, I_DNNL1, N_IMPL };
static const int family[N_IMPL] = { I_GEN, I_GENERIC, I_XNN, I_DNNL, I_GEN, I_XNN, I_DNNL };
static const char *const family_name[N_IMPL] = { "generated", "generic", "XNNPACK", "oneDNN",
                                                 "generated", "XNNPACK", "oneDNN" };
static char impl_name[N_IMPL][48]; /* "XNNPACK", or "XNNPACK (2 threads)" */

static int threads_of(int k)
{
    return k >= I_GEN1 ? 1 : SG_BENCH_THREADS;
}

enum { ST_NA = 0, ST_OK, ST_MISMATCH };

typedef struct bench_layer {
    const sg_layer *L;
    sg_weights w;
    ln_spec spec;                   /* the layer as a one-layer library network */
    int checking;                   /* the implementation ln_dnnl_best checks   */
    const float *in, *skip, *skip_arg, *x; /* x: the residual tensor or NULL */
    float *packed, *scratch, *gscratch;
    float *out[N_IMPL];
    size_t nout;
    const float *ref, *mag;         /* the generic kernel's output and the magnitude run */
#if SG_BENCH_THREADS > 1
    bench_par_fn par_run;           /* the layer's N_L_par */
#endif
    ln_xnn *xn[N_IMPL];             /* [I_XNN], [I_XNN1] */
    ln_dnnl *dn[N_IMPL];            /* [I_DNNL], [I_DNNL1] */
} bench_layer;

#if defined(SG_BENCH_XNNPACK) || defined(SG_BENCH_ONEDNN)
/* The layer as implementation k's library network: with k's threads when
 * the bench has threads, else as the environment says (spec.threads 0). */
static ln_spec spec_of(const bench_layer *B, int k)
{
    ln_spec s = B->spec;
    s.threads = SG_BENCH_THREADS > 1 ? threads_of(k) : 0;
    return s;
}
#endif

/* Per implementation and layer: the outcome. */
typedef struct result {
    int state;         /* ST_NA, ST_OK, ST_MISMATCH                      */
    int note;          /* footnote number when n/a (0: none)             */
    double err;        /* max |out - ref| / tolerance (<= 1 passes)      */
    double med, min;   /* seconds per run, warm samples                   */
    double med_after;  /* seconds per run, samples right after the other
                          implementations ran (0: not measured)           */
    long batch;        /* runs per sample                                 */
    int nsamples;
    char impl[768];    /* oneDNN: implementation names                    */
} result;

/* Footnotes: distinct n/a reasons, numbered from 1. */
#define MAX_NOTES 32
static char notes[MAX_NOTES][256];
static int nnotes;

#if defined(SG_BENCH_XNNPACK) || defined(SG_BENCH_ONEDNN)
static int note_id(const char *why)
{
    for (int i = 0; i < nnotes; i++)
        if (strcmp(notes[i], why) == 0)
            return i + 1;
    if (nnotes == MAX_NOTES)
        return MAX_NOTES;
    snprintf(notes[nnotes], sizeof notes[nnotes], "%s", why);
    return ++nnotes;
}
#endif

#ifdef SG_BENCH_XNNPACK
/* This XNNPACK snapshot crashes on some geometries instead of returning an
 * error (seen: a strided deconvolution whose output is narrower than its
 * stride, e.g. the up step of a bottleneck on a 2x1 input).  So every layer
 * is first built and run once in a child process; if the child dies, the
 * layer is n/a for XNNPACK. */
static int xnn_trial(bench_layer *B, int k, char *why, size_t nwhy)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return 0; /* cannot test: go ahead */
    if (pid == 0) {
        char w2[256];
        const ln_spec sp = spec_of(B, k);
        ln_xnn *x = ln_xnn_build(&sp, w2, sizeof w2);
        if (x && ln_xnn_bind(x, B->in, B->skip, B->out[k], w2, sizeof w2) == 0)
            ln_xnn_run(x); /* exits with status 1 on an error */
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return 0;
    if (WIFSIGNALED(status)) {
        snprintf(why, nwhy, "XNNPACK crashes (signal %d) setting up or running this layer "
                 "(a bug of this XNNPACK version; seen with deconvolution outputs narrower "
                 "than the stride)", WTERMSIG(status));
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        snprintf(why, nwhy, "XNNPACK fails to run this layer (xnn_invoke_runtime error)");
        return -1;
    }
    return 0;
}
#endif

#ifdef SG_BENCH_ONEDNN
/* ln_dnnl_best's check: a residual's x goes into the output first (the
 * sum post-op accumulates there), then the output must match. */
static int dnnl_check(void *ctx, int before)
{
    bench_layer *B = ctx;
    if (before) {
        if (B->x)
            memcpy(B->out[B->checking], B->x, B->nout * sizeof(float));
        return 1;
    }
    return check_output(B->out[B->checking], B->ref, B->mag, B->nout,
                        accumulation_length(B->L)) <= 1.0;
}
#endif

/* ---- running ------------------------------------------------------------------ */

static void run_impl(bench_layer *B, int k)
{
    const sg_layer *L = B->L;
    switch (family[k]) {
    case I_GEN:
#if SG_BENCH_THREADS > 1
        B->par_run(B->in, B->skip_arg, B->out[k], B->packed, B->scratch,
                   k == I_GEN ? &par_n : &par_1);
#else
        L->run(B->in, B->skip_arg, B->out[I_GEN], B->packed, B->scratch);
#endif
        break;
    case I_GENERIC:
        sg_generic_run(L, &B->w, B->in, B->skip_arg, B->out[I_GENERIC], B->gscratch);
        break;
#ifdef SG_BENCH_XNNPACK
    case I_XNN:
        ln_xnn_run(B->xn[k]);
        break;
#endif
#ifdef SG_BENCH_ONEDNN
    case I_DNNL:
        ln_dnnl_run(B->dn[k]);
        break;
#endif
    default:
        break;
    }
}

/* ---- the table ------------------------------------------------------------------ */

static void fmt_time(char *buf, size_t n, const result *r)
{
    const double us = r->med * 1e6;
    if (r->state == ST_NA) {
        if (r->note)
            snprintf(buf, n, "n/a[%d]", r->note);
        else
            snprintf(buf, n, "-");
    } else
        snprintf(buf, n, "%.*f%s", us < 1.0 ? 3 : us < 10.0 ? 2 : 1, us,
                 r->state == ST_MISMATCH ? "!" : "");
}

static void fmt_ratio(char *buf, size_t n, const result *r, const result *gen)
{
    if (r->state == ST_NA || gen->state == ST_NA)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.2f%s", r->med / gen->med, r->state == ST_MISMATCH ? "!" : "");
}

static void csv_time(FILE *f, const result *r)
{
    if (r->state == ST_NA)
        fprintf(f, ",,");
    else
        fprintf(f, ",%.3f,%.3f", r->med * 1e6, r->min * 1e6);
}

/* One totals line: the generated sum and each library's, with its ratio. */
static void print_totals(const double *t, const int *have)
{
    printf("      generated %.1f us", t[I_GEN] * 1e6);
    if (have[I_XNN])
        printf(", XNNPACK %.1f us (xnn/gen %.2f)", t[I_XNN] * 1e6, t[I_XNN] / t[I_GEN]);
    if (have[I_DNNL])
        printf(", oneDNN %.1f us (dnnl/gen %.2f)", t[I_DNNL] * 1e6, t[I_DNNL] / t[I_GEN]);
    printf("\n");
}

/* With threads: a line per implementation, its sums at n threads and at 1,
 * its scaling and, for a library, library / generated at each. */
static void print_totals_par(const double *t, const int *have)
{
    for (int k = I_GEN1; k <= I_DNNL1; k++) {
        const int kn = family[k];
        if (!have[kn])
            continue;
        printf("      %-9s %9.1f us at %d threads, %9.1f us at 1 (scaling %.2f)", family_name[k],
               t[kn] * 1e6, SG_BENCH_THREADS, t[k] * 1e6, t[k] / t[kn]);
        if (kn != I_GEN)
            printf("; %s/gen %.2f at %d threads, %.2f at 1", kn == I_XNN ? "xnn" : "dnnl",
                   t[kn] / t[I_GEN], SG_BENCH_THREADS, t[k] / t[I_GEN1]);
        printf("\n");
    }
}

static const char *state_name(const result *r)
{
    return r->state == ST_OK ? "ok" : r->state == ST_MISMATCH ? "MISMATCH" : "n/a";
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s OUT.csv [seconds-per-layer, default 0.4]\n", argv[0]);
        return 2;
    }
    const double budget = argc == 3 ? atof(argv[2]) : 0.4;
    if (!(budget > 0.0))
        die("seconds-per-layer must be positive");
    FILE *csv = fopen(argv[1], "w");
    if (!csv) {
        fprintf(stderr, "bench: cannot write %s: %s\n", argv[1], strerror(errno));
        return 1;
    }

    const sg_layer *layers = SG_NET_LAYERS;
    const int nl = SG_NET_COUNT;
    int have[N_IMPL] = { 1, 1, 0, 0 };
    for (int k = 0; k < N_IMPL; k++)
        if (SG_BENCH_THREADS > 1 && family[k] != I_GENERIC)
            snprintf(impl_name[k], sizeof impl_name[k], "%s (%d thread%s)", family_name[k],
                     threads_of(k), threads_of(k) > 1 ? "s" : "");
        else
            snprintf(impl_name[k], sizeof impl_name[k], "%s", family_name[k]);

#ifdef SG_BENCH_XNNPACK
    if (xnn_initialize(NULL) == xnn_status_success)
        have[I_XNN] = 1;
    else
        fprintf(stderr, "bench: xnn_initialize failed (CPU not supported?): XNNPACK skipped\n");
#endif
#ifdef SG_BENCH_ONEDNN
    if (ln_dnnl_init() == 0)
        have[I_DNNL] = 1;
    else
        fprintf(stderr, "bench: oneDNN CPU engine unavailable: oneDNN skipped\n");
#endif
#if SG_BENCH_THREADS > 1
    /* each implementation at 1 thread too; the generic kernel only checks */
    have[I_GEN1] = 1, have[I_XNN1] = have[I_XNN], have[I_DNNL1] = have[I_DNNL];
    have[I_GENERIC] = 0;
    par_n = sg_pthreads_create(SG_BENCH_THREADS);
    par_1 = sg_pthreads_create(1);
    char pin_how[240];
    pin_pool(&par_n, pin_how, sizeof pin_how);
#endif

    /* ---- header ---- */
    machine m;
    measure_machine(&m);
    if (SG_BENCH_THREADS > 1)
        printf("sepgen bench: net %s, %d layers, %d threads and 1 thread side by side\n",
               SG_NET_HEADER, nl, SG_BENCH_THREADS);
    else
        printf("sepgen bench: net %s, %d layers, single thread\n", SG_NET_HEADER, nl);
    print_machine(&m, SG_BENCH_CFLAGS, SG_BENCH_TARGET);
    ln_print_libs(have[I_XNN], have[I_DNNL], SG_BENCH_THREADS);
#if SG_BENCH_THREADS > 1
    printf("generated: N_L_par with an sg_pthreads pool of %d threads%s, and with par.threads "
           "1 (the caller's thread)\n", par_n.threads,
           par_n.threads < SG_BENCH_THREADS ? " (WARNING: fewer threads started)" : "");
    printf("pinning:   %s (bench/common.h, pin_pool)\n", pin_how);
#endif
    print_load();
    printf("timing:    medians of warm samples (each right after a sample of the same "
           "implementation), the\n"
           "           implementations interleaved in rounds; ~%.2f s per layer; a sample >= %.0f us\n",
           budget, MIN_SAMPLE_S * 1e6);
    if (SG_BENCH_THREADS > 1)
        printf("           after each implementation's samples, untimed: XNNPACK's workers "
               "parked, then a wait until no\n"
               "           thread of the process spins (idle pools take cores from what runs "
               "next); between the\n"
               "           generated layer's two samples at n threads, untimed: a call that "
               "returns once every worker\n"
               "           is awake (bench/common.h, pool_wake)\n");
    printf("\n");
    fflush(stdout);

    fprintf(csv, "layer,op,desc,in_h,in_w,in_c,out_h,out_w,out_c,macs,mflop,bytes,ai,"
                 "gen_us,gen_min_us,gen_gflops,gen_pct_peak,gen_status,gen_batch,gen_samples,"
                 "generic_us,generic_min_us,generic_speedup,generic_samples,"
                 "xnnpack_us,xnnpack_min_us,xnnpack_gflops,xnnpack_ratio,xnnpack_status,"
                 "onednn_us,onednn_min_us,onednn_gflops,onednn_ratio,onednn_status,onednn_impl,"
                 "peak_gflops,build_peak_gflops,mem_gbs,"
                 "gen_after_us,xnnpack_after_us,onednn_after_us%s\n",
            SG_BENCH_THREADS > 1 ? ",threads,gen_1t_us,gen_1t_min_us,xnnpack_1t_us,"
                                   "xnnpack_1t_min_us,onednn_1t_us,onednn_1t_min_us,gen_scaling,"
                                   "xnnpack_scaling,onednn_scaling,gen_1t_after_us,"
                                   "xnnpack_1t_after_us,onednn_1t_after_us" : "");

    result *res = calloc((size_t)nl * N_IMPL, sizeof *res);
    double *samples[N_IMPL], *after[N_IMPL];
    for (int k = 0; k < N_IMPL; k++) {
        samples[k] = malloc(MAX_ROUNDS * sizeof(double));
        after[k] = malloc(MAX_ROUNDS * sizeof(double));
        if (!samples[k] || !after[k])
            die("out of memory");
    }
    if (!res)
        die("out of memory");
    int mismatches = 0, par_differs = 0;

    if (SG_BENCH_THREADS > 1) {
        char tg[16], tx[16], td[16];
        snprintf(tg, sizeof tg, "gen %dT us", SG_BENCH_THREADS);
        snprintf(tx, sizeof tx, "XNNPACK %dT", SG_BENCH_THREADS);
        snprintf(td, sizeof td, "oneDNN %dT", SG_BENCH_THREADS);
        printf("%-10s %-22s %-26s %8s %10s %8s %10s %6s %11s %7s %6s %11s %8s %6s\n", "layer", "op",
               "shape (in > out)", "MFLOP", tg, "GFLOP/s", "gen 1T us", "scale", tx, "xnn/gen",
               "scale", td, "dnnl/gen", "scale");
    } else
        printf("%-10s %-22s %-26s %8s %10s %8s %6s %11s %7s %11s %7s %11s %7s\n", "layer", "op",
               "shape (in > out)", "MFLOP", "gen us", "GFLOP/s", "%peak", "generic us", "speedup",
               "XNNPACK us", "xnn/gen", "oneDNN us", "dnnl/gen");
    for (int li = 0; li < nl; li++) {
        const sg_layer *L = &layers[li];
        result *R = &res[(size_t)li * N_IMPL];
        bench_layer B;
        memset(&B, 0, sizeof B);
        B.L = L;
        rng_state = 0x9e3779b9u ^ (uint32_t)((unsigned)li * 2654435761u);

        const size_t nin = (size_t)L->in_h * (size_t)L->in_w * (size_t)L->in_c;
        const size_t nout = (size_t)L->out_h * (size_t)L->out_w * (size_t)L->out_c;
        B.nout = nout;
        size_t nw[NW];
        float *wb[NW];
        sizes_of(L, nw);
        float *in = random_buf(nin), *skip = random_buf(nout);
        for (int k = 0; k < NW; k++)
            wb[k] = random_buf(nw[k]);
        B.w = weights_of(wb, nw);
        B.spec.n = 1;
        B.spec.layers = L;
        B.spec.w = &B.w;
        B.spec.first = li;
        B.spec.x_in_out = 1;
        B.in = in;
        B.skip = skip;
        B.skip_arg = L->residual == SG_RESIDUAL_NAMED ? skip : NULL;
        B.x = L->residual == SG_RESIDUAL_SELF ? in : L->residual == SG_RESIDUAL_NAMED ? skip : NULL;
#if SG_BENCH_THREADS > 1
        B.par_run = par_run_of(layers, nl, li);
#endif
        B.packed = falloc(L->packed_floats);
        B.scratch = falloc(L->scratch_floats);
        B.gscratch = falloc(sg_generic_scratch_floats(L));
        for (int k = 0; k < N_IMPL; k++)
            B.out[k] = falloc(nout);
        L->pack(&B.w, B.packed);

        /* the reference and the magnitude run */
        float *ref = falloc(nout), *mag = falloc(nout);
        B.ref = ref;
        B.mag = mag;
        double t_generic = now();
        sg_generic_run(L, &B.w, in, B.skip_arg, ref, B.gscratch);
        t_generic = now() - t_generic;
        {
            float *a_in = abs_copy(in, nin), *a_skip = abs_copy(skip, nout), *awb[NW];
            for (int k = 0; k < NW; k++)
                awb[k] = abs_copy(wb[k], nw[k]);
            const sg_weights aw = weights_of(awb, nw);
            magnitude(L, &aw, a_in, a_skip, mag, B.gscratch);
            free(a_in);
            free(a_skip);
            for (int k = 0; k < NW; k++)
                free(awb[k]);
        }

        /* library setup, outside any timing */
#if defined(SG_BENCH_XNNPACK) || defined(SG_BENCH_ONEDNN)
        char why[256];
#endif
        for (int k = 0; k < N_IMPL; k++)
            R[k].state = have[k] ? ST_OK : ST_NA;
#ifdef SG_BENCH_XNNPACK
        for (int k = 0; k < N_IMPL; k++) {
            const ln_spec sp = spec_of(&B, k);
            if (family[k] != I_XNN || !have[k])
                continue;
            if (xnn_trial(&B, k, why, sizeof why) != 0 ||
                !(B.xn[k] = ln_xnn_build(&sp, why, sizeof why)) ||
                ln_xnn_bind(B.xn[k], in, skip, B.out[k], why, sizeof why) != 0) {
                R[k].state = ST_NA;
                R[k].note = note_id(why);
                ln_xnn_free(B.xn[k]);
                B.xn[k] = NULL;
            }
        }
#endif
#ifdef SG_BENCH_ONEDNN
        for (int k = 0; k < N_IMPL; k++) {
            /* NHWC tensors; for a deconvolution with an activation or a
             * residual also with those as separate primitives */
            static const int var[2][2] = { { 0, 0 }, { 0, 1 } };
            const ln_spec sp = spec_of(&B, k);
            char choice[640] = "";
            if (family[k] != I_DNNL || !have[k])
                continue;
            B.checking = k;
            B.dn[k] = ln_dnnl_best(&sp, ln_dnnl_split_matters(&sp) ? 2 : 1, var, in, skip,
                                   B.out[k], dnnl_check, &B, choice, sizeof choice, why,
                                   sizeof why);
            if (!B.dn[k]) {
                R[k].state = ST_NA;
                R[k].note = note_id(why);
            } else if (ln_dnnl_split_matters(&sp))
                snprintf(R[k].impl, sizeof R[k].impl, "%s (%s)", ln_dnnl_impl(B.dn[k]), choice);
            else
                snprintf(R[k].impl, sizeof R[k].impl, "%s", ln_dnnl_impl(B.dn[k]));
        }
#endif

        /* one checked run each (also the first warm-up); oneDNN's sum
         * post-op accumulates into its output, which must hold x first */
        const int K = accumulation_length(L);
        for (int k = 0; k < N_IMPL; k++) {
            if (R[k].state == ST_NA || k == I_GENERIC) /* the generic kernel is the reference */
                continue;
            if (family[k] == I_DNNL && B.x)
                memcpy(B.out[k], B.x, nout * sizeof(float));
            run_impl(&B, k);
            R[k].err = check_output(B.out[k], ref, mag, nout, K);
            if (!(R[k].err <= 1.0)) {
                R[k].state = ST_MISMATCH;
                mismatches++;
                printf("WARNING: layer %s: %s output differs from the generic kernel "
                       "(max error %.3g x the tolerance): its time is marked '!' and left out "
                       "of the totals\n", L->name, impl_name[k], R[k].err);
            }
        }
        if (SG_BENCH_THREADS > 1 && R[I_GEN].state == ST_OK && R[I_GEN1].state == ST_OK &&
            memcmp(B.out[I_GEN], B.out[I_GEN1], nout * sizeof(float)) != 0) {
            par_differs++;
            printf("WARNING: layer %s: N_L_par at %d threads and at 1 thread give different "
                   "outputs (SPEC 11: bit for bit alike)\n", L->name, SG_BENCH_THREADS);
        }

        /* warm-up and single-run estimate (min of >= 2 runs, >= 10 ms); the
         * generic kernel only when it is fast, else its reference run counts */
        double t1[N_IMPL], settle_cost = 0.0; /* settle: threads only */
        for (int k = 0; k < N_IMPL; k++) {
            t1[k] = k == I_GENERIC ? t_generic : 1e30;
            if (R[k].state == ST_NA || (k == I_GENERIC && t_generic > 0.005))
                continue;
            double start = now();
            int runs = 0;
            while (runs < 2 || (now() - start < 0.01 && runs < 100000)) {
                double t0 = now();
                run_impl(&B, k);
                double t = now() - t0;
                if (t < t1[k])
                    t1[k] = t;
                runs++;
            }
            if (SG_BENCH_THREADS > 1)
                settle_cost += ln_settle(B.xn[k]);
        }
        double round_cost = 0.0;
        for (int k = 0; k < N_IMPL; k++) {
            if (R[k].state == ST_NA)
                continue;
            R[k].batch = t1[k] >= MIN_SAMPLE_S ? 1 : (long)ceil(MIN_SAMPLE_S / t1[k]);
            if (k != I_GENERIC)
                round_cost += (double)R[k].batch * t1[k];
        }
        int rounds = (int)(budget / (2.0 * round_cost + settle_cost)); /* two samples a round */
        if (rounds < MIN_ROUNDS)
            rounds = MIN_ROUNDS;
        if (rounds > MAX_ROUNDS)
            rounds = MAX_ROUNDS;
        const int generic_rounds = t1[I_GENERIC] * (double)R[I_GENERIC].batch < 0.05 ? 5 : 3;


        /* interleaved rounds: in each, every implementation takes two
         * samples back to back.  The first runs right after the other
         * implementations, whose buffers and weights then fill L1 and L2
         * (this layer's come from L3 or memory, as in a net that runs layer
         * after layer; in a batched sample only the first run of the batch
         * does); the second is warm (the first was its warm-up), the
         * median of "many warm runs" the table and totals quote.  The
         * generic kernel takes one sample a round (the oracle, slow). */
        int ns[N_IMPL] = { 0 };
#if SG_BENCH_THREADS > 1
        pin_main(1);
#endif
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < N_IMPL; k++) {
                if (R[k].state == ST_NA || (k == I_GENERIC && r >= generic_rounds))
                    continue;
                const long nb = R[k].batch;
                for (int pass = k == I_GENERIC ? 1 : 0; pass < 2; pass++) {
                    double t0 = now();
                    for (long b = 0; b < nb; b++)
                        run_impl(&B, k);
                    const double t = (now() - t0) / (double)nb;
                    if (pass == 0)
                        after[k][ns[k]] = t;
                    else
                        samples[k][ns[k]] = t;
#if SG_BENCH_THREADS > 1
                    if (pass == 0 && k == I_GEN)
                        pool_wake(&par_n);
#endif
                }
                ns[k]++;
                if (SG_BENCH_THREADS > 1)
                    ln_settle(B.xn[k]);
            }
        }
#if SG_BENCH_THREADS > 1
        pin_main(0);
#endif
        for (int k = 0; k < N_IMPL; k++) {
            if (R[k].state == ST_NA)
                continue;
            R[k].nsamples = ns[k];
            R[k].med = median(samples[k], ns[k]); /* sorts */
            R[k].min = samples[k][0];
            R[k].med_after = k == I_GENERIC ? 0.0 : median(after[k], ns[k]);
        }

        /* ---- row ---- */
        const double flop = 2.0 * (double)L->macs;
        double bytes = 4.0 * ((double)nin + (double)nout + (double)L->packed_floats);
        if (L->residual == SG_RESIDUAL_NAMED)
            bytes += 4.0 * (double)nout; /* the skip tensor is read too */
        const double ai = flop / bytes;
        char desc[96], shape[64], c_gen[24], c_generic[24], c_sp[24], c_x[24], c_xr[24],
            c_d[24], c_dr[24], c_g1[24], c_gs[24], c_xs[24], c_ds[24];
        op_desc(L, desc, sizeof desc);
        snprintf(shape, sizeof shape, "%dx%dx%d>%dx%dx%d", L->in_h, L->in_w, L->in_c, L->out_h,
                 L->out_w, L->out_c);
        fmt_time(c_gen, sizeof c_gen, &R[I_GEN]);
        fmt_time(c_generic, sizeof c_generic, &R[I_GENERIC]);
        snprintf(c_sp, sizeof c_sp, "%.1fx", R[I_GENERIC].med / R[I_GEN].med);
        fmt_time(c_x, sizeof c_x, &R[I_XNN]);
        fmt_ratio(c_xr, sizeof c_xr, &R[I_XNN], &R[I_GEN]);
        fmt_time(c_d, sizeof c_d, &R[I_DNNL]);
        fmt_ratio(c_dr, sizeof c_dr, &R[I_DNNL], &R[I_GEN]);
        const double gflops = flop / R[I_GEN].med * 1e-9;
        int marked = 0;
        for (int k = 0; k < N_IMPL; k++)
            marked |= R[k].state == ST_MISMATCH;
        if (SG_BENCH_THREADS > 1) {
            /* scale: time at 1 thread / time at n */
            fmt_time(c_g1, sizeof c_g1, &R[I_GEN1]);
            fmt_ratio(c_gs, sizeof c_gs, &R[I_GEN1], &R[I_GEN]);
            fmt_ratio(c_xs, sizeof c_xs, &R[I_XNN1], &R[I_XNN]);
            fmt_ratio(c_ds, sizeof c_ds, &R[I_DNNL1], &R[I_DNNL]);
            printf("%-10s %-22s %-26s %8.2f %10s %8.2f %10s %6s %11s %7s %6s %11s %8s %6s%s\n",
                   L->name, desc, shape, flop * 1e-6, c_gen, gflops, c_g1, c_gs, c_x, c_xr, c_xs,
                   c_d, c_dr, c_ds, marked ? "  <-- MISMATCH" : "");
        } else
            printf("%-10s %-22s %-26s %8.2f %10s %8.2f %5.1f%% %11s %7s %11s %7s %11s %7s%s\n",
                   L->name, desc, shape, flop * 1e-6, c_gen, gflops, 100.0 * gflops / m.peak,
                   c_generic, c_sp, c_x, c_xr, c_d, c_dr, marked ? "  <-- MISMATCH" : "");
        fflush(stdout);

        fprintf(csv, "%s,%s,%s,%d,%d,%d,%d,%d,%d,%lld,%.4f,%.0f,%.4f", L->name, op_name(L->op),
                desc, L->in_h, L->in_w, L->in_c, L->out_h, L->out_w, L->out_c, L->macs,
                flop * 1e-6, bytes, ai);
        csv_time(csv, &R[I_GEN]);
        fprintf(csv, ",%.4f,%.3f,%s,%ld,%d", gflops, 100.0 * gflops / m.peak,
                state_name(&R[I_GEN]), R[I_GEN].batch, R[I_GEN].nsamples);
        csv_time(csv, &R[I_GENERIC]);
        if (R[I_GENERIC].state == ST_NA) /* threads: not timed */
            fprintf(csv, ",,%d", R[I_GENERIC].nsamples);
        else
            fprintf(csv, ",%.3f,%d", R[I_GENERIC].med / R[I_GEN].med, R[I_GENERIC].nsamples);
        for (int k = I_XNN; k <= I_DNNL; k++) {
            csv_time(csv, &R[k]);
            if (R[k].state == ST_NA && R[k].note > 0 && R[k].note <= nnotes) {
                /* "n/a: the reason", without commas */
                char reason[300];
                snprintf(reason, sizeof reason, "n/a: %s", notes[R[k].note - 1]);
                for (char *p = reason; *p; p++)
                    if (*p == ',')
                        *p = ';';
                fprintf(csv, ",,,%s", reason);
            } else if (R[k].state == ST_NA)
                fprintf(csv, ",,,%s", state_name(&R[k]));
            else
                fprintf(csv, ",%.4f,%.4f,%s", flop / R[k].med * 1e-9, R[k].med / R[I_GEN].med,
                        state_name(&R[k]));
        }
        fprintf(csv, ",%s,%.3f,%.3f,%.3f", R[I_DNNL].impl, m.peak, m.build_peak, m.bw);
        for (int k = 0; k <= I_DNNL; k++) {
            if (k == I_GENERIC)
                continue;
            if (R[k].state == ST_NA)
                fprintf(csv, ",");
            else
                fprintf(csv, ",%.3f", R[k].med_after * 1e6);
        }
        if (SG_BENCH_THREADS > 1) {
            /* the 1-thread twins: time, scaling (1 thread / n), time after the others */
            fprintf(csv, ",%d", SG_BENCH_THREADS);
            for (int k = I_GEN1; k <= I_DNNL1; k++)
                csv_time(csv, &R[k]);
            for (int k = I_GEN1; k <= I_DNNL1; k++) {
                const result *rn = &R[family[k]];
                if (R[k].state == ST_NA || rn->state == ST_NA)
                    fprintf(csv, ",");
                else
                    fprintf(csv, ",%.4f", R[k].med / rn->med);
            }
            for (int k = I_GEN1; k <= I_DNNL1; k++)
                if (R[k].state == ST_NA)
                    fprintf(csv, ",");
                else
                    fprintf(csv, ",%.3f", R[k].med_after * 1e6);
        }
        fprintf(csv, "\n");
        fflush(csv);

        /* ---- cleanup ---- */
        for (int k = 0; k < N_IMPL; k++)
            ln_free(B.xn[k], B.dn[k]);
        free(in); free(skip);
        for (int k = 0; k < NW; k++)
            free(wb[k]);
        free(B.packed); free(B.scratch); free(B.gscratch);
        for (int k = 0; k < N_IMPL; k++)
            free(B.out[k]);
        free(ref); free(mag);
    }

    /* ---- totals ---- */
    printf("\nTotals (sums of the per-layer medians of warm samples unless said otherwise; a layer "
           "whose output did not match the\n  generic kernel counts for no one):\n");
    if (have[I_GENERIC]) {
        double g = 0, ge = 0;
        int n = 0;
        for (int li = 0; li < nl; li++) {
            const result *R = &res[(size_t)li * N_IMPL];
            if (R[I_GEN].state != ST_OK || R[I_GENERIC].state != ST_OK)
                continue;
            g += R[I_GEN].med;
            ge += R[I_GENERIC].med;
            n++;
        }
        printf("  generated vs generic, %d of %d layers:  generated %.1f us, generic %.1f us "
               "(generated %.1fx faster)\n", n, nl, g * 1e6, ge * 1e6, ge / g);
    }
    /* the layers every available implementation ran and got right */
    {
        double t[N_IMPL] = { 0 }, ta[N_IMPL] = { 0 };
        int n = 0;
        for (int li = 0; li < nl; li++) {
            const result *R = &res[(size_t)li * N_IMPL];
            int all = 1;
            for (int k = 0; k < N_IMPL; k++)
                if (have[k] && R[k].state != ST_OK)
                    all = 0;
            if (!all)
                continue;
            for (int k = 0; k < N_IMPL; k++) {
                t[k] += R[k].med;
                ta[k] += R[k].med_after;
            }
            n++;
        }
        if (SG_BENCH_THREADS > 1) {
            printf("  common set, %d of %d layers that generated%s%s all ran and verified, at "
                   "%d threads and at 1:\n", n, nl, have[I_XNN] ? ", XNNPACK" : "",
                   have[I_DNNL] ? ", oneDNN" : "", SG_BENCH_THREADS);
            if (n > 0) {
                print_totals_par(t, have);
                printf("    each sample right after the other implementations ran (their data "
                       "in L1/L2, this layer's out of them):\n");
                print_totals_par(ta, have);
            }
        } else if (have[I_XNN] || have[I_DNNL]) {
            printf("  common set, %d of %d layers that generated, generic%s%s all ran and "
                   "verified:\n", n, nl, have[I_XNN] ? ", XNNPACK" : "",
                   have[I_DNNL] ? ", oneDNN" : "");
            if (n > 0) {
                print_totals(t, have);
                printf("    each sample right after the other implementations ran (their data "
                       "in L1/L2, this layer's out of them):\n");
                print_totals(ta, have);
            }
        }
        for (int k = 0; k < N_IMPL; k++) {
            const int gen = k >= I_GEN1 ? I_GEN1 : I_GEN; /* the generated at k's threads */
            if (!have[k] || (family[k] != I_XNN && family[k] != I_DNNL))
                continue;
            double a = 0, b = 0;
            int m2 = 0;
            for (int li = 0; li < nl; li++) {
                const result *R = &res[(size_t)li * N_IMPL];
                if (R[k].state != ST_OK || R[gen].state != ST_OK)
                    continue;
                a += R[gen].med;
                b += R[k].med;
                m2++;
            }
            if (m2 != n && m2 > 0)
                printf("  generated vs %s, the %d layers both ran and verified: generated %.1f us, "
                       "%s %.1f us (ratio %.2f)\n", impl_name[k], m2, a * 1e6, impl_name[k],
                       b * 1e6, b / a);
        }
    }
    if (SG_BENCH_THREADS > 1)
        printf("\nColumns: MFLOP = 2 x the layer's multiply-accumulates as sg_layer.macs counts "
               "them; times are medians of warm\n"
               "  samples in microseconds per run of the layer (the CSV's *_after_us columns: "
               "samples right after the other\n"
               "  implementations); gen %dT us = N_L_par with a pool of %d threads, GFLOP/s at "
               "that; gen 1T us = N_L_par with\n"
               "  par.threads 1; XNNPACK %dT, oneDNN %dT = the library at %d threads; xnn/gen and "
               "dnnl/gen = library time / generated\n"
               "  time, both at %d threads (> 1: the generated kernel is faster); scale = the "
               "same implementation's time at 1 thread\n"
               "  / its time at %d threads (the CSV: every 1-thread time and scaling); '!' = "
               "output differs from the generic kernel;\n"
               "  n/a[i] = the library cannot express the layer (note i).\n",
               SG_BENCH_THREADS, SG_BENCH_THREADS, SG_BENCH_THREADS, SG_BENCH_THREADS,
               SG_BENCH_THREADS, SG_BENCH_THREADS, SG_BENCH_THREADS);
    else
        printf("\nColumns: MFLOP = 2 x the layer's multiply-accumulates as sg_layer.macs counts "
               "them (every kernel tap, also those\n"
               "  that fall into padding: tiny padded layers can show more than 100%% of peak); "
               "GFLOP/s and %%peak of the generated\n"
               "  kernel (peak = the measured %.1f GFLOP/s); times are medians of warm samples in "
               "microseconds per run of the layer\n"
               "  (the CSV's *_after_us columns: samples right after the other implementations);\n"
               "  speedup = generic / generated; xnn/gen and dnnl/gen = library time / generated "
               "time (> 1: the generated kernel is faster);\n"
               "  '!' = output differs from the generic kernel; n/a[i] = the library cannot "
               "express the layer (note i).\n", m.peak);
    printf("Library setups (bench/libnet.c): dwconv = depthwise / grouped conv (groups = C); pwconv = 1x1 "
           "conv; separable = depthwise\n"
           "  + 1x1 conv; dwdeconv = grouped deconvolution; bottleneck = depthwise conv + 1x1 conv + "
           "depthwise deconvolution;\n"
           "  conv = conv; pool = (global) average / max pooling; fc = fully connected / inner "
           "product; se = global average\n"
           "  pool + 2 fully connected + broadcast multiply; softmax = softmax; activations: "
           "clamps, hardswish, sigmoid,\n"
           "  hsigmoid as XNNPACK min/max and nodes, oneDNN eltwise post-ops; residual: XNNPACK an "
           "add node, oneDNN a sum\n"
           "  post-op (or a binary add after a deconvolution, see below); every buffer and weight "
           "packing "
           "outside the timing.\n");
    if (nnotes) {
        printf("Notes:\n");
        for (int i = 0; i < nnotes; i++)
            printf("  [%d] %s\n", i + 1, notes[i]);
    }
#ifdef SG_BENCH_ONEDNN
    if (have[I_DNNL]) {
        printf("oneDNN implementations:\n");
        for (int li = 0; li < nl; li++) {
            const result *R = &res[(size_t)li * N_IMPL];
            if (R[I_DNNL].state != ST_NA)
                printf("  %-10s %s\n", layers[li].name, R[I_DNNL].impl);
            if (R[I_DNNL1].state != ST_NA && strcmp(R[I_DNNL1].impl, R[I_DNNL].impl) != 0)
                printf("  %-10s %s (1 thread)\n", layers[li].name, R[I_DNNL1].impl);
        }
    }
#endif
    if (mismatches)
        printf("WARNING: %d output mismatch(es): see the warnings above; those timings are not "
               "comparable\n", mismatches);
    if (par_differs)
        printf("WARNING: %d layer(s) whose N_L_par output depends on the thread count\n",
               par_differs);
#if SG_BENCH_THREADS > 1
    sg_pthreads_destroy(&par_n);
#endif

    fclose(csv);
    for (int k = 0; k < N_IMPL; k++) {
        free(samples[k]);
        free(after[k]);
    }
    free(res);
#ifdef SG_BENCH_XNNPACK
    if (have[I_XNN])
        xnn_deinitialize();
#endif
#ifdef SG_BENCH_ONEDNN
    if (have[I_DNNL])
        ln_dnnl_fini();
#endif
    return mismatches ? 3 : 0;
}
