/* pool_speed.c - how close runtime/sg_pthreads.h comes to `threads` times
 * the speed of one thread on a net-like load: 30 back-to-back parallel
 * calls (one per "layer") of `threads` equal tasks of busy work, layer
 * sizes from 5 us to 1 ms.  Prints, per layer size, the median time of the
 * 30 layers on one thread (the inline par) and on the pool, and the ratio.
 * It is the measurement behind the pool's spin before sleeping: build it
 * twice and compare (a quiet machine: another process on a core shows as a
 * ratio near 1):
 *
 *   cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -pthread -Iruntime \
 *       tests/runtime/pool_speed.c -o build/pool_speed
 *   cc ... -DSG_PTHREADS_SPIN_NS=0 ... -o build/pool_speed_nospin
 *   build/pool_speed [threads (default 2)] [ntasks (default threads)]
 *
 * runtime.sh builds it (-Werror) but does not run it: timing is no test.
 */
#include "sg_pthreads.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { LAYERS = 30, REPS = 101 };

typedef struct work {
    long iters; /* per task */
    double out[1024];
} work;

static void busy_task(void *vctx, int t)
{
    work *w = (work *)vctx;
    volatile double a = t + 1.0; /* volatile: the loop stays */
    long k;
    for (k = 0; k < w->iters; k++)
        a = a * 0.9999999 + 1e-7;
    w->out[t & 1023] = a;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median over REPS of the time of LAYERS calls of ntasks tasks. */
static double net_time(const sg_par *par, work *w, int ntasks)
{
    static double t[REPS];
    int r, l;
    for (r = 0; r < REPS; r++) {
        double t0 = now_us();
        for (l = 0; l < LAYERS; l++)
            par->parallel(par->pool, busy_task, w, ntasks);
        t[r] = now_us() - t0;
    }
    qsort(t, REPS, sizeof t[0], cmp_double);
    return t[REPS / 2];
}

int main(int argc, char **argv)
{
    static const double layer_us[] = {5, 20, 50, 200, 1000};
    static work w;
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    int ntasks = argc > 2 ? atoi(argv[2]) : threads;
    sg_par one = sg_pthreads_create(1), par = sg_pthreads_create(threads);
    double per_us, t0;
    size_t k;
    if (ntasks < 1 || ntasks > 1024) {
        fprintf(stderr, "usage: %s [threads] [ntasks 1..1024]\n", argv[0]);
        return 2;
    }
    /* iterations per microsecond, one thread */
    w.iters = 2000000;
    t0 = now_us();
    busy_task(&w, 0);
    per_us = w.iters / (now_us() - t0);
    printf("pool_speed: %d threads (%d running), %d tasks per call, %d calls per net, "
           "spin %ld ns\n", threads, par.threads, ntasks, LAYERS,
           (long)SG_PTHREADS_SPIN_NS);
    printf("%10s %12s %12s %7s\n", "layer_us", "1 thread_us", "pool_us", "ratio");
    for (k = 0; k < sizeof layer_us / sizeof layer_us[0]; k++) {
        double s, p;
        w.iters = (long)(layer_us[k] * per_us / ntasks);
        s = net_time(&one, &w, ntasks);
        p = net_time(&par, &w, ntasks);
        printf("%10.0f %12.1f %12.1f %7.2f\n", s / LAYERS, s, p, s / p);
    }
    sg_pthreads_destroy(&par);
    return 0;
}
