/*
 * api: the dispatcher. Every request goes through the same steps, in the
 * order a real workspace front door takes them:
 *
 *   1. the general per-workspace request limit (when the scenario sets one);
 *   2. routing: unknown path 404 ENDPOINT_NOT_FOUND, wrong method 405 with
 *      Allow, a malformed id 400;
 *   3. fault rules (mockserver/fault.h), which see the principal the token
 *      names even when it is not valid; a rule with a status answers here;
 *   4. the OAuth and well-known endpoints, which need no token;
 *   5. authentication: a PAT of one of the workspace's principals, or an
 *      access token minted by this mock's token endpoint and still valid on
 *      the mock's clock; otherwise 401;
 *   6. the endpoint (api_genie.c), which checks access to the space (403),
 *      the ids (404), the body (400) and the question limit (429).
 * Then every call is described to the observers (journal, audit, metrics,
 * client report), under its route and the principal its credentials name,
 * also when it was refused before step 5 (a throttled call is audited with
 * its caller, and a client that ignores a fault's Retry-After is reported).
 * /__admin/ and /metrics are answered by admin.c.
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

/* Answers with an envelope; status 0 means rc's. */
static void fail_status(struct mock_call *c, int status, enum gk_rc rc, const char *code,
                        const char *msg)
{
    char *body = NULL;
    size_t len = 0;
    if (status == 0)
        status = gk_err_http_status(rc);
    if (code == NULL)
        code = rc != GK_RC_COUNT ? gk_err_name(rc) : NULL;
    snprintf(c->error_code, sizeof c->error_code, "%s", code != NULL ? code : "");
    snprintf(c->error_message, sizeof c->error_message, "%s", msg != NULL ? msg : "");
    /* No `details`: the request id travels in X-Request-Id. The JavaScript
     * SDK reads every detail's `metadata` as a map and, when a detail has
     * none (as a RequestInfo does), fails to parse the whole envelope. */
    if (gk_envelope_encode(status, code, msg, NULL, &body, &len, NULL) != GK_OK) {
        body = NULL;
        len = 0;
    }
    set_body(c->resp, status, body, len);
    if (c->error_code[0] == '\0' && body != NULL) { /* the envelope chose the code */
        struct gk_envelope env;
        gk_envelope_decode(status, NULL, body, len, &env);
        snprintf(c->error_code, sizeof c->error_code, "%s", env.error_code);
    }
}

static void fail_with(struct mock_call *c, enum gk_rc rc, const char *code, const char *msg)
{
    fail_status(c, 0, rc, code, msg);
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
    c->retry_after_s = secs;
}

