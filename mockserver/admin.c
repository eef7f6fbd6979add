/*
 * admin: the admin API under /__admin/ and /metrics, on every workspace's
 * port. The admin API needs its own token (--admin-token, else a random one
 * printed at start) as `Authorization: Bearer`, and by default only answers
 * callers on the loopback interface (--admin-remote lifts that). /metrics
 * needs no token, as Prometheus scrapers expect.
 *
 *   GET    /__admin/health           scenario, seed, workspaces and ports, clock
 *   POST   /__admin/reset            forget conversations, limits, journal, report;
 *                                    re-arm the scenario's faults
 *   POST   /__admin/scenario         replace the scenario (same number of workspaces)
 *   GET    /__admin/faults           the armed rules with their counters
 *   POST   /__admin/faults           arm a rule (one with the same name is replaced)
 *   DELETE /__admin/faults[/{name}]  disarm all rules, or one
 *   GET    /__admin/clock            mode, scale, now
 *   POST   /__admin/clock            {"advance_ms": N}, manual clocks only
 *   GET    /__admin/journal ?workspace&principal&method&route&status&fault&since_ms&limit
 *   GET    /__admin/audit            ?limit
 *   GET    /__admin/report           the client report
 *
 * The token and the caller's address are checked before the path, so a
 * caller without them learns nothing of what exists. A known path asked
 * with another method gets 405 with Allow, an unknown one 404, both in the
 * Databricks envelope; a malformed body 400 naming the field, with nothing
 * changed (every body is read and checked before the state is touched).
 */
#include "mockserver/api.h"

#include "common/codec_write.h"
#include "mockserver/api_genie.h"
#include "mockserver/scenario_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply(struct mock_call *c, char *body, size_t len)
{
    struct gk_err err = {0};
    if (body == NULL)
        gk_err_set(&err, GK_OUT_OF_MEMORY, NULL);
    mock_api_reply(c, body != NULL ? GK_OK : GK_OUT_OF_MEMORY, body, len, &err);
}

/* body was made by a call that set *len: both are read only now, after it.
 * (reply(c, f(&n), n) would read n before f sets it.) */
static void reply_text(struct mock_call *c, char *body, const size_t *len)
{
    reply(c, body, body != NULL ? *len : 0);
}

static void reply_writer(struct mock_call *c, struct gk_codec_writer *w)
{
    char *body = NULL;
    size_t len = 0;
    struct gk_err err = {0};
    enum gk_rc rc = gk_codec_write_finish(w, &body, &len, &err);
    mock_api_reply(c, rc, body, len, &err);
}

static void write_clock(struct gk_codec_writer *w, const struct mock *m, int64_t now_us)
{
    static const char *const modes[] = {"real", "scaled", "manual"};
    char t[GK_CODEC_TIME_MAX];
    int64_t wall = mock_wall_ms_at(m, now_us);
    gk_codec_write_begin(w, "clock", '{');
    gk_codec_write_str(w, "mode", modes[gk_clock_mode(&m->clock)]);
    gk_codec_write_double(w, "scale", gk_clock_scale(&m->clock), 3);
    gk_codec_write_i64(w, "now_ms", now_us / 1000);
    gk_codec_write_i64(w, "wall_ms", wall);
    if (gk_codec_time_format(wall, t, NULL) == GK_OK)
        gk_codec_write_str(w, "time", t);
    gk_codec_write_end(w, '}');
}

static void health(struct mock_call *c, const char *rest)
{
    (void)rest;
    struct gk_codec_writer w = {.first = true};
    const struct mock *m = c->m;
    gk_codec_write_begin(&w, NULL, '{');
    gk_codec_write_str(&w, "status", "ok");
    gk_codec_write_str(&w, "scenario", m->scenario.name);
    gk_codec_write_i64(&w, "seed", (int64_t)m->seed);
    gk_codec_write_begin(&w, "workspaces", '[');
    for (size_t i = 0; i < m->ws_count; i++) {
        gk_codec_write_begin(&w, NULL, '{');
        gk_codec_write_str(&w, "workspace_id", m->ws[i].def->workspace_id);
        gk_codec_write_i64(&w, "port", m->ws[i].port);
        gk_codec_write_end(&w, '}');
    }
    gk_codec_write_end(&w, ']');
    gk_codec_write_i64(&w, "faults", (int64_t)m->faults.count);
    write_clock(&w, m, c->now_us);
    gk_codec_write_end(&w, '}');
    reply_writer(c, &w);
}

