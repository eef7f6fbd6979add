/*
 * gen_e2e: genie-gen (gen_run, in-process) against an in-process genie-mock
 * on a scaled clock, under the happy, flaky, rate-limited,
 * token-expiry-mid-poll and overload scenarios. Each test checks what the
 * issue promises, from genie-gen's records and from the mock's journal:
 *
 *   - every planned question ends in exactly one record, with a documented
 *     outcome;
 *   - no workspace gets more than the configured questions (question POSTs,
 *     retries included) in any 60 s window: of genie-gen's clock (its
 *     summary), and of the mock's (its journal, allowing E2E_JITTER_REAL_US
 *     of real-time jitter per POST, see gen_e2e.h);
 *   - no message is polled past the poll budget counted from its POST;
 *   - a 4xx other than 429 is never repeated;
 *   - a Retry-After is waited out: no question POST to the workspace (no
 *     poll of the message) before it elapsed, on the mock's clock.
 *
 * Resuming after a kill is in test_gen_e2e_resume.c.
 */
#include "generator/config.h"
#include "generator/plan.h"
#include "tests/gk_test.h"
#include "tests/integration/gen_e2e.h"
#include "tests/integration/mock_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(gen_e2e, .init = e2e_watchdog);

/* One run and what it left. */
struct ran {
    struct e2e e;
    struct gen_config cfg;
    struct gen_plan plan;
    struct e2e_records rs;
    struct e2e_events evs;
    int rate; /* questions per 60 s per workspace, as configured */
};

static void expect_rate_kept(const struct ran *r);
static void expect_polls_within_budget(const struct ran *r);

/* Runs genie-gen once against `scenario` (with the fault rules `arm` added:
 * NULL-terminated, or NULL) and checks what every run must hold: one record
 * per planned question, the rate in every window, and the poll budget. */
static void run_armed(struct ran *r, const char *scenario, double scale, bool oauth,
                      const char *const *more, const char *const *arm)
{
    struct gk_err err = {0};
    memset(r, 0, sizeof *r);
    e2e_start(&r->e, scenario, scale);
    for (size_t i = 0; arm != NULL && arm[i] != NULL; i++)
        h_arm(r->e.m, arm[i]);
    e2e_write_config(&r->e, oauth, NULL);
    e2e_load(&r->e, &r->cfg, more);
    r->rate = (int)r->cfg.rate_per_min;
    cr_assert_eq(e2e_run(&r->e, &r->cfg, NULL, &err), GK_OK, "%s", gk_err_str(&err));
    e2e_plan(&r->e, &r->cfg, &r->plan);
    e2e_records_read(r->e.output, &r->rs);
    e2e_events_read(r->e.m, &r->evs);
    e2e_expect_one_record_each(&r->rs, &r->plan);
    expect_rate_kept(r);
    expect_polls_within_budget(r);
}

static void run(struct ran *r, const char *scenario, double scale, bool oauth,
                const char *const *more)
{
    run_armed(r, scenario, scale, oauth, more, NULL);
}

/* No workspace got more than the configured questions in any 60 s window:
 * as genie-gen counted them on its clock, and as the mock saw them arrive
 * (within E2E_JITTER_REAL_US, see gen_e2e.h). */
static void expect_rate_kept(const struct ran *r)
{
    int64_t jitter = (int64_t)(E2E_JITTER_REAL_US * r->e.scale);
    for (size_t i = 0; i < r->cfg.workspace_count; i++) {
        const char *ws = r->cfg.workspaces[i].workspace_id;
        int64_t at = 0, peak = e2e_summary_peak(&r->e, ws);
        int strict = e2e_max_questions_in_window(&r->evs, ws, E2E_WINDOW_US, NULL);
        int most = e2e_max_questions_in_window(&r->evs, ws, E2E_WINDOW_US - jitter, &at);
        cr_assert(peak >= 0 && peak <= r->rate,
                  "workspace %s: genie-gen counted %lld POSTs "
                  "in 60 s (rate %d)",
                  ws, (long long)peak, r->rate);
        cr_assert_leq(
            most, r->rate,
            "workspace %s got %d questions in the %.3f s from %.3f s (rate %d; %d in "
            "the full 60 s)",
            ws, most, (double)(E2E_WINDOW_US - jitter) / 1e6, (double)at / 1e6, r->rate,
            strict);
    }
}

