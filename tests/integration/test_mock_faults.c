/*
 * Fault injection over HTTP, part 1: what a client sees on the wire for
 * each action (an error status with the Databricks envelope, a latency, a
 * hang, a drop, a reset, a truncated or malformed body) and for each forced
 * message outcome, on the manual clock. The rules are armed through the
 * admin API, as a user would; part 2 (test_mock_faults_triggers.c) covers
 * triggers, matches and counters. Rule parsing alone is test_fault.c's.
 *
 * Real time: the only waits are fault latencies of at most 150 ms and one
 * client timeout of 300 ms; latencies are asserted only as lower bounds the
 * server recorded (its journal), never measured here.
 */
#include "tests/gk_test.h"
#include "tests/integration/api_steps.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE_PATH API_GENIE "/" API_SPACE
#define MSG_PATH   SPACE_PATH "/conversations/%s/messages/%s"

/* GET the Sales space as the developer (the request most tests fault). */
static struct h_reply get_space(const struct mock *m)
{
    return api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
}

/* The same with a client timeout of timeout_ms. */
static struct h_reply get_space_within(const struct mock *m, long timeout_ms)
{
    struct h_send s = {.auth = "Bearer " API_DEV, .timeout_ms = timeout_ms};
    return h_send(m, 0, "GET", SPACE_PATH, &s);
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p, (void)ud;
    return size * n;
}

/* The normal answer to get_space, copied (caller frees). */
static char *normal_space_body(const struct mock *m, size_t *len)
{
    struct h_reply r = get_space(m);
    cr_assert_eq(r.status, 200, "%s", r.body);
    char *body = r.body;
    *len = r.len;
    r.body = NULL;
    h_free(&r);
    return body;
}

/* The newest journal entry of fault rule `name` (asserted present); the
 * caller deletes it. */
static cJSON *journal_of(const struct mock *m, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "/__admin/journal?fault=%s&limit=1", name);
    struct h_reply r = h_admin(m, "GET", path, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cJSON *e = cJSON_DetachItemFromArray(cJSON_GetObjectItem(r.json, "events"), 0);
    cr_assert_not_null(e, "no journal entry for fault %s: %s", name, r.body);
    h_free(&r);
    return e;
}

/* ---- a reply instead of the answer ---- */

Test(mock_faults, a_status_alone_gets_the_envelope_with_the_code_of_that_status)
{
    static const struct {
        int status;
        const char *code;
    } cases[] = {
        {400, "BAD_REQUEST"},
        {401, "UNAUTHENTICATED"},
        {403, "PERMISSION_DENIED"},
        {404, "RESOURCE_DOES_NOT_EXIST"},
        {409, "RESOURCE_CONFLICT"},
        {418, "BAD_REQUEST"},
        {429, "REQUEST_LIMIT_EXCEEDED"},
        {500, "INTERNAL_ERROR"},
        {501, "NOT_IMPLEMENTED"},
        {502, "INTERNAL_ERROR"},
        {503, "TEMPORARILY_UNAVAILABLE"},
        {504, "DEADLINE_EXCEEDED"},
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rule[256], ra[32];
        snprintf(rule, sizeof rule,
                 "{\"name\":\"s\",\"match\":{\"route\":\"get_space\"},\"action\":{"
                 "\"status\":%d}}",
                 cases[i].status);
        h_arm(m, rule); /* replaces the previous "s" */
        struct h_reply r = get_space(m);
        h_expect_envelope(&r, cases[i].status, cases[i].code, NULL);
        cr_assert_null(h_header(&r, "Retry-After", ra, sizeof ra),
                       "no Retry-After unless asked");
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_status_rule_sends_its_code_message_retry_after_and_headers)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"busy\",\"match\":{\"route\":\"get_space\"},\"action\":{"
             "\"status\":503,\"error_code\":\"WORKSPACE_TEMPORARILY_UNAVAILABLE\","
             "\"message\":\"Down for maintenance.\",\"retry_after_s\":7,"
             "\"headers\":{\"X-Fault\":\"injected\",\"Cache-Control\":\"no-store\"}}}");
    struct h_reply r = get_space(m);
    h_expect_envelope(&r, 503, "WORKSPACE_TEMPORARILY_UNAVAILABLE", NULL);
    cr_assert_str_eq(h_str(&r, "message"), "Down for maintenance.");
    char v[128];
    cr_assert_str_eq(h_header(&r, "Retry-After", v, sizeof v), "7");
    cr_assert_str_eq(h_header(&r, "X-Fault", v, sizeof v), "injected");
    cr_assert_str_eq(h_header(&r, "Cache-Control", v, sizeof v), "no-store");
    cr_assert_str_eq(h_header(&r, "X-Databricks-Org-Id", v, sizeof v), "1111222233334444",
                     "a faulted reply still looks like the workspace's");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* How many header lines of r are named name. */
