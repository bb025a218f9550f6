/* wholenet.c - whole-net benchmark of one generated sepgen net (one chain):
 * N_forward against XNNPACK's and oneDNN's execution of the same network,
 * single-threaded (or, built with -DSG_BENCH_THREADS=n, at n threads and at
 * 1: below), with the memory each holds.
 *
 * Compiled with ONE generated net whose shapes file is one chain (its
 * header defines N_forward), the generic kernels and the bench's common
 * code; the net is named by its C prefix in lower and upper case:
 *
 *   cc -std=c11 -O3 <the net's cflags> -Wall -Wextra -I OUT -I bench \
 *      -DSG_NET_HEADER='"mbv2.h"' -DSG_NET=mbv2 -DSG_NET_UP=MBV2 \
 *      [-DSG_BENCH_SHAPES='"examples/mobilenet_v2.lua"'] \
 *      [-DSG_BENCH_TARGET=...] [-DSG_BENCH_CFLAGS=...] \
 *      [-DSG_BENCH_XNNPACK] [-DSG_BENCH_ONEDNN] \
 *      bench/wholenet.c bench/common.c bench/libnet.c OUT/mbv2.c runtime/sg_generic.c \
 *      [-lXNNPACK] [-ldnnl] -lm
 *   OMP_NUM_THREADS=1 ./wholenet OUT.csv [seconds]
 *
 * bench/run.sh does all of this (make bench, make bench-net).
 *
 * The implementations, each computing the whole net from the same input and
 * weights (random, TFLite layouts, a fixed seed; every weight array scaled
 * to its fan-in, He-style, then each layer's last linear stage rescaled so
 * that its output has standard deviation 1, the logits 2: activations stay
 * of order 1 through the net and the class probabilities are spread):
 *   sepgen     N_forward(in, out, packed, arena) (weights packed by N_pack);
 *   layers     the same generated layers run one by one (L->run of
 *              N_layers[]), each tensor in a buffer of its own: a sanity
 *              column (it must give N_forward's output bit for bit);
 *   XNNPACK    one subgraph and runtime (libnet.c), no threadpool;
 *   oneDNN     a chain of primitives (libnet.c) in the fastest of three
 *              setups (each checked, then timed briefly): every tensor NHWC;
 *              each primitive's output in the layout oneDNN picks
 *              (format_tag_any; oneDNN 2.6 picks NHWC for its brgemm
 *              kernels on AVX-512); every 4-D tensor in its blocked
 *              nChw16c (its jit 1x1 and depthwise kernels); reorders only
 *              at the net's input and output.  With a deconvolution that
 *              has an activation or residual, each also with those as
 *              separate primitives.
 *
 * Check, before any timing: every output is compared with the generic
 * kernels chained (runtime/sg_generic.c).  The tolerance comes from the net
 * itself: the generic chain is rerun three times with every layer's output
 * perturbed by a random fraction in [-1, 1] of the rounding error any
 * implementation of that layer may make on that input (gamma_K * M with the
 * layer's accumulation length K and magnitude run M, as in the per-layer
 * check; for softmax gamma_K of the probability itself), and the tolerance
 * is 4x the largest change of an output seen.  Real implementations err far
 * less than those worst-case perturbations at every element; a wrong wiring
 * (skip, layout, order, activation) moves the probabilities by their own
 * size.  A mismatch stops the row (exit status 3) before timing.
 *
 * Timing: warm-up, then at least MIN_ROUNDS rounds (about `seconds`, 3 by
 * default); in each round every implementation, in an order rotated from
 * round to round, takes two samples of one inference back to back: the
 * first right after the other implementations ran ("after the others"),
 * the second warm (the reported median).
 *
 * Memory (besides the input and output buffers):
 *   sepgen     N_ARENA_FLOATS and N_PACKED_FLOATS floats;
 *   XNNPACK    heap deltas around runtime creation and setup (ln_xnn_memory);
 *   oneDNN     the buffers its primitives' tensors are planned into, its
 *              largest scratchpad, its reordered weights and biases.
 *
 * Threads (-DSG_BENCH_THREADS=n, n > 1; make bench THREADS=n): the net is
 * generated with --threads n; sepgen runs N_forward_par with an sg_pthreads
 * pool of n threads and with par.threads 1, the layers one by one as
 * N_L_par (par-NET.c) with the pool, XNNPACK with a pthreadpool of n
 * threads and with none, oneDNN with n and 1 OpenMP threads, all in the
 * same rounds.  After each implementation's two runs, outside the timing,
 * XNNPACK's workers are parked and the bench waits until no thread of the
 * process spins (common.c, quiesce); between sepgen's two runs at n
 * threads, untimed, a call that returns once every worker of its pool is
 * awake (common.h, pool_wake).  The main thread and the workers of
 * sepgen's pool are pinned to distinct CPUs (common.h, pin_pool).  The table adds each row's threads and
 * each implementation's scaling (time at 1 thread / time at n); the
 * speed-ups compare sepgen and the libraries at the same thread count; the
 * three sepgen outputs must agree bit for bit (SPEC 11).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(SG_NET_HEADER) || !defined(SG_NET) || !defined(SG_NET_UP)
#error "define SG_NET_HEADER, SG_NET and SG_NET_UP (see the top of wholenet.c)"
#endif
#include SG_NET_HEADER

#include "common.h"
#include "libnet.h"

#if SG_BENCH_THREADS > 1
#include "sg_pthreads.h"
static sg_par par_n, par_1; /* sepgen's pools: n threads, the caller's */
#endif

