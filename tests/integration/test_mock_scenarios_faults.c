/*
 * The scenario catalogue, continued: the scenarios whose point is a fault or
 * a limit (flaky, overload, rate-limited, token-expiry-mid-poll,
 * permission-revoked), asserted over HTTP as README.md's table describes
 * them. Suite mock_scenarios (with test_mock_scenarios.c).
 *
 * Fault rates are drawn from the seed, so the counts are the same on every
 * run; the ranges asserted are the documented rate with room for any seed.
 * Latency faults are real time on the wire, and tests never wait: their
 * rules are disarmed for the HTTP runs (DELETE /__admin/faults/{name}) and
 * their rate and bounds read from the dispatcher called without a socket
 * (mock_api_handle), where the delay it asks for is visible and nothing
 * waits for it.
 */
#include "tests/gk_test.h"
#include "tests/integration/mock_client.h"
#include "tests/integration/mock_default.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEC INT64_C(1000)

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double share(int64_t part, int64_t whole)
{
    cr_assert_gt(whole, 0);
    return (double)part / (double)whole;
}

static void disarm(struct mock *m, const char *rule)
{
    char path[128];
    snprintf(path, sizeof path, "/__admin/faults/%s", rule);
    struct h_reply r = h_admin(m, "DELETE", path, NULL);
    cr_assert_eq(r.status, 200, "disarm %s: %ld %s", rule, r.status, r.body);
    h_free(&r);
}

static const char *direct_header(const struct mock_request *req, const char *name)
{
    return strcasecmp(name, "Authorization") == 0 ? req->header_ctx : NULL;
}

/* One GET answered by the dispatcher without a socket; the latency a fault
 * asked for comes back in *delay_us (nothing waits for it). */
static int direct_get(struct mock *m, size_t ws, const char *path, const char *token,
                      int64_t *delay_us)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", token);
    struct mock_request req = {.method = "GET",
                               .method_id = GK_HTTP_GET,
                               .path = path,
                               .path_len = strlen(path),
                               .query = "",
                               .remote_ip = "127.0.0.1",
                               .header = direct_header,
                               .header_ctx = auth};
    struct mock_response resp = {0};
    mock_api_handle(&m->ws[ws], &req, &resp);
    free(resp.body);
    *delay_us = resp.delay_us;
    return resp.status;
}

/* Sends n GETs of path through the dispatcher, step_ms apart on the clock;
 * returns how many were delayed, with the delays sorted in delays[]. */
static size_t sample_delays(struct mock *m, const char *path, size_t n, int64_t step_ms,
                            int64_t *delays, size_t *errors)
{
    size_t k = 0;
    *errors = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t d = 0;
        int status = direct_get(m, 0, path, DEV0, &d);
        *errors += status != 200;
        if (d > 0)
            delays[k++] = d;
        h_advance_ms(m, step_ms);
    }
    qsort(delays, k, sizeof *delays, cmp_i64);
    return k;
}

/* ---- flaky ---- */

