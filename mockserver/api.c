/*
 * api: the dispatcher. Every request goes through the same steps, in the
 * order a real workspace front door takes them:
 *
 *   1. the general per-workspace request limit (when the scenario sets one);
 *   2. routing: unknown path 404 ENDPOINT_NOT_FOUND, wrong method 405 with
 *      Allow, a malformed id 400;
 *   3. the OAuth and well-known endpoints, which need no token;
 *   4. authentication: a PAT of one of the workspace's principals, or an
 *      access token minted by this mock's token endpoint and still valid on
 *      the mock's clock; otherwise 401;
 *   5. the endpoint (api_genie.c), which checks access to the space (403),
 *      the ids (404), the body (400) and the question limit (429).
 *
 * Every reply carries X-Request-Id and X-Databricks-Org-Id, as real ones do.
 * Errors are the Databricks envelope {error_code, message}.
 */
#include "mockserver/api.h"

#include "common/envelope.h"
#include "common/rng.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_body(struct mock_response *resp, int status, char *body, size_t len)
{
    free(resp->body);
    resp->status = status;
    resp->body = body;
    resp->body_len = len;
}

static void fail_with(struct mock_call *c, enum gk_rc rc, const char *code, const char *msg)
{
    char *body = NULL;
    size_t len = 0;
    int status = gk_err_http_status(rc);
    /* No `details`: the request id travels in X-Request-Id. The JavaScript
     * SDK reads every detail's `metadata` as a map and, when a detail has
     * none (as a RequestInfo does), fails to parse the whole envelope. */
    if (gk_envelope_encode(status, code != NULL ? code : gk_err_name(rc), msg, NULL, &body,
                           &len, NULL) != GK_OK) {
        body = NULL;
        len = 0;
    }
    set_body(c->resp, status, body, len);
}

