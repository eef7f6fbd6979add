/*
 * scenario_json.c: the strict JSON reader of scenario files (see
 * scenario_json.h). The only file of mockserver/ that includes cJSON.
 *
 * A struct mock_sj_node is never defined: node pointers are cJSON pointers
 * converted through void *, and only this file converts them back. That
 * keeps cJSON out of every header while the readers stay allocation-free.
 *
 * Input is untrusted bytes. cJSON is given the length (so the text need not
 * be NUL-terminated) and told not to require a terminator; this file then
 * rejects what cJSON would accept silently: NUL bytes (cJSON copies them
 * into strings, which then end early), `\u0000` escapes (same effect),
 * numbers that overflow to infinity ("1e999"), and text after the document.
 * cJSON bounds nesting (CJSON_NESTING_LIMIT), so deep input cannot exhaust
 * the stack.
 */
#include "mockserver/scenario_json.h"

#include "common/config.h"
#include "mockserver/scenario_check.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX    48
#define STRING_MAX   65536 /* longest string value, in bytes */
/* 2^53 - 1: the largest integer a JSON number carries exactly. 2^53 itself
 * is refused, since 2^53 + 1 in the text rounds to it. */
#define EXACT_MAX    INT64_C(9007199254740991)
#define KEYS_MAX     32
#define KEY_LIST_MAX 120

static const cJSON *J(const struct mock_sj_node *n)
{
    return (const cJSON *)(const void *)n;
}

static const struct mock_sj_node *N(const cJSON *j)
{
    return (const struct mock_sj_node *)(const void *)j;
}

/* ---- parsing ---- */

static void line_col(const char *text, size_t pos, size_t *line, size_t *col)
{
    *line = 1, *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (text[i] == '\n')
            (*line)++, *col = 1;
        else
            (*col)++;
    }
}

static enum gk_rc fail_at(struct mock_sj *r, const char *text, size_t len, size_t pos,
                          const char *what)
{
    char snippet[17], q[QUOTE_MAX];
    size_t line, col, n = len - pos < 16 ? len - pos : 16;

    line_col(text, pos, &line, &col);
    memcpy(snippet, text + pos, n);
    snippet[n] = '\0';
    if (n == 0)
        return gk_err_set(r->err, GK_BAD_CONFIG, "%s: line %zu column %zu: %s at the end",
                          r->file, line, col, what);
    if (snippet[0] == '\0')
        return gk_err_set(r->err, GK_BAD_CONFIG, "%s: line %zu column %zu: %s", r->file,
                          line, col, what);
    return gk_err_set(r->err, GK_BAD_CONFIG, "%s: line %zu column %zu: %s near %s",
                      r->file, line, col, what, gk_config_quote(snippet, q, sizeof q));
}

/* Offset of a \u0000 escape inside a string of (valid) JSON text, or len. */
static size_t find_nul_escape(const char *text, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (!in_string) {
            in_string = text[i] == '"';
        } else if (text[i] == '"') {
            in_string = false;
        } else if (text[i] == '\\') {
            if (i + 5 < len && text[i + 1] == 'u' && memcmp(text + i + 2, "0000", 4) == 0)
                return i;
            i++; /* the escaped character, whatever it is */
        }
    }
    return len;
}

/* Fails on numbers that overflowed to infinity, anywhere in the tree. */
static const cJSON *find_infinite(const cJSON *v)
{
    for (; v != NULL; v = v->next) {
        if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
            return v;
        const cJSON *bad = find_infinite(v->child);
        if (bad != NULL)
            return bad;
    }
    return NULL;
}

