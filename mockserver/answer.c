/*
 * answer: plans the query Genie would write for a question, and owns the
 * struct mock_answer.
 *
 * Planning, in order, every choice left open by the words going to the rng
 * (seeded from the caller's seed, consumed in a fixed order):
 *   table      the one whose name and columns cover the question's words
 *              (answer_words.c)
 *   intent     aggregates (count/total/average), "top N", trend words,
 *              listing words, a period ("last month", "last 30 days", ...)
 *              and the words after "by"/"per"/"across" (the dimension)
 *   columns    measure, dimension and date column by name match
 *   shape      TREND, GROUP, LIST or SCALAR (struct mock_answer's enum)
 *   sizes      total_rows, rows_each and ranked_rows from the table's
 *              row_count, the key's cardinality and the period's share of
 *              the date column's range (its max playing "today")
 * The writers (answer_sql.c, answer_text.c) and the rows (answer_rows.c)
 * work from the resulting struct alone; mock_answer_rows() here only puts
 * the cells answer_rows.c makes into a struct gk_statement_response.
 */
#include "mockserver/answer_internal.h"

#include "common/rng.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_COLUMNS 8    /* a listing selects at most this many columns */
#define ROWS_MAX     1e12 /* a table's row_count is clamped to this */

/* ---- sizes ---- */

static int64_t add_months(int64_t day, int64_t months)
{
    int64_t y;
    unsigned m, d;
    mock_answer_civil_from_days(day, &y, &m, &d);
    int64_t idx = y * 12 + (int64_t)m - 1 + months;
    int64_t ny = idx >= 0 ? idx / 12 : -((-idx + 11) / 12); /* floor division */
    unsigned nm = (unsigned)(idx - ny * 12) + 1;
    int64_t first = mock_answer_days_from_civil(ny, nm, 1);
    int64_t next = nm == 12 ? mock_answer_days_from_civil(ny + 1, 1, 1)
                            : mock_answer_days_from_civil(ny, nm + 1, 1);
    int64_t off = (int64_t)d - 1;
    return first + (off < next - first ? off : next - first - 1);
}

/* The period's days with "today" = anchor, as [lo, hi]. */
static void period_window(enum mock_answer_period p, int n, int64_t anchor, int64_t *lo,
                          int64_t *hi)
{
    int64_t y;
    unsigned m, d;
    mock_answer_civil_from_days(anchor, &y, &m, &d);
    int64_t month = mock_answer_days_from_civil(y, m, 1);
    unsigned qm = (m - 1) / 3 * 3 + 1;
    int64_t quarter = mock_answer_days_from_civil(y, qm, 1);
    int64_t year = mock_answer_days_from_civil(y, 1, 1);
    *hi = anchor;
    switch (p) {
    case MOCK_ANSWER_PERIOD_NONE:
        *lo = anchor;
        break;
    case MOCK_ANSWER_PERIOD_LAST_MONTH:
        *lo = add_months(month, -1);
        *hi = month - 1;
        break;
    case MOCK_ANSWER_PERIOD_THIS_MONTH:
        *lo = month;
        break;
    case MOCK_ANSWER_PERIOD_LAST_DAYS:
        *lo = anchor - n;
        break;
    case MOCK_ANSWER_PERIOD_LAST_MONTHS:
        *lo = add_months(anchor, -(int64_t)n);
        break;
    case MOCK_ANSWER_PERIOD_LAST_QUARTER:
        *lo = add_months(quarter, -3);
        *hi = quarter - 1;
        break;
    case MOCK_ANSWER_PERIOD_THIS_QUARTER:
        *lo = quarter;
        break;
    case MOCK_ANSWER_PERIOD_LAST_YEAR:
        *lo = mock_answer_days_from_civil(y - 1, 1, 1);
        *hi = year - 1;
        break;
    case MOCK_ANSWER_PERIOD_THIS_YEAR:
        *lo = year;
        break;
    }
}

