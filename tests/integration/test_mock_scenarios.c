/*
 * The scenario catalogue (README.md, "Scenario catalogue"), one test per
 * built-in scenario, each asserting over HTTP what the table says a client
 * meets; and how built-ins load and inherit from each other ("base").
 * Lifecycle scenarios are here; the fault and limit ones are in
 * test_mock_scenarios_faults.c (same suite).
 *
 * Scenarios draw outcomes and timings from the seed (7 in every test), so
 * counts are exact on every run; the asserted ranges are what the README
 * promises, wide enough for any seed yet narrow enough to catch a fixture
 * that drifted from its description.
 */
#include "mockserver/builtin.h"
#include "tests/gk_test.h"
#include "tests/integration/mock_client.h"
#include "tests/integration/mock_default.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC INT64_C(1000)
#define MIN (60 * SEC)

static const char *const catalogue[] = {
    "default",
    "happy",
    "flaky",
    "rate-limited",
    "slow-warehouse",
    "ai-timeout",
    "failed-sql",
    "token-expiry-mid-poll",
    "permission-revoked",
    "overload",
    "result-expiry",
};
#define CATALOGUE (sizeof catalogue / sizeof catalogue[0])

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static const char *status_of(const struct h_reply *r)
{
    return h_str(r, "status") != NULL ? h_str(r, "status") : "(none)";
}

/* ---- loading and inheritance ---- */

