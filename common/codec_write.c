/*
 * codec_write.c: the JSON writer (see codec_write.h).
 *
 * Comma invariant: `first` is true right after a container opens and false
 * once it holds an element, so a value is preceded by a comma exactly when
 * `first` is false; closing a container leaves `first` false because the
 * container was itself an element of its parent.
 *
 * Strings are escaped as JSON requires ('"', '\\' and control characters);
 * every other byte passes through unchanged, so UTF-8 stays UTF-8.
 */
#include "common/codec_write.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_codec_write_fail(struct gk_codec_writer *w, enum gk_rc rc, const char *fmt, ...)
{
    va_list ap;
    if (w->rc != GK_OK)
        return;
    w->rc = rc;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
}

static void put_raw(struct gk_codec_writer *w, const char *s, size_t n)
{
    if (w->rc != GK_OK)
        return;
    if (n + 1 > w->cap - w->len) {
        size_t cap = w->cap != 0 ? w->cap : 256;
        while (n + 1 > cap - w->len) {
            if (cap > SIZE_MAX / 2) {
                gk_codec_write_fail(w, GK_OUT_OF_MEMORY, "encode: output too large");
                return;
            }
            cap *= 2;
        }
        char *p = realloc(w->buf, cap);
        if (p == NULL) {
            gk_codec_write_fail(w, GK_OUT_OF_MEMORY, "encode: out of memory");
            return;
        }
        w->buf = p;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void put_lit(struct gk_codec_writer *w, const char *s)
{
    put_raw(w, s, strlen(s));
}

/* Copies runs of plain bytes in one go; escapes the rest. */
static void put_escaped(struct gk_codec_writer *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    static const char short_form[0x20] = {
        ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
    const char *run = s;

    put_raw(w, "\"", 1);
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[6] = {'\\', (char)c, '0', '0', 0, 0}; /* a backslash and c, or u00XX */
        size_t n = 2;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (c < 0x20 && short_form[c] != 0) {
            esc[1] = short_form[c];
        } else if (c < 0x20) {
            esc[1] = 'u';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xf];
            n = 6;
        }
        put_raw(w, run, (size_t)(p - run));
        put_raw(w, esc, n);
        run = p + 1;
    }
    put_lit(w, run);
    put_raw(w, "\"", 1);
}

/* The comma and the key (if any) that precede every value. */
static void put_key(struct gk_codec_writer *w, const char *key)
{
    if (!w->first)
        put_raw(w, ",", 1);
    w->first = false;
    if (key != NULL) {
        put_escaped(w, key);
        put_raw(w, ":", 1);
    }
}

void gk_codec_write_begin(struct gk_codec_writer *w, const char *key, char open)
{
    put_key(w, key);
    put_raw(w, &open, 1);
    w->first = true;
}

void gk_codec_write_end(struct gk_codec_writer *w, char close)
{
    put_raw(w, &close, 1);
    w->first = false;
}

void gk_codec_write_str(struct gk_codec_writer *w, const char *key, const char *s)
{
    if (s == NULL)
        return;
    put_key(w, key);
    put_escaped(w, s);
}

void gk_codec_write_str_or_null(struct gk_codec_writer *w, const char *key, const char *s)
{
    if (s == NULL)
        gk_codec_write_null(w, key);
    else
        gk_codec_write_str(w, key, s);
}

void gk_codec_write_null(struct gk_codec_writer *w, const char *key)
{
    put_key(w, key);
    put_lit(w, "null");
}

void gk_codec_write_i64(struct gk_codec_writer *w, const char *key, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%" PRId64, v);
    put_key(w, key);
    put_raw(w, num, (size_t)n);
}

void gk_codec_write_i64_set(struct gk_codec_writer *w, const char *key, int64_t v)
{
    if (v != 0)
        gk_codec_write_i64(w, key, v);
}

void gk_codec_write_double(struct gk_codec_writer *w, const char *key, double v,
                           int decimals)
{
    /* The integer part through %.0f (no decimal point, so nothing for
     * LC_NUMERIC to change; exact digits at any size), the fraction as an
     * integer number of 10^-decimals units, carried when it rounds up. */
    static const int64_t pow10[] = {1,      10,      100,      1000,      10000,
                                    100000, 1000000, 10000000, 100000000, 1000000000};
    char num[320]; /* DBL_MAX has 309 digits */
    double ip;
    int n;

    if (isnan(v) || isinf(v)) {
        gk_codec_write_null(w, key);
        return;
    }
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    int64_t units = llround(modf(fabs(v), &ip) * (double)pow10[decimals]);
    if (units == pow10[decimals]) {
        ip += 1;
        units = 0;
    }
    const char *sign = v < 0 && (ip != 0 || units != 0) ? "-" : "";
    if (decimals == 0)
        n = snprintf(num, sizeof num, "%s%.0f", sign, ip);
    else
        n = snprintf(num, sizeof num, "%s%.0f.%0*" PRId64, sign, ip, decimals, units);
    if (n < 0 || (size_t)n >= sizeof num) {
        gk_codec_write_fail(w, GK_INTERNAL_ERROR, "encode: cannot format a double");
        return;
    }
    put_key(w, key);
    put_raw(w, num, (size_t)n);
}

void gk_codec_write_bool(struct gk_codec_writer *w, const char *key, bool b)
{
    put_key(w, key);
    put_lit(w, b ? "true" : "false");
}

void gk_codec_write_require(struct gk_codec_writer *w, const void *p, const char *what)
{
    if (p == NULL)
        gk_codec_write_fail(w, GK_INTERNAL_ERROR, "%s: required but NULL", what);
}

bool gk_codec_write_array_ok(struct gk_codec_writer *w, const void *arr, size_t count,
                             const char *what)
{
    if (count > 0 && arr == NULL) {
        gk_codec_write_fail(w, GK_INTERNAL_ERROR, "%s: count %zu but no array", what,
                            count);
        return false;
    }
    return count > 0;
}

enum gk_rc gk_codec_write_finish(struct gk_codec_writer *w, char **out, size_t *out_len,
                                 struct gk_err *err)
{
    if (w->rc == GK_OK && w->buf == NULL)
        gk_codec_write_fail(w, GK_INTERNAL_ERROR, "encode: nothing written");
    if (w->rc != GK_OK) {
        free(w->buf);
        w->buf = NULL;
        return gk_err_set(err, w->rc, "%s", w->msg);
    }
    *out = w->buf;
    if (out_len != NULL)
        *out_len = w->len;
    w->buf = NULL;
    return GK_OK;
}
