/*
 * answer_words: reading a question and matching its words to names.
 *
 * The question is cut into lower-case words (ASCII letters and digits; any
 * byte >= 0x80 is kept inside a word, so UTF-8 never matches a column by
 * accident), each stemmed by the plural rules that matter for column names
 * ("orders" -> "order", "categories" -> "category"); function words ("the",
 * "by", "is") are marked so they never match a name. Only the first
 * QUESTION_SCAN bytes are read, so a 100 KB question costs what a short one
 * does.
 *
 * A name matches by its parts: "order_date" is {order, date}, and scores 16
 * per part the question has, minus one per part it lacks, so "order date"
 * prefers order_date to order_id. Money words ("revenue", "sales") give a
 * bonus to measures named like money (amount, price, total, ...).
 */
#include "mockserver/answer_internal.h"

#include "common/rng.h"

#include <ctype.h>
#include <string.h>

#define QUESTION_SCAN 4096
#define TOP_DEFAULT   10 /* "top customers" without a number */
#define TOP_MAX       1000

static bool is_stopword(const char *s)
{
    static const char *const stop[] = {
        "a",    "an",    "the",  "is",   "are",  "wa",  "was",  "were", "be",   "of",
        "by",   "per",   "in",   "on",   "for",  "to",  "and",  "or",   "what", "which",
        "how",  "many",  "with", "from", "at",   "do",  "doe",  "does", "did",  "me",
        "show", "all",   "each", "last", "this", "top", "my",   "our",  "we",   "it",
        "i",    "there", "that", "have", "had",  "has", "give", "list", "tell", "over"};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if (strcmp(s, stop[i]) == 0)
            return true;
    return false;
}

/* Plural to singular, only where the result is safe: "ss", "us", "is" stay. */
void mock_answer_stem(char *s)
{
    size_t n = strlen(s);
    if (n > 4 && strcmp(s + n - 3, "ies") == 0) {
        strcpy(s + n - 3, "y");
    } else if (n > 3 && s[n - 1] == 's' && s[n - 2] != 's' && s[n - 2] != 'u' &&
               s[n - 2] != 'i') {
        s[n - 1] = '\0';
    }
}

static bool word_char(unsigned char c)
{
    return c >= 0x80 || (c < 0x80 && isalnum(c));
}

void mock_answer_words_read(const char *q, struct mock_answer_words *w)
{
    w->n = 0;
    if (q == NULL)
        return;
    size_t i = 0;
    while (i < QUESTION_SCAN && q[i] != '\0' && w->n < MOCK_ANSWER_MAX_WORDS) {
        if (!word_char((unsigned char)q[i])) {
            i++;
            continue;
        }
        size_t len = 0;
        for (; i < QUESTION_SCAN && q[i] != '\0' && word_char((unsigned char)q[i]); i++)
            if (len < MOCK_ANSWER_WORD_MAX - 1)
                w->w[w->n][len++] = (char)tolower((unsigned char)q[i]);
        w->w[w->n][len] = '\0';
        mock_answer_stem(w->w[w->n]);
        w->stop[w->n] = is_stopword(w->w[w->n]);
        w->n++;
    }
}

bool mock_answer_word_is(const struct mock_answer_words *w, size_t i, const char *s)
{
    return i < w->n && strcmp(w->w[i], s) == 0;
}

bool mock_answer_has(const struct mock_answer_words *w, const char *s)
{
    for (size_t i = 0; i < w->n; i++)
        if (mock_answer_word_is(w, i, s))
            return true;
    return false;
}

/* Two words in a row ("how many"). */
static bool has2(const struct mock_answer_words *w, const char *a, const char *b)
{
    for (size_t i = 0; i + 1 < w->n; i++)
        if (mock_answer_word_is(w, i, a) && mock_answer_word_is(w, i + 1, b))
            return true;
    return false;
}

