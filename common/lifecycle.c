/*
 * lifecycle: transition rules and planned timelines.
 *
 * The rules lean on the order of enum gk_msg_status, which is the order of
 * the usual lifecycle: SUBMITTED < ... < EXECUTING_QUERY < COMPLETED. A
 * forward move inside that chain is legal; the other legal moves are listed
 * one by one.
 *
 * A plan is built by walking the path of its outcome and appending one step
 * per status with a non-zero dwell time, so enter times are strictly
 * increasing and each pair of consecutive steps is a forward move or a move
 * to FAILED/CANCELLED, both legal by construction (the property test checks
 * it). Re-runs append (EXECUTING_QUERY, COMPLETED[, QUERY_RESULT_EXPIRED])
 * at a time >= the last step, so enter times stay non-decreasing and the
 * status at t is the last step entered at or before t: a binary search.
 *
 * Bounded memory: the first plan needs at most 8 steps (6 running + COMPLETED
 * + QUERY_RESULT_EXPIRED), each re-run 3. When the array is full, the oldest
 * kept re-run (3 steps right after the first plan) is dropped; what is left
 * reads QUERY_RESULT_EXPIRED -> EXECUTING_QUERY, still legal.
 */
#include "common/lifecycle.h"

#include <stdio.h>
#include <string.h>

#define RERUN_STEPS 3

/* The rules below compare statuses by enum order: fail the build, not the
 * rules, if someone reorders GK_MSG_STATUS_MAP. */
_Static_assert(GK_MSG_SUBMITTED == 0 && GK_MSG_FETCHING_METADATA == 1 &&
                   GK_MSG_FILTERING_CONTEXT == 2 && GK_MSG_ASKING_AI == 3 &&
                   GK_MSG_PENDING_WAREHOUSE == 4 && GK_MSG_EXECUTING_QUERY == 5 &&
                   GK_MSG_COMPLETED == 6,
               "lifecycle.c relies on the lifecycle order of enum gk_msg_status");

bool gk_lifecycle_is_terminal(enum gk_msg_status s)
{
    return s == GK_MSG_COMPLETED || s == GK_MSG_FAILED || s == GK_MSG_CANCELLED ||
           s == GK_MSG_QUERY_RESULT_EXPIRED;
}

bool gk_lifecycle_is_running(enum gk_msg_status s)
{
    return s >= GK_MSG_SUBMITTED && s <= GK_MSG_EXECUTING_QUERY;
}

bool gk_lifecycle_can_transition(enum gk_msg_status from, enum gk_msg_status to)
{
    if (gk_lifecycle_is_running(from))
        return (to > from && to <= GK_MSG_COMPLETED) || to == GK_MSG_FAILED ||
               to == GK_MSG_CANCELLED;
    if (from == GK_MSG_COMPLETED)
        return to == GK_MSG_QUERY_RESULT_EXPIRED;
    if (from == GK_MSG_QUERY_RESULT_EXPIRED)
        return to == GK_MSG_EXECUTING_QUERY;
    return false; /* FAILED, CANCELLED, unknown */
}

static const char *const outcome_names[GK_LIFECYCLE_OUTCOME_COUNT] = {
#define GK_LIFECYCLE_OUTCOME_NAME(name, str) str,
    GK_LIFECYCLE_OUTCOME_MAP(GK_LIFECYCLE_OUTCOME_NAME)
#undef GK_LIFECYCLE_OUTCOME_NAME
};

const char *gk_lifecycle_outcome_name(enum gk_lifecycle_outcome o)
{
    if ((unsigned)o >= GK_LIFECYCLE_OUTCOME_COUNT)
        return "unknown";
    return outcome_names[o];
}

enum gk_lifecycle_outcome gk_lifecycle_outcome_from_name(const char *name)
{
    for (int i = 0; name != NULL && i < GK_LIFECYCLE_OUTCOME_COUNT; i++)
        if (strcmp(outcome_names[i], name) == 0)
            return (enum gk_lifecycle_outcome)i;
    return GK_LIFECYCLE_OUTCOME_COUNT;
}

/* ---- planning ----------------------------------------------------------- */

