/*
 * mock_api, part 3: how messages end, each outcome forced by an inline
 * scenario (FAILED with a typed error at the planned time, CANCELLED, stuck,
 * a text-only answer), and the limits: conversations per space, and the
 * 5,000-row cap on a result.
 */
#include "tests/gk_test.h"
#include "tests/integration/api_steps.h"

#include "common/lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_PATH API_GENIE "/" API_SPACE "/conversations/%s/messages/%s"

#define FAILING(type) API_SCENARIO("\"failed\":1", type, "", "")

static const char *const query_updated_extra[] = {
    "attachments[].query.last_updated_timestamp", NULL};

/* The status of the message now. */
static enum gk_msg_status status_now(struct mock *m, const struct api_ids *ids)
{
    struct h_reply r = api_message(m, API_SPACE, API_DEV, ids);
    enum gk_msg_status s = gk_types_msg_status_from_name(api_str(r.json, "status"));
    h_free(&r);
    return s;
}

Test(mock_api, a_failed_message_fails_at_the_planned_time_with_a_typed_error)
{
    /* Where each kind of failure strikes (store.c), on the fixed timings:
     * the metadata step ends at 2 s, ASKING_AI at 5 s, the query at 8 s; a
     * warehouse failure waits its 5 s for the warehouse (although this
     * scenario never waits for one otherwise), so it strikes at 10 s. */
    static const struct {
        const char *scenario, *type, *before;
        int64_t fail_ms;
        bool sql;
    } cases[] = {
        {FAILING("SQL_EXECUTION_EXCEPTION"), "SQL_EXECUTION_EXCEPTION", "EXECUTING_QUERY",
         8000, true},
        {FAILING("GENERIC_SQL_EXEC_API_CALL_EXCEPTION"),
         "GENERIC_SQL_EXEC_API_CALL_EXCEPTION", "EXECUTING_QUERY", 8000, true},
        {FAILING("WAREHOUSE_NOT_FOUND_EXCEPTION"), "WAREHOUSE_NOT_FOUND_EXCEPTION",
         "PENDING_WAREHOUSE", 10000, true},
        {FAILING("TABLES_MISSING_EXCEPTION"), "TABLES_MISSING_EXCEPTION",
         "FETCHING_METADATA", 2000, false},
        {FAILING("REPLY_PROCESS_TIMEOUT_EXCEPTION"), "REPLY_PROCESS_TIMEOUT_EXCEPTION",
         "ASKING_AI", 5000, false},
        {FAILING("CHAT_COMPLETION_NETWORK_EXCEPTION"),
         "CHAT_COMPLETION_NETWORK_EXCEPTION", "ASKING_AI", 5000, false},
    };
    static const char *const no_sql[] = {"attachments", NULL};
    cJSON *ex = shape_examples_load();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mock *m = h_start(cases[i].scenario);
        struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
        h_advance_ms(m, cases[i].fail_ms - 1);
        struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
        cr_assert_str_eq(api_str(r.json, "status"), cases[i].before, "%s: %s",
                         cases[i].type, r.body);
        cr_assert_null(shape_get(r.json, "error"), "no error before the failure");
        h_free(&r);

        h_advance_ms(m, 1);
        r = api_message(m, API_SPACE, API_DEV, &ids);
        struct shape_rules rules = {cases[i].sql ? NULL : no_sql, query_updated_extra};
        ASSERT_SHAPE(r.json, shape_example(ex, "message_failed"), &rules);
        api_assert_wire_values(r.json);
        cr_assert_str_eq(api_str(r.json, "status"), "FAILED", "%s", cases[i].type);
        cr_assert_str_eq(api_str(r.json, "error.type"), cases[i].type);
        cr_assert_gt(strlen(api_str(r.json, "error.error")), 10, "a human text");
        cr_assert_eq(api_int(r.json, "last_updated_timestamp"),
                     H_START_MS + cases[i].fail_ms);
        cr_assert_eq(api_attachment(r.json, "query") != NULL, cases[i].sql, "%s", r.body);
        cr_assert_null(api_attachment(r.json, "text"), "a failed message has no answer");
        char att[GK_ID_SIZE] = "";
        if (cases[i].sql)
            api_query_attachment_id(r.json, att);
        h_free(&r);

        if (cases[i].sql) { /* the statement failed too */
            r = api_call(m, "GET", API_DEV, NULL, MSG_PATH "/attachments/%s/query-result",
                         ids.conv, ids.msg, att);
            cr_assert_eq(r.status, 200, "%s", r.body);
            cr_assert_str_eq(api_str(r.json, "statement_response.status.state"),
                             "FAILED");
            cr_assert(cJSON_IsString(
                          shape_get(r.json, "statement_response.status.error.message")),
                      "%s", r.body);
            h_free(&r);
        }
        h_advance_ms(m, 3600 * 1000);
        cr_assert_eq(status_now(m, &ids), GK_MSG_FAILED, "FAILED is final");
        h_stop(m);
    }
    cJSON_Delete(ex);
    GK_ASSERT_NO_LEAKS();
}