void mock_api_shown(struct mock_call *c, const struct mock_msg *msg, enum gk_msg_status st)
{
    c->shown = msg;
    c->shown_status = st;
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

/* The principal behind the Authorization header; NULL with the reason in
 * why (which says nothing of the token itself) when there is none. */
static const struct mock_principal *identify(struct mock_call *c, char *why, size_t cap)
{
    const char *h = c->req->header(c->req, "Authorization");
    char tok[GK_AUTH_TOKEN_SIZE];
    struct gk_err err = {0};

    if (h == NULL) {
        snprintf(why, cap, "Credential was not sent or was of an unsupported type for this API.");
        return NULL;
    }
    if (gk_auth_parse_bearer(h, tok, sizeof tok, &err) != GK_OK) {
        snprintf(why, cap, "Invalid access token: %s", gk_err_str(&err));
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
        snprintf(why, cap, "Invalid access token: issued for a client of another workspace.");
        return NULL;
    }
    if (err.rc != GK_OK)
        snprintf(why, cap, "Invalid access token: %s", gk_err_str(&err));
    else
        snprintf(why, cap, "Invalid access token.");
    return NULL;
}

/* ---- entry points ---- */

static void begin(struct mock_call *c, struct mock_ws *ws, const struct mock_request *req,
                  struct mock_response *resp)
{
    struct gk_rng r;
    uint64_t a, b;

    memset(c, 0, sizeof *c);
    c->retry_after_s = -1;
    c->match.route = GK_ROUTE_NONE;
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

/* The fault rules' view of this call. A question's content is decoded here
 * (the handler decodes it again) so rules can match on it. */
static const struct mock_fault_rule *eval_faults(struct mock_call *c,
                                                 const struct mock_principal *who)
{
    struct mock *m = c->m;
    struct gk_question_request q = {0};
    struct mock_fault_request fq = {
        .method = c->req->method_id,
        .route = c->match.route,
        .workspace_id = c->ws->def->workspace_id,
        .space_id = c->match.params.space_id,
        .principal = who != NULL ? who->name : NULL,
        .now_us = c->now_us,
    };
    /* Polls are counted whether or not a rule is armed: a rule armed in the
     * middle of a conversation must see the polls made before it. */
    if (c->match.route == GK_ROUTE_GET_MESSAGE) {
        struct mock_msg *msg = mock_idmap_get(&m->msgs, c->match.params.message_id);
        if (msg != NULL && msg->conv->ws == c->ws)
            fq.polls = ++msg->polls;
    }
    if (m->faults.count == 0)
        return NULL;
    if (gk_routes_is_question(c->match.route) &&
        gk_codec_decode_question_request(c->req->body, c->req->body_len, NULL, &q, NULL) ==
            GK_OK)
        fq.content = q.content;
    const struct mock_fault_rule *f = mock_fault_eval(&m->faults, &fq, &m->fault_rng);
    gk_types_question_request_cleanup(&q);
    return f;
}

/* Answers as the rule says instead of normally; false when the rule only
 * shapes the normal answer (a latency, a transport fault, an outcome). */
static bool apply_fault(struct mock_call *c, const struct mock_fault_rule *f)
{
    struct mock_response *resp = c->resp;
    resp->delay_us = mock_fault_delay_us(&f->delay, &c->m->fault_rng);
    resp->transport = f->transport;
    if (f->status == 0)
        return false;
    const char *code = f->error_code;
    if (code == NULL && f->status == 429)
        code = c->m->scenario.wire.rate_limit_error_code;
    fail_status(c, f->status, GK_RC_COUNT, code, f->message);
    if (f->retry_after_s >= 0) {
        mock_response_header(resp, "Retry-After", "%lld", (long long)f->retry_after_s);
        c->retry_after_s = f->retry_after_s;
    }
    for (size_t i = 0; i < f->header_count; i++)
        mock_response_header(resp, f->headers[i].name, "%s", f->headers[i].value);
    return true;
}

/* Answers the call. Returns the principal its credentials name (NULL when
 * none are valid): the observers are told whose call it was even when it
 * was refused before authentication, by the request limit or a fault rule,
 * as a real workspace's audit log names the caller of a throttled call
 * (audit_row_throttled). Routing and identifying change nothing, so they
 * come first, and a refused call is still journaled, audited and reported
 * under its route; the answers keep the front door's order above. */
static const struct mock_principal *dispatch(struct mock_call *c)
{
    struct gk_err err = {0};
    const struct mock_request *req = c->req;
    char why[GK_ERR_MSG_MAX];

    enum gk_rc rc =
        gk_routes_match(req->method_id, req->path, req->path_len, &c->match, &err);
    const struct mock_principal *who = identify(c, why, sizeof why);

    if (c->ws->limit_requests) {
        int64_t wait = gk_rlimit_take(&c->ws->requests, c->now_us);
        if (wait > 0) {
            mock_api_throttle(c, wait, "Too many requests to this workspace.");
            return who;
        }
    }
    if (rc == GK_METHOD_NOT_ALLOWED) {
        char allow[GK_ROUTES_ALLOW_MAX];
        mock_api_fail_err(c, &err);
        if (gk_routes_allow_format(c->match.allowed, allow, sizeof allow, NULL) == GK_OK)
            mock_response_header(c->resp, "Allow", "%s", allow);
        return who;
    }
    if (rc != GK_OK) {
        mock_api_fail_err(c, &err);
        return who;
    }
    c->match.query = req->query;
    c->match.query_len = req->query_len;

    if ((c->fault = eval_faults(c, who)) != NULL && apply_fault(c, c->fault))
        return who;
    switch (c->match.route) {
    case GK_ROUTE_HOST_METADATA:
    case GK_ROUTE_OIDC_DISCOVERY:
    case GK_ROUTE_OIDC_TOKEN:
        mock_api_oauth(c);
        return who;
    default:
        break;
    }
    if ((c->principal = who) == NULL) {
        mock_api_fail(c, GK_UNAUTHENTICATED, "%s", why);
        return NULL;
    }
    mock_api_genie(c);
    return who;
}

static uint64_t hash_request(const struct mock_request *req)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const char *parts[3] = {req->method, req->path, req->query};
    size_t lens[3] = {strlen(req->method), req->path_len, req->query_len};
    for (int k = 0; k < 4; k++) {
        const char *p = k < 3 ? parts[k] : req->body;
        size_t n = k < 3 ? lens[k] : req->body_len;
        for (size_t i = 0; p != NULL && i < n; i++) {
            h ^= (unsigned char)p[i];
            h *= 0x100000001b3ULL;
        }
        h ^= 0xff; /* separator */
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* When the message reaches the terminal status it is in, or will next be in,
 * at now_us (INT64_MAX: never). After an execute-query re-run that is the
 * re-run's COMPLETED, not the first one, long past. */
static int64_t terminal_us(const struct gk_lifecycle_plan *plan, int64_t now_us)
{
    int64_t entered = 0;
    if (gk_lifecycle_is_terminal(gk_lifecycle_status_at(plan, now_us, &entered, NULL)))
        return entered;
    for (int i = 0; i < plan->nsteps; i++)
        if (plan->steps[i].enter_us > now_us &&
            gk_lifecycle_is_terminal(plan->steps[i].status))
            return plan->steps[i].enter_us;
    return INT64_MAX;
}

/* Tells the observers about the finished call; who is the principal its
 * credentials named (dispatch), used when the call never got as far as
 * authentication. */
static void finish(struct mock_call *c, int64_t started_us,
                   const struct mock_principal *who)
{
    const struct mock_request *req = c->req;
    const struct gk_route_params *p = &c->match.params;
    if (c->principal != NULL)
        who = c->principal;
    struct mock_event ev = {
        .now_us = c->now_us,
        .wall_ms = mock_wall_ms_at(c->m, c->now_us),
        .workspace_id = c->ws->def->workspace_id,
        .account_id = c->ws->def->account_id,
        .principal = who != NULL ? who->name : NULL,
        .user_id = who != NULL ? who->user_id : 0,
        .method = req->method,
        .path = req->path,
        .query = req->query,
        .route = c->match.route,
        /* 0: the client got no answer (a drop, or a hang it gives up on). */
        .status = c->resp->transport == MOCK_FAULT_DROP || c->resp->transport == MOCK_FAULT_HANG
                      ? 0
                      : c->resp->status,
        .error_code = c->error_code[0] ? c->error_code : NULL,
        .error_message = c->error_message[0] ? c->error_message : NULL,
        .latency_us = gk_clock_system_mono_us() - started_us + c->resp->delay_us,
        .fault = c->fault != NULL ? c->fault->name : NULL,
        .request_id = c->request_id,
        .remote_ip = req->remote_ip,
        .user_agent = req->header(req, "User-Agent"),
        .space_id = p->space_id[0] ? p->space_id : NULL,
        .conversation_id = p->conversation_id[0] ? p->conversation_id : NULL,
        .message_id = p->message_id[0] ? p->message_id : NULL,
        .attachment_id = p->attachment_id[0] ? p->attachment_id : NULL,
        .retry_after_s = c->retry_after_s,
        .question_throttled = c->question_throttled,
        .request_hash = hash_request(req),
    };
    /* req->path is not NUL-terminated at the '?': the event gets a copy. */
    char *path = strndup(req->path, req->path_len);
    ev.path = path != NULL ? path : "";
    if (c->shown != NULL) {
        const struct mock_msg *m = c->shown;
        ev.has_message = true;
        ev.message_status = c->shown_status;
        ev.conversation_id = m->conv->id;
        ev.message_id = m->id;
        ev.message_created_us = m->plan.steps[0].enter_us;
        ev.message_terminal_us = terminal_us(&m->plan, c->now_us);
    }
    if (c->match.route == GK_ROUTE_SEND_MESSAGE_FEEDBACK && c->resp->status == 200) {
        const struct mock_msg *m = mock_idmap_get(&c->m->msgs, p->message_id);
        if (m != NULL && m->has_feedback)
            ev.feedback_rating = gk_types_rating_name(m->rating);
    }
    mock_observe_event(c->m->observe, &ev);
    free(path);
}

static bool is_prefix(const struct mock_request *req, const char *prefix)
{
    size_t n = strlen(prefix);
    return req->path_len >= n && memcmp(req->path, prefix, n) == 0;
}

void mock_api_handle(void *ctx, const struct mock_request *req, struct mock_response *resp)
{
    struct mock_ws *ws = ctx;
    struct mock_call c;
    int64_t started_us = gk_clock_system_mono_us();

    pthread_mutex_lock(&ws->mock->lock);
    begin(&c, ws, req, resp);
    if (is_prefix(req, "/__admin/") || (req->path_len == 8 && is_prefix(req, "/__admin"))) {
        mock_api_admin(&c); /* not observed: the journal is about the API */
    } else if (req->path_len == 8 && is_prefix(req, "/metrics")) {
        mock_api_metrics(&c);
    } else {
        const struct mock_principal *who = dispatch(&c);
        finish(&c, started_us, who);
    }
    pthread_mutex_unlock(&ws->mock->lock);
}

void mock_api_too_large(void *ctx, const struct mock_request *req, size_t max_body,
                        struct mock_response *resp)
{
    struct mock_ws *ws = ctx;
    struct mock_call c;
    int64_t started_us = gk_clock_system_mono_us();

    pthread_mutex_lock(&ws->mock->lock);
    begin(&c, ws, req, resp);
    /* Not answered by the route, but journaled and audited under it and its
     * caller, as every other refused call is. */
    char why[GK_ERR_MSG_MAX];
    (void)gk_routes_match(req->method_id, req->path, req->path_len, &c.match, NULL);
    const struct mock_principal *who = identify(&c, why, sizeof why);
    mock_api_fail(&c, GK_REQUEST_ENTITY_TOO_LARGE,
                  "The request body is larger than the limit of %zu bytes.", max_body);
    finish(&c, started_us, who);
    pthread_mutex_unlock(&ws->mock->lock);
}
