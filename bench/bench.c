/* bench.c - per-layer benchmark of one generated sepgen net, side by side
 * with the generic kernels, XNNPACK and oneDNN, single-threaded.
 *
 * Compiled together with ONE generated net and the generic kernels; the net
 * is named by three macros:
 *
 *   cc -std=c11 -O3 <the net's cflags> -Wall -Wextra -I OUT \
 *      -DSG_NET_HEADER='"mbv1.h"' -DSG_NET_LAYERS=mbv1_layers \
 *      -DSG_NET_COUNT=MBV1_LAYER_COUNT \
 *      [-DSG_BENCH_TARGET='"scalar"'] [-DSG_BENCH_CFLAGS='"-O3 ..."'] \
 *      [-DSG_BENCH_XNNPACK] [-DSG_BENCH_ONEDNN] \
 *      bench/bench.c OUT/mbv1.c runtime/sg_generic.c \
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
 *     (the oracle); a mismatch is printed as a warning, marked in the table
 *     and the CSV, and the layer is left out of that implementation's totals;
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
 * Library mapping (a layer a library cannot express is "n/a" with the reason
 * in a footnote, never replaced by something else):
 *   dwconv      grouped conv, groups = C, 1 input and mult outputs per group
 *   pwconv      1x1 conv (dense) or grouped 1x1 conv (groups); a general
 *               topology has no library equivalent
 *   separable   depthwise conv, then 1x1 conv (two ops)
 *   dwdeconv    grouped deconvolution, groups = C, the sg_layer padding,
 *               output exactly out_h x out_w
 *   bottleneck  depthwise conv (down) + 1x1 conv + depthwise deconv (up)
 * Activations are the libraries' clamps / eltwise post-ops after the op they
 * follow.  Residual: oneDNN appends a sum post-op to the last op (the output
 * buffer holds the skip tensor before the checked run; during timing it
 * accumulates, which costs exactly what the in-place residual costs in a
 * real network); XNNPACK runs an extra add operator, timed as part of the
 * layer.  oneDNN 2.6 runs deconvolution post-ops through a slow path, so a
 * layer ending in a deconvolution with post-ops is also set up as plain
 * deconvolution + binary add (with the activation as its post-op) or +
 * in-place eltwise, and the faster correct setup is timed (see dnnl_choose).
 * This XNNPACK snapshot crashes on some deconvolution geometries: every
 * XNNPACK layer is first tried in a child process (see xnn_trial).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SG_X86 1
#include <immintrin.h>
#elif defined(__aarch64__) && defined(__ARM_NEON)
#define SG_NEON 1
#include <arm_neon.h>
#endif

#ifndef SG_NET_HEADER
#error "define SG_NET_HEADER, SG_NET_LAYERS and SG_NET_COUNT (see the top of bench.c)"
#endif
#include SG_NET_HEADER

#ifdef SG_BENCH_XNNPACK
#include <xnnpack.h>
#endif
#ifdef SG_BENCH_ONEDNN
#include <dnnl.h>
#endif

#ifndef SG_BENCH_TARGET
#define SG_BENCH_TARGET "unknown (build with -DSG_BENCH_TARGET)"
#endif
#ifndef SG_BENCH_CFLAGS
#define SG_BENCH_CFLAGS "unknown (build with -DSG_BENCH_CFLAGS)"
#endif
#ifndef SG_BENCH_XNNPACK_VERSION
#define SG_BENCH_XNNPACK_VERSION "version unknown"
#endif

#define MIN_SAMPLE_S 20e-6  /* a sample is at least this long (batched runs)   */
#define MIN_ROUNDS 7
#define MAX_ROUNDS 2001
#define PAD_FLOATS 16       /* >= XNN_EXTRA_BYTES after every buffer          */

/* ---- small utilities ------------------------------------------------------ */

static void die(const char *msg)
{
    fprintf(stderr, "bench: %s\n", msg);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* n floats, 64-byte aligned, zeroed, with PAD_FLOATS readable floats after
 * them (XNNPACK may read up to XNN_EXTRA_BYTES past a tensor). */
static float *falloc(size_t n)
{
    size_t bytes = ((n + PAD_FLOATS) * sizeof(float) + 63) & ~(size_t)63;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0)
        die("out of memory");
    memset(p, 0, bytes);
    return p;
}

static uint32_t rng_state;

