/*
 * gen_pacer: the per-workspace question pacer (generator/pacer.h), on a
 * manual clock.
 *
 * The property test drives a pacer with random arrival times and random
 * 429s from a seeded rng and checks it against a brute-force model that
 * keeps every POST: the window bound (counted POST by POST), and that
 * wait_us is exactly the time until the model first allows a POST.
 */
#include "common/rng.h"
#include "generator/pacer.h"
#include "tests/gk_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S(x) ((int64_t)(x)*1000000)
#define W    GEN_PACER_WINDOW_US

Test(gen_pacer, rates_are_validated)
{
    static const double bad[] = {0, 0.999, -4, NAN, INFINITY, 100001};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct gen_pacer p;
        struct gk_err err = {0};
        cr_assert_eq(gen_pacer_init(&p, bad[i], &err), GK_BAD_CONFIG, "rate %g", bad[i]);
        cr_assert(strstr(err.msg, "rate_per_min") != NULL, "%s", err.msg);
        gen_pacer_cleanup(&p); /* safe after a failed init */
    }
    static const struct {
        double rate;
        int limit, slow_limit;
        int64_t spacing_us;
    } good[] = {
        {1, 1, 1, S(60)},      {2, 2, 1, S(30)}, {4, 4, 3, S(15)},
        {4.5, 4, 3, 13333334}, {5, 5, 4, S(12)}, {7.3, 7, 6, 8219179},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct gen_pacer p;
        cr_assert_eq(gen_pacer_init(&p, good[i].rate, NULL), GK_OK);
        cr_assert_eq(p.limit, good[i].limit, "rate %g", good[i].rate);
        cr_assert_eq(p.slow_limit, good[i].slow_limit, "rate %g", good[i].rate);
        cr_assert_eq(p.spacing_us, good[i].spacing_us, "rate %g: %lld", good[i].rate,
                     (long long)p.spacing_us);
        cr_assert_eq(gen_pacer_limit(&p, 0), good[i].limit);
        gen_pacer_cleanup(&p);
    }
    gen_pacer_cleanup(NULL);
    GK_ASSERT_NO_LEAKS();
}

/* The times of the first n POSTs of a pacer that is always asked again
 * exactly when it said. */
static void greedy(struct gen_pacer *p, int64_t start, int64_t *at, size_t n)
{
    int64_t t = start;
    for (size_t i = 0; i < n; i++) {
        t += gen_pacer_wait_us(p, t);
        cr_assert_eq(gen_pacer_take(p, t), 0);
        at[i] = t;
    }
}

