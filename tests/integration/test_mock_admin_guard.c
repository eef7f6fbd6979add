/*
 * The admin API, part 2: who may call it (the admin token, the loopback
 * interface), what a wrong call gets (401, 403, 404, 405, and 400 naming the
 * field), that a refused call changes nothing, and what reset and a new
 * scenario do to the running state.
 */
#define _DEFAULT_SOURCE /* strcasecmp */
#include "tests/gk_test.h"
#include "tests/integration/api_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SPACE_PATH API_GENIE "/" API_SPACE
#define NEW_SPACE  "01f0aaaabbbbccccddddeeeeffff0009"

/* The body of an admin GET (asserted 200), copied; the caller frees. */
static char *admin_body(const struct mock *m, const char *path)
{
    struct h_reply r = h_admin(m, "GET", path, NULL);
    cr_assert_eq(r.status, 200, "GET %s: %ld %s", path, r.status, r.body);
    char *body = r.body;
    r.body = NULL;
    h_free(&r);
    return body;
}

/* The status of GET Sales space as the developer. */
static long space_status(const struct mock *m)
{
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
    long status = r.status;
    h_free(&r);
    return status;
}

/* ---- who may call ---- */

Test(mock_admin, calls_without_the_admin_token_are_refused_with_401)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    char wrong[128], basic[256];
    snprintf(wrong, sizeof wrong, "Bearer %sx", m->admin_token);
    const char *const auths[] = {
        NULL,              /* none */
        wrong,             /* wrong token */
        "Bearer " API_DEV, /* a workspace PAT is not the admin token */
        h_basic("admin", m->admin_token, basic, sizeof basic),
        "Bearer", /* malformed */
    };
    static const struct {
        const char *method, *path, *body;
    } calls[] = {
        {"GET", "/__admin/health", NULL},
        {"POST", "/__admin/reset", NULL},
        {"POST", "/__admin/faults", "{\"name\":\"x\",\"action\":{\"status\":503}}"},
        {"DELETE", "/__admin/faults", NULL},
        {"POST", "/__admin/clock", "{\"advance_ms\":1000}"},
        {"GET", "/__admin/journal", NULL},
        {"GET", "/__admin/no-such-thing", NULL},
    };
    for (size_t a = 0; a < sizeof auths / sizeof auths[0]; a++) {
        for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
            struct h_reply r = h_call(m, 0, calls[i].method, calls[i].path, calls[i].body,
                                      auths[a], NULL);
            h_expect_envelope(&r, 401, "UNAUTHENTICATED", "admin token");
            cr_assert_null(strstr(r.body, m->admin_token), "never echoes the token");
            h_free(&r);
        }
    }
    struct h_reply r = h_admin(m, "GET", "/__admin/faults", NULL);
    cr_assert_str_eq(r.body, "{\"faults\":[]}", "nothing was armed");
    h_free(&r);
    r = h_admin(m, "GET", "/__admin/clock", NULL);
    cr_assert_eq(cJSON_GetNumberValue(
                     cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "clock"), "now_ms")),
                 0, "the clock did not move");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* Headers of a synthetic request: a NULL-terminated list of name, value. */
static const char *synthetic_header(const struct mock_request *req, const char *name)
{
    const char *const *kv = req->header_ctx;
    for (size_t i = 0; kv[i] != NULL; i += 2)
        if (strcasecmp(kv[i], name) == 0)
            return kv[i + 1];
    return NULL;
}

/* Hands one request straight to the handler, as if from ip (no socket). */
static struct mock_response handle_from(struct mock *m, const char *ip,
                                        const char *method, const char *path,
                                        const char *const *headers)
{
    struct mock_request req = {
        .method = method,
        .method_id = gk_routes_method_from_name(method),
        .path = path,
        .path_len = strlen(path),
        .query = "",
        .header = synthetic_header,
        .header_ctx = (void *)headers,
    };
    struct mock_response resp = {.status = 500};
    snprintf(req.remote_ip, sizeof req.remote_ip, "%s", ip);
    mock_api_handle(&m->ws[0], &req, &resp);
    return resp;
}