/* No message is polled later than the poll budget (poll_timeout, 10
 * minutes) after its question POST reached the mock, within the jitter. */
static void expect_polls_within_budget(const struct ran *r)
{
    int64_t limit = r->cfg.poll_timeout_us + (int64_t)(E2E_JITTER_REAL_US * r->e.scale);
    for (size_t i = 0; i < r->evs.n; i++) {
        const struct e2e_event *a = &r->evs.ev[i];
        if (!a->question || a->status != 200 || a->message_id[0] == '\0')
            continue;
        for (size_t j = i + 1; j < r->evs.n; j++) {
            const struct e2e_event *b = &r->evs.ev[j];
            if (strcmp(b->route, "get_message") == 0 &&
                strcmp(b->message_id, a->message_id) == 0)
                cr_assert_leq(b->t_us - a->t_us, limit,
                              "message %s polled %.3f s after it was asked",
                              a->message_id, (double)(b->t_us - a->t_us) / 1e6);
        }
    }
}

static void done(struct ran *r)
{
    e2e_events_free(&r->evs);
    e2e_records_free(&r->rs);
    gen_plan_cleanup(&r->plan);
    gen_config_free(&r->cfg);
    e2e_stop(&r->e);
}

/* Question POSTs the journal holds (of one workspace, or all when NULL). */
static size_t questions(const struct e2e_events *evs, const char *ws, int status)
{
    size_t n = 0;
    for (size_t i = 0; i < evs->n; i++)
        n += evs->ev[i].question && (ws == NULL || strcmp(evs->ev[i].ws, ws) == 0) &&
             (status == 0 || evs->ev[i].status == status);
    return n;
}

/* No request answered with a 4xx other than 429 is sent again (polls and
 * query results: their path names the message; question POSTs share the
 * space's path, and none of these scenarios refuses one with a 4xx). */
static void expect_no_4xx_repeated(const struct e2e_events *evs)
{
    for (size_t i = 0; i < evs->n; i++) {
        const struct e2e_event *a = &evs->ev[i];
        if (a->status < 400 || a->status > 499 || a->status == 429 || a->question)
            continue;
        for (size_t j = i + 1; j < evs->n; j++)
            cr_assert(strcmp(evs->ev[j].path, a->path) != 0 ||
                          strcmp(evs->ev[j].method, a->method) != 0,
                      "%s %s sent again at %.3f s after a %d at %.3f s", a->method,
                      a->path, (double)evs->ev[j].t_us / 1e6, a->status,
                      (double)a->t_us / 1e6);
    }
}

/* A fault rule of the scenario and the Retry-After it sends. */
struct ra_rule {
    const char *fault;
    int64_t seconds;
};

/* The Retry-After (s) event e carried, or 0: the mock's own throttling
 * says it in the message ("Retry after N seconds."), fault rules per the
 * scenario's table. */
static int64_t retry_after_s(const struct e2e_event *e, const struct ra_rule *rules)
{
    const char *p = strstr(e->error, "Retry after ");
    if (p != NULL)
        return strtoll(p + strlen("Retry after "), NULL, 10);
    for (size_t i = 0; rules != NULL && rules[i].fault != NULL; i++)
        if (strstr(e->error, rules[i].fault) == e->error)
            return rules[i].seconds;
    return 0;
}

/*
 * Every Retry-After is waited out, on the mock's clock: after a question
 * POST got one, the workspace gets no question POST before it elapsed
 * (when `whole_workspace`; else only that message's next try is checked:
 * a 503 holds the request that got it), and after a poll got one, that
 * message is not polled before. Returns how many Retry-Afters it checked.
 */
