/*
 * The audit log and /metrics over HTTP (suite mock_report, with
 * test_mock_report.c): a mock with --audit-log writes one system.access.audit
 * row per Genie API call, shaped like the example rows of
 * fixtures/genie-api-examples.json, and GET /__admin/audit serves the same
 * rows; /metrics counts exactly the traffic a test sent.
 */
#include "tests/gk_test.h"
#include "tests/integration/mock_default.h"
#include "tests/integration/mock_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEV           "dev@example.com"
#define EXAMPLES_FILE "fixtures/genie-api-examples.json"
#define UA            "User-Agent: geniekit-test/1.0"

/* default, with one question a minute: the second question is throttled. */
static const char one_question[] =
    "{\"base\":\"default\",\"limits\":{\"questions_per_window\":1}}";

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap + 1);
            cr_assert_not_null(buf);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Asserts that objects a and b have the same keys (values not compared). */
static void same_keys(const cJSON *a, const cJSON *b, const char *what)
{
    const cJSON *k;
    cr_assert(cJSON_IsObject(a) && cJSON_IsObject(b), "%s: not objects", what);
    cJSON_ArrayForEach(k, a)
    {
        if (strcmp(k->string, "_comment") != 0)
            cr_assert(cJSON_HasObjectItem(b, k->string), "%s: %s missing", what,
                      k->string);
    }
    cJSON_ArrayForEach(k, b)
    {
        cr_assert(cJSON_HasObjectItem(a, k->string), "%s: %s is not a documented column",
                  what, k->string);
    }
}

