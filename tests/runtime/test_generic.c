/* test_generic.c - Check tests of the generic kernels (runtime/sg_generic.c).
 *
 * The generic kernels are the oracle for every generated kernel, so they are
 * validated here on their own, from README "Layer semantics":
 *   - hand-computed values for each primitive (dwconv taps, TF "same" padding,
 *     dilation, channel multiplier, dense / grouped / wrapped projections,
 *     the deconvolution's scatter, activations, residuals);
 *   - the adjoint identity <dwconv(x), y> == <x, dwdeconv(y)>;
 *   - the topology's slot order against an enumerate-and-sort reference;
 *   - separable and bottleneck against their parts run as separate layers;
 *   - MobileNet-v1-sized layers, to keep the oracle usable at real sizes.
 * Every output and scratch buffer has guard zones that must stay untouched.
 *
 * Build and run (from the repository root):
 *   mkdir -p build && gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -Iruntime \
 *       tests/runtime/test_generic.c runtime/sg_generic.c \
 *       $(pkg-config --cflags --libs check) -o build/test_generic
 *   ./build/test_generic
 */
#include "sg.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffers -------------------------------------------------------------- */

enum { GUARD = 16 };
#define SENTINEL (-12345.25f)
#define GARBAGE 777.0f /* what output buffers hold before a run */

/* n floats set to v, with GUARD sentinel floats on either side. */
static float *fbuf(size_t n, float v)
{
    float *p = malloc((n + 2 * GUARD) * sizeof *p);
    ck_assert_ptr_nonnull(p);
    for (size_t k = 0; k < GUARD; k++)
        p[k] = p[GUARD + n + k] = SENTINEL;
    for (size_t k = 0; k < n; k++)
        p[GUARD + k] = v;
    return p + GUARD;
}

static void fcheck(const float *p, size_t n, const char *what)
{
    for (size_t k = 0; k < GUARD; k++) {
        ck_assert_msg(p[(ptrdiff_t)k - GUARD] == SENTINEL,
                      "%s: written %zu floats before its start", what,
                      GUARD - k);
        ck_assert_msg(p[n + k] == SENTINEL,
                      "%s: written %zu floats past its end", what, k);
    }
}

static void ffree(float *p)
{
    if (p)
        free(p - GUARD);
}

static float *fcopy(const float *v, size_t n)
{
    float *p = fbuf(n, 0.0f);
    memcpy(p, v, n * sizeof *p);
    return p;
}

/* Deterministic values in [-1, 1), multiples of 2^-15. */
static uint32_t rng;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static float *frandbuf(size_t n)
{
    float *p = fbuf(n, 0.0f);
    for (size_t k = 0; k < n; k++)
        p[k] = frand();
    return p;
}

/* ---- layers, built by hand ------------------------------------------------ */

typedef struct geo {
    int kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
} geo;

static const sg_act ACT_NONE = {0, 0.0f, 0.0f, SG_ACT_CLAMP, 0.0f, 0.0f};
static const sg_act ACT_RELU = {SG_ACT_LO, 0.0f, 0.0f, SG_ACT_CLAMP, 0.0f, 0.0f};
static const sg_act ACT_RELU6 = {SG_ACT_LO | SG_ACT_HI, 0.0f, 6.0f, SG_ACT_CLAMP, 0.0f, 0.0f};

/* README dwconv: OH = floor((H + pt + pb - (k-1)*d - 1) / s) + 1 */
static int conv_size(int n, int k, int s, int d, int p0, int p1)
{
    const int span = n + p0 + p1 - (k - 1) * d - 1;
    ck_assert_msg(span >= 0, "kernel does not fit: n=%d k=%d d=%d", n, k, d);
    return span / s + 1;
}

/* TensorFlow's SAME rule (README dwconv), validated against hand values below. */
static void tf_same(int n, int k, int s, int d, int *p0, int *p1)
{
    const int on = (n + s - 1) / s;
    int p = (on - 1) * s + (k - 1) * d + 1 - n;
    if (p < 0)
        p = 0;
    *p0 = p / 2;
    *p1 = p - *p0;
}

static size_t n_in(const sg_layer *L)
{
    return (size_t)L->in_h * L->in_w * L->in_c;
}

static size_t n_out(const sg_layer *L)
{
    return (size_t)L->out_h * L->out_w * L->out_c;
}

/* Fill macs, params, packed_floats and scratch_floats from the shape. */
static void account(sg_layer *L)
{
    const long mid = (long)L->mid_h * L->mid_w, bias = L->bias;
    const long dwk = (long)L->kh * L->kw;
    long macs = 0, params = 0, scratch = 0;
    switch (L->op) {
    case SG_OP_DWCONV:
        macs = (long)L->out_h * L->out_w * L->out_c * dwk;
        params = (dwk + bias) * L->out_c;
        break;
    case SG_OP_PWCONV:
        macs = (long)L->in_h * L->in_w * L->pw_cout * L->pw_s;
        params = ((long)L->pw_s + bias) * L->pw_cout;
        break;
    case SG_OP_SEPARABLE:
        macs = mid * L->mid_c * dwk + mid * L->pw_cout * L->pw_s;
        params = (dwk + bias) * L->mid_c + ((long)L->pw_s + bias) * L->pw_cout;
        scratch = mid * L->mid_c;
        break;
    case SG_OP_DWDECONV:
        macs = (long)L->in_h * L->in_w * L->in_c * dwk;
        params = (dwk + bias) * L->in_c;
        break;
    case SG_OP_BOTTLENECK:
        macs = mid * L->in_c * dwk + mid * L->pw_cout * L->pw_s +
               mid * L->out_c * L->up_kh * L->up_kw;
        params = (dwk + bias) * L->in_c + ((long)L->pw_s + bias) * L->pw_cout +
                 ((long)L->up_kh * L->up_kw + bias) * L->out_c;
        scratch = mid * L->in_c + mid * L->mid_c;
        break;
    default: /* the ops of whole networks: their tests set what they use */
        break;
    }
    L->macs = macs;
    L->params = params;
    L->packed_floats = (size_t)params;
    L->scratch_floats = (size_t)scratch;
}

/* Every field set: a 1x1 identity-shaped layer of op on [h][w][c]. */
static sg_layer layer(sg_op op, int h, int w, int c)
{
    sg_layer L;
    memset(&L, 0, sizeof L); /* also the unused topology entries */
    L.name = "t";
    L.op = op;
    L.in_h = h;
    L.in_w = w;
    L.in_c = c;
    L.out_h = h;
    L.out_w = w;
    L.out_c = c;
    L.kh = L.kw = 1;
    L.sh = L.sw = 1;
    L.dh = L.dw = 1;
    L.pt = L.pl = L.pb = L.pr = 0;
    L.mult = 1;
    L.mid_h = h;
    L.mid_w = w;
    L.mid_c = c;
    L.pw_cin = L.pw_cout = L.pw_s = 0;
    L.topo_dims = 0;
    L.groups = 1;
    L.up_kh = L.up_kw = 0;
    L.up_pt = L.up_pl = L.up_pb = L.up_pr = 0;
    L.bias = 1;
    L.dw_act = L.mid_act = L.act = ACT_NONE;
    L.residual = SG_RESIDUAL_NONE;
    L.skip_layer = -1;
    L.pack = NULL;
    L.run = NULL;
    account(&L);
    return L;
}

static void set_geo(sg_layer *L, geo g)
{
    L->kh = g.kh;
    L->kw = g.kw;
    L->sh = g.sh;
    L->sw = g.sw;
    L->dh = g.dh;
    L->dw = g.dw;
    L->pt = g.pt;
    L->pl = g.pl;
    L->pb = g.pb;
    L->pr = g.pr;
}

static sg_layer mk_dw(int h, int w, int c, geo g, int mult)
{
    sg_layer L = layer(SG_OP_DWCONV, h, w, c);
    set_geo(&L, g);
    L.mult = mult;
    L.out_h = L.mid_h = conv_size(h, g.kh, g.sh, g.dh, g.pt, g.pb);
    L.out_w = L.mid_w = conv_size(w, g.kw, g.sw, g.dw, g.pl, g.pr);
    L.out_c = L.mid_c = c * mult;
    account(&L);
    return L;
}

static sg_layer mk_pw(int h, int w, int cin, int cout)
{
    sg_layer L = layer(SG_OP_PWCONV, h, w, cin);
    L.out_c = L.mid_c = cout;
    L.pw_cin = cin;
    L.pw_cout = cout;
    L.pw_s = cin;
    account(&L);
    return L;
}

static void set_topo(sg_layer *L, int d, const int *gi, const int *go,
                     const int *win)
{
    int s = 1, ci = 1, co = 1;
    L->topo_dims = d;
    for (int j = 0; j < d; j++) {
        L->grid_in[j] = gi[j];
        L->grid_out[j] = go[j];
        L->window[j] = win[j];
        s *= win[j];
        ci *= gi[j];
        co *= go[j];
    }
    ck_assert_int_eq(ci, L->pw_cin);
    ck_assert_int_eq(co, L->pw_cout);
    L->pw_s = s;
    account(L);
}

/* README topology: groups = g is grid_in {g, Cin/g}, grid_out {g, Cout/g},
 * window {1, Cin/g}. */
static void set_groups(sg_layer *L, int g)
{
    const int gi[2] = {g, L->pw_cin / g}, go[2] = {g, L->pw_cout / g};
    const int win[2] = {1, L->pw_cin / g};
    set_topo(L, 2, gi, go, win);
    L->groups = g;
}

static void copy_topo(sg_layer *dst, const sg_layer *src)
{
    if (src->topo_dims)
        set_topo(dst, src->topo_dims, src->grid_in, src->grid_out,
                 src->window);
    dst->groups = src->groups;
}

