/*
 * answer: the made-up SQL answers of genie-mock (mockserver/answer.h).
 *
 * Spaces are built here as C structs (on the heap, so leak checks see them):
 * a sales space with an orders table and a customers table, and hostile
 * spaces for the robustness cases. Each test reads the answer through its
 * public fields, the SQL text and the rows, and the wire tests go through
 * gk_codec_encode/decode_statement_response.
 */
#include "common/codec.h"
#include "mockserver/answer.h"
#include "tests/gk_test.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building spaces ---- */

struct col_spec {
    const char *name;
    enum gk_coltype type;
    const char *type_text;
    const char *values; /* STRING pool, '|'-separated; NULL: none */
    double min, max, null_ratio;
};

struct table_spec {
    const char *name;
    int64_t rows;
    const struct col_spec *cols;
    size_t col_count;
};

/* Days since 1970-01-01 of 2024-01-01 and 2026-06-30. */
#define D2024_01_01 19723.0
#define D2026_06_30 20634.0

static const struct col_spec orders_cols[] = {
    {"order_id", GK_COLTYPE_LONG, "BIGINT", NULL, 1, 9999999, 0},
    {"order_date", GK_COLTYPE_DATE, "DATE", NULL, D2024_01_01, D2026_06_30, 0},
    {"region", GK_COLTYPE_STRING, "STRING", "West|East|Central|South", 0, 0, 0},
    {"customer_id", GK_COLTYPE_LONG, "BIGINT", NULL, 1000, 99999, 0},
    {"amount", GK_COLTYPE_DECIMAL, "DECIMAL(18,2)", NULL, 5, 2500, 0.02},
    {"is_returned", GK_COLTYPE_BOOLEAN, "BOOLEAN", NULL, 0, 0, 0.1},
    {"discount", GK_COLTYPE_DOUBLE, "DOUBLE", NULL, 0, 0.3, 0.3},
    {"shipped_at", GK_COLTYPE_TIMESTAMP, "TIMESTAMP", NULL, D2024_01_01, D2026_06_30,
     0.1},
    {"channel", GK_COLTYPE_STRING, "STRING", "Online|Retail|Partner", 0, 0, 0},
    {"quantity", GK_COLTYPE_INT, "INT", NULL, 1, 20, 0},
};

static const struct col_spec customers_cols[] = {
    {"customer_id", GK_COLTYPE_LONG, "BIGINT", NULL, 1000, 99999, 0},
    {"customer_name", GK_COLTYPE_STRING, "STRING", "Acme|Globex|Initech|Umbrella", 0, 0,
     0},
    {"segment", GK_COLTYPE_STRING, "STRING", "Consumer|Corporate|Home Office", 0, 0, 0},
    {"signup_date", GK_COLTYPE_DATE, "DATE", NULL, D2024_01_01, D2026_06_30, 0},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct table_spec sales_tables[] = {
    {"main.sales.orders", 250000, orders_cols, N(orders_cols)},
    {"main.sales.customers", 40000, customers_cols, N(customers_cols)},
};

static char *xstrdup(const char *s)
{
    char *d = s != NULL ? strdup(s) : NULL;
    cr_assert(s == NULL || d != NULL);
    return d;
}

static void build_column(struct mock_column *c, const struct col_spec *s)
{
    c->name = xstrdup(s->name);
    c->type = s->type;
    c->type_text = xstrdup(s->type_text);
    c->min = s->min;
    c->max = s->max;
    c->null_ratio = s->null_ratio;
    if (s->values == NULL)
        return;
    size_t n = 1;
    for (const char *p = s->values; *p; p++)
        n += *p == '|';
    c->values = calloc(n, sizeof *c->values);
    cr_assert_not_null(c->values);
    const char *p = s->values;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(p, "|");
        c->values[i] = xstrdup(p);
        c->values[i][len] = '\0';
        p += len + (p[len] == '|');
    }
    c->value_count = n;
}

static struct mock_space *space_new(const struct table_spec *t, size_t n)
{
    struct mock_space *sp = calloc(1, sizeof *sp);
    cr_assert_not_null(sp);
    sp->space_id = xstrdup("01f1a7c3e2b01d4c9a1f6e0b3c5d7e21");
    sp->title = xstrdup("Sales");
    sp->tables = n ? calloc(n, sizeof *sp->tables) : NULL;
    sp->table_count = n;
    for (size_t i = 0; i < n; i++) {
        struct mock_table *mt = &sp->tables[i];
        mt->name = xstrdup(t[i].name);
        mt->row_count = t[i].rows;
        mt->column_count = t[i].col_count;
        mt->columns = t[i].col_count ? calloc(t[i].col_count, sizeof *mt->columns) : NULL;
        for (size_t c = 0; c < t[i].col_count; c++)
            build_column(&mt->columns[c], &t[i].cols[c]);
    }
    return sp;
}

static void space_free(struct mock_space *sp)
{
    for (size_t i = 0; i < sp->table_count; i++) {
        struct mock_table *t = &sp->tables[i];
        for (size_t c = 0; c < t->column_count; c++) {
            struct mock_column *col = &t->columns[c];
            for (size_t v = 0; v < col->value_count; v++)
                free(col->values[v]);
            free(col->values);
            free(col->name);
            free(col->type_text);
        }
        free(t->columns);
        free(t->name);
    }
    free(sp->tables);
    free(sp->space_id);
    free(sp->title);
    free(sp);
}

static struct mock_space *sales_space(void)
{
    return space_new(sales_tables, N(sales_tables));
}

static void make(const struct mock_space *sp, const char *q, uint64_t seed,
                 struct mock_answer *a)
{
    struct gk_err err = {0};
    cr_assert_eq(mock_answer_make(sp, q, true, seed, a, &err), GK_OK, "%s", err.msg);
}

static void rows(const struct mock_answer *a, int64_t max,
                 struct gk_statement_response *r)
{
    struct gk_err err = {0};
    cr_assert_eq(
        mock_answer_rows(a, max, "01f1b4e8-c40b-1d66-9e2a-7b4c1d0e3f58", r, &err), GK_OK,
        "%s", err.msg);
}