static const cJSON *obj(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

struct call {
    const char *method, *path, *body;
    const char *action;
    long status;
    const char *params[4][2]; /* request_params: key, value */
};

Test(mock_report, the_audit_log_has_one_documented_row_per_genie_call)
{
    char path[] = "/tmp/gk-audit-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    struct mock *m = h_start_opts(one_question, &(struct mock_opts){.audit_log = path});
    struct h_ids ids = h_start_conversation(m, 0, SALES, DEV0, "Sales by region");
    /* The start-conversation above is call 0; it was made without a
     * User-Agent, the others with one. */
    char msg_path[256], fb_path[300], gone_path[256], follow_path[256];
    snprintf(msg_path, sizeof msg_path, PFX "/" SALES "/conversations/%s/messages/%s",
             ids.conv, ids.msg);
    snprintf(fb_path, sizeof fb_path, "%s/feedback", msg_path);
    snprintf(gone_path, sizeof gone_path,
             PFX "/" SALES "/conversations/%s/messages/" NO_SUCH_ID, ids.conv);
    snprintf(follow_path, sizeof follow_path, PFX "/" SALES "/conversations/%s/messages",
             ids.conv);
    size_t big_len = (1u << 20) + 100; /* over the 1 MiB body cap */
    char *big = malloc(big_len + 1);
    cr_assert_not_null(big);
    memset(big, 'a', big_len);
    memcpy(big, "{\"content\":\"", 12);
    memcpy(big + big_len - 2, "\"}", 2);
    big[big_len] = '\0';
    struct call calls[] = {
        {"POST", NULL, NULL, "genieStartConversationMessage", 200, {{"space_id", SALES}}},
        {"GET",
         msg_path,
         NULL,
         "genieGetConversationMessage",
         200,
         {{"space_id", SALES}, {"conversation_id", ids.conv}, {"message_id", ids.msg}}},
        {"POST",
         fb_path,
         "{\"rating\":\"POSITIVE\"}",
         "genieSendMessageFeedback",
         200,
         {{"space_id", SALES},
          {"conversation_id", ids.conv},
          {"message_id", ids.msg},
          {"feedback_rating", "POSITIVE"}}},
        {"GET",
         gone_path,
         NULL,
         "genieGetConversationMessage",
         404,
         {{"space_id", SALES},
          {"conversation_id", ids.conv},
          {"message_id", NO_SUCH_ID}}},
        {"POST",
         follow_path,
         "{\"content\":\"And by month?\"}",
         "genieCreateConversationMessage",
         429,
         {{"space_id", SALES}, {"conversation_id", ids.conv}}},
        {"POST",
         PFX "/" SALES "/start-conversation",
         big,
         "genieStartConversationMessage",
         413,
         {{"space_id", SALES}}},
    };
    static const char *const times[] = {
        "2026-11-21T00:00:00.000+00:00", "2026-11-21T00:00:01.500+00:00",
        "2026-11-21T00:00:03.000+00:00", "2026-11-21T00:00:04.500+00:00",
        "2026-11-21T00:00:06.000+00:00", "2026-11-21T00:00:07.500+00:00",
    };
    const size_t n = sizeof calls / sizeof calls[0];
    char request_id[6][64], message[6][256]; /* what the client got */
    for (size_t i = 1; i < n; i++) {
        h_advance_ms(m, 1500);
        char auth[128];
        snprintf(auth, sizeof auth, "Bearer %s", DEV0);
        struct h_reply r =
            h_call(m, 0, calls[i].method, calls[i].path, calls[i].body, auth, UA);
        cr_assert_eq(r.status, calls[i].status, "call %zu: %ld %s", i, r.status, r.body);
        h_header(&r, "X-Request-Id", request_id[i], sizeof request_id[i]);
        snprintf(message[i], sizeof message[i], "%s", h_jstr(r.json, "message"));
        h_free(&r);
    }
    /* Calls that are not Genie API calls make no row. */
    struct h_reply r = h_admin(m, "GET", "/__admin/health", NULL);
    cr_assert_eq(r.status, 200);
    h_free(&r);
    r = h_req(m, 0, "GET", "/metrics", NULL, NULL);
    cr_assert_eq(r.status, 200);
    h_free(&r);
    char tok[2048];
    h_mint(m, 0, SVC0_ID, SVC0_SEC, tok, sizeof tok);

    /* The file, read while the mock runs (each line is flushed). */
    size_t len;
    char *text = slurp(path, &len);
    cJSON *rows[8];
    size_t k = 0;
    for (char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        cr_assert_lt(k, n, "more rows than Genie calls: %s", text);
        rows[k] = cJSON_ParseWithLength(line, (size_t)(nl - line));
        cr_assert_not_null(rows[k], "row %zu is not JSON: %.*s", k, (int)(nl - line),
                           line);
        k++;
    }
    cr_assert_eq(k, n, "one row per Genie call: %s", text);
    cr_assert_eq(text[len - 1], '\n', "the last row is a whole line");

    size_t elen;
    char *etext = slurp(EXAMPLES_FILE, &elen);
    cJSON *ex = cJSON_ParseWithLength(etext, elen);
    const cJSON *examples[] = {obj(ex, "audit_row_start_conversation"),
                               obj(ex, "audit_row_throttled")};
    for (size_t i = 0; i < n; i++) {
        const cJSON *row = rows[i];
        char what[32];
        snprintf(what, sizeof what, "row %zu", i);
        for (int e = 0; e < 2; e++) {
            same_keys(examples[e], row, what);
            same_keys(obj(examples[e], "user_identity"), obj(row, "user_identity"), what);
            same_keys(obj(examples[e], "response"), obj(row, "response"), what);
        }
        cr_assert_str_eq(h_jstr(row, "service_name"), "aibiGenie");
        cr_assert_str_eq(h_jstr(row, "action_name"), calls[i].action, "%s", what);
        cr_assert_str_eq(h_jstr(row, "account_id"), ACCOUNT_ID);
        cr_assert_str_eq(h_jstr(row, "workspace_id"), WS0_ID);
        cr_assert_str_eq(h_jstr(row, "version"), "2.0");
        cr_assert_str_eq(h_jstr(row, "event_time"), times[i], "%s", what);
        cr_assert_str_eq(h_jstr(row, "event_date"), "2026-11-21");
        cr_assert_str_eq(h_jstr(row, "source_ip_address"), "127.0.0.1");
        if (i == 0)
            cr_assert(cJSON_IsNull(obj(row, "user_agent")));
        else
            cr_assert_str_eq(h_jstr(row, "user_agent"), "geniekit-test/1.0");
        cr_assert(cJSON_IsNull(obj(row, "session_id")));
        cr_assert_str_eq(h_jstr(obj(row, "user_identity"), "email"), DEV, "%s", what);
        cr_assert_str_eq(h_jstr(row, "audit_level"), "WORKSPACE_LEVEL");
        cr_assert_eq(strlen(h_jstr(row, "event_id")), 36);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(h_jstr(row, "event_id"), h_jstr(rows[j], "event_id"));
        if (i > 0)
            cr_assert_str_eq(h_jstr(row, "request_id"), request_id[i]);

        const cJSON *params = obj(row, "request_params"), *p;
        size_t want = 0;
        while (want < 4 && calls[i].params[want][0] != NULL)
            want++;
        cr_assert_eq((size_t)cJSON_GetArraySize(params), want, "%s params", what);
        cJSON_ArrayForEach(p, params)
        {
            cr_assert(cJSON_IsString(p), "%s: %s is not a string", what, p->string);
        }
        for (size_t j = 0; j < want; j++)
            cr_assert_str_eq(h_jstr(params, calls[i].params[j][0]), calls[i].params[j][1],
                             "%s %s", what, calls[i].params[j][0]);

        const cJSON *resp = obj(row, "response");
        const cJSON *code = obj(resp, "status_code");
        cr_assert(cJSON_IsNumber(code), "%s: status_code is a number", what);
        cr_assert_eq((long)code->valuedouble, calls[i].status, "%s", what);
        if (calls[i].status == 200) {
            cr_assert(cJSON_IsNull(obj(resp, "error_message")), "%s", what);
        } else {
            cr_assert_str_eq(h_jstr(resp, "error_message"), message[i], "%s", what);
        }
        if (i == 0) {
            cJSON *res = cJSON_Parse(h_jstr(resp, "result"));
            cr_assert_not_null(res, "result is JSON text");
            cr_assert_str_eq(h_jstr(res, "conversation_id"), ids.conv);
            cr_assert_str_eq(h_jstr(res, "message_id"), ids.msg);
            cJSON_Delete(res);
        } else {
            cr_assert(cJSON_IsNull(obj(resp, "result")), "%s", what);
        }
    }

    /* GET /__admin/audit: the same rows, newest first. */
    r = h_admin(m, "GET", "/__admin/audit", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const cJSON *events = obj(r.json, "events");
    cr_assert_eq((size_t)cJSON_GetArraySize(events), n, "%s", r.body);
    for (size_t i = 0; i < n; i++)
        cr_assert(
            cJSON_Compare(cJSON_GetArrayItem(events, (int)(n - 1 - i)), rows[i], true),
            "row %zu differs", i);
    h_free(&r);
    r = h_admin(m, "GET", "/__admin/audit?limit=2", NULL);
    cr_assert_eq(cJSON_GetArraySize(obj(r.json, "events")), 2);
    cr_assert(
        cJSON_Compare(cJSON_GetArrayItem(obj(r.json, "events"), 0), rows[n - 1], true));
    h_free(&r);

    /* Stopped: still exactly those rows. */
    h_stop(m);
    size_t len2;
    char *again = slurp(path, &len2);
    cr_assert_str_eq(again, text);
    free(again);
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(rows[i]);
    cJSON_Delete(ex);
    free(etext);
    free(text);
    free(big);
    unlink(path);
    GK_ASSERT_NO_LEAKS();
}

/* ---- /metrics ---- */

/* The value of the sample named exactly series in the exposition text, or
 * -1 when there is none. */
static int64_t sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p != NULL && *p;
         p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtoll(p + n + 1, NULL, 10);
    return -1;
}

/* The sum of every sample of the family (lines starting with name{). */
static int64_t family_sum(const char *text, const char *name)
{
    int64_t sum = 0;
    size_t n = strlen(name);
    for (const char *p = text; p != NULL && *p;
         p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && p[n] == '{')
            sum += strtoll(strchr(p, ' ') + 1, NULL, 10);
    return sum;
}

#define REQ(ws, route, status)                                                           \
    "genie_mock_requests_total{workspace=\"" ws "\",route=\"" route                      \
    "\",status=\"" status "\"}"

Test(mock_report, metrics_count_the_traffic_that_was_sent)
{
    /* Two questions a minute; every 2nd poll of the analyst's answered 503. */
    struct mock *m = h_start(
        "{\"base\":\"default\",\"limits\":{\"questions_per_window\":2},\"faults\":[{"
        "\"name\":"
        "\"poll-fail\",\"match\":{\"route\":\"get_message\",\"principal\":"
        "\"analyst@example.com\"},\"trigger\":{\"every\":2},\"action\":{\"status\":503,"
        "\"retry_after_s\":1}}]}");
    struct h_ids a = h_start_conversation(m, 0, SALES, ANALYST, "Sales by region");
    struct h_ids b = h_start_conversation(m, 0, STORE, DEV0, "Units by store");
    struct h_reply r = h_req(m, 0, "POST", PFX "/" SALES "/start-conversation",
                             "{\"content\":\"x\"}", DEV0);
    cr_assert_eq(r.status, 429);
    h_free(&r);
    for (int i = 0; i < 4; i++) {
        r = h_get_message(m, 0, SALES, &a, ANALYST);
        cr_assert_eq(r.status, i % 2 ? 503 : 200);
        h_free(&r);
    }
    r = h_req(m, 0, "GET", PFX "/" NO_SUCH_ID, NULL, DEV0);
    cr_assert_eq(r.status, 404);
    h_free(&r);
    struct h_ids c = h_start_conversation(m, 1, FINANCE, DEV1, "Spend by account");
    r = h_req(m, 1, "GET", PFX, NULL, DEV1);
    cr_assert_eq(r.status, 200);
    h_free(&r);

    h_advance_ms(m, 60000);
    const char *seen[3];
    struct {
        size_t ws;
        const char *space, *token;
        struct h_ids *ids;
    } polls[] = {{0, SALES, ANALYST, &a}, {0, STORE, DEV0, &b}, {1, FINANCE, DEV1, &c}};
    char status[3][32];
    for (int i = 0; i < 3; i++) {
        r = h_get_message(m, polls[i].ws, polls[i].space, polls[i].ids, polls[i].token);
        cr_assert_eq(r.status, 200, "%s", r.body);
        snprintf(status[i], sizeof status[i], "%s", h_jstr(r.json, "status"));
        seen[i] = status[i];
        h_free(&r);
    }
    /* Admin calls and scrapes are not traffic. */
    r = h_admin(m, "GET", "/__admin/health", NULL);
    h_free(&r);
    r = h_req(m, 0, "GET", "/metrics", NULL, NULL);
    h_free(&r);

    r = h_req(m, 0, "GET", "/metrics", NULL, NULL);
    cr_assert_eq(r.status, 200);
    const char *t = r.body;
    static const struct {
        const char *series;
        int64_t want;
    } want[] = {
        {REQ(WS0_ID, "start_conversation", "200"), 2},
        {REQ(WS0_ID, "start_conversation", "429"), 1},
        {REQ(WS0_ID, "get_message", "200"), 4},
        {REQ(WS0_ID, "get_message", "503"), 2},
        {REQ(WS0_ID, "get_space", "404"), 1},
        {REQ(WS1_ID, "start_conversation", "200"), 1},
        {REQ(WS1_ID, "list_spaces", "200"), 1},
        {REQ(WS1_ID, "get_message", "200"), 1},
        {"genie_mock_throttled_total{workspace=\"" WS0_ID "\"}", 1},
        {"genie_mock_throttled_total{workspace=\"" WS1_ID "\"}", -1},
        {"genie_mock_faults_total{rule=\"poll-fail\"}", 2},
        {"genie_mock_request_duration_seconds_count{route=\"get_message\"}", 7},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_eq(sample(t, want[i].series), want[i].want, "%s in\n%s", want[i].series,
                     t);
    cr_assert_eq(family_sum(t, "genie_mock_requests_total"), 13,
                 "every call, nothing else");
    cr_assert_eq(family_sum(t, "genie_mock_messages"), 3, "three messages in the store");
    for (int s = 0; s < GK_MSG_STATUS_COUNT; s++) {
        const char *name = gk_types_msg_status_name((enum gk_msg_status)s);
        int64_t n = 0;
        for (int i = 0; i < 3; i++)
            n += strcmp(seen[i], name) == 0;
        char series[96];
        snprintf(series, sizeof series, "genie_mock_messages{status=\"%s\"}", name);
        cr_assert_eq(sample(t, series), n, "%s", series);
    }
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
