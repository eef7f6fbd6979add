/*
 * json.c: the strict JSON reader of genie-gen (see json.h). The only file of
 * generator/ that includes cJSON.
 *
 * Node pointers handed out are cJSON pointers converted through void *; only
 * this file converts them back. cJSON is given the length (the text need not
 * be NUL-terminated) and bounds nesting itself (CJSON_NESTING_LIMIT), so deep
 * input cannot exhaust the stack; the checks cJSON does not make are made
 * here, after the parse, on the text and the tree.
 */
#include "generator/json.h"

#include "common/config.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2^53 - 1: the largest integer a JSON number carries exactly. 2^53 itself
 * is refused, since 2^53 + 1 in the text rounds to it. */
#define EXACT_MAX 9007199254740991.0

static const cJSON *J(const struct gen_json_node *n)
{
    return (const cJSON *)(const void *)n;
}

static const struct gen_json_node *N(const cJSON *c)
{
    return (const struct gen_json_node *)(const void *)c;
}

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

/* Never quotes the text near the error: a config file holds secrets. */
static enum gk_rc fail_at(struct gen_json *j, const char *text, size_t len, size_t pos,
                          const char *what)
{
    size_t line, col;
    line_col(text, pos, &line, &col);
    return gk_err_set(j->err, GK_BAD_CONFIG, "%s: line %zu column %zu: %s%s", j->file,
                      line, col, what, pos >= len ? " at the end" : "");
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

static bool has_infinite(const cJSON *v)
{
    for (; v != NULL; v = v->next)
        if ((cJSON_IsNumber(v) && !isfinite(v->valuedouble)) || has_infinite(v->child))
            return true;
    return false;
}

enum gk_rc gen_json_parse(struct gen_json *j, const char *file, const char *text,
                          size_t len, struct gk_err *err)
{
    const char *end = NULL;

    memset(j, 0, sizeof *j);
    j->file = file;
    j->err = err;
    if (len > GEN_JSON_TEXT_MAX)
        return gk_err_set(err, GK_BAD_CONFIG, "%s: larger than %u MiB", file,
                          GEN_JSON_TEXT_MAX >> 20);
    if (text == NULL || len == 0)
        return gk_err_set(err, GK_BAD_CONFIG, "%s: empty: expected a JSON object", file);
    const char *nul = memchr(text, '\0', len);
    if (nul != NULL)
        return fail_at(j, text, len, (size_t)(nul - text), "NUL byte");

    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (doc == NULL) {
        size_t pos =
            end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        return fail_at(j, text, len, pos, "not valid JSON");
    }
    size_t pos = (size_t)(end - text);
    while (pos < len && strchr(" \t\r\n", text[pos]) != NULL)
        pos++;
    enum gk_rc rc = GK_OK;
    if (pos < len)
        rc = fail_at(j, text, len, pos, "unexpected text after the JSON document");
    else if ((pos = find_nul_escape(text, len)) < len)
        rc = fail_at(j, text, len, pos, "\\u0000 is not allowed in strings");
    else if (has_infinite(doc))
        rc = gk_err_set(err, GK_BAD_CONFIG, "%s: a number is too large for a double",
                        file);
    else if (!cJSON_IsObject(doc))
        rc = gk_err_set(err, GK_BAD_CONFIG, "%s: expected a JSON object, got %s", file,
                        gen_json_kind_name(N(doc)));
    if (rc != GK_OK) {
        cJSON_Delete(doc);
        return rc;
    }
    j->doc = doc;
    j->root = N(doc);
    return GK_OK;
}

/* Config files hold secrets: strings are zeroed before cJSON frees them. */
static void wipe_strings(cJSON *v)
{
    for (; v != NULL; v = v->next) {
        if (cJSON_IsString(v) && v->valuestring != NULL)
            sodium_memzero(v->valuestring, strlen(v->valuestring));
        wipe_strings(v->child);
    }
}

void gen_json_cleanup(struct gen_json *j)
{
    if (j == NULL)
        return;
    wipe_strings(j->doc);
    cJSON_Delete(j->doc);
    j->doc = NULL;
    j->root = NULL;
}

/* ---- reading ---- */

enum gen_json_kind gen_json_kind(const struct gen_json_node *n)
{
    const cJSON *c = J(n);
    if (c == NULL)
        return GEN_JSON_ABSENT;
    if (cJSON_IsNull(c))
        return GEN_JSON_NULL;
    if (cJSON_IsBool(c))
        return GEN_JSON_BOOL;
    if (cJSON_IsNumber(c))
        return GEN_JSON_NUMBER;
    if (cJSON_IsString(c))
        return GEN_JSON_STRING;
    if (cJSON_IsArray(c))
        return GEN_JSON_ARRAY;
    return GEN_JSON_OBJECT;
}

const char *gen_json_kind_name(const struct gen_json_node *n)
{
    static const char *const names[] = {
        [GEN_JSON_ABSENT] = "nothing",   [GEN_JSON_NULL] = "null",
        [GEN_JSON_BOOL] = "a boolean",   [GEN_JSON_NUMBER] = "a number",
        [GEN_JSON_STRING] = "a string",  [GEN_JSON_ARRAY] = "an array",
        [GEN_JSON_OBJECT] = "an object",
    };
    return names[gen_json_kind(n)];
}

const struct gen_json_node *gen_json_get(const struct gen_json_node *obj, const char *key)
{
    if (!cJSON_IsObject(J(obj)) || key == NULL)
        return NULL;
    return N(cJSON_GetObjectItemCaseSensitive(J(obj), key));
}

const struct gen_json_node *gen_json_child(const struct gen_json_node *n)
{
    const cJSON *c = J(n);
    return cJSON_IsArray(c) || cJSON_IsObject(c) ? N(c->child) : NULL;
}

const struct gen_json_node *gen_json_next(const struct gen_json_node *n)
{
    return n != NULL ? N(J(n)->next) : NULL;
}

size_t gen_json_count(const struct gen_json_node *n)
{
    size_t count = 0;
    for (const struct gen_json_node *c = gen_json_child(n); c != NULL;
         c = gen_json_next(c))
        count++;
    return count;
}

const char *gen_json_key(const struct gen_json_node *n)
{
    return n != NULL ? J(n)->string : NULL;
}

const char *gen_json_string(const struct gen_json_node *n)
{
    return cJSON_IsString(J(n)) ? J(n)->valuestring : NULL;
}

bool gen_json_int64(const struct gen_json_node *n, int64_t *out)
{
    double d;
    if (!gen_json_double(n, &d) || d != floor(d) || fabs(d) > EXACT_MAX)
        return false;
    *out = (int64_t)d;
    return true;
}

bool gen_json_double(const struct gen_json_node *n, double *out)
{
    if (!cJSON_IsNumber(J(n)))
        return false;
    *out = J(n)->valuedouble;
    return true;
}

bool gen_json_bool(const struct gen_json_node *n, bool *out)
{
    if (!cJSON_IsBool(J(n)))
        return false;
    *out = cJSON_IsTrue(J(n));
    return true;
}

bool gen_json_scalar_text(const struct gen_json_node *n, char *buf, size_t cap)
{
    int64_t i;
    double d;
    bool b;
    int len = -1;

    if (cap == 0)
        return false;
    if (gen_json_string(n) != NULL) {
        len = snprintf(buf, cap, "%s", gen_json_string(n));
    } else if (gen_json_bool(n, &b)) {
        len = snprintf(buf, cap, "%s", b ? "true" : "false");
    } else if (gen_json_int64(n, &i)) {
        len = snprintf(buf, cap, "%lld", (long long)i);
    } else if (gen_json_double(n, &d) && d != floor(d)) {
        /* The shortest form that reads back as d (a fraction: 0.1, 2.5e-3). */
        for (int prec = 1; prec <= 17; prec++) {
            len = snprintf(buf, cap, "%.*g", prec, d);
            if (len > 0 && (size_t)len < cap && strtod(buf, NULL) == d)
                break;
        }
    }
    return len >= 0 && (size_t)len < cap;
}

/* ---- paths and failures ---- */

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

static void path_append(struct gen_json *j, const char *sep, const char *part)
{
    if (j->len < sizeof j->path - 1) {
        snprintf(j->path + j->len, sizeof j->path - j->len, "%s%s", sep, part);
        j->len += strlen(j->path + j->len);
    }
}

size_t gen_json_push_key(struct gen_json *j, const char *key)
{
    char q[48];
    size_t mark = j->len;
    /* Keys are names, never values: quoting an odd one reveals nothing. */
    path_append(j, j->len > 0 ? "." : "",
                plain_key(key) ? key : gk_config_quote(key, q, sizeof q));
    return mark;
}

size_t gen_json_push_index(struct gen_json *j, size_t i)
{
    char idx[32];
    size_t mark = j->len;
    snprintf(idx, sizeof idx, "[%zu]", i);
    path_append(j, "", idx);
    return mark;
}

void gen_json_pop(struct gen_json *j, size_t mark)
{
    if (mark <= j->len) {
        j->len = mark;
        j->path[mark] = '\0';
    }
}

enum gk_rc gen_json_fail(struct gen_json *j, const char *fmt, ...)
{
    char msg[GK_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (j->len == 0)
        return gk_err_set(j->err, GK_BAD_CONFIG, "%s: %s", j->file, msg);
    return gk_err_set(j->err, GK_BAD_CONFIG, "%s: %s: %s", j->file, j->path, msg);
}
