#include "common/lifecycle.h"
#include "common/rng.h"
#include "tests/gk_test.h"

#include <stdint.h>
#include <string.h>

#define NEVER                GK_LIFECYCLE_NEVER
#define RERUN_STEPS_FOR_TEST 3

/* Short names for the tables. */
#define SUB  GK_MSG_SUBMITTED
#define FM   GK_MSG_FETCHING_METADATA
#define FC   GK_MSG_FILTERING_CONTEXT
#define AAI  GK_MSG_ASKING_AI
#define PW   GK_MSG_PENDING_WAREHOUSE
#define EQ   GK_MSG_EXECUTING_QUERY
#define DONE GK_MSG_COMPLETED
#define FAIL GK_MSG_FAILED
#define CANC GK_MSG_CANCELLED
#define QRE  GK_MSG_QUERY_RESULT_EXPIRED
#define UNK  GK_MSG_UNKNOWN

Test(lifecycle, the_terminal_statuses_are_the_four_conclusive_ones)
{
    static const struct {
        enum gk_msg_status s;
        bool terminal, running;
    } cases[] = {
        {SUB, false, true},
        {FM, false, true},
        {FC, false, true},
        {AAI, false, true},
        {PW, false, true},
        {EQ, false, true},
        {DONE, true, false},
        {FAIL, true, false},
        {CANC, true, false},
        {QRE, true, false},
        {UNK, false, false},
        {(enum gk_msg_status) - 1, false, false},
        {(enum gk_msg_status)99, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(gk_lifecycle_is_terminal(cases[i].s), cases[i].terminal, "%s",
                     gk_types_msg_status_name(cases[i].s));
        cr_assert_eq(gk_lifecycle_is_running(cases[i].s), cases[i].running, "%s",
                     gk_types_msg_status_name(cases[i].s));
    }
}

/* The expectation, written out by hand from genie-api.md 2.2 (rows: from,
 * columns: to, in enum order SUB FM FC AAI PW EQ DONE FAIL CANC QRE). */
static const char legal[GK_MSG_STATUS_COUNT][GK_MSG_STATUS_COUNT + 1] = {
    /*         SFFAPEDFCQ */
    /* SUB */ "0111111110",
    /* FM  */ "0011111110",
    /* FC  */ "0001111110",
    /* AAI */ "0000111110",
    /* PW  */ "0000011110",
    /* EQ  */ "0000001110",
    /* DONE*/ "0000000001",
    /* FAIL*/ "0000000000",
    /* CANC*/ "0000000000",
    /* QRE */ "0000010000",
};

Test(lifecycle, every_pair_of_statuses_matches_the_expected_transition_matrix)
{
    for (int from = 0; from < GK_MSG_STATUS_COUNT; from++)
        for (int to = 0; to < GK_MSG_STATUS_COUNT; to++)
            cr_assert_eq(gk_lifecycle_can_transition(from, to), legal[from][to] == '1',
                         "%s -> %s", gk_types_msg_status_name(from),
                         gk_types_msg_status_name(to));
    for (int s = 0; s < GK_MSG_STATUS_COUNT; s++) {
        cr_assert_not(gk_lifecycle_can_transition(s, UNK));
        cr_assert_not(gk_lifecycle_can_transition(UNK, s));
        cr_assert_not(gk_lifecycle_can_transition((enum gk_msg_status) - 1, s));
        cr_assert_not(gk_lifecycle_can_transition(s, (enum gk_msg_status) - 1));
    }
}

Test(lifecycle, outcome_names_round_trip)
{
    for (int o = 0; o < GK_LIFECYCLE_OUTCOME_COUNT; o++)
        cr_assert_eq((int)gk_lifecycle_outcome_from_name(gk_lifecycle_outcome_name(o)),
                     o);
    cr_assert_str_eq(gk_lifecycle_outcome_name(GK_LIFECYCLE_FAILED), "failed");
    cr_assert_str_eq(gk_lifecycle_outcome_name(GK_LIFECYCLE_OUTCOME_COUNT), "unknown");
    cr_assert_eq(gk_lifecycle_outcome_from_name("FAILED"), GK_LIFECYCLE_OUTCOME_COUNT);
    cr_assert_eq(gk_lifecycle_outcome_from_name(NULL), GK_LIFECYCLE_OUTCOME_COUNT);
}

struct probe {
    int64_t t;
    enum gk_msg_status status;
    int64_t entered, next;
};

static void walk(const struct gk_lifecycle_plan *plan, const struct probe *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t entered = -1, next = -1;
        enum gk_msg_status s = gk_lifecycle_status_at(plan, p[i].t, &entered, &next);
        cr_assert_eq(s, p[i].status, "t=%lld: %s, expected %s", (long long)p[i].t,
                     gk_types_msg_status_name(s), gk_types_msg_status_name(p[i].status));
        cr_assert_eq(entered, p[i].entered, "t=%lld: entered %lld", (long long)p[i].t,
                     (long long)entered);
        cr_assert_eq(next, p[i].next, "t=%lld: next %lld", (long long)p[i].t,
                     (long long)next);
        cr_assert_eq(gk_lifecycle_status_at(plan, p[i].t, NULL, NULL), s);
    }
}