/* "5", "five": the number a word spells, or -1. */
static int number_of(const char *s)
{
    static const char *const names[] = {"zero", "one",    "two",   "three", "four",
                                        "five", "six",    "seven", "eight", "nine",
                                        "ten",  "eleven", "twelve"};
    if (isdigit((unsigned char)s[0])) {
        long v = 0;
        for (; isdigit((unsigned char)*s) && v < 100000; s++)
            v = v * 10 + (*s - '0');
        return *s == '\0' ? (int)v : -1;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    if (strcmp(s, "twenty") == 0)
        return 20;
    if (strcmp(s, "thirty") == 0)
        return 30;
    return -1;
}

static void parse_period(const struct mock_answer_words *w, struct mock_answer_intent *in)
{
    if (mock_answer_has(w, "ytd") || has2(w, "year", "to"))
        in->period = MOCK_ANSWER_PERIOD_THIS_YEAR;
    if (mock_answer_has(w, "yesterday")) {
        in->period = MOCK_ANSWER_PERIOD_LAST_DAYS;
        in->period_n = 1;
    }
    for (size_t i = 0; i + 1 < w->n; i++) {
        bool last =
            mock_answer_word_is(w, i, "last") || mock_answer_word_is(w, i, "past") ||
            mock_answer_word_is(w, i, "previous") || mock_answer_word_is(w, i, "prior");
        bool now =
            mock_answer_word_is(w, i, "this") || mock_answer_word_is(w, i, "current");
        if (!last && !now)
            continue;
        int n = number_of(w->w[i + 1]);
        size_t u = n > 0 ? i + 2 : i + 1;
        n = n > 0 ? n : 0;
        if (n > 1200)
            n = 1200; /* a century of months; windows are clipped to the data anyway */
        if (mock_answer_word_is(w, u, "day") || mock_answer_word_is(w, u, "week")) {
            in->period = MOCK_ANSWER_PERIOD_LAST_DAYS;
            in->period_n = (n > 0 ? n : 1) * (mock_answer_word_is(w, u, "week") ? 7 : 1);
        } else if (mock_answer_word_is(w, u, "month")) {
            in->period = now     ? MOCK_ANSWER_PERIOD_THIS_MONTH
                         : n > 0 ? MOCK_ANSWER_PERIOD_LAST_MONTHS
                                 : MOCK_ANSWER_PERIOD_LAST_MONTH;
            in->period_n = n;
        } else if (mock_answer_word_is(w, u, "quarter")) {
            in->period = now     ? MOCK_ANSWER_PERIOD_THIS_QUARTER
                         : n > 0 ? MOCK_ANSWER_PERIOD_LAST_MONTHS
                                 : MOCK_ANSWER_PERIOD_LAST_QUARTER;
            in->period_n = n * 3;
        } else if (mock_answer_word_is(w, u, "year")) {
            in->period = now     ? MOCK_ANSWER_PERIOD_THIS_YEAR
                         : n > 0 ? MOCK_ANSWER_PERIOD_LAST_MONTHS
                                 : MOCK_ANSWER_PERIOD_LAST_YEAR;
            in->period_n = n * 12;
        } else {
            continue;
        }
        return; /* the first period named wins */
    }
}

void mock_answer_intent(const struct mock_answer_words *w, struct mock_answer_intent *in)
{
    static const char *const money[] = {"revenue", "sale",  "spend", "spent", "income",
                                        "value",   "money", "price", "cost",  "turnover"};
    memset(in, 0, sizeof *in);
    in->by_at = MOCK_ANSWER_MAX_WORDS;
    in->count =
        mock_answer_has(w, "count") || has2(w, "how", "many") || has2(w, "number", "of");
    for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
        in->money = in->money || mock_answer_has(w, money[i]);
    in->sum = mock_answer_has(w, "sum") ||
              (mock_answer_has(w, "total") && !has2(w, "total", "number")) ||
              mock_answer_has(w, "revenue") || mock_answer_has(w, "sale") ||
              mock_answer_has(w, "spend") || mock_answer_has(w, "spent");
    in->avg = mock_answer_has(w, "average") || mock_answer_has(w, "avg") ||
              mock_answer_has(w, "mean");
    in->trend = mock_answer_has(w, "trend") || mock_answer_has(w, "monthly") ||
                has2(w, "over", "time") || has2(w, "per", "month") ||
                has2(w, "by", "month") || has2(w, "each", "month") ||
                has2(w, "every", "month");
    in->list = mock_answer_has(w, "list") || mock_answer_has(w, "all") ||
               mock_answer_has(w, "every") || mock_answer_has(w, "detail") ||
               mock_answer_has(w, "record") || mock_answer_has(w, "row") ||
               mock_answer_has(w, "individual");
    for (size_t i = 0; i < w->n; i++) {
        if (mock_answer_word_is(w, i, "top") || mock_answer_word_is(w, i, "best") ||
            mock_answer_word_is(w, i, "biggest") ||
            mock_answer_word_is(w, i, "largest")) {
            int n = i + 1 < w->n ? number_of(w->w[i + 1]) : -1;
            if (n > 0 || mock_answer_word_is(w, i, "top")) {
                in->top = n > 0 ? (n > TOP_MAX ? TOP_MAX : n) : TOP_DEFAULT;
                break;
            }
        }
    }
    for (size_t i = 0; i + 1 < w->n && in->by_at == MOCK_ANSWER_MAX_WORDS; i++) {
        if (mock_answer_word_is(w, i, "by") || mock_answer_word_is(w, i, "per") ||
            mock_answer_word_is(w, i, "across") ||
            (mock_answer_word_is(w, i, "for") && mock_answer_word_is(w, i + 1, "each"))) {
            size_t j = i + 1;
            while (mock_answer_word_is(w, j, "each") ||
                   mock_answer_word_is(w, j, "the") || mock_answer_word_is(w, j, "every"))
                j++;
            if (j < w->n)
                in->by_at = j;
        }
    }
    parse_period(w, in);
}

/* ---- matching names against words ---- */

/* How well name matches words[from, to) (skip excluded): 16 per name part
 * found, minus one per part not found, 0 when no part is found; plus 8 when
 * money asks for it and the name looks like money ("amount", "price"). */
static int name_score(const char *name, const struct mock_answer_words *w, size_t from,
                      size_t to, const char *skip, bool money)
{
    static const char *const money_parts[] = {"amount", "price", "revenue", "sale",
                                              "total",  "value", "cost",    "spend"};
    int found = 0, missed = 0, bonus = 0;
    if (name == NULL)
        return 0;
    const char *p = name;
    while (*p != '\0') {
        char part[MOCK_ANSWER_WORD_MAX];
        size_t len = 0;
        for (; *p != '\0' && !isalnum((unsigned char)*p); p++)
            ;
        for (; *p != '\0' && isalnum((unsigned char)*p); p++)
            if (len < MOCK_ANSWER_WORD_MAX - 1)
                part[len++] = (char)tolower((unsigned char)*p);
        if (len == 0)
            break;
        part[len] = '\0';
        mock_answer_stem(part);
        bool hit = false;
        for (size_t i = from; w != NULL && i < to && i < w->n && !hit; i++)
            hit = !w->stop[i] && strcmp(w->w[i], part) == 0 &&
                  (skip == NULL || strcmp(part, skip) != 0);
        found += hit;
        missed += !hit;
        for (size_t i = 0; money && i < sizeof money_parts / sizeof money_parts[0]; i++)
            if (strcmp(part, money_parts[i]) == 0)
                bonus = 8;
    }
    return found > 0 ? found * 16 - missed + bonus : bonus;
}

const char *mock_answer_table_noun(const struct mock_table *t)
{
    if (t == NULL || t->name == NULL)
        return "rows";
    const char *dot = strrchr(t->name, '.');
    const char *n = dot != NULL ? dot + 1 : t->name;
    return *n != '\0' ? n : "rows";
}

bool mock_answer_is_integer(enum gk_coltype t)
{
    return t == GK_COLTYPE_LONG || t == GK_COLTYPE_INT || t == GK_COLTYPE_SHORT ||
           t == GK_COLTYPE_BYTE;
}

/* An identifier-like column: "id", "customer_id", "sku_key", "zip_code". */
static bool is_id(const struct mock_column *c)
{
    const char *n = c->name != NULL ? c->name : "";
    size_t len = strlen(n);
    return strcmp(n, "id") == 0 || (len > 3 && strcmp(n + len - 3, "_id") == 0) ||
           (len > 4 && strcmp(n + len - 4, "_key") == 0) ||
           (len > 5 && strcmp(n + len - 5, "_code") == 0);
}

bool mock_answer_is_measure(const struct mock_column *c)
{
    bool numeric = mock_answer_is_integer(c->type) || c->type == GK_COLTYPE_DECIMAL ||
                   c->type == GK_COLTYPE_DOUBLE || c->type == GK_COLTYPE_FLOAT;
    return numeric && !is_id(c);
}

bool mock_answer_is_date(const struct mock_column *c)
{
    return c->type == GK_COLTYPE_DATE || c->type == GK_COLTYPE_TIMESTAMP;
}

/* A column a GROUP BY can use; loose also takes any integer ("by quantity"). */
static bool is_dimension(const struct mock_column *c, bool loose)
{
    return c->type == GK_COLTYPE_STRING || c->type == GK_COLTYPE_BOOLEAN ||
           (mock_answer_is_integer(c->type) && (loose || is_id(c)));
}

static bool pick_ok(const struct mock_column *c, enum mock_answer_pick k)
{
    switch (k) {
    case MOCK_ANSWER_PICK_MEASURE:
        return mock_answer_is_measure(c);
    case MOCK_ANSWER_PICK_DATE:
        return mock_answer_is_date(c);
    case MOCK_ANSWER_PICK_DIM:
        return is_dimension(c, false);
    case MOCK_ANSWER_PICK_DIM_LOOSE:
        return is_dimension(c, true);
    }
    return false;
}

/* The column of kind k that words[from, to) name best, or NULL. */
const struct mock_column *mock_answer_best_column(const struct mock_table *t,
                                                  enum mock_answer_pick k,
                                                  const struct mock_answer_words *w,
                                                  size_t from, size_t to,
                                                  const char *skip, bool money)
{
    const struct mock_column *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < t->column_count; i++) {
        const struct mock_column *c = &t->columns[i];
        if (!pick_ok(c, k))
            continue;
        int s = name_score(c->name, w, from, to, skip,
                           money && k == MOCK_ANSWER_PICK_MEASURE);
        if (s > best_score) {
            best_score = s;
            best = c;
        }
    }
    return best;
}

