/*
 * genie-mock's throughput model over HTTP, on the manual clock: at most 5
 * question POSTs (start-conversation and create-message together) per
 * workspace in ANY sliding 60 s, the 6th answered 429 with an integer
 * Retry-After that is exactly long enough; GETs never counted; workspaces
 * independent; rejected questions free; the scenario's limits and 429
 * error_code honoured; the optional general request limit; and the body cap
 * (413), with and without Content-Length.
 */
#include "tests/gk_test.h"
#include "tests/integration/mock_default.h"
#include "tests/integration/mock_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A one-workspace scenario with the given members of limits and wire. */
#define SPACE "01f0aaaabbbbccccddddeeeeffff0001"
#define TOKEN "dapi-limits-token-0001"
#define SCENARIO(limits, wire)                                                           \
    "{\"name\":\"limits\",\"seed\":7,\"workspaces\":[{\"workspace_id\":"                 \
    "\"1111222233334444\",\"spaces\":[{\"space_id\":\"" SPACE                            \
    "\",\"title\":\"Sales\"}],"                                                          \
    "\"principals\":[{\"name\":\"dev@example.com\",\"token\":\"" TOKEN "\","             \
    "\"spaces\":\"*\",\"can_manage\":true}]}],"                                          \
    "\"limits\":{" limits "},\"wire\":{" wire "}}"

/* A question POST: a new conversation in space, or (conv not NULL) a
 * follow-up in conv. The reply is the caller's. */
static struct h_reply ask(struct mock *m, size_t ws, const char *space, const char *conv,
                          const char *token)
{
    char path[256];
    if (conv != NULL)
        snprintf(path, sizeof path, PFX "/%s/conversations/%s/messages", space, conv);
    else
        snprintf(path, sizeof path, PFX "/%s/start-conversation", space);
    return h_req(m, ws, "POST", path, "{\"content\":\"How many orders per region?\"}",
                 token);
}

/* A question POST that must be answered 200; returns the ids. */
static struct h_ids ask_ok(struct mock *m, size_t ws, const char *space, const char *conv,
                           const char *token)
{
    struct h_ids ids = {{0}, {0}};
    struct h_reply r = ask(m, ws, space, conv, token);
    cr_assert_eq(r.status, 200, "question: %ld %s", r.status, r.body);
    snprintf(ids.conv, sizeof ids.conv, "%s",
             conv != NULL ? conv : h_jstr(r.json, "conversation_id"));
    snprintf(ids.msg, sizeof ids.msg, "%s", h_jstr(r.json, "message_id"));
    h_free(&r);
    return ids;
}

/* A 429 with the envelope of error_code and an integer Retry-After; returns
 * the Retry-After seconds. */
static long expect_throttled(const struct h_reply *r, const char *error_code)
{
    char ra[32];
    h_expect_envelope(r, 429, error_code, "Retry after");
    cr_assert_not_null(h_header(r, "Retry-After", ra, sizeof ra), "no Retry-After");
    cr_assert(ra[0] != '\0' && strspn(ra, "0123456789") == strlen(ra),
              "Retry-After is not integer seconds: \"%s\"", ra);
    long secs = strtol(ra, NULL, 10);
    cr_assert_geq(secs, 1);
    char said[48];
    snprintf(said, sizeof said, "Retry after %ld seconds", secs);
    cr_assert(strstr(h_jstr(r->json, "message"), said) != NULL,
              "message and header disagree: %s / %s", r->body, ra);
    return secs;
}

static long ask_throttled(struct mock *m, size_t ws, const char *space, const char *conv,
                          const char *token, const char *error_code)
{
    struct h_reply r = ask(m, ws, space, conv, token);
    long secs = expect_throttled(&r, error_code);
    h_free(&r);
    return secs;
}

