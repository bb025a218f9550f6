/* libnet.c - sepgen layers as XNNPACK and oneDNN compute them: see libnet.h.
 *
 * Op mapping (a layer a library cannot express fails with the reason, never
 * replaced by something else):
 *   dwconv      XNNPACK depthwise conv (multiplier mult); oneDNN grouped conv,
 *               groups = C, mult outputs per group
 *   pwconv      1x1 conv, dense or grouped; a general topology: none
 *   separable   depthwise conv, then 1x1 conv
 *   dwdeconv    grouped deconvolution, groups = C, the layer's padding, the
 *               exact output size (XNNPACK: adjustment < stride)
 *   bottleneck  depthwise conv + 1x1 conv + depthwise deconvolution
 *   conv        conv (grouped when groups > 1), weights OHWI as given
 *   pool        global average: XNNPACK global average pooling, oneDNN
 *               pooling with the whole image as window; windowed average
 *               (cells inside, or kh*kw with count_pad) and max pooling
 *   fc          fully connected / inner product over the NHWC-flattened input
 *   se          global average pool, fully connected + se_act, fully
 *               connected + gate, per-channel multiply (broadcast)
 *   softmax     softmax over the channels
 *   activations relu/relu6/clamps: XNNPACK output min/max of the op, oneDNN
 *               eltwise post-ops; hswish: XNNPACK hardswish, oneDNN
 *               hardswish post-op; sigmoid: XNNPACK sigmoid, oneDNN
 *               logistic; hsigmoid: oneDNN linear(1/6, 1/2) + clip(0, 1)
 *               post-ops, XNNPACK folded into a fully connected op's
 *               weights (w/6, b/6 + 1/2, output clamped to [0, 1]) or else
 *               add 3 clamped to [0, 6] and multiply by 1/6
 *   residual    XNNPACK add; oneDNN a sum post-op in place on x's buffer when
 *               x is not needed afterwards (else on a copy of x); after a
 *               pooling, softmax or multiply (whose sum post-op oneDNN 2.6
 *               drops) a binary add
 * oneDNN tensor layouts (ln_dnnl_build's any_layout): NHWC throughout, the
 * layouts its primitives pick (format_tag_any), or blocked nChw16c.
 */
#define _POSIX_C_SOURCE 200809L

#include "libnet.h"
#include "common.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef SG_BENCH_XNNPACK
#include <pthreadpool.h>
#include <xnnpack.h>
#endif
#ifdef SG_BENCH_ONEDNN
#include <dlfcn.h>
#include <dnnl.h>
#endif

int ln_residual_tensor(const ln_spec *s, int i)
{
    const sg_layer *L = &s->layers[i];
    if (L->residual == SG_RESIDUAL_SELF)
        return i;
    if (L->residual == SG_RESIDUAL_NAMED) {
        const int k = L->skip_layer - s->first;
        return k >= 0 && k <= i ? k : LN_SKIP;
    }
    return -1;
}

#ifndef SG_BENCH_XNNPACK_VERSION
#define SG_BENCH_XNNPACK_VERSION "version unknown"
#endif

void ln_print_libs(int have_xnn, int have_dnnl, int threads)
{
#ifdef SG_BENCH_XNNPACK
    if (threads > 1)
        printf("XNNPACK:   %s (%s), a pthreadpool of %d threads and threadpool NULL (1 thread); "
               "it picks the best ISA of\n           the CPU at run time (no ISA cap exists)\n",
               have_xnn ? "on" : "unavailable", SG_BENCH_XNNPACK_VERSION, threads);
    else
        printf("XNNPACK:   %s (%s), threadpool NULL; it picks the best ISA of the CPU at run "
               "time (no ISA cap exists)\n", have_xnn ? "on" : "unavailable",
               SG_BENCH_XNNPACK_VERSION);
#else
    (void)have_xnn;
    printf("XNNPACK:   not built in (compile with -DSG_BENCH_XNNPACK -lXNNPACK)\n");
#endif
#ifdef SG_BENCH_ONEDNN
    if (!have_dnnl) {
        printf("oneDNN:    unavailable (no CPU engine)\n");
        return;
    }
    const dnnl_version_t *v = dnnl_version();
    const char *omp = getenv("OMP_NUM_THREADS");
    const char *isa = getenv("ONEDNN_MAX_CPU_ISA");
    const dnnl_cpu_isa_t eff = dnnl_get_effective_cpu_isa();
    const char *effs = eff == dnnl_cpu_isa_sse41 ? "sse41" : eff == dnnl_cpu_isa_avx ? "avx"
                     : eff == dnnl_cpu_isa_avx2 ? "avx2"
                     : eff == dnnl_cpu_isa_avx2_vnni ? "avx2_vnni"
                     : eff == dnnl_cpu_isa_avx512_core ? "avx512_core"
                     : eff == dnnl_cpu_isa_avx512_core_vnni ? "avx512_core_vnni"
                     : eff == dnnl_cpu_isa_avx512_core_bf16 ? "avx512_core_bf16"
                     : eff == dnnl_cpu_isa_avx512_core_amx ? "avx512_core_amx" : "other";
    printf("oneDNN:    on (%d.%d.%d, %s runtime), ISA %s, OMP_NUM_THREADS=%s%s%s\n", v->major,
           v->minor, v->patch,
           v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" :
           v->cpu_runtime == DNNL_RUNTIME_SEQ ? "sequential" : "threaded", effs,
           omp ? omp : "(unset)", isa ? ", ONEDNN_MAX_CPU_ISA=" : "", isa ? isa : "");
    if (threads > 1)
        printf("           %d and 1 OpenMP threads, set with omp_set_num_threads before creating "
               "and before running each chain\n", threads);
    else if (v->cpu_runtime != DNNL_RUNTIME_SEQ && (!omp || strcmp(omp, "1") != 0))
        printf("WARNING:   oneDNN may use several threads: set OMP_NUM_THREADS=1\n");
#else
    (void)have_dnnl;
    (void)threads;
    printf("oneDNN:    not built in (compile with -DSG_BENCH_ONEDNN -ldnnl)\n");
#endif
}

#if defined(SG_BENCH_XNNPACK) || defined(SG_BENCH_ONEDNN)
static const sg_act act_none = { 0, 0.0f, 0.0f, SG_ACT_CLAMP, 0.0f, 0.0f };

/* Buffers a network owns (weight copies, constants, tensors). */
typedef struct own_list {
    void **p;
    int n, cap;
} own_list;

static void *own(own_list *o, void *p)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 64;
        o->p = realloc(o->p, (size_t)o->cap * sizeof *o->p);
        if (!o->p)
            die("out of memory");
    }
    return o->p[o->n++] = p;
}

static void own_free(own_list *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->p[i]);
    free(o->p);
    memset(o, 0, sizeof *o);
}

#endif

/* ======================================================================== */
/* ---- XNNPACK: a subgraph and its runtime ----------------------------------- */
/* ======================================================================== */

#ifdef SG_BENCH_XNNPACK
enum { X_IN = 0, X_OUT = 1, X_SKIP = 2, X_FIRST_FREE = 3 };
#define X_VALUES_PER_LAYER 24 /* external ids reserved per layer when all_external */

struct ln_xnn {
    xnn_subgraph_t sg;
    xnn_runtime_t rt;
    pthreadpool_t pool;    /* NULL: the caller's thread */
    int all_external;      /* every tensor external (the memory measurement) */
    uint32_t reserved, next_ext;
    uint32_t *t;           /* the value of T[k] */
    int has_skip;
    own_list own;          /* weight copies, constants, all_external buffers */
    struct xnn_external_value *ext; /* all_external: the internal tensors */
    size_t *ext_floats;
    int next;
    long long create_bytes, setup_bytes;
};

/* Depthwise deconvolution weights [kh][kw][C] as [C][kh][kw][1] (XNNPACK's
 * [groups * group_output][kh][kw][group_input]). */
static float *transpose_dw(own_list *o, const float *w, int kh, int kw, int c)
{
    float *t = own(o, falloc((size_t)kh * (size_t)kw * (size_t)c));
    for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++)
            for (int k = 0; k < c; k++)
                t[((size_t)k * (size_t)kh + (size_t)i) * (size_t)kw + (size_t)j] =
                    w[((size_t)i * (size_t)kw + (size_t)j) * (size_t)c + (size_t)k];
    return t;
}

static int xv_fail(enum xnn_status st, const char *what, char *why, size_t nwhy)
{
    snprintf(why, nwhy, "XNNPACK rejects %s (xnn_status %d)", what, (int)st);
    return -1;
}

/* A tensor [1][h][w][c]: internal (the runtime plans it into its workspace)
 * or, when all_external, external. */
static int xv_tensor(ln_xnn *x, int h, int w, int c, uint32_t *id, char *why, size_t nwhy)
{
    const size_t dims[4] = { 1, (size_t)h, (size_t)w, (size_t)c };
    uint32_t ext = XNN_INVALID_VALUE_ID, flags = 0;
    if (x->all_external) {
        if (x->next_ext >= x->reserved) {
            snprintf(why, nwhy, "more than %d XNNPACK tensors per layer", X_VALUES_PER_LAYER);
            return -1;
        }
        ext = x->next_ext++;
        flags = XNN_VALUE_FLAG_EXTERNAL_OUTPUT;
        x->ext[x->next].id = ext;
        x->ext_floats[x->next++] = (size_t)h * (size_t)w * (size_t)c;
    }
    const enum xnn_status st =
        xnn_define_tensor_value(x->sg, xnn_datatype_fp32, 4, dims, NULL, ext, flags, id);
    return st == xnn_status_success ? 0 : xv_fail(st, "a tensor", why, nwhy);
}

/* Static data (weights, bias, constants): XNN_INVALID_VALUE_ID for NULL. */
static int xv_static(ln_xnn *x, size_t nd, const size_t *dims, const float *data, uint32_t *id,
                     char *why, size_t nwhy)
{
    *id = XNN_INVALID_VALUE_ID;
    if (!data)
        return 0;
    const enum xnn_status st = xnn_define_tensor_value(x->sg, xnn_datatype_fp32, nd, dims, data,
                                                       XNN_INVALID_VALUE_ID, 0, id);
    return st == xnn_status_success ? 0 : xv_fail(st, "a weight tensor", why, nwhy);
}

static int xv_scalar(ln_xnn *x, float v, uint32_t *id, char *why, size_t nwhy)
{
    float *p = own(&x->own, falloc(1));
    const size_t one = 1;
    p[0] = v;
    return xv_static(x, 1, &one, p, id, why, nwhy);
}

/* Activation a after a node that writes `dst`: with a clamp, dst is `out`
 * itself and the node clamps to [lo, hi] (can_clamp) or a clamp node
 * follows; otherwise dst is a new tensor that xv_act maps to out. */
