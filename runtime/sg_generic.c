/* sg_generic.c - the generic kernels: README "Layer semantics" as plain
 * loops.
 *
 * These are the oracle every generated kernel is tested against, so they are
 * written for obviousness, not speed: one helper per primitive of the spec
 * (depthwise convolution, its adjoint, channel projection, residual,
 * activation), composed per op exactly as the semantics read.  They share no
 * code with the generated path.
 *
 * Accumulation is in float and in the natural order: start from 0, add the
 * terms, then the bias, then the residual, then clamp.
 *
 * Index arithmetic: coordinates (which may be negative near a padded border)
 * are long; offsets into tensors and weights are size_t.  Every tensor is
 * below 2^31 elements (the generator guarantees it).
 *
 * No malloc, no globals; the only memory written is out and scratch.
 */
#include "sg.h"

#include <math.h>
#include <stddef.h>

/* Offset of element [y][x][c] of a tensor [.][w][ch]. */
static size_t at3(long y, long x, long c, long w, long ch)
{
    return ((size_t)y * (size_t)w + (size_t)x) * (size_t)ch + (size_t)c;
}

/* ---- depthwise convolution and its adjoint -------------------------------- */

/* The geometry of one forward depthwise convolution (README "Layer
 * semantics", dwconv): it maps an image [ih][iw][c] to [oh][ow][c*mult].
 * The bottom and right padding only determine oh and ow (already resolved);
 * reads beyond the image are zero, so the loops need just the top and left
 * padding. */
typedef struct dw_geom {
    long ih, iw;     /* forward input  (the larger image)  */
    long oh, ow;     /* forward output (the smaller image) */
    long c, mult;    /* input channels, channel multiplier */
    long kh, kw;     /* kernel                             */
    long sh, sw;     /* stride                             */
    long dh, dw;     /* dilation                           */
    long pt, pl;     /* top and left padding               */
} dw_geom;

/* out[y][x][c*mult+q] = b[c*mult+q]
 *     + sum_{i<kh, j<kw} w[i][j][c*mult+q] * in[y*sh-pt+i*dh][x*sw-pl+j*dw][c]
 * with reads outside in zero.  in [ih][iw][c], out [oh][ow][c*mult],
 * w [kh][kw][c*mult], b [c*mult] or NULL (no bias). */
static void dwconv(const dw_geom *g, const float *in, const float *w,
                   const float *b, float *out)
{
    const long cm = g->c * g->mult;
    for (long y = 0; y < g->oh; y++)
        for (long x = 0; x < g->ow; x++)
            for (long c = 0; c < g->c; c++)
                for (long q = 0; q < g->mult; q++) {
                    const long oc = c * g->mult + q;
                    float acc = 0.0f;
                    for (long i = 0; i < g->kh; i++) {
                        const long iy = y * g->sh - g->pt + i * g->dh;
                        if (iy < 0 || iy >= g->ih)
                            continue;
                        for (long j = 0; j < g->kw; j++) {
                            const long ix = x * g->sw - g->pl + j * g->dw;
                            if (ix < 0 || ix >= g->iw)
                                continue;
                            acc += w[at3(i, j, oc, g->kw, cm)] *
                                   in[at3(iy, ix, c, g->iw, g->c)];
                        }
                    }
                    if (b)
                        acc += b[oc];
                    out[at3(y, x, oc, g->ow, cm)] = acc;
                }
}

/* The exact adjoint of dwconv (README "Layer semantics", dwdeconv;
 * multiplier 1): each pixel [y][x] of in [oh][ow][c] scatters w[i][j][c] * in[y][x][c] to
 * out[y*sh-pt+i*dh][x*sw-pl+j*dw][c]; writes outside out [ih][iw][c] are
 * dropped.  Then the bias.  w [kh][kw][c], b [c] or NULL. */