Test(gen_pacer, posts_are_spread_evenly_at_an_integer_rate)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, 4, NULL), GK_OK);
    int64_t at[9];
    greedy(&p, S(100), at, 9);
    for (size_t i = 0; i < 9; i++)
        cr_assert_eq(at[i], S(100) + (int64_t)i * S(15), "POST %zu at %lld", i,
                     (long long)at[i]);
    /* Just after a POST, the next one waits the whole spacing. */
    cr_assert_eq(gen_pacer_wait_us(&p, at[8]), S(15));
    cr_assert_eq(gen_pacer_take(&p, at[8] + S(15) - 1), 1, "refused, nothing taken");
    cr_assert_eq(p.posts, 9);
    gen_pacer_cleanup(&p);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_pacer, a_fractional_rate_is_spaced_and_capped_by_the_window)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, 4.5, NULL), GK_OK);
    int64_t at[9];
    greedy(&p, 0, at, 9);
    /* 4 POSTs 13.33 s apart, then the window (not the spacing) holds the
     * fifth until the first has left it. */
    const int64_t want[] = {0,        13333334, 26666668,  40000002, S(60),
                            73333334, 86666668, 100000002, S(120)};
    for (size_t i = 0; i < 9; i++)
        cr_assert_eq(at[i], want[i], "POST %zu at %lld", i, (long long)at[i]);
    gen_pacer_cleanup(&p);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_pacer, a_429_blocks_until_retry_after_and_lowers_the_rate_for_five_minutes)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, 4, NULL), GK_OK);
    cr_assert_eq(gen_pacer_take(&p, 0), 0);
    gen_pacer_on_throttled(&p, S(1), S(30));
    cr_assert_eq(p.throttles, 1);
    cr_assert_eq(gen_pacer_limit(&p, S(1)), 3);
    cr_assert_eq(gen_pacer_wait_us(&p, S(1)), S(30), "Retry-After");
    cr_assert_eq(gen_pacer_wait_us(&p, S(31)), 0);
    /* Slow: 3 per window, 20 s apart. */
    int64_t at[7];
    greedy(&p, S(31), at, 7);
    const int64_t want[] = {S(31), S(51), S(71), S(91), S(111), S(131), S(151)};
    for (size_t i = 0; i < 7; i++)
        cr_assert_eq(at[i], want[i], "POST %zu at %lld", i, (long long)at[i]);
    /* Restored exactly five minutes after the 429. */
    cr_assert_eq(gen_pacer_limit(&p, S(301) - 1), 3);
    cr_assert_eq(gen_pacer_limit(&p, S(301)), 4);
    cr_assert_eq(gen_pacer_limit(&p, S(301) - 1), 4, "and it stays restored");
    gen_pacer_cleanup(&p);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_pacer, another_429_restarts_the_slow_period_without_lowering_further)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, 5, NULL), GK_OK);
    gen_pacer_on_throttled(&p, S(10), 0);
    gen_pacer_on_throttled(&p, S(200), -S(5)); /* a negative wait counts as 0 */
    cr_assert_eq(gen_pacer_wait_us(&p, S(200)), 0);
    cr_assert_eq(gen_pacer_limit(&p, S(200)), 4);
    cr_assert_eq(gen_pacer_limit(&p, S(499)), 4, "still slow 5 min after the second");
    cr_assert_eq(gen_pacer_limit(&p, S(500)), 5);
    /* A 429 long after the last one starts a new slow period. */
    gen_pacer_on_throttled(&p, S(10000), S(1));
    cr_assert_eq(gen_pacer_limit(&p, S(10000)), 4);
    cr_assert_eq(gen_pacer_limit(&p, S(10300)), 5);
    /* A shorter Retry-After never shortens an earlier one. */
    gen_pacer_on_throttled(&p, S(20000), S(60));
    gen_pacer_on_throttled(&p, S(20001), S(1));
    cr_assert_eq(gen_pacer_wait_us(&p, S(20002)), S(58));
    cr_assert_eq(p.throttles, 5);
    gen_pacer_cleanup(&p);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_pacer, a_rate_of_one_stays_at_one_after_a_429)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, 1, NULL), GK_OK);
    cr_assert_eq(gen_pacer_take(&p, 0), 0);
    gen_pacer_on_throttled(&p, 0, S(5));
    cr_assert_eq(gen_pacer_limit(&p, 0), 1);
    cr_assert_eq(gen_pacer_wait_us(&p, 0), S(60));
    gen_pacer_cleanup(&p);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_pacer, the_wait_ends_at_the_restore_when_that_comes_first)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, 4, NULL), GK_OK);
    gen_pacer_on_throttled(&p, 0, 0); /* slow until 300 s */
    cr_assert_eq(gen_pacer_take(&p, S(290)), 0);
    /* Slow spacing would allow the next at 310 s; the rate comes back at
     * 300 s with a 15 s spacing, so 305 s. */
    cr_assert_eq(gen_pacer_wait_us(&p, S(299)), S(6));
    cr_assert_eq(gen_pacer_limit(&p, S(299)), 3, "asking does not restore early");
    cr_assert_eq(gen_pacer_take(&p, S(305) - 1), 1);
    cr_assert_eq(gen_pacer_take(&p, S(305)), 0);
    gen_pacer_cleanup(&p);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_pacer, time_that_goes_back_stands_still)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, 4, NULL), GK_OK);
    cr_assert_eq(gen_pacer_take(&p, S(100)), 0);
    cr_assert_eq(gen_pacer_wait_us(&p, S(50)), S(65), "until 115 s");
    cr_assert_neq(gen_pacer_take(&p, S(50)), 0);
    cr_assert_eq(p.posts, 1);
    gen_pacer_cleanup(&p);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_pacer, huge_times_and_waits_saturate)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, 4, NULL), GK_OK);
    gen_pacer_on_throttled(&p, INT64_MAX - S(1), INT64_MAX);
    cr_assert_eq(gen_pacer_wait_us(&p, INT64_MAX - S(1)), S(1));
    cr_assert_eq(gen_pacer_take(&p, INT64_MAX - 1), 1);
    cr_assert_eq(gen_pacer_take(&p, INT64_MAX), 0);
    cr_assert_eq(gen_pacer_wait_us(&p, INT64_MAX), 0, "nothing is later than INT64_MAX");
    gen_pacer_cleanup(&p);
    GK_ASSERT_NO_LEAKS();
}

/* ---- the property test ---- */

#define MODEL_MAX 4096

/* Everything the pacer promises, kept the slow, obvious way. */
struct model {
    double rate;
    int limit, slow_limit;
    int64_t posts[MODEL_MAX];
    bool slow_post[MODEL_MAX]; /* taken while slow */
    size_t n;
    int64_t blocked_until;
    int64_t slow_until; /* slow at t iff t < slow_until */
};

