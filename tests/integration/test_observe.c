/*
 * observe without a socket: hand-made event sequences into the journal, the
 * audit rows (compared with the example rows of
 * fixtures/genie-api-examples.json), the Prometheus text and the client
 * report, whose violations are planned one by one.
 */
#include "common/codec_write.h"
#include "mockserver/observe.h"
#include "tests/gk_test.h"

#include <cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WS            "1234567890123456"
#define ACCOUNT       "7c1e0f4a-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
#define SPACE         "01f1a7c3e2b01d4c9a1f6e0b3c5d7e21"
#define CONV          "01f1b4e8a90c1f7a8d2e4c6b9a0f1e33"
#define MSG           "01f1b4e8a9211c55b3e7d0a4f6c8e145"
#define EXAMPLES_FILE "fixtures/genie-api-examples.json"
#define WALL0         INT64_C(1787132400123) /* 2026-08-19T09:40:00.123Z */
#define MS(x)         ((int64_t)(x)*1000)    /* mock clock ms -> us */
#define NEVER         INT64_MAX

/* ---- helpers ---- */

static struct mock_observe *ob_new(size_t journal_max, size_t audit_max, FILE *log)
{
    struct mock_observe_opts o = {journal_max, audit_max, log};
    struct mock_observe *ob = NULL;
    struct gk_err err = {0};
    cr_assert_eq(mock_observe_new(&o, &ob, &err), GK_OK, "%s", gk_err_str(&err));
    return ob;
}

/* A 200 get_space by analyst@ at clock ms, as the dispatcher would send it. */
static struct mock_event ev_at(int64_t ms)
{
    return (struct mock_event){
        .now_us = MS(ms),
        .wall_ms = WALL0 + ms,
        .workspace_id = WS,
        .account_id = ACCOUNT,
        .principal = "analyst@example.com",
        .user_id = 42,
        .method = "GET",
        .path = "/api/2.0/genie/spaces/" SPACE,
        .query = "",
        .route = GK_ROUTE_GET_SPACE,
        .status = 200,
        .latency_us = 1500,
        .request_id = "req",
        .remote_ip = "10.30.0.242",
        .user_agent = "databricks-sdk-py/0.133.0 python/3.12.4 os/linux auth/oauth-m2m",
        .space_id = SPACE,
        .retry_after_s = -1,
        .request_hash = 0x1111,
        .message_terminal_us = NEVER,
    };
}

static cJSON *parse(char *text)
{
    cr_assert_not_null(text);
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "not JSON: %s", text);
    free(text);
    return j;
}

static cJSON *examples_load(void)
{
    FILE *f = fopen(EXAMPLES_FILE, "rb");
    cr_assert_not_null(f, "cannot open %s", EXAMPLES_FILE);
    static char buf[1 << 17];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *j = cJSON_Parse(buf);
    cr_assert_not_null(j);
    return j;
}

/* The request_id of each event in a {"events": [...]} reply, joined by ','. */
static void ids_of(char *reply, char *out, size_t cap)
{
    cJSON *j = parse(reply), *e;
    out[0] = '\0';
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "events"))
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "request_id");
        if (out[0] != '\0')
            strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, cJSON_IsString(id) ? id->valuestring : "?", cap - strlen(out) - 1);
    }
    cJSON_Delete(j);
}

/* ---- the JSON writer's doubles ---- */