Test(mock_scenarios, every_catalogue_scenario_is_built_in_and_serves_defaults_workspaces)
{
    size_t builtins = 0;
    for (const struct mock_builtin *b = mock_builtins; b->name != NULL; b++)
        builtins++;
    cr_assert_eq(builtins, CATALOGUE, "README lists %zu scenarios, %zu are built in",
                 CATALOGUE, builtins);
    for (size_t i = 0; i < CATALOGUE; i++) {
        struct mock_scenario sc;
        struct gk_err err = {0};
        const struct mock_builtin *b = mock_builtins;
        while (b->name != NULL && strcmp(b->name, catalogue[i]) != 0)
            b++;
        cr_assert_not_null(b->name, "%s is not built in", catalogue[i]);
        cr_assert_eq(mock_scenario_parse(b->name, b->text, b->len, &sc, &err), GK_OK,
                     "%s", gk_err_str(&err));
        cr_assert_str_eq(sc.name, catalogue[i]);
        /* Every one inherits from default, which has no base: no cycle. */
        if (strcmp(catalogue[i], "default") != 0)
            cr_assert(strstr(b->text, "\"base\": \"default\"") != NULL,
                      "%s does not inherit from default", b->name);
        else
            cr_assert_null(strstr(b->text, "\"base\""), "default has a base");
        /* Every one serves default's first workspace and developer PAT
         * (happy: only that one). */
        cr_assert_geq(sc.workspace_count, 1);
        cr_assert_str_eq(sc.workspaces[0].workspace_id,
                         strcmp(b->name, "happy") == 0 ? "1000000000000001" : WS0_ID);
        cr_assert_str_eq(sc.workspaces[0].principals[0].token, DEV0, "%s", b->name);
        cr_assert_eq(sc.workspace_count, strcmp(b->name, "happy") == 0 ? 1u : 2u, "%s",
                     b->name);
        mock_scenario_cleanup(&sc);

        struct mock *m = h_start(catalogue[i]);
        struct h_reply r = h_req(m, 0, "GET", PFX, NULL, DEV0);
        cr_assert_eq(r.status, 200, "%s: %ld %s", catalogue[i], r.status, r.body);
        h_free(&r);
        h_stop(m);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, a_base_gives_every_section_the_file_leaves_out)
{
    static const char text[] =
        "{\"base\":\"default\",\"limits\":{\"questions_per_window\":2}}";
    struct mock_scenario sc, def;
    struct gk_err err = {0};
    cr_assert_eq(mock_scenario_parse("mine.json", text, strlen(text), &sc, &err), GK_OK,
                 "%s", gk_err_str(&err));
    cr_assert_eq(mock_scenario_load("fixtures/scenarios/default.json", &def, &err),
                 GK_OK);

    cr_assert_str_eq(sc.name, "mine", "the name is never inherited");
    cr_assert(sc.has_seed && sc.seed == def.seed);
    cr_assert_eq(sc.workspace_count, def.workspace_count);
    cr_assert_eq(sc.space_count, def.space_count);
    for (size_t i = 0; i < sc.space_count; i++)
        cr_assert_str_eq(sc.spaces[i].space_id, def.spaces[i].space_id);
    /* behaviour is default.json's, not the documented defaults (ASKING_AI
     * 6..9 s, eight failure types). */
    cr_assert_eq(sc.behaviour.status_time[GK_MSG_ASKING_AI].max_us,
                 10 * INT64_C(1000000));
    cr_assert_eq(sc.behaviour.failure_type_count, def.behaviour.failure_type_count);
    cr_assert_eq(sc.limits.questions_per_window, 2, "the section the file sets wins");
    cr_assert_eq(sc.limits.question_window_us, def.limits.question_window_us);
    cr_assert_str_eq(sc.wire.rate_limit_error_code, def.wire.rate_limit_error_code);
    mock_scenario_cleanup(&sc);
    mock_scenario_cleanup(&def);

    /* Over the wire: default's credentials, the file's limit. */
    struct mock *m = h_start(text);
    h_start_conversation(m, 0, SALES, DEV0, "one");
    h_start_conversation(m, 0, STORE, DEV0, "two");
    struct h_reply r = h_req(m, 0, "POST", PFX "/" SALES "/start-conversation",
                             "{\"content\":\"three\"}", DEV0);
    h_expect_envelope(&r, 429, "REQUEST_LIMIT_EXCEEDED", NULL);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, a_base_of_a_base_inherits_through_both)
{
    static const char text[] = "{\"base\":\"flaky\",\"name\":\"flakier\"}";
    struct mock_scenario sc;
    struct gk_err err = {0};
    cr_assert_eq(mock_scenario_parse("x.json", text, strlen(text), &sc, &err), GK_OK,
                 "%s", gk_err_str(&err));
    cr_assert_str_eq(sc.name, "flakier");
    cr_assert_eq(sc.workspace_count, 2, "default's workspaces through flaky");
    cr_assert_eq(sc.faults.count, 4, "flaky's rules");
    cr_assert_str_eq(sc.faults.rules[0].name, "poll-503");
    mock_scenario_cleanup(&sc);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, a_bad_base_is_refused_naming_base)
{
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"{\"base\":\"nope\"}", "b.json: base: \"nope\" is not a built-in scenario ("},
        {"{\"base\":\"nope\"}", "default"},
        {"{\"base\":3}", "b.json: base: expected the name of a built-in scenario"},
        {"{\"base\":null}", "b.json: base: "},
        {"{\"base\":\"default\",\"limits\":{\"questions_per_window\":0}}",
         "b.json: limits.questions_per_window"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mock_scenario sc;
        struct gk_err err = {0};
        cr_assert_eq(mock_scenario_parse("b.json", cases[i].text, strlen(cases[i].text),
                                         &sc, &err),
                     GK_BAD_CONFIG, "%s", cases[i].text);
        cr_assert(strstr(gk_err_str(&err), cases[i].needle) != NULL, "%s: got \"%s\"",
                  cases[i].text, gk_err_str(&err));
        static const struct mock_scenario zero;
        cr_assert(memcmp(&sc, &zero, sizeof sc) == 0, "nothing is left behind");
    }
    GK_ASSERT_NO_LEAKS();
}

#define LINK(name, base)                                                                 \
    {                                                                                    \
        name, "{\"base\":\"" base "\"}", sizeof "{\"base\":\"" base "\"}" - 1            \
    }

