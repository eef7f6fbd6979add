/*
 * rng suite. The known answers below were computed by an independent Python
 * transcription of splitmix64 + xoshiro256** (and FNV-1a for derive), not by
 * running this C code, so they pin both the algorithm and its arithmetic: a
 * change of generator, a platform difference or a slip in a shift fails here.
 * Statistical checks use fixed seeds and generous bounds: they cannot flake,
 * yet each one fails by orders of magnitude on the bug it is there to catch.
 */
#include "common/rng.h"
#include "tests/gk_test.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

Test(rng, same_seed_gives_the_known_sequence)
{
    static const struct {
        uint64_t seed;
        uint64_t first[4];
    } cases[] = {
        {0,
         {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL,
          0x6aa594f1262d2d2cULL}},
        {42,
         {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
          0xecb8ad4703b360a1ULL}},
        {0xdeadbeefcafef00dULL,
         {0x9e32cfb5bb93eebbULL, 0x16006bd9d4ac0014ULL, 0x8ada5d6d34b6538eULL,
          0x7c327ca32346a238ULL}},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct gk_rng r;
        gk_rng_init(&r, cases[i].seed);
        for (size_t k = 0; k < COUNT(cases[i].first); k++) {
            uint64_t got = gk_rng_next(&r);
            cr_assert_eq(got, cases[i].first[k],
                         "seed %#llx draw %zu: got %#llx, want %#llx",
                         (unsigned long long)cases[i].seed, k, (unsigned long long)got,
                         (unsigned long long)cases[i].first[k]);
        }
    }
}

Test(rng, same_seed_gives_the_same_sequence)
{
    struct gk_rng a, b;
    gk_rng_init(&a, 1234567);
    gk_rng_init(&b, 1234567);
    for (int i = 0; i < 10000; i++)
        cr_assert_eq(gk_rng_next(&a), gk_rng_next(&b), "diverged at draw %d", i);
}

Test(rng, different_seeds_give_different_sequences)
{
    static const uint64_t seeds[] = {0, 1, 2, 42, UINT64_MAX};
    uint64_t first[COUNT(seeds)][8];
    for (size_t i = 0; i < COUNT(seeds); i++) {
        struct gk_rng r;
        gk_rng_init(&r, seeds[i]);
        for (size_t k = 0; k < 8; k++)
            first[i][k] = gk_rng_next(&r);
    }
    for (size_t i = 0; i < COUNT(seeds); i++)
        for (size_t j = i + 1; j < COUNT(seeds); j++)
            for (size_t k = 0; k < 8; k++)
                cr_assert_neq(first[i][k], first[j][k],
                              "seeds %zu and %zu share draw %zu", i, j, k);
}

/* Pearson's statistic of counts against a uniform expectation. */
static double chi_square(const unsigned *counts, size_t buckets, unsigned draws)
{
    double expected = (double)draws / (double)buckets, chi = 0.0;
    for (size_t i = 0; i < buckets; i++) {
        double d = (double)counts[i] - expected;
        chi += d * d / expected;
    }
    return chi;
}

/* A small n: every residue equally often (df = 9; the 99.9% point is 27.9). */
Test(rng, below_is_uniform_over_a_small_range)
{
    struct gk_rng r;
    unsigned counts[10] = {0};
    gk_rng_init(&r, 7);
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t x = gk_rng_below(&r, 10);
        cr_assert_lt(x, 10);
        counts[x]++;
    }
    double chi = chi_square(counts, 10, 100000);
    cr_assert_lt(chi, 40.0, "chi-square %.1f over 10 buckets", chi);
}

/*
 * Modulo bias only shows when n is a large fraction of 2^64. With
 * n = 0xAAAA...AA (2/3 of 2^64), a plain `next % n` puts results below
 * 2^64 - n (the lower half of [0, n)) twice as often: 2/3 of the draws in
 * the lower half instead of 1/2, a chi-square in the thousands here.
 */
