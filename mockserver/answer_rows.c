/*
 * answer_rows: the rows of a planned answer, regenerated on demand.
 *
 * Nothing is stored: every cell is a pure function of (row_seed, row, column)
 * through its own rng stream, so any row can be made without the ones
 * before it, the first n rows never depend on how many are asked for, and a
 * second call gives the same bytes. The few things that need the whole
 * result at once (the shuffled group keys) are built once per call in
 * struct mock_answer_gen.
 *
 * Invariants the SQL promises and the cells keep:
 *  - group keys are distinct (a deduplicated pool shuffled, or an integer
 *    range walked with a stride coprime to its size) and never NULL;
 *  - a column the SQL orders by DESC comes from a monotone "bucket" draw:
 *    row i takes t = (i + u) / ranked with u in [0, 1), so t grows with i and
 *    the value, a decreasing function of t, never grows; rounding to the
 *    column's scale keeps that;
 *  - aggregates hang together: count, sum and average of a row come from one
 *    draw, sum = count * average up to rounding, and a group's sum is about
 *    rows_each times a typical value, so sums dwarf single values;
 *  - months of a trend ascend one by one from the window's first month.
 * Hostile ranges (NaN, infinities, min > max, 1e300) are clamped before any
 * conversion to an integer.
 */
#include "mockserver/answer_internal.h"

#include "common/rng.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_LIMIT 1e15     /* values beyond this are clamped: keeps int64 and %f sane */
#define DAY_MIN   (-25567) /* 1900-01-01 */
#define DAY_MAX   2932896  /* 9999-12-31 */

int64_t mock_answer_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void mock_answer_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static double clamp_num(double v)
{
    if (isnan(v))
        return 0.0;
    return v < -NUM_LIMIT ? -NUM_LIMIT : v > NUM_LIMIT ? NUM_LIMIT : v;
}

static int64_t clamp_day(double v)
{
    if (isnan(v))
        return 0;
    if (v < DAY_MIN)
        return DAY_MIN;
    if (v > DAY_MAX)
        return DAY_MAX;
    return (int64_t)floor(v);
}

void mock_answer_day_range(const struct mock_column *c, int64_t *lo, int64_t *hi)
{
    *lo = clamp_day(c->min);
    *hi = clamp_day(c->max);
    if (*lo > *hi) {
        int64_t t = *lo;
        *lo = *hi;
        *hi = t;
    }
}

static void num_range(const struct mock_column *c, double *lo, double *hi)
{
    *lo = clamp_num(c->min);
    *hi = clamp_num(c->max);
    if (*lo > *hi) {
        double t = *lo;
        *lo = *hi;
        *hi = t;
    }
}

/* Integer columns use [ceil(min), floor(max)]; a range with no integer in it
 * collapses to floor(min). */
static void int_range(const struct mock_column *c, int64_t *lo, int64_t *hi)
{
    double a, b;
    num_range(c, &a, &b);
    *lo = (int64_t)ceil(a);
    *hi = (int64_t)floor(b);
    if (*hi < *lo)
        *lo = *hi = (int64_t)floor(a);
}

void mock_answer_decimal(const struct mock_column *c, int *precision, int *scale)
{
    int p = 10, s = 0; /* Spark's bare DECIMAL */
    if (c != NULL && c->precision >= 1 && c->precision <= 38 && c->scale >= 0 &&
        c->scale <= c->precision) {
        p = c->precision; /* as the scenario loader read it */
        s = c->scale;
    } else if (c != NULL && c->type_text != NULL) {
        const char *q = strchr(c->type_text, '(');
        int pp, ss;
        if (q != NULL && sscanf(q, "(%d,%d)", &pp, &ss) == 2 && pp >= 1 && pp <= 38 &&
            ss >= 0 && ss <= pp) {
            p = pp;
            s = ss;
        } else if (q != NULL && sscanf(q, "(%d)", &pp) == 1 && pp >= 1 && pp <= 38) {
            p = pp;
        }
    }
    *precision = p;
    *scale = s;
}

struct pool_ref {
    const char *s;
    size_t i;
};

