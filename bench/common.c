/* common.c - what bench.c and wholenet.c share: see common.h. */
#define _GNU_SOURCE /* mallinfo2; pthread_setaffinity_np, CPU_SET (pin_pool) */

#include "common.h"

#include <float.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SG_X86 1
#include <immintrin.h>
#elif defined(__aarch64__) && defined(__ARM_NEON)
#define SG_NEON 1
#include <arm_neon.h>
#endif

/* ---- small utilities ------------------------------------------------------ */

void die(const char *msg)
{
    fprintf(stderr, "bench: %s\n", msg);
    exit(1);
}

double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

float *falloc(size_t n)
{
    size_t bytes = ((n + PAD_FLOATS) * sizeof(float) + 63) & ~(size_t)63;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0)
        die("out of memory");
    memset(p, 0, bytes);
    return p;
}

uint32_t rng_state;

float rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return (float)(rng_state >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

float *random_buf(size_t n)
{
    float *p = falloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = rnd();
    return p;
}

float *abs_copy(const float *p, size_t n)
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

double median(double *v, int n)
{
    if (n <= 0)
        return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

long long heap_bytes(void)
{
    const struct mallinfo2 mi = mallinfo2();
    return (long long)mi.uordblks + (long long)mi.hblkhd;
}

double load_average(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double l1 = -1.0;
    if (f) {
        if (fscanf(f, "%lf", &l1) != 1)
            l1 = -1.0;
        fclose(f);
    }
    return l1;
}

/* ---- threads ------------------------------------------------------------------ */

static double cpu_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the other threads of this process */
static double others_cpu(void)
{
    return cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
}

double quiesce(void)
{
    const double start = now();
    double t = start, c = others_cpu();
    for (int idle = 0; idle < 2 && t - start < 0.2;) {
        const struct timespec w = { 0, 100000 };
        nanosleep(&w, NULL);
        const double t2 = now(), c2 = others_cpu();
        idle = c2 - c < 0.05 * (t2 - t) ? idle + 1 : 0;
        t = t2, c = c2;
    }
    return t - start;
}

#if SG_BENCH_THREADS > 1
#if defined(__linux__)
#include "sg_pthreads.h"

static cpu_set_t main_mask; /* the main thread's CPUs before pin_pool */
static int pin_cpu0 = -1;    /* the CPU pin_main puts it on; -1: never  */

int pin_pool(const sg_par *par, char *how, size_t n)
{
    cpu_set_t one;
    int cpus[CPU_SETSIZE], ncpu = 0, pinned = 0;
    const sg_pthreads_pool *p = (const sg_pthreads_pool *)par->pool;
    if (!p || par->threads < 2)
        return snprintf(how, n, "not pinned (no worker)"), -1;
    if (sched_getaffinity(0, sizeof main_mask, &main_mask) != 0)
        return snprintf(how, n, "not pinned (sched_getaffinity failed)"), -1;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &main_mask))
            cpus[ncpu++] = c;
    if (ncpu < 2)
        return snprintf(how, n, "not pinned (one CPU allowed)"), -1;
    for (int w = 0; w < p->nworkers; w++) {
        CPU_ZERO(&one);
        CPU_SET(cpus[1 + w % (ncpu - 1)], &one);
        if (pthread_setaffinity_np(p->workers[w], sizeof one, &one) == 0)
            pinned++;
    }
    pin_cpu0 = cpus[0];
    snprintf(how, n, "the generated code's pool worker%s from CPU %d on, the main thread on CPU %d during the "
             "timed rounds; the libraries' workers not pinned", p->nworkers > 1 ? "s" : "", cpus[1], cpus[0]);
    return pinned;
}

void pin_main(int on)
{
    cpu_set_t one;
    if (pin_cpu0 < 0)
        return;
    CPU_ZERO(&one);
    CPU_SET(pin_cpu0, &one);
    pthread_setaffinity_np(pthread_self(), sizeof one, on ? &one : &main_mask);
}
#else
int pin_pool(const sg_par *par, char *how, size_t n)
{
    (void)par;
    return snprintf(how, n, "not pinned (Linux only)"), -1;
}

void pin_main(int on)
{
    (void)on;
}
#endif

typedef struct wake_state {
    int arrived; /* tasks started (atomic) */
    int n;
} wake_state;

static void wake_task(void *ctx, int t)
{
    wake_state *w = (wake_state *)ctx;
    const double start = now();
    (void)t;
    __atomic_fetch_add(&w->arrived, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&w->arrived, __ATOMIC_ACQUIRE) < w->n && now() - start < 0.05) {
    }
}

