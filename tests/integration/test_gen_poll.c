/*
 * gen_poll: the poll schedule of one message (generator/poll.h), on a
 * manual clock: the doubling waits, the deadline, the stall detector.
 */
#include "generator/poll.h"
#include "tests/gk_test.h"

#include <string.h>

#define S(x) ((int64_t)(x)*1000000)

static struct gen_poll_policy defaults(void)
{
    struct gen_poll_policy pol;
    cr_assert_eq(gen_poll_policy_init(&pol, S(1), S(60), S(600), S(300), NULL), GK_OK);
    return pol;
}

/* Polls answered at once with a running status until the schedule ends;
 * returns the number of polls, their times (from the POST) in at[]. */
static size_t run_to_end(const struct gen_poll_policy *pol, int64_t posted, int64_t *at,
                         size_t max, enum gen_poll_step *last)
{
    struct gen_poll p;
    gen_poll_start(&p, pol, posted, GK_MSG_SUBMITTED);
    size_t n = 0;
    enum gen_poll_step step = GEN_POLL_AGAIN;
    while (step == GEN_POLL_AGAIN && n < max) {
        int64_t t = p.next_us;
        at[n++] = t - posted;
        step = gen_poll_seen(&p, t, GK_MSG_ASKING_AI, NULL);
    }
    *last = step;
    return n;
}

Test(gen_poll, waits_double_from_one_second_to_sixty_and_stay_there)
{
    struct gen_poll_policy pol = defaults();
    int64_t at[64];
    enum gen_poll_step last;
    size_t n = run_to_end(&pol, S(1000), at, 64, &last);
    /* Waits 1, 2, 4, 8, 16, 32, then 60 eight times, then the 57 s that
     * land the last poll on the 10-minute deadline. */
    const int64_t waits[] = {1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60, 57};
    size_t want = sizeof waits / sizeof waits[0];
    cr_assert_eq(n, want, "%zu polls", n);
    int64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(at[i] - prev, S(waits[i]), "wait %zu: %lld us", i,
                     (long long)(at[i] - prev));
        prev = at[i];
    }
    cr_assert_eq(at[n - 1], S(600), "the last poll lands on the deadline");
    cr_assert_eq(last, GEN_POLL_TIMEOUT);
}

Test(gen_poll, schedules_follow_the_policy)
{
    static const struct {
        int64_t first, cap, timeout;
        int64_t at[12]; /* poll times from the POST, in ms; 0 ends */
    } cases[] = {
        {S(1), S(60), S(20), {1000, 3000, 7000, 15000, 20000}},
        {S(2), S(5), S(20), {2000, 6000, 11000, 16000, 20000}},
        {S(5), S(5), S(15), {5000, 10000, 15000}},
        {S(10), S(60), S(4), {4000}}, /* first poll past the deadline: at it */
        {500000, S(2), S(5), {500, 1500, 3500, 5000}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct gen_poll_policy pol;
        cr_assert_eq(gen_poll_policy_init(&pol, cases[c].first, cases[c].cap,
                                          cases[c].timeout, 0, NULL),
                     GK_OK);
        int64_t at[64];
        enum gen_poll_step last;
        size_t n = run_to_end(&pol, 0, at, 64, &last);
        size_t want = 0;
        while (want < 12 && cases[c].at[want] != 0)
            want++;
        cr_assert_eq(n, want, "case %zu: %zu polls, want %zu", c, n, want);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(at[i], cases[c].at[i] * 1000, "case %zu poll %zu at %lld us", c,
                         i, (long long)at[i]);
        cr_assert_eq(last, GEN_POLL_TIMEOUT, "case %zu", c);
    }
}

Test(gen_poll, waits_count_from_when_the_answer_was_seen)
{
    struct gen_poll_policy pol = defaults();
    struct gen_poll p;
    gen_poll_start(&p, &pol, 0, GK_MSG_SUBMITTED);
    cr_assert_eq(p.next_us, S(1));
    /* The first poll's answer takes 3 s to arrive: the 2 s wait starts then. */
    cr_assert_eq(gen_poll_seen(&p, S(4), GK_MSG_ASKING_AI, NULL), GEN_POLL_AGAIN);
    cr_assert_eq(p.next_us, S(6));
    cr_assert_eq(p.polls, 1);
}

Test(gen_poll, terminal_statuses_end_polling_and_others_do_not)
{
    static const struct {
        enum gk_msg_status status;
        enum gen_poll_step step;
    } cases[] = {
        {GK_MSG_COMPLETED, GEN_POLL_DONE},
        {GK_MSG_FAILED, GEN_POLL_DONE},
        {GK_MSG_CANCELLED, GEN_POLL_DONE},
        {GK_MSG_QUERY_RESULT_EXPIRED, GEN_POLL_DONE},
        {GK_MSG_SUBMITTED, GEN_POLL_AGAIN},
        {GK_MSG_FETCHING_METADATA, GEN_POLL_AGAIN},
        {GK_MSG_FILTERING_CONTEXT, GEN_POLL_AGAIN},
        {GK_MSG_ASKING_AI, GEN_POLL_AGAIN},
        {GK_MSG_PENDING_WAREHOUSE, GEN_POLL_AGAIN},
        {GK_MSG_EXECUTING_QUERY, GEN_POLL_AGAIN},
        {GK_MSG_UNKNOWN, GEN_POLL_AGAIN},
    };
    struct gen_poll_policy pol = defaults();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_poll p;
        gen_poll_start(&p, &pol, 0, GK_MSG_SUBMITTED);
        enum gen_poll_step step = gen_poll_seen(&p, S(1), cases[i].status, NULL);
        cr_assert_eq(step, cases[i].step, "%s",
                     gk_types_msg_status_name(cases[i].status));
        cr_assert_eq(p.next_us == GEN_POLL_NEVER, step == GEN_POLL_DONE);
    }
}