/* start 1000; SUB 100, FM 200, FC 300, AAI 400, PW 50, EQ 500 */
static struct gk_lifecycle_spec base_spec(enum gk_lifecycle_outcome o)
{
    struct gk_lifecycle_spec s = {.outcome = o, .start_us = 1000};
    const int64_t dwell[GK_LIFECYCLE_RUNNING_COUNT] = {100, 200, 300, 400, 50, 500};
    memcpy(s.dwell_us, dwell, sizeof dwell);
    return s;
}

static void plan_ok(struct gk_lifecycle_plan *plan, const struct gk_lifecycle_spec *spec)
{
    struct gk_err err = {0};
    cr_assert_eq(gk_lifecycle_plan(plan, spec, &err), GK_OK, "%s", err.msg);
}

Test(lifecycle, a_completed_sql_answer_walks_every_status_then_expires)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_COMPLETED_SQL);
    spec.dwell_us[PW] = 0; /* warehouse already up: skipped */
    spec.expire_after_us = 10000;
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    static const struct probe p[] = {
        {-5, SUB, 1000, 1100}, /* before the start: the first status */
        {999, SUB, 1000, 1100},         {1000, SUB, 1000, 1100},
        {1099, SUB, 1000, 1100},        {1100, FM, 1100, 1300},
        {1299, FM, 1100, 1300},         {1300, FC, 1300, 1600},
        {1599, FC, 1300, 1600},         {1600, AAI, 1600, 2000},
        {1999, AAI, 1600, 2000},        {2000, EQ, 2000, 2500},
        {2499, EQ, 2000, 2500},         {2500, DONE, 2500, 12500},
        {12499, DONE, 2500, 12500},     {12500, QRE, 12500, NEVER},
        {INT64_MAX, QRE, 12500, NEVER},
    };
    walk(&plan, p, sizeof p / sizeof p[0]);
    cr_assert_null(gk_lifecycle_error_type(&plan));
}

Test(lifecycle, a_waiting_warehouse_shows_pending_warehouse)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_COMPLETED_SQL);
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    static const struct probe p[] = {
        {1999, AAI, 1600, 2000},   {2000, PW, 2000, 2050},
        {2049, PW, 2000, 2050},    {2050, EQ, 2050, 2550},
        {2550, DONE, 2550, NEVER}, {INT64_MAX, DONE, 2550, NEVER},
    };
    walk(&plan, p, sizeof p / sizeof p[0]);
}

