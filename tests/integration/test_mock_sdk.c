/*
 * The Databricks Python SDK's request sequences, replayed request by request
 * against genie-mock (genie-api.md 2.3 and 5.2), with the headers that SDK
 * sends, and every reply checked for exactly what that SDK reads from it:
 *
 *   PAT: start_conversation_and_wait (POST, then GET polls spaced as the
 *   waiter sleeps: 1 s, 2 s, 3 s, ...), create_message_and_wait,
 *   get_message_attachment_query_result, list_conversations page by page,
 *   delete_conversation then a 404;
 *   M2M: host metadata -> discovery -> token -> Genie calls with the token;
 *   older SDKs: 0.50 reads `id` from create_message and fetches results from
 *   the deprecated path, 0.63 sends feedback as feedback_rating/feedback_text.
 */
#include "tests/gk_test.h"
#include "tests/integration/mock_harness.h"

#include <stdio.h>
#include <string.h>

#define PFX    "/api/2.0/genie/spaces"
#define WS_ID  "1234567890123456"
#define ACCT   "23e22ba4-87b9-4cc0-9e2f-6b1c4d5a7f80"
#define SPACE  "01f0aaaabbbbccccddddeeeeffff0001"
#define TOKEN  "dapi0123456789abcdef0123456789abcdef"
#define CLIENT "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
#define SECRET "dose00112233445566778899aabbccddeeff"

/* Every question completes with SQL in exactly 12 s: 1 + 1 + 1 + 6 + 3. */
static const char scenario[] =
    "{\"name\":\"sdk\",\"seed\":11,\"workspaces\":[{\"workspace_id\":\"" WS_ID "\","
    "\"account_id\":\"" ACCT "\",\"spaces\":[{\"space_id\":\"" SPACE "\","
    "\"title\":\"Sales\",\"domain\":\"sales\",\"tables\":[{\"name\":\"main.sales."
    "orders\","
    "\"row_count\":5000,\"columns\":["
    "{\"name\":\"region\",\"type\":\"STRING\",\"values\":[\"EMEA\",\"AMER\",\"APAC\"]},"
    "{\"name\":\"amount\",\"type\":\"DECIMAL\",\"min\":5,\"max\":500},"
    "{\"name\":\"order_date\",\"type\":\"DATE\"},"
    "{\"name\":\"quantity\",\"type\":\"INT\",\"min\":1,\"max\":20},"
    "{\"name\":\"returned\",\"type\":\"BOOLEAN\",\"null_ratio\":0.5}]}]}],"
    "\"principals\":[{\"name\":\"dev@example.com\",\"token\":\"" TOKEN "\","
    "\"spaces\":\"*\",\"can_manage\":true},{\"name\":\"svc-genie\",\"client_id\":"
    "\"" CLIENT "\",\"client_secret\":\"" SECRET "\",\"spaces\":\"*\"}]}],"
    "\"behaviour\":{\"outcomes\":{\"completed_sql\":1},\"pending_warehouse_ratio\":0,"
    "\"status_time\":{\"SUBMITTED\":\"1s\",\"FETCHING_METADATA\":\"1s\","
    "\"FILTERING_CONTEXT\":\"1s\",\"ASKING_AI\":\"6s\",\"EXECUTING_QUERY\":\"3s\"}},"
    "\"limits\":{\"questions_per_window\":100}}";

/* A client: its Authorization value and its headers. */
struct sdk {
    struct mock *m;
    char auth[GK_AUTH_TOKEN_SIZE + 16];
    const char *const *headers;
};

static const char *const sdk_pat[] = {
    "User-Agent: databricks-sdk-py/0.73.0 python/3.12.3 os/linux auth/pat",
    "X-Databricks-Workspace-Id: " WS_ID, NULL};
static const char *const sdk_m2m[] = {
    "User-Agent: databricks-sdk-py/0.73.0 python/3.12.3 os/linux auth/oauth-m2m",
    "X-Databricks-Workspace-Id: " WS_ID, NULL};
