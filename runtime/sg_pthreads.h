/* sg_pthreads.h - an optional POSIX threads pool for N_forward_par (README
 * "Threads", SPEC 11).  The generated files never include it: it is one way
 * among others (OpenMP, an RTOS's tasks, the application's own pool) to fill
 * the sg_par of runtime/sg.h.
 *
 *     #include "sg_pthreads.h"
 *
 *     sg_par par = sg_pthreads_create(4);   // 3 worker threads + the caller
 *     for (;;)
 *         mbv1_forward_par(in, out, packed, arena, &par);
 *     sg_pthreads_destroy(&par);
 *
 * Build: C99 and POSIX threads, e.g. cc -std=c99 -D_POSIX_C_SOURCE=200809L
 * ... -pthread (-std=gnu99 or later needs no -D: the spin reads
 * clock_gettime).
 *
 * Why header-only with static functions: include it and link with -pthread,
 * nothing else -- no source file to add to the build, no macro to define in
 * exactly one file.  The net reaches the pool only through sg_par's function
 * pointer, so the copies in several files that include it cannot clash (a
 * pool may even be created in one file and destroyed in another).  The cost
 * is a few hundred bytes of code per including file.
 *
 * API
 *   sg_par sg_pthreads_create(int threads)
 *       Starts threads - 1 worker threads; the thread that calls
 *       par.parallel takes part in the work, so par.threads = threads run
 *       at once.  Pass at most the net's N_MAX_THREADS.  threads <= 1: no
 *       thread, parallel runs the tasks inline, par.threads = 1.  Nothing
 *       fails: a worker that cannot be started (pthread_create, malloc)
 *       leaves a smaller pool and par.threads says how many run (1: inline).
 *   par.parallel(par.pool, fn, ctx, ntasks)
 *       Runs fn(ctx, t) for each t in 0..ntasks-1 exactly once, possibly
 *       concurrently, and returns when all have returned; everything the
 *       tasks wrote is then visible to the caller, and everything the caller
 *       wrote before the call is visible to the tasks.  No allocation.  One
 *       call at a time per pool: a call made while another runs on the same
 *       pool (from a task, or from a second application thread) runs its
 *       tasks inline on its own thread, so it is correct, only not parallel.
 *   void sg_pthreads_destroy(sg_par *par)
 *       Stops and joins the workers (no call may be in progress), frees the
 *       pool and leaves *par the inline one (threads 1): destroying twice,
 *       or destroying a threads <= 1 par, does nothing.
 *   int sg_pthreads_pin(const sg_par *par, const int *cpus, int ncpus)
 *       Optional, Linux: pins the calling thread (call it from the one that
 *       calls N_forward_par) to CPU cpus[0] and worker k to cpus[(k + 1) %
 *       ncpus]; cpus NULL or ncpus <= 0: the CPUs the calling thread may
 *       run on, in increasing order.  Returns how many threads it pinned,
 *       the caller included (a CPU outside 0 .. CPU_SETSIZE - 1 or not
 *       allowed pins nothing); -1 where it cannot pin: not Linux, or
 *       _GNU_SOURCE not defined before the first #include
 *       (pthread_setaffinity_np is a GNU extension).  Why: a woken worker
 *       may be scheduled on the caller's CPU and stay there (on a 2-vCPU
 *       virtual machine, both tasks of a layer ran on one CPU in 43 of 89
 *       samples: docs/design.md, "Waking and pinning the pool").  Threads
 *       the caller creates afterwards inherit its single CPU.
 *
 * How it works
 *   Dispatch: tasks are handed out one at a time from a shared counter, so
 *   a fast thread takes more of them (dynamic, like OpenMP's
 *   schedule(dynamic)).  The counter is one 64-bit "claim word": the call's
 *   number (mod 2^32) above the next task index.  A thread takes task i of
 *   call g by compare-and-swap from (g, i) to (g, i + 1), so a worker that
 *   is late -- still holding an earlier call's function -- can never take a
 *   task of a later call: its swap fails because the number changed.  The
 *   caller thus waits only for the tasks to finish, never for a worker to
 *   wake up or to leave: a worker asleep or descheduled (threads > cores)
 *   does not delay a call, the others take its share.
 *   Publishing a call needs no lock (the mutex serves sleeping only): the
 *   caller seals the claim word with the new number (index all ones:
 *   nothing to take), stores the function, context and count, then opens
 *   the word (g, 0).  A worker reads the word, the three fields, and the
 *   word again: the same call number both times means the fields are that
 *   call's (a seqlock; the sealed word is its "write in progress").
 *   Completion: every finished task adds 1 to a second counter; the thread
 *   that finishes the last task of a call wakes the caller if it sleeps.
 *   Sleeping: between calls a worker polls the claim word for up to
 *   SG_PTHREADS_SPIN_NS (default 100 us: a pause instruction per poll, and
 *   after the first 10 us sched_yield every 64 polls), then sleeps on a
 *   condition variable, which the caller signals (under the mutex, after
 *   opening the word: no lost wake-up) once per task it can give away.  The
 *   caller polls the same way while the last tasks finish.  A net calls
 *   parallel once per layer, so the next call usually comes within the
 *   spin and the worker starts at once, without the tens of microseconds of
 *   a futex wake-up; idle workers cost no CPU after the spin.  Measured
 *   with tests/runtime/pool_speed.c (30 back-to-back calls of 2 equal
 *   tasks, 2 threads, 2 idle cores): 1.75-1.85x one thread on 5 us
 *   layers, 1.83-1.98x from 20 us to 1 ms; without the spin 0.5-0.75x up
 *   to 50 us layers, 1.35x at 200 us, 1.7x at 1 ms.  The yield matters
 *   when the cores are shared (another process, threads > cores): spinning
 *   without it held a core that a thread with a task needed, and 2 threads
 *   ran 20-35% slower than 1 (4 or 8 threads: 35-46% slower) with one core
 *   busy; with it, no slower than 1 thread.  -DSG_PTHREADS_SPIN_NS=0 never
 *   spins.
 *   Memory ordering: the caller stores the three fields, then the opened
 *   word, with release, after its own writes (the tasks' inputs); a worker
 *   reads the word and the fields with acquire, so it sees those inputs.
 *   Each field is stored after the word was sealed, so a worker that reads
 *   a newer call's field reads the newer number the second time.  Claims
 *   are relaxed (the call was acquired already); the completion counter is
 *   incremented with acquire-release and read with acquire, so the caller
 *   sees every task's writes when it returns.
 *   Atomics: GCC/Clang __atomic builtins where 64-bit atomics are lock-free
 *   (x86, x86-64, AArch64, ARMv7-A, ...).  Elsewhere, or with
 *   -DSG_PTHREADS_NO_ATOMICS, the atomic fields sit behind a second mutex
 *   and nothing spins: the same algorithm in plain C99 and POSIX.
 *   One call at a time: a flag (atomic exchange) marks a call in progress;
 *   a call that finds it set runs inline.
 *
 * Call numbers wrap after 2^32 calls: a worker would have to stay
 * descheduled between reading a call and claiming its first task while
 * exactly a multiple of 2^32 further calls ran, to take a wrong task.
 */
