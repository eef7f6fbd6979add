/*
 * lifecycle: the status state machine of a Genie message, and a message's
 * planned timeline.
 *
 * Rules (genie-api.md 2.2): a message moves forward through
 *   SUBMITTED -> FETCHING_METADATA -> FILTERING_CONTEXT -> ASKING_AI
 *     -> [PENDING_WAREHOUSE ->] EXECUTING_QUERY -> COMPLETED
 * and may skip visible states, but only forward (ASKING_AI -> COMPLETED is a
 * text-only answer). FAILED and CANCELLED can follow any running state.
 * COMPLETED -> QUERY_RESULT_EXPIRED when the result cache expires, and an
 * expired result is re-run (execute-query): QUERY_RESULT_EXPIRED ->
 * EXECUTING_QUERY. Nothing else is legal; staying in a status is not a
 * transition. Terminal (a poll loop stops) = COMPLETED, FAILED, CANCELLED,
 * QUERY_RESULT_EXPIRED, as Databricks' own clients treat them; note that
 * QUERY_RESULT_EXPIRED still has one way out, the re-run.
 *
 * A plan is decided once, when the message is created: the outcome and the
 * time spent in each status. The status at any clock time is then computed
 * from the plan, with no timers: a fixed array of (status, entered at)
 * steps, searched in O(log GK_LIFECYCLE_STEPS_MAX). The time the current
 * status was entered is the message's last_updated_timestamp; the time of the
 * next change tells a client (or a test) when to look again.
 *
 * Ownership: a struct gk_lifecycle_plan is a plain value (no pointers, no
 * allocation): copy it, store it, compare it. Thread-safety: reading a plan
 * is safe from many threads; gk_lifecycle_rerun writes it (caller's lock).
 */
#ifndef GK_LIFECYCLE_H
#define GK_LIFECYCLE_H

#include "common/err.h"
#include "common/types.h"

#include <stdbool.h>
#include <stdint.h>

/* Steps a plan holds; re-runs beyond that forget the oldest re-run. */
#define GK_LIFECYCLE_STEPS_MAX      32
/* Room for a MessageErrorType name and its NUL. */
#define GK_LIFECYCLE_ERROR_TYPE_MAX 64
/* "No further change" as a time. */
#define GK_LIFECYCLE_NEVER          INT64_MAX
/* Statuses a message spends time in before its end: SUBMITTED..EXECUTING_QUERY. */
#define GK_LIFECYCLE_RUNNING_COUNT  (GK_MSG_EXECUTING_QUERY + 1)

/* X(constant suffix, name used in scenario files) */
#define GK_LIFECYCLE_OUTCOME_MAP(X)                                                      \
    X(COMPLETED_SQL, "completed_sql")                                                    \
    X(COMPLETED_TEXT, "completed_text")                                                  \
    X(FAILED, "failed")                                                                  \
    X(CANCELLED, "cancelled")                                                            \
    X(STUCK, "stuck")

enum gk_lifecycle_outcome {
#define GK_LIFECYCLE_OUTCOME_ENUM(name, str) GK_LIFECYCLE_##name,
    GK_LIFECYCLE_OUTCOME_MAP(GK_LIFECYCLE_OUTCOME_ENUM)
#undef GK_LIFECYCLE_OUTCOME_ENUM
        GK_LIFECYCLE_OUTCOME_COUNT
};

/* What to plan. Zero-initialise, then set what the outcome needs. */
struct gk_lifecycle_spec {
    enum gk_lifecycle_outcome outcome;
    /* FAILED, CANCELLED: the running status the message ends from (it must
     * spend time there: dwell_us[at] > 0). STUCK: the running status it never
     * leaves. Ignored for the completed outcomes. */
    enum gk_msg_status at;
    /* FAILED: the MessageErrorType (required, [A-Z0-9_]{1,63}, copied).
     * CANCELLED: optional (NULL or ""). Others: must be NULL or "". */
    const char *error_type;
    int64_t start_us; /* clock time the message is created */
    /* Time spent in each running status, indexed by status; >= 0. 0 skips
     * the status (it is never visible), e.g. PENDING_WAREHOUSE when the
     * warehouse is up. Statuses off the outcome's path are ignored. */
    int64_t dwell_us[GK_LIFECYCLE_RUNNING_COUNT];
    /* COMPLETED_SQL: time from COMPLETED to QUERY_RESULT_EXPIRED, 0 = never.
     * Must be 0 for other outcomes (they have no query result to expire). */
    int64_t expire_after_us;
};