static int xv_pre(ln_xnn *x, sg_act a, int can_clamp, uint32_t out, int h, int w, int c,
                  uint32_t *dst, float *lo, float *hi, char *why, size_t nwhy)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    *dst = out;
    if (a.kind == SG_ACT_CLAMP && (can_clamp || a.flags == 0)) {
        if (a.flags & SG_ACT_LO)
            *lo = a.lo;
        if (a.flags & SG_ACT_HI)
            *hi = a.hi;
        return 0;
    }
    return xv_tensor(x, h, w, c, dst, why, nwhy);
}

static int xv_act(ln_xnn *x, sg_act a, uint32_t dst, uint32_t out, int h, int w, int c,
                  char *why, size_t nwhy)
{
    enum xnn_status st = xnn_status_success;
    if (dst == out)
        return 0;
    switch (a.kind) {
    case SG_ACT_HSWISH:
        st = xnn_define_hardswish(x->sg, dst, out, 0);
        break;
    case SG_ACT_SIGMOID:
        st = xnn_define_sigmoid(x->sg, dst, out, 0);
        break;
    case SG_ACT_HSIGMOID: {
        /* min(max(x + 3, 0), 6) / 6 */
        uint32_t c3, c6, t;
        if (xv_scalar(x, 3.0f, &c3, why, nwhy) || xv_scalar(x, 1.0f / 6.0f, &c6, why, nwhy) ||
            xv_tensor(x, h, w, c, &t, why, nwhy))
            return -1;
        st = xnn_define_add2(x->sg, 0.0f, 6.0f, dst, c3, t, 0);
        if (st == xnn_status_success)
            st = xnn_define_multiply2(x->sg, -INFINITY, INFINITY, t, c6, out, 0);
        break;
    }
    default: /* a clamp after a node that cannot clamp */
        st = xnn_define_clamp(x->sg, (a.flags & SG_ACT_LO) ? a.lo : -INFINITY,
                              (a.flags & SG_ACT_HI) ? a.hi : INFINITY, dst, out, 0);
        break;
    }
    return st == xnn_status_success ? 0 : xv_fail(st, "the activation", why, nwhy);
}

/* Forward depthwise conv [ih][iw][c] -> [oh][ow][c*mult], weights [kh][kw][c*mult]. */
static int xv_dw(ln_xnn *x, int ih, int iw, int c, int mult, int kh, int kw,
                 int sh, int sw, int dh, int dw, int pt, int pl, int pb, int pr, int oh, int ow,
                 const float *wt, const float *b, sg_act act, uint32_t in, uint32_t out,
                 char *why, size_t nwhy)
{
    if ((ih + pt + pb - (kh - 1) * dh - 1) / sh + 1 != oh ||
        (iw + pl + pr - (kw - 1) * dw - 1) / sw + 1 != ow) {
        snprintf(why, nwhy, "XNNPACK: depthwise conv output size differs from the layer's");
        return -1;
    }
    const size_t fd[4] = { 1, (size_t)kh, (size_t)kw, (size_t)c * (size_t)mult };
    const size_t bd[1] = { (size_t)c * (size_t)mult };
    uint32_t f, bi, dst;
    float lo, hi;
    if (xv_static(x, 4, fd, wt, &f, why, nwhy) || xv_static(x, 1, bd, b, &bi, why, nwhy) ||
        xv_pre(x, act, 1, out, oh, ow, c * mult, &dst, &lo, &hi, why, nwhy))
        return -1;
    const enum xnn_status st = xnn_define_depthwise_convolution_2d(
        x->sg, (uint32_t)pt, (uint32_t)pr, (uint32_t)pb, (uint32_t)pl, (uint32_t)kh, (uint32_t)kw,
        (uint32_t)sh, (uint32_t)sw, (uint32_t)dh, (uint32_t)dw, (uint32_t)mult, (size_t)c, lo, hi,
        in, f, bi, dst, 0);
    if (st != xnn_status_success)
        return xv_fail(st, "this depthwise convolution", why, nwhy);
    return xv_act(x, act, dst, out, oh, ow, c * mult, why, nwhy);
}

/* Convolution (1x1 projections too) [ih][iw][groups*gin] -> [oh][ow][groups*gout],
 * weights [groups*gout][kh][kw][gin]. */
static int xv_conv(ln_xnn *x, int groups, int gin, int gout, int kh, int kw, int sh, int sw,
                   int dh, int dw, int pt, int pl, int pb, int pr, int oh, int ow, const float *wt,
                   const float *b, sg_act act, uint32_t in, uint32_t out, char *why, size_t nwhy)
{
    const size_t oc = (size_t)groups * (size_t)gout;
    const size_t fd[4] = { oc, (size_t)kh, (size_t)kw, (size_t)gin };
    uint32_t f, bi, dst;
    float lo, hi;
    if (xv_static(x, 4, fd, wt, &f, why, nwhy) || xv_static(x, 1, &oc, b, &bi, why, nwhy) ||
        xv_pre(x, act, 1, out, oh, ow, (int)oc, &dst, &lo, &hi, why, nwhy))
        return -1;
    const enum xnn_status st = xnn_define_convolution_2d(
        x->sg, (uint32_t)pt, (uint32_t)pr, (uint32_t)pb, (uint32_t)pl, (uint32_t)kh, (uint32_t)kw,
        (uint32_t)sh, (uint32_t)sw, (uint32_t)dh, (uint32_t)dw, (uint32_t)groups, (size_t)gin,
        (size_t)gout, lo, hi, in, f, bi, dst, 0);
    if (st != xnn_status_success)
        return xv_fail(st, kh == 1 && kw == 1 ? "this 1x1 convolution" : "this convolution", why,
                       nwhy);
    return xv_act(x, act, dst, out, oh, ow, (int)oc, why, nwhy);
}

/* Depthwise deconvolution [ih][iw][c] -> [oh][ow][c], the adjoint of the
 * forward conv (k, stride, dilation, pads) mapping oh x ow to ih x iw.
 * XNNPACK's output is s*(i-1) + adj + (k-1)*d + 1 - pt - pb; adj (< s)
 * picks exactly oh. */
static int xv_deconv(ln_xnn *x, int ih, int iw, int c, int kh, int kw, int sh, int sw, int dh,
                     int dw, int pt, int pl, int pb, int pr, int oh, int ow, const float *wt,
                     const float *b, sg_act act, uint32_t in, uint32_t out, char *why, size_t nwhy)
{
    const int nat_h = sh * (ih - 1) + (kh - 1) * dh + 1 - pt - pb;
    const int nat_w = sw * (iw - 1) + (kw - 1) * dw + 1 - pl - pr;
    const int adj_h = oh - nat_h, adj_w = ow - nat_w;
    if (nat_h < 1 || nat_w < 1 || adj_h < 0 || adj_w < 0 || adj_h >= sh || adj_w >= sw) {
        snprintf(why, nwhy, "XNNPACK deconvolution cannot produce this output size "
                 "(needs 0 <= adjustment < stride)");
        return -1;
    }
    const size_t fd[4] = { (size_t)c, (size_t)kh, (size_t)kw, 1 }, bd[1] = { (size_t)c };
    uint32_t f, bi, dst;
    float lo, hi;
    if (xv_static(x, 4, fd, transpose_dw(&x->own, wt, kh, kw, c), &f, why, nwhy) ||
        xv_static(x, 1, bd, b, &bi, why, nwhy) ||
        xv_pre(x, act, 1, out, oh, ow, c, &dst, &lo, &hi, why, nwhy))
        return -1;
    const enum xnn_status st = xnn_define_deconvolution_2d(
        x->sg, (uint32_t)pt, (uint32_t)pr, (uint32_t)pb, (uint32_t)pl, (uint32_t)adj_h,
        (uint32_t)adj_w, (uint32_t)kh, (uint32_t)kw, (uint32_t)sh, (uint32_t)sw, (uint32_t)dh,
        (uint32_t)dw, (uint32_t)c, 1, 1, lo, hi, in, f, bi, dst, 0);
    if (st != xnn_status_success)
        return xv_fail(st, "this depthwise deconvolution", why, nwhy);
    return xv_act(x, act, dst, out, oh, ow, c, why, nwhy);
}

/* Fully connected [cin] -> [cout] (output [1][1][1][cout]), weights
 * [cout][cin].  hsigmoid is folded into the weights: clamp(w/6 x + b/6 + 1/2,
 * 0, 1). */
static int xv_fc(ln_xnn *x, int cin, int cout, const float *wt, const float *b, sg_act act,
                 uint32_t in, uint32_t out, char *why, size_t nwhy)
{
    const size_t fd[2] = { (size_t)cout, (size_t)cin }, bd[1] = { (size_t)cout };
    uint32_t f, bi, dst;
    float lo, hi;
    if (act.kind == SG_ACT_HSIGMOID) {
        const size_t nw = (size_t)cout * (size_t)cin;
        float *w6 = own(&x->own, falloc(nw)), *b6 = own(&x->own, falloc((size_t)cout));
        for (size_t i = 0; i < nw; i++)
            w6[i] = wt[i] / 6.0f;
        for (int o = 0; o < cout; o++)
            b6[o] = (b ? b[o] / 6.0f : 0.0f) + 0.5f;
        wt = w6;
        b = b6;
        act.kind = SG_ACT_CLAMP;
        act.flags = SG_ACT_LO | SG_ACT_HI;
        act.lo = 0.0f;
        act.hi = 1.0f;
    }
    if (xv_static(x, 2, fd, wt, &f, why, nwhy) || xv_static(x, 1, bd, b, &bi, why, nwhy) ||
        xv_pre(x, act, 1, out, 1, 1, cout, &dst, &lo, &hi, why, nwhy))
        return -1;
    const enum xnn_status st = xnn_define_fully_connected(x->sg, lo, hi, in, f, bi, dst, 0);
    if (st != xnn_status_success)
        return xv_fail(st, "this fully connected layer", why, nwhy);
    return xv_act(x, act, dst, out, 1, 1, cout, why, nwhy);
}

static int xv_pool(ln_xnn *x, const sg_layer *L, sg_act act, uint32_t in, uint32_t out,
                   char *why, size_t nwhy)
{
    uint32_t dst;
    float lo, hi;
    enum xnn_status st;
    const int padded = L->pt || L->pl || L->pb || L->pr;
    if (L->pool == SG_POOL_AVG && L->count_pad && padded) {
        snprintf(why, nwhy, "XNNPACK's average pooling divides by the cells inside the input "
                 "(count_pad = true has no equivalent)");
        return -1;
    }
    if (xv_pre(x, act, 1, out, L->out_h, L->out_w, L->out_c, &dst, &lo, &hi, why, nwhy))
        return -1;
    if (L->pool == SG_POOL_AVG && is_global_pool(L))
        st = xnn_define_global_average_pooling_2d(x->sg, lo, hi, in, dst, 0);
    else if (L->pool == SG_POOL_AVG)
        st = xnn_define_average_pooling_2d(x->sg, (uint32_t)L->pt, (uint32_t)L->pr,
                                           (uint32_t)L->pb, (uint32_t)L->pl, (uint32_t)L->kh,
                                           (uint32_t)L->kw, (uint32_t)L->sh, (uint32_t)L->sw, lo,
                                           hi, in, dst, 0);
    else
        st = xnn_define_max_pooling_2d(x->sg, (uint32_t)L->pt, (uint32_t)L->pr, (uint32_t)L->pb,
                                       (uint32_t)L->pl, (uint32_t)L->kh, (uint32_t)L->kw,
                                       (uint32_t)L->sh, (uint32_t)L->sw, 1, 1, lo, hi, in, dst, 0);
    if (st != xnn_status_success)
        return xv_fail(st, "this pooling", why, nwhy);
    return xv_act(x, act, dst, out, L->out_h, L->out_w, L->out_c, why, nwhy);
}