static int header_lines(const struct h_reply *r, const char *name)
{
    int n = 0;
    size_t k = strlen(name);
    for (const char *p = r->headers; (p = strstr(p, name)) != NULL; p += k)
        n += (p == r->headers || p[-1] == '\n') && p[k] == ':';
    return n;
}

Test(mock_faults, a_rules_headers_replace_the_ones_it_would_get_and_are_sent_once)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"html\",\"match\":{\"route\":\"get_space\"},\"action\":{"
             "\"status\":502,\"retry_after_s\":3,\"headers\":{\"Content-Type\":"
             "\"text/html\",\"Retry-After\":\"9\"}}}");
    struct h_reply r = get_space(m);
    cr_assert_eq(r.status, 502, "%s", r.body);
    char v[64];
    cr_assert_str_eq(h_header(&r, "Content-Type", v, sizeof v), "text/html");
    cr_assert_eq(header_lines(&r, "Content-Type"), 1, "%s", r.headers);
    cr_assert_str_eq(h_header(&r, "Retry-After", v, sizeof v), "9",
                     "the headers come last");
    cr_assert_eq(header_lines(&r, "Retry-After"), 1, "%s", r.headers);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_429_uses_the_scenarios_rate_limit_error_code_unless_told_otherwise)
{
    static const struct {
        const char *wire, *code;
    } cases[] = {
        {"{}", "REQUEST_LIMIT_EXCEEDED"},
        {"{\"rate_limit_error_code\":\"RESOURCE_EXHAUSTED\"}", "RESOURCE_EXHAUSTED"},
        {"{\"rate_limit_error_code\":\"TOO_MANY_REQUESTS\"}", "TOO_MANY_REQUESTS"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = h_scenario_with(API_SQL_SCENARIO, "wire", cases[i].wire);
        struct mock *m = h_start(text);
        free(text);
        h_arm(
            m,
            "{\"name\":\"t\",\"match\":{\"route\":\"get_space\"},\"trigger\":{\"nth\":1},"
            "\"action\":{\"status\":429,\"retry_after_s\":2}}");
        struct h_reply r = get_space(m);
        h_expect_envelope(&r, 429, cases[i].code, NULL);
        char v[32];
        cr_assert_str_eq(h_header(&r, "Retry-After", v, sizeof v), "2");
        h_free(&r);

        h_arm(m, "{\"name\":\"t\",\"match\":{\"route\":\"get_space\"},"
                 "\"action\":{\"status\":429,\"error_code\":\"SLOW_DOWN\"}}");
        r = get_space(m);
        h_expect_envelope(&r, 429, "SLOW_DOWN", NULL);
        h_free(&r);
        h_stop(m);
    }
    GK_ASSERT_NO_LEAKS();
}

/* ---- latency ---- */

Test(mock_faults, a_delay_keeps_the_normal_answer_and_the_journal_records_it)
{
    static const struct {
        const char *delay;
        double at_least_ms;
    } cases[] = {
        {"\"120ms\"", 120},
        {"{\"fixed\":\"100ms\"}", 100},
        {"{\"uniform\":\"100ms..150ms\"}", 100},
        {"{\"lognormal\":{\"median\":\"100ms\",\"sigma\":0},\"cap\":\"150ms\"}", 100},
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    size_t normal_len;
    char *normal = normal_space_body(m, &normal_len);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rule[256];
        snprintf(rule, sizeof rule,
                 "{\"name\":\"slow\",\"match\":{\"route\":\"get_space\"},\"action\":{"
                 "\"delay\":%s}}",
                 cases[i].delay);
        h_arm(m, rule);
        struct h_reply r = get_space(m);
        cr_assert_eq(r.status, 200, "%s: %s", cases[i].delay, r.body);
        cr_assert_eq(r.len, normal_len);
        cr_assert_str_eq(r.body, normal, "a delay changes nothing but the time");
        h_free(&r);
        cJSON *e = journal_of(m, "slow");
        double ms = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "latency_ms"));
        cr_assert_geq(ms, cases[i].at_least_ms, "%s: latency_ms %.3f", cases[i].delay,
                      ms);
        cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "status")), 200);
        cJSON_Delete(e);
    }
    free(normal);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_delay_before_a_status_delays_the_error)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"slow-503\",\"match\":{\"route\":\"get_space\"},"
             "\"action\":{\"delay\":\"100ms\",\"status\":503,\"retry_after_s\":1}}");
    struct h_reply r = get_space(m);
    h_expect_envelope(&r, 503, "TEMPORARILY_UNAVAILABLE", NULL);
    h_free(&r);
    cJSON *e = journal_of(m, "slow-503");
    cr_assert_geq(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "latency_ms")), 100);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "status")), 503);
    cJSON_Delete(e);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_delayed_answer_holds_up_no_other_request)
{
    /* The delayed connection is suspended, not waited on: with one HTTP
     * thread, a request sent during the delay is answered first. */
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"slow\",\"match\":{\"route\":\"get_space\"},"
             "\"action\":{\"delay\":\"300ms\"}}");
    CURLM *multi = curl_multi_init();
    CURL *easy[2];
    struct curl_slist *auth = curl_slist_append(NULL, "Authorization: Bearer " API_DEV);
    static const char *const paths[2] = {SPACE_PATH, API_GENIE};
    for (int i = 0; i < 2; i++) {
        char url[256];
        snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)mock_port(m, 0),
                 paths[i]);
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_URL, url);
        curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, auth);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT_MS, 10000L);
        curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_multi_add_handle(multi, easy[i]);
    }
    int running = 2, order = 0, done_at[2] = {0, 0};
    while (running > 0) {
        cr_assert_eq(curl_multi_perform(multi, &running), CURLM_OK);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            cr_assert_eq(msg->data.result, CURLE_OK);
            done_at[msg->easy_handle == easy[1]] = ++order;
        }
        if (running > 0)
            cr_assert_eq(curl_multi_poll(multi, NULL, 0, 1000, NULL), CURLM_OK);
    }
    cr_assert_eq(done_at[1], 1, "the undelayed list_spaces came back first");
    cr_assert_eq(done_at[0], 2);
    for (int i = 0; i < 2; i++) {
        long status = 0;
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &status);
        cr_assert_eq(status, 200);
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(auth);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_client_that_gives_up_on_a_delay_leaves_the_server_serving)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"slow\",\"match\":{\"route\":\"get_space\"},\"trigger\":{"
             "\"first\":2},\"action\":{\"delay\":\"150ms\"}}");
    struct h_reply r = get_space_within(m, 50);
    cr_assert_eq(r.curl_rc, CURLE_OPERATION_TIMEDOUT, "curl: %s",
                 curl_easy_strerror((CURLcode)r.curl_rc));
    h_free(&r);
    r = get_space(m); /* delayed too, while the first one is still held */
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    r = get_space(m);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- the connection ---- */