static size_t expect_retry_after_kept(const struct e2e_events *evs,
                                      const struct ra_rule *rules, int status,
                                      bool whole_workspace)
{
    size_t checked = 0;
    for (size_t i = 0; i < evs->n; i++) {
        const struct e2e_event *a = &evs->ev[i];
        int64_t ra = a->status == status ? retry_after_s(a, rules) : 0;
        if (ra <= 0)
            continue;
        checked++;
        int64_t until = a->t_us + ra * 1000000;
        for (size_t j = i + 1; j < evs->n; j++) {
            const struct e2e_event *b = &evs->ev[j];
            bool same = strcmp(a->ws, b->ws) == 0 &&
                        (a->question ? b->question && (whole_workspace ||
                                                       strcmp(a->path, b->path) == 0)
                                     : strcmp(a->path, b->path) == 0);
            if (!same)
                continue;
            cr_assert_geq(b->t_us, until,
                          "%s %s at %.3f s, %.3f s after a %d with Retry-After: %lld",
                          b->method, b->path, (double)b->t_us / 1e6,
                          (double)(b->t_us - a->t_us) / 1e6, a->status, (long long)ra);
            if (!whole_workspace || !a->question)
                break; /* the next try of that request is the one that waited */
        }
    }
    return checked;
}

Test(gen_e2e, asks_every_question_once_under_happy_and_the_client_report_is_clean)
{
    struct ran r;
    run(&r, "happy", E2E_SCALE, false,
        (const char *const[]){"--conversations", "4", NULL});
    cr_assert_eq(e2e_count_outcome(&r.rs, "terminal"), r.plan.count);
    for (size_t i = 0; i < r.rs.n; i++)
        cr_assert_eq(r.rs.r[i].rec.status, GK_MSG_COMPLETED, "%s", r.rs.r[i].rec.key);
    /* Nothing failed, so every question was POSTed exactly once. */
    cr_assert_eq(questions(&r.evs, NULL, 0), r.plan.count);
    cr_assert_eq(questions(&r.evs, NULL, 200), r.plan.count);
    char *report = NULL;
    int64_t violations = e2e_report(r.e.m, NULL, &report);
    cr_assert_eq(violations, 0, "the client report found genie-gen misbehaving: %s",
                 report);
    free(report);
    done(&r);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_e2e, ends_every_message_under_flaky_and_repeats_no_4xx)
{
    static const struct ra_rule rules[] = {{"The service is temporarily unavailable", 1},
                                           {NULL, 0}};
    struct ran r;
    run(&r, "flaky", E2E_SCALE, false,
        (const char *const[]){"--conversations", "2", NULL});
    expect_no_4xx_repeated(&r.evs);
    expect_retry_after_kept(&r.evs, rules, 503, false);
    /* The POSTs the mock refused with 503 were asked again, and only those. */
    cr_assert_eq(questions(&r.evs, NULL, 200) + e2e_count_outcome(&r.rs, "skipped"),
                 r.plan.count);
    done(&r);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_e2e, waits_out_every_429_under_rate_limited)
{
    struct ran r;
    /* genie-gen asks 4 a minute; this workspace allows 3. */
    run(&r, "rate-limited", E2E_SCALE, false,
        (const char *const[]){"--conversations", "2", NULL});
    size_t throttled = 0;
    for (size_t i = 0; i < r.evs.n; i++)
        throttled += r.evs.ev[i].question && r.evs.ev[i].status == 429;
    cr_assert_gt(throttled, 0,
                 "the mock never refused a question: the test tests nothing");
    cr_assert_eq(expect_retry_after_kept(&r.evs, NULL, 429, true) > 0, true);
    /* Every question was asked once (some conversations ended early). */
    cr_assert_eq(questions(&r.evs, NULL, 200) + e2e_count_outcome(&r.rs, "skipped"),
                 r.plan.count);
    cr_assert_eq(e2e_count_outcome(&r.rs, "terminal") +
                     e2e_count_outcome(&r.rs, "skipped"),
                 r.plan.count);
    expect_no_4xx_repeated(&r.evs);
    done(&r);
    GK_ASSERT_NO_LEAKS();
}

/* Calls of route answered with status. */
static size_t calls(const struct e2e_events *evs, const char *route, int status)
{
    size_t n = 0;
    for (size_t i = 0; i < evs->n; i++)
        n += strcmp(evs->ev[i].route, route) == 0 && evs->ev[i].status == status;
    return n;
}

/* Polls of message_id answered with status. */
static size_t polls(const struct e2e_events *evs, const char *message_id, int status)
{
    size_t n = 0;
    for (size_t i = 0; i < evs->n; i++)
        n += strcmp(evs->ev[i].route, "get_message") == 0 &&
             strcmp(evs->ev[i].message_id, message_id) == 0 &&
             evs->ev[i].status == status;
    return n;
}