/* Polls every 250 ms for max_ms, asserting each change is a legal
 * transition; returns the last status and when it began in *since_ms. */
static enum gk_msg_status follow(struct mock *m, const struct api_ids *ids,
                                 int64_t max_ms, int64_t *since_ms)
{
    enum gk_msg_status prev = status_now(m, ids);
    *since_ms = 0;
    cr_assert_eq(prev, GK_MSG_SUBMITTED);
    for (int64_t t = 250; t <= max_ms; t += 250) {
        h_advance_ms(m, 250);
        enum gk_msg_status s = status_now(m, ids);
        if (s == prev)
            continue;
        cr_assert(gk_lifecycle_can_transition(prev, s), "%s -> %s at %lld ms",
                  gk_types_msg_status_name(prev), gk_types_msg_status_name(s),
                  (long long)t);
        prev = s;
        *since_ms = t;
    }
    return prev;
}

Test(mock_api, a_cancelled_message_ends_cancelled_without_an_error)
{
    struct mock *m =
        h_start(API_SCENARIO("\"cancelled\":1", "SQL_EXECUTION_EXCEPTION", "", ""));
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    int64_t since = 0;
    cr_assert_eq(follow(m, &ids, 20000, &since), GK_MSG_CANCELLED);
    cr_assert_leq(since, API_SQL_DONE_MS,
                  "cancelled no later than it would have completed");

    h_advance_ms(m, 3600 * 1000);
    struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
    cr_assert_str_eq(api_str(r.json, "status"), "CANCELLED", "CANCELLED is final");
    cr_assert_null(shape_get(r.json, "error"), "%s", r.body);
    cr_assert_null(api_attachment(r.json, "text"), "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, a_stuck_message_never_ends_even_after_simulated_hours)
{
    struct mock *m =
        h_start(API_SCENARIO("\"stuck\":1", "SQL_EXECUTION_EXCEPTION", "", ""));
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    int64_t since = 0;
    enum gk_msg_status s = follow(m, &ids, 20000, &since);
    cr_assert(gk_lifecycle_is_running(s), "%s", gk_types_msg_status_name(s));

    for (int step = 0; step < 6 * 6; step++) { /* six hours, ten minutes at a time */
        h_advance_ms(m, 10 * 60 * 1000);
        struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
        cr_assert_str_eq(api_str(r.json, "status"), gk_types_msg_status_name(s),
                         "after %d minutes", (step + 1) * 10);
        cr_assert_eq(api_int(r.json, "last_updated_timestamp"), H_START_MS + since,
                     "nothing changes");
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, a_text_only_answer_has_text_and_suggestions_and_no_query)
{
    struct mock *m =
        h_start(API_SCENARIO("\"completed_text\":1", "SQL_EXECUTION_EXCEPTION", "", ""));
    cJSON *ex = shape_examples_load();
    /* The text-only example plus the suggested-questions attachment of the
     * completed example: Genie sends suggestions with clarifications too. */
    cJSON *want = cJSON_Duplicate(shape_example(ex, "message_completed_text_only"), true);
    cJSON_AddItemToArray(
        cJSON_GetObjectItem(want, "attachments"),
        cJSON_Duplicate(
            shape_get(shape_example(ex, "message_completed"), "attachments[1]"), true));
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "What about the quarter?");
    h_advance_ms(m, API_TEXT_DONE_MS - 1);
    cr_assert_eq(status_now(m, &ids), GK_MSG_ASKING_AI);
    h_advance_ms(m, 1);

    struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
    ASSERT_SHAPE(r.json, want, NULL);
    api_assert_wire_values(r.json);
    cr_assert_str_eq(api_str(r.json, "status"), "COMPLETED");
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "attachments")), 2, "%s", r.body);
    cr_assert_null(api_attachment(r.json, "query"));
    cr_assert_null(shape_get(r.json, "query_result"),
                   "no deprecated query_result either");
    const cJSON *text = api_attachment(r.json, "text");
    cr_assert_str_eq(api_str(text, "text.purpose"), "FOLLOW_UP_QUESTION");
    cr_assert_gt(strlen(api_str(text, "text.content")), 0);
    const cJSON *qs = shape_get(api_attachment(r.json, "suggested_questions"),
                                "suggested_questions.questions");
    cr_assert_gt(cJSON_GetArraySize(qs), 0, "%s", r.body);
    h_free(&r);

    r = api_call(m, "GET", API_DEV, NULL, MSG_PATH "/query-result", ids.conv, ids.msg);
    api_assert_error(&r, 400, "INVALID_STATE", "no query result");
    h_free(&r);
    r = api_call(m, "POST", API_DEV, "{}", MSG_PATH "/execute-query", ids.conv, ids.msg);
    api_assert_error(&r, 400, "INVALID_STATE", ids.msg);
    h_free(&r);
    cJSON_Delete(want);
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, a_full_space_refuses_new_conversations_until_one_is_deleted)
{
    /* Five questions a minute: a refused start must not use one up. */
    struct mock *m = h_start(
        API_SCENARIO("\"completed_sql\":1", "SQL_EXECUTION_EXCEPTION",
                     "\"max_conversations_per_space\":2,\"questions_per_window\":5", ""));
    struct api_ids a = api_start(m, API_SPACE, API_DEV, "First");
    api_start(m, API_SPACE, API_DEV, "Second");

    for (int i = 0; i < 2; i++) {
        struct h_reply r = api_call(m, "POST", API_DEV, "{\"content\":\"Third\"}",
                                    API_GENIE "/" API_SPACE "/start-conversation");
        api_assert_error(&r, 400, "RESOURCE_LIMIT_EXCEEDED", API_SPACE);
        cr_assert(strstr(h_str(&r, "message"), "limit of 2 conversations") != NULL, "%s",
                  r.body);
        h_free(&r);
    }
    struct h_reply r =
        api_call(m, "GET", API_DEV, NULL, API_GENIE "/" API_SPACE "/conversations");
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "conversations")), 2, "%s", r.body);
    h_free(&r);

    api_follow_up(m, API_SPACE, API_DEV, &a, "Follow-ups are still fine");
    api_start(m, API_SPACE2, API_DEV, "Another space has room");
    r = api_call(m, "DELETE", API_DEV, NULL, API_GENIE "/" API_SPACE "/conversations/%s",
                 a.conv);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    api_start(m, API_SPACE, API_DEV, "Third, now that there is room");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, listing_all_orders_returns_5000_rows_marked_truncated)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "list all orders");
    h_advance_ms(m, API_SQL_DONE_MS);
    struct h_reply msg = api_message(m, API_SPACE, API_DEV, &ids);
    const cJSON *q = api_attachment(msg.json, "query");
    cr_assert_not_null(q, "%s", msg.body);
    cr_assert_eq(api_int(q, "query.query_result_metadata.row_count"), 5000);
    cr_assert(cJSON_IsTrue(shape_get(q, "query.query_result_metadata.is_truncated")));
    cr_assert_eq(api_int(msg.json, "query_result.row_count"), 5000);
    cr_assert(cJSON_IsTrue(shape_get(msg.json, "query_result.is_truncated")));
    char att[GK_ID_SIZE];
    api_query_attachment_id(msg.json, att);
    h_free(&msg);

    struct h_reply r =
        api_call(m, "GET", API_DEV, NULL, MSG_PATH "/attachments/%s/query-result",
                 ids.conv, ids.msg, att);
    cr_assert_eq(r.status, 200);
    const cJSON *sr = shape_get(r.json, "statement_response");
    cr_assert(cJSON_IsTrue(shape_get(sr, "manifest.truncated")));
    cr_assert_eq(api_int(sr, "manifest.total_row_count"), 5000);
    cr_assert_eq(api_int(sr, "result.row_count"), 5000);
    const cJSON *rows = shape_get(sr, "result.data_array");
    cr_assert_eq(cJSON_GetArraySize(rows), 5000);
    int cols = (int)api_int(sr, "manifest.schema.column_count");
    cr_assert_eq(cols, 4, "a listing has the table's columns");
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        cr_assert_eq(cJSON_GetArraySize(row), cols);
    }
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
