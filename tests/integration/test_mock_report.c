/*
 * What genie-mock tells about its clients, over HTTP: the client report
 * (GET /__admin/report, and the final count --strict exits on). The audit
 * log and /metrics are in test_mock_report_audit.c (same suite). Clients are
 * driven on the manual clock; every count asserted is planned call by call.
 */
#include "tests/gk_test.h"
#include "tests/integration/mock_client.h"
#include "tests/integration/mock_default.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC INT64_C(1000)
#define DEV "dev@example.com"

/* default, plus questions whose text says so never leave ASKING_AI. */
static const char stuck_scenario[] =
    "{\"base\":\"default\",\"name\":\"report\",\"faults\":[{\"name\":\"stick\","
    "\"match\":{\"content\":\"never ends\"},\"action\":{\"outcome\":\"stuck\"}}]}";

/* ---- helpers ---- */

static struct h_reply report(const struct mock *m)
{
    struct h_reply r = h_admin(m, "GET", "/__admin/report", NULL);
    cr_assert_eq(r.status, 200, "GET /__admin/report: %ld %s", r.status, r.body);
    return r;
}

/* The report's row of principal who in workspace ws, or NULL. */
static const cJSON *row_of(const struct h_reply *r, const char *who, const char *ws)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(r->json, "principals"))
    {
        if (strcmp(h_jstr(p, "principal"), who) == 0 &&
            strcmp(h_jstr(p, "workspace_id"), ws) == 0)
            return p;
    }
    return NULL;
}

static int64_t count_of(const cJSON *row, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(row, key);
    cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
    return (int64_t)v->valuedouble;
}

static struct h_reply get_path(const struct mock *m, const char *token, const char *fmt,
                               ...) __attribute__((format(printf, 3, 4)));

