/* sg.h - the sepgen runtime header: weights, layer descriptors, activations.
 *
 * Generated code includes only this header.  It is C99, has no state and
 * declares nothing that needs linking except the generic kernels, which a
 * product links only if it wants the oracle (runtime/sg_generic.c).
 *
 * Index arithmetic in generated code uses int: sepgen requires int to hold
 * 32 bits (true of every ARM Cortex-M/A, x86 and RISC-V C compiler).  The
 * generator rejects any tensor of 2^31 elements or more.
 */
#ifndef SG_H
#define SG_H

#include <stddef.h>
#include <limits.h>

#if INT_MAX < 2147483647
#error "sepgen generated code requires a 32-bit int"
#endif

/* `restrict` in the generated prototypes, spelled so C++ compilers accept them. */
#ifdef __cplusplus
#define SG_RESTRICT __restrict
#else
#define SG_RESTRICT restrict
#endif

/* SG_MADD(acc, a, b): acc + a * b, the multiply-add of the generated scalar
 * kernels: the core's fused multiply-add instruction (one rounding) where
 * it has one, whatever -std and -ffp-contract the product is compiled with
 * (GCC's -std=c99 turns contraction off).
 * - GCC: where __FP_FAST_FMAF says fmaf is an instruction (Cortex-M4F, M7,
 *   M33 with an FPU, AArch64, x86 with -mfma).
 * - Clang on ARM with an FMA unit (__ARM_FEATURE_FMA): on AArch64, and on
 *   32-bit ARM with -fno-math-errno (__NO_MATH_ERRNO__); bare-metal Clang
 *   assumes math-errno by default and would call fmaf for the builtin.
 * - Elsewhere the plain expression, which Clang contracts where it fuses
 *   (x86 with -mfma) and GCC at -Os may turn into VMLA.
 * Fused or not, results are within the generated test's tolerance. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__FP_FAST_FMAF)
#define SG_MADD(acc, a, b) __builtin_fmaf((a), (b), (acc))
#elif defined(__clang__) && defined(__ARM_FEATURE_FMA) && (defined(__aarch64__) || defined(__NO_MATH_ERRNO__))
#define SG_MADD(acc, a, b) __builtin_fmaf((a), (b), (acc))
#else
#define SG_MADD(acc, a, b) ((acc) + (a) * (b))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SG_VERSION_MAJOR 0
#define SG_VERSION_MINOR 1

/* The weight pointers of a layer (TFLite layouts: README "Weight layouts
 * and packing").  Unused ones are NULL; with bias = false every bias may be
 * NULL. */
typedef struct sg_weights {
    const float *dw_w;  /* [kh][kw][C*mult]          dwconv, separable, dwdeconv, bottleneck (down) */
    const float *dw_b;  /* [C*mult]                                                                  */
    const float *pw_w;  /* [Cout][S]  (dense: [Cout][Cin])  pwconv, separable, bottleneck            */
    const float *pw_b;  /* [Cout]                                                                    */
    const float *up_w;  /* [up_kh][up_kw][Cout]      bottleneck (up)                                 */
    const float *up_b;  /* [Cout]                                                                    */
    const float *conv_w; /* [cout][kh][kw][C/groups] conv (TFLite OHWI)                              */
    const float *conv_b; /* [cout]                                                                   */
    const float *fc_w;  /* [cout][H*W*C]             fc (input flattened in NHWC order)              */
    const float *fc_b;  /* [cout]                                                                    */
    const float *se_w1; /* [reduce][C]               se: the squeeze                                 */
    const float *se_b1; /* [reduce]                                                                  */
    const float *se_w2; /* [C][reduce]               se: the excitation                              */
    const float *se_b2; /* [C]                                                                       */
} sg_weights;

typedef enum sg_op {
    SG_OP_DWCONV = 1,
    SG_OP_PWCONV = 2,
    SG_OP_SEPARABLE = 3,
    SG_OP_DWDECONV = 4,
    SG_OP_BOTTLENECK = 5,
    SG_OP_CONV = 6,
    SG_OP_POOL = 7,
    SG_OP_FC = 8,
    SG_OP_SE = 9,
    SG_OP_SOFTMAX = 10
} sg_op;

#define SG_POOL_AVG 1
#define SG_POOL_MAX 2

/* An activation.  kind SG_ACT_CLAMP (0): clamp to [lo, hi], a bound
 * applying only if its flag is set: none = {0}, relu = {SG_ACT_LO, 0, 0},
 * relu6 = {SG_ACT_LO | SG_ACT_HI, 0, 6}.  The other kinds ignore flags, lo
 * and hi:
 *   SG_ACT_HSWISH    x * min(max(x + 3, 0), 6) / 6
 *   SG_ACT_HSIGMOID  min(max(x + 3, 0), 6) / 6
 *   SG_ACT_SIGMOID   1 / (1 + e^-x)
 *   SG_ACT_AFFINE    scale * x + offset (the generated tests' error bounds) */
#define SG_ACT_LO 1
#define SG_ACT_HI 2
#define SG_ACT_CLAMP 0
#define SG_ACT_HSWISH 1
#define SG_ACT_HSIGMOID 2
#define SG_ACT_SIGMOID 3
#define SG_ACT_AFFINE 4
typedef struct sg_act {
    int flags;
    float lo, hi;
    int kind;
    float scale, offset;
} sg_act;