double pool_wake(const sg_par *par)
{
    const double t0 = now();
    wake_state w = { 0, par->threads };
    if (par->threads > 1)
        par->parallel(par->pool, wake_task, &w, par->threads);
    return now() - t0;
}

bench_par_fn par_run_of(const sg_layer *layers, int n, int i)
{
    if (bench_par_count != n || strcmp(bench_par_layers[i].name, layers[i].name) != 0)
        die("par-NET.c does not list the net's layers in order (bench/run.sh writes it)");
    return bench_par_layers[i].run;
}
#endif

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


void cpu_model(char *buf, size_t n)
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

void measure_machine(machine *m)
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


void print_machine(const machine *m, const char *cflags, const char *target)
{
    char date[64];
    const time_t tnow = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %Z", localtime(&tnow));
    printf("CPU:       %s\n", m->cpu);
    printf("date:      %s\n", date);
#ifdef __VERSION__
    printf("compiler:  %s\n", __VERSION__);
#endif
    printf("cflags:    %s\n", cflags);
    printf("target:    %s (generated code)\n", target);
    printf("peak:      %.1f GFLOP/s single-thread FMA peak (%s), measured\n", m->peak,
           m->peak_isa);
    if (strcmp(m->build_isa, m->peak_isa) != 0)
        printf("           %.1f GFLOP/s with only the ISA this build targets (%s)\n",
               m->build_peak, m->build_isa);
    printf("memory:    %.1f GB/s read bandwidth (sum of a 256 MiB array), measured\n", m->bw);
}

void print_load(void)
{
    const double l1 = load_average();
    if (l1 >= 0.0)
        printf("load:      %.2f (1-minute load average before the run%s)\n", l1,
               l1 > 0.5 ? "; other processes compete for the CPU: expect noise" : "");
}

/* ---- a layer's weights ------------------------------------------------------ */

void sizes_of(const sg_layer *L, size_t n[NW])
{
    const size_t kk = (size_t)L->kh * (size_t)L->kw;
    for (int i = 0; i < NW; i++)
        n[i] = 0;
    switch (L->op) {
    case SG_OP_DWCONV:
    case SG_OP_SEPARABLE:
        n[DW_W] = kk * (size_t)L->in_c * (size_t)L->mult;
        n[DW_B] = (size_t)L->in_c * (size_t)L->mult;
        break;
    case SG_OP_DWDECONV:
        n[DW_W] = kk * (size_t)L->in_c;
        n[DW_B] = (size_t)L->in_c;
        break;
    case SG_OP_BOTTLENECK:
        n[DW_W] = kk * (size_t)L->in_c;
        n[DW_B] = (size_t)L->in_c;
        n[UP_W] = (size_t)L->up_kh * (size_t)L->up_kw * (size_t)L->out_c;
        n[UP_B] = (size_t)L->out_c;
        break;
    case SG_OP_CONV:
        n[CONV_W] = (size_t)L->out_c * kk * (size_t)(L->in_c / L->groups);
        n[CONV_B] = (size_t)L->out_c;
        break;
    case SG_OP_FC:
        n[FC_W] = (size_t)L->out_c * (size_t)L->in_h * (size_t)L->in_w * (size_t)L->in_c;
        n[FC_B] = (size_t)L->out_c;
        break;
    case SG_OP_SE:
        n[SE_W1] = n[SE_W2] = (size_t)L->reduce * (size_t)L->in_c;
        n[SE_B1] = (size_t)L->reduce;
        n[SE_B2] = (size_t)L->in_c;
        break;
    default:
        break;
    }
    if (has_pw(L)) {
        n[PW_W] = (size_t)L->pw_cout * (size_t)L->pw_s;
        n[PW_B] = (size_t)L->pw_cout;
    }
    if (!L->bias)
        n[DW_B] = n[PW_B] = n[UP_B] = n[CONV_B] = n[FC_B] = n[SE_B1] = n[SE_B2] = 0;
}

sg_weights weights_of(float *const a[NW], const size_t n[NW])
{
    sg_weights w;
#define W(i) (n[i] ? a[i] : NULL)
    w.dw_w = W(DW_W); w.dw_b = W(DW_B); w.pw_w = W(PW_W); w.pw_b = W(PW_B);
    w.up_w = W(UP_W); w.up_b = W(UP_B); w.conv_w = W(CONV_W); w.conv_b = W(CONV_B);
    w.fc_w = W(FC_W); w.fc_b = W(FC_B); w.se_w1 = W(SE_W1); w.se_b1 = W(SE_B1);
    w.se_w2 = W(SE_W2); w.se_b2 = W(SE_B2);
#undef W
    return w;
}

