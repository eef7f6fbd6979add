/*
 * codec_doc.c: parsing a body with cJSON, exact int64 reads, lenient getters.
 *
 * Exact int64. cJSON turns every number into a double, and a double holds
 * every integer only up to 2^53 (16-digit user ids do not all fit). So after
 * parsing, one scan of the raw text lists the integer tokens of more than 15
 * digits together with their ordinal among all number tokens. A number token
 * is a run of [-+.eE0-9] that starts with '-' or a digit outside a string:
 * exactly where cJSON starts a number, and on a successful parse each run is
 * one whole number (a run cJSON did not consume entirely would have been a
 * syntax error). cJSON links items in document order, so a pre-order walk of
 * the tree meets the number items in the same order as the scan met the
 * tokens: the n-th number item is the n-th token. The pairs (item pointer,
 * token text) are sorted by pointer for bsearch. A body without such numbers
 * (most of them) allocates nothing for this.
 */
#include "common/codec_doc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gk_codec_bignum {
    const cJSON *item;
    const char *text; /* into the caller's body, valid while the doc is open */
    size_t len;
    size_t ordinal;
};

void gk_codec_doc_fail(struct gk_codec_doc *d, enum gk_rc rc, const char *fmt, ...)
{
    va_list ap;
    if (d->rc != GK_OK)
        return;
    d->rc = rc;
    va_start(ap, fmt);
    gk_err_vset(d->err, rc, fmt, ap);
    va_end(ap);
}

void *gk_codec_doc_alloc(struct gk_codec_doc *d, size_t n, size_t size)
{
    void *p;
    if (d->rc != GK_OK || n == 0)
        return NULL;
    p = calloc(n, size);
    if (p == NULL)
        gk_codec_doc_fail(d, GK_OUT_OF_MEMORY, "decode: out of memory");
    return p;
}

char *gk_codec_doc_dup(struct gk_codec_doc *d, const char *s)
{
    char *p;
    if (d->rc != GK_OK)
        return NULL;
    p = strdup(s);
    if (p == NULL)
        gk_codec_doc_fail(d, GK_OUT_OF_MEMORY, "decode: out of memory");
    return p;
}

/* ---- exact integers ---- */

static bool is_number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' ||
           c == 'E';
}

static void collect_big_numbers(struct gk_codec_doc *d, const char *s, size_t n)
{
    size_t ordinal = 0, cap = 0;
    bool in_string = false;

    for (size_t i = 0; i < n && d->rc == GK_OK; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9'))
            continue;
        size_t start = i, digits = 0;
        bool integral = true;
        for (; i < n && is_number_char(s[i]); i++) {
            if (s[i] >= '0' && s[i] <= '9')
                digits++;
            else if (s[i] != '-')
                integral = false;
        }
        i--; /* the outer loop's i++ steps past the token */
        if (integral && digits > 15) {
            if (d->big_count == cap) {
                size_t ncap = cap != 0 ? cap * 2 : 8;
                struct gk_codec_bignum *p = realloc(d->big, ncap * sizeof *p);
                if (p == NULL) {
                    gk_codec_doc_fail(d, GK_OUT_OF_MEMORY, "decode: out of memory");
                    return;
                }
                d->big = p;
                cap = ncap;
            }
            d->big[d->big_count++] =
                (struct gk_codec_bignum){NULL, s + start, i + 1 - start, ordinal};
        }
        ordinal++;
    }
}

/* Pre-order walk pairing number items with the listed tokens. The depth is
 * bounded by cJSON's own nesting limit (CJSON_NESTING_LIMIT, 1000). */
static void pair_numbers(const cJSON *item, size_t *ordinal, size_t *next,
                         struct gk_codec_doc *d)
{
    for (; item != NULL; item = item->next) {
        if (cJSON_IsNumber(item)) {
            if (*next < d->big_count && d->big[*next].ordinal == *ordinal)
                d->big[(*next)++].item = item;
            (*ordinal)++;
        }
        pair_numbers(item->child, ordinal, next, d);
    }
}

static int bignum_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct gk_codec_bignum *)a)->item;
    uintptr_t y = (uintptr_t)((const struct gk_codec_bignum *)b)->item;
    return (x > y) - (x < y);
}

