/* test_exp.c: the generated vector e^x (templates/simd/exp.c.in, Exp_v)
 * against sg_expf (runtime/sg.h), bit for bit, lane by lane.  Built by
 * tests/scripts/runtime.sh once per vector target this machine can run,
 * with -std=c99 (no contraction of a product and a sum into one FMA, in
 * either version) and -DEXP_H="the rendered template" -DISA_H=<header>.
 * The inputs: every float from -100 to 100 in steps of 1/64 shifted by a
 * few ulps, the edges of sg_expf (-87.3, 88, 0, the infinities) and their
 * neighbours, and 200000 random floats of every exponent.  Exit 0 when
 * all agree; else prints the first few that differ. */
#include <stdio.h>
#include <string.h>
#include ISA_H
#include "sg.h"
#include EXP_H

#if defined(__AVX512F__)
typedef __m512 vec;
#define VW 16
#define VLOAD _mm512_loadu_ps
#define VSTORE _mm512_storeu_ps
#elif defined(__AVX2__)
typedef __m256 vec;
#define VW 8
#define VLOAD _mm256_loadu_ps
#define VSTORE _mm256_storeu_ps
#else
typedef float32x4_t vec;
#define VW 4
#define VLOAD vld1q_f32
#define VSTORE vst1q_f32
#endif

static unsigned long long state = 88172645463325252ULL;
static unsigned next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state >> 32);
}

static float from_bits(unsigned u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static unsigned bits(float f)
{
    unsigned u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static long checked, bad;
static float batch[VW];
static int nb;

static void flush(void)
{
    float got[VW];
    int i;
    VSTORE(got, Exp_v(VLOAD(batch)));
    for (i = 0; i < nb; ++i) {
        float want = sg_expf(batch[i]);
        ++checked;
        if (bits(got[i]) != bits(want) && ++bad <= 10)
            printf("exp: x = %.9g (0x%08x): Exp_v %.9g (0x%08x), sg_expf %.9g (0x%08x)\n", batch[i],
                   bits(batch[i]), got[i], bits(got[i]), want, bits(want));
    }
    nb = 0;
}

static void check(float x)
{
    if (x != x) return; /* NaN: sg_expf's (int) conversion is undefined for it */
    batch[nb++] = x;
    if (nb == VW) flush();
}

int main(void)
{
    static const float edges[] = { -87.3f, 88.0f, 0.0f, -0.0f, -88.0f, -87.0f, 87.0f, 1e-30f, -1e-30f,
                                   0.5f, -0.5f, 0.34657359f, -0.34657359f, 100.0f, -100.0f, 1e30f, -1e30f };
    unsigned e, k;
    int d;
    for (k = 0; k < sizeof edges / sizeof edges[0]; ++k)
        for (d = -4; d <= 4; ++d) check(from_bits(bits(edges[k]) + (unsigned)d));
    check(from_bits(0x7f800000u)); /* +inf */
    check(from_bits(0xff800000u)); /* -inf */
    for (k = 0; k <= 12800; ++k) {
        float x = -100.0f + (float)k / 64.0f;
        for (d = -1; d <= 1; ++d) check(from_bits(bits(x) + (unsigned)d));
    }
    for (k = 0; k < 200000; ++k) {
        e = next() % 256;       /* any exponent, any sign, any mantissa */
        check(from_bits((next() & 0x807fffffu) | (e << 23)));
    }
    if (nb > 0) flush();
    printf("exp: %ld inputs, %ld differ from sg_expf\n", checked, bad);
    return bad != 0;
}
