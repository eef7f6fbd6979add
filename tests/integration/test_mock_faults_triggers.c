/*
 * Fault injection over HTTP, part 2: which requests a rule picks. Triggers
 * (nth, first, every, probability, a window on the mock's clock,
 * after_polls), matches (method, route, workspace, space, principal,
 * content), the counters GET /__admin/faults shows, the order rules are
 * tried in, and rules armed while requests flow. Every rule answers 503, so
 * a request either gets the normal answer (200) or the rule's.
 */
#include "tests/gk_test.h"
#include "tests/integration/api_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE_PATH API_GENIE "/" API_SPACE
#define MSG_PATH   SPACE_PATH "/conversations/%s/messages/%s"

/* A rule named name on get_space with this trigger, answering 503. */
static void arm_on_get_space(const struct mock *m, const char *name, const char *trigger)
{
    char rule[512];
    snprintf(rule, sizeof rule,
             "{\"name\":\"%s\",\"match\":{\"route\":\"get_space\"},\"trigger\":%s,"
             "\"action\":{\"status\":503}}",
             name, trigger);
    h_arm(m, rule);
}

/* '1' when r is the rule's 503, '0' when it is the normal 200. */
static char fired_char(const struct h_reply *r)
{
    cr_assert(r->status == 200 || r->status == 503, "%ld %s", r->status, r->body);
    return r->status == 503 ? '1' : '0';
}

/* n GETs of the Sales space: which ones the rule answered, as a bit string. */
static void space_pattern(const struct mock *m, int n, char *out)
{
    for (int i = 0; i < n; i++) {
        struct h_reply r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
        out[i] = fired_char(&r);
        h_free(&r);
    }
    out[n] = '\0';
}

/* ---- triggers ---- */