Test(observe, doubles_print_with_fixed_decimals_and_no_locale)
{
    static const struct {
        double v;
        int decimals;
        const char *want;
    } cases[] = {
        {1.5, 3, "1.500"},
        {0.0004, 3, "0.000"},
        {-0.0004, 3, "0.000"},
        {-2.25, 1, "-2.3"},
        {1234.5678, 2, "1234.57"},
        {7, 0, "7"},
        {0.123456789, 12, "0.123456789"},
        {1e300 / 1e300, -1, "1"},
        {1e19, 3, "10000000000000000000.000"},
        {5e9 + 0.5, 9, "5000000000.500000000"},
        {0.9996, 3, "1.000"},
        {-0.9996, 3, "-1.000"},
        {2.5, 0, "3"},
        {NAN, 3, "null"},
        {-INFINITY, 3, "null"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gk_codec_writer w = {.first = true};
        char *out = NULL;
        gk_codec_write_double(&w, NULL, cases[i].v, cases[i].decimals);
        cr_assert_eq(gk_codec_write_finish(&w, &out, NULL, NULL), GK_OK);
        cr_assert_str_eq(out, cases[i].want, "case %zu", i);
        free(out);
    }
    GK_ASSERT_NO_LEAKS();
}

/* ---- journal ---- */

Test(observe, journal_keeps_the_newest_events_when_the_ring_wraps)
{
    struct mock_observe *ob = ob_new(3, 0, NULL);
    char ids[256];
    static const char *const names[] = {"r0", "r1", "r2", "r3", "r4"};
    for (int i = 0; i < 5; i++) {
        struct mock_event ev = ev_at(i * 1000);
        ev.request_id = names[i];
        mock_observe_event(ob, &ev);
    }
    ids_of(mock_observe_journal(ob, NULL, NULL), ids, sizeof ids);
    cr_assert_str_eq(ids, "r4,r3,r2");
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, journal_entries_have_the_documented_fields)
{
    struct mock_observe *ob = ob_new(0, 0, NULL);
    struct mock_event ev = ev_at(2500);
    ev.latency_us = 1234;
    mock_observe_event(ob, &ev);
    ev = ev_at(3000);
    ev.route = GK_ROUTE_NONE;
    ev.path = "/__admin/journal";
    ev.principal = NULL;
    ev.fault = "slow";
    mock_observe_event(ob, &ev);

    cJSON *j = parse(mock_observe_journal(ob, NULL, NULL));
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(j, "events");
    cr_assert_eq(cJSON_GetArraySize(events), 2);
    const cJSON *admin = cJSON_GetArrayItem(events, 0),
                *e = cJSON_GetArrayItem(events, 1);
    static const char *const keys[] = {
        "time",  "time_us", "workspace_id", "principal", "method",    "path",
        "route", "status",  "latency_ms",   "fault",     "request_id"};
    cr_assert_eq(cJSON_GetArraySize(e), (int)(sizeof keys / sizeof keys[0]));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(e, keys[i]), "%s", keys[i]);
    cr_assert_str_eq(cJSON_GetObjectItem(e, "time")->valuestring,
                     "2026-08-19T09:40:02.623Z");
    cr_assert_eq(cJSON_GetObjectItem(e, "time_us")->valuedouble, 2500000.0);
    cr_assert_str_eq(cJSON_GetObjectItem(e, "route")->valuestring, "get_space");
    cr_assert_eq(cJSON_GetObjectItem(e, "status")->valueint, 200);
    cr_assert_eq(cJSON_GetObjectItem(e, "latency_ms")->valuedouble, 1.234);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(e, "fault")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(admin, "route")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(admin, "principal")));
    cr_assert_str_eq(cJSON_GetObjectItem(admin, "fault")->valuestring, "slow");
    cJSON_Delete(j);
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, journal_filters_by_each_field)
{
    struct mock_observe *ob = ob_new(0, 0, NULL);
    /* a: get_space 200; b: other workspace; c: bob, 404; d: POST with a fault;
     * e: admin call; f: get_message 429 */
    struct mock_event evs[6];
    for (int i = 0; i < 6; i++)
        evs[i] = ev_at(i * 1000);
    evs[0].request_id = "a";
    evs[1].request_id = "b", evs[1].workspace_id = "999";
    evs[2].request_id = "c", evs[2].principal = "bob@example.com", evs[2].status = 404;
    evs[3].request_id = "d", evs[3].method = "POST", evs[3].fault = "flaky";
    evs[3].route = GK_ROUTE_START_CONVERSATION;
    evs[4].request_id = "e", evs[4].route = GK_ROUTE_NONE, evs[4].path = "/__admin/reset";
    evs[5].request_id = "f", evs[5].route = GK_ROUTE_GET_MESSAGE, evs[5].status = 429;
    for (int i = 0; i < 6; i++)
        mock_observe_event(ob, &evs[i]);

    static const struct {
        struct mock_journal_filter f;
        const char *want;
    } cases[] = {
        {{0}, "f,e,d,c,b,a"},
        {{.workspace_id = "999"}, "b"},
        {{.workspace_id = ""}, "f,e,d,c,b,a"},
        {{.principal = "bob@example.com"}, "c"},
        {{.method = "POST"}, "d"},
        {{.route = "get_message"}, "f"},
        {{.route = "admin"}, "e"},
        {{.route = "nope"}, ""},
        {{.status = 404}, "c"},
        {{.fault = "flaky"}, "d"},
        {{.since_us = MS(3000)}, "f,e,d"},
        {{.limit = 2}, "f,e"},
        {{.status = 200, .limit = 2}, "e,d"},
        {{.workspace_id = WS, .principal = "analyst@example.com", .since_us = MS(1)},
         "f,e,d"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ids[256];
        ids_of(mock_observe_journal(ob, &cases[i].f, NULL), ids, sizeof ids);
        cr_assert_str_eq(ids, cases[i].want, "case %zu", i);
    }
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}

/* ---- audit ---- */

/* Same keys (ignoring "_" annotations of want) and the same JSON type at
 * every level; unless exact, request_params only as "an object of strings"
 * and response.result may be null. */
static void same_shape(const cJSON *got, const cJSON *want, const char *path,
                       bool exact_params)
{
    const cJSON *w, *g;
    if (!exact_params && strcmp(path, "result") == 0 && cJSON_IsNull(got))
        return; /* a string only for question POSTs */
    cr_assert_eq(got->type & 0xff, want->type & 0xff, "%s: JSON type differs", path);
    if (!cJSON_IsObject(want))
        return;
    if (!exact_params && strcmp(path, "request_params") == 0) {
        cJSON_ArrayForEach(g, got)
            cr_assert(cJSON_IsString(g), "request_params.%s", g->string);
        return;
    }
    cJSON_ArrayForEach(w, want)
    {
        if (w->string[0] == '_')
            continue;
        g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        cr_assert_not_null(g, "%s.%s: missing", path, w->string);
        same_shape(g, w, w->string, exact_params);
    }
    cJSON_ArrayForEach(g, got)
        cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(want, g->string),
                           "%s.%s: extra", path, g->string);
}

static struct mock_event ev_start_conversation(void)
{
    struct mock_event ev = ev_at(0);
    ev.method = "POST";
    ev.path = "/api/2.0/genie/spaces/" SPACE "/start-conversation";
    ev.route = GK_ROUTE_START_CONVERSATION;
    ev.request_id = "5a7c9e1b-3d5f-4a7b-9c1e-2f4a6b8c0d12";
    ev.conversation_id = CONV;
    ev.message_id = MSG;
    ev.has_message = true;
    ev.message_status = GK_MSG_SUBMITTED;
    return ev;
}

static struct mock_event ev_throttled(void)
{
    struct mock_event ev = ev_at(3748);
    ev.method = "POST";
    ev.path = "/api/2.0/genie/spaces/" SPACE "/conversations/" CONV "/messages";
    ev.route = GK_ROUTE_CREATE_MESSAGE;
    ev.status = 429;
    ev.error_code = "RESOURCE_EXHAUSTED";
    ev.error_message = "Genie API request rate limit exceeded for this workspace.";
    ev.request_id = "6b8d0f2c-4e6a-4b8c-8d2f-3a5b7c9d1e23";
    ev.user_agent = "mock-genie-client/1.0";
    ev.conversation_id = CONV;
    ev.retry_after_s = 5;
    ev.question_throttled = true;
    return ev;
}