static enum gk_rc check_error_type(const struct gk_lifecycle_spec *spec,
                                   struct gk_err *err)
{
    const char *t = spec->error_type;
    bool given = t != NULL && t[0] != '\0';
    if (spec->outcome == GK_LIFECYCLE_FAILED && !given)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "error_type: a FAILED message needs a MessageErrorType");
    if (!given)
        return GK_OK;
    if (spec->outcome != GK_LIFECYCLE_FAILED && spec->outcome != GK_LIFECYCLE_CANCELLED)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "error_type: only a FAILED or CANCELLED message has one, this "
                          "outcome is %s",
                          gk_lifecycle_outcome_name(spec->outcome));
    size_t n = strnlen(t, GK_LIFECYCLE_ERROR_TYPE_MAX);
    if (n >= GK_LIFECYCLE_ERROR_TYPE_MAX)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "error_type: longer than %d characters",
                          GK_LIFECYCLE_ERROR_TYPE_MAX - 1);
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                              "error_type: expected a name like SQL_EXECUTION_EXCEPTION "
                              "([A-Z0-9_]), got \"%.*s\"",
                              (int)n, t);
    }
    return GK_OK;
}

/* The last running status on the outcome's path, or an error naming "at". */
static enum gk_rc path_end(const struct gk_lifecycle_spec *spec, enum gk_msg_status *last,
                           struct gk_err *err)
{
    switch (spec->outcome) {
    case GK_LIFECYCLE_COMPLETED_SQL:
        *last = GK_MSG_EXECUTING_QUERY;
        return GK_OK;
    case GK_LIFECYCLE_COMPLETED_TEXT:
        *last = GK_MSG_ASKING_AI;
        return GK_OK;
    case GK_LIFECYCLE_FAILED:
    case GK_LIFECYCLE_CANCELLED:
    case GK_LIFECYCLE_STUCK:
        break;
    default:
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "outcome: unknown value %d",
                          (int)spec->outcome);
    }
    const char *verb = spec->outcome == GK_LIFECYCLE_STUCK ? "be stuck in" : "end from";
    if (!gk_lifecycle_is_running(spec->at))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "at: a %s message cannot %s %s (not a running status)",
                          gk_lifecycle_outcome_name(spec->outcome), verb,
                          gk_types_msg_status_name(spec->at));
    if (spec->outcome != GK_LIFECYCLE_STUCK && spec->dwell_us[spec->at] == 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "dwell_us[%s]: must be > 0 for a message that ends from %s",
                          gk_types_msg_status_name(spec->at),
                          gk_types_msg_status_name(spec->at));
    *last = spec->at;
    return GK_OK;
}

static void push(struct gk_lifecycle_plan *p, enum gk_msg_status s, int64_t t)
{
    p->steps[p->nsteps].status = s;
    p->steps[p->nsteps].enter_us = t;
    p->nsteps++;
}

/* *t += d, or an error naming field (d >= 0 is checked by the callers). */
static enum gk_rc advance(int64_t *t, int64_t d, const char *field, struct gk_err *err)
{
    if (*t > INT64_MAX - d)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "%s: %lld us pushes the timeline past the end of time", field,
                          (long long)d);
    *t += d;
    return GK_OK;
}

enum gk_rc gk_lifecycle_plan(struct gk_lifecycle_plan *plan,
                             const struct gk_lifecycle_spec *spec, struct gk_err *err)
{
    char field[48];
    for (int s = 0; s < GK_LIFECYCLE_RUNNING_COUNT; s++)
        if (spec->dwell_us[s] < 0)
            return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                              "dwell_us[%s]: must be >= 0, got %lld",
                              gk_types_msg_status_name((enum gk_msg_status)s),
                              (long long)spec->dwell_us[s]);
    enum gk_msg_status last = GK_MSG_SUBMITTED;
    enum gk_rc rc = path_end(spec, &last, err);
    if (rc == GK_OK)
        rc = check_error_type(spec, err);
    if (rc != GK_OK)
        return rc;
    if (spec->expire_after_us < 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "expire_after_us: must be >= 0 (0 = never), got %lld",
                          (long long)spec->expire_after_us);
    if (spec->expire_after_us > 0 && spec->outcome != GK_LIFECYCLE_COMPLETED_SQL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "expire_after_us: only a completed_sql message has a result to "
                          "expire, this outcome is %s",
                          gk_lifecycle_outcome_name(spec->outcome));

    struct gk_lifecycle_plan p;
    memset(&p, 0, sizeof p);
    p.outcome = spec->outcome;
    int64_t t = spec->start_us;
    for (enum gk_msg_status s = GK_MSG_SUBMITTED; s <= last; s++) {
        /* A text-only answer never waits for a warehouse or runs SQL; the
         * path of every other outcome is the SQL one. */
        bool stays = spec->outcome == GK_LIFECYCLE_STUCK && s == last;
        if (spec->dwell_us[s] == 0 && !stays)
            continue;
        push(&p, s, t);
        if (stays)
            break;
        snprintf(field, sizeof field, "dwell_us[%s]", gk_types_msg_status_name(s));
        if (advance(&t, spec->dwell_us[s], field, err) != GK_OK)
            return GK_INVALID_PARAMETER_VALUE;
    }
    switch (spec->outcome) {
    case GK_LIFECYCLE_COMPLETED_SQL:
        push(&p, GK_MSG_COMPLETED, t);
        if (spec->expire_after_us > 0) {
            if (advance(&t, spec->expire_after_us, "expire_after_us", err) != GK_OK)
                return GK_INVALID_PARAMETER_VALUE;
            push(&p, GK_MSG_QUERY_RESULT_EXPIRED, t);
        }
        break;
    case GK_LIFECYCLE_COMPLETED_TEXT:
        push(&p, GK_MSG_COMPLETED, t);
        break;
    case GK_LIFECYCLE_FAILED:
        push(&p, GK_MSG_FAILED, t);
        break;
    case GK_LIFECYCLE_CANCELLED:
        push(&p, GK_MSG_CANCELLED, t);
        break;
    default: /* STUCK: no end */
        break;
    }
    if (spec->error_type != NULL)
        snprintf(p.error_type, sizeof p.error_type, "%s", spec->error_type);
    p.base_steps = p.nsteps;
    *plan = p;
    return GK_OK;
}

