#include "common/backoff.h"
#include "tests/gk_test.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define MS     1000LL
#define SEC    1000000LL
#define MAX_RA GK_BACKOFF_RETRY_AFTER_MAX_MS

Test(backoff, the_ceiling_doubles_up_to_the_cap_without_overflow)
{
    static const struct {
        int64_t base, cap;
        unsigned k;
        int64_t want;
    } cases[] = {
        {SEC, 60 * SEC, 0, SEC},
        {SEC, 60 * SEC, 1, 2 * SEC},
        {SEC, 60 * SEC, 5, 32 * SEC},
        {SEC, 60 * SEC, 6, 60 * SEC},
        {SEC, 60 * SEC, 62, 60 * SEC},
        {SEC, 60 * SEC, 63, 60 * SEC},
        {SEC, 60 * SEC, 64, 60 * SEC},
        {SEC, 60 * SEC, 1000, 60 * SEC},
        {SEC, 60 * SEC, UINT_MAX, 60 * SEC},
        {1, INT64_MAX, 62, INT64_C(1) << 62},
        {1, INT64_MAX, 63, INT64_MAX},
        {3, INT64_MAX, 61, INT64_C(3) << 61},
        {5, INT64_MAX, 61, INT64_MAX}, /* 5 * 2^61 > INT64_MAX */
        {INT64_MAX, INT64_MAX, 0, INT64_MAX},
        {INT64_MAX, INT64_MAX, 1000, INT64_MAX},
        {10, 64, 2, 40},
        {10, 64, 3, 64},
        {100, 50, 0, 50}, /* cap below base: the cap wins */
        {0, 50, 3, 0},
        {-1, 50, 3, 0},
        {5, 0, 3, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t got = gk_backoff_ceiling_us(cases[i].base, cases[i].cap, cases[i].k);
        cr_assert_eq(got, cases[i].want, "case %zu: got %lld", i, (long long)got);
    }
}

Test(backoff, the_poll_schedule_is_1_2_4_up_to_60_seconds_and_stops_at_10_minutes)
{
    struct gk_backoff_policy p;
    struct gk_err err = {0};
    cr_assert_eq(gk_backoff_policy_init(&p, SEC, 60 * SEC, false, 0, 600 * SEC, &err),
                 GK_OK, "%s", err.msg);
    static const int64_t want[] = {
        1,  2,  4,  8,  16, 32, 60, 60,
        60, 60, 60, 60, 60, 60, 57}; /* 543 s, then 57 s left */
    int64_t elapsed = 0, delay;
    size_t n = 0;
    while (gk_backoff_next(&p, (unsigned)n, elapsed, NULL, &delay)) {
        cr_assert_lt(n, sizeof want / sizeof want[0], "too many polls");
        cr_assert_eq(delay, want[n] * SEC, "poll %zu: %lld", n, (long long)delay);
        elapsed += delay;
        n++;
    }
    cr_assert_eq(n, sizeof want / sizeof want[0]);
    cr_assert_eq(elapsed, 600 * SEC, "the last poll lands on the deadline");
    cr_assert_eq(delay, 0);
}

Test(backoff, full_jitter_stays_within_the_ceiling_and_averages_half_of_it)
{
    struct gk_rng rng;
    gk_rng_init(&rng, 42);
    const unsigned ks[] = {0, 1, 3, 6, 20, 1000, UINT_MAX};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        int64_t ceiling = gk_backoff_ceiling_us(SEC, 60 * SEC, ks[i]);
        double sum = 0;
        int64_t lo = INT64_MAX, hi = 0;
        const int draws = 20000;
        for (int n = 0; n < draws; n++) {
            int64_t d = gk_backoff_jitter_us(SEC, 60 * SEC, ks[i], &rng);
            cr_assert(d >= 0 && d <= ceiling, "k=%u: %lld outside [0, %lld]", ks[i],
                      (long long)d, (long long)ceiling);
            sum += (double)d;
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        double mean = sum / draws;
        cr_assert(mean > 0.48 * (double)ceiling && mean < 0.52 * (double)ceiling,
                  "k=%u: mean %.0f, ceiling %lld", ks[i], mean, (long long)ceiling);
        cr_assert_lt(lo, ceiling / 100, "k=%u: the low end is reachable", ks[i]);
        cr_assert_gt(hi, ceiling - ceiling / 100, "k=%u: the high end is reachable",
                     ks[i]);
    }
    /* The largest possible ceiling still draws inside [0, INT64_MAX]. */
    for (int n = 0; n < 1000; n++)
        cr_assert_geq(gk_backoff_jitter_us(1, INT64_MAX, 1000, &rng), 0);
    cr_assert_eq(gk_backoff_jitter_us(0, 10, 3, &rng), 0);
}

Test(backoff, the_same_seed_gives_the_same_delays)
{
    struct gk_backoff_policy p;
    gk_backoff_policy_init(&p, 100 * MS, 30 * SEC, true, 0, 0, NULL);
    struct gk_rng a, b, c;
    gk_rng_init(&a, 7);
    gk_rng_init(&b, 7);
    gk_rng_init(&c, 8);
    int differ = 0;
    for (unsigned k = 0; k < 50; k++) {
        int64_t da, db, dc;
        cr_assert(gk_backoff_next(&p, k, 0, &a, &da));
        cr_assert(gk_backoff_next(&p, k, 0, &b, &db));
        cr_assert(gk_backoff_next(&p, k, 0, &c, &dc));
        cr_assert_eq(da, db, "attempt %u", k);
        differ += da != dc;
    }
    cr_assert_gt(differ, 40, "another seed gives other delays");
}

Test(backoff, attempt_1000_gives_the_cap_not_an_overflow)
{
    struct gk_backoff_policy p;
    gk_backoff_policy_init(&p, 250 * MS, 20 * SEC, false, 0, 0, NULL);
    int64_t d;
    cr_assert(gk_backoff_next(&p, 1000, 0, NULL, &d));
    cr_assert_eq(d, 20 * SEC);
    p.jitter = true;
    struct gk_rng rng;
    gk_rng_init(&rng, 1);
    for (int i = 0; i < 1000; i++) {
        cr_assert(gk_backoff_next(&p, 1000, 0, &rng, &d));
        cr_assert(d >= 0 && d <= 20 * SEC);
    }
}

Test(backoff, the_policy_gives_up_after_max_attempts_or_the_budget)
{
    struct gk_backoff_policy p;
    gk_backoff_policy_init(&p, SEC, 8 * SEC, false, 3, 10 * SEC, NULL);
    static const struct {
        unsigned attempt;
        int64_t elapsed;
        bool go;
        int64_t delay;
    } cases[] = {
        {0, 0, true, SEC},
        {1, SEC, true, 2 * SEC},
        {2, 3 * SEC, true, 4 * SEC},
        {3, 7 * SEC, false, 0},      /* 3 retries made */
        {2, 8 * SEC, true, 2 * SEC}, /* trimmed to the budget */
        {0, 10 * SEC, false, 0},     /* budget spent */
        {0, 11 * SEC, false, 0},
        {0, -5 * SEC, true, SEC}, /* a clock mix-up is not an overflow */
        {UINT_MAX, 0, false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t d = -1;
        cr_assert_eq(gk_backoff_next(&p, cases[i].attempt, cases[i].elapsed, NULL, &d),
                     cases[i].go, "case %zu", i);
        cr_assert_eq(d, cases[i].delay, "case %zu: %lld", i, (long long)d);
    }

    /* 0 means no limit on either */
    gk_backoff_policy_init(&p, SEC, 8 * SEC, false, 0, 0, NULL);
    int64_t d;
    cr_assert(gk_backoff_next(&p, UINT_MAX, INT64_MAX, NULL, &d));
    cr_assert_eq(d, 8 * SEC);

    /* jitter without an rng falls back to the ceiling */
    gk_backoff_policy_init(&p, SEC, 8 * SEC, true, 0, 0, NULL);
    cr_assert(gk_backoff_next(&p, 2, 0, NULL, &d));
    cr_assert_eq(d, 4 * SEC);
}

Test(backoff, policy_init_names_the_bad_field_and_changes_nothing)
{
    static const struct {
        int64_t base, cap;
        int max_attempts;
        int64_t budget;
        const char *field;
    } cases[] = {
        {0, SEC, 0, 0, "base_us:"},      {-SEC, SEC, 0, 0, "base_us:"},
        {2 * SEC, SEC, 0, 0, "cap_us:"}, {SEC, SEC, -1, 0, "max_attempts:"},
        {SEC, SEC, 0, -1, "budget_us:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gk_backoff_policy p = {7, 7, true, 7, 7};
        struct gk_err err = {0};
        cr_assert_eq(gk_backoff_policy_init(&p, cases[i].base, cases[i].cap, false,
                                            cases[i].max_attempts, cases[i].budget, &err),
                     GK_INVALID_PARAMETER_VALUE, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].field) == err.msg, "case %zu: %s", i, err.msg);
        cr_assert_eq(p.base_us, 7, "case %zu: policy written on error", i);
    }
    struct gk_backoff_policy p;
    cr_assert_eq(gk_backoff_policy_init(&p, SEC, SEC, true, 0, 0, NULL), GK_OK,
                 "cap == base is a constant delay");
}

/* Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s after the epoch; "now" is
 * two minutes before it. */
#define DATE_MS 784111777000LL
#define NOW_MS  (DATE_MS - 120000)
#define FB      (-77) /* a fallback no real answer can equal */

Test(backoff, retry_after_values_parse_to_milliseconds)
{
    static const struct {
        const char *value;
        int64_t want_ms;
        bool fallback;
    } cases[] = {
        /* delay-seconds */
        {"0", 0, false},
        {"1", 1000, false},
        {"120", 120000, false},
        {"007", 7000, false},
        {"86400", MAX_RA, false},
        {"86401", MAX_RA, false},
        {"99999999999999999999999999999", MAX_RA, false},
        {"  5\r\n", 5000, false},
        {"\t5 ", 5000, false},
        /* decimal seconds */
        {"1.5", 1500, false},
        {"1.58", 1580, false},
        {"0.001", 1, false},
        {"0.0001", 1, false}, /* rounds up: never retry early */
        {"0.0010", 1, false},
        {"2.9999", 3000, false},
        {"0.000", 0, false},
        {"86399.9999", MAX_RA, false},
        /* HTTP-date, three forms */
        {"Sun, 06 Nov 1994 08:49:37 GMT", 120000, false},
        {"Sunday, 06-Nov-94 08:49:37 GMT", 120000, false},
        {"Sun Nov  6 08:49:37 1994", 120000, false},
        {"Sun, 06 Nov 1994 08:47:37 GMT", 0, false}, /* now */
        {"Sun, 06 Nov 1994 08:47:36 GMT", 0, false}, /* past */
        {"Sat, 01 Jan 1994 00:00:00 GMT", 0, false},
        {"Mon, 07 Nov 1994 08:47:37 GMT", MAX_RA, false}, /* exactly one day */
        {"Mon, 07 Nov 1994 08:47:38 GMT", MAX_RA, false},
        {"Fri, 31 Dec 9999 23:59:59 GMT", MAX_RA, false},
        {"Sun, 06 Nov 1994 08:49:60 GMT", 143000, false}, /* leap second */
        {"sun, 06 nov 1994 08:49:37 gmt", 120000, false}, /* lenient case */
        {"Mon, 06 Nov 1994 08:49:37 GMT", 120000, false}, /* weekday not checked */
        {"Sun Nov 16 08:49:37 1994", MAX_RA, false},
        {" Sun, 06 Nov 1994 08:49:37 GMT\r\n", 120000, false},
        /* garbage -> fallback */
        {"", FB, true},
        {"   ", FB, true},
        {"-1", FB, true},
        {"+5", FB, true},
        {"1e3", FB, true},
        {"5s", FB, true},
        {"5 5", FB, true},
        {"1.", FB, true},
        {".5", FB, true},
        {"1.5.", FB, true},
        {"abc", FB, true},
        {"Sun, 06 Nov 1994 08:49:37", FB, true},
        {"Sun, 06 Nov 1994 08:49:37 UTC", FB, true},
        {"Sun, 06 Nov 1994 08:49:37 GMT x", FB, true},
        {"Sun, 6 Nov 1994 08:49:37 GMT", FB, true},
        {"Sun, 06 Nov 94 08:49:37 GMT", FB, true},
        {"Sun, 31 Feb 1994 08:49:37 GMT", FB, true},
        {"Sun, 29 Feb 1900 08:49:37 GMT", FB, true},      /* 1900 is not a leap year */
        {"Tue, 29 Feb 2000 08:49:37 GMT", MAX_RA, false}, /* 2000 is */
        {"Sun, 00 Nov 1994 08:49:37 GMT", FB, true},
        {"Sun, 06 Nov 1994 24:00:00 GMT", FB, true},
        {"Sun, 06 Nov 1994 08:60:00 GMT", FB, true},
        {"Sun, 06 Nov 1994 08:49:61 GMT", FB, true},
        {"Sun, 06 Foo 1994 08:49:37 GMT", FB, true},
        {"Xyz, 06 Nov 1994 08:49:37 GMT", FB, true},
        {"Sun, 06-Nov-94 08:49:37 GMT", FB, true}, /* RFC 850 needs the long name */
        {"Sunday, 06 Nov 1994 08:49:37 GMT", FB, true},
        {"Sun Nov 6 08:49:37 1994", FB, true},
        {"Sun Nov  6 08:49:37 94", FB, true},
        {"Sun Nov 06 08:49:37 1994", 120000, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool fell = !cases[i].fallback;
        int64_t got = gk_backoff_retry_after_ms(cases[i].value, strlen(cases[i].value),
                                                NOW_MS, FB, &fell);
        cr_assert_eq(got, cases[i].want_ms, "\"%s\": got %lld", cases[i].value,
                     (long long)got);
        cr_assert_eq(fell, cases[i].fallback, "\"%s\"", cases[i].value);
    }
}

Test(backoff, retry_after_reads_only_the_given_bytes)
{
    bool fell = false;
    cr_assert_eq(gk_backoff_retry_after_ms(NULL, 5, NOW_MS, 1000, &fell), 1000);
    cr_assert(fell);
    cr_assert_eq(gk_backoff_retry_after_ms(NULL, 0, NOW_MS, 1000, NULL), 1000);

    const char buf[] = "12345";
    cr_assert_eq(gk_backoff_retry_after_ms(buf, 2, NOW_MS, FB, &fell), 12000);
    cr_assert_not(fell);
    cr_assert_eq(gk_backoff_retry_after_ms(buf, 0, NOW_MS, FB, &fell), FB);
    cr_assert(fell);

    const char nul[] = {'1', '\0', '2'};
    cr_assert_eq(gk_backoff_retry_after_ms(nul, sizeof nul, NOW_MS, FB, &fell), FB,
                 "an embedded NUL is garbage");
    cr_assert(fell);

    /* a date cut short by len, from a buffer with no terminator at all */
    const char date[29] = "Sun, 06 Nov 1994 08:49:37 GMT";
    cr_assert_eq(gk_backoff_retry_after_ms(date, sizeof date, NOW_MS, FB, &fell), 120000);
    cr_assert_eq(gk_backoff_retry_after_ms(date, sizeof date - 1, NOW_MS, FB, &fell), FB);
}

Test(backoff, two_digit_years_follow_the_fifty_year_rule)
{
    /* now = 2025-06-01T00:00:00Z */
    const int64_t now = 1748736000000LL;
    static const struct {
        const char *value;
        int64_t want_ms;
    } cases[] = {
        {"Thursday, 06-Nov-75 08:49:37 GMT", MAX_RA}, /* 2075: 50 years ahead, future */
        {"Saturday, 06-Nov-76 08:49:37 GMT", 0},      /* 2076 is > 50 ahead: 1976 */
        {"Sunday, 06-Nov-94 08:49:37 GMT", 0},        /* 1994 */
        {"Sunday, 01-Jun-25 00:02:00 GMT", 120000},   /* this year */
        {"Saturday, 31-May-25 23:59:59 GMT", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool fell = true;
        int64_t got = gk_backoff_retry_after_ms(cases[i].value, strlen(cases[i].value),
                                                now, FB, &fell);
        cr_assert_eq(got, cases[i].want_ms, "\"%s\": got %lld", cases[i].value,
                     (long long)got);
        cr_assert_not(fell);
    }
    /* 2049, read two minutes before it happens */
    const char *v = "Saturday, 06-Nov-49 08:49:37 GMT";
    cr_assert_eq(
        gk_backoff_retry_after_ms(v, strlen(v), 2519801377000LL - 120000, FB, NULL),
        120000);
}

Test(backoff, extreme_now_values_do_not_overflow)
{
    const char *v = "Sun, 06 Nov 1994 08:49:37 GMT";
    cr_assert_eq(gk_backoff_retry_after_ms(v, strlen(v), INT64_MAX, FB, NULL), 0);
    cr_assert_eq(gk_backoff_retry_after_ms(v, strlen(v), INT64_MIN, FB, NULL), MAX_RA);
    const char *r = "Sunday, 06-Nov-94 08:49:37 GMT";
    cr_assert_eq(gk_backoff_retry_after_ms(r, strlen(r), INT64_MIN, FB, NULL), MAX_RA);
    cr_assert_eq(gk_backoff_retry_after_ms(r, strlen(r), INT64_MAX, FB, NULL), 0);
}

Test(backoff, days_from_civil_matches_known_dates)
{
    static const struct {
        int64_t y;
        int m, d;
        int64_t days;
    } cases[] = {
        {1970, 1, 1, 0},      {1969, 12, 31, -1},    {2000, 3, 1, 11017},
        {2024, 2, 29, 19782}, {1600, 1, 1, -135140}, {9999, 12, 31, 2932896},
        {1, 1, 1, -719162},   {1994, 11, 6, 9075},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_eq(gk_backoff_days_from_civil(cases[i].y, cases[i].m, cases[i].d),
                     cases[i].days, "%lld-%d-%d", (long long)cases[i].y, cases[i].m,
                     cases[i].d);
}

/* An independent oracle: walk the calendar one day at a time from 1600 to
 * 2500 and check every date against a running count. */
Test(backoff, days_from_civil_agrees_with_counting_days)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t n = gk_backoff_days_from_civil(1600, 1, 1);
    for (int y = 1600; y <= 2500; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int days = dm[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= days; d++, n++)
                if (gk_backoff_days_from_civil(y, m, d) != n)
                    cr_assert_fail("%d-%02d-%02d: %lld, expected %lld", y, m, d,
                                   (long long)gk_backoff_days_from_civil(y, m, d),
                                   (long long)n);
        }
    }
}
