/*
 * clock: simulated time over a replaceable raw source.
 *
 * Design. A real or scaled clock keeps only constants written at init (the
 * raw monotonic and wall readings at that moment, the scale and the source),
 * so reading it is a raw read plus arithmetic: no shared mutable state, no
 * locks. A manual clock keeps its elapsed time in one C11 atomic; readers do
 * one acquire load, advancers a compare-and-swap loop (needed to refuse an
 * overflowing advance without ever publishing it).
 *
 * Invariants:
 *   - gk_clock_now_us() >= 0 and never decreases for a given clock (raw
 *     readings that go back are clamped to the start; the scale is > 0 and
 *     the double -> integer conversion is monotonic);
 *   - gk_clock_wall_ms() == start_wall_ms + gk_clock_now_us() / 1000, so
 *     the two readers can never disagree about how much time has passed;
 *   - every result saturates at INT64_MAX instead of overflowing.
 */
#include "common/clock.h"

#include <math.h>
#include <time.h>

int64_t gk_clock_system_mono_us(void)
{
    struct timespec ts;
    /* CLOCK_MONOTONIC cannot fail on the platforms we support; a zeroed
     * reading would still be a valid (if frozen) clock. */
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t gk_clock_system_wall_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t system_read(void *ctx, enum gk_clock_base base)
{
    (void)ctx;
    return base == GK_CLOCK_BASE_WALL_MS ? gk_clock_system_wall_ms()
                                         : gk_clock_system_mono_us();
}

static int64_t sat_add(int64_t a, int64_t b)
{
    /* Only ever called with b >= 0. */
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* A double >= 0 to int64, saturating (2^63 is exactly representable). */
static int64_t sat_from_double(double x)
{
    if (!(x < 9223372036854775808.0))
        return INT64_MAX;
    return (int64_t)x;
}

enum gk_rc gk_clock_init_source(struct gk_clock *c, double scale,
                                const struct gk_clock_source *source, struct gk_err *err)
{
    /* !(a && b) rather than (a || b) so that NaN fails too. */
    if (!(isfinite(scale) && scale > 0.0 && scale <= GK_CLOCK_SCALE_MAX))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "scale: must be a number in (0, %g], got %g",
                          GK_CLOCK_SCALE_MAX, scale);
    if (source != NULL && source->read == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "source: read function is NULL");

    c->mode = scale == 1.0 ? GK_CLOCK_REAL : GK_CLOCK_SCALED;
    c->scale = scale;
    c->source = source != NULL ? *source : (struct gk_clock_source){system_read, NULL};
    c->start_mono_us = c->source.read(c->source.ctx, GK_CLOCK_BASE_MONO_US);
    c->start_wall_ms = c->source.read(c->source.ctx, GK_CLOCK_BASE_WALL_MS);
    atomic_init(&c->manual_us, 0);
    return GK_OK;
}

enum gk_rc gk_clock_init(struct gk_clock *c, double scale, struct gk_err *err)
{
    return gk_clock_init_source(c, scale, NULL, err);
}

enum gk_rc gk_clock_init_manual(struct gk_clock *c, int64_t start_wall_ms,
                                struct gk_err *err)
{
    if (start_wall_ms < 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "start_wall_ms: must be >= 0 (epoch milliseconds), got %lld",
                          (long long)start_wall_ms);
    c->mode = GK_CLOCK_MANUAL;
    c->scale = 1.0;
    c->source = (struct gk_clock_source){system_read, NULL};
    c->start_mono_us = 0;
    c->start_wall_ms = start_wall_ms;
    atomic_init(&c->manual_us, 0);
    return GK_OK;
}

enum gk_clock_mode gk_clock_mode(const struct gk_clock *c)
{
    return c->mode;
}

double gk_clock_scale(const struct gk_clock *c)
{
    return c->scale;
}

int64_t gk_clock_now_us(const struct gk_clock *c)
{
    if (c->mode == GK_CLOCK_MANUAL)
        return atomic_load_explicit(&c->manual_us, memory_order_acquire);

    int64_t raw = c->source.read(c->source.ctx, GK_CLOCK_BASE_MONO_US);
    /* A source that went back stands still at the start instead. The
     * subtraction is done unsigned: raw - start can exceed INT64_MAX only
     * for a broken source, and then saturates below. */
    if (raw <= c->start_mono_us)
        return 0;
    uint64_t real_elapsed = (uint64_t)raw - (uint64_t)c->start_mono_us;
    if (real_elapsed > (uint64_t)INT64_MAX)
        return INT64_MAX;
    if (c->mode == GK_CLOCK_REAL)
        return (int64_t)real_elapsed;
    return sat_from_double((double)real_elapsed * c->scale);
}

int64_t gk_clock_wall_ms(const struct gk_clock *c)
{
    return sat_add(c->start_wall_ms, gk_clock_now_us(c) / 1000);
}

enum gk_rc gk_clock_advance(struct gk_clock *c, int64_t delta_us, struct gk_err *err)
{
    if (c->mode != GK_CLOCK_MANUAL)
        return gk_err_set(err, GK_INVALID_STATE,
                          "clock: only a manual clock can be advanced (this one is %s)",
                          c->mode == GK_CLOCK_REAL ? "real" : "scaled");
    if (delta_us < 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "delta_us: time only moves forward, got %lld",
                          (long long)delta_us);

    int64_t cur = atomic_load_explicit(&c->manual_us, memory_order_relaxed);
    do {
        if (cur > INT64_MAX - delta_us)
            return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                              "delta_us: %lld would overflow the clock (now %lld us)",
                              (long long)delta_us, (long long)cur);
    } while (!atomic_compare_exchange_weak_explicit(
        &c->manual_us, &cur, cur + delta_us, memory_order_release, memory_order_relaxed));
    return GK_OK;
}

int64_t gk_clock_real_sleep_us(const struct gk_clock *c, int64_t sim_us)
{
    if (sim_us <= 0)
        return 0;
    if (c->mode != GK_CLOCK_SCALED)
        return sim_us;
    double r = ceil((double)sim_us / c->scale);
    /* The division can round down across an integer; if so, one more
     * microsecond covers it (a loop could spin forever above 2^53, where
     * adding 1.0 to a double changes nothing). */
    if (r * c->scale < (double)sim_us)
        r += 1.0;
    return sat_from_double(r);
}