#ifdef SG_BENCH_XNNPACK
#include <xnnpack.h>
#endif

#ifndef SG_BENCH_SHAPES
#define SG_BENCH_SHAPES SG_NET_HEADER
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define NET_LAYERS CAT(SG_NET, _layers)
#define NET_PACK CAT(SG_NET, _pack)
#define NET_FORWARD CAT(SG_NET, _forward)
#define NET_FORWARD_PAR CAT(SG_NET, _forward_par)
#define NET_COUNT CAT(SG_NET_UP, _LAYER_COUNT)
#define NET_IN_H CAT(SG_NET_UP, _IN_H)
#define NET_IN_W CAT(SG_NET_UP, _IN_W)
#define NET_IN_C CAT(SG_NET_UP, _IN_C)
#define NET_OUT_H CAT(SG_NET_UP, _OUT_H)
#define NET_OUT_W CAT(SG_NET_UP, _OUT_W)
#define NET_OUT_C CAT(SG_NET_UP, _OUT_C)
#define NET_ARENA CAT(SG_NET_UP, _ARENA_FLOATS)
#define NET_PACKED CAT(SG_NET_UP, _PACKED_FLOATS)
#define STR_(a) #a
#define STR(a) STR_(a)

#define MIN_ROUNDS 31
#define MAX_ROUNDS 2001
#define TRIALS 3       /* perturbed generic chains behind the tolerance */
#define TOL_FACTOR 4.0 /* tolerance = this x the largest change they show */

/* I_FWD1, I_XNN1, I_DNNL1: the same at 1 thread (SG_BENCH_THREADS > 1 only) */
enum { I_FWD, I_LAYERS, I_XNN, I_DNNL, I_FWD1, I_XNN1, I_DNNL1, N_IMPL };
static const int family[N_IMPL] = { I_FWD, I_LAYERS, I_XNN, I_DNNL, I_FWD, I_XNN, I_DNNL };
static const int twin[N_IMPL] = { I_FWD1, -1, I_XNN1, I_DNNL1, -1, -1, -1 }; /* at 1 thread */
#if SG_BENCH_THREADS > 1
#define FWD_NAME "sepgen " STR(SG_NET) "_forward_par"
#else
#define FWD_NAME "sepgen " STR(SG_NET) "_forward"
#endif
static const char *impl_name[N_IMPL] = { FWD_NAME, "sepgen layers one by one", "XNNPACK",
                                         "oneDNN", FWD_NAME, "XNNPACK", "oneDNN" };
/* the implementations this build runs */
enum { N_RUN = SG_BENCH_THREADS > 1 ? N_IMPL : I_FWD1 };

static int threads_of(int k)
{
    return k >= I_FWD1 ? 1 : SG_BENCH_THREADS;
}

/* "XNNPACK", or with threads "XNNPACK, 2 threads" */
static void label(int k, char *buf, size_t n)
{
    if (SG_BENCH_THREADS > 1)
        snprintf(buf, n, "%s, %d thread%s", impl_name[k], threads_of(k),
                 threads_of(k) > 1 ? "s" : "");
    else
        snprintf(buf, n, "%s", impl_name[k]);
}

typedef struct impl {
    int on;                  /* built and checked                        */
    char note[704];          /* setup, or why not                        */
    double err;              /* max |out - generic chain| / tolerance    */
    double *warm, *after;    /* samples, seconds                         */
    double med, med_after, min;
    long long arena, weights; /* bytes; < 0: not measured               */
    char mem_how[320];
    float *out;
} impl;

/* ---- the net's data ---------------------------------------------------------- */

static const sg_layer *layers = NET_LAYERS;
enum { N = NET_COUNT };

static size_t nfloats_out(const sg_layer *L)
{
    return (size_t)L->out_h * (size_t)L->out_w * (size_t)L->out_c;
}

/* He-style gain of the activation after a weight array: 2 for relu-like
 * ones (half the values cut), else 1. */
static float gain(sg_act a)
{
    if (a.kind == SG_ACT_HSWISH || (a.kind == SG_ACT_CLAMP && (a.flags & SG_ACT_LO) && a.lo == 0.0f))
        return 2.0f;
    return 1.0f;
}

/* Random weights of layer L: uniform in [-a, a], a = sqrt(3 gain / fan_in)
 * (variance gain / fan_in); biases uniform in [-0.1, 0.1]. */
