/*
 * api_oauth: what the Databricks SDKs need before their first Genie call
 * (genie-api.md 5.2): host metadata, OIDC discovery and the client-credentials
 * token endpoint. URLs point back at the address the client used (its Host
 * header), so a client that reached the mock through a tunnel or a container
 * port map is sent to the same place.
 *
 * Token errors use the OAuth shape {error, error_description}, not the
 * Databricks envelope, as the real endpoint does.
 */
#define _DEFAULT_SOURCE /* strncasecmp under -std=c11 */
#include "mockserver/api.h"

#include "common/envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BASE_MAX 300

/* A Host value that is only a host name or address and a port: anything
 * else (a user part "a@b", a path, quotes) could send the client, with its
 * client secret, somewhere other than where it connected. */
static bool plain_host(const char *h)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789.-_:[]";
    size_t n = strlen(h);
    return n > 0 && n < BASE_MAX - 16 && strspn(h, ok) == n;
}

static void base_url(const struct mock_call *c, char out[BASE_MAX])
{
    const char *host = c->req->header(c->req, "Host");
    if (host != NULL && plain_host(host))
        snprintf(out, BASE_MAX, "http://%s", host);
    else
        snprintf(out, BASE_MAX, "http://127.0.0.1:%u", (unsigned)c->ws->port);
}

/* Token responses, good or bad, must not be cached (RFC 6749 5.1). */
static void no_store(struct mock_call *c)
{
    mock_response_header(c->resp, "Cache-Control", "no-store");
    mock_response_header(c->resp, "Pragma", "no-cache");
}

static void oauth_fail(struct mock_call *c, int status, const char *error, const char *desc)
{
    char *body = NULL;
    size_t len = 0;
    free(c->resp->body);
    c->resp->body = NULL;
    c->resp->body_len = 0;
    c->resp->status = status;
    if (gk_envelope_encode_oauth(error, desc, &body, &len, NULL) == GK_OK) {
        c->resp->body = body;
        c->resp->body_len = len;
    }
}

static void host_metadata(struct mock_call *c)
{
    char base[BASE_MAX], oidc[BASE_MAX + 8];
    struct gk_err err = {0};
    char *body = NULL;
    size_t len = 0;
    base_url(c, base);
    snprintf(oidc, sizeof oidc, "%s/oidc", base);
    struct gk_host_metadata h = {.oidc_endpoint = oidc,
                                 .account_id = c->ws->def->account_id,
                                 .workspace_id = c->ws->def->workspace_id,
                                 .cloud = (char *)"AWS"};
    enum gk_rc rc = gk_codec_encode_host_metadata(&h, NULL, &body, &len, &err);
    mock_api_reply(c, rc, body, len, &err);
}

static void oidc_discovery(struct mock_call *c)
{
    char base[BASE_MAX], issuer[BASE_MAX + 8], authz[BASE_MAX + 24], token[BASE_MAX + 24];
    struct gk_err err = {0};
    char *body = NULL;
    size_t len = 0;
    base_url(c, base);
    snprintf(issuer, sizeof issuer, "%s/oidc", base);
    snprintf(authz, sizeof authz, "%s/oidc/v1/authorize", base);
    snprintf(token, sizeof token, "%s/oidc/v1/token", base);
    struct gk_oidc_discovery d = {
        .issuer = issuer, .authorization_endpoint = authz, .token_endpoint = token};
    enum gk_rc rc = gk_codec_encode_oidc_discovery(&d, NULL, &body, &len, &err);
    mock_api_reply(c, rc, body, len, &err);
}

/* A form field, "" when absent; false (and a 400 sent) when the form is bad. */
static bool form_field(struct mock_call *c, const char *key, char *out, size_t cap)
{
    bool found = false;
    struct gk_err err = {0};
    const char *body = c->req->body != NULL ? c->req->body : "";
    out[0] = '\0';
    if (gk_routes_query_get(body, c->req->body_len, key, out, cap, &found, &err) != GK_OK) {
        oauth_fail(c, 400, "invalid_request", gk_err_str(&err));
        return false;
    }
    return true;
}