Test(mock_faults, counting_triggers_pick_the_right_requests)
{
    static const struct {
        const char *trigger, *pattern;
    } cases[] = {
        {"{}", "11111111"},
        {"{\"nth\":3}", "00100000"},
        {"{\"first\":2}", "11000000"},
        {"{\"every\":3}", "00100100"},
        {"{\"every\":2,\"first\":6}", "01010100"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct mock *m = h_start(API_SQL_SCENARIO);
        arm_on_get_space(m, "t", cases[i].trigger);
        char got[16];
        space_pattern(m, 8, got);
        cr_assert_str_eq(got, cases[i].pattern, "trigger %s", cases[i].trigger);
        h_stop(m);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, probability_draws_from_the_seed_so_two_mocks_agree)
{
    char a[65], b[65], none[65], all[65];
    struct mock *m = h_start(API_SQL_SCENARIO);
    arm_on_get_space(m, "p", "{\"probability\":0.5}");
    space_pattern(m, 64, a);
    h_stop(m);
    m = h_start(API_SQL_SCENARIO);
    arm_on_get_space(m, "p", "{\"probability\":0.5}");
    space_pattern(m, 64, b);
    h_stop(m);
    cr_assert_str_eq(a, b, "same seed, same requests: the same firing pattern");
    cr_assert_not_null(strchr(a, '0'), "%s", a);
    cr_assert_not_null(strchr(a, '1'), "%s", a);

    m = h_start(API_SQL_SCENARIO);
    arm_on_get_space(m, "p", "{\"probability\":0}");
    space_pattern(m, 64, none);
    arm_on_get_space(m, "p", "{\"probability\":1}");
    space_pattern(m, 64, all);
    h_stop(m);
    cr_assert_eq(strspn(none, "0"), 64, "p=0 never fires: %s", none);
    cr_assert_eq(strspn(all, "1"), 64, "p=1 always fires: %s", all);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_window_fires_only_between_from_and_until_on_the_mock_clock)
{
    static const struct {
        int64_t at_ms;
        char fired;
    } steps[] = {
        {0, '0'},     {29999, '0'}, {30000, '1'},   {45000, '1'},
        {59999, '1'}, {60000, '0'}, {3600000, '0'},
    };
    struct mock *m = h_start(API_SQL_SCENARIO);
    arm_on_get_space(m, "w", "{\"from\":\"30s\",\"until\":\"1m\"}");
    int64_t now = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        h_advance_ms(m, steps[i].at_ms - now);
        now = steps[i].at_ms;
        struct h_reply r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
        cr_assert_eq(fired_char(&r), steps[i].fired, "at %lld ms", (long long)now);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, after_polls_fires_from_the_poll_after_the_nth_of_each_message)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"ap\",\"match\":{\"route\":\"get_message\"},\"trigger\":{"
             "\"after_polls\":2},\"action\":{\"status\":401,\"error_code\":"
             "\"UNAUTHENTICATED\"}}");
    struct api_ids a = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    struct api_ids b = api_start(m, API_SPACE, API_DEV, "Orders per day");
    static const char *const want_a = "00111";
    for (int i = 0; want_a[i]; i++) {
        struct h_reply r = api_call(m, "GET", API_DEV, NULL, MSG_PATH, a.conv, a.msg);
        cr_assert_eq(r.status, want_a[i] == '1' ? 401 : 200, "poll %d: %ld %s", i + 1,
                     r.status, r.body);
        h_free(&r);
    }
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, MSG_PATH, b.conv, b.msg);
    cr_assert_eq(r.status, 200, "polls are counted per message: %s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, after_polls_counts_the_polls_made_before_the_rule_was_armed)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    struct api_ids a = api_start(m, API_SPACE, API_DEV, "Total amount by region");
    for (int i = 0; i < 3; i++) {
        struct h_reply r = api_message(m, API_SPACE, API_DEV, &a);
        h_free(&r);
    }
    h_arm(m, "{\"name\":\"ap\",\"match\":{\"route\":\"get_message\"},\"trigger\":{"
             "\"after_polls\":2},\"action\":{\"status\":503}}");
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, MSG_PATH, a.conv, a.msg);
    cr_assert_eq(r.status, 503, "the 4th poll is past the 2nd: %s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- matches ---- */

/* One request of a match case. */
struct req {
    const char *method, *path, *body, *token;
};

#define GET_SPACE(space, tok)                                                            \
    {                                                                                    \
        "GET", API_GENIE "/" space, NULL, tok                                            \
    }
#define START(space, q)                                                                  \
    {                                                                                    \
        "POST", API_GENIE "/" space "/start-conversation", "{\"content\":\"" q "\"}",    \
            API_DEV                                                                      \
    }

Test(mock_faults, each_match_key_selects_its_requests_and_only_those)
{
    static const struct {
        const char *match;
        struct req hit, miss;
    } cases[] = {
        {"{\"method\":\"POST\"}", START(API_SPACE, "Total amount"),
         GET_SPACE(API_SPACE, API_DEV)},
        {"{\"method\":\"GET\",\"route\":\"list_spaces\"}",
         {"GET", API_GENIE, NULL, API_DEV},
         GET_SPACE(API_SPACE, API_DEV)},
        {"{\"route\":\"get_space\"}",
         GET_SPACE(API_SPACE, API_DEV),
         {"GET", API_GENIE, NULL, API_DEV}},
        {"{\"space\":\"" API_SPACE2 "\"}", GET_SPACE(API_SPACE2, API_DEV),
         GET_SPACE(API_SPACE, API_DEV)},
        {"{\"principal\":\"analyst@example.com\"}", GET_SPACE(API_SPACE, API_ANALYST),
         GET_SPACE(API_SPACE, API_DEV)},
        {"{\"content\":\"refund\"}", START(API_SPACE, "Total refund amount by region"),
         START(API_SPACE, "Total amount by region")},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct mock *m = h_start(API_SQL_SCENARIO);
        char rule[512];
        snprintf(rule, sizeof rule,
                 "{\"name\":\"m\",\"match\":%s,\"action\":{\"status\":503}}",
                 cases[i].match);
        h_arm(m, rule);
        const struct req *q[2] = {&cases[i].miss, &cases[i].hit};
        for (int k = 0; k < 2; k++) {
            struct h_reply r =
                api_call(m, q[k]->method, q[k]->token, q[k]->body, "%s", q[k]->path);
            cr_assert_eq(r.status, k == 1 ? 503 : 200, "match %s, %s %s: %ld %s",
                         cases[i].match, q[k]->method, q[k]->path, r.status, r.body);
            h_free(&r);
        }
        int64_t matched, fired;
        h_fault_counts(m, "m", &matched, &fired);
        cr_assert_eq(matched, 1, "match %s: the miss is not counted", cases[i].match);
        cr_assert_eq(fired, 1);
        h_stop(m);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_principal_match_needs_a_token_that_names_the_principal)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m, "{\"name\":\"m\",\"match\":{\"principal\":\"dev@example.com\"},"
             "\"action\":{\"status\":503}}");
    struct h_reply r = api_call(m, "GET", "dapi-not-a-token", NULL, SPACE_PATH);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", NULL);
    h_free(&r);
    r = api_call(m, "GET", NULL, NULL, SPACE_PATH);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", NULL);
    h_free(&r);
    r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
    h_expect_envelope(&r, 503, "TEMPORARILY_UNAVAILABLE", NULL);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_workspace_match_leaves_the_other_workspace_alone)
{
    struct mock *m = h_start("default"); /* two workspaces */
    cr_assert_eq(m->ws_count, 2);
    char rule[256];
    snprintf(
        rule, sizeof rule,
        "{\"name\":\"ws\",\"match\":{\"workspace\":\"%s\"},\"action\":{\"status\":503}}",
        m->ws[1].def->workspace_id);
    h_arm(m, rule); /* through workspace 0's port: rules are the mock's */
    for (size_t ws = 0; ws < 2; ws++) {
        struct h_reply r = h_req(m, ws, "GET", API_GENIE, NULL, h_token(m, ws, 0));
        cr_assert_eq(r.status, ws == 1 ? 503 : 200, "workspace %zu: %ld %s", ws, r.status,
                     r.body);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- counters, order, arming ---- */

Test(mock_faults, the_admin_api_counts_matched_and_fired_requests)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    arm_on_get_space(m, "c", "{\"first\":2}");
    int64_t matched = -1, fired = -1;
    h_fault_counts(m, "c", &matched, &fired);
    cr_assert(matched == 0 && fired == 0);
    char got[8];
    space_pattern(m, 5, got);
    cr_assert_str_eq(got, "11000");
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, API_GENIE); /* not matched */
    h_free(&r);
    h_fault_counts(m, "c", &matched, &fired);
    cr_assert_eq(matched, 5);
    cr_assert_eq(fired, 2);

    r = h_admin(m, "GET", "/__admin/journal?fault=c", NULL);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "events")), 2,
                 "the journal names the rule of each fired request: %s", r.body);
    h_free(&r);
    r = h_call(m, 0, "GET", "/metrics", NULL, NULL, NULL);
    cr_assert_not_null(strstr(r.body, "genie_mock_faults_total{rule=\"c\"} 2"), "%s",
                       r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, the_first_rule_that_fires_acts_and_later_ones_still_count_the_match)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    h_arm(m,
          "{\"name\":\"a\",\"match\":{\"route\":\"get_space\"},\"trigger\":{\"first\":1},"
          "\"action\":{\"status\":503}}");
    h_arm(m, "{\"name\":\"b\",\"match\":{\"route\":\"get_space\"},"
             "\"action\":{\"status\":500}}");
    static const long want[] = {503, 500, 500};
    for (size_t i = 0; i < 3; i++) {
        struct h_reply r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
        cr_assert_eq(r.status, want[i], "request %zu: %s", i + 1, r.body);
        h_free(&r);
    }
    int64_t matched, fired;
    h_fault_counts(m, "a", &matched, &fired);
    cr_assert(matched == 3 && fired == 1, "a: %lld/%lld", (long long)matched,
              (long long)fired);
    h_fault_counts(m, "b", &matched, &fired);
    cr_assert(matched == 3 && fired == 2, "b: %lld/%lld", (long long)matched,
              (long long)fired);

    /* Re-arming "a" replaces it in place, counters from zero: it still
     * comes first. */
    h_arm(m,
          "{\"name\":\"a\",\"match\":{\"route\":\"get_space\"},\"trigger\":{\"first\":1},"
          "\"action\":{\"status\":502}}");
    h_fault_counts(m, "a", &matched, &fired);
    cr_assert(matched == 0 && fired == 0);
    struct h_reply r = api_call(m, "GET", API_DEV, NULL, SPACE_PATH);
    cr_assert_eq(r.status, 502, "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_faults, a_rule_armed_at_run_time_acts_on_the_very_next_request)
{
    struct mock *m = h_start(API_SQL_SCENARIO);
    char got[4];
    space_pattern(m, 1, got);
    cr_assert_str_eq(got, "0");
    arm_on_get_space(m, "now", "{}");
    space_pattern(m, 1, got);
    cr_assert_str_eq(got, "1", "armed: the next request meets it");
    struct h_reply r = h_admin(m, "DELETE", "/__admin/faults/now", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    space_pattern(m, 1, got);
    cr_assert_str_eq(got, "0", "disarmed: the next request is normal again");
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