Test(rng, below_has_no_modulo_bias_for_a_huge_range)
{
    const uint64_t n = 0xAAAAAAAAAAAAAAAAULL;
    const uint64_t width = n / 8;
    struct gk_rng r;
    unsigned counts[8] = {0};
    gk_rng_init(&r, 99);
    for (unsigned i = 0; i < 80000; i++) {
        uint64_t x = gk_rng_below(&r, n);
        cr_assert_lt(x, n);
        counts[x / width < 8 ? x / width : 7]++;
    }
    double chi = chi_square(counts, 8, 80000);
    cr_assert_lt(chi, 40.0, "chi-square %.1f over 8 buckets of [0, 2/3 * 2^64)", chi);
}

Test(rng, below_handles_zero_one_and_the_largest_n)
{
    struct gk_rng r;
    gk_rng_init(&r, 3);
    for (int i = 0; i < 1000; i++) {
        cr_assert_eq(gk_rng_below(&r, 0), 0);
        cr_assert_eq(gk_rng_below(&r, 1), 0);
        cr_assert_lt(gk_rng_below(&r, UINT64_MAX), UINT64_MAX);
    }
}

Test(rng, range_returns_lo_for_empty_or_single_value_spans)
{
    static const struct {
        int64_t lo, hi;
    } cases[] = {
        {5, 5},         {5, 4},
        {0, INT64_MIN}, {INT64_MAX, INT64_MIN},
        {-1, -1},       {INT64_MIN, INT64_MIN},
    };
    struct gk_rng r;
    gk_rng_init(&r, 11);
    for (size_t i = 0; i < COUNT(cases); i++)
        cr_assert_eq(gk_rng_range(&r, cases[i].lo, cases[i].hi), cases[i].lo, "case %zu",
                     i);
}

Test(rng, range_covers_every_value_of_a_small_span_and_nothing_else)
{
    struct gk_rng r;
    unsigned seen[7] = {0};
    gk_rng_init(&r, 12);
    for (int i = 0; i < 7000; i++) {
        int64_t x = gk_rng_range(&r, -3, 3);
        cr_assert(x >= -3 && x <= 3, "got %lld", (long long)x);
        seen[x + 3]++;
    }
    for (size_t i = 0; i < COUNT(seen); i++)
        cr_assert_gt(seen[i], 700, "value %d drawn %u times", (int)i - 3, seen[i]);
}

Test(rng, range_works_at_the_edges_of_int64)
{
    static const struct {
        int64_t lo, hi;
        bool two_values;
    } cases[] = {
        {INT64_MAX - 1, INT64_MAX, true},
        {INT64_MIN, INT64_MIN + 1, true},
        {INT64_MIN, 0, false},
        {-1, INT64_MAX, false},
    };
    struct gk_rng r;
    gk_rng_init(&r, 13);
    for (size_t i = 0; i < COUNT(cases); i++) {
        int saw_lo = 0, saw_hi = 0;
        for (int k = 0; k < 200; k++) {
            int64_t x = gk_rng_range(&r, cases[i].lo, cases[i].hi);
            cr_assert(x >= cases[i].lo && x <= cases[i].hi, "case %zu: %lld", i,
                      (long long)x);
            saw_lo |= x == cases[i].lo;
            saw_hi |= x == cases[i].hi;
        }
        if (cases[i].two_values)
            cr_assert(saw_lo && saw_hi, "case %zu: both values drawn", i);
    }
}

/* The full span is the one case that cannot use below(span + 1). */
Test(rng, range_over_the_full_int64_span_uses_every_bit)
{
    struct gk_rng a, b;
    int negative = 0, positive = 0;
    gk_rng_init(&a, 14);
    gk_rng_init(&b, 14);
    for (int i = 0; i < 1000; i++) {
        int64_t x = gk_rng_range(&a, INT64_MIN, INT64_MAX);
        cr_assert_eq((uint64_t)x, gk_rng_next(&b));
        negative += x < 0;
        positive += x > 0;
    }
    cr_assert(negative > 400 && positive > 400, "%d negative, %d positive", negative,
              positive);
}