static int pool_ref_cmp(const void *x, const void *y)
{
    const struct pool_ref *a = x, *b = y;
    int c = strcmp(a->s, b->s);
    if (c != 0)
        return c;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int size_cmp(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

enum gk_rc mock_answer_distinct_pool(const struct mock_column *c, size_t **idx, size_t *n)
{
    *idx = NULL;
    *n = 0;
    if (c->values == NULL || c->value_count == 0)
        return GK_OK;
    struct pool_ref *refs = malloc(c->value_count * sizeof *refs);
    size_t *out = malloc(c->value_count * sizeof *out);
    if (refs == NULL || out == NULL) {
        free(refs);
        free(out);
        return GK_OUT_OF_MEMORY;
    }
    size_t m = 0;
    for (size_t i = 0; i < c->value_count; i++)
        if (c->values[i] != NULL)
            refs[m++] = (struct pool_ref){c->values[i], i};
    qsort(refs, m, sizeof *refs, pool_ref_cmp);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) /* sorted by (string, index): keep each first */
        if (i == 0 || strcmp(refs[i].s, refs[i - 1].s) != 0)
            out[k++] = refs[i].i;
    free(refs);
    qsort(out, k, sizeof *out, size_cmp);
    if (k == 0) {
        free(out);
        out = NULL;
    }
    *idx = out;
    *n = k;
    return GK_OK;
}

/* A STRING column without a pool still groups: into this many made-up keys. */
#define SYNTHETIC_KEYS 100

int64_t mock_answer_key_cardinality(const struct mock_column *c)
{
    int64_t lo, hi;
    switch (c->type) {
    case GK_COLTYPE_STRING: {
        size_t m = 0;
        for (size_t i = 0; c->values != NULL && i < c->value_count; i++)
            m += c->values[i] != NULL;
        if (m == 0)
            return SYNTHETIC_KEYS;
        size_t *idx, n;
        if (mock_answer_distinct_pool(c, &idx, &n) != GK_OK)
            return (int64_t)m; /* an upper bound; the real count is redone later */
        free(idx);
        return (int64_t)n;
    }
    case GK_COLTYPE_BOOLEAN:
        return 2;
    case GK_COLTYPE_LONG:
    case GK_COLTYPE_INT:
    case GK_COLTYPE_SHORT:
    case GK_COLTYPE_BYTE:
        int_range(c, &lo, &hi);
        return hi - lo + 1;
    default:
        return 0;
    }
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* (a * b) mod m without overflow, for m < 2^62. */
static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    a %= m;
    while (b != 0) {
        if (b & 1)
            r = (r + a) % m;
        a = (a + a) % m;
        b >>= 1;
    }
    return r;
}

enum gk_rc mock_answer_gen_init(struct mock_answer_gen *g, const struct mock_answer *a,
                                struct gk_err *err)
{
    memset(g, 0, sizeof *g);
    g->a = a;
    struct gk_rng r;
    gk_rng_init(&r, gk_rng_derive(a->row_seed, "keys"));
    if (a->shape == MOCK_ANSWER_GROUP && a->column_count > 0 && a->sources[0].column) {
        const struct mock_column *k = a->sources[0].column;
        if (k->type == GK_COLTYPE_STRING) {
            if (mock_answer_distinct_pool(k, &g->keys, &g->key_count) != GK_OK)
                return gk_err_set(err, GK_OUT_OF_MEMORY, "answer: group keys");
            for (size_t i = g->key_count; i > 1; i--) { /* Fisher-Yates */
                size_t j = (size_t)gk_rng_below(&r, i);
                size_t t = g->keys[i - 1];
                g->keys[i - 1] = g->keys[j];
                g->keys[j] = t;
            }
        }
        int64_t hi;
        if (k->type == GK_COLTYPE_STRING) {
            g->key_lo = 1;
            g->key_span = SYNTHETIC_KEYS;
        } else {
            int_range(k, &g->key_lo, &hi);
            g->key_span = hi - g->key_lo + 1;
        }
        uint64_t span = (uint64_t)g->key_span;
        g->key_start = (int64_t)gk_rng_below(&r, span);
        uint64_t stride = span > 1 ? 1 + gk_rng_below(&r, span - 1) : 1;
        while (gcd_u64(stride, span) != 1)
            stride = stride + 1 < span ? stride + 1 : 1;
        g->key_stride = (int64_t)stride;
        g->key_bool_first = gk_rng_chance(&r, 0.5);
    }
    if (a->shape == MOCK_ANSWER_TREND) {
        int64_t y;
        unsigned m, d;
        mock_answer_civil_from_days(a->day_lo, &y, &m, &d);
        g->month0 = y * 12 + (int64_t)m - 1;
    }
    return GK_OK;
}

void mock_answer_gen_cleanup(struct mock_answer_gen *g)
{
    if (g == NULL)
        return;
    free(g->keys);
    memset(g, 0, sizeof *g);
}

/* ---- cell formatting, as Databricks' JSON_ARRAY sends it ---- */

static const char *fmt_int(char *buf, double v)
{
    v = round(clamp_num(v));
    snprintf(buf, MOCK_ANSWER_CELL_MAX, "%" PRId64, (int64_t)v);
    return buf;
}

/* Significant digits a double carries cleanly through "%.*f": past them
 * the digits printed are binary noise, so they are printed as zeros. */
#define DECIMAL_CLEAN_DIGITS 15

/* v as a DECIMAL(precision, scale) literal: exactly scale decimals, and
 * never more than precision - scale integer digits (a value beyond the type
 * is clamped to its largest, 99...9.9...9, as the sums of very wide types
 * could otherwise be). */
static const char *fmt_decimal(char *buf, double v, int precision, int scale)
{
    double unit = 0.5;
    for (int i = 0; i < scale; i++)
        unit /= 10.0;
    if (isnan(v) || fabs(v) < unit)
        v = 0.0; /* never "-0.00" */
    if (fabs(v) > 1e30)
        v = v < 0 ? -1e30 : 1e30;
    int int_digits = 0;
    for (double ten = 1.0; int_digits < 40 && fabs(v) >= ten; ten *= 10.0)
        int_digits++;
    int shown = DECIMAL_CLEAN_DIGITS - int_digits;
    shown = shown < 0 ? 0 : shown > scale ? scale : shown;
    int n = snprintf(buf, MOCK_ANSWER_CELL_MAX, "%.*f", shown, v);
    const char *dot = strchr(buf, '.');
    size_t whole = dot != NULL ? (size_t)(dot - buf) : (size_t)n;
    size_t sign = buf[0] == '-';
    whole -= sign;
    if (whole == 1 && buf[sign] == '0')
        whole = 0; /* "0.25" has no integer digit to count */
    if (whole > (size_t)(precision - scale)) {
        n = (int)sign;
        for (int i = 0; i < precision - scale; i++)
            buf[n++] = '9';
        if (n == (int)sign)
            buf[n++] = '0';
        if (scale > 0)
            buf[n++] = '.';
        for (int i = 0; i < scale; i++)
            buf[n++] = '9';
        buf[n] = '\0';
        return buf;
    }
    if (shown == 0 && scale > 0)
        buf[n++] = '.';
    for (int i = shown; i < scale; i++)
        buf[n++] = '0';
    buf[n] = '\0';
    return buf;
}

/* Java's Double.toString, as Spark prints a DOUBLE, for values rounded to
 * cents: "17.25", "3.0", and from 1e7 up "1.2345E7". */
static const char *fmt_double(char *buf, double v)
{
    v = round(clamp_num(v) * 100.0) / 100.0 + 0.0; /* + 0.0: never "-0.0" */
    double x = fabs(v);
    int e = 0;
    if (x >= 1e7) {
        for (; x >= 10.0; x /= 10.0)
            e++;
        if (x >= 9.999999995) { /* would print as "10.0" */
            x /= 10.0;
            e++;
        }
    }
    snprintf(buf, MOCK_ANSWER_CELL_MAX, "%s%.*f", v < 0 ? "-" : "", e ? 8 : 2, x);
    char *end = buf + strlen(buf);
    while (end[-2] != '.' && end[-1] == '0')
        *--end = '\0';
    if (e)
        snprintf(end, MOCK_ANSWER_CELL_MAX - (size_t)(end - buf), "E%d", e);
    return buf;
}

static const char *fmt_date(char *buf, int64_t day)
{
    int64_t y;
    unsigned m, d;
    mock_answer_civil_from_days(day, &y, &m, &d);
    snprintf(buf, MOCK_ANSWER_CELL_MAX, "%04" PRId64 "-%02u-%02u", y, m, d);
    return buf;
}

static const char *fmt_timestamp(char *buf, int64_t day, int64_t ms_of_day)
{
    int64_t y;
    unsigned m, d;
    mock_answer_civil_from_days(day, &y, &m, &d);
    int64_t s = ms_of_day / 1000;
    snprintf(buf, MOCK_ANSWER_CELL_MAX,
             "%04" PRId64 "-%02u-%02uT%02" PRId64 ":%02" PRId64 ":%02" PRId64
             ".%03" PRId64 "Z",
             y, m, d, s / 3600, s / 60 % 60, s % 60, ms_of_day % 1000);
    return buf;
}

/* Formats v for result column rc computed from source column c (sums of
 * integers are integers). A DECIMAL is printed with the precision and scale
 * the manifest announces for rc, so the two cannot disagree. */
static const char *fmt_measure(char *buf, const struct gk_column *rc,
                               const struct mock_column *c, double v)
{
    int p, s;
    switch (c->type) {
    case GK_COLTYPE_DECIMAL:
        mock_answer_decimal(c, &p, &s);
        if (rc->has_type_precision && rc->has_type_scale) {
            p = rc->type_precision;
            s = rc->type_scale;
        }
        return fmt_decimal(buf, v, p, s);
    case GK_COLTYPE_DOUBLE:
    case GK_COLTYPE_FLOAT:
        return fmt_double(buf, v);
    default:
        return fmt_int(buf, v);
    }
}

static void cell_rng(struct gk_rng *r, const struct mock_answer *a, int64_t i, size_t c)
{
    gk_rng_init(r, a->row_seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL) ^
                       ((uint64_t)(c + 1) * 0xd1b54a32d192ed03ULL));
}

