/*
 * Fault rules without a socket: parsing (and its errors, which must name the
 * key path), and which requests each trigger fires on.
 */
#include "mockserver/fault.h"
#include "tests/gk_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mock_fault_rule parse_ok(const char *json)
{
    struct mock_fault_rule r;
    struct gk_err err = {0};
    cr_assert_eq(mock_fault_parse("body", json, strlen(json), &r, &err), GK_OK, "%s: %s", json,
                 gk_err_str(&err));
    return r;
}

Test(fault, the_issue_example_parses_to_what_it_says)
{
    struct mock_fault_rule r = parse_ok(
        "{\"name\": \"throttle\", \"match\": {\"method\": \"GET\", \"route\": \"get_space\"},"
        " \"trigger\": {\"first\": 3}, \"action\": {\"status\": 429, \"retry_after_s\": 2}}");
    cr_assert_str_eq(r.name, "throttle");
    cr_assert_eq(r.method, GK_HTTP_GET);
    cr_assert_eq(r.route, GK_ROUTE_GET_SPACE);
    cr_assert_eq(r.first, 3);
    cr_assert_eq(r.status, 429);
    cr_assert_eq(r.retry_after_s, 2);
    cr_assert_eq(r.transport, MOCK_FAULT_NONE);
    mock_fault_rule_cleanup(&r);
    GK_ASSERT_NO_LEAKS();
}

Test(fault, every_action_kind_parses)
{
    static const struct {
        const char *action;
        enum mock_fault_transport transport;
        enum mock_fault_delay_kind delay;
        enum mock_fault_outcome outcome;
    } cases[] = {
        {"{\"hang\": true}", MOCK_FAULT_HANG, MOCK_FAULT_DELAY_NONE, MOCK_FAULT_OUTCOME_NONE},
        {"{\"drop\": true}", MOCK_FAULT_DROP, MOCK_FAULT_DELAY_NONE, MOCK_FAULT_OUTCOME_NONE},
        {"{\"reset\": true}", MOCK_FAULT_RESET, MOCK_FAULT_DELAY_NONE, MOCK_FAULT_OUTCOME_NONE},
        {"{\"truncate\": true}", MOCK_FAULT_TRUNCATE, 0, 0},
        {"{\"malformed\": true}", MOCK_FAULT_MALFORMED, 0, 0},
        {"{\"delay\": \"2s\"}", MOCK_FAULT_NONE, MOCK_FAULT_DELAY_FIXED, 0},
        {"{\"delay\": {\"uniform\": \"1s..3s\"}}", MOCK_FAULT_NONE, MOCK_FAULT_DELAY_UNIFORM, 0},
        {"{\"delay\": {\"lognormal\": {\"median\": \"500ms\", \"sigma\": 1}, \"cap\": \"5s\"}}",
         MOCK_FAULT_NONE, MOCK_FAULT_DELAY_LOGNORMAL, 0},
        {"{\"status\": 503, \"delay\": \"1s\"}", MOCK_FAULT_NONE, MOCK_FAULT_DELAY_FIXED, 0},
        {"{\"outcome\": \"failed\", \"at\": \"ASKING_AI\", \"error_type\": "
         "\"CONTENT_FILTER_EXCEPTION\"}",
         MOCK_FAULT_NONE, 0, MOCK_FAULT_OUTCOME_FAILED},
        {"{\"outcome\": \"cancelled\"}", MOCK_FAULT_NONE, 0, MOCK_FAULT_OUTCOME_CANCELLED},
        {"{\"outcome\": \"stuck\", \"at\": \"ASKING_AI\"}", MOCK_FAULT_NONE, 0,
         MOCK_FAULT_OUTCOME_STUCK},
        {"{\"outcome\": \"expired\", \"expire_after\": \"30s\"}", MOCK_FAULT_NONE, 0,
         MOCK_FAULT_OUTCOME_EXPIRED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"name\":\"r\",\"action\":%s}", cases[i].action);
        struct mock_fault_rule r = parse_ok(json);
        cr_assert_eq(r.transport, cases[i].transport, "%s", json);
        cr_assert_eq(r.delay.kind, cases[i].delay, "%s", json);
        cr_assert_eq(r.outcome, cases[i].outcome, "%s", json);
        mock_fault_rule_cleanup(&r);
    }
    struct mock_fault_rule r = parse_ok("{\"name\":\"f\",\"action\":{\"outcome\":\"failed\"}}");
    cr_assert_eq(r.at, GK_MSG_EXECUTING_QUERY, "failed defaults to the query");
    cr_assert_str_eq(r.error_type, "SQL_EXECUTION_EXCEPTION");
    mock_fault_rule_cleanup(&r);
    GK_ASSERT_NO_LEAKS();
}

