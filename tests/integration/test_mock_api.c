/*
 * mock_api, part 1: the message endpoints and the query results, each reply
 * compared key by key and type by type with the matching body of
 * fixtures/genie-api-examples.json (json_shape.h), plus the values the wire
 * contract fixes: ids 32 lowercase hex and time-ordered, timestamps epoch
 * milliseconds, user_id a JSON number. Lists, spaces, outcomes and limits
 * are in test_mock_api_lists.c and test_mock_api_outcomes.c.
 */
#include "tests/gk_test.h"
#include "tests/integration/api_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_PATH API_GENIE "/" API_SPACE "/conversations/%s/messages/%s"
#define QUESTION "What were total sales by region last month?"
#define START_MS H_START_MS

/* Keys the mock leaves out or adds, against the examples, and why. */
static const char *const thoughts_optional[] = {
    "attachments[].query.thoughts", /* 2026-04 addition; the mock has no thoughts */
    NULL};
static const char *const query_updated_extra[] = {
    "attachments[].query.last_updated_timestamp", /* as on COMPLETED */
    NULL};

Test(mock_api, start_conversation_has_the_example_shape_and_wire_values)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *ex = shape_examples_load();
    struct h_reply r = api_call(m, "POST", API_DEV, "{\"content\":\"" QUESTION "\"}",
                                API_GENIE "/" API_SPACE "/start-conversation");
    cr_assert_eq(r.status, 200, "%s", r.body);
    ASSERT_SHAPE(r.json, shape_example(ex, "start_conversation_response"), NULL);
    api_assert_wire_values(r.json);

    const char *conv = api_str(r.json, "conversation_id");
    const char *msg = api_str(r.json, "message_id");
    cr_assert(api_is_id(conv) && api_is_id(msg), "%s", r.body);
    cr_assert_str_eq(api_str(r.json, "conversation.conversation_id"), conv);
    cr_assert_str_eq(api_str(r.json, "conversation.id"), conv);
    cr_assert_str_eq(api_str(r.json, "conversation.space_id"), API_SPACE);
    cr_assert_str_eq(api_str(r.json, "conversation.title"), QUESTION);
    cr_assert_str_eq(api_str(r.json, "message.message_id"), msg);
    cr_assert_str_eq(api_str(r.json, "message.id"), msg);
    cr_assert_str_eq(api_str(r.json, "message.conversation_id"), conv);
    cr_assert_str_eq(api_str(r.json, "message.content"), QUESTION);
    cr_assert_str_eq(api_str(r.json, "message.status"), "SUBMITTED");
    static const char *const stamps[] = {
        "conversation.created_timestamp", "conversation.last_updated_timestamp",
        "message.created_timestamp", "message.last_updated_timestamp"};
    for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
        char digits[32];
        int64_t t = api_int(r.json, stamps[i]);
        cr_assert_eq(t, START_MS, "%s", stamps[i]);
        cr_assert_eq(snprintf(digits, sizeof digits, "%lld", (long long)t), 13,
                     "%s: epoch ms have 13 digits", stamps[i]);
    }
    cr_assert_eq(api_int(r.json, "conversation.user_id"), API_DEV_ID);
    cr_assert_eq(api_int(r.json, "message.user_id"), API_DEV_ID);
    cr_assert(strstr(r.body, "\"user_id\":4213378824551907") != NULL,
              "user_id is a bare JSON number: %s", r.body);
    h_free(&r);
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, ids_are_lowercase_hex_and_ordered_by_creation_time)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids a = api_start(m, API_SPACE, API_DEV, QUESTION);
    h_advance_ms(m, 1);
    struct api_ids b = api_follow_up(m, API_SPACE, API_DEV, &a, "And by month?");
    h_advance_ms(m, 1000);
    struct api_ids c = api_start(m, API_SPACE, API_DEV, "Total amount");
    /* Each id is newer than the one made before it; ids made in the same
     * millisecond (a conversation and its first message) too. */
    const char *order[] = {a.conv, a.msg, b.msg, c.conv, c.msg};
    for (size_t i = 0; i + 1 < sizeof order / sizeof order[0]; i++)
        cr_assert_lt(strcmp(order[i], order[i + 1]), 0, "%s !< %s", order[i],
                     order[i + 1]);
    cr_assert_str_eq(b.conv, a.conv);
    /* And each carries the time it was made (a's attachments, made ahead
     * with the times they appear, must not push later ids forward). */
    static const struct {
        size_t which;
        int64_t at_ms;
    } made[] = {{0, 0}, {1, 0}, {2, 1}, {3, 1001}, {4, 1001}};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        int64_t ms = -1;
        cr_assert_eq(gk_id_epoch_ms(order[made[i].which], &ms, NULL), GK_OK);
        cr_assert_eq(ms, START_MS + made[i].at_ms, "id %s made at +%lld ms says +%lld",
                     order[made[i].which], (long long)made[i].at_ms,
                     (long long)(ms - START_MS));
    }

    h_advance_ms(m, API_SQL_DONE_MS);
    struct h_reply r = api_message(m, API_SPACE, API_DEV, &a);
    char att[GK_ID_SIZE];
    api_query_attachment_id(r.json, att);
    const char *sugg =
        api_str(api_attachment(r.json, "suggested_questions"), "attachment_id");
    cr_assert(api_is_id(sugg));
    cr_assert_lt(strcmp(a.msg, att), 0, "the query attachment comes after its message");
    cr_assert_lt(strcmp(att, sugg), 0, "suggestions come when the message completes");
    int64_t att_ms = -1, sugg_ms = -1;
    cr_assert_eq(gk_id_epoch_ms(att, &att_ms, NULL), GK_OK);
    cr_assert_eq(gk_id_epoch_ms(sugg, &sugg_ms, NULL), GK_OK);
    cr_assert_eq(att_ms, START_MS + 5000, "the query appears with EXECUTING_QUERY");
    cr_assert_eq(sugg_ms, START_MS + API_SQL_DONE_MS,
                 "suggestions appear with COMPLETED");
    const char *stmt = api_str(api_attachment(r.json, "query"), "query.statement_id");
    cr_assert(gk_id_uuid_valid(stmt), "statement_id \"%s\" is a hyphenated UUID", stmt);
    cr_assert_str_eq(api_str(r.json, "query_result.statement_id"), stmt);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, create_message_has_the_follow_up_example_shape)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *ex = shape_examples_load();
    struct api_ids a = api_start(m, API_SPACE, API_DEV, QUESTION);
    h_advance_ms(m, 60000);
    struct h_reply r =
        api_call(m, "POST", API_DEV, "{\"content\":\"Break EMEA down by month.\"}",
                 API_GENIE "/" API_SPACE "/conversations/%s/messages", a.conv);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ASSERT_SHAPE(r.json, shape_example(ex, "followup_create_message_response"), NULL);
    api_assert_wire_values(r.json);
    cr_assert_str_eq(api_str(r.json, "id"), api_str(r.json, "message_id"));
    cr_assert_str_neq(api_str(r.json, "id"), a.msg);
    cr_assert_str_eq(api_str(r.json, "conversation_id"), a.conv);
    cr_assert_str_eq(api_str(r.json, "space_id"), API_SPACE);
    cr_assert_str_eq(api_str(r.json, "status"), "SUBMITTED");
    cr_assert_eq(api_int(r.json, "created_timestamp"), START_MS + 60000);
    h_free(&r);
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, get_message_has_the_example_shape_at_each_status)
{
    static const struct {
        int64_t at_ms;
        const char *status, *example;
        const char *const *optional, *const *extra;
    } cases[] = {
        {1000, "FETCHING_METADATA", "message_fetching_metadata", NULL, NULL},
        {3000, "ASKING_AI", "message_asking_ai", NULL, NULL},
        {5000, "EXECUTING_QUERY", "message_executing_query", thoughts_optional,
         query_updated_extra},
        {API_SQL_DONE_MS, "COMPLETED", "message_completed", thoughts_optional, NULL},
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *ex = shape_examples_load();
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, QUESTION);
    int64_t now = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_advance_ms(m, cases[i].at_ms - now);
        now = cases[i].at_ms;
        struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
        struct shape_rules rules = {cases[i].optional, cases[i].extra};
        cr_assert_str_eq(api_str(r.json, "status"), cases[i].status);
        ASSERT_SHAPE(r.json, shape_example(ex, cases[i].example), &rules);
        api_assert_wire_values(r.json);
        cr_assert_eq(api_int(r.json, "last_updated_timestamp"), START_MS + now,
                     "last_updated is when %s began", cases[i].status);
        h_free(&r);
    }
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, list_conversation_messages_pages_through_every_message_in_order)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *ex = shape_examples_load();
    struct api_ids ids[5];
    ids[0] = api_start(m, API_SPACE, API_DEV, QUESTION);
    for (int i = 1; i < 5; i++) {
        h_advance_ms(m, 1000);
        ids[i] = api_follow_up(m, API_SPACE, API_DEV, &ids[0], "And then?");
    }
    h_advance_ms(m, 2000); /* the first is EXECUTING_QUERY, the last FETCHING_METADATA */

    char token[64] = "";
    int seen = 0, pages = 0;
    do {
        char query[96];
        snprintf(query, sizeof query, "?page_size=2%s%s", token[0] ? "&page_token=" : "",
                 token);
        struct h_reply r = api_call(
            m, "GET", API_DEV, NULL,
            API_GENIE "/" API_SPACE "/conversations/%s/messages%s", ids[0].conv, query);
        cr_assert_eq(r.status, 200, "%s", r.body);
        const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(r.json, "messages");
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(r.json, "next_page_token");
        const cJSON *msg;
        cJSON_ArrayForEach(msg, msgs)
        {
            cr_assert_lt(seen, 5, "more messages than were asked");
            cr_assert_str_eq(api_str(msg, "message_id"), ids[seen].msg,
                             "message %d is in creation order", seen);
            struct shape_rules rules = {thoughts_optional, query_updated_extra};
            bool running_query = shape_get(msg, "attachments") != NULL;
            ASSERT_SHAPE(msg,
                         shape_example(ex, running_query ? "message_executing_query"
                                                         : "message_fetching_metadata"),
                         running_query ? &rules : NULL);
            seen++;
        }
        cr_assert_leq(cJSON_GetArraySize(msgs), 2);
        api_assert_wire_values(r.json);
        for (const cJSON *k = r.json->child; k != NULL; k = k->next)
            cr_assert(strcmp(k->string, "messages") == 0 ||
                          strcmp(k->string, "next_page_token") == 0,
                      "unexpected key %s", k->string);
        cr_assert(next == NULL || cJSON_IsString(next));
        snprintf(token, sizeof token, "%s", next != NULL ? next->valuestring : "");
        cr_assert(seen == 5 || token[0] != '\0', "a page before the last has a token");
        h_free(&r);
        cr_assert_lt(++pages, 10, "the walk does not end");
    } while (token[0] != '\0');
    cr_assert_eq(seen, 5);
    cr_assert_eq(pages, 3);

    struct h_reply all =
        api_call(m, "GET", API_DEV, NULL,
                 API_GENIE "/" API_SPACE "/conversations/%s/messages", ids[0].conv);
    cr_assert_eq(cJSON_GetArraySize(shape_get(all.json, "messages")), 5);
    cr_assert_null(shape_get(all.json, "next_page_token"));
    h_free(&all);
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, a_deleted_message_is_gone_and_its_conversation_stays)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids a = api_start(m, API_SPACE, API_DEV, QUESTION);
    struct api_ids b = api_follow_up(m, API_SPACE, API_DEV, &a, "And by month?");

    struct h_reply r = api_call(m, "DELETE", API_DEV, NULL, MSG_PATH, b.conv, b.msg);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(cJSON_IsObject(r.json) && r.json->child == NULL, "an empty object: %s",
              r.body);
    h_free(&r);

    r = api_call(m, "GET", API_DEV, NULL, MSG_PATH, b.conv, b.msg);
    api_assert_error(&r, 404, "RESOURCE_DOES_NOT_EXIST", b.msg);
    h_free(&r);
    r = api_call(m, "DELETE", API_DEV, NULL, MSG_PATH, b.conv, b.msg);
    api_assert_error(&r, 404, "RESOURCE_DOES_NOT_EXIST", b.msg);
    h_free(&r);

    r = api_call(m, "GET", API_DEV, NULL,
                 API_GENIE "/" API_SPACE "/conversations/%s/messages", a.conv);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "messages")), 1);
    cr_assert_str_eq(api_str(r.json, "messages[0].message_id"), a.msg);
    h_free(&r);
    r = api_message(m, API_SPACE, API_DEV, &a);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, feedback_in_either_spelling_shows_on_the_message_and_moves_last_updated)
{
    static const struct {
        const char *body, *rating, *comment;
    } cases[] = {
        {"{\"rating\":\"POSITIVE\",\"comment\":\"Spot on.\"}", "POSITIVE", "Spot on."},
        {"{\"feedback_rating\":\"NEGATIVE\",\"feedback_text\":\"Wrong region.\"}",
         "NEGATIVE", "Wrong region."},
        {"{\"rating\":\"NONE\"}", "NONE", NULL},
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, QUESTION);
    int64_t now = API_SQL_DONE_MS;
    h_advance_ms(m, now);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_advance_ms(m, 2000);
        now += 2000;
        struct h_reply r = api_call(m, "POST", API_DEV, cases[i].body,
                                    MSG_PATH "/feedback", ids.conv, ids.msg);
        cr_assert_eq(r.status, 200, "%s: %s", cases[i].body, r.body);
        cr_assert(cJSON_IsObject(r.json) && r.json->child == NULL, "%s", r.body);
        h_free(&r);

        r = api_message(m, API_SPACE, API_DEV, &ids);
        const cJSON *fb = shape_get(r.json, "feedback");
        cr_assert(cJSON_IsObject(fb), "no feedback: %s", r.body);
        cr_assert_str_eq(api_str(fb, "rating"), cases[i].rating);
        if (cases[i].comment != NULL)
            cr_assert_str_eq(api_str(fb, "comment"), cases[i].comment);
        else
            cr_assert_null(shape_get(fb, "comment"), "%s", r.body);
        for (const cJSON *k = fb->child; k != NULL; k = k->next)
            cr_assert(strcmp(k->string, "rating") == 0 ||
                          strcmp(k->string, "comment") == 0,
                      "feedback is {rating, comment}: %s", r.body);
        cr_assert_eq(api_int(r.json, "last_updated_timestamp"), START_MS + now);
        cr_assert_str_eq(api_str(r.json, "status"), "COMPLETED");
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* GET .../attachments/{a}/query-result as dev. */
static struct h_reply query_result(struct mock *m, const struct api_ids *ids,
                                   const char *att)
{
    return api_call(m, "GET", API_DEV, NULL, MSG_PATH "/attachments/%s/query-result",
                    ids->conv, ids->msg, att);
}

Test(mock_api, attachment_query_result_is_running_then_succeeded_like_the_examples)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *ex = shape_examples_load();
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, QUESTION);
    h_advance_ms(m, 5000);
    struct h_reply msg = api_message(m, API_SPACE, API_DEV, &ids);
    char att[GK_ID_SIZE];
    api_query_attachment_id(msg.json, att);
    const char *stmt = api_str(api_attachment(msg.json, "query"), "query.statement_id");

    struct h_reply r = query_result(m, &ids, att);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ASSERT_SHAPE(r.json, shape_example(ex, "query_result_running"), NULL);
    cr_assert_str_eq(api_str(r.json, "statement_response.status.state"), "RUNNING");
    cr_assert_str_eq(api_str(r.json, "statement_response.statement_id"), stmt);
    h_free(&r);
    h_free(&msg);

    h_advance_ms(m, API_SQL_DONE_MS - 5000);
    msg = api_message(m, API_SPACE, API_DEV, &ids);
    r = query_result(m, &ids, att);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ASSERT_SHAPE(r.json, shape_example(ex, "query_result_succeeded"), NULL);
    const cJSON *sr = shape_get(r.json, "statement_response");
    cr_assert_str_eq(api_str(sr, "status.state"), "SUCCEEDED");
    cr_assert_str_eq(api_str(sr, "manifest.format"), "JSON_ARRAY");
    int64_t rows = cJSON_GetArraySize(shape_get(sr, "result.data_array"));
    int64_t cols = api_int(sr, "manifest.schema.column_count");
    cr_assert_gt(rows, 0);
    cr_assert_eq(api_int(sr, "result.row_count"), rows);
    cr_assert_eq(api_int(sr, "manifest.total_row_count"), rows);
    cr_assert_eq(cJSON_GetArraySize(shape_get(sr, "manifest.schema.columns")), cols);
    cr_assert_eq(cJSON_GetArraySize(shape_get(sr, "result.data_array[0]")), cols);
    const cJSON *meta =
        shape_get(api_attachment(msg.json, "query"), "query.query_result_metadata");
    cr_assert_eq(api_int(meta, "row_count"), rows, "the message's metadata agrees");
    cr_assert(cJSON_IsFalse(shape_get(meta, "is_truncated")));
    cr_assert_eq(api_int(msg.json, "query_result.row_count"), rows);

    /* execute-query on a current result answers with that result. */
    struct h_reply again =
        api_call(m, "POST", API_DEV, "{}", MSG_PATH "/attachments/%s/execute-query",
                 ids.conv, ids.msg, att);
    cr_assert_eq(again.status, 200, "%s", again.body);
    cr_assert_str_eq(again.body, r.body);
    h_free(&again);
    h_free(&r);
    h_free(&msg);
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* The whole manifest of the example, nothing optional: one chunk that holds
 * every row, byte counts that are the size of the data_array sent, and the
 * DECIMAL sum (of amount, DECIMAL(18,2) by the scenario's default) with its
 * precision and scale in type_text, in their own fields and in the cells. */
Test(mock_api, manifest_has_chunks_and_decimal_precision_like_the_example)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *ex = shape_examples_load();
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, QUESTION);
    h_advance_ms(m, API_SQL_DONE_MS);
    struct h_reply msg = api_message(m, API_SPACE, API_DEV, &ids);
    char att[GK_ID_SIZE];
    api_query_attachment_id(msg.json, att);
    struct h_reply r = query_result(m, &ids, att);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ASSERT_SHAPE(r.json, shape_example(ex, "query_result_succeeded"), NULL);

    const cJSON *sr = shape_get(r.json, "statement_response");
    const cJSON *data = shape_get(sr, "result.data_array");
    int64_t rows = cJSON_GetArraySize(data);
    cr_assert_gt(rows, 0);
    cr_assert_eq(api_int(sr, "manifest.total_chunk_count"), 1);
    cr_assert_eq(cJSON_GetArraySize(shape_get(sr, "manifest.chunks")), 1);
    cr_assert_eq(api_int(sr, "manifest.chunks[0].chunk_index"), 0);
    cr_assert_eq(api_int(sr, "manifest.chunks[0].row_offset"), 0);
    cr_assert_eq(api_int(sr, "manifest.chunks[0].row_count"), rows);
    cr_assert_eq(api_int(sr, "manifest.total_row_count"), rows);
    char *sent = cJSON_PrintUnformatted(data); /* cells are plain ASCII strings */
    cr_assert_not_null(sent);
    cr_assert_not_null(strstr(r.body, sent), "compact, as cJSON prints it");
    cr_assert_eq(api_int(sr, "manifest.chunks[0].byte_count"), (int64_t)strlen(sent));
    cr_assert_eq(api_int(sr, "manifest.total_byte_count"), (int64_t)strlen(sent));
    free(sent);

    const cJSON *cols = shape_get(sr, "manifest.schema.columns"), *col;
    int decimals = 0, c = 0;
    cJSON_ArrayForEach(col, cols)
    {
        const char *type = api_str(col, "type_name");
        if (strcmp(type, "DECIMAL") != 0) {
            cr_assert_null(shape_get(col, "type_precision"), "%s", type);
            cr_assert_null(shape_get(col, "type_scale"), "%s", type);
            c++;
            continue;
        }
        decimals++;
        cr_assert_str_eq(api_str(col, "name"), "total_amount");
        cr_assert_str_eq(api_str(col, "type_text"), "DECIMAL(28,2)");
        cr_assert_eq(api_int(col, "type_precision"), 28);
        cr_assert_eq(api_int(col, "type_scale"), 2);
        const cJSON *row;
        cJSON_ArrayForEach(row, data)
        {
            const char *v = cJSON_GetStringValue(cJSON_GetArrayItem(row, c));
            cr_assert_not_null(v, "a sum per region is never NULL");
            const char *dot = strchr(v, '.');
            cr_assert(dot != NULL && strlen(dot + 1) == 2, "2 decimals: %s", v);
            cr_assert_leq(dot - v, 26, "at most 28 - 2 integer digits: %s", v);
        }
        c++;
    }
    cr_assert_eq(decimals, 1, "%s", r.body);
    h_free(&r);
    h_free(&msg);
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* The current endpoints #4 and #5, then the deprecated #6, #7 and #8: the
 * path after the message is `head`, then the attachment id and `tail` when
 * tail is not NULL. */