#ifndef SG_PTHREADS_H
#define SG_PTHREADS_H

#include "sg.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

/* Nanoseconds a worker (or the caller) polls before sleeping. */
#ifndef SG_PTHREADS_SPIN_NS
#define SG_PTHREADS_SPIN_NS 100000L
#endif

/* How workers are started; the tests replace it to make it fail. */
#ifndef SG_PTHREADS_THREAD_CREATE
#define SG_PTHREADS_THREAD_CREATE pthread_create
#endif

#if !defined(SG_PTHREADS_NO_ATOMICS) && defined(__GNUC__) && \
    defined(__ATOMIC_ACQUIRE) && defined(__GCC_ATOMIC_LLONG_LOCK_FREE) && \
    __GCC_ATOMIC_LLONG_LOCK_FREE == 2
#define SG__PT_ATOMICS 1
#else
#define SG__PT_ATOMICS 0
#endif

#if SG__PT_ATOMICS && SG_PTHREADS_SPIN_NS > 0
#define SG__PT_SPIN 1
#else
#define SG__PT_SPIN 0
#endif

#if SG__PT_SPIN && !defined(CLOCK_MONOTONIC)
#error "sg_pthreads.h: no clock_gettime(CLOCK_MONOTONIC): compile with -D_POSIX_C_SOURCE=200809L (or -std=gnu99), or -DSG_PTHREADS_SPIN_NS=0"
#endif

