/*
 * codec_request.c: strict decoders for request bodies, which come from
 * untrusted clients.
 *
 * Checks, in order, each failing with the first, most specific message:
 *  1. size: more than max_body_bytes -> GK_REQUEST_ENTITY_TOO_LARGE;
 *  2. a scan of the raw bytes before cJSON sees them (prescan): nesting
 *     deeper than max_depth (counted on brackets outside strings, so cJSON's
 *     recursion is never asked to go deep), bytes that JSON does not allow
 *     (invalid UTF-8, raw control characters, stray non-ASCII outside
 *     strings), malformed numbers and \u escapes -> GK_MALFORMED_REQUEST
 *     "body: ... at byte N"; a \u0000 escape (C strings would silently cut
 *     the value there) -> GK_INVALID_PARAMETER_VALUE;
 *  3. cJSON_ParseWithLengthOpts, no trailing data, top level an object ->
 *     GK_MALFORMED_REQUEST (codec_doc.c);
 *  4. one pass over the members picks the known ones (unknown members are
 *     ignored: newer SDKs add fields; a known one given twice is an error)
 *     and each is type- and size-checked -> GK_INVALID_PARAMETER_VALUE
 *     naming it ("content: expected a string, got number").
 *
 * Values echoed back in messages are cut to 32 bytes and reduced to
 * printable ASCII: they are attacker-controlled and end up in logs.
 */
#include "common/codec.h"
#include "common/codec_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct limits {
    size_t body, depth, string;
};

static struct limits limits_of(const struct gk_codec_limits *lim)
{
    struct limits l = {GK_CODEC_DEFAULT_MAX_BODY_BYTES, GK_CODEC_DEFAULT_MAX_DEPTH,
                       GK_CODEC_DEFAULT_MAX_STRING_BYTES};
    if (lim != NULL && lim->max_body_bytes != 0)
        l.body = lim->max_body_bytes;
    if (lim != NULL && lim->max_depth != 0)
        l.depth = lim->max_depth;
    if (lim != NULL && lim->max_string_bytes != 0)
        l.string = lim->max_string_bytes;
    return l;
}

/* ---- prescan ---- */

/* Length of the well-formed UTF-8 sequence of 2-4 bytes at s, 0 if none
 * (overlong forms, surrogates and values above U+10FFFF are rejected). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t k;

    if (c >= 0xc2 && c <= 0xdf) {
        k = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        k = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (n < k || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return k;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of the JSON number at s (RFC 8259 grammar), 0 if malformed. A
 * number must also not run on into more number characters ("01", "1.2.3"). */
static size_t number_len(const unsigned char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && is_digit(s[i]))
        while (i < n && is_digit(s[i]))
            i++;
    else
        return 0;
    if (i < n && s[i] == '.') {
        if (++i >= n || !is_digit(s[i]))
            return 0;
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !is_digit(s[i]))
            return 0;
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && (is_digit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
                  s[i] == '+' || s[i] == '-'))
        return 0;
    return i;
}

/* Checks the string that opens at s[i] ('"'); returns the index of its
 * closing quote, or n when it is unterminated (cJSON then reports it). */
static size_t scan_string(struct gk_codec_doc *d, const unsigned char *s, size_t n,
                          size_t i)
{
    for (size_t j = i + 1; j < n; j++) {
        unsigned char c = s[j];
        if (c == '"')
            return j;
        if (c == '\\') {
            if (j + 1 < n && s[j + 1] == 'u') {
                if (j + 6 > n || !is_hex(s[j + 2]) || !is_hex(s[j + 3]) ||
                    !is_hex(s[j + 4]) || !is_hex(s[j + 5])) {
                    gk_codec_doc_fail(d, GK_MALFORMED_REQUEST,
                                      "body: malformed \\u escape at byte %zu", j);
                    return n;
                }
                if (memcmp(s + j + 2, "0000", 4) == 0) {
                    gk_codec_doc_fail(
                        d, GK_INVALID_PARAMETER_VALUE,
                        "body: strings must not contain \\u0000 (at byte %zu)", j);
                    return n;
                }
                j += 5;
            } else {
                j++; /* the escaped character; cJSON checks it is a valid one */
            }
        } else if (c < 0x20) {
            gk_codec_doc_fail(d, GK_MALFORMED_REQUEST,
                              "body: unescaped control character 0x%02x in a string at "
                              "byte %zu",
                              c, j);
            return n;
        } else if (c >= 0x80) {
            size_t k = utf8_len(s + j, n - j);
            if (k == 0) {
                gk_codec_doc_fail(d, GK_MALFORMED_REQUEST,
                                  "body: invalid UTF-8 at byte %zu", j);
                return n;
            }
            j += k - 1;
        }
    }
    return n;
}