static struct h_reply get_path(const struct mock *m, const char *token, const char *fmt,
                               ...)
{
    char path[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return h_req(m, 0, "GET", path, NULL, token);
}

static long status_of(struct h_reply r)
{
    long s = r.status;
    h_free(&r);
    return s;
}

static struct h_reply ask(const struct mock *m, const char *space, const char *question)
{
    char path[160], body[160];
    snprintf(path, sizeof path, PFX "/%s/start-conversation", space);
    snprintf(body, sizeof body, "{\"content\":\"%s\"}", question);
    return h_req(m, 0, "POST", path, body, DEV0);
}

static struct h_ids ask_ok(const struct mock *m, const char *space, const char *question)
{
    return h_start_conversation(m, 0, space, DEV0, question);
}

static const char *status_str(const struct h_reply *r)
{
    return h_str(r, "status") != NULL ? h_str(r, "status") : "(none)";
}

/* ---- the client report ---- */

Test(mock_report, a_bad_client_gets_each_violation_counted)
{
    struct mock *m = h_start(stuck_scenario);
    struct h_reply r;

    /* Polls of one message 0.2 s apart: two fast polls. */
    struct h_ids q1 = ask_ok(m, SALES, "Total sales by region");
    h_advance_ms(m, 1000);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(status_of(h_get_message(m, 0, SALES, &q1, DEV0)), 200);
        h_advance_ms(m, 200);
    }
    /* Over the question limit (5 a minute), then again before Retry-After. */
    h_advance_ms(m, 400); /* t = 2 s */
    struct h_ids q2 = ask_ok(m, STORE, "Units by store");
    struct h_ids q3 = ask_ok(m, SUPPLY, "Shipments by carrier");
    struct h_ids q4 = ask_ok(m, SALES, "Top customers");
    struct h_ids q5 = ask_ok(m, STORE, "Stock by store");
    r = ask(m, SALES, "Revenue by month");
    h_expect_envelope(&r, 429, "REQUEST_LIMIT_EXCEEDED", NULL);
    h_free(&r);
    h_advance_ms(m, 1000);
    cr_assert_eq(status_of(ask(m, SALES, "Revenue by month")), 429);

    /* A 404 repeated unchanged, twice. */
    h_advance_ms(m, 1000);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(
            status_of(get_path(m, DEV0, PFX "/" SALES "/conversations/%s/messages/%s",
                               NO_SUCH_ID, NO_SUCH_ID)),
            404);
    /* A Retry-After from a fault, not waited for. */
    h_advance_ms(m, 1000);
    h_arm(m,
          "{\"name\":\"busy\",\"match\":{\"route\":\"list_conversations\"},"
          "\"trigger\":{\"first\":1},\"action\":{\"status\":503,\"retry_after_s\":5}}");
    cr_assert_eq(status_of(get_path(m, DEV0, PFX "/%s/conversations", SALES)), 503);
    h_advance_ms(m, 1000);
    cr_assert_eq(status_of(get_path(m, DEV0, PFX "/%s/conversations", SALES)), 200);

    /* q1, q3 and q4 are followed to their end, q5's conversation deleted;
     * q2 is abandoned. */
    h_advance_ms(m, 60 * SEC - h_now_ms(m));
    struct h_ids *followed[] = {&q1, &q3, &q4};
    const char *followed_in[] = {SALES, SUPPLY, SALES};
    for (int i = 0; i < 3; i++) {
        r = h_get_message(m, 0, followed_in[i], followed[i], DEV0);
        const char *st = status_str(&r);
        cr_assert(strcmp(st, "COMPLETED") == 0 || strcmp(st, "FAILED") == 0 ||
                      strcmp(st, "CANCELLED") == 0,
                  "%s", r.body);
        h_free(&r);
    }
    char path[256];
    snprintf(path, sizeof path, PFX "/" STORE "/conversations/%s", q5.conv);
    cr_assert_eq(status_of(h_req(m, 0, "DELETE", path, NULL, DEV0)), 200);

    /* A stuck message, polled every 30 s past ten minutes. */
    h_advance_ms(m, 10 * SEC);
    struct h_ids stuck = ask_ok(m, SALES, "This question never ends");
    for (int i = 0; i < 21; i++) { /* the 21st poll is 630 s after the question */
        h_advance_ms(m, 30 * SEC);
        r = h_get_message(m, 0, SALES, &stuck, DEV0);
        cr_assert_str_eq(status_str(&r), "ASKING_AI", "%s", r.body);
        h_free(&r);
    }

    r = report(m);
    const cJSON *row = row_of(&r, DEV, WS0_ID);
    cr_assert_not_null(row, "%s", r.body);
    static const struct {
        const char *key;
        int64_t want;
    } want[] = {
        {"fast_polls", 2},          {"ignored_retry_after", 2}, {"repeated_4xx", 2},
        {"over_question_limit", 2}, {"abandoned", 1},           {"polled_past_10m", 1},
        {"questions", 8},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_eq(count_of(row, want[i].key), want[i].want, "%s: %s", want[i].key,
                     r.body);
    cr_assert_eq(count_of(r.json, "violations"), 10, "%s", r.body);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "principals")), 1,
                 "every call was dev's: %s", r.body);
    const cJSON *ex;
    size_t examples = 0;
    cJSON_ArrayForEach(ex, cJSON_GetObjectItem(row, "examples"))
    {
        cr_assert(cJSON_IsString(ex));
        examples++;
    }
    cr_assert_geq(examples, 6, "an example of each kind: %s", r.body);
    cr_assert(strstr(r.body, q2.msg) != NULL, "the abandoned message is named: %s",
              r.body);
    h_free(&r);

    /* At the end of the run the stuck message, last seen running, is
     * abandoned too: that is what --strict exits 1 on. */
    int64_t now_us = gk_clock_now_us(&m->clock);
    cr_assert_eq(mock_observe_violations(m->observe, now_us, false), 10);
    cr_assert_eq(mock_observe_violations(m->observe, now_us, true), 11);
    size_t len = 0;
    char *final = mock_observe_report(m->observe, now_us, true, &len);
    cJSON *fj = cJSON_ParseWithLength(final, len);
    cr_assert_not_null(fj);
    const cJSON *frow = cJSON_GetArrayItem(cJSON_GetObjectItem(fj, "principals"), 0);
    cr_assert_eq(count_of(frow, "abandoned"), 2, "%s", final);
    cr_assert(strstr(final, stuck.msg) != NULL, "%s", final);
    cJSON_Delete(fj);
    free(final);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_report, a_good_client_gets_no_violation)
{
    struct mock *m = h_start("default");
    /* One Retry-After on the polls, which the client waits out; one 404,
     * not repeated. */
    h_arm(m, "{\"name\":\"slow-down\",\"match\":{\"route\":\"get_message\"},"
             "\"trigger\":{\"nth\":3},\"action\":{\"status\":429,\"retry_after_s\":4}}");
    struct h_reply r = get_path(m, DEV0, PFX "/%s", NO_SUCH_ID);
    cr_assert_eq(r.status, 404);
    h_free(&r);

    struct mc *c = mc_new(
        m, &(struct mc_opts){.questions = 12, .workspaces = 2, .fetch_results = true});
    mc_run(c);
    cr_assert_eq(c->n, 12);
    cr_assert_eq(mc_count_gave_up(c), 0);
    cr_assert_eq(mc_got(c, MC_POLL, 429), 1, "the client met the Retry-After");
    mc_free(c);
    h_advance_ms(m, 10 * 60 * SEC);

    r = report(m);
    cr_assert_eq(count_of(r.json, "violations"), 0, "%s", r.body);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "principals")), 2,
                 "dev in each workspace, nobody else: %s", r.body);
    const cJSON *row = row_of(&r, DEV, WS0_ID);
    cr_assert_not_null(row, "%s", r.body);
    cr_assert_eq(count_of(row, "questions"), 6);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(row, "examples")), 0, "%s",
                 r.body);
    h_free(&r);
    int64_t now_us = gk_clock_now_us(&m->clock);
    cr_assert_eq(mock_observe_violations(m->observe, now_us, true), 0,
                 "--strict would exit 0");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_report, throttled_and_faulted_calls_count_for_the_caller)
{
    struct mock *m = h_start("rate-limited");
    struct h_ids ids = ask_ok(m, SALES, "Total sales by region");
    h_advance_ms(m, 2 * SEC);
    /* Ten polls in one instant pass; the 11th is refused by the request
     * limit (Retry-After: 1); the 12th ignores it. */
    for (int i = 0; i < 12; i++) {
        long s = status_of(h_get_message(m, 0, SALES, &ids, DEV0));
        cr_assert_eq(s, i < 10 ? 200 : 429, "poll %d", i + 1);
    }
    struct h_reply r = report(m);
    const cJSON *row = row_of(&r, DEV, WS0_ID);
    cr_assert_not_null(row, "%s", r.body);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "principals")), 1,
                 "the refused polls are dev's: %s", r.body);
    cr_assert_eq(count_of(row, "requests"), 13);
    cr_assert_eq(count_of(row, "ignored_retry_after"), 1, "%s", r.body);
    /* Polls 2 to 12 each came less than 1 s after an answered poll. */
    cr_assert_eq(count_of(row, "fast_polls"), 11, "%s", r.body);
    h_free(&r);

    r = h_admin(m, "GET", "/__admin/audit?limit=1", NULL);
    const cJSON *row0 = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "events"), 0);
    cr_assert_str_eq(h_jstr(cJSON_GetObjectItem(row0, "user_identity"), "email"), DEV,
                     "a throttled row names the caller, like audit_row_throttled: %s",
                     r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
