/*
 * fuzz_route: gk_routes_match, build and the query getters over untrusted
 * request lines.
 *
 * Input: "METHOD\nPATH[?QUERY]" (no newline: GET and the whole input as the
 * path). A path that matches must build back into a path that matches the
 * same route with the same parameters; the query part is run through every
 * getter; and the first bytes of the query, appended with
 * gk_routes_query_add, must read back unchanged.
 */
#include "common/routes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_params(const struct gk_route_params *a, const struct gk_route_params *b)
{
    if (strcmp(a->space_id, b->space_id) != 0 ||
        strcmp(a->conversation_id, b->conversation_id) != 0 ||
        strcmp(a->message_id, b->message_id) != 0 ||
        strcmp(a->attachment_id, b->attachment_id) != 0)
        abort();
}

static void run_getters(const char *q, size_t n)
{
    char out[64];
    int64_t v = 0;
    bool b = false, found = false;
    static const char *const keys[] = {"page_size", "page_token", "include_all", "", "a"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (gk_routes_query_get(q, n, keys[i], out, sizeof out, &found, NULL) == GK_OK &&
            !found && out[0] != '\0')
            abort();
        if (memchr(out, '\0', sizeof out) == NULL)
            abort();
        if (gk_routes_query_get_int(q, n, keys[i], 1, 100, &v, &found, NULL) == GK_OK &&
            found && (v < 1 || v > 100))
            abort();
        gk_routes_query_get_bool(q, n, keys[i], &b, &found, NULL);
    }
}

/* Appending a value and reading it back is the identity. */
static void add_round_trip(const char *q, size_t n)
{
    char value[48], buf[256] = "/x", out[64];
    size_t k = 0;
    bool found = false;
    for (; k < n && k < sizeof value - 1 && q[k] != '\0'; k++)
        value[k] = q[k];
    value[k] = '\0';
    if (gk_routes_query_add(buf, sizeof buf, false, "k", value, NULL) != GK_OK)
        abort();
    const char *query = strchr(buf, '?') + 1;
    if (gk_routes_query_get(query, strlen(query), "k", out, sizeof out, &found, NULL) !=
            GK_OK ||
        !found || strcmp(out, value) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    char method[16] = "GET";
    const uint8_t *path_at = data;
    if (nl != NULL) {
        size_t mlen = (size_t)((const uint8_t *)nl - data);
        if (mlen >= sizeof method)
            return 0;
        memcpy(method, data, mlen);
        method[mlen] = '\0';
        path_at = (const uint8_t *)nl + 1;
    }
    size_t path_len = size - (size_t)(path_at - data);
    char *path =
        malloc(path_len > 0 ? path_len : 1); /* exact size: ASan sees over-reads */
    if (path == NULL)
        return 0;
    memcpy(path, path_at, path_len);

    enum gk_http_method m = gk_routes_method_from_name(method);
    struct gk_route_match match, again;
    struct gk_err err = {0};
    enum gk_rc rc = gk_routes_match(m, path, path_len, &match, &err);
    if (rc == GK_METHOD_NOT_ALLOWED) {
        char allow[GK_ROUTES_ALLOW_MAX];
        if (match.allowed == 0 ||
            gk_routes_allow_format(match.allowed, allow, sizeof allow, NULL) != GK_OK)
            abort();
    }
    if (rc == GK_OK) {
        char built[4 * 3 * GK_ROUTES_PARAM_MAX + 256];
        size_t len = 0;
        if (gk_routes_build(match.route, &match.params, built, sizeof built, &len,
                            NULL) != GK_OK)
            abort();
        if (gk_routes_match(m, built, len, &again, NULL) != GK_OK ||
            again.route != match.route)
            abort();
        same_params(&match.params, &again.params);
    }
    if (match.query_len > 0 && match.query != NULL) {
        run_getters(match.query, match.query_len);
        add_round_trip(match.query, match.query_len);
    }
    run_getters(path, path_len); /* as a form body */
    free(path);
    return 0;
}