Test(observe, audit_rows_match_the_example_rows_column_for_column)
{
    cJSON *examples = examples_load();
    static const char *const names[] = {"audit_row_start_conversation",
                                        "audit_row_throttled"};
    struct mock_event evs[] = {ev_start_conversation(), ev_throttled()};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(examples, names[i]);
        cJSON *got = parse(mock_observe_audit_row(&evs[i], NULL));
        cr_assert_not_null(want);
        same_shape(got, want, "", true);
        /* Every value as in the example but the generated id and the
         * result text's spacing. */
        const cJSON *w;
        cJSON_ArrayForEach(w, want)
        {
            if (w->string[0] == '_' || strcmp(w->string, "event_id") == 0 ||
                strcmp(w->string, "response") == 0)
                continue;
            cr_assert(cJSON_Compare(cJSON_GetObjectItem(got, w->string), w, true),
                      "%s: %s", names[i], w->string);
        }
        const cJSON *resp = cJSON_GetObjectItem(got, "response"),
                    *wresp = cJSON_GetObjectItem(want, "response");
        cr_assert(cJSON_Compare(cJSON_GetObjectItem(resp, "status_code"),
                                cJSON_GetObjectItem(wresp, "status_code"), true));
        cr_assert(cJSON_Compare(cJSON_GetObjectItem(resp, "error_message"),
                                cJSON_GetObjectItem(wresp, "error_message"), true));
        const cJSON *result = cJSON_GetObjectItem(resp, "result"),
                    *wresult = cJSON_GetObjectItem(wresp, "result");
        if (cJSON_IsString(wresult)) {
            cJSON *a = cJSON_Parse(result->valuestring),
                  *b = cJSON_Parse(wresult->valuestring);
            cr_assert(cJSON_Compare(a, b, true), "result %s", result->valuestring);
            cJSON_Delete(a);
            cJSON_Delete(b);
        } else {
            cr_assert(cJSON_IsNull(result));
        }
        cJSON_Delete(got);
    }
    cJSON_Delete(examples);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, audit_rows_name_the_action_and_the_path_ids_of_each_route)
{
    cJSON *examples = examples_load();
    const cJSON *want = cJSON_GetObjectItem(examples, "audit_row_start_conversation");
    static const struct {
        enum gk_route_id route;
        const char *action, *params;
    } cases[] = {
        {GK_ROUTE_GET_MESSAGE, "genieGetConversationMessage",
         "{\"space_id\":\"s\",\"conversation_id\":\"c\",\"message_id\":\"m\"}"},
        {GK_ROUTE_GET_MESSAGE_ATTACHMENT_QUERY_RESULT,
         "genieGetMessageAttachmentQueryResult",
         "{\"space_id\":\"s\",\"conversation_id\":\"c\",\"message_id\":\"m\","
         "\"attachment_id\":\"a\"}"},
        {GK_ROUTE_SEND_MESSAGE_FEEDBACK, "genieSendMessageFeedback",
         "{\"space_id\":\"s\",\"conversation_id\":\"c\",\"message_id\":\"m\","
         "\"feedback_rating\":\"POSITIVE\"}"},
        {GK_ROUTE_START_CONVERSATION, "genieStartConversationMessage",
         "{\"space_id\":\"s\"}"},
        {GK_ROUTE_CREATE_MESSAGE, "genieCreateConversationMessage",
         "{\"space_id\":\"s\",\"conversation_id\":\"c\"}"},
        {GK_ROUTE_LIST_SPACES, "genieListSpaces", "{}"},
        {GK_ROUTE_DELETE_CONVERSATION, "genieDeleteConversation",
         "{\"space_id\":\"s\",\"conversation_id\":\"c\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mock_event ev = ev_at(0);
        ev.route = cases[i].route;
        ev.space_id = "s", ev.conversation_id = "c", ev.message_id = "m";
        ev.attachment_id = "a", ev.feedback_rating = "POSITIVE";
        cJSON *got = parse(mock_observe_audit_row(&ev, NULL));
        cJSON *params = cJSON_Parse(cases[i].params);
        same_shape(got, want, "", false);
        cr_assert_str_eq(cJSON_GetObjectItem(got, "action_name")->valuestring,
                         cases[i].action);
        cr_assert(cJSON_Compare(cJSON_GetObjectItem(got, "request_params"), params, true),
                  "case %zu", i);
        cJSON_Delete(params);
        cJSON_Delete(got);
    }
    cJSON_Delete(examples);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, audit_event_ids_are_deterministic_uuids)
{
    struct mock_event ev = ev_at(0);
    char *a = mock_observe_audit_row(&ev, NULL), *b = mock_observe_audit_row(&ev, NULL);
    ev.request_id = "other";
    char *c = mock_observe_audit_row(&ev, NULL);
    cr_assert_str_eq(a, b);
    cJSON *ja = parse(a), *jc = parse(c);
    const char *ida = cJSON_GetObjectItem(ja, "event_id")->valuestring;
    const char *idc = cJSON_GetObjectItem(jc, "event_id")->valuestring;
    cr_assert_str_neq(ida, idc);
    cr_assert_eq(strlen(ida), 36);
    cr_assert(ida[8] == '-' && ida[13] == '-' && ida[14] == '8' && ida[18] == '-' &&
              strchr("89ab", ida[19]) != NULL && ida[23] == '-');
    cJSON_Delete(ja);
    cJSON_Delete(jc);
    free(b);
    GK_ASSERT_NO_LEAKS();
}

static size_t lines_in(const char *buf, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < size; i++)
        n += buf[i] == '\n';
    return n;
}