static float rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return (float)(rng_state >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

static float *random_buf(size_t n)
{
    float *p = falloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = rnd();
    return p;
}

static float *abs_copy(const float *p, size_t n)
{
    float *q = falloc(n);
    for (size_t i = 0; i < n; i++)
        q[i] = fabsf(p[i]);
    return q;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    if (n <= 0)
        return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* ---- machine: FMA peak and read bandwidth ----------------------------------- */

/* Each peak kernel runs `iters` iterations of NACC independent FMA chains
 * c = c * a + b (a < 1 keeps them bounded) and returns the flops done.
 * Enough independent accumulators hide the FMA latency on every current
 * core (latency 4-5 cycles x 2 FMA ports needs >= 10 chains). */
static volatile float sink;

#define ACC16(OP) OP(0) OP(1) OP(2) OP(3) OP(4) OP(5) OP(6) OP(7) \
                  OP(8) OP(9) OP(10) OP(11) OP(12) OP(13) OP(14) OP(15)

#ifdef SG_X86
__attribute__((target("avx512f"))) static double peak_avx512(long iters)
{
    const __m512 a = _mm512_set1_ps(0.9999999f), b = _mm512_set1_ps(1e-7f);
#define DECL(i) __m512 c##i = _mm512_set1_ps((float)(i) * 0.01f);
#define STEP(i) c##i = _mm512_fmadd_ps(c##i, a, b);
#define SUM(i) s = _mm512_add_ps(s, c##i);
    ACC16(DECL)
    for (long it = 0; it < iters; it++) {
        ACC16(STEP)
    }
    __m512 s = _mm512_setzero_ps();
    ACC16(SUM)
    sink = _mm512_reduce_add_ps(s);
#undef DECL
#undef STEP
#undef SUM
    return (double)iters * 16 * 16 * 2;
}

__attribute__((target("avx2,fma"))) static double peak_avx2(long iters)
{
    /* 12 ymm accumulators + 2 constants of the 16 ymm registers */
    const __m256 a = _mm256_set1_ps(0.9999999f), b = _mm256_set1_ps(1e-7f);
#define ACC12(OP) OP(0) OP(1) OP(2) OP(3) OP(4) OP(5) OP(6) OP(7) OP(8) OP(9) OP(10) OP(11)
#define DECL(i) __m256 c##i = _mm256_set1_ps((float)(i) * 0.01f);
#define STEP(i) c##i = _mm256_fmadd_ps(c##i, a, b);
#define SUM(i) s = _mm256_add_ps(s, c##i);
    ACC12(DECL)
    for (long it = 0; it < iters; it++) {
        ACC12(STEP)
    }
    __m256 s = _mm256_setzero_ps();
    ACC12(SUM)
    float t[8];
    _mm256_storeu_ps(t, s);
    sink = t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
#undef DECL
#undef STEP
#undef SUM
    return (double)iters * 12 * 8 * 2;
}

/* x86-64 baseline (what code compiled without -march may use): SSE2 has no
 * FMA, so the chain is a multiply and an add (2 flops per lane). */
static double peak_sse2(long iters)
{
    const __m128 a = _mm_set1_ps(0.9999999f), b = _mm_set1_ps(1e-7f);
#define DECL(i) __m128 c##i = _mm_set1_ps((float)(i) * 0.01f);
#define STEP(i) c##i = _mm_add_ps(_mm_mul_ps(c##i, a), b);
#define SUM(i) s = _mm_add_ps(s, c##i);
    ACC12(DECL)
    for (long it = 0; it < iters; it++) {
        ACC12(STEP)
    }
    __m128 s = _mm_setzero_ps();
    ACC12(SUM)
    float t[4];
    _mm_storeu_ps(t, s);
    sink = t[0] + t[1] + t[2] + t[3];
#undef DECL
#undef STEP
#undef SUM
    return (double)iters * 12 * 4 * 2;
}
#endif /* SG_X86 */

#ifdef SG_NEON
static double peak_neon(long iters)
{
    const float32x4_t a = vdupq_n_f32(0.9999999f), b = vdupq_n_f32(1e-7f);
#define DECL(i) float32x4_t c##i = vdupq_n_f32((float)(i) * 0.01f);
#define STEP(i) c##i = vfmaq_f32(b, c##i, a);
#define SUM(i) s = vaddq_f32(s, c##i);
    ACC16(DECL)
    for (long it = 0; it < iters; it++) {
        ACC16(STEP)
    }
    float32x4_t s = vdupq_n_f32(0.0f);
    ACC16(SUM)
    sink = vaddvq_f32(s);
#undef DECL
#undef STEP
#undef SUM
    return (double)iters * 16 * 4 * 2;
}
#endif

static double peak_scalar(long iters)
{
    float c[12];
    for (int i = 0; i < 12; i++)
        c[i] = (float)i * 0.01f;
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 12; i++)
            c[i] = c[i] * 0.9999999f + 1e-7f;
    float s = 0.0f;
    for (int i = 0; i < 12; i++)
        s += c[i];
    sink = s;
    return (double)iters * 12 * 2;
}

typedef double (*peak_fn)(long);

/* GFLOP/s of fn: trials of about 1 ms, as many as fit in 0.3 s, the best
 * one.  Short trials fit inside one scheduler time slice, so on a machine
 * shared with other processes some trials still run undisturbed (a trial of
 * many milliseconds would be cut by time slicing and under-report). */
static double measure_peak(peak_fn fn)
{
    long iters = 64;
    for (;;) {
        double t0 = now();
        fn(iters);
        if (now() - t0 > 2e-4)
            break;
        iters *= 2;
    }
    {
        double t0 = now();
        fn(iters);
        iters = (long)((double)iters * 1e-3 / (now() - t0)) + 1;
    }
    double best = 0.0, start = now();
    for (int trial = 0; trial < 20 || now() - start < 0.3; trial++) {
        double t0 = now();
        double flops = fn(iters);
        double g = flops / (now() - t0) * 1e-9;
        if (g > best)
            best = g;
    }
    return best;
}

/* Read bandwidth: sum a 256 MiB array (far beyond any cache) in 4 MiB chunks,
 * three passes; the best chunk rate (each chunk comes from DRAM because the
 * rest of the array evicted it, and a chunk is short enough to fit a
 * scheduler time slice, see measure_peak). */
#ifdef SG_X86
__attribute__((target("avx512f"))) static float sum_avx512(const float *p, size_t n)
{
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i + 64 <= n; i += 64) {
        s0 = _mm512_add_ps(s0, _mm512_load_ps(p + i));
        s1 = _mm512_add_ps(s1, _mm512_load_ps(p + i + 16));
        s2 = _mm512_add_ps(s2, _mm512_load_ps(p + i + 32));
        s3 = _mm512_add_ps(s3, _mm512_load_ps(p + i + 48));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

__attribute__((target("avx2"))) static float sum_avx2(const float *p, size_t n)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i + 32 <= n; i += 32) {
        s0 = _mm256_add_ps(s0, _mm256_load_ps(p + i));
        s1 = _mm256_add_ps(s1, _mm256_load_ps(p + i + 8));
        s2 = _mm256_add_ps(s2, _mm256_load_ps(p + i + 16));
        s3 = _mm256_add_ps(s3, _mm256_load_ps(p + i + 24));
    }
    float t[8];
    _mm256_storeu_ps(t, _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
}
#endif

static float sum_plain(const float *p, size_t n)
{
    float s[8] = { 0 };
    for (size_t i = 0; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            s[k] += p[i + (size_t)k];
    return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
}

typedef struct machine {
    char cpu[256];
    const char *peak_isa;     /* the best FMA the CPU runs (the roof)      */
    double peak;              /* its single-thread GFLOP/s                 */
    const char *build_isa;    /* the widest vector ISA this build targets  */
    double build_peak;        /* peak with only that ISA                   */
    double bw;                /* read bandwidth, GB/s                      */
} machine;

static void cpu_model(char *buf, size_t n)
{
    snprintf(buf, n, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Model", 5) == 0) {
            char *p = strchr(line, ':');
            if (!p)
                continue;
            p++;
            while (*p == ' ' || *p == '\t')
                p++;
            p[strcspn(p, "\n")] = 0;
            snprintf(buf, n, "%s", p);
            break;
        }
    }
    fclose(f);
}

static void measure_machine(machine *m)
{
    peak_fn best = peak_scalar, build = peak_scalar;
    m->peak_isa = m->build_isa = "scalar mul+add, 12 chains";
#if defined(SG_X86)
    __builtin_cpu_init();
    best = peak_sse2;
    m->peak_isa = "SSE2 mul+add, 12 xmm chains";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        best = peak_avx2;
        m->peak_isa = "AVX2 FMA, 12 ymm accumulators";
    }
    if (__builtin_cpu_supports("avx512f")) {
        best = peak_avx512;
        m->peak_isa = "AVX-512F FMA, 16 zmm accumulators";
    }
#if defined(__AVX512F__)
    build = peak_avx512;
    m->build_isa = "AVX-512F FMA, 16 zmm accumulators";
#elif defined(__AVX2__) && defined(__FMA__)
    build = peak_avx2;
    m->build_isa = "AVX2 FMA, 12 ymm accumulators";
#else
    build = peak_sse2;
    m->build_isa = "SSE2 mul+add, 12 xmm chains";
#endif
#elif defined(SG_NEON)
    best = build = peak_neon;
    m->peak_isa = m->build_isa = "NEON FMA, 16 q accumulators";
#endif
    cpu_model(m->cpu, sizeof m->cpu);
    m->peak = measure_peak(best);
    m->build_peak = build == best ? m->peak : measure_peak(build);

    const size_t n = (size_t)256 << 20 >> 2; /* 256 MiB of floats */
    float *a = falloc(n);
    for (size_t i = 0; i < n; i++)
        a[i] = (float)(i & 1023) * 1e-3f;
    float (*sum)(const float *, size_t) = sum_plain;
#ifdef SG_X86
    if (__builtin_cpu_supports("avx512f"))
        sum = sum_avx512;
    else if (__builtin_cpu_supports("avx2"))
        sum = sum_avx2;
#endif
    const size_t chunk = (size_t)4 << 20 >> 2; /* 4 MiB of floats */
    double bestt = 1e30;
    float acc = 0.0f;
    for (int pass = 0; pass < 3; pass++)
        for (size_t off = 0; off + chunk <= n; off += chunk) {
            double t0 = now();
            acc += sum(a + off, chunk);
            double t = now() - t0;
            if (t < bestt)
                bestt = t;
        }
    sink = acc;
    m->bw = (double)chunk * sizeof(float) / bestt * 1e-9;
    free(a);
}

/* ---- layers: weights, tolerance -------------------------------------------- */

typedef struct weight_sizes {
    size_t dw_w, dw_b, pw_w, pw_b, up_w, up_b;
} weight_sizes;

static weight_sizes sizes_of(const sg_layer *L)
{
    weight_sizes z = { 0, 0, 0, 0, 0, 0 };
    const size_t kk = (size_t)L->kh * (size_t)L->kw;
    switch (L->op) {
    case SG_OP_DWCONV:
    case SG_OP_SEPARABLE:
        z.dw_w = kk * (size_t)L->in_c * (size_t)L->mult;
        z.dw_b = (size_t)L->in_c * (size_t)L->mult;
        break;
    case SG_OP_DWDECONV:
        z.dw_w = kk * (size_t)L->in_c;
        z.dw_b = (size_t)L->in_c;
        break;
    case SG_OP_BOTTLENECK:
        z.dw_w = kk * (size_t)L->in_c;
        z.dw_b = (size_t)L->in_c;
        z.up_w = (size_t)L->up_kh * (size_t)L->up_kw * (size_t)L->out_c;
        z.up_b = (size_t)L->out_c;
        break;
    case SG_OP_PWCONV:
        break;
    }
    if (L->op == SG_OP_PWCONV || L->op == SG_OP_SEPARABLE || L->op == SG_OP_BOTTLENECK) {
        z.pw_w = (size_t)L->pw_cout * (size_t)L->pw_s;
        z.pw_b = (size_t)L->pw_cout;
    }
    if (!L->bias)
        z.dw_b = z.pw_b = z.up_b = 0;
    return z;
}

/* Terms summed into one output across the layer's stages, bias and residual
 * included. */
static int accumulation_length(const sg_layer *L)
{
    switch (L->op) {
    case SG_OP_DWCONV:
    case SG_OP_DWDECONV:
        return L->kh * L->kw + 2;
    case SG_OP_PWCONV:
        return L->pw_s + 2;
    case SG_OP_SEPARABLE:
        return L->kh * L->kw + L->pw_s + 4;
    case SG_OP_BOTTLENECK:
        return L->kh * L->kw + L->pw_s + L->up_kh * L->up_kw + 6;
    }
    return 0;
}

/* For the magnitude run: an activation can lift a value to its bound; on
 * non-negative data max(x, bound) covers that. */
static sg_act magnitude_act(sg_act a)
{
    sg_act r = { 0, 0.0f, 0.0f };
    float c = 0.0f;
    if ((a.flags & SG_ACT_LO) && a.lo > 0.0f)
        c = a.lo;
    if ((a.flags & SG_ACT_HI) && a.hi < 0.0f && -a.hi > c)
        c = -a.hi;
    if (c > 0.0f) {
        r.flags = SG_ACT_LO;
        r.lo = c;
    }
    return r;
}

static const char *op_name(sg_op op)
{
    switch (op) {
    case SG_OP_DWCONV: return "dwconv";
    case SG_OP_PWCONV: return "pwconv";
    case SG_OP_SEPARABLE: return "separable";
    case SG_OP_DWDECONV: return "dwdeconv";
    case SG_OP_BOTTLENECK: return "bottleneck";
    }
    return "?";
}

