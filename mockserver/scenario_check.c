/*
 * scenario_check.c: value rules, generated ids and whole-scenario uniqueness
 * checks for scenario files (see scenario_check.h).
 *
 * Uniqueness is checked on the finished struct rather than while walking the
 * JSON, so one routine covers explicit and generated values alike. Each rule
 * collects (value, position) entries into one scratch array, sorts it by
 * value and then by position, and reports the first adjacent pair that is
 * equal: the earlier entry is the original, the later the duplicate. The key
 * path of an entry is rebuilt from its position (indices into workspaces,
 * spaces, tables, columns) when, and only when, there is an error.
 */
#include "mockserver/scenario_check.h"

#include "common/codec.h"
#include "common/config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX     48
#define SPAN_TEXT_MAX 64
#define NAME_PART_MAX 255
#define SUGGEST_MAX   64 /* keys longer than this get no suggestion */
#define PATH_MAX_LEN  160

static const char hex_digits[] = "0123456789abcdef";

bool mock_scenario_text_ok(const char *s, bool multiline)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        unsigned c = *p, cp, min;
        size_t n;
        if (c < 0x80) {
            bool allowed_ctl = multiline && (c == '\n' || c == '\t');
            if ((c < 0x20 && !allowed_ctl) || c == 0x7f)
                return false;
            p++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            n = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
                return false;
            cp = (cp << 6) | (p[i] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

bool mock_scenario_credential_ok(const char *s)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++)
        if (s[n] < 0x21 || s[n] > 0x7e || n >= 256)
            return false;
    return n > 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_word(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool mock_scenario_workspace_id_ok(const char *s)
{
    for (size_t i = 0; i < 16; i++)
        if (!is_digit(s[i])) /* also stops at the NUL */
            return false;
    return s[0] != '0' && s[16] == '\0';
}

bool mock_scenario_warehouse_id_ok(const char *s)
{
    for (size_t i = 0; i < MOCK_SCENARIO_WAREHOUSE_LEN; i++)
        if (strchr(hex_digits, s[i]) == NULL || s[i] == '\0')
            return false;
    return s[MOCK_SCENARIO_WAREHOUSE_LEN] == '\0';
}

bool mock_scenario_table_name_ok(const char *s)
{
    int parts = 1;
    size_t run = 0;
    for (; *s != '\0'; s++) {
        if (*s == '.') {
            if (run == 0)
                return false;
            parts++, run = 0;
        } else if (!is_word(*s) || ++run > NAME_PART_MAX) {
            return false;
        }
    }
    return parts == 3 && run > 0;
}

bool mock_scenario_column_name_ok(const char *s)
{
    size_t n = 0;
    if (is_digit(s[0]))
        return false;
    for (; s[n] != '\0'; n++)
        if (!is_word(s[n]) || n >= NAME_PART_MAX)
            return false;
    return n > 0;
}

bool mock_scenario_failure_type_ok(const char *s)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++)
        if (!((s[n] >= 'A' && s[n] <= 'Z') || is_digit(s[n]) || s[n] == '_') || n >= 63)
            return false;
    return n > 0;
}

bool mock_scenario_domain_ok(const char *s)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || is_digit(s[n]) || s[n] == '_' ||
              s[n] == '-') ||
            n >= 64)
            return false;
    return n > 0;
}

enum gk_rc mock_scenario_parse_span(const char *text, int64_t max_us,
                                    struct mock_span *out, struct gk_err *err)
{
    char buf[SPAN_TEXT_MAX], q[QUOTE_MAX], lim[GK_CONFIG_NUM_MAX];
    size_t len = strlen(text);
    int64_t lo, hi;

