/*
 * scenario.c: loading a scenario file into a struct mock_scenario: the
 * entry points, the top level, behaviour, limits and wire, and cleanup. The
 * file format is docs/scenario.md.
 *
 * Module layout (each file opens with its own design notes):
 *   scenario.c            this: entry points, top-level sections, cleanup
 *   scenario_workspace.c  workspaces and their principals
 *   scenario_space.c      spaces with their tables and columns
 *   scenario_json.c       the strict JSON reader (the only cJSON user); it
 *                         keeps the key path that every message names
 *   scenario_check.c      JSON-free value rules and the uniqueness checks,
 *                         which run on the finished struct
 *
 * Invariant that makes loading all-or-nothing cheap: every array is
 * allocated zeroed at its final size and its count is set before its
 * elements are filled, so a half-built scenario is always a valid input for
 * mock_scenario_cleanup(). Error paths just return; the entry point cleans
 * up once and zeroes *out.
 *
 * Defaults: everything that is not a string is set before reading
 * (set_defaults) and overwritten by what the file says; strings are set
 * after reading, when still NULL (mock_sj_dup). The seed is read before
 * anything else, since generated ids derive from it.
 */
#include "mockserver/scenario.h"

#include "common/config.h"
#include "common/lifecycle.h"
#include "common/rlimit.h"
#include "mockserver/builtin.h"
#include "mockserver/scenario_check.h"
#include "mockserver/scenario_json.h"
#include "mockserver/scenario_read.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_S    INT64_C(1000000)
#define DAY_US      (INT64_C(86400) * US_PER_S)
#define WEIGHT_MAX  1e9
#define READ_CHUNK  65536
#define SPAN_MAX_US DAY_US /* time in one status */

/* ---- string rules ---- */

static bool line_nonempty(const char *s)
{
    return s[0] != '\0' && mock_scenario_text_ok(s, false);
}

static bool rate_code_ok(const char *s)
{
    return strcmp(s, "REQUEST_LIMIT_EXCEEDED") == 0 ||
           strcmp(s, "RESOURCE_EXHAUSTED") == 0 || strcmp(s, "TOO_MANY_REQUESTS") == 0;
}

static const struct mock_sj_text rule_line = {line_nonempty, "non-empty text on one line",
                                              false};
static const struct mock_sj_text rule_failure_type = {
    mock_scenario_failure_type_ok, "a MessageErrorType ([A-Z0-9_], at most 63)", false};
static const struct mock_sj_text rule_rate_code = {
    rate_code_ok, "one of REQUEST_LIMIT_EXCEEDED, RESOURCE_EXHAUSTED, TOO_MANY_REQUESTS",
    false};

static const char *const default_failure_types[] = {
    "SQL_EXECUTION_EXCEPTION",
    "GENERIC_SQL_EXEC_API_CALL_EXCEPTION",
    "WAREHOUSE_NOT_FOUND_EXCEPTION",
    "INVALID_SQL_UNKNOWN_TABLE_EXCEPTION",
    "CHAT_COMPLETION_CLIENT_TIMEOUT_EXCEPTION",
    "GENERIC_CHAT_COMPLETION_EXCEPTION",
    "REPLY_PROCESS_TIMEOUT_EXCEPTION",
    "CONTEXT_EXCEEDED_EXCEPTION",
    NULL,
};

/* ---- helpers ---- */

/* The defaults of everything that is not a string (strings are set after
 * reading, when still NULL). Status times give 11-19 s end to end without
 * PENDING_WAREHOUSE, as real messages take 12-19 s. */
