/* loop.c - a minimal timing loop over one generated net's layers, for A/B
 * comparisons of generator changes (bench/ab.sh).  Not the benchmark:
 * `make bench` (bench.c) verifies outputs and times the libraries beside
 * the generated code; this only times L->run of every layer.
 *
 * Build: cc -O3 <target cflags> -I OUT -DSG_NET_HEADER='"net.h"'
 *        -DSG_NET_LAYERS=net_layers -DSG_NET_COUNT=NET_LAYER_COUNT loop.c OUT/net.c
 * Run:   loop [OFFSET [COLD]]  prints "layer median_us" per layer, then
 *        "total us".
 *
 * Each layer: weights packed once, then 31 samples; a sample is as many
 * back-to-back runs as fill 2 ms (so caches are warm: this measures the
 * kernels, not cold misses), its time per run; the median is printed.
 * COLD = 1: instead, 101 samples of one run each, every one after an
 * untimed sweep that writes and reads a 16 MiB buffer: the layer's tensors
 * and weights are out of L1/L2 (and partly out of L3) when it starts, about
 * as in `make bench`, where the libraries run between two samples.  COLD =
 * N > 1: the same with an N MiB sweep (64: out of L3 too, as weights are
 * when a net runs once).
 * OFFSET (floats, default 0) shifts the output buffer against the input: with
 * 0, both start at the same offset within a 4 KiB page, as separate large
 * allocations do (and as tensors sized in multiples of 4 KiB in an arena do),
 * which exposes loads that falsely alias earlier stores (4K aliasing). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include SG_NET_HEADER

#define SAMPLES 31
#define COLD_SAMPLES 101

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* n floats (plus slack), 64-byte aligned, filled with values in [-0.5, 0.5) */
static float *buffer(size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, (n + 64) * sizeof(float)) != 0) {
        fprintf(stderr, "loop: out of memory\n");
        exit(1);
    }
    float *f = p;
    unsigned s = 12345u;
    for (size_t i = 0; i < n + 64; i++) {
        s = s * 1103515245u + 12345u;
        f[i] = (float)((s >> 8) & 0xffff) / 65536.0f - 0.5f;
    }
    return f;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const size_t offset = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 0;
    const int coldarg = argc > 2 ? atoi(argv[2]) : 0;
    const int cold = coldarg > 0;
    /* COLD = 1: 16 MiB; COLD = N > 1: N MiB */
    const size_t sweep_floats = cold ? (size_t)(coldarg == 1 ? 16 : coldarg) << 18 : 0;
    float *sweep = cold ? buffer(sweep_floats) : NULL;
    volatile float sink = 0.0f;
    double total = 0.0;
    for (int i = 0; i < SG_NET_COUNT; i++) {
        const sg_layer *L = &SG_NET_LAYERS[i];
        const size_t nin = (size_t)L->in_h * L->in_w * L->in_c;
        const size_t nout = (size_t)L->out_h * L->out_w * L->out_c;
        float *in = buffer(nin), *skip = buffer(nout);
        float *out = buffer(nout + offset) + offset;
        float *packed = buffer(L->packed_floats), *scratch = buffer(L->scratch_floats);
        /* weights: one buffer large enough for every tensor of the layer */
        const size_t wn = (size_t)L->params + 64;
        float *w = buffer(wn);
        const sg_weights W = { .dw_w = w, .dw_b = w, .pw_w = w, .pw_b = w, .up_w = w, .up_b = w,
                               .conv_w = w, .conv_b = w, .fc_w = w, .fc_b = w, .se_w1 = w,
                               .se_b1 = w, .se_w2 = w, .se_b2 = w };
        L->pack(&W, packed);
        double t[COLD_SAMPLES];
        const int ns = cold ? COLD_SAMPLES : SAMPLES;
        for (int r = 0; r < ns; r++) {
            if (cold) {
                float acc = 0.0f;
                for (size_t k = 0; k < sweep_floats; k += 16) {
                    sweep[k] += 1.0f;
                    acc += sweep[k];
                }
                sink = acc;
                const double t0 = now();
                L->run(in, skip, out, packed, scratch);
                t[r] = now() - t0;
                continue;
            }
            const double t0 = now();
            long reps = 0;
            double t1;
            do {
                L->run(in, skip, out, packed, scratch);
                reps++;
                t1 = now();
            } while (t1 - t0 < 2e-3);
            t[r] = (t1 - t0) / (double)reps;
        }
        qsort(t, (size_t)ns, sizeof t[0], cmp);
        printf("%s %.2f\n", L->name, t[ns / 2] * 1e6);
        total += t[ns / 2];
        free(in);
        free(skip);
        free(out - offset);
        free(packed);
        free(scratch);
        free(w);
    }
    printf("total %.2f\n", total * 1e6);
    (void)sink;
    free(sweep);
    return 0;
}
