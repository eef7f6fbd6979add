/*
 * mock_input: bad requests. Each is answered with the Databricks error
 * envelope ({error_code, message}, the message naming what is wrong) and
 * changes nothing: after every one the visible state (spaces, every
 * conversation, every message) is byte for byte what it was, and no bad
 * question used up a slot of the question limit. At the end a normal
 * start-conversation and list still work and show only the good data.
 *
 * Paths, bodies and expected messages are templates: {S} and {S2} are the
 * two spaces, {C} a conversation of {S} with message {M} and query
 * attachment {A}, {C2} another conversation of {S}, {CO} a conversation of
 * {S2}, {X} a well-formed id that names nothing.
 */
#include "tests/gk_test.h"
#include "tests/integration/api_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X_ID "0123456789abcdef0123456789abcdef"

/* Five questions a minute: the setup asks three, the check at the end two,
 * and a bad question that took a slot would make that check fail. */
#define INPUT_SCENARIO                                                                   \
    API_SCENARIO("\"completed_sql\":1", "SQL_EXECUTION_EXCEPTION", "", "")

struct ctx {
    struct mock *m;
    struct api_ids a;     /* {C}, {M} */
    char att[GK_ID_SIZE]; /* {A} */
    struct api_ids a2;    /* {C2} */
    struct api_ids o;     /* {CO} */
};

/* Replaces the placeholders of tmpl (see the top of the file) into out. */
static void expand(const struct ctx *c, const char *tmpl, char *out, size_t cap)
{
    static const char *const keys[] = {"{S2}", "{S}", "{CO}", "{C2}",
                                       "{C}",  "{M}", "{A}",  "{X}"};
    const char *vals[] = {API_SPACE2, API_SPACE, c->o.conv, c->a2.conv,
                          c->a.conv,  c->a.msg,  c->att,    X_ID};
    size_t n = 0;
    for (const char *p = tmpl; *p != '\0';) {
        size_t k = 0;
        while (k < sizeof keys / sizeof keys[0] &&
               strncmp(p, keys[k], strlen(keys[k])) != 0)
            k++;
        const char *piece = k < sizeof keys / sizeof keys[0] ? vals[k] : p;
        size_t len = k < sizeof keys / sizeof keys[0] ? strlen(vals[k]) : 1;
        cr_assert_lt(n + len, cap, "template too long: %s", tmpl);
        memcpy(out + n, piece, len);
        n += len;
        p += k < sizeof keys / sizeof keys[0] ? strlen(keys[k]) : 1;
    }
    out[n] = '\0';
}

static void append(char **buf, size_t *len, const struct h_reply *r)
{
    char *nb = realloc(*buf, *len + r->len + 2);
    cr_assert_not_null(nb);
    memcpy(nb + *len, r->body, r->len);
    *len += r->len;
    nb[(*len)++] = '\n';
    nb[*len] = '\0';
    *buf = nb;
}

/* Everything a client can see, as one string (the clock stands still, so
 * equal state gives equal text). The caller frees it. */
static char *snapshot(const struct ctx *c)
{
    static const char *const gets[] = {
        API_GENIE,
        API_GENIE "/{S}",
        API_GENIE "/{S2}",
        API_GENIE "/{S}/conversations?include_all=true",
        API_GENIE "/{S2}/conversations?include_all=true",
        API_GENIE "/{S}/conversations/{C}/messages",
        API_GENIE "/{S}/conversations/{C2}/messages",
        API_GENIE "/{S2}/conversations/{CO}/messages",
        API_GENIE "/{S}/conversations/{C}/messages/{M}/attachments/{A}/query-result",
    };
    char *buf = NULL;
    size_t len = 0;
    for (size_t i = 0; i < sizeof gets / sizeof gets[0]; i++) {
        char path[512];
        expand(c, gets[i], path, sizeof path);
        struct h_reply r = h_req(c->m, 0, "GET", path, NULL, API_DEV);
        cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
        append(&buf, &len, &r);
        h_free(&r);
    }
    return buf;
}

