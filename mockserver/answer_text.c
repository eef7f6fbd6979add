/*
 * answer_text: the prose of an answer: the markdown summary of a SQL
 * answer, the suggested follow-ups, and the clarifying question of a
 * text-only answer.
 *
 * The summary is built from the answer's own rows (mock_answer_gen), so the
 * names and numbers it quotes are the ones the query result holds; numbers
 * get thousands separators as Genie writes them. Suggestions and the
 * clarifying question name real columns of the table; each is picked by the
 * rng from the templates the table's columns allow.
 */
#include "mockserver/answer_internal.h"

#include "common/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADD  mock_answer_sb_add
#define ADDF mock_answer_sb_addf

/* ---- the summary, from the rows themselves ---- */

/* A cell for prose: numbers get thousands separators ("1,284,310.50"). */
static const char *pretty(const char *cell, char *out, size_t cap)
{
    if (cell == NULL)
        return "NULL";
    const char *p = cell + (cell[0] == '-');
    size_t digits = strspn(p, "0123456789");
    if (digits == 0 ||
        (p[digits] != '\0' && (p[digits] != '.' || strspn(p + digits + 1, "0123456789") !=
                                                       strlen(p + digits + 1))) ||
        strlen(cell) + digits / 3 + 1 > cap)
        return cell;
    size_t n = 0;
    if (cell[0] == '-')
        out[n++] = '-';
    for (size_t i = 0; i < digits; i++) {
        if (i > 0 && (digits - i) % 3 == 0)
            out[n++] = ',';
        out[n++] = p[i];
    }
    strcpy(out + n, p + digits);
    return out;
}

#define CELL(i, c) pretty(mock_answer_gen_cell(g, (i), (c), buf), pb, sizeof pb)

static void summary_group(struct mock_answer_sb *b, const struct mock_answer *a,
                          const struct mock_answer_gen *g, const char *lead)
{
    char buf[MOCK_ANSWER_CELL_MAX], pb[MOCK_ANSWER_CELL_MAX + 48], agg[128], h[64];
    mock_answer_agg_phrase(a, 1, agg, sizeof agg);
    mock_answer_human(mock_answer_cname(a->sources[0].column), h);
    ADD(b, lead);
    ADDF(b, "**%s** ", mock_answer_gen_cell(g, 0, 0, buf));
    ADDF(b, "had the highest %s at **%s**", agg, CELL(0, 1));
    for (int64_t i = 1; i < a->total_rows && i < 3; i++) {
        ADDF(b, "%s**%s** ", i == 1 ? ", followed by " : " and ",
             mock_answer_gen_cell(g, i, 0, buf));
        ADDF(b, "(%s)", CELL(i, 1));
    }
    ADD(b, ".");
    if (a->column_count > 2) {
        mock_answer_agg_phrase(a, 2, agg, sizeof agg);
        ADDF(b, " Its %s was **%s**.", agg, CELL(0, 2));
    }
    if (a->total_rows > 3 && a->limit == 0)
        ADDF(b, " The result has **%lld** %s values in all.", (long long)a->total_rows,
             h);
}

static void summary_trend(struct mock_answer_sb *b, const struct mock_answer *a,
                          const struct mock_answer_gen *g, const char *lead)
{
    char buf[MOCK_ANSWER_CELL_MAX], pb[MOCK_ANSWER_CELL_MAX + 48], agg[128];
    int64_t last = a->total_rows - 1, peak = 0;
    double best = 0;
    for (int64_t i = 0; i <= last; i++) { /* at most MOCK_ANSWER_MAX_TOTAL_ROWS */
        const char *c = mock_answer_gen_cell(g, i, 1, buf);
        double v = c != NULL ? strtod(c, NULL) : 0;
        if (i == 0 || v > best) {
            best = v;
            peak = i;
        }
    }
    mock_answer_agg_phrase(a, 1, agg, sizeof agg);
    ADD(b, lead);
    ADDF(b, "%s %s was **%s** ", *lead ? "the" : "The", agg, CELL(0, 1));
    ADDF(b, "in **%.7s**", mock_answer_gen_cell(g, 0, 0, buf));
    if (last > 0) {
        ADDF(b, " and **%s** ", CELL(last, 1));
        ADDF(b, "in **%.7s**", mock_answer_gen_cell(g, last, 0, buf));
        ADDF(b, ", over %lld months; it peaked in **%.7s**", (long long)a->total_rows,
             mock_answer_gen_cell(g, peak, 0, buf));
        ADDF(b, " at **%s**", CELL(peak, 1));
    }
    ADD(b, ".");
}

