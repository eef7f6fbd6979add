/*
 * poll: when to poll one message, when to give up, and when to say it stalled.
 *
 * Databricks asks clients to poll every few seconds at first, back off
 * exponentially to at most a minute between polls, and stop after about ten
 * minutes (genie-api.md 2.4). The schedule of one message, with the
 * defaults, measured from the acknowledged POST:
 *
 *     poll 1 at 1 s, then waits of 2, 4, 8, 16, 32, 60, 60, ... s,
 *     the last wait shortened so that the last poll lands exactly on the
 *     deadline (10 min); a message still running at the deadline timed out.
 *
 * Waits are measured from the moment the previous poll's answer was seen (the
 * `now_us` the caller passes), not from when it was sent, so a slow server
 * never gets polls queued back to back. The waits are gk_backoff_next with
 * no jitter and a budget of poll_timeout_us: nothing here is random.
 *
 * Stall detector: a status that has not changed for stall_us (since the poll
 * that first saw it) is reported once; a new status re-arms the detector, so
 * a message that stalls in ASKING_AI and again in PENDING_WAREHOUSE is
 * reported twice. A poll that failed (network error, 5xx) carries no status:
 * it counts as a poll, keeps the schedule and the stall clock running.
 *
 * Everything here is pure: time comes in as `now_us` (mock-clock
 * microseconds), there is no I/O and no allocation. Ownership: both structs
 * are plain caller-owned values (no _cleanup). Thread-safety: none needed.
 */
#ifndef GEN_POLL_H
#define GEN_POLL_H

#include "common/backoff.h"
#include "common/err.h"
#include "common/types.h"
#include "generator/gen.h"

#include <stdbool.h>
#include <stdint.h>

/* The schedule shared by every message of a run. */
struct gen_poll_policy {
    struct gk_backoff_policy backoff; /* base = first poll, cap, budget = timeout */
    int64_t stall_us;                 /* 0: never report stalls */
};

/* One message being polled. */
struct gen_poll {
    const struct gen_poll_policy *policy; /* borrowed; outlives the message */
    int64_t posted_us;                    /* when the POST was acknowledged */
    int64_t next_us;           /* when to poll next; GEN_POLL_NEVER when done */
    int64_t polls;             /* polls whose answer (or failure) was seen */
    enum gk_msg_status status; /* last status seen; GK_MSG_UNKNOWN before any */
    int64_t status_since_us;   /* when `status` was first seen */
    bool stall_reported;       /* for the current status */
    int64_t stalls;            /* stalls reported for this message */
};

/* next_us of a message that needs no more polls. */
#define GEN_POLL_NEVER INT64_MAX

/* What to do after a poll. */
enum gen_poll_step {
    GEN_POLL_AGAIN,   /* not terminal: poll again at gen_poll.next_us */
    GEN_POLL_DONE,    /* a terminal status (COMPLETED, FAILED, CANCELLED,
                         QUERY_RESULT_EXPIRED) was seen */
    GEN_POLL_TIMEOUT, /* poll_timeout_us since the POST and still not terminal */
};

/*
 * Fills pol after validating (the names are gen_config's fields):
 * first_poll_us > 0, max_poll_interval_us >= first_poll_us,
 * poll_timeout_us > 0, stall_us >= 0. Returns GK_OK or GK_BAD_CONFIG naming
 * the field and value; pol is untouched on error.
 */
enum gk_rc gen_poll_policy_init(struct gen_poll_policy *pol, int64_t first_poll_us,
                                int64_t max_poll_interval_us, int64_t poll_timeout_us,
                                int64_t stall_us, struct gk_err *err);

/* gen_poll_policy_init with the four fields of cfg. */
enum gk_rc gen_poll_policy_from_config(struct gen_poll_policy *pol,
                                       const struct gen_config *cfg, struct gk_err *err);

/*
 * Starts the schedule of a message whose POST was acknowledged at posted_us
 * with `status` (the status in the POST's answer, usually SUBMITTED;
 * GK_MSG_UNKNOWN when it had none; it also starts the stall clock). The
 * first poll is due at posted_us + first_poll_us (at the deadline if that is
 * earlier). pol is borrowed and must outlive p. Cannot fail.
 */
void gen_poll_start(struct gen_poll *p, const struct gen_poll_policy *pol,
                    int64_t posted_us, enum gk_msg_status status);

/*
 * Records the answer of a poll seen at now_us with `status`. A terminal
 * status gives GEN_POLL_DONE. Otherwise, at or past the deadline
 * (posted_us + poll_timeout_us) GEN_POLL_TIMEOUT; before it GEN_POLL_AGAIN
 * with next_us = now_us + the next wait (never past the deadline). After
 * DONE or TIMEOUT next_us is GEN_POLL_NEVER. *stalled (may be NULL) is set
 * to true exactly when this call detects a stall (once per status run, see
 * above), else false. GK_MSG_UNKNOWN (a status string this build does not
 * know) is an ordinary non-terminal status.
 */
enum gen_poll_step gen_poll_seen(struct gen_poll *p, int64_t now_us,
                                 enum gk_msg_status status, bool *stalled);

/* As gen_poll_seen for a poll that failed and told nothing: the status is
 * unchanged, so it cannot be DONE. */
enum gen_poll_step gen_poll_failed(struct gen_poll *p, int64_t now_us, bool *stalled);

/*
 * When a message whose answer is ready `answer_us` after its POST is first
 * seen terminal under pol: the first poll time >= answer_us, or -1 when
 * that is past the deadline (it would time out). Assumes polls are answered
 * at once. For estimates (gen_plan_estimate) and tests.
 */
int64_t gen_poll_seen_after_us(const struct gen_poll_policy *pol, int64_t answer_us);

#endif
