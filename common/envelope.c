/*
 * envelope: encoding and lenient decoding of Databricks error bodies.
 *
 * Encoding is hand-written rather than built with cJSON: the shape is fixed,
 * the mock sends many 429s under load, and one pass to size plus one to write
 * costs a single allocation and no tree. Strings go through json_string(),
 * which escapes what JSON requires and replaces invalid UTF-8 with \ufffd, so
 * the output is valid JSON whatever bytes the message carries.
 *
 * Decoding tries the shapes in the Python SDK's order (empty, JSON, text,
 * HTML, catch-all); each decoder either fills the envelope and returns true
 * or leaves it untouched. JSON goes through cJSON on a NUL-terminated copy
 * (the body is not terminated, and a copy keeps cJSON from ever reading past
 * it), with trailing bytes after the value refused as Python's json.loads
 * refuses them. Every string lands in a fixed field through copy_clean(),
 * the single place that bounds, trims, cuts on a UTF-8 boundary and replaces
 * control characters and invalid bytes.
 */
#include "common/envelope.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- codes and statuses ------------------------------------------------- */

static const struct {
    const char *code;
    enum gk_rc rc;
} aliases[] = {
    /* genie-api.md 4.2: the SDKs' canonical and specific codes */
    {"NOT_FOUND", GK_RESOURCE_DOES_NOT_EXIST},
    {"TOO_MANY_REQUESTS", GK_REQUEST_LIMIT_EXCEEDED},
    {"RESOURCE_EXHAUSTED", GK_REQUEST_LIMIT_EXCEEDED},
    {"ABORTED", GK_RESOURCE_CONFLICT},
    {"ALREADY_EXISTS", GK_RESOURCE_CONFLICT},
    {"RESOURCE_ALREADY_EXISTS", GK_RESOURCE_CONFLICT},
    {"UNKNOWN", GK_INTERNAL_ERROR},
    {"DATA_LOSS", GK_INTERNAL_ERROR},
    /* RFC 6749 5.2, what a token endpoint answers */
    {"invalid_client", GK_UNAUTHENTICATED},
    {"invalid_grant", GK_UNAUTHENTICATED},
    {"unauthorized_client", GK_UNAUTHENTICATED},
    {"invalid_request", GK_BAD_REQUEST},
    {"unsupported_grant_type", GK_BAD_REQUEST},
    {"invalid_scope", GK_INVALID_PARAMETER_VALUE},
    {"access_denied", GK_PERMISSION_DENIED},
    {"server_error", GK_INTERNAL_ERROR},
    {"temporarily_unavailable", GK_TEMPORARILY_UNAVAILABLE},
};

/* Names in the err table that describe geniekit's own failures, never a
 * server's: a body that claims one is mapped by its HTTP status instead. */
static bool local_only(enum gk_rc rc)
{
    return rc == GK_OK || rc == GK_OUT_OF_MEMORY || rc == GK_IO_ERROR ||
           rc == GK_NETWORK_ERROR || rc == GK_BAD_RESPONSE || rc == GK_BAD_CONFIG;
}

/* Reason phrases, and the code each status means when the body names none
 * (GK_OK: fall back to the 4xx/5xx default). */
static const struct {
    int status;
    const char *reason;
    enum gk_rc rc;
} statuses[] = {
    {200, "OK", GK_OK},
    {201, "Created", GK_OK},
    {204, "No Content", GK_OK},
    {301, "Moved Permanently", GK_OK},
    {302, "Found", GK_OK},
    {304, "Not Modified", GK_OK},
    {307, "Temporary Redirect", GK_OK},
    {400, "Bad Request", GK_BAD_REQUEST},
    {401, "Unauthorized", GK_UNAUTHENTICATED},
    {403, "Forbidden", GK_PERMISSION_DENIED},
    {404, "Not Found", GK_RESOURCE_DOES_NOT_EXIST},
    {405, "Method Not Allowed", GK_METHOD_NOT_ALLOWED},
    {408, "Request Timeout", GK_OK},
    {409, "Conflict", GK_RESOURCE_CONFLICT},
    {411, "Length Required", GK_OK},
    {412, "Precondition Failed", GK_RESOURCE_CONFLICT}, /* update_space etag mismatch */
    {413, "Request Entity Too Large", GK_REQUEST_ENTITY_TOO_LARGE},
    {414, "URI Too Long", GK_OK},
    {415, "Unsupported Media Type", GK_OK},
    {429, "Too Many Requests", GK_REQUEST_LIMIT_EXCEEDED},
    {500, "Internal Server Error", GK_INTERNAL_ERROR},
    {501, "Not Implemented", GK_NOT_IMPLEMENTED},
    {502, "Bad Gateway", GK_OK},
    {503, "Service Unavailable", GK_TEMPORARILY_UNAVAILABLE},
    {504, "Gateway Timeout", GK_DEADLINE_EXCEEDED},
};