Test(gen_poll, the_deadline_times_out_a_running_message_but_not_a_finished_one)
{
    struct gen_poll_policy pol = defaults();
    struct gen_poll p;
    /* A poll answered after the deadline: still running is a timeout ... */
    gen_poll_start(&p, &pol, 0, GK_MSG_SUBMITTED);
    cr_assert_eq(gen_poll_seen(&p, S(601), GK_MSG_EXECUTING_QUERY, NULL),
                 GEN_POLL_TIMEOUT);
    cr_assert_eq(p.next_us, GEN_POLL_NEVER);
    /* ... and nothing changes it afterwards. */
    cr_assert_eq(gen_poll_seen(&p, S(602), GK_MSG_COMPLETED, NULL), GEN_POLL_TIMEOUT);
    cr_assert_eq(p.status, GK_MSG_EXECUTING_QUERY);
    /* Finished at the deadline is finished. */
    gen_poll_start(&p, &pol, 0, GK_MSG_SUBMITTED);
    cr_assert_eq(gen_poll_seen(&p, S(600), GK_MSG_COMPLETED, NULL), GEN_POLL_DONE);
    cr_assert_eq(gen_poll_seen(&p, S(700), GK_MSG_ASKING_AI, NULL), GEN_POLL_DONE);
    cr_assert_eq(p.polls, 1);
    /* One microsecond before the deadline there is one more poll, on it. */
    gen_poll_start(&p, &pol, 0, GK_MSG_SUBMITTED);
    cr_assert_eq(gen_poll_seen(&p, S(600) - 1, GK_MSG_ASKING_AI, NULL), GEN_POLL_AGAIN);
    cr_assert_eq(p.next_us, S(600));
}

Test(gen_poll, a_failed_poll_keeps_the_schedule_and_the_status)
{
    struct gen_poll_policy pol = defaults();
    struct gen_poll p;
    gen_poll_start(&p, &pol, 0, GK_MSG_SUBMITTED);
    cr_assert_eq(gen_poll_seen(&p, S(1), GK_MSG_ASKING_AI, NULL), GEN_POLL_AGAIN);
    cr_assert_eq(gen_poll_failed(&p, S(3), NULL), GEN_POLL_AGAIN);
    cr_assert_eq(p.status, GK_MSG_ASKING_AI);
    cr_assert_eq(p.polls, 2);
    cr_assert_eq(p.next_us, S(7));
    cr_assert_eq(gen_poll_failed(&p, S(600), NULL), GEN_POLL_TIMEOUT);
}