/* A column of kind k drawn by the rng; prefer narrows the draw when it can. */
const struct mock_column *mock_answer_draw_column(const struct mock_table *t,
                                                  enum mock_answer_pick k,
                                                  enum gk_coltype prefer,
                                                  struct gk_rng *r)
{
    size_t n = 0, np = 0;
    for (size_t i = 0; i < t->column_count; i++) {
        n += pick_ok(&t->columns[i], k);
        np += pick_ok(&t->columns[i], k) && t->columns[i].type == prefer;
    }
    if (n == 0)
        return NULL;
    uint64_t j = gk_rng_below(r, np > 0 ? np : n);
    for (size_t i = 0; i < t->column_count; i++)
        if (pick_ok(&t->columns[i], k) && (np == 0 || t->columns[i].type == prefer) &&
            j-- == 0)
            return &t->columns[i];
    return NULL;
}

/* Whether one of name's parts is word (both stemmed the same way). */
static bool name_has(const char *name, const struct mock_answer_words *w, size_t i)
{
    return name_score(name, w, i, i + 1, NULL, false) > 0;
}

/* What a table offers the question beyond its words: a money measure for
 * "revenue", a measure for "average", a date for "monthly" or "last year". */
static int fit(const struct mock_table *t, const struct mock_answer_intent *in)
{
    bool money = false, measure = false, date = false;
    for (size_t c = 0; c < t->column_count; c++) {
        const struct mock_column *col = &t->columns[c];
        measure = measure || mock_answer_is_measure(col);
        money = money || (mock_answer_is_measure(col) &&
                          name_score(col->name, NULL, 0, 0, NULL, true) > 0);
        date = date || mock_answer_is_date(col);
    }
    return 2 * (in->money && money) + ((in->sum || in->avg) && measure) +
           ((in->trend || in->period != MOCK_ANSWER_PERIOD_NONE) && date);
}