static enum gk_rc status_rc(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status && statuses[i].rc != GK_OK)
            return statuses[i].rc;
    if (status >= 400 && status <= 499)
        return GK_BAD_REQUEST;
    if (status >= 500 && status <= 599)
        return GK_INTERNAL_ERROR;
    return GK_BAD_RESPONSE;
}

enum gk_rc gk_envelope_rc(int http_status, const char *error_code)
{
    if (error_code != NULL && error_code[0] != '\0') {
        for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
            if (strcmp(aliases[i].code, error_code) == 0)
                return aliases[i].rc;
        enum gk_rc rc = gk_err_from_name(error_code);
        if (rc != GK_RC_COUNT && !local_only(rc))
            return rc;
    }
    return status_rc(http_status);
}

const char *gk_envelope_reason(int http_status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == http_status)
            return statuses[i].reason;
    return NULL;
}

/* ---- UTF-8 and bounded copies ------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Copies s[0..n) into dst (cap >= 4), trimmed, with control characters
 * (C0, DEL, C1) as spaces and invalid UTF-8 bytes as '?'. When it does not
 * fit it is cut on a character boundary, with "..." if mark_cut. Returns the
 * length written.
 */
static size_t copy_clean(char *dst, size_t cap, const char *s, size_t n, bool mark_cut)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0, room = cap - 1;
    bool cut = false;
    while (i < n) {
        size_t len = utf8_len(u + i, n - i);
        bool c1 = len == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0;
        size_t out = len == 0 || c1 ? 1 : len;
        if (o + out > room) {
            cut = true;
            break;
        }
        if (len == 0) {
            dst[o++] = '?';
        } else if (c1 || u[i] <= 0x20 || u[i] == 0x7f) {
            if (o > 0) /* blanks at the start are trimmed */
                dst[o++] = ' ';
        } else {
            memcpy(dst + o, u + i, len);
            o += len;
        }
        i += len == 0 ? 1 : len;
    }
    if (cut && mark_cut &&
        o > cap - 4) /* room for "...", then back to a character start */
        for (o = cap - 4; o > 0 && ((unsigned char)dst[o] & 0xc0) == 0x80;)
            o--;
    while (o > 0 && is_space((unsigned char)dst[o - 1]))
        o--;
    if (cut && mark_cut)
        memcpy(dst + o, "...", 3), o += 3;
    dst[o] = '\0';
    return o;
}

/* A short printable-ASCII excerpt for messages about junk: whitespace runs
 * become one space, other bytes outside 0x20-0x7e become '?'. */
static void excerpt(char *dst, size_t cap, const char *s, size_t n)
{
    size_t o = 0, i = 0;
    while (i < n && is_space((unsigned char)s[i]))
        i++;
    for (; i < n && o + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) {
            if (o > 0 && dst[o - 1] != ' ')
                dst[o++] = ' ';
        } else {
            dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
        }
    }
    if (i < n)
        memcpy(dst + o, "...", 3), o += 3;
    else if (o > 0 && dst[o - 1] == ' ')
        o--; /* trailing whitespace of the body */
    dst[o] = '\0';
}

/* ---- encoding ----------------------------------------------------------- */

/* Writes into p when it is not NULL and counts either way: the first pass
 * sizes, the second writes. */
struct jbuf {
    char *p;
    size_t len;
};

