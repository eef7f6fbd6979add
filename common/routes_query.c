/*
 * routes_query: percent coding, and the query-string / form helpers of
 * routes.h.
 *
 * Design. A query is scanned in place as '&'-separated pairs; nothing is
 * copied except the one value asked for, decoded straight into the caller's
 * buffer. Every getter first checks the escapes of the whole string, so a
 * malformed query fails the same way whichever key is asked for, and then
 * takes the first pair whose *decoded* key matches (keys are compared while
 * decoding, without a buffer). Integer and boolean values are decoded into
 * small stack buffers: anything longer cannot be a valid one anyway, and the
 * error quotes an excerpt of what was sent.
 */
#include "common/routes.h"
#include "common/routes_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- percent coding ----------------------------------------------------- */

void gk_routes_excerpt(char *dst, size_t cap, const char *s, size_t n)
{
    size_t keep = n <= cap - 1 ? n : cap - 4, i;
    for (i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (keep < n)
        memcpy(dst + i, "...", 3), i += 3;
    dst[i] = '\0';
}

int gk_routes_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

enum gk_routes_decode_result gk_routes_decode(const char *s, size_t n, bool plus_is_space,
                                              bool no_slash, char *out, size_t cap,
                                              size_t *out_len)
{
    size_t o = 0;
    enum gk_routes_decode_result r = GK_ROUTES_DECODE_OK;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3 || gk_routes_hex_value((unsigned char)s[i + 1]) < 0 ||
                gk_routes_hex_value((unsigned char)s[i + 2]) < 0) {
                r = GK_ROUTES_DECODE_BAD_ESCAPE;
                break;
            }
            c = (unsigned char)(gk_routes_hex_value((unsigned char)s[i + 1]) * 16 +
                                gk_routes_hex_value((unsigned char)s[i + 2]));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0' || (c == '/' && no_slash)) {
            r = c == '\0' ? GK_ROUTES_DECODE_NUL : GK_ROUTES_DECODE_SLASH;
            break;
        }
        if (o + 1 >= cap) {
            r = GK_ROUTES_DECODE_TOO_LONG;
            break;
        }
        out[o++] = (char)c;
    }
    out[r == GK_ROUTES_DECODE_OK ? o : 0] = '\0';
    if (out_len != NULL)
        *out_len = r == GK_ROUTES_DECODE_OK ? o : 0;
    return r;
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

void gk_routes_put(struct gk_routes_writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, w->len++)
        if (w->len + 1 < w->cap)
            w->buf[w->len] = s[i];
}

void gk_routes_put_encoded(struct gk_routes_writer *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
        if (is_unreserved(c))
            gk_routes_put(w, (const char *)&c, 1);
        else
            gk_routes_put(w, esc, 3);
    }
}

bool gk_routes_writer_close(struct gk_routes_writer *w, size_t start)
{
    if (w->len + 1 > w->cap) {
        w->buf[start] = '\0';
        return false;
    }
    w->buf[w->len] = '\0';
    return true;
}

/* ---- query strings ------------------------------------------------------ */

enum gk_rc gk_routes_query_add(char *buf, size_t cap, bool form, const char *key,
                               const char *value, struct gk_err *err)
{
    if (buf == NULL || cap == 0 || memchr(buf, '\0', cap) == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "buf: not a NUL-terminated string within %zu bytes", cap);
    if (key == NULL || key[0] == '\0' || value == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "%s: a key and a value are needed",
                          key != NULL && key[0] != '\0' ? key : "key");
    size_t start = strlen(buf);
    struct gk_routes_writer w = {buf, cap, start};
    char last = start > 0 ? buf[start - 1] : '\0';
    if (form ? start > 0 : strchr(buf, '?') == NULL)
        gk_routes_put(&w, form ? "&" : "?", 1);
    else if (!form && last != '?' && last != '&')
        gk_routes_put(&w, "&", 1);
    gk_routes_put_encoded(&w, key);
    gk_routes_put(&w, "=", 1);
    gk_routes_put_encoded(&w, value);
    if (!gk_routes_writer_close(&w, start))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "%s: %zu bytes is too small to add it (needs %zu)", key, cap,
                          w.len + 1);
    return GK_OK;
}

enum gk_rc gk_routes_query_add_page(char *buf, size_t cap, int page_size,
                                    const char *page_token, struct gk_err *err)
{
    if (buf == NULL || cap == 0 || memchr(buf, '\0', cap) == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "buf: not a NUL-terminated string within %zu bytes", cap);
    size_t start = strlen(buf);
    char number[16];
    enum gk_rc rc = GK_OK;
    snprintf(number, sizeof number, "%d", page_size);
    if (page_size > 0)
        rc = gk_routes_query_add(buf, cap, false, "page_size", number, err);
    if (rc == GK_OK && page_token != NULL && page_token[0] != '\0')
        rc = gk_routes_query_add(buf, cap, false, "page_token", page_token, err);
    if (rc != GK_OK)
        buf[start] = '\0';
    return rc;
}

/* One "key=value" pair of a query; pairs without '=' have an empty value. */
struct pair {
    const char *key, *val;
    size_t key_len, val_len;
};

/* Next non-empty pair at or after *pos; false at the end. */
static bool next_pair(const char *q, size_t n, size_t *pos, struct pair *pr)
{
    while (*pos < n) {
        const char *amp = memchr(q + *pos, '&', n - *pos);
        size_t end = amp != NULL ? (size_t)(amp - q) : n;
        size_t start = *pos;
        *pos = end + (amp != NULL ? 1 : 0);
        if (end == start)
            continue;
        const char *eq = memchr(q + start, '=', end - start);
        pr->key = q + start;
        pr->key_len = eq != NULL ? (size_t)(eq - pr->key) : end - start;
        pr->val = eq != NULL ? eq + 1 : q + end;
        pr->val_len = eq != NULL ? (size_t)(q + end - pr->val) : 0;
        return true;
    }
    return false;
}

