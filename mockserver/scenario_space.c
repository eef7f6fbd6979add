/*
 * scenario_space.c: reading one space of a scenario file, with its tables
 * and columns (see scenario_read.h; the format is docs/scenario.md).
 *
 * A column's type decides which keys it may have and what they mean: only
 * STRING takes a value pool; numeric, DATE and TIMESTAMP columns take a
 * range (min, max), stored as doubles: numbers as they are, DATE as whole
 * days since 1970-01-01, TIMESTAMP as fractional days. A bound the file
 * leaves out takes the type's default but never crosses the other bound, so
 * giving only "min": 5000 works. Ranges are checked against what the type
 * can hold (INT is 32-bit, DECIMAL(p,s) holds less than 10^(p-s)), so the
 * rows the mock makes up later are always valid for their column.
 */
#include "mockserver/scenario_read.h"

#include "common/codec.h"
#include "common/id.h"
#include "common/rng.h"
#include "common/types.h"
#include "mockserver/scenario_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CREATE_MS INT64_C(1767607200000) /* 2026-01-05T10:00:00Z */
#define MS_PER_DAY        INT64_C(86400000)
#define ROW_COUNT_MAX     INT64_C(1000000000000000)
#define LONG_ABS_MAX      9007199254740991.0 /* 2^53 - 1: exact in a double */
#define LABEL_MAX         (MOCK_SJ_PATH_MAX + 48)
#define TYPE_TEXT_MAX     64
#define DEFAULT_PARENT    "/Workspace/Shared"
#define DEFAULT_DOMAIN    "general"

enum range_kind { RANGE_NONE, RANGE_INTEGER, RANGE_NUMBER, RANGE_DATE, RANGE_TIMESTAMP };

/* The column types a scenario may use, with their defaults. */
static const struct coltype {
    const char *name;
    enum gk_coltype type;
    const char *type_text;
    enum range_kind range;
    double min, max; /* default range; integer types also the limits */
} coltypes[] = {
    {"STRING", GK_COLTYPE_STRING, "STRING", RANGE_NONE, 0, 0},
    {"LONG", GK_COLTYPE_LONG, "BIGINT", RANGE_INTEGER, 0, 1000000},
    {"INT", GK_COLTYPE_INT, "INT", RANGE_INTEGER, 0, 1000},
    {"DOUBLE", GK_COLTYPE_DOUBLE, "DOUBLE", RANGE_NUMBER, 0, 1000},
    {"DECIMAL", GK_COLTYPE_DECIMAL, "DECIMAL(18,2)", RANGE_NUMBER, 0, 10000},
    {"DATE", GK_COLTYPE_DATE, "DATE", RANGE_DATE, 20089, 20453}, /* 2025 */
    {"TIMESTAMP", GK_COLTYPE_TIMESTAMP, "TIMESTAMP", RANGE_TIMESTAMP, 20089, 20454},
    {"BOOLEAN", GK_COLTYPE_BOOLEAN, "BOOLEAN", RANGE_NONE, 0, 0},
};
#define COLTYPES (sizeof coltypes / sizeof coltypes[0])

static const char coltype_list[] =
    "one of STRING, LONG, INT, DOUBLE, DECIMAL, DATE, TIMESTAMP, BOOLEAN";

static const struct coltype *find_coltype(const char *name)
{
    for (size_t i = 0; i < COLTYPES; i++)
        if (strcmp(coltypes[i].name, name) == 0)
            return &coltypes[i];
    return NULL;
}

static bool coltype_ok(const char *s)
{
    return find_coltype(s) != NULL;
}

static bool line_nonempty(const char *s)
{
    return s[0] != '\0' && mock_scenario_text_ok(s, false);
}

static bool line_any(const char *s)
{
    return mock_scenario_text_ok(s, false);
}

static bool multiline(const char *s)
{
    return mock_scenario_text_ok(s, true);
}

static bool parent_path_ok(const char *s)
{
    return s[0] == '/' && mock_scenario_text_ok(s, false);
}

static bool time_ok(const char *s)
{
    int64_t ms;
    return gk_codec_time_parse(s, strlen(s), &ms, NULL) == GK_OK;
}

static bool type_text_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= TYPE_TEXT_MAX && mock_scenario_text_ok(s, false);
}

static const struct mock_sj_text rule_line = {line_nonempty, "non-empty text on one line",
                                              false};
static const struct mock_sj_text rule_value = {line_any, "text on one line", false};
static const struct mock_sj_text rule_text = {multiline,
                                              "text without control characters", false};