    if (len < sizeof buf) {
        memcpy(buf, text, len + 1);
        char *dots = strstr(buf, "..");
        const char *hi_text = buf;
        if (dots != NULL) {
            *dots = '\0';
            hi_text = dots + 2;
        }
        if (gk_config_parse_duration(buf, &lo, NULL) == GK_OK &&
            gk_config_parse_duration(hi_text, &hi, NULL) == GK_OK) {
            if (lo > hi)
                return gk_err_set(err, GK_BAD_CONFIG,
                                  "span %s: the minimum is greater than the maximum",
                                  gk_config_quote(text, q, sizeof q));
            if (hi > max_us)
                return gk_err_set(err, GK_BAD_CONFIG, "span %s: at most %s",
                                  gk_config_quote(text, q, sizeof q),
                                  gk_config_format_duration(max_us, lim, sizeof lim));
            out->min_us = lo;
            out->max_us = hi;
            return GK_OK;
        }
    }
    return gk_err_set(err, GK_BAD_CONFIG,
                      "expected a duration (\"2s\") or a span (\"300ms..800ms\"), got %s",
                      gk_config_quote(text, q, sizeof q));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static unsigned read_digits(const char *s, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

enum gk_rc mock_scenario_parse_date(const char *text, int64_t *days, struct gk_err *err)
{
    char q[QUOTE_MAX];
    static const char shape[] = "dddd-dd-dd";

    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] == 'd' ? !is_digit(text[i]) : text[i] != shape[i])
            return gk_err_set(err, GK_BAD_CONFIG, "expected a date YYYY-MM-DD, got %s",
                              gk_config_quote(text, q, sizeof q));
    if (text[sizeof shape - 1] != '\0')
        return gk_err_set(err, GK_BAD_CONFIG, "expected a date YYYY-MM-DD, got %s",
                          gk_config_quote(text, q, sizeof q));
    unsigned y = read_digits(text, 4), m = read_digits(text + 5, 2),
             d = read_digits(text + 8, 2);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return gk_err_set(err, GK_BAD_CONFIG, "%s is not a calendar date",
                          gk_config_quote(text, q, sizeof q));
    *days = days_from_civil(y, m, d);
    return GK_OK;
}

enum gk_rc mock_scenario_parse_timestamp(const char *text, double *days,
                                         struct gk_err *err)
{
    char q[QUOTE_MAX];
    int64_t d, ms;

    if (strlen(text) == 10) {
        if (mock_scenario_parse_date(text, &d, err) != GK_OK)
            return GK_BAD_CONFIG;
        *days = (double)d;
        return GK_OK;
    }
    if (gk_codec_time_parse(text, strlen(text), &ms, NULL) != GK_OK)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "expected YYYY-MM-DD or an RFC 3339 date-time, got %s",
                          gk_config_quote(text, q, sizeof q));
    *days = (double)ms / 86400000.0;
    return GK_OK;
}

/* Reads 1..2 digits at *p (after optional spaces) into *v; advances *p. */
static bool read_small(const char **p, int *v)
{
    while (**p == ' ')
        (*p)++;
    if (!is_digit(**p))
        return false;
    *v = 0;
    for (int n = 0; is_digit(**p); n++, (*p)++) {
        if (n == 2)
            return false;
        *v = *v * 10 + (**p - '0');
    }
    while (**p == ' ')
        (*p)++;
    return true;
}

enum gk_rc mock_scenario_parse_decimal(const char *type_text, int *precision, int *scale,
                                       struct gk_err *err)
{
    static const char word[] = "decimal";
    char q[QUOTE_MAX];
    const char *p = type_text;
    int prec = 10, sc = 0;

    for (size_t i = 0; i < sizeof word - 1; i++, p++)
        if ((*p | 0x20) != word[i])
            goto bad;
    if (*p == '(') {
        p++;
        if (!read_small(&p, &prec))
            goto bad;
        if (*p == ',') {
            p++;
            if (!read_small(&p, &sc))
                goto bad;
        }
        if (*p++ != ')')
            goto bad;
    }
    if (*p != '\0')
        goto bad;
    if (prec < 1 || prec > 38 || sc > prec)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "%s: precision must be 1..38 and scale 0..precision",
                          gk_config_quote(type_text, q, sizeof q));
    *precision = prec;
    *scale = sc;
    return GK_OK;
