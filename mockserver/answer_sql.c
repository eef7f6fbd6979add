/*
 * answer_sql: the SQL, title and description of a planned answer, the way
 * Genie writes them, and the string builder all the writers share.
 *
 * SQL: back-quoted identifiers, three-part table names, one clause per line,
 * GROUP BY ALL, date filters written against CURRENT_DATE(). Title: a short
 * noun phrase ("Total amount by region, last month"). Description: one plain
 * sentence starting "You want".
 *
 * Every string is built in a struct mock_answer_sb, which turns an
 * allocation failure into a NULL result instead of a crash; the writers
 * report that as GK_OUT_OF_MEMORY.
 */
#include "mockserver/answer_internal.h"

#include "common/rng.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the string builder ---- */

static bool sb_reserve(struct mock_answer_sb *b, size_t more)
{
    if (b->oom)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 128;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->buf, cap);
    if (p == NULL) {
        b->oom = true;
        return false;
    }
    b->buf = p;
    b->cap = cap;
    return true;
}

static void sb_addn(struct mock_answer_sb *b, const char *s, size_t n)
{
    if (!sb_reserve(b, n))
        return;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void mock_answer_sb_add(struct mock_answer_sb *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

void mock_answer_sb_addf(struct mock_answer_sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !sb_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void mock_answer_sb_ident(struct mock_answer_sb *b, const char *name)
{
    const char *p = name != NULL ? name : "";
    sb_addn(b, "`", 1);
    for (; *p != '\0'; p++) {
        if (*p == '.')
            sb_addn(b, "`.`", 3);
        else if (*p == '`')
            sb_addn(b, "``", 2);
        else
            sb_addn(b, p, 1);
    }
    sb_addn(b, "`", 1);
}

char *mock_answer_sb_take(struct mock_answer_sb *b)
{
    char *s = b->oom ? NULL : b->buf;
    if (s == NULL && !b->oom)
        s = strdup("");
    if (b->oom)
        free(b->buf);
    memset(b, 0, sizeof *b);
    return s;
}

#define ADD  mock_answer_sb_add
#define ADDF mock_answer_sb_addf

/* ---- words for the plan ---- */

const char *mock_answer_cname(const struct mock_column *c)
{
    return c != NULL && c->name != NULL ? c->name : "column";
}

/* "order_date" -> "order date", at most 48 bytes. */
void mock_answer_human(const char *name, char *out)
{
    size_t n = 0;
    for (; *name != '\0' && n < 48; name++)
        out[n++] = *name == '_' ? ' ' : *name;
    out[n] = '\0';
}

/* The aggregate of result column i in words: "total amount". */
void mock_answer_agg_phrase(const struct mock_answer *a, size_t i, char *out, size_t cap)
{
    char h[64];
    const struct mock_answer_source *s = &a->sources[i];
    mock_answer_human(s->agg == MOCK_ANSWER_AGG_COUNT ? mock_answer_table_noun(a->table)
                                                      : mock_answer_cname(s->column),
                      h);
    snprintf(out, cap, "%s%s",
             s->agg == MOCK_ANSWER_AGG_SUM     ? "total "
             : s->agg == MOCK_ANSWER_AGG_AVG   ? "average "
             : s->agg == MOCK_ANSWER_AGG_COUNT ? "number of "
                                               : "",
             h);
}

/* The period: as a title ends ("last 30 days") and as a sentence says it. */
void mock_answer_period_words(const struct mock_answer *a, char *title, char *said,
                              size_t cap)
{
    int n = a->period_n;
    switch (a->period) {
    case MOCK_ANSWER_PERIOD_NONE:
        snprintf(title, cap, "%s", "");
        snprintf(said, cap, "%s", "");
        return;
    case MOCK_ANSWER_PERIOD_LAST_MONTH:
        snprintf(title, cap, "last month");
        snprintf(said, cap, "the previous calendar month");
        return;
    case MOCK_ANSWER_PERIOD_THIS_MONTH:
        snprintf(title, cap, "this month");
        snprintf(said, cap, "the current month so far");
        return;
    case MOCK_ANSWER_PERIOD_LAST_DAYS:
        snprintf(title, cap, "last %d day%s", n, n == 1 ? "" : "s");
        snprintf(said, cap, "the last %d day%s", n, n == 1 ? "" : "s");
        return;
    case MOCK_ANSWER_PERIOD_LAST_MONTHS:
        snprintf(title, cap, "last %d month%s", n, n == 1 ? "" : "s");
        snprintf(said, cap, "the last %d month%s", n, n == 1 ? "" : "s");
        return;
    case MOCK_ANSWER_PERIOD_LAST_QUARTER:
        snprintf(title, cap, "last quarter");
        snprintf(said, cap, "the previous calendar quarter");
        return;
    case MOCK_ANSWER_PERIOD_THIS_QUARTER:
        snprintf(title, cap, "this quarter");
        snprintf(said, cap, "the current quarter so far");
        return;
    case MOCK_ANSWER_PERIOD_LAST_YEAR:
        snprintf(title, cap, "last year");
        snprintf(said, cap, "the previous calendar year");
        return;
    case MOCK_ANSWER_PERIOD_THIS_YEAR:
        snprintf(title, cap, "this year");
        snprintf(said, cap, "the current year so far");
        return;
    }
}

static void write_where(struct mock_answer_sb *b, const struct mock_answer *a)
{
    static const struct {
        const char *from, *to; /* SQL after ">= " and after "< " (NULL: open) */
    } w[] = {
        [MOCK_ANSWER_PERIOD_LAST_MONTH] =
            {"DATE_TRUNC('MONTH', ADD_MONTHS(CURRENT_DATE(), -1))",
             "DATE_TRUNC('MONTH', CURRENT_DATE())"},
        [MOCK_ANSWER_PERIOD_THIS_MONTH] = {"DATE_TRUNC('MONTH', CURRENT_DATE())", NULL},
        [MOCK_ANSWER_PERIOD_LAST_QUARTER] =
            {"DATE_TRUNC('QUARTER', ADD_MONTHS(CURRENT_DATE(), "
             "-3))",
             "DATE_TRUNC('QUARTER', CURRENT_DATE())"},
        [MOCK_ANSWER_PERIOD_THIS_QUARTER] = {"DATE_TRUNC('QUARTER', CURRENT_DATE())",
                                             NULL},
        [MOCK_ANSWER_PERIOD_LAST_YEAR] =
            {"DATE_TRUNC('YEAR', ADD_MONTHS(CURRENT_DATE(), -12))",
             "DATE_TRUNC('YEAR', CURRENT_DATE())"},
        [MOCK_ANSWER_PERIOD_THIS_YEAR] = {"DATE_TRUNC('YEAR', CURRENT_DATE())", NULL},
    };
    if (a->period == MOCK_ANSWER_PERIOD_NONE || a->date_column == NULL)
        return;
    ADD(b, "\nWHERE ");
    mock_answer_sb_ident(b, mock_answer_cname(a->date_column));
    if (a->period == MOCK_ANSWER_PERIOD_LAST_DAYS) {
        ADDF(b, " >= DATE_SUB(CURRENT_DATE(), %d)", a->period_n);
        return;
    }
    if (a->period == MOCK_ANSWER_PERIOD_LAST_MONTHS) {
        ADDF(b, " >= ADD_MONTHS(CURRENT_DATE(), -%d)", a->period_n);
        return;
    }
    ADDF(b, " >= %s", w[a->period].from);
    if (w[a->period].to != NULL) {
        ADD(b, "\n  AND ");
        mock_answer_sb_ident(b, mock_answer_cname(a->date_column));
        ADDF(b, " < %s", w[a->period].to);
    }
}

static char *write_sql(const struct mock_answer *a)
{
    struct mock_answer_sb b = {0};
    ADD(&b, "SELECT ");
    for (size_t i = 0; i < a->column_count; i++) {
        const struct mock_answer_source *s = &a->sources[i];
        if (i > 0)
            ADD(&b, ", ");
        switch (s->agg) {
        case MOCK_ANSWER_AGG_NONE:
            mock_answer_sb_ident(&b, mock_answer_cname(s->column));
            continue;
        case MOCK_ANSWER_AGG_MONTH:
            ADD(&b, "DATE_TRUNC('MONTH', ");
            break;
        case MOCK_ANSWER_AGG_COUNT:
            ADD(&b, "COUNT(*");
            break;
        case MOCK_ANSWER_AGG_SUM:
            ADD(&b, "SUM(");
            break;
        case MOCK_ANSWER_AGG_AVG:
            ADD(&b, "AVG(");
            break;
        }
        if (s->column != NULL)
            mock_answer_sb_ident(&b, mock_answer_cname(s->column));
        ADD(&b, ") AS ");
        mock_answer_sb_ident(&b, a->columns[i].name);
    }
    ADD(&b, "\nFROM ");
    mock_answer_sb_ident(&b, a->table->name);
    write_where(&b, a);
    if (a->shape == MOCK_ANSWER_GROUP || a->shape == MOCK_ANSWER_TREND)
        ADD(&b, "\nGROUP BY ALL");
    if (a->sort_column >= 0) {
        ADD(&b, "\nORDER BY ");
        mock_answer_sb_ident(&b, a->columns[a->sort_column].name);
        if (a->sort_desc)
            ADD(&b, " DESC");
    }
    if (a->limit > 0)
        ADDF(&b, "\nLIMIT %lld", (long long)a->limit);
    return mock_answer_sb_take(&b);
}

/* "total amount and number of orders": the aggregates from column from on. */
static void aggs_said(struct mock_answer_sb *b, const struct mock_answer *a, size_t from)
{
    char p[128];
    for (size_t i = from; i < a->column_count; i++) {
        mock_answer_agg_phrase(a, i, p, sizeof p);
        ADDF(b, "%s%s", i == from ? "" : i + 1 == a->column_count ? " and " : ", ", p);
    }
}

static void capitalize(char *s)
{
    if (s != NULL)
        s[0] = (char)toupper((unsigned char)s[0]);
}

static char *write_title(const struct mock_answer *a)
{
    struct mock_answer_sb b = {0};
    char h[64], pt[64], ps[64];
    size_t first = a->shape == MOCK_ANSWER_SCALAR ? 0 : 1;
    mock_answer_period_words(a, pt, ps, sizeof pt);
    mock_answer_human(a->column_count > 0 ? mock_answer_cname(a->sources[0].column) : "",
                      h);
    if (a->shape == MOCK_ANSWER_LIST) {
        const char *noun = mock_answer_table_noun(a->table);
        if (a->limit > 0 && a->sort_column >= 0) {
            char m[64];
            mock_answer_human(mock_answer_cname(a->sources[a->sort_column].column), m);
            ADDF(&b, "Top %lld %s by %s", (long long)a->limit, noun, m);
        } else {
            ADDF(&b, "%s%s", a->period ? "" : "All ", noun);
        }
    } else if (a->shape == MOCK_ANSWER_GROUP && a->limit > 0) {
        ADDF(&b, "Top %lld %s values by ", (long long)a->limit, h);
        aggs_said(&b, a, 1);
    } else {
        if (a->shape == MOCK_ANSWER_TREND)
            ADD(&b, "Monthly ");
        aggs_said(&b, a, first);
        if (a->shape == MOCK_ANSWER_GROUP)
            ADDF(&b, " by %s", h);
    }
    if (a->period)
        ADDF(&b, ", %s", pt);
    char *s = mock_answer_sb_take(&b);
    capitalize(s);
    return s;
}

static char *write_description(const struct mock_answer *a)
{
    struct mock_answer_sb b = {0};
    char h[64], pt[64], ps[64];
    const char *noun = mock_answer_table_noun(a->table);
    mock_answer_period_words(a, pt, ps, sizeof pt);
    mock_answer_human(a->column_count > 0 ? mock_answer_cname(a->sources[0].column) : "",
                      h);
    ADD(&b, "You want ");
    switch (a->shape) {
    case MOCK_ANSWER_TEXT:
        break;
    case MOCK_ANSWER_SCALAR:
        ADD(&b, "the ");
        aggs_said(&b, a, 0);
        ADDF(&b, " across all %s", noun);
        break;
    case MOCK_ANSWER_GROUP:
    case MOCK_ANSWER_TREND:
        ADD(&b, "the ");
        aggs_said(&b, a, 1);
        ADDF(&b, " for each %s in the %s table",
             a->shape == MOCK_ANSWER_TREND ? "month" : h, noun);
        break;
    case MOCK_ANSWER_LIST:
        ADDF(&b, "to see the individual %s", noun);
        break;
    }
    if (a->period)
        ADDF(&b, " for %s", ps);
    if (a->shape == MOCK_ANSWER_GROUP)
        ADD(&b, ", from highest to lowest");
    else if (a->shape == MOCK_ANSWER_TREND)
        ADD(&b, ", oldest month first");
    else if (a->shape == MOCK_ANSWER_LIST && a->sort_column >= 0) {
        mock_answer_human(mock_answer_cname(a->sources[a->sort_column].column), h);
        ADDF(&b, ", %s %s first",
             a->date_column == a->sources[a->sort_column].column ? "most recent"
                                                                 : "highest",
             h);
    }
    if (a->limit > 0)
        ADDF(&b, ", keeping the top %lld", (long long)a->limit);
    ADD(&b, ".");
    return mock_answer_sb_take(&b);
}

enum gk_rc mock_answer_write(struct mock_answer *a, uint64_t seed, struct gk_err *err)
{
    struct gk_rng r;
    gk_rng_init(&r, seed);
    a->sql = write_sql(a);
    a->title = write_title(a);
    a->description = write_description(a);
    a->text = mock_answer_write_summary(a, err);
    if (a->sql == NULL || a->title == NULL || a->description == NULL || a->text == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "answer: text");
    return mock_answer_write_suggestions(a, a->table, &r);
}