static void jput(struct jbuf *b, const char *s, size_t n)
{
    if (b->p != NULL)
        memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void json_string(struct jbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    jput(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        size_t len = utf8_len(u + i, n - i);
        char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        if (len == 0)
            jput(b, "\\ufffd", 6);
        else if (c == '"' || c == '\\')
            esc[1] = (char)c, jput(b, esc, 2);
        else if (c == '\n')
            jput(b, "\\n", 2);
        else if (c == '\r')
            jput(b, "\\r", 2);
        else if (c == '\t')
            jput(b, "\\t", 2);
        else if (c < 0x20 || c == 0x7f)
            jput(b, esc, 6);
        else
            jput(b, s + i, len);
        i += len == 0 ? 1 : len;
    }
    jput(b, "\"", 1);
}

/* The two bodies: (k1, v1, k2, v2) pairs, plus RequestInfo details when
 * request_id is set. v2 NULL leaves its pair out. */
static void render(struct jbuf *b, const char *k1, const char *v1, const char *k2,
                   const char *v2, const char *request_id)
{
    jput(b, "{", 1);
    json_string(b, k1);
    jput(b, ":", 1);
    json_string(b, v1);
    if (v2 != NULL) {
        jput(b, ",", 1);
        json_string(b, k2);
        jput(b, ":", 1);
        json_string(b, v2);
    }
    if (request_id != NULL && request_id[0] != '\0') {
        static const char head[] =
            ",\"details\":[{\"@type\":\"" GK_ENVELOPE_REQUEST_INFO "\",\"request_id\":";
        static const char tail[] = ",\"serving_data\":\"\"}]";
        jput(b, head, sizeof head - 1);
        json_string(b, request_id);
        jput(b, tail, sizeof tail - 1);
    }
    jput(b, "}", 1);
}

static enum gk_rc render_alloc(const char *k1, const char *v1, const char *k2,
                               const char *v2, const char *request_id, char **out,
                               size_t *out_len, struct gk_err *err)
{
    struct jbuf b = {NULL, 0};
    render(&b, k1, v1, k2, v2, request_id);
    b.p = malloc(b.len + 1);
    if (b.p == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "error body: %zu bytes", b.len + 1);
    b.len = 0;
    render(&b, k1, v1, k2, v2, request_id);
    b.p[b.len] = '\0';
    *out = b.p;
    if (out_len != NULL)
        *out_len = b.len;
    return GK_OK;
}

enum gk_rc gk_envelope_encode(int http_status, const char *error_code,
                              const char *message, const char *request_id, char **out,
                              size_t *out_len, struct gk_err *err)
{
    if (out == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "out: NULL");
    *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (http_status < 400 || http_status > 599)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "http_status: expected an error status from 400 to 599, got %d",
                          http_status);
    if (error_code == NULL || error_code[0] == '\0')
        error_code = gk_err_name(status_rc(http_status));
    if (message == NULL)
        message = gk_err_message(gk_envelope_rc(http_status, error_code));
    return render_alloc("error_code", error_code, "message", message, request_id, out,
                        out_len, err);
}

enum gk_rc gk_envelope_encode_err(const struct gk_err *e, const char *request_id,
                                  char **out, size_t *out_len, int *http_status,
                                  struct gk_err *err)
{
    enum gk_rc rc = e != NULL && e->rc != GK_OK ? e->rc : GK_INTERNAL_ERROR;
    const char *message =
        e != NULL && e->rc != GK_OK ? gk_err_str(e) : gk_err_message(rc);
    if (http_status != NULL)
        *http_status = gk_err_http_status(rc);
    return gk_envelope_encode(gk_err_http_status(rc), gk_err_name(rc), message,
                              request_id, out, out_len, err);
}

enum gk_rc gk_envelope_encode_oauth(const char *error, const char *description,
                                    char **out, size_t *out_len, struct gk_err *err)
{
    if (out == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "out: NULL");
    *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (error == NULL || error[0] == '\0')
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "error: must not be empty");
    return render_alloc("error", error, "error_description", description, NULL, out,
                        out_len, err);
}

/* ---- decoding ----------------------------------------------------------- */

static const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static void set_str(char *dst, size_t cap, const char *s, bool mark_cut)
{
    copy_clean(dst, cap, s, strlen(s), mark_cut);
}