bad:
    return gk_err_set(err, GK_BAD_CONFIG, "expected DECIMAL(precision,scale), got %s",
                      gk_config_quote(type_text, q, sizeof q));
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Levenshtein distance, ASCII case ignored; both at most SUGGEST_MAX bytes. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[SUGGEST_MAX + 1];

    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (lower(a[i - 1]) != lower(b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *mock_scenario_suggest(const char *key, const char *const *keys)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;

    if (strlen(key) > SUGGEST_MAX)
        return NULL;
    for (size_t i = 0; keys[i] != NULL; i++) {
        if (strlen(keys[i]) > SUGGEST_MAX)
            continue;
        size_t d = distance(key, keys[i]), len = strlen(keys[i]);
        size_t allowed = len <= 4 ? 1 : len <= 9 ? 2 : 3;
        if (d <= allowed && d < best_d)
            best = keys[i], best_d = d;
    }
    return best;
}

static void put_hex(char *out, uint64_t v, size_t digits)
{
    for (size_t i = digits; i-- > 0;) {
        out[i] = hex_digits[v & 0xf];
        v >>= 4;
    }
}

void mock_scenario_gen_warehouse_id(struct gk_rng *r,
                                    char out[MOCK_SCENARIO_WAREHOUSE_LEN + 1])
{
    put_hex(out, gk_rng_next(r), MOCK_SCENARIO_WAREHOUSE_LEN);
    out[MOCK_SCENARIO_WAREHOUSE_LEN] = '\0';
}

void mock_scenario_gen_uuid(struct gk_rng *r, char out[37])
{
    char hex[32];
    uint64_t hi = gk_rng_next(r), lo = gk_rng_next(r);

    hi = (hi & ~UINT64_C(0xf000)) | UINT64_C(0x4000); /* version 4 */
    lo =
        (lo & ~UINT64_C(0xc000000000000000)) | UINT64_C(0x8000000000000000); /* variant */
    put_hex(hex, hi, 16);
    put_hex(hex + 16, lo, 16);
    for (size_t i = 0, k = 0; i < 36; i++)
        out[i] = (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : hex[k++];
    out[36] = '\0';
}

/* ---- uniqueness ---- */

/* A value and where it sits: idx[] are indices into workspaces, then spaces
 * or principals of that workspace, tables, columns (as deep as levels says). */
struct uniq {
    const char *value;
    size_t order;
    size_t idx[4];
};

/* The key path of one rule: "workspaces[i].spaces[j]...." + leaf. */
struct uniq_rule {
    const char *levels[4]; /* NULL-terminated unless all four are used */
    const char *leaf;
    const char *what; /* "space id", "token", ... */
    bool secret;      /* do not quote the value in the message */
};

struct uniq_set {
    struct uniq *u;
    size_t n, cap;
    char (*num)[24]; /* text of numeric values (ports, user ids), one per entry */
};

static int uniq_cmp(const void *pa, const void *pb)
{
    const struct uniq *a = pa, *b = pb;
    int c = strcmp(a->value, b->value);
    if (c != 0)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void format_path(const struct uniq_rule *r, const struct uniq *e, char *buf,
                        size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t d = 0; d < 4 && r->levels[d] != NULL && len < cap; d++) {
        int w = snprintf(buf + len, cap - len, "%s%s[%zu]", d > 0 ? "." : "",
                         r->levels[d], e->idx[d]);
        len += w < 0 ? cap : (size_t)w;
    }
    if (len < cap)
        snprintf(buf + len, cap - len, ".%s", r->leaf);
}

/* Sorts the entries gathered so far and reports the first duplicate. */
static enum gk_rc uniq_check(struct uniq_set *set, const struct uniq_rule *r,
                             const char *file, struct gk_err *err)
{
    char first[PATH_MAX_LEN], dup[PATH_MAX_LEN], q[QUOTE_MAX];
    const struct uniq *a = NULL, *b = NULL;

    if (set->n < 2) { /* qsort may not be given a NULL array, even empty */
        set->n = 0;
        return GK_OK;
    }
    qsort(set->u, set->n, sizeof *set->u, uniq_cmp);
    for (size_t i = 1; i < set->n; i++) {
        if (strcmp(set->u[i - 1].value, set->u[i].value) != 0)
            continue;
        /* Report the duplicate that comes first in the file. */
        if (b == NULL || set->u[i].order < b->order)
            a = &set->u[i - 1], b = &set->u[i];
    }
    if (b == NULL) {
        set->n = 0;
        return GK_OK;
    }
    /* a is the first entry of b's run only if it is b's predecessor in the
     * run; walk back to the run's head for the original. */
    while (a > set->u && strcmp((a - 1)->value, b->value) == 0)
        a--;
    format_path(r, a, first, sizeof first);
    format_path(r, b, dup, sizeof dup);
    if (r->secret)
        return gk_err_set(err, GK_BAD_CONFIG, "%s: %s: duplicate %s (first at %s)", file,
                          dup, r->what, first);
    return gk_err_set(err, GK_BAD_CONFIG, "%s: %s: duplicate %s %s (first at %s)", file,
                      dup, r->what, gk_config_quote(b->value, q, sizeof q), first);
}

static enum gk_rc uniq_add(struct uniq_set *set, const char *value, size_t i0, size_t i1,
                           size_t i2, size_t i3, struct gk_err *err)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        struct uniq *u = realloc(set->u, cap * sizeof *u);
        if (u == NULL)
            return gk_err_set(err, GK_OUT_OF_MEMORY, "scenario: out of memory");
        char(*num)[24] = realloc(set->num, cap * sizeof *num);
        set->u = u;
        if (num == NULL)
            return gk_err_set(err, GK_OUT_OF_MEMORY, "scenario: out of memory");
        set->num = num;
        set->cap = cap;
    }
    struct uniq *e = &set->u[set->n];
    e->value = value;
    e->order = set->n++;
    e->idx[0] = i0, e->idx[1] = i1, e->idx[2] = i2, e->idx[3] = i3;
    return GK_OK;
}