static void summary_scalar(struct mock_answer_sb *b, const struct mock_answer *a,
                           const struct mock_answer_gen *g, const char *lead)
{
    char buf[MOCK_ANSWER_CELL_MAX], pb[MOCK_ANSWER_CELL_MAX + 48], agg[128];
    ADD(b, lead);
    for (size_t i = 0; i < a->column_count; i++) {
        mock_answer_agg_phrase(a, i, agg, sizeof agg);
        ADDF(b, "%s%s %s ", i == 0 ? (*lead ? "the " : "The ") : ", and the ", agg,
             *lead ? "was" : "is");
        ADDF(b, "**%s**", CELL(0, i));
    }
    ADD(b, ".");
}

static void summary_list(struct mock_answer_sb *b, const struct mock_answer *a,
                         const struct mock_answer_gen *g, const char *lead)
{
    char buf[MOCK_ANSWER_CELL_MAX], pb[MOCK_ANSWER_CELL_MAX + 48];
    ADD(b, lead);
    snprintf(buf, sizeof buf, "%lld", (long long)a->total_rows);
    ADDF(b, "%s query returns **%s** %s", *lead ? "the" : "The",
         pretty(buf, pb, sizeof pb), mock_answer_table_noun(a->table));
    if (a->sort_column >= 0)
        ADDF(b, ", %s `%s` first",
             a->sources[a->sort_column].column == a->date_column ? "most recent"
                                                                 : "highest",
             mock_answer_cname(a->sources[a->sort_column].column));
    ADD(b, ". The first row has ");
    size_t said = 0;
    for (size_t c = 0; c < a->column_count && said < 3; c++) {
        const char *v = mock_answer_gen_cell(g, 0, c, buf);
        if (v == NULL)
            continue;
        const struct mock_column *col = a->sources[c].column;
        ADDF(b, "%s`%s` **%s**", said == 0 ? "" : ", ", mock_answer_cname(col),
             mock_answer_is_measure(col) ? pretty(v, pb, sizeof pb) : v);
        said++;
    }
    ADD(b, said == 0 ? "no values set." : ".");
}

char *mock_answer_write_summary(const struct mock_answer *a, struct gk_err *err)
{
    struct mock_answer_sb b = {0};
    char pt[64], ps[64], lead[96] = "";
    mock_answer_period_words(a, pt, ps, sizeof pt);
    if (a->period)
        snprintf(lead, sizeof lead, "In %s, ", ps);
    if (a->total_rows <= 0) {
        ADDF(&b, "No %s matched%s%s, so there is nothing to show.",
             mock_answer_table_noun(a->table), a->period ? " in " : "",
             a->period ? ps : "");
        return mock_answer_sb_take(&b);
    }
    struct mock_answer_gen g;
    if (mock_answer_gen_init(&g, a, err) != GK_OK)
        return NULL;
    if (a->shape == MOCK_ANSWER_GROUP)
        summary_group(&b, a, &g, lead);
    else if (a->shape == MOCK_ANSWER_TREND)
        summary_trend(&b, a, &g, lead);
    else if (a->shape == MOCK_ANSWER_SCALAR)
        summary_scalar(&b, a, &g, lead);
    else
        summary_list(&b, a, &g, lead);
    mock_answer_gen_cleanup(&g);
    return mock_answer_sb_take(&b);
}

/* ---- follow-ups and clarifying questions ---- */

struct cols {
    const struct mock_column *measure, *date, *dim, *dim2, *any;
};

/* Columns worth naming: the first measure and date column, and string
 * dimensions other than the one the answer grouped by, so that follow-ups
 * go somewhere new. */
static struct cols columns_of(const struct mock_table *t, const struct mock_answer *a)
{
    struct cols k = {0};
    const struct mock_column *used =
        a != NULL && a->column_count > 0 ? a->sources[0].column : NULL;
    const struct mock_column *first = NULL;
    for (size_t i = 0; t != NULL && i < t->column_count; i++) {
        const struct mock_column *c = &t->columns[i];
        if (c->name == NULL)
            continue;
        first = first != NULL ? first : c;
        if (k.measure == NULL && mock_answer_is_measure(c))
            k.measure = c;
        else if (k.date == NULL && mock_answer_is_date(c))
            k.date = c;
        else if (c->type == GK_COLTYPE_STRING && c != used && k.dim == NULL)
            k.dim = c;
        else if (c->type == GK_COLTYPE_STRING && c != used && k.dim2 == NULL)
            k.dim2 = c;
    }
    if (k.dim == NULL && used != NULL && used->type == GK_COLTYPE_STRING)
        k.dim = used;
    k.any = k.dim != NULL ? k.dim : first;
    return k;
}