Test(lifecycle, a_text_only_answer_completes_from_asking_ai)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_COMPLETED_TEXT);
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    static const struct probe p[] = {
        {1600, AAI, 1600, 2000},
        {1999, AAI, 1600, 2000},
        {2000, DONE, 2000, NEVER},
        {1000000, DONE, 2000, NEVER},
    };
    walk(&plan, p, sizeof p / sizeof p[0]);
    cr_assert_eq(plan.nsteps, 5);
}

Test(lifecycle, a_failed_message_fails_from_its_chosen_status_with_its_error_type)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_FAILED);
    spec.at = EQ;
    char type[] = "SQL_EXECUTION_EXCEPTION";
    spec.error_type = type;
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    type[0] = 'X'; /* the plan keeps its own copy */
    static const struct probe p[] = {
        {2000, PW, 2000, 2050},
        {2050, EQ, 2050, 2550},
        {2549, EQ, 2050, 2550},
        {2550, FAIL, 2550, NEVER},
    };
    walk(&plan, p, sizeof p / sizeof p[0]);
    cr_assert_str_eq(gk_lifecycle_error_type(&plan), "SQL_EXECUTION_EXCEPTION");

    spec.at = SUB;
    spec.error_type = "CONTENT_FILTER_EXCEPTION";
    plan_ok(&plan, &spec);
    static const struct probe q[] = {
        {1000, SUB, 1000, 1100},
        {1100, FAIL, 1100, NEVER},
    };
    walk(&plan, q, sizeof q / sizeof q[0]);
    cr_assert_eq(plan.nsteps, 2);
}

Test(lifecycle, a_cancelled_message_stops_at_its_chosen_status)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_CANCELLED);
    spec.at = FC;
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    static const struct probe p[] = {
        {1300, FC, 1300, 1600},
        {1599, FC, 1300, 1600},
        {1600, CANC, 1600, NEVER},
    };
    walk(&plan, p, sizeof p / sizeof p[0]);
    cr_assert_null(gk_lifecycle_error_type(&plan));

    spec.error_type = "MESSAGE_CANCELLED_WHILE_EXECUTING_EXCEPTION";
    plan_ok(&plan, &spec);
    cr_assert_str_eq(gk_lifecycle_error_type(&plan), spec.error_type);
}

Test(lifecycle, a_stuck_message_never_reaches_a_terminal_status)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_STUCK);
    spec.at = AAI;
    spec.dwell_us[AAI] = 0; /* its own dwell does not matter: it stays */
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    static const struct probe p[] = {
        {1599, FC, 1300, 1600},
        {1600, AAI, 1600, NEVER},
        {INT64_MAX, AAI, 1600, NEVER},
    };
    walk(&plan, p, sizeof p / sizeof p[0]);

    spec.at = SUB;
    plan_ok(&plan, &spec);
    static const struct probe q[] = {{1000, SUB, 1000, NEVER},
                                     {INT64_MAX, SUB, 1000, NEVER}};
    walk(&plan, q, sizeof q / sizeof q[0]);
}

Test(lifecycle, zero_dwell_times_skip_statuses_only_forward)
{
    struct gk_lifecycle_spec spec = {.outcome = GK_LIFECYCLE_COMPLETED_SQL,
                                     .start_us = 0};
    spec.dwell_us[FC] = 10;
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    cr_assert_eq(plan.nsteps, 2);
    static const struct probe p[] = {{0, FC, 0, 10}, {10, DONE, 10, NEVER}};
    walk(&plan, p, sizeof p / sizeof p[0]);

    memset(spec.dwell_us, 0, sizeof spec.dwell_us);
    plan_ok(&plan, &spec);
    static const struct probe q[] = {{0, DONE, 0, NEVER}}; /* an instant answer */
    walk(&plan, q, sizeof q / sizeof q[0]);
}