Test(mock_limits, the_sixth_question_in_a_minute_is_429_with_retry_after)
{
    struct mock *m = h_start(NULL);
    /* Five questions, a second apart, mixing both kinds of question. */
    struct h_ids a = ask_ok(m, 0, SALES, NULL, DEV0);
    h_advance_ms(m, 1000);
    ask_ok(m, 0, SALES, a.conv, DEV0);
    h_advance_ms(m, 1000);
    ask_ok(m, 0, STORE, NULL, DEV0);
    h_advance_ms(m, 1000);
    ask_ok(m, 0, SALES, a.conv, DEV0);
    h_advance_ms(m, 1000);
    ask_ok(m, 0, SALES, NULL, ANALYST); /* another user, same workspace */
    h_advance_ms(m, 1000);

    /* At 5 s the oldest leaves the window at 60 s: 55 s to wait. */
    cr_assert_eq(ask_throttled(m, 0, SALES, NULL, DEV0, "REQUEST_LIMIT_EXCEEDED"), 55);
    cr_assert_eq(ask_throttled(m, 0, SALES, a.conv, DEV0, "REQUEST_LIMIT_EXCEEDED"), 55);
    cr_assert_eq(ask_throttled(m, 0, SALES, NULL, ANALYST, "REQUEST_LIMIT_EXCEEDED"), 55);
    struct h_reply r = ask(m, 0, SALES, a.conv, DEV0);
    cr_assert_str_eq(h_jstr(r.json, "error_code"), "REQUEST_LIMIT_EXCEEDED");
    cr_assert(strstr(h_jstr(r.json, "message"), "3141592653589793") != NULL,
              "the message names the workspace: %s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* Five questions at the given times (ms), then one at ask_ms: the 429's
 * Retry-After, then waiting one second less is still 429, and waiting it
 * all lets the question through. */
Test(mock_limits, waiting_exactly_retry_after_lets_the_next_question_through)
{
    static const struct {
        int64_t at_ms[5], ask_ms;
        long retry_after;
    } cases[] = {
        {{0, 0, 0, 0, 0}, 0, 60},
        {{0, 10000, 20000, 30000, 40000}, 45000, 15},
        {{500, 10000, 20000, 30000, 40000}, 40000, 21},   /* 20.5 s rounds up */
        {{0, 1, 2, 3, 4}, 59999, 1},                      /* 1 ms rounds up to 1 s */
        {{12345, 12346, 50000, 50001, 59999}, 59999, 13}, /* 12.346 s */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mock *m = h_start(NULL);
        int64_t now = 0;
        for (int k = 0; k < 5; k++) {
            h_advance_ms(m, cases[i].at_ms[k] - now);
            now = cases[i].at_ms[k];
            ask_ok(m, 0, SALES, NULL, DEV0);
        }
        h_advance_ms(m, cases[i].ask_ms - now);
        long ra = ask_throttled(m, 0, SALES, NULL, DEV0, "REQUEST_LIMIT_EXCEEDED");
        cr_assert_eq(ra, cases[i].retry_after, "case %zu", i);

        h_advance_ms(m, (ra - 1) * 1000);
        ask_throttled(m, 0, SALES, NULL, DEV0, "REQUEST_LIMIT_EXCEEDED");
        h_advance_ms(m, 1000);
        ask_ok(m, 0, SALES, NULL, DEV0);
        /* A sliding window, not a fixed one: what was asked in the last 60 s
         * still counts. */
        int64_t t = cases[i].ask_ms + ra * 1000;
        int in_window = 1;
        for (int k = 0; k < 5; k++)
            in_window += cases[i].at_ms[k] > t - 60000;
        if (in_window >= 5)
            ask_throttled(m, 0, SALES, NULL, DEV0, "REQUEST_LIMIT_EXCEEDED");
        else
            ask_ok(m, 0, SALES, NULL, DEV0);
        h_stop(m);
    }
    GK_ASSERT_NO_LEAKS();
}

/* Every GET of the Genie API, for one conversation. */
static void poll_everything(struct mock *m, const struct h_ids *c)
{
    char paths[4][256];
    snprintf(paths[0], sizeof paths[0], PFX "/" SALES "/conversations/%s/messages/%s",
             c->conv, c->msg);
    snprintf(paths[1], sizeof paths[1], PFX "/" SALES "/conversations/%s/messages",
             c->conv);
    snprintf(paths[2], sizeof paths[2], PFX "/" SALES "/conversations");
    snprintf(paths[3], sizeof paths[3], PFX "/" SALES);
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < 4; i++) {
            struct h_reply r = h_req(m, 0, "GET", paths[i], NULL, DEV0);
            cr_assert_eq(r.status, 200, "GET %s: %ld %s", paths[i], r.status, r.body);
            h_free(&r);
        }
        struct h_reply r = h_req(m, 0, "GET", PFX, NULL, DEV0);
        cr_assert_eq(r.status, 200, "%s", r.body);
        h_free(&r);
    }
}