enum gk_rc mock_answer_write_suggestions(struct mock_answer *a,
                                         const struct mock_table *t, struct gk_rng *r)
{
    struct cols k = columns_of(t, a);
    const char *noun = t != NULL ? mock_answer_table_noun(t) : "data";
    struct mock_answer_sb c[12];
    size_t n = 0;
    memset(c, 0, sizeof c);
    if (k.measure && k.dim)
        ADDF(&c[n++], "What is the average %s by %s?", k.measure->name, k.dim->name);
    if (k.measure && k.date)
        ADDF(&c[n++], "How has the total %s changed month over month?", k.measure->name);
    if (k.dim && k.date)
        ADDF(&c[n++], "Which %s had the most %s last month?", k.dim->name, noun);
    if (k.measure)
        ADDF(&c[n++], "Show the top 10 %s by %s.", noun, k.measure->name);
    if (k.dim2 && k.measure)
        ADDF(&c[n++], "How does the total %s compare across %s?", k.measure->name,
             k.dim2->name);
    if (k.dim2 && k.dim)
        ADDF(&c[n++], "How many %s are there for each %s and %s?", noun, k.dim->name,
             k.dim2->name);
    if (k.date)
        ADDF(&c[n++], "How many %s were there each month, based on %s?", noun,
             k.date->name);
    if (k.any) {
        ADDF(&c[n++], "What are the most common values of %s?", k.any->name);
        ADDF(&c[n++], "How many %s have no %s?", noun, k.any->name);
        ADDF(&c[n++], "How many distinct %s values are there?", k.any->name);
    }
    if (n < MOCK_ANSWER_SUGGESTIONS) { /* no columns to name */
        ADDF(&c[n++], "How many %s are there in total?", noun);
        ADD(&c[n++], "Which tables can I ask about in this space?");
        ADD(&c[n++], "What data does this space cover?");
    }
    for (size_t i = 0; i < MOCK_ANSWER_SUGGESTIONS && i < n; i++) {
        size_t j = i + (size_t)gk_rng_below(r, n - i); /* partial Fisher-Yates */
        struct mock_answer_sb tmp = c[i];
        c[i] = c[j];
        c[j] = tmp;
        a->suggestions[i] = mock_answer_sb_take(&c[i]);
    }
    bool oom = false;
    for (size_t i = 0; i < n; i++) {
        oom = oom || c[i].oom;
        free(c[i].buf);
    }
    for (size_t i = 0; i < MOCK_ANSWER_SUGGESTIONS; i++)
        oom = oom || a->suggestions[i] == NULL;
    return oom ? GK_OUT_OF_MEMORY : GK_OK;
}

enum gk_rc mock_answer_write_clarify(struct mock_answer *a, const struct mock_table *t,
                                     uint64_t seed, struct gk_err *err)
{
    struct gk_rng r;
    gk_rng_init(&r, seed);
    struct mock_answer_sb b = {0};
    struct cols k = columns_of(t, NULL);
    const char *noun = t != NULL ? mock_answer_table_noun(t) : "rows";
    a->shape = MOCK_ANSWER_TEXT;
    a->sort_column = -1;
    if (t == NULL) {
        ADD(&b,
            "I couldn't find any tables in this space to answer that. Could you tell me "
            "which data you mean, or ask the space owner to add a table?");
    } else if (k.any == NULL) {
        ADDF(&b,
             "Which data do you mean? `%s` has no columns I can use yet. Would the "
             "number of %s help?",
             t->name != NULL ? t->name : noun, noun);
    } else {
        if (k.measure && gk_rng_chance(&r, 0.5))
            ADDF(&b, "Do you mean the total `%s` or the number of %s?", k.measure->name,
                 noun);
        else if (k.measure)
            ADDF(&b, "Should I sum `%s` or average it?", k.measure->name);
        else
            ADDF(&b, "Do you mean the number of %s, or a list of them?", noun);
        if (k.date)
            ADDF(&b, " And over which period: `%s` last month, or this year?",
                 k.date->name);
        if (k.dim)
            ADDF(&b, "%sShould I break it down by `%s`%s%s%s?", k.date ? " " : " And ",
                 k.dim->name, k.dim2 ? " or by `" : "", k.dim2 ? k.dim2->name : "",
                 k.dim2 ? "`" : "");
        if (!k.measure && !k.date && !k.dim)
            ADDF(&b, " I can see `%s` in `%s`.", k.any->name, noun);
    }
    a->text = mock_answer_sb_take(&b);
    if (a->text == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "answer: clarifying question");
    return mock_answer_write_suggestions(a, t, &r);
}
