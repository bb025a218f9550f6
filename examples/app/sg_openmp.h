/* sg_openmp.h - an sg_par on OpenMP (README "Threads"): an example adapter
 * for applications that already use OpenMP, so the net's layers run on the
 * OpenMP threads the rest of the program uses.  Tested by
 * tests/runtime/test_openmp.c.
 *
 *     #include "sg_openmp.h"
 *
 *     int nthreads = 4;                        // at most the net's N_MAX_THREADS
 *     sg_par par = sg_openmp_par(&nthreads);   // nthreads must outlive par
 *     mbv1_forward_par(in, out, packed, arena, &par);
 *
 * Compile with -fopenmp (gcc, clang with libomp).  Without it the pragma is
 * left out and the tasks run in order on the calling thread.
 * schedule(dynamic) hands the tasks out one at a time like sg_pthreads.h;
 * num_threads caps the team at the count the net planned for.
 */
#ifndef SG_OPENMP_H
#define SG_OPENMP_H

#include "sg.h"

/* pool points to the thread count (an int). */
static inline void sg_openmp_parallel(void *pool, sg_task_fn fn, void *ctx, int ntasks)
{
    int t, threads = *(const int *)pool;
    (void)threads; /* unused without -fopenmp */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(threads) if (ntasks > 1)
#endif
    for (t = 0; t < ntasks; t++)
        fn(ctx, t);
}

static inline sg_par sg_openmp_par(int *threads)
{
    sg_par par;
    if (*threads < 1)
        *threads = 1;
    par.parallel = sg_openmp_parallel;
    par.pool = threads;
    par.threads = *threads;
    return par;
}

#endif /* SG_OPENMP_H */
