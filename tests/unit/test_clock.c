#include "common/clock.h"
#include "tests/gk_test.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

/* A raw source the test moves by hand. */
struct fake_time {
    int64_t mono_us;
    int64_t wall_ms;
    int reads;
};

static int64_t fake_read(void *ctx, enum gk_clock_base base)
{
    struct fake_time *f = ctx;
    f->reads++;
    return base == GK_CLOCK_BASE_WALL_MS ? f->wall_ms : f->mono_us;
}

static void start_fake(struct gk_clock *c, struct fake_time *f, double scale)
{
    struct gk_clock_source src = {fake_read, f};
    struct gk_err err = {0};
    cr_assert_eq(gk_clock_init_source(c, scale, &src, &err), GK_OK, "%s", err.msg);
}

Test(clock, a_real_clock_counts_from_zero_and_follows_its_source)
{
    struct fake_time f = {.mono_us = 5000000, .wall_ms = 1700000000000};
    struct gk_clock c;
    start_fake(&c, &f, 1.0);
    cr_assert_eq(gk_clock_mode(&c), GK_CLOCK_REAL);
    cr_assert_eq(gk_clock_scale(&c), 1.0);
    cr_assert_eq(gk_clock_now_us(&c), 0);
    cr_assert_eq(gk_clock_wall_ms(&c), 1700000000000);

    f.mono_us += 1234567;
    f.wall_ms += 999999; /* a stepped system clock does not move simulated wall time */
    cr_assert_eq(gk_clock_now_us(&c), 1234567);
    cr_assert_eq(gk_clock_wall_ms(&c), 1700000001234);
}

