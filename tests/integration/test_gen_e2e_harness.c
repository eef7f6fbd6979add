/*
 * gen_e2e harness (gen_e2e.h): a scaled in-process genie-mock, genie-gen's
 * config and run, and reading back what both remember. No tests here.
 *
 * The journal and the audit are both rings of the last 100,000 calls; the
 * suites make a few hundred, so nothing is lost. They are read under the
 * mock's lock (observe is not thread-safe) once genie-gen is done.
 */
#include "tests/integration/gen_e2e.h"

#include "common/lifecycle.h"
#include "common/log.h"
#include "generator/config.h"
#include "generator/plan.h"
#include "generator/run.h"
#include "tests/gk_test.h"

#include <cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void e2e_watchdog(void)
{
    alarm(E2E_TIMEOUT_S);
}

void e2e_start(struct e2e *e, const char *scenario, double scale)
{
    struct mock_opts o = {
        .scenario_path = scenario, .has_seed = true, .seed = 7, .time_scale = scale};
    struct gk_err err = {0};

    memset(e, 0, sizeof *e);
    /* A reply written to a connection the other side closed must not kill
     * the test process (libcurl and MHD use MSG_NOSIGNAL; this is a belt). */
    signal(SIGPIPE, SIG_IGN);
    e->scale = scale;
    snprintf(e->dir, sizeof e->dir, "/tmp/gk-gen-e2e-XXXXXX");
    cr_assert_not_null(mkdtemp(e->dir));
    snprintf(e->config, sizeof e->config, "%s/gen.json", e->dir);
    snprintf(e->output, sizeof e->output, "%s/records.jsonl", e->dir);
    snprintf(e->state, sizeof e->state, "%s.state", e->output);
    snprintf(e->summary, sizeof e->summary, "%s/summary.json", e->dir);
    snprintf(e->log, sizeof e->log, "%s/gen.log", e->dir);
    if (mock_new(&o, &e->m, &err) != GK_OK || mock_start(e->m, &err) != GK_OK) {
        mock_free(e->m);
        cr_assert_fail("mock did not start: %s", gk_err_str(&err));
    }
}

void e2e_stop(struct e2e *e)
{
    mock_free(e->m);
    e->m = NULL;
    DIR *d = opendir(e->dir);
    if (d == NULL)
        return;
    struct dirent *de;
    char path[400];
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", e->dir, de->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(e->dir);
}

/* The first principal of workspace i with a PAT (or an OAuth client). */
static const struct mock_principal *principal(const struct mock *m, size_t i, bool oauth)
{
    const struct mock_workspace *def = m->ws[i].def;
    for (size_t k = 0; k < def->principal_count; k++) {
        const struct mock_principal *p = &def->principals[k];
        if (p->all_spaces && (oauth ? p->client_id != NULL : p->token != NULL))
            return p;
    }
    cr_assert_fail("workspace %zu has no %s principal for every space", i,
                   oauth ? "OAuth" : "PAT");
    return NULL;
}

void e2e_write_config(struct e2e *e, bool oauth, const char *extra)
{
    FILE *f = fopen(e->config, "w");
    cr_assert_not_null(f);
    fprintf(f, "{%s%s\"workspaces\": [\n", extra != NULL ? extra : "",
            extra != NULL ? ",\n " : "");
    for (size_t i = 0; i < e->m->ws_count; i++) {
        const struct mock_principal *p = principal(e->m, i, oauth);
        fprintf(f, "  {\"workspace_id\": \"%s\", \"host\": \"http://127.0.0.1:%u\", ",
                e->m->ws[i].def->workspace_id, (unsigned)mock_port(e->m, i));
        if (oauth)
            fprintf(f, "\"client_id\": \"%s\", \"client_secret\": \"%s\"}", p->client_id,
                    p->client_secret);
        else
            fprintf(f, "\"token\": \"%s\"}", p->token);
        fprintf(f, "%s\n", i + 1 < e->m->ws_count ? "," : "");
    }
    fprintf(f, "]}\n");
    cr_assert_eq(fclose(f), 0);
}