static int64_t month_index(int64_t day)
{
    int64_t y;
    unsigned m, d;
    mock_answer_civil_from_days(day, &y, &m, &d);
    return y * 12 + (int64_t)m - 1;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Narrows the date window to the period and returns the table rows left. */
static double apply_period(struct mock_answer *a, double rows)
{
    int64_t lo, hi, wlo = 0, whi = 0;
    mock_answer_day_range(a->date_column, &lo, &hi);
    a->day_lo = lo;
    a->day_hi = hi;
    if (a->period == MOCK_ANSWER_PERIOD_NONE)
        return rows;
    period_window(a->period, a->period_n, hi, &wlo, &whi);
    a->day_lo = wlo > lo ? wlo : lo;
    a->day_hi = whi < hi ? whi : hi;
    if (a->day_lo > a->day_hi)
        return 0;
    double share = (double)(a->day_hi - a->day_lo + 1) / (double)(hi - lo + 1);
    return rows > 0 ? fmax(1, round(rows * share)) : 0;
}

static void size_answer(struct mock_answer *a, double rows)
{
    const struct mock_column *key = a->sources[0].column;
    int64_t n = 0, cap = a->limit > 0 ? min64(a->limit, MOCK_ANSWER_MAX_TOTAL_ROWS)
                                      : MOCK_ANSWER_MAX_TOTAL_ROWS;
    switch (a->shape) {
    case MOCK_ANSWER_TEXT:
        break;
    case MOCK_ANSWER_SCALAR:
        a->total_rows = a->ranked_rows = 1;
        a->rows_each = rows;
        return;
    case MOCK_ANSWER_GROUP:
        n = (int64_t)fmin((double)mock_answer_key_cardinality(key), rows);
        break;
    case MOCK_ANSWER_TREND:
        n = a->day_lo <= a->day_hi ? month_index(a->day_hi) - month_index(a->day_lo) + 1
                                   : 0;
        n = (int64_t)fmin((double)n, rows);
        break;
    case MOCK_ANSWER_LIST:
        n = (int64_t)rows;
        break;
    }
    a->ranked_rows = n;
    a->total_rows = min64(n, cap);
    a->rows_each = n > 0 ? rows / (double)n : 0;
}

/* ---- the result's columns ---- */

static const char *default_type_text(enum gk_coltype t)
{
    switch (t) {
    case GK_COLTYPE_LONG:
        return "BIGINT";
    case GK_COLTYPE_SHORT:
        return "SMALLINT";
    case GK_COLTYPE_BYTE:
        return "TINYINT";
    default:
        return gk_types_coltype_name(t);
    }
}

/* "orders" -> "order_count": lower-case letters, digits and '_' only. */
static void count_alias(const struct mock_table *t, char *out, size_t cap)
{
    const char *noun = mock_answer_table_noun(t);
    size_t n = 0;
    for (; *noun != '\0' && n + 1 < cap && n < 40; noun++)
        if (isalnum((unsigned char)*noun) || *noun == '_')
            out[n++] = (char)tolower((unsigned char)*noun);
    out[n] = '\0';
    mock_answer_stem(out);
    if (n == 0)
        strcpy(out, "row");
    strcat(out, "_count");
}

static enum gk_rc set_column(struct mock_answer *a, size_t i, const char *prefix,
                             const char *name, enum gk_coltype type, const char *text)
{
    struct gk_column *c = &a->columns[i];
    size_t len = strlen(prefix) + strlen(name) + 1;
    c->position = (int32_t)i;
    c->name = malloc(len);
    c->type_name = strdup(gk_types_coltype_name(type));
    c->type_text = strdup(text);
    if (c->name == NULL || c->type_name == NULL || c->type_text == NULL)
        return GK_OUT_OF_MEMORY;
    strcpy(c->name, prefix);
    strcat(c->name, name);
    return GK_OK;
}

/* A DECIMAL result column: type_text written from precision and scale (as
 * the service does: "DECIMAL(10,0)" for a column declared bare DECIMAL),
 * and both in their own fields. */
static enum gk_rc set_decimal_column(struct mock_answer *a, size_t i, const char *prefix,
                                     const char *name, int precision, int scale)
{
    char text[32];
    snprintf(text, sizeof text, "DECIMAL(%d,%d)", precision, scale);
    enum gk_rc rc = set_column(a, i, prefix, name, GK_COLTYPE_DECIMAL, text);
    a->columns[i].type_precision = precision;
    a->columns[i].type_scale = scale;
    a->columns[i].has_type_precision = a->columns[i].has_type_scale = true;
    return rc;
}

static enum gk_rc describe_columns(struct mock_answer *a)
{
    char alias[64];
    for (size_t i = 0; i < a->column_count; i++) {
        const struct mock_column *c = a->sources[i].column;
        const char *name = c != NULL && c->name != NULL ? c->name : "column";
        enum gk_rc rc = GK_OK;
        int p, s;
        switch (a->sources[i].agg) {
        case MOCK_ANSWER_AGG_NONE:
            if (c->type == GK_COLTYPE_DECIMAL) {
                mock_answer_decimal(c, &p, &s);
                rc = set_decimal_column(a, i, "", name, p, s);
            } else {
                rc = set_column(a, i, "", name, c->type,
                                c->type_text ? c->type_text : default_type_text(c->type));
            }
            break;
        case MOCK_ANSWER_AGG_MONTH:
            rc = set_column(a, i, "", "month", GK_COLTYPE_TIMESTAMP, "TIMESTAMP");
            break;
        case MOCK_ANSWER_AGG_COUNT:
            count_alias(a->table, alias, sizeof alias);
            rc = set_column(a, i, "", alias, GK_COLTYPE_LONG, "BIGINT");
            break;
        case MOCK_ANSWER_AGG_SUM:
            if (c->type == GK_COLTYPE_DECIMAL) { /* Spark: precision + 10, same scale */
                mock_answer_decimal(c, &p, &s);
                rc = set_decimal_column(a, i, "total_", name, p + 10 > 38 ? 38 : p + 10,
                                        s);
            } else if (mock_answer_is_integer(c->type)) {
                rc = set_column(a, i, "total_", name, GK_COLTYPE_LONG, "BIGINT");
            } else {
                rc = set_column(a, i, "total_", name, GK_COLTYPE_DOUBLE, "DOUBLE");
            }
            break;
        case MOCK_ANSWER_AGG_AVG:
            rc = set_column(a, i, "avg_", name, GK_COLTYPE_DOUBLE, "DOUBLE");
            break;
        }
        if (rc != GK_OK)
            return rc;
    }
    return GK_OK;
}

/* ---- planning ---- */

static void add_source(struct mock_answer *a, const struct mock_column *c,
                       enum mock_answer_agg agg)
{
    a->sources[a->column_count].column = c;
    a->sources[a->column_count].agg = agg;
    a->column_count++;
}

/* Aggregates in SELECT order: SUM, AVG, COUNT. A sum or an average needs a
 * measure; with none asked for, the rng picks. */
static void add_aggregates(struct mock_answer *a, const struct mock_answer_intent *in,
                           const struct mock_column *m, bool noun_named, struct gk_rng *r)
{
    bool sum = in->sum && m, avg = in->avg && m, count = in->count;
    if (!sum && !avg && !count) {
        double u = gk_rng_uniform(r);
        if (m == NULL || (noun_named && !in->money))
            count = true;
        else if (u < 0.6)
            sum = true;
        else if (u < 0.85)
            count = true;
        else
            avg = true;
    }
    if (sum)
        add_source(a, m, MOCK_ANSWER_AGG_SUM);
    if (avg)
        add_source(a, m, MOCK_ANSWER_AGG_AVG);
    if (count)
        add_source(a, NULL, MOCK_ANSWER_AGG_COUNT);
}

static void plan_list(struct mock_answer *a, const struct mock_column *sort_by)
{
    const struct mock_table *t = a->table;
    size_t n = t->column_count < LIST_COLUMNS ? t->column_count : LIST_COLUMNS;
    bool seen = false;
    for (size_t i = 0; i < n; i++) {
        const struct mock_column *c = &t->columns[i];
        if (i == n - 1 && sort_by != NULL && !seen)
            c = sort_by; /* the ORDER BY column must be in the list */
        seen = seen || c == sort_by;
        if (c == sort_by)
            a->sort_column = (int)a->column_count;
        add_source(a, c, MOCK_ANSWER_AGG_NONE);
    }
    a->sort_desc = sort_by != NULL;
}

/* The columns the question points at, and what it asks of them. */
struct choice {
    char noun[MOCK_ANSWER_WORD_MAX]; /* the table's noun, stemmed: "order" */
    bool noun_named;                 /* the question says it */
    const struct mock_column *m, *date, *dim;
    bool by_time; /* "by month", "by order date": a trend */
};

static void choose_columns(const struct mock_table *t, const struct mock_answer_words *w,
                           const struct mock_answer_intent *in, struct gk_rng *r,
                           struct choice *k)
{
    static const char *const units[] = {"month",   "day",  "week", "year",
                                        "quarter", "date", "time"};
    memset(k, 0, sizeof *k);
    snprintf(k->noun, sizeof k->noun, "%s", mock_answer_table_noun(t));
    for (char *p = k->noun; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    mock_answer_stem(k->noun);
    k->noun_named = mock_answer_has(w, k->noun);
    k->m = mock_answer_best_column(t, MOCK_ANSWER_PICK_MEASURE, w, 0, w->n, k->noun,
                                   in->money);
    if (k->m == NULL)
        k->m =
            mock_answer_draw_column(t, MOCK_ANSWER_PICK_MEASURE, GK_COLTYPE_DECIMAL, r);
    k->date =
        mock_answer_best_column(t, MOCK_ANSWER_PICK_DATE, w, 0, w->n, k->noun, false);
    if (k->date == NULL)
        k->date = mock_answer_draw_column(t, MOCK_ANSWER_PICK_DATE, GK_COLTYPE_DATE, r);
    size_t by = in->by_at;
    if (by < w->n) {
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            k->by_time = k->by_time || mock_answer_word_is(w, by, units[i]);
        k->by_time = k->by_time || mock_answer_best_column(t, MOCK_ANSWER_PICK_DATE, w,
                                                           by, by + 2, k->noun, false);
        if (!k->by_time)
            k->dim = mock_answer_best_column(t, MOCK_ANSWER_PICK_DIM_LOOSE, w, by, by + 2,
                                             NULL, false);
    }
    if (k->dim == NULL && !k->by_time)
        k->dim =
            mock_answer_best_column(t, MOCK_ANSWER_PICK_DIM, w, 0, w->n, k->noun, false);
}

static enum mock_answer_shape choose_shape(const struct mock_table *t,
                                           const struct mock_answer_intent *in,
                                           struct choice *k, struct gk_rng *r)
{
    bool agg = in->count || in->sum || in->avg;
    if (t->column_count == 0)
        return MOCK_ANSWER_SCALAR;
    if ((in->trend || k->by_time) && k->date != NULL)
        return MOCK_ANSWER_TREND;
    if (k->dim != NULL)
        return MOCK_ANSWER_GROUP;
    if ((in->top > 0 && k->m != NULL && !agg) || (in->list && !agg))
        return MOCK_ANSWER_LIST;
    if (agg && in->top == 0)
        return MOCK_ANSWER_SCALAR;
    /* the words leave it open: mostly a breakdown, as Genie tends to */
    const struct mock_column *any_dim =
        mock_answer_draw_column(t, MOCK_ANSWER_PICK_DIM, GK_COLTYPE_STRING, r);
    uint64_t u = gk_rng_below(r, 10);
    if (any_dim != NULL && (u < 6 || in->top > 0)) {
        k->dim = any_dim;
        return MOCK_ANSWER_GROUP;
    }
    if (k->date != NULL && u < 8)
        return MOCK_ANSWER_TREND;
    return u < 9 || agg ? MOCK_ANSWER_SCALAR : MOCK_ANSWER_LIST;
}

static void plan(struct mock_answer *a, const struct mock_answer_words *w,
                 const struct mock_answer_intent *in, struct gk_rng *r)
{
    const struct mock_table *t = a->table;
    struct choice k;
    choose_columns(t, w, in, r, &k);
    enum mock_answer_shape shape = choose_shape(t, in, &k, r);
    const struct mock_column *m = k.m, *date = k.date, *dim = k.dim;
    a->shape = shape;
    a->sort_column = -1;
    a->period = date != NULL ? in->period : MOCK_ANSWER_PERIOD_NONE;
    a->period_n = in->period_n;
    a->date_column = a->period != MOCK_ANSWER_PERIOD_NONE ? date : NULL;
    switch (shape) {
    case MOCK_ANSWER_TEXT:
        break;
    case MOCK_ANSWER_SCALAR:
        if (t->column_count == 0)
            add_source(a, NULL, MOCK_ANSWER_AGG_COUNT);
        else
            add_aggregates(a, in, m, k.noun_named, r);
        break;
    case MOCK_ANSWER_GROUP:
        add_source(a, dim, MOCK_ANSWER_AGG_NONE);
        add_aggregates(a, in, m, k.noun_named, r);
        a->sort_column = 1;
        a->sort_desc = true;
        a->limit = in->top;
        break;
    case MOCK_ANSWER_TREND:
        a->date_column = date;
        add_source(a, date, MOCK_ANSWER_AGG_MONTH);
        add_aggregates(a, in, m, k.noun_named, r);
        a->sort_column = 0;
        break;
    case MOCK_ANSWER_LIST:
        a->limit = in->top;
        if (in->top == 0 && date != NULL)
            a->date_column = date;
        plan_list(a, in->top > 0 ? m : a->date_column);
        break;
    }
    double rows = t->row_count > 0 ? fmin((double)t->row_count, ROWS_MAX) : 0;
    if (a->date_column != NULL)
        rows = apply_period(a, rows);
    size_answer(a, rows);
}

enum gk_rc mock_answer_make(const struct mock_space *sp, const char *question,
                            bool has_sql, uint64_t seed, struct mock_answer *out,
                            struct gk_err *err)
{
    if (out == NULL)
        return gk_err_set(err, GK_INTERNAL_ERROR, "answer: out is NULL");
    memset(out, 0, sizeof *out);
    struct mock_answer_words *w = malloc(sizeof *w);
    if (w == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "answer: question words");
    mock_answer_words_read(question, w);
    struct gk_rng r;
    gk_rng_init(&r, seed);
    out->row_seed = gk_rng_next(&r);
    out->sort_column = -1;
    struct mock_answer_intent in;
    mock_answer_intent(w, &in);
    const struct mock_table *t = NULL;
    if (sp != NULL && sp->tables != NULL && sp->table_count > 0)
        t = mock_answer_pick_table(sp, w, &in, &r);
    enum gk_rc rc;
    if (!has_sql || t == NULL) {
        rc = mock_answer_write_clarify(out, t, gk_rng_next(&r), err);
    } else {
        out->has_sql = true;
        out->table = t;
        size_t cap =
            (t->column_count < LIST_COLUMNS ? t->column_count : LIST_COLUMNS) + 3;
        out->sources = calloc(cap, sizeof *out->sources);
        if (out->sources == NULL) {
            rc = GK_OUT_OF_MEMORY;
        } else {
            plan(out, w, &in, &r);
            out->columns = calloc(out->column_count, sizeof *out->columns);
            rc = out->columns == NULL ? GK_OUT_OF_MEMORY : describe_columns(out);
            if (rc == GK_OK)
                rc = mock_answer_write(out, gk_rng_next(&r), err);
        }
    }
    free(w);
    if (rc != GK_OK) {
        mock_answer_cleanup(out);
        return gk_err_set(err, GK_OUT_OF_MEMORY, "answer: out of memory");
    }
    return GK_OK;
}

/* ---- the result ---- */

static char *dup_or_null(const char *s, bool *oom)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *oom = true;
    return d;
}

/* The bytes a cell takes in a compact data_array: the JSON string with its
 * escapes ('"', '\\' and control characters, as common/codec_write.c writes
 * them), or null. */
static int64_t json_cell_len(const char *s)
{
    if (s == NULL)
        return 4;
    int64_t n = 2;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\' || *p == '\b' || *p == '\f' || *p == '\n' ||
            *p == '\r' || *p == '\t')
            n += 2;
        else if (*p < 0x20)
            n += 6; /* the six-byte hex escape */
        else
            n++;
    }
    return n;
}

