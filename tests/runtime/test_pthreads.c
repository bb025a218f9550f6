/* test_pthreads.c - Check tests of the optional pthreads pool
 * (runtime/sg_pthreads.h) and of the fake pools of runtime/sg_testpar.h
 * (README "Threads", SPEC 11).
 *
 *   Once        every task of a call runs exactly once, for ntasks 0, 1, 2,
 *               3, 7, 64, 1000 and threads -1, 0, 1, 2, 3, 4, 8 (more
 *               threads than this machine's cores on purpose)
 *   Repeat      2000 calls on one pool, each checked, tasks of uneven length;
 *               20000 short calls alternating two functions and contexts
 *   Results     tasks writing disjoint slices give the serial loop's bytes
 *   Concurrency `threads` tasks that each wait for all the others: the pool
 *               really runs par.threads tasks at once
 *   Reentry     a task calling parallel on its own pool, two application
 *               threads sharing a pool: correct (run inline), no deadlock
 *   Lifecycle   create/destroy cycles, destroy twice, pools never called
 *   Degrade     pthread_create failing: a smaller pool, still correct
 *   Fakes       sg_testpar.h: reverse order, seeded permutations
 *   Pin         sg_pthreads_pin: -1 without _GNU_SOURCE on Linux (the
 *               default build); with it (runtime.sh's -D_GNU_SOURCE
 *               build) every thread on the CPU asked for, invalid CPUs
 *               pin nothing, and the pinned pool still runs every task
 *
 * Task functions never call ck_assert (they may run on a worker thread):
 * they record what they saw, and the test checks after the call.  Counters
 * are plain ints written by one task each, so a task run twice at once, or
 * a result not published to the caller, is also a data race that
 * ThreadSanitizer reports (runtime.sh runs this file under it).
 *
 * Build and run (from the repository root):
 *   mkdir -p build && gcc -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
 *       -Wpedantic -Werror -pthread -Iruntime tests/runtime/test_pthreads.c \
 *       $(pkg-config --cflags --libs check) -o build/test_pthreads
 *   ./build/test_pthreads
 * -DSG_PTHREADS_NO_ATOMICS tests the pool's mutex-only variant.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* pthread_create that fails once `create_budget` threads were started
 * (-1: never fails).  Only the test's main thread touches the budget. */
static int create_budget = -1;
static int create_calls = 0;
static int test_thread_create(pthread_t *th, const pthread_attr_t *attr,
                              void *(*fn)(void *), void *arg)
{
    create_calls++;
    if (create_budget == 0)
        return EAGAIN;
    if (create_budget > 0)
        create_budget--;
    return pthread_create(th, attr, fn, arg);
}
#define SG_PTHREADS_THREAD_CREATE test_thread_create

#include "sg_pthreads.h"
#include "sg_testpar.h"
#include "par_tasks.h"

#include <check.h>

static const int NTASKS[] = {0, 1, 2, 3, 7, 64, 1000};
enum { N_NTASKS = sizeof NTASKS / sizeof NTASKS[0] };
static const int THREADS[] = {-1, 0, 1, 2, 3, 4, 8};
enum { N_THREADS = sizeof THREADS / sizeof THREADS[0] };
/* THREADS[FIRST_MT..] start workers */
enum { FIRST_MT = 3 };

static int expect_threads(int threads) { return threads < 1 ? 1 : threads; }

/* ---- counting tasks --------------------------------------------------------- */

typedef struct count_ctx {
    int n;        /* ntasks of the call                           */
    int *count;   /* [n] runs of each task                        */
    int *stamp;   /* [n] or NULL: the call number that ran it     */
    int call;
    int spin;     /* 0, or: task t busy-waits (t % 7) * spin loops */
    unsigned *work; /* [n] with spin: what the busy-wait computed   */
} count_ctx;

static void count_task(void *vctx, int t)
{
    count_ctx *c = (count_ctx *)vctx;
    if (t < 0 || t >= c->n) {
        fprintf(stderr, "task %d outside 0..%d\n", t, c->n - 1);
        abort();
    }
    c->count[t]++;
    if (c->stamp)
        c->stamp[t] = c->call;
    if (c->spin) {
        unsigned k, acc = 0;
        for (k = 0; k < (unsigned)((t % 7) * c->spin); k++)
            acc = acc * 31u + k;
        c->work[t] = acc;
    }
}

