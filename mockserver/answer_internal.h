/*
 * answer_internal: what the three parts of the answer module share; not a
 * public header (only mockserver/answer*.c include it).
 *
 *   answer_words.c reads the question and matches words to names
 *   answer.c       plans the query (struct mock_answer)
 *   answer_sql.c   writes the plan out: SQL, title, description
 *   answer_text.c  the summary, the suggestions, the clarifying question
 *   answer_rows.c  regenerates the rows of a plan and formats the cells
 *
 * Thread-safety: plain functions of their arguments.
 */
#ifndef MOCK_ANSWER_INTERNAL_H
#define MOCK_ANSWER_INTERNAL_H

#include "common/rng.h"
#include "mockserver/answer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- a growable string that remembers running out of memory ---- */

struct mock_answer_sb {
    char *buf;
    size_t len, cap;
    bool oom;
};

void mock_answer_sb_add(struct mock_answer_sb *b, const char *s);
void mock_answer_sb_addf(struct mock_answer_sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A back-quoted identifier (backticks inside doubled); dotted names quoted
 * part by part: `main`.`sales`.`orders`. */
void mock_answer_sb_ident(struct mock_answer_sb *b, const char *name);
/* Hands over the string (NULL after an allocation failure); b is reset. */
char *mock_answer_sb_take(struct mock_answer_sb *b);

/* ---- writing (answer_sql.c, answer_text.c) ---- */

/* Fills sql, title, description, text and suggestions of a planned SQL
 * answer. GK_OK or GK_OUT_OF_MEMORY (the caller cleans up). */
enum gk_rc mock_answer_write(struct mock_answer *a, uint64_t seed, struct gk_err *err);
/* The markdown summary of a planned answer, from its rows; NULL: no memory. */
char *mock_answer_write_summary(const struct mock_answer *a, struct gk_err *err);
/* Fills the three suggestions; names columns of t (NULL: no table). */
enum gk_rc mock_answer_write_suggestions(struct mock_answer *a,
                                         const struct mock_table *t, struct gk_rng *r);
/* Fills text and suggestions of a text-only answer about table t (NULL: the
 * space has no usable table). */
enum gk_rc mock_answer_write_clarify(struct mock_answer *a, const struct mock_table *t,
                                     uint64_t seed, struct gk_err *err);

/* Words shared by the writers: "order_date" -> "order date" (out: 64 bytes);
 * the aggregate of result column i ("total amount"); the period as a title
 * ends ("last 30 days") and as a sentence says it ("the last 30 days"). */
void mock_answer_human(const char *name, char *out);
const char *mock_answer_cname(const struct mock_column *c);
void mock_answer_agg_phrase(const struct mock_answer *a, size_t i, char *out, size_t cap);
void mock_answer_period_words(const struct mock_answer *a, char *title, char *said,
                              size_t cap);

/* ---- the question's words (answer_words.c) ---- */

#define MOCK_ANSWER_MAX_WORDS 256 /* words read from a question */
#define MOCK_ANSWER_WORD_MAX  32  /* bytes kept of each, NUL included */

struct mock_answer_words {
    char w[MOCK_ANSWER_MAX_WORDS][MOCK_ANSWER_WORD_MAX]; /* lower-case, stemmed */
    bool stop[MOCK_ANSWER_MAX_WORDS]; /* a function word: never matches a name */
    size_t n;
};

/* What the words ask for. */
struct mock_answer_intent {
    bool count, sum, avg; /* aggregates named */
    bool trend, list;     /* "monthly", "over time"; "list", "all", "rows" */
    bool money;           /* "revenue", "sales", "value": a money measure */
    int64_t top;          /* "top N"; 0: none */
    enum mock_answer_period period;
    int period_n;
    size_t by_at; /* first word after by/per/across/for each; MAX_WORDS: none */
};

enum mock_answer_pick {
    MOCK_ANSWER_PICK_MEASURE,  /* numeric, not an id */
    MOCK_ANSWER_PICK_DATE,     /* DATE or TIMESTAMP */
    MOCK_ANSWER_PICK_DIM,      /* STRING, BOOLEAN or an integer id */
    MOCK_ANSWER_PICK_DIM_LOOSE /* ... or any integer ("by quantity") */
};

/* Cuts q (NULL is ""; untrusted, read up to a fixed length) into w. */
void mock_answer_words_read(const char *q, struct mock_answer_words *w);
/* In place: "orders" -> "order", "categories" -> "category". */
void mock_answer_stem(char *s);
bool mock_answer_word_is(const struct mock_answer_words *w, size_t i, const char *s);
bool mock_answer_has(const struct mock_answer_words *w, const char *s);
void mock_answer_intent(const struct mock_answer_words *w, struct mock_answer_intent *in);

/* The column of kind k that words[from, to) name best (skip: a word that
 * does not count, the table's own noun), or NULL. */
const struct mock_column *mock_answer_best_column(const struct mock_table *t,
                                                  enum mock_answer_pick k,
                                                  const struct mock_answer_words *w,
                                                  size_t from, size_t to,
                                                  const char *skip, bool money);
/* A column of kind k drawn by the rng, of type prefer when there is one. */
const struct mock_column *mock_answer_draw_column(const struct mock_table *t,
                                                  enum mock_answer_pick k,
                                                  enum gk_coltype prefer,
                                                  struct gk_rng *r);
/* The table the question is most likely about (NULL: the space has none). */
const struct mock_table *mock_answer_pick_table(const struct mock_space *sp,
                                                const struct mock_answer_words *w,
                                                const struct mock_answer_intent *in,
                                                struct gk_rng *r);

/* The table's short name ("orders" for main.sales.orders). */
const char *mock_answer_table_noun(const struct mock_table *t);
bool mock_answer_is_integer(enum gk_coltype t);
bool mock_answer_is_measure(const struct mock_column *c);
bool mock_answer_is_date(const struct mock_column *c);

/* ---- rows (answer_rows.c) ---- */

/* The day number of a civil date and back (proleptic Gregorian, epoch days). */
int64_t mock_answer_days_from_civil(int64_t y, unsigned m, unsigned d);
void mock_answer_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* A date column's range in whole epoch days, clamped to years 1900..9999. */
void mock_answer_day_range(const struct mock_column *c, int64_t *lo, int64_t *hi);

/* The distinct non-NULL values of a STRING column's pool, as indices into
 * values, in pool order. *idx is malloc'd (NULL when *n is 0). */
enum gk_rc mock_answer_distinct_pool(const struct mock_column *c, size_t **idx,
                                     size_t *n);

/* How many distinct group keys column c can give (0: not a usable key). */
int64_t mock_answer_key_cardinality(const struct mock_column *c);

/* A DECIMAL column's precision and scale: the column's own (as the
 * scenario loader read them), else read from its type_text, else Spark's
 * bare DECIMAL, (10,0). */
void mock_answer_decimal(const struct mock_column *c, int *precision, int *scale);

/* Random access to the cells of a planned answer. */
struct mock_answer_gen {
    const struct mock_answer *a;
    size_t *keys; /* GROUP over a STRING pool: distinct pool indices, shuffled */
    size_t key_count;
    int64_t key_lo, key_span, key_start, key_stride; /* GROUP over an integer */
    bool key_bool_first; /* GROUP over a BOOLEAN: "true" comes first */
    int64_t month0;      /* TREND: months since year 0 of the first row */
};

#define MOCK_ANSWER_CELL_MAX 128

enum gk_rc mock_answer_gen_init(struct mock_answer_gen *g, const struct mock_answer *a,
                                struct gk_err *err);
/* Cell (row i, column c): buf (of MOCK_ANSWER_CELL_MAX bytes), a string of
 * the space's pool, or NULL for SQL NULL. */
const char *mock_answer_gen_cell(const struct mock_answer_gen *g, int64_t i, size_t c,
                                 char *buf);
void mock_answer_gen_cleanup(struct mock_answer_gen *g);

#endif
