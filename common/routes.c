/*
 * routes: the endpoint table, path matching and building (query strings and
 * the percent coding they share with paths are in routes_query.c).
 *
 * Design. The table rows come from GK_ROUTES_MAP, so the enum, the names and
 * the patterns cannot drift apart. On first use (pthread_once) each pattern
 * is compiled into its '/'-separated segments: literal text with its length,
 * or a parameter index. Matching then
 *   1. splits "?query" off, strips one trailing '/', and cuts the path into
 *      segments once (more segments than any pattern has: not found);
 *   2. for every row with the same number of segments, compares the literal
 *      segments, last first (rows share "/api/2.0/genie/spaces/..." and
 *      differ at the end), and collects the methods of the rows that fit:
 *      that set is the Allow list;
 *   3. decodes the parameters of the row with the request's method (at most
 *      one: no two rows share method and shape; a test builds every row and
 *      matches it back, which would catch a second).
 * Nothing allocates; parameters are decoded straight into the caller's
 * fixed-size fields. Measured on the dev box: ~240 ns for get_message, most
 * of it decoding its three ids (re-walking the pattern strings cost 1.5 us).
 *
 * Invariants: every output buffer is NUL-terminated whatever happens, and on
 * error holds "" (or, for the query appenders, what it held before). Error
 * messages quote caller bytes only through gk_routes_excerpt(), which bounds them and
 * replaces anything non-printable, so a hostile path cannot inject escape
 * sequences into a log line.
 */
#include "common/routes.h"
#include "common/routes_internal.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct route_row {
    const char *name;
    enum gk_http_method method;
    const char *pattern;
    const char *action;
    bool question;
};

static const struct route_row route_table[GK_ROUTE_COUNT] = {
#define GK_ROUTES_ROW(id, name, method, pattern, action, question)                       \
    {#name, GK_HTTP_##method, pattern, action, question},
    GK_ROUTES_MAP(GK_ROUTES_ROW)
#undef GK_ROUTES_ROW
};

static const char *const method_names[GK_HTTP_METHOD_COUNT] = {
#define GK_ROUTES_METHOD_NAME(m) #m,
    GK_ROUTES_METHOD_MAP(GK_ROUTES_METHOD_NAME)
#undef GK_ROUTES_METHOD_NAME
};

enum { PARAM_SPACE, PARAM_CONVERSATION, PARAM_MESSAGE, PARAM_ATTACHMENT, PARAM_COUNT };

static const char *const param_names[PARAM_COUNT] = {"space_id", "conversation_id",
                                                     "message_id", "attachment_id"};

static const size_t param_offsets[PARAM_COUNT] = {
    offsetof(struct gk_route_params, space_id),
    offsetof(struct gk_route_params, conversation_id),
    offsetof(struct gk_route_params, message_id),
    offsetof(struct gk_route_params, attachment_id),
};

static char *param_field(struct gk_route_params *p, int which)
{
    return (char *)p + param_offsets[which];
}

static const char *param_value(const struct gk_route_params *p, int which)
{
    return (const char *)p + param_offsets[which];
}

/* The parameter named by the pattern segment "{name}" (seg points at '{'). */
static int param_of(const char *seg, size_t len)
{
    for (int i = 0; i < PARAM_COUNT; i++)
        if (len == strlen(param_names[i]) + 2 &&
            memcmp(seg + 1, param_names[i], len - 2) == 0)
            return i;
    return PARAM_ATTACHMENT; /* unreachable for the table above; tests cover every row */
}

/* ---- the table ---------------------------------------------------------- */

const char *gk_routes_name(enum gk_route_id id)
{
    return (unsigned)id < GK_ROUTE_COUNT ? route_table[id].name : "unknown";
}

enum gk_route_id gk_routes_from_name(const char *name)
{
    if (name == NULL)
        return GK_ROUTE_NONE;
    for (int i = 0; i < GK_ROUTE_COUNT; i++)
        if (strcmp(route_table[i].name, name) == 0)
            return (enum gk_route_id)i;
    return GK_ROUTE_NONE;
}

enum gk_http_method gk_routes_method(enum gk_route_id id)
{
    return (unsigned)id < GK_ROUTE_COUNT ? route_table[id].method : GK_HTTP_UNKNOWN;
}

const char *gk_routes_pattern(enum gk_route_id id)
{
    return (unsigned)id < GK_ROUTE_COUNT ? route_table[id].pattern : "";
}

const char *gk_routes_action(enum gk_route_id id)
{
    return (unsigned)id < GK_ROUTE_COUNT ? route_table[id].action : NULL;
}

bool gk_routes_is_question(enum gk_route_id id)
{
    return (unsigned)id < GK_ROUTE_COUNT && route_table[id].question;
}

const char *gk_routes_method_name(enum gk_http_method m)
{
    return (unsigned)m < GK_HTTP_METHOD_COUNT ? method_names[m] : "UNKNOWN";
}

enum gk_http_method gk_routes_method_from_name(const char *name)
{
    if (name == NULL)
        return GK_HTTP_UNKNOWN;
    for (int i = 0; i < GK_HTTP_METHOD_COUNT; i++)
        if (strcmp(method_names[i], name) == 0)
            return (enum gk_http_method)i;
    return GK_HTTP_UNKNOWN;
}

enum gk_rc gk_routes_allow_format(unsigned mask, char *buf, size_t cap,
                                  struct gk_err *err)
{
    size_t n = 0;
    if (buf == NULL || cap == 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "buf: no room for the Allow list");
    for (int i = 0; i < GK_HTTP_METHOD_COUNT; i++) {
        if (!(mask & GK_ROUTES_METHOD_BIT(i)))
            continue;
        size_t add = strlen(method_names[i]) + (n > 0 ? 2 : 0);
        if (n + add >= cap) {
            buf[0] = '\0';
            return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                              "buf: %zu bytes is too small for the Allow list", cap);
        }
        n += (size_t)sprintf(buf + n, "%s%s", n > 0 ? ", " : "", method_names[i]);
    }
    buf[n] = '\0';
    return GK_OK;
}