static bool escapes_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%')
            continue;
        if (n - i < 3 || gk_routes_hex_value((unsigned char)s[i + 1]) < 0 ||
            gk_routes_hex_value((unsigned char)s[i + 2]) < 0)
            return false;
        i += 2;
    }
    return true;
}

/* True if the raw (escape-checked) key decodes to exactly key. */
static bool key_equals(const char *raw, size_t n, const char *key)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++, k++) {
        int c = (unsigned char)raw[i];
        if (c == '%') {
            c = gk_routes_hex_value((unsigned char)raw[i + 1]) * 16 +
                gk_routes_hex_value((unsigned char)raw[i + 2]);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (key[k] == '\0' || (unsigned char)key[k] != c)
            return false;
    }
    return key[k] == '\0';
}

/* Checks the whole of q, then finds the first pair named key. */
static enum gk_rc find_raw(const char *q, size_t n, const char *key, struct pair *hit,
                           bool *found, struct gk_err *err)
{
    struct pair pr;
    size_t pos = 0;
    *found = false;
    if (key == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "key: NULL");
    if (q == NULL)
        n = 0;
    while (next_pair(q, n, &pos, &pr)) {
        if (!escapes_ok(pr.key, pr.key_len) || !escapes_ok(pr.val, pr.val_len)) {
            char shown[48];
            gk_routes_excerpt(shown, sizeof shown, pr.key, pr.key_len);
            *found = false;
            return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                              "%s: malformed percent escape", shown);
        }
        if (!*found && key_equals(pr.key, pr.key_len, key)) {
            *hit = pr;
            *found = true;
        }
    }
    return GK_OK;
}

enum gk_rc gk_routes_query_get(const char *q, size_t q_len, const char *key, char *out,
                               size_t cap, bool *found, struct gk_err *err)
{
    struct pair pr;
    bool have;
    if (found != NULL)
        *found = false;
    if (out == NULL || cap == 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "out: no room for a value");
    out[0] = '\0';
    enum gk_rc rc = find_raw(q, q_len, key, &pr, &have, err);
    if (rc != GK_OK || !have)
        return rc;
    switch (gk_routes_decode(pr.val, pr.val_len, true, false, out, cap, NULL)) {
    case GK_ROUTES_DECODE_OK:
        break;
    case GK_ROUTES_DECODE_TOO_LONG:
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: longer than %zu bytes",
                          key, cap - 1);
    default:
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: must not contain NUL",
                          key);
    }
    if (found != NULL)
        *found = true;
    return GK_OK;
}

/* Decodes a short value for int/bool parsing and quotes it for messages;
 * returns false when it does not decode into small (cap bytes). */
static bool decode_small(const struct pair *pr, char *small, size_t cap, char *quoted,
                         size_t qcap)
{
    size_t n;
    if (gk_routes_decode(pr->val, pr->val_len, true, false, small, cap, &n) ==
        GK_ROUTES_DECODE_OK) {
        gk_routes_excerpt(quoted, qcap, small, n);
        return true;
    }
    gk_routes_excerpt(quoted, qcap, pr->val, pr->val_len);
    return false;
}

enum gk_rc gk_routes_query_get_int(const char *q, size_t q_len, const char *key,
                                   int64_t min, int64_t max, int64_t *out, bool *found,
                                   struct gk_err *err)
{
    struct pair pr;
    bool have;
    char small[24], quoted[48];
    if (found != NULL)
        *found = false;
    enum gk_rc rc = find_raw(q, q_len, key, &pr, &have, err);
    if (rc != GK_OK || !have)
        return rc;

    bool ok = decode_small(&pr, small, sizeof small, quoted, sizeof quoted);
    bool neg = small[0] == '-';
    uint64_t mag = 0;
    ok = ok && small[neg] != '\0';
    for (const char *s = small + neg; ok && *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || mag > (UINT64_MAX - 9) / 10)
            ok = false;
        else
            mag = mag * 10 + (uint64_t)(*s - '0');
    }
    /* An int64 holds magnitudes up to INT64_MAX, and INT64_MAX + 1 when negative. */
    int64_t v = 0;
    if (ok && !neg && mag <= (uint64_t)INT64_MAX)
        v = (int64_t)mag;
    else if (ok && neg && mag <= (uint64_t)INT64_MAX + 1)
        v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    else
        ok = false;
    if (!ok || v < min || v > max)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "%s: expected an integer from %" PRId64 " to %" PRId64
                          ", got \"%s\"",
                          key, min, max, quoted);
    *out = v;
    if (found != NULL)
        *found = true;
    return GK_OK;
}

enum gk_rc gk_routes_query_get_bool(const char *q, size_t q_len, const char *key,
                                    bool *out, bool *found, struct gk_err *err)
{
    struct pair pr;
    bool have;
    char small[8], quoted[48];
    if (found != NULL)
        *found = false;
    enum gk_rc rc = find_raw(q, q_len, key, &pr, &have, err);
    if (rc != GK_OK || !have)
        return rc;
    bool ok = decode_small(&pr, small, sizeof small, quoted, sizeof quoted);
    if (!ok || (strcmp(small, "true") != 0 && strcmp(small, "false") != 0))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "%s: expected true or false, got \"%s\"", key, quoted);
    *out = small[0] == 't';
    if (found != NULL)
        *found = true;
    return GK_OK;
}