Test(mock_scenarios, flaky_polls_slow_down_lognormally_up_to_5_s)
{
    struct mock *m = h_start("flaky");
    struct h_ids ids = h_start_conversation(m, 0, SALES, DEV0, "Total sales by region");
    char path[256];
    snprintf(path, sizeof path, PFX "/" SALES "/conversations/%s/messages/%s", ids.conv,
             ids.msg);
    int64_t *d = calloc(2000, sizeof *d);
    size_t errors, k = sample_delays(m, path, 2000, SEC, d, &errors);
    double slow = share((int64_t)k, 2000);
    cr_assert(slow >= 0.025 && slow <= 0.08, "%zu of 2000 polls delayed (5%% planned)",
              k);
    cr_assert(d[0] > 0 && d[k - 1] <= 5000000, "delays %lld..%lld us", (long long)d[0],
              (long long)d[k - 1]);
    cr_assert(d[k / 2] >= 200000 && d[k / 2] <= 800000, "median delay %lld us (400 ms)",
              (long long)d[k / 2]);
    cr_assert(d[k - 1] > 1000000, "lognormal: some delays are long (%lld us)",
              (long long)d[k - 1]);
    double failed = share((int64_t)errors, 2000);
    cr_assert(failed >= 0.02 && failed <= 0.07, "%zu polls answered 503 (4%%)", errors);
    free(d);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

static bool is_flaky_failure(const char *type)
{
    static const char *const types[] = {
        "SQL_EXECUTION_EXCEPTION",        "GENERIC_SQL_EXEC_API_CALL_EXCEPTION",
        "WAREHOUSE_NOT_FOUND_EXCEPTION",  "CHAT_COMPLETION_NETWORK_EXCEPTION",
        "RETRYABLE_PROCESSING_EXCEPTION", "REPLY_PROCESS_TIMEOUT_EXCEPTION",
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i]) == 0)
            return true;
    return false;
}