Test(mock_scenarios, base_chains_are_bounded_and_cycles_refused)
{
    static const struct mock_builtin chain[] = {
        {"root", "{\"limits\":{\"questions_per_window\":7}}", 37},
        LINK("a", "root"),
        LINK("b", "a"),
        LINK("c", "b"),
        LINK("d", "c"),
        LINK("e", "d"),
        LINK("x", "y"),
        LINK("y", "x"),
        {NULL, NULL, 0},
    };
    cr_assert_eq(strlen(chain[0].text), chain[0].len);
    static const struct {
        const char *base;
        enum gk_rc rc;
    } cases[] = {
        {"root", GK_OK},      {"a", GK_OK},         {"b", GK_OK},
        {"c", GK_OK},         {"d", GK_BAD_CONFIG}, /* file -> d -> c -> b -> a -> root: 5
                                                       deep */
        {"e", GK_BAD_CONFIG}, {"x", GK_BAD_CONFIG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[64];
        struct mock_scenario sc;
        struct gk_err err = {0};
        snprintf(text, sizeof text, "{\"base\":\"%s\"}", cases[i].base);
        enum gk_rc rc =
            mock_scenario_parse_bases("f.json", text, strlen(text), chain, &sc, &err);
        cr_assert_eq(rc, cases[i].rc, "base %s: %s", cases[i].base, gk_err_str(&err));
        if (rc == GK_OK) {
            cr_assert_eq(sc.limits.questions_per_window, 7, "base %s", cases[i].base);
            mock_scenario_cleanup(&sc);
        } else {
            cr_assert(strstr(gk_err_str(&err), "base: bases nest more than 4 deep") !=
                          NULL,
                      "base %s: %s", cases[i].base, gk_err_str(&err));
        }
    }
    GK_ASSERT_NO_LEAKS();
}

/* ---- lifecycle scenarios ---- */

Test(mock_scenarios, default_answers_in_12_to_19_s_mostly_with_sql)
{
    struct mock *m = h_start("default");
    struct mc *c = mc_new(m, &(struct mc_opts){.questions = 200, .workspaces = 2});
    mc_run(c);
    size_t n = c->n, sql = 0, text = 0, failed = 0, cancelled = 0, k = 0;
    int64_t *took = calloc(n, sizeof *took);
    cr_assert_not_null(took);
    cr_assert_eq(n, 200);
    cr_assert_eq(mc_count_gave_up(c), 0, "nothing is stuck in default");
    for (size_t i = 0; i < n; i++) {
        const struct mc_msg *mm = &c->msgs[i];
        cr_assert(mm->done);
        if (mm->status == GK_MSG_COMPLETED && mm->query_att[0] != '\0') {
            sql++;
            took[k++] = mm->done_ts - mm->created_ts;
        }
        text += mm->status == GK_MSG_COMPLETED && mm->query_att[0] == '\0';
        failed += mm->status == GK_MSG_FAILED;
        cancelled += mm->status == GK_MSG_CANCELLED;
        if (mm->status == GK_MSG_FAILED)
            cr_assert(mm->error_type[0] != '\0', "a FAILED message says why");
    }
    qsort(took, k, sizeof *took, cmp_i64);
    cr_assert(sql >= 150 && sql <= 190, "SQL answers %zu of 200 (85%% planned)", sql);
    cr_assert(text >= 8 && text <= 35, "clarifying answers %zu of 200 (10%%)", text);
    cr_assert(failed + cancelled >= 2 && failed + cancelled <= 24,
              "FAILED %zu + CANCELLED %zu of 200 (5%%)", failed, cancelled);
    cr_assert_geq(took[0], 10 * SEC, "fastest SQL answer %lld ms", (long long)took[0]);
    cr_assert(took[k / 2] >= 12 * SEC && took[k / 2] <= 19 * SEC, "median %lld ms",
              (long long)took[k / 2]);
    cr_assert_leq(took[k * 8 / 10], 20 * SEC, "80th percentile %lld ms",
                  (long long)took[k * 8 / 10]);
    cr_assert_leq(took[k - 1], 40 * SEC, "slowest (waited for the warehouse) %lld ms",
                  (long long)took[k - 1]);
    free(took);
    mc_free(c);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, happy_has_one_space_and_every_question_completes_with_sql)
{
    struct mock *m = h_start("happy");
    cr_assert_eq(m->ws_count, 1);
    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, DEV0);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "spaces")), 1, "%s",
                 r.body);
    h_free(&r);

    struct mc *c = mc_new(m, &(struct mc_opts){.questions = 40, .fetch_results = true});
    mc_run(c);
    cr_assert_eq(c->n, 40);
    cr_assert_eq(mc_count_status(c, GK_MSG_COMPLETED), 40);
    for (size_t i = 0; i < c->n; i++) {
        cr_assert_neq(c->msgs[i].query_att[0], '\0', "message %zu has no query", i);
        cr_assert_eq(c->msgs[i].result_status, 200);
        cr_assert_str_eq(c->msgs[i].result_state, "SUCCEEDED");
    }
    cr_assert_eq(mc_sent(c, MC_POST), 40, "no question was refused");
    cr_assert_eq(mc_got(c, MC_POLL, 200), mc_sent(c, MC_POLL), "no poll failed");
    mc_free(c);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, failed_sql_fails_every_message_while_executing_with_a_sql_error)
{
    struct mock *m = h_start("failed-sql");
    struct mc *c = mc_new(m, &(struct mc_opts){.questions = 30,
                                               .workspaces = 2,
                                               .poll_factor = 1,
                                               .fetch_results = false});
    mc_run(c);
    cr_assert_eq(mc_count_status(c, GK_MSG_FAILED), 30);
    for (size_t i = 0; i < c->n; i++) {
        const struct mc_msg *mm = &c->msgs[i];
        cr_assert_geq(mm->entered[GK_MSG_EXECUTING_QUERY], 0,
                      "polled every second, the query was seen running");
        cr_assert_eq(mm->done_ts, mm->entered[GK_MSG_FAILED]);
        cr_assert_geq(mm->done_ts - mm->entered[GK_MSG_EXECUTING_QUERY], 1 * SEC);
        cr_assert(strstr(mm->error_type, "SQL") != NULL, "error type %s", mm->error_type);
        cr_assert_neq(mm->query_att[0], '\0', "the failed query is shown");
    }
    /* The failed statement, as the query result endpoint tells it. */
    const struct mc_msg *mm = &c->msgs[0];
    char path[384];
    snprintf(path, sizeof path,
             PFX "/%s/conversations/%s/messages/%s/attachments/%s/query-result",
             mm->space, mm->ids.conv, mm->ids.msg, mm->query_att);
    struct h_reply r = h_req(m, 0, "GET", path, NULL, DEV0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(strstr(r.body, "\"state\":\"FAILED\"") != NULL, "%s", r.body);
    h_free(&r);
    struct h_reply g = h_get_message(m, 0, mm->space, &mm->ids, DEV0);
    const cJSON *e = cJSON_GetObjectItem(g.json, "error");
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(e, "error")), "%s", g.body);
    cr_assert_str_eq(h_jstr(e, "type"), mm->error_type);
    h_free(&g);
    mc_free(c);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, slow_warehouse_waits_2_to_5_minutes_in_pending_warehouse)
{
    struct mock *m = h_start("slow-warehouse");
    struct mc *c = mc_new(
        m, &(struct mc_opts){
               .questions = 8, .workspaces = 2, .poll_first_ms = 2000, .poll_factor = 1});
    mc_run(c);
    cr_assert_eq(mc_count_status(c, GK_MSG_COMPLETED), 8);
    for (size_t i = 0; i < c->n; i++) {
        const struct mc_msg *mm = &c->msgs[i];
        cr_assert_geq(mm->entered[GK_MSG_PENDING_WAREHOUSE], 0, "message %zu", i);
        cr_assert_geq(mm->entered[GK_MSG_EXECUTING_QUERY], 0, "message %zu", i);
        int64_t waited =
            mm->entered[GK_MSG_EXECUTING_QUERY] - mm->entered[GK_MSG_PENDING_WAREHOUSE];
        cr_assert(waited >= 2 * MIN && waited <= 5 * MIN, "message %zu waited %lld ms", i,
                  (long long)waited);
        cr_assert_leq(mm->entered[GK_MSG_PENDING_WAREHOUSE] - mm->created_ts, 20 * SEC,
                      "the wait comes after the AI wrote the SQL");
    }
    mc_free(c);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_scenarios, ai_timeout_is_still_asking_ai_at_10_minutes_and_completes_later)
{
    struct mock *m = h_start("ai-timeout");
    const char *spaces[] = {SALES, STORE, SUPPLY};
    struct h_ids ids[3];
    int64_t left_ai[3] = {-1, -1, -1}, asked_ai[3] = {-1, -1, -1};
    for (int i = 0; i < 3; i++)
        ids[i] = h_start_conversation(m, 0, spaces[i], DEV0, "Total sales by region");
    h_advance_ms(m, 5 * SEC);
    for (int i = 0; i < 3; i++) {
        struct h_reply r = h_get_message(m, 0, spaces[i], &ids[i], DEV0);
        cr_assert_str_eq(status_of(&r), "ASKING_AI", "%s", r.body);
        asked_ai[i] = h_int(&r, "last_updated_timestamp");
        h_free(&r);
    }
    h_advance_ms(m, 10 * MIN - 5 * SEC); /* a 10-minute budget runs out here */
    for (int i = 0; i < 3; i++) {
        struct h_reply r = h_get_message(m, 0, spaces[i], &ids[i], DEV0);
        cr_assert_str_eq(status_of(&r), "ASKING_AI", "%s", r.body);
        h_free(&r);
    }
    /* Then every two seconds, until each has completed. */
    int done = 0;
    while (done < 3 && h_now_ms(m) < 25 * MIN) {
        h_advance_ms(m, 2 * SEC);
        done = 0;
        for (int i = 0; i < 3; i++) {
            struct h_reply r = h_get_message(m, 0, spaces[i], &ids[i], DEV0);
            const char *st = status_of(&r);
            if (left_ai[i] < 0 && strcmp(st, "ASKING_AI") != 0)
                left_ai[i] = h_int(&r, "last_updated_timestamp");
            done += strcmp(st, "COMPLETED") == 0;
            h_free(&r);
        }
    }
    cr_assert_eq(done, 3, "all completed by 25 minutes");
    for (int i = 0; i < 3; i++) {
        int64_t in_ai = left_ai[i] - asked_ai[i];
        cr_assert(in_ai >= 12 * MIN && in_ai <= 20 * MIN,
                  "message %d: %lld ms in ASKING_AI", i, (long long)in_ai);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

static struct h_reply statement(struct mock *m, const struct h_ids *ids, const char *att,
                                const char *method, const char *what)
{
    char path[384];
    snprintf(path, sizeof path,
             PFX "/" SALES "/conversations/%s/messages/%s/attachments/%s/%s", ids->conv,
             ids->msg, att, what);
    return h_req(m, 0, method, path, strcmp(method, "POST") == 0 ? "{}" : NULL, DEV0);
}

static const char *state_of(const struct h_reply *r)
{
    const cJSON *st = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "statement_response"), "status"),
        "state");
    return cJSON_IsString(st) ? st->valuestring : "(none)";
}