/* ---- the error bound ----------------------------------------------------------
 *
 * Every implementation computes each output as a sum of at most K products
 * (K = accumulation_length: taps, projection inputs, biases, residual and
 * the roundings of the activations, across the layer's stages), in some
 * order, in float.  Any order is within gamma_K * M of the exact value,
 * where gamma_K = K*u/(1 - K*u), u = 2^-24, and M is the same layer computed
 * on |weights|, |input|, |skip| with each activation replaced by a bound on
 * what it makes of a magnitude and of the error it carries (the "magnitude
 * run").  The bound holds for any summation order, blocking or FMA
 * contraction, so two implementations differ by at most 2 * gamma_K * M:
 * the tolerance, the same as the generated Check test's
 * (templates/check.c.in).  A wrong tap, padding, layout or activation
 * (errors of the order of M itself) always trips it. */

/* Roundings of an activation, counted like products of the accumulation:
 * a clamp none; hswish and hsigmoid (x + 3, the product(s), the 1/6) 4;
 * sigmoid (exp within 2 units in the last place, the sum, the division,
 * both sides) 8. */
static int act_roundings(sg_act a)
{
    switch (a.kind) {
    case SG_ACT_HSWISH:
    case SG_ACT_HSIGMOID: return 4;
    case SG_ACT_SIGMOID: return 8;
    default: return 0;
    }
}

int accumulation_length(const sg_layer *L)
{
    const int acts = act_roundings(L->dw_act) + act_roundings(L->mid_act) + act_roundings(L->act);
    switch (L->op) {
    case SG_OP_DWCONV:
    case SG_OP_DWDECONV: return L->kh * L->kw + 2 + acts;
    case SG_OP_PWCONV: return L->pw_s + 2 + acts;
    case SG_OP_SEPARABLE: return L->kh * L->kw + L->pw_s + 4 + acts;
    case SG_OP_BOTTLENECK: return L->kh * L->kw + L->pw_s + L->up_kh * L->up_kw + 6 + acts;
    case SG_OP_CONV: return L->kh * L->kw * (L->in_c / L->groups) + 2 + acts;
    case SG_OP_POOL: return L->kh * L->kw + 3 + acts;            /* the sum, the division */
    case SG_OP_FC: return L->in_h * L->in_w * L->in_c + 2 + acts;
    case SG_OP_SE:                                              /* mean, squeeze, excite, gate, product */
        return L->in_h * L->in_w + L->in_c + L->reduce + 6 + act_roundings(L->se_act) +
               act_roundings(L->gate) + acts;
    case SG_OP_SOFTMAX: return L->in_c + 10 + acts;             /* e^x both sides, the sum, the division */
    }
    return 0;
}

/* What an activation makes of the bound m >= 0 on its input's magnitude and
 * error.  A clamp is 1-Lipschitz but may lift a value to its bound:
 * max(m, bound).  hswish: |f(x)| <= |x|, slope <= 3/2: 1.5 m.  hsigmoid:
 * |f(x)| <= 1/2 + |x|/6, slope <= 1/6: 1/2 + m/6.  sigmoid: |f(x)| <=
 * 1/2 + |x|/4, slope <= 1/4: 1/2 + m/4. */
static sg_act magnitude_act(sg_act a)
{
    sg_act r = { 0, 0.0f, 0.0f, SG_ACT_CLAMP, 0.0f, 0.0f };
    float c = 0.0f;
    switch (a.kind) {
    case SG_ACT_HSWISH: r.kind = SG_ACT_AFFINE; r.scale = 1.5f; return r;
    case SG_ACT_HSIGMOID: r.kind = SG_ACT_AFFINE; r.scale = 1.0f / 6.0f; r.offset = 0.5f; return r;
    case SG_ACT_SIGMOID: r.kind = SG_ACT_AFFINE; r.scale = 0.25f; r.offset = 0.5f; return r;
    default: break;
    }
    if ((a.flags & SG_ACT_LO) && a.lo > 0.0f) c = a.lo;
    if ((a.flags & SG_ACT_HI) && a.hi < 0.0f && -a.hi > c) c = -a.hi;
    if (c > 0.0f) { r.flags = SG_ACT_LO; r.lo = c; }
    return r;
}

static float act_magnitude(sg_act m, float x)
{
    if (m.kind == SG_ACT_AFFINE) return m.scale * x + m.offset;
    if ((m.flags & SG_ACT_LO) && x < m.lo) return m.lo;
    return x;
}