enum gk_rc mock_sj_parse(struct mock_sj *r, const char *file, const char *text,
                         size_t len, struct gk_err *err)
{
    const char *end = NULL;

    memset(r, 0, sizeof *r);
    r->file = file;
    r->err = err;
    if (len > MOCK_SJ_TEXT_MAX)
        return gk_err_set(err, GK_BAD_CONFIG, "%s: larger than %u MiB", file,
                          MOCK_SJ_TEXT_MAX >> 20);
    if (len == 0 || text == NULL)
        return gk_err_set(err, GK_BAD_CONFIG, "%s: empty: expected a JSON object", file);
    const char *nul = memchr(text, '\0', len);
    if (nul != NULL)
        return fail_at(r, text, len, (size_t)(nul - text), "NUL byte");

    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (doc == NULL) {
        size_t pos =
            end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        return fail_at(r, text, len, pos, "not valid JSON");
    }
    size_t pos = (size_t)(end - text);
    while (pos < len && strchr(" \t\r\n", text[pos]) != NULL)
        pos++;
    enum gk_rc rc = GK_OK;
    if (pos < len)
        rc = fail_at(r, text, len, pos, "unexpected text after the JSON document");
    else if ((pos = find_nul_escape(text, len)) < len)
        rc = fail_at(r, text, len, pos, "\\u0000 is not allowed in strings");
    else if (find_infinite(doc) != NULL)
        rc = gk_err_set(err, GK_BAD_CONFIG, "%s: a number is too large for a double",
                        file);
    else if (!cJSON_IsObject(doc))
        rc = gk_err_set(err, GK_BAD_CONFIG, "%s: expected a JSON object, got %s", file,
                        mock_sj_kind(N(doc)));
    if (rc != GK_OK) {
        cJSON_Delete(doc);
        return rc;
    }
    r->doc = doc;
    r->root = N(doc);
    return GK_OK;
}

void mock_sj_cleanup(struct mock_sj *r)
{
    cJSON_Delete(r->doc);
    r->doc = NULL;
    r->root = NULL;
}

/* ---- path and messages ---- */

/* Keys made of [A-Za-z0-9_] go into paths as they are; others quoted. */
static bool plain_key(const char *k)
{
    if (*k == '\0')
        return false;
    for (; *k != '\0'; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
              (*k >= '0' && *k <= '9') || *k == '_'))
            return false;
    return true;
}

static void path_append(struct mock_sj *r, const char *sep, const char *part)
{
    if (r->len < sizeof r->path - 1) {
        snprintf(r->path + r->len, sizeof r->path - r->len, "%s%s", sep, part);
        r->len += strlen(r->path + r->len);
    }
}

size_t mock_sj_push_key(struct mock_sj *r, const char *key)
{
    char q[QUOTE_MAX];
    size_t mark = r->len;
    path_append(r, r->len > 0 ? "." : "",
                plain_key(key) ? key : gk_config_quote(key, q, sizeof q));
    return mark;
}

size_t mock_sj_push_index(struct mock_sj *r, size_t i)
{
    char idx[32];
    size_t mark = r->len;
    snprintf(idx, sizeof idx, "[%zu]", i);
    path_append(r, "", idx);
    return mark;
}

void mock_sj_pop(struct mock_sj *r, size_t mark)
{
    if (mark < r->len) {
        r->len = mark;
        r->path[mark] = '\0';
    }
}

const char *mock_sj_label(const struct mock_sj *r, const char *key, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s", r->path, r->len > 0 ? "." : "", key);
    return buf;
}

enum gk_rc mock_sj_fail(struct mock_sj *r, const char *fmt, ...)
{
    char msg[GK_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->len == 0)
        return gk_err_set(r->err, GK_BAD_CONFIG, "%s: %s", r->file, msg);
    return gk_err_set(r->err, GK_BAD_CONFIG, "%s: %s: %s", r->file, r->path, msg);
}

enum gk_rc mock_sj_oom(struct mock_sj *r)
{
    return gk_err_set(r->err, GK_OUT_OF_MEMORY, "%s: out of memory", r->file);
}

enum gk_rc mock_sj_dup(struct mock_sj *r, char **out, const char *text)
{
    if (*out != NULL)
        return GK_OK;
    *out = strdup(text);
    return *out == NULL ? mock_sj_oom(r) : GK_OK;
}

/* ---- nodes ---- */

const char *mock_sj_kind(const struct mock_sj_node *v)
{
    const cJSON *j = J(v);
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "nothing";
}

const struct mock_sj_node *mock_sj_get(const struct mock_sj_node *obj, const char *key)
{
    if (!cJSON_IsObject(J(obj)))
        return NULL;
    return N(cJSON_GetObjectItemCaseSensitive(J(obj), key));
}

const char *mock_sj_str(const struct mock_sj_node *v)
{
    return cJSON_IsString(J(v)) ? J(v)->valuestring : NULL;
}