static void random_weights(const sg_layer *L, float *wb[NW], size_t nw[NW])
{
    float fan[NW], g[NW];
    const float kk = (float)(L->kh * L->kw);
    sizes_of(L, nw);
    for (int k = 0; k < NW; k++)
        fan[k] = 0.0f, g[k] = 1.0f;
    const int sep = L->op == SG_OP_SEPARABLE || L->op == SG_OP_BOTTLENECK;
    fan[DW_W] = kk, g[DW_W] = gain(sep ? L->dw_act : L->act);
    fan[PW_W] = (float)L->pw_s, g[PW_W] = gain(L->op == SG_OP_BOTTLENECK ? L->mid_act : L->act);
    fan[UP_W] = (float)(L->up_kh * L->up_kw) / (float)(L->sh * L->sw), g[UP_W] = gain(L->act);
    fan[CONV_W] = kk * (float)(L->in_c / (L->groups > 0 ? L->groups : 1)), g[CONV_W] = gain(L->act);
    fan[FC_W] = (float)L->in_h * (float)L->in_w * (float)L->in_c, g[FC_W] = gain(L->act);
    fan[SE_W1] = (float)L->in_c, g[SE_W1] = gain(L->se_act);
    fan[SE_W2] = (float)L->reduce;
    for (int k = 0; k < NW; k++) {
        const float a = fan[k] > 0.0f ? sqrtf(3.0f * g[k] / fan[k]) : 0.1f; /* biases: 0.1 */
        wb[k] = falloc(nw[k]);
        for (size_t i = 0; i < nw[k]; i++)
            wb[k][i] = a * rnd();
    }
}

/* The weights and bias of layer L's last linear stage (-1: none). */
static void last_stage(const sg_layer *L, int *w, int *b)
{
    *w = *b = -1;
    switch (L->op) {
    case SG_OP_DWCONV:
    case SG_OP_DWDECONV: *w = DW_W, *b = DW_B; break;
    case SG_OP_PWCONV:
    case SG_OP_SEPARABLE: *w = PW_W, *b = PW_B; break;
    case SG_OP_BOTTLENECK: *w = UP_W, *b = UP_B; break;
    case SG_OP_CONV: *w = CONV_W, *b = CONV_B; break;
    case SG_OP_FC: *w = FC_W, *b = FC_B; break;
    default: break;
    }
}

static double stddev(const float *v, size_t n)
{
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i], s2 += (double)v[i] * v[i];
    const double mean = s / (double)n, var = s2 / (double)n - mean * mean;
    return var > 0.0 ? sqrt(var) : 0.0;
}

static int skip_of(int i)
{
    return layers[i].residual == SG_RESIDUAL_NAMED ? layers[i].skip_layer : -1;
}

/* The generic kernels chained: t[0] = in, t[i + 1] = layer i of t[i]; with
 * eps, each layer's output moves by r * eps[i][j], r uniform in [-1, 1]. */
static void generic_chain(const sg_weights *ws, float **t, float *const *eps, float *gs)
{
    for (int i = 0; i < N; i++) {
        const sg_layer *L = &layers[i];
        const int sk = skip_of(i);
        sg_generic_run(L, &ws[i], t[i], sk >= 0 ? t[sk] : NULL, t[i + 1], gs);
        if (eps)
            for (size_t j = 0; j < nfloats_out(L); j++)
                t[i + 1][j] += rnd() * eps[i][j];
    }
}

static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = fabs((double)a[i] - (double)b[i]);
        if (!(d <= m))
            m = isnan(d) ? INFINITY : d;
    }
    return m;
}

/* Layer by layer, the generic chain t[] with each layer's last linear stage
 * scaled so that the layer's output has standard deviation 1 (2 for the
 * logits before a final softmax): the random net neither fades nor blows
 * up, and its class probabilities are spread (LSUV, Mishkin and Matas,
 * arXiv 1511.06422, one pass). */
static void unit_variance(float *wb[][NW], const size_t nw[][NW], sg_weights *ws, float **t,
                          float *gs)
{
    for (int i = 0; i < N; i++) {
        const sg_layer *L = &layers[i];
        const int sk = skip_of(i);
        int w, b;
        last_stage(L, &w, &b);
        sg_generic_run(L, &ws[i], t[i], sk >= 0 ? t[sk] : NULL, t[i + 1], gs);
        const double sd = stddev(t[i + 1], nfloats_out(L));
        const double want = i + 2 == N && layers[N - 1].op == SG_OP_SOFTMAX ? 2.0 : 1.0;
        if (w < 0 || !(sd > 0.0))
            continue;
        const float f = (float)(want / sd);
        for (size_t j = 0; j < nw[i][w]; j++)
            wb[i][w][j] *= f;
        if (b >= 0)
            for (size_t j = 0; j < nw[i][b]; j++)
                wb[i][b][j] *= f;
        sg_generic_run(L, &ws[i], t[i], sk >= 0 ? t[sk] : NULL, t[i + 1], gs);
    }
}

/* ---- the implementations under test ---------------------------------------------- */

typedef struct net_state {
    const float *in;
    const float *packed;
    float *arena;
    float **lp, **ls, **lt; /* layers one by one: packed, scratch, tensors */
    const float *ref;       /* the generic chain's output */
    double tol;
#if SG_BENCH_THREADS > 1
    bench_par_fn par_run[N]; /* every layer's N_L_par */
#endif
    ln_xnn *xn[N_IMPL];     /* [I_XNN], [I_XNN1] */
    ln_dnnl *dn[N_IMPL];    /* [I_DNNL], [I_DNNL1] */
    int checking;           /* the implementation ln_dnnl_best checks */
    impl *im;
} net_state;

