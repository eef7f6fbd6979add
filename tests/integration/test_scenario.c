/*
 * scenario: loading scenario files (mockserver/scenario.h): the default
 * fixture, defaults, generated ids and file errors. Broken documents and
 * untrusted input are in test_scenario_errors.c.
 */
#include "common/rng.h"
#include "tests/integration/scenario_test.h"

#include <math.h>

/* ---- the default fixture ---- */

Test(scenario, default_fixture_has_two_workspaces_of_three_spaces)
{
    static const char *const titles[] = {"Sales analytics",           "Store operations",
                                         "Supply chain & operations", "Finance close",
                                         "Marketing performance",     "Customer support"};
    static const char *const domains[] = {"sales",   "retail",    "operations",
                                          "finance", "marketing", "support"};
    static const size_t tables[] = {3, 3, 3, 2, 2, 2};
    struct mock_scenario s;
    struct gk_err e;

    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_load(DEFAULT_FILE, &s, &e), GK_OK, "%s", e.msg);
    cr_assert_str_eq(s.name, "default");
    cr_assert(s.has_seed);
    cr_assert_eq(s.seed, 42);
    cr_assert_eq(s.workspace_count, 2);
    cr_assert_eq(s.space_count, 6);
    for (size_t i = 0; i < 6; i++) {
        const struct mock_space *sp = &s.spaces[i];
        cr_assert_str_eq(sp->title, titles[i]);
        cr_assert_str_eq(sp->domain, domains[i]);
        cr_assert(gk_id_valid(sp->space_id));
        cr_assert_eq(sp->workspace_index, i / 3);
        cr_assert_str_eq(s.workspaces[i / 3].spaces[i % 3], sp->space_id);
        cr_assert_eq(mock_scenario_space(&s, sp->space_id), sp);
        cr_assert_eq(sp->table_count, tables[i], "%s", sp->title);
        cr_assert(sp->sample_question_count >= 3 && sp->sample_question_count <= 5);
        cr_assert_gt(sp->create_time_ms, 0);
        for (size_t t = 0; t < sp->table_count; t++) {
            const struct mock_table *tb = &sp->tables[t];
            cr_assert(tb->column_count >= 5 && tb->column_count <= 9, "%s", tb->name);
            cr_assert_gt(tb->row_count, 0);
            for (size_t c = 0; c < tb->column_count; c++)
                cr_assert(tb->columns[c].min <= tb->columns[c].max);
        }
    }
    cr_assert_str_eq(s.workspaces[0].workspace_id, "3141592653589793");
    cr_assert_str_eq(s.workspaces[1].workspace_id, "2718281828459045");
    cr_assert_eq(mock_scenario_workspace(&s, "2718281828459045"), &s.workspaces[1]);
    cr_assert_null(mock_scenario_workspace(&s, "1111111111111111"));
    cr_assert_null(mock_scenario_space(&s, "00000000000000000000000000000000"));
    mock_scenario_cleanup(&s);
    cr_assert(is_zeroed(&s));
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, default_fixture_has_a_developer_a_service_principal_and_an_analyst)
{
    struct mock_scenario s;
    struct gk_err e;

    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_load(DEFAULT_FILE, &s, &e), GK_OK, "%s", e.msg);
    for (size_t w = 0; w < 2; w++) {
        const struct mock_workspace *ws = &s.workspaces[w];
        cr_assert_eq(ws->principal_count, 3);
        const struct mock_principal *dev = &ws->principals[0], *svc = &ws->principals[1],
                                    *analyst = &ws->principals[2];
        cr_assert_str_eq(dev->name, "dev@example.com");
        cr_assert(is_pat(dev->token));
        cr_assert(dev->all_spaces && dev->can_manage);
        cr_assert_null(svc->token);
        cr_assert_not_null(svc->client_id);
        cr_assert_not_null(svc->client_secret);
        cr_assert(is_pat(analyst->token));
        cr_assert(!analyst->all_spaces && !analyst->can_manage);
        cr_assert_eq(analyst->space_count, 1);
        for (size_t k = 0; k < 3; k++) {
            const char *id = ws->spaces[k];
            cr_assert(mock_scenario_may_use(dev, id));
            cr_assert_eq(mock_scenario_may_use(analyst, id), w == 0 ? k == 0 : k == 2);
        }
    }
    cr_assert_str_neq(s.workspaces[0].principals[0].token,
                      s.workspaces[1].principals[0].token);
    cr_assert_eq(s.workspaces[0].principals[0].user_id, 4213378824551907);
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, default_fixture_behaves_like_the_real_service)
{
    struct mock_scenario s;
    struct gk_err e;

    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_load(DEFAULT_FILE, &s, &e), GK_OK, "%s", e.msg);
    const struct mock_outcomes *o = &s.behaviour.outcomes;
    cr_assert_float_eq(o->completed_sql + o->completed_text + o->failed + o->cancelled +
                           o->stuck,
                       1.0, 1e-12);
    cr_assert_float_eq(o->completed_sql, 0.85, 1e-12);
    cr_assert_eq(s.behaviour.status_time[GK_MSG_SUBMITTED].min_us, 300000);
    cr_assert_eq(s.behaviour.status_time[GK_MSG_ASKING_AI].max_us, 10 * US);
    cr_assert_eq(s.behaviour.status_time[GK_MSG_PENDING_WAREHOUSE].max_us, 20 * US);
    cr_assert_eq(s.behaviour.result_expiry_us, 24 * 3600 * US);
    cr_assert_eq(s.behaviour.failure_type_count, 5);
    cr_assert_eq(s.limits.questions_per_window, 5);
    cr_assert_eq(s.limits.question_window_us, 60 * US);
    cr_assert_eq(s.limits.max_body, 1024 * 1024);
    cr_assert_eq(s.limits.max_result_rows, 5000);
    cr_assert_eq(s.limits.token_ttl_us, 3600 * US);
    cr_assert_str_eq(s.wire.rate_limit_error_code, "REQUEST_LIMIT_EXCEEDED");
    cr_assert(s.wire.legacy_query_result && !s.wire.text_attachment_ids);
    /* main.sales.orders.order_date: DATE 2025-01-01 .. 2026-10-31 as epoch days */
    const struct mock_column *d = &s.spaces[0].tables[0].columns[1];
    cr_assert_eq(d->type, GK_COLTYPE_DATE);
    cr_assert_float_eq(d->min, 20089, 0);
    cr_assert_float_eq(d->max, 20757, 0);
    const struct mock_column *amount = &s.spaces[0].tables[0].columns[8];
    cr_assert_eq(amount->type, GK_COLTYPE_DECIMAL);
    cr_assert_eq(amount->precision, 18);
    cr_assert_eq(amount->scale, 2);
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, the_complete_example_in_the_docs_loads)
{
    static const char marker[] = "## A complete example";
    size_t len;
    char *doc = read_text("docs/scenario.md", &len);
    struct mock_scenario s;
    struct gk_err e;

    const char *at = strstr(doc, marker);
    cr_assert_not_null(at);
    const char *start = strstr(at, "```json\n");
    cr_assert_not_null(start);
    start += strlen("```json\n");
    const char *end = strstr(start, "```");
    cr_assert_not_null(end);
    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_parse("scenario.md", start, (size_t)(end - start), &s, &e),
                 GK_OK, "%s", e.msg);
    cr_assert_str_eq(s.name, "checkout-team");
    cr_assert_eq(s.workspaces[0].port, 8401);
    cr_assert_eq(s.space_count, 2);
    cr_assert_eq(s.spaces[0].tables[0].column_count, 6);
    cr_assert_eq(s.workspaces[0].principals[1].space_count, 1);
    cr_assert_str_eq(s.workspaces[0].principals[1].spaces[0], s.spaces[0].space_id);
    cr_assert(is_pat(s.workspaces[0].principals[2].token));
    mock_scenario_cleanup(&s);
    free(doc);
    GK_ASSERT_NO_LEAKS();
}