/* Where row i falls in a ranked order: grows with i, in [0, 1). */
static double rank_t(const struct mock_answer *a, int64_t i, struct gk_rng *r)
{
    double n = a->ranked_rows > 0 ? (double)a->ranked_rows : 1.0;
    double t = ((double)i + gk_rng_uniform(r)) / n;
    return t < 1.0 ? t : 0.999999;
}

static const char *key_cell(const struct mock_answer_gen *g, int64_t i, char *buf)
{
    const struct mock_column *k = g->a->sources[0].column;
    if (k->type == GK_COLTYPE_BOOLEAN)
        return (i == 0) == g->key_bool_first ? "true" : "false";
    if (k->type == GK_COLTYPE_STRING && g->key_count > 0)
        return k->values[g->keys[(size_t)i % g->key_count]];
    uint64_t span = (uint64_t)g->key_span;
    uint64_t off =
        ((uint64_t)g->key_start + mulmod((uint64_t)i, (uint64_t)g->key_stride, span)) %
        span;
    int64_t v = g->key_lo + (int64_t)off;
    if (k->type == GK_COLTYPE_STRING)
        snprintf(buf, MOCK_ANSWER_CELL_MAX, "%.40s %" PRId64, k->name ? k->name : "key",
                 v);
    else
        snprintf(buf, MOCK_ANSWER_CELL_MAX, "%" PRId64, v);
    return buf;
}

