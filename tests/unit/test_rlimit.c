#include "common/rlimit.h"
#include "common/rng.h"
#include "tests/gk_test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000000LL

static void start(struct gk_rlimit *rl, int limit, int64_t window_us)
{
    struct gk_err err = {0};
    cr_assert_eq(gk_rlimit_init(rl, limit, window_us, &err), GK_OK, "%s", err.msg);
}

Test(rlimit, refills_after_one_minute)
{
    struct gk_rlimit rl;
    start(&rl, 5, 60 * SEC);
    /* {now, expected result of take: 0 = taken, else the wait} */
    static const struct {
        int64_t now;
        int64_t want;
    } steps[] = {
        {0, 0},
        {0, 0},
        {10 * SEC, 0},
        {10 * SEC, 0},
        {20 * SEC, 0},
        {20 * SEC, 40 * SEC}, /* five in the last minute */
        {59 * SEC, 1 * SEC},  /* the first two leave at 60 s */
        {60 * SEC - 1, 1},
        {60 * SEC, 0},
        {60 * SEC, 0},
        {60 * SEC, 10 * SEC}, /* events at 10,10,20,60,60 */
        {70 * SEC, 0},        /* the two at 10 s left at 70 s */
        {70 * SEC, 0},
        {71 * SEC, 9 * SEC}, /* events at 20,60,60,70,70 */
        {200 * SEC, 0},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int64_t got = gk_rlimit_take(&rl, steps[i].now);
        cr_assert_eq(got, steps[i].want, "step %zu at %lld: got %lld", i,
                     (long long)steps[i].now, (long long)got);
    }
    gk_rlimit_cleanup(&rl);
    GK_ASSERT_NO_LEAKS();
}

/* The sequence that breaks a token bucket with burst N: N at once, then one
 * every W/N. Here only the first N pass before W. */
Test(rlimit, a_burst_then_a_steady_rate_never_doubles_the_window)
{
    struct gk_rlimit rl;
    start(&rl, 5, 60 * SEC);
    int taken_before_w = 0;
    for (int i = 0; i < 5; i++)
        taken_before_w += gk_rlimit_take(&rl, 0) == 0;
    for (int64_t t = 12 * SEC; t < 60 * SEC; t += 12 * SEC)
        taken_before_w += gk_rlimit_take(&rl, t) == 0;
    cr_assert_eq(taken_before_w, 5);
    cr_assert_eq(gk_rlimit_count(&rl, 60 * SEC - 1), 5);
    cr_assert_eq(gk_rlimit_count(&rl, 60 * SEC), 0);
    gk_rlimit_cleanup(&rl);
    GK_ASSERT_NO_LEAKS();
}

Test(rlimit, init_rejects_bad_limits_and_windows)
{
    static const struct {
        int limit;
        int64_t window_us;
        const char *field;
    } cases[] = {
        {0, SEC, "limit:"},
        {-1, SEC, "limit:"},
        {GK_RLIMIT_LIMIT_MAX + 1, SEC, "limit:"},
        {5, 0, "window_us:"},
        {5, -60 * SEC, "window_us:"},
        {5, INT64_MIN, "window_us:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gk_rlimit rl;
        struct gk_err err = {0};
        cr_assert_eq(gk_rlimit_init(&rl, cases[i].limit, cases[i].window_us, &err),
                     GK_INVALID_PARAMETER_VALUE, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].field) == err.msg, "case %zu: %s", i, err.msg);
        cr_assert_null(rl.ring);
        gk_rlimit_cleanup(&rl);
    }
    gk_rlimit_cleanup(NULL);
    GK_ASSERT_NO_LEAKS();
}

Test(rlimit, the_largest_limit_works)
{
    struct gk_rlimit rl;
    start(&rl, GK_RLIMIT_LIMIT_MAX, SEC);
    for (int i = 0; i < GK_RLIMIT_LIMIT_MAX; i++)
        cr_assert_eq(gk_rlimit_take(&rl, i / 100), 0, "event %d", i);
    cr_assert_eq(gk_rlimit_take(&rl, 999), SEC - 999, "the events at 0 leave at 1 s");
    cr_assert_eq(gk_rlimit_wait_us(&rl, SEC - 1), 1);
    cr_assert_eq(gk_rlimit_take(&rl, SEC), 0);
    gk_rlimit_cleanup(&rl);
    GK_ASSERT_NO_LEAKS();
}