#if defined(__linux__) && defined(_GNU_SOURCE) && defined(CPU_SETSIZE)
#define SG__PT_PIN 1 /* pthread_setaffinity_np, sched_getaffinity */
#else
#define SG__PT_PIN 0
#endif

#if SG__PT_ATOMICS && (defined(__x86_64__) || defined(__i386__))
#define SG__PT_RELAX() __asm__ __volatile__("pause" ::: "memory")
#elif SG__PT_ATOMICS && (defined(__aarch64__) || \
                         (defined(__ARM_ARCH) && __ARM_ARCH >= 7))
#define SG__PT_RELAX() __asm__ __volatile__("yield" ::: "memory")
#else
#define SG__PT_RELAX() ((void)0)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The claim word of a call that has no task to hand out yet (index field). */
#define SG__PT_SEALED 0xffffffffULL

typedef struct sg_pthreads_pool {
    /* atomic (SG__PT_ATOMICS) or behind amu: */
    unsigned long long claim;  /* (call number mod 2^32) << 32 | next task index  */
    int done;                  /* tasks of the current call that have returned    */
    sg_task_fn fn;             /* the current call                                */
    void *ctx;
    int ntasks;
    int busy;                  /* a call is in progress                           */
    int stop;                  /* sg_pthreads_destroy: workers exit               */
    /* the caller's own (under busy): */
    unsigned gen;              /* calls started so far, mod 2^32                  */
    /* sleeping: */
    pthread_mutex_t mu;
    pthread_cond_t wake;       /* workers sleep here between calls                */
    pthread_cond_t idle;       /* the caller sleeps here until the last task ends */
#if !SG__PT_ATOMICS
    pthread_mutex_t amu;       /* makes the fields above atomic                   */
#endif
    int nworkers;              /* threads started; constant after creation        */
    pthread_t *workers;
} sg_pthreads_pool;

/* ---- atomic access ----------------------------------------------------------
 * SG__PT_GET(dst, p, field, order) and SG__PT_PUT(p, field, value, order),
 * statements, on the atomic fields (order ACQUIRE, RELEASE or RELAXED); the
 * claim word's compare-and-swap; the two read-modify-writes. */

#if SG__PT_ATOMICS
#define SG__PT_GET(d, p, f, o) ((d) = __atomic_load_n(&(p)->f, __ATOMIC_##o))
#define SG__PT_PUT(p, f, v, o) __atomic_store_n(&(p)->f, (v), __ATOMIC_##o)
/* 1 if claim was *expect (now want); else 0 and *expect = claim.  Relaxed:
 * what a claim needs was published by the acquire of the call. */
