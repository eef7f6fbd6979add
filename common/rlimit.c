/*
 * rlimit: a ring of the most recent event times.
 *
 * Rule: an event at t is allowed iff fewer than `limit` recorded events lie
 * in (t - W, t]. Since the record is sorted, that is "fewer than `limit`
 * events recorded, or the limit-th newest one is at or before t - W". When
 * refused, the next allowed time is exactly limit-th newest + W: that event
 * then leaves the window, and every newer one is still inside.
 *
 * Invariants:
 *   - ring[head], ring[head+1], ... (mod cap), `count` of them, are the
 *     newest recorded events in non-decreasing time order;
 *   - 1 <= limit <= cap <= GK_RLIMIT_LIMIT_MAX (cap is the largest limit
 *     ever set, so the limit-th newest event is always in the ring), and
 *     window_us > 0;
 *   - the ring holds every recorded event still inside the window. A full
 *     ring overwrites its oldest event only on an allowed take; allowed
 *     means the limit-th newest event, and so every older one, is already
 *     out of the window, and it stays out because effective time never goes
 *     back. This is why a shrink keeps every event: dropping them would let
 *     a later grow admit events into a window that is already full.
 *
 * Time arithmetic saturates, so extreme `now` values cannot overflow.
 */
#include "common/rlimit.h"

#include <stdlib.h>
#include <string.h>

static enum gk_rc check_limit(int limit, struct gk_err *err)
{
    if (limit < 1 || limit > GK_RLIMIT_LIMIT_MAX)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "limit: must be 1..%d events per window, got %d",
                          GK_RLIMIT_LIMIT_MAX, limit);
    return GK_OK;
}

enum gk_rc gk_rlimit_init(struct gk_rlimit *rl, int limit, int64_t window_us,
                          struct gk_err *err)
{
    memset(rl, 0, sizeof *rl);
    if (check_limit(limit, err) != GK_OK)
        return GK_INVALID_PARAMETER_VALUE;
    if (window_us <= 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "window_us: must be > 0, got %lld", (long long)window_us);
    rl->ring = malloc((size_t)limit * sizeof *rl->ring);
    if (rl->ring == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "rlimit: no memory for %d events",
                          limit);
    rl->cap = limit;
    rl->limit = limit;
    rl->window_us = window_us;
    return GK_OK;
}

void gk_rlimit_cleanup(struct gk_rlimit *rl)
{
    if (rl == NULL)
        return;
    free(rl->ring);
    memset(rl, 0, sizeof *rl);
}

/* The k-th newest recorded event, k in 1..count. */
static int64_t newest(const struct gk_rlimit *rl, int k)
{
    return rl->ring[(rl->head + rl->count - k) % rl->cap];
}

/* The time at which an event at e leaves the window (saturating). */
static int64_t leaves_at(const struct gk_rlimit *rl, int64_t e)
{
    return e > INT64_MAX - rl->window_us ? INT64_MAX : e + rl->window_us;
}

/* now_us, but never before the newest recorded event. */
static int64_t effective_now(const struct gk_rlimit *rl, int64_t now_us)
{
    if (rl->count > 0 && now_us < newest(rl, 1))
        return newest(rl, 1);
    return now_us;
}

int64_t gk_rlimit_wait_us(const struct gk_rlimit *rl, int64_t now_us)
{
    if (rl->count < rl->limit)
        return 0;
    int64_t ready = leaves_at(rl, newest(rl, rl->limit));
    if (effective_now(rl, now_us) >= ready)
        return 0;
    /* ready > now_us here; measured from the caller's own now_us (not the
     * clamped one) so that now_us + wait is the exact ready time. */
    uint64_t wait = (uint64_t)ready - (uint64_t)now_us;
    return wait > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)wait;
}

int64_t gk_rlimit_take(struct gk_rlimit *rl, int64_t now_us)
{
    int64_t wait = gk_rlimit_wait_us(rl, now_us);
    if (wait > 0)
        return wait;
    int64_t t = effective_now(rl, now_us);
    if (rl->count < rl->cap) {
        rl->ring[(rl->head + rl->count) % rl->cap] = t;
        rl->count++;
    } else {
        /* Full: the oldest is out of the window (see the invariants). */
        rl->ring[rl->head] = t;
        rl->head = (rl->head + 1) % rl->cap;
    }
    return 0;
}

enum gk_rc gk_rlimit_set_limit(struct gk_rlimit *rl, int limit, struct gk_err *err)
{
    if (check_limit(limit, err) != GK_OK)
        return GK_INVALID_PARAMETER_VALUE;
    if (limit > rl->cap) {
        int64_t *ring = malloc((size_t)limit * sizeof *ring);
        if (ring == NULL)
            return gk_err_set(err, GK_OUT_OF_MEMORY, "rlimit: no memory for %d events",
                              limit);
        for (int i = 0; i < rl->count; i++)
            ring[i] = rl->ring[(rl->head + i) % rl->cap];
        free(rl->ring);
        rl->ring = ring;
        rl->head = 0;
        rl->cap = limit;
    }
    rl->limit = limit;
    return GK_OK;
}

int gk_rlimit_limit(const struct gk_rlimit *rl)
{
    return rl->limit;
}

int gk_rlimit_count(const struct gk_rlimit *rl, int64_t now_us)
{
    int64_t t = effective_now(rl, now_us);
    int n = 0;
    /* Newest first; stop at the first event outside (t - W, t]. */
    for (int k = 1; k <= rl->count && leaves_at(rl, newest(rl, k)) > t; k++)
        n++;
    return n;
}

void gk_rlimit_reset(struct gk_rlimit *rl)
{
    rl->count = 0;
    rl->head = 0;
}