/* squeeze-excite: global average pool, fc + se_act, fc + gate, multiply. */
static int xv_se(ln_xnn *x, const sg_layer *L, const sg_weights *w, sg_act act, uint32_t in,
                 uint32_t out, char *why, size_t nwhy)
{
    const int C = L->in_c, R = L->reduce;
    uint32_t m, r, e, dst;
    float lo, hi;
    if (xv_tensor(x, 1, 1, C, &m, why, nwhy) || xv_tensor(x, 1, 1, R, &r, why, nwhy) ||
        xv_tensor(x, 1, 1, C, &e, why, nwhy))
        return -1;
    enum xnn_status st = xnn_define_global_average_pooling_2d(x->sg, -INFINITY, INFINITY, in, m, 0);
    if (st != xnn_status_success)
        return xv_fail(st, "the squeeze-excite's global average pooling", why, nwhy);
    if (xv_fc(x, C, R, w->se_w1, L->bias ? w->se_b1 : NULL, L->se_act, m, r, why, nwhy) ||
        xv_fc(x, R, C, w->se_w2, L->bias ? w->se_b2 : NULL, L->gate, r, e, why, nwhy) ||
        xv_pre(x, act, 1, out, L->out_h, L->out_w, C, &dst, &lo, &hi, why, nwhy))
        return -1;
    st = xnn_define_multiply2(x->sg, lo, hi, in, e, dst, 0);
    if (st != xnn_status_success)
        return xv_fail(st, "the squeeze-excite's broadcast multiply", why, nwhy);
    return xv_act(x, act, dst, out, L->out_h, L->out_w, C, why, nwhy);
}

static int xv_layer(ln_xnn *x, const ln_spec *s, int i, char *why, size_t nwhy)
{
    const sg_layer *L = &s->layers[i];
    const sg_weights *w = &s->w[i];
    const int xr = ln_residual_tensor(s, i);
    const uint32_t in = x->t[i];
    uint32_t last = x->t[i + 1];
    sg_act act = L->act;
    if (general_topology(L)) {
        snprintf(why, nwhy, "no library has a topological (windowed) projection");
        return -1;
    }
    if (xr != -1) { /* the op writes a temporary; an add with the act follows */
        act = act_none;
        if (xv_tensor(x, L->out_h, L->out_w, L->out_c, &last, why, nwhy))
            return -1;
    }
    const float *dw_b = L->bias ? w->dw_b : NULL, *pw_b = L->bias ? w->pw_b : NULL;
    int rc = 0;
    uint32_t t1, t2;
    switch (L->op) {
    case SG_OP_DWCONV:
        rc = xv_dw(x, L->in_h, L->in_w, L->in_c, L->mult, L->kh, L->kw, L->sh, L->sw, L->dh,
                   L->dw, L->pt, L->pl, L->pb, L->pr, L->out_h, L->out_w, w->dw_w, dw_b, act, in,
                   last, why, nwhy);
        break;
    case SG_OP_PWCONV:
        rc = xv_conv(x, L->groups, L->pw_cin / L->groups, L->pw_cout / L->groups, 1, 1, 1, 1, 1,
                     1, 0, 0, 0, 0, L->out_h, L->out_w, w->pw_w, pw_b, act, in, last, why, nwhy);
        break;
    case SG_OP_SEPARABLE:
        rc = xv_tensor(x, L->mid_h, L->mid_w, L->mid_c, &t1, why, nwhy);
        if (rc == 0)
            rc = xv_dw(x, L->in_h, L->in_w, L->in_c, L->mult, L->kh, L->kw, L->sh, L->sw,
                       L->dh, L->dw, L->pt, L->pl, L->pb, L->pr, L->mid_h, L->mid_w, w->dw_w,
                       dw_b, L->dw_act, in, t1, why, nwhy);
        if (rc == 0)
            rc = xv_conv(x, L->groups, L->pw_cin / L->groups, L->pw_cout / L->groups, 1, 1, 1, 1,
                         1, 1, 0, 0, 0, 0, L->out_h, L->out_w, w->pw_w, pw_b, act, t1, last, why,
                         nwhy);
        break;
    case SG_OP_DWDECONV:
        rc = xv_deconv(x, L->in_h, L->in_w, L->in_c, L->kh, L->kw, L->sh, L->sw, L->dh, L->dw,
                       L->pt, L->pl, L->pb, L->pr, L->out_h, L->out_w, w->dw_w, dw_b, act, in,
                       last, why, nwhy);
        break;
    case SG_OP_BOTTLENECK:
        rc = xv_tensor(x, L->mid_h, L->mid_w, L->in_c, &t1, why, nwhy);
        if (rc == 0)
            rc = xv_tensor(x, L->mid_h, L->mid_w, L->mid_c, &t2, why, nwhy);
        if (rc == 0)
            rc = xv_dw(x, L->in_h, L->in_w, L->in_c, 1, L->kh, L->kw, L->sh, L->sw, 1, 1,
                       L->pt, L->pl, L->pb, L->pr, L->mid_h, L->mid_w, w->dw_w, dw_b, L->dw_act,
                       in, t1, why, nwhy);
        if (rc == 0)
            rc = xv_conv(x, L->groups, L->pw_cin / L->groups, L->pw_cout / L->groups, 1, 1, 1, 1,
                         1, 1, 0, 0, 0, 0, L->mid_h, L->mid_w, w->pw_w, pw_b, L->mid_act, t1, t2,
                         why, nwhy);
        if (rc == 0)
            rc = xv_deconv(x, L->mid_h, L->mid_w, L->out_c, L->up_kh, L->up_kw, L->sh, L->sw, 1,
                           1, L->up_pt, L->up_pl, L->up_pb, L->up_pr, L->out_h, L->out_w, w->up_w,
                           L->bias ? w->up_b : NULL, act, t2, last, why, nwhy);
        break;
    case SG_OP_CONV:
        rc = xv_conv(x, L->groups, L->in_c / L->groups, L->out_c / L->groups, L->kh, L->kw, L->sh,
                     L->sw, L->dh, L->dw, L->pt, L->pl, L->pb, L->pr, L->out_h, L->out_w,
                     w->conv_w, L->bias ? w->conv_b : NULL, act, in, last, why, nwhy);
        break;
    case SG_OP_POOL:
        rc = xv_pool(x, L, act, in, last, why, nwhy);
        break;
    case SG_OP_FC:
        rc = xv_fc(x, L->in_h * L->in_w * L->in_c, L->out_c, w->fc_w, L->bias ? w->fc_b : NULL,
                   act, in, last, why, nwhy);
        break;
    case SG_OP_SE:
        rc = xv_se(x, L, w, act, in, last, why, nwhy);
        break;
    case SG_OP_SOFTMAX: {
        uint32_t dst;
        float lo, hi;
        rc = xv_pre(x, act, 0, last, L->out_h, L->out_w, L->out_c, &dst, &lo, &hi, why, nwhy);
        if (rc == 0) {
            const enum xnn_status st = xnn_define_softmax(x->sg, in, dst, 0);
            rc = st == xnn_status_success ? xv_act(x, act, dst, last, L->out_h, L->out_w,
                                                   L->out_c, why, nwhy)
                                          : xv_fail(st, "this softmax", why, nwhy);
        }
        break;
    }
    }
    if (rc == 0 && xr != -1) {
        const uint32_t xv = xr == LN_SKIP ? X_SKIP : x->t[xr];
        uint32_t dst;
        float lo, hi;
        rc = xv_pre(x, L->act, 1, x->t[i + 1], L->out_h, L->out_w, L->out_c, &dst, &lo, &hi, why,
                    nwhy);
        if (rc == 0) {
            const enum xnn_status st = xnn_define_add2(x->sg, lo, hi, last, xv, dst, 0);
            rc = st == xnn_status_success
                     ? xv_act(x, L->act, dst, x->t[i + 1], L->out_h, L->out_w, L->out_c, why, nwhy)
                     : xv_fail(st, "the residual add", why, nwhy);
        }
    }
    return rc;
}

void ln_xnn_free(ln_xnn *x)
{
    if (!x)
        return;
    if (x->rt)
        xnn_delete_runtime(x->rt);
    if (x->pool)
        pthreadpool_destroy(x->pool);
    if (x->sg)
        xnn_delete_subgraph(x->sg);
    own_free(&x->own);
    free(x->t);
    free(x->ext);
    free(x->ext_floats);
    free(x);
}

static ln_xnn *xnn_build(const ln_spec *s, int all_external, char *why, size_t nwhy)
{
    ln_xnn *x = calloc(1, sizeof *x);
    if (!x)
        die("out of memory");
    x->all_external = all_external;
    x->reserved = X_FIRST_FREE + (all_external ? (uint32_t)(X_VALUES_PER_LAYER * s->n) : 0);
    x->next_ext = X_FIRST_FREE;
    x->t = calloc((size_t)s->n + 1, sizeof *x->t);
    x->ext = calloc(x->reserved, sizeof *x->ext);
    x->ext_floats = calloc(x->reserved, sizeof *x->ext_floats);
    if (!x->t || !x->ext || !x->ext_floats)
        die("out of memory");
    enum xnn_status st = xnn_create_subgraph(x->reserved, 0, &x->sg);
    if (st != xnn_status_success) {
        xv_fail(st, "xnn_create_subgraph", why, nwhy);
        goto fail;
    }
    const sg_layer *L0 = &s->layers[0], *Ln = &s->layers[s->n - 1];
    const size_t din[4] = { 1, (size_t)L0->in_h, (size_t)L0->in_w, (size_t)L0->in_c };
    const size_t dout[4] = { 1, (size_t)Ln->out_h, (size_t)Ln->out_w, (size_t)Ln->out_c };
    st = xnn_define_tensor_value(x->sg, xnn_datatype_fp32, 4, din, NULL, X_IN,
                                 XNN_VALUE_FLAG_EXTERNAL_INPUT, &x->t[0]);
    if (st == xnn_status_success)
        st = xnn_define_tensor_value(x->sg, xnn_datatype_fp32, 4, dout, NULL, X_OUT,
                                     XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &x->t[s->n]);
    for (int i = 0; i < s->n && st == xnn_status_success; i++) {
        const sg_layer *L = &s->layers[i];
        if (ln_residual_tensor(s, i) == LN_SKIP && !x->has_skip) {
            const size_t ds[4] = { 1, (size_t)L->out_h, (size_t)L->out_w, (size_t)L->out_c };
            uint32_t id;
            st = xnn_define_tensor_value(x->sg, xnn_datatype_fp32, 4, ds, NULL, X_SKIP,
                                         XNN_VALUE_FLAG_EXTERNAL_INPUT, &id);
            x->has_skip = 1;
        }
    }
    if (st != xnn_status_success) {
        xv_fail(st, "the external tensors", why, nwhy);
        goto fail;
    }
    for (int k = 1; k < s->n; k++) {
        const sg_layer *L = &s->layers[k];
        if (xv_tensor(x, L->in_h, L->in_w, L->in_c, &x->t[k], why, nwhy))
            goto fail;
    }
    for (int i = 0; i < s->n; i++)
        if (xv_layer(x, s, i, why, nwhy))
            goto fail;
    if (s->threads > 1 && !(x->pool = pthreadpool_create((size_t)s->threads))) {
        snprintf(why, nwhy, "XNNPACK: pthreadpool_create(%d) failed", s->threads);
        goto fail;
    }
    const long long h0 = heap_bytes();
    st = xnn_create_runtime_v2(x->sg, x->pool, 0, &x->rt);
    x->create_bytes = heap_bytes() - h0;
    if (st != xnn_status_success) {
        x->rt = NULL;
        xv_fail(st, "the network (xnn_create_runtime_v2)", why, nwhy);
        goto fail;
    }
    return x;
fail:
    ln_xnn_free(x);
    return NULL;
}