Test(observe, audit_log_gets_one_flushed_line_per_genie_call_only)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *log = open_memstream(&buf, &size);
    struct mock_observe *ob = ob_new(0, 2, log);
    static const struct {
        enum gk_route_id route;
        const char *path;
        size_t lines_after;
    } cases[] = {
        {GK_ROUTE_GET_SPACE, "/api/2.0/genie/spaces/" SPACE, 1},
        {GK_ROUTE_NONE, "/__admin/journal", 1},
        {GK_ROUTE_NONE, "/metrics", 1},
        {GK_ROUTE_NONE, "/api/2.0/genie/nope", 1},
        {GK_ROUTE_OIDC_TOKEN, "/oidc/v1/token", 1},
        {GK_ROUTE_GET_MESSAGE, "/api/2.0/genie/spaces/x/conversations/y/messages/z", 2},
        {GK_ROUTE_LIST_SPACES, "/api/2.0/genie/spaces", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mock_event ev = ev_at((int64_t)i);
        char id[8];
        snprintf(id, sizeof id, "r%zu", i);
        ev.route = cases[i].route, ev.path = cases[i].path, ev.request_id = id;
        mock_observe_event(ob, &ev);
        /* open_memstream publishes size on fflush: no flush, no line. */
        cr_assert_eq(lines_in(buf, size), cases[i].lines_after, "case %zu", i);
        cr_assert_eq(buf[size - 1], '\n');
    }
    /* Each line is one row; the in-memory copy keeps the last audit_max. */
    char *first_nl = memchr(buf, '\n', size);
    *first_nl = '\0';
    cJSON *row = cJSON_Parse(buf);
    cr_assert_str_eq(cJSON_GetObjectItem(row, "request_id")->valuestring, "r0");
    cJSON_Delete(row);
    char ids[64];
    ids_of(mock_observe_audit(ob, 0, NULL), ids, sizeof ids);
    cr_assert_str_eq(ids, "r6,r5");
    ids_of(mock_observe_audit(ob, 1, NULL), ids, sizeof ids);
    cr_assert_str_eq(ids, "r6");
    mock_observe_free(ob);
    fclose(log);
    free(buf);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, audit_log_write_errors_are_counted_not_fatal)
{
    FILE *ro = fopen("/dev/null", "r"); /* every write fails */
    cr_assert_not_null(ro);
    struct mock_observe *ob = ob_new(0, 0, ro);
    struct mock_event ev = ev_at(0);
    mock_observe_event(ob, &ev);
    char *m = mock_observe_metrics(ob, NULL, NULL);
    cr_assert_not_null(
        strstr(m, "genie_mock_observe_dropped_total{observer=\"audit_log\"} 1\n"), "%s",
        m);
    cr_assert_not_null(
        strstr(m, "genie_mock_observe_dropped_total{observer=\"audit\"} 0\n"));
    free(m);
    char ids[32];
    ids_of(mock_observe_audit(ob, 0, NULL), ids, sizeof ids);
    cr_assert_str_eq(ids, "req");
    mock_observe_free(ob);
    fclose(ro);
    GK_ASSERT_NO_LEAKS();
}

/* ---- metrics ---- */

struct sample {
    char name[96];
    char label[8][2][128]; /* name, unescaped value */
    int labels;
    double value;
};

static const char *sample_label(const struct sample *s, const char *name)
{
    for (int i = 0; i < s->labels; i++)
        if (strcmp(s->label[i][0], name) == 0)
            return s->label[i][1];
    return NULL;
}

/* `name{l="v",...} value` exactly, as the text format 0.0.4 spells it. */
static bool sample_parse(const char *line, struct sample *s)
{
    const char *p = line;
    size_t n = 0;
    memset(s, 0, sizeof *s);
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
           *p == ':' || (n > 0 && *p >= '0' && *p <= '9'))
        if (n < sizeof s->name - 1)
            s->name[n++] = *p++;
        else
            return false;
    if (n == 0)
        return false;
    if (*p == '{') {
        p++;
        while (*p != '}') {
            if (s->labels == 8)
                return false;
            char *key = s->label[s->labels][0], *val = s->label[s->labels][1];
            size_t k = 0, v = 0;
            while ((*p >= 'a' && *p <= 'z') || *p == '_')
                key[k++] = *p++;
            if (k == 0 || *p++ != '=' || *p++ != '"')
                return false;
            while (*p != '"') {
                char c = *p++;
                if (c == '\0' || c == '\n' || v == 127)
                    return false;
                if (c == '\\') {
                    c = *p++;
                    if (c == 'n')
                        c = '\n';
                    else if (c != '\\' && c != '"')
                        return false;
                }
                val[v++] = c;
            }
            p++;
            s->labels++;
            if (*p == ',')
                p++;
            else if (*p != '}')
                return false;
        }
        p++;
    }
    if (*p++ != ' ' || *p == '\0')
        return false;
    char *end;
    s->value = strtod(p, &end);
    return *end == '\0';
}

static struct mock_event ev_metric(int64_t ms, const char *ws, enum gk_route_id route,
                                   int status, int64_t latency_us)
{
    struct mock_event ev = ev_at(ms);
    ev.workspace_id = ws, ev.route = route, ev.status = status,
    ev.latency_us = latency_us;
    return ev;
}