/* ---- matching ----------------------------------------------------------- */

/* No pattern has more segments than this ("/api/2.0/genie/.../query-result" has 12). */
#define MAX_SEGMENTS 16

struct segment {
    const char *text; /* into the pattern, or into the path */
    size_t len;
    int param; /* PARAM_*, or -1 for a literal */
};

struct compiled_route {
    int count;
    struct segment seg[MAX_SEGMENTS];
};

static struct compiled_route compiled[GK_ROUTE_COUNT];
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

static void compile_table(void)
{
    for (int r = 0; r < GK_ROUTE_COUNT; r++) {
        struct compiled_route *c = &compiled[r];
        for (const char *p = route_table[r].pattern;
             *p == '/' && c->count < MAX_SEGMENTS;) {
            struct segment *sg = &c->seg[c->count++];
            sg->text = ++p;
            sg->len = strcspn(p, "/");
            sg->param = *p == '{' ? param_of(p, sg->len) : -1;
            p += sg->len;
        }
    }
}

/* Cuts path[0..len) (which starts with '/') into segments; -1 if it does not
 * start with '/' or has more than MAX_SEGMENTS. */
static int split_path(const char *path, size_t len, struct segment *out)
{
    int n = 0;
    if (len == 0 || path[0] != '/')
        return -1;
    for (size_t i = 1;; n++) {
        const char *slash = memchr(path + i, '/', len - i);
        size_t end = slash != NULL ? (size_t)(slash - path) : len;
        if (n == MAX_SEGMENTS)
            return -1;
        out[n] = (struct segment){path + i, end - i, -1};
        if (slash == NULL)
            return n + 1;
        i = end + 1;
    }
}

static bool row_fits(const struct compiled_route *c, const struct segment *seg, int n)
{
    if (c->count != n)
        return false;
    for (int k = n - 1; k >= 0; k--)
        if (c->seg[k].param < 0 && (c->seg[k].len != seg[k].len ||
                                    memcmp(c->seg[k].text, seg[k].text, seg[k].len) != 0))
            return false;
    return true;
}

static enum gk_rc param_error(const char *name, enum gk_routes_decode_result r,
                              const char *raw, size_t n, struct gk_err *err)
{
    char quoted[48];
    gk_routes_excerpt(quoted, sizeof quoted, raw, n);
    if (n == 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: must not be empty", name);
    if (r == GK_ROUTES_DECODE_TOO_LONG)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "%s: longer than %d bytes (\"%s\")", name, GK_ROUTES_PARAM_MAX,
                          quoted);
    if (r == GK_ROUTES_DECODE_BAD_ESCAPE)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "%s: malformed percent escape in \"%s\"", name, quoted);
    return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                      "%s: must not contain '/' or NUL, got \"%s\"", name, quoted);
}

/* Decodes the parameters of a path whose segments fit row c. */
static enum gk_rc extract_params(const struct compiled_route *c,
                                 const struct segment *seg, struct gk_route_params *out,
                                 struct gk_err *err)
{
    for (int k = 0; k < c->count; k++) {
        int which = c->seg[k].param;
        if (which < 0)
            continue;
        enum gk_routes_decode_result r =
            seg[k].len == 0 ? GK_ROUTES_DECODE_OK
                            : gk_routes_decode(seg[k].text, seg[k].len, false, true,
                                               param_field(out, which),
                                               GK_ROUTES_PARAM_MAX + 1, NULL);
        if (seg[k].len == 0 || r != GK_ROUTES_DECODE_OK)
            return param_error(param_names[which], r, seg[k].text, seg[k].len, err);
    }
    return GK_OK;
}