Test(lifecycle, bad_plans_are_refused_with_the_field_named)
{
    static const struct {
        enum gk_lifecycle_outcome outcome;
        enum gk_msg_status at;
        const char *error_type;
        int dwell_index;
        int64_t dwell, expire, start;
        const char *msg_prefix;
    } cases[] = {
        {GK_LIFECYCLE_COMPLETED_SQL, SUB, NULL, AAI, -1, 0, 0, "dwell_us[ASKING_AI]:"},
        {GK_LIFECYCLE_COMPLETED_SQL, SUB, NULL, SUB, INT64_MIN, 0, 0,
         "dwell_us[SUBMITTED]:"},
        {GK_LIFECYCLE_STUCK, DONE, NULL, SUB, 1, 0, 0, "at:"},
        {GK_LIFECYCLE_STUCK, QRE, NULL, SUB, 1, 0, 0, "at:"},
        {GK_LIFECYCLE_STUCK, UNK, NULL, SUB, 1, 0, 0, "at:"},
        {GK_LIFECYCLE_FAILED, DONE, "X", SUB, 1, 0, 0, "at:"},
        {GK_LIFECYCLE_FAILED, FAIL, "X", SUB, 1, 0, 0, "at:"},
        {GK_LIFECYCLE_CANCELLED, CANC, NULL, SUB, 1, 0, 0, "at:"},
        {GK_LIFECYCLE_CANCELLED, (enum gk_msg_status) - 3, NULL, SUB, 1, 0, 0, "at:"},
        {GK_LIFECYCLE_FAILED, PW, "X", PW, 0, 0, 0, "dwell_us[PENDING_WAREHOUSE]:"},
        {GK_LIFECYCLE_FAILED, EQ, NULL, EQ, 1, 0, 0, "error_type:"},
        {GK_LIFECYCLE_FAILED, EQ, "", EQ, 1, 0, 0, "error_type:"},
        {GK_LIFECYCLE_FAILED, EQ, "sql_execution", EQ, 1, 0, 0, "error_type:"},
        {GK_LIFECYCLE_FAILED, EQ, "A B", EQ, 1, 0, 0, "error_type:"},
        {GK_LIFECYCLE_FAILED, EQ,
         "A123456789012345678901234567890123456789012345678901234567890123", EQ, 1, 0, 0,
         "error_type:"},
        {GK_LIFECYCLE_COMPLETED_SQL, SUB, "SQL_EXECUTION_EXCEPTION", SUB, 1, 0, 0,
         "error_type:"},
        {GK_LIFECYCLE_STUCK, AAI, "X", SUB, 1, 0, 0, "error_type:"},
        {GK_LIFECYCLE_COMPLETED_SQL, SUB, NULL, SUB, 1, -1, 0, "expire_after_us:"},
        {GK_LIFECYCLE_COMPLETED_TEXT, SUB, NULL, SUB, 1, 5, 0, "expire_after_us:"},
        {GK_LIFECYCLE_FAILED, SUB, "X", SUB, 1, 5, 0, "expire_after_us:"},
        {GK_LIFECYCLE_COMPLETED_SQL, SUB, NULL, EQ, INT64_MAX, 0, 1000, "dwell_us["},
        {GK_LIFECYCLE_COMPLETED_SQL, SUB, NULL, SUB, 1, INT64_MAX, 1000,
         "expire_after_us:"},
        {GK_LIFECYCLE_OUTCOME_COUNT, SUB, NULL, SUB, 1, 0, 0, "outcome:"},
        {(enum gk_lifecycle_outcome) - 1, SUB, NULL, SUB, 1, 0, 0, "outcome:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gk_lifecycle_spec spec = base_spec(cases[i].outcome);
        spec.at = cases[i].at;
        spec.error_type = cases[i].error_type;
        spec.dwell_us[cases[i].dwell_index] = cases[i].dwell;
        spec.expire_after_us = cases[i].expire;
        spec.start_us = cases[i].start;
        struct gk_lifecycle_plan plan;
        memset(&plan, 0x5c, sizeof plan);
        struct gk_err err = {0};
        cr_assert_eq(gk_lifecycle_plan(&plan, &spec, &err), GK_INVALID_PARAMETER_VALUE,
                     "case %zu", i);
        cr_assert(strncmp(err.msg, cases[i].msg_prefix, strlen(cases[i].msg_prefix)) == 0,
                  "case %zu: %s", i, err.msg);
        const unsigned char *b = (const unsigned char *)&plan;
        for (size_t k = 0; k < sizeof plan; k++)
            cr_assert_eq(b[k], 0x5c, "case %zu: plan written on error", i);
        cr_assert_eq(gk_lifecycle_plan(&plan, &spec, NULL), GK_INVALID_PARAMETER_VALUE,
                     "case %zu without an error record", i);
    }
}

Test(lifecycle, an_expired_result_can_be_re_run_and_expire_again)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_COMPLETED_SQL);
    spec.expire_after_us = 10000; /* COMPLETED at 2550, expired at 12550 */
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    struct gk_err err = {0};
    cr_assert_eq(gk_lifecycle_rerun(&plan, 20000, 700, 5000, &err), GK_OK, "%s", err.msg);
    cr_assert_eq(plan.reruns, 1);
    static const struct probe p[] = {
        {12550, QRE, 12550, 20000},  {19999, QRE, 12550, 20000},
        {20000, EQ, 20000, 20700},   {20699, EQ, 20000, 20700},
        {20700, DONE, 20700, 25700}, {25700, QRE, 25700, NEVER},
    };
    walk(&plan, p, sizeof p / sizeof p[0]);

    /* re-run at the very moment it expires; this time it never expires */
    cr_assert_eq(gk_lifecycle_rerun(&plan, 25700, 300, 0, &err), GK_OK, "%s", err.msg);
    static const struct probe q[] = {
        {25699, DONE, 20700, 25700},
        {25700, EQ, 25700, 26000},
        {26000, DONE, 26000, NEVER},
        {INT64_MAX, DONE, 26000, NEVER},
    };
    walk(&plan, q, sizeof q / sizeof q[0]);
    for (int i = 1; i < plan.nsteps; i++)
        cr_assert(
            gk_lifecycle_can_transition(plan.steps[i - 1].status, plan.steps[i].status));
}