enum gk_rc mock_answer_rows(const struct mock_answer *a, int64_t max_rows,
                            const char *statement_id, struct gk_statement_response *out,
                            struct gk_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (out == NULL || a == NULL || statement_id == NULL)
        return gk_err_set(err, GK_INTERNAL_ERROR, "answer rows: NULL argument");
    if (!a->has_sql || a->column_count == 0 || a->sources == NULL || a->columns == NULL)
        return gk_err_set(err, GK_INVALID_STATE,
                          "answer: a text-only answer has no rows");
    int64_t total = a->total_rows > 0 ? a->total_rows : 0;
    int64_t n = max_rows <= 0 ? 0 : total < max_rows ? total : max_rows;
    bool oom = false;
    struct mock_answer_gen g;
    if (mock_answer_gen_init(&g, a, err) != GK_OK)
        return GK_OUT_OF_MEMORY;
    out->statement_id = dup_or_null(statement_id, &oom);
    out->state = GK_STMT_SUCCEEDED;
    struct gk_statement_manifest *m = out->manifest = calloc(1, sizeof *m);
    struct gk_statement_result *res = out->result = calloc(1, sizeof *res);
    if (m == NULL || res == NULL)
        goto fail;
    m->format = dup_or_null("JSON_ARRAY", &oom);
    m->columns = calloc(a->column_count, sizeof *m->columns);
    if (m->columns == NULL)
        goto fail;
    m->column_count = a->column_count;
    for (size_t c = 0; c < a->column_count; c++) {
        m->columns[c].name = dup_or_null(a->columns[c].name, &oom);
        m->columns[c].position = (int32_t)c;
        m->columns[c].type_name = dup_or_null(a->columns[c].type_name, &oom);
        m->columns[c].type_text = dup_or_null(a->columns[c].type_text, &oom);
        m->columns[c].type_precision = a->columns[c].type_precision;
        m->columns[c].type_scale = a->columns[c].type_scale;
        m->columns[c].has_type_precision = a->columns[c].has_type_precision;
        m->columns[c].has_type_scale = a->columns[c].has_type_scale;
    }
    m->truncated = n < total;
    m->total_row_count = m->truncated ? n : total;
    if (n > 0 && (res->rows = calloc((size_t)n, sizeof *res->rows)) == NULL)
        goto fail;
    res->row_count = (size_t)n;
    char buf[MOCK_ANSWER_CELL_MAX];
    int64_t bytes = n > 0 ? 2 + (n - 1) : 0; /* "[" rows "]", commas between */
    for (int64_t i = 0; i < n && !oom; i++) {
        struct gk_result_row *row = &res->rows[i];
        if ((row->values = calloc(a->column_count, sizeof *row->values)) == NULL)
            goto fail;
        row->value_count = a->column_count;
        bytes += 2 + (int64_t)a->column_count - 1;
        for (size_t c = 0; c < a->column_count; c++) {
            row->values[c] = dup_or_null(mock_answer_gen_cell(&g, i, c, buf), &oom);
            bytes += json_cell_len(row->values[c]);
        }
    }
    if (oom || (m->chunks = calloc(1, sizeof *m->chunks)) == NULL)
        goto fail;
    /* One chunk holds everything: the API sends a single inline chunk (at
     * most 5,000 rows), so nothing is ever left for a next_chunk_index. */
    m->chunk_count = 1;
    m->chunks[0] = (struct gk_chunk_info){.row_count = n, .byte_count = bytes};
    m->total_chunk_count = 1;
    m->total_byte_count = bytes;
    m->has_total_chunk_count = m->has_total_byte_count = true;
    mock_answer_gen_cleanup(&g);
    return GK_OK;
fail:
    mock_answer_gen_cleanup(&g);
    gk_types_statement_response_cleanup(out);
    return gk_err_set(err, GK_OUT_OF_MEMORY, "answer: rows");
}

void mock_answer_cleanup(struct mock_answer *a)
{
    if (a == NULL)
        return;
    free(a->sql);
    free(a->title);
    free(a->description);
    free(a->text);
    for (size_t i = 0; i < MOCK_ANSWER_SUGGESTIONS; i++)
        free(a->suggestions[i]);
    for (size_t i = 0; a->columns != NULL && i < a->column_count; i++)
        gk_types_column_cleanup(&a->columns[i]);
    free(a->columns);
    free(a->sources);
    memset(a, 0, sizeof *a);
}