static int has_pw(const sg_layer *L)
{
    return L->op == SG_OP_PWCONV || L->op == SG_OP_SEPARABLE || L->op == SG_OP_BOTTLENECK;
}

/* A projection no library has: a topology that is not plain groups. */
static int general_topology(const sg_layer *L)
{
    return has_pw(L) && L->topo_dims > 0 && L->groups <= 1;
}

/* A short description without commas (it is a CSV field): "separable 3x3/2",
 * "bottleneck 3x3/2x1", "separable 3x3 m2 g4", "pwconv topo". */
static void op_desc(const sg_layer *L, char *buf, size_t n)
{
    char k[48] = "", m[16] = "", g[24] = "";
    if (L->op != SG_OP_PWCONV) {
        if (L->sh == 1 && L->sw == 1)
            snprintf(k, sizeof k, " %dx%d", L->kh, L->kw);
        else if (L->sh == L->sw)
            snprintf(k, sizeof k, " %dx%d/%d", L->kh, L->kw, L->sh);
        else
            snprintf(k, sizeof k, " %dx%d/%dx%d", L->kh, L->kw, L->sh, L->sw);
    }
    if (L->mult > 1)
        snprintf(m, sizeof m, " m%d", L->mult);
    if (general_topology(L))
        snprintf(g, sizeof g, " topo");
    else if (has_pw(L) && L->groups > 1)
        snprintf(g, sizeof g, " g%d", L->groups);
    snprintf(buf, n, "%s%s%s%s", op_name(L->op), k, m, g);
}

/* ---- implementations ------------------------------------------------------- */

enum { I_GEN, I_GENERIC, I_XNN, I_DNNL, N_IMPL };
static const char *impl_name[N_IMPL] = { "generated", "generic", "XNNPACK", "oneDNN" };

enum { ST_NA = 0, ST_OK, ST_MISMATCH };

#ifdef SG_BENCH_XNNPACK
typedef struct xnn_chain {
    int n;
    xnn_operator_t op[4];
    float *buf[3];
    int nbuf;
} xnn_chain;
#endif

#ifdef SG_BENCH_ONEDNN
static dnnl_engine_t dnnl_eng;
static dnnl_stream_t dnnl_str;

typedef struct dnnl_step {
    dnnl_primitive_t prim;
    int nargs;
    dnnl_exec_arg_t args[6];
    dnnl_memory_t mem[6];
    void *wbuf, *scratch; /* reordered weights, scratchpad */
    char impl[64];
} dnnl_step;

typedef struct dnnl_chain {
    int n;
    dnnl_step s[4];
    float *buf[3];
    int nbuf;
    int split; /* deconvolution post-ops as separate primitives */
} dnnl_chain;
#endif

typedef struct bench_layer {
    const sg_layer *L;
    sg_weights w;
    const float *in, *skip_arg, *x; /* x: the residual tensor or NULL */
    float *packed, *scratch, *gscratch;
    float *out[N_IMPL];
    size_t nout;
#ifdef SG_BENCH_XNNPACK
    xnn_chain xc;
#endif
#ifdef SG_BENCH_ONEDNN
    dnnl_chain dc, dc_alt;
#endif
} bench_layer;

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
    char impl[256];    /* oneDNN: implementation names                    */
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

/* ---- XNNPACK ---------------------------------------------------------------- */

#ifdef SG_BENCH_XNNPACK
static void xnn_range(sg_act a, float *lo, float *hi)
{
    *lo = (a.flags & SG_ACT_LO) ? a.lo : -INFINITY;
    *hi = (a.flags & SG_ACT_HI) ? a.hi : INFINITY;
}

static const sg_act act_none = { 0, 0.0f, 0.0f };

/* Forward depthwise conv [ih][iw][c] -> [oh][ow][c*mult]. */
static int xnn_dw(xnn_chain *c, int ih, int iw, int ch, int mult, int kh, int kw,
                  int sh, int sw, int dh, int dw, int pt, int pl, int pb, int pr,
                  int oh, int ow, const float *w, const float *b, sg_act act,
                  const float *in, float *out, char *why, size_t nwhy)
{
    float lo, hi;
    xnn_range(act, &lo, &hi);
    if ((ih + pt + pb - (kh - 1) * dh - 1) / sh + 1 != oh ||
        (iw + pl + pr - (kw - 1) * dw - 1) / sw + 1 != ow) {
        snprintf(why, nwhy, "XNNPACK: depthwise conv output size differs from the layer's");
        return -1;
    }
    xnn_operator_t op = NULL;
    enum xnn_status st = xnn_create_convolution2d_nhwc_f32(
        (uint32_t)pt, (uint32_t)pr, (uint32_t)pb, (uint32_t)pl, (uint32_t)kh, (uint32_t)kw,
        (uint32_t)sh, (uint32_t)sw, (uint32_t)dh, (uint32_t)dw, (uint32_t)ch, 1, (size_t)mult,
        (size_t)ch, (size_t)ch * (size_t)mult, w, b, lo, hi, XNN_FLAG_DEPTHWISE_CONVOLUTION, &op);
    if (st == xnn_status_success)
        st = xnn_setup_convolution2d_nhwc_f32(op, 1, (size_t)ih, (size_t)iw, in, out, NULL);
    c->op[c->n++] = op;
    if (st != xnn_status_success) {
        snprintf(why, nwhy, "XNNPACK rejects this depthwise convolution (xnn_status %d)", (int)st);
        return -1;
    }
    return 0;
}

/* 1x1 conv, dense (groups 1) or grouped, over npix pixels. */
static int xnn_pw(xnn_chain *c, int h, int wd, int cin, int cout, int groups,
                  const float *w, const float *b, sg_act act, const float *in, float *out,
                  char *why, size_t nwhy)
{
    float lo, hi;
    xnn_range(act, &lo, &hi);
    xnn_operator_t op = NULL;
    enum xnn_status st = xnn_create_convolution2d_nhwc_f32(
        0, 0, 0, 0, 1, 1, 1, 1, 1, 1, (uint32_t)groups, (size_t)(cin / groups),
        (size_t)(cout / groups), (size_t)cin, (size_t)cout, w, b, lo, hi, 0, &op);
    if (st == xnn_status_success)
        st = xnn_setup_convolution2d_nhwc_f32(op, 1, (size_t)h, (size_t)wd, in, out, NULL);
    c->op[c->n++] = op;
    if (st != xnn_status_success) {
        snprintf(why, nwhy, "XNNPACK rejects this 1x1 convolution (xnn_status %d)", (int)st);
        return -1;
    }
    return 0;
}

/* Depthwise deconvolution [ih][iw][ch] -> [oh][ow][ch]: the adjoint of the
 * forward conv (k, stride, dilation, pads) mapping oh x ow to ih x iw.
 * XNNPACK's output is s*(i-1) + adj + (k-1)*d + 1 - pt - pb; adj (< s) picks
 * exactly oh.  Weights [kh][kw][ch] become XNNPACK's [g][o][kh][kw][i]. */
static int xnn_dwdeconv(xnn_chain *c, int ih, int iw, int ch, int kh, int kw, int sh, int sw,
                        int dh, int dw, int pt, int pl, int pb, int pr, int oh, int ow,
                        const float *w, const float *b, sg_act act, const float *in,
                        float *out, char *why, size_t nwhy)
{
    float lo, hi;
    xnn_range(act, &lo, &hi);
    const int nat_h = sh * (ih - 1) + (kh - 1) * dh + 1 - pt - pb;
    const int nat_w = sw * (iw - 1) + (kw - 1) * dw + 1 - pl - pr;
    const int adj_h = oh - nat_h, adj_w = ow - nat_w;
    if (nat_h < 1 || nat_w < 1 || adj_h < 0 || adj_w < 0 || adj_h >= sh || adj_w >= sw) {
        snprintf(why, nwhy, "XNNPACK deconvolution cannot produce this output size "
                 "(needs 0 <= adjustment < stride)");
        return -1;
    }
    float *wt = falloc((size_t)kh * (size_t)kw * (size_t)ch);
    for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++)
            for (int k = 0; k < ch; k++)
                wt[((size_t)k * (size_t)kh + (size_t)i) * (size_t)kw + (size_t)j] =
                    w[((size_t)i * (size_t)kw + (size_t)j) * (size_t)ch + (size_t)k];
    xnn_operator_t op = NULL;
    enum xnn_status st = xnn_create_deconvolution2d_nhwc_f32(
        (uint32_t)pt, (uint32_t)pr, (uint32_t)pb, (uint32_t)pl, (uint32_t)kh, (uint32_t)kw,
        (uint32_t)sh, (uint32_t)sw, (uint32_t)dh, (uint32_t)dw, (uint32_t)ch, 1, 1,
        (size_t)ch, (size_t)ch, wt, b, lo, hi, 0, &op);
    free(wt); /* XNNPACK packed its own copy */
    if (st == xnn_status_success)
        st = xnn_setup_deconvolution2d_nhwc_f32(op, 1, (size_t)ih, (size_t)iw, (uint32_t)adj_h,
                                                (uint32_t)adj_w, in, out, NULL);
    c->op[c->n++] = op;
    if (st != xnn_status_success) {
        snprintf(why, nwhy, "XNNPACK rejects this depthwise deconvolution (xnn_status %d)",
                 (int)st);
        return -1;
    }
    return 0;
}