static int col_index(const struct mock_answer *a, const char *name)
{
    for (size_t i = 0; i < a->column_count; i++)
        if (strcmp(a->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- what the question asks for ---- */

Test(answer, sql_answers_fit_the_question)
{
    static const struct {
        const char *q;
        enum mock_answer_shape shape;
        const char *col0;         /* first result column */
        enum mock_answer_agg agg; /* of the second result column */
        int64_t limit;
        enum mock_answer_period period;
        const char *sql; /* a piece the SQL must hold */
    } cases[] = {
        {"What were total sales by region last month?", MOCK_ANSWER_GROUP, "region",
         MOCK_ANSWER_AGG_SUM, 0, MOCK_ANSWER_PERIOD_LAST_MONTH,
         "SUM(`amount`) AS `total_amount`"},
        {"How many orders per channel?", MOCK_ANSWER_GROUP, "channel",
         MOCK_ANSWER_AGG_COUNT, 0, MOCK_ANSWER_PERIOD_NONE, "COUNT(*) AS `order_count`"},
        {"Average amount by region this year", MOCK_ANSWER_GROUP, "region",
         MOCK_ANSWER_AGG_AVG, 0, MOCK_ANSWER_PERIOD_THIS_YEAR,
         "`order_date` >= DATE_TRUNC('YEAR', CURRENT_DATE())"},
        {"Top 5 customers by total amount", MOCK_ANSWER_GROUP, "customer_id",
         MOCK_ANSWER_AGG_SUM, 5, MOCK_ANSWER_PERIOD_NONE, "\nLIMIT 5"},
        {"top three regions by average amount", MOCK_ANSWER_GROUP, "region",
         MOCK_ANSWER_AGG_AVG, 3, MOCK_ANSWER_PERIOD_NONE, "ORDER BY `avg_amount` DESC"},
        {"Show the monthly trend of revenue", MOCK_ANSWER_TREND, "month",
         MOCK_ANSWER_AGG_SUM, 0, MOCK_ANSWER_PERIOD_NONE,
         "DATE_TRUNC('MONTH', `order_date`) AS `month`"},
        {"number of orders by order date", MOCK_ANSWER_TREND, "month",
         MOCK_ANSWER_AGG_COUNT, 0, MOCK_ANSWER_PERIOD_NONE, "ORDER BY `month`"},
        {"total quantity per month over the last 6 months", MOCK_ANSWER_TREND, "month",
         MOCK_ANSWER_AGG_SUM, 0, MOCK_ANSWER_PERIOD_LAST_MONTHS,
         "ADD_MONTHS(CURRENT_DATE(), -6)"},
        {"What is the total amount by is_returned?", MOCK_ANSWER_GROUP, "is_returned",
         MOCK_ANSWER_AGG_SUM, 0, MOCK_ANSWER_PERIOD_NONE, "GROUP BY ALL"},
        {"List all orders from the last 30 days", MOCK_ANSWER_LIST, "order_id",
         MOCK_ANSWER_AGG_NONE, 0, MOCK_ANSWER_PERIOD_LAST_DAYS,
         "`order_date` >= DATE_SUB(CURRENT_DATE(), 30)"},
        {"Show the top 10 orders by amount", MOCK_ANSWER_LIST, "order_id",
         MOCK_ANSWER_AGG_NONE, 10, MOCK_ANSWER_PERIOD_NONE,
         "ORDER BY `amount` DESC\nLIMIT 10"},
        {"How many orders were there last year?", MOCK_ANSWER_SCALAR, "order_count",
         MOCK_ANSWER_AGG_NONE, 0, MOCK_ANSWER_PERIOD_LAST_YEAR,
         "AND `order_date` < DATE_TRUNC('YEAR', CURRENT_DATE())"},
        {"How many customers signed up by segment last quarter?", MOCK_ANSWER_GROUP,
         "segment", MOCK_ANSWER_AGG_COUNT, 0, MOCK_ANSWER_PERIOD_LAST_QUARTER,
         "`main`.`sales`.`customers`"},
    };
    struct mock_space *sp = sales_space();
    for (size_t i = 0; i < N(cases); i++) {
        struct mock_answer a;
        make(sp, cases[i].q, 42, &a);
        const char *q = cases[i].q;
        cr_assert(a.has_sql, "%s", q);
        cr_assert_eq(a.shape, cases[i].shape, "%s: shape %d\n%s", q, a.shape, a.sql);
        cr_assert_str_eq(a.columns[0].name, cases[i].col0, "%s\n%s", q, a.sql);
        if (cases[i].agg != MOCK_ANSWER_AGG_NONE)
            cr_assert_eq(a.sources[1].agg, cases[i].agg, "%s\n%s", q, a.sql);
        cr_assert_eq(a.limit, cases[i].limit, "%s", q);
        cr_assert_eq(a.period, cases[i].period, "%s\n%s", q, a.sql);
        cr_assert_not_null(strstr(a.sql, cases[i].sql), "%s\n%s", q, a.sql);
        bool grouped = a.shape == MOCK_ANSWER_GROUP || a.shape == MOCK_ANSWER_TREND;
        cr_assert_eq(strstr(a.sql, "\nGROUP BY ALL") != NULL, grouped, "%s\n%s", q,
                     a.sql);
        cr_assert_eq(strstr(a.sql, "\nWHERE ") != NULL,
                     a.period != MOCK_ANSWER_PERIOD_NONE, "%s\n%s", q, a.sql);
        if (a.limit > 0)
            cr_assert_eq(a.total_rows, a.limit, "%s", q);
        mock_answer_cleanup(&a);
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, sql_title_and_description_read_like_genie)
{
    struct mock_space *sp = sales_space();
    struct mock_answer a;
    make(sp, "What were total sales by region last month?", 7, &a);
    cr_assert_str_eq(
        a.sql,
        "SELECT `region`, SUM(`amount`) AS `total_amount`\n"
        "FROM `main`.`sales`.`orders`\n"
        "WHERE `order_date` >= DATE_TRUNC('MONTH', ADD_MONTHS(CURRENT_DATE(), -1))\n"
        "  AND `order_date` < DATE_TRUNC('MONTH', CURRENT_DATE())\n"
        "GROUP BY ALL\n"
        "ORDER BY `total_amount` DESC");
    cr_assert_str_eq(a.title, "Total amount by region, last month");
    cr_assert_str_eq(a.description,
                     "You want the total amount for each region in the orders "
                     "table for the previous calendar month, from highest to "
                     "lowest.");
    cr_assert_eq(a.total_rows, 4, "one row per region");
    cr_assert_str_eq(a.columns[1].type_name, "DECIMAL");
    cr_assert_str_eq(a.columns[1].type_text, "DECIMAL(28,2)");
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, result_columns_take_their_types_from_the_aggregate)
{
    static const struct {
        const char *q, *col, *type_name, *type_text;
    } cases[] = {
        {"total amount by region", "total_amount", "DECIMAL", "DECIMAL(28,2)"},
        {"how many orders by region", "order_count", "LONG", "BIGINT"},
        {"average amount by region", "avg_amount", "DOUBLE", "DOUBLE"},
        {"total quantity by channel", "total_quantity", "LONG", "BIGINT"},
        {"total discount by channel", "total_discount", "DOUBLE", "DOUBLE"},
        {"monthly trend of the number of orders", "month", "TIMESTAMP", "TIMESTAMP"},
        {"list all orders", "order_date", "DATE", "DATE"},
        {"list all orders", "is_returned", "BOOLEAN", "BOOLEAN"},
    };
    struct mock_space *sp = sales_space();
    for (size_t i = 0; i < N(cases); i++) {
        struct mock_answer a;
        make(sp, cases[i].q, 3, &a);
        int c = col_index(&a, cases[i].col);
        cr_assert_geq(c, 0, "%s: no %s in\n%s", cases[i].q, cases[i].col, a.sql);
        cr_assert_eq(a.columns[c].position, c);
        cr_assert_str_eq(a.columns[c].type_name, cases[i].type_name, "%s", cases[i].q);
        cr_assert_str_eq(a.columns[c].type_text, cases[i].type_text, "%s", cases[i].q);
        mock_answer_cleanup(&a);
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

/* ---- determinism ---- */

static char *encode(const struct gk_statement_response *r)
{
    char *out = NULL;
    struct gk_err err = {0};
    cr_assert_eq(gk_codec_encode_statement_response(r, NULL, &out, NULL, &err), GK_OK,
                 "%s", err.msg);
    return out;
}

/* Everything an answer says, as one string, to compare runs. */
static char *render(const struct mock_space *sp, const char *q, bool has_sql,
                    uint64_t seed)
{
    struct mock_answer a;
    struct gk_err err = {0};
    cr_assert_eq(mock_answer_make(sp, q, has_sql, seed, &a, &err), GK_OK);
    char *body = NULL;
    if (a.has_sql) {
        struct gk_statement_response r;
        rows(&a, 5000, &r);
        body = encode(&r);
        gk_types_statement_response_cleanup(&r);
    }
    size_t len = 64 + (body ? strlen(body) : 0) + strlen(a.text);
    len += a.sql ? strlen(a.sql) + strlen(a.title) + strlen(a.description) : 0;
    for (int i = 0; i < MOCK_ANSWER_SUGGESTIONS; i++)
        len += strlen(a.suggestions[i]) + 1;
    char *s = malloc(len);
    cr_assert_not_null(s);
    snprintf(s, len, "%s|%s|%s|%s|%s|%s|%s|%s", a.sql ? a.sql : "-",
             a.title ? a.title : "-", a.description ? a.description : "-", a.text,
             a.suggestions[0], a.suggestions[1], a.suggestions[2], body ? body : "-");
    free(body);
    mock_answer_cleanup(&a);
    return s;
}

Test(answer, same_inputs_give_byte_identical_answers)
{
    static const char *const qs[] = {"total sales by region last month",
                                     "list all orders", "monthly trend of revenue", "",
                                     "what?"};
    struct mock_space *sp = sales_space();
    for (size_t i = 0; i < N(qs); i++) {
        for (int has_sql = 0; has_sql < 2; has_sql++) {
            char *x = render(sp, qs[i], has_sql, 99), *y = render(sp, qs[i], has_sql, 99);
            cr_assert_str_eq(x, y, "%s", qs[i]);
            free(x);
            free(y);
        }
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, different_seeds_give_different_answers)
{
    static const char *const qs[] = {"total sales by region last month", "", "hello"};
    struct mock_space *sp = sales_space();
    for (size_t i = 0; i < N(qs); i++) {
        char *x = render(sp, qs[i], true, 1), *y = render(sp, qs[i], true, 2);
        cr_assert_str_neq(x, y, "%s", qs[i]);
        free(x);
        free(y);
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, rows_do_not_depend_on_the_cap_or_the_call)
{
    struct mock_space *sp = sales_space();
    struct mock_answer a;
    make(sp, "list all orders", 5, &a);
    struct gk_statement_response few, many, again;
    rows(&a, 10, &few);
    rows(&a, 5000, &many);
    rows(&a, 5000, &again);
    for (size_t i = 0; i < few.result->row_count; i++)
        for (size_t c = 0; c < a.column_count; c++) {
            const char *x = few.result->rows[i].values[c],
                       *y = many.result->rows[i].values[c];
            cr_assert((x == NULL) == (y == NULL) && (x == NULL || strcmp(x, y) == 0));
        }
    char *b1 = encode(&many), *b2 = encode(&again);
    cr_assert_str_eq(b1, b2);
    free(b1);
    free(b2);
    gk_types_statement_response_cleanup(&few);
    gk_types_statement_response_cleanup(&many);
    gk_types_statement_response_cleanup(&again);
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

/* ---- the manifest describes the rows ---- */

/* The length of the JSON array or object at p, through its closing
 * bracket; brackets inside strings do not count. */
static size_t json_span(const char *p)
{
    size_t depth = 0, i = 0;
    bool in_string = false;
    for (; p[i] != '\0'; i++) {
        if (in_string) {
            if (p[i] == '\\')
                i++;
            else if (p[i] == '"')
                in_string = false;
        } else if (p[i] == '"') {
            in_string = true;
        } else if (p[i] == '[' || p[i] == '{') {
            depth++;
        } else if ((p[i] == ']' || p[i] == '}') && --depth == 0) {
            return i + 1;
        }
    }
    cr_assert_fail("unbalanced JSON: %s", p);
    return 0;
}

static bool decimal_type_agrees(const struct gk_column *col);

/* One chunk holding every row returned, the byte counts equal to the size
 * of the data_array as encoded, and precision and scale on the DECIMAL
 * columns only, agreeing with their type_text. */
static void check_manifest(const struct gk_statement_response *r, const char *what)
{
    const struct gk_statement_manifest *m = r->manifest;
    int64_t n = (int64_t)r->result->row_count;
    cr_assert(m->has_total_chunk_count && m->has_total_byte_count, "%s", what);
    cr_assert_eq(m->total_chunk_count, 1, "%s", what);
    cr_assert_eq(m->chunk_count, 1, "%s", what);
    const struct gk_chunk_info *k = &m->chunks[0];
    cr_assert(k->chunk_index == 0 && k->row_offset == 0, "%s", what);
    cr_assert_eq(k->row_count, n, "%s", what);
    cr_assert_eq(k->row_count, m->total_row_count, "%s", what);
    cr_assert_eq(k->byte_count, m->total_byte_count, "%s", what);
    char *body = encode(r);
    const char *rows_at = strstr(body, "\"data_array\":");
    size_t sent = rows_at != NULL ? json_span(rows_at + strlen("\"data_array\":")) : 0;
    cr_assert_eq(k->byte_count, (int64_t)sent,
                 "%s: byte_count %lld, data_array %zu bytes", what,
                 (long long)k->byte_count, sent);
    cr_assert_eq(n == 0, sent == 0, "%s", what);
    free(body);
    for (size_t c = 0; c < m->column_count; c++) {
        const struct gk_column *col = &m->columns[c];
        if (strcmp(col->type_name, "DECIMAL") == 0)
            cr_assert(decimal_type_agrees(col), "%s: %s %s (%d,%d)", what, col->name,
                      col->type_text, (int)col->type_precision, (int)col->type_scale);
        else
            cr_assert(!col->has_type_precision && !col->has_type_scale, "%s: %s %s", what,
                      col->name, col->type_text);
    }
}

/* ---- rows agree with the SQL ---- */

static double num(const char *s)
{
    cr_assert_not_null(s);
    return strtod(s, NULL);
}

Test(answer, grouped_rows_are_distinct_descending_and_summarised)
{
    static const char *const qs[] = {
        "total sales by region",           "how many orders per channel",
        "average amount by region",        "top 5 customers by total amount",
        "total amount by is_returned",     "number of orders and total amount by channel",
        "top 50 customers by order count",
    };
    struct mock_space *sp = sales_space();
    for (size_t i = 0; i < N(qs); i++) {
        for (uint64_t seed = 1; seed <= 4; seed++) {
            struct mock_answer a;
            make(sp, qs[i], seed, &a);
            cr_assert_eq(a.shape, MOCK_ANSWER_GROUP, "%s\n%s", qs[i], a.sql);
            cr_assert_not_null(strstr(a.sql, " DESC"));
            struct gk_statement_response r;
            rows(&a, 5000, &r);
            cr_assert_eq((int64_t)r.result->row_count, a.total_rows);
            cr_assert_eq(r.manifest->column_count, a.column_count);
            for (size_t j = 0; j < r.result->row_count; j++) {
                char **v = r.result->rows[j].values;
                cr_assert_eq(r.result->rows[j].value_count, a.column_count);
                cr_assert_not_null(v[0], "group keys are never NULL");
                for (size_t k = 0; k < j; k++)
                    cr_assert_str_neq(r.result->rows[k].values[0], v[0], "%s: key twice",
                                      qs[i]);
                if (j > 0)
                    cr_assert_leq(num(v[1]), num(r.result->rows[j - 1].values[1]),
                                  "%s: row %zu not descending", qs[i], j);
            }
            const char *top = r.result->rows[0].values[0];
            cr_assert_not_null(strstr(a.text, top), "%s: text does not name %s: %s",
                               qs[i], top, a.text);
            gk_types_statement_response_cleanup(&r);
            mock_answer_cleanup(&a);
        }
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, aggregates_are_plausible)
{
    struct mock_space *sp = sales_space();
    struct mock_answer a;
    make(sp, "total amount, average amount and number of orders by region", 11, &a);
    cr_assert_eq(a.column_count, 4, "%s", a.sql);
    struct gk_statement_response r;
    rows(&a, 5000, &r);
    for (size_t j = 0; j < r.result->row_count; j++) {
        char **v = r.result->rows[j].values;
        double sum = num(v[1]), avg = num(v[2]), count = num(v[3]);
        cr_assert_gt(sum, 2500, "a region's sum dwarfs any single amount");
        cr_assert(avg >= 5 && avg <= 2500, "average %f within the column's range", avg);
        cr_assert_lt(fabs(sum - avg * count) / sum, 0.01, "sum = avg * count");
    }
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

static int64_t month_of(const char *ts)
{
    int y, m;
    cr_assert_eq(sscanf(ts, "%4d-%2d-01T00:00:00.000Z", &y, &m), 2, "%s", ts);
    cr_assert_eq(strlen(ts), 24, "%s", ts);
    return (int64_t)y * 12 + m - 1;
}

Test(answer, trend_rows_are_consecutive_months_oldest_first)
{
    static const struct {
        const char *q;
        int64_t months;
    } cases[] = {
        {"monthly trend of revenue", 30}, /* 2024-01 .. 2026-06 */
        {"total quantity per month over the last 6 months", 7},
        {"number of orders per month this year", 6},
        {"trend of orders last month", 1},
    };
    struct mock_space *sp = sales_space();
    for (size_t i = 0; i < N(cases); i++) {
        struct mock_answer a;
        make(sp, cases[i].q, 8, &a);
        cr_assert_eq(a.shape, MOCK_ANSWER_TREND, "%s\n%s", cases[i].q, a.sql);
        cr_assert_eq(a.total_rows, cases[i].months, "%s", cases[i].q);
        struct gk_statement_response r;
        rows(&a, 5000, &r);
        int64_t first = month_of(r.result->rows[0].values[0]);
        for (size_t j = 0; j < r.result->row_count; j++)
            cr_assert_eq(month_of(r.result->rows[j].values[0]), first + (int64_t)j);
        char m0[8];
        snprintf(m0, sizeof m0, "%.7s", r.result->rows[0].values[0]);
        cr_assert_not_null(strstr(a.text, m0), "%s: %s", m0, a.text);
        gk_types_statement_response_cleanup(&r);
        mock_answer_cleanup(&a);
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* A DECIMAL column announces its precision and scale twice, in type_text
 * and in type_precision / type_scale: do they agree? */
static bool decimal_type_agrees(const struct gk_column *col)
{
    char text[32];
    if (!col->has_type_precision || !col->has_type_scale)
        return false;
    snprintf(text, sizeof text, "DECIMAL(%d,%d)", (int)col->type_precision,
             (int)col->type_scale);
    return strcmp(col->type_name, "DECIMAL") == 0 && strcmp(col->type_text, text) == 0 &&
           col->type_precision >= 1 && col->type_precision <= 38 &&
           col->type_scale >= 0 && col->type_scale <= col->type_precision;
}

/* Is v a literal of col's DECIMAL(p,s): exactly s decimals (no point when
 * s is 0) and at most p - s integer digits (none counted for "0.xx")? */
static bool decimal_fits(const struct gk_column *col, const char *v)
{
    const char *p = v + (v[0] == '-');
    size_t whole = strcspn(p, "."), scale = (size_t)col->type_scale;
    size_t frac = p[whole] == '.' ? strlen(p + whole + 1) : 0;
    if (!decimal_type_agrees(col) || whole == 0 || !all_digits(p, whole) ||
        (p[whole] == '.') != (scale > 0) || frac != scale ||
        !all_digits(p + whole + 1, frac) || (whole > 1 && p[0] == '0'))
        return false;
    if (whole == 1 && p[0] == '0')
        whole = 0;
    return whole <= (size_t)(col->type_precision - col->type_scale);
}

/* Is cell the way Databricks' JSON_ARRAY writes a value of this column? */
static bool well_formed(const struct gk_column *col, const char *v)
{
    const char *type = col->type_name;
    const char *p = v + (v[0] == '-');
    size_t n = strlen(p);
    if (strcmp(type, "LONG") == 0 || strcmp(type, "INT") == 0)
        return n > 0 && all_digits(p, n) && (p[0] != '0' || n == 1);
    if (strcmp(type, "DECIMAL") == 0)
        return decimal_fits(col, v);
    if (strcmp(type, "DOUBLE") == 0) {
        const char *dot = strchr(p, '.');
        return dot != NULL && dot > p && all_digits(p, (size_t)(dot - p)) &&
               strspn(dot + 1, "0123456789") >= 1;
    }
    if (strcmp(type, "DATE") == 0) {
        int y, m, d;
        return n == 10 && sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 &&
               m <= 12 && d >= 1 && d <= 31 && v[4] == '-' && v[7] == '-';
    }
    if (strcmp(type, "TIMESTAMP") == 0) {
        int y, mo, d, h, mi, s, ms;
        return n == 24 && v[10] == 'T' && v[23] == 'Z' &&
               sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &y, &mo, &d, &h, &mi, &s, &ms) ==
                   7 &&
               h < 24 && mi < 60 && s < 60;
    }
    if (strcmp(type, "BOOLEAN") == 0)
        return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
    return strcmp(type, "STRING") == 0;
}

Test(answer, listing_cells_are_formatted_and_dates_descend)
{
    struct mock_space *sp = sales_space();
    struct mock_answer a;
    make(sp, "list all orders", 21, &a);
    cr_assert_eq(a.shape, MOCK_ANSWER_LIST);
    cr_assert_eq(a.column_count, 8, "a listing selects at most 8 columns");
    cr_assert_not_null(strstr(a.sql, "ORDER BY `order_date` DESC"), "%s", a.sql);
    struct gk_statement_response r;
    rows(&a, 5000, &r);
    size_t nulls = 0;
    for (size_t j = 0; j < r.result->row_count; j++) {
        char **v = r.result->rows[j].values;
        for (size_t c = 0; c < a.column_count; c++) {
            if (v[c] == NULL) {
                nulls++;
                continue;
            }
            cr_assert(well_formed(&r.manifest->columns[c], v[c]), "%s cell \"%s\"",
                      a.columns[c].type_text, v[c]);
        }
        cr_assert_not_null(v[1], "the ORDER BY column has no NULLs");
        if (j > 0)
            cr_assert_leq(strcmp(v[1], r.result->rows[j - 1].values[1]), 0,
                          "dates descend");
        double amount = v[4] ? num(v[4]) : 5;
        cr_assert(amount >= 5 && amount <= 2500, "amount %f in range", amount);
    }
    cr_assert_gt(nulls, 0, "null_ratio gives some NULLs");
    cr_assert_not_null(strstr(a.text, r.result->rows[0].values[0]), "%s", a.text);
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, date_filters_keep_rows_inside_the_window)
{
    static const struct {
        const char *q, *first, *last; /* the window, with 2026-06-30 as today */
        int64_t rows;                 /* 250,000 rows over 912 days, pro rata */
    } cases[] = {
        {"list all orders from the last 30 days", "2026-05-31", "2026-06-30", 8498},
        {"list every order last month", "2026-05-01", "2026-05-31", 8498},
        {"show all orders this year", "2026-01-01", "2026-06-30", 49616},
        {"list the orders of last quarter", "2026-01-01", "2026-03-31", 24671},
    };
    struct mock_space *sp = sales_space();
    for (size_t i = 0; i < N(cases); i++) {
        struct mock_answer a;
        make(sp, cases[i].q, 12, &a);
        cr_assert_eq(a.shape, MOCK_ANSWER_LIST, "%s\n%s", cases[i].q, a.sql);
        cr_assert_eq(a.ranked_rows, cases[i].rows, "%s: %lld", cases[i].q,
                     (long long)a.ranked_rows);
        cr_assert_eq(a.total_rows, cases[i].rows < 12000 ? cases[i].rows : 12000);
        struct gk_statement_response r;
        rows(&a, 5000, &r);
        int d = col_index(&a, "order_date");
        cr_assert_geq(d, 0);
        for (size_t j = 0; j < r.result->row_count; j++) {
            const char *v = r.result->rows[j].values[d];
            cr_assert(strcmp(v, cases[i].first) >= 0 && strcmp(v, cases[i].last) <= 0,
                      "%s: %s outside [%s, %s]", cases[i].q, v, cases[i].first,
                      cases[i].last);
        }
        gk_types_statement_response_cleanup(&r);
        mock_answer_cleanup(&a);
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, large_doubles_are_printed_like_spark)
{
    static const struct col_spec cols[] = {
        {"desk", GK_COLTYPE_STRING, "STRING", "FX|Rates", 0, 0, 0},
        {"notional", GK_COLTYPE_DOUBLE, "DOUBLE", NULL, 2e7, 9e7, 0},
    };
    static const struct table_spec tables[] = {
        {"main.risk.trades", 1000000, cols, N(cols)}};
    struct mock_space *sp = space_new(tables, 1);
    struct mock_answer a;
    make(sp, "total notional by desk", 1, &a);
    cr_assert_str_eq(a.columns[1].type_name, "DOUBLE");
    struct gk_statement_response r;
    rows(&a, 10, &r);
    for (size_t j = 0; j < r.result->row_count; j++) {
        const char *v = r.result->rows[j].values[1];
        const char *e = strchr(v, 'E');
        cr_assert_not_null(e, "%s", v);
        cr_assert(isdigit((unsigned char)v[0]) && v[1] == '.' && atoi(e + 1) >= 7, "%s",
                  v);
        cr_assert_neq(e[-1], '0', "no trailing zeros in the mantissa: %s", v);
        cr_assert_gt(strtod(v, NULL), 9e7, "a sum of many notionals: %s", v);
    }
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, listing_all_rows_is_truncated_at_the_cap)
{
    static const struct {
        int64_t max;
        size_t rows;
        bool truncated;
    } cases[] = {{5000, 5000, true}, {12000, 12000, false}, {20000, 12000, false},
                 {1, 1, true},       {0, 0, true},          {-3, 0, true}};
    struct mock_space *sp = sales_space();
    struct mock_answer a;
    make(sp, "list all orders", 2, &a);
    cr_assert_eq(a.total_rows, MOCK_ANSWER_MAX_TOTAL_ROWS);
    for (size_t i = 0; i < N(cases); i++) {
        struct gk_statement_response r;
        rows(&a, cases[i].max, &r);
        cr_assert_str_eq(r.manifest->format, "JSON_ARRAY");
        cr_assert_eq(r.state, GK_STMT_SUCCEEDED);
        cr_assert_eq(r.result->row_count, cases[i].rows, "max %lld",
                     (long long)cases[i].max);
        cr_assert_eq(r.manifest->truncated, cases[i].truncated);
        cr_assert_eq(r.manifest->total_row_count,
                     cases[i].truncated ? (int64_t)cases[i].rows : a.total_rows);
        cr_assert_eq(r.result->chunk_index, 0);
        cr_assert_eq(r.result->row_offset, 0);
        check_manifest(&r, "list all orders");
        gk_types_statement_response_cleanup(&r);
    }
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, statement_response_survives_the_wire)
{
    struct mock_space *sp = sales_space();
    struct mock_answer a;
    make(sp, "total sales by region last month", 4, &a);
    struct gk_statement_response r, back;
    rows(&a, 5000, &r);
    char *body = encode(&r);
    cr_assert_not_null(strstr(body, "\"type_name\":\"DECIMAL\",\"type_text\":"
                                    "\"DECIMAL(28,2)\",\"type_precision\":28,"
                                    "\"type_scale\":2}"),
                       "%s", body);
    check_manifest(&r, "total sales by region last month");
    cr_assert_not_null(strstr(body, "\"data_array\":[[\""), "cells are strings: %s",
                       body);
    struct gk_err err = {0};
    cr_assert_eq(gk_codec_decode_statement_response(body, strlen(body), &back, &err),
                 GK_OK, "%s", err.msg);
    cr_assert_str_eq(back.statement_id, "01f1b4e8-c40b-1d66-9e2a-7b4c1d0e3f58");
    cr_assert_eq(back.state, GK_STMT_SUCCEEDED);
    cr_assert_eq(back.manifest->column_count, 2);
    cr_assert_str_eq(back.manifest->columns[0].type_name, "STRING");
    cr_assert_str_eq(back.manifest->columns[1].name, "total_amount");
    cr_assert_eq(back.manifest->columns[1].type_precision, 28);
    cr_assert_eq(back.manifest->columns[1].type_scale, 2);
    cr_assert(!back.manifest->columns[0].has_type_precision);
    cr_assert_eq(back.manifest->total_byte_count, r.manifest->total_byte_count);
    cr_assert_eq(back.manifest->chunks[0].row_count, 4);
    cr_assert_eq(back.result->row_count, 4);
    for (size_t j = 0; j < 4; j++) {
        cr_assert_str_eq(back.result->rows[j].values[0], r.result->rows[j].values[0]);
        cr_assert_str_eq(back.result->rows[j].values[1], r.result->rows[j].values[1]);
        cr_assert(well_formed(&back.manifest->columns[1], back.result->rows[j].values[1]),
                  "%s", back.result->rows[j].values[1]);
    }
    free(body);
    gk_types_statement_response_cleanup(&back);
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

/* DECIMAL columns of every shape: bare, no type_text at all, precision and
 * scale only in the struct (as the scenario loader fills them), scale 0,
 * scale = precision, a scale past 18, and a type too narrow for its sums. */
static const struct col_spec decimal_cols[] = {
    {"desk", GK_COLTYPE_STRING, "STRING", "FX|Rates|Credit", 0, 0, 0},
    {"bare", GK_COLTYPE_DECIMAL, "DECIMAL", NULL, 1, 900, 0},
    {"wide", GK_COLTYPE_DECIMAL, "DECIMAL(38,6)", NULL, -5e6, 5e6, 0.1},
    {"rate", GK_COLTYPE_DECIMAL, "DECIMAL(5,5)", NULL, 0, 0.99999, 0},
    {"fine", GK_COLTYPE_DECIMAL, "DECIMAL(30,20)", NULL, 1000, 9999, 0},
    {"tight", GK_COLTYPE_DECIMAL, "DECIMAL(38,36)", NULL, 0, 99, 0},
    {"loaded", GK_COLTYPE_DECIMAL, NULL, NULL, 0, 500, 0}, /* (12,3) set below */
    {"untyped", GK_COLTYPE_DECIMAL, NULL, NULL, 0, 50, 0},
};

Test(answer, decimal_types_agree_with_their_cells)
{
    static const struct {
        const char *q, *col, *type_text;
    } cases[] = {
        {"list all trades", "bare", "DECIMAL(10,0)"},
        {"list all trades", "wide", "DECIMAL(38,6)"},
        {"list all trades", "rate", "DECIMAL(5,5)"},
        {"list all trades", "fine", "DECIMAL(30,20)"},
        {"list all trades", "tight", "DECIMAL(38,36)"},
        {"list all trades", "loaded", "DECIMAL(12,3)"},
        {"list all trades", "untyped", "DECIMAL(10,0)"},
        {"total bare by desk", "total_bare", "DECIMAL(20,0)"},
        {"total wide by desk", "total_wide", "DECIMAL(38,6)"},
        {"total rate by desk", "total_rate", "DECIMAL(15,5)"},
        {"total fine by desk", "total_fine", "DECIMAL(38,20)"},
        {"total tight by desk", "total_tight", "DECIMAL(38,36)"},
        {"total loaded by desk", "total_loaded", "DECIMAL(22,3)"},
    };
    static const struct table_spec tables[] = {
        {"main.risk.trades", 3000, decimal_cols, N(decimal_cols)}};
    struct mock_space *sp = space_new(tables, 1);
    sp->tables[0].columns[6].precision = 12;
    sp->tables[0].columns[6].scale = 3;
    for (size_t i = 0; i < N(cases); i++) {
        struct mock_answer a;
        struct gk_statement_response r;
        make(sp, cases[i].q, 8, &a);
        int c = col_index(&a, cases[i].col);
        cr_assert_geq(c, 0, "%s: no %s in\n%s", cases[i].q, cases[i].col, a.sql);
        rows(&a, 5000, &r);
        check_manifest(&r, cases[i].q);
        const struct gk_column *col = &r.manifest->columns[c];
        cr_assert_str_eq(col->type_text, cases[i].type_text, "%s", cases[i].q);
        size_t cells = 0;
        for (size_t j = 0; j < r.result->row_count; j++) {
            const char *v = r.result->rows[j].values[c];
            if (v == NULL)
                continue;
            cells++;
            cr_assert(decimal_fits(col, v), "%s: %s cell \"%s\"", cases[i].q,
                      col->type_text, v);
            if (strcmp(cases[i].col, "fine") == 0) /* 15 clean digits, then zeros */
                cr_assert_str_eq(v + strlen(v) - 9, "000000000", "%s", v);
            if (strcmp(cases[i].col, "total_rate") == 0) /* past DECIMAL(5,5) */
                cr_assert_gt(strtod(v, NULL), 1.0, "a sum of many rates: %s", v);
            if (strcmp(cases[i].col, "total_tight") == 0) /* sums beyond the type */
                cr_assert_str_eq(v, "99.999999999999999999999999999999999999");
        }
        cr_assert_gt(cells, 0, "%s", cases[i].q);
        gk_types_statement_response_cleanup(&r);
        mock_answer_cleanup(&a);
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

/* ---- words ---- */

/* Whether s names at least `need` distinct columns of table t. */
static bool names_columns(const char *s, const struct mock_table *t, size_t need)
{
    size_t n = 0;
    for (size_t c = 0; c < t->column_count; c++)
        n += strstr(s, t->columns[c].name) != NULL;
    return n >= need;
}

Test(answer, suggestions_name_real_columns)
{
    static const char *const qs[] = {"total sales by region", "list all orders",
                                     "how many customers by segment", "monthly trend"};
    struct mock_space *sp = sales_space();
    for (size_t i = 0; i < N(qs); i++) {
        struct mock_answer a;
        make(sp, qs[i], 6, &a);
        for (int k = 0; k < MOCK_ANSWER_SUGGESTIONS; k++) {
            cr_assert(names_columns(a.suggestions[k], a.table, 1), "%s",
                      a.suggestions[k]);
            for (int j = 0; j < k; j++)
                cr_assert_str_neq(a.suggestions[j], a.suggestions[k]);
        }
        mock_answer_cleanup(&a);
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, text_only_answer_is_a_clarifying_question)
{
    struct mock_space *sp = sales_space();
    for (uint64_t seed = 0; seed < 6; seed++) {
        struct mock_answer a;
        struct gk_err err = {0};
        cr_assert_eq(mock_answer_make(sp, "What were sales?", false, seed, &a, &err),
                     GK_OK);
        cr_assert(!a.has_sql);
        cr_assert_eq(a.shape, MOCK_ANSWER_TEXT);
        cr_assert_null(a.sql);
        cr_assert_null(a.columns);
        cr_assert_eq(a.column_count, 0);
        cr_assert_not_null(strchr(a.text, '?'), "%s", a.text);
        const struct mock_table *orders = &sp->tables[0];
        cr_assert(names_columns(a.text, orders, 2) ||
                      names_columns(a.text, &sp->tables[1], 2),
                  "%s", a.text);
        for (int k = 0; k < MOCK_ANSWER_SUGGESTIONS; k++)
            cr_assert_not_null(a.suggestions[k]);
        struct gk_statement_response r;
        cr_assert_eq(mock_answer_rows(&a, 10, "s", &r, &err), GK_INVALID_STATE);
        cr_assert_null(r.manifest);
        mock_answer_cleanup(&a);
    }
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, space_without_tables_answers_in_text)
{
    struct mock_space *sp = space_new(NULL, 0);
    struct mock_answer a;
    make(sp, "total sales by region", 1, &a);
    cr_assert(!a.has_sql);
    cr_assert_null(a.sql);
    cr_assert_gt(strlen(a.text), 10);
    for (int k = 0; k < MOCK_ANSWER_SUGGESTIONS; k++)
        cr_assert_gt(strlen(a.suggestions[k]), 5);
    mock_answer_cleanup(&a);
    make(NULL, "anything", 1, &a);
    cr_assert(!a.has_sql);
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

/* ---- hostile input ---- */

static const struct col_spec odd_cols[] = {
    {"label", GK_COLTYPE_STRING, "STRING", NULL, 0, 0, 0}, /* no pool */
    {"flat", GK_COLTYPE_DECIMAL, "DECIMAL(10,2)", NULL, 7, 7, 0},
    {"day", GK_COLTYPE_DATE, "DATE", NULL, D2026_06_30, D2026_06_30, 0},
    {"wild", GK_COLTYPE_DOUBLE, NULL, NULL, NAN, INFINITY, 2.0},
    {"back`tick", GK_COLTYPE_LONG, NULL, NULL, 1e300, -1e300, -1},
    {"dup", GK_COLTYPE_STRING, "STRING", "a|a|b|a|b", 0, 0, 0},
    {"at", GK_COLTYPE_TIMESTAMP, "TIMESTAMP", NULL, -1e9, 1e9, 0.5},
};

static const struct table_spec odd_tables[] = {
    {"main.odd.things", 1000, odd_cols, N(odd_cols)},
    {"empty", 5, NULL, 0},
    {"main.odd.none", 0, odd_cols, N(odd_cols)},
};

static void check_answer(const struct mock_answer *a, const char *q)
{
    cr_assert_not_null(a->text, "%s", q);
    for (int k = 0; k < MOCK_ANSWER_SUGGESTIONS; k++)
        cr_assert_not_null(a->suggestions[k]);
    if (!a->has_sql)
        return;
    cr_assert_not_null(a->sql);
    cr_assert_lt(strlen(a->sql) + strlen(a->text) + strlen(a->title), 4096,
                 "no output quotes the question");
    struct gk_statement_response r;
    rows(a, 5000, &r);
    cr_assert_leq((int64_t)r.result->row_count, 5000);
    cr_assert_eq(r.manifest->column_count, a->column_count);
    for (size_t j = 0; j < r.result->row_count; j++) {
        cr_assert_eq(r.result->rows[j].value_count, a->column_count);
        for (size_t c = 0; c < a->column_count; c++) {
            const char *v = r.result->rows[j].values[c];
            cr_assert(v == NULL || well_formed(&r.manifest->columns[c], v),
                      "%s: %s \"%s\"", q, a->columns[c].type_text, v);
        }
    }
    check_manifest(&r, q);
    gk_types_statement_response_cleanup(&r);
}

Test(answer, hostile_questions_and_spaces_do_not_break_it)
{
    size_t big = 100 * 1024;
    char *huge = malloc(big + 1);
    cr_assert_not_null(huge);
    for (size_t i = 0; i < big; i++)
        huge[i] = "total amount by region "[i % 23];
    huge[big] = '\0';
    const char *qs[] = {
        NULL,
        "",
        "   ",
        huge,
        "¿Cuántos pedidos por región? 東京 \xff\xfe",
        "by",
        "top",
        "top 99999999999999999999 label",
        "last 999999 years by day",
        "list all the things",
        "total flat by label",
        "monthly trend of flat",
        "total wild by dup",
        "everything by `back`",
        "how many things last month",
        "average back tick by at",
        "last 5000 days by label",
    };
    struct mock_space *sales = sales_space(), *odd = space_new(odd_tables, N(odd_tables));
    const struct mock_space *spaces[] = {sales, odd};
    for (size_t s = 0; s < N(spaces); s++)
        for (size_t i = 0; i < N(qs); i++)
            for (uint64_t seed = 0; seed < 8; seed++) {
                struct mock_answer a;
                make(spaces[s], qs[i], seed, &a);
                check_answer(&a, qs[i] != NULL ? qs[i] : "(null)");
                mock_answer_cleanup(&a);
            }
    free(huge);
    space_free(sales);
    space_free(odd);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, edge_tables_give_sensible_results)
{
    struct mock_space *sp = space_new(odd_tables, N(odd_tables));
    struct mock_answer a;
    struct gk_statement_response r;

    /* A pool with duplicates still groups into distinct keys. */
    make(sp, "number of things by dup", 1, &a);
    cr_assert_str_eq(a.columns[0].name, "dup");
    cr_assert_eq(a.total_rows, 2);
    rows(&a, 10, &r);
    cr_assert_str_neq(r.result->rows[0].values[0], r.result->rows[1].values[0]);
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);

    /* A one-day date range has no "last month". */
    make(sp, "how many things by label last month", 1, &a);
    cr_assert_eq(a.period, MOCK_ANSWER_PERIOD_LAST_MONTH);
    cr_assert_eq(a.total_rows, 0);
    cr_assert_not_null(strstr(a.text, "No "), "%s", a.text);
    rows(&a, 5000, &r);
    cr_assert_eq(r.result->row_count, 0);
    cr_assert(!r.manifest->truncated);
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);

    /* min == max: every value is that value. */
    make(sp, "list the top 3 things by flat", 1, &a);
    int c = col_index(&a, "flat");
    cr_assert_geq(c, 0, "%s", a.sql);
    rows(&a, 5000, &r);
    for (size_t j = 0; j < r.result->row_count; j++)
        cr_assert_str_eq(r.result->rows[j].values[c], "7.00");
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);

    /* Backticks in names are doubled inside the quotes. */
    make(sp, "list all things", 1, &a);
    cr_assert_not_null(strstr(a.sql, "`back``tick`"), "%s", a.sql);
    mock_answer_cleanup(&a);

    /* A table without columns can still be counted; an empty table counts 0. */
    make(sp, "how many empty", 1, &a);
    cr_assert_str_eq(a.sql, "SELECT COUNT(*) AS `empty_count`\nFROM `empty`");
    rows(&a, 5000, &r);
    cr_assert_str_eq(r.result->rows[0].values[0], "5");
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);
    make(sp, "how many none and total flat", 1, &a);
    cr_assert_eq(a.shape, MOCK_ANSWER_SCALAR, "%s", a.sql);
    rows(&a, 5000, &r);
    cr_assert_eq(r.result->row_count, 1);
    cr_assert_null(r.result->rows[0].values[0], "SUM over no rows is NULL");
    cr_assert_str_eq(r.result->rows[0].values[1], "0");
    gk_types_statement_response_cleanup(&r);
    mock_answer_cleanup(&a);

    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}

Test(answer, bad_arguments_are_refused_and_cleanup_is_idempotent)
{
    struct gk_err err = {0};
    cr_assert_eq(mock_answer_make(NULL, "q", true, 1, NULL, &err), GK_INTERNAL_ERROR);
    struct mock_answer a;
    memset(&a, 0, sizeof a);
    mock_answer_cleanup(&a);
    mock_answer_cleanup(NULL);
    struct mock_space *sp = sales_space();
    make(sp, "total sales by region", 1, &a);
    struct gk_statement_response r;
    cr_assert_eq(mock_answer_rows(&a, 10, NULL, &r, NULL), GK_INTERNAL_ERROR);
    cr_assert_eq(mock_answer_rows(NULL, 10, "s", &r, NULL), GK_INTERNAL_ERROR);
    mock_answer_cleanup(&a);
    mock_answer_cleanup(&a);
    space_free(sp);
    GK_ASSERT_NO_LEAKS();
}
