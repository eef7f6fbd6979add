/*
 * gen_summary: counters, percentiles, rates and the two reports
 * (generator/summary.h). Times are made up: nothing here reads a clock.
 */
#include "generator/json.h"
#include "generator/summary.h"
#include "tests/gk_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEC INT64_C(1000000)

static struct gen_record rec(const char *ws, enum gk_msg_status st, const char *outcome,
                             const char *error_type, int64_t ttt_ms)
{
    struct gen_record r = {0};
    r.workspace_id = ws;
    r.status = st;
    r.outcome = outcome;
    snprintf(r.error_type, sizeof r.error_type, "%s",
             error_type != NULL ? error_type : "");
    r.time_to_terminal_ms = ttt_ms;
    r.row_count = r.result_rows = -1;
    return r;
}

static void add(struct gen_summary *s, struct gen_record r)
{
    struct gk_err err = {0};
    cr_assert_eq(gen_summary_add(s, &r, &err), GK_OK, "%s", err.msg);
}

static int64_t named(const struct gen_summary_count *l, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].name, name) == 0)
            return l[i].count;
    return 0;
}

/* Three workspaces' worth of records, used by several tests. */
static void fill(struct gen_summary *s)
{
    add(s, rec("w1", GK_MSG_COMPLETED, "terminal", NULL, 1000));
    add(s, rec("w1", GK_MSG_COMPLETED, "terminal", NULL, 3000));
    add(s, rec("w1", GK_MSG_FAILED, "terminal", "SQL_EXECUTION_EXCEPTION", 2000));
    add(s, rec("w2", GK_MSG_EXECUTING_QUERY, "timeout", NULL, -1));
    add(s, rec("w2", GK_MSG_UNKNOWN, "rejected", "PERMISSION_DENIED", -1));
    add(s, rec("w2", GK_MSG_FAILED, "terminal", "SQL_EXECUTION_EXCEPTION", 4000));
    add(s, rec(NULL, GK_MSG_CANCELLED, "interrupted", NULL, -1));
}

