/* test_openmp.c - Check tests of the OpenMP adapter example
 * (examples/app/sg_openmp.h, README "Threads"):
 *   - every task runs exactly once, ntasks 0, 1, 2, 3, 7, 64, 1000 and
 *     threads 1, 2, 3, 4, 8, over repeated calls;
 *   - tasks writing disjoint slices give the serial loop's bytes;
 *   - with -fopenmp, `threads` tasks that wait for each other all meet: the
 *     team really has par.threads threads.
 * runtime.sh builds it with -fopenmp when the compiler and libgomp can
 * (not under ThreadSanitizer: libgomp is not instrumented).
 *
 * Build and run (from the repository root):
 *   mkdir -p build && gcc -std=c99 -D_POSIX_C_SOURCE=200809L -fopenmp -Wall \
 *       -Wextra -Wpedantic -Werror -Iruntime -Iexamples/app \
 *       tests/runtime/test_openmp.c $(pkg-config --cflags --libs check) \
 *       -o build/test_openmp
 *   ./build/test_openmp
 */
#include "sg_openmp.h"
#include "par_tasks.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const int NTASKS[] = {0, 1, 2, 3, 7, 64, 1000};
enum { N_NTASKS = sizeof NTASKS / sizeof NTASKS[0] };
static const int THREADS[] = {1, 2, 3, 4, 8};
enum { N_THREADS = sizeof THREADS / sizeof THREADS[0] };

typedef struct count_ctx {
    int n;
    int *count;
} count_ctx;

static void count_task(void *vctx, int t)
{
    count_ctx *c = (count_ctx *)vctx;
    if (t < 0 || t >= c->n) {
        fprintf(stderr, "task %d outside 0..%d\n", t, c->n - 1);
        abort();
    }
    c->count[t]++;
}

START_TEST(test_once)
{
    int threads = THREADS[_i], rep, k, t;
    sg_par par = sg_openmp_par(&threads);
    ck_assert_int_eq(par.threads, THREADS[_i]);
    for (rep = 0; rep < 50; rep++)
        for (k = 0; k < N_NTASKS; k++) {
            count_ctx c;
            c.n = NTASKS[k];
            c.count = (int *)calloc((size_t)c.n + 1, sizeof *c.count);
            ck_assert_ptr_nonnull(c.count);
            par.parallel(par.pool, count_task, &c, c.n);
            for (t = 0; t < c.n; t++)
                ck_assert_msg(c.count[t] == 1, "threads %d, ntasks %d: task %d "
                              "ran %d times", threads, c.n, t, c.count[t]);
            free(c.count);
        }
}
END_TEST

START_TEST(test_results)
{
    enum { LEN = 100003 };
    int threads = THREADS[_i], k, i;
    sg_par par = sg_openmp_par(&threads);
    float *want = (float *)malloc(LEN * sizeof *want);
    float *got = (float *)malloc(LEN * sizeof *got);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    for (i = 0; i < LEN; i++)
        want[i] = slice_value(i);
    for (k = 1; k < N_NTASKS; k++) {
        slice_ctx c;
        c.len = LEN;
        c.ntasks = NTASKS[k];
        c.y = got;
        memset(got, 0xff, LEN * sizeof *got);
        par.parallel(par.pool, slice_task, &c, c.ntasks);
        ck_assert_msg(memcmp(got, want, LEN * sizeof *got) == 0,
                      "threads %d, ntasks %d: not the serial result", threads,
                      c.ntasks);
    }
    free(want);
    free(got);
}
END_TEST

#ifdef _OPENMP
START_TEST(test_concurrency)
{
    int threads = THREADS[1 + _i], rep;
    sg_par par = sg_openmp_par(&threads);
    for (rep = 0; rep < 5; rep++) {
        meet_ctx m;
        memset(&m, 0, sizeof m);
        ck_assert_int_eq(pthread_mutex_init(&m.mu, NULL), 0);
        ck_assert_int_eq(pthread_cond_init(&m.cv, NULL), 0);
        m.want = threads;
        par.parallel(par.pool, meet_task, &m, threads);
        ck_assert_msg(!m.timed_out, "threads %d: %d of %d tasks had started "
                      "after 10 s", threads, m.at_timeout, threads);
        pthread_cond_destroy(&m.cv);
        pthread_mutex_destroy(&m.mu);
    }
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("openmp");
    TCase *tc = tcase_create("Adapter");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_once, 0, N_THREADS);
    tcase_add_loop_test(tc, test_results, 0, N_THREADS);
#ifdef _OPENMP
    tcase_add_loop_test(tc, test_concurrency, 0, N_THREADS - 1);
    printf("sg_openmp.h: OpenMP %d\n", _OPENMP);
#else
    printf("sg_openmp.h: without -fopenmp (serial)\n");
#endif
    fflush(stdout);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