struct gk_lifecycle_step {
    int64_t enter_us;
    enum gk_msg_status status;
};

struct gk_lifecycle_plan {
    /* steps[0..nsteps): enter_us non-decreasing (strictly increasing within
     * the first plan), consecutive statuses legal transitions. */
    struct gk_lifecycle_step steps[GK_LIFECYCLE_STEPS_MAX];
    int nsteps;
    int base_steps; /* steps of the plan before any re-run */
    int reruns;     /* re-runs so far, forgotten ones included */
    enum gk_lifecycle_outcome outcome;
    char error_type[GK_LIFECYCLE_ERROR_TYPE_MAX]; /* "" when none */
};

/* True for COMPLETED, FAILED, CANCELLED, QUERY_RESULT_EXPIRED. */
bool gk_lifecycle_is_terminal(enum gk_msg_status s);
/* True for SUBMITTED..EXECUTING_QUERY (known and not terminal). */
bool gk_lifecycle_is_running(enum gk_msg_status s);
/* True iff from -> to is a legal transition (rules above); false for
 * from == to and for unknown values. */
bool gk_lifecycle_can_transition(enum gk_msg_status from, enum gk_msg_status to);

/* "completed_sql" ...; "unknown" for a value out of range. */
const char *gk_lifecycle_outcome_name(enum gk_lifecycle_outcome o);
/* The outcome named exactly name, or GK_LIFECYCLE_OUTCOME_COUNT (also NULL). */
enum gk_lifecycle_outcome gk_lifecycle_outcome_from_name(const char *name);

/*
 * Builds the timeline of spec into plan. Returns GK_OK, or
 * GK_INVALID_PARAMETER_VALUE with a message naming the field ("outcome",
 * "at", "error_type", "dwell_us[ASKING_AI]", "expire_after_us", also when
 * the timeline would overflow int64). plan is untouched on error.
 */
enum gk_rc gk_lifecycle_plan(struct gk_lifecycle_plan *plan,
                             const struct gk_lifecycle_spec *spec, struct gk_err *err);

/*
 * The status at clock time now_us. Optional outputs (NULL to skip):
 * *entered_us = when that status was entered (last_updated_timestamp),
 * *next_change_us = when it will change, GK_LIFECYCLE_NEVER if it will not.
 * A time before the start reports the first status. After more than
 * (GK_LIFECYCLE_STEPS_MAX - 8) / 3 re-runs the oldest re-runs are forgotten:
 * times inside them report QUERY_RESULT_EXPIRED; the present is always exact.
 */
enum gk_msg_status gk_lifecycle_status_at(const struct gk_lifecycle_plan *plan,
                                          int64_t now_us, int64_t *entered_us,
                                          int64_t *next_change_us);

/*
 * Re-runs an expired result at now_us (execute-query): appends
 * EXECUTING_QUERY at now_us, COMPLETED executing_us later and, unless
 * expire_after_us is 0, QUERY_RESULT_EXPIRED expire_after_us after that.
 * Returns GK_OK; GK_INVALID_STATE when the status at now_us is not
 * QUERY_RESULT_EXPIRED (or now_us is before the last re-run);
 * GK_INVALID_PARAMETER_VALUE naming "executing_us" (must be > 0) or
 * "expire_after_us" (>= 0), or an overflowing time. plan is untouched on error.
 */
enum gk_rc gk_lifecycle_rerun(struct gk_lifecycle_plan *plan, int64_t now_us,
                              int64_t executing_us, int64_t expire_after_us,
                              struct gk_err *err);

/* The plan's MessageErrorType, or NULL when it has none. Lent: lives as long
 * as the plan. */
const char *gk_lifecycle_error_type(const struct gk_lifecycle_plan *plan);

#endif