static int *ialloc(int n)
{
    int *p = (int *)calloc((size_t)(n > 0 ? n : 1), sizeof *p);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Runs one call of n counting tasks on par and checks each ran once. */
static void check_once(const sg_par *par, int n, const char *what)
{
    count_ctx c;
    int t;
    memset(&c, 0, sizeof c);
    c.n = n;
    c.count = ialloc(n);
    par->parallel(par->pool, count_task, &c, n);
    for (t = 0; t < n; t++)
        ck_assert_msg(c.count[t] == 1, "%s, ntasks %d: task %d ran %d times",
                      what, n, t, c.count[t]);
    free(c.count);
}

/* ---- Once ------------------------------------------------------------------- */

START_TEST(test_once)
{
    int threads = THREADS[_i], k;
    char what[64];
    sg_par par = sg_pthreads_create(threads);
    ck_assert(par.parallel != NULL);
    ck_assert_int_eq(par.threads, expect_threads(threads));
    if (threads <= 1)
        ck_assert_ptr_null(par.pool);
    snprintf(what, sizeof what, "threads %d", threads);
    for (k = 0; k < N_NTASKS; k++)
        check_once(&par, NTASKS[k], what);
    /* again in the other order: pool state left by a big call */
    for (k = N_NTASKS - 1; k >= 0; k--)
        check_once(&par, NTASKS[k], what);
    sg_pthreads_destroy(&par);
}
END_TEST

/* ---- Repeat ----------------------------------------------------------------- */

START_TEST(test_repeat)
{
    enum { CALLS = 2000, MAXN = 1000 };
    int threads = THREADS[FIRST_MT + _i], call, t;
    sg_par par = sg_pthreads_create(threads);
    count_ctx c;
    ck_assert_int_eq(par.threads, threads);
    memset(&c, 0, sizeof c);
    c.count = ialloc(MAXN);
    c.stamp = ialloc(MAXN);
    c.work = (unsigned *)calloc(MAXN, sizeof *c.work);
    ck_assert_ptr_nonnull(c.work);
    for (call = 1; call <= CALLS; call++) {
        c.n = NTASKS[call % N_NTASKS];
        if (c.n > 64 && call % 10 != 0)
            c.n = 64; /* 1000 tasks on one call in ten: keeps it quick */
        c.call = call;
        c.spin = call % 3 == 0 ? 50 : 0;
        memset(c.count, 0, MAXN * sizeof *c.count);
        par.parallel(par.pool, count_task, &c, c.n);
        for (t = 0; t < c.n; t++) {
            ck_assert_msg(c.count[t] == 1 && c.stamp[t] == call,
                          "threads %d, call %d (ntasks %d): task %d ran %d "
                          "times, last in call %d", threads, call, c.n, t,
                          c.count[t], c.stamp[t]);
        }
    }
    free(c.count);
    free(c.stamp);
    free(c.work);
    sg_pthreads_destroy(&par);
}
END_TEST

/* Back-to-back short calls alternating between two task functions and
 * contexts of different sizes: workers late for one call meet the next
 * one's function, context and count being stored. */
static void count_task_b(void *vctx, int t)
{
    count_ctx *c = (count_ctx *)vctx;
    if (t < 0 || t >= c->n) {
        fprintf(stderr, "task %d outside 0..%d (b)\n", t, c->n - 1);
        abort();
    }
    c->count[t] += 16;
}

START_TEST(test_alternate)
{
    enum { CALLS = 20000 };
    int threads = THREADS[FIRST_MT + _i], call, t;
    sg_par par = sg_pthreads_create(threads);
    count_ctx a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.count = ialloc(CALLS);
    b.count = ialloc(CALLS);
    for (call = 0; call < CALLS; call++) {
        count_ctx *c = call % 2 ? &b : &a;
        c->n = 2 + (call * 7) % 11;
        memset(c->count, 0, (size_t)c->n * sizeof *c->count);
        par.parallel(par.pool, call % 2 ? count_task_b : count_task, c, c->n);
        for (t = 0; t < c->n; t++)
            ck_assert_msg(c->count[t] == (call % 2 ? 16 : 1),
                          "threads %d, call %d (ntasks %d): task %d counted %d",
                          threads, call, c->n, t, c->count[t]);
    }
    free(a.count);
    free(b.count);
    sg_pthreads_destroy(&par);
}
END_TEST

/* ---- Results ---------------------------------------------------------------- */

START_TEST(test_results)
{
    enum { LEN = 100003 };
    int threads = THREADS[FIRST_MT + _i], k, i;
    sg_par par = sg_pthreads_create(threads);
    float *want = (float *)malloc(LEN * sizeof *want);
    float *got = (float *)malloc(LEN * sizeof *got);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    for (i = 0; i < LEN; i++)
        want[i] = slice_value(i);
    for (k = 1; k < N_NTASKS; k++) { /* every ntasks but 0 */
        slice_ctx c;
        c.len = LEN;
        c.ntasks = NTASKS[k];
        c.y = got;
        for (i = 0; i < LEN; i++)
            got[i] = -1.0f;
        par.parallel(par.pool, slice_task, &c, c.ntasks);
        for (i = 0; i < LEN; i++)
            if (memcmp(&got[i], &want[i], sizeof got[i]) != 0)
                break;
        ck_assert_msg(i == LEN, "threads %d, ntasks %d: y[%d] = %a, serial %a",
                      threads, c.ntasks, i, (double)got[i], (double)want[i]);
    }
    free(want);
    free(got);
    sg_pthreads_destroy(&par);
}
END_TEST

/* ---- Concurrency ------------------------------------------------------------ */

START_TEST(test_concurrency)
{
    int threads = THREADS[FIRST_MT + _i], rep, a, b;
    sg_par par = sg_pthreads_create(threads);
    ck_assert_int_eq(par.threads, threads);
    for (rep = 0; rep < 20; rep++) {
        meet_ctx m;
        memset(&m, 0, sizeof m);
        ck_assert_int_eq(pthread_mutex_init(&m.mu, NULL), 0);
        ck_assert_int_eq(pthread_cond_init(&m.cv, NULL), 0);
        m.want = threads;
        par.parallel(par.pool, meet_task, &m, threads);
        ck_assert_msg(!m.timed_out, "threads %d, round %d: %d of %d tasks "
                      "had started after 10 s", threads, rep, m.at_timeout,
                      threads);
        ck_assert_int_eq(m.arrived, threads);
        for (a = 0; a < threads; a++)
            for (b = a + 1; b < threads; b++)
                ck_assert_msg(!pthread_equal(m.who[a], m.who[b]),
                              "tasks %d and %d on one thread", a, b);
        pthread_cond_destroy(&m.cv);
        pthread_mutex_destroy(&m.mu);
    }
    sg_pthreads_destroy(&par);
}
END_TEST

/* ---- Reentry ---------------------------------------------------------------- */

enum { OUTER = 7, INNER = 5 };

typedef struct nest_ctx {
    const sg_par *par;
    int count[OUTER][INNER];
} nest_ctx;

typedef struct nest_inner {
    nest_ctx *n;
    int outer;
} nest_inner;

static void inner_task(void *vctx, int t)
{
    nest_inner *in = (nest_inner *)vctx;
    in->n->count[in->outer][t]++;
}

static void outer_task(void *vctx, int t)
{
    nest_ctx *n = (nest_ctx *)vctx;
    nest_inner in;
    in.n = n;
    in.outer = t;
    n->par->parallel(n->par->pool, inner_task, &in, INNER);
}

START_TEST(test_nested)
{
    int threads = THREADS[FIRST_MT + _i], rep, a, b;
    sg_par par = sg_pthreads_create(threads);
    for (rep = 0; rep < 50; rep++) {
        nest_ctx n;
        memset(&n, 0, sizeof n);
        n.par = &par;
        par.parallel(par.pool, outer_task, &n, OUTER);
        for (a = 0; a < OUTER; a++)
            for (b = 0; b < INNER; b++)
                ck_assert_msg(n.count[a][b] == 1,
                              "threads %d: inner task %d of outer %d ran %d times",
                              threads, b, a, n.count[a][b]);
    }
    sg_pthreads_destroy(&par);
}
END_TEST

typedef struct caller_ctx {
    const sg_par *par;
    int failures;
} caller_ctx;

/* An application thread calling parallel 300 times on a shared pool. */
static void *caller_main(void *arg)
{
    caller_ctx *cc = (caller_ctx *)arg;
    int call, t;
    for (call = 0; call < 300; call++) {
        count_ctx c;
        int count[64] = {0};
        memset(&c, 0, sizeof c);
        c.n = 1 + call % 64;
        c.count = count;
        cc->par->parallel(cc->par->pool, count_task, &c, c.n);
        for (t = 0; t < c.n; t++)
            cc->failures += count[t] != 1;
    }
    return NULL;
}

START_TEST(test_two_callers)
{
    int threads = THREADS[FIRST_MT + _i], k;
    sg_par par = sg_pthreads_create(threads);
    pthread_t app[2];
    caller_ctx cc[2];
    for (k = 0; k < 2; k++) {
        cc[k].par = &par;
        cc[k].failures = 0;
        ck_assert_int_eq(pthread_create(&app[k], NULL, caller_main, &cc[k]), 0);
    }
    for (k = 0; k < 2; k++) {
        ck_assert_int_eq(pthread_join(app[k], NULL), 0);
        ck_assert_msg(cc[k].failures == 0, "threads %d: caller %d: %d tasks "
                      "not run exactly once", threads, k, cc[k].failures);
    }
    sg_pthreads_destroy(&par);
}
END_TEST

/* ---- Lifecycle -------------------------------------------------------------- */

START_TEST(test_cycles)
{
    int cycle;
    for (cycle = 0; cycle < 200; cycle++) {
        int threads = 1 + cycle % 8;
        sg_par par = sg_pthreads_create(threads);
        ck_assert_int_eq(par.threads, threads);
        switch (cycle % 3) {
        case 0: /* never called: workers may not even have started */
            break;
        case 1:
            check_once(&par, 1 + cycle % 17, "cycles");
            break;
        default:
            check_once(&par, 64, "cycles");
            check_once(&par, 3, "cycles");
            break;
        }
        sg_pthreads_destroy(&par);
        ck_assert_ptr_null(par.pool);
        ck_assert_int_eq(par.threads, 1);
        check_once(&par, 9, "after destroy"); /* the inline par */
        sg_pthreads_destroy(&par);           /* twice: nothing */
    }
    sg_pthreads_destroy(NULL);
}
END_TEST

START_TEST(test_many_pools)
{
    /* several live pools at once, used alternately */
    sg_par par[4];
    int k, rep;
    for (k = 0; k < 4; k++)
        par[k] = sg_pthreads_create(k + 2);
    for (rep = 0; rep < 100; rep++)
        for (k = 0; k < 4; k++)
            check_once(&par[(k + rep) % 4], 1 + (rep * 7 + k) % 70, "pools");
    for (k = 3; k >= 0; k--)
        sg_pthreads_destroy(&par[k]);
}
END_TEST

/* ---- Degrade ---------------------------------------------------------------- */

START_TEST(test_degrade)
{
    static const int budget[] = {0, 1, 3, 6};
    int b;
    for (b = 0; b < 4; b++) {
        sg_par par;
        int k;
        create_budget = budget[b];
        create_calls = 0;
        par = sg_pthreads_create(8);
        create_budget = -1;
        ck_assert_int_eq(par.threads, 1 + budget[b]);
        ck_assert_int_eq(create_calls, budget[b] + 1); /* stops at the first failure */
        if (budget[b] == 0)
            ck_assert_ptr_null(par.pool);
        for (k = 0; k < N_NTASKS; k++)
            check_once(&par, NTASKS[k], "degraded");
        sg_pthreads_destroy(&par);
    }
}
END_TEST

/* ---- Fakes (sg_testpar.h) ----------------------------------------------------- */

enum { ORDER_MAX = 2100 };

typedef struct order_ctx {
    int n, pos;
    int order[ORDER_MAX]; /* order[k]: the k-th task run */
} order_ctx;

static void order_task(void *vctx, int t)
{
    order_ctx *o = (order_ctx *)vctx;
    ck_assert_msg(t >= 0 && t < o->n && o->pos < o->n, "task %d of %d, run %d",
                  t, o->n, o->pos);
    o->order[o->pos++] = t;
}

/* Runs one call of n tasks on par, records the order, checks it is a
 * permutation of 0..n-1. */
static void run_order(const sg_par *par, order_ctx *o, int n)
{
    static unsigned char seen[ORDER_MAX];
    int k;
    o->n = n;
    o->pos = 0;
    par->parallel(par->pool, order_task, o, n);
    ck_assert_int_eq(o->pos, n);
    memset(seen, 0, sizeof seen);
    for (k = 0; k < n; k++) {
        ck_assert_msg(!seen[o->order[k]], "ntasks %d: task %d ran twice", n,
                      o->order[k]);
        seen[o->order[k]] = 1;
    }
}

static const int FAKE_NTASKS[] = {0, 1, 2, 3, 7, 64, 1000, 1023, 1024, 1025, 2049};
enum { N_FAKE = sizeof FAKE_NTASKS / sizeof FAKE_NTASKS[0] };

START_TEST(test_reverse)
{
    static order_ctx o;
    sg_par par = sg_testpar_reverse(4);
    int k, i;
    ck_assert_int_eq(par.threads, 4);
    ck_assert_int_eq(sg_testpar_reverse(0).threads, 1);
    for (k = 0; k < N_FAKE; k++) {
        run_order(&par, &o, FAKE_NTASKS[k]);
        for (i = 0; i < o.n; i++)
            ck_assert_int_eq(o.order[i], o.n - 1 - i);
    }
}
END_TEST

static int same_order(const order_ctx *a, const order_ctx *b)
{
    return a->n == b->n && memcmp(a->order, b->order, (size_t)a->n * sizeof a->order[0]) == 0;
}

static int is_identity(const order_ctx *o)
{
    int i;
    for (i = 0; i < o->n; i++)
        if (o->order[i] != i)
            return 0;
    return 1;
}

START_TEST(test_shuffled)
{
    static order_ctx a, b, prev;
    sg_testpar_shuffle st1, st2, st3;
    sg_par p1 = sg_testpar_shuffled(&st1, 3, 12345);
    sg_par p2 = sg_testpar_shuffled(&st2, 3, 12345);
    sg_par p3 = sg_testpar_shuffled(&st3, 0, 54321);
    int k, call, changed = 0, identity = 0, swapped = 0;
    ck_assert_int_eq(p1.threads, 3);
    ck_assert_int_eq(p3.threads, 1);
    /* a permutation for every size; the same seed gives the same orders */
    for (k = 0; k < N_FAKE; k++) {
        run_order(&p1, &a, FAKE_NTASKS[k]);
        run_order(&p2, &b, FAKE_NTASKS[k]);
        ck_assert_msg(same_order(&a, &b), "ntasks %d: seed 12345 twice, two orders",
                      a.n);
        if (a.n >= 64)
            identity += is_identity(&a);
    }
    ck_assert_msg(identity == 0, "%d calls ran their tasks in index order", identity);
    /* another seed, another order */
    run_order(&p1, &a, 64);
    run_order(&p3, &b, 64);
    ck_assert_msg(!same_order(&a, &b), "seeds 12345 and 54321: one order");
    /* each call its own order */
    run_order(&p1, &prev, 64);
    for (call = 0; call < 20; call++) {
        run_order(&p1, &a, 64);
        changed += !same_order(&a, &prev);
        prev = a;
    }
    ck_assert_msg(changed == 20, "%d of 20 successive calls changed the order", changed);
    /* two tasks: both orders turn up */
    for (call = 0; call < 64; call++) {
        run_order(&p1, &a, 2);
        swapped += a.order[0] == 1;
    }
    ck_assert_msg(swapped > 8 && swapped < 56, "2 tasks: reversed %d times in 64",
                  swapped);
    /* known answer: the order depends on the seed alone, on every platform
     * (32-bit arithmetic, whatever the width of unsigned long) */
    {
        static const int want[10] = {3, 2, 8, 4, 5, 9, 1, 7, 6, 0};
        sg_testpar_shuffle st;
        sg_par p = sg_testpar_shuffled(&st, 2, 1);
        run_order(&p, &a, 10);
        for (k = 0; k < 10; k++)
            ck_assert_msg(a.order[k] == want[k], "seed 1, 10 tasks: run %d is "
                          "task %d, expected %d", k, a.order[k], want[k]);
    }
}
END_TEST

/* ---- Pin -------------------------------------------------------------------- */

#if SG__PT_PIN
/* The one CPU thread t may run on, or -1 when it may run on several. */
static int only_cpu(pthread_t t)
{
    cpu_set_t set;
    int c, found = -1;
    ck_assert_int_eq(pthread_getaffinity_np(t, sizeof set, &set), 0);
    if (CPU_COUNT(&set) != 1)
        return -1;
    for (c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set))
            found = c;
    return found;
}
#endif