static void set_defaults(struct mock_scenario *s)
{
    static const struct mock_span times[GK_MSG_STATUS_COUNT] = {
        [GK_MSG_SUBMITTED] = {300000, 800000},
        [GK_MSG_FETCHING_METADATA] = {1000000, 2000000},
        [GK_MSG_FILTERING_CONTEXT] = {1000000, 2000000},
        [GK_MSG_ASKING_AI] = {6000000, 9000000},
        [GK_MSG_PENDING_WAREHOUSE] = {2000000, 20000000},
        [GK_MSG_EXECUTING_QUERY] = {3000000, 5000000},
    };
    struct mock_behaviour *b = &s->behaviour;

    b->outcomes = (struct mock_outcomes){0.85, 0.10, 0.04, 0.01, 0};
    memcpy(b->status_time, times, sizeof times);
    b->pending_warehouse_ratio = 0.1;
    b->result_expiry_us = 24 * 3600 * US_PER_S;
    s->limits = (struct mock_limits){
        .questions_per_window = 5,
        .question_window_us = 60 * US_PER_S,
        .requests_per_second = 0,
        .max_body = 1024 * 1024,
        .max_conversations_per_space = 10000,
        .max_result_rows = 5000,
        .page_size_default = 20,
        .page_size_max = 100,
        .token_ttl_us = 3600 * US_PER_S,
    };
    s->wire.legacy_query_result = true;
}

/* ---- behaviour ---- */

static enum gk_rc read_outcomes(struct mock_sj *r, const struct mock_sj_node *b,
                                struct mock_outcomes *o)
{
    static const char *const keys[] = {"completed_sql", "completed_text", "failed",
                                       "cancelled",     "stuck",          NULL};
    double *w[] = {&o->completed_sql, &o->completed_text, &o->failed, &o->cancelled,
                   &o->stuck};
    const struct mock_sj_node *v = mock_sj_get(b, "outcomes");
    double sum = 0;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, "outcomes");
    enum gk_rc rc = mock_sj_object(r, v, keys);
    /* A given mix replaces the default one: outcomes it leaves out weigh 0. */
    for (size_t i = 0; keys[i] != NULL && rc == GK_OK; i++) {
        *w[i] = 0;
        rc = mock_sj_double(r, v, keys[i], 0, WEIGHT_MAX, w[i]);
        sum += *w[i];
    }
    if (rc != GK_OK)
        return rc;
    if (sum <= 0)
        return mock_sj_fail(r, "the weights add up to 0: give one a positive weight");
    for (size_t i = 0; keys[i] != NULL; i++)
        *w[i] /= sum;
    mock_sj_pop(r, mark);
    return GK_OK;
}

static enum gk_rc read_status_time(struct mock_sj *r, const struct mock_sj_node *b,
                                   struct mock_span *times)
{
    const char *keys[GK_LIFECYCLE_RUNNING_COUNT + 1];
    const struct mock_sj_node *v = mock_sj_get(b, "status_time");
    struct gk_err e;

    if (v == NULL)
        return GK_OK;
    for (int i = 0; i < GK_LIFECYCLE_RUNNING_COUNT; i++)
        keys[i] = gk_types_msg_status_name((enum gk_msg_status)i);
    keys[GK_LIFECYCLE_RUNNING_COUNT] = NULL;
    size_t mark = mock_sj_push_key(r, "status_time");
    enum gk_rc rc = mock_sj_object(r, v, keys);
    /* Statuses left out keep their default. */
    for (int i = 0; i < GK_LIFECYCLE_RUNNING_COUNT && rc == GK_OK; i++) {
        const struct mock_sj_node *t = mock_sj_get(v, keys[i]);
        if (t == NULL)
            continue;
        size_t at = mock_sj_push_key(r, keys[i]);
        const char *text = mock_sj_str(t);
        gk_err_clear(&e);
        if (text == NULL)
            return mock_sj_fail(
                r, "expected a duration (\"2s\") or a span (\"1s..3s\"), got %s",
                mock_sj_kind(t));
        if (mock_scenario_parse_span(text, SPAN_MAX_US, &times[i], &e) != GK_OK)
            return mock_sj_fail(r, "%s", e.msg);
        mock_sj_pop(r, at);
    }
    mock_sj_pop(r, mark);
    return rc;
}

static enum gk_rc read_behaviour(struct mock_sj *r, const struct mock_sj_node *root,
                                 struct mock_behaviour *b)
{
    static const char *const keys[] = {
        "outcomes",      "status_time",   "pending_warehouse_ratio",
        "failure_types", "result_expiry", NULL};
    const struct mock_sj_node *v = mock_sj_get(root, "behaviour");
    enum gk_rc rc = GK_OK;
    size_t mark = mock_sj_push_key(r, "behaviour");