static bool model_allowed(const struct model *m, int64_t t)
{
    bool slow = t < m->slow_until;
    int limit = slow ? m->slow_limit : m->limit;
    int64_t spacing = slow ? W / m->slow_limit : (int64_t)ceil((double)W / m->rate);
    if (t < m->blocked_until)
        return false;
    if (m->n > 0 && t < m->posts[m->n - 1] + spacing)
        return false;
    int in_window = 0;
    for (size_t i = 0; i < m->n; i++)
        in_window += m->posts[i] > t - W && m->posts[i] <= t;
    return in_window < limit;
}

/* The pacer's wait at t must be exact: nothing allowed in [t, t + wait),
 * allowed at t + wait. The model is monotone within a regime, so the last
 * moment of each regime's part of the interval is enough to check. */
static void check_wait(const struct model *m, int64_t t, int64_t wait)
{
    cr_assert_eq(wait == 0, model_allowed(m, t), "t=%lld wait=%lld", (long long)t,
                 (long long)wait);
    if (wait == 0)
        return;
    cr_assert(model_allowed(m, t + wait), "allowed at t + wait (t=%lld wait=%lld)",
              (long long)t, (long long)wait);
    cr_assert_not(model_allowed(m, t + wait - 1), "not before (t=%lld wait=%lld)",
                  (long long)t, (long long)wait);
    if (m->slow_until > t && m->slow_until < t + wait) {
        cr_assert_not(model_allowed(m, m->slow_until - 1), "t=%lld", (long long)t);
        cr_assert_not(model_allowed(m, m->slow_until), "t=%lld", (long long)t);
    }
}

/* Every window of 60 s ending at a POST holds at most the limit; POSTs made
 * while slow, at most the slow limit. */
static void check_windows(const struct model *m)
{
    for (size_t i = 0; i < m->n; i++) {
        int count = 0;
        for (size_t j = 0; j <= i; j++)
            count += m->posts[j] > m->posts[i] - W;
        cr_assert_leq(count, m->limit, "%d POSTs in the 60 s before %lld", count,
                      (long long)m->posts[i]);
        if (m->slow_post[i])
            cr_assert_leq(count, m->slow_limit, "slow: %d POSTs in the 60 s before %lld",
                          count, (long long)m->posts[i]);
    }
}

static void property(double rate, uint64_t seed)
{
    struct gen_pacer p;
    cr_assert_eq(gen_pacer_init(&p, rate, NULL), GK_OK);
    struct model *m = calloc(1, sizeof *m);
    cr_assert_not_null(m);
    m->rate = rate;
    m->limit = (int)floor(rate);
    m->slow_limit = m->limit > 1 ? m->limit - 1 : 1;
    m->blocked_until = INT64_MIN;
    m->slow_until = INT64_MIN;
    struct gk_rng r;
    gk_rng_init(&r, seed);
    int64_t t = (int64_t)gk_rng_below(&r, (uint64_t)S(1000));
    size_t throttles = 0;
    while (m->n < 300) {
        int64_t wait = gen_pacer_wait_us(&p, t);
        check_wait(m, t, wait);
        if (wait == 0) {
            cr_assert_eq(gen_pacer_take(&p, t), 0);
            m->slow_post[m->n] = t < m->slow_until;
            m->posts[m->n++] = t;
            if (gk_rng_chance(&r, 0.08)) { /* that POST was answered 429 */
                int64_t at = t + gk_rng_range(&r, 0, S(3));
                int64_t retry = gk_rng_chance(&r, 0.2) ? 0 : gk_rng_range(&r, 1, S(90));
                gen_pacer_on_throttled(&p, at, retry);
                if (at + retry > m->blocked_until)
                    m->blocked_until = at + retry;
                if (at + GEN_PACER_SLOW_US > m->slow_until)
                    m->slow_until = at + GEN_PACER_SLOW_US;
                throttles++;
                t = at;
            }
        }
        /* The next attempt: exactly when told, a little before or after it,
         * or somewhere in the next minutes (a queue that ran dry). */
        switch (gk_rng_below(&r, 4)) {
        case 0:
            t += wait;
            break;
        case 1:
            t += wait > 0 ? (int64_t)gk_rng_below(&r, (uint64_t)wait) : 0;
            break;
        case 2:
            t += wait + (int64_t)gk_rng_below(&r, (uint64_t)S(2));
            break;
        default:
            t += (int64_t)gk_rng_below(&r, (uint64_t)S(240));
            break;
        }
    }
    check_windows(m);
    cr_assert_gt(throttles, 0, "seed %llu met no 429", (unsigned long long)seed);
    cr_assert_eq(p.posts, (int64_t)m->n);
    free(m);
    gen_pacer_cleanup(&p);
}

Test(gen_pacer, never_exceeds_the_window_and_never_waits_when_allowed)
{
    static const double rates[] = {1, 2, 3.7, 4, 4.5, 5, 12, 60};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        for (uint64_t seed = 1; seed <= 12; seed++)
            property(rates[i], seed * 7919 + i);
    GK_ASSERT_NO_LEAKS();
}