ln_xnn *ln_xnn_build(const ln_spec *s, char *why, size_t nwhy)
{
    return xnn_build(s, 0, why, nwhy);
}

int ln_xnn_bind(ln_xnn *x, const float *in, const float *skip, float *out, char *why,
                size_t nwhy)
{
    struct xnn_external_value *v = calloc((size_t)x->next + 3, sizeof *v);
    if (!v)
        die("out of memory");
    int n = 0;
    v[n].id = X_IN;
    v[n++].data = (void *)in;
    v[n].id = X_OUT;
    v[n++].data = out;
    if (x->has_skip) {
        v[n].id = X_SKIP;
        v[n++].data = (void *)skip;
    }
    for (int i = 0; i < x->next; i++) {
        v[n].id = x->ext[i].id;
        v[n++].data = own(&x->own, falloc(x->ext_floats[i]));
    }
    const long long h0 = heap_bytes();
    const enum xnn_status st = xnn_setup_runtime(x->rt, (size_t)n, v);
    x->setup_bytes = heap_bytes() - h0;
    free(v);
    return st == xnn_status_success ? 0 : xv_fail(st, "xnn_setup_runtime", why, nwhy);
}

void ln_xnn_run(ln_xnn *x)
{
    if (xnn_invoke_runtime(x->rt) != xnn_status_success)
        die("xnn_invoke_runtime failed");
}

static void xnn_nothing(void *ctx, size_t i)
{
    (void)ctx;
    (void)i;
}

/* x's threadpool workers asleep now (ln_settle) */
static void xnn_park(ln_xnn *x)
{
    if (x && x->pool)
        pthreadpool_parallelize_1d(x->pool, xnn_nothing, NULL,
                                   pthreadpool_get_threads_count(x->pool),
                                   PTHREADPOOL_FLAG_YIELD_WORKERS);
}

int ln_xnn_memory(const ln_spec *s, ln_memory *m, char *why, size_t nwhy)
{
    const sg_layer *L0 = &s->layers[0], *Ln = &s->layers[s->n - 1];
    size_t nskip = 0;
    for (int i = 0; i < s->n; i++)
        if (ln_residual_tensor(s, i) == LN_SKIP)
            nskip = (size_t)s->layers[i].out_h * (size_t)s->layers[i].out_w *
                    (size_t)s->layers[i].out_c;
    float *in = falloc((size_t)L0->in_h * (size_t)L0->in_w * (size_t)L0->in_c);
    float *out = falloc((size_t)Ln->out_h * (size_t)Ln->out_w * (size_t)Ln->out_c);
    float *skip = falloc(nskip);
    ln_xnn *a = xnn_build(s, 0, why, nwhy);
    int rc = a ? ln_xnn_bind(a, in, skip, out, why, nwhy) : -1;
    ln_xnn *e = rc == 0 ? xnn_build(s, 1, why, nwhy) : NULL;
    if (rc == 0 && e) {
        m->weights = e->create_bytes;
        m->arena = a->create_bytes - e->create_bytes + a->setup_bytes;
        snprintf(m->how, sizeof m->how,
                 "heap (mallinfo2) deltas: xnn_create_runtime_v2 %lld B (packed weights, "
                 "operators, workspace); with every tensor external %lld B (= weights); "
                 "arena = the difference (the planned workspace) + xnn_setup_runtime's "
                 "%lld B (indirection buffers)",
                 a->create_bytes, e->create_bytes, a->setup_bytes);
    } else
        rc = -1;
    ln_xnn_free(a);
    ln_xnn_free(e);
    free(in);
    free(out);
    free(skip);
    return rc;
}
#endif /* SG_BENCH_XNNPACK */

/* ======================================================================== */
/* ---- oneDNN: a chain of primitives ------------------------------------------ */
/* ======================================================================== */

#ifdef SG_BENCH_ONEDNN
#define DNNL_OK(call) ((call) == dnnl_success)

static dnnl_engine_t eng;
static dnnl_stream_t str;
/* omp_set_num_threads of the OpenMP runtime libdnnl loaded (found at run
 * time, so that the bench links no OpenMP of its own); NULL: none */
static void (*omp_threads)(int);

int ln_dnnl_init(void)
{
    if (dnnl_version()->cpu_runtime == DNNL_RUNTIME_OMP) {
        void *self = dlopen(NULL, RTLD_LAZY);
        if (self)
            omp_threads = (void (*)(int))dlsym(self, "omp_set_num_threads");
    }
    if (DNNL_OK(dnnl_engine_create(&eng, dnnl_cpu, 0)) &&
        DNNL_OK(dnnl_stream_create(&str, eng, dnnl_stream_default_flags)))
        return 0;
    return -1;
}

/* The chain's thread count before creating or running it (0: leave it). */
static void dn_threads(int threads)
{
    if (threads > 0)
        omp_threads(threads);
}

void ln_dnnl_fini(void)
{
    dnnl_stream_destroy(str);
    dnnl_engine_destroy(eng);
}

enum { DN_INTERNAL = 0, DN_IN, DN_SKIP_T, DN_OUT };
enum { DN_FIXED = -1, DN_SCRATCH = -2 };

typedef struct dn_tensor {
    dnnl_memory_desc_t md; /* its layout                                   */
    int ext;               /* DN_INTERNAL, or which external buffer it is  */
    int alias;             /* the tensor whose buffer it shares, or -1     */
    int first, last;       /* the steps that use it first and last         */
    int buf;               /* its planned buffer                           */
} dn_tensor;

typedef struct dn_arg {
    int kind;              /* DNNL_ARG_*                                   */
    int t;                 /* a tensor, DN_FIXED or DN_SCRATCH             */
    const void *fixed;
    dnnl_memory_desc_t md;
} dn_arg;

typedef struct dn_step {
    dnnl_primitive_t prim;
    int nargs;
    dn_arg a[8];
    dnnl_exec_arg_t ex[8];
    char impl[64];
} dn_step;

struct ln_dnnl {
    int any, split; /* any: LN_LAYOUT_* */
    int threads;    /* ln_spec.threads */
    dn_tensor *t;
    int nt, capt;
    dn_step *s;
    int ns, caps;
    int n;                 /* layers                                       */
    int *T;                /* the tensor of T[k]                           */
    int skip_t;            /* the external skip tensor, or -1              */
    own_list own;          /* weights in the primitives' layouts, buffers  */
    long long weight_bytes;
    size_t scratch_bytes;
    void *scratch;
    size_t *bufsz;
    int nbuf;
    long long tensor_bytes;
    const float *in, *skip;
    float *out;
    char impl[4096];
};

static int dn_fail(const char *what, dnnl_status_t st, char *why, size_t nwhy)
{
    snprintf(why, nwhy, "oneDNN: %s (status %d)", what, (int)st);
    return -1;
}

static dnnl_memory_desc_t md_tag(int nd, const dnnl_dims_t dims, dnnl_format_tag_t tag)
{
    dnnl_memory_desc_t md;
    if (!DNNL_OK(dnnl_memory_desc_init_by_tag(&md, nd, dims, dnnl_f32, tag)))
        die("dnnl_memory_desc_init_by_tag failed");
    return md;
}

/* [h][w][c] as oneDNN's logical {1, c, h, w}. */
static dnnl_memory_desc_t md_hwc(int h, int w, int c, dnnl_format_tag_t tag)
{
    const dnnl_dims_t d = { 1, c, h, w };
    return md_tag(4, d, tag);
}

static int dn_tensor_new(ln_dnnl *d, const dnnl_memory_desc_t *md, int ext)
{
    if (d->nt == d->capt) {
        d->capt = d->capt ? 2 * d->capt : 64;
        d->t = realloc(d->t, (size_t)d->capt * sizeof *d->t);
        if (!d->t)
            die("out of memory");
    }
    dn_tensor *t = &d->t[d->nt];
    memset(t, 0, sizeof *t);
    t->md = *md;
    t->ext = ext;
    t->alias = -1;
    t->buf = -1;
    return d->nt++;
}

static dn_arg targ(int kind, int t, const dnnl_memory_desc_t *md)
{
    dn_arg a;
    a.kind = kind;
    a.t = t;
    a.fixed = NULL;
    a.md = *md;
    return a;
}

static dn_arg farg(int kind, const void *p, const dnnl_memory_desc_t *md)
{
    dn_arg a = targ(kind, DN_FIXED, md);
    a.fixed = p;
    return a;
}

/* Creates the primitive of pd (destroyed here) as the next step. */
static int dn_push(ln_dnnl *d, dnnl_primitive_desc_t pd, int nargs, const dn_arg *args,
                   char *why, size_t nwhy)
{
    if (d->ns == d->caps) {
        d->caps = d->caps ? 2 * d->caps : 64;
        d->s = realloc(d->s, (size_t)d->caps * sizeof *d->s);
        if (!d->s)
            die("out of memory");
    }
    dn_step *s = &d->s[d->ns];
    memset(s, 0, sizeof *s);
    const char *impl = NULL;
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    snprintf(s->impl, sizeof s->impl, "%s", impl ? impl : "?");
    for (int i = 0; i < nargs; i++)
        s->a[s->nargs++] = args[i];
    const dnnl_memory_desc_t *sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    const size_t spb = sp ? dnnl_memory_desc_get_size(sp) : 0;
    if (spb > 0) {
        s->a[s->nargs++] = targ(DNNL_ARG_SCRATCHPAD, DN_SCRATCH, sp);
        if (spb > d->scratch_bytes)
            d->scratch_bytes = spb;
    }
    const dnnl_status_t st = dnnl_primitive_create(&s->prim, pd);
    dnnl_primitive_desc_destroy(pd);
    if (st != dnnl_success)
        return dn_fail("primitive creation failed", st, why, nwhy);
    d->ns++;
    return 0;
}