Test(clock, a_scaled_clock_multiplies_real_elapsed_time)
{
    static const struct {
        double scale;
        int64_t real_us;
        int64_t want_us;
    } cases[] = {
        {600.0, 0, 0},
        {600.0, 1, 600},
        {600.0, 1000000, 600000000}, /* one real second = ten simulated minutes */
        {600.0, 1667, 1000200},
        {2.5, 3, 7},            /* 7.5 truncates: never ahead of the scale */
        {0.5, 1000001, 500000}, /* slow motion is allowed */
        {GK_CLOCK_SCALE_MAX, 1000000, 1000000000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fake_time f = {.mono_us = 42, .wall_ms = 1000};
        struct gk_clock c;
        start_fake(&c, &f, cases[i].scale);
        cr_assert_eq(gk_clock_mode(&c), GK_CLOCK_SCALED, "case %zu", i);
        f.mono_us += cases[i].real_us;
        cr_assert_eq(gk_clock_now_us(&c), cases[i].want_us, "case %zu: got %lld", i,
                     (long long)gk_clock_now_us(&c));
        cr_assert_eq(gk_clock_wall_ms(&c), 1000 + cases[i].want_us / 1000, "case %zu", i);
    }
}

Test(clock, a_source_that_goes_back_makes_the_clock_stand_still)
{
    struct fake_time f = {.mono_us = 1000, .wall_ms = 0};
    struct gk_clock c;
    start_fake(&c, &f, 10.0);
    f.mono_us = 900;
    cr_assert_eq(gk_clock_now_us(&c), 0);
    f.mono_us = INT64_MIN;
    cr_assert_eq(gk_clock_now_us(&c), 0);
}

Test(clock, results_saturate_instead_of_overflowing)
{
    struct fake_time f = {.mono_us = INT64_MIN, .wall_ms = INT64_MAX - 5};
    struct gk_clock c;
    start_fake(&c, &f, 1.0);
    f.mono_us = INT64_MAX; /* broken source: 2^64 - 1 us after the start */
    cr_assert_eq(gk_clock_now_us(&c), INT64_MAX);
    cr_assert_eq(gk_clock_wall_ms(&c), INT64_MAX);

    struct gk_clock s;
    f.mono_us = 0;
    start_fake(&s, &f, 1000.0);
    f.mono_us = INT64_MAX / 10;
    cr_assert_eq(gk_clock_now_us(&s), INT64_MAX);
}

Test(clock, init_rejects_scales_outside_the_range_and_leaves_the_clock_alone)
{
    const double bad[] = {
        0.0, -1.0, -0.0, NAN, INFINITY, -INFINITY, GK_CLOCK_SCALE_MAX * 2};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct gk_clock c;
        memset(&c, 0xab, sizeof c);
        struct gk_err err = {0};
        cr_assert_eq(gk_clock_init(&c, bad[i], &err), GK_INVALID_PARAMETER_VALUE, "%g",
                     bad[i]);
        cr_assert(strstr(err.msg, "scale:") == err.msg, "message names the field: %s",
                  err.msg);
        unsigned char *p = (unsigned char *)&c;
        for (size_t k = 0; k < sizeof c; k++)
            cr_assert_eq(p[k], 0xab, "clock written on error (%g)", bad[i]);
    }
    struct gk_clock c;
    cr_assert_eq(gk_clock_init(&c, 1.0, NULL), GK_OK);
    cr_assert_eq(gk_clock_init(&c, 600.0, NULL), GK_OK);
    cr_assert_eq(gk_clock_init(&c, 0.001, NULL), GK_OK);

    struct gk_clock_source no_read = {NULL, NULL};
    struct gk_err err = {0};
    cr_assert_eq(gk_clock_init_source(&c, 1.0, &no_read, &err),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert(strstr(err.msg, "source:") == err.msg, "%s", err.msg);
}

Test(clock, a_manual_clock_moves_only_when_advanced)
{
    struct gk_clock c;
    struct gk_err err = {0};
    cr_assert_eq(gk_clock_init_manual(&c, 1700000000000, &err), GK_OK);
    cr_assert_eq(gk_clock_mode(&c), GK_CLOCK_MANUAL);
    cr_assert_eq(gk_clock_now_us(&c), 0);
    cr_assert_eq(gk_clock_now_us(&c), 0);
    cr_assert_eq(gk_clock_wall_ms(&c), 1700000000000);

    static const struct {
        int64_t delta_us;
        int64_t now_us;
        int64_t wall_ms;
    } steps[] = {
        {0, 0, 1700000000000},
        {999, 999, 1700000000000},
        {1, 1000, 1700000000001},
        {600000000, 600001000, 1700000600001},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        cr_assert_eq(gk_clock_advance(&c, steps[i].delta_us, &err), GK_OK, "%s", err.msg);
        cr_assert_eq(gk_clock_now_us(&c), steps[i].now_us, "step %zu", i);
        cr_assert_eq(gk_clock_wall_ms(&c), steps[i].wall_ms, "step %zu", i);
    }
}

Test(clock, advance_refuses_bad_deltas_and_clocks_that_are_not_manual)
{
    struct gk_clock m;
    gk_clock_init_manual(&m, 0, NULL);
    gk_clock_advance(&m, 100, NULL);

    struct gk_clock r;
    struct fake_time f = {0};
    start_fake(&r, &f, 1.0);
    struct gk_clock s;
    start_fake(&s, &f, 60.0);

    static const struct {
        int which; /* 0 manual, 1 real, 2 scaled */
        int64_t delta_us;
        enum gk_rc rc;
        const char *field;
    } cases[] = {
        {0, -1, GK_INVALID_PARAMETER_VALUE, "delta_us:"},
        {0, INT64_MIN, GK_INVALID_PARAMETER_VALUE, "delta_us:"},
        {0, INT64_MAX, GK_INVALID_PARAMETER_VALUE, "delta_us:"}, /* 100 + MAX overflows */
        {1, 1, GK_INVALID_STATE, "clock:"},
        {2, 1, GK_INVALID_STATE, "clock:"},
        {1, -1, GK_INVALID_STATE, "clock:"},
    };
    struct gk_clock *clocks[] = {&m, &r, &s};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gk_err err = {0};
        cr_assert_eq(gk_clock_advance(clocks[cases[i].which], cases[i].delta_us, &err),
                     cases[i].rc, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].field) == err.msg, "case %zu: %s", i, err.msg);
    }
    cr_assert_eq(gk_clock_now_us(&m), 100, "a refused advance does not move the clock");
    cr_assert_eq(gk_clock_advance(&m, INT64_MAX - 100, NULL), GK_OK,
                 "up to the edge is fine");
    cr_assert_eq(gk_clock_now_us(&m), INT64_MAX);
}

Test(clock, init_manual_rejects_a_negative_wall_start)
{
    struct gk_clock c;
    struct gk_err err = {0};
    cr_assert_eq(gk_clock_init_manual(&c, -1, &err), GK_INVALID_PARAMETER_VALUE);
    cr_assert(strstr(err.msg, "start_wall_ms:") == err.msg, "%s", err.msg);
}

