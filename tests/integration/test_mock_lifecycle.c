/*
 * The message lifecycle as a client sees it over HTTP, under a manual clock:
 * statuses in order at exact times, attachments appearing when they should,
 * the query result following the message, expiry and re-run.
 */
#include "tests/gk_test.h"
#include "tests/integration/mock_harness.h"

#include <stdio.h>
#include <string.h>

#define SPACE "01f0aaaabbbbccccddddeeeeffff0001"
#define TOKEN "dapi-test-token-0001"

/* Every question completes with SQL; fixed times: 1+1+1+2 s, no warehouse
 * wait, 3 s of query; results expire an hour after completion. */
static const char *const scenario_sql =
    "{\"name\":\"lifecycle\",\"seed\":7,"
    "\"workspaces\":[{\"workspace_id\":\"1111222233334444\","
    "\"spaces\":[{\"space_id\":\"" SPACE "\",\"title\":\"Sales\",\"domain\":\"sales\","
    "\"tables\":[{\"name\":\"main.sales.orders\",\"row_count\":50000,\"columns\":["
    "{\"name\":\"region\",\"type\":\"STRING\",\"values\":[\"EMEA\",\"AMER\",\"APAC\"]},"
    "{\"name\":\"amount\",\"type\":\"DECIMAL\",\"min\":5,\"max\":500},"
    "{\"name\":\"order_date\",\"type\":\"DATE\",\"min\":\"2025-01-01\",\"max\":\"2026-10-"
    "31\"}"
    "]}]}],"
    "\"principals\":[{\"name\":\"dev@example.com\",\"token\":\"" TOKEN
    "\",\"spaces\":\"*\","
    "\"can_manage\":true}]}],"
    "\"behaviour\":{\"outcomes\":{\"completed_sql\":1,\"completed_text\":0,\"failed\":0,"
    "\"cancelled\":0,\"stuck\":0},"
    "\"status_time\":{\"SUBMITTED\":\"1s\",\"FETCHING_METADATA\":\"1s\","
    "\"FILTERING_CONTEXT\":\"1s\",\"ASKING_AI\":\"2s\",\"PENDING_WAREHOUSE\":\"5s\","
    "\"EXECUTING_QUERY\":\"3s\"},\"pending_warehouse_ratio\":0,\"result_expiry\":\"1h\"}"
    "}";

struct ids {
    char conv[64], msg[64];
};

static struct ids start(struct mock *m, const char *question)
{
    char body[512];
    struct ids ids;
    snprintf(body, sizeof body, "{\"content\":\"%s\"}", question);
    struct h_reply r = h_req(
        m, 0, "POST", "/api/2.0/genie/spaces/" SPACE "/start-conversation", body, TOKEN);
    cr_assert_eq(r.status, 200, "start-conversation: %ld %s", r.status, r.body);
    snprintf(ids.conv, sizeof ids.conv, "%s", h_str(&r, "conversation_id"));
    snprintf(ids.msg, sizeof ids.msg, "%s", h_str(&r, "message_id"));
    h_free(&r);
    return ids;
}

static struct h_reply get_message(struct mock *m, const struct ids *ids)
{
    char path[256];
    snprintf(path, sizeof path,
             "/api/2.0/genie/spaces/" SPACE "/conversations/%s/messages/%s", ids->conv,
             ids->msg);
    return h_req(m, 0, "GET", path, NULL, TOKEN);
}

static const cJSON *attachment(const struct h_reply *r, const char *kind)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(r->json, "attachments"))
    {
        if (cJSON_GetObjectItem(a, kind) != NULL)
            return a;
    }
    return NULL;
}

static struct h_reply query_result(struct mock *m, const struct ids *ids, const char *att)
{
    char path[384];
    snprintf(path, sizeof path,
             "/api/2.0/genie/spaces/" SPACE
             "/conversations/%s/messages/%s/attachments/%s/query-result",
             ids->conv, ids->msg, att);
    return h_req(m, 0, "GET", path, NULL, TOKEN);
}

