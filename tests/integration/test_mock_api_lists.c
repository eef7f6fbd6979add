/*
 * mock_api, part 2: conversations and spaces. Listing conversations (newest
 * first, pages of 20 by default and at most 100, a token walk that sees
 * each conversation once, include_all for managers only), deleting one, and
 * listing, getting and trashing spaces.
 */
#include "tests/gk_test.h"
#include "tests/integration/api_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONVS_PATH API_GENIE "/" API_SPACE "/conversations"

/* A space as genie-api.md 3.7 describes it (the examples file has none):
 * every member a string; serialized_space only on request. */
static const char space_shape[] =
    "{\"space_id\":\"\",\"title\":\"\",\"description\":\"\",\"warehouse_id\":\"\","
    "\"parent_path\":\"\",\"etag\":\"\",\"create_time\":\"\",\"update_time\":\"\"}";

/* Starts n conversations as token, one a second (so their times differ),
 * their ids into convs (oldest first). */
static void start_many(struct mock *m, const char *token, int n,
                       char (*convs)[GK_ID_SIZE])
{
    for (int i = 0; i < n; i++) {
        char q[64];
        snprintf(q, sizeof q, "Question number %d", i);
        struct api_ids ids = api_start(m, API_SPACE, token, q);
        if (convs != NULL)
            memcpy(convs[i], ids.conv, GK_ID_SIZE);
        h_advance_ms(m, 1000);
    }
}

Test(mock_api, list_conversations_is_newest_first_with_the_example_shape)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *ex = shape_examples_load();
    char convs[3][GK_ID_SIZE];
    start_many(m, API_DEV, 3, convs);

    struct h_reply r = api_call(m, "GET", API_DEV, NULL, CONVS_PATH "?page_size=2");
    cr_assert_eq(r.status, 200, "%s", r.body);
    ASSERT_SHAPE(r.json, shape_example(ex, "list_conversations_response"), NULL);
    api_assert_wire_values(r.json);
    cr_assert_str_eq(api_str(r.json, "conversations[0].conversation_id"), convs[2]);
    cr_assert_str_eq(api_str(r.json, "conversations[1].conversation_id"), convs[1]);
    cr_assert_str_eq(api_str(r.json, "conversations[0].title"), "Question number 2");
    cr_assert_eq(api_int(r.json, "conversations[0].created_timestamp"),
                 H_START_MS + 2000);
    cr_assert_eq(api_int(r.json, "conversations[1].created_timestamp"),
                 H_START_MS + 1000);
    h_free(&r);

    /* The last page has no next_page_token at all. */
    static const char *const no_token[] = {"next_page_token", NULL};
    struct shape_rules rules = {no_token, NULL};
    r = api_call(m, "GET", API_DEV, NULL, CONVS_PATH);
    ASSERT_SHAPE(r.json, shape_example(ex, "list_conversations_response"), &rules);
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "conversations")), 3);
    cr_assert_null(shape_get(r.json, "next_page_token"), "%s", r.body);
    cr_assert_str_eq(api_str(r.json, "conversations[2].conversation_id"), convs[0]);
    h_free(&r);
    cJSON_Delete(ex);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* Walks every page of size page_size ("" for the default), checking each
 * conversation is seen once, newest first; returns the number of pages and
 * the size of the first in *first. */