/*
 * token-expiry-mid-poll: from its third poll on, every poll of a message
 * gets 401. A PAT cannot be renewed, so the 401 is final: the message is
 * recorded "rejected" with the server's message after its one 401, and its
 * conversation stops.
 */
Test(gen_e2e, records_a_401_on_a_poll_with_a_pat_as_rejected_without_asking_again)
{
    struct ran r;
    run(&r, "token-expiry-mid-poll", E2E_SCALE, false,
        (const char *const[]){"--conversations", "2", NULL});
    size_t rejected = 0;
    for (size_t i = 0; i < r.rs.n; i++) {
        const struct gen_record *rec = &r.rs.r[i].rec;
        if (strcmp(rec->outcome, "rejected") != 0)
            continue;
        rejected++;
        cr_assert(strstr(rec->error_message,
                         "Invalid access token: the token has expired") != NULL,
                  "%s: %s", rec->key, rec->error_message);
        cr_assert_str_eq(rec->error_type, "UNAUTHENTICATED");
        cr_assert_eq(polls(&r.evs, rec->message_id, 401), 1, "%s: %zu 401s", rec->key,
                     polls(&r.evs, rec->message_id, 401));
        cr_assert_eq(polls(&r.evs, rec->message_id, 200), 2);
    }
    /* Every start is answered later than its second poll, so all are. */
    cr_assert_eq(rejected, r.plan.conversations);
    cr_assert_eq(e2e_count_outcome(&r.rs, "skipped"),
                 r.plan.count - r.plan.conversations);
    expect_no_4xx_repeated(&r.evs);
    done(&r);
    GK_ASSERT_NO_LEAKS();
}

/* With OAuth the token is fetched again after the 401, and the poll tried
 * once more (it fails again here: the mock refuses every later poll). A
 * 401 met earlier by the message's question POST does not use up the
 * poll's retry: it is one per request. */
Test(gen_e2e, refreshes_an_oauth_token_once_after_a_401_on_a_poll)
{
    struct ran r;
    /* Tokens live 20 s of the mock's clock (0.5 s of real time at 40x);
     * at 2 questions a minute a workspace is idle longer than that between
     * a conversation's end and the next start, so its token is past due
     * (and expired) when the next question goes. */
    run_armed(
        &r, "token-expiry-mid-poll", 40, true,
        (const char *const[]){"--conversations", "1", "--rate", "2", NULL},
        (const char *const[]){
            "{\"name\": \"first-question-401\", \"match\": {\"route\": "
            "\"start_conversation\"}, \"trigger\": {\"first\": 1}, \"action\": "
            "{\"status\": 401, \"error_code\": \"UNAUTHENTICATED\"}}",
            "{\"name\": \"first-list-401\", \"match\": {\"route\": \"list_spaces\"}, "
            "\"trigger\": {\"first\": 1}, \"action\": {\"status\": 401, "
            "\"error_code\": \"UNAUTHENTICATED\"}}",
            NULL});
    cr_assert_eq(e2e_count_outcome(&r.rs, "rejected"), r.plan.conversations);
    for (size_t i = 0; i < r.rs.n; i++) {
        const struct gen_record *rec = &r.rs.r[i].rec;
        if (strcmp(rec->outcome, "rejected") == 0)
            cr_assert_eq(polls(&r.evs, rec->message_id, 401), 2, "%s", rec->key);
    }
    /* The question and the listing refused once were sent again with a new
     * token. */
    cr_assert_eq(questions(&r.evs, NULL, 401), 1);
    cr_assert_eq(calls(&r.evs, "list_spaces", 401), 1);
    cr_assert_eq(calls(&r.evs, "list_spaces", 200), r.cfg.workspace_count);
    size_t tokens = 0;
    for (size_t i = 0; i < r.evs.n; i++)
        tokens +=
            strcmp(r.evs.ev[i].route, "oidc_token") == 0 && r.evs.ev[i].status == 200;
    cr_assert_gt(tokens, r.cfg.workspace_count, "no token was fetched again");
    /* Tokens live 20 s here: one is never sent so close to its end that it
     * has expired when it arrives (the mock refuses only polls itself). */
    cr_assert_eq(questions(&r.evs, NULL, 401), 1,
                 "a question was sent with an expired token");
    done(&r);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_e2e, ends_every_message_under_overload_and_waits_out_429s_on_polls)
{
    static const struct ra_rule rules[] = {{"Too many requests. Please slow down.", 1},
                                           {"The service is overloaded", 2},
                                           {NULL, 0}};
    struct ran r;
    /* Its delays are real time (0.2 to 2 s): at 600x a delayed answer to a
     * question POST would come 20 minutes of the mock's time later, past
     * the whole poll budget; at 100x it is at most 200 s, as a slow
     * server's could be. */
    run(&r, "overload", 100, false, (const char *const[]){"--conversations", "1", NULL});
    cr_assert_gt(expect_retry_after_kept(&r.evs, rules, 429, false), 0);
    expect_retry_after_kept(&r.evs, rules, 503, false);
    expect_no_4xx_repeated(&r.evs);
    done(&r);
    GK_ASSERT_NO_LEAKS();
}

