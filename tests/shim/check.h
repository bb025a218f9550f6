/* check.h - a minimal stand-in for the subset of libcheck that generated
 * <net>_check.c files use, for targets without a libcheck build (the NEON
 * suites are cross-compiled for AArch64 and run under qemu-aarch64; Debian
 * ships no cross libcheck).  Tests run in-process; a failed assertion ends
 * its test through longjmp.  The summary line matches Check's. */
#ifndef SG_CHECK_SHIM_H
#define SG_CHECK_SHIM_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CK_NORMAL 1

typedef void (*shim_fn)(int);
typedef struct shim_test { shim_fn fn; int lo, hi; const char *name; } shim_test;
typedef struct TCase { const char *name; shim_test tests[16]; int n; } TCase;
typedef struct Suite { const char *name; TCase *tc[8]; int n; } Suite;
typedef struct SRunner { Suite *s; int run, failed; } SRunner;

static jmp_buf shim_jmp;
static const char *shim_current;

static void shim_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d:F:%s: ", file, line, shim_current);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    longjmp(shim_jmp, 1);
}

#define START_TEST(name) static void name(int _i) { (void)_i;
#define END_TEST }
#define ck_assert_msg(cond, ...) \
    do { if (!(cond)) shim_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define ck_abort_msg(...) shim_fail(__FILE__, __LINE__, __VA_ARGS__)
#define ck_assert_ptr_nonnull(p) ck_assert_msg((p) != NULL, "%s is NULL", #p)
#define ck_assert_int_eq(a, b) \
    ck_assert_msg((intmax_t)(a) == (intmax_t)(b), "%s == %s: %jd != %jd", #a, #b, \
                  (intmax_t)(a), (intmax_t)(b))

static Suite *suite_create(const char *name)
{
    Suite *s = calloc(1, sizeof *s);
    s->name = name;
    return s;
}
static TCase *tcase_create(const char *name)
{
    TCase *t = calloc(1, sizeof *t);
    t->name = name;
    return t;
}
static void tcase_set_timeout(TCase *t, double seconds) { (void)t; (void)seconds; }
#define tcase_add_loop_test(tc, fn, lo, hi) shim_add(tc, fn, lo, hi, #fn)
#define tcase_add_test(tc, fn) shim_add(tc, fn, 0, 1, #fn)
static void shim_add(TCase *t, shim_fn fn, int lo, int hi, const char *name)
{
    shim_test x;
    x.fn = fn; x.lo = lo; x.hi = hi; x.name = name;
    if (t->n < 16) t->tests[t->n++] = x;
}
static void suite_add_tcase(Suite *s, TCase *t) { if (s->n < 8) s->tc[s->n++] = t; }
static SRunner *srunner_create(Suite *s)
{
    SRunner *r = calloc(1, sizeof *r);
    r->s = s;
    return r;
}
static int shim_run_one(shim_fn fn, int i)
{
    if (setjmp(shim_jmp) == 0) {
        fn(i);
        return 0;
    }
    return 1;
}
static void srunner_run_all(SRunner *r, int mode)
{
    (void)mode;
    printf("Running suite(s): %s\n", r->s->name);
    for (int c = 0; c < r->s->n; ++c) {
        TCase *t = r->s->tc[c];
        for (int k = 0; k < t->n; ++k) {
            for (int i = t->tests[k].lo; i < t->tests[k].hi; ++i) {
                shim_current = t->tests[k].name;
                r->failed += shim_run_one(t->tests[k].fn, i);
                r->run++;
            }
        }
    }
    printf("%d%%: Checks: %d, Failures: %d, Errors: 0\n",
           r->run ? (r->run - r->failed) * 100 / r->run : 100, r->run, r->failed);
}
static int srunner_ntests_failed(SRunner *r) { return r->failed; }
static void srunner_free(SRunner *r)
{
    for (int c = 0; c < r->s->n; ++c) free(r->s->tc[c]);
    free(r->s);
    free(r);
}

#endif