static int walk(struct mock *m, const char *page_size, int total,
                char (*convs)[GK_ID_SIZE], int *first)
{
    char token[64] = "";
    bool *seen = calloc((size_t)total, sizeof *seen);
    int pages = 0, count = 0;
    cr_assert_not_null(seen);
    do {
        char query[128];
        snprintf(query, sizeof query, "?%s%s%s", page_size,
                 token[0] ? "&page_token=" : "", token);
        struct h_reply r = api_call(m, "GET", API_DEV, NULL, CONVS_PATH "%s", query);
        cr_assert_eq(r.status, 200, "%s: %s", query, r.body);
        const cJSON *c;
        int n = 0;
        cJSON_ArrayForEach(c, shape_get(r.json, "conversations"))
        {
            const char *id = api_str(c, "conversation_id");
            int k = total - 1 - count; /* newest first */
            cr_assert_geq(k, 0, "more conversations than were started");
            cr_assert_str_eq(id, convs[k], "position %d", count);
            cr_assert_not(seen[k], "%s seen twice", id);
            seen[k] = true;
            count++;
            n++;
        }
        if (pages++ == 0)
            *first = n;
        const cJSON *next = shape_get(r.json, "next_page_token");
        cr_assert(next == NULL || (cJSON_IsString(next) && next->valuestring[0] != '\0'),
                  "next_page_token is a token or absent: %s", r.body);
        snprintf(token, sizeof token, "%s", next != NULL ? next->valuestring : "");
        cr_assert(count == total || token[0] != '\0',
                  "a page before the last has a token");
        cr_assert(count < total || token[0] == '\0', "the last page has no token");
        h_free(&r);
        cr_assert_lt(pages, 200, "the walk does not end");
    } while (token[0] != '\0');
    cr_assert_eq(count, total);
    free(seen);
    return pages;
}

Test(mock_api, conversation_pages_are_20_by_default_at_most_100_and_cover_everything)
{
    enum { TOTAL = 105 };
    static const struct {
        const char *page_size;
        int first, pages;
    } cases[] = {
        {"", 20, 6},
        {"page_size=7", 7, 15},
        {"page_size=100", 100, 2},
        {"page_size=1", 1, TOTAL},
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    static char convs[TOTAL][GK_ID_SIZE];
    start_many(m, API_DEV, TOTAL, convs);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int first = -1;
        int pages = walk(m, cases[i].page_size, TOTAL, convs, &first);
        cr_assert_eq(first, cases[i].first, "\"%s\": first page", cases[i].page_size);
        cr_assert_eq(pages, cases[i].pages, "\"%s\": pages", cases[i].page_size);
    }
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, CONVS_PATH "?page_size=101");
    api_assert_error(&r, 400, "INVALID_PARAMETER_VALUE", "page_size");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

static int count_convs(struct mock *m, const char *token, const char *query)
{
    struct h_reply r = api_call(m, "GET", token, NULL, CONVS_PATH "%s", query);
    cr_assert_eq(r.status, 200, "%s: %s", query, r.body);
    int n = cJSON_GetArraySize(shape_get(r.json, "conversations"));
    h_free(&r);
    return n;
}