/* ---- defaults ---- */

Test(scenario, an_empty_object_is_a_scenario_with_every_default)
{
    struct mock_scenario s;
    struct gk_err e;

    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_parse("empty.json", "{}", 2, &s, &e), GK_OK, "%s", e.msg);
    cr_assert_str_eq(s.name, "empty");
    cr_assert(!s.has_seed);
    cr_assert_eq(s.workspace_count, 0);
    cr_assert_eq(s.space_count, 0);
    cr_assert_float_eq(s.behaviour.outcomes.completed_sql, 0.85, 1e-12);
    cr_assert_float_eq(s.behaviour.pending_warehouse_ratio, 0.1, 1e-12);
    int64_t total_min = 0, total_max = 0;
    for (int i = GK_MSG_SUBMITTED; i <= GK_MSG_EXECUTING_QUERY; i++) {
        cr_assert_leq(s.behaviour.status_time[i].min_us,
                      s.behaviour.status_time[i].max_us);
        if (i != GK_MSG_PENDING_WAREHOUSE) {
            total_min += s.behaviour.status_time[i].min_us;
            total_max += s.behaviour.status_time[i].max_us;
        }
    }
    cr_assert(total_min >= 10 * US && total_max <= 19 * US, "%lld..%lld us",
              (long long)total_min, (long long)total_max);
    cr_assert_gt(s.behaviour.failure_type_count, 0);
    cr_assert_eq(s.limits.questions_per_window, 5);
    cr_assert_eq(s.limits.requests_per_second, 0);
    cr_assert_eq(s.limits.max_conversations_per_space, 10000);
    cr_assert_eq(s.limits.page_size_default, 20);
    cr_assert_eq(s.limits.page_size_max, 100);
    cr_assert_str_eq(s.wire.rate_limit_error_code, "REQUEST_LIMIT_EXCEEDED");
    cr_assert(s.wire.legacy_query_result);
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, a_bare_workspace_gets_ids_and_a_developer_with_a_token)
{
    struct mock_scenario s;
    struct gk_err e;

    cr_assert_eq(parse("{\"workspaces\": [{\"spaces\": [{}]}]}", &s, &e), GK_OK, "%s",
                 e.msg);
    const struct mock_workspace *ws = &s.workspaces[0];
    cr_assert_eq(strlen(ws->workspace_id), 16);
    cr_assert(gk_id_uuid_valid(ws->account_id));
    cr_assert_eq(ws->principal_count, 1);
    cr_assert_str_eq(ws->principals[0].name, "dev@example.com");
    cr_assert(is_pat(ws->principals[0].token));
    cr_assert(ws->principals[0].all_spaces && ws->principals[0].can_manage);
    cr_assert_gt(ws->principals[0].user_id, 999999999999999);
    const struct mock_space *sp = &s.spaces[0];
    cr_assert(gk_id_valid(sp->space_id));
    cr_assert_eq(strlen(sp->warehouse_id), 16);
    cr_assert_str_eq(sp->title, "Space 1");
    cr_assert_str_eq(sp->description, "");
    cr_assert_str_eq(sp->domain, "general");
    cr_assert_eq(sp->parent_path[0], '/');
    cr_assert_eq(sp->table_count, 0);
    /* A generated space id carries its creation time, like real ones. */
    int64_t ms;
    cr_assert_eq(gk_id_epoch_ms(sp->space_id, &ms, NULL), GK_OK);
    cr_assert_eq(ms, sp->create_time_ms);
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, column_types_get_their_default_type_text)
{
    static const struct {
        const char *type;
        enum gk_coltype want;
        const char *type_text;
    } cases[] = {
        {"STRING", GK_COLTYPE_STRING, "STRING"},
        {"LONG", GK_COLTYPE_LONG, "BIGINT"},
        {"INT", GK_COLTYPE_INT, "INT"},
        {"DOUBLE", GK_COLTYPE_DOUBLE, "DOUBLE"},
        {"DECIMAL", GK_COLTYPE_DECIMAL, "DECIMAL(18,2)"},
        {"DATE", GK_COLTYPE_DATE, "DATE"},
        {"TIMESTAMP", GK_COLTYPE_TIMESTAMP, "TIMESTAMP"},
        {"BOOLEAN", GK_COLTYPE_BOOLEAN, "BOOLEAN"},
    };
    char json[256];
    struct mock_scenario s;
    struct gk_err e;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(json, sizeof json,
                 "{\"workspaces\":[{\"spaces\":[{\"tables\":[{\"name\":\"a.b.c\","
                 "\"columns\":[{\"name\":\"x\",\"type\":\"%s\"}]}]}]}]}",
                 cases[i].type);
        cr_assert_eq(parse(json, &s, &e), GK_OK, "%s: %s", cases[i].type, e.msg);
        const struct mock_column *c = &s.spaces[0].tables[0].columns[0];
        cr_assert_eq(c->type, cases[i].want, "%s", cases[i].type);
        cr_assert_str_eq(c->type_text, cases[i].type_text);
        cr_assert_eq(s.spaces[0].tables[0].row_count, 1000);
        mock_scenario_cleanup(&s);
    }
    /* And without a type a column is a STRING. */
    cr_assert_eq(parse("{\"workspaces\":[{\"spaces\":[{\"tables\":[{\"name\":\"a.b.c\","
                       "\"columns\":[{\"name\":\"x\"}]}]}]}]}",
                       &s, &e),
                 GK_OK, "%s", e.msg);
    cr_assert_eq(s.spaces[0].tables[0].columns[0].type, GK_COLTYPE_STRING);
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, ranges_are_stored_in_days_and_one_bound_never_crosses_the_other)
{
    struct mock_scenario s;
    struct gk_err e;
    const char *json =
        "{\"workspaces\":[{\"spaces\":[{\"tables\":[{\"name\":\"a.b.c\",\"columns\":["
        "{\"name\":\"d\",\"type\":\"DATE\",\"min\":\"1970-01-02\",\"max\":\"2000-03-01\"}"
        ","
        "{\"name\":\"t\",\"type\":\"TIMESTAMP\",\"min\":\"1970-01-01T12:00:00Z\","
        "\"max\":\"1970-01-03\"},"
        "{\"name\":\"n\",\"type\":\"LONG\",\"min\":5000000},"
        "{\"name\":\"m\",\"type\":\"DECIMAL\",\"type_text\":\"decimal(5, 2)\"},"
        "{\"name\":\"q\",\"type\":\"INT\",\"max\":-3,\"null_ratio\":0.25}]}]}]}]}";

    cr_assert_eq(parse(json, &s, &e), GK_OK, "%s", e.msg);
    const struct mock_column *c = s.spaces[0].tables[0].columns;
    cr_assert_float_eq(c[0].min, 1, 0);
    cr_assert_float_eq(c[0].max, 11017, 0);
    cr_assert_float_eq(c[1].min, 0.5, 1e-12);
    cr_assert_float_eq(c[1].max, 2, 0);
    cr_assert_float_eq(c[2].min, 5000000, 0);
    cr_assert_float_eq(c[2].max, 5000000, 0);
    cr_assert_eq(c[3].precision, 5);
    cr_assert_eq(c[3].scale, 2);
    cr_assert_float_eq(c[3].max, 999.99, 1e-9);
    cr_assert_float_eq(c[4].min, -3, 0);
    cr_assert_float_eq(c[4].max, -3, 0);
    cr_assert_float_eq(c[4].null_ratio, 0.25, 0);
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, outcome_weights_are_normalised_and_left_out_ones_weigh_nothing)
{
    struct mock_scenario s;
    struct gk_err e;

    cr_assert_eq(
        parse("{\"behaviour\":{\"outcomes\":{\"failed\":3,\"stuck\":1}}}", &s, &e), GK_OK,
        "%s", e.msg);
    cr_assert_float_eq(s.behaviour.outcomes.failed, 0.75, 1e-12);
    cr_assert_float_eq(s.behaviour.outcomes.stuck, 0.25, 1e-12);
    cr_assert_float_eq(s.behaviour.outcomes.completed_sql, 0, 0);
    mock_scenario_cleanup(&s);
    cr_assert_eq(
        parse("{\"behaviour\":{\"status_time\":{\"ASKING_AI\":\"2s\"}}}", &s, &e), GK_OK,
        "%s", e.msg);
    cr_assert_eq(s.behaviour.status_time[GK_MSG_ASKING_AI].min_us, 2 * US);
    cr_assert_eq(s.behaviour.status_time[GK_MSG_ASKING_AI].max_us, 2 * US);
    cr_assert_eq(s.behaviour.status_time[GK_MSG_SUBMITTED].min_us, 300000,
                 "kept default");
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, principals_name_spaces_by_id_or_title)
{
    struct mock_scenario s;
    struct gk_err e;
    const char *json =
        "{\"workspaces\":[{\"spaces\":["
        "{\"space_id\":\"0123456789abcdef0123456789abcdef\",\"title\":\"A\"},"
        "{\"title\":\"B\"},{\"title\":\"C\"}],"
        "\"principals\":[{\"name\":\"p\",\"token\":\"t1\","
        "\"spaces\":[\"0123456789abcdef0123456789abcdef\",\"C\",\"A\"]},"
        "{\"name\":\"q\",\"client_id\":\"c\",\"client_secret\":\"s\",\"spaces\":[]},"
        "{\"name\":\"r\",\"user_id\":\"9999999999999999\"}]}]}";

    cr_assert_eq(parse(json, &s, &e), GK_OK, "%s", e.msg);
    const struct mock_principal *p = s.workspaces[0].principals;
    cr_assert_eq(p[0].space_count, 2, "A twice counts once");
    cr_assert(mock_scenario_may_use(&p[0], s.spaces[0].space_id));
    cr_assert(!mock_scenario_may_use(&p[0], s.spaces[1].space_id));
    cr_assert(mock_scenario_may_use(&p[0], s.spaces[2].space_id));
    cr_assert(!p[0].can_manage);
    cr_assert_null(p[1].token, "OAuth only: no PAT is made up");
    cr_assert(!mock_scenario_may_use(&p[1], s.spaces[0].space_id));
    cr_assert(p[2].all_spaces, "no spaces key means all");
    cr_assert(is_pat(p[2].token));
    cr_assert_eq(p[2].user_id, INT64_C(9999999999999999));
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

/* ---- determinism ---- */

static void collect_ids(const struct mock_scenario *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (size_t w = 0; w < s->workspace_count; w++) {
        const struct mock_workspace *ws = &s->workspaces[w];
        n += (size_t)snprintf(buf + n, cap - n, "%s %s ", ws->workspace_id,
                              ws->account_id);
        for (size_t p = 0; p < ws->principal_count; p++)
            n += (size_t)snprintf(buf + n, cap - n, "%s %lld ", ws->principals[p].token,
                                  (long long)ws->principals[p].user_id);
    }
    for (size_t i = 0; i < s->space_count; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s %s ", s->spaces[i].space_id,
                              s->spaces[i].warehouse_id);
}

#define IDS_JSON(seed)                                                                   \
    "{" seed "\"workspaces\":[{\"spaces\":[{},{}],"                                      \
    "\"principals\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"                               \
    "{\"spaces\":[{}],\"principals\":[{\"name\":\"a\"}]}]}"

Test(scenario, generated_ids_are_the_same_on_every_load)
{
    char json[512], first[2048], again[2048], other[2048], unseeded[2048];
    struct mock_scenario s;
    struct gk_err e;

    snprintf(json, sizeof json, "%s", IDS_JSON("\"seed\": 7,"));
    cr_assert_eq(parse(json, &s, &e), GK_OK, "%s", e.msg);
    collect_ids(&s, first, sizeof first);
    /* realistic sharing: one account, one warehouse per workspace, one user id per name
     */
    cr_assert_str_eq(s.workspaces[0].account_id, s.workspaces[1].account_id);
    cr_assert_str_eq(s.spaces[0].warehouse_id, s.spaces[1].warehouse_id);
    cr_assert_str_neq(s.spaces[0].warehouse_id, s.spaces[2].warehouse_id);
    cr_assert_str_neq(s.spaces[0].space_id, s.spaces[1].space_id);
    cr_assert_eq(s.workspaces[0].principals[0].user_id,
                 s.workspaces[1].principals[0].user_id);
    cr_assert_neq(s.workspaces[0].principals[0].user_id,
                  s.workspaces[0].principals[1].user_id);
    cr_assert_str_neq(s.workspaces[0].principals[0].token,
                      s.workspaces[1].principals[0].token);
    mock_scenario_cleanup(&s);

    cr_assert_eq(parse(json, &s, &e), GK_OK);
    collect_ids(&s, again, sizeof again);
    mock_scenario_cleanup(&s);
    cr_assert_str_eq(first, again);

    snprintf(json, sizeof json, "%s", IDS_JSON("\"seed\": 8,"));
    cr_assert_eq(parse(json, &s, &e), GK_OK);
    collect_ids(&s, other, sizeof other);
    mock_scenario_cleanup(&s);
    cr_assert_str_neq(first, other, "another seed, other ids");

    snprintf(json, sizeof json, "%s", IDS_JSON(""));
    cr_assert_eq(parse(json, &s, &e), GK_OK);
    collect_ids(&s, unseeded, sizeof unseeded);
    mock_scenario_cleanup(&s);
    snprintf(json, sizeof json, "%s", IDS_JSON("\"seed\": \"0\","));
    cr_assert_eq(parse(json, &s, &e), GK_OK);
    cr_assert(s.has_seed);
    collect_ids(&s, other, sizeof other);
    mock_scenario_cleanup(&s);
    cr_assert_str_eq(unseeded, other, "no seed means seed 0");
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, a_missing_file_is_an_io_error_naming_the_path)
{
    struct mock_scenario s;
    struct gk_err e;

    memset(&s, 0xa5, sizeof s);
    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_load("fixtures/scenarios/no-such.json", &s, &e),
                 GK_IO_ERROR);
    cr_assert_str_eq(
        e.msg, "fixtures/scenarios/no-such.json: cannot open: No such file or directory");
    cr_assert(is_zeroed(&s));
    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_load("fixtures/scenarios", &s, &e), GK_IO_ERROR);
    cr_assert_str_eq(e.msg, "fixtures/scenarios: cannot read: Is a directory");
    cr_assert(is_zeroed(&s));
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, a_broken_file_names_its_path)
{
    char path[] = "/tmp/gk-scenario-XXXXXX";
    struct mock_scenario s;
    struct gk_err e;
    int fd = mkstemp(path);

    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"limits\": {\"page_size_max\": 0}}\n", f);
    fclose(f);
    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_load(path, &s, &e), GK_BAD_CONFIG);
    remove(path);
    cr_assert(strncmp(e.msg, path, strlen(path)) == 0, "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, ": limits.page_size_max: expected an integer"), "%s",
                       e.msg);
    cr_assert(is_zeroed(&s));
    GK_ASSERT_NO_LEAKS();
}
