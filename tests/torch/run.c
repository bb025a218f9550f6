/* run.c - runs one imported net on PyTorch's input and compares its output
 * with PyTorch's (tests/scripts/torch.sh, make test-import).
 *
 * Compile with the generated files of net N (baked weights, N_weights.c):
 *   cc -std=c99 -DSG_NET=N -DSG_NET_UPPER=<N upper-cased> -I GENDIR \
 *      tests/torch/run.c GENDIR/N.c GENDIR/N_weights.c -lm
 * Run: run IN.f32 REF.f64 TOL
 *   IN.f32   the NCHW float32 image models.py gave the model,
 *   REF.f64  the model's output computed by PyTorch in float64,
 *   TOL      the tolerance models.py derived for this net (tests/torch/models.py:
 *            every layer's rounding bound gamma_{K+3} * M, propagated through
 *            the rest of the net in float64, times 4).
 * The image is transposed to NHWC, N_forward runs it with the baked weights,
 * and every output must be within TOL of REF (a NaN fails).  Prints one line:
 * the largest error, TOL and their ratio.  Exit 0 within, 1 outside, 2 on bad
 * arguments or files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define SG_STR2(x) #x
#define SG_STR(x) SG_STR2(x)
#define SG_CAT2(a, b) a##b
#define SG_CAT(a, b) SG_CAT2(a, b)
#include SG_STR(SG_NET.h)

#define NETM(x) SG_CAT(SG_NET_UPPER, x)
#define NETF(x) SG_CAT(SG_NET, x)

#define IN_N (NETM(_IN_H) * NETM(_IN_W) * NETM(_IN_C))
#define OUT_N (NETM(_OUT_H) * NETM(_OUT_W) * NETM(_OUT_C))

static float in_nchw[IN_N], in[IN_N], out[OUT_N];
static double ref[OUT_N];
static float arena[NETM(_ARENA_FLOATS)];

/* read exactly n elements of size sz from path into buf (and nothing more) */
static int read_exact(const char *path, void *buf, size_t sz, size_t n) {
    FILE *f = fopen(path, "rb");
    size_t got;
    int extra;
    if (!f) {
        fprintf(stderr, "run: cannot open %s\n", path);
        return 0;
    }
    got = fread(buf, sz, n, f);
    extra = fgetc(f);
    fclose(f);
    if (got != n || extra != EOF) {
        fprintf(stderr, "run: %s: expected exactly %lu values of %lu bytes\n", path, (unsigned long)n,
                (unsigned long)sz);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    const int H = NETM(_IN_H), W = NETM(_IN_W), C = NETM(_IN_C);
    double tol, maxerr = 0, maxref = 0;
    size_t i, worst = 0;
    int y, x, c, bad = 0;
    char *end;
    if (argc != 4) {
        fprintf(stderr, "usage: %s IN.f32 REF.f64 TOL\n", argv[0]);
        return 2;
    }
    tol = strtod(argv[3], &end);
    if (*end != '\0' || !(tol > 0)) {
        fprintf(stderr, "run: bad tolerance '%s'\n", argv[3]);
        return 2;
    }
    if (!read_exact(argv[1], in_nchw, sizeof in_nchw[0], IN_N) || !read_exact(argv[2], ref, sizeof ref[0], OUT_N))
        return 2;
    for (c = 0; c < C; c++)
        for (y = 0; y < H; y++)
            for (x = 0; x < W; x++)
                in[((size_t)y * W + x) * C + c] = in_nchw[((size_t)c * H + y) * W + x];
    NETF(_forward)(in, out, NETF(_packed_weights), arena);
    for (i = 0; i < OUT_N; i++) {
        double d = fabs((double)out[i] - ref[i]);
        if (!(d <= tol)) bad = 1;
        if (!(d <= maxerr)) {
            maxerr = d; /* a NaN sticks */
            worst = i;
        }
        if (fabs(ref[i]) > maxref) maxref = fabs(ref[i]);
    }
    printf("max |error| %.3g (output %lu: %.9g, torch float64 %.9g), tolerance %.3g (error/tolerance %.2g), "
           "max |output| %.3g\n",
           maxerr, (unsigned long)worst, (double)out[worst], ref[worst], tol, maxerr / tol, maxref);
    return bad;
}
