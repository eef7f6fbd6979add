/*
 * auth: PAT, or the OAuth M2M flow as three asynchronous steps. Each step's
 * callback starts the next; a failed step is retried on the next
 * gen_auth_header() call up to a few times, then auth fails with a reason
 * that names the step and what the server said (never the secret).
 */
#include "generator/auth.h"

#include "common/codec.h"
#include "common/envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATTEMPTS 5
#define REFRESH_CAP_US (20 * 60 * INT64_C(1000000))

void gen_auth_init(struct gen_auth *a, const struct gen_workspace *ws, int64_t timeout_ms,
                   int64_t (*now_us)(void *ctx), void *clock_ctx)
{
    memset(a, 0, sizeof *a);
    a->ws = ws;
    a->timeout_ms = timeout_ms;
    a->now_us = now_us;
    a->clock_ctx = clock_ctx;
    if (ws->auth == GEN_AUTH_PAT && ws->token != NULL) {
        snprintf(a->header, sizeof a->header, "Bearer %s", ws->token);
        a->ready = true;
        a->refresh_at_us = a->stale_at_us = INT64_MAX;
    } else if (ws->auth == GEN_AUTH_PAT ||
               (ws->auth == GEN_AUTH_OAUTH_M2M &&
                (ws->client_id == NULL || ws->client_secret == NULL))) {
        /* Only --dry-run gets this far without a credential: callers that
         * need a header learn at once that none will come. */
        snprintf(a->error, sizeof a->error,
                 "no credential (DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and "
                 "DATABRICKS_CLIENT_SECRET)");
        a->failed = true;
    }
}

static void fail_step(struct gen_auth *a, const char *step, const struct gen_response *r)
{
    a->busy = false;
    a->attempts++;
    if (r->status == 0)
        snprintf(a->error, sizeof a->error, "%s: %s", step, r->curl_error);
    else {
        struct gk_envelope env;
        gk_envelope_decode((int)r->status, r->content_type, r->body, r->len, &env);
        snprintf(a->error, sizeof a->error, "%s: HTTP %ld %.60s%s%.150s", step, r->status,
                 env.error_code, env.message[0] ? ": " : "", env.message);
        /* Bad credentials do not get better by asking again. */
        if (r->status == 400 || r->status == 401 || r->status == 403)
            a->attempts = MAX_ATTEMPTS;
    }
    if (a->attempts >= MAX_ATTEMPTS)
        a->failed = true;
}

static void on_token(void *ctx, const struct gen_response *r)
{
    struct gen_auth *a = ctx;
    struct gk_oauth_token t = {0};
    if (r->status != 200 || gk_codec_decode_oauth_token(r->body, r->len, &t, NULL) != GK_OK) {
        fail_step(a, "OAuth token", r);
        gk_types_oauth_token_cleanup(&t);
        return;
    }
    int64_t ttl = t.expires_in > 0 ? t.expires_in * INT64_C(1000000) : 3600 * INT64_C(1000000);
    int64_t early = ttl / 2 < REFRESH_CAP_US ? ttl / 2 : REFRESH_CAP_US;
    snprintf(a->header, sizeof a->header, "%s %s",
             t.token_type != NULL && t.token_type[0] ? t.token_type : "Bearer", t.access_token);
    a->ttl_us = ttl;
    a->refresh_at_us = a->now_us(a->clock_ctx) + ttl - early;
    a->stale_at_us = a->refresh_at_us + early / 2;
    a->ready = true;
    a->busy = false;
    a->attempts = 0;
    gk_types_oauth_token_cleanup(&t);
}

static void request_token(struct gen_auth *a, struct gen_client *c)
{
    char basic[1200], creds[700], b64[1000], url[600];
    static const char form[] = "grant_type=client_credentials&scope=all-apis";
    snprintf(creds, sizeof creds, "%s:%s", a->ws->client_id, a->ws->client_secret);
    if (gk_auth_b64_encode(GK_AUTH_B64_STD, creds, strlen(creds), b64, sizeof b64, NULL) !=
        GK_OK) {
        snprintf(a->error, sizeof a->error, "OAuth token: client credentials too long");
        a->failed = true;
        return;
    }
    memset(creds, 0, sizeof creds);
    snprintf(basic, sizeof basic, "Basic %s", b64);
    snprintf(url, sizeof url, "%s", a->token_endpoint);
    struct gen_request req = {
        .method = "POST", .url = url, .authorization = basic,
        .content_type = "application/x-www-form-urlencoded", .body = form,
        .body_len = sizeof form - 1, .timeout_ms = a->timeout_ms, .done = on_token, .ctx = a};
    a->busy = gen_client_send(c, &req, NULL) == GK_OK;
    memset(basic, 0, sizeof basic);
    memset(b64, 0, sizeof b64);
}

static void on_discovery(void *ctx, const struct gen_response *r)
{
    struct gen_auth *a = ctx;
    struct gk_oidc_discovery d = {0};
    if (r->status != 200 || gk_codec_decode_oidc_discovery(r->body, r->len, &d, NULL) != GK_OK) {
        fail_step(a, "OIDC discovery", r);
        gk_types_oidc_discovery_cleanup(&d);
        return;
    }
    snprintf(a->token_endpoint, sizeof a->token_endpoint, "%s", d.token_endpoint);
    gk_types_oidc_discovery_cleanup(&d);
    a->busy = false;
}

static void on_metadata(void *ctx, const struct gen_response *r)
{
    struct gen_auth *a = ctx;
    struct gk_host_metadata h = {0};
    /* Best effort, as in the SDKs: without it the OIDC endpoint is <host>/oidc. */
    if (r->status == 200 && gk_codec_decode_host_metadata(r->body, r->len, &h, NULL) == GK_OK)
        snprintf(a->oidc, sizeof a->oidc, "%s", h.oidc_endpoint);
    else
        snprintf(a->oidc, sizeof a->oidc, "%s/oidc", a->ws->host);
    gk_types_host_metadata_cleanup(&h);
    a->busy = false;
}

const char *gen_auth_header(struct gen_auth *a, struct gen_client *c)
{
    if (a->failed)
        return NULL;
    if (a->ready && a->now_us(a->clock_ctx) < a->refresh_at_us)
        return a->header;
    if (a->ws->auth == GEN_AUTH_PAT)
        return a->ready ? a->header : NULL;
    /* A token that is due for refresh is still sent while the new one comes. */
    const char *still = a->ready && a->now_us(a->clock_ctx) < a->stale_at_us ? a->header : NULL;
    if (a->busy)
        return still;
    char url[600];
    struct gen_request req = {.method = "GET", .url = url, .timeout_ms = a->timeout_ms,
                              .ctx = a};
    if (a->oidc[0] == '\0') {
        snprintf(url, sizeof url, "%s/.well-known/databricks-config", a->ws->host);
        req.done = on_metadata;
    } else if (a->token_endpoint[0] == '\0') {
        snprintf(url, sizeof url, "%s/.well-known/oauth-authorization-server", a->oidc);
        req.done = on_discovery;
    } else {
        request_token(a, c);
        return still;
    }
    a->busy = gen_client_send(c, &req, NULL) == GK_OK;
    return still;
}

void gen_auth_invalidate(struct gen_auth *a)
{
    if (a->ws->auth == GEN_AUTH_PAT)
        return;
    a->ready = false;
    a->refresh_at_us = a->stale_at_us = 0;
}