static const char *statement_state(const struct h_reply *r)
{
    const cJSON *st = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "statement_response"), "status"),
        "state");
    return cJSON_IsString(st) ? st->valuestring : "(none)";
}

Test(mock_lifecycle, statuses_follow_the_plan_at_exact_times)
{
    struct mock *m = h_start(scenario_sql);
    struct ids ids = start(m, "What were total sales by region last month?");
    static const struct {
        int64_t at_ms;
        const char *status;
    } steps[] = {
        {0, "SUBMITTED"},
        {999, "SUBMITTED"},
        {1000, "FETCHING_METADATA"},
        {2000, "FILTERING_CONTEXT"},
        {3000, "ASKING_AI"},
        {4999, "ASKING_AI"},
        {5000, "EXECUTING_QUERY"},
        {7999, "EXECUTING_QUERY"},
        {8000, "COMPLETED"},
        {60000, "COMPLETED"},
    };
    int64_t now = 0, last_updated = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        h_advance_ms(m, steps[i].at_ms - now);
        now = steps[i].at_ms;
        struct h_reply r = get_message(m, &ids);
        cr_assert_eq(r.status, 200);
        cr_assert_str_eq(h_str(&r, "status"), steps[i].status, "at %lld ms",
                         (long long)now);
        cr_assert_str_eq(h_str(&r, "id"), ids.msg);
        cr_assert_str_eq(h_str(&r, "message_id"), ids.msg);
        double lu =
            cJSON_GetNumberValue(cJSON_GetObjectItem(r.json, "last_updated_timestamp"));
        cr_assert_geq((int64_t)lu, last_updated, "last_updated_timestamp went back");
        last_updated = (int64_t)lu;
        h_free(&r);
    }
    cr_assert_eq(last_updated, H_START_MS + 8000, "last_updated is when COMPLETED began");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_lifecycle, attachments_appear_with_their_status)
{
    struct mock *m = h_start(scenario_sql);
    struct ids ids = start(m, "Total amount by region");

    h_advance_ms(m, 3000); /* ASKING_AI: nothing yet */
    struct h_reply r = get_message(m, &ids);
    cr_assert_null(cJSON_GetObjectItem(r.json, "attachments"));
    h_free(&r);

    h_advance_ms(m, 2000); /* EXECUTING_QUERY: the query, no metadata yet */
    r = get_message(m, &ids);
    const cJSON *q = attachment(&r, "query");
    cr_assert_not_null(q, "query attachment by EXECUTING_QUERY: %s", r.body);
    cr_assert_null(attachment(&r, "text"));
    const cJSON *qq = cJSON_GetObjectItem(q, "query");
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(qq, "query")));
    cr_assert_null(cJSON_GetObjectItem(qq, "query_result_metadata"));
    char att[64];
    snprintf(att, sizeof att, "%s", cJSON_GetObjectItem(q, "attachment_id")->valuestring);
    const char *stmt = cJSON_GetObjectItem(qq, "statement_id")->valuestring;
    cr_assert_eq(strlen(stmt), 36, "statement ids are hyphenated UUIDs: %s", stmt);
    cr_assert_eq(stmt[8], '-');
    h_free(&r);

    struct h_reply qr = query_result(m, &ids, att);
    cr_assert_eq(qr.status, 200, "%s", qr.body);
    cr_assert_str_eq(statement_state(&qr), "RUNNING");
    h_free(&qr);

    h_advance_ms(m, 3000); /* COMPLETED: query with metadata, suggestions, text */
    r = get_message(m, &ids);
    cr_assert_str_eq(h_str(&r, "status"), "COMPLETED");
    q = attachment(&r, "query");
    const cJSON *meta =
        cJSON_GetObjectItem(cJSON_GetObjectItem(q, "query"), "query_result_metadata");
    cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(meta, "row_count")));
    const cJSON *text = attachment(&r, "text");
    cr_assert_not_null(text);
    cr_assert_null(cJSON_GetObjectItem(text, "attachment_id"),
                   "text attachments carry no attachment_id, as in captures");
    cr_assert_not_null(attachment(&r, "suggested_questions"));
    h_free(&r);

    qr = query_result(m, &ids, att);
    cr_assert_str_eq(statement_state(&qr), "SUCCEEDED");
    const cJSON *sr = cJSON_GetObjectItem(qr.json, "statement_response");
    const cJSON *rows =
        cJSON_GetObjectItem(cJSON_GetObjectItem(sr, "result"), "data_array");
    cr_assert(cJSON_IsArray(rows) && cJSON_GetArraySize(rows) > 0, "%s", qr.body);
    const cJSON *cell = cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 0), 0);
    cr_assert(cJSON_IsString(cell) || cJSON_IsNull(cell), "cells are strings or null");
    h_free(&qr);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_lifecycle, results_expire_and_come_back_through_execute_query)
{
    struct mock *m = h_start(scenario_sql);
    struct ids ids = start(m, "Total amount by region");
    h_advance_ms(m, 8000 + 3600 * 1000);

    struct h_reply r = get_message(m, &ids);
    cr_assert_str_eq(h_str(&r, "status"), "QUERY_RESULT_EXPIRED");
    char att[64];
    snprintf(att, sizeof att, "%s",
             cJSON_GetObjectItem(attachment(&r, "query"), "attachment_id")->valuestring);
    h_free(&r);

    struct h_reply qr = query_result(m, &ids, att);
    cr_assert_str_eq(statement_state(&qr), "CLOSED", "an expired result is closed");
    h_free(&qr);

    char path[384];
    snprintf(path, sizeof path,
             "/api/2.0/genie/spaces/" SPACE
             "/conversations/%s/messages/%s/attachments/%s/execute-query",
             ids.conv, ids.msg, att);
    qr = h_req(m, 0, "POST", path, "{}", TOKEN);
    cr_assert_eq(qr.status, 200, "%s", qr.body);
    cr_assert_str_eq(statement_state(&qr), "RUNNING");
    h_free(&qr);

    r = get_message(m, &ids);
    cr_assert_str_eq(h_str(&r, "status"), "EXECUTING_QUERY");
    h_free(&r);
    h_advance_ms(m, 3000);
    r = get_message(m, &ids);
    cr_assert_str_eq(h_str(&r, "status"), "COMPLETED");
    h_free(&r);
    qr = query_result(m, &ids, att);
    cr_assert_str_eq(statement_state(&qr), "SUCCEEDED");
    h_free(&qr);

    /* A running message cannot be re-executed. */
    struct ids other = start(m, "Total amount by region");
    snprintf(path, sizeof path,
             "/api/2.0/genie/spaces/" SPACE "/conversations/%s/messages/%s/execute-query",
             other.conv, other.msg);
    qr = h_req(m, 0, "POST", path, "{}", TOKEN);
    cr_assert_eq(qr.status, 400, "%s", qr.body);
    cr_assert_str_eq(h_str(&qr, "error_code"), "INVALID_STATE");
    h_free(&qr);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_lifecycle, same_seed_and_requests_give_the_same_ids_sql_and_rows)
{
    char first[2][8192];
    for (int run = 0; run < 2; run++) {
        struct mock *m = h_start(scenario_sql);
        struct ids ids = start(m, "Top 5 regions by total amount");
        h_advance_ms(m, 8000);
        struct h_reply r = get_message(m, &ids);
        char att[64];
        snprintf(
            att, sizeof att, "%s",
            cJSON_GetObjectItem(attachment(&r, "query"), "attachment_id")->valuestring);
        struct h_reply qr = query_result(m, &ids, att);
        snprintf(first[run], sizeof first[run], "%s\n%s", r.body, qr.body);
        h_free(&r);
        h_free(&qr);
        h_stop(m);
    }
    cr_assert_str_eq(first[0], first[1]);
    GK_ASSERT_NO_LEAKS();
}