static const struct {
    const char *method, *head, *tail;
    bool deprecated;
} result_routes[] = {
    {"GET", "/attachments/", "/query-result", false},
    {"POST", "/attachments/", "/execute-query", false},
    {"GET", "/query-result", NULL, true},
    {"GET", "/query-result/", "", true},
    {"POST", "/execute-query", NULL, true},
};

static struct h_reply result_by_route(struct mock *m, const struct api_ids *ids,
                                      const char *att, size_t i)
{
    char path[512];
    snprintf(path, sizeof path, MSG_PATH "%s%s%s", ids->conv, ids->msg,
             result_routes[i].head, result_routes[i].tail ? att : "",
             result_routes[i].tail ? result_routes[i].tail : "");
    return h_req(m, 0, result_routes[i].method, path,
                 strcmp(result_routes[i].method, "POST") == 0 ? "{}" : NULL, API_DEV);
}

Test(mock_api, deprecated_query_result_endpoints_answer_like_the_current_one)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids ids =
        api_start(m, API_SPACE, API_DEV, "Top 5 regions by total amount");
    h_advance_ms(m, API_SQL_DONE_MS);
    struct h_reply msg = api_message(m, API_SPACE, API_DEV, &ids);
    char att[GK_ID_SIZE];
    api_query_attachment_id(msg.json, att);
    h_free(&msg);

    struct h_reply first = result_by_route(m, &ids, att, 0);
    cr_assert_eq(first.status, 200, "%s", first.body);
    for (size_t i = 1; i < sizeof result_routes / sizeof result_routes[0]; i++) {
        struct h_reply r = result_by_route(m, &ids, att, i);
        cr_assert_eq(r.status, 200, "%s %s: %s", result_routes[i].method,
                     result_routes[i].head, r.body);
        cr_assert_str_eq(r.body, first.body, "%s %s", result_routes[i].method,
                         result_routes[i].head);
        h_free(&r);
    }
    h_free(&first);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, typed_rows_come_from_the_deprecated_endpoints_only)
{
    struct mock *m =
        h_start(API_SCENARIO("\"completed_sql\":1", "SQL_EXECUTION_EXCEPTION", "",
                             "\"typed_rows_deprecated\":true"));
    cJSON *ex = shape_examples_load();
    struct api_ids ids =
        api_start(m, API_SPACE, API_DEV, "Top 5 regions by total amount");
    h_advance_ms(m, API_SQL_DONE_MS);
    struct h_reply msg = api_message(m, API_SPACE, API_DEV, &ids);
    char att[GK_ID_SIZE];
    api_query_attachment_id(msg.json, att);
    h_free(&msg);

    struct h_reply plain = result_by_route(m, &ids, att, 0);
    const cJSON *cells = shape_get(plain.json, "statement_response.result.data_array");
    cr_assert(cJSON_GetArraySize(cells) > 0, "%s", plain.body);
    for (size_t i = 0; i < sizeof result_routes / sizeof result_routes[0]; i++) {
        struct h_reply r = result_by_route(m, &ids, att, i);
        const cJSON *res = shape_get(r.json, "statement_response.result");
        cr_assert_eq(r.status, 200, "%s", r.body);
        if (!result_routes[i].deprecated) {
            cr_assert_str_eq(r.body, plain.body, "%s", result_routes[i].head);
            cr_assert_null(shape_get(res, "data_typed_array"));
            h_free(&r);
            continue;
        }
        /* The legacy capture's manifest has no chunk list, byte or chunk
         * counts or DECIMAL precision; the mock sends one manifest on every
         * route (see the test above), so those are extra here. */
        static const char *const legacy_extra[] = {
            "statement_response.manifest.schema.columns[].type_precision",
            "statement_response.manifest.schema.columns[].type_scale",
            "statement_response.manifest.total_chunk_count",
            "statement_response.manifest.total_byte_count",
            "statement_response.manifest.chunks",
            NULL};
        struct shape_rules legacy = {NULL, legacy_extra};
        ASSERT_SHAPE(r.json,
                     shape_example(ex, "query_result_succeeded_legacy_typed_rows"),
                     &legacy);
        cr_assert_null(shape_get(res, "data_array"), "%s", result_routes[i].head);
        const cJSON *typed = shape_get(res, "data_typed_array");
        cr_assert_eq(cJSON_GetArraySize(typed), cJSON_GetArraySize(cells));
        for (int row = 0; row < cJSON_GetArraySize(cells); row++) {
            const cJSON *want = cJSON_GetArrayItem(cells, row);
            const cJSON *got = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetArrayItem(typed, row), "values");
            cr_assert_eq(cJSON_GetArraySize(got), cJSON_GetArraySize(want));
            for (int c = 0; c < cJSON_GetArraySize(want); c++) {
                const cJSON *w = cJSON_GetArrayItem(want, c);
                const cJSON *s =
                    cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(got, c), "str");
                if (cJSON_IsNull(w))
                    cr_assert_null(s, "a NULL cell has no str");
                else
                    cr_assert_str_eq(cJSON_GetStringValue(s), w->valuestring);
            }
        }
        h_free(&r);
    }
    h_free(&plain);
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* The comparison every test above leans on must itself catch differences. */
Test(mock_api, the_shape_check_catches_missing_extra_and_mistyped_keys)
{
    static const struct {
        const char *got, *want, *diff; /* diff NULL: the shapes match */
    } cases[] = {
        {"{\"a\":\"x\",\"n\":1}", "{\"a\":\"y\",\"n\":2,\"_note\":0}", NULL},
        {"{\"a\":\"x\"}", "{\"a\":\"y\",\"n\":2}", "n: missing"},
        {"{\"a\":\"x\",\"n\":2,\"z\":true}", "{\"a\":\"y\",\"n\":2}",
         "z: not in the example"},
        {"{\"a\":1,\"n\":2}", "{\"a\":\"y\",\"n\":2}", "a: expected string, got number"},
        {"{\"a\":\"x\",\"n\":2.5}", "{\"a\":\"y\",\"n\":2}", "n: expected an integer"},
        {"{\"l\":[{\"q\":{\"s\":1}},{\"t\":{\"c\":\"x\"}}]}",
         "{\"l\":[{\"t\":{\"c\":\"y\"}},{\"q\":{\"s\":\"y\"}}]}",
         "l[].q.s: expected string"},
        {"{\"rows\":[[\"a\",null]]}", "{\"rows\":[[\"x\",\"y\"]]}", NULL},
        {"{\"rows\":[[\"a\",7]]}", "{\"rows\":[[\"x\",\"y\"]]}",
         "rows[][]: expected string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *got = cJSON_Parse(cases[i].got), *want = cJSON_Parse(cases[i].want);
        char why[512];
        bool ok = shape_match(got, want, NULL, why, sizeof why);
        cr_assert_eq(ok, cases[i].diff == NULL, "case %zu: %s", i, why);
        if (cases[i].diff != NULL)
            cr_assert(strstr(why, cases[i].diff) != NULL, "case %zu: \"%s\" lacks \"%s\"",
                      i, why, cases[i].diff);
        cJSON_Delete(got);
        cJSON_Delete(want);
    }
    static const char *const opt[] = {"n", NULL}, *const extra[] = {"z", NULL};
    struct shape_rules rules = {opt, extra};
    cJSON *got = cJSON_Parse("{\"a\":\"x\",\"z\":[1]}"),
          *want = cJSON_Parse(cases[1].want);
    cr_assert(shape_match(got, want, &rules, NULL, 0), "optional and extra keys allowed");
    cJSON_Delete(got);
    cJSON_Delete(want);
    GK_ASSERT_NO_LEAKS();
}