static int xnn_add(xnn_chain *c, int h, int wd, int ch, sg_act act, const float *a,
                   const float *x, float *out, char *why, size_t nwhy)
{
    float lo, hi;
    xnn_range(act, &lo, &hi);
    const size_t shape[4] = { 1, (size_t)h, (size_t)wd, (size_t)ch };
    xnn_operator_t op = NULL;
    enum xnn_status st = xnn_create_add_nd_f32(lo, hi, 0, &op);
    if (st == xnn_status_success)
        st = xnn_setup_add_nd_f32(op, 4, shape, 4, shape, a, x, out, NULL);
    c->op[c->n++] = op;
    if (st != xnn_status_success) {
        snprintf(why, nwhy, "XNNPACK rejects the residual add (xnn_status %d)", (int)st);
        return -1;
    }
    return 0;
}

static float *xnn_buf(xnn_chain *c, size_t n)
{
    return c->buf[c->nbuf++] = falloc(n);
}

static int xnn_build(bench_layer *B, char *why, size_t nwhy)
{
    const sg_layer *L = B->L;
    xnn_chain *c = &B->xc;
    memset(c, 0, sizeof *c);
    if (general_topology(L)) {
        snprintf(why, nwhy, "no library has a topological (windowed) projection");
        return -1;
    }
    const int res = B->x != NULL;
    const sg_act last = res ? act_none : L->act;
    const size_t mid = (size_t)L->mid_h * (size_t)L->mid_w;
    /* the last op writes to `last_out`, which is a temporary when an add follows */
    float *last_out = res ? xnn_buf(c, B->nout) : B->out[I_XNN];
    const float *dw_b = L->bias ? B->w.dw_b : NULL, *pw_b = L->bias ? B->w.pw_b : NULL,
                *up_b = L->bias ? B->w.up_b : NULL;
    int rc = 0;
    switch (L->op) {
    case SG_OP_DWCONV:
        rc = xnn_dw(c, L->in_h, L->in_w, L->in_c, L->mult, L->kh, L->kw, L->sh, L->sw, L->dh,
                    L->dw, L->pt, L->pl, L->pb, L->pr, L->out_h, L->out_w, B->w.dw_w, dw_b, last,
                    B->in, last_out, why, nwhy);
        break;
    case SG_OP_PWCONV:
        rc = xnn_pw(c, L->in_h, L->in_w, L->pw_cin, L->pw_cout, L->groups, B->w.pw_w, pw_b, last,
                    B->in, last_out, why, nwhy);
        break;
    case SG_OP_SEPARABLE: {
        float *t = xnn_buf(c, mid * (size_t)L->mid_c);
        rc = xnn_dw(c, L->in_h, L->in_w, L->in_c, L->mult, L->kh, L->kw, L->sh, L->sw, L->dh,
                    L->dw, L->pt, L->pl, L->pb, L->pr, L->mid_h, L->mid_w, B->w.dw_w, dw_b,
                    L->dw_act, B->in, t, why, nwhy);
        if (rc == 0)
            rc = xnn_pw(c, L->mid_h, L->mid_w, L->pw_cin, L->pw_cout, L->groups, B->w.pw_w, pw_b,
                        last, t, last_out, why, nwhy);
        break;
    }
    case SG_OP_DWDECONV:
        rc = xnn_dwdeconv(c, L->in_h, L->in_w, L->in_c, L->kh, L->kw, L->sh, L->sw, L->dh, L->dw,
                          L->pt, L->pl, L->pb, L->pr, L->out_h, L->out_w, B->w.dw_w, dw_b, last,
                          B->in, last_out, why, nwhy);
        break;
    case SG_OP_BOTTLENECK: {
        float *t1 = xnn_buf(c, mid * (size_t)L->in_c), *t2 = xnn_buf(c, mid * (size_t)L->mid_c);
        rc = xnn_dw(c, L->in_h, L->in_w, L->in_c, 1, L->kh, L->kw, L->sh, L->sw, 1, 1, L->pt,
                    L->pl, L->pb, L->pr, L->mid_h, L->mid_w, B->w.dw_w, dw_b, L->dw_act, B->in,
                    t1, why, nwhy);
        if (rc == 0)
            rc = xnn_pw(c, L->mid_h, L->mid_w, L->pw_cin, L->pw_cout, L->groups, B->w.pw_w, pw_b,
                        L->mid_act, t1, t2, why, nwhy);
        if (rc == 0)
            rc = xnn_dwdeconv(c, L->mid_h, L->mid_w, L->out_c, L->up_kh, L->up_kw, L->sh, L->sw,
                              1, 1, L->up_pt, L->up_pl, L->up_pb, L->up_pr, L->out_h, L->out_w,
                              B->w.up_w, up_b, last, t2, last_out, why, nwhy);
        break;
    }
    }
    if (rc == 0 && res)
        rc = xnn_add(c, L->out_h, L->out_w, L->out_c, L->act, last_out, B->x, B->out[I_XNN], why,
                     nwhy);
    return rc;
}

static void xnn_free(xnn_chain *c)
{
    for (int i = 0; i < c->n; i++)
        if (c->op[i])
            xnn_delete_operator(c->op[i]);
    for (int i = 0; i < c->nbuf; i++)
        free(c->buf[i]);
    memset(c, 0, sizeof *c);
}

static void xnn_run(xnn_chain *c)
{
    for (int i = 0; i < c->n; i++)
        if (xnn_run_operator(c->op[i], NULL) != xnn_status_success)
            die("xnn_run_operator failed");
}

/* This XNNPACK snapshot crashes on some geometries instead of returning an
 * error (seen: a strided deconvolution whose output is narrower than its
 * stride, e.g. the up step of a bottleneck on a 2x1 input).  So every layer
 * is first built and run once in a child process; if the child dies, the
 * layer is n/a for XNNPACK. */
static int xnn_trial(bench_layer *B, char *why, size_t nwhy)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return 0; /* cannot test: go ahead */
    if (pid == 0) {
        char w2[256];
        if (xnn_build(B, w2, sizeof w2) == 0)
            for (int i = 0; i < B->xc.n; i++)
                if (xnn_run_operator(B->xc.op[i], NULL) != xnn_status_success)
                    _exit(1);
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
        snprintf(why, nwhy, "XNNPACK fails to run this layer (xnn_run_operator error)");
        return -1;
    }
    return 0;
}
#endif /* SG_BENCH_XNNPACK */

/* ---- oneDNN ------------------------------------------------------------------- */

#ifdef SG_BENCH_ONEDNN
#define DNNL_OK(call) ((call) == dnnl_success)

static const sg_act dnnl_no_act = { 0, 0.0f, 0.0f };

/* Attributes: post-ops [sum] [eltwise act] (dst = act(op + dst)), user
 * scratchpad (allocated once per primitive, outside the timing). */
static dnnl_primitive_attr_t dnnl_attr(sg_act act, int sum)
{
    dnnl_primitive_attr_t attr;
    dnnl_post_ops_t po;
    dnnl_primitive_attr_create(&attr);
    dnnl_post_ops_create(&po);
    if (sum)
        dnnl_post_ops_append_sum(po, 1.0f);
    if (act.flags) {
        if (act.flags == SG_ACT_LO && act.lo == 0.0f)
            dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
        else
            dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_clip,
                                         (act.flags & SG_ACT_LO) ? act.lo : -FLT_MAX,
                                         (act.flags & SG_ACT_HI) ? act.hi : FLT_MAX);
    }
    dnnl_primitive_attr_set_post_ops(attr, po);
    dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    dnnl_post_ops_destroy(po);
    return attr;
}

static void dnnl_arg(dnnl_step *s, int arg, const dnnl_memory_desc_t *md, const void *ptr)
{
    dnnl_memory_t m = NULL;
    if (!DNNL_OK(dnnl_memory_create(&m, md, dnnl_eng, (void *)ptr)))
        die("dnnl_memory_create failed");
    s->args[s->nargs].arg = arg;
    s->args[s->nargs].memory = s->mem[s->nargs] = m;
    s->nargs++;
}

/* The scratchpad argument, the implementation name and the primitive;
 * destroys pd. */
static int dnnl_finish(dnnl_step *s, dnnl_primitive_desc_t pd, char *why, size_t nwhy)
{
    const char *impl = NULL;
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    snprintf(s->impl, sizeof s->impl, "%s", impl ? impl : "?");
    const dnnl_memory_desc_t *sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    const size_t spbytes = sp ? dnnl_memory_desc_get_size(sp) : 0;
    if (spbytes > 0) {
        s->scratch = falloc(spbytes / sizeof(float) + 1);
        dnnl_arg(s, DNNL_ARG_SCRATCHPAD, sp, s->scratch);
    }
    dnnl_status_t st = dnnl_primitive_create(&s->prim, pd);
    dnnl_primitive_desc_destroy(pd);
    if (st != dnnl_success) {
        snprintf(why, nwhy, "oneDNN: primitive creation failed (status %d)", (int)st);
        return -1;
    }
    return 0;
}