static void prescan(struct gk_codec_doc *d, const char *data, size_t len,
                    size_t max_depth)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t depth = 0;

    for (size_t i = 0; i < len && d->rc == GK_OK; i++) {
        unsigned char c = s[i];
        if (c == '"') {
            i = scan_string(d, s, len, i);
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                gk_codec_doc_fail(d, GK_MALFORMED_REQUEST,
                                  "body: nested deeper than %zu levels at byte %zu",
                                  max_depth, i);
        } else if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
        } else if (c == '-' || is_digit(c)) {
            size_t k = number_len(s + i, len - i);
            if (k == 0)
                gk_codec_doc_fail(d, GK_MALFORMED_REQUEST,
                                  "body: malformed number at byte %zu", i);
            else
                i += k - 1;
        } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0x7f) {
            gk_codec_doc_fail(d, GK_MALFORMED_REQUEST,
                              "body: unexpected byte 0x%02x at byte %zu", c, i);
        }
    }
}

/* Zeroes *out, checks size and bytes, then parses (steps 1-3 above). */
static enum gk_rc open_request(struct gk_codec_doc *d, const char *data, size_t len,
                               const struct gk_codec_limits *lim, void *out,
                               size_t out_size, struct gk_err *err)
{
    struct limits l = limits_of(lim);

    memset(d, 0, sizeof *d);
    d->err = err;
    if (out == NULL || (data == NULL && len > 0)) {
        gk_codec_doc_fail(d, GK_INTERNAL_ERROR, "decode: NULL %s",
                          out ? "input" : "output");
        return d->rc;
    }
    memset(out, 0, out_size);
    if (len > l.body) {
        gk_codec_doc_fail(d, GK_REQUEST_ENTITY_TOO_LARGE,
                          "body: %zu bytes, more than the limit of %zu", len, l.body);
        return d->rc;
    }
    prescan(d, data, len, l.depth);
    if (d->rc != GK_OK)
        return d->rc;
    return gk_codec_doc_open(d, data, len, out, out_size, GK_MALFORMED_REQUEST, err);
}

/* ---- members ---- */

struct field {
    const char *name;
    const cJSON *item; /* NULL when absent */
};

/* One pass over the root's members: each known name gets its item. */
static void pick_fields(struct gk_codec_doc *d, struct field *f, size_t n)
{
    for (const cJSON *c = d->root->child; c != NULL && d->rc == GK_OK; c = c->next)
        for (size_t i = 0; i < n; i++) {
            if (strcmp(c->string, f[i].name) != 0)
                continue;
            if (f[i].item != NULL)
                gk_codec_doc_fail(d, GK_INVALID_PARAMETER_VALUE,
                                  "%s: given more than once", f[i].name);
            f[i].item = c;
        }
}

/* A string member within the size limit; NULL when absent or null and not
 * required. */
static char *want_string(struct gk_codec_doc *d, const struct field *f, bool required,
                         size_t max)
{
    const cJSON *it = f->item;
    size_t n;

    if (d->rc != GK_OK)
        return NULL;
    if (it == NULL || (cJSON_IsNull(it) && !required)) {
        if (required)
            gk_codec_doc_fail(d, GK_INVALID_PARAMETER_VALUE, "%s: required", f->name);
        return NULL;
    }
    if (!cJSON_IsString(it)) {
        gk_codec_doc_fail(d, GK_INVALID_PARAMETER_VALUE, "%s: expected a string, got %s",
                          f->name, gk_codec_doc_type_name(it));
        return NULL;
    }
    n = strlen(it->valuestring);
    if (n > max) {
        gk_codec_doc_fail(d, GK_INVALID_PARAMETER_VALUE,
                          "%s: %zu bytes, more than the limit of %zu", f->name, n, max);
        return NULL;
    }
    return gk_codec_doc_dup(d, it->valuestring);
}