Test(mock_limits, polls_are_never_counted)
{
    struct mock *m = h_start(NULL);
    struct h_ids c = {{0}, {0}};
    for (int i = 0; i < 5; i++) {
        c = ask_ok(m, 0, SALES, i ? c.conv : NULL, DEV0);
        poll_everything(m, &c); /* 15 GETs between POSTs */
        h_advance_ms(m, 200);
    }
    ask_throttled(m, 0, SALES, c.conv, DEV0, "REQUEST_LIMIT_EXCEEDED");
    poll_everything(m, &c); /* throttled questions do not block polls */
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_limits, workspaces_are_throttled_independently)
{
    struct mock *m = h_start(NULL);
    for (int i = 0; i < 5; i++)
        ask_ok(m, 0, SALES, NULL, DEV0);
    ask_throttled(m, 0, SALES, NULL, DEV0, "REQUEST_LIMIT_EXCEEDED");
    for (int i = 0; i < 5; i++)
        ask_ok(m, 1, FINANCE, NULL, DEV1);
    ask_throttled(m, 1, FINANCE, NULL, DEV1, "REQUEST_LIMIT_EXCEEDED");
    ask_throttled(m, 0, SALES, NULL, DEV0, "REQUEST_LIMIT_EXCEEDED");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_limits, rejected_questions_use_no_slot)
{
    static const struct {
        const char *path, *body, *token;
        long status;
    } rejected[] = {
        {PFX "/" SALES "/start-conversation", "{", DEV0, 400},
        {PFX "/" SALES "/start-conversation", "{}", DEV0, 400},
        {PFX "/" SALES "/start-conversation", "{\"content\":\"\"}", DEV0, 400},
        {PFX "/" SALES "/start-conversation", "{\"content\":42}", DEV0, 400},
        {PFX "/" SALES "/start-conversation", "", DEV0, 400},
        {PFX "/" NO_SUCH_ID "/start-conversation", "{\"content\":\"hi\"}", DEV0, 404},
        {PFX "/" SALES "/conversations/" NO_SUCH_ID "/messages", "{\"content\":\"hi\"}",
         DEV0, 404},
        {PFX "/" STORE "/start-conversation", "{\"content\":\"hi\"}", ANALYST, 403},
        {PFX "/" SALES "/start-conversation", "{\"content\":\"hi\"}", "dapi-wrong", 401},
        {PFX "/" SALES "/start-conversation", "{\"content\":\"hi\"}", NULL, 401},
        {PFX "/not-an-id/start-conversation", "{\"content\":\"hi\"}", DEV0, 404},
        {PFX "/" SALES "/start-conversation", "{\"content\":\"hi\",\"content\":\"x\"}",
         DEV0, 400},
    };
    struct mock *m = h_start(NULL);
    for (int i = 0; i < 4; i++)
        ask_ok(m, 0, SALES, NULL, DEV0);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
            struct h_reply r = h_req(m, 0, "POST", rejected[i].path, rejected[i].body,
                                     rejected[i].token);
            cr_assert_eq(r.status, rejected[i].status, "case %zu: %ld %s", i, r.status,
                         r.body);
            h_free(&r);
        }
    }
    ask_ok(m, 0, SALES, NULL, DEV0); /* the fifth slot is still there */
    ask_throttled(m, 0, SALES, NULL, DEV0, "REQUEST_LIMIT_EXCEEDED");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_limits, the_scenario_sets_the_question_limit_and_the_429_code)
{
    struct mock *m =
        h_start(SCENARIO("\"questions_per_window\":2,\"question_window\":\"10s\"",
                         "\"rate_limit_error_code\":\"RESOURCE_EXHAUSTED\""));
    struct h_ids c = ask_ok(m, 0, SPACE, NULL, TOKEN);
    h_advance_ms(m, 2500);
    ask_ok(m, 0, SPACE, c.conv, TOKEN);
    struct h_reply r = ask(m, 0, SPACE, NULL, TOKEN);
    cr_assert_eq(expect_throttled(&r, "RESOURCE_EXHAUSTED"), 8); /* 7.5 s, rounded up */
    cr_assert(strstr(h_jstr(r.json, "message"), "2 questions per 10 seconds") != NULL,
              "%s", r.body);
    h_free(&r);
    h_advance_ms(m, 7000);
    cr_assert_eq(ask_throttled(m, 0, SPACE, c.conv, TOKEN, "RESOURCE_EXHAUSTED"), 1);
    h_advance_ms(m, 1000);
    ask_ok(m, 0, SPACE, c.conv, TOKEN);
    cr_assert_eq(ask_throttled(m, 0, SPACE, NULL, TOKEN, "RESOURCE_EXHAUSTED"), 2);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_limits, a_general_request_limit_throttles_gets_too)
{
    struct mock *m = h_start(SCENARIO("\"requests_per_second\":3", ""));
    for (int i = 0; i < 3; i++) {
        struct h_reply r = h_req(m, 0, "GET", PFX, NULL, TOKEN);
        cr_assert_eq(r.status, 200, "%s", r.body);
        h_free(&r);
    }
    /* Every kind of request is counted, whatever it would have answered. */
    static const struct {
        const char *method, *path, *token;
    } more[] = {
        {"GET", PFX, TOKEN},
        {"GET", PFX "/" SPACE, NULL},
        {"GET", "/.well-known/databricks-config", NULL},
        {"POST", PFX "/" SPACE "/start-conversation", TOKEN},
        {"GET", "/no/such/endpoint", TOKEN},
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        struct h_reply r =
            h_req(m, 0, more[i].method, more[i].path,
                  more[i].method[0] == 'P' ? "{\"content\":\"x\"}" : NULL, more[i].token);
        cr_assert_eq(expect_throttled(&r, "REQUEST_LIMIT_EXCEEDED"), 1, "%s",
                     more[i].path);
        h_free(&r);
    }
    h_advance_ms(m, 999);
    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, TOKEN);
    expect_throttled(&r, "REQUEST_LIMIT_EXCEEDED");
    h_free(&r);
    h_advance_ms(m, 1);
    for (int i = 0; i < 3; i++) {
        r = h_req(m, 0, "GET", PFX, NULL, TOKEN);
        cr_assert_eq(r.status, 200, "%s", r.body);
        h_free(&r);
    }
    r = h_req(m, 0, "GET", PFX, NULL, TOKEN);
    expect_throttled(&r, "REQUEST_LIMIT_EXCEEDED");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* A start-conversation body of exactly n bytes. */