static dnnl_step *dnnl_new_step(dnnl_chain *c)
{
    dnnl_step *s = &c->s[c->n++];
    memset(s, 0, sizeof *s);
    return s;
}

/* One (de)convolution primitive on NHWC activations.  The weights come in
 * their TFLite layout and are reordered once into the layout the primitive
 * picked (format_tag_any):
 *   depthwise (de)conv [kh][kw][C*mult]: dims {G=C, O=mult, I=1, KH, KW} in
 *       hwigo (offset ((h*KW + w)*I + i)*G*O + g*O + o); with C = 1 the
 *       plain dims {O, I, KH, KW} in hwio, the same bytes;
 *   projection [Cout][Cin/g]: {G, Cout/g, Cin/g, 1, 1} in goihw, or
 *       {Cout, Cin, 1, 1} in oihw when dense.
 * Padding: oneDNN's padding_l/padding_r are the forward convolution's
 * (top, left) / (bottom, right), also for the deconvolution, whose output
 * size is given explicitly (oneDNN checks (oh - ker + pt + pb) / s + 1 == ih).
 * Dilation: oneDNN counts from 0. */
static int dnnl_step_init(dnnl_chain *c, int deconv, int pw, int groups, int ic, int oc, int ih,
                          int iw, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw,
                          int pt, int pl, int pb, int pr, const float *w, const float *b,
                          sg_act act, int sum, const float *src, float *dst, char *why,
                          size_t nwhy)
{
    dnnl_step *s = dnnl_new_step(c);
    dnnl_memory_desc_t src_md, dst_md, w_any, w_user, b_md;
    const dnnl_dims_t src_dims = { 1, ic, ih, iw }, dst_dims = { 1, oc, oh, ow };
    const dnnl_dims_t strides = { sh, sw }, dil = { dh - 1, dw - 1 }, pad_l = { pt, pl },
                      pad_r = { pb, pr };
    dnnl_dims_t wd;
    int wnd;
    dnnl_format_tag_t wtag;
    if (groups > 1) {
        wnd = 5;
        wd[0] = groups;
        wd[1] = oc / groups;
        wd[2] = ic / groups;
        wd[3] = kh;
        wd[4] = kw;
        wtag = pw ? dnnl_goihw : dnnl_hwigo;
    } else {
        wnd = 4;
        wd[0] = oc;
        wd[1] = ic;
        wd[2] = kh;
        wd[3] = kw;
        wtag = pw ? dnnl_oihw : dnnl_hwio;
    }
    const dnnl_dims_t b_dims = { oc };
    if (!DNNL_OK(dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_f32, dnnl_nhwc)) ||
        !DNNL_OK(dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_f32, dnnl_nhwc)) ||
        !DNNL_OK(dnnl_memory_desc_init_by_tag(&w_any, wnd, wd, dnnl_f32, dnnl_format_tag_any)) ||
        !DNNL_OK(dnnl_memory_desc_init_by_tag(&w_user, wnd, wd, dnnl_f32, wtag)) ||
        !DNNL_OK(dnnl_memory_desc_init_by_tag(&b_md, 1, b_dims, dnnl_f32, dnnl_a))) {
        snprintf(why, nwhy, "oneDNN: memory descriptor failed");
        return -1;
    }
    dnnl_convolution_desc_t cd;
    dnnl_deconvolution_desc_t dd;
    dnnl_status_t st;
    if (deconv)
        st = dnnl_dilated_deconvolution_forward_desc_init(
            &dd, dnnl_forward_inference, dnnl_deconvolution_direct, &src_md, &w_any,
            b ? &b_md : NULL, &dst_md, strides, dil, pad_l, pad_r);
    else
        st = dnnl_dilated_convolution_forward_desc_init(
            &cd, dnnl_forward_inference, dnnl_convolution_direct, &src_md, &w_any,
            b ? &b_md : NULL, &dst_md, strides, dil, pad_l, pad_r);
    if (st != dnnl_success) {
        snprintf(why, nwhy, "oneDNN rejects this %s descriptor (status %d)",
                 deconv ? "deconvolution" : "convolution", (int)st);
        return -1;
    }
    dnnl_primitive_attr_t attr = dnnl_attr(act, sum);
    dnnl_primitive_desc_t pd = NULL;
    st = dnnl_primitive_desc_create(&pd, deconv ? (const_dnnl_op_desc_t)&dd
                                                 : (const_dnnl_op_desc_t)&cd,
                                    attr, dnnl_eng, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (st != dnnl_success) {
        snprintf(why, nwhy, "oneDNN has no implementation of this %s%s (status %d)",
                 deconv ? "deconvolution" : "convolution", sum ? " with a sum post-op" : "",
                 (int)st);
        return -1;
    }

    /* weights: reorder once into the primitive's layout */
    const dnnl_memory_desc_t *w_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    s->wbuf = falloc(dnnl_memory_desc_get_size(w_md) / sizeof(float) + 1);
    dnnl_memory_t wu = NULL;
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t rp = NULL;
    dnnl_arg(s, DNNL_ARG_WEIGHTS, w_md, s->wbuf);
    int ok = DNNL_OK(dnnl_memory_create(&wu, &w_user, dnnl_eng, (void *)w)) &&
             DNNL_OK(dnnl_reorder_primitive_desc_create(&rpd, &w_user, dnnl_eng, w_md, dnnl_eng,
                                                        NULL)) &&
             DNNL_OK(dnnl_primitive_create(&rp, rpd));
    if (ok) {
        dnnl_exec_arg_t ra[2] = { { DNNL_ARG_FROM, wu }, { DNNL_ARG_TO, s->mem[0] } };
        ok = DNNL_OK(dnnl_primitive_execute(rp, dnnl_str, 2, ra)) &&
             DNNL_OK(dnnl_stream_wait(dnnl_str));
    }
    if (rp)
        dnnl_primitive_destroy(rp);
    if (rpd)
        dnnl_primitive_desc_destroy(rpd);
    if (wu)
        dnnl_memory_destroy(wu);
    if (!ok) {
        dnnl_primitive_desc_destroy(pd);
        snprintf(why, nwhy, "oneDNN: weight reorder failed");
        return -1;
    }
    dnnl_arg(s, DNNL_ARG_SRC, &src_md, src);
    if (b)
        dnnl_arg(s, DNNL_ARG_BIAS, &b_md, b);
    dnnl_arg(s, DNNL_ARG_DST, &dst_md, dst);
    return dnnl_finish(s, pd, why, nwhy);
}

/* out = act(a + x) on [h][w][ch] (binary add with an eltwise post-op). */
static int dnnl_binary_step(dnnl_chain *c, int h, int w, int ch, sg_act act, const float *a,
                            const float *x, float *out, char *why, size_t nwhy)
{
    dnnl_step *s = dnnl_new_step(c);
    const dnnl_dims_t dims = { 1, ch, h, w };
    dnnl_memory_desc_t md;
    dnnl_binary_desc_t bd;
    dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, dnnl_nhwc);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_attr_t attr = dnnl_attr(act, 0);
    dnnl_status_t st = dnnl_binary_desc_init(&bd, dnnl_binary_add, &md, &md, &md);
    if (st == dnnl_success)
        st = dnnl_primitive_desc_create(&pd, &bd, attr, dnnl_eng, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (st != dnnl_success) {
        snprintf(why, nwhy, "oneDNN has no binary add for the residual (status %d)", (int)st);
        return -1;
    }
    dnnl_arg(s, DNNL_ARG_SRC_0, &md, a);
    dnnl_arg(s, DNNL_ARG_SRC_1, &md, x);
    dnnl_arg(s, DNNL_ARG_DST, &md, out);
    return dnnl_finish(s, pd, why, nwhy);
}

/* data = act(data) in place on [h][w][ch]. */
static int dnnl_eltwise_step(dnnl_chain *c, int h, int w, int ch, sg_act act, float *data,
                             char *why, size_t nwhy)
{
    dnnl_step *s = dnnl_new_step(c);
    const dnnl_dims_t dims = { 1, ch, h, w };
    dnnl_memory_desc_t md;
    dnnl_eltwise_desc_t ed;
    dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, dnnl_nhwc);
    const int relu = act.flags == SG_ACT_LO && act.lo == 0.0f;
    dnnl_status_t st = dnnl_eltwise_forward_desc_init(
        &ed, dnnl_forward_inference, relu ? dnnl_eltwise_relu : dnnl_eltwise_clip, &md,
        relu ? 0.0f : (act.flags & SG_ACT_LO) ? act.lo : -FLT_MAX,
        relu ? 0.0f : (act.flags & SG_ACT_HI) ? act.hi : FLT_MAX);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_attr_t attr = dnnl_attr(dnnl_no_act, 0);
    if (st == dnnl_success)
        st = dnnl_primitive_desc_create(&pd, &ed, attr, dnnl_eng, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (st != dnnl_success) {
        snprintf(why, nwhy, "oneDNN has no eltwise primitive for the activation (status %d)",
                 (int)st);
        return -1;
    }
    dnnl_arg(s, DNNL_ARG_SRC, &md, data);
    dnnl_arg(s, DNNL_ARG_DST, &md, data);
    return dnnl_finish(s, pd, why, nwhy);
}

