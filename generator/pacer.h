/*
 * pacer: when a workspace may receive its next question.
 *
 * Genie allows about 5 questions per minute per workspace, and every
 * question POST counts (start-conversation and create-message, retries
 * included; polls do not). A pacer per workspace guarantees, for a
 * configured rate_per_min R >= 1:
 *
 *   window   at most floor(R) POSTs in ANY sliding 60 s window (a
 *            common/rlimit, which is exact where a token bucket would let
 *            2 floor(R) - 1 through), and
 *   spacing  at least 60 s / R between two POSTs, so a workspace never gets
 *            a burst: at R = 4 the POSTs are 15 s apart, at R = 4.5 13.3 s.
 *
 * The long-run rate is therefore floor(R) per minute: no schedule can
 * average more than floor(R) per minute while every 60 s window holds at
 * most floor(R). The spacing costs no throughput for an integer R (floor(R)
 * gaps of 60 s / R fill the window exactly); for a fractional R it only
 * spreads the POSTs out.
 *
 * A 429: no POST before now + Retry-After, and for the next
 * GEN_PACER_SLOW_US (5 minutes of mock time) the workspace runs at
 * max(1, floor(R) - 1) per window, spaced 60 s / that; another 429 meanwhile
 * restarts the 5 minutes (it does not lower further). Then the rate is
 * restored. The POSTs taken before a change stay in the window (see
 * common/rlimit.h), so the bound holds across it.
 *
 * wait_us is exact: 0 iff a POST is allowed now, and otherwise the time
 * until the first moment one is (including the moment the rate is
 * restored), so the run never sleeps longer than it must.
 *
 * Time is the mock clock's `now_us`, passed in; nothing here reads a clock or
 * sleeps. A `now_us` before the newest POST stands still (as in rlimit).
 * Ownership: caller-allocated; _init allocates the window record, _cleanup
 * frees it. Thread-safety: none; the generator has one thread.
 */
#ifndef GEN_PACER_H
#define GEN_PACER_H

#include "common/err.h"
#include "common/rlimit.h"

#include <stdbool.h>
#include <stdint.h>

#define GEN_PACER_WINDOW_US (60LL * 1000 * 1000)
/* How long a 429 keeps the workspace at the lowered rate. */
#define GEN_PACER_SLOW_US   (5LL * 60 * 1000 * 1000)

struct gen_pacer {
    struct gk_rlimit window;  /* POST times; limit = the current per-window limit */
    double rate_per_min;      /* as configured */
    int limit;                /* floor(rate_per_min) */
    int slow_limit;           /* max(1, limit - 1): the limit after a 429 */
    int64_t spacing_us;       /* ceil(60 s / rate_per_min) */
    int64_t slow_spacing_us;  /* 60 s / slow_limit */
    bool posted;              /* a POST was taken */
    int64_t last_post_us;     /* time of the newest POST (when posted) */
    int64_t blocked_until_us; /* no POST before (Retry-After); INT64_MIN: none */
    bool slow;                /* running at slow_limit ... */
    int64_t slow_until_us;    /* ... until then */
    int64_t posts;            /* POSTs taken */
    int64_t throttles;        /* 429s reported */
};

/*
 * Prepares p for rate_per_min questions per minute: a finite number in
 * [1, GK_RLIMIT_LIMIT_MAX]. Returns GK_OK; GK_BAD_CONFIG naming
 * "rate_per_min" and the value; GK_OUT_OF_MEMORY. On error p holds nothing
 * to free (gen_pacer_cleanup on it is still safe).
 */
enum gk_rc gen_pacer_init(struct gen_pacer *p, double rate_per_min, struct gk_err *err);

/* Frees the record. NULL is a no-op. */
void gen_pacer_cleanup(struct gen_pacer *p);

/*
 * Microseconds from now_us until a question POST is allowed: 0 when allowed
 * now. Exact (see above). Restores the rate when the slow period is over,
 * hence not const; records nothing.
 */
int64_t gen_pacer_wait_us(struct gen_pacer *p, int64_t now_us);

/*
 * Records a question POST at now_us if one is allowed and returns 0;
 * otherwise records nothing and returns the wait, as gen_pacer_wait_us.
 * Call it right before sending, for every POST, retries included.
 */
int64_t gen_pacer_take(struct gen_pacer *p, int64_t now_us);

/*
 * A question POST was answered 429 at now_us: no POST before now_us +
 * retry_after_us (negative counts as 0), and the slow rate until now_us +
 * GEN_PACER_SLOW_US. Cannot fail.
 */
void gen_pacer_on_throttled(struct gen_pacer *p, int64_t now_us, int64_t retry_after_us);

/* The per-window limit in force at now_us (restoring it if due). */
int gen_pacer_limit(struct gen_pacer *p, int64_t now_us);

#endif