Test(observe, metrics_text_parses_and_counts_what_happened)
{
    struct mock_observe *ob = ob_new(0, 0, NULL);
    struct mock_event evs[] = {
        ev_metric(0, WS, GK_ROUTE_GET_MESSAGE, 200, 500),
        ev_metric(1, WS, GK_ROUTE_GET_MESSAGE, 200, 3000),
        ev_metric(2, WS, GK_ROUTE_GET_MESSAGE, 429, 20000),
        ev_metric(3, "999", GK_ROUTE_GET_SPACE, 200, 2000000),
        ev_metric(4, NULL, GK_ROUTE_NONE, 200, 100),
        ev_metric(5, WS, GK_ROUTE_GET_SPACE, 503, 1000),
        ev_metric(6, "999", GK_ROUTE_GET_SPACE, 0, 20000000),
    };
    evs[4].path = "/__admin/reset";
    evs[5].fault = "we\"ird\\rule\nname";
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        mock_observe_event(ob, &evs[i]);
    int64_t by_status[GK_MSG_STATUS_COUNT] = {
        [GK_MSG_COMPLETED] = 3, [GK_MSG_FAILED] = 1};
    char *text = mock_observe_metrics(ob, by_status, NULL);
    char *again = mock_observe_metrics(ob, by_status, NULL);
    cr_assert_str_eq(text, again, "two scrapes of one state differ");
    free(again);

    static const char *const present[] = {
        "genie_mock_requests_total{workspace=\"1234567890123456\",route=\"get_message\","
        "status=\"200\"} 2\n",
        "genie_mock_requests_total{workspace=\"1234567890123456\",route=\"get_message\","
        "status=\"429\"} 1\n",
        "genie_mock_requests_total{workspace=\"\",route=\"admin\",status=\"200\"} 1\n",
        "genie_mock_requests_total{workspace=\"999\",route=\"get_space\",status=\"0\"} "
        "1\n",
        "genie_mock_faults_total{rule=\"we\\\"ird\\\\rule\\nname\"} 1\n",
        "genie_mock_throttled_total{workspace=\"1234567890123456\"} 1\n",
        "genie_mock_messages{status=\"COMPLETED\"} 3\n",
        "genie_mock_messages{status=\"SUBMITTED\"} 0\n",
        "genie_mock_request_duration_seconds_bucket{route=\"get_message\",le=\"0.001\"} "
        "1\n",
        "genie_mock_request_duration_seconds_bucket{route=\"get_message\",le=\"0.005\"} "
        "2\n",
        "genie_mock_request_duration_seconds_bucket{route=\"get_message\",le=\"0.025\"} "
        "3\n",
        "genie_mock_request_duration_seconds_sum{route=\"get_message\"} 0.023500\n",
        "genie_mock_request_duration_seconds_bucket{route=\"get_space\",le=\"10\"} 2\n",
        "genie_mock_request_duration_seconds_bucket{route=\"get_space\",le=\"+Inf\"} 3\n",
    };
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        cr_assert_not_null(strstr(text, present[i]), "missing %s in\n%s", present[i],
                           text);

    /* Every line: HELP then TYPE open a family; samples belong to it. */
    char family[96] = "", type[16] = "", help[96] = "", prev_req[512] = "";
    int families = 0, messages = 0, buckets = 0;
    double cumulative = -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        struct sample s;
        if (strncmp(line, "# HELP ", 7) == 0) {
            cr_assert_eq(sscanf(line, "# HELP %95s", help), 1);
            continue;
        }
        if (strncmp(line, "# TYPE ", 7) == 0) {
            cr_assert_eq(sscanf(line, "# TYPE %95s %15s", family, type), 2);
            cr_assert_str_eq(family, help, "TYPE %s without its HELP", family);
            families++;
            continue;
        }
        cr_assert(sample_parse(line, &s), "not a sample: %s", line);
        cr_assert_str_neq(family, "", "sample before any TYPE: %s", line);
        size_t fl = strlen(family);
        cr_assert(strcmp(s.name, family) == 0 || (strcmp(type, "histogram") == 0 &&
                                                  strncmp(s.name, family, fl) == 0 &&
                                                  (strcmp(s.name + fl, "_bucket") == 0 ||
                                                   strcmp(s.name + fl, "_sum") == 0 ||
                                                   strcmp(s.name + fl, "_count") == 0)),
                  "%s outside its family %s", s.name, family);
        if (strcmp(s.name, "genie_mock_messages") == 0)
            messages++;
        if (strcmp(s.name, "genie_mock_requests_total") == 0) {
            char key[512];
            snprintf(key, sizeof key, "%s\x01%s\x01%05d", sample_label(&s, "workspace"),
                     sample_label(&s, "route"), atoi(sample_label(&s, "status")));
            cr_assert_gt(strcmp(key, prev_req), 0, "requests not sorted: %s", line);
            strcpy(prev_req, key);
        }
        if (strcmp(s.name, "genie_mock_request_duration_seconds_bucket") == 0) {
            cr_assert_geq(s.value, cumulative, "buckets not cumulative: %s", line);
            cumulative = s.value;
            buckets++;
            if (strcmp(sample_label(&s, "le"), "+Inf") == 0)
                buckets = -buckets; /* the next sample must be the count */
        }
        if (strcmp(s.name, "genie_mock_request_duration_seconds_count") == 0) {
            cr_assert_eq(s.value, cumulative, "+Inf bucket != count: %s", line);
            cr_assert_eq(buckets, -14, "13 bounds and +Inf per route");
            cumulative = -1, buckets = 0;
        }
    }
    cr_assert_eq(families, 6);
    cr_assert_eq(messages, GK_MSG_STATUS_COUNT);
    free(text);
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}

/* ---- the client report ---- */

static int64_t term(int64_t ms)
{
    return ms == NEVER ? NEVER : MS(ms);
}

/* Any request by who at clock ms. */
static struct mock_event req(const char *who, int64_t ms, enum gk_route_id route,
                             int status, uint64_t hash)
{
    struct mock_event ev = ev_at(ms);
    ev.principal = who, ev.route = route, ev.status = status, ev.request_hash = hash;
    ev.method = gk_routes_method_name(gk_routes_method(route));
    return ev;
}

/* A question POST answered 200 with message msg in conversation conv. */
static void ask(struct mock_observe *ob, const char *who, int64_t ms,
                enum gk_route_id route, const char *conv, const char *msg,
                int64_t terminal_ms)
{
    struct mock_event ev = req(who, ms, route, 200, 0x5000 + (uint64_t)ms);
    ev.conversation_id = conv, ev.message_id = msg;
    ev.has_message = true, ev.message_status = GK_MSG_SUBMITTED;
    ev.message_created_us = MS(ms), ev.message_terminal_us = term(terminal_ms);
    mock_observe_event(ob, &ev);
}