#define SG_RESIDUAL_NONE 0
#define SG_RESIDUAL_SELF 1  /* residual = true: x = the layer's own input  */
#define SG_RESIDUAL_NAMED 2 /* residual = "name": x = that layer's input   */

#define SG_MAX_TOPO_DIMS 8

/* Uniform entry point used by N_layers[]: skip is ignored unless the layer's
 * residual names another layer. */
typedef void (*sg_run_fn)(const float *in, const float *skip, float *out,
                          const float *packed, float *scratch);
typedef void (*sg_pack_fn)(const sg_weights *w, float *packed);

/* One layer, every shape field resolved (defaults applied, padding split). */
typedef struct sg_layer {
    const char *name;
    sg_op op;
    int in_h, in_w, in_c;    /* input tensor [in_h][in_w][in_c]                     */
    int out_h, out_w, out_c; /* output tensor                                        */
    /* depthwise part (dwconv, separable, dwdeconv, bottleneck's down conv).  For
     * dwdeconv these describe the forward dwconv it is the adjoint of, which maps
     * out_h x out_w to in_h x in_w. */
    int kh, kw, sh, sw, dh, dw; /* kernel, stride, dilation                         */
    int pt, pl, pb, pr;         /* padding top, left, bottom, right                 */
    int mult;                   /* channel multiplier (1 when not applicable)       */
    int mid_h, mid_w, mid_c;    /* separable: depthwise output; bottleneck: down
                                   conv output size with mid_c = projection cout;
                                   otherwise equal to the output                    */
    /* projection (pwconv, separable, bottleneck) */
    int pw_cin, pw_cout; /* channels entering and leaving the projection          */
    int pw_s;            /* inputs per output channel: pw_cin when dense          */
    int topo_dims;       /* 0 dense; groups are stored as their 2-d topology      */
    int grid_in[SG_MAX_TOPO_DIMS], grid_out[SG_MAX_TOPO_DIMS], window[SG_MAX_TOPO_DIMS];
    int groups;          /* groups as written (1 when not grouped; conv's too)    */
    /* bottleneck's up deconvolution (stride sh, sw; dilation 1) */
    int up_kh, up_kw;
    int up_pt, up_pl, up_pb, up_pr; /* padding of the forward conv mapping
                                       in_h x in_w to mid_h x mid_w           */
    int bias;            /* 0: every bias dropped                                */
    sg_act dw_act, mid_act, act;
    int pool;            /* pool: SG_POOL_AVG or SG_POOL_MAX (a global pool's
                            window is the whole input: kh = in_h, kw = in_w)   */
    int count_pad;       /* avg pool: 1 divides by kh*kw, 0 by the cells inside */
    int reduce;          /* se: the squeeze's channels                           */
    sg_act se_act, gate; /* se: after the squeeze; the gate (hsigmoid, sigmoid) */
    int residual;        /* SG_RESIDUAL_*                                        */
    int skip_layer;      /* index in the net's layer table whose input is the
                            skip (SG_RESIDUAL_NAMED), else -1                   */
    long long macs;      /* multiply-accumulates of one run                      */
    long long params;    /* weights + biases as the user supplies them           */
    size_t packed_floats;
    size_t scratch_floats;
    sg_pack_fn pack;
    sg_run_fn run;
} sg_layer;

/* Clamp helpers used by generated code and the generic kernels. */
static inline float sg_max(float a, float b) { return a > b ? a : b; }
static inline float sg_min(float a, float b) { return a < b ? a : b; }

/* e^x for the generated code's sigmoid, without libm (microcontrollers):
 * x = n ln2 + r, |r| <= ln2 / 2, e^r = 1 + r + r^2 P(r) with Cephes' expf
 * polynomial, 2^n put into the exponent bits.  Within 1 unit in the last
 * place of glibc's expf over [-87.3, 88] (tests/runtime checks 2); 0 below,
 * e^88 above (no infinities). */
static inline float sg_expf(float x)
{
    union { float f; unsigned u; } s;
    float n, r, p;
    if (x > 88.0f) x = 88.0f;
    if (x < -87.3f) return 0.0f;
    n = (float)(int)(x * 1.44269504f + (x < 0.0f ? -0.5f : 0.5f));
    r = x - n * 0.693359375f;           /* ln2 in two parts: exact n * hi */
    r = r + n * 2.12194440e-4f;
    p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    s.u = (unsigned)((int)n + 127) << 23;
    return p * s.f;
}

/* ---- the generic kernels (runtime/sg_generic.c): the oracle ----------- */

/* Scratch floats sg_generic_run needs for L. */
size_t sg_generic_scratch_floats(const sg_layer *L);

/* Runs L straight from the specification.  For residual = true, skip is
 * ignored (the input is the residual); for a named residual, skip is the
 * named layer's input tensor.  scratch holds sg_generic_scratch_floats(L). */
void sg_generic_run(const sg_layer *L, const sg_weights *w, const float *in,
                    const float *skip, float *out, float *scratch);

/* ---- threads: the caller's pool, lent to N_forward_par (README "Threads") */

typedef void (*sg_task_fn)(void *ctx, int task);
typedef struct {            /* run fn(ctx, 0..ntasks-1), possibly concurrently; return when all are done */
    void (*parallel)(void *pool, sg_task_fn fn, void *ctx, int ntasks);
    void *pool;
    int threads;            /* workers the pool runs at once, at most N_MAX_THREADS */
} sg_par;

#ifdef __cplusplus
}
#endif

#endif /* SG_H */