static void run_impl(net_state *S, int k)
{
    switch (family[k]) {
    case I_FWD:
#if SG_BENCH_THREADS > 1
        NET_FORWARD_PAR(S->in, S->im[k].out, S->packed, S->arena, k == I_FWD ? &par_n : &par_1);
#else
        NET_FORWARD(S->in, S->im[I_FWD].out, S->packed, S->arena);
#endif
        break;
    case I_LAYERS:
        for (int i = 0; i < N; i++) {
            const int sk = skip_of(i);
            const float *skip = sk >= 0 ? S->lt[sk] : NULL;
            float *out = i + 1 < N ? S->lt[i + 1] : S->im[I_LAYERS].out;
#if SG_BENCH_THREADS > 1
            S->par_run[i](S->lt[i], skip, out, S->lp[i], S->ls[i], &par_n);
#else
            layers[i].run(S->lt[i], skip, out, S->lp[i], S->ls[i]);
#endif
        }
        break;
#ifdef SG_BENCH_XNNPACK
    case I_XNN:
        ln_xnn_run(S->xn[k]);
        break;
#endif
#ifdef SG_BENCH_ONEDNN
    case I_DNNL:
        ln_dnnl_run(S->dn[k]);
        break;
#endif
    default:
        break;
    }
}

#ifdef SG_BENCH_ONEDNN
static int dnnl_check(void *ctx, int before)
{
    net_state *S = ctx;
    if (before)
        return 1;
    return max_abs_diff(S->im[S->checking].out, S->ref,
                        (size_t)NET_OUT_H * NET_OUT_W * NET_OUT_C) <= S->tol;
}
#endif

/* "sepgen speed-up over the faster library (...)": the libraries at the
 * threads of sepgen's row f, against it. */
static void print_best(const impl *im, int f)
{
    int best = -1;
    for (int k = 0; k < N_RUN; k++)
        if ((family[k] == I_XNN || family[k] == I_DNNL) && threads_of(k) == threads_of(f) &&
            im[k].on && (best < 0 || im[k].med < im[best].med))
            best = k;
    if (best < 0)
        return;
    char at[32] = "";
    if (SG_BENCH_THREADS > 1)
        snprintf(at, sizeof at, " at %d thread%s", threads_of(f), threads_of(f) > 1 ? "s" : "");
    printf("%ssepgen speed-up over the faster library%s (%s): %.2fx warm, %.2fx after the "
           "others\n", f == I_FWD ? "\n" : "", at, impl_name[best], im[best].med / im[f].med,
           im[best].med_after / im[f].med_after);
}