static const char *const sdk_050[] = {
    "User-Agent: databricks-sdk-py/0.50.0 python/3.11.9 os/linux auth/pat", NULL};
static const char *const sdk_063[] = {
    "User-Agent: databricks-sdk-py/0.63.0 python/3.12.3 os/linux auth/pat", NULL};

static struct sdk pat_client(struct mock *m, const char *const *headers)
{
    struct sdk c = {.m = m, .headers = headers};
    snprintf(c.auth, sizeof c.auth, "Bearer " TOKEN);
    return c;
}

/* One SDK call: Accept: application/json always, Content-Type:
 * application/json with a body (as _BaseClient.do does); every reply is
 * JSON. */
static struct h_reply call(const struct sdk *c, const char *method, const char *path,
                           const char *body)
{
    struct h_send s = {.auth = c->auth, .body = body, .headers = c->headers};
    struct h_reply r = h_send(c->m, 0, method, path, &s);
    char type[64];
    cr_assert_not_null(h_header(&r, "Content-Type", type, sizeof type));
    cr_assert_str_eq(type, "application/json", "%s %s", method, path);
    return r;
}

/* ---- what the SDK reads ---- */

static bool is_int(const cJSON *v)
{
    return cJSON_IsNumber(v) && v->valuedouble == (double)(int64_t)v->valuedouble;
}

static bool is_id(const char *s)
{
    return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

static bool is_status(const char *s)
{
    static const char *const all[] = {
        "SUBMITTED",         "FETCHING_METADATA",   "FILTERING_CONTEXT", "ASKING_AI",
        "PENDING_WAREHOUSE", "EXECUTING_QUERY",     "COMPLETED",         "FAILED",
        "CANCELLED",         "QUERY_RESULT_EXPIRED"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(s, all[i]) == 0)
            return true;
    return false;
}

/* GenieMessage.from_dict: ids (both spellings, same value), content,
 * status from the enum, int64 user and timestamps, attachments. */
static void check_message(const cJSON *msg, const char *conv, const char *content)
{
    char *text = cJSON_PrintUnformatted(msg);
    const char *id = h_jstr(msg, "message_id");
    cr_assert(is_id(id), "message_id: %s", text);
    cr_assert_str_eq(h_jstr(msg, "id"), id, "id and message_id differ: %s", text);
    cr_assert_str_eq(h_jstr(msg, "conversation_id"), conv);
    cr_assert_str_eq(h_jstr(msg, "space_id"), SPACE);
    cr_assert_str_eq(h_jstr(msg, "content"), content);
    cr_assert(is_status(h_jstr(msg, "status")), "status: %s", text);
    cr_assert(is_int(cJSON_GetObjectItem(msg, "user_id")), "user_id: %s", text);
    const cJSON *created = cJSON_GetObjectItem(msg, "created_timestamp");
    const cJSON *updated = cJSON_GetObjectItem(msg, "last_updated_timestamp");
    cr_assert(is_int(created) && is_int(updated), "timestamps: %s", text);
    cr_assert_geq(created->valuedouble, (double)H_START_MS, "epoch ms: %s", text);
    cr_assert_geq(updated->valuedouble, created->valuedouble);

    const cJSON *atts = cJSON_GetObjectItem(msg, "attachments"), *a;
    cr_assert(atts == NULL || cJSON_IsNull(atts) || cJSON_IsArray(atts), "%s", text);
    const cJSON *list = cJSON_IsArray(atts) ? atts : NULL;
    cJSON_ArrayForEach(a, list)
    {
        const cJSON *q = cJSON_GetObjectItem(a, "query");
        const cJSON *t = cJSON_GetObjectItem(a, "text");
        if (q != NULL) {
            cr_assert(is_id(h_jstr(a, "attachment_id")), "%s", text);
            cr_assert(cJSON_IsString(cJSON_GetObjectItem(q, "query")), "%s", text);
            cr_assert_eq(strlen(h_jstr(q, "statement_id")), 36, "%s", text);
            const cJSON *meta = cJSON_GetObjectItem(q, "query_result_metadata");
            cr_assert(meta == NULL || is_int(cJSON_GetObjectItem(meta, "row_count")),
                      "%s", text);
        }
        if (t != NULL)
            cr_assert(cJSON_IsString(cJSON_GetObjectItem(t, "content")), "%s", text);
    }
    free(text);
}

static const cJSON *query_attachment(const cJSON *msg)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(msg, "attachments"))
    {
        if (cJSON_GetObjectItem(a, "query") != NULL)
            return a;
    }
    return NULL;
}