static void clock_get(struct mock_call *c, const char *rest)
{
    (void)rest;
    struct gk_codec_writer w = {.first = true};
    gk_codec_write_begin(&w, NULL, '{');
    write_clock(&w, c->m, c->now_us);
    gk_codec_write_end(&w, '}');
    reply_writer(c, &w);
}

/* Reads an admin body as a JSON object with the reader of scenario files. */
static bool read_body(struct mock_call *c, struct mock_sj *r, struct gk_err *err)
{
    if (c->req->body_len == 0) {
        mock_api_fail(c, GK_INVALID_PARAMETER_VALUE, "body: expected a JSON object");
        return false;
    }
    if (mock_sj_parse(r, "body", c->req->body, c->req->body_len, err) != GK_OK) {
        mock_api_fail(c, GK_INVALID_PARAMETER_VALUE, "%s", gk_err_str(err));
        return false;
    }
    return true;
}

static void clock_post(struct mock_call *c, const char *rest)
{
    (void)rest;
    static const char *const keys[] = {"advance_ms", NULL};
    struct gk_err err = {0};
    struct mock_sj r;
    int64_t ms = -1;

    if (gk_clock_mode(&c->m->clock) != GK_CLOCK_MANUAL) {
        mock_api_fail(c, GK_INVALID_STATE,
                      "The clock is not manual: start genie-mock with "
                      "--manual-clock to move it by hand.");
        return;
    }
    if (!read_body(c, &r, &err))
        return;
    r.err = &err;
    if (mock_sj_object(&r, r.root, keys) != GK_OK ||
        mock_sj_int(&r, r.root, "advance_ms", 0, INT64_C(1) << 50, &ms) != GK_OK) {
        mock_sj_cleanup(&r);
        mock_api_fail(c, GK_INVALID_PARAMETER_VALUE, "%s", gk_err_str(&err));
        return;
    }
    mock_sj_cleanup(&r);
    if (ms < 0) {
        mock_api_fail(c, GK_INVALID_PARAMETER_VALUE, "body: advance_ms: required");
        return;
    }
    if (gk_clock_advance(&c->m->clock, ms * 1000, &err) != GK_OK) {
        mock_api_fail_err(c, &err);
        return;
    }
    c->now_us = gk_clock_now_us(&c->m->clock);
    clock_get(c, "");
}

static void faults_post(struct mock_call *c, const char *rest)
{
    (void)rest;
    struct mock_fault_rule rule;
    struct gk_err err = {0};
    if (mock_fault_parse("body", c->req->body != NULL ? c->req->body : "",
                         c->req->body_len, &rule, &err) != GK_OK) {
        mock_api_fail(c, GK_INVALID_PARAMETER_VALUE, "%s", gk_err_str(&err));
        return;
    }
    char name[MOCK_FAULT_NAME_MAX];
    snprintf(name, sizeof name, "%s", rule.name);
    if (mock_fault_add(&c->m->faults, &rule, &err) != GK_OK) {
        mock_fault_rule_cleanup(&rule);
        mock_api_fail_err(c, &err);
        return;
    }
    struct gk_codec_writer w = {.first = true};
    gk_codec_write_begin(&w, NULL, '{');
    gk_codec_write_str(&w, "name", name);
    gk_codec_write_i64(&w, "armed", (int64_t)c->m->faults.count);
    gk_codec_write_end(&w, '}');
    reply_writer(c, &w);
}

static void scenario_post(struct mock_call *c, const char *rest)
{
    (void)rest;
    struct mock_scenario sc;
    struct gk_err err = {0};
    if (mock_scenario_parse("body", c->req->body != NULL ? c->req->body : "",
                            c->req->body_len, &sc, &err) != GK_OK) {
        mock_api_fail(c, GK_INVALID_PARAMETER_VALUE, "%s", gk_err_str(&err));
        return;
    }
    if (mock_replace_scenario(c->m, &sc, &err) != GK_OK) {
        mock_scenario_cleanup(&sc);
        mock_api_fail_err(c, &err);
        return;
    }
    c->now_us = gk_clock_now_us(&c->m->clock);
    health(c, "");
}