/* True when the body is a form (RFC 6749 3.2), or says nothing of its type
 * (curl -d and most scripts send the form type, but not all send a type);
 * otherwise false with a 400 sent naming the type. */
static bool form_body(struct mock_call *c)
{
    static const char form[] = "application/x-www-form-urlencoded";
    const char *type = c->req->header(c->req, "Content-Type");
    char desc[160];
    if (type == NULL || type[0] == '\0')
        return true;
    size_t n = strcspn(type, "; \t");
    if (n == sizeof form - 1 && strncasecmp(type, form, n) == 0)
        return true;
    snprintf(desc, sizeof desc, "Content-Type: expected %s, got \"%.*s\"", form,
             (int)(n < 64 ? n : 64), type);
    oauth_fail(c, 400, "invalid_request", desc);
    return false;
}

static void token(struct mock_call *c)
{
    char grant[64], scope[GK_AUTH_SCOPE_MAX + 1], id[256], secret[256];
    const char *basic = c->req->header(c->req, "Authorization");
    struct gk_err err = {0};

    if (!form_body(c) || !form_field(c, "grant_type", grant, sizeof grant) ||
        !form_field(c, "scope", scope, sizeof scope))
        return;
    if (strcmp(grant, "client_credentials") != 0) {
        oauth_fail(c, 400, "unsupported_grant_type",
                   grant[0] ? "Only grant_type=client_credentials is supported."
                            : "grant_type is required.");
        return;
    }
    if (basic != NULL) {
        if (gk_auth_parse_basic(basic, id, sizeof id, secret, sizeof secret, &err) != GK_OK) {
            oauth_fail(c, 401, "invalid_client", gk_err_str(&err));
            return;
        }
    } else if (!form_field(c, "client_id", id, sizeof id) ||
               !form_field(c, "client_secret", secret, sizeof secret)) {
        return;
    }
    const struct mock_principal *p = NULL;
    for (size_t i = 0; i < c->ws->def->principal_count; i++) {
        const struct mock_principal *q = &c->ws->def->principals[i];
        if (q->client_id != NULL && strcmp(q->client_id, id) == 0)
            p = q;
    }
    bool ok = p != NULL && gk_auth_secret_equal(p->client_secret, strlen(p->client_secret),
                                                secret, strlen(secret));
    memset(secret, 0, sizeof secret);
    if (!ok) {
        oauth_fail(c, 401, "invalid_client", "Client authentication failed");
        return;
    }
    if (scope[0] == '\0')
        snprintf(scope, sizeof scope, "all-apis");

    char tok[GK_AUTH_TOKEN_SIZE];
    int64_t ttl_s = c->m->scenario.limits.token_ttl_us / 1000000;
    if (ttl_s < 1)
        ttl_s = 1;
    if (gk_auth_token_mint(&c->m->token_key, p->client_id, scope,
                           mock_wall_ms_at(c->m, c->now_us), ttl_s, tok, sizeof tok,
                           &err) != GK_OK) {
        oauth_fail(c, 500, "server_error", gk_err_str(&err));
        return;
    }
    struct gk_oauth_token t = {
        .access_token = tok, .token_type = (char *)"Bearer", .expires_in = ttl_s, .scope = scope};
    char *body = NULL;
    size_t len = 0;
    enum gk_rc rc = gk_codec_encode_oauth_token(&t, NULL, &body, &len, &err);
    mock_api_reply(c, rc, body, len, &err);
}

void mock_api_oauth(struct mock_call *c)
{
    switch (c->match.route) {
    case GK_ROUTE_HOST_METADATA:
        host_metadata(c);
        break;
    case GK_ROUTE_OIDC_DISCOVERY:
        oidc_discovery(c);
        break;
    default:
        no_store(c);
        token(c);
        break;
    }
}