static char *question_of(size_t n)
{
    static const char head[] = "{\"content\":\"", tail[] = "\"}";
    cr_assert_gt(n, sizeof head + sizeof tail);
    char *b = malloc(n + 1);
    cr_assert_not_null(b);
    memcpy(b, head, sizeof head - 1);
    memset(b + sizeof head - 1, 'q', n - (sizeof head - 1) - (sizeof tail - 1));
    memcpy(b + n - (sizeof tail - 1), tail, sizeof tail);
    return b;
}

Test(mock_limits, an_oversized_body_is_413_and_the_server_carries_on)
{
    static const struct {
        size_t size;
        bool chunked;
        long status;
    } cases[] = {
        {1024, false, 200}, {1025, false, 413}, {4096, false, 413}, {1024, true, 200},
        {1025, true, 413},  {4096, true, 413},  {1000, true, 200},
    };
    struct mock *m = h_start(SCENARIO("\"max_body\":\"1KiB\"", ""));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *body = question_of(cases[i].size);
        struct h_send s = {
            .auth = "Bearer " TOKEN, .body = body, .chunked = cases[i].chunked};
        struct h_reply r = h_send(m, 0, "POST", PFX "/" SPACE "/start-conversation", &s);
        if (cases[i].status == 413)
            h_expect_envelope(&r, 413, "REQUEST_ENTITY_TOO_LARGE", "1024 bytes");
        else
            cr_assert_eq(r.status, 200, "case %zu: %ld %s", i, r.status, r.body);
        h_free(&r);
        free(body);

        /* ... and the next request is answered as usual. */
        r = h_req(m, 0, "GET", PFX, NULL, TOKEN);
        cr_assert_eq(r.status, 200, "after case %zu: %ld %s", i, r.status, r.body);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_limits, an_oversized_body_uses_no_question_slot)
{
    struct mock *m = h_start(SCENARIO("\"max_body\":\"1KiB\"", ""));
    char *body = question_of(2048);
    for (int i = 0; i < 6; i++) {
        struct h_send s = {.auth = "Bearer " TOKEN, .body = body, .chunked = i % 2};
        struct h_reply r = h_send(m, 0, "POST", PFX "/" SPACE "/start-conversation", &s);
        h_expect_envelope(&r, 413, "REQUEST_ENTITY_TOO_LARGE", NULL);
        h_free(&r);
    }
    free(body);
    for (int i = 0; i < 5; i++)
        ask_ok(m, 0, SPACE, NULL, TOKEN);
    ask_throttled(m, 0, SPACE, NULL, TOKEN, "REQUEST_LIMIT_EXCEEDED");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_limits, a_question_refused_at_the_conversation_cap_uses_no_slot)
{
    struct mock *m = h_start(SCENARIO("\"max_conversations_per_space\":1", ""));
    struct h_ids c = ask_ok(m, 0, SPACE, NULL, TOKEN);
    for (int i = 0; i < 6; i++) {
        struct h_reply r = ask(m, 0, SPACE, NULL, TOKEN);
        h_expect_envelope(&r, 400, "RESOURCE_LIMIT_EXCEEDED", "limit of 1 conversations");
        h_free(&r);
    }
    for (int i = 0; i < 4; i++)
        ask_ok(m, 0, SPACE, c.conv, TOKEN); /* follow-ups are not capped */
    ask_throttled(m, 0, SPACE, c.conv, TOKEN, "REQUEST_LIMIT_EXCEEDED");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_limits, a_limit_beyond_what_the_mock_tracks_is_refused_naming_the_key)
{
    static const struct {
        const char *limits, *key;
    } cases[] = {
        {"\"questions_per_window\":200000",
         "limits.questions_per_window: expected an integer from 1 to 100000, got 200000"},
        {"\"requests_per_second\":5000000",
         "limits.requests_per_second: expected an integer from 0 to 100000, got 5000000"},
    };
    char text[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gk_err err = {0};
        struct mock *m = NULL;
        snprintf(text, sizeof text,
                 "{\"workspaces\":[{\"spaces\":[{\"title\":\"A\"}]}],\"limits\":{%s}}",
                 cases[i].limits);
        struct mock_opts o = {.scenario_text = text, .manual_clock = true};
        cr_assert_neq(mock_new(&o, &m, &err), GK_OK);
        cr_assert_null(m);
        cr_assert(strstr(err.msg, cases[i].key) != NULL, "%s", err.msg);
    }
    GK_ASSERT_NO_LEAKS();
}