int e2e_argv(const struct e2e *e, const char *const *more, const char **argv, size_t cap)
{
    static char scale[32];
    snprintf(scale, sizeof scale, "%g", e->scale);
    const char *base[] = {"genie-gen", "--config",  e->config,  "--output",
                          e->output,   "--summary", e->summary, "--time-scale",
                          scale,       "--seed",    "7",        "--log-level",
                          "warn"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        argv[n++] = base[i];
    for (size_t i = 0; more != NULL && more[i] != NULL; i++) {
        cr_assert_lt(n, cap - 1);
        argv[n++] = more[i];
    }
    argv[n] = NULL;
    return (int)n;
}

static const char *no_env(const char *name, void *ctx)
{
    (void)name, (void)ctx;
    return NULL;
}

void e2e_load(const struct e2e *e, struct gen_config *cfg, const char *const *more)
{
    const char *argv[64];
    struct gk_err err = {0};
    int argc = e2e_argv(e, more, argv, 64);
    memset(cfg, 0, sizeof *cfg);
    cr_assert_eq(gen_config_load(cfg, argc, (char *const *)argv, no_env, NULL, &err),
                 GK_OK, "%s", gk_err_str(&err));
}

enum gk_rc e2e_run(struct e2e *e, struct gen_config *cfg,
                   volatile sig_atomic_t *interrupted, struct gk_err *err)
{
    struct gen_run_opts o = {.cfg = cfg, .interrupted = interrupted};
    int saved = dup(STDERR_FILENO);
    int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    cr_assert(saved >= 0 && fd >= 0);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    close(fd);
    gk_log_set_level((enum gk_log_level)cfg->log_level);
    enum gk_rc rc = gen_run(&o, err);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    return rc;
}

void e2e_plan(const struct e2e *e, struct gen_config *cfg, struct gen_plan *plan)
{
    struct gen_banks banks = {0};
    struct gk_err err = {0};
    for (size_t i = 0; i < cfg->workspace_count; i++) {
        struct gen_workspace *ws = &cfg->workspaces[i];
        if (ws->space_count > 0)
            continue;
        const struct mock_workspace *def = e->m->ws[i].def;
        ws->spaces = calloc(def->space_count + 1, sizeof *ws->spaces);
        cr_assert_not_null(ws->spaces);
        for (size_t k = 0; k < def->space_count; k++)
            cr_assert_not_null(ws->spaces[k].space_id = strdup(def->spaces[k]));
        ws->space_count = def->space_count;
    }
    cr_assert_eq(gen_banks_load(&banks, cfg->questions_dir, &err), GK_OK, "%s",
                 gk_err_str(&err));
    cr_assert_eq(gen_plan_build(plan, cfg, &banks, &err), GK_OK, "%s", gk_err_str(&err));
    gen_banks_cleanup(&banks);
}

/* ---- records ---- */

void e2e_records_read(const char *path, struct e2e_records *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char *line = NULL;
    size_t cap = 0, no = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        struct gk_err err = {0};
        char where[64];
        snprintf(where, sizeof where, "records:%zu", ++no);
        out->r = realloc(out->r, (out->n + 1) * sizeof *out->r);
        cr_assert_not_null(out->r);
        cr_assert_eq(
            gen_output_record_decode(line, (size_t)len, where, &out->r[out->n], &err),
            GK_OK, "%s", gk_err_str(&err));
        out->n++;
    }
    free(line);
    fclose(f);
}

void e2e_records_free(struct e2e_records *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        gen_record_copy_cleanup(&rs->r[i]);
    free(rs->r);
    memset(rs, 0, sizeof *rs);
}

const struct gen_record *e2e_record(const struct e2e_records *rs, const char *key)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].rec.key, key) == 0)
            return &rs->r[i].rec;
    return NULL;
}

static bool has_text(const char *s)
{
    return s != NULL && s[0] != '\0';
}

void e2e_expect_one_record_each(const struct e2e_records *rs, const struct gen_plan *plan)
{
    for (size_t i = 0; i < rs->n; i++)
        for (size_t j = i + 1; j < rs->n; j++)
            cr_assert_str_neq(rs->r[i].rec.key, rs->r[j].rec.key, "two records for %s",
                              rs->r[i].rec.key);
    cr_assert_eq(rs->n, plan->count, "%zu records for %zu planned questions", rs->n,
                 plan->count);
    for (size_t i = 0; i < plan->count; i++) {
        const char *key = plan->questions[i].key;
        const struct gen_record *r = e2e_record(rs, key);
        cr_assert_not_null(r, "no record for %s", key);
        const char *o = r->outcome != NULL ? r->outcome : "(null)";
        if (strcmp(o, "terminal") == 0)
            cr_assert(gk_lifecycle_is_terminal(r->status), "%s: terminal in %s", key,
                      gk_types_msg_status_name(r->status));
        else if (strcmp(o, "rejected") == 0 || strcmp(o, "error") == 0)
            cr_assert(has_text(r->error_message), "%s: %s without the server's message",
                      key, o);
        else
            cr_assert(strcmp(o, "skipped") == 0 || strcmp(o, "timeout") == 0,
                      "%s: outcome %s", key, o);
        if (strcmp(o, "skipped") != 0 && strcmp(o, "error") != 0)
            cr_assert(has_text(r->message_id), "%s: %s without a message id", key, o);
    }
}

size_t e2e_count_outcome(const struct e2e_records *rs, const char *outcome)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->n; i++)
        n += rs->r[i].rec.outcome != NULL && strcmp(rs->r[i].rec.outcome, outcome) == 0;
    return n;
}

/* ---- the journal, joined with the audit ---- */