bool mock_sj_num(const struct mock_sj_node *v, double *out)
{
    if (!cJSON_IsNumber(J(v)) || !isfinite(J(v)->valuedouble))
        return false;
    *out = J(v)->valuedouble;
    return true;
}

/* "a, b, c" into buf, cut with "..." when long. */
static void key_list(const char *const *keys, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; keys[i] != NULL; i++) {
        if (n + strlen(keys[i]) + 6 >= cap) {
            snprintf(buf + n, cap - n, ", ...");
            return;
        }
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i > 0 ? ", " : "", keys[i]);
    }
}

enum gk_rc mock_sj_object(struct mock_sj *r, const struct mock_sj_node *v,
                          const char *const *keys)
{
    uint32_t seen = 0;
    char list[KEY_LIST_MAX];

    if (!cJSON_IsObject(J(v)))
        return mock_sj_fail(r, "expected an object, got %s", mock_sj_kind(v));
    for (const cJSON *it = J(v)->child; it != NULL; it = it->next) {
        const char *key = it->string != NULL ? it->string : "";
        size_t k = 0;
        while (keys[k] != NULL && strcmp(keys[k], key) != 0)
            k++;
        size_t mark = mock_sj_push_key(r, key);
        if (keys[k] == NULL) {
            const char *hint = mock_scenario_suggest(key, keys);
            if (hint != NULL)
                return mock_sj_fail(r, "unknown key (did you mean %s?)", hint);
            key_list(keys, list, sizeof list);
            return mock_sj_fail(r, "unknown key (known: %s)", list);
        }
        if (k < KEYS_MAX && (seen & (UINT32_C(1) << k)))
            return mock_sj_fail(r, "duplicate key");
        if (k < KEYS_MAX)
            seen |= UINT32_C(1) << k;
        mock_sj_pop(r, mark);
    }
    return GK_OK;
}

enum gk_rc mock_sj_array(struct mock_sj *r, const struct mock_sj_node *v,
                         const char *what, size_t *count)
{
    if (!cJSON_IsArray(J(v)))
        return mock_sj_fail(r, "expected %s, got %s", what, mock_sj_kind(v));
    size_t n = 0;
    for (const cJSON *it = J(v)->child; it != NULL; it = it->next)
        n++;
    *count = n;
    return GK_OK;
}

size_t mock_sj_count(const struct mock_sj_node *v)
{
    size_t n = 0;
    if (cJSON_IsArray(J(v)))
        for (const cJSON *it = J(v)->child; it != NULL; it = it->next)
            n++;
    return n;
}

const struct mock_sj_node *mock_sj_first(const struct mock_sj_node *array)
{
    return N(J(array)->child);
}

const struct mock_sj_node *mock_sj_next(const struct mock_sj_node *element)
{
    return N(J(element)->next);
}

enum gk_rc mock_sj_inherit(struct mock_sj *r, struct mock_sj *base,
                           const char *const *skip)
{
    cJSON *to = r->doc, *from = base->doc;
    cJSON *it = from != NULL ? from->child : NULL;
    while (it != NULL) {
        cJSON *next = it->next;
        bool skipped = false;
        for (size_t i = 0; skip != NULL && skip[i] != NULL; i++)
            skipped |= strcmp(skip[i], it->string) == 0;
        if (!skipped && !cJSON_HasObjectItem(to, it->string)) {
            cJSON *moved = cJSON_DetachItemViaPointer(from, it);
            if (!cJSON_AddItemToObject(to, moved->string, moved)) {
                cJSON_Delete(moved);
                return mock_sj_oom(r);
            }
        }
        it = next;
    }
    return GK_OK;
}

const char *mock_sj_member_key(const struct mock_sj_node *member)
{
    return J(member)->string;
}

/* ---- typed readers ---- */

