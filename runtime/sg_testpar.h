/* sg_testpar.h - fake sg_par pools for tests (README "Threads", SPEC 11).
 *
 * A net run with N_forward_par must give the same bits for every thread
 * count and whatever order its tasks run in.  A real pool tries only the
 * orders its scheduler happens to produce; these fakes force the unusual
 * ones, deterministically, on the calling thread: every task still runs
 * exactly once, one after the other, but not in the order 0, 1, 2, ...
 * while par.threads claims as many workers as the test wants the net to
 * plan for.  A task that reads what a later task of the same call writes,
 * that relies on running in index order, or whose result depends on
 * par.threads, shows up as a difference from the 1-thread output.
 *
 *     #include "sg_testpar.h"
 *
 *     sg_par rev = sg_testpar_reverse(4);            // ntasks-1, ..., 1, 0
 *     sg_testpar_shuffle st;
 *     sg_par shuf = sg_testpar_shuffled(&st, 4, 1);  // seeded permutations
 *     mbv1_forward_par(in, out, packed, arena, &rev);
 *     mbv1_forward_par(in, out2, packed, arena, &shuf);
 *
 * The shuffled fake runs each call's tasks in a pseudo-random permutation
 * of 0..ntasks-1, a different one for every call (the seed mixed with a
 * call counter kept in *st), the same on every platform for the same seed
 * and calls: a failure is reproducible from the seed.  No allocation, no
 * libc: the permutation is a keyed bijection of [0, 2^k) (2^k >= ntasks, at most
 * twice ntasks) from add / odd-multiply / xorshift rounds, walked in order
 * and restricted to [0, ntasks).
 *
 * Header-only, static functions, C99, no dependency but sg.h.  Not thread-
 * safe: one shuffle state per thread.
 */
#ifndef SG_TESTPAR_H
#define SG_TESTPAR_H

#include "sg.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sg_testpar_shuffle {
    unsigned long seed;  /* as given to sg_testpar_shuffled               */
    unsigned long calls; /* calls made so far; each gets its own order    */
} sg_testpar_shuffle;

/* A 32-bit mixing function (Wellons' lowbias32), on any unsigned long. */
static inline unsigned long sg__tp_mix(unsigned long x)
{
    x &= 0xffffffffUL;
    x ^= x >> 16;
    x = (x * 0x7feb352dUL) & 0xffffffffUL;
    x ^= x >> 15;
    x = (x * 0x846ca68bUL) & 0xffffffffUL;
    x ^= x >> 16;
    return x;
}

/* The smallest power of two m >= ntasks. */
static inline unsigned long sg__tp_span(int ntasks)
{
    unsigned long m = 1;
    while (m < (unsigned long)ntasks)
        m <<= 1;
    return m;
}

/* A bijection of [0, m) (m a power of two) chosen by key: the task the
 * shuffled fake considers at position i of a call, skipped if >= ntasks. */
static inline unsigned long sg__tp_order(unsigned long key, unsigned long m,
                                         unsigned long i)
{
    unsigned long mask = m - 1, x = i;
    int bits = 0, r;
    while ((1UL << bits) < m)
        bits++;
    if (bits == 0)
        return 0;
    for (r = 0; r < 4; r++) {
        unsigned long k = sg__tp_mix(key + 0x9e3779b9UL * (unsigned long)(r + 1));
        x = (x + k) & mask;                        /* a rotation            */
        x = (x * ((k >> 8) | 1UL)) & mask;         /* odd multiplier: 1-to-1 */
        x ^= x >> ((bits + 1) / 2);                /* shift >= 1: 1-to-1     */
    }
    return x;
}

/* ---- the fakes --------------------------------------------------------- */

static inline void sg_testpar_reverse_run(void *pool, sg_task_fn fn, void *ctx,
                                          int ntasks)
{
    int t;
    (void)pool;
    for (t = ntasks - 1; t >= 0; t--)
        fn(ctx, t);
}

static inline void sg_testpar_shuffled_run(void *pool, sg_task_fn fn, void *ctx,
                                           int ntasks)
{
    sg_testpar_shuffle *st = (sg_testpar_shuffle *)pool;
    unsigned long key, m, i;
    if (ntasks <= 0)
        return;
    key = sg__tp_mix(sg__tp_mix(st->seed) + st->calls);
    st->calls++;
    m = sg__tp_span(ntasks);
    for (i = 0; i < m; i++) {
        unsigned long t = sg__tp_order(key, m, i);
        if (t < (unsigned long)ntasks)
            fn(ctx, (int)t);
    }
}

/* par.threads = threads (at least 1): what the net plans for. */
static inline sg_par sg_testpar_reverse(int threads)
{
    sg_par par;
    par.parallel = sg_testpar_reverse_run;
    par.pool = NULL;
    par.threads = threads < 1 ? 1 : threads;
    return par;
}

static inline sg_par sg_testpar_shuffled(sg_testpar_shuffle *st, int threads,
                                         unsigned long seed)
{
    sg_par par;
    st->seed = seed;
    st->calls = 0;
    par.parallel = sg_testpar_shuffled_run;
    par.pool = st;
    par.threads = threads < 1 ? 1 : threads;
    return par;
}

#ifdef __cplusplus
}
#endif

#endif /* SG_TESTPAR_H */