/* Adds a number (port, user id) by its decimal text, kept in set->num. */
static enum gk_rc uniq_add_num(struct uniq_set *set, int64_t v, size_t i0, size_t i1,
                               struct gk_err *err)
{
    if (uniq_add(set, "", i0, i1, 0, 0, err) != GK_OK)
        return GK_OUT_OF_MEMORY;
    struct uniq *e = &set->u[set->n - 1];
    snprintf(set->num[e->order], sizeof set->num[0], "%" PRId64, v);
    e->value = set->num[e->order];
    return GK_OK;
}

static const struct uniq_rule rule_workspace = {
    {"workspaces"}, "workspace_id", "workspace id", false};
static const struct uniq_rule rule_port = {{"workspaces"}, "port", "port", false};
static const struct uniq_rule rule_space = {
    {"workspaces", "spaces"}, "space_id", "space id", false};
static const struct uniq_rule rule_token = {
    {"workspaces", "principals"}, "token", "token", true};
static const struct uniq_rule rule_client = {
    {"workspaces", "principals"}, "client_id", "client id", false};
static const struct uniq_rule rule_pname = {
    {"workspaces", "principals"}, "name", "principal name in this workspace", false};
static const struct uniq_rule rule_user = {
    {"workspaces", "principals"}, "user_id", "user id in this workspace", false};
static const struct uniq_rule rule_table = {
    {"workspaces", "spaces", "tables"}, "name", "table name in this space", false};
static const struct uniq_rule rule_column = {
    {"workspaces", "spaces", "tables", "columns"},
    "name",
    "column name in this table",
    false};

