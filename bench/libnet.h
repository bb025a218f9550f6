/* libnet.h - sepgen layers as XNNPACK and oneDNN compute them.
 *
 * One mapping from sepgen's ops to each library, used both for one layer
 * (bench.c: every layer of a net apart) and for a whole chain of layers
 * (wholenet.c: a net end to end).  A chain is n consecutive entries of a
 * generated net's layer table: tensor T[0] is the chain's input, layer i
 * reads T[i] and writes T[i+1], T[n] is the output; a named residual reads
 * the input of the layer it names, T[skip_layer - first] when that layer is
 * in the chain, otherwise an external skip tensor.
 *
 *   XNNPACK: one subgraph (xnn_define_*), one runtime (xnn_create_runtime_v2,
 *            no threadpool, or a pthreadpool of its own with threads > 1),
 *            which plans the intermediate tensors into its own workspace;
 *   oneDNN:  a chain of primitives run on one stream; activations and
 *            residual sums as post-ops where oneDNN takes them (else as
 *            eltwise / binary primitives), weights reordered once into the
 *            layout each primitive picked, intermediate tensors in buffers
 *            reused by lifetime, one user scratchpad; with threads >= 1 the
 *            OpenMP thread count is set to it (omp_set_num_threads) before
 *            the primitives are created and before every run.
 * Op mapping and the limits of the installed versions: bench/README.md.
 */
#ifndef SG_BENCH_LIBNET_H
#define SG_BENCH_LIBNET_H

#include <stddef.h>

#include "sg.h"

typedef struct ln_spec {
    int n;                 /* layers                                                  */
    const sg_layer *layers; /* n consecutive entries of a net's table                 */
    const sg_weights *w;   /* w[i]: the weights of layers[i] (TFLite layouts)          */
    int first;             /* table index of layers[0]; named residuals index the table */
    int x_in_out;          /* n == 1 only: the caller puts a residual's x into the output
                              buffer before each checked run, and oneDNN's sum post-op
                              accumulates there (in place, as in a real network)        */
    int threads;           /* 0: as the environment says (XNNPACK no threadpool, oneDNN
                              OMP_NUM_THREADS); n >= 1: n threads (XNNPACK a pthreadpool
                              when n > 1, oneDNN omp_set_num_threads(n))               */
} ln_spec;

#define LN_SKIP (-2)
/* The tensor layer i adds as its residual: 0..n (T[k]), LN_SKIP or -1. */
int ln_residual_tensor(const ln_spec *s, int i);

/* Memory a built network holds besides its input and output, in bytes, and
 * how it was measured. */
typedef struct ln_memory {
    long long arena;   /* intermediate tensors and scratch */
    long long weights; /* weights in the library's layouts, biases included */
    char how[320];
} ln_memory;

typedef struct ln_xnn ln_xnn;   /* XNNPACK's network (SG_BENCH_XNNPACK) */
typedef struct ln_dnnl ln_dnnl; /* oneDNN's (SG_BENCH_ONEDNN) */

/* Frees x and d (NULL: nothing; a library not built in has only NULL). */
void ln_free(ln_xnn *x, ln_dnnl *d);

/* Outside the timing, after a run with threads: x's threadpool workers sent
 * to sleep now instead of after their spin (tens of ms of a core each; x
 * NULL: none), then quiesce() (common.h), so that no pool's idle workers
 * take cores from what is timed next.  Returns the seconds it took. */
double ln_settle(ln_xnn *x);

/* The header lines "XNNPACK: ..." and "oneDNN: ..." (have_*: initialized);
 * threads > 1: each also runs with that many threads (make bench THREADS=n). */
void ln_print_libs(int have_xnn, int have_dnnl, int threads);

#ifdef SG_BENCH_XNNPACK
/* NULL and why on failure. */
ln_xnn *ln_xnn_build(const ln_spec *s, char *why, size_t nwhy);
/* xnn_setup_runtime with the external tensors; -1 and why on failure. */
int ln_xnn_bind(ln_xnn *x, const float *in, const float *skip, float *out, char *why,
                size_t nwhy);
void ln_xnn_run(ln_xnn *x);
void ln_xnn_free(ln_xnn *x);
/* Builds s twice more (once as is, once with every tensor external so that
 * nothing goes to the runtime's workspace) and measures each with
 * heap_bytes() around xnn_create_runtime_v2 and xnn_setup_runtime. */
int ln_xnn_memory(const ln_spec *s, ln_memory *m, char *why, size_t nwhy);
#endif

#ifdef SG_BENCH_ONEDNN
enum { LN_LAYOUT_NHWC = 0, LN_LAYOUT_ANY = 1, LN_LAYOUT_BLOCKED = 2 };
int ln_dnnl_init(void); /* the CPU engine and a stream; -1 if unavailable */
void ln_dnnl_fini(void);
/* any_layout: LN_LAYOUT_NHWC every tensor plain NHWC; LN_LAYOUT_ANY oneDNN
 * picks each primitive's output layout (format_tag_any); LN_LAYOUT_BLOCKED
 * every 4-D tensor in oneDNN's blocked nChw16c; reorders only at the
 * chain's input and output (and where a primitive takes no other layout).
 * split: deconvolutions take their activation and residual as
 * separate primitives (oneDNN 2.6 runs deconvolution post-ops slowly).
 * NULL and why on failure. */
ln_dnnl *ln_dnnl_build(const ln_spec *s, int any_layout, int split, const float *in,
                       const float *skip, float *out, char *why, size_t nwhy);
void ln_dnnl_run(ln_dnnl *d);
void ln_dnnl_free(ln_dnnl *d);
const char *ln_dnnl_impl(const ln_dnnl *d); /* the primitives' implementations, "+"-joined */
void ln_dnnl_memory(const ln_dnnl *d, ln_memory *m);
/* How many of its tensors are in which layout: "12 NHWC, 40 blocked 16c". */
void ln_dnnl_layouts(const ln_dnnl *d, char *buf, size_t n);
/* Does some deconvolution of s have an activation or a residual (so that
 * split = 1 is worth trying)? */
int ln_dnnl_split_matters(const ln_spec *s);

/* The fastest correct setup among variants var[0..nvar-1] = {any_layout,
 * split}: each is built, run once between check(ctx, 1) (before: e.g.
 * preload a residual into out) and check(ctx, 0) (after: is out right?),
 * and, if right, timed briefly (the fastest of >= 3 runs and >= 20 ms);
 * the others are freed.  choice: which won, and the times.  NULL and why
 * when no variant builds and checks. */
typedef int (*ln_check_fn)(void *ctx, int before);
ln_dnnl *ln_dnnl_best(const ln_spec *s, int nvar, const int (*var)[2], const float *in,
                      const float *skip, float *out, ln_check_fn check, void *ctx, char *choice,
                      size_t nchoice, char *why, size_t nwhy);
#endif

#endif