enum gk_rc mock_sj_string_value(struct mock_sj *r, const struct mock_sj_node *v,
                                const struct mock_sj_text *rule, char **out)
{
    char q[QUOTE_MAX];
    const char *s = mock_sj_str(v);

    if (s == NULL)
        return mock_sj_fail(r, "expected a string, got %s", mock_sj_kind(v));
    if (strlen(s) > STRING_MAX)
        return mock_sj_fail(r, "longer than %d bytes", STRING_MAX);
    if (!rule->ok(s)) {
        if (rule->secret)
            return mock_sj_fail(r, "expected %s", rule->expect);
        return mock_sj_fail(r, "expected %s, got %s", rule->expect,
                            gk_config_quote(s, q, sizeof q));
    }
    char *copy = strdup(s);
    if (copy == NULL)
        return mock_sj_oom(r);
    free(*out);
    *out = copy;
    return GK_OK;
}

enum gk_rc mock_sj_string(struct mock_sj *r, const struct mock_sj_node *obj,
                          const char *key, const struct mock_sj_text *rule, char **out)
{
    const struct mock_sj_node *v = mock_sj_get(obj, key);
    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, key);
    enum gk_rc rc = mock_sj_string_value(r, v, rule, out);
    mock_sj_pop(r, mark);
    return rc;
}

enum gk_rc mock_sj_strings(struct mock_sj *r, const struct mock_sj_node *obj,
                           const char *key, const struct mock_sj_text *rule, char ***out,
                           size_t *count)
{
    const struct mock_sj_node *v = mock_sj_get(obj, key);
    size_t n = 0, mark, i = 0;

    if (v == NULL)
        return GK_OK;
    mark = mock_sj_push_key(r, key);
    enum gk_rc rc = mock_sj_array(r, v, "an array of strings", &n);
    if (rc != GK_OK)
        return rc;
    char **list = calloc(n ? n : 1, sizeof *list);
    if (list == NULL)
        return mock_sj_oom(r);
    for (const struct mock_sj_node *e = mock_sj_first(v); e != NULL && rc == GK_OK;
         e = mock_sj_next(e), i++) {
        size_t at = mock_sj_push_index(r, i);
        rc = mock_sj_string_value(r, e, rule, &list[i]);
        mock_sj_pop(r, at);
    }
    if (rc != GK_OK) {
        for (i = 0; i < n; i++)
            free(list[i]);
        free(list);
        return rc;
    }
    for (i = 0; i < *count; i++)
        free((*out)[i]);
    free(*out);
    *out = list;
    *count = n;
    mock_sj_pop(r, mark);
    return GK_OK;
}

/* "got 2.5" / "got a string" for messages about numbers. */
static const char *got(const struct mock_sj_node *v, char *buf, size_t cap)
{
    double d;
    if (!mock_sj_num(v, &d))
        return mock_sj_kind(v);
    snprintf(buf, cap, "%.17g", d);
    return buf;
}

enum gk_rc mock_sj_int(struct mock_sj *r, const struct mock_sj_node *obj, const char *key,
                       int64_t min, int64_t max, int64_t *out)
{
    const struct mock_sj_node *v = mock_sj_get(obj, key);
    char buf[40];
    double d;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, key);
    if (!mock_sj_num(v, &d) || d != floor(d) || d < (double)min || d > (double)max)
        return mock_sj_fail(r,
                            "expected an integer from %" PRId64 " to %" PRId64 ", got %s",
                            min, max, got(v, buf, sizeof buf));
    *out = (int64_t)d;
    mock_sj_pop(r, mark);
    return GK_OK;
}

enum gk_rc mock_sj_id_number(struct mock_sj *r, const struct mock_sj_node *obj,
                             const char *key, uint64_t min, uint64_t max, uint64_t *out)
{
    const struct mock_sj_node *v = mock_sj_get(obj, key);
    const char *s;
    char buf[40], q[QUOTE_MAX];
    double d;
    uint64_t x = 0;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, key);
    if (mock_sj_num(v, &d)) {
        if (d != floor(d) || d < (double)min || d > (double)EXACT_MAX ||
            (uint64_t)d > max) {
            bool big = d > (double)EXACT_MAX && max > (uint64_t)EXACT_MAX;
            return mock_sj_fail(
                r, "expected an integer from %" PRIu64 " to %" PRIu64 ", got %s%s", min,
                max, got(v, buf, sizeof buf),
                big ? " (a JSON number is exact only up to 2^53 - 1: "
                      "write larger values as a string of digits)"
                    : "");
        }
        x = (uint64_t)d;
    } else if ((s = mock_sj_str(v)) != NULL) {
        size_t i = 0;
        for (; s[i] >= '0' && s[i] <= '9'; i++) {
            unsigned digit = (unsigned)(s[i] - '0');
            if (x > (max - digit) / 10)
                return mock_sj_fail(r, "%s is larger than %" PRIu64,
                                    gk_config_quote(s, q, sizeof q), max);
            x = x * 10 + digit;
        }
        if (i == 0 || s[i] != '\0')
            return mock_sj_fail(r, "expected decimal digits, got %s",
                                gk_config_quote(s, q, sizeof q));
        if (x < min)
            return mock_sj_fail(r, "%s is smaller than %" PRIu64,
                                gk_config_quote(s, q, sizeof q), min);
    } else {
        return mock_sj_fail(r, "expected an integer, got %s", mock_sj_kind(v));
    }
    *out = x;
    mock_sj_pop(r, mark);
    return GK_OK;
}