Test(mock_faults, a_hang_makes_the_client_time_out_and_the_server_keeps_serving)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"hang\",\"match\":{\"route\":\"get_space\"},\"trigger\":{"
             "\"first\":1},"
             "\"action\":{\"hang\":true}}");
    struct h_reply r = get_space_within(m, 300);
    cr_assert_eq(r.curl_rc, CURLE_OPERATION_TIMEDOUT, "curl: %s",
                 curl_easy_strerror((CURLcode)r.curl_rc));
    cr_assert_eq(r.status, 0);
    cr_assert_eq(r.len, 0, "not a byte: %s", r.body);
    h_free(&r);

    r = get_space(m); /* the hung connection holds nothing up */
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    r = h_admin(m, "GET", "/__admin/health", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    int64_t matched, fired;
    h_fault_counts(m, "hang", &matched, &fired);
    cr_assert_eq(matched, 2);
    cr_assert_eq(fired, 1);
    h_stop(m); /* with the hung connection still held: must not block */
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_hang_is_journalled_as_no_answer)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"hang\",\"match\":{\"route\":\"get_space\"},"
             "\"action\":{\"hang\":true}}");
    struct h_reply r = get_space_within(m, 200);
    cr_assert_eq(r.curl_rc, CURLE_OPERATION_TIMEDOUT);
    h_free(&r);
    cJSON *e = journal_of(m, "hang");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "status")), 0);
    cJSON_Delete(e);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_drop_closes_the_connection_without_a_reply)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"drop\",\"match\":{\"route\":\"get_space\"},\"trigger\":{"
             "\"first\":1},"
             "\"action\":{\"drop\":true}}");
    struct h_reply r = get_space(m);
    cr_assert_eq(r.curl_rc, CURLE_GOT_NOTHING, "curl: %s",
                 curl_easy_strerror((CURLcode)r.curl_rc));
    cr_assert_eq(r.len, 0);
    cr_assert_eq(r.headers[0], '\0', "not even a status line: %s", r.headers);
    h_free(&r);
    cJSON *e = journal_of(m, "drop");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "status")), 0,
                 "the journal says nothing was sent");
    cJSON_Delete(e);
    r = get_space(m);
    cr_assert_eq(r.status, 200);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_reset_breaks_the_connection_in_the_middle_of_the_body)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    size_t normal_len;
    char *normal = normal_space_body(m, &normal_len);
    h_arm(m, "{\"name\":\"reset\",\"match\":{\"route\":\"get_space\"},\"trigger\":{"
             "\"first\":1},"
             "\"action\":{\"reset\":true}}");
    struct h_reply r = get_space(m);
    cr_assert(r.curl_rc == CURLE_PARTIAL_FILE || r.curl_rc == CURLE_RECV_ERROR,
              "curl: %s", curl_easy_strerror((CURLcode)r.curl_rc));
    char v[64];
    cr_assert_not_null(strstr(r.headers, " 200"), "the status line came: %s", r.headers);
    cr_assert_not_null(h_header(&r, "Content-Length", v, sizeof v));
    cr_assert_eq(strtoull(v, NULL, 10), normal_len, "the full length is promised");
    cr_assert_gt(r.len, 0, "part of the body came");
    cr_assert_lt(r.len, normal_len, "but not all of it");
    cr_assert_eq(memcmp(r.body, normal, r.len), 0,
                 "what came is the start of the answer");
    h_free(&r);
    r = get_space(m);
    cr_assert_eq(r.status, 200);
    h_free(&r);
    free(normal);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_truncated_reply_is_well_framed_and_a_strict_prefix_of_the_answer)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    size_t normal_len;
    char *normal = normal_space_body(m, &normal_len);
    h_arm(
        m,
        "{\"name\":\"cut\",\"match\":{\"route\":\"get_space\"},\"trigger\":{\"first\":1},"
        "\"action\":{\"truncate\":true}}");
    struct h_reply r = get_space(m);
    cr_assert_eq(r.curl_rc, CURLE_OK, "well framed: %s", curl_easy_strerror(r.curl_rc));
    cr_assert_eq(r.status, 200);
    cr_assert_gt(r.len, 0);
    cr_assert_lt(r.len, normal_len);
    cr_assert_eq(memcmp(r.body, normal, r.len), 0, "a prefix of the answer: %s", r.body);
    cr_assert_null(r.json, "not valid JSON: %s", r.body);
    char v[64];
    cr_assert_str_eq(h_header(&r, "Content-Type", v, sizeof v), "application/json");
    h_free(&r);
    free(normal);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_malformed_reply_is_well_framed_and_not_json)
{
    /* On a JSON answer and on an error envelope alike. */
    static const char *const rules[] = {
        "{\"name\":\"bad\",\"match\":{\"route\":\"get_space\"},\"action\":{\"malformed\":"
        "true}}",
        "{\"name\":\"bad\",\"match\":{\"route\":\"get_space\"},\"action\":{\"status\":"
        "503,"
        "\"malformed\":true}}",
    };
    static const long statuses[] = {200, 503};
    struct mock *m = h_start(API_SQL_SCENARIO);
    for (size_t i = 0; i < 2; i++) {
        h_arm(m, rules[i]);
        struct h_reply r = get_space(m);
        cr_assert_eq(r.curl_rc, CURLE_OK, "well framed: %s",
                     curl_easy_strerror(r.curl_rc));
        cr_assert_eq(r.status, statuses[i]);
        cr_assert_gt(r.len, 0);
        cr_assert_null(r.json, "not valid JSON: %s", r.body);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- the message's fate ---- */

static enum gk_msg_status status_now(const struct mock *m, const struct api_ids *ids)
{
    struct h_reply r = api_message(m, API_SPACE, API_DEV, ids);
    enum gk_msg_status s = gk_types_msg_status_from_name(api_str(r.json, "status"));
    h_free(&r);
    return s;
}

Test(mock_faults, a_failed_outcome_fails_at_the_given_status_with_the_given_type)
{
    /* Fixed timings (api_steps.h): the metadata step ends at 2 s, ASKING_AI
     * at 5 s, the query at 8 s; the warehouse, never waited for otherwise,
     * is waited for its 5 s by a message that fails there. */
    static const struct {
        const char *at, *type;
        int64_t fail_ms;
    } cases[] = {
        {"FETCHING_METADATA", "TABLES_MISSING_EXCEPTION", 2000},
        {"ASKING_AI", "CONTENT_FILTER_EXCEPTION", 5000},
        {"PENDING_WAREHOUSE", "WAREHOUSE_NOT_FOUND_EXCEPTION", 10000},
        {"EXECUTING_QUERY", "SQL_EXECUTION_EXCEPTION", 8000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct mock *m = h_start(API_SQL_SCENARIO);
        char rule[512];
        snprintf(
            rule, sizeof rule,
            "{\"name\":\"fail\",\"match\":{\"route\":\"start_conversation\","
            "\"content\":\"doomed\"},\"action\":{\"outcome\":\"failed\",\"at\":\"%s\","
            "\"error_type\":\"%s\"}}",
            cases[i].at, cases[i].type);
        h_arm(m, rule);
        struct api_ids doomed = api_start(m, API_SPACE, API_DEV, "A doomed question");
        struct api_ids fine = api_start(m, API_SPACE, API_DEV, "Total amount by region");
        h_advance_ms(m, cases[i].fail_ms - 1);
        cr_assert_str_eq(gk_types_msg_status_name(status_now(m, &doomed)), cases[i].at);
        h_advance_ms(m, 1);
        struct h_reply r = api_message(m, API_SPACE, API_DEV, &doomed);
        cr_assert_str_eq(api_str(r.json, "status"), "FAILED", "at %s: %s", cases[i].at,
                         r.body);
        cr_assert_str_eq(api_str(r.json, "error.type"), cases[i].type);
        cr_assert_eq(api_int(r.json, "last_updated_timestamp"),
                     H_START_MS + cases[i].fail_ms);
        h_free(&r);
        h_advance_ms(m, API_SQL_DONE_MS + 3600 * 1000);
        cr_assert_eq(status_now(m, &doomed), GK_MSG_FAILED, "FAILED is final");
        cr_assert_neq(status_now(m, &fine), GK_MSG_FAILED,
                      "the other question is untouched");
        int64_t matched, fired;
        h_fault_counts(m, "fail", &matched, &fired);
        cr_assert(matched == 1 && fired == 1,
                  "only the doomed question matched: %lld/%lld", (long long)matched,
                  (long long)fired);
        h_stop(m);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_cancelled_outcome_ends_cancelled_from_the_given_status)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"cancel\",\"match\":{\"route\":\"create_message\"},"
             "\"action\":{\"outcome\":\"cancelled\",\"at\":\"EXECUTING_QUERY\"}}");
    struct api_ids first = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    struct api_ids follow = api_follow_up(m, API_SPACE, API_DEV, &first, "And by month?");
    h_advance_ms(m, 5000);
    cr_assert_eq(status_now(m, &follow), GK_MSG_EXECUTING_QUERY);
    h_advance_ms(m, 3600 * 1000);
    struct h_reply r = api_message(m, API_SPACE, API_DEV, &follow);
    cr_assert_str_eq(api_str(r.json, "status"), "CANCELLED", "%s", r.body);
    cr_assert_null(cJSON_GetObjectItem(r.json, "error"), "cancelled is no error: %s",
                   r.body);
    h_free(&r);
    cr_assert_eq(status_now(m, &first), GK_MSG_COMPLETED,
                 "start_conversation is not create_message");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_stuck_outcome_never_ends_even_after_simulated_hours)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"stuck\",\"match\":{\"route\":\"start_conversation\"},"
             "\"trigger\":{\"first\":1},\"action\":{\"outcome\":\"stuck\",\"at\":"
             "\"ASKING_AI\"}}");
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    for (int hour = 0; hour <= 6; hour++) {
        enum gk_msg_status s = status_now(m, &ids);
        if (hour > 0)
            cr_assert_eq(s, GK_MSG_ASKING_AI, "after %d h: %s", hour,
                         gk_types_msg_status_name(s));
        h_advance_ms(m, 3600 * 1000);
    }
    struct api_ids next = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    h_advance_ms(m, API_SQL_DONE_MS);
    cr_assert_eq(status_now(m, &next), GK_MSG_COMPLETED,
                 "only the first question sticks");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, an_expired_outcome_expires_after_expire_after_until_execute_query)
{
    struct mock *m = h_start(API_SQL_SCENARIO); /* results otherwise live an hour */
    h_arm(m, "{\"name\":\"exp\",\"match\":{\"route\":\"start_conversation\"},"
             "\"action\":{\"outcome\":\"expired\",\"expire_after\":\"30s\"}}");
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    h_advance_ms(m, API_SQL_DONE_MS + 30000 - 1);
    cr_assert_eq(status_now(m, &ids), GK_MSG_COMPLETED);
    h_advance_ms(m, 1);
    struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
    cr_assert_str_eq(api_str(r.json, "status"), "QUERY_RESULT_EXPIRED", "%s", r.body);
    char att[GK_ID_SIZE];
    api_query_attachment_id(r.json, att);
    h_free(&r);

    r = api_call(m, "POST", API_DEV, "{}", MSG_PATH "/attachments/%s/execute-query",
                 ids.conv, ids.msg, att);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    cr_assert_eq(status_now(m, &ids), GK_MSG_EXECUTING_QUERY);
    h_advance_ms(m, 3000);
    cr_assert_eq(status_now(m, &ids), GK_MSG_COMPLETED, "the re-run completes");
    r = api_call(m, "GET", API_DEV, NULL, MSG_PATH "/attachments/%s/query-result",
                 ids.conv, ids.msg, att);
    cr_assert_str_eq(api_str(r.json, "statement_response.status.state"), "SUCCEEDED");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
