/*
 * rlimit: a sliding-window limiter that guarantees at most `limit` events in
 * ANY window of `window_us` microseconds, and says exactly how long until the
 * next event is allowed.
 *
 * Why not a token bucket (or GCRA) with burst N: it lets N events through at
 * t = 0 and then one every W/N, which puts 2N - 1 events in the window
 * [0, W). Genie's "5 questions per minute per workspace" is a sliding-window
 * limit, so the generator needs the stronger guarantee: it keeps the times
 * of the most recent events and allows an event at `now` iff fewer than
 * `limit` of them lie in (now - window_us, now].
 *
 * Time is always an argument (`now_us`, any origin, e.g. gk_clock_now_us()):
 * nothing here sleeps or reads a clock. A `now_us` smaller than the newest
 * recorded event is clamped to that event's time, i.e. time that goes back
 * stands still; an event taken then is recorded at the newest time, so the
 * record stays sorted and the guarantee holds on the recorded times.
 *
 * Changing the limit at run time (gk_rlimit_set_limit) keeps every recorded
 * event, so the guarantee holds across the change: every window whose
 * newest event was taken after the change holds at most the new limit,
 * windows entirely before it at most the old one.
 *
 * Ownership: caller-allocated; _init allocates the record, _cleanup frees it.
 * Thread-safety: none; guard a shared limiter with a lock.
 */
#ifndef GK_RLIMIT_H
#define GK_RLIMIT_H

#include "common/err.h"

#include <stdint.h>

/* Largest accepted limit (events per window). */
#define GK_RLIMIT_LIMIT_MAX 100000

struct gk_rlimit {
    int64_t *ring;     /* times of the last `count` events, oldest at `head` */
    int cap;           /* slots in ring: the largest limit ever set */
    int count;         /* events recorded (<= cap) */
    int head;          /* index of the oldest recorded event */
    int limit;         /* current events per window, 1..cap */
    int64_t window_us; /* > 0 */
};

/*
 * Prepares rl for `limit` events (1..GK_RLIMIT_LIMIT_MAX) per window of
 * window_us (> 0) microseconds. Returns GK_OK; GK_INVALID_PARAMETER_VALUE
 * naming "limit" or "window_us"; GK_OUT_OF_MEMORY. On error rl holds nothing
 * to free (gk_rlimit_cleanup on it is still safe).
 */
enum gk_rc gk_rlimit_init(struct gk_rlimit *rl, int limit, int64_t window_us,
                          struct gk_err *err);

/* Frees the record; rl may then be initialised again. NULL is a no-op. */
void gk_rlimit_cleanup(struct gk_rlimit *rl);

/*
 * Microseconds from now_us until an event is allowed: 0 when allowed now.
 * Exact: at now_us + wait an event is allowed, at now_us + wait - 1 it is
 * not (nothing else being taken meanwhile). Records nothing.
 */
int64_t gk_rlimit_wait_us(const struct gk_rlimit *rl, int64_t now_us);

/*
 * Takes one event at now_us if allowed: records it and returns 0. Otherwise
 * records nothing and returns the wait, as gk_rlimit_wait_us.
 */
int64_t gk_rlimit_take(struct gk_rlimit *rl, int64_t now_us);

/*
 * Changes the limit (1..GK_RLIMIT_LIMIT_MAX) from now on, e.g. to slow down
 * after a 429; recorded events are kept (see above). Growing beyond any
 * earlier limit may reallocate. Returns GK_OK; GK_INVALID_PARAMETER_VALUE
 * naming "limit"; GK_OUT_OF_MEMORY. On error the limiter is unchanged.
 */
enum gk_rc gk_rlimit_set_limit(struct gk_rlimit *rl, int limit, struct gk_err *err);

/* The current limit. */
int gk_rlimit_limit(const struct gk_rlimit *rl);

/* Number of recorded events in the window (now_us - window_us, now_us]. */
int gk_rlimit_count(const struct gk_rlimit *rl, int64_t now_us);

/* Forgets every recorded event (the limit and window stay). */
void gk_rlimit_reset(struct gk_rlimit *rl);

#endif