/* The eltwise steps of an activation (at most 2): alg, alpha, beta. */
static int dn_act_eltwise(sg_act a, dnnl_alg_kind_t alg[2], float alpha[2], float beta[2])
{
    switch (a.kind) {
    case SG_ACT_HSWISH:
        alg[0] = dnnl_eltwise_hardswish, alpha[0] = beta[0] = 0.0f;
        return 1;
    case SG_ACT_SIGMOID:
        alg[0] = dnnl_eltwise_logistic, alpha[0] = beta[0] = 0.0f;
        return 1;
    case SG_ACT_HSIGMOID: /* clip(x/6 + 1/2, 0, 1) */
        alg[0] = dnnl_eltwise_linear, alpha[0] = 1.0f / 6.0f, beta[0] = 0.5f;
        alg[1] = dnnl_eltwise_clip, alpha[1] = 0.0f, beta[1] = 1.0f;
        return 2;
    default:
        if (!a.flags)
            return 0;
        if (a.flags == SG_ACT_LO && a.lo == 0.0f) {
            alg[0] = dnnl_eltwise_relu, alpha[0] = beta[0] = 0.0f;
            return 1;
        }
        alg[0] = dnnl_eltwise_clip;
        alpha[0] = (a.flags & SG_ACT_LO) ? a.lo : -FLT_MAX;
        beta[0] = (a.flags & SG_ACT_HI) ? a.hi : FLT_MAX;
        return 1;
    }
}

/* post-ops [sum] [act] (dst = act(op + dst)), user scratchpad */
static dnnl_primitive_attr_t dn_attr(sg_act act, int sum)
{
    dnnl_primitive_attr_t attr;
    dnnl_post_ops_t po;
    dnnl_alg_kind_t alg[2];
    float al[2], be[2];
    dnnl_primitive_attr_create(&attr);
    dnnl_post_ops_create(&po);
    if (sum)
        dnnl_post_ops_append_sum(po, 1.0f);
    const int ne = dn_act_eltwise(act, alg, al, be);
    for (int i = 0; i < ne; i++)
        dnnl_post_ops_append_eltwise(po, 1.0f, alg[i], al[i], be[i]);
    dnnl_primitive_attr_set_post_ops(attr, po);
    dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    dnnl_post_ops_destroy(po);
    return attr;
}

/* to = from in layout md (a reorder step); returns the new tensor or -1. */
static int dn_reorder(ln_dnnl *d, int from, const dnnl_memory_desc_t *md, int ext, char *why,
                      size_t nwhy)
{
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_attr_t attr = dn_attr(act_none, 0);
    const dnnl_status_t st =
        dnnl_reorder_primitive_desc_create(&pd, &d->t[from].md, eng, md, eng, attr);
    dnnl_primitive_attr_destroy(attr);
    if (st != dnnl_success)
        return dn_fail("no reorder between these layouts", st, why, nwhy), -1;
    const int to = dn_tensor_new(d, md, ext);
    const dn_arg a[2] = { targ(DNNL_ARG_FROM, from, &d->t[from].md), targ(DNNL_ARG_TO, to, md) };
    return dn_push(d, pd, 2, a, why, nwhy) ? -1 : to;
}

/* data = act(data), in place, as eltwise primitives. */
static int dn_eltwise(ln_dnnl *d, int t, sg_act act, char *why, size_t nwhy)
{
    dnnl_alg_kind_t alg[2];
    float al[2], be[2];
    const int ne = dn_act_eltwise(act, alg, al, be);
    for (int i = 0; i < ne; i++) {
        dnnl_eltwise_desc_t ed;
        dnnl_primitive_desc_t pd = NULL;
        dnnl_status_t st = dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, alg[i],
                                                          &d->t[t].md, al[i], be[i]);
        dnnl_primitive_attr_t attr = dn_attr(act_none, 0);
        if (st == dnnl_success)
            st = dnnl_primitive_desc_create(&pd, &ed, attr, eng, NULL);
        dnnl_primitive_attr_destroy(attr);
        if (st != dnnl_success)
            return dn_fail("no eltwise primitive for the activation", st, why, nwhy);
        const dn_arg a[2] = { targ(DNNL_ARG_SRC, t, &d->t[t].md),
                              targ(DNNL_ARG_DST, t, &d->t[t].md) };
        if (dn_push(d, pd, 2, a, why, nwhy))
            return -1;
    }
    return 0;
}

/* One op of a layer. */
enum { DN_CONV, DN_DECONV, DN_POOL, DN_IP, DN_SOFTMAX, DN_MUL };

typedef struct dn_op {
    int kind;
    int ic, oc;                      /* conv, deconv: channels in and out         */
    int kh, kw, sh, sw, dh, dw, pt, pl, pb, pr; /* conv, deconv, pool             */
    dnnl_alg_kind_t alg;             /* pool                                       */
    int wnd;                         /* weights (conv, deconv, ip): dims, the      */
    dnnl_dims_t wdims;               /*   user's layout and data                   */
    dnnl_format_tag_t wtag;
    const float *w, *b;              /* b: [oc] or NULL                            */
    int oh, ow, out2d;               /* the output [oh][ow][oc]; out2d: {1, oc}    */
    int src1;                        /* mul: the per-channel factors' tensor       */
} dn_op;

/* The op's primitive descriptor for these src / dst layouts (dst may be
 * format_tag_any), weights format_tag_any. */
static dnnl_status_t dn_op_pd(ln_dnnl *d, const dn_op *op, const dnnl_memory_desc_t *src,
                              const dnnl_memory_desc_t *dst, dnnl_primitive_attr_t attr,
                              dnnl_primitive_desc_t *pd)
{
    dnnl_memory_desc_t w_any, b_md, s1;
    memset(&w_any, 0, sizeof w_any);
    memset(&b_md, 0, sizeof b_md);
    const dnnl_dims_t bdims = { op->oc };
    const dnnl_dims_t strides = { op->sh, op->sw }, dil = { op->dh - 1, op->dw - 1 },
                      pad_l = { op->pt, op->pl }, pad_r = { op->pb, op->pr },
                      kernel = { op->kh, op->kw }, dil0 = { 0, 0 };
    dnnl_status_t st = dnnl_success;
    if (op->w)
        w_any = md_tag(op->wnd, op->wdims, dnnl_format_tag_any);
    if (op->b)
        b_md = md_tag(1, bdims, dnnl_a);
    *pd = NULL;
    switch (op->kind) {
    case DN_CONV: {
        dnnl_convolution_desc_t cd;
        st = dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_inference,
                                                        dnnl_convolution_direct, src, &w_any,
                                                        op->b ? &b_md : NULL, dst, strides, dil,
                                                        pad_l, pad_r);
        if (st == dnnl_success)
            st = dnnl_primitive_desc_create(pd, &cd, attr, eng, NULL);
        break;
    }
    case DN_DECONV: {
        dnnl_deconvolution_desc_t dd;
        st = dnnl_dilated_deconvolution_forward_desc_init(&dd, dnnl_forward_inference,
                                                          dnnl_deconvolution_direct, src, &w_any,
                                                          op->b ? &b_md : NULL, dst, strides, dil,
                                                          pad_l, pad_r);
        if (st == dnnl_success)
            st = dnnl_primitive_desc_create(pd, &dd, attr, eng, NULL);
        break;
    }
    case DN_POOL: {
        dnnl_pooling_v2_desc_t pld;
        st = dnnl_pooling_v2_forward_desc_init(&pld, dnnl_forward_inference, op->alg, src, dst,
                                               strides, kernel, dil0, pad_l, pad_r);
        if (st == dnnl_success)
            st = dnnl_primitive_desc_create(pd, &pld, attr, eng, NULL);
        break;
    }
    case DN_IP: {
        dnnl_inner_product_desc_t ipd;
        st = dnnl_inner_product_forward_desc_init(&ipd, dnnl_forward_inference, src, &w_any,
                                                  op->b ? &b_md : NULL, dst);
        if (st == dnnl_success)
            st = dnnl_primitive_desc_create(pd, &ipd, attr, eng, NULL);
        break;
    }
    case DN_SOFTMAX: {
        dnnl_softmax_v2_desc_t sd;
        st = dnnl_softmax_v2_forward_desc_init(&sd, dnnl_forward_inference, dnnl_softmax_accurate,
                                               src, dst, 1);
        if (st == dnnl_success)
            st = dnnl_primitive_desc_create(pd, &sd, attr, eng, NULL);
        break;
    }
    case DN_MUL: {
        const dnnl_dims_t d4 = { 1, op->oc, 1, 1 };
        dnnl_binary_desc_t bd;
        st = d->t[op->src1].md.ndims == 4 ? (s1 = d->t[op->src1].md, dnnl_success)
                                          : dnnl_memory_desc_reshape(&s1, &d->t[op->src1].md, 4, d4);
        if (st == dnnl_success)
            st = dnnl_binary_desc_init(&bd, dnnl_binary_mul, src, &s1, dst);
        if (st == dnnl_success)
            st = dnnl_primitive_desc_create(pd, &bd, attr, eng, NULL);
        break;
    }
    }
    if (st != dnnl_success)
        *pd = NULL;
    return st;
}

/* The layout of an output [h][w][c] (2-D {1, c} for out2d) under the policy. */
static dnnl_memory_desc_t dn_policy_md(const ln_dnnl *d, const dn_op *op)
{
    if (op->out2d) {
        const dnnl_dims_t d2 = { 1, op->oc };
        return md_tag(2, d2, d->any == LN_LAYOUT_ANY ? dnnl_format_tag_any : dnnl_ab);
    }
    return md_hwc(op->oh, op->ow, op->oc, d->any == LN_LAYOUT_ANY ? dnnl_format_tag_any
                                          : d->any == LN_LAYOUT_BLOCKED ? dnnl_aBcd16b
                                                                        : dnnl_nhwc);
}

/* A tensor's layout as the op's source: 2-D {1, c} seen as {1, c, 1, 1} by
 * the ops other than inner product. */
static dnnl_memory_desc_t dn_src_md(const ln_dnnl *d, const dn_op *op, int src)
{
    dnnl_memory_desc_t md = d->t[src].md;
    if (md.ndims == 2 && op->kind != DN_IP && !op->out2d) {
        const dnnl_dims_t d4 = { 1, md.dims[1], 1, 1 };
        if (!DNNL_OK(dnnl_memory_desc_reshape(&md, &d->t[src].md, 4, d4)))
            die("dnnl_memory_desc_reshape failed");
    }
    return md;
}