Test(lifecycle, re_run_is_refused_unless_the_result_has_expired)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_COMPLETED_SQL);
    spec.expire_after_us = 10000;
    struct gk_lifecycle_plan plan, before;
    plan_ok(&plan, &spec);
    cr_assert_eq(gk_lifecycle_rerun(&plan, 30000, 100, 100, NULL), GK_OK);
    before = plan; /* expired again at 30200 */
    static const struct {
        int64_t now, executing, expire;
        enum gk_rc rc;
        const char *field;
    } cases[] = {
        {30199, 100, 100, GK_INVALID_STATE, "status:"}, /* COMPLETED */
        {2000, 100, 100, GK_INVALID_STATE, "status:"},  /* PENDING_WAREHOUSE */
        {20000, 100, 100, GK_INVALID_STATE,
         "now_us:"}, /* expired, but before the re-run */
        {40000, 0, 100, GK_INVALID_PARAMETER_VALUE, "executing_us:"},
        {40000, -1, 100, GK_INVALID_PARAMETER_VALUE, "executing_us:"},
        {40000, 100, -1, GK_INVALID_PARAMETER_VALUE, "expire_after_us:"},
        {40000, INT64_MAX, 0, GK_INVALID_PARAMETER_VALUE, "executing_us:"},
        {40000, 100, INT64_MAX, GK_INVALID_PARAMETER_VALUE, "expire_after_us:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gk_err err = {0};
        cr_assert_eq(gk_lifecycle_rerun(&plan, cases[i].now, cases[i].executing,
                                        cases[i].expire, &err),
                     cases[i].rc, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].field) == err.msg, "case %zu: %s", i, err.msg);
        cr_assert(memcmp(&plan, &before, sizeof plan) == 0, "case %zu: plan changed", i);
    }

    struct gk_lifecycle_spec text = base_spec(GK_LIFECYCLE_COMPLETED_TEXT);
    plan_ok(&plan, &text);
    cr_assert_eq(gk_lifecycle_rerun(&plan, INT64_MAX, 1, 1, NULL), GK_INVALID_STATE);
}