static sg_layer mk_sep(int h, int w, int c, geo g, int mult, int cout)
{
    sg_layer L = layer(SG_OP_SEPARABLE, h, w, c);
    set_geo(&L, g);
    L.mult = mult;
    L.mid_h = L.out_h = conv_size(h, g.kh, g.sh, g.dh, g.pt, g.pb);
    L.mid_w = L.out_w = conv_size(w, g.kw, g.sw, g.dw, g.pl, g.pr);
    L.mid_c = c * mult;
    L.out_c = cout;
    L.pw_cin = c * mult;
    L.pw_cout = cout;
    L.pw_s = c * mult;
    account(&L);
    return L;
}

/* dwdeconv from [h][w][c] to [oh][ow][c]: g is the forward conv oh x ow ->
 * h x w, which must land on h x w. */
static sg_layer mk_deconv(int h, int w, int c, geo g, int oh, int ow)
{
    sg_layer L = layer(SG_OP_DWDECONV, h, w, c);
    set_geo(&L, g);
    ck_assert_int_eq(conv_size(oh, g.kh, g.sh, g.dh, g.pt, g.pb), h);
    ck_assert_int_eq(conv_size(ow, g.kw, g.sw, g.dw, g.pl, g.pr), w);
    L.out_h = L.mid_h = oh;
    L.out_w = L.mid_w = ow;
    account(&L);
    return L;
}

/* README dwdeconv: "same" padding, dilation 1, back to h x w on cout channels. */
static sg_layer mk_bottleneck(int h, int w, int c, int kh, int kw, int sh,
                              int sw, int up_kh, int up_kw, int cout)
{
    sg_layer L = layer(SG_OP_BOTTLENECK, h, w, c);
    L.kh = kh;
    L.kw = kw;
    L.sh = sh;
    L.sw = sw;
    tf_same(h, kh, sh, 1, &L.pt, &L.pb);
    tf_same(w, kw, sw, 1, &L.pl, &L.pr);
    L.mid_h = conv_size(h, kh, sh, 1, L.pt, L.pb);
    L.mid_w = conv_size(w, kw, sw, 1, L.pl, L.pr);
    L.mid_c = cout;
    L.pw_cin = c;
    L.pw_cout = cout;
    L.pw_s = c;
    L.up_kh = up_kh;
    L.up_kw = up_kw;
    tf_same(h, up_kh, sh, 1, &L.up_pt, &L.up_pb);
    tf_same(w, up_kw, sw, 1, &L.up_pl, &L.up_pr);
    ck_assert_int_eq(conv_size(h, up_kh, sh, 1, L.up_pt, L.up_pb), L.mid_h);
    ck_assert_int_eq(conv_size(w, up_kw, sw, 1, L.up_pl, L.up_pr), L.mid_w);
    L.out_c = cout;
    account(&L);
    return L;
}

/* ---- weights -------------------------------------------------------------- */

typedef struct wbufs {
    float *dw_w, *dw_b, *pw_w, *pw_b, *up_w, *up_b;
} wbufs;

/* Random weights of every array L uses (biases even when L->bias is 0). */
static wbufs rand_weights(const sg_layer *L)
{
    wbufs b = {NULL, NULL, NULL, NULL, NULL, NULL};
    const size_t dwk = (size_t)L->kh * L->kw;
    switch (L->op) {
    case SG_OP_DWCONV:
    case SG_OP_SEPARABLE:
        b.dw_w = frandbuf(dwk * L->in_c * L->mult);
        b.dw_b = frandbuf((size_t)L->in_c * L->mult);
        break;
    case SG_OP_DWDECONV:
    case SG_OP_BOTTLENECK:
        b.dw_w = frandbuf(dwk * L->in_c);
        b.dw_b = frandbuf((size_t)L->in_c);
        break;
    default: /* pwconv; the ops of whole networks have their own tests */
        break;
    }
    if (L->op == SG_OP_PWCONV || L->op == SG_OP_SEPARABLE ||
        L->op == SG_OP_BOTTLENECK) {
        b.pw_w = frandbuf((size_t)L->pw_cout * L->pw_s);
        b.pw_b = frandbuf((size_t)L->pw_cout);
    }
    if (L->op == SG_OP_BOTTLENECK) {
        b.up_w = frandbuf((size_t)L->up_kh * L->up_kw * L->out_c);
        b.up_b = frandbuf((size_t)L->out_c);
    }
    return b;
}

static sg_weights view(const wbufs *b)
{
    sg_weights w;
    w.dw_w = b->dw_w;
    w.dw_b = b->dw_b;
    w.pw_w = b->pw_w;
    w.pw_b = b->pw_b;
    w.up_w = b->up_w;
    w.up_b = b->up_b;
    return w;
}

static void free_weights(wbufs *b)
{
    ffree(b->dw_w);
    ffree(b->dw_b);
    ffree(b->pw_w);
    ffree(b->pw_b);
    ffree(b->up_w);
    ffree(b->up_b);
}

/* ---- running and comparing ------------------------------------------------ */

/* Runs L into a fresh guarded output holding garbage, with exactly the scratch
 * sg_generic_scratch_floats asks for (NULL when 0). */
static float *run(const sg_layer *L, const sg_weights *w, const float *in,
                  const float *skip)
{
    const size_t n = n_out(L), ns = sg_generic_scratch_floats(L);
    float *out = fbuf(n, GARBAGE);
    float *scratch = ns ? fbuf(ns, GARBAGE) : NULL;
    sg_generic_run(L, w, in, skip, out, scratch);
    fcheck(out, n, "out");
    if (scratch) {
        fcheck(scratch, ns, "scratch");
        ffree(scratch);
    }
    return out;
}

/* got[k] within tol * (1 + |want[k]|) of want[k]; tensors [.][w][c]. */
static void expect_near(const char *what, const float *got, const float *want,
                        int h, int w, int c, double tol)
{
    const size_t n = (size_t)h * w * c;
    for (size_t k = 0; k < n; k++) {
        const double d = fabs((double)got[k] - (double)want[k]);
        if (!(d <= tol * (1.0 + fabs((double)want[k]))))
            ck_abort_msg("%s: [y=%d][x=%d][c=%d] of [%d][%d][%d]: got %.9g, "
                         "want %.9g",
                         what, (int)(k / c / w), (int)(k / c % w),
                         (int)(k % c), h, w, c, (double)got[k],
                         (double)want[k]);
    }
}

static void expect_exact(const char *what, const float *got, const float *want,
                         int h, int w, int c)
{
    expect_near(what, got, want, h, w, c, 0.0);
}

/* Tolerance for comparing one op against the same op run in pieces: the same
 * float operations in the same order, so equal up to contraction (FMA). */
#define TOL_SAME 1e-5

/* ==== dwconv =============================================================== */

START_TEST(dwconv_k1_identity)
{
    /* k = 1, weight 1, bias 0: the output is the input */
    const geo g = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    sg_layer L = mk_dw(3, 4, 5, g, 1);
    float *in, *out, ones[5] = {1, 1, 1, 1, 1}, zeros[5] = {0};
    sg_weights w = {.dw_w = ones, .dw_b = zeros};
    rng = 1;
    in = frandbuf(n_in(&L));
    ck_assert_int_eq(L.out_h, 3);
    ck_assert_int_eq(L.out_w, 4);
    out = run(&L, &w, in, NULL);
    expect_exact("k1 identity", out, in, 3, 4, 5);
    ffree(out);
    ffree(in);
}
END_TEST