static void find_request_id(const cJSON *obj, struct gk_envelope *env)
{
    const cJSON *d, *details = cJSON_GetObjectItemCaseSensitive(obj, "details");
    if (!cJSON_IsArray(details))
        return;
    cJSON_ArrayForEach(d, details)
    {
        const char *type = json_str(d, "@type"), *id = json_str(d, "request_id");
        if (type != NULL && id != NULL && strcmp(type, GK_ENVELOPE_REQUEST_INFO) == 0) {
            set_str(env->request_id, sizeof env->request_id, id, false);
            return;
        }
    }
}

/* Picks the shape of a JSON object, the precedence of genie-api.md 4.1:
 * SCIM's detail wins, then the OAuth pairs, then the envelope (with "error"
 * overriding "message" as in the SDK), then a bare "error". */
static bool decode_object(const cJSON *obj, struct gk_envelope *env)
{
    const char *detail = json_str(obj, "detail"), *code = json_str(obj, "error_code");
    const char *message = json_str(obj, "message"), *error = json_str(obj, "error");
    const char *description = json_str(obj, "error_description");
    const char *oauth_code = json_str(obj, "errorCode");

    if (detail != NULL && detail[0] != '\0') {
        const char *scim_type = json_str(obj, "scimType");
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(obj, "status");
        char text[GK_ENVELOPE_MESSAGE_MAX];
        if (strcmp(detail, "null") == 0)
            detail = "SCIM API Internal Error";
        snprintf(text, sizeof text, "%s %s", scim_type != NULL ? scim_type : "", detail);
        set_str(env->message, sizeof env->message, text, true);
        if (cJSON_IsString(status))
            snprintf(text, sizeof text, "SCIM_%s", status->valuestring);
        else if (cJSON_IsNumber(status))
            snprintf(text, sizeof text, "SCIM_%d", status->valueint);
        else
            snprintf(text, sizeof text, "SCIM");
        set_str(env->error_code, sizeof env->error_code, text, false);
        env->shape = GK_ENVELOPE_SCIM;
    } else if (oauth_code != NULL ||
               (error != NULL && description != NULL && code == NULL)) {
        const char *summary =
            oauth_code != NULL ? json_str(obj, "errorSummary") : description;
        set_str(env->error_code, sizeof env->error_code,
                oauth_code != NULL ? oauth_code : error, false);
        set_str(env->message, sizeof env->message, summary != NULL ? summary : "", true);
        env->shape = GK_ENVELOPE_OAUTH;
    } else if (code != NULL || message != NULL) {
        set_str(env->error_code, sizeof env->error_code, code != NULL ? code : "", false);
        set_str(env->message, sizeof env->message,
                error != NULL ? error
                : message     ? message
                              : "",
                true);
        env->shape = GK_ENVELOPE_JSON;
    } else if (error != NULL) {
        set_str(env->message, sizeof env->message, error, true);
        env->shape = GK_ENVELOPE_LEGACY;
    } else {
        return false;
    }
    find_request_id(obj, env);
    return true;
}

static bool decode_json(const char *body, size_t n, struct gk_envelope *env)
{
    size_t i = 0;
    while (i < n && is_space((unsigned char)body[i]))
        i++;
    if (i == n || body[i] != '{' || n > GK_ENVELOPE_JSON_MAX)
        return false; /* not an object: spare the copy and the parse */
    char *copy = malloc(n + 1);
    if (copy == NULL)
        return false;
    memcpy(copy, body, n);
    copy[n] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(copy, n + 1, &end, false);
    bool ok = root != NULL && cJSON_IsObject(root);
    if (ok) {
        size_t at = (size_t)(end - copy);
        while (at < n && is_space((unsigned char)copy[at]))
            at++;
        ok = at == n && decode_object(root, env);
    }
    cJSON_Delete(root);
    free(copy);
    return ok;
}