Test(mock_admin, admin_calls_from_another_host_are_refused_unless_admin_remote)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", m->admin_token);
    const char *const with_token[] = {"Authorization", auth, NULL};
    const char *const none[] = {NULL};
    static const struct {
        const char *ip;
        int status;
    } cases[] = {
        {"10.1.2.3", 403},    {"192.168.0.7", 403},     {"::1", 200},
        {"127.0.0.1", 200},   {"127.1.2.3", 200},       {"::ffff:127.0.0.1", 200},
        {"2001:db8::1", 403}, {"::ffff:10.0.0.1", 403}, {"unknown", 403},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mock_response resp =
            handle_from(m, cases[i].ip, "GET", "/__admin/health", with_token);
        cr_assert_eq(resp.status, cases[i].status, "from %s: %d %.*s", cases[i].ip,
                     resp.status, (int)resp.body_len, resp.body);
        if (cases[i].status == 403) {
            cJSON *j = cJSON_ParseWithLength(resp.body, resp.body_len);
            cr_assert_str_eq(h_jstr(j, "error_code"), "PERMISSION_DENIED");
            cr_assert_not_null(strstr(h_jstr(j, "message"), "--admin-remote"));
            cJSON_Delete(j);
        }
        free(resp.body);
    }
    /* Refused before the token is looked at: no token tells nothing more. */
    struct mock_response resp =
        handle_from(m, "10.1.2.3", "POST", "/__admin/reset", none);
    cr_assert_eq(resp.status, 403);
    free(resp.body);
    /* /metrics is for scrapers, wherever they are. */
    resp = handle_from(m, "10.1.2.3", "GET", "/metrics", none);
    cr_assert_eq(resp.status, 200, "%.*s", (int)resp.body_len, resp.body);
    free(resp.body);

    m->opts.admin_remote = true; /* --admin-remote */
    resp = handle_from(m, "10.1.2.3", "GET", "/__admin/health", with_token);
    cr_assert_eq(resp.status, 200, "%.*s", (int)resp.body_len, resp.body);
    free(resp.body);
    resp = handle_from(m, "10.1.2.3", "GET", "/__admin/health", none);
    cr_assert_eq(resp.status, 401, "still needs the token");
    free(resp.body);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, unknown_paths_get_404_and_wrong_methods_405_with_allow)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    static const struct {
        const char *method, *path;
        long status;
        const char *allow;
    } cases[] = {
        {"GET", "/__admin/nothing", 404, NULL},
        {"GET", "/__admin/", 404, NULL},
        {"GET", "/__admin", 404, NULL},
        {"GET", "/__admin/health/more", 404, NULL},
        {"GET", "/__admin/faults/a/b", 404, NULL},
        {"POST", "/__admin/health", 405, "GET"},
        {"DELETE", "/__admin/health", 405, "GET"},
        {"GET", "/__admin/reset", 405, "POST"},
        {"GET", "/__admin/scenario", 405, "POST"},
        {"PUT", "/__admin/faults", 405, "GET, POST, DELETE"},
        {"GET", "/__admin/faults/x", 405, "DELETE"},
        {"DELETE", "/__admin/clock", 405, "GET, POST"},
        {"POST", "/__admin/journal", 405, "GET"},
        {"DELETE", "/__admin/audit", 405, "GET"},
        {"PATCH", "/__admin/report", 405, "GET"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_reply r = h_admin(m, cases[i].method, cases[i].path, NULL);
        char allow[64];
        h_expect_envelope(
            &r, cases[i].status,
            cases[i].status == 404 ? "ENDPOINT_NOT_FOUND" : "METHOD_NOT_ALLOWED", NULL);
        if (cases[i].allow != NULL)
            cr_assert_str_eq(h_header(&r, "Allow", allow, sizeof allow), cases[i].allow,
                             "%s %s", cases[i].method, cases[i].path);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- refused rules change nothing ---- */

Test(mock_admin, a_malformed_rule_is_refused_naming_the_field_and_changes_nothing)
{
    static const struct {
        const char *body, *needle;
    } cases[] = {
        {"", "body"},
        {"{\"name\":", "not valid JSON"},
        {"{\"name\":\"x\",\"action\":{\"status\":503}} {}", "unexpected text"},
        {"[]", "expected a JSON object"},
        {"{\"action\":{\"status\":503}}", "name: required"},
        {"{\"name\":\"a b\",\"action\":{\"status\":503}}", "name"},
        {"{\"name\":\"..\",\"action\":{\"status\":503}}", "name"},
        {"{\"name\":\"x\"}", "action: required"},
        {"{\"name\":\"x\",\"acton\":{\"status\":503}}", "acton: unknown key"},
        {"{\"name\":\"x\",\"match\":{\"route\":\"get_spaces\"},\"action\":{\"status\":"
         "503}}",
         "match.route: unknown route"},
        {"{\"name\":\"x\",\"match\":{\"method\":\"FETCH\"},\"action\":{\"status\":503}}",
         "match.method"},
        {"{\"name\":\"x\",\"match\":{\"method\":\"POST\",\"route\":\"get_space\"},"
         "\"action\":{\"status\":503}}",
         "match.method"},
        {"{\"name\":\"x\",\"match\":{\"space\":7},\"action\":{\"status\":503}}",
         "match.space"},
        {"{\"name\":\"x\",\"action\":{\"status\":99}}", "action.status"},
        {"{\"name\":\"x\",\"action\":{\"status\":600}}", "action.status"},
        {"{\"name\":\"x\",\"action\":{\"status\":200}}", "action.status"},
        {"{\"name\":\"x\",\"action\":{\"status\":\"503\"}}", "action.status"},
        {"{\"name\":\"x\",\"action\":{\"status\":503.5}}", "action.status"},
        {"{\"name\":\"x\",\"action\":{\"status\":503,\"error_code\":\"lower\"}}",
         "action.error_code"},
        {"{\"name\":\"x\",\"action\":{\"delay\":\"1s\",\"message\":\"hi\"}}",
         "action.message: needs a status"},
        {"{\"name\":\"x\",\"action\":{\"drop\":true,\"headers\":{\"X-A\":\"b\"}}}",
         "action.headers: needs a status"},
        {"{\"name\":\"x\",\"action\":{\"status\":503,\"headers\":{\"Content-Length\":"
         "\"5\"}}}",
         "Content-Length"},
        {"{\"name\":\"x\",\"action\":{\"status\":503,\"headers\":{\"A\":\"1\",\"B\":"
         "\"2\","
         "\"C\":\"3\",\"D\":\"4\",\"E\":\"5\"}}}",
         "action.headers.E: at most 4 headers"},
        {"{\"name\":\"x\",\"action\":{\"status\":503,\"headers\":[\"X-A\"]}}",
         "action.headers"},
        {"{\"name\":\"x\",\"action\":{\"delay\":\"soon\"}}", "action.delay"},
        {"{\"name\":\"x\",\"action\":{\"delay\":\"2h\"}}", "action.delay"},
        {"{\"name\":\"x\",\"action\":{\"hang\":true,\"reset\":true}}", "at most one of"},
        {"{\"name\":\"x\",\"action\":{\"hang\":\"yes\"}}", "action.hang"},
        {"{\"name\":\"x\",\"action\":{\"outcome\":\"failed\",\"at\":\"COMPLETED\"}}",
         "action.at"},
        {"{\"name\":\"x\",\"match\":{\"route\":\"get_message\"},\"action\":{\"outcome\":"
         "\"failed\"}}",
         "only question POSTs"},
        {"{\"name\":\"x\",\"match\":{\"method\":\"GET\"},\"action\":{\"outcome\":"
         "\"stuck\"}}",
         "only question POSTs"},
        {"{\"name\":\"x\",\"action\":{\"status\":503,\"at\":\"ASKING_AI\"}}",
         "action.at: needs an outcome"},
        {"{\"name\":\"x\",\"action\":{\"outcome\":\"cancelled\",\"error_type\":\"X\"}}",
         "action.error_type: does not apply to a cancelled outcome"},
        {"{\"name\":\"x\",\"action\":{\"outcome\":\"failed\",\"expire_after\":\"1m\"}}",
         "action.expire_after: does not apply"},
        {"{\"name\":\"x\",\"action\":{\"outcome\":\"expired\",\"at\":\"ASKING_AI\"}}",
         "action.at: does not apply"},
        {"{\"name\":\"x\",\"match\":{\"route\":\"get_space\"},\"trigger\":{\"after_"
         "polls\":"
         "1},\"action\":{\"status\":503}}",
         "trigger.after_polls"},
        {"{\"name\":\"x\",\"trigger\":{\"nth\":0},\"action\":{\"status\":503}}",
         "trigger.nth"},
        {"{\"name\":\"x\",\"trigger\":{\"probability\":2},\"action\":{\"status\":503}}",
         "trigger.probability"},
        {"{\"name\":\"x\",\"trigger\":{\"from\":\"1m\",\"until\":\"30s\"},\"action\":{"
         "\"status\":503}}",
         "trigger.until"},
        {"{\"name\":\"x\",\"trigger\":{\"after\":2},\"action\":{\"status\":503}}",
         "trigger.after"},
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"keep\",\"match\":{\"route\":\"get_space\"},\"trigger\":{"
             "\"every\":2},"
             "\"action\":{\"status\":503}}");
    cr_assert_eq(space_status(m), 200);
    char *before = admin_body(m, "/__admin/faults");
    cr_assert_not_null(strstr(before, "\"matched\":1"), "%s", before);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_reply r = h_admin(m, "POST", "/__admin/faults", cases[i].body);
        h_expect_envelope(&r, 400, "INVALID_PARAMETER_VALUE", cases[i].needle);
        h_free(&r);
        char *now = admin_body(m, "/__admin/faults");
        cr_assert_str_eq(now, before, "after %s", cases[i].body);
        free(now);
    }
    free(before);
    cr_assert_eq(space_status(m), 503,
                 "the armed rule goes on counting: 2nd match fires");
    cr_assert_eq(space_status(m), 200);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- reset and a new scenario ---- */

Test(mock_admin, reset_forgets_conversations_and_rearms_the_scenarios_faults)
{
    char *text =
        h_scenario_with(API_SQL_SCENARIO, "faults",
                        "[{\"name\":\"scn\",\"match\":{\"route\":\"list_spaces\"},"
                        "\"trigger\":{\"first\":1},\"action\":{\"status\":503}}]");
    struct mock *m = h_start(text);
    free(text);
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(r.status, 503, "the scenario's rule fires once");
    h_free(&r);
    h_arm(m, "{\"name\":\"runtime\",\"action\":{\"delay\":\"1ms\"}}");
    h_advance_ms(m, 5000);

    r = h_admin(m, "POST", "/__admin/reset", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);

    r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH "/conversations/%s/messages/%s",
                 ids.conv, ids.msg);
    h_expect_envelope(&r, 404, "RESOURCE_DOES_NOT_EXIST", NULL);
    h_free(&r);
    char *faults = admin_body(m, "/__admin/faults");
    cJSON *j = cJSON_Parse(faults);
    const cJSON *list = cJSON_GetObjectItem(j, "faults");
    cr_assert_eq(cJSON_GetArraySize(list), 1, "the run-time rule is gone: %s", faults);
    const cJSON *scn = cJSON_GetArrayItem(list, 0);
    cr_assert_str_eq(h_jstr(scn, "name"), "scn");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(scn, "matched")), 0, "%s",
                 faults);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(scn, "fired")), 0);
    cJSON_Delete(j);
    free(faults);
    r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(r.status, 503, "re-armed: its first match fires again");
    h_free(&r);
    r = h_admin(m, "GET", "/__admin/clock", NULL);
    cr_assert_eq(cJSON_GetNumberValue(
                     cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "clock"), "now_ms")),
                 5000, "the clock keeps its time");
    h_free(&r);
    /* The journal restarted: the 404 and the 503 since the reset. */
    r = h_admin(m, "GET", "/__admin/journal", NULL);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "events")), 2, "%s",
                 r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* One workspace, a new space, a question limit of 1, and its own rule. */