static float *dnnl_buf(dnnl_chain *c, size_t n)
{
    return c->buf[c->nbuf++] = falloc(n);
}

/* Does the layer end with a deconvolution that has post-ops (act or
 * residual)?  oneDNN 2.6 runs those through a much slower path than the
 * plain deconvolution (seen: 2 ms instead of 0.18 ms for a 16x16 -> 32x32x64
 * depthwise deconvolution), so such layers are also built with the post-ops
 * as separate primitives, and the faster of the two setups is timed. */
static int dnnl_deconv_postops(const sg_layer *L)
{
    return (L->op == SG_OP_DWDECONV || L->op == SG_OP_BOTTLENECK) &&
           (L->act.flags || L->residual != SG_RESIDUAL_NONE);
}

/* The last deconvolution of a layer: act and residual fused as post-ops, or
 * (split) the plain deconvolution followed by a binary add with an eltwise
 * post-op (residual) or an in-place eltwise (activation only). */
static int dnnl_last_deconv(bench_layer *B, dnnl_chain *c, int ch, int ih, int iw, int kh, int kw,
                            int dh, int dw, int pt, int pl, int pb, int pr, const float *w,
                            const float *b, const float *src, char *why, size_t nwhy)
{
    const sg_layer *L = B->L;
    float *out = B->out[I_DNNL];
    const int res = B->x != NULL;
    if (!c->split)
        return dnnl_step_init(c, 1, 0, ch, ch, ch, ih, iw, L->out_h, L->out_w, kh, kw, L->sh,
                              L->sw, dh, dw, pt, pl, pb, pr, w, b, L->act, res, src, out, why,
                              nwhy);
    float *dst = res ? dnnl_buf(c, B->nout) : out;
    int rc = dnnl_step_init(c, 1, 0, ch, ch, ch, ih, iw, L->out_h, L->out_w, kh, kw, L->sh, L->sw,
                            dh, dw, pt, pl, pb, pr, w, b, dnnl_no_act, 0, src, dst, why, nwhy);
    if (rc == 0 && res)
        rc = dnnl_binary_step(c, L->out_h, L->out_w, L->out_c, L->act, dst, B->x, out, why, nwhy);
    else if (rc == 0 && L->act.flags)
        rc = dnnl_eltwise_step(c, L->out_h, L->out_w, L->out_c, L->act, out, why, nwhy);
    return rc;
}

static int dnnl_build(bench_layer *B, dnnl_chain *c, int split, char *why, size_t nwhy)
{
    const sg_layer *L = B->L;
    memset(c, 0, sizeof *c);
    c->split = split;
    if (general_topology(L)) {
        snprintf(why, nwhy, "no library has a topological (windowed) projection");
        return -1;
    }
    const int res = B->x != NULL;
    float *out = B->out[I_DNNL];
    const size_t mid = (size_t)L->mid_h * (size_t)L->mid_w;
    const float *dw_b = L->bias ? B->w.dw_b : NULL, *pw_b = L->bias ? B->w.pw_b : NULL,
                *up_b = L->bias ? B->w.up_b : NULL;
    const int cm = L->in_c * L->mult;
    int rc = 0;
    switch (L->op) {
    case SG_OP_DWCONV:
        rc = dnnl_step_init(c, 0, 0, L->in_c, L->in_c, cm, L->in_h, L->in_w, L->out_h, L->out_w,
                            L->kh, L->kw, L->sh, L->sw, L->dh, L->dw, L->pt, L->pl, L->pb, L->pr,
                            B->w.dw_w, dw_b, L->act, res, B->in, out, why, nwhy);
        break;
    case SG_OP_PWCONV:
        rc = dnnl_step_init(c, 0, 1, L->groups, L->pw_cin, L->pw_cout, L->in_h, L->in_w, L->out_h,
                            L->out_w, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, B->w.pw_w, pw_b, L->act, res,
                            B->in, out, why, nwhy);
        break;
    case SG_OP_SEPARABLE: {
        float *t = dnnl_buf(c, mid * (size_t)L->mid_c);
        rc = dnnl_step_init(c, 0, 0, L->in_c, L->in_c, cm, L->in_h, L->in_w, L->mid_h, L->mid_w,
                            L->kh, L->kw, L->sh, L->sw, L->dh, L->dw, L->pt, L->pl, L->pb, L->pr,
                            B->w.dw_w, dw_b, L->dw_act, 0, B->in, t, why, nwhy);
        if (rc == 0)
            rc = dnnl_step_init(c, 0, 1, L->groups, L->pw_cin, L->pw_cout, L->mid_h, L->mid_w,
                                L->out_h, L->out_w, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, B->w.pw_w, pw_b,
                                L->act, res, t, out, why, nwhy);
        break;
    }
    case SG_OP_DWDECONV:
        rc = dnnl_last_deconv(B, c, L->in_c, L->in_h, L->in_w, L->kh, L->kw, L->dh, L->dw, L->pt,
                              L->pl, L->pb, L->pr, B->w.dw_w, dw_b, B->in, why, nwhy);
        break;
    case SG_OP_BOTTLENECK: {
        float *t1 = dnnl_buf(c, mid * (size_t)L->in_c), *t2 = dnnl_buf(c, mid * (size_t)L->mid_c);
        rc = dnnl_step_init(c, 0, 0, L->in_c, L->in_c, L->in_c, L->in_h, L->in_w, L->mid_h,
                            L->mid_w, L->kh, L->kw, L->sh, L->sw, 1, 1, L->pt, L->pl, L->pb,
                            L->pr, B->w.dw_w, dw_b, L->dw_act, 0, B->in, t1, why, nwhy);
        if (rc == 0)
            rc = dnnl_step_init(c, 0, 1, L->groups, L->pw_cin, L->pw_cout, L->mid_h, L->mid_w,
                                L->mid_h, L->mid_w, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, B->w.pw_w, pw_b,
                                L->mid_act, 0, t1, t2, why, nwhy);
        if (rc == 0)
            rc = dnnl_last_deconv(B, c, L->out_c, L->mid_h, L->mid_w, L->up_kh, L->up_kw, 1, 1,
                                  L->up_pt, L->up_pl, L->up_pb, L->up_pr, B->w.up_w, up_b, t2,
                                  why, nwhy);
        break;
    }
    }
    return rc;
}

static void dnnl_free(dnnl_chain *c)
{
    for (int i = 0; i < c->n; i++) {
        dnnl_step *s = &c->s[i];
        if (s->prim)
            dnnl_primitive_destroy(s->prim);
        for (int k = 0; k < s->nargs; k++)
            dnnl_memory_destroy(s->mem[k]);
        free(s->wbuf);
        free(s->scratch);
    }
    for (int i = 0; i < c->nbuf; i++)
        free(c->buf[i]);
    memset(c, 0, sizeof *c);
}

static void dnnl_run(dnnl_chain *c)
{
    for (int i = 0; i < c->n; i++)
        if (!DNNL_OK(dnnl_primitive_execute(c->s[i].prim, dnnl_str, c->s[i].nargs, c->s[i].args)))
            die("dnnl_primitive_execute failed");
    dnnl_stream_wait(dnnl_str);
}
#endif /* SG_BENCH_ONEDNN */

/* ---- running and checking ----------------------------------------------------- */

static void run_impl(bench_layer *B, int k)
{
    const sg_layer *L = B->L;
    switch (k) {
    case I_GEN:
        L->run(B->in, B->skip_arg, B->out[I_GEN], B->packed, B->scratch);
        break;
    case I_GENERIC:
        sg_generic_run(L, &B->w, B->in, B->skip_arg, B->out[I_GENERIC], B->gscratch);
        break;
#ifdef SG_BENCH_XNNPACK
    case I_XNN:
        xnn_run(&B->xc);
        break;
#endif
#ifdef SG_BENCH_ONEDNN
    case I_DNNL:
        dnnl_run(&B->dc);
        break;
#endif
    default:
        break;
    }
}

/* Tolerance (per output element): every implementation computes each output
 * as a sum of at most K products (K = accumulation_length: taps + projection
 * inputs + biases + residual, across the layer's stages), in some order, in
 * float.  Any order is within gamma_K * M of the exact value, where
 * gamma_K = K*u/(1 - K*u), u = 2^-24, and M is the same layer computed on
 * |weights|, |input|, |skip| (the "magnitude run"; clamps are 1-Lipschitz, so
 * errors of an intermediate stage propagate at most by the |weights| that M
 * already uses).  The bound holds for any summation order, blocking or
 * FMA contraction, so two implementations differ by at most 2 * gamma_K * M:
 * the tolerance, the same as the generated Check test's (templates/
 * check.c.in).  A wrong tap, padding, layout or activation (errors of the
 * order of M itself) always trips it.  This is tighter than
 * 1e-3 * (1 + |ref|) for short sums and adapts to long ones. */
