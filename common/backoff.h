/*
 * backoff: how long to wait before trying again.
 *
 * Exponential backoff: the ceiling for attempt k is min(cap, base * 2^k),
 * computed without overflow for any k. With FULL jitter the delay is uniform
 * in [0, ceiling] (spreads a crowd of clients that failed together far better
 * than "ceiling +/- a bit"); without jitter it is the ceiling itself, which is
 * the generator's poll schedule (1 s, 2 s, 4 s ... at most 60 s, give up at
 * 10 minutes). A struct gk_backoff_policy bundles base, cap, jitter and when
 * to give up (a number of attempts and/or a time budget).
 *
 * Retry-After (RFC 9110 10.2.3) is read as delay-seconds or an HTTP-date in
 * any of the three forms HTTP/1.1 recipients must accept (IMF-fixdate,
 * obsolete RFC 850, asctime). Decimal seconds ("1.5") are accepted too:
 * servers send them and rounding them away would retry early. The date
 * arithmetic is done here (no timegm, mktime or locale), relative to a
 * `now_wall_ms` the caller passes.
 *
 * Nothing here sleeps or reads a clock. Randomness comes from a caller's
 * struct gk_rng, so a seed reproduces every delay. Thread-safety: all
 * functions are reentrant; an rng or policy shared between threads needs the
 * caller's lock (the policy is only read).
 */
#ifndef GK_BACKOFF_H
#define GK_BACKOFF_H

#include "common/err.h"
#include "common/rng.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest Retry-After honoured, in ms (one day); larger values are clamped. */
#define GK_BACKOFF_RETRY_AFTER_MAX_MS (86400LL * 1000)

struct gk_backoff_policy {
    int64_t base_us;   /* ceiling of attempt 0; > 0 */
    int64_t cap_us;    /* largest delay; >= base_us */
    bool jitter;       /* full jitter: uniform in [0, ceiling] */
    int max_attempts;  /* retries allowed; 0 = no limit */
    int64_t budget_us; /* time allowed since the first try; 0 = no limit */
};

/*
 * Fills p after validating: base_us > 0, cap_us >= base_us, max_attempts >= 0,
 * budget_us >= 0. Returns GK_OK or GK_INVALID_PARAMETER_VALUE naming the
 * field; p is untouched on error.
 */
enum gk_rc gk_backoff_policy_init(struct gk_backoff_policy *p, int64_t base_us,
                                  int64_t cap_us, bool jitter, int max_attempts,
                                  int64_t budget_us, struct gk_err *err);

/*
 * min(cap_us, base_us * 2^attempt), exact and overflow-free for any attempt;
 * 0 when base_us or cap_us is <= 0.
 */
int64_t gk_backoff_ceiling_us(int64_t base_us, int64_t cap_us, unsigned attempt);

/* Full jitter: uniform in [0, gk_backoff_ceiling_us(...)], inclusive. */
int64_t gk_backoff_jitter_us(int64_t base_us, int64_t cap_us, unsigned attempt,
                             struct gk_rng *rng);

/*
 * The delay before retry number `attempt` (0 before the first retry), given
 * elapsed_us since the first try. Returns false (and sets *delay_us to 0)
 * when the policy gives up: attempt >= max_attempts, or elapsed_us >=
 * budget_us. Otherwise true, with *delay_us = the ceiling or a full-jitter
 * draw from rng, shortened so the wait ends no later than the budget (the
 * last try then lands on the deadline). rng may be NULL when jitter is off;
 * with jitter on and no rng the ceiling is used.
 */
bool gk_backoff_next(const struct gk_backoff_policy *p, unsigned attempt,
                     int64_t elapsed_us, struct gk_rng *rng, int64_t *delay_us);

/*
 * Parses a Retry-After header value (value[0..len), need not be
 * NUL-terminated; surrounding spaces, tabs, CR and LF are ignored) into a
 * delay in milliseconds:
 *   "120"                            120000
 *   "1.5", "0.0001"                  1500, 1 (fractions of a ms round up)
 *   "Sun, 06 Nov 1994 08:49:37 GMT"  date - now_wall_ms, or 0 if it is past
 *   "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years: RFC 9110 50-year rule)
 *   "Sun Nov  6 08:49:37 1994"
 * Results are clamped to GK_BACKOFF_RETRY_AFTER_MAX_MS. NULL, empty,
 * negative or malformed values (including impossible dates such as 31 Feb)
 * give fallback_ms unchanged. *used_fallback (may be NULL) says which
 * happened. Month, day names and GMT are matched case-insensitively; the
 * day name is not checked against the date.
 */
int64_t gk_backoff_retry_after_ms(const char *value, size_t len, int64_t now_wall_ms,
                                  int64_t fallback_ms, bool *used_fallback);

/*
 * Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m 1..12,
 * d 1..31, not validated), negative before 1970. Exposed for tests and for
 * anything else that must turn dates into epoch time without libc.
 */
int64_t gk_backoff_days_from_civil(int64_t y, int m, int d);

#endif
