/* tilepeak.c - is the AVX-512 projection tile's inner loop at the FMA peak?
 *
 * Times, side by side in one process, three loops of 28 FMAs per step into
 * 28 zmm accumulators (GNU inline assembly, so the compiler cannot change
 * them):
 *   regs    the FMAs only, every operand in a register: the FMA peak of
 *           this loop shape (the ceiling);
 *   tile    the loop the generator emits for a 14x32 projection tile
 *           (templates/simd/pw.c.in, AVX-512): per input channel two weight
 *           vectors loaded, 14 inputs broadcast from rows 2 KiB apart (a
 *           512-channel layer), 2 FMAs per broadcast;
 *   embed   the same tile with each FMA taking its input as an embedded
 *           broadcast memory operand ({1to16}, 28 loads instead of 14).
 * Inputs and weights (14 x 512 and 512 x 32 floats) stay in L1/L2, as in the
 * warm timing of bench/ab.sh.  Prints GFLOP/s per loop (median of 9
 * rounds, each loop once per round) and tile / regs.
 *
 * Build: cc -O2 -o tilepeak bench/tilepeak.c   (runs on x86-64 with AVX-512F)
 * Run:   taskset -c 1 ./tilepeak */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if !defined(__x86_64__)
int main(void)
{
    fprintf(stderr, "tilepeak: x86-64 only\n");
    return 1;
}
#else

#define K 512    /* input channels */
#define ROWS 14  /* pixels of the tile */
#define ROUNDS 9
#define REPS 4000

static float in[ROWS * K + 16] __attribute__((aligned(64)));
static float w[K * 32 + 16] __attribute__((aligned(64)));

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* one FMA pair of pixel row R: broadcast (tile) or register (regs) input */
#define ROWB(R, OFF) "vbroadcastss " #OFF "(%0), %%zmm30\n\t" \
    "vfmadd231ps %%zmm30, %%zmm28, %%zmm" #R "\n\t" \
    "vfmadd231ps %%zmm30, %%zmm29, %%zmm1" #R "\n\t"
#define ROWE(R, OFF) "vfmadd231ps " #OFF "(%0)%{1to16%}, %%zmm28, %%zmm" #R "\n\t" \
    "vfmadd231ps " #OFF "(%0)%{1to16%}, %%zmm29, %%zmm1" #R "\n\t"
#define ROWR(R, OFF) "vfmadd231ps %%zmm30, %%zmm28, %%zmm" #R "\n\t" \
    "vfmadd231ps %%zmm30, %%zmm29, %%zmm1" #R "\n\t"
/* accumulators zmm0-9 / zmm10-19 for rows 0-9 and zmm20-27 for rows 10-13:
 * row r < 10 uses zmm r and zmm 1r; rows 10-13 use zmm 20-27 (ROW2) */
#define ROW2B(A, B, OFF) "vbroadcastss " #OFF "(%0), %%zmm30\n\t" \
    "vfmadd231ps %%zmm30, %%zmm28, %%zmm" #A "\n\t" \
    "vfmadd231ps %%zmm30, %%zmm29, %%zmm" #B "\n\t"
#define ROW2E(A, B, OFF) "vfmadd231ps " #OFF "(%0)%{1to16%}, %%zmm28, %%zmm" #A "\n\t" \
    "vfmadd231ps " #OFF "(%0)%{1to16%}, %%zmm29, %%zmm" #B "\n\t"
#define ROW2R(A, B, OFF) "vfmadd231ps %%zmm30, %%zmm28, %%zmm" #A "\n\t" \
    "vfmadd231ps %%zmm30, %%zmm29, %%zmm" #B "\n\t"
#define STEP(ROW, ROW2) \
    ROW(0, 0) ROW(1, 2048) ROW(2, 4096) ROW(3, 6144) ROW(4, 8192) ROW(5, 10240) \
    ROW(6, 12288) ROW(7, 14336) ROW(8, 16384) ROW(9, 18432) ROW2(20, 21, 20480) \
    ROW2(22, 23, 22528) ROW2(24, 25, 24576) ROW2(26, 27, 26624)
#define LOADW "vmovups (%1), %%zmm28\n\tvmovups 64(%1), %%zmm29\n\t"
#define CLOBBER "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", \
    "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", \
    "xmm28", "xmm29", "xmm30"

__attribute__((target("avx512f"))) static void loop_regs(void)
{
    for (int r = 0; r < REPS; r++)
        for (int s = 0; s < K; s++)
            __asm__ volatile(STEP(ROWR, ROW2R) :: "r"(in + s), "r"(w + 32 * s) : CLOBBER);
}

__attribute__((target("avx512f"))) static void loop_tile(void)
{
    for (int r = 0; r < REPS; r++)
        for (int s = 0; s < K; s++)
            __asm__ volatile(LOADW STEP(ROWB, ROW2B) :: "r"(in + s), "r"(w + 32 * s) : CLOBBER);
}

__attribute__((target("avx512f"))) static void loop_embed(void)
{
    for (int r = 0; r < REPS; r++)
        for (int s = 0; s < K; s++)
            __asm__ volatile(LOADW STEP(ROWE, ROW2E) :: "r"(in + s), "r"(w + 32 * s) : CLOBBER);
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    static void (*const fn[3])(void) = { loop_regs, loop_tile, loop_embed };
    static const char *const name[3] = { "regs", "tile", "embed" };
    double t[3][ROUNDS], g[3];
    /* small values: no overflow, no denormals over REPS * K steps */
    for (int i = 0; i < ROWS * K + 16; i++)
        in[i] = 1e-6f;
    for (int i = 0; i < K * 32 + 16; i++)
        w[i] = 1e-6f;
    loop_tile(); /* warm-up: caches, clock */
    for (int r = 0; r < ROUNDS; r++)
        for (int k = 0; k < 3; k++) {
            const double t0 = now();
            fn[k]();
            t[k][r] = now() - t0;
        }
    const double flop = 2.0 * 16 * 28 * (double)K * REPS;
    for (int k = 0; k < 3; k++) {
        qsort(t[k], ROUNDS, sizeof t[k][0], cmp);
        g[k] = flop / t[k][ROUNDS / 2] * 1e-9;
        printf("%-6s %7.1f GFLOP/s\n", name[k], g[k]);
    }
    printf("tile / regs %.3f, embed / regs %.3f\n", g[1] / g[0], g[2] / g[0]);
    return 0;
}
#endif