Test(rng, uniform_stays_in_the_half_open_unit_interval)
{
    struct gk_rng r;
    double sum = 0.0, lo = 1.0, hi = 0.0;
    gk_rng_init(&r, 15);
    for (int i = 0; i < 100000; i++) {
        double u = gk_rng_uniform(&r);
        cr_assert(u >= 0.0 && u < 1.0, "draw %d: %.17g", i, u);
        sum += u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    cr_assert_lt(fabs(sum / 100000 - 0.5), 0.01, "mean %.4f", sum / 100000);
    cr_assert_lt(lo, 0.001);
    cr_assert_gt(hi, 0.999);
}

Test(rng, chance_never_below_zero_always_at_one)
{
    static const struct {
        double p;
        int want;
    } cases[] = {
        {0.0, 0}, {-0.5, 0}, {-INFINITY, 0}, {NAN, 0}, {1.0, 1}, {1.5, 1}, {INFINITY, 1},
    };
    struct gk_rng r;
    gk_rng_init(&r, 16);
    for (size_t i = 0; i < COUNT(cases); i++)
        for (int k = 0; k < 1000; k++)
            cr_assert_eq(gk_rng_chance(&r, cases[i].p), cases[i].want, "p=%g",
                         cases[i].p);
}

Test(rng, chance_hits_its_probability)
{
    struct gk_rng r;
    int hits = 0;
    gk_rng_init(&r, 17);
    for (int i = 0; i < 100000; i++)
        hits += gk_rng_chance(&r, 0.25);
    cr_assert(hits > 24000 && hits < 26000, "%d hits of 100000 at p=0.25", hits);
}

Test(rng, normal_has_mean_zero_and_unit_spread)
{
    struct gk_rng r;
    double sum = 0.0, sq = 0.0;
    int beyond_2sd = 0;
    const int n = 200000;
    gk_rng_init(&r, 18);
    for (int i = 0; i < n; i++) {
        double x = gk_rng_normal(&r);
        cr_assert(isfinite(x), "draw %d is not finite", i);
        sum += x;
        sq += x * x;
        beyond_2sd += fabs(x) > 2.0;
    }
    double mean = sum / n, sd = sqrt(sq / n - mean * mean);
    cr_assert_lt(fabs(mean), 0.02, "mean %.4f", mean);
    cr_assert_lt(fabs(sd - 1.0), 0.02, "sd %.4f", sd);
    /* 4.55% of a normal lies beyond 2 sd; a uniform of the same spread has 0. */
    cr_assert(beyond_2sd > n * 0.040 && beyond_2sd < n * 0.051, "%d beyond 2 sd",
              beyond_2sd);
}

Test(rng, derive_is_stable_and_known)
{
    static const struct {
        uint64_t seed;
        const char *label;
        uint64_t want;
    } cases[] = {
        {42, "message", 0xaf096ca3f8202274ULL},
        {42, "conversation", 0x4d10785cf8596476ULL},
        {0, "", 0xc3817c016ba4ff30ULL},
        {0, NULL, 0xc3817c016ba4ff30ULL}, /* NULL reads as the empty label */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        cr_assert_eq(gk_rng_derive(cases[i].seed, cases[i].label), cases[i].want,
                     "case %zu", i);
        cr_assert_eq(gk_rng_derive(cases[i].seed, cases[i].label),
                     gk_rng_derive(cases[i].seed, cases[i].label));
    }
}

Test(rng, derive_is_sensitive_to_label_and_seed)
{
    static const char *labels[] = {"", "a", "b", "ab", "ba", "message/1", "message/2"};
    for (size_t i = 0; i < COUNT(labels); i++) {
        cr_assert_neq(gk_rng_derive(1, labels[i]), gk_rng_derive(2, labels[i]),
                      "label \"%s\"", labels[i]);
        cr_assert_neq(gk_rng_derive(1, labels[i]), 1, "the child is not the parent");
        for (size_t j = i + 1; j < COUNT(labels); j++)
            cr_assert_neq(gk_rng_derive(1, labels[i]), gk_rng_derive(1, labels[j]),
                          "\"%s\" vs \"%s\"", labels[i], labels[j]);
    }
}

Test(rng, random_seed_differs_between_calls)
{
    uint64_t a = gk_rng_random_seed(), b = gk_rng_random_seed();
    /* Two equal 64-bit draws from the OS happen with probability 2^-64. */
    cr_assert_neq(a, b, "two calls both gave %#llx", (unsigned long long)a);
}