/* Listing the spaces is a run's first request: a passing 503 (or 429)
 * there is waited out and tried again, not the end of the run. */
Test(gen_e2e, lists_spaces_through_passing_errors)
{
    static const struct ra_rule rules[] = {{"Try again soon", 2}, {NULL, 0}};
    struct ran r;
    run_armed(&r, "default", E2E_SCALE, false,
              (const char *const[]){"--conversations", "1", NULL},
              (const char *const[]){
                  "{\"name\": \"list-503\", \"match\": {\"route\": \"list_spaces\"}, "
                  "\"trigger\": {\"first\": 5}, \"action\": {\"status\": 503, "
                  "\"retry_after_s\": 2, \"message\": \"Try again soon\"}}",
                  NULL});
    cr_assert_eq(calls(&r.evs, "list_spaces", 503), 5);
    cr_assert_eq(calls(&r.evs, "list_spaces", 200), r.cfg.workspace_count);
    cr_assert_eq(expect_retry_after_kept(&r.evs, rules, 503, false), 5);
    done(&r);
    GK_ASSERT_NO_LEAKS();
}

/* A question answered late (1 s of real time, a minute of the mock's at
 * 60x) whose message never ends: the poll budget counts from the POST,
 * not from its answer, so the message is not polled past it. */
Test(gen_e2e, counts_the_poll_budget_from_the_question_post)
{
    struct ran r;
    run_armed(&r, "happy", 60, false,
              (const char *const[]){"--conversations", "1", "--follow-ups-min", "0",
                                    "--follow-ups-max", "0", "--poll-timeout", "2m",
                                    NULL},
              (const char *const[]){
                  "{\"name\": \"late-and-stuck\", \"match\": {\"route\": "
                  "\"start_conversation\"}, \"action\": {\"delay\": \"1s\", \"outcome\": "
                  "\"stuck\"}}",
                  NULL});
    cr_assert_eq(r.rs.n, 1);
    cr_assert_str_eq(r.rs.r[0].rec.outcome, "timeout");
    done(&r);
    GK_ASSERT_NO_LEAKS();
}

/* --dry-run needs no credential, but listing spaces does: without one it
 * ends at once, naming what is missing (it used to wait 5 minutes for a
 * token that could not come). */
Test(gen_e2e, says_a_dry_run_without_credentials_cannot_list_spaces)
{
    struct e2e e;
    struct gen_config cfg;
    struct gk_err err = {0};
    e2e_start(&e, "happy", E2E_SCALE);
    FILE *f = fopen(e.config, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "{\"workspaces\": [{\"workspace_id\": \"1000000000000001\", "
            "\"host\": \"http://127.0.0.1:%u\"}]}\n",
            (unsigned)mock_port(e.m, 0));
    fclose(f);
    e2e_load(&e, &cfg, (const char *const[]){"--dry-run", NULL});
    cr_assert_eq(e2e_run(&e, &cfg, NULL, &err), GK_NETWORK_ERROR);
    cr_assert(strstr(err.msg, "no credential") != NULL, "%s", gk_err_str(&err));
    gen_config_free(&cfg);
    e2e_stop(&e);
    GK_ASSERT_NO_LEAKS();
}