static double check_output(const float *out, const float *ref, const float *mag, size_t n,
                           int K)
{
    const double u = 1.0 / 16777216.0;
    const double gamma = K * u / (1.0 - K * u);
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double tol = 2.0 * gamma * mag[i] + 1e-30;
        const double d = fabs((double)out[i] - (double)ref[i]);
        const double r = d / tol;
        if (!(r <= worst)) /* NaN propagates as a failure */
            worst = isnan(r) ? INFINITY : r;
    }
    return worst;
}

#ifdef SG_BENCH_ONEDNN
/* Sets up oneDNN for the layer in B->dc.  For a layer ending in a
 * deconvolution with post-ops, both setups (fused post-ops, separate
 * primitives) are built, checked and timed briefly (min of >= 3 runs and
 * >= 5 ms), and the faster correct one is kept; `choice` says which. */
static int dnnl_choose(bench_layer *B, const float *ref, const float *mag, int K, char *choice,
                       size_t nchoice, char *why, size_t nwhy)
{
    char why2[256];
    const int ok0 = dnnl_build(B, &B->dc, 0, why, nwhy) == 0;
    if (!ok0)
        dnnl_free(&B->dc);
    if (!dnnl_deconv_postops(B->L))
        return ok0 ? 0 : -1;
    const int ok1 = dnnl_build(B, &B->dc_alt, 1, why2, sizeof why2) == 0;
    if (!ok1) {
        dnnl_free(&B->dc_alt);
        return ok0 ? 0 : -1;
    }
    if (!ok0) {
        B->dc = B->dc_alt;
        memset(&B->dc_alt, 0, sizeof B->dc_alt);
        snprintf(choice, nchoice, " (post-ops as separate primitives: fused setup unavailable)");
        return 0;
    }
    double t[2] = { 1e30, 1e30 };
    int good[2];
    for (int v = 0; v < 2; v++) {
        dnnl_chain *c = v ? &B->dc_alt : &B->dc;
        if (B->x)
            memcpy(B->out[I_DNNL], B->x, B->nout * sizeof(float));
        dnnl_run(c);
        good[v] = check_output(B->out[I_DNNL], ref, mag, B->nout, K) <= 1.0;
        double start = now();
        for (int r = 0; r < 3 || now() - start < 0.005; r++) {
            double t0 = now();
            dnnl_run(c);
            double dt = now() - t0;
            if (dt < t[v])
                t[v] = dt;
        }
    }
    const int pick = good[1] && (!good[0] || t[1] < t[0]);
    snprintf(choice, nchoice, " (deconvolution post-ops %s: %.1f us; %s: %.1f us)",
             pick ? "as separate primitives" : "fused", t[pick] * 1e6,
             pick ? "fused" : "separate", t[!pick] * 1e6);
    if (pick) {
        dnnl_chain tmp = B->dc;
        B->dc = B->dc_alt;
        B->dc_alt = tmp;
    }
    dnnl_free(&B->dc_alt);
    return 0;
}
#endif

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

#ifdef SG_BENCH_XNNPACK
    if (xnn_initialize(NULL) == xnn_status_success)
        have[I_XNN] = 1;
    else
        fprintf(stderr, "bench: xnn_initialize failed (CPU not supported?): XNNPACK skipped\n");
#endif
#ifdef SG_BENCH_ONEDNN
    if (DNNL_OK(dnnl_engine_create(&dnnl_eng, dnnl_cpu, 0)) &&
        DNNL_OK(dnnl_stream_create(&dnnl_str, dnnl_eng, dnnl_stream_default_flags)))
        have[I_DNNL] = 1;
    else
        fprintf(stderr, "bench: oneDNN CPU engine unavailable: oneDNN skipped\n");
#endif

    /* ---- header ---- */
    machine m;
    measure_machine(&m);
    char date[64];
    time_t tnow = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %Z", localtime(&tnow));
    printf("sepgen bench: net %s, %d layers, single thread\n", SG_NET_HEADER, nl);
    printf("CPU:       %s\n", m.cpu);
    printf("date:      %s\n", date);
#ifdef __VERSION__
    printf("compiler:  %s\n", __VERSION__);
#endif
    printf("cflags:    %s\n", SG_BENCH_CFLAGS);
    printf("target:    %s (generated code)\n", SG_BENCH_TARGET);
    printf("peak:      %.1f GFLOP/s single-thread FMA peak (%s), measured\n", m.peak, m.peak_isa);
    if (strcmp(m.build_isa, m.peak_isa) != 0)
        printf("           %.1f GFLOP/s with only the ISA this build targets (%s)\n",
               m.build_peak, m.build_isa);
    printf("memory:    %.1f GB/s read bandwidth (sum of a 256 MiB array), measured\n", m.bw);
#ifdef SG_BENCH_XNNPACK
    printf("XNNPACK:   %s (%s), threadpool NULL; it picks the best ISA of the CPU at run "
           "time (no ISA cap exists)\n", have[I_XNN] ? "on" : "unavailable",
           SG_BENCH_XNNPACK_VERSION);
#else
    printf("XNNPACK:   not built in (compile with -DSG_BENCH_XNNPACK -lXNNPACK)\n");
#endif
#ifdef SG_BENCH_ONEDNN
    {
        const dnnl_version_t *v = dnnl_version();
        const char *omp = getenv("OMP_NUM_THREADS");
        const char *isa = getenv("ONEDNN_MAX_CPU_ISA");
        const dnnl_cpu_isa_t eff = dnnl_get_effective_cpu_isa();
        const char *effs = eff == dnnl_cpu_isa_sse41 ? "sse41" : eff == dnnl_cpu_isa_avx ? "avx"
                         : eff == dnnl_cpu_isa_avx2 ? "avx2"
                         : eff == dnnl_cpu_isa_avx2_vnni ? "avx2_vnni"
                         : eff == dnnl_cpu_isa_avx512_core ? "avx512_core"
                         : eff == dnnl_cpu_isa_avx512_core_vnni ? "avx512_core_vnni"
                         : eff == dnnl_cpu_isa_avx512_core_bf16 ? "avx512_core_bf16"
                         : eff == dnnl_cpu_isa_avx512_core_amx ? "avx512_core_amx" : "other";
        printf("oneDNN:    %s (%d.%d.%d, %s runtime), ISA %s, OMP_NUM_THREADS=%s%s%s\n",
               have[I_DNNL] ? "on" : "unavailable", v->major, v->minor, v->patch,
               v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" :
               v->cpu_runtime == DNNL_RUNTIME_SEQ ? "sequential" : "threaded", effs,
               omp ? omp : "(unset)", isa ? ", ONEDNN_MAX_CPU_ISA=" : "", isa ? isa : "");
        if (v->cpu_runtime != DNNL_RUNTIME_SEQ && (!omp || strcmp(omp, "1") != 0))
            printf("WARNING:   oneDNN may use several threads: set OMP_NUM_THREADS=1\n");
    }
#else
    printf("oneDNN:    not built in (compile with -DSG_BENCH_ONEDNN -ldnnl)\n");