/* ---- the SDK's operations ---- */

struct waited {
    char conv[64], msg[64];
    int polls;
    char statuses[256]; /* every status seen, comma-separated */
};

/*
 * GenieAPI.wait_get_message_genie_completed: GET at once; COMPLETED ends it,
 * FAILED is an error; otherwise sleep min(attempt, 10) s (the jitter left
 * out) and poll again. Polls go to message id msg_id. Ends past 20 minutes.
 */
static void wait_completed(const struct sdk *c, struct waited *w, const char *content)
{
    char path[256];
    int64_t slept_ms = 0;
    snprintf(path, sizeof path, PFX "/" SPACE "/conversations/%s/messages/%s", w->conv,
             w->msg);
    w->statuses[0] = '\0';
    for (int attempt = 1;; attempt++) {
        struct h_reply r = call(c, "GET", path, NULL);
        cr_assert_eq(r.status, 200, "poll %d: %ld %s", attempt, r.status, r.body);
        check_message(r.json, w->conv, content);
        cr_assert_str_eq(h_jstr(r.json, "message_id"), w->msg);
        const char *st = h_jstr(r.json, "status");
        size_t n = strlen(w->statuses);
        snprintf(w->statuses + n, sizeof w->statuses - n, "%s%s", n ? "," : "", st);
        w->polls = attempt;
        bool done = strcmp(st, "COMPLETED") == 0;
        cr_assert_str_neq(st, "FAILED", "OperationFailed: %s", r.body);
        h_free(&r);
        if (done)
            return;
        int64_t sleep_ms = (attempt < 10 ? attempt : 10) * 1000;
        cr_assert_lt(slept_ms + sleep_ms, 20 * 60 * 1000, "timed out after 0:20:00");
        h_advance_ms(c->m, sleep_ms);
        slept_ms += sleep_ms;
    }
}

/* start_conversation_and_wait: the POST's reply is indexed directly for
 * conversation_id and message_id (a KeyError without them). */
static struct waited start_and_wait(const struct sdk *c, const char *content)
{
    char body[256];
    struct waited w = {.polls = 0};
    snprintf(body, sizeof body, "{\"content\":\"%s\"}", content);
    struct h_reply r = call(c, "POST", PFX "/" SPACE "/start-conversation", body);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const char *conv = h_jstr(r.json, "conversation_id");
    const char *msg = h_jstr(r.json, "message_id");
    cr_assert(is_id(conv) && is_id(msg), "top-level ids: %s", r.body);
    const cJSON *gc = cJSON_GetObjectItem(r.json, "conversation");
    cr_assert_str_eq(h_jstr(gc, "conversation_id"), conv);
    cr_assert_str_eq(h_jstr(gc, "id"), conv);
    cr_assert_str_eq(h_jstr(gc, "space_id"), SPACE);
    cr_assert_str_eq(h_jstr(gc, "title"), content);
    const cJSON *gm = cJSON_GetObjectItem(r.json, "message");
    check_message(gm, conv, content);
    cr_assert_str_eq(h_jstr(gm, "message_id"), msg);
    cr_assert_str_eq(h_jstr(gm, "status"), "SUBMITTED");
    snprintf(w.conv, sizeof w.conv, "%s", conv);
    snprintf(w.msg, sizeof w.msg, "%s", msg);
    h_free(&r);
    wait_completed(c, &w, content);
    return w;
}

/* create_message_and_wait; id_key is the key the SDK reads the new
 * message's id from ("message_id" since 0.51, "id" before). */