Test(rlimit, time_that_goes_back_stands_still_at_the_newest_event)
{
    struct gk_rlimit rl;
    start(&rl, 2, 100);
    cr_assert_eq(gk_rlimit_take(&rl, 1000), 0);
    cr_assert_eq(gk_rlimit_take(&rl, 500), 0, "allowed: one event in the window");
    cr_assert_eq(gk_rlimit_count(&rl, 1000), 2, "recorded at 1000, not at 500");
    /* Both events are at 1000: they leave at 1100. The wait is measured
     * from the caller's own now, so now + wait is the exact ready time. */
    cr_assert_eq(gk_rlimit_take(&rl, 400), 700);
    cr_assert_eq(gk_rlimit_take(&rl, 1099), 1);
    cr_assert_eq(gk_rlimit_wait_us(&rl, 1100), 0);
    cr_assert_eq(gk_rlimit_take(&rl, 1100), 0);

    /* A late caller whose clamped time is exactly the ready time is let in:
     * events at 1000, 1000, 1100; the clamped now 1100 is when the second
     * event at 1000 leaves, so (1000, 1100] holds one event. */
    cr_assert_eq(gk_rlimit_wait_us(&rl, 1050), 0);
    cr_assert_eq(gk_rlimit_take(&rl, 1050), 0);
    cr_assert_eq(gk_rlimit_count(&rl, 1100), 2);
    gk_rlimit_cleanup(&rl);
    GK_ASSERT_NO_LEAKS();
}

Test(rlimit, reset_forgets_every_event)
{
    struct gk_rlimit rl;
    start(&rl, 3, 60 * SEC);
    for (int i = 0; i < 3; i++)
        gk_rlimit_take(&rl, 0);
    cr_assert_gt(gk_rlimit_wait_us(&rl, 0), 0);
    gk_rlimit_reset(&rl);
    cr_assert_eq(gk_rlimit_count(&rl, 0), 0);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(gk_rlimit_take(&rl, 0), 0);
    cr_assert_eq(gk_rlimit_take(&rl, 0), 60 * SEC);
    cr_assert_eq(gk_rlimit_limit(&rl), 3, "reset keeps the limit");
    gk_rlimit_cleanup(&rl);
    GK_ASSERT_NO_LEAKS();
}

Test(rlimit, lowering_the_limit_applies_at_once_and_raising_it_keeps_full_windows_full)
{
    struct gk_rlimit rl;
    start(&rl, 5, 60 * SEC);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(gk_rlimit_take(&rl, i * SEC), 0);
    /* a 429: slow down to 2 per minute; 4 are already in the window */
    cr_assert_eq(gk_rlimit_set_limit(&rl, 2, NULL), GK_OK);
    cr_assert_eq(gk_rlimit_limit(&rl), 2);
    cr_assert_eq(gk_rlimit_take(&rl, 10 * SEC), 52 * SEC, "wait until only 1 is left");
    cr_assert_eq(gk_rlimit_take(&rl, 62 * SEC), 0);
    cr_assert_eq(gk_rlimit_take(&rl, 62 * SEC), 63 * SEC - 62 * SEC);
    /* back to 5 at 62 s: the window (2 s, 62 s] holds events at 3 s and 62 s */
    cr_assert_eq(gk_rlimit_set_limit(&rl, 5, NULL), GK_OK);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(gk_rlimit_take(&rl, 62 * SEC), 0);
    cr_assert_eq(gk_rlimit_take(&rl, 62 * SEC), 1 * SEC, "5 in the window (2 s, 62 s]");

    /* shrink, then grow past every earlier limit: the ring is reallocated and
     * the events that fill the window are still counted */
    cr_assert_eq(gk_rlimit_set_limit(&rl, 1, NULL), GK_OK);
    cr_assert_eq(gk_rlimit_set_limit(&rl, 7, NULL), GK_OK);
    cr_assert_eq(gk_rlimit_count(&rl, 62 * SEC), 5);
    cr_assert_eq(gk_rlimit_take(&rl, 62 * SEC), 0);
    cr_assert_eq(gk_rlimit_take(&rl, 62 * SEC), 0);
    cr_assert_eq(gk_rlimit_take(&rl, 62 * SEC), 1 * SEC);
    gk_rlimit_cleanup(&rl);
    GK_ASSERT_NO_LEAKS();
}