    if (v != NULL) {
        rc = mock_sj_object(r, v, keys);
        if (rc == GK_OK)
            rc = read_outcomes(r, v, &b->outcomes);
        if (rc == GK_OK)
            rc = read_status_time(r, v, b->status_time);
        if (rc == GK_OK)
            rc = mock_sj_double(r, v, "pending_warehouse_ratio", 0, 1,
                                &b->pending_warehouse_ratio);
        if (rc == GK_OK)
            rc = mock_sj_strings(r, v, "failure_types", &rule_failure_type,
                                 &b->failure_types, &b->failure_type_count);
        if (rc == GK_OK)
            rc = mock_sj_duration(r, v, "result_expiry", 0, 366 * DAY_US,
                                  &b->result_expiry_us);
    }
    if (rc == GK_OK && b->failure_types == NULL) {
        size_t n = sizeof default_failure_types / sizeof default_failure_types[0] - 1;
        b->failure_types = calloc(n, sizeof *b->failure_types);
        if (b->failure_types == NULL)
            return mock_sj_oom(r);
        b->failure_type_count = n;
        for (size_t i = 0; i < n && rc == GK_OK; i++)
            rc = mock_sj_dup(r, &b->failure_types[i], default_failure_types[i]);
    }
    if (rc == GK_OK && b->outcomes.failed > 0 && b->failure_type_count == 0) {
        mock_sj_push_key(r, "failure_types");
        return mock_sj_fail(r, "name at least one type while outcomes.failed > 0");
    }
    mock_sj_pop(r, mark);
    return rc;
}

/* ---- limits and wire ---- */

enum limit_kind { LIMIT_INT, LIMIT_DURATION, LIMIT_SIZE };

struct limit_row {
    const char *key;
    enum limit_kind kind;
    size_t offset; /* into struct mock_limits: int, int64_t or size_t by kind */
    int64_t min, max;
};

#define LIMIT(key, kind, field, min, max)                                                \
    {                                                                                    \
        key, kind, offsetof(struct mock_limits, field), min, max                         \
    }

static const struct limit_row limit_rows[] = {
    LIMIT("questions_per_window", LIMIT_INT, questions_per_window, 1, GK_RLIMIT_LIMIT_MAX),
    LIMIT("question_window", LIMIT_DURATION, question_window_us, 1000, DAY_US),
    LIMIT("requests_per_second", LIMIT_INT, requests_per_second, 0, GK_RLIMIT_LIMIT_MAX),
    LIMIT("max_body", LIMIT_SIZE, max_body, 1024, INT64_C(1) << 30),
    LIMIT("max_conversations_per_space", LIMIT_INT, max_conversations_per_space, 1,
          100000000),
    LIMIT("max_result_rows", LIMIT_INT, max_result_rows, 1, 1000000),
    LIMIT("page_size_default", LIMIT_INT, page_size_default, 1, 10000),
    LIMIT("page_size_max", LIMIT_INT, page_size_max, 1, 10000),
    LIMIT("token_ttl", LIMIT_DURATION, token_ttl_us, US_PER_S, 30 * DAY_US),
};
#define LIMIT_ROWS (sizeof limit_rows / sizeof limit_rows[0])

static enum gk_rc read_limits(struct mock_sj *r, const struct mock_sj_node *root,
                              struct mock_limits *l)
{
    const struct mock_sj_node *v = mock_sj_get(root, "limits");
    const char *keys[LIMIT_ROWS + 1];

    if (v == NULL)
        return GK_OK;
    for (size_t i = 0; i < LIMIT_ROWS; i++)
        keys[i] = limit_rows[i].key;
    keys[LIMIT_ROWS] = NULL;
    size_t mark = mock_sj_push_key(r, "limits");
    enum gk_rc rc = mock_sj_object(r, v, keys);
    for (size_t i = 0; i < LIMIT_ROWS && rc == GK_OK; i++) {
        const struct limit_row *row = &limit_rows[i];
        void *field = (char *)l + row->offset;
        if (row->kind == LIMIT_INT) {
            int *f = field;
            int64_t x = *f;
            rc = mock_sj_int(r, v, row->key, row->min, row->max, &x);
            *f = (int)x;
        } else if (row->kind == LIMIT_DURATION) {
            rc = mock_sj_duration(r, v, row->key, row->min, row->max, field);
        } else {
            size_t *f = field;
            int64_t x = (int64_t)*f;
            rc = mock_sj_size(r, v, row->key, row->min, row->max, &x);
            *f = (size_t)x;
        }
    }
    if (rc == GK_OK && l->page_size_default > l->page_size_max) {
        mock_sj_push_key(r, "page_size_default");
        return mock_sj_fail(r, "%d is larger than page_size_max (%d)",
                            l->page_size_default, l->page_size_max);
    }
    mock_sj_pop(r, mark);
    return rc;
}