static void fmt_bytes(char *buf, size_t n, long long b)
{
    if (b < 0)
        snprintf(buf, n, "-");
    else if (b >= 1LL << 20)
        snprintf(buf, n, "%.2f MiB", (double)b / 1048576.0);
    else
        snprintf(buf, n, "%.0f KiB", (double)b / 1024.0);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s OUT.csv [seconds, default 3]\n", argv[0]);
        return 2;
    }
    const double budget = argc == 3 ? atof(argv[2]) : 3.0;
    if (!(budget > 0.0))
        die("seconds must be positive");
    FILE *csv = fopen(argv[1], "w");
    if (!csv) {
        fprintf(stderr, "wholenet: cannot write %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    const size_t nin = (size_t)NET_IN_H * NET_IN_W * NET_IN_C;
    const size_t nout = (size_t)NET_OUT_H * NET_OUT_W * NET_OUT_C;
    impl im[N_IMPL];
    memset(im, 0, sizeof im);
    int have_xnn = 0, have_dnnl = 0;
#ifdef SG_BENCH_XNNPACK
    have_xnn = xnn_initialize(NULL) == xnn_status_success;
#endif
#ifdef SG_BENCH_ONEDNN
    have_dnnl = ln_dnnl_init() == 0;
#endif

#if SG_BENCH_THREADS > 1
    par_n = sg_pthreads_create(SG_BENCH_THREADS);
    par_1 = sg_pthreads_create(1);
    char pin_how[240];
    pin_pool(&par_n, pin_how, sizeof pin_how);
#endif

    machine m;
    measure_machine(&m);
    char thr[48] = "single thread";
    if (SG_BENCH_THREADS > 1)
        snprintf(thr, sizeof thr, "%d threads and 1 side by side", SG_BENCH_THREADS);
    printf("sepgen whole-net bench: %s (%s), %d layers, %dx%dx%d -> %dx%dx%d, %s\n",
           STR(SG_NET), SG_BENCH_SHAPES, N, NET_IN_H, NET_IN_W, NET_IN_C, NET_OUT_H, NET_OUT_W,
           NET_OUT_C, thr);
    print_machine(&m, SG_BENCH_CFLAGS, SG_BENCH_TARGET);
    ln_print_libs(have_xnn, have_dnnl, SG_BENCH_THREADS);
#if SG_BENCH_THREADS > 1
    printf("sepgen:    an sg_pthreads pool of %d threads%s, and par.threads 1 (the caller's "
           "thread)\n", par_n.threads,
           par_n.threads < SG_BENCH_THREADS ? " (WARNING: fewer threads started)" : "");
    printf("pinning:   %s (bench/common.h, pin_pool)\n", pin_how);
#endif
    print_load();
    fflush(stdout);

    /* ---- weights, input, packing ---- */
    float *wb[N][NW];
    size_t nw[N][NW];
    sg_weights ws[N];
    rng_state = 0x2545f491u;
    for (int i = 0; i < N; i++) {
        random_weights(&layers[i], wb[i], nw[i]);
        ws[i] = weights_of(wb[i], nw[i]);
    }
    float *in = random_buf(nin);
    for (int k = 0; k < N_IMPL; k++)
        im[k].out = falloc(nout), im[k].arena = im[k].weights = -1;

    /* ---- the generic chain, the tolerance ---- */
    size_t gsn = 0;
    for (int i = 0; i < N; i++) {
        const size_t g = sg_generic_scratch_floats(&layers[i]);
        gsn = g > gsn ? g : gsn;
    }
    float *gs = falloc(gsn), *g[N + 1], *p[N + 1], *eps[N];
    g[0] = p[0] = in;
    for (int i = 0; i < N; i++) {
        g[i + 1] = falloc(nfloats_out(&layers[i]));
        p[i + 1] = falloc(nfloats_out(&layers[i]));
        eps[i] = falloc(nfloats_out(&layers[i]));
    }
    unit_variance(wb, (const size_t(*)[NW])nw, ws, g, gs);
    float *packed = falloc(NET_PACKED), *arena = falloc(NET_ARENA);
    NET_PACK(ws, packed);
    double t0 = now();
    generic_chain(ws, g, NULL, gs);
    const double t_generic = now() - t0;
    {
        /* each layer's rounding bound gamma_K * M on the generic chain's
         * own tensors: M the magnitude run on |weights| and |its inputs|;
         * softmax: gamma_K * p (relative error of e^x / sum) */
        const double u = 1.0 / 16777216.0;
        for (int i = 0; i < N; i++) {
            const sg_layer *L = &layers[i];
            const size_t no = nfloats_out(L);
            const int K = accumulation_length(L), sk = skip_of(i);
            const double gamma = K * u / (1.0 - K * u);
            if (L->op == SG_OP_SOFTMAX) {
                for (size_t j = 0; j < no; j++)
                    eps[i][j] = (float)(gamma * fabs((double)g[i + 1][j]));
                continue;
            }
            float *aw[NW];
            for (int k = 0; k < NW; k++)
                aw[k] = abs_copy(wb[i][k], nw[i][k]);
            const sg_weights a = weights_of(aw, nw[i]);
            float *ain = abs_copy(g[i], i ? nfloats_out(&layers[i - 1]) : nin);
            float *askip = sk >= 0 ? abs_copy(g[sk], sk ? nfloats_out(&layers[sk - 1]) : nin) : NULL;
            magnitude(L, &a, ain, askip, eps[i], gs);
            for (size_t j = 0; j < no; j++)
                eps[i][j] = (float)(gamma * (double)eps[i][j]);
            for (int k = 0; k < NW; k++)
                free(aw[k]);
            free(ain);
            free(askip);
        }
    }
    double dev = 0.0;
    for (int trial = 0; trial < TRIALS; trial++) {
        rng_state = 0x51ed270bu + (uint32_t)trial * 0x9e3779b9u;
        generic_chain(ws, p, eps, gs);
        const double d = max_abs_diff(p[N], g[N], nout);
        dev = d > dev ? d : dev;
    }
    const double tol = TOL_FACTOR * dev;
    float pmax = 0.0f;
    for (size_t j = 0; j < nout; j++)
        pmax = g[N][j] > pmax ? g[N][j] : pmax;
    printf("check:     generic chain %.2f s; tolerance %.3g on every output (%dx the largest change "
           "of %d generic chains with each\n"
           "           layer's output perturbed within its rounding bound: %.3g); largest output "
           "%.4g (%.3g x the tolerance)\n",
           t_generic, tol, (int)TOL_FACTOR, TRIALS, dev, (double)pmax,
           tol > 0.0 ? (double)pmax / tol : INFINITY);
    if (!(tol < 0.1 * (double)pmax))
        printf("WARNING:   the tolerance is not small against the outputs: the check is weak\n");

    /* ---- set up and check every implementation, outside any timing ---- */
    net_state S;
    memset(&S, 0, sizeof S);
    S.in = in;
    S.packed = packed;
    S.arena = arena;
    S.ref = g[N];
    S.tol = tol;
    S.im = im;
    im[I_LAYERS].on = 1;
    for (int k = 0; k < N_RUN; k++) {
        if (family[k] != I_FWD)
            continue;
        im[k].on = 1;
        im[k].arena = (long long)NET_ARENA * 4;
        im[k].weights = (long long)NET_PACKED * 4;
        snprintf(im[k].mem_how, sizeof im[k].mem_how, "N_ARENA_FLOATS and N_PACKED_FLOATS floats");
        if (SG_BENCH_THREADS > 1)
            snprintf(im[k].note, sizeof im[k].note, "generated, target %s, %s", SG_BENCH_TARGET,
                     k == I_FWD ? "an sg_pthreads pool" : "par.threads 1");
        else
            snprintf(im[k].note, sizeof im[k].note, "generated, target %s", SG_BENCH_TARGET);
    }
    S.lp = calloc(N, sizeof *S.lp);
    S.ls = calloc(N, sizeof *S.ls);
    S.lt = calloc(N + 1, sizeof *S.lt);
    if (!S.lp || !S.ls || !S.lt)
        die("out of memory");
    S.lt[0] = in;
    {
        long long tb = 0, wb2 = 0;
        size_t sc = 0;
        for (int i = 0; i < N; i++) {
            S.lp[i] = falloc(layers[i].packed_floats);
            S.ls[i] = falloc(layers[i].scratch_floats);
            layers[i].pack(&ws[i], S.lp[i]);
            if (i + 1 < N) {
                S.lt[i + 1] = falloc(nfloats_out(&layers[i]));
                tb += (long long)nfloats_out(&layers[i]) * 4;
            }
            sc = layers[i].scratch_floats > sc ? layers[i].scratch_floats : sc;
            wb2 += (long long)layers[i].packed_floats * 4;
        }
        im[I_LAYERS].arena = tb + (long long)sc * 4;
        im[I_LAYERS].weights = wb2;
        snprintf(im[I_LAYERS].mem_how, sizeof im[I_LAYERS].mem_how,
                 "every intermediate tensor in a buffer of its own + the largest scratch");
        snprintf(im[I_LAYERS].note, sizeof im[I_LAYERS].note,
                 SG_BENCH_THREADS > 1 ? "N_L_par of every layer, in order, the same pool"
                                      : "L->run of N_layers[], in order");
    }
#if SG_BENCH_THREADS > 1
    for (int i = 0; i < N; i++)
        S.par_run[i] = par_run_of(layers, N, i);
#endif
    for (int k = 0; k < N_RUN; k++) {
#if defined(SG_BENCH_XNNPACK) || defined(SG_BENCH_ONEDNN)
        /* k's threads with threads, else as the environment says */
        const ln_spec spec = { N, layers, ws, 0, 0, SG_BENCH_THREADS > 1 ? threads_of(k) : 0 };
        char why[640];
#endif
        if (family[k] == I_XNN) {
#ifdef SG_BENCH_XNNPACK
            if (have_xnn) {
                ln_memory mem;
                S.xn[k] = ln_xnn_build(&spec, why, sizeof why);
                if (S.xn[k] && ln_xnn_bind(S.xn[k], in, NULL, im[k].out, why, sizeof why) == 0 &&
                    ln_xnn_memory(&spec, &mem, why, sizeof why) == 0) {
                    im[k].on = 1;
                    im[k].arena = mem.arena;
                    im[k].weights = mem.weights;
                    snprintf(im[k].mem_how, sizeof im[k].mem_how, "%s", mem.how);
                    if (spec.threads > 1)
                        snprintf(im[k].note, sizeof im[k].note, "subgraph API, "
                                 "xnn_create_runtime_v2 (a pthreadpool of %d threads, flags 0)",
                                 spec.threads);
                    else
                        snprintf(im[k].note, sizeof im[k].note,
                                 "subgraph API, xnn_create_runtime_v2 (no threadpool, flags 0)");
                } else
                    snprintf(im[k].note, sizeof im[k].note, "n/a: %s", why);
            } else
                snprintf(im[k].note, sizeof im[k].note, "n/a: not available");
#else
            snprintf(im[k].note, sizeof im[k].note, "n/a: not built in");
#endif
        }
        if (family[k] == I_DNNL) {
#ifdef SG_BENCH_ONEDNN
            if (have_dnnl) {
                static const int var[6][2] = { { LN_LAYOUT_NHWC, 0 }, { LN_LAYOUT_ANY, 0 },
                                               { LN_LAYOUT_BLOCKED, 0 }, { LN_LAYOUT_NHWC, 1 },
                                               { LN_LAYOUT_ANY, 1 }, { LN_LAYOUT_BLOCKED, 1 } };
                char choice[512];
                S.checking = k;
                S.dn[k] = ln_dnnl_best(&spec, ln_dnnl_split_matters(&spec) ? 6 : 3, var, in,
                                       NULL, im[k].out, dnnl_check, &S, choice, sizeof choice,
                                       why, sizeof why);
                if (S.dn[k]) {
                    ln_memory mem;
                    ln_dnnl_memory(S.dn[k], &mem);
                    im[k].on = 1;
                    im[k].arena = mem.arena;
                    im[k].weights = mem.weights;
                    snprintf(im[k].mem_how, sizeof im[k].mem_how, "%s", mem.how);
                    if (spec.threads > 0)
                        snprintf(im[k].note, sizeof im[k].note,
                                 "chain of primitives, %d OpenMP thread%s, %s", spec.threads,
                                 spec.threads > 1 ? "s" : "", choice);
                    else
                        snprintf(im[k].note, sizeof im[k].note, "chain of primitives, %s",
                                 choice);
                } else
                    snprintf(im[k].note, sizeof im[k].note, "n/a: %s", why);
            } else
                snprintf(im[k].note, sizeof im[k].note, "n/a: not available");
#else
            snprintf(im[k].note, sizeof im[k].note, "n/a: not built in");
#endif
        }
    }
    int bad = 0;
    for (int k = 0; k < N_RUN; k++) {
        if (!im[k].on)
            continue;
        run_impl(&S, k);
        im[k].err = tol > 0.0 ? max_abs_diff(im[k].out, g[N], nout) / tol
                              : (max_abs_diff(im[k].out, g[N], nout) > 0.0 ? INFINITY : 0.0);
        if (!(im[k].err <= 1.0)) {
            char lab[64];
            label(k, lab, sizeof lab);
            printf("MISMATCH:  %s: output differs from the generic chain by %.3g, %.3g x the "
                   "tolerance\n", lab, im[k].err * tol, im[k].err);
            bad = 1;
        }
    }
    const int bitwise = memcmp(im[I_FWD].out, im[I_LAYERS].out, nout * sizeof(float)) == 0;
    if (!bitwise)
        printf("NOTE:      %s_forward differs from its layers run one by one (make test asserts "
               "they agree bit for bit)\n", STR(SG_NET));
    const int bitwise1 = SG_BENCH_THREADS == 1 ||
                         memcmp(im[I_FWD].out, im[I_FWD1].out, nout * sizeof(float)) == 0;
    if (!bitwise1)
        printf("NOTE:      %s_forward_par gives another output at %d threads than at 1 (SPEC 11: "
               "bit for bit alike)\n", STR(SG_NET), SG_BENCH_THREADS);
    if (bad) {
        printf("wholenet: an output does not match the generic kernels: no timing (the row is "
               "aborted)\n");
        fclose(csv);
        return 3;
    }

    /* ---- timing ---- */
    double t1[N_IMPL], cost = 0.0;
    for (int k = 0; k < N_RUN; k++) {
        t1[k] = 1e30;
        if (!im[k].on)
            continue;
        for (int r = 0; r < 3; r++) {
            const double a = now();
            run_impl(&S, k);
            const double d = now() - a;
            t1[k] = d < t1[k] ? d : t1[k];
        }
        cost += 2.0 * t1[k];
        if (SG_BENCH_THREADS > 1)
            cost += ln_settle(S.xn[k]);
        im[k].warm = malloc(MAX_ROUNDS * sizeof(double));
        im[k].after = malloc(MAX_ROUNDS * sizeof(double));
        if (!im[k].warm || !im[k].after)
            die("out of memory");
    }
    int rounds = (int)(budget / cost);
    rounds = rounds < MIN_ROUNDS ? MIN_ROUNDS : rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
    const double load0 = load_average();
#if SG_BENCH_THREADS > 1
    pin_main(1);
#endif
    t0 = now();
    for (int r = 0; r < rounds; r++)
        for (int q = 0; q < N_RUN; q++) {
            const int k = (q + r) % N_RUN;
            if (!im[k].on)
                continue;
            for (int pass = 0; pass < 2; pass++) {
                const double a = now();
                run_impl(&S, k);
                const double d = now() - a;
                (pass ? im[k].warm : im[k].after)[r] = d;
#if SG_BENCH_THREADS > 1
                if (pass == 0 && (k == I_FWD || k == I_LAYERS))
                    pool_wake(&par_n); /* untimed (common.h) */
#endif
            }
            if (SG_BENCH_THREADS > 1)
                ln_settle(S.xn[k]);
        }
    const double t_timing = now() - t0;
#if SG_BENCH_THREADS > 1
    pin_main(0);
#endif
    for (int k = 0; k < N_RUN; k++) {
        if (!im[k].on)
            continue;
        im[k].med = median(im[k].warm, rounds); /* sorts */
        im[k].min = im[k].warm[0];
        im[k].med_after = median(im[k].after, rounds);
    }

    /* ---- the table ---- */
    printf("timing:    %d rounds in %.1f s (load %.2f before, %.2f after); in each round every "
           "implementation, in a rotated order,\n"
           "           runs twice back to back: 'after others' = the first run, 'warm' = the "
           "second; medians over the rounds\n\n",
           rounds, t_timing, load0, load_average());
    /* with threads, two more columns: the row's threads and the scaling */
    const int th = SG_BENCH_THREADS > 1;
    printf("%-26s%s %10s %13s %9s %16s%s %11s %11s %11s %7s\n", "implementation",
           th ? " threads" : "", "warm ms", "after-oth ms", "min ms", "sepgen speed-up",
           th ? "          scaling" : "", "arena", "weights", "check", "");
    printf("%-26s%s %10s %13s %9s %16s%s %11s %11s %11s\n", "", th ? "        " : "", "(median)",
           "(median)", "", "warm / after", th ? "     warm / after" : "", "", "", "err/tol");
    fprintf(csv, "net,shapes,implementation,warm_ms,after_ms,min_ms,rounds,speedup_warm,"
                 "speedup_after,arena_bytes,weight_bytes,err_over_tol,tolerance,peak_gflops,"
                 "load,setup%s\n", th ? ",threads,scaling_warm,scaling_after" : "");
    for (int k = 0; k < N_RUN; k++) {
        char ar[24], we[24], sp[32] = "-", ck[24] = "-", tc[16] = "", sc[40] = "", sv[48] = "";
        const int f = SG_BENCH_THREADS > 1 && threads_of(k) == 1 ? I_FWD1 : I_FWD; /* sepgen
                                                                          at k's threads */
        fmt_bytes(ar, sizeof ar, im[k].on ? im[k].arena : -1);
        fmt_bytes(we, sizeof we, im[k].on ? im[k].weights : -1);
        if (th) {
            /* scaling on the n-thread row: the 1-thread twin's time / this one's */
            const int k1 = twin[k];
            snprintf(tc, sizeof tc, " %7d", threads_of(k));
            snprintf(sc, sizeof sc, " %16s", "");
            snprintf(sv, sizeof sv, ",%d,,", threads_of(k));
            if (k1 >= 0 && im[k].on && im[k1].on) {
                char v[32];
                snprintf(v, sizeof v, "%.2fx / %.2fx", im[k1].med / im[k].med,
                         im[k1].med_after / im[k].med_after);
                snprintf(sc, sizeof sc, " %16s", v);
                snprintf(sv, sizeof sv, ",%d,%.4f,%.4f", threads_of(k), im[k1].med / im[k].med,
                         im[k1].med_after / im[k].med_after);
            }
        }
        if (!im[k].on) {
            printf("%-26s%s %10s %13s %9s %16s%s %11s %11s %11s  %s\n", impl_name[k], tc, "n/a",
                   "", "", "", th ? sc : "", "", "", "", im[k].note);
            fprintf(csv, "%s,%s,%s,,,,,,,,,,,,,\"%s\"%s\n", STR(SG_NET), SG_BENCH_SHAPES,
                    impl_name[k], im[k].note, sv);
            continue;
        }
        const double s = im[k].med / im[f].med, sa = im[k].med_after / im[f].med_after;
        if (k != f)
            snprintf(sp, sizeof sp, "%.2fx / %.2fx", s, sa);
        snprintf(ck, sizeof ck, "%.2g", im[k].err);
        printf("%-26s%s %10.3f %13.3f %9.3f %16s%s %11s %11s %11s\n", impl_name[k], tc,
               im[k].med * 1e3, im[k].med_after * 1e3, im[k].min * 1e3, sp, sc, ar, we, ck);
        fprintf(csv, "%s,%s,%s,%.4f,%.4f,%.4f,%d,%.4f,%.4f,%lld,%lld,%.4g,%.4g,%.2f,%.2f,\"%s\"%s\n",
                STR(SG_NET), SG_BENCH_SHAPES, impl_name[k], im[k].med * 1e3,
                im[k].med_after * 1e3, im[k].min * 1e3, rounds, s, sa, im[k].arena,
                im[k].weights, im[k].err, tol, m.peak, load0, im[k].note, sv);
    }
    print_best(im, I_FWD);
    if (th) {
        print_best(im, I_FWD1);
        printf("scaling from 1 to %d threads (time at 1 / time at %d, warm medians):",
               SG_BENCH_THREADS, SG_BENCH_THREADS);
        for (int k = I_FWD1; k < N_RUN; k++)
            if (im[k].on && im[family[k]].on)
                printf("%s %s %.2fx", k > I_FWD1 ? "," : "", k == I_FWD1 ? "sepgen" : impl_name[k],
                       im[k].med / im[family[k]].med);
        printf("\n%s_forward_par / layers one by one, both at %d threads: %.3f (warm medians)%s\n",
               STR(SG_NET), SG_BENCH_THREADS, im[I_FWD].med / im[I_LAYERS].med,
               bitwise && bitwise1 ? "; outputs equal bit for bit, also at 1 thread" : "");
    } else
        printf("N_forward / layers one by one: %.3f (warm medians)%s\n",
               im[I_FWD].med / im[I_LAYERS].med, bitwise ? "; outputs equal bit for bit" : "");
    const int w = th ? 36 : 26;
    printf("\nSetups:\n");
    for (int k = 0; k < N_RUN; k++) {
        char lab[64];
        label(k, lab, sizeof lab);
        printf("  %-*s %s\n", w, lab, im[k].note);
    }
    printf("Memory (bytes besides the input and output):\n");
    for (int k = 0; k < N_RUN; k++) {
        char lab[64];
        label(k, lab, sizeof lab);
        if (im[k].on)
            printf("  %-*s %s\n", w, lab, im[k].mem_how);
    }
#ifdef SG_BENCH_ONEDNN
    if (S.dn[I_DNNL]) {
        /* the primitives, by implementation */
        char names[64][64];
        int counts[64], nn = 0;
        const char *s = ln_dnnl_impl(S.dn[I_DNNL]);
        while (*s) {
            size_t len = strcspn(s, "+");
            char nm[64];
            snprintf(nm, sizeof nm, "%.*s", (int)(len < 63 ? len : 63), s);
            int j = 0;
            while (j < nn && strcmp(names[j], nm) != 0)
                j++;
            if (j == nn && nn < 64) {
                snprintf(names[nn], sizeof names[nn], "%s", nm);
                counts[nn++] = 0;
            }
            if (j < nn)
                counts[j]++;
            s += len + (s[len] == '+');
        }
        printf("oneDNN primitives:");
        for (int j = 0; j < nn; j++)
            printf("%s %s x%d", j ? "," : "", names[j], counts[j]);
        char lay[256];
        ln_dnnl_layouts(S.dn[I_DNNL], lay, sizeof lay);
        printf("\noneDNN tensor layouts: %s\n", lay);
    }
#endif
    fclose(csv);

    for (int k = 0; k < N_IMPL; k++)
        ln_free(S.xn[k], S.dn[k]);
#ifdef SG_BENCH_XNNPACK
    if (have_xnn)
        xnn_deinitialize();
#endif
#ifdef SG_BENCH_ONEDNN
    if (have_dnnl)
        ln_dnnl_fini();
#endif
#if SG_BENCH_THREADS > 1
    sg_pthreads_destroy(&par_n);
#endif
    return 0;
}