Test(mock_api, include_all_lists_everyones_conversations_for_managers_only)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    start_many(m, API_ANALYST, 2, NULL);
    start_many(m, API_DEV, 1, NULL);

    cr_assert_eq(count_convs(m, API_ANALYST, ""), 2, "one's own only");
    cr_assert_eq(count_convs(m, API_ANALYST, "?include_all=false"), 2);
    cr_assert_eq(count_convs(m, API_DEV, ""), 1);
    cr_assert_eq(count_convs(m, API_DEV, "?include_all=true"), 3);

    struct h_reply r =
        api_call(m, "GET", API_ANALYST, NULL, CONVS_PATH "?include_all=true");
    api_assert_error(&r, 403, "PERMISSION_DENIED", "include_all");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, a_deleted_conversation_and_its_messages_are_gone)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids keep = api_start(m, API_SPACE, API_DEV, "Keep me");
    struct api_ids gone = api_start(m, API_SPACE, API_DEV, "Delete me");
    struct api_ids gone2 = api_follow_up(m, API_SPACE, API_DEV, &gone, "And me");
    h_advance_ms(m, API_SQL_DONE_MS);

    struct h_reply r = api_call(m, "DELETE", API_DEV, NULL, CONVS_PATH "/%s", gone.conv);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(cJSON_IsObject(r.json) && r.json->child == NULL, "%s", r.body);
    h_free(&r);

    const struct api_ids *msgs[] = {&gone, &gone2};
    for (size_t i = 0; i < 2; i++) {
        r = api_call(m, "GET", API_DEV, NULL, CONVS_PATH "/%s/messages/%s", gone.conv,
                     msgs[i]->msg);
        api_assert_error(&r, 404, "RESOURCE_DOES_NOT_EXIST", gone.conv);
        h_free(&r);
    }
    r = api_call(m, "GET", API_DEV, NULL, CONVS_PATH "/%s/messages", gone.conv);
    api_assert_error(&r, 404, "RESOURCE_DOES_NOT_EXIST", gone.conv);
    h_free(&r);
    r = api_call(m, "DELETE", API_DEV, NULL, CONVS_PATH "/%s", gone.conv);
    api_assert_error(&r, 404, "RESOURCE_DOES_NOT_EXIST", gone.conv);
    h_free(&r);
    r = api_call(m, "POST", API_DEV, "{\"content\":\"Still there?\"}",
                 CONVS_PATH "/%s/messages", gone.conv);
    api_assert_error(&r, 404, "RESOURCE_DOES_NOT_EXIST", gone.conv);
    h_free(&r);

    r = api_call(m, "GET", API_DEV, NULL, CONVS_PATH);
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "conversations")), 1, "%s", r.body);
    cr_assert_str_eq(api_str(r.json, "conversations[0].conversation_id"), keep.conv);
    h_free(&r);
    r = api_message(m, API_SPACE, API_DEV, &keep);
    cr_assert_str_eq(api_str(r.json, "status"), "COMPLETED");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, list_spaces_shows_every_space_without_serialized_space)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *want = cJSON_Parse(space_shape);
    /* etag comes with get-space only. */
    static const char *const no_etag[] = {"etag", NULL};
    struct shape_rules rules = {no_etag, NULL};
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const cJSON *spaces = shape_get(r.json, "spaces");
    cr_assert_eq(cJSON_GetArraySize(spaces), 2, "%s", r.body);
    api_assert_wire_values(r.json);
    cr_assert_null(shape_get(r.json, "next_page_token"));
    const char *ids[] = {API_SPACE, API_SPACE2};
    for (int i = 0; i < 2; i++) {
        const cJSON *s = cJSON_GetArrayItem(spaces, i);
        ASSERT_SHAPE(s, want, &rules);
        cr_assert_str_eq(api_str(s, "space_id"), ids[i]);
        cr_assert_null(shape_get(s, "serialized_space"));
    }
    cr_assert_str_eq(api_str(spaces, "[0].title"), "Sales");
    cr_assert_str_eq(api_str(spaces, "[0].description"), "Orders.");
    cr_assert_str_eq(api_str(spaces, "[0].parent_path"), "/Workspace/Sales");
    h_free(&r);
    cJSON_Delete(want);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, get_space_serializes_the_space_on_request)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    cJSON *want = cJSON_Parse(space_shape);
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, API_GENIE "/" API_SPACE);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ASSERT_SHAPE(r.json, want, NULL);
    cr_assert_str_eq(api_str(r.json, "space_id"), API_SPACE);
    h_free(&r);

    static const char *const serialized[] = {"serialized_space", NULL};
    struct shape_rules rules = {NULL, serialized};
    r = api_call(m, "GET", API_DEV, NULL,
                 API_GENIE "/" API_SPACE "?include_serialized_space=true");
    cr_assert_eq(r.status, 200, "%s", r.body);
    ASSERT_SHAPE(r.json, want, &rules);
    cJSON *doc = cJSON_Parse(api_str(r.json, "serialized_space"));
    cr_assert_not_null(doc, "serialized_space is JSON text: %s", r.body);
    cr_assert_eq(api_int(doc, "version"), 2);
    const cJSON *tables = shape_get(doc, "data_sources.tables");
    cr_assert_eq(cJSON_GetArraySize(tables), 1, "%s", r.body);
    cr_assert_str_eq(api_str(tables, "[0].identifier"), "main.sales.orders");
    cr_assert_str_eq(api_str(doc, "config.sample_questions[0].question[0]"),
                     "What were total sales by region last month?");
    cr_assert(api_is_id(api_str(doc, "config.sample_questions[0].id")));
    cJSON_Delete(doc);
    h_free(&r);

    r = api_call(m, "GET", API_DEV, NULL,
                 API_GENIE "/" API_SPACE "?include_serialized_space=false");
    cr_assert_null(shape_get(r.json, "serialized_space"), "%s", r.body);
    h_free(&r);
    r = api_call(m, "GET", API_ANALYST, NULL,
                 API_GENIE "/" API_SPACE "?include_serialized_space=true");
    api_assert_error(&r, 403, "PERMISSION_DENIED", "include_serialized_space");
    h_free(&r);
    cJSON_Delete(want);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, a_trashed_space_is_gone)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids ids = api_start(m, API_SPACE2, API_DEV, "Shipments by carrier");

    struct h_reply r = api_call(m, "DELETE", API_ANALYST, NULL, API_GENIE "/" API_SPACE2);
    api_assert_error(&r, 403, "PERMISSION_DENIED", API_SPACE2);
    h_free(&r);
    r = api_call(m, "DELETE", API_DEV, NULL, API_GENIE "/" API_SPACE2);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(cJSON_IsObject(r.json) && r.json->child == NULL, "%s", r.body);
    h_free(&r);

    /* The space and everything under it; `conv` puts the conversation's
     * messages after the suffix. */
    static const struct {
        const char *method, *suffix, *body;
        bool conv;
    } gone[] = {
        {"GET", "", NULL, false},
        {"DELETE", "", NULL, false},
        {"POST", "/start-conversation", "{\"content\":\"hi\"}", false},
        {"GET", "/conversations", NULL, false},
        {"GET", "/conversations/", NULL, true},
    };
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        r = api_call(m, gone[i].method, API_DEV, gone[i].body,
                     API_GENIE "/" API_SPACE2 "%s%s%s", gone[i].suffix,
                     gone[i].conv ? ids.conv : "", gone[i].conv ? "/messages" : "");
        api_assert_error(&r, 404, "RESOURCE_DOES_NOT_EXIST", API_SPACE2);
        h_free(&r);
    }
    r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "spaces")), 1, "%s", r.body);
    cr_assert_str_eq(api_str(r.json, "spaces[0].space_id"), API_SPACE);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