/* A get_message answered 200 showing status st. */
static void poll_msg(struct mock_observe *ob, const char *who, int64_t ms,
                     const char *msg, enum gk_msg_status st, int64_t terminal_ms)
{
    struct mock_event ev = req(who, ms, GK_ROUTE_GET_MESSAGE, 200, 0x1111);
    ev.message_id = msg;
    ev.has_message = true, ev.message_status = st,
    ev.message_terminal_us = term(terminal_ms);
    mock_observe_event(ob, &ev);
}

static void emit(struct mock_observe *ob, struct mock_event ev)
{
    mock_observe_event(ob, &ev);
}

#define BAD "bad@example.com"

/* Planned: fast_polls 3, ignored_retry_after 2, repeated_4xx 2,
 * over_question_limit 2, polled_past_10m 1; abandoned at 800 s: 1 (m2), and
 * 2 when final (m3 ended 40 s before). 19 requests, 5 questions; plus 2
 * unauthenticated requests. */
static void bad_client(struct mock_observe *ob)
{
    struct mock_event ev;
    ask(ob, BAD, 0, GK_ROUTE_START_CONVERSATION, "c1", "m1", 5000);
    poll_msg(ob, BAD, 300, "m1", GK_MSG_ASKING_AI, 5000);
    poll_msg(ob, BAD, 600, "m1", GK_MSG_ASKING_AI, 5000); /* fast 1 */
    poll_msg(ob, BAD, 900, "m1", GK_MSG_ASKING_AI, 5000); /* fast 2 */
    poll_msg(ob, BAD, 5000, "m1", GK_MSG_COMPLETED, 5000);
    poll_msg(ob, BAD, 5500, "m1", GK_MSG_COMPLETED, 5000); /* fast 3 */
    for (int i = 0; i < 2; i++) {                          /* over 1, 2 */
        ev = req(BAD, 10000 + i * 1000, GK_ROUTE_CREATE_MESSAGE, 429, 0x2001);
        ev.conversation_id = "c1", ev.retry_after_s = 5 - i, ev.question_throttled = true;
        emit(ob, ev); /* the second: ignored 1 (11 s < 15 s) */
    }
    emit(ob, req(BAD, 12000, GK_ROUTE_GET_SPACE, 200, 0x1111));      /* another route */
    ask(ob, BAD, 14000, GK_ROUTE_CREATE_MESSAGE, "c1", "m2", 20000); /* ignored 2 */
    for (int i = 0; i < 3; i++)                                      /* repeated 1, 2 */
        emit(ob, req(BAD, 20000 + i * 1000, GK_ROUTE_GET_SPACE, 404, 0x3001));
    emit(ob, req(BAD, 23000, GK_ROUTE_GET_SPACE, 404, 0x3002));
    emit(ob, req(BAD, 24000, GK_ROUTE_GET_SPACE, 500, 0x3003)); /* not a 4xx */
    emit(ob, req(BAD, 25000, GK_ROUTE_GET_SPACE, 500, 0x3003));
    emit(ob, req(NULL, 26000, GK_ROUTE_GET_SPACE, 401, 0x3004)); /* not 400/403/404 */
    emit(ob, req(NULL, 27000, GK_ROUTE_GET_SPACE, 401, 0x3004));
    poll_msg(ob, BAD, 700000, "m1", GK_MSG_COMPLETED, 5000); /* past 10m */
    poll_msg(ob, BAD, 701000, "m1", GK_MSG_COMPLETED, 5000); /* once per message */
    ask(ob, BAD, 750000, GK_ROUTE_START_CONVERSATION, "c3", "m3", 760000);
}

static cJSON *principal_of(const cJSON *report, const char *who)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(report, "principals"))
    {
        if (strcmp(cJSON_GetObjectItem(p, "principal")->valuestring, who) == 0)
            return (cJSON *)p;
    }
    cr_assert_fail("no principal %s", who);
    return NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "%s: not a number", key);
    return v->valuedouble;
}

static bool has_example(const cJSON *p, const char *text)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "examples"))
    {
        if (strcmp(e->valuestring, text) == 0)
            return true;
    }
    return false;
}

Test(observe, a_bad_client_triggers_each_violation_as_planned)
{
    struct mock_observe *ob = ob_new(0, 0, NULL);
    bad_client(ob);
    static const struct {
        bool final;
        double want[6]; /* MOCK_REPORT_MAP order */
        double total;
    } cases[] = {
        {false, {3, 2, 2, 2, 1, 1}, 11},
        {true, {3, 2, 2, 2, 2, 1}, 12},
    };
    static const char *const kinds[] = {
#define KIND(field, what) #field,
        MOCK_REPORT_MAP(KIND)
#undef KIND
    };
    for (size_t c = 0; c < 2; c++) {
        cJSON *r = parse(mock_observe_report(ob, MS(800000), cases[c].final, NULL));
        const cJSON *ps = cJSON_GetObjectItem(r, "principals");
        cr_assert_eq(cJSON_GetArraySize(ps), 2);
        cr_assert_str_eq(cJSON_GetArrayItem(ps, 0)->child->valuestring,
                         "(unauthenticated)");
        cJSON *p = principal_of(r, BAD);
        for (int k = 0; k < 6; k++)
            cr_assert_eq(num(p, kinds[k]), cases[c].want[k], "final %d: %s",
                         cases[c].final, kinds[k]);
        cr_assert_eq(num(p, "requests"), 19);
        cr_assert_eq(num(p, "questions"), 5);
        cr_assert_str_eq(cJSON_GetObjectItem(p, "workspace_id")->valuestring, WS);
        cr_assert_eq(num(r, "violations"), cases[c].total);
        cr_assert_eq(mock_observe_violations(ob, MS(800000), cases[c].final),
                     (int64_t)cases[c].total);
        cJSON *anon = principal_of(r, "(unauthenticated)");
        cr_assert_eq(num(anon, "requests"), 2);
        cr_assert_eq(num(anon, "repeated_4xx"), 0);
        cJSON_Delete(r);
    }
    cJSON *r = parse(mock_observe_report(ob, MS(800000), true, NULL));
    cJSON *p = principal_of(r, BAD);
    static const char *const examples[] = {
        "fast_polls: message m1 polled 0.3 s after the previous poll",
        "ignored_retry_after: create_message sent 1 s after a Retry-After of 5 s (4 s "
        "early)",
        "repeated_4xx: GET /api/2.0/genie/spaces/" SPACE
        " repeated unchanged after a 404 "
        "(request_id req)",
        "over_question_limit: create_message refused with 429 at clock 10 s",
        "polled_past_10m: message m1 polled 700 s after it was created",
        "abandoned: message m2 last seen SUBMITTED; it ended at clock 20 s",
        "abandoned: message m3 last seen SUBMITTED; it ended at clock 760 s",
    };
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++)
        cr_assert(has_example(p, examples[i]), "no example \"%s\"", examples[i]);
    /* A few per kind, not one per violation. */
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(p, "examples")), 11);
    cJSON_Delete(r);
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}

