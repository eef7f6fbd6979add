/*
 * auth: the Authorization header for one workspace. A PAT is used as is.
 * OAuth machine-to-machine follows the SDKs (genie-api.md 5.2): host
 * metadata (/.well-known/databricks-config) for the OIDC endpoint, falling
 * back to <host>/oidc; the OIDC discovery document for the token endpoint;
 * then POST client_credentials with HTTP Basic auth. The token is cached
 * and fetched again when less than early = min(TTL/2, 20 min) of it is left
 * or after a 401 (gen_auth_invalidate). While the new one comes the old one
 * is still sent, but only until early/2 of it is left: a token sent closer
 * to its expiry may arrive expired and be refused. All of it runs
 * asynchronously on the generator's client; callers ask again until a
 * header is ready.
 *
 * Secrets (client secret, tokens) never appear in errors or logs.
 */
#ifndef GEN_AUTH_H
#define GEN_AUTH_H

#include "common/auth.h"
#include "generator/client.h"
#include "generator/gen.h"

#include <stdbool.h>
#include <stdint.h>

struct gen_auth {
    const struct gen_workspace *ws;
    int64_t timeout_ms;
    char header[GK_AUTH_TOKEN_SIZE + 16]; /* "Bearer ..." when ready */
    bool ready;
    bool busy;            /* a metadata, discovery or token request is out */
    bool failed;          /* gave up: error says why */
    char error[256];
    int64_t refresh_at_us; /* mock clock: fetch a new token from then on */
    int64_t stale_at_us;   /* ... and stop sending this one from then on */
    int64_t ttl_us;
    char oidc[512];
    char token_endpoint[512];
    int attempts;         /* token requests failed in a row */
    int64_t (*now_us)(void *ctx); /* the generator's clock */
    void *clock_ctx;
};

/* Sets a up for ws (borrowed). */
void gen_auth_init(struct gen_auth *a, const struct gen_workspace *ws, int64_t timeout_ms,
                   int64_t (*now_us)(void *ctx), void *clock_ctx);

/*
 * The header value to send now, or NULL when none is ready yet (a request
 * for one has been started on c; ask again later) or auth failed for good
 * (a->failed, a->error).
 */
const char *gen_auth_header(struct gen_auth *a, struct gen_client *c);

/* The server said 401: forget the token (a PAT stays: it cannot be renewed). */
void gen_auth_invalidate(struct gen_auth *a);

#endif