Test(gen_poll, a_stall_is_reported_once_per_status)
{
    struct gen_poll_policy pol;
    cr_assert_eq(gen_poll_policy_init(&pol, S(1), S(60), S(3600), S(300), NULL), GK_OK);
    struct gen_poll p;
    gen_poll_start(&p, &pol, 0, GK_MSG_SUBMITTED);
    bool stalled = true;
    cr_assert_eq(gen_poll_seen(&p, S(10), GK_MSG_ASKING_AI, &stalled), GEN_POLL_AGAIN);
    cr_assert_not(stalled);
    /* ASKING_AI since 10 s: not stalled at 309.999999 s, stalled at 310 s. */
    gen_poll_seen(&p, S(310) - 1, GK_MSG_ASKING_AI, &stalled);
    cr_assert_not(stalled);
    gen_poll_seen(&p, S(310), GK_MSG_ASKING_AI, &stalled);
    cr_assert(stalled);
    gen_poll_seen(&p, S(400), GK_MSG_ASKING_AI, &stalled);
    cr_assert_not(stalled, "reported once");
    gen_poll_failed(&p, S(500), &stalled);
    cr_assert_not(stalled, "reported once, failed polls included");
    /* A new status re-arms the detector; failed polls keep its clock going. */
    gen_poll_seen(&p, S(600), GK_MSG_PENDING_WAREHOUSE, &stalled);
    cr_assert_not(stalled);
    gen_poll_failed(&p, S(899), &stalled);
    cr_assert_not(stalled);
    gen_poll_failed(&p, S(900), &stalled);
    cr_assert(stalled);
    cr_assert_eq(p.stalls, 2);
    /* A terminal status is never a stall, however long it took. */
    gen_poll_seen(&p, S(1300), GK_MSG_PENDING_WAREHOUSE, &stalled);
    cr_assert_not(stalled);
    cr_assert_eq(gen_poll_seen(&p, S(1400), GK_MSG_COMPLETED, &stalled), GEN_POLL_DONE);
    cr_assert_not(stalled);
}

Test(gen_poll, the_stall_clock_starts_at_the_post)
{
    struct gen_poll_policy pol;
    cr_assert_eq(gen_poll_policy_init(&pol, S(1), S(60), S(3600), S(120), NULL), GK_OK);
    struct gen_poll p;
    bool stalled;
    gen_poll_start(&p, &pol, S(50), GK_MSG_SUBMITTED);
    gen_poll_seen(&p, S(169), GK_MSG_SUBMITTED, &stalled);
    cr_assert_not(stalled);
    gen_poll_seen(&p, S(170), GK_MSG_SUBMITTED, &stalled);
    cr_assert(stalled);
}

Test(gen_poll, stall_reporting_can_be_turned_off)
{
    struct gen_poll_policy pol;
    cr_assert_eq(gen_poll_policy_init(&pol, S(1), S(60), S(3600), 0, NULL), GK_OK);
    struct gen_poll p;
    bool stalled;
    gen_poll_start(&p, &pol, 0, GK_MSG_ASKING_AI);
    for (int64_t t = S(60); t < S(3600); t += S(60)) {
        gen_poll_seen(&p, t, GK_MSG_ASKING_AI, &stalled);
        cr_assert_not(stalled);
    }
    cr_assert_eq(p.stalls, 0);
}

