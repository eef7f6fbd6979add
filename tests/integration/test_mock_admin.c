/*
 * The admin API over HTTP: every endpoint under /__admin/ and /metrics,
 * who may call it (the admin token, the loopback interface), what a broken
 * request gets (400 naming the field, with nothing changed), and what
 * reset and a new scenario do to the running state.
 */
#include "tests/gk_test.h"
#include "tests/integration/api_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE_PATH API_GENIE "/" API_SPACE
#define MSG_PATH   SPACE_PATH "/conversations/%s/messages/%s"

/* The API scenario with one fault rule of its own. */
static char *scenario_with_fault(void)
{
    return h_scenario_with(API_SQL_SCENARIO, "faults",
                           "[{\"name\":\"scn\",\"match\":{\"route\":\"list_spaces\"},"
                           "\"action\":{\"status\":503}}]");
}

static struct mock *start_with_fault(void)
{
    char *text = scenario_with_fault();
    struct mock *m = h_start(text);
    free(text);
    return m;
}

/* The names of the armed rules, in order, joined by ','. */
static void armed_names(const struct mock *m, char *out, size_t cap)
{
    struct h_reply r = h_admin(m, "GET", "/__admin/faults", NULL);
    const cJSON *f;
    cr_assert_eq(r.status, 200, "%s", r.body);
    out[0] = '\0';
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(r.json, "faults"))
    {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", n ? "," : "", h_jstr(f, "name"));
    }
    h_free(&r);
}

/* The number of events in GET /__admin/<path> (asserted 200). */
static int event_count(const struct mock *m, const char *path)
{
    struct h_reply r = h_admin(m, "GET", path, NULL);
    cr_assert_eq(r.status, 200, "GET %s: %ld %s", path, r.status, r.body);
    const cJSON *ev = cJSON_GetObjectItem(r.json, "events");
    cr_assert(cJSON_IsArray(ev), "%s", r.body);
    int n = cJSON_GetArraySize(ev);
    h_free(&r);
    return n;
}

/* ---- each endpoint ---- */