static struct ctx setup(void)
{
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.m = h_start(INPUT_SCENARIO);
    c.a = api_start(c.m, API_SPACE, API_DEV, "Total amount by region");
    c.a2 = api_start(c.m, API_SPACE, API_DEV, "Top 5 regions by amount");
    c.o = api_start(c.m, API_SPACE2, API_DEV, "Shipments by carrier");
    h_advance_ms(c.m, API_SQL_DONE_MS);
    struct h_reply r = api_message(c.m, API_SPACE, API_DEV, &c.a);
    api_query_attachment_id(r.json, c.att);
    h_free(&r);
    return c;
}

struct bad {
    const char *method, *path, *body;
    size_t body_len; /* 0: strlen(body) */
    long status;
    const char *code, *needle, *allow;
};

/* Sends each case, checks its envelope and that the state did not move. */
static void run(const struct ctx *c, const struct bad *cases, size_t n,
                const char *before)
{
    for (size_t i = 0; i < n; i++) {
        char path[1024], needle[256], hdr[128];
        expand(c, cases[i].path, path, sizeof path);
        expand(c, cases[i].needle, needle, sizeof needle);
        struct h_send s = {.auth = "Bearer " API_DEV,
                           .body = cases[i].body,
                           .body_len = cases[i].body_len};
        struct h_reply r = h_send(c->m, 0, cases[i].method, path, &s);
        cr_log_info("case %zu: %s %s -> %ld %s", i, cases[i].method, path, r.status,
                    r.body);
        api_assert_error(&r, cases[i].status, cases[i].code, needle);
        if (cases[i].allow != NULL) {
            cr_assert_not_null(h_header(&r, "Allow", hdr, sizeof hdr),
                               "case %zu: no Allow", i);
            cr_assert_str_eq(hdr, cases[i].allow, "case %zu", i);
        }
        h_free(&r);
        char *after = snapshot(c);
        cr_assert_str_eq(after, before, "case %zu (%s %s) changed the state", i,
                         cases[i].method, path);
        free(after);
    }
}

/* Ends the test: two good questions (the last slots of the minute) work, a
 * third is throttled, and the lists show the good data and nothing else. */
static void finish(struct ctx *c)
{
    struct api_ids fresh =
        api_start(c->m, API_SPACE, API_DEV, "Average amount by region");
    api_follow_up(c->m, API_SPACE, API_DEV, &c->a, "And by month?");
    struct h_reply r = api_call(c->m, "POST", API_DEV, "{\"content\":\"One more\"}",
                                API_GENIE "/" API_SPACE "/start-conversation");
    cr_assert_eq(r.status, 429, "bad questions used no slot: %s", r.body);
    h_free(&r);

    r = api_call(c->m, "GET", API_DEV, NULL, API_GENIE "/" API_SPACE "/conversations");
    cr_assert_eq(r.status, 200, "%s", r.body);
    const cJSON *convs = shape_get(r.json, "conversations");
    cr_assert_eq(cJSON_GetArraySize(convs), 3, "%s", r.body);
    cr_assert_str_eq(api_str(convs, "[0].conversation_id"), fresh.conv);
    cr_assert_str_eq(api_str(convs, "[1].conversation_id"), c->a2.conv);
    cr_assert_str_eq(api_str(convs, "[2].conversation_id"), c->a.conv);
    h_free(&r);
    r = api_call(c->m, "GET", API_DEV, NULL,
                 API_GENIE "/" API_SPACE "/conversations/%s/messages", c->a.conv);
    cr_assert_eq(cJSON_GetArraySize(shape_get(r.json, "messages")), 2, "%s", r.body);
    cr_assert_null(shape_get(r.json, "messages[0].feedback"), "no feedback was stored");
    h_free(&r);
    h_stop(c->m);
}