/* A boolean member; absent or null is false. */
static bool want_bool(struct gk_codec_doc *d, const struct field *f)
{
    if (f->item == NULL || cJSON_IsNull(f->item))
        return false;
    if (!cJSON_IsBool(f->item)) {
        gk_codec_doc_fail(d, GK_INVALID_PARAMETER_VALUE, "%s: expected a boolean, got %s",
                          f->name, gk_codec_doc_type_name(f->item));
        return false;
    }
    return cJSON_IsTrue(f->item);
}

/* A printable, bounded copy of an untrusted value for a message. */
static const char *echo(const char *s, char *buf, size_t cap)
{
    size_t i = 0;
    for (; s[i] != '\0' && i < 32 && i + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ? '?' : (char)c;
    }
    if (s[i] != '\0' && i + 4 <= cap) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

/* One of two spellings of a field: the one given, or an error if both are. */
static const struct field *either(struct gk_codec_doc *d, const struct field *cur,
                                  const struct field *legacy)
{
    if (cur->item != NULL && legacy->item != NULL)
        gk_codec_doc_fail(d, GK_INVALID_PARAMETER_VALUE,
                          "%s: conflicts with %s (send one)", legacy->name, cur->name);
    return legacy->item != NULL ? legacy : cur;
}

/* ---- the public decoders ---- */

enum gk_rc gk_codec_decode_question_request(const char *data, size_t len,
                                            const struct gk_codec_limits *lim,
                                            struct gk_question_request *out,
                                            struct gk_err *err)
{
    struct gk_codec_doc d;
    struct field f[] = {{"content", NULL}, {"enable_visualization", NULL}};

    if (open_request(&d, data, len, lim, out, sizeof *out, err) == GK_OK) {
        pick_fields(&d, f, sizeof f / sizeof f[0]);
        out->content = want_string(&d, &f[0], true, limits_of(lim).string);
        if (out->content != NULL && out->content[0] == '\0')
            gk_codec_doc_fail(&d, GK_INVALID_PARAMETER_VALUE,
                              "content: must not be empty");
        out->enable_visualization = want_bool(&d, &f[1]);
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_question_request_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_feedback_request(const char *data, size_t len,
                                            const struct gk_codec_limits *lim,
                                            struct gk_feedback_request *out,
                                            struct gk_err *err)
{
    struct gk_codec_doc d;
    struct field f[] = {{"rating", NULL},
                        {"comment", NULL},
                        {"feedback_rating", NULL}, /* SDK 0.63 spelling */
                        {"feedback_text", NULL}};
    char buf[48];

    if (open_request(&d, data, len, lim, out, sizeof *out, err) == GK_OK) {
        pick_fields(&d, f, sizeof f / sizeof f[0]);
        const struct field *rating = either(&d, &f[0], &f[2]);
        const struct field *comment = either(&d, &f[1], &f[3]);
        char *r = want_string(&d, rating, true, limits_of(lim).string);
        if (r != NULL) {
            out->rating = gk_types_rating_from_name(r);
            if (out->rating == GK_RATING_UNKNOWN)
                gk_codec_doc_fail(&d, GK_INVALID_PARAMETER_VALUE,
                                  "%s: expected POSITIVE, NEGATIVE or NONE, got \"%s\"",
                                  rating->name, echo(r, buf, sizeof buf));
            free(r);
        }
        out->comment = want_string(&d, comment, false, limits_of(lim).string);
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_feedback_request_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_empty_request(const char *data, size_t len,
                                         const struct gk_codec_limits *lim,
                                         struct gk_err *err)
{
    struct gk_codec_doc d;
    char unused;
    size_t i = 0;

    while (data != NULL && i < len &&
           (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    if (i == len && len <= limits_of(lim).body)
        return GK_OK; /* an empty body is how the SDK may send {} */
    open_request(&d, data, len, lim, &unused, sizeof unused, err);
    return gk_codec_doc_close(&d);
}