Test(gen_summary, counts_records_by_status_outcome_and_workspace)
{
    struct gen_summary s;
    gen_summary_init(&s);
    fill(&s);
    cr_assert_eq(s.counts.records, 7);
    cr_assert_eq(s.counts.by_status[GK_MSG_COMPLETED], 2);
    cr_assert_eq(s.counts.by_status[GK_MSG_FAILED], 2);
    cr_assert_eq(s.counts.by_status[GK_MSG_UNKNOWN], 1);
    cr_assert_eq(named(s.counts.outcomes, s.counts.outcome_count, "terminal"), 4);
    cr_assert_eq(named(s.counts.outcomes, s.counts.outcome_count, "timeout"), 1);
    cr_assert_eq(s.ws_count, 3);
    cr_assert_str_eq(s.ws[0].workspace_id, "w1");
    cr_assert_str_eq(s.ws[1].workspace_id, "w2");
    cr_assert_str_eq(s.ws[2].workspace_id, "(none)");
    cr_assert_eq(s.ws[0].counts.records, 3);
    cr_assert_eq(s.ws[1].counts.records, 3);
    cr_assert_eq(s.ws[1].counts.by_status[GK_MSG_EXECUTING_QUERY], 1);
    int64_t sum = 0;
    for (size_t i = 0; i < s.ws_count; i++)
        sum += s.ws[i].counts.records;
    cr_assert_eq(sum, s.counts.records, "workspaces add up to the run");
    gen_summary_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_summary, errors_are_grouped_by_outcome_and_type)
{
    struct gen_summary s;
    gen_summary_init(&s);
    fill(&s);
    const struct gen_summary_counts *c = &s.counts;
    cr_assert_eq(c->error_records, 5);
    static const struct {
        const char *category;
        int64_t count;
    } expect[] = {
        {"terminal/SQL_EXECUTION_EXCEPTION", 2},
        {"timeout/EXECUTING_QUERY", 1},
        {"rejected/PERMISSION_DENIED", 1},
        {"interrupted/CANCELLED", 1},
    };
    cr_assert_eq(c->error_count, sizeof expect / sizeof expect[0]);
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        cr_assert_eq(named(c->errors, c->error_count, expect[i].category),
                     expect[i].count, "%s", expect[i].category);
    cr_assert_eq(named(s.ws[0].counts.errors, s.ws[0].counts.error_count,
                       "terminal/SQL_EXECUTION_EXCEPTION"),
                 1);
    gen_summary_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_summary, percentiles_are_exact_nearest_rank)
{
    static const struct {
        int64_t v[21];
        size_t n;
        int64_t p50, p95, max;
    } cases[] = {
        {{0}, 0, -1, -1, -1},
        {{7}, 1, 7, 7, 7},
        {{4, 1, 3, 2}, 4, 2, 4, 4},
        {{5, 5, 5}, 3, 5, 5, 5},
        {{20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1},
         20,
         10,
         19,
         20},
        {{100, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
         21,
         1,
         1,
         100},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_summary s;
        gen_summary_init(&s);
        for (size_t k = 0; k < cases[i].n; k++)
            add(&s, rec("w", GK_MSG_COMPLETED, "terminal", NULL, cases[i].v[k]));
        gen_summary_finish(&s);
        cr_assert_eq(s.times.p50_ms, cases[i].p50, "case %zu p50 %lld", i,
                     (long long)s.times.p50_ms);
        cr_assert_eq(s.times.p95_ms, cases[i].p95, "case %zu p95 %lld", i,
                     (long long)s.times.p95_ms);
        cr_assert_eq(s.times.max_ms, cases[i].max, "case %zu", i);
        gen_summary_cleanup(&s);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(gen_summary, only_terminal_records_have_a_time_to_terminal)
{
    struct gen_summary s;
    gen_summary_init(&s);
    fill(&s);
    gen_summary_finish(&s);
    cr_assert_eq(s.times.count, 4, "timeouts, rejections and unknown times are left out");
    cr_assert_eq(s.times.max_ms, 4000);
    cr_assert_eq(s.ws[1].times.count, 1);
    cr_assert_eq(s.ws[2].times.p50_ms, -1);
    /* An add after finish is counted at the next finish. */
    add(&s, rec("w1", GK_MSG_COMPLETED, "terminal", NULL, 9000));
    cr_assert_not(s.finished);
    gen_summary_finish(&s);
    cr_assert_eq(s.times.max_ms, 9000);
    gen_summary_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_summary, peak_counts_posts_in_any_sliding_minute)
{
    static const struct {
        int64_t t[8];
        size_t n;
        int64_t peak;
    } cases[] = {
        {{0}, 0, 0},
        {{0}, 1, 1},
        {{0, 15 * SEC, 30 * SEC, 45 * SEC, 60 * SEC, 75 * SEC}, 6, 4},
        {{0, 0, 0, 0, 60 * SEC, 60 * SEC}, 6, 4},  /* 60 s apart: different windows */
        {{0, 0, 0, 0, 60 * SEC - 1}, 5, 5},        /* 1 us short: the same window */
        {{10 * SEC, 0, 50 * SEC, 20 * SEC}, 4, 4}, /* unsorted input */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_summary s;
        gen_summary_init(&s);
        for (size_t k = 0; k < cases[i].n; k++)
            cr_assert_eq(gen_summary_add_post(&s, "w", cases[i].t[k], NULL), GK_OK);
        gen_summary_finish(&s);
        int64_t peak = s.ws_count > 0 ? s.ws[0].peak_60s : 0;
        cr_assert_eq(peak, cases[i].peak, "case %zu: %lld", i, (long long)peak);
        gen_summary_cleanup(&s);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(gen_summary, rate_is_intervals_over_the_span_between_first_and_last_post)
{
    static const struct {
        int64_t t[6];
        size_t n;
        double rate; /* < 0: unknown */
    } cases[] = {
        {{0}, 1, -1},
        {{5 * SEC, 5 * SEC}, 2, -1},
        {{0, 15 * SEC, 30 * SEC, 45 * SEC, 60 * SEC}, 5, 4.0},
        {{0, 12 * SEC, 24 * SEC, 36 * SEC}, 4, 5.0},
        {{0, 120 * SEC}, 2, 0.5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_summary s;
        gen_summary_init(&s);
        for (size_t k = 0; k < cases[i].n; k++)
            cr_assert_eq(gen_summary_add_post(&s, "w", cases[i].t[k], NULL), GK_OK);
        gen_summary_finish(&s);
        double got = s.ws[0].rate_per_min;
        if (cases[i].rate < 0)
            cr_assert_lt(got, 0, "case %zu: %g", i, got);
        else
            cr_assert_float_eq(got, cases[i].rate, 1e-9, "case %zu: %g", i, got);
        gen_summary_cleanup(&s);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(gen_summary, retries_and_429s_are_summed)
{
    struct gen_summary s;
    gen_summary_init(&s);
    struct gen_record a = rec("w1", GK_MSG_COMPLETED, "terminal", NULL, 1);
    struct gen_record b = rec("w2", GK_MSG_COMPLETED, "terminal", NULL, 1);
    a.retries = 2, a.throttled = 1;
    b.retries = 3, b.throttled = 4;
    add(&s, a);
    add(&s, b);
    cr_assert_eq(s.counts.retries, 5);
    cr_assert_eq(s.counts.throttled, 5);
    cr_assert_eq(s.ws[1].counts.throttled, 4);
    gen_summary_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

static int64_t get_i64(const struct gen_json_node *obj, const char *path)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    const struct gen_json_node *n = obj;
    for (char *part = strtok_r(buf, ".", &save); part != NULL;
         part = strtok_r(NULL, ".", &save))
        n = gen_json_get(n, part);
    int64_t v = -999;
    cr_assert(gen_json_int64(n, &v), "%s is not an integer", path);
    return v;
}

Test(gen_summary, the_json_report_carries_every_figure)
{
    struct gen_summary s;
    struct gen_json j;
    struct gk_err err = {0};
    char *text;
    size_t len;
    gen_summary_init(&s);
    fill(&s);
    s.resumed_done = 3;
    s.resumed_pending = 1;
    for (int k = 0; k < 5; k++)
        gen_summary_add_post(&s, "w1", k * 15 * SEC, NULL);
    cr_assert_eq(gen_summary_posts(&s), 5);
    cr_assert_eq(gen_summary_encode(&s, &text, &len, &err), GK_OK, "%s", err.msg);
    cr_assert_eq(text[len - 1], '\n');
    cr_assert_eq(gen_json_parse(&j, "summary", text, len, &err), GK_OK, "%s: %s", err.msg,
                 text);
    cr_assert_eq(get_i64(j.root, "records"), 7);
    cr_assert_eq(get_i64(j.root, "by_status.COMPLETED"), 2);
    cr_assert_eq(get_i64(j.root, "by_status.UNKNOWN"), 1);
    cr_assert_eq(get_i64(j.root, "by_outcome.terminal"), 4);
    cr_assert_eq(get_i64(j.root, "error_records"), 5);
    cr_assert_eq(get_i64(j.root, "time_to_terminal_ms.count"), 4);
    cr_assert_eq(get_i64(j.root, "time_to_terminal_ms.p50"), 2000);
    cr_assert_eq(get_i64(j.root, "time_to_terminal_ms.p95"), 4000);
    cr_assert_eq(get_i64(j.root, "time_to_terminal_ms.max"), 4000);
    cr_assert_eq(get_i64(j.root, "resumed.done"), 3);
    cr_assert_eq(get_i64(j.root, "resumed.pending"), 1);
    const struct gen_json_node *errors = gen_json_get(j.root, "errors");
    cr_assert_eq(get_i64(errors, "terminal/SQL_EXECUTION_EXCEPTION"), 2);
    const struct gen_json_node *ws = gen_json_child(gen_json_get(j.root, "workspaces"));
    cr_assert_str_eq(gen_json_string(gen_json_get(ws, "workspace_id")), "w1");
    cr_assert_eq(get_i64(ws, "posts"), 5);
    cr_assert_eq(get_i64(ws, "peak_60s"), 4);
    double rate = 0;
    cr_assert(gen_json_double(gen_json_get(ws, "rate_per_min"), &rate));
    cr_assert_float_eq(rate, 4.0, 1e-9);
    const struct gen_json_node *w2 = gen_json_next(ws);
    cr_assert_eq(gen_json_kind(gen_json_get(w2, "rate_per_min")), GEN_JSON_NULL,
                 "no POSTs: the rate is unknown, not 0");
    cr_assert_eq(gen_json_count(gen_json_get(j.root, "workspaces")), 3);
    gen_json_cleanup(&j);
    free(text);
    gen_summary_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_summary, the_human_report_shows_counts_times_and_each_workspace)
{
    struct gen_summary s;
    char *text = NULL;
    size_t len = 0;
    gen_summary_init(&s);
    fill(&s);
    s.resumed_done = 2;
    for (int k = 0; k < 3; k++)
        gen_summary_add_post(&s, "w2", k * 20 * SEC, NULL);
    FILE *out = open_memstream(&text, &len);
    cr_assert_eq(gen_summary_print(&s, out, NULL), GK_OK);
    fclose(out);
    static const char *const expect[] = {
        "7 messages, 2 completed, 5 with errors",
        "2 recorded by earlier runs",
        "EXECUTING_QUERY 1, COMPLETED 2, FAILED 2, CANCELLED 1, UNKNOWN 1",
        "terminal/SQL_EXECUTION_EXCEPTION 2",
        "p50 2.000 s, p95 4.000 s, max 4.000 s (4 messages)",
        "w1 ",
        "w2 ",
        "3.00", /* w2: 3 POSTs, 20 s apart */
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        cr_assert(strstr(text, expect[i]) != NULL, "missing \"%s\" in:\n%s", expect[i],
                  text);
    free(text);
    gen_summary_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_summary, the_json_file_is_replaced_whole)
{
    struct gen_summary s;
    struct gk_err err = {0};
    char dir[] = "/tmp/gk-gen-summary-XXXXXX", path[64], tmp[80];
    char *expect, *got = NULL;
    size_t len, got_len = 0;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/summary.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *old = fopen(path, "w");
    fputs("an older, longer summary that must not survive in part\n", old);
    fclose(old);

    gen_summary_init(&s);
    fill(&s);
    cr_assert_eq(gen_summary_write(&s, path, &err), GK_OK, "%s", err.msg);
    cr_assert_eq(gen_summary_encode(&s, &expect, &len, &err), GK_OK);
    FILE *in = fopen(path, "r");
    cr_assert_not_null(in);
    got = malloc(len + 64);
    got_len = fread(got, 1, len + 64, in);
    fclose(in);
    cr_assert_eq(got_len, len);
    cr_assert(memcmp(got, expect, len) == 0);
    cr_assert_neq(access(tmp, F_OK), 0, "no temporary file left behind");

    char missing[96];
    snprintf(missing, sizeof missing, "%s/no/such/dir/summary.json", dir);
    gk_err_clear(&err);
    cr_assert_eq(gen_summary_write(&s, missing, &err), GK_IO_ERROR);
    cr_assert(strstr(err.msg, missing) != NULL, "%s", err.msg);

    free(got);
    free(expect);
    unlink(path);
    rmdir(dir);
    gen_summary_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}