static const struct mock_sj_text rule_space_id = {gk_id_valid, "32 lowercase hex digits",
                                                  false};
static const struct mock_sj_text rule_warehouse = {mock_scenario_warehouse_id_ok,
                                                   "16 lowercase hex digits", false};
static const struct mock_sj_text rule_domain = {mock_scenario_domain_ok,
                                                "1 to 64 of a-z, 0-9, _ and -", false};
static const struct mock_sj_text rule_parent = {parent_path_ok, "a path starting with /",
                                                false};
static const struct mock_sj_text rule_time = {
    time_ok, "an RFC 3339 date-time (\"2026-01-05T10:00:00Z\")", false};
static const struct mock_sj_text rule_table = {
    mock_scenario_table_name_ok, "catalog.schema.table (each part of A-Z, a-z, 0-9, _)",
    false};
static const struct mock_sj_text rule_column = {
    mock_scenario_column_name_ok, "a column name (A-Z, a-z, 0-9, _)", false};
static const struct mock_sj_text rule_coltype = {coltype_ok, coltype_list, false};
static const struct mock_sj_text rule_type_text = {
    type_text_ok, "a SQL type of 1 to 64 characters (\"DECIMAL(18,2)\")", false};

/* ---- columns ---- */

/* "2.5" or "a string", for messages about numbers. */
static const char *got(const struct mock_sj_node *v, char *buf, size_t cap)
{
    double d;
    if (!mock_sj_num(v, &d))
        return mock_sj_kind(v);
    snprintf(buf, cap, "%.17g", d);
    return buf;
}

/* Reads one bound of a column's range; *present says whether it was given. */
static enum gk_rc read_bound(struct mock_sj *r, const struct mock_sj_node *obj,
                             const char *key, const struct coltype *ct,
                             const struct mock_column *col, double *out, bool *present)
{
    const struct mock_sj_node *v = mock_sj_get(obj, key);
    struct gk_err e;
    const char *text = mock_sj_str(v);
    double d = 0, lo, hi, lim;
    char buf[40];
    int64_t days;

    *present = v != NULL;
    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, key);
    gk_err_clear(&e);
    switch (ct->range) {
    case RANGE_NONE:
        return mock_sj_fail(r, "only numeric, DATE and TIMESTAMP columns take a range");
    case RANGE_INTEGER:
        lo = col->type == GK_COLTYPE_INT ? -2147483648.0 : -LONG_ABS_MAX;
        hi = col->type == GK_COLTYPE_INT ? 2147483647.0 : LONG_ABS_MAX;
        if (!mock_sj_num(v, &d) || d != floor(d) || d < lo || d > hi)
            return mock_sj_fail(r, "expected an integer from %.0f to %.0f, got %s", lo,
                                hi, got(v, buf, sizeof buf));
        break;
    case RANGE_NUMBER:
        if (!mock_sj_num(v, &d))
            return mock_sj_fail(r, "expected a number, got %s", mock_sj_kind(v));
        lim = pow(10, col->precision - col->scale);
        if (col->type == GK_COLTYPE_DECIMAL && fabs(d) >= lim)
            return mock_sj_fail(r, "%g does not fit %s (less than %g)", d, col->type_text,
                                lim);
        break;
    case RANGE_DATE:
        if (text == NULL)
            return mock_sj_fail(r, "expected a date YYYY-MM-DD, got %s", mock_sj_kind(v));
        if (mock_scenario_parse_date(text, &days, &e) != GK_OK)
            return mock_sj_fail(r, "%s", e.msg);
        d = (double)days;
        break;
    case RANGE_TIMESTAMP:
        if (text == NULL)
            return mock_sj_fail(r, "expected YYYY-MM-DD or an RFC 3339 date-time, got %s",
                                mock_sj_kind(v));
        if (mock_scenario_parse_timestamp(text, &d, &e) != GK_OK)
            return mock_sj_fail(r, "%s", e.msg);
        break;
    }
    *out = d;
    mock_sj_pop(r, mark);
    return GK_OK;
}

static enum gk_rc read_range(struct mock_sj *r, const struct mock_sj_node *obj,
                             const struct coltype *ct, struct mock_column *col)
{
    double lo = ct->min, hi = ct->max;
    bool has_lo, has_hi;

    if (col->type == GK_COLTYPE_DECIMAL) { /* keep the default inside the type */
        double cap = pow(10, col->precision - col->scale) - pow(10, -col->scale);
        hi = hi < cap ? hi : cap;
    }
    enum gk_rc rc = read_bound(r, obj, "min", ct, col, &lo, &has_lo);
    if (rc == GK_OK)
        rc = read_bound(r, obj, "max", ct, col, &hi, &has_hi);
    if (rc != GK_OK)
        return rc;
    if (has_lo && !has_hi && hi < lo)
        hi = lo;
    if (has_hi && !has_lo && lo > hi)
        lo = hi;
    if (lo > hi) {
        mock_sj_push_key(r, "max");
        return mock_sj_fail(r, "smaller than min");
    }
    col->min = lo;
    col->max = hi;
    return GK_OK;
}