/* A query parameter, "" when absent; false (400 sent) when malformed. */
static bool param(struct mock_call *c, const char *key, char *out, size_t cap)
{
    bool found = false;
    struct gk_err err = {0};
    out[0] = '\0';
    if (gk_routes_query_get(c->req->query, c->req->query_len, key, out, cap, &found,
                            &err) != GK_OK) {
        mock_api_fail_err(c, &err);
        return false;
    }
    return true;
}

static bool param_int(struct mock_call *c, const char *key, int64_t max, int64_t *out)
{
    bool found = false;
    struct gk_err err = {0};
    if (gk_routes_query_get_int(c->req->query, c->req->query_len, key, 0, max, out,
                                &found, &err) != GK_OK) {
        mock_api_fail_err(c, &err);
        return false;
    }
    return true;
}

static void journal(struct mock_call *c, const char *rest)
{
    (void)rest;
    char ws[64], who[256], method[16], route[64], fault[MOCK_FAULT_NAME_MAX];
    int64_t status = 0, since_ms = 0, limit = 0;
    if (!param(c, "workspace", ws, sizeof ws) ||
        !param(c, "principal", who, sizeof who) ||
        !param(c, "method", method, sizeof method) ||
        !param(c, "route", route, sizeof route) ||
        !param(c, "fault", fault, sizeof fault) ||
        !param_int(c, "status", 599, &status) ||
        !param_int(c, "since_ms", INT64_C(1) << 50, &since_ms) ||
        !param_int(c, "limit", 1000000, &limit))
        return;
    struct mock_journal_filter f = {
        .workspace_id = ws[0] ? ws : NULL,
        .principal = who[0] ? who : NULL,
        .method = method[0] ? method : NULL,
        .route = route[0] ? route : NULL,
        .fault = fault[0] ? fault : NULL,
        .status = (int)status,
        .since_us = since_ms * 1000,
        .limit = (size_t)limit,
    };
    size_t len = 0;
    char *body = mock_observe_journal(c->m->observe, &f, &len);
    reply(c, body, len);
}

static void audit(struct mock_call *c, const char *rest)
{
    (void)rest;
    int64_t limit = 0;
    size_t len = 0;
    if (!param_int(c, "limit", 1000000, &limit))
        return;
    char *body = mock_observe_audit(c->m->observe, (size_t)limit, &len);
    reply(c, body, len);
}

static bool loopback(const char *ip)
{
    return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
           strncmp(ip, "::ffff:127.", 11) == 0;
}

static bool authorized(struct mock_call *c)
{
    const char *h = c->req->header(c->req, "Authorization");
    char tok[256];
    if (!c->m->opts.admin_remote && !loopback(c->req->remote_ip)) {
        mock_api_fail(c, GK_PERMISSION_DENIED,
                      "The admin API answers only on the loopback "
                      "interface (start genie-mock with "
                      "--admin-remote to lift that).");
        return false;
    }
    if (h == NULL || gk_auth_parse_bearer(h, tok, sizeof tok, NULL) != GK_OK ||
        !gk_auth_secret_equal(tok, strlen(tok), c->m->admin_token,
                              strlen(c->m->admin_token))) {
        mock_api_fail(
            c, GK_UNAUTHENTICATED,
            "The admin API needs `Authorization: Bearer <admin token>` (the token "
            "genie-mock printed at start, or --admin-token).");
        return false;
    }
    return true;
}

static void reset(struct mock_call *c, const char *rest)
{
    (void)rest;
    mock_reset(c->m);
    mock_api_reply_empty(c);
}

static void faults_get(struct mock_call *c, const char *rest)
{
    size_t n = 0;
    (void)rest;
    reply_text(c, mock_fault_encode(&c->m->faults, &n), &n);
}

static void faults_delete_all(struct mock_call *c, const char *rest)
{
    (void)rest;
    mock_fault_clear(&c->m->faults);
    mock_api_reply_empty(c);
}

static void faults_delete_one(struct mock_call *c, const char *name)
{
    if (mock_fault_remove(&c->m->faults, name))
        mock_api_reply_empty(c);
    else
        mock_api_fail(c, GK_RESOURCE_DOES_NOT_EXIST, "No fault rule is named \"%.64s\".",
                      name);
}