#define START   API_GENIE "/{S}/start-conversation"
#define CONV    API_GENIE "/{S}/conversations/{C}"
#define MSG     CONV "/messages/{M}"
#define MSG_RAW API_GENIE "/" API_SPACE "/conversations/%s/messages/%s"
#define MAL     "MALFORMED_REQUEST"
#define IPV     "INVALID_PARAMETER_VALUE"
#define NF      "RESOURCE_DOES_NOT_EXIST"

Test(mock_input, bad_question_bodies_are_refused_and_change_nothing)
{
    static const char nul_body[] = "{\"content\":\"a\0b\"}";
    struct ctx c = setup();
    char *before = snapshot(&c);
    char *long_body = malloc(40 * 1024);
    char *deep = malloc(256);
    cr_assert(long_body != NULL && deep != NULL);
    snprintf(long_body, 40 * 1024, "{\"content\":\"%0*d\"}", 33 * 1024, 0);
    snprintf(deep, 256, "{\"content\":\"x\",\"a\":%.*s1%.*s}", 40,
             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 40,
             "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    const struct bad cases[] = {
        {"POST", START, "{", 0, 400, MAL, "body", NULL},
        {"POST", START, "", 0, 400, MAL, "body", NULL},
        {"POST", START, "[{\"content\":\"hi\"}]", 0, 400, MAL, "object", NULL},
        {"POST", START, "\"hi\"", 0, 400, MAL, "object", NULL},
        {"POST", START, "{\"content\":42}", 0, 400, IPV, "content", NULL},
        {"POST", START, "{\"content\":null}", 0, 400, IPV, "content", NULL},
        {"POST", START, "{}", 0, 400, IPV, "content", NULL},
        {"POST", START, "{\"question\":\"hi\"}", 0, 400, IPV, "content", NULL},
        {"POST", START, "{\"content\":\"\"}", 0, 400, IPV, "content", NULL},
        {"POST", START, long_body, 0, 400, IPV, "content", NULL},
        {"POST", START, "{\"content\":\"hi\"} and more", 0, 400, MAL, "body", NULL},
        {"POST", START, "{\"content\":\"hi\"}{}", 0, 400, MAL, "body", NULL},
        {"POST", START, "{\"content\":\"caf\xc3\x28\"}", 0, 400, MAL, "UTF-8", NULL},
        {"POST", START, "{\"content\":\"\xff\xfe\"}", 0, 400, MAL, "UTF-8", NULL},
        {"POST", START, nul_body, sizeof nul_body - 1, 400, MAL, "control", NULL},
        {"POST", START, "{\"content\":\"a\\u0000b\"}", 0, 400, IPV, "u0000", NULL},
        {"POST", START, "{\"content\":\"hi\",\"content\":\"ho\"}", 0, 400, IPV, "content",
         NULL},
        {"POST", START, "{\"content\":\"hi\",\"enable_visualization\":\"yes\"}", 0, 400,
         IPV, "enable_visualization", NULL},
        {"POST", START, deep, 0, 400, MAL, "nested", NULL},
        {"POST", CONV "/messages", "{\"content\":5}", 0, 400, IPV, "content", NULL},
        {"POST", CONV "/messages", "[]", 0, 400, MAL, "object", NULL},
        {"POST", CONV "/messages", "{\"content\":\"\xc0\xaf\"}", 0, 400, MAL, "UTF-8",
         NULL},
    };
    run(&c, cases, sizeof cases / sizeof cases[0], before);
    free(long_body);
    free(deep);
    free(before);
    finish(&c);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_input, unknown_ids_and_ids_of_elsewhere_are_404_naming_the_id)
{
    struct ctx c = setup();
    char *before = snapshot(&c);
    const struct bad cases[] = {
        {"POST", API_GENIE "/{X}/start-conversation", "{\"content\":\"hi\"}", 0, 404, NF,
         "{X}", NULL},
        {"GET", API_GENIE "/{X}", NULL, 0, 404, NF, "{X}", NULL},
        {"DELETE", API_GENIE "/{X}", NULL, 0, 404, NF, "{X}", NULL},
        {"GET", API_GENIE "/{X}/conversations", NULL, 0, 404, NF, "{X}", NULL},
        {"POST", API_GENIE "/{S}/conversations/{X}/messages", "{\"content\":\"hi\"}", 0,
         404, NF, "{X}", NULL},
        {"GET", API_GENIE "/{S}/conversations/{X}/messages", NULL, 0, 404, NF, "{X}",
         NULL},
        {"DELETE", API_GENIE "/{S}/conversations/{X}", NULL, 0, 404, NF, "{X}", NULL},
        {"GET", API_GENIE "/{S}/conversations/{X}/messages/{M}", NULL, 0, 404, NF, "{X}",
         NULL},
        {"GET", CONV "/messages/{X}", NULL, 0, 404, NF, "{X}", NULL},
        {"DELETE", CONV "/messages/{X}", NULL, 0, 404, NF, "{X}", NULL},
        {"POST", CONV "/messages/{X}/feedback", "{\"rating\":\"POSITIVE\"}", 0, 404, NF,
         "{X}", NULL},
        {"GET", CONV "/messages/{X}/query-result", NULL, 0, 404, NF, "{X}", NULL},
        {"GET", MSG "/attachments/{X}/query-result", NULL, 0, 404, NF, "{X}", NULL},
        {"POST", MSG "/attachments/{X}/execute-query", "{}", 0, 404, NF, "{X}", NULL},
        {"GET", MSG "/query-result/{X}", NULL, 0, 404, NF, "{X}", NULL},
        /* A message's own conversation id is not an attachment id. */
        {"GET", MSG "/attachments/{C}/query-result", NULL, 0, 404, NF, "{C}", NULL},
        /* Ids that exist, but somewhere else. */
        {"GET", API_GENIE "/{S2}/conversations/{C}/messages", NULL, 0, 404, NF, "{C}",
         NULL},
        {"GET", API_GENIE "/{S2}/conversations/{C}/messages/{M}", NULL, 0, 404, NF, "{C}",
         NULL},
        {"DELETE", API_GENIE "/{S2}/conversations/{C}", NULL, 0, 404, NF, "{C}", NULL},
        {"POST", API_GENIE "/{S2}/conversations/{C}/messages", "{\"content\":\"hi\"}", 0,
         404, NF, "{C}", NULL},
        {"GET", API_GENIE "/{S}/conversations/{CO}/messages", NULL, 0, 404, NF, "{CO}",
         NULL},
        {"GET", API_GENIE "/{S}/conversations/{C2}/messages/{M}", NULL, 0, 404, NF, "{M}",
         NULL},
        {"DELETE", API_GENIE "/{S}/conversations/{C2}/messages/{M}", NULL, 0, 404, NF,
         "{M}", NULL},
    };
    run(&c, cases, sizeof cases / sizeof cases[0], before);
    free(before);
    finish(&c);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_input, unknown_routes_are_404_and_wrong_methods_405_with_allow)
{
    struct ctx c = setup();
    char *before = snapshot(&c);
    const struct bad cases[] = {
        {"GET", API_GENIE "/{S}/nope", NULL, 0, 404, "ENDPOINT_NOT_FOUND", "/nope", NULL},
        {"GET", "/api/2.0/genie/nothing", NULL, 0, 404, "ENDPOINT_NOT_FOUND", "nothing",
         NULL},
        {"POST", "/api/2.1/genie/spaces/{S}/start-conversation", "{\"content\":\"hi\"}",
         0, 404, "ENDPOINT_NOT_FOUND", "2.1", NULL},
        {"GET", MSG "/attachments", NULL, 0, 404, "ENDPOINT_NOT_FOUND", "attachments",
         NULL},
        {"PUT", START, "{\"content\":\"hi\"}", 0, 405, "METHOD_NOT_ALLOWED", "PUT",
         "POST"},
        {"GET", START, NULL, 0, 405, "METHOD_NOT_ALLOWED", "GET", "POST"},
        {"PATCH", CONV "/messages", "{}", 0, 405, "METHOD_NOT_ALLOWED", "PATCH",
         "GET, POST"},
        {"POST", MSG, "{}", 0, 405, "METHOD_NOT_ALLOWED", "POST", "GET, DELETE"},
        {"DELETE", MSG "/attachments/{A}/query-result", NULL, 0, 405,
         "METHOD_NOT_ALLOWED", "DELETE", "GET"},
        {"GET", MSG "/feedback", NULL, 0, 405, "METHOD_NOT_ALLOWED", "GET", "POST"},
    };
    run(&c, cases, sizeof cases / sizeof cases[0], before);
    free(before);
    finish(&c);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_input, bad_query_parameters_are_400_naming_the_parameter)
{
    struct ctx c = setup();
    char *before = snapshot(&c);
#define CONVS API_GENIE "/{S}/conversations"
    const struct bad cases[] = {
        {"GET", CONVS "?page_size=abc", NULL, 0, 400, IPV, "page_size", NULL},
        {"GET", CONVS "?page_size=0", NULL, 0, 400, IPV, "page_size", NULL},
        {"GET", CONVS "?page_size=101", NULL, 0, 400, IPV, "page_size", NULL},
        {"GET", CONVS "?page_size=-5", NULL, 0, 400, IPV, "page_size", NULL},
        {"GET", CONVS "?page_size=", NULL, 0, 400, IPV, "page_size", NULL},
        {"GET", CONVS "?page_size=2.5", NULL, 0, 400, IPV, "page_size", NULL},
        {"GET", CONVS "?page_size=99999999999999999999", NULL, 0, 400, IPV, "page_size",
         NULL},
        {"GET", CONVS "?page_token=bogus", NULL, 0, 400, IPV, "page_token", NULL},
        {"GET", CONVS "?page_token=99999", NULL, 0, 400, IPV, "page_token", NULL},
        {"GET", CONVS "?page_token=-1", NULL, 0, 400, IPV, "page_token", NULL},
        {"GET", CONVS "?page_token=%zz", NULL, 0, 400, IPV, "page_token", NULL},
        {"GET", CONV "/messages?page_size=abc", NULL, 0, 400, IPV, "page_size", NULL},
        {"GET", CONV "/messages?page_token=zz", NULL, 0, 400, IPV, "page_token", NULL},
        {"GET", API_GENIE "?page_size=abc", NULL, 0, 400, IPV, "page_size", NULL},
        {"GET", API_GENIE "?page_token=x1", NULL, 0, 400, IPV, "page_token", NULL},
        {"GET", CONVS "?include_all=yes", NULL, 0, 400, IPV, "include_all", NULL},
        {"GET", CONVS "?include_all=1", NULL, 0, 400, IPV, "include_all", NULL},
        {"GET", CONVS "?include_all=", NULL, 0, 400, IPV, "include_all", NULL},
        {"GET", API_GENIE "/{S}?include_serialized_space=maybe", NULL, 0, 400, IPV,
         "include_serialized_space", NULL},
    };
#undef CONVS
    run(&c, cases, sizeof cases / sizeof cases[0], before);
    free(before);
    finish(&c);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_input, bad_feedback_and_execute_query_bodies_are_refused)
{
    struct ctx c = setup();
    char *before = snapshot(&c);
    const struct bad cases[] = {
        {"POST", MSG "/feedback", "{\"rating\":\"GREAT\"}", 0, 400, IPV, "rating", NULL},
        {"POST", MSG "/feedback", "{\"rating\":\"positive\"}", 0, 400, IPV, "rating",
         NULL},
        {"POST", MSG "/feedback", "{\"rating\":5}", 0, 400, IPV, "rating", NULL},
        {"POST", MSG "/feedback", "{}", 0, 400, IPV, "rating", NULL},
        {"POST", MSG "/feedback", "{\"comment\":\"nice\"}", 0, 400, IPV, "rating", NULL},
        {"POST", MSG "/feedback",
         "{\"rating\":\"POSITIVE\",\"feedback_rating\":\"NEGATIVE\"}", 0, 400, IPV,
         "feedback_rating", NULL},
        {"POST", MSG "/feedback", "{\"rating\":\"POSITIVE\",\"comment\":7}", 0, 400, IPV,
         "comment", NULL},
        {"POST", MSG "/feedback", "{\"feedback_rating\":\"MEH\"}", 0, 400, IPV,
         "feedback_rating", NULL},
        {"POST", MSG "/feedback", "[]", 0, 400, MAL, "object", NULL},
        {"POST", MSG "/feedback", "{\"rating\":", 0, 400, MAL, "body", NULL},
        {"POST", MSG "/attachments/{A}/execute-query", "[]", 0, 400, MAL, "object", NULL},
        {"POST", MSG "/attachments/{A}/execute-query", "42", 0, 400, MAL, "object", NULL},
        {"POST", MSG "/attachments/{A}/execute-query", "\"run\"", 0, 400, MAL, "object",
         NULL},
        {"POST", MSG "/attachments/{A}/execute-query", "null", 0, 400, MAL, "object",
         NULL},
        {"POST", MSG "/attachments/{A}/execute-query", "{", 0, 400, MAL, "body", NULL},
        {"POST", MSG "/execute-query", "[{}]", 0, 400, MAL, "object", NULL},
    };
    run(&c, cases, sizeof cases / sizeof cases[0], before);
    free(before);
    finish(&c);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_input, a_refused_execute_query_does_not_rerun_an_expired_result)
{
    struct ctx c = setup();
    h_advance_ms(c.m, 3600 * 1000); /* the result expires */
    struct h_reply r = api_message(c.m, API_SPACE, API_DEV, &c.a);
    cr_assert_str_eq(api_str(r.json, "status"), "QUERY_RESULT_EXPIRED");
    char sugg[GK_ID_SIZE];
    memcpy(sugg, api_str(api_attachment(r.json, "suggested_questions"), "attachment_id"),
           GK_ID_SIZE);
    h_free(&r);
    char *before = snapshot(&c);
    char not_query[128];
    snprintf(not_query, sizeof not_query, MSG "/attachments/%s/execute-query", sugg);
    const struct bad cases[] = {
        {"POST", MSG "/attachments/{X}/execute-query", "{}", 0, 404, NF, "{X}", NULL},
        {"POST", MSG "/attachments/{C}/execute-query", "{}", 0, 404, NF, "{C}", NULL},
        {"POST", not_query, "{}", 0, 400, IPV, "not a query attachment", NULL},
        {"POST", MSG "/attachments/{A}/execute-query", "[]", 0, 400, MAL, "object", NULL},
    };
    run(&c, cases, sizeof cases / sizeof cases[0], before);
    free(before);

    r = api_message(c.m, API_SPACE, API_DEV, &c.a);
    cr_assert_str_eq(api_str(r.json, "status"), "QUERY_RESULT_EXPIRED", "nothing re-ran");
    h_free(&r);
    r = api_call(c.m, "POST", API_DEV, "{}", MSG_RAW "/attachments/%s/execute-query",
                 c.a.conv, c.a.msg, c.att);
    cr_assert_eq(r.status, 200, "the right attachment re-runs: %s", r.body);
    cr_assert_str_eq(api_str(r.json, "statement_response.status.state"), "RUNNING");
    h_free(&r);
    h_stop(c.m);
    GK_ASSERT_NO_LEAKS();
}