Test(mock_admin, health_names_the_scenario_seed_workspaces_ports_and_clock)
{
    struct mock *m = h_start("default");
    struct h_reply r = h_admin(m, "GET", "/__admin/health", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(h_str(&r, "status"), "ok");
    cr_assert_str_eq(h_str(&r, "scenario"), "default");
    cr_assert_eq(h_int(&r, "seed"), 7);
    const cJSON *ws = cJSON_GetObjectItem(r.json, "workspaces");
    cr_assert_eq(cJSON_GetArraySize(ws), 2);
    for (int i = 0; i < 2; i++) {
        const cJSON *w = cJSON_GetArrayItem(ws, i);
        cr_assert_str_eq(h_jstr(w, "workspace_id"), m->ws[i].def->workspace_id);
        cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(w, "port")),
                     mock_port(m, i));
    }
    const cJSON *clock = cJSON_GetObjectItem(r.json, "clock");
    cr_assert_str_eq(h_jstr(clock, "mode"), "manual");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(clock, "now_ms")), 0);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(clock, "wall_ms")), H_START_MS);
    cr_assert_str_eq(h_jstr(clock, "time"), "2026-11-21T00:00:00.000Z");
    h_free(&r);

    /* Every workspace port serves the same admin API. */
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", m->admin_token);
    r = h_call(m, 1, "GET", "/__admin/health", NULL, auth, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, faults_are_armed_listed_and_disarmed_one_by_one_or_all)
{
    struct mock *m = start_with_fault();
    char names[256];
    armed_names(m, names, sizeof names);
    cr_assert_str_eq(names, "scn", "the scenario's rules are armed at start");

    struct h_reply r =
        h_admin(m, "POST", "/__admin/faults",
                "{\"name\":\"throttle\",\"match\":{\"method\":\"GET\",\"route\":"
                "\"get_space\"},\"trigger\":{\"first\":3},\"action\":{"
                "\"status\":429,\"retry_after_s\":2}}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(h_str(&r, "name"), "throttle");
    cr_assert_eq(h_int(&r, "armed"), 2);
    h_free(&r);
    h_arm(m, "{\"name\":\"slow\",\"action\":{\"delay\":\"1ms\"}}");
    armed_names(m, names, sizeof names);
    cr_assert_str_eq(names, "scn,throttle,slow", "tried in the order they were armed");

    r = h_admin(m, "GET", "/__admin/faults", NULL);
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "faults"), 1);
    cr_assert_str_eq(h_jstr(cJSON_GetObjectItem(t, "match"), "method"), "GET");
    cr_assert_str_eq(h_jstr(cJSON_GetObjectItem(t, "match"), "route"), "get_space");
    cr_assert_eq(cJSON_GetNumberValue(
                     cJSON_GetObjectItem(cJSON_GetObjectItem(t, "action"), "status")),
                 429);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(t, "matched")), 0);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(t, "fired")), 0);
    h_free(&r);

    r = h_admin(m, "DELETE", "/__admin/faults/throttle", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    armed_names(m, names, sizeof names);
    cr_assert_str_eq(names, "scn,slow");

    r = h_admin(m, "DELETE", "/__admin/faults/throttle", NULL);
    h_expect_envelope(&r, 404, "RESOURCE_DOES_NOT_EXIST", "throttle");
    h_free(&r);
    r = h_admin(m, "DELETE", "/__admin/faults/no-such-rule", NULL);
    h_expect_envelope(&r, 404, "RESOURCE_DOES_NOT_EXIST", "no-such-rule");
    h_free(&r);

    r = h_admin(m, "DELETE", "/__admin/faults", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    armed_names(m, names, sizeof names);
    cr_assert_str_eq(names, "", "all disarmed, the scenario's too");
    r = h_admin(m, "GET", "/__admin/health", NULL);
    cr_assert_eq(h_int(&r, "faults"), 0);
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(r.status, 200, "the scenario's rule no longer acts: %s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, a_listed_rule_says_all_it_does_and_arms_back_as_the_same_rule)
{
    static const char *const rules[] = {
        "{\"name\":\"a\",\"match\":{\"method\":\"GET\",\"route\":\"get_message\","
        "\"workspace\":\"1111222233334444\",\"space\":\"" API_SPACE "\",\"principal\":"
        "\"dev@example.com\"},\"trigger\":{\"nth\":2,\"first\":5,\"every\":2,"
        "\"probability\":0.25,\"from\":\"1.5s\",\"until\":\"1h\",\"after_polls\":3},"
        "\"action\":{\"status\":503,\"error_code\":\"BUSY\",\"message\":\"Busy.\","
        "\"retry_after_s\":4,\"headers\":{\"X-A\":\"1\"},\"delay\":{\"uniform\":"
        "\"10ms..20ms\"}}}",
        "{\"name\":\"b\",\"trigger\":{\"from\":\"30s\"},\"action\":{\"delay\":{"
        "\"lognormal\":"
        "{\"median\":\"5ms\",\"sigma\":0.5},\"cap\":\"9ms\"},\"truncate\":true}}",
        "{\"name\":\"c\",\"match\":{\"content\":\"refund\"},\"action\":{\"outcome\":"
        "\"failed\",\"at\":\"ASKING_AI\",\"error_type\":\"CONTENT_FILTER_EXCEPTION\"}}",
        "{\"name\":\"d\",\"action\":{\"outcome\":\"expired\",\"expire_after\":\"2m\"}}",
        "{\"name\":\"e\",\"action\":{\"delay\":\"7ms\",\"hang\":true}}",
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        h_arm(m, rules[i]);
    struct h_reply first = h_admin(m, "GET", "/__admin/faults", NULL);
    const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(first.json, "faults"), 0);
    const cJSON *trig = cJSON_GetObjectItem(a, "trigger");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(trig, "after_polls")), 3, "%s",
                 first.body);
    cr_assert_str_eq(h_jstr(trig, "from"), "1500ms");
    cr_assert_str_eq(h_jstr(cJSON_GetObjectItem(a, "action"), "message"), "Busy.");
    const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(first.json, "faults"), 3);
    cr_assert_str_eq(h_jstr(cJSON_GetObjectItem(d, "action"), "expire_after"), "120000ms",
                     "%s", first.body);
    cr_assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "action"), "at"),
                   "an expired outcome has no `at`");

    /* Each listed rule, counters aside, arms back as itself. */
    const cJSON *rule;
    cJSON_ArrayForEach(rule, cJSON_GetObjectItem(first.json, "faults"))
    {
        cJSON *copy = cJSON_Duplicate(rule, 1);
        cJSON_DeleteItemFromObject(copy, "matched");
        cJSON_DeleteItemFromObject(copy, "fired");
        char *text = cJSON_PrintUnformatted(copy);
        h_arm(m, text);
        free(text);
        cJSON_Delete(copy);
    }
    struct h_reply again = h_admin(m, "GET", "/__admin/faults", NULL);
    cr_assert_str_eq(again.body, first.body);
    h_free(&again);
    h_free(&first);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, the_clock_reads_and_advances_by_hand)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    struct h_reply r = h_admin(m, "GET", "/__admin/clock", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const cJSON *clock = cJSON_GetObjectItem(r.json, "clock");
    cr_assert_str_eq(h_jstr(clock, "mode"), "manual");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(clock, "now_ms")), 0);
    h_free(&r);

    r = h_admin(m, "POST", "/__admin/clock", "{\"advance_ms\": 8000}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    clock = cJSON_GetObjectItem(r.json, "clock");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(clock, "now_ms")), 8000,
                 "the reply is the clock after the move: %s", r.body);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(clock, "wall_ms")),
                 H_START_MS + 8000);
    h_free(&r);
    r = api_message(m, API_SPACE, API_DEV, &ids);
    cr_assert_str_eq(h_str(&r, "status"), "COMPLETED", "messages move with it");
    h_free(&r);

    static const struct {
        const char *body, *needle;
    } bad[] = {
        {"", "body"},
        {"{}", "advance_ms: required"},
        {"{\"advance_ms\": -5}", "advance_ms"},
        {"{\"advance_ms\": \"5\"}", "advance_ms"},
        {"{\"advance_ms\": 1.5}", "advance_ms"},
        {"{\"advance\": 5}", "advance"},
        {"[5]", "body"},
        {"{\"advance_ms\": 5", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = h_admin(m, "POST", "/__admin/clock", bad[i].body);
        h_expect_envelope(&r, 400, "INVALID_PARAMETER_VALUE", bad[i].needle);
        h_free(&r);
    }
    r = h_admin(m, "GET", "/__admin/clock", NULL);
    clock = cJSON_GetObjectItem(r.json, "clock");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(clock, "now_ms")), 8000,
                 "refused moves move nothing");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, a_scaled_clock_cannot_be_moved_by_hand)
{
    struct mock_opts o = {
        .scenario_text = API_SQL_SCENARIO, .has_seed = true, .seed = 7, .time_scale = 10};
    struct mock *m = NULL;
    struct gk_err err = {0};
    cr_assert_eq(mock_new(&o, &m, &err), GK_OK, "%s", gk_err_str(&err));
    cr_assert_eq(mock_start(m, &err), GK_OK, "%s", gk_err_str(&err));
    struct h_reply r = h_admin(m, "POST", "/__admin/clock", "{\"advance_ms\": 1000}");
    h_expect_envelope(&r, 400, "INVALID_STATE", "--manual-clock");
    h_free(&r);
    r = h_admin(m, "GET", "/__admin/clock", NULL);
    const cJSON *clock = cJSON_GetObjectItem(r.json, "clock");
    cr_assert_str_eq(h_jstr(clock, "mode"), "scaled");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(clock, "scale")), 10);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, the_journal_filters_by_each_field)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH); /* 1 */
    h_free(&r);
    r = api_call(m, "GET", API_ANALYST, NULL, API_GENIE); /* 2 */
    h_free(&r);
    h_advance_ms(m, 10000);
    (void)api_start(m, API_SPACE, API_DEV, "Total amount by region"); /* 3 */
    r = api_call(m, "GET", "dapi-not-a-token", NULL, SPACE_PATH);     /* 4 */
    h_free(&r);
    h_arm(m, "{\"name\":\"boom\",\"match\":{\"route\":\"get_space\"},\"action\":{"
             "\"status\":503}}");
    r = api_call(m, "GET", NULL, NULL, SPACE_PATH); /* 5: rules act before auth */
    h_free(&r);

    static const struct {
        const char *query;
        int n;
    } cases[] = {
        {"", 5},
        {"?workspace=1111222233334444", 5},
        {"?workspace=9999", 0},
        {"?principal=analyst%40example.com", 1},
        {"?principal=dev@example.com", 2},
        {"?method=POST", 1},
        {"?method=GET", 4},
        {"?route=get_space", 3},
        {"?route=list_spaces", 1},
        {"?status=503", 1},
        {"?status=401", 1},
        {"?status=200", 3},
        {"?fault=boom", 1},
        {"?fault=other", 0},
        {"?since_ms=10000", 3},
        {"?since_ms=10001", 0},
        {"?limit=2", 2},
        {"?route=get_space&status=200", 1},
        {"?method=GET&limit=1", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/__admin/journal%s", cases[i].query);
        cr_assert_eq(event_count(m, path), cases[i].n, "%s", path);
    }
    r = h_admin(m, "GET", "/__admin/journal?limit=1", NULL);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "events"), 0);
    cr_assert_str_eq(h_jstr(e, "fault"), "boom", "newest first: %s", r.body);
    cr_assert_str_eq(h_jstr(e, "route"), "get_space");
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "status")), 503);
    h_free(&r);

    static const char *const bad[] = {"?status=abc", "?limit=-1", "?since_ms=x",
                                      "?status=600"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/__admin/journal%s", bad[i]);
        r = h_admin(m, "GET", path, NULL);
        cr_assert_eq(r.status, 400, "%s: %s", path, r.body);
        h_free(&r);
    }
    cr_assert_eq(event_count(m, "/__admin/journal"), 5, "admin calls are not journalled");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, a_faulted_reply_is_journalled_under_the_principal_of_its_token)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"boom\",\"action\":{\"status\":503,\"retry_after_s\":5}}");
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
    cr_assert_eq(r.status, 503);
    h_free(&r);
    cr_assert_eq(
        event_count(m, "/__admin/journal?principal=dev%40example.com&fault=boom"), 1);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, the_audit_rows_come_newest_first_up_to_the_limit)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
    h_free(&r);
    cr_assert_eq(event_count(m, "/__admin/audit"), 3);
    cr_assert_eq(event_count(m, "/__admin/audit?limit=0"), 3, "0: all");
    cr_assert_eq(event_count(m, "/__admin/audit?limit=2"), 2);
    r = h_admin(m, "GET", "/__admin/audit?limit=1", NULL);
    const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "events"), 0);
    cr_assert_str_eq(h_jstr(row, "service_name"), "aibiGenie", "%s", r.body);
    cr_assert_str_eq(h_jstr(row, "workspace_id"), "1111222233334444");
    cr_assert_not_null(cJSON_GetObjectItem(row, "request_params"));
    h_free(&r);
    r = h_admin(m, "GET", "/__admin/audit?limit=many", NULL);
    h_expect_envelope(&r, 400, "INVALID_PARAMETER_VALUE", "limit");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, the_report_counts_what_the_client_did_wrong)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids ids = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    for (int i = 0; i < 2; i++) { /* twice in the same instant: a fast poll */
        struct h_reply r = api_message(m, API_SPACE, API_DEV, &ids);
        h_free(&r);
    }
    struct h_reply r = h_admin(m, "GET", "/__admin/report", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_geq(h_int(&r, "violations"), 1, "%s", r.body);
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "principals"), 0);
    cr_assert_str_eq(h_jstr(p, "principal"), "dev@example.com", "%s", r.body);
    cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "fast_polls")), 1, "%s",
                 r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_admin, metrics_answer_without_a_token_in_the_prometheus_text_format)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"busy\",\"match\":{\"route\":\"list_spaces\"},\"action\":{"
             "\"status\":429}}");
    (void)api_start(m, API_SPACE, API_DEV, "Total amount by region");
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, API_GENIE);
    cr_assert_eq(r.status, 429);
    h_free(&r);

    r = h_call(m, 0, "GET", "/metrics", NULL, NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    char type[128];
    cr_assert_not_null(h_header(&r, "Content-Type", type, sizeof type));
    cr_assert_eq(strncmp(type, "text/plain", 10), 0, "%s", type);
    static const char *const want[] = {
        "# TYPE genie_mock_requests_total counter",
        "# TYPE genie_mock_faults_total counter",
        "# TYPE genie_mock_messages gauge",
        "# TYPE genie_mock_throttled_total counter",
        "# TYPE genie_mock_request_duration_seconds histogram",
        "genie_mock_requests_total{workspace=\"1111222233334444\",route=\"start_"
        "conversation\","
        "status=\"200\"} 1",
        "genie_mock_faults_total{rule=\"busy\"} 1",
        "genie_mock_throttled_total{workspace=\"1111222233334444\"} 1",
        "genie_mock_messages{status=\"SUBMITTED\"} 1",
        "genie_mock_request_duration_seconds_bucket{route=\"list_spaces\",le=\"+Inf\"} 1",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_not_null(strstr(r.body, want[i]), "no \"%s\" in:\n%s", want[i], r.body);
    h_free(&r);

    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", m->admin_token);
    r = h_call(m, 0, "POST", "/metrics", "{}", auth, NULL);
    h_expect_envelope(&r, 405, "METHOD_NOT_ALLOWED", NULL);
    char allow[32];
    cr_assert_str_eq(h_header(&r, "Allow", allow, sizeof allow), "GET");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