static enum gk_rc read_column(struct mock_sj *r, const struct mock_sj_node *obj,
                              struct mock_column *col)
{
    static const char *const keys[] = {"name", "type", "type_text",  "values",
                                       "min",  "max",  "null_ratio", NULL};
    char *type = NULL;
    struct gk_err e;

    enum gk_rc rc = mock_sj_object(r, obj, keys);
    if (rc == GK_OK && mock_sj_get(obj, "name") == NULL) {
        mock_sj_push_key(r, "name");
        return mock_sj_fail(r, "required");
    }
    if (rc == GK_OK)
        rc = mock_sj_string(r, obj, "name", &rule_column, &col->name);
    if (rc == GK_OK)
        rc = mock_sj_string(r, obj, "type", &rule_coltype, &type);
    const struct coltype *ct = find_coltype(type != NULL ? type : "STRING");
    free(type);
    if (rc != GK_OK)
        return rc;
    col->type = ct->type;
    rc = mock_sj_string(r, obj, "type_text", &rule_type_text, &col->type_text);
    if (rc == GK_OK)
        rc = mock_sj_dup(r, &col->type_text, ct->type_text);
    if (rc == GK_OK && col->type == GK_COLTYPE_DECIMAL) {
        gk_err_clear(&e);
        if (mock_scenario_parse_decimal(col->type_text, &col->precision, &col->scale,
                                        &e) != GK_OK) {
            mock_sj_push_key(r, "type_text");
            return mock_sj_fail(r, "%s", e.msg);
        }
    }
    if (rc == GK_OK && mock_sj_get(obj, "values") != NULL &&
        col->type != GK_COLTYPE_STRING) {
        mock_sj_push_key(r, "values");
        return mock_sj_fail(r, "only STRING columns take a value pool");
    }
    if (rc == GK_OK)
        rc = mock_sj_strings(r, obj, "values", &rule_value, &col->values,
                             &col->value_count);
    if (rc == GK_OK)
        rc = read_range(r, obj, ct, col);
    if (rc == GK_OK)
        rc = mock_sj_double(r, obj, "null_ratio", 0, 1, &col->null_ratio);
    return rc;
}

/* ---- tables ---- */

static enum gk_rc read_table(struct mock_sj *r, const struct mock_sj_node *obj,
                             struct mock_table *t)
{
    static const char *const keys[] = {"name", "row_count", "columns", NULL};
    const struct mock_sj_node *cols;
    size_t n = 0, i = 0;

    enum gk_rc rc = mock_sj_object(r, obj, keys);
    if (rc == GK_OK && mock_sj_get(obj, "name") == NULL) {
        mock_sj_push_key(r, "name");
        return mock_sj_fail(r, "required");
    }
    if (rc == GK_OK)
        rc = mock_sj_string(r, obj, "name", &rule_table, &t->name);
    t->row_count = 1000;
    if (rc == GK_OK)
        rc = mock_sj_int(r, obj, "row_count", 0, ROW_COUNT_MAX, &t->row_count);
    if (rc != GK_OK)
        return rc;
    cols = mock_sj_get(obj, "columns");
    size_t mark = mock_sj_push_key(r, "columns");
    if (cols == NULL)
        return mock_sj_fail(r, "required: a table needs at least one column");
    rc = mock_sj_array(r, cols, "an array of columns", &n);
    if (rc == GK_OK && n == 0)
        return mock_sj_fail(r, "a table needs at least one column");
    if (rc != GK_OK)
        return rc;
    t->columns = calloc(n, sizeof *t->columns);
    if (t->columns == NULL)
        return mock_sj_oom(r);
    t->column_count = n;
    for (const struct mock_sj_node *e = mock_sj_first(cols); e != NULL && rc == GK_OK;
         e = mock_sj_next(e), i++) {
        size_t at = mock_sj_push_index(r, i);
        rc = read_column(r, e, &t->columns[i]);
        mock_sj_pop(r, at);
    }
    mock_sj_pop(r, mark);
    return rc;
}