/* Scenario-wide rules: ids, ports, credentials. */
static enum gk_rc check_global(struct uniq_set *set, const char *file,
                               const struct mock_scenario *s, struct gk_err *err)
{
    enum gk_rc rc = GK_OK;
    size_t w, i;

    for (w = 0; w < s->workspace_count && rc == GK_OK; w++)
        rc = uniq_add(set, s->workspaces[w].workspace_id, w, 0, 0, 0, err);
    if (rc == GK_OK)
        rc = uniq_check(set, &rule_workspace, file, err);
    for (w = 0; w < s->workspace_count && rc == GK_OK; w++)
        if (s->workspaces[w].port != 0)
            rc = uniq_add_num(set, s->workspaces[w].port, w, 0, err);
    if (rc == GK_OK)
        rc = uniq_check(set, &rule_port, file, err);
    for (w = 0; w < s->workspace_count && rc == GK_OK; w++)
        for (i = 0; i < s->workspaces[w].space_count && rc == GK_OK; i++)
            rc = uniq_add(set, s->workspaces[w].spaces[i], w, i, 0, 0, err);
    if (rc == GK_OK)
        rc = uniq_check(set, &rule_space, file, err);
    for (w = 0; w < s->workspace_count && rc == GK_OK; w++)
        for (i = 0; i < s->workspaces[w].principal_count && rc == GK_OK; i++)
            if (s->workspaces[w].principals[i].token != NULL)
                rc = uniq_add(set, s->workspaces[w].principals[i].token, w, i, 0, 0, err);
    if (rc == GK_OK)
        rc = uniq_check(set, &rule_token, file, err);
    for (w = 0; w < s->workspace_count && rc == GK_OK; w++)
        for (i = 0; i < s->workspaces[w].principal_count && rc == GK_OK; i++)
            if (s->workspaces[w].principals[i].client_id != NULL)
                rc = uniq_add(set, s->workspaces[w].principals[i].client_id, w, i, 0, 0,
                              err);
    if (rc == GK_OK)
        rc = uniq_check(set, &rule_client, file, err);
    return rc;
}

/* Rules scoped to one workspace, space or table. */
static enum gk_rc check_scoped(struct uniq_set *set, const char *file,
                               const struct mock_scenario *s, struct gk_err *err)
{
    enum gk_rc rc = GK_OK;
    size_t first_space = 0;

    for (size_t w = 0; w < s->workspace_count && rc == GK_OK; w++) {
        const struct mock_workspace *ws = &s->workspaces[w];
        for (size_t p = 0; p < ws->principal_count && rc == GK_OK; p++)
            rc = uniq_add(set, ws->principals[p].name, w, p, 0, 0, err);
        if (rc == GK_OK)
            rc = uniq_check(set, &rule_pname, file, err);
        for (size_t p = 0; p < ws->principal_count && rc == GK_OK; p++)
            rc = uniq_add_num(set, ws->principals[p].user_id, w, p, err);
        if (rc == GK_OK)
            rc = uniq_check(set, &rule_user, file, err);
        for (size_t k = 0; k < ws->space_count && rc == GK_OK; k++) {
            const struct mock_space *sp = &s->spaces[first_space + k];
            for (size_t t = 0; t < sp->table_count && rc == GK_OK; t++)
                rc = uniq_add(set, sp->tables[t].name, w, k, t, 0, err);
            if (rc == GK_OK)
                rc = uniq_check(set, &rule_table, file, err);
            for (size_t t = 0; t < sp->table_count && rc == GK_OK; t++) {
                const struct mock_table *tb = &sp->tables[t];
                for (size_t c = 0; c < tb->column_count && rc == GK_OK; c++)
                    rc = uniq_add(set, tb->columns[c].name, w, k, t, c, err);
                if (rc == GK_OK)
                    rc = uniq_check(set, &rule_column, file, err);
            }
        }
        first_space += ws->space_count;
    }
    return rc;
}

enum gk_rc mock_scenario_check_unique(const char *file, const struct mock_scenario *s,
                                      struct gk_err *err)
{
    struct uniq_set set = {0};
    enum gk_rc rc = check_global(&set, file, s, err);

    if (rc == GK_OK)
        rc = check_scoped(&set, file, s, err);
    free(set.u);
    free(set.num);
    return rc;
}