/* ---- reading -------------------------------------------------------------- */

/* Index of the last step entered at or before now_us; 0 before the start. */
static int step_at(const struct gk_lifecycle_plan *p, int64_t now_us)
{
    int lo = 0, hi = p->nsteps - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (p->steps[mid].enter_us <= now_us)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

enum gk_msg_status gk_lifecycle_status_at(const struct gk_lifecycle_plan *plan,
                                          int64_t now_us, int64_t *entered_us,
                                          int64_t *next_change_us)
{
    int i = step_at(plan, now_us);
    if (entered_us != NULL)
        *entered_us = plan->steps[i].enter_us;
    if (next_change_us != NULL)
        *next_change_us =
            i + 1 < plan->nsteps ? plan->steps[i + 1].enter_us : GK_LIFECYCLE_NEVER;
    return plan->steps[i].status;
}

const char *gk_lifecycle_error_type(const struct gk_lifecycle_plan *plan)
{
    return plan->error_type[0] != '\0' ? plan->error_type : NULL;
}

/* ---- re-running an expired result ----------------------------------------- */

enum gk_rc gk_lifecycle_rerun(struct gk_lifecycle_plan *plan, int64_t now_us,
                              int64_t executing_us, int64_t expire_after_us,
                              struct gk_err *err)
{
    int i = step_at(plan, now_us);
    enum gk_msg_status s = plan->steps[i].status;
    if (s != GK_MSG_QUERY_RESULT_EXPIRED)
        return gk_err_set(
            err, GK_INVALID_STATE,
            "status: only a QUERY_RESULT_EXPIRED message can be re-run, this "
            "one is %s",
            gk_types_msg_status_name(s));
    if (i != plan->nsteps - 1)
        return gk_err_set(err, GK_INVALID_STATE,
                          "now_us: %lld is before the last re-run (at %lld)",
                          (long long)now_us, (long long)plan->steps[i + 1].enter_us);
    if (executing_us <= 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "executing_us: must be > 0, got %lld", (long long)executing_us);
    if (expire_after_us < 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "expire_after_us: must be >= 0 (0 = never), got %lld",
                          (long long)expire_after_us);
    int64_t done = now_us;
    if (advance(&done, executing_us, "executing_us", err) != GK_OK)
        return GK_INVALID_PARAMETER_VALUE;
    int64_t expire = done;
    if (advance(&expire, expire_after_us, "expire_after_us", err) != GK_OK)
        return GK_INVALID_PARAMETER_VALUE;

    if (plan->nsteps + RERUN_STEPS > GK_LIFECYCLE_STEPS_MAX) {
        /* Forget the oldest kept re-run: it sits right after the first plan
         * and, not being the last one, has all three steps. */
        struct gk_lifecycle_step *from = &plan->steps[plan->base_steps];
        memmove(from, from + RERUN_STEPS,
                (size_t)(plan->nsteps - plan->base_steps - RERUN_STEPS) * sizeof *from);
        plan->nsteps -= RERUN_STEPS;
    }
    push(plan, GK_MSG_EXECUTING_QUERY, now_us);
    push(plan, GK_MSG_COMPLETED, done);
    if (expire_after_us > 0)
        push(plan, GK_MSG_QUERY_RESULT_EXPIRED, expire);
    plan->reruns++;
    return GK_OK;
}