static void report(struct mock_call *c, const char *rest)
{
    size_t n = 0;
    (void)rest;
    reply_text(c, mock_observe_report(c->m->observe, c->now_us, false, &n), &n);
}

/* The admin endpoints: a path under /__admin/ (or, with a trailing '/', a
 * prefix whose remainder the handler gets) and what each method does. A
 * known path asked with another method is 405 with Allow, as the Genie
 * routes are. */
static const struct admin_route {
    const char *path;
    enum gk_http_method method;
    void (*fn)(struct mock_call *c, const char *rest);
} admin_routes[] = {
    {"health", GK_HTTP_GET, health},
    {"reset", GK_HTTP_POST, reset},
    {"scenario", GK_HTTP_POST, scenario_post},
    {"faults", GK_HTTP_GET, faults_get},
    {"faults", GK_HTTP_POST, faults_post},
    {"faults", GK_HTTP_DELETE, faults_delete_all},
    {"faults/", GK_HTTP_DELETE, faults_delete_one},
    {"clock", GK_HTTP_GET, clock_get},
    {"clock", GK_HTTP_POST, clock_post},
    {"journal", GK_HTTP_GET, journal},
    {"audit", GK_HTTP_GET, audit},
    {"report", GK_HTTP_GET, report},
};

/* The part of sub a route takes: NULL when the route is not sub's; else
 * the remainder ("" for an exact path, the name after "faults/"). A prefix
 * route needs a remainder without '/'. */
static const char *route_rest(const struct admin_route *r, const char *sub, size_t len)
{
    size_t n = strlen(r->path);
    if (r->path[n - 1] != '/')
        return len == n && memcmp(sub, r->path, n) == 0 ? "" : NULL;
    if (len <= n || memcmp(sub, r->path, n) != 0 || memchr(sub + n, '/', len - n) != NULL)
        return NULL;
    return sub + n;
}

void mock_api_admin(struct mock_call *c)
{
    const struct mock_request *req = c->req;
    /* After "/__admin/"; a remainder that long is no admin path anyway. */
    size_t len = req->path_len > 9 ? req->path_len - 9 : 0;
    char sub[128];
    unsigned allowed = 0;

    if (!authorized(c))
        return;
    if (len >= sizeof sub) {
        mock_api_fail(c, GK_ENDPOINT_NOT_FOUND, "No admin API at this path.");
        return;
    }
    if (len > 0)
        memcpy(sub, req->path + 9, len);
    sub[len] = '\0';
    for (size_t i = 0; i < sizeof admin_routes / sizeof admin_routes[0]; i++) {
        const struct admin_route *r = &admin_routes[i];
        const char *rest = route_rest(r, sub, len);
        if (rest == NULL)
            continue;
        if (r->method == req->method_id) {
            r->fn(c, rest);
            return;
        }
        allowed |= GK_ROUTES_METHOD_BIT(r->method);
    }
    if (allowed == 0) {
        mock_api_fail(c, GK_ENDPOINT_NOT_FOUND, "No admin API for '%s %.*s'.",
                      req->method, (int)(req->path_len < 200 ? req->path_len : 200),
                      req->path);
        return;
    }
    char allow[GK_ROUTES_ALLOW_MAX];
    mock_api_fail(c, GK_METHOD_NOT_ALLOWED, "%s %.*s is not allowed here.", req->method,
                  (int)(req->path_len < 200 ? req->path_len : 200), req->path);
    if (gk_routes_allow_format(allowed, allow, sizeof allow, NULL) == GK_OK)
        mock_response_header(c->resp, "Allow", "%s", allow);
}

void mock_api_metrics(struct mock_call *c)
{
    int64_t by_status[GK_MSG_STATUS_COUNT] = {0};
    size_t len = 0;
    if (c->req->method_id != GK_HTTP_GET) {
        mock_api_fail(c, GK_METHOD_NOT_ALLOWED, "/metrics answers GET only.");
        mock_response_header(c->resp, "Allow", "GET");
        return;
    }
    mock_count_messages(c->m, c->now_us, by_status);
    char *body = mock_observe_metrics(c->m->observe, by_status, &len);
    reply(c, body, len);
    c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