static enum gk_rc read_tables(struct mock_sj *r, const struct mock_sj_node *obj,
                              struct mock_space *sp)
{
    const struct mock_sj_node *v = mock_sj_get(obj, "tables");
    size_t n = 0, i = 0;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, "tables");
    enum gk_rc rc = mock_sj_array(r, v, "an array of tables", &n);
    if (rc != GK_OK)
        return rc;
    sp->tables = calloc(n ? n : 1, sizeof *sp->tables);
    if (sp->tables == NULL)
        return mock_sj_oom(r);
    sp->table_count = n;
    for (const struct mock_sj_node *e = mock_sj_first(v); e != NULL && rc == GK_OK;
         e = mock_sj_next(e), i++) {
        size_t at = mock_sj_push_index(r, i);
        rc = read_table(r, e, &sp->tables[i]);
        mock_sj_pop(r, at);
    }
    mock_sj_pop(r, mark);
    return rc;
}

/* ---- the space ---- */

/* Generates the ids the file left out. */
static enum gk_rc generate_ids(struct mock_sj *r, uint64_t seed, size_t workspace_index,
                               struct mock_space *sp)
{
    char label[LABEL_MAX], id[GK_ID_SIZE], wh[MOCK_SCENARIO_WAREHOUSE_LEN + 1];
    struct gk_id_gen gen;
    struct gk_rng rng;
    enum gk_rc rc = GK_OK;

    if (sp->space_id == NULL) { /* time-ordered from create_time, like real ids */
        gk_id_gen_init(
            &gen, gk_rng_derive(seed, mock_sj_label(r, "space_id", label, sizeof label)));
        gk_id_next(&gen, sp->create_time_ms, id);
        rc = mock_sj_dup(r, &sp->space_id, id);
    }
    if (rc == GK_OK && sp->warehouse_id == NULL) { /* one warehouse per workspace */
        snprintf(label, sizeof label, "workspaces[%zu].warehouse_id", workspace_index);
        gk_rng_init(&rng, gk_rng_derive(seed, label));
        mock_scenario_gen_warehouse_id(&rng, wh);
        rc = mock_sj_dup(r, &sp->warehouse_id, wh);
    }
    return rc;
}

enum gk_rc mock_scenario_read_space(struct mock_sj *r, const struct mock_sj_node *v,
                                    uint64_t seed, size_t index, size_t workspace_index,
                                    struct mock_space *out)
{
    static const char *const keys[] = {
        "space_id",    "title",       "description",      "domain", "warehouse_id",
        "parent_path", "create_time", "sample_questions", "tables", NULL};
    char *created = NULL, title[40];

    out->workspace_index = workspace_index;
    out->create_time_ms = DEFAULT_CREATE_MS + (int64_t)(index % 3650) * MS_PER_DAY;
    enum gk_rc rc = mock_sj_object(r, v, keys);
    if (rc == GK_OK)
        rc = mock_sj_string(r, v, "create_time", &rule_time, &created);
    if (created != NULL) {
        gk_codec_time_parse(created, strlen(created), &out->create_time_ms, NULL);
        free(created);
    }
    if (rc == GK_OK)
        rc = mock_sj_string(r, v, "space_id", &rule_space_id, &out->space_id);
    if (rc == GK_OK)
        rc = mock_sj_string(r, v, "title", &rule_line, &out->title);
    if (rc == GK_OK)
        rc = mock_sj_string(r, v, "description", &rule_text, &out->description);
    if (rc == GK_OK)
        rc = mock_sj_string(r, v, "domain", &rule_domain, &out->domain);
    if (rc == GK_OK)
        rc = mock_sj_string(r, v, "warehouse_id", &rule_warehouse, &out->warehouse_id);
    if (rc == GK_OK)
        rc = mock_sj_string(r, v, "parent_path", &rule_parent, &out->parent_path);
    if (rc == GK_OK)
        rc = mock_sj_strings(r, v, "sample_questions", &rule_line, &out->sample_questions,
                             &out->sample_question_count);
    if (rc == GK_OK)
        rc = read_tables(r, v, out);
    if (rc != GK_OK)
        return rc;
    snprintf(title, sizeof title, "Space %zu", index + 1);
    rc = mock_sj_dup(r, &out->title, title);
    if (rc == GK_OK)
        rc = mock_sj_dup(r, &out->description, "");
    if (rc == GK_OK)
        rc = mock_sj_dup(r, &out->domain, DEFAULT_DOMAIN);
    if (rc == GK_OK)
        rc = mock_sj_dup(r, &out->parent_path, DEFAULT_PARENT);
    return rc == GK_OK ? generate_ids(r, seed, workspace_index, out) : rc;
}