static void copy(char *dst, size_t cap, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(dst, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static cJSON *observe(const struct mock *m, bool audit)
{
    size_t len = 0;
    pthread_mutex_lock((pthread_mutex_t *)&m->lock);
    char *text = audit ? mock_observe_audit(m->observe, 0, &len)
                       : mock_observe_journal(m->observe, NULL, &len);
    pthread_mutex_unlock((pthread_mutex_t *)&m->lock);
    cr_assert_not_null(text);
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    cr_assert_not_null(j);
    return j;
}

/* What the audit row of request_id says: the error sent, and the message a
 * question POST created. */
static void join_audit(const cJSON *audit, struct e2e_event *e)
{
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(audit, "events"))
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(row, "request_id");
        if (!cJSON_IsString(id) || strcmp(id->valuestring, e->request_id) != 0)
            continue;
        const cJSON *resp = cJSON_GetObjectItemCaseSensitive(row, "response");
        copy(e->error, sizeof e->error, resp, "error_message");
        const cJSON *result = cJSON_GetObjectItemCaseSensitive(resp, "result");
        if (cJSON_IsString(result)) {
            cJSON *ids = cJSON_Parse(result->valuestring);
            copy(e->message_id, sizeof e->message_id, ids, "message_id");
            cJSON_Delete(ids);
        }
        return;
    }
}

void e2e_events_read(const struct mock *m, struct e2e_events *out)
{
    cJSON *journal = observe(m, false), *audit = observe(m, true);
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(journal, "events");
    int n = cJSON_GetArraySize(events);

    memset(out, 0, sizeof *out);
    out->ev = calloc((size_t)n + 1, sizeof *out->ev);
    cr_assert_not_null(out->ev);
    for (int i = n - 1; i >= 0; i--) { /* the journal is newest first */
        const cJSON *j = cJSON_GetArrayItem(events, i);
        struct e2e_event *e = &out->ev[out->n];
        copy(e->route, sizeof e->route, j, "route");
        if (e->route[0] == '\0')
            continue; /* admin calls, unknown paths */
        e->t_us = (int64_t)cJSON_GetObjectItemCaseSensitive(j, "time_us")->valuedouble;
        e->status = cJSON_GetObjectItemCaseSensitive(j, "status")->valueint;
        copy(e->ws, sizeof e->ws, j, "workspace_id");
        copy(e->method, sizeof e->method, j, "method");
        copy(e->path, sizeof e->path, j, "path");
        copy(e->request_id, sizeof e->request_id, j, "request_id");
        copy(e->principal, sizeof e->principal, j, "principal");
        e->question = strcmp(e->route, "start_conversation") == 0 ||
                      strcmp(e->route, "create_message") == 0;
        const char *msg = strstr(e->path, "/messages/");
        if (msg != NULL)
            snprintf(e->message_id, sizeof e->message_id, "%.32s",
                     msg + strlen("/messages/"));
        join_audit(audit, e);
        out->n++;
    }
    cJSON_Delete(journal);
    cJSON_Delete(audit);
}

void e2e_events_free(struct e2e_events *evs)
{
    free(evs->ev);
    memset(evs, 0, sizeof *evs);
}

int e2e_max_questions_in_window(const struct e2e_events *evs, const char *ws,
                                int64_t window_us, int64_t *at)
{
    int most = 0;
    for (size_t i = 0; i < evs->n; i++) {
        const struct e2e_event *a = &evs->ev[i];
        if (!a->question || strcmp(a->ws, ws) != 0)
            continue;
        int in = 0;
        for (size_t j = 0; j < evs->n; j++) {
            const struct e2e_event *b = &evs->ev[j];
            in += b->question && strcmp(b->ws, ws) == 0 && b->t_us >= a->t_us &&
                  b->t_us < a->t_us + window_us;
        }
        if (in > most) {
            most = in;
            if (at != NULL)
                *at = a->t_us;
        }
    }
    return most;
}

int64_t e2e_summary_peak(const struct e2e *e, const char *ws)
{
    FILE *f = fopen(e->summary, "r");
    char buf[1 << 16];
    size_t len;
    int64_t peak = -1;
    cr_assert_not_null(f, "no summary file %s", e->summary);
    len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    cJSON *j = cJSON_ParseWithLength(buf, len);
    cr_assert_not_null(j, "the summary is not JSON");
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(j, "workspaces"))
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(w, "workspace_id");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(w, "peak_60s");
        if (cJSON_IsString(id) && strcmp(id->valuestring, ws) == 0 && cJSON_IsNumber(p))
            peak = (int64_t)p->valuedouble;
    }
    cJSON_Delete(j);
    return peak;
}

int64_t e2e_report(const struct mock *m, const char *field, char **text)
{
    size_t len = 0;
    pthread_mutex_lock((pthread_mutex_t *)&m->lock);
    char *json = mock_observe_report(m->observe, gk_clock_now_us(&m->clock), true, &len);
    pthread_mutex_unlock((pthread_mutex_t *)&m->lock);
    cr_assert_not_null(json);
    cJSON *j = cJSON_ParseWithLength(json, len);
    cr_assert_not_null(j);
    int64_t n = 0;
    if (field == NULL) {
        n = (int64_t)cJSON_GetObjectItemCaseSensitive(j, "violations")->valuedouble;
    } else {
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(j, "principals"))
        {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, field);
            cr_assert(cJSON_IsNumber(v), "the report has no %s", field);
            n += (int64_t)v->valuedouble;
        }
    }
    cJSON_Delete(j);
    if (text != NULL)
        *text = json;
    else
        free(json);
    return n;
}