#define TOKEN_SIZE 64

/* One page of two items of the list at path (its array is `list`, each
 * item's id is `key`) after token ("" for the first); appends the ids to
 * ids[*n...] and leaves the next token in token ("" after the last page). */
static void page_of(struct mock *m, const char *path, const char *list, const char *key,
                    char token[TOKEN_SIZE], char (*ids)[GK_ID_SIZE], int *n)
{
    char query[128];
    snprintf(query, sizeof query, "?page_size=2%s%s", token[0] ? "&page_token=" : "",
             token);
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, "%s%s", path, query);
    cr_assert_eq(r.status, 200, "%s: %s", query, r.body);
    const cJSON *it;
    cJSON_ArrayForEach(it, shape_get(r.json, list))
    {
        cr_assert_lt(*n, 16, "more items than the walk can hold");
        memcpy(ids[(*n)++], api_str(it, key), GK_ID_SIZE);
    }
    const cJSON *next = shape_get(r.json, "next_page_token");
    snprintf(token, TOKEN_SIZE, "%s", cJSON_IsString(next) ? next->valuestring : "");
    h_free(&r);
}

static int times_seen(char (*ids)[GK_ID_SIZE], int n, const char *id)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += strcmp(ids[i], id) == 0;
    return k;
}

Test(mock_api, a_conversation_walk_sees_each_survivor_once_while_others_come_and_go)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    char convs[6][GK_ID_SIZE], seen[16][GK_ID_SIZE], token[TOKEN_SIZE] = "";
    int n = 0;
    start_many(m, API_DEV, 6, convs);

    page_of(m, CONVS_PATH, "conversations", "conversation_id", token, seen,
            &n);                     /* 5, 4 */
    start_many(m, API_DEV, 2, NULL); /* newer than the walk: not in it */
    page_of(m, CONVS_PATH, "conversations", "conversation_id", token, seen,
            &n);               /* 3, 2 */
    const int gone[] = {5, 1}; /* one seen, one not */
    for (size_t i = 0; i < 2; i++) {
        struct h_reply r =
            api_call(m, "DELETE", API_DEV, NULL, CONVS_PATH "/%s", convs[gone[i]]);
        cr_assert_eq(r.status, 200, "%s", r.body);
        h_free(&r);
    }
    while (token[0] != '\0' && n < 14)
        page_of(m, CONVS_PATH, "conversations", "conversation_id", token, seen, &n);

    const int once[] = {5, 4, 3, 2, 0};
    for (size_t i = 0; i < sizeof once / sizeof once[0]; i++)
        cr_assert_eq(times_seen(seen, n, convs[once[i]]), 1, "conversation %d", once[i]);
    cr_assert_eq(times_seen(seen, n, convs[1]), 0, "deleted before its page came");
    cr_assert_eq(n, 5);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, a_message_walk_sees_each_survivor_once_while_others_come_and_go)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids ids[6];
    char seen[16][GK_ID_SIZE], token[TOKEN_SIZE] = "", path[256];
    int n = 0;
    ids[0] = api_start(m, API_SPACE, API_DEV, "First");
    for (int i = 1; i < 5; i++)
        ids[i] = api_follow_up(m, API_SPACE, API_DEV, &ids[0], "Next");
    snprintf(path, sizeof path, CONVS_PATH "/%s/messages", ids[0].conv);

    page_of(m, path, "messages", "message_id", token, seen, &n); /* 0, 1 */
    struct h_reply r = api_call(m, "DELETE", API_DEV, NULL, "%s/%s", path, ids[0].msg);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    ids[5] = api_follow_up(m, API_SPACE, API_DEV, &ids[0], "Later"); /* joins the end */
    while (token[0] != '\0' && n < 14)
        page_of(m, path, "messages", "message_id", token, seen, &n);

    for (int i = 0; i < 6; i++)
        cr_assert_eq(times_seen(seen, n, ids[i].msg), 1, "message %d", i);
    cr_assert_eq(n, 6);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_api, spaces_page_in_scenario_order_and_a_token_outlives_its_space)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, API_GENIE "?page_size=1");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "spaces")), 1, "%s", r.body);
    cr_assert_str_eq(api_str(r.json, "spaces[0].space_id"), API_SPACE);
    char token[64];
    snprintf(token, sizeof token, "%s", api_str(r.json, "next_page_token"));
    h_free(&r);

    /* The space the token names goes to the trash; the walk goes on. */
    r = api_call(m, "DELETE", API_DEV, NULL, API_GENIE "/" API_SPACE);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, API_GENIE "?page_size=1&page_token=%s", token);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "spaces")), 1, "%s", r.body);
    cr_assert_str_eq(api_str(r.json, "spaces[0].space_id"), API_SPACE2);
    cr_assert_null(shape_get(r.json, "next_page_token"), "%s", r.body);
    h_free(&r);

    /* A well-formed id that is no space of this workspace is no token. */
    r = api_call(m, "GET", API_DEV, NULL,
                 API_GENIE "?page_token=0123456789abcdef0123456789abcdef");
    api_assert_error(&r, 400, "INVALID_PARAMETER_VALUE", "page_token");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