static void dwdeconv(const dw_geom *g, const float *in, const float *w,
                     const float *b, float *out)
{
    const size_t n = (size_t)g->ih * (size_t)g->iw * (size_t)g->c;
    for (size_t k = 0; k < n; k++)
        out[k] = 0.0f;
    for (long y = 0; y < g->oh; y++)
        for (long x = 0; x < g->ow; x++)
            for (long c = 0; c < g->c; c++) {
                const float v = in[at3(y, x, c, g->ow, g->c)];
                for (long i = 0; i < g->kh; i++) {
                    const long ty = y * g->sh - g->pt + i * g->dh;
                    if (ty < 0 || ty >= g->ih)
                        continue;
                    for (long j = 0; j < g->kw; j++) {
                        const long tx = x * g->sw - g->pl + j * g->dw;
                        if (tx < 0 || tx >= g->iw)
                            continue;
                        out[at3(ty, tx, c, g->iw, g->c)] +=
                            w[at3(i, j, c, g->kw, g->c)] * v;
                    }
                }
            }
    if (b)
        for (size_t p = 0; p < (size_t)g->ih * (size_t)g->iw; p++)
            for (long c = 0; c < g->c; c++)
                out[p * (size_t)g->c + (size_t)c] += b[c];
}

/* ---- channel projection --------------------------------------------------- */

/* Is input channel ic one of the channels output channel o reads (topology)?
 * Channel index <-> grid coordinate is row-major, last dimension fastest.
 * Output (o1..od) reads the inputs i_j = (floor(o_j*a_j/b_j) + t_j) mod a_j,
 * 0 <= t_j < s_j; i.e. ic is connected iff for every j,
 * (i_j - floor(o_j*a_j/b_j)) mod a_j < s_j.  Dense: every channel. */
static int pw_connected(const sg_layer *L, long o, long ic)
{
    for (int j = L->topo_dims - 1; j >= 0; j--) {
        const long a = L->grid_in[j], b = L->grid_out[j];
        const long oj = o % b, ij = ic % a;
        const long base = (long)((long long)oj * a / b); /* in [0, a) */
        long t = ij - base;                              /* in (-a, a) */
        o /= b;
        ic /= a;
        if (t < 0)
            t += a;
        if (t >= L->window[j])
            return 0;
    }
    return 1;
}

/* Inputs per output channel: S = prod(window), or pw_cin when dense. */
static long pw_inputs(const sg_layer *L)
{
    long s = 1;
    if (L->topo_dims == 0)
        return L->pw_cin;
    for (int j = 0; j < L->topo_dims; j++)
        s *= L->window[j];
    return s;
}

/* out[p][o] = b[o] + sum_{s<S} w[o][s] * in[p][src(o, s)] for npix pixels,
 * where src(o, s) is the s-th input channel connected to o in increasing
 * channel index.  in [npix][pw_cin], out [npix][pw_cout], w [pw_cout][S],
 * b [pw_cout] or NULL.
 *
 * Walking the input channels in increasing order and counting the connected
 * ones gives each its slot s directly (the same as enumerating the window and
 * sorting).  Pixels are taken in blocks so the connectivity test is not
 * repeated for every pixel; each out[p][o] still sums its terms in slot order,
 * from 0, then adds the bias. */
static void pwconv(const sg_layer *L, size_t npix, const float *in,
                   const float *w, const float *b, float *out)
{
    enum { BLOCK = 64 };
    const long cin = L->pw_cin, cout = L->pw_cout, S = pw_inputs(L);
    for (size_t p0 = 0; p0 < npix; p0 += BLOCK) {
        const size_t p1 = npix - p0 < BLOCK ? npix : p0 + BLOCK;
        for (long o = 0; o < cout; o++) {
            long s = 0;
            for (size_t p = p0; p < p1; p++)
                out[p * (size_t)cout + (size_t)o] = 0.0f;
            for (long ic = 0; ic < cin && s < S; ic++) {
                if (!pw_connected(L, o, ic))
                    continue;
                /* ic is the s-th connected input channel of o */
                const float wv = w[(size_t)o * (size_t)S + (size_t)s];
                for (size_t p = p0; p < p1; p++)
                    out[p * (size_t)cout + (size_t)o] +=
                        wv * in[p * (size_t)cin + (size_t)ic];
                s++;
            }
            if (b)
                for (size_t p = p0; p < p1; p++)
                    out[p * (size_t)cout + (size_t)o] += b[o];
        }
    }
}