/* The table whose name and columns cover the most question words (a word
 * counts once, so "top customers by amount" goes to orders, which has both
 * customer_id and amount, not to customers); then the one the question
 * names, then the one that fits the intent; ties go to the rng. */
const struct mock_table *mock_answer_pick_table(const struct mock_space *sp,
                                                const struct mock_answer_words *w,
                                                const struct mock_answer_intent *in,
                                                struct gk_rng *r)
{
    int best = -1;
    size_t ties = 0;
    const struct mock_table *choice = NULL;
    for (size_t i = 0; i < sp->table_count; i++) {
        const struct mock_table *t = &sp->tables[i];
        const char *noun = mock_answer_table_noun(t);
        int covered = 0, named = 0;
        for (size_t j = 0; j < w->n; j++) {
            bool hit = name_has(noun, w, j);
            named |= hit;
            for (size_t c = 0; c < t->column_count && !hit; c++)
                hit = name_has(t->columns[c].name, w, j);
            covered += hit;
        }
        int s = covered * 32 + named * 8 + fit(t, in) * 2 + (t->column_count > 0);
        if (s > best) {
            best = s;
            ties = 1;
            choice = t;
        } else if (s == best && gk_rng_below(r, ++ties) == 0) {
            choice = t; /* reservoir: each tied table equally likely */
        }
    }
    return choice;
}