static inline int sg__pt_claim_cas(sg_pthreads_pool *p,
                                   unsigned long long *expect,
                                   unsigned long long want)
{
    return __atomic_compare_exchange_n(&p->claim, expect, want, 1,
                                       __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}
static inline int sg__pt_done_add(sg_pthreads_pool *p) /* returns the old value */
{
    return __atomic_fetch_add(&p->done, 1, __ATOMIC_ACQ_REL);
}
static inline int sg__pt_busy_set(sg_pthreads_pool *p) /* returns the old value */
{
    return __atomic_exchange_n(&p->busy, 1, __ATOMIC_ACQUIRE);
}
#else
#define SG__PT_GET(d, p, f, o) \
    (pthread_mutex_lock(&(p)->amu), (d) = (p)->f, pthread_mutex_unlock(&(p)->amu))
#define SG__PT_PUT(p, f, v, o) \
    (pthread_mutex_lock(&(p)->amu), (p)->f = (v), pthread_mutex_unlock(&(p)->amu))
static inline int sg__pt_claim_cas(sg_pthreads_pool *p,
                                   unsigned long long *expect,
                                   unsigned long long want)
{
    int ok;
    pthread_mutex_lock(&p->amu);
    ok = p->claim == *expect;
    if (ok)
        p->claim = want;
    else
        *expect = p->claim;
    pthread_mutex_unlock(&p->amu);
    return ok;
}
static inline int sg__pt_done_add(sg_pthreads_pool *p)
{
    int v;
    pthread_mutex_lock(&p->amu);
    v = p->done++;
    pthread_mutex_unlock(&p->amu);
    return v;
}
static inline int sg__pt_busy_set(sg_pthreads_pool *p)
{
    int v;
    pthread_mutex_lock(&p->amu);
    v = p->busy;
    p->busy = 1;
    pthread_mutex_unlock(&p->amu);
    return v;
}
#endif

/* ---- spinning -------------------------------------------------------------- */

typedef struct sg__pt_spin {
    long long start; /* CLOCK_MONOTONIC ns of the first poll */
    unsigned polls;
} sg__pt_spin;

/* Called once per poll of a condition that is still false: pauses and
 * returns 1 while the spin lasts, then 0 (sleep instead).  Every 64 polls
 * it reads the clock and, after the first tenth of the spin, yields the
 * core (to a thread of the pool, or another process, waiting for it). */
static inline int sg__pt_spinning(sg__pt_spin *s)
{
#if SG__PT_SPIN && defined(CLOCK_MONOTONIC)
    struct timespec ts;
    long long now;
    SG__PT_RELAX();
    if (s->polls++ % 64 != 0)
        return 1;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    now = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    if (s->polls == 1)
        s->start = now;
    else if (now - s->start >= SG_PTHREADS_SPIN_NS / 10)
        sched_yield();
    return now - s->start < SG_PTHREADS_SPIN_NS;
#else
    (void)s;
    return 0;
#endif
}

/* ---- the pool -------------------------------------------------------------- */

static inline void sg__pt_inline(void *pool, sg_task_fn fn, void *ctx, int ntasks)
{
    int t;
    (void)pool;
    for (t = 0; t < ntasks; t++)
        fn(ctx, t);
}

/* 1 if claim word c announces a call other than call `seen` whose tasks
 * are ready to hand out. */
static inline int sg__pt_fresh(unsigned long long c, unsigned seen)
{
    return (unsigned)(c >> 32) != seen && (c & 0xffffffffULL) != SG__PT_SEALED;
}

/* Claims and runs tasks of call g (n tasks) until none is left, starting
 * from c, a recent value of the claim word.  Returns 1 if this thread
 * finished the call's last task. */
static inline int sg__pt_run(sg_pthreads_pool *p, unsigned long long c,
                             unsigned g, sg_task_fn fn, void *ctx, int n)
{
    int last = 0;
    for (;;) {
        /* Within a call the index only grows, so a stale c that says "no
         * task left" or "another call" is right; otherwise the swap checks. */
        if ((unsigned)(c >> 32) != g || (c & 0xffffffffULL) >= (unsigned)n)
            return last;
        if (!sg__pt_claim_cas(p, &c, c + 1))
            continue;
        fn(ctx, (int)(c & 0xffffffffULL));
        last = sg__pt_done_add(p) == n - 1;
        c++; /* a guess of the next claim; the swap corrects it */
    }
}

static inline void *sg__pt_worker(void *arg)
{
    sg_pthreads_pool *p = (sg_pthreads_pool *)arg;
    unsigned seen = 0; /* the last call joined; 0: none */
    for (;;) {
        unsigned long long c, c2;
        sg_task_fn fn;
        void *ctx;
        int n, stop;
        SG__PT_GET(c, p, claim, ACQUIRE);
        if (!sg__pt_fresh(c, seen)) {
            sg__pt_spin s = {0, 0};
            do {
                SG__PT_GET(stop, p, stop, RELAXED);
                if (stop)
                    break;
                SG__PT_GET(c, p, claim, ACQUIRE);
            } while (!sg__pt_fresh(c, seen) && sg__pt_spinning(&s));
            if (!sg__pt_fresh(c, seen)) {
                pthread_mutex_lock(&p->mu);
                for (;;) {
                    SG__PT_GET(stop, p, stop, RELAXED);
                    SG__PT_GET(c, p, claim, ACQUIRE);
                    if (stop || sg__pt_fresh(c, seen))
                        break;
                    pthread_cond_wait(&p->wake, &p->mu);
                }
                pthread_mutex_unlock(&p->mu);
                if (stop)
                    return NULL;
            }
        }
        /* The call's function, context and count, checked to belong to
         * the call of c: each was stored (release) after the claim word was
         * sealed for the next call, so reading a newer one (acquire) makes
         * the claim word read next show that call. */
        SG__PT_GET(fn, p, fn, ACQUIRE);
        SG__PT_GET(ctx, p, ctx, ACQUIRE);
        SG__PT_GET(n, p, ntasks, ACQUIRE);
        SG__PT_GET(c2, p, claim, RELAXED);
        if ((c2 >> 32) != (c >> 32))
            continue; /* a newer call: read again */
        seen = (unsigned)(c >> 32);
        if (sg__pt_run(p, c2, seen, fn, ctx, n)) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->idle);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

static inline void sg__pt_parallel(void *pool, sg_task_fn fn, void *ctx, int ntasks)
{
    sg_pthreads_pool *p = (sg_pthreads_pool *)pool;
    unsigned long long c;
    unsigned g;
    int wake, k, done;
    if (ntasks <= 0)
        return;
    if (p == NULL || p->nworkers == 0 || ntasks == 1 || sg__pt_busy_set(p)) {
        /* no workers, nothing to share, or a nested or concurrent call */
        sg__pt_inline(NULL, fn, ctx, ntasks);
        return;
    }
    /* Publish the call: seal the claim word with the new call number (no
     * task can be claimed, and a worker still reading the previous call
     * sees the number change), store the call, then open the claim word. */
    g = ++p->gen;
    if (g == 0) /* 0 is the workers' "no call yet" */
        g = ++p->gen;
    c = (unsigned long long)g << 32;
    SG__PT_PUT(p, claim, c | SG__PT_SEALED, RELAXED);
    SG__PT_PUT(p, done, 0, RELAXED);
    SG__PT_PUT(p, fn, fn, RELEASE);
    SG__PT_PUT(p, ctx, ctx, RELEASE);
    SG__PT_PUT(p, ntasks, ntasks, RELEASE);
    SG__PT_PUT(p, claim, c, RELEASE);
    /* Wake as many sleepers as there are tasks for others; spinning
     * workers have seen the claim word already. */
    wake = ntasks - 1 < p->nworkers ? ntasks - 1 : p->nworkers;
    pthread_mutex_lock(&p->mu);
    if (wake == p->nworkers)
        pthread_cond_broadcast(&p->wake);
    else
        for (k = 0; k < wake; k++)
            pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->mu);

    if (!sg__pt_run(p, c, g, fn, ctx, ntasks)) {
        sg__pt_spin s = {0, 0};
        do
            SG__PT_GET(done, p, done, ACQUIRE);
        while (done != ntasks && sg__pt_spinning(&s));
        if (done != ntasks) {
            pthread_mutex_lock(&p->mu);
            for (;;) {
                SG__PT_GET(done, p, done, ACQUIRE);
                if (done == ntasks)
                    break;
                pthread_cond_wait(&p->idle, &p->mu);
            }
            pthread_mutex_unlock(&p->mu);
        }
    }
    SG__PT_PUT(p, busy, 0, RELEASE);
}

/* Frees what sg_pthreads_create made (workers already joined or none). */
static inline void sg__pt_free(sg_pthreads_pool *p, int sync)
{
    if (sync) {
#if !SG__PT_ATOMICS
        pthread_mutex_destroy(&p->amu);
#endif
        pthread_cond_destroy(&p->idle);
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->mu);
    }
    free(p->workers);
    free(p);
}