Test(rlimit, set_limit_rejects_bad_values_and_changes_nothing)
{
    struct gk_rlimit rl;
    start(&rl, 3, SEC);
    const int bad[] = {0, -3, GK_RLIMIT_LIMIT_MAX + 1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct gk_err err = {0};
        cr_assert_eq(gk_rlimit_set_limit(&rl, bad[i], &err), GK_INVALID_PARAMETER_VALUE);
        cr_assert(strstr(err.msg, "limit:") == err.msg, "%s", err.msg);
        cr_assert_eq(gk_rlimit_limit(&rl), 3);
    }
    gk_rlimit_cleanup(&rl);
    GK_ASSERT_NO_LEAKS();
}

Test(rlimit, extreme_times_and_windows_do_not_overflow)
{
    struct gk_rlimit rl;
    start(&rl, 1, INT64_MAX);
    cr_assert_eq(gk_rlimit_take(&rl, INT64_MIN), 0);
    /* The event at INT64_MIN leaves the window at INT64_MIN + INT64_MAX = -1. */
    cr_assert_eq(gk_rlimit_take(&rl, INT64_MIN), INT64_MAX);
    cr_assert_eq(gk_rlimit_wait_us(&rl, -2), 1);
    cr_assert_eq(gk_rlimit_wait_us(&rl, -1), 0);
    cr_assert_eq(gk_rlimit_wait_us(&rl, INT64_MAX), 0);

    gk_rlimit_reset(&rl);
    cr_assert_eq(gk_rlimit_take(&rl, INT64_MAX - 5), 0);
    /* Leaves at "INT64_MAX - 5 + INT64_MAX", saturated to INT64_MAX; the
     * wait from INT64_MIN (2^64 - 1) saturates too. */
    cr_assert_eq(gk_rlimit_take(&rl, INT64_MIN), INT64_MAX);
    cr_assert_eq(gk_rlimit_wait_us(&rl, INT64_MAX - 1), 1);
    cr_assert_eq(gk_rlimit_count(&rl, INT64_MAX - 1), 1);
    cr_assert_eq(gk_rlimit_take(&rl, INT64_MAX), 0);
    gk_rlimit_cleanup(&rl);
    GK_ASSERT_NO_LEAKS();
}

/* ---- property tests against an independent brute-force oracle ---------- */

struct oracle {
    int64_t *t; /* every accepted event, in order */
    int *limit; /* the limit in force when it was accepted */
    int n;
};

/* Accepted events in (now - w, now]; written as e > now - w with values kept
 * far from the int64 edges by the generator. */
static int oracle_count(const struct oracle *o, int64_t now, int64_t w)
{
    int c = 0;
    for (int i = 0; i < o->n; i++)
        if (o->t[i] > now - w && o->t[i] <= now)
            c++;
    return c;
}

/* Smallest t >= now at which fewer than limit events lie in (t - w, t]. */
static int64_t oracle_ready(const struct oracle *o, int64_t now, int64_t w, int limit)
{
    if (oracle_count(o, now, w) < limit)
        return now;
    int64_t best = INT64_MAX;
    /* The count only drops when an event leaves, at e + w. */
    for (int i = 0; i < o->n; i++) {
        int64_t c = o->t[i] + w;
        if (c > now && c < best && oracle_count(o, c, w) < limit)
            best = c;
    }
    return best;
}