Test(lifecycle, many_re_runs_forget_the_oldest_but_keep_the_present_exact)
{
    struct gk_lifecycle_spec spec = base_spec(GK_LIFECYCLE_COMPLETED_SQL);
    spec.expire_after_us = 1000; /* expired at 3550 */
    struct gk_lifecycle_plan plan;
    plan_ok(&plan, &spec);
    int64_t t = 5000;
    for (int n = 1; n <= 50; n++, t += 5000) {
        struct gk_err err = {0};
        cr_assert_eq(gk_lifecycle_rerun(&plan, t, 100, 1000, &err), GK_OK,
                     "re-run %d: %s", n, err.msg);
        cr_assert_leq(plan.nsteps, GK_LIFECYCLE_STEPS_MAX);
        cr_assert_eq(plan.reruns, n);
        static const int64_t offsets[] = {0, 99, 100, 1099, 1100};
        static const enum gk_msg_status want[] = {EQ, EQ, DONE, DONE, QRE};
        for (size_t k = 0; k < 5; k++)
            cr_assert_eq(gk_lifecycle_status_at(&plan, t + offsets[k], NULL, NULL),
                         want[k], "re-run %d, +%lld", n, (long long)offsets[k]);
        for (int i = 1; i < plan.nsteps; i++) {
            cr_assert(gk_lifecycle_can_transition(plan.steps[i - 1].status,
                                                  plan.steps[i].status),
                      "re-run %d step %d", n, i);
            cr_assert_leq(plan.steps[i - 1].enter_us, plan.steps[i].enter_us);
        }
    }
    /* the first plan is never forgotten */
    static const struct probe p[] = {{1000, SUB, 1000, 1100}, {2550, DONE, 2550, 3550}};
    walk(&plan, p, sizeof p / sizeof p[0]);
}

/* ---- property: random plans always obey the transition rules ----------- */

static struct gk_lifecycle_spec random_spec(struct gk_rng *rng)
{
    static const char *const types[] = {"SQL_EXECUTION_EXCEPTION",
                                        "TABLES_MISSING_EXCEPTION",
                                        "CONTENT_FILTER_EXCEPTION"};
    struct gk_lifecycle_spec s = {0};
    s.outcome = (enum gk_lifecycle_outcome)gk_rng_below(rng, GK_LIFECYCLE_OUTCOME_COUNT);
    s.start_us = gk_rng_range(rng, -1000000, 1000000000);
    for (int i = 0; i < GK_LIFECYCLE_RUNNING_COUNT; i++)
        s.dwell_us[i] = gk_rng_chance(rng, 0.25) ? 0 : gk_rng_range(rng, 1, 20000000);
    s.at = (enum gk_msg_status)gk_rng_below(rng, GK_LIFECYCLE_RUNNING_COUNT);
    if (s.outcome == GK_LIFECYCLE_FAILED || s.outcome == GK_LIFECYCLE_CANCELLED) {
        if (s.dwell_us[s.at] == 0)
            s.dwell_us[s.at] = 1;
        if (s.outcome == GK_LIFECYCLE_FAILED || gk_rng_chance(rng, 0.5))
            s.error_type = types[gk_rng_below(rng, 3)];
    }
    if (s.outcome == GK_LIFECYCLE_COMPLETED_SQL && gk_rng_chance(rng, 0.7))
        s.expire_after_us = gk_rng_range(rng, 1, 3600000000);
    return s;
}