enum gk_rc mock_sj_double(struct mock_sj *r, const struct mock_sj_node *obj,
                          const char *key, double min, double max, double *out)
{
    const struct mock_sj_node *v = mock_sj_get(obj, key);
    char buf[40];
    double d;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, key);
    if (!mock_sj_num(v, &d) || d < min || d > max)
        return mock_sj_fail(r, "expected a number from %g to %g, got %s", min, max,
                            got(v, buf, sizeof buf));
    *out = d;
    mock_sj_pop(r, mark);
    return GK_OK;
}

enum gk_rc mock_sj_bool(struct mock_sj *r, const struct mock_sj_node *obj,
                        const char *key, bool *out)
{
    const struct mock_sj_node *v = mock_sj_get(obj, key);
    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, key);
    if (!cJSON_IsBool(J(v)))
        return mock_sj_fail(r, "expected true or false, got %s", mock_sj_kind(v));
    *out = cJSON_IsTrue(J(v));
    mock_sj_pop(r, mark);
    return GK_OK;
}

/* Shared by durations and sizes: parse, then check the bounds. */
static enum gk_rc read_scaled(struct mock_sj *r, const struct mock_sj_node *obj,
                              const char *key, bool is_size, int64_t min, int64_t max,
                              int64_t *out)
{
    const struct mock_sj_node *v = mock_sj_get(obj, key);
    char lo[GK_CONFIG_NUM_MAX], hi[GK_CONFIG_NUM_MAX], buf[40];
    struct gk_err e;
    const char *s;
    int64_t x;
    double d;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, key);
    gk_err_clear(&e);
    if ((s = mock_sj_str(v)) != NULL) {
        if ((is_size ? gk_config_parse_size(s, &x, &e)
                     : gk_config_parse_duration(s, &x, &e)) != GK_OK)
            return mock_sj_fail(r, "%s", e.msg);
    } else if (is_size && mock_sj_num(v, &d) && d == floor(d) && d >= 0 &&
               d <= (double)EXACT_MAX) {
        x = (int64_t)d;
    } else {
        return mock_sj_fail(r, "expected %s, got %s",
                            is_size ? "a size (\"1MiB\") or a number of bytes"
                                    : "a duration string (\"500ms\", \"24h\")",
                            got(v, buf, sizeof buf));
    }
    if (x < min || x > max) {
        if (is_size)
            return mock_sj_fail(r, "expected a size from %s to %s",
                                gk_config_format_size(min, lo, sizeof lo),
                                gk_config_format_size(max, hi, sizeof hi));
        return mock_sj_fail(r, "expected a duration from %s to %s",
                            gk_config_format_duration(min, lo, sizeof lo),
                            gk_config_format_duration(max, hi, sizeof hi));
    }
    *out = x;
    mock_sj_pop(r, mark);
    return GK_OK;
}

enum gk_rc mock_sj_duration(struct mock_sj *r, const struct mock_sj_node *obj,
                            const char *key, int64_t min_us, int64_t max_us,
                            int64_t *out_us)
{
    return read_scaled(r, obj, key, false, min_us, max_us, out_us);
}

enum gk_rc mock_sj_size(struct mock_sj *r, const struct mock_sj_node *obj,
                        const char *key, int64_t min, int64_t max, int64_t *out)
{
    return read_scaled(r, obj, key, true, min, max, out);
}