enum gk_rc gk_routes_match(enum gk_http_method method, const char *path, size_t path_len,
                           struct gk_route_match *m, struct gk_err *err)
{
    memset(m, 0, sizeof *m);
    m->route = GK_ROUTE_NONE;
    m->query = "";
    if (path == NULL)
        path_len = 0;

    size_t len = path_len;
    const char *q = path_len > 0 ? memchr(path, '?', path_len) : NULL;
    if (q != NULL) {
        len = (size_t)(q - path);
        m->query = q + 1;
        m->query_len = path_len - len - 1;
    }
    if (len > 1 && path[len - 1] == '/') {
        len--;
        m->trailing_slash = true;
    }

    struct segment seg[MAX_SEGMENTS];
    int n = split_path(path, len, seg), hit = -1;
    pthread_once(&compile_once, compile_table);
    for (int r = 0; n > 0 && r < GK_ROUTE_COUNT; r++) {
        if (!row_fits(&compiled[r], seg, n))
            continue;
        m->allowed |= GK_ROUTES_METHOD_BIT(route_table[r].method);
        if (route_table[r].method == method)
            hit = r;
    }

    if (hit < 0) {
        char shown[200];
        gk_routes_excerpt(shown, sizeof shown, path, len + (m->trailing_slash ? 1 : 0));
        if (m->allowed == 0)
            return gk_err_set(err, GK_ENDPOINT_NOT_FOUND, "No API found for '%s %s'",
                              gk_routes_method_name(method), shown);
        char allow[GK_ROUTES_ALLOW_MAX];
        gk_routes_allow_format(m->allowed, allow, sizeof allow, NULL);
        return gk_err_set(err, GK_METHOD_NOT_ALLOWED,
                          "%s %s: method not allowed (allowed: %s)",
                          gk_routes_method_name(method), shown, allow);
    }
    m->route = (enum gk_route_id)hit;
    enum gk_rc rc = extract_params(&compiled[hit], seg, &m->params, err);
    if (rc != GK_OK)
        memset(&m->params, 0, sizeof m->params);
    return rc;
}

/* ---- building ----------------------------------------------------------- */

enum gk_rc gk_routes_params_set(struct gk_route_params *p, const char *space_id,
                                const char *conversation_id, const char *message_id,
                                const char *attachment_id, struct gk_err *err)
{
    const char *values[PARAM_COUNT] = {space_id, conversation_id, message_id,
                                       attachment_id};
    enum gk_rc rc = GK_OK;
    memset(p, 0, sizeof *p);
    for (int i = 0; i < PARAM_COUNT; i++) {
        if (values[i] == NULL)
            continue;
        size_t n = strlen(values[i]);
        if (n > GK_ROUTES_PARAM_MAX) {
            rc = gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: longer than %d bytes",
                            param_names[i], GK_ROUTES_PARAM_MAX);
            continue;
        }
        memcpy(param_field(p, i), values[i], n + 1);
    }
    return rc;
}

enum gk_rc gk_routes_build(enum gk_route_id id, const struct gk_route_params *params,
                           char *buf, size_t cap, size_t *len, struct gk_err *err)
{
    if (len != NULL)
        *len = 0;
    if (buf == NULL || cap == 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "buf: no room for a path");
    buf[0] = '\0';
    if ((unsigned)id >= GK_ROUTE_COUNT)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "route: no route with id %d",
                          (int)id);

    struct gk_routes_writer w = {buf, cap, 0};
    pthread_once(&compile_once, compile_table);
    for (int k = 0; k < compiled[id].count; k++) {
        const struct segment *sg = &compiled[id].seg[k];
        gk_routes_put(&w, "/", 1);
        if (sg->param < 0) {
            gk_routes_put(&w, sg->text, sg->len);
            continue;
        }
        const char *v = params != NULL ? param_value(params, sg->param) : "";
        if (v[0] == '\0') {
            buf[0] = '\0';
            return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                              "%s: required to build the path of %s",
                              param_names[sg->param], route_table[id].name);
        }
        gk_routes_put_encoded(&w, v);
    }
    if (!gk_routes_writer_close(&w, 0))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "buf: %zu bytes is too small for the path of %s (needs %zu)",
                          cap, route_table[id].name, w.len + 1);
    if (len != NULL)
        *len = w.len;
    return GK_OK;
}