static void check_timeline(const struct gk_lifecycle_plan *plan, uint64_t seed)
{
    cr_assert_gt(plan->nsteps, 0);
    for (int i = 1; i < plan->nsteps; i++) {
        const struct gk_lifecycle_step *a = &plan->steps[i - 1], *b = &plan->steps[i];
        cr_assert(gk_lifecycle_can_transition(a->status, b->status),
                  "seed %llu: %s -> %s", (unsigned long long)seed,
                  gk_types_msg_status_name(a->status),
                  gk_types_msg_status_name(b->status));
        cr_assert_leq(a->enter_us, b->enter_us, "seed %llu", (unsigned long long)seed);
        if (i < plan->base_steps)
            cr_assert_lt(a->enter_us, b->enter_us, "seed %llu: an invisible status",
                         (unsigned long long)seed);
        /* what a poll sees at and just before each change */
        int64_t entered, next;
        cr_assert_eq(gk_lifecycle_status_at(plan, b->enter_us, &entered, &next),
                     b->status);
        cr_assert_eq(entered, b->enter_us);
        cr_assert_eq(next, i + 1 < plan->nsteps ? plan->steps[i + 1].enter_us : NEVER);
        if (a->enter_us < b->enter_us)
            cr_assert_eq(gk_lifecycle_status_at(plan, b->enter_us - 1, NULL, NULL),
                         a->status);
    }
}

Test(lifecycle, random_plans_only_make_legal_transitions)
{
    int reruns = 0, longest = 0;
    for (uint64_t seed = 1; seed <= 5000; seed++) {
        struct gk_rng rng;
        gk_rng_init(&rng, seed);
        struct gk_lifecycle_spec spec = random_spec(&rng);
        struct gk_lifecycle_plan plan;
        struct gk_err err = {0};
        cr_assert_eq(gk_lifecycle_plan(&plan, &spec, &err), GK_OK, "seed %llu: %s",
                     (unsigned long long)seed, err.msg);
        check_timeline(&plan, seed);

        /* the last status is the outcome's */
        enum gk_msg_status last = plan.steps[plan.nsteps - 1].status;
        switch (spec.outcome) {
        case GK_LIFECYCLE_COMPLETED_SQL:
            cr_assert_eq(last, spec.expire_after_us > 0 ? QRE : DONE);
            break;
        case GK_LIFECYCLE_COMPLETED_TEXT:
            cr_assert_eq(last, DONE);
            for (int i = 0; i < plan.nsteps; i++)
                cr_assert(plan.steps[i].status != PW && plan.steps[i].status != EQ,
                          "a text answer runs no SQL");
            break;
        case GK_LIFECYCLE_FAILED:
        case GK_LIFECYCLE_CANCELLED:
            cr_assert_eq(last, spec.outcome == GK_LIFECYCLE_FAILED ? FAIL : CANC);
            cr_assert_eq(plan.steps[plan.nsteps - 2].status, spec.at);
            break;
        default:
            cr_assert_eq(last, spec.at);
            cr_assert_not(gk_lifecycle_is_terminal(last));
            break;
        }

        /* expired results: a random series of re-runs */
        int64_t t = plan.steps[plan.nsteps - 1].enter_us;
        while (gk_lifecycle_status_at(&plan, t, NULL, NULL) == QRE &&
               gk_rng_chance(&rng, 0.95)) {
            t += gk_rng_range(&rng, 0, 1000000);
            int64_t expire =
                gk_rng_chance(&rng, 0.03) ? 0 : gk_rng_range(&rng, 1, 1000000);
            cr_assert_eq(gk_lifecycle_rerun(&plan, t, gk_rng_range(&rng, 1, 1000000),
                                            expire, &err),
                         GK_OK, "seed %llu: %s", (unsigned long long)seed, err.msg);
            reruns++;
            t = plan.steps[plan.nsteps - 1].enter_us;
            check_timeline(&plan, seed);
        }
        longest = plan.reruns > longest ? plan.reruns : longest;
    }
    cr_assert_gt(reruns, 5000, "the property must exercise re-runs (%d)", reruns);
    cr_assert_gt(longest, 3 * (GK_LIFECYCLE_STEPS_MAX - 8) / RERUN_STEPS_FOR_TEST,
                 "and plans long enough to forget old re-runs (%d)", longest);
}