/* Runs one random sequence; returns how many takes were refused. */
static int run_sequence(uint64_t seed, int change_limits)
{
    struct gk_rng rng;
    gk_rng_init(&rng, seed);
    int limit = (int)gk_rng_range(&rng, 1, 12);
    int64_t w = gk_rng_range(&rng, 1, 1000);
    int arrivals = (int)gk_rng_range(&rng, 1, 250);
    struct gk_rlimit rl;
    start(&rl, limit, w);
    struct oracle o = {malloc(sizeof(int64_t) * (size_t)arrivals),
                       malloc(sizeof(int) * (size_t)arrivals), 0};
    cr_assert(o.t != NULL && o.limit != NULL);

    int64_t now = gk_rng_range(&rng, -1000000, 1000000);
    int64_t last_wait = 0;
    int refused = 0;
    for (int i = 0; i < arrivals; i++) {
        int64_t mode = gk_rng_range(&rng, 0, 99), gap;
        if (mode < 20)
            gap = 0; /* burst */
        else if (mode < 60)
            gap = gk_rng_range(&rng, 0, 2 * w / limit + 1);
        else if (mode < 75)
            gap = last_wait; /* exactly when told */
        else if (mode < 85)
            gap = last_wait > 0 ? last_wait - 1 : 0; /* one microsecond early */
        else
            gap = gk_rng_range(&rng, 0, 2 * w);
        now += gap;
        if (change_limits && gk_rng_chance(&rng, 0.05)) {
            limit = (int)gk_rng_range(&rng, 1, 12);
            cr_assert_eq(gk_rlimit_set_limit(&rl, limit, NULL), GK_OK);
        }

        int in_window = oracle_count(&o, now, w);
        cr_assert_eq(gk_rlimit_count(&rl, now), in_window, "seed %llu step %d",
                     (unsigned long long)seed, i);
        int64_t want_wait = oracle_ready(&o, now, w, limit) - now;
        cr_assert_eq(gk_rlimit_wait_us(&rl, now), want_wait, "seed %llu step %d",
                     (unsigned long long)seed, i);
        int64_t got = gk_rlimit_take(&rl, now);
        if (got == 0) {
            cr_assert_lt(in_window, limit, "seed %llu step %d: took with a full window",
                         (unsigned long long)seed, i);
            o.t[o.n] = now;
            o.limit[o.n] = limit;
            o.n++;
        } else {
            /* Refused: the window really holds `limit` events (never refuses
             * with room), and the wait is exact. */
            cr_assert_geq(in_window, limit, "seed %llu step %d: refused with room",
                          (unsigned long long)seed, i);
            cr_assert_eq(got, want_wait);
            cr_assert_gt(gk_rlimit_wait_us(&rl, now + got - 1), 0);
            cr_assert_eq(gk_rlimit_wait_us(&rl, now + got), 0);
            refused++;
        }
        last_wait = got;
    }

    /* The guarantee, checked on the accepted events: every window whose
     * newest event (the last taken) was taken under limit L holds at most L
     * events, and with a fixed limit no window [e, e + w) holds more. */
    for (int i = 0; i < o.n; i++) {
        struct oracle upto = {o.t, o.limit, i + 1};
        cr_assert_leq(oracle_count(&upto, o.t[i], w), o.limit[i], "seed %llu",
                      (unsigned long long)seed);
        if (!change_limits) {
            int c = 0;
            for (int j = 0; j < o.n; j++)
                c += o.t[j] >= o.t[i] && o.t[j] < o.t[i] + w;
            cr_assert_leq(c, limit, "seed %llu: %d events in [%lld, +%lld)",
                          (unsigned long long)seed, c, (long long)o.t[i], (long long)w);
        }
    }
    free(o.t);
    free(o.limit);
    gk_rlimit_cleanup(&rl);
    return refused;
}

Test(rlimit, random_arrivals_never_exceed_the_limit_in_any_window)
{
    int refused = 0;
    for (uint64_t seed = 1; seed <= 3000; seed++)
        refused += run_sequence(seed, 0);
    cr_assert_gt(refused, 30000, "the sequences must hit the limit often (%d)", refused);
    GK_ASSERT_NO_LEAKS();
}

Test(rlimit, random_limit_changes_keep_the_guarantee_for_the_limit_in_force)
{
    int refused = 0;
    for (uint64_t seed = 100001; seed <= 102000; seed++)
        refused += run_sequence(seed, 1);
    cr_assert_gt(refused, 20000, "the sequences must hit the limit often (%d)", refused);
    GK_ASSERT_NO_LEAKS();
}