static enum gk_rc read_wire(struct mock_sj *r, const struct mock_sj_node *root,
                            struct mock_wire *w)
{
    static const char *const keys[] = {"rate_limit_error_code", "text_attachment_ids",
                                       "typed_rows_deprecated", "legacy_query_result",
                                       NULL};
    const struct mock_sj_node *v = mock_sj_get(root, "wire");
    enum gk_rc rc = GK_OK;
    size_t mark = mock_sj_push_key(r, "wire");

    if (v != NULL) {
        rc = mock_sj_object(r, v, keys);
        if (rc == GK_OK)
            rc = mock_sj_string(r, v, "rate_limit_error_code", &rule_rate_code,
                                &w->rate_limit_error_code);
        if (rc == GK_OK)
            rc = mock_sj_bool(r, v, "text_attachment_ids", &w->text_attachment_ids);
        if (rc == GK_OK)
            rc = mock_sj_bool(r, v, "typed_rows_deprecated", &w->typed_rows_deprecated);
        if (rc == GK_OK)
            rc = mock_sj_bool(r, v, "legacy_query_result", &w->legacy_query_result);
    }
    if (rc == GK_OK)
        rc = mock_sj_dup(r, &w->rate_limit_error_code, "REQUEST_LIMIT_EXCEEDED");
    mock_sj_pop(r, mark);
    return rc;
}

/* "faults": fault rules (mockserver/fault.h), in the order they are tried. */
static enum gk_rc read_faults(struct mock_sj *r, const struct mock_sj_node *root,
                              struct mock_fault_set *set)
{
    const struct mock_sj_node *v = mock_sj_get(root, "faults");
    size_t n = 0, i = 0;
    enum gk_rc rc;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, "faults");
    rc = mock_sj_array(r, v, "an array of fault rules", &n);
    for (const struct mock_sj_node *e = mock_sj_first(v); rc == GK_OK && e != NULL;
         e = mock_sj_next(e), i++) {
        struct mock_fault_rule rule;
        size_t at = mock_sj_push_index(r, i);
        rc = mock_fault_read(r, e, &rule);
        for (size_t k = 0; rc == GK_OK && k < set->count; k++)
            if (strcmp(set->rules[k].name, rule.name) == 0)
                rc = mock_sj_fail(r, "name: \"%s\" is already the name of faults[%zu]",
                                  rule.name, k);
        if (rc == GK_OK && (rc = mock_fault_add(set, &rule, r->err)) != GK_OK)
            rc = mock_sj_oom(r);
        mock_fault_rule_cleanup(&rule);
        mock_sj_pop(r, at);
    }
    mock_sj_pop(r, mark);
    return rc;
}

/* ---- the whole file ---- */

static enum gk_rc read_root(struct mock_sj *r, struct mock_scenario *s,
                            const char *default_name)
{
    static const char *const keys[] = {"name",   "seed", "workspaces", "behaviour",
                                       "limits", "wire", "faults",     "base", NULL};
    const struct mock_sj_node *root = r->root;

    set_defaults(s);
    enum gk_rc rc = mock_sj_object(r, root, keys);
    /* The seed first: generated ids depend on it. */
    if (rc == GK_OK)
        rc = mock_sj_id_number(r, root, "seed", 0, UINT64_MAX, &s->seed);
    s->has_seed = mock_sj_get(root, "seed") != NULL;
    if (rc == GK_OK)
        rc = mock_sj_string(r, root, "name", &rule_line, &s->name);
    if (rc == GK_OK)
        rc = mock_sj_dup(r, &s->name, default_name);
    if (rc == GK_OK)
        rc = mock_scenario_read_workspaces(r, s);
    if (rc == GK_OK)
        rc = read_behaviour(r, root, &s->behaviour);
    if (rc == GK_OK)
        rc = read_limits(r, root, &s->limits);
    if (rc == GK_OK)
        rc = read_wire(r, root, &s->wire);
    if (rc == GK_OK)
        rc = read_faults(r, root, &s->faults);
    return rc;
}

