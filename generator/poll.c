/*
 * poll: the schedule of one message (see poll.h for the contract).
 *
 * Invariants of a struct gen_poll:
 *   - before DONE or TIMEOUT: posted_us < next_us <= posted_us + timeout
 *     (the deadline), and next_us < GEN_POLL_NEVER even where the sums
 *     saturate;
 *   - after DONE or TIMEOUT: next_us == GEN_POLL_NEVER, and the struct no
 *     longer changes;
 *   - `polls` counts the answers seen, so it is also the attempt number of
 *     the next wait for gk_backoff_next (wait k = min(cap, first * 2^k)).
 *
 * Time arithmetic saturates: a poll_timeout_us near INT64_MAX or a posted_us
 * far in the future cannot overflow.
 */
#include "generator/poll.h"

#include "common/lifecycle.h"

/* a + b, saturating below GEN_POLL_NEVER, which only means "done". */
static int64_t add_time(int64_t a, int64_t b)
{
    if (b > 0 && a >= INT64_MAX - b)
        return INT64_MAX - 1;
    return a + b;
}

/* b - a, saturating (the elapsed time from a to b). */
static int64_t sub_sat(int64_t b, int64_t a)
{
    if (a < 0 && b > INT64_MAX + a)
        return INT64_MAX;
    if (a > 0 && b < INT64_MIN + a)
        return INT64_MIN;
    return b - a;
}

enum gk_rc gen_poll_policy_init(struct gen_poll_policy *pol, int64_t first_poll_us,
                                int64_t max_poll_interval_us, int64_t poll_timeout_us,
                                int64_t stall_us, struct gk_err *err)
{
    if (first_poll_us <= 0)
        return gk_err_set(err, GK_BAD_CONFIG, "first_poll_us: must be > 0, got %lld",
                          (long long)first_poll_us);
    if (max_poll_interval_us < first_poll_us)
        return gk_err_set(
            err, GK_BAD_CONFIG,
            "max_poll_interval_us: must be >= first_poll_us (%lld), got %lld",
            (long long)first_poll_us, (long long)max_poll_interval_us);
    if (poll_timeout_us <= 0)
        return gk_err_set(err, GK_BAD_CONFIG, "poll_timeout_us: must be > 0, got %lld",
                          (long long)poll_timeout_us);
    if (stall_us < 0)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "stall_us: must be >= 0 (0: never report), got %lld",
                          (long long)stall_us);
    struct gen_poll_policy p;
    /* Cannot fail: the arguments were checked above, in the same terms. */
    if (gk_backoff_policy_init(&p.backoff, first_poll_us, max_poll_interval_us, false, 0,
                               poll_timeout_us, err) != GK_OK)
        return GK_BAD_CONFIG;
    p.stall_us = stall_us;
    *pol = p;
    return GK_OK;
}

enum gk_rc gen_poll_policy_from_config(struct gen_poll_policy *pol,
                                       const struct gen_config *cfg, struct gk_err *err)
{
    return gen_poll_policy_init(pol, cfg->first_poll_us, cfg->max_poll_interval_us,
                                cfg->poll_timeout_us, cfg->stall_us, err);
}

void gen_poll_start(struct gen_poll *p, const struct gen_poll_policy *pol,
                    int64_t posted_us, enum gk_msg_status status)
{
    p->policy = pol;
    p->posted_us = posted_us;
    p->polls = 0;
    p->status = status;
    p->status_since_us = posted_us;
    p->stall_reported = false;
    p->stalls = 0;
    int64_t wait;
    /* Attempt 0 at elapsed 0 never gives up (budget > 0), and is shortened
     * to the budget when the first poll would come after the deadline. */
    (void)gk_backoff_next(&pol->backoff, 0, 0, NULL, &wait);
    p->next_us = add_time(posted_us, wait);
}

/* Updates the stall detector with a poll seen at now_us; true on a new stall. */
static bool check_stall(struct gen_poll *p, int64_t now_us)
{
    int64_t stall_us = p->policy->stall_us;
    if (stall_us == 0 || p->stall_reported)
        return false;
    if (sub_sat(now_us, p->status_since_us) < stall_us)
        return false;
    p->stall_reported = true;
    p->stalls++;
    return true;
}

/* The step after a poll at now_us, status already recorded. */
static enum gen_poll_step schedule(struct gen_poll *p, int64_t now_us)
{
    if (gk_lifecycle_is_terminal(p->status)) {
        p->next_us = GEN_POLL_NEVER;
        return GEN_POLL_DONE;
    }
    int64_t elapsed = sub_sat(now_us, p->posted_us);
    unsigned attempt = p->polls > (int64_t)UINT32_MAX ? UINT32_MAX : (unsigned)p->polls;
    int64_t wait;
    if (!gk_backoff_next(&p->policy->backoff, attempt, elapsed, NULL, &wait)) {
        p->next_us = GEN_POLL_NEVER;
        return GEN_POLL_TIMEOUT;
    }
    p->next_us = add_time(now_us, wait);
    return GEN_POLL_AGAIN;
}

/* A message already finished stays as it was. */
static bool finished(const struct gen_poll *p, enum gen_poll_step *step)
{
    if (p->next_us != GEN_POLL_NEVER)
        return false;
    *step = gk_lifecycle_is_terminal(p->status) ? GEN_POLL_DONE : GEN_POLL_TIMEOUT;
    return true;
}

enum gen_poll_step gen_poll_seen(struct gen_poll *p, int64_t now_us,
                                 enum gk_msg_status status, bool *stalled)
{
    bool stall = false;
    enum gen_poll_step step;
    if (!finished(p, &step)) {
        p->polls++;
        if (status != p->status) {
            p->status = status;
            p->status_since_us = now_us;
            p->stall_reported = false;
        } else if (!gk_lifecycle_is_terminal(status)) {
            stall = check_stall(p, now_us);
        }
        step = schedule(p, now_us);
    }
    if (stalled != NULL)
        *stalled = stall;
    return step;
}

enum gen_poll_step gen_poll_failed(struct gen_poll *p, int64_t now_us, bool *stalled)
{
    bool stall = false;
    enum gen_poll_step step;
    if (!finished(p, &step)) {
        p->polls++;
        if (!gk_lifecycle_is_terminal(p->status))
            stall = check_stall(p, now_us);
        step = schedule(p, now_us);
    }
    if (stalled != NULL)
        *stalled = stall;
    return step;
}

int64_t gen_poll_seen_after_us(const struct gen_poll_policy *pol, int64_t answer_us)
{
    const struct gk_backoff_policy *b = &pol->backoff;
    if (answer_us > b->budget_us)
        return -1;
    int64_t t = 0, wait;
    for (unsigned attempt = 0; gk_backoff_next(b, attempt, t, NULL, &wait); attempt++) {
        if (wait == b->cap_us && t + wait < answer_us) {
            /* Every later wait is the cap (or the rest of the budget): jump
             * to the last cap-spaced poll before the answer instead of
             * looping, which a tiny cap would make take forever. */
            int64_t steps = (answer_us - t - 1) / b->cap_us;
            t += steps * b->cap_us;
            continue;
        }
        t += wait; /* <= budget_us: gk_backoff_next shortens it */
        if (t >= answer_us)
            return t;
    }
    return -1;
}