/* A listing's cell: the column's own values. */
static const char *value_cell(const struct mock_answer_gen *g, int64_t i, size_t c,
                              char *buf)
{
    const struct mock_answer *a = g->a;
    const struct mock_column *col = a->sources[c].column;
    struct gk_rng r;
    cell_rng(&r, a, i, c);
    bool sorted = (int)c == a->sort_column;
    double t = sorted ? rank_t(a, i, &r) : gk_rng_uniform(&r);
    if (!sorted && !(col == a->date_column && a->period != MOCK_ANSWER_PERIOD_NONE) &&
        gk_rng_chance(&r, col->null_ratio))
        return NULL;
    double lo, hi;
    int64_t ilo, ihi, dlo, dhi;
    num_range(col, &lo, &hi);
    if (col == a->date_column) {
        dlo = a->day_lo;
        dhi = a->day_hi;
    } else {
        mock_answer_day_range(col, &dlo, &dhi);
    }
    switch (col->type) {
    case GK_COLTYPE_STRING:
        if (col->values != NULL && col->value_count > 0)
            return col->values[gk_rng_below(&r, col->value_count)];
        snprintf(buf, MOCK_ANSWER_CELL_MAX, "%.40s %" PRIu64, col->name ? col->name : "v",
                 1 + gk_rng_below(&r, SYNTHETIC_KEYS));
        return buf;
    case GK_COLTYPE_BOOLEAN:
        return gk_rng_chance(&r, 0.5) ? "true" : "false";
    case GK_COLTYPE_LONG:
    case GK_COLTYPE_INT:
    case GK_COLTYPE_SHORT:
    case GK_COLTYPE_BYTE:
        int_range(col, &ilo, &ihi);
        if (sorted) /* skewed: a few large values, a long tail */
            return fmt_int(buf,
                           fmin((double)ihi,
                                floor((double)ilo + ((double)ihi - (double)ilo + 0.999) *
                                                        (1 - t) * (1 - t))));
        return fmt_int(buf, (double)gk_rng_range(&r, ilo, ihi));
    case GK_COLTYPE_DECIMAL:
    case GK_COLTYPE_DOUBLE:
    case GK_COLTYPE_FLOAT:
        return fmt_measure(buf, &a->columns[c], col,
                           sorted ? lo + (hi - lo) * (1 - t) * (1 - t)
                                  : lo + (hi - lo) * t);
    case GK_COLTYPE_DATE:
        return fmt_date(buf, dhi - (int64_t)floor((double)(dhi - dlo + 1) * t));
    case GK_COLTYPE_TIMESTAMP: {
        int64_t span_ms = (dhi - dlo + 1) * 86400000;
        int64_t at = span_ms - 1 - (int64_t)floor((double)span_ms * t);
        at = at < 0 ? 0 : at; /* t a hair below 1 can round span_ms * t up */
        if (!sorted) /* seconds resolution, with a millisecond part like Spark's */
            at = at / 1000 * 1000 + (int64_t)gk_rng_below(&r, 1000);
        return fmt_timestamp(buf, dlo + at / 86400000, at % 86400000);
    }
    default:
        snprintf(buf, MOCK_ANSWER_CELL_MAX, "%" PRIu64, gk_rng_below(&r, 1000000));
        return buf;
    }
}