/* "fixtures/scenarios/default.json" -> "default". */
static void base_name(const char *file, char *buf, size_t cap)
{
    const char *slash = strrchr(file, '/');
    const char *base = slash != NULL ? slash + 1 : file;
    size_t len = strlen(base);

    if (len > 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    /* Fall back rather than cut a long name (a cut could split a UTF-8
     * sequence). */
    if (len == 0 || len >= cap || !mock_scenario_text_ok(base, false))
        base = "scenario", len = strlen(base);
    snprintf(buf, cap, "%.*s", (int)len, base);
}

/* "base": the built-in scenario whose sections this one inherits (each
 * top-level key the file leaves out), resolved recursively. Built-ins are
 * trusted text, but a base chain still has a depth bound, so a cycle among
 * them (a fixture edited by mistake) is an error, not a stack overflow. */
#define BASE_DEPTH_MAX 4

static enum gk_rc resolve_base(struct mock_sj *r, const struct mock_builtin *bases,
                               int depth)
{
    static const char *const skip[] = {"name", "base", NULL};
    const struct mock_sj_node *v = mock_sj_get(r->root, "base");
    const char *want = mock_sj_str(v);
    enum gk_rc rc;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, "base");
    if (want == NULL) {
        rc = mock_sj_fail(r, "expected the name of a built-in scenario, got %s",
                          mock_sj_kind(v));
        goto out;
    }
    if (depth >= BASE_DEPTH_MAX) {
        rc = mock_sj_fail(r, "bases nest more than %d deep (is there a cycle?)",
                          BASE_DEPTH_MAX);
        goto out;
    }
    const struct mock_builtin *b = bases;
    while (b->name != NULL && strcmp(b->name, want) != 0)
        b++;
    if (b->name == NULL) {
        char names[256] = "";
        for (const struct mock_builtin *x = bases; x->name != NULL; x++)
            if (strlen(names) + strlen(x->name) + 3 < sizeof names)
                strcat(strcat(names, names[0] ? ", " : ""), x->name);
        rc = mock_sj_fail(r, "\"%.64s\" is not a built-in scenario (%s)", want, names);
        goto out;
    }
    struct mock_sj base;
    if ((rc = mock_sj_parse(&base, b->name, b->text, b->len, r->err)) == GK_OK &&
        (rc = resolve_base(&base, bases, depth + 1)) == GK_OK)
        rc = mock_sj_inherit(r, &base, skip);
    mock_sj_cleanup(&base);
out:
    mock_sj_pop(r, mark);
    return rc;
}

enum gk_rc mock_scenario_parse(const char *name, const char *text, size_t len,
                               struct mock_scenario *out, struct gk_err *err)
{
    return mock_scenario_parse_bases(name, text, len, mock_builtins, out, err);
}

enum gk_rc mock_scenario_parse_bases(const char *name, const char *text, size_t len,
                                     const struct mock_builtin *bases,
                                     struct mock_scenario *out, struct gk_err *err)
{
    struct mock_sj r;
    char base[128];

    memset(out, 0, sizeof *out);
    if (name == NULL)
        name = "scenario";
    base_name(name, base, sizeof base);
    enum gk_rc rc = mock_sj_parse(&r, name, text, len, err);
    if (rc == GK_OK)
        rc = resolve_base(&r, bases, 0);
    if (rc == GK_OK)
        rc = read_root(&r, out, base);
    mock_sj_cleanup(&r);
    if (rc == GK_OK)
        rc = mock_scenario_check_unique(name, out, err);
    if (rc != GK_OK)
        mock_scenario_cleanup(out);
    return rc;
}

enum gk_rc mock_scenario_load(const char *path, struct mock_scenario *out,
                              struct gk_err *err)
{
    char why[128];
    char *buf = NULL;
    size_t len = 0, cap = 0;
    enum gk_rc rc = GK_OK;