/* An optional sign and digits, nothing else, within int64. */
static bool parse_i64(const char *s, size_t n, int64_t *v)
{
    size_t i = 0;
    bool neg = false;
    uint64_t acc = 0, limit;

    if (n > 0 && (s[0] == '-' || s[0] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return false;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned digit = (unsigned)(s[i] - '0');
        if (acc > (limit - digit) / 10)
            return false;
        acc = acc * 10 + digit;
    }
    /* -acc without overflow: INT64_MIN has no positive counterpart. */
    *v = !neg ? (int64_t)acc : acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
    return true;
}

bool gk_codec_doc_item_i64(const struct gk_codec_doc *d, const cJSON *item, int64_t *v)
{
    if (cJSON_IsString(item))
        return parse_i64(item->valuestring, strlen(item->valuestring), v);
    if (!cJSON_IsNumber(item))
        return false;
    if (d->big_count > 0) {
        struct gk_codec_bignum key = {.item = item};
        const struct gk_codec_bignum *b =
            bsearch(&key, d->big, d->big_count, sizeof key, bignum_cmp);
        if (b != NULL)
            return parse_i64(b->text, b->len, v);
    }
    double x = item->valuedouble;
    /* Range first: converting an out-of-range double is undefined. */
    if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
        return false;
    if ((double)(int64_t)x != x)
        return false;
    *v = (int64_t)x;
    return true;
}

/* ---- parse ---- */

enum gk_rc gk_codec_doc_open(struct gk_codec_doc *d, const char *data, size_t len,
                             void *out, size_t out_size, enum gk_rc fail_rc,
                             struct gk_err *err)
{
    const char *end = NULL;

    memset(d, 0, sizeof *d);
    d->err = err;
    if (out == NULL) {
        gk_codec_doc_fail(d, GK_INTERNAL_ERROR, "decode: NULL output");
        return d->rc;
    }
    memset(out, 0, out_size);
    if (data == NULL || len == 0) {
        gk_codec_doc_fail(d, fail_rc, "body: empty, expected a JSON object");
        return d->rc;
    }
    d->root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (d->root == NULL) {
        /* cJSON cannot tell a syntax error from a failed allocation. */
        gk_codec_doc_fail(d, fail_rc, "body: not valid JSON (at byte %zu)",
                          end != NULL && end >= data ? (size_t)(end - data) : (size_t)0);
        return d->rc;
    }
    for (const char *p = end; p < data + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            gk_codec_doc_fail(d, fail_rc,
                              "body: unexpected data after the JSON value at byte %zu",
                              (size_t)(p - data));
            return d->rc;
        }
    if (!cJSON_IsObject(d->root)) {
        gk_codec_doc_fail(d, fail_rc, "body: expected a JSON object, got %s",
                          gk_codec_doc_type_name(d->root));
        return d->rc;
    }
    collect_big_numbers(d, data, (size_t)(end - data));
    if (d->big_count > 0) {
        size_t ordinal = 0, next = 0;
        pair_numbers(d->root, &ordinal, &next, d);
        if (next != d->big_count)
            d->big_count = 0; /* the pairing failed (cannot happen): use doubles */
        qsort(d->big, d->big_count, sizeof *d->big, bignum_cmp);
    }
    return d->rc;
}

enum gk_rc gk_codec_doc_close(struct gk_codec_doc *d)
{
    cJSON_Delete(d->root);
    free(d->big);
    d->root = NULL;
    d->big = NULL;
    d->big_count = 0;
    return d->rc;
}

/* ---- getters ---- */

const cJSON *gk_codec_doc_member(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const cJSON *gk_codec_doc_obj(const cJSON *obj, const char *key)
{
    const cJSON *it = gk_codec_doc_member(obj, key);
    return cJSON_IsObject(it) ? it : NULL;
}

const cJSON *gk_codec_doc_arr(const cJSON *obj, const char *key, size_t *count)
{
    const cJSON *it = gk_codec_doc_member(obj, key);
    *count = 0;
    if (!cJSON_IsArray(it))
        return NULL;
    for (const cJSON *c = it->child; c != NULL; c = c->next)
        (*count)++;
    return it->child;
}

char *gk_codec_doc_str(struct gk_codec_doc *d, const cJSON *obj, const char *key)
{
    const cJSON *it = gk_codec_doc_member(obj, key);
    return cJSON_IsString(it) ? gk_codec_doc_dup(d, it->valuestring) : NULL;
}

char *gk_codec_doc_id(struct gk_codec_doc *d, const cJSON *obj, const char *key,
                      const char *alt, const char *where)
{
    const cJSON *it = gk_codec_doc_member(obj, key);
    if (!(cJSON_IsString(it) && it->valuestring[0] != '\0') && alt != NULL)
        it = gk_codec_doc_member(obj, alt);
    if (cJSON_IsString(it) && it->valuestring[0] != '\0')
        return gk_codec_doc_dup(d, it->valuestring);
    gk_codec_doc_fail(d, GK_BAD_RESPONSE, "%s%s: missing%s%s%s", where, key,
                      alt != NULL ? " (and no " : "", alt != NULL ? alt : "",
                      alt != NULL ? ")" : "");
    return NULL;
}

bool gk_codec_doc_bool(const cJSON *obj, const char *key)
{
    return cJSON_IsTrue(gk_codec_doc_member(obj, key));
}

int64_t gk_codec_doc_i64(const struct gk_codec_doc *d, const cJSON *obj, const char *key)
{
    int64_t v = 0;
    return gk_codec_doc_item_i64(d, gk_codec_doc_member(obj, key), &v) ? v : 0;
}

const char *gk_codec_doc_type_name(const cJSON *item)
{
    if (cJSON_IsString(item))
        return "string";
    if (cJSON_IsNumber(item))
        return "number";
    if (cJSON_IsBool(item))
        return "boolean";
    if (cJSON_IsNull(item))
        return "null";
    if (cJSON_IsArray(item))
        return "array";
    if (cJSON_IsObject(item))
        return "object";
    return "nothing";
}

char *gk_codec_doc_text(struct gk_codec_doc *d, const cJSON *item)
{
    char num[32];
    int64_t v;

    if (cJSON_IsString(item))
        return gk_codec_doc_dup(d, item->valuestring);
    if (cJSON_IsBool(item))
        return gk_codec_doc_dup(d, cJSON_IsTrue(item) ? "true" : "false");
    if (!cJSON_IsNumber(item))
        return NULL;
    if (gk_codec_doc_item_i64(d, item, &v))
        snprintf(num, sizeof num, "%" PRId64, v);
    else
        snprintf(num, sizeof num, "%.17g", item->valuedouble);
    return gk_codec_doc_dup(d, num);
}