/* ---- activation and residual ---------------------------------------------- */

static float relu6(float x) { return x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x; }

static void activate(float *v, size_t n, sg_act a)
{
    for (size_t k = 0; k < n; k++) {
        float t = v[k];
        switch (a.kind) {
        case SG_ACT_HSWISH: t = t * relu6(t + 3.0f) / 6.0f; break;
        case SG_ACT_HSIGMOID: t = relu6(t + 3.0f) / 6.0f; break;
        case SG_ACT_SIGMOID: t = 1.0f / (1.0f + expf(-t)); break;
        case SG_ACT_AFFINE: t = a.scale * t + a.offset; break;
        default:
            if (a.flags & SG_ACT_LO)
                t = t < a.lo ? a.lo : t;
            if (a.flags & SG_ACT_HI)
                t = t > a.hi ? a.hi : t;
        }
        v[k] = t;
    }
}

/* out = act(out + x): x is the layer's own input (residual = true), the skip
 * tensor (residual = "name"), or nothing.  x has the output's shape. */
static void finish(const sg_layer *L, const float *in, const float *skip,
                   float *out)
{
    const size_t n = (size_t)L->out_h * (size_t)L->out_w * (size_t)L->out_c;
    const float *x = L->residual == SG_RESIDUAL_SELF    ? in
                     : L->residual == SG_RESIDUAL_NAMED ? skip
                                                        : NULL;
    if (x)
        for (size_t k = 0; k < n; k++)
            out[k] += x[k];
    activate(out, n, L->act);
}

/* ---- the ops -------------------------------------------------------------- */

/* The layer's own depthwise geometry: dwconv and separable map in -> mid
 * (= out for dwconv); for dwdeconv the forward conv maps out -> in. */
static dw_geom layer_geom(const sg_layer *L, long ih, long iw, long oh,
                          long ow, long c, long mult)
{
    dw_geom g;
    g.ih = ih;
    g.iw = iw;
    g.oh = oh;
    g.ow = ow;
    g.c = c;
    g.mult = mult;
    g.kh = L->kh;
    g.kw = L->kw;
    g.sh = L->sh;
    g.sw = L->sw;
    g.dh = L->dh;
    g.dw = L->dw;
    g.pt = L->pt;
    g.pl = L->pl;
    return g;
}

/* ---- the ops of whole networks ------------------------------------------ */

/* conv: out[y][x][o] = b[o] + sum over i, j, s < C/groups of
 * w[o][i][j][s] * in[y*sh-pt+i*dh][x*sw-pl+j*dw][g*C/groups + s], g the
 * group of o; reads outside the input are zero. */
static void conv(const sg_layer *L, const float *in, const float *w, const float *b, float *out)
{
    const long cg = L->in_c / L->groups, og = L->out_c / L->groups;
    for (long y = 0; y < L->out_h; y++)
        for (long x = 0; x < L->out_w; x++)
            for (long o = 0; o < L->out_c; o++) {
                const long g = o / og;
                float acc = 0.0f;
                for (long i = 0; i < L->kh; i++) {
                    const long iy = y * L->sh - L->pt + i * L->dh;
                    if (iy < 0 || iy >= L->in_h) continue;
                    for (long j = 0; j < L->kw; j++) {
                        const long ix = x * L->sw - L->pl + j * L->dw;
                        if (ix < 0 || ix >= L->in_w) continue;
                        for (long s = 0; s < cg; s++)
                            acc += w[((o * L->kh + i) * L->kw + j) * cg + s] *
                                   in[at3(iy, ix, g * cg + s, L->in_w, L->in_c)];
                    }
                }
                out[at3(y, x, o, L->out_w, L->out_c)] = acc + (b ? b[o] : 0.0f);
            }
}

/* pool: the average (over the window's cells inside the input, or over
 * kh*kw with count_pad) or the maximum (over the cells inside) of each
 * channel's window. */