/* Where a residual x is when the sum post-op adds the op's result to it. */
enum { X_NONE, X_IN_OUT, X_IN_PLACE, X_COPY };

/* Pushes op on tensor src with activation act and residual x (a tensor, or
 * -1); returns the tensor written, or -1.
 *   fused: dst = act(op(src) + dst) with x already in dst (sum post-op):
 *          dst is the output, which the caller preloads with x (X_IN_OUT),
 *          x's own buffer when x is not needed afterwards (X_IN_PLACE), or a
 *          copy of x (X_COPY);
 *   split (oneDNN lacks the post-ops, or d->split for deconvolutions): the
 *          op alone, then binary add (x) and eltwise (act) primitives. */
static int dn_emit(ln_dnnl *d, const dn_op *op, int src, sg_act act, int x, int xmode,
                   char *why, size_t nwhy)
{
    const int into = xmode == X_IN_OUT ? d->T[d->n] : -1;
    const dnnl_memory_desc_t *xmd = x >= 0 ? (into >= 0 ? &d->t[into].md : &d->t[x].md) : NULL;
    const int post = act.kind != SG_ACT_CLAMP || act.flags || x >= 0;
    /* a sum post-op only where oneDNN 2.6 computes it right (pooling takes
     * it and drops it), deconvolution post-ops split on request */
    const int sum_ok = op->kind == DN_CONV || op->kind == DN_DECONV || op->kind == DN_IP;
    const int try_fused = !(d->split && op->kind == DN_DECONV && post) && (x < 0 || sum_ok);
    dnnl_memory_desc_t smd = dn_src_md(d, op, src), pol = dn_policy_md(d, op);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_unimplemented;
    int fused = 0, reorder_src = 0;
    for (int pass = 0; pass < 2 && !pd; pass++) {
        /* pass 0: the source as it is; pass 1 (any layout): the layout the
         * op prefers, reached by a reorder.  The net's input always starts
         * from pass 1's choice when layouts are free. */
        dnnl_memory_desc_t s = smd;
        if (pass == 0 && d->any && d->t[src].ext == DN_IN)
            continue;
        if (pass == 1) {
            if (!d->any)
                break;
            const dnnl_memory_desc_t tmp = smd;
            s = md_tag(tmp.ndims, tmp.dims, dnnl_format_tag_any);
        }
        if (try_fused) {
            dnnl_primitive_attr_t attr = dn_attr(act, x >= 0);
            st = dn_op_pd(d, op, &s, xmd ? xmd : &pol, attr, &pd);
            dnnl_primitive_attr_destroy(attr);
            fused = pd != NULL;
        }
        if (!pd) {
            dnnl_primitive_attr_t attr = dn_attr(act_none, 0);
            st = dn_op_pd(d, op, &s, &pol, attr, &pd);
            dnnl_primitive_attr_destroy(attr);
        }
        reorder_src = pass == 1;
    }
    if (!pd) {
        static const char *names[] = { "convolution", "deconvolution", "pooling",
                                       "inner product", "softmax", "binary multiply" };
        char what[96];
        snprintf(what, sizeof what, "no implementation of this %s", names[op->kind]);
        return dn_fail(what, st, why, nwhy);
    }
    if (reorder_src) {
        const dnnl_memory_desc_t *want = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
        if (!dnnl_memory_desc_equal(want, &smd)) {
            const dnnl_memory_desc_t w2 = *want;
            const int r = dn_reorder(d, src, &w2, DN_INTERNAL, why, nwhy);
            if (r < 0) {
                dnnl_primitive_desc_destroy(pd);
                return -1;
            }
            src = r;
            smd = w2;
        }
    }

    /* weights: reordered once into the primitive's layout */
    dn_arg a[8];
    int na = 0;
    a[na++] = targ(op->kind == DN_MUL ? DNNL_ARG_SRC_0 : DNNL_ARG_SRC, src,
                   dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0));
    if (op->kind == DN_MUL)
        a[na++] = targ(DNNL_ARG_SRC_1, op->src1,
                       dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 1));
    if (op->w) {
        const dnnl_memory_desc_t *w_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
        const dnnl_memory_desc_t user = md_tag(op->wnd, op->wdims, op->wtag);
        const size_t wb = dnnl_memory_desc_get_size(w_md);
        float *wbuf = own(&d->own, falloc(wb / sizeof(float) + 1));
        dnnl_memory_t mu = NULL, mw = NULL;
        dnnl_primitive_desc_t rpd = NULL;
        dnnl_primitive_t rp = NULL;
        int ok = DNNL_OK(dnnl_memory_create(&mu, &user, eng, (void *)op->w)) &&
                 DNNL_OK(dnnl_memory_create(&mw, w_md, eng, wbuf)) &&
                 DNNL_OK(dnnl_reorder_primitive_desc_create(&rpd, &user, eng, w_md, eng, NULL)) &&
                 DNNL_OK(dnnl_primitive_create(&rp, rpd));
        if (ok) {
            dnnl_exec_arg_t ra[2] = { { DNNL_ARG_FROM, mu }, { DNNL_ARG_TO, mw } };
            ok = DNNL_OK(dnnl_primitive_execute(rp, str, 2, ra)) && DNNL_OK(dnnl_stream_wait(str));
        }
        if (rp)
            dnnl_primitive_destroy(rp);
        if (rpd)
            dnnl_primitive_desc_destroy(rpd);
        if (mu)
            dnnl_memory_destroy(mu);
        if (mw)
            dnnl_memory_destroy(mw);
        if (!ok) {
            dnnl_primitive_desc_destroy(pd);
            snprintf(why, nwhy, "oneDNN: weight reorder failed");
            return -1;
        }
        d->weight_bytes += (long long)wb;
        a[na++] = farg(DNNL_ARG_WEIGHTS, wbuf, w_md);
    }
    if (op->b) {
        const dnnl_dims_t bdims = { op->oc };
        const dnnl_memory_desc_t b_md = md_tag(1, bdims, dnnl_a);
        d->weight_bytes += (long long)op->oc * (long long)sizeof(float);
        a[na++] = farg(DNNL_ARG_BIAS, op->b, &b_md);
    }
    const dnnl_memory_desc_t *dmd = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    int dst;
    if (fused && xmode == X_IN_OUT)
        dst = into;
    else if (fused && xmode == X_IN_PLACE) {
        dst = dn_tensor_new(d, dmd, DN_INTERNAL);
        d->t[dst].alias = x;
    } else if (fused && xmode == X_COPY) {
        if ((dst = dn_reorder(d, x, dmd, DN_INTERNAL, why, nwhy)) < 0) {
            dnnl_primitive_desc_destroy(pd);
            return -1;
        }
    } else
        dst = dn_tensor_new(d, dmd, DN_INTERNAL);
    a[na++] = targ(DNNL_ARG_DST, dst, dmd);
    if (dn_push(d, pd, na, a, why, nwhy))
        return -1;
    if (fused || !post)
        return dst;

    /* split: the residual as a binary add carrying the activation, or the
     * activation in place */
    if (x >= 0) {
        dnnl_binary_desc_t bd;
        dnnl_primitive_attr_t attr = dn_attr(act, 0);
        dnnl_memory_desc_t xm = d->t[x].md;
        const dnnl_memory_desc_t om = into >= 0 ? d->t[into].md : d->t[dst].md; /* not x's */
        dnnl_primitive_desc_t bpd = NULL;
        st = dnnl_binary_desc_init(&bd, dnnl_binary_add, &d->t[dst].md, &xm, &om);
        if (st == dnnl_success)
            st = dnnl_primitive_desc_create(&bpd, &bd, attr, eng, NULL);
        dnnl_primitive_attr_destroy(attr);
        if (st != dnnl_success)
            return dn_fail("no binary add for the residual", st, why, nwhy);
        const int o = into >= 0 ? into : dn_tensor_new(d, &om, DN_INTERNAL);
        const dn_arg b[3] = { targ(DNNL_ARG_SRC_0, dst, &d->t[dst].md),
                              targ(DNNL_ARG_SRC_1, x, &xm), targ(DNNL_ARG_DST, o, &om) };
        return dn_push(d, bpd, 3, b, why, nwhy) ? -1 : o;
    }
    return dn_eltwise(d, dst, act, why, nwhy) ? -1 : dst;
}

static void dn_conv_op(dn_op *op, int deconv, int groups, int ic, int oc, int kh, int kw,
                       int sh, int sw, int dh, int dw, int pt, int pl, int pb, int pr, int oh,
                       int ow, const float *w, const float *b, dnnl_format_tag_t gtag,
                       dnnl_format_tag_t tag)
{
    memset(op, 0, sizeof *op);
    op->kind = deconv ? DN_DECONV : DN_CONV;
    op->ic = ic, op->oc = oc;
    op->kh = kh, op->kw = kw, op->sh = sh, op->sw = sw, op->dh = dh, op->dw = dw;
    op->pt = pt, op->pl = pl, op->pb = pb, op->pr = pr;
    op->oh = oh, op->ow = ow;
    op->w = w, op->b = b;
    if (groups > 1) {
        op->wnd = 5;
        op->wdims[0] = groups;
        op->wdims[1] = oc / groups;
        op->wdims[2] = ic / groups;
        op->wdims[3] = kh;
        op->wdims[4] = kw;
        op->wtag = gtag;
    } else {
        op->wnd = 4;
        op->wdims[0] = oc;
        op->wdims[1] = ic;
        op->wdims[2] = kh;
        op->wdims[3] = kw;
        op->wtag = tag;
    }
}

/* Depthwise (de)conv [kh][kw][C*mult]: {G=C, O=mult, I=1, KH, KW} in hwigo;
 * with C = 1 the plain {O, I, KH, KW} in hwio, the same bytes. */
static void dn_dw_op(dn_op *op, int deconv, int c, int mult, int kh, int kw, int sh, int sw,
                     int dh, int dw, int pt, int pl, int pb, int pr, int oh, int ow,
                     const float *w, const float *b)
{
    dn_conv_op(op, deconv, c, c, c * mult, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, oh, ow,
               w, b, dnnl_hwigo, dnnl_hwio);
}

/* 1x1 projection [Cout][Cin/g]: {G, Cout/g, Cin/g, 1, 1} in goihw, or
 * {Cout, Cin, 1, 1} in oihw. */
static void dn_pw_op(dn_op *op, const sg_layer *L, int oh, int ow, const float *w, const float *b)
{
    dn_conv_op(op, 0, L->groups, L->pw_cin, L->pw_cout, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, oh, ow,
               w, b, dnnl_goihw, dnnl_oihw);
}

/* An inner product on tensor src (4-D {1, C, H, W} or 2-D {1, K}) with
 * weights [oc][H*W*C] (NHWC flattening: ohwi) or [oc][K]. */