Test(fault, headers_are_kept)
{
    struct mock_fault_rule r = parse_ok(
        "{\"name\":\"h\",\"action\":{\"status\":503,\"headers\":{\"Retry-After\":\"7\","
        "\"X-Test\":\"yes\"}}}");
    cr_assert_eq(r.header_count, 2);
    cr_assert_str_eq(r.headers[0].name, "Retry-After");
    cr_assert_str_eq(r.headers[1].value, "yes");
    mock_fault_rule_cleanup(&r);
    GK_ASSERT_NO_LEAKS();
}

Test(fault, broken_rules_name_the_key_path)
{
    static const struct {
        const char *json, *msg;
    } cases[] = {
        {"[]", "expected a JSON object"},
        {"{\"action\":{\"status\":500}}", "name: required"},
        {"{\"name\":\"bad name\",\"action\":{\"status\":500}}", "name"},
        {"{\"name\":\"x\"}", "action: required"},
        {"{\"name\":\"x\",\"action\":{}}", "action: does nothing"},
        {"{\"name\":\"x\",\"action\":{\"status\":99}}", "action.status"},
        {"{\"name\":\"x\",\"action\":{\"status\":\"429\"}}", "action.status"},
        {"{\"name\":\"x\",\"action\":{\"stauts\":429}}", "did you mean status"},
        {"{\"name\":\"x\",\"match\":{\"route\":\"get_spaces\"},\"action\":{\"status\":500}}",
         "match.route: unknown route \"get_spaces\""},
        {"{\"name\":\"x\",\"match\":{\"method\":\"FETCH\"},\"action\":{\"status\":500}}",
         "match.method"},
        {"{\"name\":\"x\",\"trigger\":{\"first\":0},\"action\":{\"status\":500}}",
         "trigger.first"},
        {"{\"name\":\"x\",\"trigger\":{\"probability\":1.5},\"action\":{\"status\":500}}",
         "trigger.probability"},
        {"{\"name\":\"x\",\"trigger\":{\"from\":\"10s\",\"until\":\"5s\"},\"action\":{"
         "\"status\":500}}",
         "trigger.until: must be later than from"},
        {"{\"name\":\"x\",\"action\":{\"hang\":true,\"drop\":true}}", "at most one of"},
        {"{\"name\":\"x\",\"action\":{\"retry_after_s\":3}}", "needs a status"},
        {"{\"name\":\"x\",\"action\":{\"outcome\":\"exploded\"}}", "action.outcome"},
        {"{\"name\":\"x\",\"action\":{\"outcome\":\"stuck\",\"at\":\"COMPLETED\"}}",
         "action.at: expected a running status"},
        {"{\"name\":\"x\",\"action\":{\"outcome\":\"failed\",\"status\":500}}",
         "cannot be combined"},
        {"{\"name\":\"x\",\"match\":{\"route\":\"get_message\"},\"action\":{\"outcome\":"
         "\"failed\"}}",
         "only question POSTs"},
        {"{\"name\":\"x\",\"action\":{\"delay\":{\"uniform\":\"3s..1s\"}}}", "before its start"},
        {"{\"name\":\"x\",\"action\":{\"delay\":{\"fixed\":\"1s\",\"uniform\":\"1s..2s\"}}}",
         "exactly one of"},
        {"{\"name\":\"x\",\"action\":{\"status\":500,\"headers\":{\"Bad Name\":\"v\"}}}",
         "action.headers.\"Bad Name\": not a header name"},
        {"{\"name\":\"x\",\"action\":{\"status\":500}} trailing", "unexpected text after"},
        {"{\"name\":\"x\",\"action\":{\"status\":500}", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mock_fault_rule r;
        struct gk_err err = {0};
        enum gk_rc rc = mock_fault_parse("body", cases[i].json, strlen(cases[i].json), &r, &err);
        cr_assert_neq(rc, GK_OK, "accepted: %s", cases[i].json);
        cr_assert_not_null(strstr(err.msg, cases[i].msg), "%s\n  gave: %s\n  wanted: %s",
                           cases[i].json, err.msg, cases[i].msg);
        cr_assert_str_eq(r.name, "", "a refused rule is left zeroed");
    }
    GK_ASSERT_NO_LEAKS();
}

/* Which of n matching requests a single rule fires on, as a bit string. */
static void firing_pattern(const char *trigger, int n, char *out)
{
    char json[256];
    struct mock_fault_set set = {0};
    struct gk_rng rng;
    snprintf(json, sizeof json, "{\"name\":\"t\",\"trigger\":%s,\"action\":{\"status\":503}}",
             trigger);
    struct mock_fault_rule r = parse_ok(json);
    cr_assert_eq(mock_fault_add(&set, &r, NULL), GK_OK);
    gk_rng_init(&rng, 1);
    for (int i = 0; i < n; i++) {
        struct mock_fault_request q = {.method = GK_HTTP_GET, .route = GK_ROUTE_GET_MESSAGE,
                                       .workspace_id = "1", .polls = i + 1,
                                       .now_us = (int64_t)i * 1000000};
        out[i] = mock_fault_eval(&set, &q, &rng) != NULL ? '1' : '0';
    }
    out[n] = '\0';
    cr_assert_eq(set.rules[0].matched, n);
    mock_fault_set_cleanup(&set);
}

Test(fault, triggers_fire_on_the_right_requests)
{
    static const struct {
        const char *trigger, *pattern;
    } cases[] = {
        {"{}", "11111111"},
        {"{\"nth\": 3}", "00100000"},
        {"{\"first\": 2}", "11000000"},
        {"{\"every\": 3}", "00100100"},
        {"{\"from\": \"2s\", \"until\": \"5s\"}", "00111000"},
        {"{\"from\": \"6s\"}", "00000011"},
        {"{\"after_polls\": 5}", "00000111"},
        {"{\"every\": 2, \"first\": 5}", "01010000"},
        {"{\"probability\": 0}", "00000000"},
        {"{\"probability\": 1}", "11111111"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[16];
        firing_pattern(cases[i].trigger, 8, got);
        cr_assert_str_eq(got, cases[i].pattern, "trigger %s", cases[i].trigger);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(fault, matches_select_and_the_first_firing_rule_wins)
{
    struct mock_fault_set set = {0};
    struct gk_rng rng;
    struct mock_fault_rule a = parse_ok(
        "{\"name\":\"a\",\"match\":{\"route\":\"start_conversation\",\"content\":\"revenue\"},"
        "\"action\":{\"outcome\":\"failed\"}}");
    struct mock_fault_rule b = parse_ok(
        "{\"name\":\"b\",\"match\":{\"principal\":\"dev@example.com\",\"space\":\"s1\"},"
        "\"action\":{\"status\":403}}");
    struct mock_fault_rule c = parse_ok("{\"name\":\"c\",\"match\":{\"workspace\":\"9\"},"
                                        "\"trigger\":{\"nth\":2},\"action\":{\"status\":500}}");
    gk_rng_init(&rng, 1);
    mock_fault_add(&set, &a, NULL);
    mock_fault_add(&set, &b, NULL);
    mock_fault_add(&set, &c, NULL);

    struct mock_fault_request q = {.method = GK_HTTP_POST, .route = GK_ROUTE_START_CONVERSATION,
                                   .workspace_id = "9", .space_id = "s1",
                                   .principal = "dev@example.com",
                                   .content = "total revenue by month"};
    struct mock_fault_rule *hit = mock_fault_eval(&set, &q, &rng);
    cr_assert_str_eq(hit->name, "a");
    cr_assert_eq(set.rules[1].matched, 1, "later rules still count the match");
    cr_assert_eq(set.rules[1].fired, 0);

    q.content = "orders per day";
    hit = mock_fault_eval(&set, &q, &rng);
    cr_assert_str_eq(hit->name, "b");
    cr_assert_eq(set.rules[2].matched, 2);
    cr_assert_eq(set.rules[2].fired, 0, "c's 2nd match came after b fired");

    q.principal = "other@example.com";
    cr_assert_null(mock_fault_eval(&set, &q, &rng), "c fires only on its 2nd match");
    q.route = GK_ROUTE_GET_MESSAGE;
    q.method = GK_HTTP_GET;
    q.content = "total revenue";
    cr_assert_null(mock_fault_eval(&set, &q, &rng), "outcome rules ignore GETs");
    cr_assert_eq(set.rules[0].matched, 1);

    cr_assert(mock_fault_remove(&set, "b"));
    cr_assert_not(mock_fault_remove(&set, "b"));
    cr_assert_eq(set.count, 2);
    struct mock_fault_set copy = {0};
    cr_assert_eq(mock_fault_copy(&copy, &set, NULL), GK_OK);
    cr_assert_eq(copy.count, 2);
    cr_assert_str_eq(copy.rules[0].content, "revenue");
    mock_fault_set_cleanup(&copy);
    mock_fault_set_cleanup(&set);
    GK_ASSERT_NO_LEAKS();
}

Test(fault, a_rule_with_the_same_name_replaces_the_old_one)
{
    struct mock_fault_set set = {0};
    struct mock_fault_rule a = parse_ok("{\"name\":\"x\",\"action\":{\"status\":500}}");
    struct mock_fault_rule b = parse_ok("{\"name\":\"x\",\"action\":{\"status\":503}}");
    mock_fault_add(&set, &a, NULL);
    mock_fault_add(&set, &b, NULL);
    cr_assert_eq(set.count, 1);
    cr_assert_eq(set.rules[0].status, 503);
    size_t len;
    char *json = mock_fault_encode(&set, &len);
    cr_assert_not_null(strstr(json, "\"name\":\"x\""), "%s", json);
    cr_assert_not_null(strstr(json, "\"status\":503"), "%s", json);
    cr_assert_not_null(strstr(json, "\"fired\":0"), "%s", json);
    free(json);
    mock_fault_set_cleanup(&set);
    GK_ASSERT_NO_LEAKS();
}

Test(fault, delays_stay_within_their_bounds)
{
    struct gk_rng rng;
    struct mock_fault_delay u = {.kind = MOCK_FAULT_DELAY_UNIFORM, .min_us = 1000,
                                 .max_us = 3000};
    struct mock_fault_delay ln = {.kind = MOCK_FAULT_DELAY_LOGNORMAL, .median_us = 500000,
                                  .sigma = 2, .cap_us = 2000000};
    gk_rng_init(&rng, 3);
    int above_median = 0;
    for (int i = 0; i < 2000; i++) {
        int64_t d = mock_fault_delay_us(&u, &rng);
        cr_assert(d >= 1000 && d <= 3000);
        d = mock_fault_delay_us(&ln, &rng);
        cr_assert(d >= 0 && d <= 2000000);
        above_median += d > 500000;
    }
    cr_assert(above_median > 800 && above_median < 1200, "median near 500ms: %d", above_median);
    struct mock_fault_delay none = {0};
    cr_assert_eq(mock_fault_delay_us(&none, &rng), 0);
}