static void pool(const sg_layer *L, const float *in, float *out)
{
    for (long y = 0; y < L->out_h; y++)
        for (long x = 0; x < L->out_w; x++)
            for (long c = 0; c < L->in_c; c++) {
                float acc = L->pool == SG_POOL_MAX ? -INFINITY : 0.0f;
                long cells = 0;
                for (long i = 0; i < L->kh; i++) {
                    const long iy = y * L->sh - L->pt + i;
                    if (iy < 0 || iy >= L->in_h) continue;
                    for (long j = 0; j < L->kw; j++) {
                        const long ix = x * L->sw - L->pl + j;
                        if (ix < 0 || ix >= L->in_w) continue;
                        const float v = in[at3(iy, ix, c, L->in_w, L->in_c)];
                        acc = L->pool == SG_POOL_MAX ? (v > acc ? v : acc) : acc + v;
                        cells++;
                    }
                }
                if (L->pool == SG_POOL_AVG)
                    acc /= (float)(L->count_pad ? (long)L->kh * L->kw : cells);
                out[at3(y, x, c, L->out_w, L->out_c)] = acc;
            }
}

/* fc: out[o] = b[o] + sum over k < H*W*C of w[o][k] * in[k], the input
 * flattened in NHWC order. */
static void fc(const sg_layer *L, const float *in, const float *w, const float *b, float *out)
{
    const size_t n = (size_t)L->in_h * (size_t)L->in_w * (size_t)L->in_c;
    for (long o = 0; o < L->out_c; o++) {
        float acc = 0.0f;
        for (size_t k = 0; k < n; k++)
            acc += w[(size_t)o * n + k] * in[k];
        out[o] = acc + (b ? b[o] : 0.0f);
    }
}

/* se: m[c] = mean of in[.][.][c]; r = se_act(b1 + w1 m); e = gate(b2 + w2 r);
 * out[y][x][c] = in[y][x][c] * e[c].  scratch: m [C], r [reduce], e [C]. */
static void se(const sg_layer *L, const float *in, const sg_weights *w, int bias, float *out, float *scratch)
{
    const long C = L->in_c, R = L->reduce;
    const size_t px = (size_t)L->in_h * (size_t)L->in_w;
    float *m = scratch, *r = scratch + C, *e = scratch + C + R;
    for (long c = 0; c < C; c++) {
        float acc = 0.0f;
        for (size_t p = 0; p < px; p++)
            acc += in[p * (size_t)C + (size_t)c];
        m[c] = acc / (float)px;
    }
    for (long j = 0; j < R; j++) {
        float acc = 0.0f;
        for (long c = 0; c < C; c++)
            acc += w->se_w1[j * C + c] * m[c];
        r[j] = acc + (bias ? w->se_b1[j] : 0.0f);
    }
    activate(r, (size_t)R, L->se_act);
    for (long c = 0; c < C; c++) {
        float acc = 0.0f;
        for (long j = 0; j < R; j++)
            acc += w->se_w2[c * R + j] * r[j];
        e[c] = acc + (bias ? w->se_b2[c] : 0.0f);
    }
    activate(e, (size_t)C, L->gate);
    for (size_t p = 0; p < px; p++)
        for (long c = 0; c < C; c++)
            out[p * (size_t)C + (size_t)c] = in[p * (size_t)C + (size_t)c] * e[c];
}

/* softmax over the channels of each pixel, computed stably: e^(x - max)
 * over their sum. */
static void softmax(const sg_layer *L, const float *in, float *out)
{
    const size_t px = (size_t)L->in_h * (size_t)L->in_w, C = (size_t)L->in_c;
    for (size_t p = 0; p < px; p++) {
        const float *x = in + p * C;
        float *y = out + p * C;
        float mx = x[0], sum = 0.0f;
        for (size_t c = 1; c < C; c++)
            mx = x[c] > mx ? x[c] : mx;
        for (size_t c = 0; c < C; c++) {
            y[c] = expf(x[c] - mx);
            sum += y[c];
        }
        for (size_t c = 0; c < C; c++)
            y[c] /= sum;
    }
}

size_t sg_generic_scratch_floats(const sg_layer *L)
{
    const size_t mid = (size_t)L->mid_h * (size_t)L->mid_w;
    switch (L->op) {
    case SG_OP_SEPARABLE:
        return mid * (size_t)L->mid_c;
    case SG_OP_BOTTLENECK:
        return mid * (size_t)L->in_c + mid * (size_t)L->mid_c;
    case SG_OP_SE:
        return 2 * (size_t)L->in_c + (size_t)L->reduce;
    default:
        return 0;
    }
}