Test(mock_scenarios, result_expiry_expires_2_minutes_after_completed_until_execute_query)
{
    struct mock *m = h_start("result-expiry");
    struct h_ids ids = h_start_conversation(m, 0, SALES, DEV0, "Total sales by region");
    int64_t start = h_wall_ms(m);
    struct h_reply r;
    h_advance_ms(m, MIN); /* long done, whatever the draw */
    r = h_get_message(m, 0, SALES, &ids, DEV0);
    cr_assert_str_eq(status_of(&r), "COMPLETED", "%s", r.body);
    int64_t done = h_int(&r, "last_updated_timestamp");
    char att[64] = "";
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(r.json, "attachments"))
    {
        if (cJSON_GetObjectItem(a, "query") != NULL)
            snprintf(att, sizeof att, "%s", h_jstr(a, "attachment_id"));
    }
    cr_assert_neq(att[0], '\0', "every answer has SQL: %s", r.body);
    h_free(&r);
    cr_assert_lt(done - start, MIN);

    /* Just before two minutes: still there. Then expired. (Statuses
     * change on microseconds, timestamps are milliseconds: done may be up to
     * 1 ms before the true time it completed.) */
    h_advance_ms(m, done + 2 * MIN - 1 - h_wall_ms(m));
    r = h_get_message(m, 0, SALES, &ids, DEV0);
    cr_assert_str_eq(status_of(&r), "COMPLETED");
    h_free(&r);
    h_advance_ms(m, 2);
    r = h_get_message(m, 0, SALES, &ids, DEV0);
    cr_assert_str_eq(status_of(&r), "QUERY_RESULT_EXPIRED", "%s", r.body);
    cr_assert_eq(h_int(&r, "last_updated_timestamp"), done + 2 * MIN);
    h_free(&r);

    /* It stays expired until execute-query brings it back. */
    h_advance_ms(m, 30 * MIN);
    r = statement(m, &ids, att, "GET", "query-result");
    cr_assert_str_eq(state_of(&r), "CLOSED", "%s", r.body);
    h_free(&r);
    r = statement(m, &ids, att, "POST", "execute-query");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(state_of(&r), "RUNNING");
    h_free(&r);
    int64_t rerun = h_wall_ms(m);
    h_advance_ms(m, 10 * SEC);
    r = h_get_message(m, 0, SALES, &ids, DEV0);
    cr_assert_str_eq(status_of(&r), "COMPLETED", "%s", r.body);
    int64_t again = h_int(&r, "last_updated_timestamp");
    h_free(&r);
    cr_assert(again > rerun && again <= rerun + 6 * SEC, "re-run took %lld ms",
              (long long)(again - rerun));
    r = statement(m, &ids, att, "GET", "query-result");
    cr_assert_str_eq(state_of(&r), "SUCCEEDED", "%s", r.body);
    h_free(&r);

    /* And the new result expires two minutes after the re-run completed. */
    h_advance_ms(m, again + 2 * MIN + 1 - h_wall_ms(m));
    r = h_get_message(m, 0, SALES, &ids, DEV0);
    cr_assert_str_eq(status_of(&r), "QUERY_RESULT_EXPIRED", "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