START_TEST(test_pin)
{
    sg_par par = sg_pthreads_create(3);
#if SG__PT_PIN
    const sg_pthreads_pool *p = (const sg_pthreads_pool *)par.pool;
    cpu_set_t mine;
    int cpus[CPU_SETSIZE], n = 0, c, k, bad[2] = {-1, CPU_SETSIZE};
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(sched_getaffinity(0, sizeof mine, &mine), 0);
    for (c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &mine))
            cpus[n++] = c;
    /* the CPUs this thread may use, in order */
    ck_assert_int_eq(sg_pthreads_pin(&par, NULL, 0), par.threads);
    ck_assert_int_eq(only_cpu(pthread_self()), cpus[0]);
    for (k = 0; k < p->nworkers; k++)
        ck_assert_int_eq(only_cpu(p->workers[k]), cpus[(k + 1) % n]);
    check_once(&par, 64, "pinned pool");
    /* one CPU for all */
    ck_assert_int_eq(sg_pthreads_pin(&par, &cpus[n - 1], 1), par.threads);
    for (k = 0; k < p->nworkers; k++)
        ck_assert_int_eq(only_cpu(p->workers[k]), cpus[n - 1]);
    check_once(&par, 64, "pool on one CPU");
    /* CPUs outside the set pin nothing */
    ck_assert_int_eq(sg_pthreads_pin(&par, bad, 2), 0);
    ck_assert_int_eq(pthread_setaffinity_np(pthread_self(), sizeof mine, &mine), 0);