/* Initializes the mutexes and condition variables: 1, or 0 and none. */
static inline int sg__pt_init_sync(sg_pthreads_pool *p)
{
    if (pthread_mutex_init(&p->mu, NULL) != 0)
        return 0;
    if (pthread_cond_init(&p->wake, NULL) != 0)
        goto no_wake;
    if (pthread_cond_init(&p->idle, NULL) != 0)
        goto no_idle;
#if !SG__PT_ATOMICS
    if (pthread_mutex_init(&p->amu, NULL) != 0)
        goto no_amu;
#endif
    return 1;
#if !SG__PT_ATOMICS
no_amu:
    pthread_cond_destroy(&p->idle);
#endif
no_idle:
    pthread_cond_destroy(&p->wake);
no_wake:
    pthread_mutex_destroy(&p->mu);
    return 0;
}

static inline sg_par sg_pthreads_create(int threads)
{
    sg_par par;
    sg_pthreads_pool *p;
    int k;
    par.parallel = sg__pt_inline;
    par.pool = NULL;
    par.threads = 1;
    if (threads <= 1)
        return par;
    p = (sg_pthreads_pool *)calloc(1, sizeof *p);
    if (p == NULL)
        return par;
    p->workers = (pthread_t *)malloc((size_t)(threads - 1) * sizeof *p->workers);
    if (p->workers == NULL) {
        sg__pt_free(p, 0);
        return par;
    }
    if (!sg__pt_init_sync(p)) {
        sg__pt_free(p, 0);
        return par;
    }
    /* No call yet: claim word (0, sealed); gen, done, busy, stop 0. */
    p->claim = SG__PT_SEALED;
    for (k = 0; k < threads - 1; k++) {
        if (SG_PTHREADS_THREAD_CREATE(&p->workers[k], NULL, sg__pt_worker, p) != 0)
            break;
        p->nworkers++;
    }
    if (p->nworkers == 0) {
        sg__pt_free(p, 1);
        return par;
    }
    par.parallel = sg__pt_parallel;
    par.pool = p;
    par.threads = 1 + p->nworkers;
    return par;
}