#define GOOD "good@example.com"

Test(observe, a_good_client_triggers_no_violation)
{
    struct mock_observe *ob = ob_new(0, 0, NULL);
    struct mock_event ev;
    /* Polls 1 s, 2 s, 4 s, 8 s after asking, to COMPLETED. */
    ask(ob, GOOD, 0, GK_ROUTE_START_CONVERSATION, "g", "g1", 10000);
    poll_msg(ob, GOOD, 1000, "g1", GK_MSG_ASKING_AI, 10000);
    poll_msg(ob, GOOD, 3000, "g1", GK_MSG_ASKING_AI, 10000);
    poll_msg(ob, GOOD, 7000, "g1", GK_MSG_EXECUTING_QUERY, 10000);
    poll_msg(ob, GOOD, 15000, "g1", GK_MSG_COMPLETED, 10000);
    emit(ob, req(GOOD, 16000, GK_ROUTE_GET_MESSAGE_ATTACHMENT_QUERY_RESULT, 200, 0x1112));
    /* A 429 on a poll, honoured to the second. */
    ask(ob, GOOD, 20000, GK_ROUTE_CREATE_MESSAGE, "g", "g2", 25000);
    ev = req(GOOD, 21000, GK_ROUTE_GET_MESSAGE, 429, 0x1111);
    ev.message_id = "g2", ev.retry_after_s = 3, ev.fault = "throttle";
    emit(ob, ev);
    poll_msg(ob, GOOD, 24000, "g2", GK_MSG_ASKING_AI, 25000);
    poll_msg(ob, GOOD, 26000, "g2", GK_MSG_COMPLETED, 25000);
    /* A 404, not repeated. */
    ev = req(GOOD, 30000, GK_ROUTE_GET_MESSAGE, 404, 0x4001);
    ev.message_id = "nope";
    emit(ob, ev);
    /* A 503 with Retry-After on a question, retried after it. */
    ev = req(GOOD, 50000, GK_ROUTE_CREATE_MESSAGE, 503, 0x4002);
    ev.retry_after_s = 1;
    emit(ob, ev);
    ask(ob, GOOD, 51500, GK_ROUTE_CREATE_MESSAGE, "g", "g3", 55000);
    poll_msg(ob, GOOD, 52500, "g3", GK_MSG_ASKING_AI, 55000);
    poll_msg(ob, GOOD, 54500, "g3", GK_MSG_EXECUTING_QUERY, 55000);
    poll_msg(ob, GOOD, 58500, "g3", GK_MSG_COMPLETED, 55000);

    for (int final = 0; final < 2; final++) {
        cJSON *r = parse(mock_observe_report(ob, MS(1000000), final, NULL));
        cJSON *p = principal_of(r, GOOD);
        cr_assert_eq(num(r, "violations"), 0, "%s", cJSON_PrintUnformatted(p));
        cr_assert_eq(num(p, "requests"), 16);
        cr_assert_eq(num(p, "questions"), 4);
        cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(p, "examples")), 0);
        cr_assert_eq(mock_observe_violations(ob, MS(60000), final), 0);
        cJSON_Delete(r);
    }
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, abandoned_counts_depend_on_time_polls_deletes_and_final)
{
    struct mock_observe *ob = ob_new(0, 0, NULL);
    const char *who = "a@example.com";
    struct mock_event ev;
    ask(ob, who, 0, GK_ROUTE_START_CONVERSATION, "cx1", "x1", 30000); /* seen running */
    poll_msg(ob, who, 1000, "x1", GK_MSG_ASKING_AI, 30000);
    ask(ob, who, 0, GK_ROUTE_START_CONVERSATION, "cx2", "x2", NEVER); /* stuck */
    ask(ob, who, 0, GK_ROUTE_START_CONVERSATION, "cx3", "x3", 30000);
    ev = req(who, 100000, GK_ROUTE_GET_MESSAGE, 503, 0x6001); /* still trying at 100 s */
    ev.message_id = "x3";
    emit(ob, ev);
    ask(ob, who, 0, GK_ROUTE_START_CONVERSATION, "cx4", "x4", 30000);
    ev = req(who, 2000, GK_ROUTE_DELETE_CONVERSATION, 200, 0x6002);
    ev.conversation_id = "cx4";
    emit(ob, ev);
    ask(ob, who, 0, GK_ROUTE_START_CONVERSATION, "cx5", "x5", 30000);
    poll_msg(ob, who, 40000, "x5", GK_MSG_COMPLETED, 30000);
    ask(ob, who, 0, GK_ROUTE_START_CONVERSATION, "cx6", "x6", 30000);
    ev = req(who, 3000, GK_ROUTE_DELETE_CONVERSATION_MESSAGE, 200, 0x6003);
    ev.conversation_id = "cx6", ev.message_id = "x6";
    emit(ob, ev);

    static const struct {
        int64_t now_ms;
        bool final;
        int64_t want;
    } cases[] = {
        {100000, false, 0},  /* x1 ended 70 s ago */
        {160000, false, 1},  /* x1 130 s; x3 polled 60 s ago */
        {230000, false, 2},  /* x3 too */
        {9999999, false, 2}, /* x2 never ends: only when final */
        {100000, true, 3},   /* x1, x2, x3; x4, x6 deleted, x5 seen COMPLETED */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *r =
            parse(mock_observe_report(ob, MS(cases[i].now_ms), cases[i].final, NULL));
        cr_assert_eq(num(principal_of(r, who), "abandoned"), (double)cases[i].want,
                     "case %zu", i);
        cr_assert_eq(mock_observe_violations(ob, MS(cases[i].now_ms), cases[i].final),
                     cases[i].want, "case %zu", i);
        cJSON_Delete(r);
    }
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, the_text_report_names_principals_counts_and_examples)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    struct mock_observe *ob = ob_new(0, 0, NULL);
    bad_client(ob);
    mock_observe_report_print(ob, MS(800000), true, out);
    fclose(out);
    static const char *const lines[] = {
        "client report (final) at clock 800 s: 12 violations, 2 clients\n",
        "  bad@example.com (workspace 1234567890123456): 19 requests, 5 questions, 12 "
        "violations\n",
        "    fast_polls                3  polls of one message less than 1 s apart\n",
        "    abandoned                 2  messages abandoned before a terminal status\n",
        "    e.g. fast_polls: message m1 polled 0.3 s after the previous poll\n",
        "  (unauthenticated) (workspace 1234567890123456): 2 requests, 0 questions, 0 "
        "violations\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_assert_not_null(strstr(buf, lines[i]), "missing \"%s\" in\n%s", lines[i], buf);
    cr_assert_lt(strstr(buf, "(unauthenticated)"), strstr(buf, "  bad@"), "sorted");
    free(buf);
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}