/* "ERROR_CODE: message" at the very start, message to the end of the line. */
static bool decode_text(const char *body, size_t n, struct gk_envelope *env)
{
    size_t i = 0;
    while (i < n && ((body[i] >= 'A' && body[i] <= 'Z') || body[i] == '_'))
        i++;
    if (i == 0 || n - i < 2 || body[i] != ':' || body[i + 1] != ' ')
        return false;
    const char *msg = body + i + 2;
    const char *nl = memchr(msg, '\n', n - i - 2);
    copy_clean(env->error_code, sizeof env->error_code, body, i, false);
    copy_clean(env->message, sizeof env->message, msg,
               nl != NULL ? (size_t)(nl - msg) : n - i - 2, true);
    env->shape = GK_ENVELOPE_TEXT;
    return true;
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive search for a lower-case ASCII tag in s[0..n). */
static const char *find_tag(const char *s, size_t n, const char *tag)
{
    size_t t = strlen(tag);
    for (size_t i = 0; n >= t && i <= n - t; i++) {
        size_t k = 0;
        while (k < t && ascii_lower(s[i + k]) == tag[k])
            k++;
        if (k == t)
            return s + i;
    }
    return NULL;
}

/* The text of the first <pre>...</pre>, else <title>...</title>. */
static bool decode_html(const char *body, size_t n, struct gk_envelope *env)
{
    static const char *const tags[][2] = {{"<pre>", "</pre>"}, {"<title>", "</title>"}};
    for (size_t t = 0; t < 2; t++) {
        const char *open = find_tag(body, n, tags[t][0]);
        if (open == NULL)
            continue;
        const char *text = open + strlen(tags[t][0]);
        const char *close = find_tag(text, (size_t)(body + n - text), tags[t][1]);
        if (close == NULL)
            continue;
        copy_clean(env->message, sizeof env->message, text, (size_t)(close - text), true);
        const char *reason = gk_envelope_reason(env->http_status);
        size_t k = 0;
        for (; reason != NULL && reason[k] != '\0' && k + 1 < sizeof env->error_code; k++)
            env->error_code[k] = reason[k] == ' ' ? '_'
                                 : reason[k] >= 'a' && reason[k] <= 'z'
                                     ? (char)(reason[k] - 32)
                                     : reason[k];
        env->error_code[k] = '\0';
        env->shape = GK_ENVELOPE_HTML;
        return true;
    }
    return false;
}

static void decode_unparsed(const char *content_type, const char *body, size_t n,
                            struct gk_envelope *env)
{
    char shown[100], type[48] = "";
    excerpt(shown, sizeof shown, body, n);
    if (content_type != NULL && content_type[0] != '\0') {
        excerpt(type, sizeof type - 2, content_type, strlen(content_type));
        strcat(type, ", ");
    }
    snprintf(env->message, sizeof env->message,
             "unable to parse response (%s%zu bytes): %s", type, n, shown);
    env->shape = GK_ENVELOPE_UNPARSED;
}

void gk_envelope_decode(int http_status, const char *content_type, const void *body,
                        size_t body_len, struct gk_envelope *env)
{
    const char *s = body;
    size_t blank = 0;
    memset(env, 0, sizeof *env);
    env->http_status = http_status;
    if (s == NULL)
        body_len = 0;
    while (blank < body_len && is_space((unsigned char)s[blank]))
        blank++;

    /* A body of only whitespace tells no more than an empty one. */
    if (blank == body_len)
        env->shape = GK_ENVELOPE_EMPTY;
    else if (!decode_json(s, body_len, env) && !decode_text(s, body_len, env) &&
             !decode_html(s, body_len, env))
        decode_unparsed(content_type, s, body_len, env);

    if (env->message[0] == '\0') {
        const char *reason = gk_envelope_reason(http_status);
        if (env->shape != GK_ENVELOPE_EMPTY && env->shape != GK_ENVELOPE_HTML)
            reason = "request failed"; /* the SDK's word for a body without a message */
        if (reason != NULL)
            snprintf(env->message, sizeof env->message, "%s", reason);
        else
            snprintf(env->message, sizeof env->message, "HTTP %d", http_status);
    }
    env->is_envelope = env->shape == GK_ENVELOPE_JSON;
    env->rc = gk_envelope_rc(http_status, env->error_code);
}

enum gk_rc gk_envelope_to_err(const struct gk_envelope *env, struct gk_err *err)
{
    if (env->error_code[0] != '\0')
        return gk_err_set(err, env->rc, "%s: %s", env->error_code, env->message);
    return gk_err_set(err, env->rc, "HTTP %d: %s", env->http_status, env->message);
}