    memset(out, 0, sizeof *out);
    if (path == NULL)
        return gk_err_set(err, GK_IO_ERROR, "scenario: no file name");
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        strerror_r(errno, why, sizeof why);
        return gk_err_set(err, GK_IO_ERROR, "%s: cannot open: %s", path, why);
    }
    /* Read up to one byte past the cap, so a file of exactly the cap fits
     * and a larger one is known to be larger. */
    for (;;) {
        if (len == cap) {
            if (cap > MOCK_SJ_TEXT_MAX) {
                rc = gk_err_set(err, GK_BAD_CONFIG, "%s: larger than %u MiB", path,
                                MOCK_SJ_TEXT_MAX >> 20);
                break;
            }
            size_t want = cap ? cap * 2 : READ_CHUNK;
            want = want > MOCK_SJ_TEXT_MAX ? MOCK_SJ_TEXT_MAX + 1 : want;
            char *grown = realloc(buf, want);
            if (grown == NULL) {
                rc = gk_err_set(err, GK_OUT_OF_MEMORY, "%s: out of memory", path);
                break;
            }
            buf = grown;
            cap = want;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                strerror_r(errno, why, sizeof why);
                rc = gk_err_set(err, GK_IO_ERROR, "%s: cannot read: %s", path, why);
            }
            break;
        }
    }
    fclose(f);
    if (rc == GK_OK)
        rc = mock_scenario_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}

/* ---- cleanup and lookups ---- */

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; list != NULL && i < n; i++)
        free(list[i]);
    free(list);
}

static void free_space(struct mock_space *sp)
{
    for (size_t t = 0; t < sp->table_count; t++) {
        struct mock_table *tb = &sp->tables[t];
        for (size_t c = 0; c < tb->column_count; c++) {
            free(tb->columns[c].name);
            free(tb->columns[c].type_text);
            free_list(tb->columns[c].values, tb->columns[c].value_count);
        }
        free(tb->columns);
        free(tb->name);
    }
    free(sp->tables);
    free(sp->space_id);
    free(sp->title);
    free(sp->description);
    free(sp->domain);
    free(sp->warehouse_id);
    free(sp->parent_path);
    free_list(sp->sample_questions, sp->sample_question_count);
}

void mock_scenario_cleanup(struct mock_scenario *s)
{
    if (s == NULL)
        return;
    for (size_t w = 0; s->workspaces != NULL && w < s->workspace_count; w++) {
        struct mock_workspace *ws = &s->workspaces[w];
        for (size_t p = 0; ws->principals != NULL && p < ws->principal_count; p++) {
            struct mock_principal *pr = &ws->principals[p];
            free(pr->name);
            free(pr->token);
            free(pr->client_id);
            free(pr->client_secret);
            free_list(pr->spaces, pr->space_count);
        }
        free(ws->principals);
        free(ws->workspace_id);
        free(ws->account_id);
        free_list(ws->spaces, ws->space_count);
    }
    free(s->workspaces);
    for (size_t i = 0; s->spaces != NULL && i < s->space_count; i++)
        free_space(&s->spaces[i]);
    free(s->spaces);
    free_list(s->behaviour.failure_types, s->behaviour.failure_type_count);
    free(s->wire.rate_limit_error_code);
    mock_fault_set_cleanup(&s->faults);
    free(s->name);
    memset(s, 0, sizeof *s);
}

const struct mock_space *mock_scenario_space(const struct mock_scenario *s,
                                             const char *id)
{
    for (size_t i = 0; s != NULL && id != NULL && i < s->space_count; i++)
        if (strcmp(s->spaces[i].space_id, id) == 0)
            return &s->spaces[i];
    return NULL;
}

const struct mock_workspace *mock_scenario_workspace(const struct mock_scenario *s,
                                                     const char *workspace_id)
{
    for (size_t i = 0; s != NULL && workspace_id != NULL && i < s->workspace_count; i++)
        if (strcmp(s->workspaces[i].workspace_id, workspace_id) == 0)
            return &s->workspaces[i];
    return NULL;
}

bool mock_scenario_may_use(const struct mock_principal *p, const char *space_id)
{
    if (p == NULL || space_id == NULL)
        return false;
    if (p->all_spaces)
        return true;
    for (size_t i = 0; i < p->space_count; i++)
        if (strcmp(p->spaces[i], space_id) == 0)
            return true;
    return false;
}