void mock_api_fail(struct mock_call *c, enum gk_rc rc, const char *fmt, ...)
{
    char msg[GK_ERR_MSG_MAX * 2];
    va_list ap;
    if (fmt == NULL) {
        fail_with(c, rc, NULL, gk_err_message(rc));
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fail_with(c, rc, NULL, msg);
}

void mock_api_fail_err(struct mock_call *c, const struct gk_err *err)
{
    enum gk_rc rc = err != NULL && err->rc != GK_OK ? err->rc : GK_INTERNAL_ERROR;
    fail_with(c, rc, NULL, gk_err_str(err));
}

void mock_api_reply(struct mock_call *c, enum gk_rc rc, char *body, size_t len,
                    const struct gk_err *err)
{
    if (rc != GK_OK) {
        free(body);
        mock_api_fail_err(c, err);
        return;
    }
    set_body(c->resp, 200, body, len);
}

void mock_api_throttle(struct mock_call *c, int64_t wait_us, const char *what)
{
    /* Retry-After is whole seconds on the mock's clock, never 0: a client
     * that waits what it is told is then always let through. */
    int64_t secs = (wait_us + 999999) / 1000000;
    char msg[GK_ERR_MSG_MAX];
    if (secs < 1)
        secs = 1;
    snprintf(msg, sizeof msg, "%s Retry after %lld seconds.", what, (long long)secs);
    fail_with(c, GK_REQUEST_LIMIT_EXCEEDED, c->m->scenario.wire.rate_limit_error_code, msg);
    mock_response_header(c->resp, "Retry-After", "%lld", (long long)secs);
}

/* ---- authentication ---- */

static bool principal_has_token(const struct mock_principal *p, const char *tok, size_t len)
{
    return p->token != NULL && gk_auth_secret_equal(p->token, strlen(p->token), tok, len);
}

static const struct mock_principal *find_client(const struct mock_ws *ws, const char *id)
{
    for (size_t i = 0; i < ws->def->principal_count; i++) {
        const struct mock_principal *p = &ws->def->principals[i];
        if (p->client_id != NULL && strcmp(p->client_id, id) == 0)
            return p;
    }
    return NULL;
}

/* The principal behind the Authorization header, or NULL with a 401 sent. */
static const struct mock_principal *authenticate(struct mock_call *c)
{
    const char *h = c->req->header(c->req, "Authorization");
    char tok[GK_AUTH_TOKEN_SIZE];
    struct gk_err err = {0};

    if (h == NULL) {
        mock_api_fail(c, GK_UNAUTHENTICATED,
                      "Credential was not sent or was of an unsupported type for this API.");
        return NULL;
    }
    if (gk_auth_parse_bearer(h, tok, sizeof tok, &err) != GK_OK) {
        mock_api_fail(c, GK_UNAUTHENTICATED, "Invalid access token: %s", gk_err_str(&err));
        return NULL;
    }
    size_t len = strlen(tok);
    const struct mock_ws *ws = c->ws;
    for (size_t i = 0; i < ws->def->principal_count; i++)
        if (principal_has_token(&ws->def->principals[i], tok, len))
            return &ws->def->principals[i];
    if (ws->extra != NULL && principal_has_token(ws->extra, tok, len))
        return ws->extra;

    struct gk_auth_claims claims;
    int64_t now_ms = mock_wall_ms_at(c->m, c->now_us);
    if (strncmp(tok, "eyJ", 3) == 0 &&
        gk_auth_token_verify(&c->m->token_key, tok, now_ms, &claims, &err) == GK_OK) {
        const struct mock_principal *p = find_client(ws, claims.sub);
        if (p != NULL)
            return p;
        mock_api_fail(c, GK_UNAUTHENTICATED,
                      "Invalid access token: issued for a client of another workspace.");
        return NULL;
    }
    if (err.rc != GK_OK)
        mock_api_fail(c, GK_UNAUTHENTICATED, "Invalid access token: %s", gk_err_str(&err));
    else
        mock_api_fail(c, GK_UNAUTHENTICATED, "Invalid access token.");
    return NULL;
}

/* ---- entry points ---- */

static void begin(struct mock_call *c, struct mock_ws *ws, const struct mock_request *req,
                  struct mock_response *resp)
{
    struct gk_rng r;
    uint64_t a, b;

    memset(c, 0, sizeof *c);
    c->ws = ws;
    c->m = ws->mock;
    c->req = req;
    c->resp = resp;
    c->now_us = gk_clock_now_us(&c->m->clock);
    gk_rng_init(&r, gk_rng_derive(c->m->seed ^ (uint64_t)ws->index, "request") +
                        ws->request_seq++);
    a = gk_rng_next(&r);
    b = gk_rng_next(&r);
    snprintf(c->request_id, sizeof c->request_id, "%08x-%04x-4%03x-%04x-%012llx",
             (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
             (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
             (unsigned long long)(b & 0xffffffffffffULL));
    mock_response_header(resp, "X-Request-Id", "%s", c->request_id);
    mock_response_header(resp, "X-Databricks-Org-Id", "%s", ws->def->workspace_id);
}

void mock_api_handle(void *ctx, const struct mock_request *req, struct mock_response *resp)
{
    struct mock_ws *ws = ctx;
    struct mock_call c;
    struct gk_err err = {0};

    pthread_mutex_lock(&ws->mock->lock);
    begin(&c, ws, req, resp);

    if (ws->limit_requests) {
        int64_t wait = gk_rlimit_take(&ws->requests, c.now_us);
        if (wait > 0) {
            mock_api_throttle(&c, wait, "Too many requests to this workspace.");
            goto out;
        }
    }

    enum gk_rc rc = gk_routes_match(req->method_id, req->path, req->path_len, &c.match, &err);
    if (rc == GK_METHOD_NOT_ALLOWED) {
        char allow[GK_ROUTES_ALLOW_MAX];
        mock_api_fail_err(&c, &err);
        if (gk_routes_allow_format(c.match.allowed, allow, sizeof allow, NULL) == GK_OK)
            mock_response_header(resp, "Allow", "%s", allow);
        goto out;
    }
    if (rc != GK_OK) {
        mock_api_fail_err(&c, &err);
        goto out;
    }
    c.match.query = req->query;
    c.match.query_len = req->query_len;

    switch (c.match.route) {
    case GK_ROUTE_HOST_METADATA:
    case GK_ROUTE_OIDC_DISCOVERY:
    case GK_ROUTE_OIDC_TOKEN:
        mock_api_oauth(&c);
        goto out;
    default:
        break;
    }
    if ((c.principal = authenticate(&c)) == NULL)
        goto out;
    mock_api_genie(&c);
out:
    pthread_mutex_unlock(&ws->mock->lock);
}

void mock_api_too_large(void *ctx, const struct mock_request *req, size_t max_body,
                        struct mock_response *resp)
{
    struct mock_ws *ws = ctx;
    struct mock_call c;

    pthread_mutex_lock(&ws->mock->lock);
    begin(&c, ws, req, resp);
    mock_api_fail(&c, GK_REQUEST_ENTITY_TOO_LARGE,
                  "The request body is larger than the limit of %zu bytes.", max_body);
    pthread_mutex_unlock(&ws->mock->lock);
}
