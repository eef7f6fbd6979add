/*
 * pacer: a sliding window, a minimum spacing and a Retry-After block.
 *
 * A POST is allowed at t iff all three hold for the regime in force at t
 * (normal, or slow until slow_until_us):
 *   t >= blocked_until_us,
 *   t >= last_post_us + spacing (of that regime),
 *   the window (common/rlimit) with that regime's limit allows t.
 * Each condition, once true, stays true as t grows (with nothing taken
 * meanwhile), so within one regime the earliest allowed time from `from` is
 * found by taking the latest of the first two bounds and then asking the
 * window how long after that. With a slow period ending at S, the answer is
 * the earliest slow-regime time if it is before S, else the earliest
 * normal-regime time from S on: that is how wait_us stays exact across the
 * restore.
 *
 * Invariants:
 *   - 1 <= slow_limit <= limit == the window's capacity, so switching the
 *     window's limit between the two never allocates and cannot fail;
 *   - the window's limit is slow_limit iff `slow`;
 *   - `slow` implies slow_until_us is the end of the slow period; it is
 *     cleared (and the limit restored) by the first call that sees
 *     now_us >= slow_until_us.
 * Time arithmetic saturates, so huge Retry-After values cannot overflow.
 */
#include "generator/pacer.h"

#include <math.h>
#include <string.h>

static int64_t add_sat(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

enum gk_rc gen_pacer_init(struct gen_pacer *p, double rate_per_min, struct gk_err *err)
{
    memset(p, 0, sizeof *p);
    if (!isfinite(rate_per_min) || rate_per_min < 1 || rate_per_min > GK_RLIMIT_LIMIT_MAX)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "rate_per_min: must be a number from 1 to %d, got %g",
                          GK_RLIMIT_LIMIT_MAX, rate_per_min);
    int limit = (int)floor(rate_per_min);
    enum gk_rc rc = gk_rlimit_init(&p->window, limit, GEN_PACER_WINDOW_US, err);
    if (rc != GK_OK)
        return rc;
    p->rate_per_min = rate_per_min;
    p->limit = limit;
    p->slow_limit = limit > 1 ? limit - 1 : 1;
    /* Rounded up, so that the spacing alone never allows more than the
     * configured rate (the window bound does not depend on it). */
    p->spacing_us = (int64_t)ceil((double)GEN_PACER_WINDOW_US / rate_per_min);
    p->slow_spacing_us = GEN_PACER_WINDOW_US / p->slow_limit;
    p->blocked_until_us = INT64_MIN;
    return GK_OK;
}

void gen_pacer_cleanup(struct gen_pacer *p)
{
    if (p == NULL)
        return;
    gk_rlimit_cleanup(&p->window);
    memset(p, 0, sizeof *p);
}

/* The window's limit; cannot fail (see the invariants). */
static void set_window_limit(struct gen_pacer *p, int limit)
{
    if (gk_rlimit_limit(&p->window) != limit)
        (void)gk_rlimit_set_limit(&p->window, limit, NULL);
}

/* Ends the slow period when it is over at now_us. */
static void settle(struct gen_pacer *p, int64_t now_us)
{
    if (p->slow && now_us >= p->slow_until_us) {
        p->slow = false;
        set_window_limit(p, p->limit);
    }
}

/* The earliest time >= from at which a POST is allowed under the regime
 * (limit, spacing), the window's limit being set to `limit` by the caller. */
static int64_t earliest(const struct gen_pacer *p, int64_t spacing_us, int64_t from)
{
    int64_t t = max64(from, p->blocked_until_us);
    if (p->posted)
        t = max64(t, add_sat(p->last_post_us, spacing_us));
    return add_sat(t, gk_rlimit_wait_us(&p->window, t));
}

/* The earliest allowed time >= now_us, after settle(). */
static int64_t allowed_at(struct gen_pacer *p, int64_t now_us)
{
    if (!p->slow)
        return earliest(p, p->spacing_us, now_us);
    int64_t t = earliest(p, p->slow_spacing_us, now_us);
    if (t < p->slow_until_us)
        return t;
    /* Not before the restore: ask the normal regime from then on. */
    set_window_limit(p, p->limit);
    t = earliest(p, p->spacing_us, p->slow_until_us);
    set_window_limit(p, p->slow_limit);
    return t;
}

int64_t gen_pacer_wait_us(struct gen_pacer *p, int64_t now_us)
{
    settle(p, now_us);
    int64_t t = allowed_at(p, now_us);
    if (t <= now_us)
        return 0;
    uint64_t wait = (uint64_t)t - (uint64_t)now_us;
    return wait > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)wait;
}

int64_t gen_pacer_take(struct gen_pacer *p, int64_t now_us)
{
    int64_t wait = gen_pacer_wait_us(p, now_us);
    if (wait > 0)
        return wait;
    /* Allowed under the current regime, so the window takes it. */
    (void)gk_rlimit_take(&p->window, now_us);
    p->last_post_us = p->posted ? max64(p->last_post_us, now_us) : now_us;
    p->posted = true;
    p->posts++;
    return 0;
}

void gen_pacer_on_throttled(struct gen_pacer *p, int64_t now_us, int64_t retry_after_us)
{
    settle(p, now_us);
    p->throttles++;
    p->blocked_until_us = max64(p->blocked_until_us,
                                add_sat(now_us, retry_after_us > 0 ? retry_after_us : 0));
    p->slow_until_us =
        max64(p->slow ? p->slow_until_us : INT64_MIN, add_sat(now_us, GEN_PACER_SLOW_US));
    p->slow = true;
    set_window_limit(p, p->slow_limit);
}

int gen_pacer_limit(struct gen_pacer *p, int64_t now_us)
{
    settle(p, now_us);
    return gk_rlimit_limit(&p->window);
}