static void dn_ip_op(ln_dnnl *d, dn_op *op, int src, int oc, const float *w, const float *b)
{
    const dnnl_memory_desc_t *m = &d->t[src].md;
    memset(op, 0, sizeof *op);
    op->kind = DN_IP;
    op->oc = oc;
    op->out2d = 1;
    op->oh = op->ow = 1;
    op->w = w, op->b = b;
    op->wnd = m->ndims;
    op->wdims[0] = oc;
    for (int i = 1; i < m->ndims; i++)
        op->wdims[i] = m->dims[i];
    op->wtag = m->ndims == 4 ? dnnl_ohwi : dnnl_ab;
}

static int dn_layer(ln_dnnl *d, const ln_spec *s, int i, const int *lastuse, char *why,
                    size_t nwhy)
{
    const sg_layer *L = &s->layers[i];
    const sg_weights *w = &s->w[i];
    const float *dw_b = L->bias ? w->dw_b : NULL, *pw_b = L->bias ? w->pw_b : NULL;
    const int in = d->T[i];
    const int xr = ln_residual_tensor(s, i);
    int x = -1, xmode = X_NONE;
    if (general_topology(L)) {
        snprintf(why, nwhy, "no library has a topological (windowed) projection");
        return -1;
    }
    if (xr != -1) {
        x = xr == LN_SKIP ? d->skip_t : d->T[xr];
        xmode = s->x_in_out ? X_IN_OUT
               : xr != LN_SKIP && xr != i && d->t[x].ext == DN_INTERNAL && lastuse[xr] == i
                   ? X_IN_PLACE
                   : X_COPY; /* x is the input, the layer's own input or needed later */
    }
    dn_op op;
    int t1, t2, out = -1;
    switch (L->op) {
    case SG_OP_DWCONV:
        dn_dw_op(&op, 0, L->in_c, L->mult, L->kh, L->kw, L->sh, L->sw, L->dh, L->dw, L->pt, L->pl,
                 L->pb, L->pr, L->out_h, L->out_w, w->dw_w, dw_b);
        out = dn_emit(d, &op, in, L->act, x, xmode, why, nwhy);
        break;
    case SG_OP_PWCONV:
        dn_pw_op(&op, L, L->out_h, L->out_w, w->pw_w, pw_b);
        out = dn_emit(d, &op, in, L->act, x, xmode, why, nwhy);
        break;
    case SG_OP_SEPARABLE:
        dn_dw_op(&op, 0, L->in_c, L->mult, L->kh, L->kw, L->sh, L->sw, L->dh, L->dw, L->pt, L->pl,
                 L->pb, L->pr, L->mid_h, L->mid_w, w->dw_w, dw_b);
        if ((t1 = dn_emit(d, &op, in, L->dw_act, -1, X_NONE, why, nwhy)) < 0)
            return -1;
        dn_pw_op(&op, L, L->out_h, L->out_w, w->pw_w, pw_b);
        out = dn_emit(d, &op, t1, L->act, x, xmode, why, nwhy);
        break;
    case SG_OP_DWDECONV:
        dn_dw_op(&op, 1, L->in_c, 1, L->kh, L->kw, L->sh, L->sw, L->dh, L->dw, L->pt, L->pl,
                 L->pb, L->pr, L->out_h, L->out_w, w->dw_w, dw_b);
        out = dn_emit(d, &op, in, L->act, x, xmode, why, nwhy);
        break;
    case SG_OP_BOTTLENECK:
        dn_dw_op(&op, 0, L->in_c, 1, L->kh, L->kw, L->sh, L->sw, 1, 1, L->pt, L->pl, L->pb, L->pr,
                 L->mid_h, L->mid_w, w->dw_w, dw_b);
        if ((t1 = dn_emit(d, &op, in, L->dw_act, -1, X_NONE, why, nwhy)) < 0)
            return -1;
        dn_pw_op(&op, L, L->mid_h, L->mid_w, w->pw_w, pw_b);
        if ((t2 = dn_emit(d, &op, t1, L->mid_act, -1, X_NONE, why, nwhy)) < 0)
            return -1;
        dn_dw_op(&op, 1, L->out_c, 1, L->up_kh, L->up_kw, L->sh, L->sw, 1, 1, L->up_pt, L->up_pl,
                 L->up_pb, L->up_pr, L->out_h, L->out_w, w->up_w, L->bias ? w->up_b : NULL);
        out = dn_emit(d, &op, t2, L->act, x, xmode, why, nwhy);
        break;
    case SG_OP_CONV:
        dn_conv_op(&op, 0, L->groups, L->in_c, L->out_c, L->kh, L->kw, L->sh, L->sw, L->dh,
                   L->dw, L->pt, L->pl, L->pb, L->pr, L->out_h, L->out_w, w->conv_w,
                   L->bias ? w->conv_b : NULL, dnnl_gohwi, dnnl_ohwi);
        out = dn_emit(d, &op, in, L->act, x, xmode, why, nwhy);
        break;
    case SG_OP_POOL:
        memset(&op, 0, sizeof op);
        op.kind = DN_POOL;
        op.oc = L->out_c;
        op.kh = L->kh, op.kw = L->kw, op.sh = L->sh, op.sw = L->sw;
        op.pt = L->pt, op.pl = L->pl, op.pb = L->pb, op.pr = L->pr;
        op.oh = L->out_h, op.ow = L->out_w;
        op.alg = L->pool == SG_POOL_MAX ? dnnl_pooling_max
                 : L->count_pad ? dnnl_pooling_avg_include_padding
                                : dnnl_pooling_avg_exclude_padding;
        out = dn_emit(d, &op, in, L->act, x, xmode, why, nwhy);
        break;
    case SG_OP_FC:
        dn_ip_op(d, &op, in, L->out_c, w->fc_w, L->bias ? w->fc_b : NULL);
        out = dn_emit(d, &op, in, L->act, x, xmode, why, nwhy);
        break;
    case SG_OP_SE: {
        const int C = L->in_c;
        memset(&op, 0, sizeof op);
        op.kind = DN_POOL;
        op.oc = C;
        op.kh = L->in_h, op.kw = L->in_w, op.sh = op.sw = 1, op.oh = op.ow = 1;
        op.alg = dnnl_pooling_avg_exclude_padding;
        if ((t1 = dn_emit(d, &op, in, act_none, -1, X_NONE, why, nwhy)) < 0)
            return -1;
        dn_ip_op(d, &op, t1, L->reduce, w->se_w1, L->bias ? w->se_b1 : NULL);
        if ((t2 = dn_emit(d, &op, t1, L->se_act, -1, X_NONE, why, nwhy)) < 0)
            return -1;
        dn_ip_op(d, &op, t2, C, w->se_w2, L->bias ? w->se_b2 : NULL);
        if ((t1 = dn_emit(d, &op, t2, L->gate, -1, X_NONE, why, nwhy)) < 0)
            return -1;
        if (d->any == LN_LAYOUT_BLOCKED) {
            /* the factors in the blocked layout too (else oneDNN's binary
             * runs its reference code): a 4-D view of them, reordered */
            const dnnl_dims_t d4 = { 1, C, 1, 1 };
            dnnl_memory_desc_t v4;
            if (!DNNL_OK(dnnl_memory_desc_reshape(&v4, &d->t[t1].md, 4, d4)))
                die("dnnl_memory_desc_reshape failed");
            const int view = dn_tensor_new(d, &v4, DN_INTERNAL);
            d->t[view].alias = t1;
            const dnnl_memory_desc_t b4 = md_tag(4, d4, dnnl_aBcd16b);
            if ((t1 = dn_reorder(d, view, &b4, DN_INTERNAL, why, nwhy)) < 0)
                return -1;
        }
        memset(&op, 0, sizeof op);
        op.kind = DN_MUL;
        op.oc = C;
        op.oh = L->out_h, op.ow = L->out_w;
        op.src1 = t1;
        out = dn_emit(d, &op, in, L->act, x, xmode, why, nwhy);
        break;
    }
    case SG_OP_SOFTMAX:
        memset(&op, 0, sizeof op);
        op.kind = DN_SOFTMAX;
        op.oc = L->out_c;
        op.oh = L->out_h, op.ow = L->out_w;
        op.out2d = d->t[in].md.ndims == 2;
        out = dn_emit(d, &op, in, L->act, x, xmode, why, nwhy);
        break;
    }
    if (out < 0)
        return -1;
    if (i + 1 < s->n || d->T[s->n] < 0)
        d->T[i + 1] = out;
    return 0;
}

static int dn_root(const ln_dnnl *d, int t)
{
    while (d->t[t].alias >= 0)
        t = d->t[t].alias;
    return t;
}

/* Buffers for the internal tensors: each root tensor (with the tensors
 * aliasing it) lives from the first to the last step that uses it; in
 * order of first use, it takes the smallest free buffer that holds it,
 * else the largest free one (grown), else a new one. */
static void dn_plan(ln_dnnl *d)
{
    for (int t = 0; t < d->nt; t++) {
        d->t[t].first = d->ns;
        d->t[t].last = -1;
    }
    for (int si = 0; si < d->ns; si++)
        for (int k = 0; k < d->s[si].nargs; k++) {
            const int t = d->s[si].a[k].t;
            if (t < 0)
                continue;
            const int r = dn_root(d, t);
            if (si < d->t[r].first)
                d->t[r].first = si;
            if (si > d->t[r].last)
                d->t[r].last = si;
        }
    int *busy = calloc((size_t)d->nt + 1, sizeof *busy);
    d->bufsz = calloc((size_t)d->nt + 1, sizeof *d->bufsz);
    if (!busy || !d->bufsz)
        die("out of memory");
    for (int si = 0; si < d->ns; si++)
        for (int t = 0; t < d->nt; t++) {
            dn_tensor *T = &d->t[t];
            if (T->alias >= 0 || T->ext != DN_INTERNAL || T->first != si || T->last < 0)
                continue;
            const size_t need = dnnl_memory_desc_get_size(&T->md);
            int best = -1, big = -1;
            for (int b = 0; b < d->nbuf; b++) {
                if (busy[b] >= si)
                    continue;
                if (d->bufsz[b] >= need && (best < 0 || d->bufsz[b] < d->bufsz[best]))
                    best = b;
                if (big < 0 || d->bufsz[b] > d->bufsz[big])
                    big = b;
            }
            if (best < 0)
                best = big;
            if (best < 0)
                best = d->nbuf++;
            if (d->bufsz[best] < need)
                d->bufsz[best] = need;
            busy[best] = T->last;
            T->buf = best;
        }
    free(busy);
}

static void *dn_ptr(ln_dnnl *d, float **bufs, const dn_arg *a)
{
    if (a->t == DN_FIXED)
        return (void *)a->fixed;
    if (a->t == DN_SCRATCH)
        return d->scratch;
    const dn_tensor *T = &d->t[dn_root(d, a->t)];
    switch (T->ext) {
    case DN_IN: return (void *)d->in;
    case DN_SKIP_T: return (void *)d->skip;
    case DN_OUT: return d->out;
    default: return bufs[T->buf];
    }
}