static inline void sg_pthreads_destroy(sg_par *par)
{
    sg_pthreads_pool *p;
    int k;
    if (par == NULL || par->pool == NULL)
        return;
    p = (sg_pthreads_pool *)par->pool;
    SG__PT_PUT(p, stop, 1, RELAXED);
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (k = 0; k < p->nworkers; k++)
        pthread_join(p->workers[k], NULL);
    sg__pt_free(p, 1);
    par->parallel = sg__pt_inline;
    par->pool = NULL;
    par->threads = 1;
}

#if SG__PT_PIN
/* Pins thread t to CPU c: 1 on success, 0 otherwise. */
static inline int sg__pt_pin1(pthread_t t, int c)
{
    cpu_set_t one;
    if (c < 0 || c >= CPU_SETSIZE)
        return 0;
    CPU_ZERO(&one);
    CPU_SET(c, &one);
    return pthread_setaffinity_np(t, sizeof one, &one) == 0;
}
#endif

static inline int sg_pthreads_pin(const sg_par *par, const int *cpus, int ncpus)
{
#if SG__PT_PIN
    const sg_pthreads_pool *p = par ? (const sg_pthreads_pool *)par->pool : NULL;
    int own[CPU_SETSIZE];
    int k, pinned;
    if (cpus == NULL || ncpus <= 0) {
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) != 0)
            return -1;
        ncpus = 0;
        for (k = 0; k < CPU_SETSIZE; k++)
            if (CPU_ISSET(k, &set))
                own[ncpus++] = k;
        if (ncpus == 0)
            return -1;
        cpus = own;
    }
    pinned = sg__pt_pin1(pthread_self(), cpus[0]);
    for (k = 0; p != NULL && k < p->nworkers; k++)
        pinned += sg__pt_pin1(p->workers[k], cpus[(k + 1) % ncpus]);
    return pinned;
#else
    (void)par;
    (void)cpus;
    (void)ncpus;
    return -1;
#endif
}

#ifdef __cplusplus
}
#endif

#endif /* SG_PTHREADS_H */