Test(mock_scenarios, flaky_mixes_typed_failures_cancels_stuck_messages_and_5xx)
{
    struct mock *m = h_start("flaky");
    disarm(m, "slow-poll"); /* real time: sampled in the test above */
    struct mc *c = mc_new(
        m, &(struct mc_opts){.questions = 300, .workspaces = 2, .fetch_results = true});
    mc_run(c);
    cr_assert_eq(c->n, 300);

    /* Outcomes: 78% SQL, 8% text, 9% failed, 3% cancelled, 2% stuck. */
    size_t failed = mc_count_status(c, GK_MSG_FAILED);
    size_t cancelled = mc_count_status(c, GK_MSG_CANCELLED);
    size_t stuck = mc_count_gave_up(c);
    cr_assert(failed >= 12 && failed <= 50, "FAILED %zu of 300 (9%%)", failed);
    cr_assert(cancelled >= 2 && cancelled <= 24, "CANCELLED %zu of 300 (3%%)", cancelled);
    cr_assert(stuck >= 1 && stuck <= 18, "stuck %zu of 300 (2%%)", stuck);
    for (size_t i = 0; i < c->n; i++) {
        const struct mc_msg *mm = &c->msgs[i];
        if (mm->status == GK_MSG_FAILED)
            cr_assert(is_flaky_failure(mm->error_type), "error type %s", mm->error_type);
        if (mm->gave_up)
            cr_assert(!mm->done && mm->polls > 5,
                      "a stuck message was polled to the end");
    }

    /* 3% of POSTs and 4% of polls 503 with Retry-After; 2% of query results 500. */
    double post503 = share(mc_got(c, MC_POST, 503), mc_sent(c, MC_POST));
    double poll503 = share(mc_got(c, MC_POLL, 503), mc_sent(c, MC_POLL));
    double res500 = share(mc_got(c, MC_RESULT, 500), mc_sent(c, MC_RESULT));
    cr_assert(post503 >= 0.01 && post503 <= 0.07, "POST 503 %.3f of %lld", post503,
              (long long)mc_sent(c, MC_POST));
    cr_assert(poll503 >= 0.02 && poll503 <= 0.07, "poll 503 %.3f of %lld", poll503,
              (long long)mc_sent(c, MC_POLL));
    cr_assert(res500 > 0 && res500 <= 0.06, "query result 500 %.3f of %lld", res500,
              (long long)mc_sent(c, MC_RESULT));
    mc_expect_errors(c, MC_POST, 503, "TEMPORARILY_UNAVAILABLE", 2);
    mc_expect_errors(c, MC_POLL, 503, "TEMPORARILY_UNAVAILABLE", 1);
    mc_expect_errors(c, MC_RESULT, 500, "INTERNAL_ERROR", -1);
    cr_assert_eq(mc_got(c, MC_POST, 200) + mc_got(c, MC_POST, 503), mc_sent(c, MC_POST));
    cr_assert_eq(mc_got(c, MC_POLL, 200) + mc_got(c, MC_POLL, 503), mc_sent(c, MC_POLL));
    cr_assert_eq(mc_got(c, MC_RESULT, 200) + mc_got(c, MC_RESULT, 500),
                 mc_sent(c, MC_RESULT));
    mc_free(c);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- overload ---- */

Test(mock_scenarios, overload_slows_a_fifth_of_calls_by_0_2_to_2_s)
{
    struct mock *m = h_start("overload");
    int64_t *d = calloc(1000, sizeof *d);
    size_t errors, k = sample_delays(m, PFX "/" SALES, 1000, 100, d, &errors);
    double slow = share((int64_t)k, 1000);
    cr_assert(slow >= 0.14 && slow <= 0.26, "%zu of 1000 calls delayed (20%%)", k);
    cr_assert(d[0] >= 200000 && d[k - 1] <= 2000000, "delays %lld..%lld us",
              (long long)d[0], (long long)d[k - 1]);
    cr_assert_eq(errors, 0, "get_space at 10/s is never refused");
    free(d);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, overload_refuses_30_percent_of_posts_and_20_percent_of_polls)
{
    struct mock *m = h_start("overload");
    disarm(m, "slow-everything");
    struct mc *c = mc_new(m, &(struct mc_opts){.questions = 200, .workspaces = 2});
    mc_run(c);
    cr_assert_eq(c->n, 200);
    double post503 = share(mc_got(c, MC_POST, 503), mc_sent(c, MC_POST));
    double poll429 = share(mc_got(c, MC_POLL, 429), mc_sent(c, MC_POLL));
    cr_assert(post503 >= 0.15 && post503 <= 0.45, "POST 503 %.3f of %lld", post503,
              (long long)mc_sent(c, MC_POST));
    cr_assert(poll429 >= 0.1 && poll429 <= 0.3, "poll 429 %.3f of %lld", poll429,
              (long long)mc_sent(c, MC_POLL));
    mc_expect_errors(c, MC_POST, 503, "TEMPORARILY_UNAVAILABLE", 2);
    mc_expect_errors(c, MC_POLL, 429, "REQUEST_LIMIT_EXCEEDED", 1);
    cr_assert_eq(mc_got(c, MC_POST, 200) + mc_got(c, MC_POST, 503), mc_sent(c, MC_POST));
    cr_assert_eq(mc_got(c, MC_POLL, 200) + mc_got(c, MC_POLL, 429), mc_sent(c, MC_POLL));
    mc_free(c);

    /* At most 20 requests per second per workspace, whatever the route. */
    h_advance_ms(m, 2 * SEC);
    for (int i = 0; i < 25; i++) {
        struct h_reply r = h_req(m, 0, "GET", PFX, NULL, DEV0);
        if (i < 20) {
            cr_assert_eq(r.status, 200, "request %d: %ld %s", i, r.status, r.body);
        } else {
            char ra[16];
            h_expect_envelope(&r, 429, "REQUEST_LIMIT_EXCEEDED", NULL);
            cr_assert_str_eq(h_header(&r, "Retry-After", ra, sizeof ra), "1");
        }
        h_free(&r);
    }
    struct h_reply other = h_req(m, 1, "GET", PFX, NULL, DEV1);
    cr_assert_eq(other.status, 200, "the other workspace has its own limit");
    h_free(&other);
    h_advance_ms(m, SEC);
    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, DEV0);
    cr_assert_eq(r.status, 200);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- rate-limited ---- */

static struct h_reply ask(struct mock *m, const char *space, const char *question)
{
    char body[128];
    snprintf(body, sizeof body, "{\"content\":\"%s\"}", question);
    char path[128];
    snprintf(path, sizeof path, PFX "/%s/start-conversation", space);
    return h_req(m, 0, "POST", path, body, DEV0);
}

Test(mock_scenarios, rate_limited_refuses_the_4th_question_in_a_minute)
{
    struct mock *m = h_start("rate-limited");
    const char *spaces[] = {SALES, STORE, SUPPLY};
    for (int i = 0; i < 3; i++) {
        struct h_reply r = ask(m, spaces[i], "Total sales by region");
        cr_assert_eq(r.status, 200, "question %d: %ld %s", i + 1, r.status, r.body);
        h_free(&r);
        h_advance_ms(m, 10 * SEC);
    }
    struct h_reply r = ask(m, SALES, "Total sales by region"); /* at 30 s */
    h_expect_envelope(&r, 429, "REQUEST_LIMIT_EXCEEDED", "3 questions per 60 seconds");
    char ra[16];
    cr_assert_not_null(h_header(&r, "Retry-After", ra, sizeof ra));
    cr_assert_str_eq(ra, "30", "the first question leaves the window at 60 s");
    h_free(&r);
    h_advance_ms(m, 29 * SEC);
    r = ask(m, SALES, "Total sales by region");
    cr_assert_eq(r.status, 429, "still inside the window");
    h_free(&r);
    h_advance_ms(m, SEC);
    r = ask(m, SALES, "Total sales by region");
    cr_assert_eq(r.status, 200, "after Retry-After: %ld %s", r.status, r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, rate_limited_answers_429_to_polling_faster_than_10_per_second)
{
    struct mock *m = h_start("rate-limited");
    struct h_ids ids = h_start_conversation(m, 0, SALES, DEV0, "Total sales by region");
    h_advance_ms(m, 2 * SEC);

    /* Ten a second, evenly: never refused. */
    for (int i = 0; i < 50; i++) {
        struct h_reply r = h_get_message(m, 0, SALES, &ids, DEV0);
        cr_assert_eq(r.status, 200, "poll %d at 10/s: %ld %s", i, r.status, r.body);
        h_free(&r);
        h_advance_ms(m, 100);
    }
    /* Twenty a second: about half refused, each with Retry-After. */
    int refused = 0;
    for (int i = 0; i < 100; i++) {
        struct h_reply r = h_get_message(m, 0, SALES, &ids, DEV0);
        if (r.status == 429) {
            char ra[16];
            h_expect_envelope(&r, 429, "REQUEST_LIMIT_EXCEEDED", NULL);
            cr_assert_str_eq(h_header(&r, "Retry-After", ra, sizeof ra), "1");
            refused++;
        } else {
            cr_assert_eq(r.status, 200, "%s", r.body);
        }
        h_free(&r);
        h_advance_ms(m, 50);
    }
    cr_assert(refused >= 40 && refused <= 60, "%d of 100 polls at 20/s refused", refused);

    /* A burst: the 11th request in the same instant is refused. */
    h_advance_ms(m, 2 * SEC);
    for (int i = 0; i < 11; i++) {
        struct h_reply r = h_get_message(m, 0, SALES, &ids, DEV0);
        cr_assert_eq(r.status, i < 10 ? 200 : 429, "request %d of the burst", i + 1);
        h_free(&r);
    }
    struct h_reply other = h_req(m, 1, "GET", PFX, NULL, DEV1);
    cr_assert_eq(other.status, 200, "the other workspace has its own limit");
    h_free(&other);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- token-expiry-mid-poll ---- */

Test(mock_scenarios, token_expiry_mid_poll_refuses_the_third_poll_with_401)
{
    struct mock *m = h_start("token-expiry-mid-poll");
    for (int round = 0; round < 2; round++) { /* each message counts its own polls */
        struct h_ids ids =
            h_start_conversation(m, 0, round ? STORE : SALES, DEV0, "Sales");
        for (int poll = 1; poll <= 5; poll++) {
            h_advance_ms(m, 2 * SEC);
            struct h_reply r = h_get_message(m, 0, round ? STORE : SALES, &ids, DEV0);
            if (poll <= 2)
                cr_assert_eq(r.status, 200, "poll %d: %ld %s", poll, r.status, r.body);
            else
                h_expect_envelope(&r, 401, "UNAUTHENTICATED", "expired");
            h_free(&r);
        }
    }
    /* Other calls with the same token still work. */
    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, DEV0);
    cr_assert_eq(r.status, 200);
    h_free(&r);

    /* OAuth access tokens live 20 s. */
    char basic[512];
    r = h_token_request(m, 0, "grant_type=client_credentials&scope=all-apis",
                        h_basic(SVC0_ID, SVC0_SEC, basic, sizeof basic));
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(h_int(&r, "expires_in"), 20);
    char tok[2048];
    snprintf(tok, sizeof tok, "%s", h_jstr(r.json, "access_token"));
    h_free(&r);
    h_advance_ms(m, 19 * SEC);
    r = h_req(m, 0, "GET", PFX, NULL, tok);
    cr_assert_eq(r.status, 200, "at 19 s: %s", r.body);
    h_free(&r);
    h_advance_ms(m, 2 * SEC);
    r = h_req(m, 0, "GET", PFX, NULL, tok);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", NULL);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- permission-revoked ---- */

static long status_of_call(struct mock *m, size_t ws, const char *method,
                           const char *path, const char *body, const char *token,
                           bool expect_403)
{
    struct h_reply r = h_req(m, ws, method, path, body, token);
    long s = r.status;
    if (expect_403)
        h_expect_envelope(&r, 403, "PERMISSION_DENIED", SALES);
    h_free(&r);
    return s;
}

Test(mock_scenarios, permission_revoked_denies_the_sales_space_from_30_s_on)
{
    struct mock *m = h_start("permission-revoked");
    char msg_path[256], store_path[256];
    struct h_ids sales = h_start_conversation(m, 0, SALES, DEV0, "Total sales by region");
    struct h_ids store = h_start_conversation(m, 0, STORE, DEV0, "Units by store");
    snprintf(msg_path, sizeof msg_path, PFX "/" SALES "/conversations/%s/messages/%s",
             sales.conv, sales.msg);
    snprintf(store_path, sizeof store_path, PFX "/" STORE "/conversations/%s/messages/%s",
             store.conv, store.msg);
    const struct {
        size_t ws;
        const char *method, *path, *body, *token;
        bool sales;
    } calls[] = {
        {0, "GET", msg_path, NULL, DEV0, true},
        {0, "GET", PFX "/" SALES, NULL, DEV0, true},
        {0, "GET", PFX "/" SALES "/conversations", NULL, DEV0, true},
        {0, "GET", PFX "/" SALES "/conversations", NULL, ANALYST, true},
        {0, "POST", PFX "/" SALES "/start-conversation", "{\"content\":\"x\"}", DEV0,
         true},
        {0, "GET", store_path, NULL, DEV0, false},
        {0, "GET", PFX "/" STORE, NULL, DEV0, false},
        {0, "GET", PFX, NULL, DEV0, false},
        {1, "GET", PFX "/" FINANCE, NULL, DEV1, false},
    };
    /* Before 30 s (the start-conversation only once: it uses a question). */
    h_advance_ms(m, 29999);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        if (strcmp(calls[i].method, "POST") == 0)
            continue;
        cr_assert_eq(status_of_call(m, calls[i].ws, calls[i].method, calls[i].path,
                                    calls[i].body, calls[i].token, false),
                     200, "call %zu before 30 s", i);
    }
    h_advance_ms(m, 1);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
            long s = status_of_call(m, calls[i].ws, calls[i].method, calls[i].path,
                                    calls[i].body, calls[i].token, calls[i].sales);
            if (!calls[i].sales)
                cr_assert_eq(s, 200, "call %zu after 30 s", i);
        }
        h_advance_ms(m, 3600 * SEC); /* and it stays revoked */
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