static struct waited follow_up_and_wait(const struct sdk *c, const char *conv,
                                        const char *content, const char *id_key)
{
    char path[256], body[256];
    struct waited w = {.polls = 0};
    snprintf(path, sizeof path, PFX "/" SPACE "/conversations/%s/messages", conv);
    snprintf(body, sizeof body, "{\"content\":\"%s\"}", content);
    struct h_reply r = call(c, "POST", path, body);
    cr_assert_eq(r.status, 200, "%s", r.body);
    check_message(r.json, conv, content); /* a bare GenieMessage */
    cr_assert_str_eq(h_jstr(r.json, "message_id"), h_jstr(r.json, "id"));
    snprintf(w.conv, sizeof w.conv, "%s", conv);
    snprintf(w.msg, sizeof w.msg, "%s", h_jstr(r.json, id_key));
    h_free(&r);
    wait_completed(c, &w, content);
    return w;
}

/* The message as it is now; the caller frees the reply. */
static struct h_reply get_message(const struct sdk *c, const struct waited *w)
{
    char path[256];
    snprintf(path, sizeof path, PFX "/" SPACE "/conversations/%s/messages/%s", w->conv,
             w->msg);
    struct h_reply r = call(c, "GET", path, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    return r;
}

/* GenieGetMessageQueryResultResponse -> StatementResponse, as the SDK reads
 * it: state, the manifest's columns (name, type_name, position), rows of
 * strings or nulls, one cell per column. Returns the row count. */
static int check_statement(const struct h_reply *r)
{
    static const char *const types[] = {"STRING",  "LONG", "INT",       "DOUBLE",
                                        "DECIMAL", "DATE", "TIMESTAMP", "BOOLEAN"};
    const cJSON *sr = cJSON_GetObjectItem(r->json, "statement_response");
    cr_assert_eq(strlen(h_jstr(sr, "statement_id")), 36, "%s", r->body);
    cr_assert_str_eq(h_jstr(cJSON_GetObjectItem(sr, "status"), "state"), "SUCCEEDED",
                     "%s", r->body);
    const cJSON *schema =
        cJSON_GetObjectItem(cJSON_GetObjectItem(sr, "manifest"), "schema");
    const cJSON *cols = cJSON_GetObjectItem(schema, "columns"), *col;
    int ncols = cJSON_GetArraySize(cols), pos = 0;
    cr_assert_gt(ncols, 0, "%s", r->body);
    cr_assert(is_int(cJSON_GetObjectItem(schema, "column_count")));
    cr_assert_eq(cJSON_GetObjectItem(schema, "column_count")->valueint, ncols);
    cJSON_ArrayForEach(col, cols)
    {
        bool known = false;
        cr_assert(cJSON_IsString(cJSON_GetObjectItem(col, "name")), "%s", r->body);
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            known |= strcmp(h_jstr(col, "type_name"), types[i]) == 0;
        cr_assert(known, "type_name: %s", h_jstr(col, "type_name"));
        cr_assert(is_int(cJSON_GetObjectItem(col, "position")));
        cr_assert_eq(cJSON_GetObjectItem(col, "position")->valueint, pos++);
    }
    const cJSON *rows =
        cJSON_GetObjectItem(cJSON_GetObjectItem(sr, "result"), "data_array");
    const cJSON *row, *cell;
    cr_assert(cJSON_IsArray(rows) && cJSON_GetArraySize(rows) > 0, "%s", r->body);
    cJSON_ArrayForEach(row, rows)
    {
        cr_assert_eq(cJSON_GetArraySize(row), ncols, "a cell per column: %s", r->body);
        cJSON_ArrayForEach(cell, row)
        {
            cr_assert(cJSON_IsString(cell) || cJSON_IsNull(cell), "%s", r->body);
        }
    }
    return cJSON_GetArraySize(rows);
}

/* The query result of a completed message, from the current attachment
 * endpoint or (deprecated) the older query-result/{attachment_id} one. */
static void fetch_result(const struct sdk *c, const struct waited *w, bool deprecated)
{
    struct h_reply r = get_message(c, w);
    const cJSON *a = query_attachment(r.json);
    cr_assert_not_null(a, "a completed SQL answer has a query attachment: %s", r.body);
    const cJSON *meta =
        cJSON_GetObjectItem(cJSON_GetObjectItem(a, "query"), "query_result_metadata");
    int rows_said = cJSON_GetObjectItem(meta, "row_count")->valueint;
    char path[384];
    const char *att = h_jstr(a, "attachment_id");
    if (deprecated)
        snprintf(path, sizeof path,
                 PFX "/" SPACE "/conversations/%s/messages/%s/query-result/%s", w->conv,
                 w->msg, att);
    else
        snprintf(path, sizeof path,
                 PFX "/" SPACE
                     "/conversations/%s/messages/%s/attachments/%s/query-result",
                 w->conv, w->msg, att);
    h_free(&r);

    r = call(c, "GET", path, NULL);
    cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
    cr_assert_eq(check_statement(&r), rows_said, "query_result_metadata.row_count");
    h_free(&r);
}

/* ---- the tests ---- */

Test(mock_sdk, start_conversation_and_wait_polls_as_the_waiter_sleeps)
{
    struct mock *m = h_start(scenario);
    struct sdk c = pat_client(m, sdk_pat);
    struct waited w = start_and_wait(&c, "What is the total amount by region?");
    /* Polls at 0, 1, 3, 6, 10 and 15 s; the answer is complete at 12 s. */
    cr_assert_str_eq(w.statuses, "SUBMITTED,FETCHING_METADATA,ASKING_AI,ASKING_AI,"
                                 "EXECUTING_QUERY,COMPLETED");
    struct h_reply r = get_message(&c, &w);
    cr_assert_not_null(query_attachment(r.json));
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_sdk, a_follow_up_reply_has_message_id_and_id_alike)
{
    struct mock *m = h_start(scenario);
    struct sdk c = pat_client(m, sdk_pat);
    struct waited first = start_and_wait(&c, "What is the total amount by region?");
    struct waited next =
        follow_up_and_wait(&c, first.conv, "And by month?", "message_id");
    cr_assert_str_neq(next.msg, first.msg);
    cr_assert_eq(next.polls, 6);

    /* Both messages are in the conversation, in order. */
    char path[256];
    snprintf(path, sizeof path, PFX "/" SPACE "/conversations/%s/messages", first.conv);
    struct h_reply r = call(&c, "GET", path, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const cJSON *msgs = cJSON_GetObjectItem(r.json, "messages");
    cr_assert_eq(cJSON_GetArraySize(msgs), 2, "%s", r.body);
    cr_assert_str_eq(h_jstr(cJSON_GetArrayItem(msgs, 0), "message_id"), first.msg);
    cr_assert_str_eq(h_jstr(cJSON_GetArrayItem(msgs, 1), "message_id"), next.msg);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_sdk, get_message_attachment_query_result_has_schema_and_rows)
{
    struct mock *m = h_start(scenario);
    struct sdk c = pat_client(m, sdk_pat);
    struct waited w = start_and_wait(&c, "Top 5 regions by total amount");
    fetch_result(&c, &w, false);
    struct waited f =
        follow_up_and_wait(&c, w.conv, "How many orders per day?", "message_id");
    fetch_result(&c, &f, false);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_sdk, list_conversations_walks_every_page_newest_first)
{
    struct mock *m = h_start(scenario);
    struct sdk c = pat_client(m, sdk_pat);
    char made[5][64];
    for (int i = 0; i < 5; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"content\":\"Question %d\"}", i);
        struct h_reply r = call(&c, "POST", PFX "/" SPACE "/start-conversation", body);
        cr_assert_eq(r.status, 200, "%s", r.body);
        snprintf(made[i], sizeof made[i], "%s", h_jstr(r.json, "conversation_id"));
        h_free(&r);
        h_advance_ms(m, 1000);
    }
    char path[256], token[64] = "";
    int seen = 0, pages = 0;
    do {
        snprintf(path, sizeof path, PFX "/" SPACE "/conversations?page_size=2%s%s",
                 token[0] ? "&page_token=" : "", token);
        struct h_reply r = call(&c, "GET", path, NULL);
        cr_assert_eq(r.status, 200, "%s", r.body);
        const cJSON *conv;
        cJSON_ArrayForEach(conv, cJSON_GetObjectItem(r.json, "conversations"))
        {
            cr_assert_lt(seen, 5);
            cr_assert_str_eq(h_jstr(conv, "conversation_id"), made[4 - seen],
                             "newest first");
            char title[32];
            snprintf(title, sizeof title, "Question %d", 4 - seen);
            cr_assert_str_eq(h_jstr(conv, "title"), title);
            cr_assert(is_int(cJSON_GetObjectItem(conv, "created_timestamp")));
            seen++;
        }
        const cJSON *next = cJSON_GetObjectItem(r.json, "next_page_token");
        cr_assert(next == NULL || (cJSON_IsString(next) && next->valuestring[0]), "%s",
                  r.body);
        snprintf(token, sizeof token, "%s", next != NULL ? next->valuestring : "");
        pages++;
        h_free(&r);
    } while (token[0] != '\0');
    cr_assert_eq(seen, 5);
    cr_assert_eq(pages, 3, "pages of 2, 2 and 1");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_sdk, a_deleted_conversation_is_404_resource_does_not_exist)
{
    struct mock *m = h_start(scenario);
    struct sdk c = pat_client(m, sdk_pat);
    struct waited w = start_and_wait(&c, "Total amount by region");
    struct waited keep = start_and_wait(&c, "Orders per day");
    char path[256];
    snprintf(path, sizeof path, PFX "/" SPACE "/conversations/%s", w.conv);
    struct h_reply r = call(&c, "DELETE", path, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(r.len == 0 || cJSON_IsObject(r.json), "an empty body or {}: %s", r.body);
    h_free(&r);

    snprintf(path, sizeof path, PFX "/" SPACE "/conversations/%s/messages/%s", w.conv,
             w.msg);
    r = call(&c, "GET", path, NULL);
    h_expect_envelope(&r, 404, "RESOURCE_DOES_NOT_EXIST", w.conv);
    h_free(&r);
    snprintf(path, sizeof path, PFX "/" SPACE "/conversations/%s", w.conv);
    r = call(&c, "DELETE", path, NULL);
    h_expect_envelope(&r, 404, "RESOURCE_DOES_NOT_EXIST", w.conv);
    h_free(&r);

    r = call(&c, "GET", PFX "/" SPACE "/conversations", NULL);
    const cJSON *convs = cJSON_GetObjectItem(r.json, "conversations");
    cr_assert_eq(cJSON_GetArraySize(convs), 1, "%s", r.body);
    cr_assert_str_eq(h_jstr(cJSON_GetArrayItem(convs, 0), "conversation_id"), keep.conv);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* The path of url on this mock: it must be http://127.0.0.1:<port>/... */
static const char *local_path(const struct mock *m, const char *url)
{
    char base[64];
    int n =
        snprintf(base, sizeof base, "http://127.0.0.1:%u/", (unsigned)mock_port(m, 0));
    cr_assert_eq(strncmp(url, base, (size_t)n), 0, "%s is not on %s", url, base);
    return url + n - 1;
}

Test(mock_sdk, oauth_m2m_goes_metadata_discovery_token_then_genie)
{
    struct mock *m = h_start(scenario);
    static const char *const probe[] = {
        "User-Agent: databricks-sdk-py/0.73.0 python/3.12.3 os/linux", NULL};

    /* 1. Host metadata (no credentials yet). */
    struct h_send s = {.headers = probe};
    struct h_reply r = h_send(m, 0, "GET", "/.well-known/databricks-config", &s);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(h_jstr(r.json, "workspace_id"), WS_ID);
    cr_assert_str_eq(h_jstr(r.json, "account_id"), ACCT);
    char discovery[512];
    snprintf(discovery, sizeof discovery, "%s/.well-known/oauth-authorization-server",
             h_jstr(r.json, "oidc_endpoint"));
    h_free(&r);

    /* 2. Discovery, at the URL derived from oidc_endpoint. */
    r = h_send(m, 0, "GET", local_path(m, discovery), &s);
    cr_assert_eq(r.status, 200, "%s: %s", discovery, r.body);
    char token_url[512];
    snprintf(token_url, sizeof token_url, "%s", h_jstr(r.json, "token_endpoint"));
    local_path(m, h_jstr(r.json, "authorization_endpoint"));
    h_free(&r);

    /* 3. The token: a form, client credentials in Basic auth. */
    char basic[256];
    static const char *const requests_ua[] = {"User-Agent: python-requests/2.32.3", NULL};
    struct h_send t = {.auth = h_basic(CLIENT, SECRET, basic, sizeof basic),
                       .body = "grant_type=client_credentials&scope=all-apis",
                       .content_type = "application/x-www-form-urlencoded",
                       .accept = "*/*",
                       .headers = requests_ua};
    r = h_send(m, 0, "POST", local_path(m, token_url), &t);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(h_jstr(r.json, "token_type"), "Bearer");
    cr_assert(is_int(cJSON_GetObjectItem(r.json, "expires_in")), "%s", r.body);
    cr_assert_eq(h_int(&r, "expires_in"), 3600);
    cr_assert_null(cJSON_GetObjectItem(r.json, "refresh_token"));

    /* 4. Authorization: <token_type> <access_token> on the Genie calls. */
    struct sdk c = {.m = m, .headers = sdk_m2m};
    snprintf(c.auth, sizeof c.auth, "%s %s", h_jstr(r.json, "token_type"),
             h_jstr(r.json, "access_token"));
    h_free(&r);
    r = call(&c, "GET", PFX, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(
        h_jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "spaces"), 0), "space_id"),
        SPACE);
    h_free(&r);
    struct waited w = start_and_wait(&c, "Total amount by region");
    fetch_result(&c, &w, false);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_sdk, sdk_0_50_reads_id_from_create_message)
{
    struct mock *m = h_start(scenario);
    struct sdk c = pat_client(m, sdk_050);
    struct waited first = start_and_wait(&c, "Total amount by region");
    struct waited next = follow_up_and_wait(&c, first.conv, "Only EMEA", "id");
    cr_assert(is_id(next.msg));
    cr_assert_str_neq(next.msg, first.msg);
    fetch_result(&c, &next, true); /* 0.44-0.50 era path */
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_sdk, feedback_is_accepted_in_the_0_63_and_the_current_spelling)
{
    static const struct {
        const char *const *headers;
        const char *body, *rating, *comment;
    } cases[] = {
        {sdk_063, "{\"feedback_rating\":\"POSITIVE\",\"feedback_text\":\"Spot on\"}",
         "POSITIVE", "Spot on"},
        {sdk_063, "{\"feedback_rating\":\"NEGATIVE\"}", "NEGATIVE", NULL},
        {sdk_pat, "{\"rating\":\"NEGATIVE\",\"comment\":\"Wrong year\"}", "NEGATIVE",
         "Wrong year"},
        {sdk_pat, "{\"rating\":\"NONE\"}", "NONE", NULL},
    };
    struct mock *m = h_start(scenario);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sdk c = pat_client(m, cases[i].headers);
        struct waited w = start_and_wait(&c, "Total amount by region");
        char path[256];
        snprintf(path, sizeof path,
                 PFX "/" SPACE "/conversations/%s/messages/%s/feedback", w.conv, w.msg);
        struct h_reply r = call(&c, "POST", path, cases[i].body);
        cr_assert_eq(r.status, 200, "case %zu: %s", i, r.body);
        h_free(&r);

        r = get_message(&c, &w);
        const cJSON *fb = cJSON_GetObjectItem(r.json, "feedback");
        cr_assert_str_eq(h_jstr(fb, "rating"), cases[i].rating, "case %zu: %s", i,
                         r.body);
        if (cases[i].comment != NULL)
            cr_assert_str_eq(h_jstr(fb, "comment"), cases[i].comment);
        else
            cr_assert_null(cJSON_GetObjectItem(fb, "comment"), "%s", r.body);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