void magnitude(const sg_layer *L, const sg_weights *aw, const float *m_in, const float *m_skip,
               float *mag, float *scratch)
{
    const size_t nout = (size_t)L->out_h * (size_t)L->out_w * (size_t)L->out_c;
    sg_layer M = *L;
    M.act = magnitude_act(L->act);
    if (M.act.kind == SG_ACT_CLAMP)
        M.act.flags = 0; /* a final clamp cannot lift an error */
    M.dw_act = magnitude_act(L->dw_act);
    M.mid_act = magnitude_act(L->mid_act);
    M.se_act = magnitude_act(L->se_act);
    M.gate = magnitude_act(L->gate);
    sg_generic_run(&M, aw, m_in, L->residual == SG_RESIDUAL_NAMED ? m_skip : NULL, mag, scratch);
    if (L->op == SG_OP_SOFTMAX) {
        /* outputs in [0, 1], moved by at most half the largest error of their
         * pixel's inputs */
        const float *res = L->residual == SG_RESIDUAL_SELF ? m_in
                           : L->residual == SG_RESIDUAL_NAMED ? m_skip : NULL;
        const size_t C = (size_t)L->in_c;
        for (size_t p = 0; p < nout / C; p++) {
            float big = 0.0f;
            for (size_t c = 0; c < C; c++)
                big = m_in[p * C + c] > big ? m_in[p * C + c] : big;
            for (size_t c = 0; c < C; c++)
                mag[p * C + c] = act_magnitude(M.act, 1.0f + 0.5f * big +
                                                          (res ? res[p * C + c] : 0.0f));
        }
    }
}

double check_output(const float *out, const float *ref, const float *mag, size_t n, int K)
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

/* ---- descriptions ------------------------------------------------------------ */

const char *op_name(sg_op op)
{
    switch (op) {
    case SG_OP_DWCONV: return "dwconv";
    case SG_OP_PWCONV: return "pwconv";
    case SG_OP_SEPARABLE: return "separable";
    case SG_OP_DWDECONV: return "dwdeconv";
    case SG_OP_BOTTLENECK: return "bottleneck";
    case SG_OP_CONV: return "conv";
    case SG_OP_POOL: return "pool";
    case SG_OP_FC: return "fc";
    case SG_OP_SE: return "se";
    case SG_OP_SOFTMAX: return "softmax";
    }
    return "?";
}

int has_pw(const sg_layer *L)
{
    return L->op == SG_OP_PWCONV || L->op == SG_OP_SEPARABLE || L->op == SG_OP_BOTTLENECK;
}

int general_topology(const sg_layer *L)
{
    return has_pw(L) && L->topo_dims > 0 && L->groups <= 1;
}

int is_global_pool(const sg_layer *L)
{
    return L->op == SG_OP_POOL && L->out_h == 1 && L->out_w == 1 && L->kh == L->in_h &&
           L->kw == L->in_w && L->pt == 0 && L->pl == 0 && L->pb == 0 && L->pr == 0;
}

static const char *act_tag(sg_act a)
{
    switch (a.kind) {
    case SG_ACT_HSWISH: return " hswish";
    case SG_ACT_HSIGMOID: return " hsigmoid";
    case SG_ACT_SIGMOID: return " sigmoid";
    default: return "";
    }
}

void op_desc(const sg_layer *L, char *buf, size_t n)
{
    char k[48] = "", m[16] = "", g[24] = "";
    const int kernel = L->op != SG_OP_PWCONV && L->op != SG_OP_FC && L->op != SG_OP_SE &&
                       L->op != SG_OP_SOFTMAX && !is_global_pool(L);
    if (L->op == SG_OP_POOL)
        snprintf(k, sizeof k, " %s", L->pool == SG_POOL_MAX ? "max" : "avg");
    if (kernel) {
        const size_t len = strlen(k);
        if (L->sh == 1 && L->sw == 1)
            snprintf(k + len, sizeof k - len, " %dx%d", L->kh, L->kw);
        else if (L->sh == L->sw)
            snprintf(k + len, sizeof k - len, " %dx%d/%d", L->kh, L->kw, L->sh);
        else
            snprintf(k + len, sizeof k - len, " %dx%d/%dx%d", L->kh, L->kw, L->sh, L->sw);
    } else if (L->op == SG_OP_POOL)
        snprintf(k + strlen(k), sizeof k - strlen(k), " global");
    if (L->op == SG_OP_SE)
        snprintf(k, sizeof k, " r%d", L->reduce);
    if (L->mult > 1)
        snprintf(m, sizeof m, " m%d", L->mult);
    if (general_topology(L))
        snprintf(g, sizeof g, " topo");
    else if ((has_pw(L) || L->op == SG_OP_CONV) && L->groups > 1)
        snprintf(g, sizeof g, " g%d", L->groups);
    snprintf(buf, n, "%s%s%s%s%s", op_name(L->op), k, m, g,
             act_tag(L->act.kind != SG_ACT_CLAMP ? L->act
                     : L->dw_act.kind != SG_ACT_CLAMP ? L->dw_act : L->act));
}