void sg_generic_run(const sg_layer *L, const sg_weights *w, const float *in,
                    const float *skip, float *out, float *scratch)
{
    /* bias = false: every bias is zero and its pointer may be NULL */
    const float *dw_b = L->bias ? w->dw_b : NULL;
    const float *pw_b = L->bias ? w->pw_b : NULL;
    const float *up_b = L->bias ? w->up_b : NULL;

    switch (L->op) {
    case SG_OP_DWCONV: {
        const dw_geom g = layer_geom(L, L->in_h, L->in_w, L->out_h, L->out_w,
                                     L->in_c, L->mult);
        dwconv(&g, in, w->dw_w, dw_b, out);
        break;
    }
    case SG_OP_PWCONV:
        pwconv(L, (size_t)L->in_h * (size_t)L->in_w, in, w->pw_w, pw_b, out);
        break;
    case SG_OP_SEPARABLE: {
        /* dwconv -> dw_act -> pwconv; mid [mid_h][mid_w][mid_c] in scratch */
        float *mid = scratch;
        const size_t n_mid = (size_t)L->mid_h * (size_t)L->mid_w;
        const dw_geom g = layer_geom(L, L->in_h, L->in_w, L->mid_h, L->mid_w,
                                     L->in_c, L->mult);
        dwconv(&g, in, w->dw_w, dw_b, mid);
        activate(mid, n_mid * (size_t)L->mid_c, L->dw_act);
        pwconv(L, n_mid, mid, w->pw_w, pw_b, out);
        break;
    }
    case SG_OP_DWDECONV: {
        /* the adjoint of the dwconv mapping out_h x out_w to in_h x in_w */
        const dw_geom g = layer_geom(L, L->out_h, L->out_w, L->in_h, L->in_w,
                                     L->in_c, 1);
        dwdeconv(&g, in, w->dw_w, dw_b, out);
        break;
    }
    case SG_OP_BOTTLENECK: {
        /* dwconv(k, stride, dilation 1) -> dw_act -> pwconv -> mid_act ->
         * dwdeconv(up_k, stride, dilation 1) back to out_h x out_w.
         * scratch: down [mid_h][mid_w][in_c], then proj [mid_h][mid_w][mid_c]. */
        const size_t n_mid = (size_t)L->mid_h * (size_t)L->mid_w;
        float *down = scratch;
        float *proj = scratch + n_mid * (size_t)L->in_c;
        dw_geom g = layer_geom(L, L->in_h, L->in_w, L->mid_h, L->mid_w,
                               L->in_c, 1);
        g.dh = g.dw = 1;
        dwconv(&g, in, w->dw_w, dw_b, down);
        activate(down, n_mid * (size_t)L->in_c, L->dw_act);

        pwconv(L, n_mid, down, w->pw_w, pw_b, proj);
        activate(proj, n_mid * (size_t)L->mid_c, L->mid_act);

        /* the up conv's forward map takes out_h x out_w to mid_h x mid_w */
        g = layer_geom(L, L->out_h, L->out_w, L->mid_h, L->mid_w, L->out_c, 1);
        g.kh = L->up_kh;
        g.kw = L->up_kw;
        g.dh = g.dw = 1;
        g.pt = L->up_pt;
        g.pl = L->up_pl;
        dwdeconv(&g, proj, w->up_w, up_b, out);
        break;
    }
    case SG_OP_CONV:
        conv(L, in, w->conv_w, L->bias ? w->conv_b : NULL, out);
        break;
    case SG_OP_POOL:
        pool(L, in, out);
        break;
    case SG_OP_FC:
        fc(L, in, w->fc_w, L->bias ? w->fc_b : NULL, out);
        break;
    case SG_OP_SE:
        se(L, in, w, L->bias, out, scratch);
        break;
    case SG_OP_SOFTMAX:
        softmax(L, in, out);
        break;
    default:
        return; /* not an op: nothing to compute */
    }
    finish(L, in, skip, out);
}
