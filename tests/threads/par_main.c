/* par_main.c - a generated net's N_forward_par on real threads
 * (runtime/sg_pthreads.h) against its N_forward, bit for bit: 1 to 4
 * threads, five runs each, random input and random packed weights (the
 * kernels read packed floats as they are; the values only need to be
 * finite).  Built by tests/scripts/threads.sh, also under ThreadSanitizer,
 * with -DSG_NET=<net> -DSG_NET_U=<NET> -include <net>.h.
 *
 * Exit 0 when every run matches, 1 otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_pthreads.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(x) CAT(SG_NET, x)
#define SZ(x) CAT(SG_NET_U, x)

static uint32_t state = 0x2545f491u;

static float rnd(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return (float)(state >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

static float *buf(size_t n, int random)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) {
        fprintf(stderr, "par_main: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; ++i) p[i] = random ? rnd() : 0.0f;
    return p;
}

int main(void)
{
    const size_t nin = (size_t)SZ(_IN_H) * SZ(_IN_W) * SZ(_IN_C);
    const size_t nout = (size_t)SZ(_OUT_H) * SZ(_OUT_W) * SZ(_OUT_C);
    float *in = buf(nin, 1), *packed = buf(SZ(_PACKED_FLOATS), 1), *arena = buf(SZ(_ARENA_FLOATS), 0);
    float *ref = buf(nout, 0), *out = buf(nout, 0);
    int bad = 0;
    FN(_forward)(in, ref, packed, arena);
    for (int threads = 1; threads <= 4; ++threads) {
        sg_par par = sg_pthreads_create(threads);
        for (int run = 0; run < 5; ++run) {
            memset(out, 0xff, nout * sizeof *out);
            FN(_forward_par)(in, out, packed, arena, &par);
            if (memcmp(out, ref, nout * sizeof *out) != 0) {
                fprintf(stderr, "par_main: %d threads (pool of %d), run %d: the output differs from N_forward's\n",
                        threads, par.threads, run);
                bad = 1;
            }
        }
        sg_pthreads_destroy(&par);
    }
    free(in);
    free(packed);
    free(arena);
    free(ref);
    free(out);
    return bad;
}