#endif
    {
        FILE *la = fopen("/proc/loadavg", "r");
        double l1 = 0.0;
        if (la && fscanf(la, "%lf", &l1) == 1)
            printf("load:      %.2f (1-minute load average before the run%s)\n", l1,
                   l1 > 0.5 ? "; other processes compete for the CPU: expect noise" : "");
        if (la)
            fclose(la);
    }
    printf("timing:    medians of warm samples (each right after a sample of the same "
           "implementation), the\n"
           "           implementations interleaved in rounds; ~%.2f s per layer; a sample >= %.0f us\n",
           budget, MIN_SAMPLE_S * 1e6);
    printf("\n");
    fflush(stdout);

    fprintf(csv, "layer,op,desc,in_h,in_w,in_c,out_h,out_w,out_c,macs,mflop,bytes,ai,"
                 "gen_us,gen_min_us,gen_gflops,gen_pct_peak,gen_status,gen_batch,gen_samples,"
                 "generic_us,generic_min_us,generic_speedup,generic_samples,"
                 "xnnpack_us,xnnpack_min_us,xnnpack_gflops,xnnpack_ratio,xnnpack_status,"
                 "onednn_us,onednn_min_us,onednn_gflops,onednn_ratio,onednn_status,onednn_impl,"
                 "peak_gflops,build_peak_gflops,mem_gbs,"
                 "gen_after_us,xnnpack_after_us,onednn_after_us\n");

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
    int mismatches = 0;

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
        const weight_sizes z = sizes_of(L);
        float *in = random_buf(nin), *skip = random_buf(nout);
        float *dw_w = random_buf(z.dw_w), *dw_b = random_buf(z.dw_b);
        float *pw_w = random_buf(z.pw_w), *pw_b = random_buf(z.pw_b);
        float *up_w = random_buf(z.up_w), *up_b = random_buf(z.up_b);
        B.w.dw_w = z.dw_w ? dw_w : NULL;
        B.w.dw_b = z.dw_b ? dw_b : NULL;
        B.w.pw_w = z.pw_w ? pw_w : NULL;
        B.w.pw_b = z.pw_b ? pw_b : NULL;
        B.w.up_w = z.up_w ? up_w : NULL;
        B.w.up_b = z.up_b ? up_b : NULL;
        B.in = in;
        B.skip_arg = L->residual == SG_RESIDUAL_NAMED ? skip : NULL;
        B.x = L->residual == SG_RESIDUAL_SELF ? in : L->residual == SG_RESIDUAL_NAMED ? skip : NULL;
        B.packed = falloc(L->packed_floats);
        B.scratch = falloc(L->scratch_floats);
        B.gscratch = falloc(sg_generic_scratch_floats(L));
        for (int k = 0; k < N_IMPL; k++)
            B.out[k] = falloc(nout);
        L->pack(&B.w, B.packed);

        /* the reference and the magnitude run */
        float *ref = falloc(nout), *mag = falloc(nout);
        double t_generic = now();
        sg_generic_run(L, &B.w, in, B.skip_arg, ref, B.gscratch);
        t_generic = now() - t_generic;
        {
            float *a_in = abs_copy(in, nin), *a_skip = abs_copy(skip, nout);
            float *a_dw_w = abs_copy(dw_w, z.dw_w), *a_dw_b = abs_copy(dw_b, z.dw_b);
            float *a_pw_w = abs_copy(pw_w, z.pw_w), *a_pw_b = abs_copy(pw_b, z.pw_b);
            float *a_up_w = abs_copy(up_w, z.up_w), *a_up_b = abs_copy(up_b, z.up_b);
            const sg_weights aw = { z.dw_w ? a_dw_w : NULL, z.dw_b ? a_dw_b : NULL,
                                    z.pw_w ? a_pw_w : NULL, z.pw_b ? a_pw_b : NULL,
                                    z.up_w ? a_up_w : NULL, z.up_b ? a_up_b : NULL };
            sg_layer M = *L;
            M.act.flags = 0;
            M.dw_act = magnitude_act(L->dw_act);
            M.mid_act = magnitude_act(L->mid_act);
            sg_generic_run(&M, &aw, a_in, L->residual == SG_RESIDUAL_NAMED ? a_skip : NULL, mag,
                           B.gscratch);
            free(a_in); free(a_skip); free(a_dw_w); free(a_dw_b);
            free(a_pw_w); free(a_pw_b); free(a_up_w); free(a_up_b);
        }

        /* library setup, outside any timing */
#if defined(SG_BENCH_XNNPACK) || defined(SG_BENCH_ONEDNN)
        char why[256];
#endif
        for (int k = 0; k < N_IMPL; k++)
            R[k].state = have[k] ? ST_OK : ST_NA;
#ifdef SG_BENCH_XNNPACK
        if (have[I_XNN] && (xnn_trial(&B, why, sizeof why) != 0 ||
                            xnn_build(&B, why, sizeof why) != 0)) {
            R[I_XNN].state = ST_NA;
            R[I_XNN].note = note_id(why);
            xnn_free(&B.xc);
        }
#endif
#ifdef SG_BENCH_ONEDNN
        if (have[I_DNNL]) {
            char choice[128] = "";
            if (dnnl_choose(&B, ref, mag, accumulation_length(L), choice, sizeof choice, why,
                            sizeof why) != 0) {
                R[I_DNNL].state = ST_NA;
                R[I_DNNL].note = note_id(why);
            } else {
                R[I_DNNL].impl[0] = 0;
                for (int i = 0; i < B.dc.n; i++) {
                    size_t len = strlen(R[I_DNNL].impl);
                    snprintf(R[I_DNNL].impl + len, sizeof R[I_DNNL].impl - len, "%s%s",
                             i ? "+" : "", B.dc.s[i].impl);
                }
                size_t len = strlen(R[I_DNNL].impl);
                snprintf(R[I_DNNL].impl + len, sizeof R[I_DNNL].impl - len, "%s", choice);
            }
        }
#endif

        /* one checked run each (also the first warm-up); oneDNN's sum
         * post-op accumulates into its output, which must hold x first */
        const int K = accumulation_length(L);
        for (int k = 0; k < N_IMPL; k++) {
            if (R[k].state == ST_NA || k == I_GENERIC) /* the generic kernel is the reference */
                continue;
            if (k == I_DNNL && B.x)
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

        /* warm-up and single-run estimate (min of >= 2 runs, >= 10 ms); the
         * generic kernel only when it is fast, else its reference run counts */
        double t1[N_IMPL];
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
        }
        double round_cost = 0.0;
        for (int k = 0; k < N_IMPL; k++) {
            if (R[k].state == ST_NA)
                continue;
            R[k].batch = t1[k] >= MIN_SAMPLE_S ? 1 : (long)ceil(MIN_SAMPLE_S / t1[k]);
            if (k != I_GENERIC)
                round_cost += (double)R[k].batch * t1[k];
        }
        int rounds = (int)(budget / (2.0 * round_cost)); /* two samples a round */
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
        int ns[N_IMPL] = { 0, 0, 0, 0 };
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
                }
                ns[k]++;
            }
        }
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
            c_d[24], c_dr[24];
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
        for (int k = 0; k < N_IMPL; k++) {
            if (k == I_GENERIC)
                continue;
            if (R[k].state == ST_NA)
                fprintf(csv, ",");
            else
                fprintf(csv, ",%.3f", R[k].med_after * 1e6);
        }
        fprintf(csv, "\n");
        fflush(csv);

        /* ---- cleanup ---- */
#ifdef SG_BENCH_XNNPACK
        xnn_free(&B.xc);
#endif
#ifdef SG_BENCH_ONEDNN
        dnnl_free(&B.dc);
#endif
        free(in); free(skip); free(dw_w); free(dw_b); free(pw_w); free(pw_b);
        free(up_w); free(up_b); free(B.packed); free(B.scratch); free(B.gscratch);
        for (int k = 0; k < N_IMPL; k++)
            free(B.out[k]);
        free(ref); free(mag);
    }

    /* ---- totals ---- */
    printf("\nTotals (sums of the per-layer medians of warm samples unless said otherwise; a layer "
           "whose output did not match the\n  generic kernel counts for no one):\n");
    {
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
        double t[N_IMPL] = { 0, 0, 0, 0 }, ta[N_IMPL] = { 0, 0, 0, 0 };
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
        if (have[I_XNN] || have[I_DNNL]) {
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
        for (int k = I_XNN; k <= I_DNNL; k++) {
            if (!have[k])
                continue;
            double a = 0, b = 0;
            int m2 = 0;
            for (int li = 0; li < nl; li++) {
                const result *R = &res[(size_t)li * N_IMPL];
                if (R[k].state != ST_OK || R[I_GEN].state != ST_OK)
                    continue;
                a += R[I_GEN].med;
                b += R[k].med;
                m2++;
            }
            if (m2 != n && m2 > 0)
                printf("  generated vs %s, the %d layers both ran and verified: generated %.1f us, "
                       "%s %.1f us (ratio %.2f)\n", impl_name[k], m2, a * 1e6, impl_name[k],
                       b * 1e6, b / a);
        }
    }
    printf("\nColumns: MFLOP = 2 x the layer's multiply-accumulates as sg_layer.macs counts them "
           "(every kernel tap, also those\n"
           "  that fall into padding: tiny padded layers can show more than 100%% of peak); "
           "GFLOP/s and %%peak of the generated\n"
           "  kernel (peak = the measured %.1f GFLOP/s); times are medians of warm samples in "
           "microseconds per run of the layer\n"
           "  (the CSV's *_after_us columns: samples right after the other implementations);\n"
           "  speedup = generic / generated; xnn/gen and dnnl/gen = library time / generated "
           "time (> 1: the generated kernel is faster);\n"
           "  '!' = output differs from the generic kernel; n/a[i] = the library cannot express "
           "the layer (note i).\n"
           "Library setups: dwconv = grouped conv (groups = C); pwconv = 1x1 conv; separable = "
           "depthwise + 1x1 conv;\n"
           "  dwdeconv = grouped deconvolution; bottleneck = depthwise conv + 1x1 conv + depthwise "
           "deconvolution;\n"
           "  activations as clamps / eltwise post-ops; residual: XNNPACK an extra add operator, "
           "oneDNN a sum post-op\n"
           "  (or a binary add after a deconvolution, see below); every buffer and weight packing "
           "outside the timing.\n", m.peak);
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
        }
    }
#endif
    if (mismatches)
        printf("WARNING: %d output mismatch(es): see the warnings above; those timings are not "
               "comparable\n", mismatches);

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
    if (have[I_DNNL]) {
        dnnl_stream_destroy(dnnl_str);
        dnnl_engine_destroy(dnnl_eng);
    }
#endif
    return mismatches ? 3 : 0;
}