int ln_dnnl_split_matters(const ln_spec *s)
{
    for (int i = 0; i < s->n; i++) {
        const sg_layer *L = &s->layers[i];
        if ((L->op == SG_OP_DWDECONV || L->op == SG_OP_BOTTLENECK) &&
            (L->act.kind != SG_ACT_CLAMP || L->act.flags || L->residual != SG_RESIDUAL_NONE))
            return 1;
    }
    return 0;
}

void ln_dnnl_free(ln_dnnl *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->ns; i++) {
        if (d->s[i].prim)
            dnnl_primitive_destroy(d->s[i].prim);
        for (int k = 0; k < d->s[i].nargs; k++)
            if (d->s[i].ex[k].memory)
                dnnl_memory_destroy(d->s[i].ex[k].memory);
    }
    own_free(&d->own);
    free(d->s);
    free(d->t);
    free(d->T);
    free(d->bufsz);
    free(d);
}

ln_dnnl *ln_dnnl_build(const ln_spec *s, int any_layout, int split, const float *in,
                       const float *skip, float *out, char *why, size_t nwhy)
{
    if (s->threads > 0 && !omp_threads) {
        snprintf(why, nwhy, "oneDNN: its threads cannot be set (no OpenMP runtime with "
                 "omp_set_num_threads)");
        return NULL;
    }
    dn_threads(s->threads); /* the primitives fit their work to the threads at creation */
    ln_dnnl *d = calloc(1, sizeof *d);
    int *lastuse = calloc((size_t)s->n + 1, sizeof *lastuse);
    if (!d || !lastuse)
        die("out of memory");
    d->any = any_layout;
    d->split = split;
    d->threads = s->threads;
    d->n = s->n;
    d->in = in, d->skip = skip, d->out = out;
    d->skip_t = -1;
    d->T = malloc(((size_t)s->n + 1) * sizeof *d->T);
    if (!d->T)
        die("out of memory");
    for (int k = 0; k <= s->n; k++)
        d->T[k] = -1;
    for (int i = 0; i < s->n; i++) { /* the last layer reading T[k] */
        const int xr = ln_residual_tensor(s, i);
        lastuse[i] = i > lastuse[i] ? i : lastuse[i];
        if (xr >= 0 && i > lastuse[xr])
            lastuse[xr] = i;
    }
    const sg_layer *L0 = &s->layers[0], *Ln = &s->layers[s->n - 1];
    dnnl_memory_desc_t md = md_hwc(L0->in_h, L0->in_w, L0->in_c, dnnl_nhwc);
    d->T[0] = dn_tensor_new(d, &md, DN_IN);
    for (int i = 0; i < s->n; i++)
        if (ln_residual_tensor(s, i) == LN_SKIP && d->skip_t < 0) {
            const sg_layer *L = &s->layers[i];
            md = md_hwc(L->out_h, L->out_w, L->out_c, dnnl_nhwc);
            d->skip_t = dn_tensor_new(d, &md, DN_SKIP_T);
        }
    if (s->x_in_out && ln_residual_tensor(s, s->n - 1) != -1) {
        md = md_hwc(Ln->out_h, Ln->out_w, Ln->out_c, dnnl_nhwc);
        d->T[s->n] = dn_tensor_new(d, &md, DN_OUT);
    }
    for (int i = 0; i < s->n; i++)
        if (dn_layer(d, s, i, lastuse, why, nwhy))
            goto fail;
    free(lastuse);
    lastuse = NULL;

    /* the output: the last tensor itself when its layout is plain NHWC (or
     * {1, c} for a 1x1 image) and it is not in place on another; else a
     * reorder into it */
    {
        const int f = d->T[s->n];
        dn_tensor *F = &d->t[f];
        if (F->ext != DN_OUT) {
            const dnnl_memory_desc_t nhwc = md_hwc(Ln->out_h, Ln->out_w, Ln->out_c, dnnl_nhwc);
            const dnnl_dims_t d2 = { 1, Ln->out_c };
            const dnnl_memory_desc_t ab = md_tag(2, d2, dnnl_ab);
            const int plain = dnnl_memory_desc_equal(&F->md, &nhwc) ||
                              (Ln->out_h == 1 && Ln->out_w == 1 && dnnl_memory_desc_equal(&F->md, &ab));
            if (plain && F->alias < 0 && F->ext == DN_INTERNAL)
                F->ext = DN_OUT;
            else if (dn_reorder(d, f, F->md.ndims == 2 ? &ab : &nhwc, DN_OUT, why, nwhy) < 0)
                goto fail;
        }
    }

    dn_plan(d);
    float **bufs = calloc((size_t)d->nbuf + 1, sizeof *bufs);
    if (!bufs)
        die("out of memory");
    for (int b = 0; b < d->nbuf; b++) {
        bufs[b] = own(&d->own, falloc(d->bufsz[b] / sizeof(float) + 1));
        d->tensor_bytes += (long long)d->bufsz[b];
    }
    if (d->scratch_bytes)
        d->scratch = own(&d->own, falloc(d->scratch_bytes / sizeof(float) + 1));
    for (int i = 0; i < d->ns; i++) {
        dn_step *st = &d->s[i];
        for (int k = 0; k < st->nargs; k++) {
            dnnl_memory_t m = NULL;
            if (!DNNL_OK(dnnl_memory_create(&m, &st->a[k].md, eng, dn_ptr(d, bufs, &st->a[k])))) {
                free(bufs);
                snprintf(why, nwhy, "oneDNN: dnnl_memory_create failed");
                goto fail;
            }
            st->ex[k].arg = st->a[k].kind;
            st->ex[k].memory = m;
        }
        const size_t len = strlen(d->impl);
        snprintf(d->impl + len, sizeof d->impl - len, "%s%s", i ? "+" : "", st->impl);
    }
    free(bufs);
    return d;
fail:
    free(lastuse);
    ln_dnnl_free(d);
    return NULL;
}

void ln_dnnl_run(ln_dnnl *d)
{
    dn_threads(d->threads);
    for (int i = 0; i < d->ns; i++)
        if (!DNNL_OK(dnnl_primitive_execute(d->s[i].prim, str, d->s[i].nargs, d->s[i].ex)))
            die("dnnl_primitive_execute failed");
    dnnl_stream_wait(str);
}

const char *ln_dnnl_impl(const ln_dnnl *d)
{
    return d->impl;
}

static const char *variant_name(const int v[2])
{
    static const char *lay[3] = { "NHWC", "layouts chosen by oneDNN", "blocked nChw16c" };
    static char buf[96];
    snprintf(buf, sizeof buf, "%s%s", lay[v[0]], v[1] ? ", deconvolution post-ops split" : "");
    return buf;
}

ln_dnnl *ln_dnnl_best(const ln_spec *s, int nvar, const int (*var)[2], const float *in,
                      const float *skip, float *out, ln_check_fn check, void *ctx, char *choice,
                      size_t nchoice, char *why, size_t nwhy)
{
    ln_dnnl *best = NULL;
    double tbest = 0.0;
    int vbest = -1;
    char times[512] = "";
    choice[0] = 0;
    for (int v = 0; v < nvar; v++) {
        char w2[256];
        ln_dnnl *d = ln_dnnl_build(s, var[v][0], var[v][1], in, skip, out, w2, sizeof w2);
        if (!d) {
            if (!best)
                snprintf(why, nwhy, "%s", w2);
            continue;
        }
        check(ctx, 1);
        ln_dnnl_run(d);
        if (!check(ctx, 0)) {
            snprintf(why, nwhy, "oneDNN (%s): output differs from the generic kernels",
                     variant_name(var[v]));
            ln_dnnl_free(d);
            continue;
        }
        double t = 1e30, start = now();
        for (int r = 0; r < 3 || now() - start < 0.02; r++) {
            const double t0 = now();
            ln_dnnl_run(d);
            const double dt = now() - t0;
            t = dt < t ? dt : t;
        }
        const size_t len = strlen(times);
        snprintf(times + len, sizeof times - len, "%s%s %.1f us", len ? "; " : "",
                 variant_name(var[v]), t * 1e6);
        if (!best || t < tbest) {
            ln_dnnl_free(best);
            best = d, tbest = t, vbest = v;
        } else
            ln_dnnl_free(d);
    }
    if (best && nvar > 1)
        snprintf(choice, nchoice, "%s (%s)", variant_name(var[vbest]), times);
    else if (best)
        snprintf(choice, nchoice, "%s", variant_name(var[vbest]));
    return best;
}

void ln_dnnl_layouts(const ln_dnnl *d, char *buf, size_t n)
{
    char names[16][32];
    int counts[16], nn = 0;
    for (int t = 0; t < d->nt; t++) {
        const dnnl_memory_desc_t *md = &d->t[t].md;
        char nm[32] = "other";
        if (md->format_kind == dnnl_blocked) {
            const dnnl_blocking_desc_t *b = &md->format_desc.blocking;
            if (b->inner_nblks == 0 && md->ndims == 4 && b->strides[1] == 1)
                snprintf(nm, sizeof nm, "NHWC");
            else if (b->inner_nblks == 0)
                snprintf(nm, sizeof nm, "plain %dD", md->ndims);
            else if (b->inner_nblks == 1 && b->inner_idxs[0] == 1)
                snprintf(nm, sizeof nm, "blocked %dc", (int)b->inner_blks[0]);
            else
                snprintf(nm, sizeof nm, "blocked");
        }
        int j = 0;
        while (j < nn && strcmp(names[j], nm) != 0)
            j++;
        if (j == nn && nn < 16) {
            snprintf(names[nn], sizeof names[nn], "%s", nm);
            counts[nn++] = 0;
        }
        if (j < nn)
            counts[j]++;
    }
    buf[0] = 0;
    for (int j = 0; j < nn; j++) {
        const size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%d %s", j ? ", " : "", counts[j], names[j]);
    }
}

void ln_dnnl_memory(const ln_dnnl *d, ln_memory *m)
{
    m->arena = d->tensor_bytes + (long long)d->scratch_bytes;
    m->weights = d->weight_bytes;
    snprintf(m->how, sizeof m->how,
             "the buffers allocated for the intermediate tensors (%d, reused by lifetime: "
             "%lld B) + the largest scratchpad (%zu B); weights: reordered weights + biases",
             d->nbuf, d->tensor_bytes, d->scratch_bytes);
}
#endif /* SG_BENCH_ONEDNN */

/* ======================================================================== */
/* ---- both ------------------------------------------------------------------ */
/* ======================================================================== */

void ln_free(ln_xnn *x, ln_dnnl *d)
{
#ifdef SG_BENCH_XNNPACK
    ln_xnn_free(x);
#else
    (void)x;
#endif
#ifdef SG_BENCH_ONEDNN
    ln_dnnl_free(d);
#else
    (void)d;
#endif
}

double ln_settle(ln_xnn *x)
{
    const double t0 = now();
#ifdef SG_BENCH_XNNPACK
    xnn_park(x);
#else
    (void)x;
#endif
    quiesce();
    return now() - t0;
}