/* ---- life cycle ---- */

Test(observe, reset_forgets_everything_but_keeps_the_audit_file)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *log = open_memstream(&buf, &size);
    struct mock_observe *ob = ob_new(0, 0, log);
    bad_client(ob);
    size_t lines = lines_in(buf, size);
    cr_assert_gt(lines, 0);
    mock_observe_reset(ob);

    char ids[64];
    ids_of(mock_observe_journal(ob, NULL, NULL), ids, sizeof ids);
    cr_assert_str_eq(ids, "");
    ids_of(mock_observe_audit(ob, 0, NULL), ids, sizeof ids);
    cr_assert_str_eq(ids, "");
    char *m = mock_observe_metrics(ob, NULL, NULL);
    cr_assert_null(strstr(m, "genie_mock_requests_total{"), "%s", m);
    cr_assert_null(strstr(m, "_bucket{"));
    free(m);
    char *r = mock_observe_report(ob, MS(800000), true, NULL);
    cr_assert_str_eq(r, "{\"violations\":0,\"principals\":[]}");
    free(r);
    cr_assert_eq(mock_observe_violations(ob, MS(800000), true), 0);

    struct mock_event ev = ev_at(0);
    mock_observe_event(ob, &ev);
    cr_assert_eq(lines_in(buf, size), lines + 1);
    mock_observe_free(ob);
    fclose(log);
    free(buf);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, defaults_apply_without_options_and_free_takes_null)
{
    struct mock_observe *ob = NULL;
    cr_assert_eq(mock_observe_new(NULL, &ob, NULL), GK_OK);
    for (int i = 0; i < 300; i++) { /* grows past the first ring and map sizes */
        struct mock_event ev = ev_at(i);
        char who[32];
        snprintf(who, sizeof who, "p%03d@example.com", i);
        ev.principal = who;
        mock_observe_event(ob, &ev);
    }
    struct mock_journal_filter f = {.principal = "p123@example.com"};
    char ids[32];
    ids_of(mock_observe_journal(ob, &f, NULL), ids, sizeof ids);
    cr_assert_str_eq(ids, "req");
    cJSON *r = parse(mock_observe_report(ob, MS(1000), false, NULL));
    const cJSON *ps = cJSON_GetObjectItem(r, "principals");
    cr_assert_eq(cJSON_GetArraySize(ps), 300);
    cr_assert_str_eq(cJSON_GetArrayItem(ps, 299)->child->valuestring, "p299@example.com");
    cJSON_Delete(r);
    mock_observe_free(ob);
    mock_observe_free(NULL);
    GK_ASSERT_NO_LEAKS();
}

Test(observe, client_bytes_come_out_as_well_formed_utf8)
{
    struct mock_observe *ob = ob_new(0, 0, NULL);
    struct mock_event ev = ev_at(0);
    ev.path = "/api/2.0/genie/spaces/\xff\x1b[31m";
    ev.space_id = "\xff\xc0\xaf"; /* a stray byte, an overlong '/' */
    ev.user_agent =
        "caf\xc3\xa9 \xc3\x28 \xed\xa0\x80"; /* fine, truncated, a surrogate */
    ev.status = 404;
    mock_observe_event(ob, &ev);
    mock_observe_event(ob, &ev);

    cJSON *row = parse(mock_observe_audit_row(&ev, NULL));
    cr_assert_str_eq(cJSON_GetObjectItem(row, "user_agent")->valuestring,
                     "caf\xc3\xa9 ?( ???");
    cr_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(row, "request_params"), "space_id")
            ->valuestring,
        "???");
    cJSON_Delete(row);
    cJSON *j = parse(mock_observe_journal(ob, NULL, NULL));
    cr_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "events"), 0),
                            "path")
            ->valuestring,
        "/api/2.0/genie/spaces/?\x1b[31m"); /* JSON escapes the control itself */
    cJSON_Delete(j);
    cJSON *r = parse(mock_observe_report(ob, 0, false, NULL));
    cr_assert(
        has_example(principal_of(r, "analyst@example.com"),
                    "repeated_4xx: GET /api/2.0/genie/spaces/??[31m repeated unchanged "
                    "after a 404 (request_id req)"));
    cJSON_Delete(r);
    mock_observe_free(ob);
    GK_ASSERT_NO_LEAKS();
}
