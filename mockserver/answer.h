/*
 * answer: what Genie "says" to a question, made up plausibly and
 * deterministically from the space's tables.
 *
 * For a SQL answer it picks a table, a dimension and a measure that fit the
 * question's words (falling back to the rng), and writes Genie-style SQL
 * (back-quoted three-part names, GROUP BY ALL), a title, a description, a
 * short text summary and three suggested follow-ups. The rows are not stored:
 * mock_answer_rows() regenerates them from the answer's row seed, so the same
 * seed and question always give the same SQL and the same rows, and a 5,000
 * row result costs memory only while it is being sent. A text-only answer is
 * a clarifying question that names real columns of the space.
 *
 * Ownership: a struct mock_answer owns its strings (mock_answer_cleanup).
 * It keeps pointers into the space (table, columns), which must outlive it.
 * Thread-safety: pure functions of their arguments.
 */
#ifndef MOCK_ANSWER_H
#define MOCK_ANSWER_H

#include "common/err.h"
#include "common/types.h"
#include "mockserver/scenario.h"

#include <stdbool.h>
#include <stdint.h>

#define MOCK_ANSWER_SUGGESTIONS 3

/* The most rows any answer "returns" (a plain listing of a big table), so
 * that a 5,000-row cap has something to cut. */
#define MOCK_ANSWER_MAX_TOTAL_ROWS 12000

/* The query's shape: what one result row stands for. */
enum mock_answer_shape {
    MOCK_ANSWER_TEXT,   /* no SQL: a clarifying question */
    MOCK_ANSWER_SCALAR, /* one row of aggregates over the (filtered) table */
    MOCK_ANSWER_GROUP,  /* one row per value of a dimension, largest first */
    MOCK_ANSWER_TREND,  /* one row per month, oldest first */
    MOCK_ANSWER_LIST    /* the table's own rows */
};

/* How a result column is computed from its source column. */
enum mock_answer_agg {
    MOCK_ANSWER_AGG_NONE,  /* the column's own values (a listing or a group key) */
    MOCK_ANSWER_AGG_MONTH, /* DATE_TRUNC('MONTH', column): a TIMESTAMP */
    MOCK_ANSWER_AGG_COUNT, /* COUNT(*): no source column */
    MOCK_ANSWER_AGG_SUM,
    MOCK_ANSWER_AGG_AVG
};

/* The date filter a question asked for, relative to CURRENT_DATE(). */
enum mock_answer_period {
    MOCK_ANSWER_PERIOD_NONE,
    MOCK_ANSWER_PERIOD_LAST_MONTH, /* the previous calendar month */
    MOCK_ANSWER_PERIOD_THIS_MONTH,
    MOCK_ANSWER_PERIOD_LAST_DAYS,   /* the last period_n days */
    MOCK_ANSWER_PERIOD_LAST_MONTHS, /* the last period_n months */
    MOCK_ANSWER_PERIOD_LAST_QUARTER,
    MOCK_ANSWER_PERIOD_THIS_QUARTER,
    MOCK_ANSWER_PERIOD_LAST_YEAR,
    MOCK_ANSWER_PERIOD_THIS_YEAR
};

struct mock_answer_source {
    const struct mock_column *column; /* into the space; NULL for COUNT(*) */
    enum mock_answer_agg agg;
};

struct mock_answer {
    bool has_sql;
    char *sql;
    char *title;
    char *description;
    char *text; /* markdown: the summary, or the clarifying question */
    char *suggestions[MOCK_ANSWER_SUGGESTIONS];
    /* The result's shape (has_sql only). */
    const struct mock_table *table;
    struct gk_column *columns; /* owned; position is 0-based */
    size_t column_count;
    int64_t total_rows; /* rows the query "returns" before any cap */
    uint64_t row_seed;
    /* The plan the rows are regenerated from (has_sql only). */
    enum mock_answer_shape shape;
    struct mock_answer_source *sources; /* owned; one per column */
    int sort_column; /* result column the rows are ordered by; -1: none */
    bool sort_desc;  /* ORDER BY ... DESC (else ascending) */
    int64_t limit;   /* the SQL's LIMIT; 0: none */
    /* The date column filtered, bucketed or sorted on (NULL: none), the
     * filter, and the epoch days the rows' dates fall in. */
    const struct mock_column *date_column;
    enum mock_answer_period period;
    int period_n; /* N of "last N days/months" */
    int64_t day_lo, day_hi;
    double rows_each;    /* table rows behind one result row (aggregate sizes) */
    int64_t ranked_rows; /* rows the ORDER BY ranks, before LIMIT and caps */
};

/*
 * Makes the answer to question in space sp. has_sql chooses a SQL answer or
 * a text-only (clarifying) one; seed makes it reproducible (callers derive
 * it from the scenario seed and the question). A space without tables gets a
 * text-only answer whatever has_sql says; it has text and suggestions but
 * no sql, title or description (NULL). The question may be NULL, empty, huge
 * or not ASCII: only its first few hundred words are read, and no output
 * quotes it. Date filters ("last month") are written against CURRENT_DATE()
 * but the rows take the date column's max (DATE and TIMESTAMP ranges are in
 * epoch days) as "today", so answers do not depend on the clock. Returns
 * GK_OK; GK_OUT_OF_MEMORY with out zeroed; GK_INTERNAL_ERROR when out is NULL.
 */
enum gk_rc mock_answer_make(const struct mock_space *sp, const char *question,
                            bool has_sql, uint64_t seed, struct mock_answer *out,
                            struct gk_err *err);

/*
 * Fills a statement response's manifest and result with the answer's rows:
 * at most max_rows of them (manifest.truncated set and total_row_count the
 * number returned when the cap cut them). Cells are strings, NULL for SQL
 * NULL, formatted as Databricks sends them (integers as digits, decimals
 * with exactly the type_scale their column announces and no more integer
 * digits than its type_precision allows, dates YYYY-MM-DD, timestamps ISO
 * 8601 UTC). DECIMAL columns carry type_precision and type_scale, matching
 * their type_text. The manifest lists one chunk (index 0, offset 0, all the
 * rows returned), total_chunk_count 1, and as byte_count and
 * total_byte_count the exact size of the rows' compact data_array JSON (0
 * when no row is returned). Sets
 * statement_id and state SUCCEEDED. Overwrites *out (it does not free what
 * was there). The rows depend only on the answer, so they are the same on
 * every call and the first n rows do not depend on max_rows; max_rows <= 0
 * gives none. Returns GK_OK, GK_OUT_OF_MEMORY (out zeroed), GK_INVALID_STATE
 * for a text-only answer (out zeroed), or GK_INTERNAL_ERROR when a, out or
 * statement_id is NULL.
 */
enum gk_rc mock_answer_rows(const struct mock_answer *a, int64_t max_rows,
                            const char *statement_id, struct gk_statement_response *out,
                            struct gk_err *err);

/* Frees what the answer owns and zeroes it. NULL and zeroed are fine. */
void mock_answer_cleanup(struct mock_answer *a);

#endif