/* One result row's aggregates: drawn together so that sum = count * avg. */
struct agg_row {
    double count, sum, avg;
    bool empty; /* a SCALAR over no rows: COUNT 0, SUM and AVG NULL */
};

static const struct mock_column *measure_of(const struct mock_answer *a)
{
    for (size_t c = 0; c < a->column_count; c++)
        if (a->sources[c].agg == MOCK_ANSWER_AGG_SUM ||
            a->sources[c].agg == MOCK_ANSWER_AGG_AVG)
            return a->sources[c].column;
    return NULL;
}

static struct agg_row agg_row(const struct mock_answer *a, int64_t i)
{
    const struct mock_column *m = measure_of(a);
    double lo = 0, hi = 0;
    if (m != NULL)
        num_range(m, &lo, &hi);
    double mean = (lo + hi) / 2, spread = hi - lo;
    double re = a->rows_each > 0 ? a->rows_each : 0;
    struct gk_rng r;
    cell_rng(&r, a, i, (size_t)-1);
    double t = rank_t(a, i, &r), u = gk_rng_uniform(&r), w = gk_rng_uniform(&r);
    struct agg_row x = {0};
    enum mock_answer_agg by = MOCK_ANSWER_AGG_NONE;
    if (a->sort_column >= 0 && a->sort_desc)
        by = a->sources[a->sort_column].agg;
    /* A group's size, falling with rank: a broad body plus a head that
     * separates the leaders (sqrt is correctly rounded: still reproducible). */
    double f = 0.4 + 0.8 * (1 - t) * (1 - t) + 0.8 / sqrt(1.0 + (double)i + u);
    x.avg = mean + spread * 0.1 * (2 * u - 1);
    if (a->shape == MOCK_ANSWER_SCALAR) {
        x.count = round(re);
        x.empty = x.count < 1;
    } else if (by == MOCK_ANSWER_AGG_SUM) {
        /* the sum falls with rank; count jitters around it, avg follows */
        double s = re * (mean > 0 ? f : 2.0 - f);
        x.count = fmax(1, round(re * f * (0.95 + 0.1 * u)));
        x.sum = s * mean;
        x.avg = x.sum / x.count;
        return x;
    } else if (by == MOCK_ANSWER_AGG_COUNT) {
        x.count = fmax(1, round(re * f));
    } else if (by == MOCK_ANSWER_AGG_AVG) {
        double alo = fmax(lo, mean - spread * 0.25), ahi = fmin(hi, mean + spread * 0.25);
        x.avg = ahi - (ahi - alo) * t;
        x.count = fmax(1, round(re * (0.5 + w)));
    } else {
        x.count = fmax(1, round(re * (0.7 + 0.6 * w)));
    }
    x.sum = x.count * x.avg;
    return x;
}

const char *mock_answer_gen_cell(const struct mock_answer_gen *g, int64_t i, size_t c,
                                 char *buf)
{
    const struct mock_answer *a = g->a;
    const struct mock_answer_source *s = &a->sources[c];
    struct agg_row x;
    switch (s->agg) {
    case MOCK_ANSWER_AGG_NONE:
        if (a->shape == MOCK_ANSWER_GROUP && c == 0)
            return key_cell(g, i, buf);
        return value_cell(g, i, c, buf);
    case MOCK_ANSWER_AGG_MONTH: {
        int64_t mi = g->month0 + i;
        return fmt_timestamp(
            buf, mock_answer_days_from_civil(mi / 12, (unsigned)(mi % 12) + 1, 1), 0);
    }
    case MOCK_ANSWER_AGG_COUNT:
        x = agg_row(a, i);
        return fmt_int(buf, x.count);
    case MOCK_ANSWER_AGG_SUM:
        x = agg_row(a, i);
        return x.empty ? NULL : fmt_measure(buf, &a->columns[c], s->column, x.sum);
    case MOCK_ANSWER_AGG_AVG:
        x = agg_row(a, i);
        return x.empty ? NULL : fmt_double(buf, x.avg);
    }
    return NULL;
}