START_TEST(dwconv_center_tap_identity)
{
    /* 3x3, only the center tap set, "same" padding: identity; also with
     * dilation 2 (padding 2 per side keeps the size) */
    static const geo gs[2] = {{3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
                              {3, 3, 1, 1, 2, 2, 2, 2, 2, 2}};
    for (int t = 0; t < 2; t++) {
        sg_layer L = mk_dw(5, 6, 2, gs[t], 1);
        float wt[3 * 3 * 2] = {0}, *in, *out;
        sg_weights w = {.dw_w = wt};
        L.bias = 0; /* NULL bias */
        wt[(1 * 3 + 1) * 2 + 0] = wt[(1 * 3 + 1) * 2 + 1] = 1.0f;
        rng = 2;
        in = frandbuf(n_in(&L));
        ck_assert_int_eq(L.out_h, 5);
        ck_assert_int_eq(L.out_w, 6);
        out = run(&L, &w, in, NULL);
        expect_exact(t ? "center tap, dilation 2" : "center tap", out, in, 5, 6,
                     2);
        ffree(out);
        ffree(in);
    }
}
END_TEST

START_TEST(dwconv_ones_3x3_constant)
{
    /* 3x3 all-ones kernel, pad 1 ("same"), 5x5 image constant 1 (channel 0)
     * and 2 (channel 1): 9 inside, 6 on edges, 4 in corners; then the bias */
    static const float m[5][5] = {{4, 6, 6, 6, 4},
                                  {6, 9, 9, 9, 6},
                                  {6, 9, 9, 9, 6},
                                  {6, 9, 9, 9, 6},
                                  {4, 6, 6, 6, 4}};
    const geo g = {3, 3, 1, 1, 1, 1, 1, 1, 1, 1};
    sg_layer L = mk_dw(5, 5, 2, g, 1);
    float in[5 * 5 * 2], want[5 * 5 * 2], wt[3 * 3 * 2], b[2] = {0.5f, -1.0f};
    float *out;
    sg_weights w = {.dw_w = wt, .dw_b = b};
    for (int k = 0; k < 18; k++)
        wt[k] = 1.0f;
    for (int p = 0; p < 25; p++) {
        in[2 * p] = 1.0f;
        in[2 * p + 1] = 2.0f;
        want[2 * p] = m[p / 5][p % 5] + 0.5f;
        want[2 * p + 1] = 2.0f * m[p / 5][p % 5] - 1.0f;
    }
    ck_assert_float_eq(want[0], 4.5f);      /* corner, channel 0 */
    ck_assert_float_eq(want[2 * 12], 9.5f); /* center */
    ck_assert_float_eq(want[2 * 1 + 1], 11.0f); /* top edge, channel 1 */
    out = run(&L, &w, in, NULL);
    expect_exact("3x3 ones", out, want, 5, 5, 2);
    ffree(out);
}
END_TEST

/* A 1-d dwconv along rows (vertical = 1) or columns with in[p] = 16^p and tap
 * weights w[i] = i + 1: each hex digit p of an output is the tap (+1) that
 * read input p, 0 if none did.  All values are exact in float. */
static void taps_1d(int vertical, int n, geo g, const float *want, int on)
{
    sg_layer L;
    float in[16], wt[16], *out;
    sg_weights w = {.dw_w = wt};
    char what[64];
    if (!vertical) { /* transpose the geometry */
        geo t = {g.kw, g.kh, g.sw, g.sh, g.dw, g.dh, g.pl, g.pt, g.pr, g.pb};
        g = t;
    }
    L = vertical ? mk_dw(n, 1, 1, g, 1) : mk_dw(1, n, 1, g, 1);
    L.bias = 0;
    ck_assert_int_eq(vertical ? L.out_h : L.out_w, on);
    ck_assert_int_eq(vertical ? L.out_w : L.out_h, 1);
    for (int p = 0; p < n; p++)
        in[p] = (float)ldexp(1.0, 4 * p);
    for (int i = 0; i < 16; i++)
        wt[i] = (float)(i + 1);
    out = run(&L, &w, in, NULL);
    snprintf(what, sizeof what, "%s n=%d k=%d s=%d d=%d pad %d,%d",
             vertical ? "rows" : "cols", n, vertical ? g.kh : g.kw,
             vertical ? g.sh : g.sw, vertical ? g.dh : g.dw,
             vertical ? g.pt : g.pl, vertical ? g.pb : g.pr);
    if (vertical)
        expect_exact(what, out, want, on, 1, 1);
    else
        expect_exact(what, out, want, 1, on, 1);
    ffree(out);
}

START_TEST(dwconv_tf_same_padding)
{
    /* README dwconv "same": H=5, k=3, s=2 -> OH=3, P=2, pt=1, pb=1;
     *                  H=6, k=3, s=2 -> OH=3, P=1, pt=0, pb=1. */
    static const float want5[3] = {
        0x32,    /* rows -1,0,1: row 0 by tap 1, row 1 by tap 2    */
        0x3210,  /* rows 1,2,3 by taps 0,1,2                       */
        0x21000, /* rows 3,4,5: row 3 by tap 0, row 4 by tap 1     */
    };
    static const float want6[3] = {
        0x321,    /* rows 0,1,2                                    */
        0x32100,  /* rows 2,3,4                                    */
        0x210000, /* rows 4,5,6: row 6 is padding                  */
    };
    const geo g5 = {3, 1, 2, 1, 1, 1, 1, 0, 1, 0};
    const geo g6 = {3, 1, 2, 1, 1, 1, 0, 0, 1, 0};
    int p0, p1;
    tf_same(5, 3, 2, 1, &p0, &p1);
    ck_assert_int_eq(p0, 1);
    ck_assert_int_eq(p1, 1);
    tf_same(6, 3, 2, 1, &p0, &p1);
    ck_assert_int_eq(p0, 0);
    ck_assert_int_eq(p1, 1);
    taps_1d(1, 5, g5, want5, 3);
    taps_1d(0, 5, g5, want5, 3);
    taps_1d(1, 6, g6, want6, 3);
    taps_1d(0, 6, g6, want6, 3);
}
END_TEST

START_TEST(dwconv_dilation)
{
    /* H=7, k=3, d=2, valid: OH=3, output y reads rows y, y+2, y+4 */
    static const float want_valid[3] = {0x30201, 0x302010, 0x3020100};
    /* H=5, k=3, d=2, same: P=4, pad 2 and 2, OH=5, y reads y-2, y, y+2 */
    static const float want_same[5] = {0x302, 0x3020, 0x30201, 0x2010,
                                       0x20100};
    /* H=6, k=2, s=3, d=3, pad 1 top 0 bottom: OH=2, y reads 3y-1, 3y+2 */
    static const float want_str[2] = {0x200, 0x200100};
    const geo gv = {3, 1, 1, 1, 2, 1, 0, 0, 0, 0};
    const geo gs = {3, 1, 1, 1, 2, 1, 2, 0, 2, 0};
    const geo gt = {2, 1, 3, 1, 3, 1, 1, 0, 0, 0};
    int p0, p1;
    tf_same(5, 3, 1, 2, &p0, &p1);
    ck_assert_int_eq(p0, 2);
    ck_assert_int_eq(p1, 2);
    taps_1d(1, 7, gv, want_valid, 3);
    taps_1d(0, 7, gv, want_valid, 3);
    taps_1d(1, 5, gs, want_same, 5);
    taps_1d(0, 5, gs, want_same, 5);
    taps_1d(1, 6, gt, want_str, 2);
    taps_1d(0, 6, gt, want_str, 2);
}
END_TEST

START_TEST(dwconv_multiplier_hand)
{
    /* C=2, mult=3, k=1: output channel c*3+q = w[c*3+q] * in[c] + b */
    const geo g = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    sg_layer L = mk_dw(2, 1, 2, g, 3);
    float in[4] = {1, 100, -2, 0.5f};
    float wt[6] = {1, 2, 3, 4, 5, 6}, b[6] = {0, 0, 0, 0, 0, 0.25f};
    float want[12] = {1, 2, 3, 400, 500, 600.25f,
                      -2, -4, -6, 2, 2.5f, 3.25f};
    sg_weights w = {.dw_w = wt, .dw_b = b};
    float *out;
    ck_assert_int_eq(L.out_c, 6);
    out = run(&L, &w, in, NULL);
    expect_exact("multiplier", out, want, 2, 1, 6);
    ffree(out);
}
END_TEST

START_TEST(dwconv_multiplier_equals_replicated_input)
{
    /* dwconv with mult m on C channels == dwconv with mult 1 on C*m channels
     * whose channel c*m+q is a copy of input channel c */
    const geo g = {3, 2, 2, 1, 1, 2, 1, 0, 1, 2};
    const int c = 3, m = 4;
    sg_layer L = mk_dw(7, 6, c, g, m), R = mk_dw(7, 6, c * m, g, 1);
    wbufs wb;
    sg_weights w;
    float *in, *rep, *a, *b;
    rng = 3;
    wb = rand_weights(&L);
    w = view(&wb);
    in = frandbuf(n_in(&L));
    rep = fbuf(n_in(&R), 0.0f);
    for (int p = 0; p < 7 * 6; p++)
        for (int k = 0; k < c * m; k++)
            rep[p * c * m + k] = in[p * c + k / m];
    a = run(&L, &w, in, NULL);
    b = run(&R, &w, rep, NULL);
    expect_exact("mult vs replicated", a, b, L.out_h, L.out_w, L.out_c);
    ffree(a);
    ffree(b);
    ffree(rep);
    ffree(in);
    free_weights(&wb);
}
END_TEST

/* ==== pwconv =============================================================== */

START_TEST(pwconv_dense_hand)
{
    /* out = W in + b with W = [[1,2,3],[4,5,6]], b = [0.5, -1] */
    sg_layer L = mk_pw(1, 2, 3, 2);
    float in[6] = {1, 0, -1, 2, 1, 0.5f};
    float wt[6] = {1, 2, 3, 4, 5, 6}, b[2] = {0.5f, -1.0f};
    float want[4] = {-1.5f, -3.0f, 6.0f, 15.0f};
    sg_weights w = {.pw_w = wt, .pw_b = b};
    float *out = run(&L, &w, in, NULL);
    expect_exact("dense", out, want, 1, 2, 2);
    ffree(out);
}
END_TEST

START_TEST(pwconv_groups_hand)
{
    /* groups = 2 on 4 -> 4: output o reads (o/2)*2 + s */
    sg_layer L = mk_pw(1, 1, 4, 4);
    float in[4] = {1, 2, 3, 4};
    float wt[8] = {1, 10, 100, 1000, 2, 20, 200, 2000};
    float want[4] = {1 + 20, 100 + 2000, 6 + 80, 600 + 8000};
    sg_weights w = {.pw_w = wt};
    float *out;
    set_groups(&L, 2);
    ck_assert_int_eq(L.pw_s, 2);
    L.bias = 0;
    out = run(&L, &w, in, NULL);
    expect_exact("groups 2", out, want, 1, 1, 4);
    ffree(out);
}
END_TEST

START_TEST(pwconv_groups_block_diagonal)
{
    /* groups = 4, 8 -> 12 on a 3x5 image == dense with the block-diagonal
     * weight matrix */
    const int g = 4, cin = 8, cout = 12, gi = cin / g, go = cout / g;
    sg_layer G = mk_pw(3, 5, cin, cout), D = mk_pw(3, 5, cin, cout);
    wbufs wb;
    sg_weights wg, wd;
    float *dense, *in, *a, *b;
    set_groups(&G, g);
    rng = 4;
    wb = rand_weights(&G);
    wg = view(&wb);
    dense = fbuf((size_t)cout * cin, 0.0f);
    for (int o = 0; o < cout; o++)
        for (int s = 0; s < gi; s++)
            dense[o * cin + (o / go) * gi + s] = wb.pw_w[o * gi + s];
    wd = wg;
    wd.pw_w = dense;
    in = frandbuf(n_in(&G));
    a = run(&G, &wg, in, NULL);
    b = run(&D, &wd, in, NULL);
    expect_near("groups vs block diagonal", a, b, 3, 5, cout, TOL_SAME);
    ffree(a);
    ffree(b);
    ffree(in);
    ffree(dense);
    free_weights(&wb);
}
END_TEST

START_TEST(pwconv_topology_1d_wrap)
{
    /* grid_in {6}, grid_out {3}, window {4}: output o reads channels
     * (2o + t) mod 6, t < 4:  o=0: 0,1,2,3  o=1: 2,3,4,5  o=2: 4,5,0,1, whose
     * slots are in increasing channel order 0,1,4,5 (not 4,5,0,1).
     * in[ic] = 16^ic and w[o][s] = s+1: hex digit ic of out[o] = slot + 1. */
    const int gi[1] = {6}, go[1] = {3}, win[1] = {4};
    sg_layer L = mk_pw(1, 1, 6, 3);
    float in[6], wt[12], *out;
    const float want[3] = {0x4321, 0x432100, 0x430021};
    sg_weights w = {.pw_w = wt};
    set_topo(&L, 1, gi, go, win);
    ck_assert_int_eq(L.pw_s, 4);
    L.bias = 0;
    for (int ic = 0; ic < 6; ic++)
        in[ic] = (float)ldexp(1.0, 4 * ic);
    for (int k = 0; k < 12; k++)
        wt[k] = (float)(k % 4 + 1);
    out = run(&L, &w, in, NULL);
    expect_exact("1-d wrap", out, want, 1, 1, 3);
    ffree(out);
}
END_TEST

START_TEST(pwconv_topology_2d_onehot)
{
    /* grid_in {3,4}, grid_out {3,2}, window {2,3}: o=(o1,o2) reads
     * i1 in {o1, o1+1} mod 3 and i2 in {2*o2 + t} mod 4, t<3; channel i1*4+i2.
     * The 1 x 12 image has pixel p one-hot on channel p and w[o][s] = s+1, so
     * out[p][o] = (slot of channel p in o's list) + 1, or 0. */
    static const int list[6][6] = {
        {0, 1, 2, 4, 5, 6},   /* (0,0): i1 {0,1}, i2 {0,1,2}            */
        {0, 2, 3, 4, 6, 7},   /* (0,1): i1 {0,1}, i2 {2,3,0}            */
        {4, 5, 6, 8, 9, 10},  /* (1,0): i1 {1,2}, i2 {0,1,2}            */
        {4, 6, 7, 8, 10, 11}, /* (1,1): i1 {1,2}, i2 {2,3,0}            */
        {0, 1, 2, 8, 9, 10},  /* (2,0): i1 {2,0}, i2 {0,1,2}            */
        {0, 2, 3, 8, 10, 11}, /* (2,1): i1 {2,0}, i2 {2,3,0} - enumerated
                                 10,11,8,2,3,0                          */
    };
    const int gi[2] = {3, 4}, go[2] = {3, 2}, win[2] = {2, 3};
    sg_layer L = mk_pw(1, 12, 12, 6);
    float in[12 * 12] = {0}, wt[36], want[12 * 6] = {0}, b[6] = {0};
    sg_weights w = {.pw_w = wt, .pw_b = b};
    float *out;
    set_topo(&L, 2, gi, go, win);
    ck_assert_int_eq(L.pw_s, 6);
    for (int p = 0; p < 12; p++)
        in[p * 12 + p] = 1.0f;
    for (int k = 0; k < 36; k++)
        wt[k] = (float)(k % 6 + 1);
    for (int o = 0; o < 6; o++)
        for (int s = 0; s < 6; s++)
            want[list[o][s] * 6 + o] = (float)(s + 1);
    out = run(&L, &w, in, NULL);
    expect_exact("2-d one-hot", out, want, 1, 12, 6);
    ffree(out);
}
END_TEST

/* Reference projection written from README topology the other way round: enumerate
 * each output's window (t_1..t_d, last fastest), sort the channels, then sum
 * in double. */
static int cmp_int(const void *a, const void *b)
{
    const int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void ref_pwconv(const sg_layer *L, const float *in, const float *wt,
                       const float *b, double *out, double *mag)
{
    const int d = L->topo_dims, S = L->pw_s;
    int *src = malloc((size_t)S * sizeof *src);
    const int npix = L->in_h * L->in_w;
    ck_assert_ptr_nonnull(src);
    for (int o = 0; o < L->pw_cout; o++) {
        int oc[SG_MAX_TOPO_DIMS], t[SG_MAX_TOPO_DIMS] = {0}, rem = o;
        for (int j = d - 1; j >= 0; j--) {
            oc[j] = rem % L->grid_out[j];
            rem /= L->grid_out[j];
        }
        for (int s = 0; s < S; s++) {
            int ic = 0;
            for (int j = 0; j < d; j++) {
                const int a = L->grid_in[j];
                const int base = (int)((long long)oc[j] * a / L->grid_out[j]);
                ic = ic * a + (base + t[j]) % a;
            }
            src[s] = ic;
            for (int j = d - 1; j >= 0; j--) { /* next t, last fastest */
                if (++t[j] < L->window[j])
                    break;
                t[j] = 0;
            }
        }
        qsort(src, (size_t)S, sizeof *src, cmp_int);
        for (int s = 1; s < S; s++)
            ck_assert_int_lt(src[s - 1], src[s]); /* S distinct channels */
        for (int p = 0; p < npix; p++) {
            double acc = b ? b[o] : 0.0, m = b ? fabs(b[o]) : 0.0;
            for (int s = 0; s < S; s++) {
                const double v = (double)wt[o * S + s] *
                                 in[p * L->pw_cin + src[s]];
                acc += v;
                m += fabs(v);
            }
            out[p * L->pw_cout + o] = acc;
            mag[p * L->pw_cout + o] = m;
        }
    }
    free(src);
}

static const struct topo_case {
    int d, gi[3], go[3], win[3];
} topo_cases[] = {
    {1, {6}, {3}, {4}},
    {1, {7}, {5}, {3}},                   /* floor(o*7/5): uneven bases  */
    {1, {4}, {9}, {2}},                   /* more outputs than inputs    */
    {2, {4, 8}, {2, 4}, {3, 5}},          /* wraps in both dimensions    */
    {2, {3, 4}, {3, 2}, {1, 4}},          /* groups = 3                  */
    {2, {5, 3}, {2, 7}, {5, 3}},          /* full window: dense          */
    {3, {2, 3, 4}, {3, 2, 5}, {2, 2, 3}}, /* 3-d                         */
};

START_TEST(pwconv_topology_vs_enumerate_sort)
{
    const struct topo_case *tc = &topo_cases[_i];
    int cin = 1, cout = 1;
    sg_layer L;
    wbufs wb;
    sg_weights w;
    float *in, *out;
    double *ref, *mag;
    for (int j = 0; j < tc->d; j++) {
        cin *= tc->gi[j];
        cout *= tc->go[j];
    }
    L = mk_pw(3, 4, cin, cout);
    set_topo(&L, tc->d, tc->gi, tc->go, tc->win);
    rng = 100u + (uint32_t)_i;
    wb = rand_weights(&L);
    w = view(&wb);
    in = frandbuf(n_in(&L));
    ref = malloc(n_out(&L) * sizeof *ref);
    mag = malloc(n_out(&L) * sizeof *mag);
    ck_assert_ptr_nonnull(ref);
    ck_assert_ptr_nonnull(mag);
    ref_pwconv(&L, in, wb.pw_w, wb.pw_b, ref, mag);
    out = run(&L, &w, in, NULL);
    for (size_t k = 0; k < n_out(&L); k++)
        ck_assert_msg(fabs(out[k] - ref[k]) <= 1e-6 * (L.pw_s + 1) * mag[k],
                      "topology case %d: pixel %zu channel %zu: got %.9g, "
                      "want %.9g",
                      _i, k / (size_t)cout, k % (size_t)cout, (double)out[k],
                      ref[k]);
    free(ref);
    free(mag);
    ffree(out);
    ffree(in);
    free_weights(&wb);
}
END_TEST

START_TEST(pwconv_full_window_is_dense)
{
    /* window = grid_in: every output reads every input, in channel order */
    const int gi[2] = {3, 4}, go[2] = {5, 2}, win[2] = {3, 4};
    sg_layer T = mk_pw(2, 3, 12, 10), D = mk_pw(2, 3, 12, 10);
    wbufs wb;
    sg_weights w;
    float *in, *a, *b;
    set_topo(&T, 2, gi, go, win);
    rng = 5;
    wb = rand_weights(&D);
    w = view(&wb);
    in = frandbuf(n_in(&D));
    a = run(&T, &w, in, NULL);
    b = run(&D, &w, in, NULL);
    expect_exact("full window vs dense", a, b, 2, 3, 10);
    ffree(a);
    ffree(b);
    ffree(in);
    free_weights(&wb);
}
END_TEST

/* ==== dwdeconv ============================================================= */

START_TEST(dwdeconv_scatter_hand)
{
    /* 1-d, 2 -> 4, k=3, s=2, forward "same" on 4 (pt 0, pb 1):
     * in [1, 10], w [1,2,3]: pixel 0 writes 1,2,3 to 0,1,2; pixel 1 writes
     * 10,20,30 to 2,3,(4 dropped) -> [1, 2, 13, 20] + bias 0.5 */
    const geo g = {3, 1, 2, 1, 1, 1, 0, 0, 1, 0};
    /* pt 1, pb 1: pixel 0 writes to -1 (dropped), 0, 1; pixel 1 to 1, 2, 3 */
    const geo g1 = {3, 1, 2, 1, 1, 1, 1, 0, 1, 0};
    sg_layer L = mk_deconv(2, 1, 1, g, 4, 1), L1 = mk_deconv(2, 1, 1, g1, 4, 1);
    float in[2] = {1, 10}, wt[3] = {1, 2, 3}, b[1] = {0.5f};
    const float want[4] = {1.5f, 2.5f, 13.5f, 20.5f};
    const float want1[4] = {2, 3 + 10, 20, 30};
    sg_weights w = {.dw_w = wt, .dw_b = b};
    float *out;
    int p0, p1;
    tf_same(4, 3, 2, 1, &p0, &p1);
    ck_assert_int_eq(p0, 0);
    ck_assert_int_eq(p1, 1);
    out = run(&L, &w, in, NULL);
    expect_exact("deconv pad 0,1", out, want, 4, 1, 1);
    ffree(out);
    L1.bias = 0;
    out = run(&L1, &w, in, NULL);
    expect_exact("deconv pad 1,1", out, want1, 4, 1, 1);
    ffree(out);
}
END_TEST

/* Forward conv geometries {big h, big w, kh, kw, sh, sw, dh, dw, pads}: the
 * dwconv maps big -> small, the dwdeconv small -> big. */
static const struct adj_case {
    int h, w;
    geo g;
} adj_cases[] = {
    {7, 7, {3, 3, 2, 2, 1, 1, 1, 1, 1, 1}},   /* s 2, odd, same        */
    {8, 6, {3, 3, 2, 2, 1, 1, 0, 0, 1, 1}},   /* s 2, even, same       */
    {9, 11, {5, 3, 3, 2, 2, 1, 3, 1, 2, 0}},  /* uneven everything     */
    {5, 5, {1, 1, 2, 2, 1, 1, 0, 0, 0, 0}},   /* 1x1 stride 2          */
    {6, 7, {2, 4, 2, 1, 1, 2, 0, 0, 0, 0}},   /* valid, 6x7 -> 3x1     */
    {13, 13, {3, 3, 1, 1, 3, 3, 3, 3, 3, 3}}, /* dilation 3, same      */
    {10, 10, {2, 2, 3, 3, 1, 1, 0, 0, 0, 0}}, /* stride > kernel: gaps */
    {1, 1, {3, 3, 1, 1, 1, 1, 1, 1, 1, 1}},   /* 1x1 image             */
};

START_TEST(dwdeconv_adjoint_of_dwconv)
{
    const struct adj_case *ac = &adj_cases[_i];
    const int c = 3;
    const geo g = ac->g;
    sg_layer F = mk_dw(ac->h, ac->w, c, g, 1);
    sg_layer D = mk_deconv(F.out_h, F.out_w, c, g, ac->h, ac->w);
    wbufs wb;
    sg_weights w;
    float *x, *y, *fx, *dy, *ax, *aw, *ay, *afx;
    double lhs = 0, rhs = 0, scale = 0;
    rng = 200u + (uint32_t)_i;
    wb = rand_weights(&F);
    w = view(&wb);
    F.bias = D.bias = 0;
    x = frandbuf(n_in(&F));  /* big   */
    y = frandbuf(n_out(&F)); /* small */
    fx = run(&F, &w, x, NULL);
    dy = run(&D, &w, y, NULL);
    for (size_t k = 0; k < n_out(&F); k++)
        lhs += (double)fx[k] * y[k];
    for (size_t k = 0; k < n_in(&F); k++)
        rhs += (double)x[k] * dy[k];
    /* scale: the same sum with every term made positive */
    ax = fcopy(x, n_in(&F));
    ay = fcopy(y, n_out(&F));
    aw = fcopy(wb.dw_w, (size_t)g.kh * g.kw * c);
    for (size_t k = 0; k < n_in(&F); k++)
        ax[k] = fabsf(ax[k]);
    for (size_t k = 0; k < n_out(&F); k++)
        ay[k] = fabsf(ay[k]);
    for (size_t k = 0; k < (size_t)g.kh * g.kw * c; k++)
        aw[k] = fabsf(aw[k]);
    w.dw_w = aw;
    afx = run(&F, &w, ax, NULL);
    for (size_t k = 0; k < n_out(&F); k++)
        scale += (double)afx[k] * ay[k];
    ck_assert_msg(fabs(lhs - rhs) <= 1e-5 * scale + 1e-12,
                  "adjoint case %d (%dx%d -> %dx%d): <dwconv x, y> = %.9g, "
                  "<x, dwdeconv y> = %.9g",
                  _i, ac->h, ac->w, F.out_h, F.out_w, lhs, rhs);
    ck_assert_msg(scale > 0.0, "adjoint case %d is trivial", _i);
    ffree(afx);
    ffree(aw);
    ffree(ay);
    ffree(ax);
    ffree(dy);
    ffree(fx);
    ffree(y);
    ffree(x);
    free_weights(&wb);
}
END_TEST

/* ==== activations, residuals, bias ========================================= */

START_TEST(activations_hand)
{
    /* k=1, weight 1, bias 0 on ten values, under each activation */
    static const float x[10] = {-8, -6.5f, -1, -0.25f, 0, 0.5f, 3, 6, 6.5f, 10};
    static const float relu[10] = {0, 0, 0, 0, 0, 0.5f, 3, 6, 6.5f, 10};
    static const float relu6[10] = {0, 0, 0, 0, 0, 0.5f, 3, 6, 6, 6};
    static const float mm[10] = {-1.5f, -1.5f, -1, -0.25f, 0, 0.5f, 2, 2, 2, 2};
    static const float mn[10] = {-1.5f, -1.5f, -1, -0.25f, 0, 0.5f, 3, 6,
                                 6.5f, 10};
    static const float mx[10] = {-8, -6.5f, -1, -0.25f, 0, 0.5f, 2, 2, 2, 2};
    /* x * min(max(x + 3, 0), 6) / 6 and min(max(x + 3, 0), 6) / 6, by hand:
     * -1 -> -2/6 and 2/6; -0.25 -> -0.6875/6 and 2.75/6; 0.5 -> 1.75/6 and
     * 3.5/6; from 3 on hsigmoid is 1 and hswish x */
    static const float hswish[10] = {0, 0, -2.0f / 6.0f, -0.6875f / 6.0f, 0, 1.75f / 6.0f, 3, 6, 6.5f, 10};
    static const float hsigmoid[10] = {0, 0, 2.0f / 6.0f, 2.75f / 6.0f, 0.5f, 3.5f / 6.0f, 1, 1, 1, 1};
    const struct {
        const char *name;
        sg_act act;
        const float *want;
    } cases[8] = {
        {"none", {0, 0, 0, SG_ACT_CLAMP, 0, 0}, x},
        {"relu", {SG_ACT_LO, 0, 0, SG_ACT_CLAMP, 0, 0}, relu},
        {"relu6", {SG_ACT_LO | SG_ACT_HI, 0, 6, SG_ACT_CLAMP, 0, 0}, relu6},
        {"{min=-1.5, max=2}", {SG_ACT_LO | SG_ACT_HI, -1.5f, 2, SG_ACT_CLAMP, 0, 0}, mm},
        {"{min=-1.5}", {SG_ACT_LO, -1.5f, 99, SG_ACT_CLAMP, 0, 0}, mn},
        {"{max=2}", {SG_ACT_HI, -99, 2, SG_ACT_CLAMP, 0, 0}, mx},
        {"hswish", {0, 0, 0, SG_ACT_HSWISH, 0, 0}, hswish},
        {"hsigmoid", {0, 0, 0, SG_ACT_HSIGMOID, 0, 0}, hsigmoid},
    };
    const geo g = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    float wt[10], b[10] = {0};
    sg_weights w = {.dw_w = wt, .dw_b = b};
    for (int k = 0; k < 10; k++)
        wt[k] = 1.0f;
    for (int t = 0; t < 8; t++) {
        sg_layer L = mk_dw(1, 1, 10, g, 1);
        float *out;
        L.act = cases[t].act;
        out = run(&L, &w, x, NULL);
        expect_exact(cases[t].name, out, cases[t].want, 1, 1, 10);
        ffree(out);
    }
    /* sigmoid: 1/2 at 0, symmetric (s(x) + s(-x) = 1), 1 / (1 + e^-x) */
    {
        static const float xs[5] = {-10, -1, 0, 1, 10};
        float ws[5] = {1, 1, 1, 1, 1}, bs[5] = {0};
        sg_weights w5 = {.dw_w = ws, .dw_b = bs};
        sg_layer L = mk_dw(1, 1, 5, g, 1);
        float *out;
        L.act.kind = SG_ACT_SIGMOID;
        out = run(&L, &w5, xs, NULL);
        ck_assert_float_eq(out[2], 0.5f);
        ck_assert_float_eq_tol(out[3], 0.7310585786f, 1e-7f);
        ck_assert_float_eq_tol(out[1] + out[3], 1.0f, 1e-7f);
        ck_assert_float_eq_tol(out[4], 0.9999546f, 1e-7f);
        ck_assert_float_eq_tol(out[0], 4.539787e-5f, 1e-11f);
        ffree(out);
    }
}
END_TEST

/* sg_expf (sg.h), the generated code's exponential for sigmoid, against
 * libm's expf over its whole range: within 2 units in the last place (1
 * measured with glibc; 2 leaves room for another libm or contraction). */
START_TEST(sg_expf_within_2_ulp)
{
    double worst = 0.0;
    float at = 0.0f;
    for (int i = -873000; i <= 880000; i += 7) {
        const float x = (float)i * 1e-4f;
        const float a = sg_expf(x), b = expf(x);
        const double ulp = (double)nextafterf(b, 3.4e38f) - (double)b;
        const double d = fabs((double)a - (double)b) / ulp;
        if (d > worst) { worst = d; at = x; }
    }
    ck_assert_msg(worst <= 2.0, "sg_expf is %.2f units in the last place off at x = %.9g", worst, (double)at);
    ck_assert_float_eq(sg_expf(-100.0f), 0.0f);
    ck_assert_msg(sg_expf(100.0f) < 3.4e38f && sg_expf(100.0f) == sg_expf(88.0f), "saturates at e^88");
}
END_TEST

START_TEST(residual_hand)
{
    /* f(x) = 2x + 0.5; residual = true: relu6(3x + 0.5);
     * residual = "name": relu6(2x + 0.5 + s) */
    static const float x[6] = {-1, 0, 0.5f, 1, 2, -0.25f};
    static const float s[6] = {10, 1, -1, 0.5f, -3, 0};
    static const float want_self[6] = {0, 0.5f, 2, 3.5f, 6, 0};
    static const float want_named[6] = {6, 1.5f, 0.5f, 3, 1.5f, 0};
    const geo g = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    float wt[6] = {2, 2, 2, 2, 2, 2}, b[6] = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
                                              0.5f};
    sg_weights w = {.dw_w = wt, .dw_b = b};
    sg_layer L = mk_dw(1, 2, 3, g, 1);
    float *out;
    L.act = ACT_RELU6;
    L.residual = SG_RESIDUAL_SELF;
    out = run(&L, &w, x, s); /* skip ignored */
    expect_exact("residual self", out, want_self, 1, 2, 3);
    ffree(out);
    L.residual = SG_RESIDUAL_NAMED;
    L.skip_layer = 0;
    out = run(&L, &w, x, s);
    expect_exact("residual named", out, want_named, 1, 2, 3);
    ffree(out);
}
END_TEST

START_TEST(separable_dw_act_hand)
{
    /* in [-3, 8], k=1 weights 1: depthwise [-3, 8]; projection [[1, 1]]:
     * dw_act none -> 5; dw_act relu6 -> 0 + 6 = 6; act {max=5.5} -> 5.5 */
    const geo g = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    sg_layer L = mk_sep(1, 1, 2, g, 1, 1);
    float in[2] = {-3, 8}, dw[2] = {1, 1}, pw[2] = {1, 1};
    sg_weights w = {.dw_w = dw, .pw_w = pw};
    const float five = 5, six = 6, five5 = 5.5f;
    float *out;
    L.bias = 0;
    out = run(&L, &w, in, NULL);
    expect_exact("separable dw_act none", out, &five, 1, 1, 1);
    ffree(out);
    L.dw_act = ACT_RELU6;
    out = run(&L, &w, in, NULL);
    expect_exact("separable dw_act relu6", out, &six, 1, 1, 1);
    ffree(out);
    L.act.flags = SG_ACT_HI;
    L.act.hi = 5.5f;
    out = run(&L, &w, in, NULL);
    expect_exact("separable act max 5.5", out, &five5, 1, 1, 1);
    ffree(out);
}
END_TEST

/* One small layer of each op, with every activation and bias on. */
static sg_layer op_layer(int which)
{
    const geo g = {3, 3, 2, 1, 1, 2, 1, 2, 1, 2};
    sg_layer L;
    switch (which) {
    case 0:
        L = mk_dw(6, 7, 3, g, 2);
        break;
    case 1:
        L = mk_pw(3, 4, 6, 4);
        set_groups(&L, 2);
        break;
    case 2:
        L = mk_sep(6, 7, 3, g, 2, 5);
        break;
    case 3:
        L = mk_deconv(3, 7, 3, g, 6, 7);
        break;
    default:
        L = mk_bottleneck(7, 6, 4, 3, 3, 2, 2, 3, 2, 6);
        break;
    }
    L.dw_act = ACT_RELU6;
    L.mid_act = ACT_RELU;
    L.act.flags = SG_ACT_LO | SG_ACT_HI;
    L.act.lo = -0.5f;
    L.act.hi = 0.75f;
    return L;
}

START_TEST(bias_off_ignores_bias_pointers)
{
    /* bias = 0: NULL biases are fine, and non-NULL ones are ignored; both
     * equal bias = 1 with all-zero biases */
    sg_layer L = op_layer(_i);
    wbufs wb;
    sg_weights w, wnull, wzero;
    float *in, *a, *b, *c;
    float *zero = fbuf(64, 0.0f);
    rng = 300u + (uint32_t)_i;
    wb = rand_weights(&L);
    w = wnull = wzero = view(&wb);
    wnull.dw_b = wnull.pw_b = wnull.up_b = NULL;
    wzero.dw_b = wb.dw_b ? zero : NULL;
    wzero.pw_b = wb.pw_b ? zero : NULL;
    wzero.up_b = wb.up_b ? zero : NULL;
    in = frandbuf(n_in(&L));
    c = run(&L, &wzero, in, NULL);
    L.bias = 0;
    a = run(&L, &wnull, in, NULL);
    b = run(&L, &w, in, NULL);
    expect_exact("bias off, NULL", a, c, L.out_h, L.out_w, L.out_c);
    expect_exact("bias off, pointers set", b, c, L.out_h, L.out_w, L.out_c);
    ffree(a);
    ffree(b);
    ffree(c);
    ffree(in);
    ffree(zero);
    free_weights(&wb);
}
END_TEST

START_TEST(bias_adds_after_sum)
{
    /* bias = 1 shifts every pre-activation value by the bias: with no
     * activation, run(b) - run(0) == b per output channel (dwconv/pwconv) */
    for (int which = 0; which < 2; which++) {
        sg_layer L = op_layer(which);
        wbufs wb;
        sg_weights w, w0;
        float *in, *a, *b, *zero = fbuf(64, 0.0f);
        const float *bias;
        L.act = ACT_NONE;
        rng = 400u + (uint32_t)which;
        wb = rand_weights(&L);
        w = w0 = view(&wb);
        w0.dw_b = w0.pw_b = zero;
        bias = which == 0 ? wb.dw_b : wb.pw_b;
        in = frandbuf(n_in(&L));
        a = run(&L, &w, in, NULL);
        b = run(&L, &w0, in, NULL);
        for (size_t k = 0; k < n_out(&L); k++)
            ck_assert_msg(fabsf(a[k] - b[k] - bias[k % (size_t)L.out_c]) <=
                              1e-5f,
                          "op %d: element %zu: bias not added", which, k);
        ffree(a);
        ffree(b);
        ffree(in);
        ffree(zero);
        free_weights(&wb);
    }
}
END_TEST

/* ==== composite ops ======================================================== */

/* sepcase: {h, w, c, geo, mult, cout, groups, residual} */
static const struct sep_case {
    int h, w, c;
    geo g;
    int mult, cout, groups, residual;
} sep_cases[] = {
    {9, 7, 3, {3, 3, 2, 2, 1, 1, 1, 1, 1, 0}, 2, 5, 1, SG_RESIDUAL_NONE},
    {8, 8, 4, {3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 4, 2, SG_RESIDUAL_SELF},
    {10, 9, 2, {5, 3, 1, 2, 2, 1, 4, 0, 4, 2}, 3, 6, 3, SG_RESIDUAL_NAMED},
    {5, 6, 8, {1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, 1, 8, 4, SG_RESIDUAL_SELF},
};

START_TEST(separable_equals_dwconv_then_pwconv)
{
    const struct sep_case *sc = &sep_cases[_i];
    sg_layer L = mk_sep(sc->h, sc->w, sc->c, sc->g, sc->mult, sc->cout);
    sg_layer D = mk_dw(sc->h, sc->w, sc->c, sc->g, sc->mult);
    sg_layer P;
    wbufs wb;
    sg_weights w;
    float *in, *skip = NULL, *whole, *mid, *parts;
    if (sc->groups > 1)
        set_groups(&L, sc->groups);
    L.dw_act = ACT_RELU6;
    L.act.flags = SG_ACT_LO | SG_ACT_HI;
    L.act.lo = -1.0f;
    L.act.hi = 2.0f;
    L.residual = sc->residual;
    L.skip_layer = sc->residual == SG_RESIDUAL_NAMED ? 0 : -1;
    ck_assert_int_eq(L.mid_h, D.out_h);
    ck_assert_int_eq(L.mid_w, D.out_w);
    ck_assert_int_eq(L.mid_c, D.out_c);
    ck_assert_uint_eq(sg_generic_scratch_floats(&L),
                      (size_t)L.mid_h * L.mid_w * L.mid_c);
    P = mk_pw(L.mid_h, L.mid_w, L.mid_c, sc->cout);
    copy_topo(&P, &L);
    D.act = L.dw_act;
    P.act = L.act;
    /* the separable's residual is its own input: a named skip for P */
    P.residual = sc->residual == SG_RESIDUAL_NONE ? SG_RESIDUAL_NONE
                                                  : SG_RESIDUAL_NAMED;
    rng = 500u + (uint32_t)_i;
    wb = rand_weights(&L);
    w = view(&wb);
    in = frandbuf(n_in(&L));
    if (sc->residual == SG_RESIDUAL_NAMED)
        skip = frandbuf(n_out(&L));
    whole = run(&L, &w, in, skip);
    mid = run(&D, &w, in, NULL);
    parts = run(&P, &w, mid, sc->residual == SG_RESIDUAL_SELF ? in : skip);
    expect_near("separable vs parts", whole, parts, L.out_h, L.out_w, L.out_c,
                TOL_SAME);
    ffree(parts);
    ffree(mid);
    ffree(whole);
    ffree(skip);
    ffree(in);
    free_weights(&wb);
}
END_TEST

/* {h, w, c, kh, kw, sh, sw, up_kh, up_kw, cout, topology, residual, bias} */
static const struct bn_case {
    int h, w, c, kh, kw, sh, sw, up_kh, up_kw, cout, topo, residual, bias;
} bn_cases[] = {
    {9, 9, 8, 3, 3, 2, 2, 3, 3, 8, 2, SG_RESIDUAL_SELF, 1},  /* groups 2 */
    {10, 7, 6, 3, 3, 2, 2, 4, 4, 4, 0, SG_RESIDUAL_NONE, 1}, /* dense    */
    {8, 8, 6, 5, 3, 2, 1, 2, 3, 6, 1, SG_RESIDUAL_NAMED, 1}, /* 1-d wrap */
    {11, 5, 4, 3, 3, 3, 3, 3, 3, 4, 0, SG_RESIDUAL_SELF, 0}, /* stride 3 */
};

START_TEST(bottleneck_equals_its_parts)
{
    const struct bn_case *bc = &bn_cases[_i];
    sg_layer L = mk_bottleneck(bc->h, bc->w, bc->c, bc->kh, bc->kw, bc->sh,
                               bc->sw, bc->up_kh, bc->up_kw, bc->cout);
    const geo gd = {L.kh, L.kw, L.sh, L.sw, 1, 1, L.pt, L.pl, L.pb, L.pr};
    const geo gu = {L.up_kh, L.up_kw, L.sh, L.sw, 1, 1,
                    L.up_pt, L.up_pl, L.up_pb, L.up_pr};
    sg_layer D = mk_dw(bc->h, bc->w, bc->c, gd, 1), P, U;
    wbufs wb;
    sg_weights w, wu;
    float *in, *skip = NULL, *whole, *down, *proj, *parts;
    if (bc->topo == 2) {
        set_groups(&L, 2);
    } else if (bc->topo == 1) { /* 6 -> 6, grid {6}/{6}, window 4 */
        const int gi[1] = {6}, go[1] = {6}, win[1] = {4};
        set_topo(&L, 1, gi, go, win);
    }
    L.bias = bc->bias;
    L.dw_act = ACT_RELU6;
    L.mid_act.flags = SG_ACT_LO | SG_ACT_HI;
    L.mid_act.lo = -1.0f;
    L.mid_act.hi = 1.0f;
    L.act = ACT_RELU;
    L.residual = bc->residual;
    L.skip_layer = bc->residual == SG_RESIDUAL_NAMED ? 0 : -1;
    ck_assert_int_eq(L.mid_h, D.out_h);
    ck_assert_int_eq(L.mid_w, D.out_w);
    ck_assert_uint_eq(sg_generic_scratch_floats(&L),
                      (size_t)L.mid_h * L.mid_w * (L.in_c + L.mid_c));
    P = mk_pw(L.mid_h, L.mid_w, bc->c, bc->cout);
    copy_topo(&P, &L);
    U = mk_deconv(L.mid_h, L.mid_w, bc->cout, gu, bc->h, bc->w);
    D.bias = P.bias = U.bias = L.bias;
    D.act = L.dw_act;
    P.act = L.mid_act;
    U.act = L.act;
    U.residual = bc->residual == SG_RESIDUAL_NONE ? SG_RESIDUAL_NONE
                                                  : SG_RESIDUAL_NAMED;
    rng = 600u + (uint32_t)_i;
    wb = rand_weights(&L);
    w = view(&wb);
    wu = w;
    wu.dw_w = wb.up_w;
    wu.dw_b = wb.up_b;
    in = frandbuf(n_in(&L));
    if (bc->residual == SG_RESIDUAL_NAMED)
        skip = frandbuf(n_out(&L));
    whole = run(&L, &w, in, skip);
    down = run(&D, &w, in, NULL);
    proj = run(&P, &w, down, NULL);
    parts = run(&U, &wu, proj, bc->residual == SG_RESIDUAL_SELF ? in : skip);
    expect_near("bottleneck vs parts", whole, parts, L.out_h, L.out_w,
                L.out_c, TOL_SAME);
    ffree(parts);
    ffree(proj);
    ffree(down);
    ffree(whole);
    ffree(skip);
    ffree(in);
    free_weights(&wb);
}
END_TEST

START_TEST(scratch_sizes)
{
    /* separable: mid_h*mid_w*mid_c; bottleneck: mid_h*mid_w*(in_c + mid_c) */
    const geo g = {3, 3, 2, 2, 1, 1, 1, 1, 1, 0};
    sg_layer S = mk_sep(9, 7, 3, g, 2, 5); /* mid 5 x 3 x 6 */
    sg_layer B = mk_bottleneck(9, 9, 8, 3, 3, 2, 2, 3, 3, 8); /* mid 5x5 */
    sg_layer B2 = mk_bottleneck(9, 9, 6, 3, 3, 2, 2, 3, 3, 4);
    ck_assert_uint_eq(sg_generic_scratch_floats(&S), 5 * 3 * 6);
    ck_assert_uint_eq(sg_generic_scratch_floats(&B), 25 * 8 + 25 * 8);
    ck_assert_uint_eq(sg_generic_scratch_floats(&B2), 25 * 6 + 25 * 4);
    for (int k = 0; k < 5; k++) {
        const sg_layer L = op_layer(k);
        if (L.op != SG_OP_SEPARABLE && L.op != SG_OP_BOTTLENECK)
            ck_assert_uint_eq(sg_generic_scratch_floats(&L), 0);
        ck_assert_uint_eq(sg_generic_scratch_floats(&L), L.scratch_floats);
    }
}
END_TEST

/* ==== the ops of whole networks =========================================== */

/* conv on a 3x3 image of 2 channels: value 10*c + pixel (pixel 0..8),
 * k = 2, stride 1, valid: out[y][x][o] = sum of w[o][i][j][s] * in[y+i][x+j][s]. */
START_TEST(conv_hand)
{
    float in[18], w[2 * 2 * 2 * 2], b[2] = {0.5f, -1};
    for (int p = 0; p < 9; p++) { in[2 * p] = (float)p; in[2 * p + 1] = 10.0f + (float)p; }
    /* output 0: taps of channel 0 only, weight 1; output 1: channel 1, weight 2 */
    for (int k = 0; k < 16; k++) w[k] = 0.0f;
    for (int t = 0; t < 4; t++) { w[t * 2 + 0] = 1.0f; w[8 + t * 2 + 1] = 2.0f; }
    sg_layer L = layer(SG_OP_CONV, 3, 3, 2);
    L.kh = L.kw = 2;
    L.out_h = L.out_w = L.mid_h = L.mid_w = 2;
    sg_weights wt = {.conv_w = w, .conv_b = b};
    float *out = run(&L, &wt, in, NULL);
    /* window sums of pixel values: (0+1+3+4), (1+2+4+5), (3+4+6+7), (4+5+7+8) */
    const float want[8] = {8.5f, 2 * 48 - 1, 12.5f, 2 * 52 - 1, 20.5f, 2 * 60 - 1, 24.5f, 2 * 64 - 1};
    expect_exact("conv 2x2 valid", out, want, 2, 2, 2);
    ffree(out);
}
END_TEST

/* conv with groups = C and cout = C is dwconv; with k = 1 and one group it
 * is a dense pwconv (the weights rearranged) */
START_TEST(conv_special_cases)
{
    const geo g = {3, 3, 2, 2, 1, 1, 1, 1, 1, 1};
    sg_layer D = mk_dw(7, 6, 5, g, 1);
    sg_layer C = D;
    C.op = SG_OP_CONV;
    C.groups = 5;
    float *in = frandbuf(7 * 6 * 5), *dw = frandbuf(9 * 5), *db = frandbuf(5), *cw = fbuf(5 * 9, 0);
    for (int o = 0; o < 5; o++)
        for (int t = 0; t < 9; t++) cw[o * 9 + t] = dw[t * 5 + o];
    sg_weights wd = {.dw_w = dw, .dw_b = db}, wc = {.conv_w = cw, .conv_b = db};
    float *a = run(&D, &wd, in, NULL), *c = run(&C, &wc, in, NULL);
    expect_near("conv groups = C vs dwconv", c, a, D.out_h, D.out_w, 5, TOL_SAME);
    ffree(a); ffree(c);

    sg_layer P = mk_pw(4, 3, 6, 7);
    sg_layer Q = layer(SG_OP_CONV, 4, 3, 6);
    Q.out_c = Q.mid_c = 7;
    float *in2 = frandbuf(4 * 3 * 6), *pw = frandbuf(7 * 6), *pb = frandbuf(7);
    sg_weights wp = {.pw_w = pw, .pw_b = pb}, wq = {.conv_w = pw, .conv_b = pb};
    float *x = run(&P, &wp, in2, NULL), *y = run(&Q, &wq, in2, NULL);
    expect_near("conv k = 1 vs pwconv", y, x, 4, 3, 7, TOL_SAME);
    ffree(x); ffree(y); ffree(in); ffree(dw); ffree(db); ffree(cw); ffree(in2); ffree(pw); ffree(pb);
}
END_TEST

/* pools on a 3x3 image holding 1..9 */
START_TEST(pool_hand)
{
    const float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    sg_weights none = {.dw_w = NULL};
    sg_layer L = layer(SG_OP_POOL, 3, 3, 1);
    L.kh = L.kw = 2;
    L.out_h = L.out_w = L.mid_h = L.mid_w = 2;
    L.pool = SG_POOL_AVG;
    float *out = run(&L, &none, in, NULL);
    const float avg[4] = {3, 4, 6, 7}, mx[4] = {5, 6, 8, 9};
    expect_exact("avg 2x2, stride 1", out, avg, 2, 2, 1);
    ffree(out);
    L.pool = SG_POOL_MAX;
    out = run(&L, &none, in, NULL);
    expect_exact("max 2x2, stride 1", out, mx, 2, 2, 1);
    ffree(out);
    /* 3x3 "same" (pad 1 all round), stride 2: corners average 4 cells, or
     * divide by 9 with count_pad; max ignores the padding */
    L.kh = L.kw = 3;
    L.sh = L.sw = 2;
    L.pt = L.pl = L.pb = L.pr = 1;
    L.pool = SG_POOL_AVG;
    out = run(&L, &none, in, NULL);
    const float same[4] = {3, 4, 6, 7}, same_cp[4] = {12.0f / 9, 16.0f / 9, 24.0f / 9, 28.0f / 9};
    expect_exact("avg 3x3 same, stride 2", out, same, 2, 2, 1);
    ffree(out);
    L.count_pad = 1;
    out = run(&L, &none, in, NULL);
    expect_exact("avg 3x3 same, count_pad", out, same_cp, 2, 2, 1);
    ffree(out);
    L.pool = SG_POOL_MAX;
    L.count_pad = 0;
    out = run(&L, &none, in, NULL);
    const float same_max[4] = {5, 6, 8, 9};
    expect_exact("max 3x3 same, stride 2", out, same_max, 2, 2, 1);
    ffree(out);
    /* global: one window over the whole input */
    L.kh = L.kw = 3;
    L.sh = L.sw = 1;
    L.pt = L.pl = L.pb = L.pr = 0;
    L.out_h = L.out_w = L.mid_h = L.mid_w = 1;
    L.pool = SG_POOL_AVG;
    out = run(&L, &none, in, NULL);
    ck_assert_float_eq(out[0], 5.0f);
    ffree(out);
    L.pool = SG_POOL_MAX;
    out = run(&L, &none, in, NULL);
    ck_assert_float_eq(out[0], 9.0f);
    ffree(out);
}
END_TEST

/* fc: the input flattened in NHWC order, [1][2][2] -> 2 outputs */
START_TEST(fc_hand)
{
    const float in[4] = {1, 2, 3, 4}; /* [0][0][0], [0][0][1], [0][1][0], [0][1][1] */
    const float w[8] = {1, 0, 0, 0, 1, 10, 100, 1000}, b[2] = {0.5f, 0};
    sg_layer L = layer(SG_OP_FC, 1, 2, 2);
    L.out_h = L.out_w = L.mid_h = L.mid_w = 1;
    L.out_c = L.mid_c = 2;
    sg_weights wt = {.fc_w = w, .fc_b = b};
    float *out = run(&L, &wt, in, NULL);
    const float want[2] = {1.5f, 4321};
    expect_exact("fc", out, want, 1, 1, 2);
    ffree(out);
}
END_TEST

/* se on [1][2][2]: channel means 2 and 30; r = relu(1 * m0 - 0.1 * m1 + 2)
 * = 1; e = hsigmoid(w2 r + b2) = hsigmoid(0), hsigmoid(3): 1/2 and 1 */
START_TEST(se_hand)
{
    const float in[4] = {1, 20, 3, 40};
    const float w1[2] = {1, -0.1f}, b1[1] = {2}, w2[2] = {1, 4}, b2[2] = {-1, -1};
    sg_layer L = layer(SG_OP_SE, 1, 2, 2);
    L.reduce = 1;
    L.se_act = ACT_RELU;
    L.gate.kind = SG_ACT_HSIGMOID;
    sg_weights wt = {.se_w1 = w1, .se_b1 = b1, .se_w2 = w2, .se_b2 = b2};
    float *out = run(&L, &wt, in, NULL);
    const float want[4] = {0.5f, 20, 1.5f, 40};
    expect_exact("se", out, want, 1, 2, 2);
    ffree(out);
}
END_TEST

/* softmax over channels: e^(x - max) / sum, stable for large inputs */
START_TEST(softmax_hand)
{
    const float in[6] = {1, 2, 3, 1000, 1000, 1000};
    sg_weights none = {.dw_w = NULL};
    sg_layer L = layer(SG_OP_SOFTMAX, 1, 2, 3);
    float *out = run(&L, &none, in, NULL);
    const double s = 1.0 + exp(-1.0) + exp(-2.0);
    const float want[6] = {(float)(exp(-2.0) / s), (float)(exp(-1.0) / s), (float)(1.0 / s),
                           1.0f / 3, 1.0f / 3, 1.0f / 3};
    expect_near("softmax", out, want, 1, 2, 3, 1e-6);
    ffree(out);
}
END_TEST

/* ==== MobileNet-v1 sizes =================================================== */

static const struct mbv1_case {
    int h, w, c, s, cout;
} mbv1_cases[] = {
    {112, 112, 32, 1, 64},
    {112, 112, 64, 2, 128},
    {14, 14, 512, 1, 512},
    {7, 7, 1024, 1, 1024},
};

START_TEST(mobilenet_separable)
{
    /* MobileNet-v1 blocks (3x3 same, relu6 twice) against their parts */
    const struct mbv1_case *mc = &mbv1_cases[_i];
    geo g = {3, 3, mc->s, mc->s, 1, 1, 0, 0, 0, 0};
    sg_layer L, D, P;
    wbufs wb;
    sg_weights w;
    float *in, *whole, *mid, *parts;
    tf_same(mc->h, 3, mc->s, 1, &g.pt, &g.pb);
    tf_same(mc->w, 3, mc->s, 1, &g.pl, &g.pr);
    L = mk_sep(mc->h, mc->w, mc->c, g, 1, mc->cout);
    D = mk_dw(mc->h, mc->w, mc->c, g, 1);
    P = mk_pw(L.mid_h, L.mid_w, mc->c, mc->cout);
    L.dw_act = D.act = ACT_RELU6;
    L.act = P.act = ACT_RELU6;
    ck_assert_int_eq(L.out_h, (mc->h + mc->s - 1) / mc->s);
    rng = 700u + (uint32_t)_i;
    wb = rand_weights(&L);
    w = view(&wb);
    in = frandbuf(n_in(&L));
    whole = run(&L, &w, in, NULL);
    mid = run(&D, &w, in, NULL);
    parts = run(&P, &w, mid, NULL);
    expect_near("mobilenet block vs parts", whole, parts, L.out_h, L.out_w,
                L.out_c, TOL_SAME);
    ffree(parts);
    ffree(mid);
    ffree(whole);
    ffree(in);
    free_weights(&wb);
}
END_TEST

/* ==== runner =============================================================== */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *generic_suite(void)
{
    Suite *s = suite_create("sg_generic");
    TCase *tc;

    tc = tcase_create("dwconv");
    tcase_add_test(tc, dwconv_k1_identity);
    tcase_add_test(tc, dwconv_center_tap_identity);
    tcase_add_test(tc, dwconv_ones_3x3_constant);
    tcase_add_test(tc, dwconv_tf_same_padding);
    tcase_add_test(tc, dwconv_dilation);
    tcase_add_test(tc, dwconv_multiplier_hand);
    tcase_add_test(tc, dwconv_multiplier_equals_replicated_input);
    suite_add_tcase(s, tc);

    tc = tcase_create("pwconv");
    tcase_add_test(tc, pwconv_dense_hand);
    tcase_add_test(tc, pwconv_groups_hand);
    tcase_add_test(tc, pwconv_groups_block_diagonal);
    tcase_add_test(tc, pwconv_topology_1d_wrap);
    tcase_add_test(tc, pwconv_topology_2d_onehot);
    tcase_add_loop_test(tc, pwconv_topology_vs_enumerate_sort, 0,
                        N(topo_cases));
    tcase_add_test(tc, pwconv_full_window_is_dense);
    suite_add_tcase(s, tc);

    tc = tcase_create("dwdeconv");
    tcase_add_test(tc, dwdeconv_scatter_hand);
    tcase_add_loop_test(tc, dwdeconv_adjoint_of_dwconv, 0, N(adj_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("act_residual_bias");
    tcase_add_test(tc, activations_hand);
    tcase_add_test(tc, sg_expf_within_2_ulp);
    tcase_add_test(tc, conv_hand);
    tcase_add_test(tc, conv_special_cases);
    tcase_add_test(tc, pool_hand);
    tcase_add_test(tc, fc_hand);
    tcase_add_test(tc, se_hand);
    tcase_add_test(tc, softmax_hand);
    tcase_add_test(tc, residual_hand);
    tcase_add_test(tc, separable_dw_act_hand);
    tcase_add_loop_test(tc, bias_off_ignores_bias_pointers, 0, 5);
    tcase_add_test(tc, bias_adds_after_sum);
    suite_add_tcase(s, tc);

    tc = tcase_create("composite");
    tcase_add_loop_test(tc, separable_equals_dwconv_then_pwconv, 0,
                        N(sep_cases));
    tcase_add_loop_test(tc, bottleneck_equals_its_parts, 0, N(bn_cases));
    tcase_add_test(tc, scratch_sizes);
    suite_add_tcase(s, tc);

    tc = tcase_create("mobilenet_sizes");
    tcase_set_timeout(tc, 300); /* generous for sanitizer builds */
    tcase_add_loop_test(tc, mobilenet_separable, 0, N(mbv1_cases));
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(generic_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