Test(clock, sleep_time_converts_simulated_to_real_rounding_up)
{
    struct fake_time f = {0};
    struct gk_clock real, fast, slow, odd, manual;
    start_fake(&real, &f, 1.0);
    start_fake(&fast, &f, 600.0);
    start_fake(&slow, &f, 0.5);
    start_fake(&odd, &f, 3.0);
    gk_clock_init_manual(&manual, 0, NULL);
    static const struct {
        int which;
        int64_t sim_us;
        int64_t real_us;
    } cases[] = {
        {0, 1000000, 1000000},
        {0, 0, 0},
        {0, -5, 0},
        {1, 1000000, 1667}, /* 1 s simulated at 600x = 1.67 real ms */
        {1, 600000000, 1000000},
        {1, 1, 1},
        {1, 600, 1},
        {1, 601, 2},
        {1, -1, 0},
        {2, 1000, 2000},
        {3, 9, 3},
        {3, 10, 4},
        {4, 1000000, 1000000},
        {4, 0, 0},
    };
    struct gk_clock *clocks[] = {&real, &fast, &slow, &odd, &manual};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t got = gk_clock_real_sleep_us(clocks[cases[i].which], cases[i].sim_us);
        cr_assert_eq(got, cases[i].real_us, "case %zu: got %lld", i, (long long)got);
    }
    cr_assert_geq(gk_clock_real_sleep_us(&fast, INT64_MAX), INT64_MAX / 600);
    cr_assert_eq(gk_clock_real_sleep_us(&slow, INT64_MAX), INT64_MAX, "saturates");
}

Test(clock, sleeping_the_converted_time_covers_the_simulated_time)
{
    const double scales[] = {600.0, 3.0, 7.3, 0.3, 1e6, 1.0000001};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        for (int64_t sim = 1; sim < 5000000; sim = sim * 3 + 1) {
            struct fake_time f = {.mono_us = 77};
            struct gk_clock c;
            start_fake(&c, &f, scales[i]);
            int64_t real = gk_clock_real_sleep_us(&c, sim);
            f.mono_us += real;
            cr_assert_geq(gk_clock_now_us(&c), sim, "scale %g sim %lld", scales[i],
                          (long long)sim);
            f.mono_us -= 1;
            cr_assert_lt(gk_clock_now_us(&c), sim, "not the shortest sleep: scale %g",
                         scales[i]);
        }
    }
}

Test(clock, the_system_readers_return_plausible_values)
{
    int64_t a = gk_clock_system_mono_us();
    int64_t b = gk_clock_system_mono_us();
    cr_assert_geq(b, a);
    cr_assert_gt(gk_clock_system_wall_ms(), 1577836800000LL, "after 2020-01-01");

    struct gk_clock c;
    cr_assert_eq(gk_clock_init(&c, 1.0, NULL), GK_OK);
    cr_assert_geq(gk_clock_now_us(&c), 0);
    cr_assert_gt(gk_clock_wall_ms(&c), 1577836800000LL);
}

/* Readers on several threads while one thread advances: each reader must
 * see a clock that never goes back and never passes the final value. */
#define READERS  4
#define ADVANCES 20000

struct reader_arg {
    struct gk_clock *clock;
    int64_t final_us;
    int backwards;
    int beyond;
};

static void *reader(void *p)
{
    struct reader_arg *a = p;
    int64_t last = 0;
    for (;;) {
        int64_t now = gk_clock_now_us(a->clock);
        int64_t wall = gk_clock_wall_ms(a->clock);
        if (now < last || wall < last / 1000)
            a->backwards++;
        if (now > a->final_us)
            a->beyond++;
        last = now;
        if (now == a->final_us)
            return NULL;
    }
}

Test(clock, readers_on_other_threads_never_see_time_go_back)
{
    struct gk_clock c;
    gk_clock_init_manual(&c, 0, NULL);
    pthread_t th[READERS];
    struct reader_arg args[READERS];
    for (int i = 0; i < READERS; i++) {
        args[i] = (struct reader_arg){&c, (int64_t)ADVANCES * 7, 0, 0};
        cr_assert_eq(pthread_create(&th[i], NULL, reader, &args[i]), 0);
    }
    for (int i = 0; i < ADVANCES; i++)
        cr_assert_eq(gk_clock_advance(&c, 7, NULL), GK_OK);
    for (int i = 0; i < READERS; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(args[i].backwards, 0, "reader %d saw time go back", i);
        cr_assert_eq(args[i].beyond, 0, "reader %d saw a value never published", i);
    }
    cr_assert_eq(gk_clock_now_us(&c), (int64_t)ADVANCES * 7);
}
