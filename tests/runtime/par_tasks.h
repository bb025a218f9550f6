/* par_tasks.h - task functions the thread-pool tests share
 * (test_pthreads.c, test_openmp.c): disjoint slices of an array, and a
 * rendezvous of `want` tasks that proves they run at once.  Static inline:
 * a test that uses only some of them gets no unused-function warning. */
#ifndef PAR_TASKS_H
#define PAR_TASKS_H

#include <errno.h>
#include <pthread.h>
#include <time.h>

typedef struct slice_ctx {
    int len, ntasks;
    float *y;
} slice_ctx;

static inline float slice_value(int i)
{
    float x = (float)i * 0.001953125f - 37.5f;
    return (x * x - 3.0f * x + 1.0f) / (1.0f + x * x) + 0.1f * (float)(i % 13);
}

/* Task t writes y[t * len / ntasks .. (t + 1) * len / ntasks). */
static inline void slice_task(void *vctx, int t)
{
    const slice_ctx *c = (const slice_ctx *)vctx;
    int i = (int)((long long)t * c->len / c->ntasks);
    int end = (int)((long long)(t + 1) * c->len / c->ntasks);
    for (; i < end; i++)
        c->y[i] = slice_value(i);
}

typedef struct meet_ctx {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int arrived, want, timed_out;
    int at_timeout; /* tasks arrived when the first wait timed out */
    pthread_t who[16];
} meet_ctx;

/* Waits (10 s at most) until `want` tasks have arrived; records the thread
 * of each task (t < 16). */
static inline void meet_task(void *vctx, int t)
{
    meet_ctx *m = (meet_ctx *)vctx;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&m->mu);
    m->who[t] = pthread_self();
    if (++m->arrived == m->want)
        pthread_cond_broadcast(&m->cv);
    while (m->arrived < m->want && !m->timed_out)
        if (pthread_cond_timedwait(&m->cv, &m->mu, &until) == ETIMEDOUT) {
            m->timed_out = 1;
            m->at_timeout = m->arrived;
        }
    pthread_mutex_unlock(&m->mu);
}

#endif /* PAR_TASKS_H */