static const char new_scenario[] =
    "{\"name\":\"replaced\",\"workspaces\":[{\"workspace_id\":\"1111222233334444\","
    "\"spaces\":[{\"space_id\":\"" NEW_SPACE
    "\",\"title\":\"Finance\",\"domain\":\"finance\","
    "\"tables\":[{\"name\":\"main.fin.invoices\",\"row_count\":100,\"columns\":["
    "{\"name\":\"amount\",\"type\":\"DOUBLE\",\"min\":1,\"max\":9}]}]}],"
    "\"principals\":[{\"name\":\"dev@example.com\",\"token\":\"" API_DEV "\","
    "\"spaces\":\"*\",\"can_manage\":true}]}],"
    "\"limits\":{\"questions_per_window\":1},"
    "\"faults\":[{\"name\":\"new-rule\",\"match\":{\"route\":\"get_space\","
    "\"space\":\"" NEW_SPACE "\"},"
    "\"action\":{\"status\":418}}]}";

Test(mock_admin, a_new_scenario_replaces_spaces_limits_and_faults)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"old\",\"action\":{\"delay\":\"1ms\"}}");
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");

    struct h_reply r = h_admin(m, "POST", "/__admin/scenario", new_scenario);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(h_str(&r, "scenario"), "replaced", "the reply is the new health");
    h_free(&r);

    r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const cJSON *spaces = cJSON_GetObjectItem(r.json, "spaces");
    cr_assert_eq(cJSON_GetArraySize(spaces), 1, "%s", r.body);
    cr_assert_str_eq(h_jstr(cJSON_GetArrayItem(spaces, 0), "space_id"), NEW_SPACE);
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
    h_expect_envelope(&r, 404, "RESOURCE_DOES_NOT_EXIST", NULL);
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH "/conversations/%s/messages/%s",
                 ids.conv, ids.msg);
    cr_assert_eq(r.status, 404, "old conversations are gone: %s", r.body);
    h_free(&r);

    char names[128] = "";
    r = h_admin(m, "GET", "/__admin/faults", NULL);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "faults")), 1, "%s",
                 r.body);
    snprintf(
        names, sizeof names, "%s",
        h_jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "faults"), 0), "name"));
    cr_assert_str_eq(names, "new-rule");
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, API_GENIE "/" NEW_SPACE);
    h_expect_envelope(&r, 418, "BAD_REQUEST", NULL);
    h_free(&r);

    (void)api_start(m, NEW_SPACE, API_DEV, "Total amount");
    r = api_call(m, "POST", API_DEV, "{\"content\":\"Again\"}",
                 API_GENIE "/" NEW_SPACE "/start-conversation");
    h_expect_envelope(&r, 429, "REQUEST_LIMIT_EXCEEDED", NULL);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, a_refused_scenario_changes_nothing)
{
    static const struct {
        const char *body, *needle;
    } cases[] = {
        {"{\"workspaces\":[{},{}]}", "workspaces"},
        {"{\"workspaces\":[{\"spaces\":[{\"title\":7}]}]}", "workspaces[0].spaces[0]"},
        {"{\"limits\":{\"questions_per_window\":-1}}", "limits.questions_per_window"},
        {"{\"faults\":[{\"name\":\"x\"}]}", "faults[0]"},
        {"{\"name\":", "not valid JSON"},
        {"", "body"},
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"keep\",\"match\":{\"route\":\"list_spaces\"},\"trigger\":{"
             "\"every\":2},"
             "\"action\":{\"status\":503}}");
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    char *health = admin_body(m, "/__admin/health");
    char *faults = admin_body(m, "/__admin/faults");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_reply r = h_admin(m, "POST", "/__admin/scenario", cases[i].body);
        h_expect_envelope(&r, 400, "INVALID_PARAMETER_VALUE", cases[i].needle);
        h_free(&r);
        char *now = admin_body(m, "/__admin/health");
        cr_assert_str_eq(now, health, "after %s", cases[i].body);
        free(now);
        now = admin_body(m, "/__admin/faults");
        cr_assert_str_eq(now, faults, "after %s", cases[i].body);
        free(now);
    }
    free(health);
    free(faults);
    struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
    cr_assert_str_eq(h_str(&r, "status"), "SUBMITTED", "the conversation is still there");
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(r.status, 200, "1st match of keep");
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(r.status, 503, "2nd match of keep");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, a_new_scenarios_body_cap_applies_at_once)
{
    /* (Admin bodies are capped too: 4 KiB leaves room for the new scenario.) */
    char *small = h_scenario_with(API_SQL_SCENARIO, "limits", "{\"max_body\":\"4KiB\"}");
    char *large = h_scenario_with(API_SQL_SCENARIO, "limits", "{\"max_body\":\"16KiB\"}");
    cr_assert_lt(strlen(large), 4096);
    struct mock *m = h_start(small);
    char body[8000];
    int n = snprintf(body, sizeof body, "{\"content\":\"");
    memset(body + n, 'a', 6000);
    snprintf(body + n + 6000, sizeof body - (size_t)n - 6000, "\"}");
    struct h_reply r =
        api_call(m, "POST", API_DEV, body, SPACE_PATH "/start-conversation");
    h_expect_envelope(&r, 413, "REQUEST_ENTITY_TOO_LARGE", "4096");
    h_free(&r);
    r = h_admin(m, "POST", "/__admin/scenario", large);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    r = api_call(m, "POST", API_DEV, body, SPACE_PATH "/start-conversation");
    cr_assert_eq(r.status, 200, "6 KB is under the new cap of 16 KiB: %ld %s", r.status,
                 r.body);
    h_free(&r);
    free(small);
    free(large);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
