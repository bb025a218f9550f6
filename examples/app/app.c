/* app.c - classify one image with a sepgen net whose weights are baked in.
 *
 * Build (make demo does this): generate the net with its weights,
 *   make gen SHAPES=examples/mobilenet_v3_small.lua WEIGHTS=net.safetensors OUT=out
 * then compile this file with the generated .c files and the net's name:
 *   cc -std=c99 -O2 <cflags of out/mbv3s.c> -DNET_HEADER='"mbv3s.h"' \
 *      -D'NET(x)=mbv3s_##x' -D'NETM(x)=MBV3S_##x' -I out \
 *      examples/app/app.c out/mbv3s.c out/mbv3s_weights.c -lm -o app
 *   ./app image.ppm
 *
 * Reads a binary PPM (P6, maxval 255), resizes it to the net's input
 * (bilinear), normalizes it with the ImageNet mean and deviation (the
 * torchvision convention, RGB, NHWC), runs NET(forward) on the baked weights
 * with a static arena (every buffer sized at build time), and prints the five
 * most probable classes and the median time of 20 inferences.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef NET_HEADER
#define NET_HEADER "mbv3s.h"
#define NET(x) mbv3s_##x
#define NETM(x) MBV3S_##x
#endif
#include NET_HEADER

#if !NETM(HAS_WEIGHTS)
#error "generate the net with its weights: make gen WEIGHTS=net.safetensors"
#endif

enum { IN_H = NETM(IN_H), IN_W = NETM(IN_W), IN_C = NETM(IN_C), CLASSES = NETM(OUT_H) * NETM(OUT_W) * NETM(OUT_C) };

static float arena[NETM(ARENA_FLOATS)];
static float input[IN_H * IN_W * IN_C];
static float probs[CLASSES];

/* The image's pixels (RGB bytes), width and height; NULL on error. */
static unsigned char *read_ppm(const char *path, int *w, int *h)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    int maxval = 0;
    unsigned char *px = NULL;
    if (fscanf(f, "P6 %d %d %d", w, h, &maxval) == 3 && maxval == 255 && *w > 0 && *h > 0 &&
        *w <= 16384 && *h <= 16384 && fgetc(f) != EOF) {
        const size_t n = (size_t)*w * (size_t)*h * 3;
        px = malloc(n);
        if (px && fread(px, 1, n, f) != n) {
            free(px);
            px = NULL;
        }
    }
    fclose(f);
    return px;
}

/* Bilinear resize of the w x h RGB image to the net's input, normalized. */
static void to_input(const unsigned char *px, int w, int h)
{
    static const float mean[3] = { 0.485f, 0.456f, 0.406f }, dev[3] = { 0.229f, 0.224f, 0.225f };
    for (int y = 0; y < IN_H; ++y) {
        const float sy = ((float)y + 0.5f) * (float)h / (float)IN_H - 0.5f;
        const int y0 = sy < 0 ? 0 : (int)sy, y1 = y0 + 1 < h ? y0 + 1 : h - 1;
        const float fy = sy < 0 ? 0.0f : sy - (float)y0;
        for (int x = 0; x < IN_W; ++x) {
            const float sx = ((float)x + 0.5f) * (float)w / (float)IN_W - 0.5f;
            const int x0 = sx < 0 ? 0 : (int)sx, x1 = x0 + 1 < w ? x0 + 1 : w - 1;
            const float fx = sx < 0 ? 0.0f : sx - (float)x0;
            for (int c = 0; c < IN_C; ++c) {
                const int k = c < 3 ? c : 2;
                const float a = px[((size_t)y0 * w + x0) * 3 + k], b = px[((size_t)y0 * w + x1) * 3 + k];
                const float d = px[((size_t)y1 * w + x0) * 3 + k], e = px[((size_t)y1 * w + x1) * 3 + k];
                const float v = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * d + fx * e);
                input[((size_t)y * IN_W + x) * IN_C + c] = (v / 255.0f - mean[k]) / dev[k];
            }
        }
    }
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s IMAGE.ppm\n", argv[0]);
        return 2;
    }
    int w = 0, h = 0;
    unsigned char *px = read_ppm(argv[1], &w, &h);
    if (!px) {
        fprintf(stderr, "%s: cannot read a binary PPM (P6, maxval 255)\n", argv[1]);
        return 1;
    }
    to_input(px, w, h);
    free(px);

    enum { RUNS = 20 };
    double ms[RUNS];
    NET(forward)(input, probs, NET(packed_weights), arena);   /* warm-up */
    for (int r = 0; r < RUNS; ++r) {
        const double t0 = now_ms();
        NET(forward)(input, probs, NET(packed_weights), arena);
        ms[r] = now_ms() - t0;
    }
    qsort(ms, RUNS, sizeof *ms, by_value);

    printf("%s: %dx%d image -> %dx%dx%d input; arena %.2f MiB, weights %.2f MiB (const)\n", argv[1], w, h,
           IN_H, IN_W, IN_C, (double)sizeof arena / 1048576.0, (double)NETM(PACKED_FLOATS) * 4.0 / 1048576.0);
    int top[5] = { -1, -1, -1, -1, -1 };
    for (int k = 0; k < 5 && k < CLASSES; ++k) {
        for (int i = 0; i < CLASSES; ++i) {
            int used = 0;
            for (int j = 0; j < k; ++j) used |= top[j] == i;
            if (!used && (top[k] < 0 || probs[i] > probs[top[k]])) top[k] = i;
        }
        printf("  class %4d  p = %.4f\n", top[k], (double)probs[top[k]]);
    }
    printf("time per inference: %.3f ms (median of %d runs; min %.3f ms)\n", ms[RUNS / 2], RUNS, ms[0]);
    return 0;
}