Test(gen_poll, policies_are_validated_by_field)
{
    static const struct {
        int64_t first, cap, timeout, stall;
        const char *field;
    } cases[] = {
        {0, S(60), S(600), 0, "first_poll_us: must be > 0, got 0"},
        {-1, S(60), S(600), 0, "first_poll_us"},
        {S(2), S(1), S(600), 0, "max_poll_interval_us: must be >= first_poll_us"},
        {S(1), S(60), 0, 0, "poll_timeout_us: must be > 0, got 0"},
        {S(1), S(60), S(600), -5, "stall_us: must be >= 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_poll_policy pol;
        memset(&pol, 0x5a, sizeof pol);
        struct gen_poll_policy before = pol;
        struct gk_err err = {0};
        cr_assert_eq(gen_poll_policy_init(&pol, cases[i].first, cases[i].cap,
                                          cases[i].timeout, cases[i].stall, &err),
                     GK_BAD_CONFIG, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].field) != NULL, "case %zu: %s", i, err.msg);
        cr_assert(memcmp(&pol, &before, sizeof pol) == 0, "case %zu: untouched", i);
    }
}

Test(gen_poll, the_policy_comes_from_the_config)
{
    struct gen_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.first_poll_us = S(2);
    cfg.max_poll_interval_us = S(30);
    cfg.poll_timeout_us = S(120);
    cfg.stall_us = S(40);
    struct gen_poll_policy pol;
    cr_assert_eq(gen_poll_policy_from_config(&pol, &cfg, NULL), GK_OK);
    cr_assert_eq(pol.backoff.base_us, S(2));
    cr_assert_eq(pol.backoff.cap_us, S(30));
    cr_assert_eq(pol.backoff.budget_us, S(120));
    cr_assert_not(pol.backoff.jitter);
    cr_assert_eq(pol.stall_us, S(40));
    cfg.max_poll_interval_us = S(1);
    struct gk_err err = {0};
    cr_assert_eq(gen_poll_policy_from_config(&pol, &cfg, &err), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "max_poll_interval_us") != NULL, "%s", err.msg);
}

Test(gen_poll, an_answer_is_seen_at_the_first_poll_after_it)
{
    static const struct {
        int64_t answer_ms, seen_ms;
    } cases[] = {
        {-5000, 1000},    {0, 1000},        {1000, 1000},    {1001, 3000},
        {16000, 31000},   {31000, 31000},   {64000, 123000}, {500000, 543000},
        {543001, 600000}, {600000, 600000}, {600001, -1},    {10000000, -1},
    };
    struct gen_poll_policy pol = defaults();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t seen = gen_poll_seen_after_us(&pol, cases[i].answer_ms * 1000);
        int64_t want = cases[i].seen_ms < 0 ? -1 : cases[i].seen_ms * 1000;
        cr_assert_eq(seen, want, "answer %lld ms: seen %lld us",
                     (long long)cases[i].answer_ms, (long long)seen);
    }
    /* A tiny cap and a long timeout do not make it loop for ever. */
    struct gen_poll_policy tiny;
    cr_assert_eq(gen_poll_policy_init(&tiny, 1, 1, INT64_MAX / 2, 0, NULL), GK_OK);
    cr_assert_eq(gen_poll_seen_after_us(&tiny, INT64_MAX / 4), INT64_MAX / 4);
}

Test(gen_poll, times_near_the_end_of_the_clock_do_not_overflow)
{
    struct gen_poll_policy pol;
    cr_assert_eq(gen_poll_policy_init(&pol, S(1), S(60), INT64_MAX, S(1), NULL), GK_OK);
    struct gen_poll p;
    gen_poll_start(&p, &pol, INT64_MAX - S(2), GK_MSG_SUBMITTED);
    cr_assert_eq(p.next_us, INT64_MAX - S(1));
    cr_assert_eq(gen_poll_seen(&p, p.next_us, GK_MSG_ASKING_AI, NULL), GEN_POLL_AGAIN);
    cr_assert_eq(p.next_us, INT64_MAX - 1, "saturated, and still not GEN_POLL_NEVER");
    cr_assert_eq(gen_poll_seen(&p, p.next_us, GK_MSG_ASKING_AI, NULL), GEN_POLL_AGAIN);
    /* An elapsed time past INT64_MAX saturates, and is past any deadline. */
    gen_poll_start(&p, &pol, INT64_MIN, GK_MSG_SUBMITTED);
    cr_assert_eq(gen_poll_seen(&p, INT64_MAX - 1, GK_MSG_ASKING_AI, NULL),
                 GEN_POLL_TIMEOUT);
}