#else
    ck_assert_int_eq(sg_pthreads_pin(&par, NULL, 0), -1);
#endif
    sg_pthreads_destroy(&par);
}
END_TEST

/* ---- the suite -------------------------------------------------------------- */

static Suite *pthreads_suite(void)
{
    Suite *s = suite_create("pthreads");
    TCase *tc;
    int nmt = N_THREADS - FIRST_MT;

    tc = tcase_create("Once");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_once, 0, N_THREADS);
    suite_add_tcase(s, tc);

    tc = tcase_create("Repeat");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_repeat, 0, nmt);
    tcase_add_loop_test(tc, test_alternate, 0, nmt);
    suite_add_tcase(s, tc);

    tc = tcase_create("Results");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_results, 0, nmt);
    suite_add_tcase(s, tc);

    tc = tcase_create("Concurrency");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_concurrency, 0, nmt);
    suite_add_tcase(s, tc);

    tc = tcase_create("Reentry");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_nested, 0, nmt);
    tcase_add_loop_test(tc, test_two_callers, 0, nmt);
    suite_add_tcase(s, tc);

    tc = tcase_create("Lifecycle");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_cycles);
    tcase_add_test(tc, test_many_pools);
    suite_add_tcase(s, tc);

    tc = tcase_create("Degrade");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_degrade);
    suite_add_tcase(s, tc);

    tc = tcase_create("Fakes");
    tcase_add_test(tc, test_reverse);
    tcase_add_test(tc, test_shuffled);
    suite_add_tcase(s, tc);

    tc = tcase_create("Pin");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pin);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pthreads_suite());
    int failed;
    printf("sg_pthreads.h: %s counters, spin %ld ns, sg_pthreads_pin %s\n",
           SG__PT_ATOMICS ? "__atomic" : "mutex", (long)SG_PTHREADS_SPIN_NS,
           SG__PT_PIN ? "pins" : "returns -1 (not Linux, or no _GNU_SOURCE)");
    fflush(stdout);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
