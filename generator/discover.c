/*
 * discover: one small job per workspace, all driven by one loop on the
 * run's client: [host metadata] then [list spaces, page by page], each
 * step a request that is tried again as discover.h says.
 *
 * Invariants: a job has at most one request out (out); a step that failed
 * in a way worth another try waits until retry_at_us (real time, from the
 * run's clock); a job is done when both steps are, or with an error. The
 * workspace id is never guessed after a passing failure: it is part of
 * every question's key, so a different id would ask every question again
 * on resume. Only a host that has no metadata (404, or none in it) gets an
 * id made from its name.
 */
#include "generator/discover.h"

#include "common/backoff.h"
#include "common/codec.h"
#include "common/envelope.h"
#include "common/routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_FIRST_US INT64_C(1000000)
#define BACKOFF_MAX_US   (30 * INT64_C(1000000))

struct job {
    const struct gk_clock *clock;
    struct gen_client *http;
    struct gen_auth *auth;
    struct gen_workspace *ws;
    int64_t timeout_ms;
    bool metadata; /* the step now: host metadata (else list spaces) */
    bool out, done;
    char *page;          /* page_token of the page to ask next; NULL: the first */
    int attempts;        /* failed tries of this step */
    bool auth_retried;   /* this page got a 401 and a new token */
    int64_t retry_at_us; /* real time */
    char error[300];
};

static void fail(struct job *j, const char *step, const struct gen_response *res)
{
    struct gk_envelope env;
    gk_envelope_decode((int)res->status, res->content_type, res->body, res->len, &env);
    snprintf(j->error, sizeof j->error, "workspace %.100s: %s: %.150s", j->ws->host, step,
             res->status ? env.message : res->curl_error);
    j->done = true;
}

/* Schedules another try of the step after a passing failure; false when
 * it is not one, or the tries are used up. */
static bool again(struct job *j, const struct gen_response *res)
{
    bool passing = res->status == 0 || res->status == 429 || res->status == 502 ||
                   res->status == 503 || res->status == 504;
    if (!passing || ++j->attempts >= GEN_DISCOVER_ATTEMPTS)
        return false;
    bool fallback = true;
    int64_t wait_us = 0;
    if (res->retry_after != NULL)
        wait_us = gk_backoff_retry_after_ms(res->retry_after, strlen(res->retry_after),
                                            gk_clock_wall_ms(j->clock), 1000, &fallback) *
                  1000;
    if (fallback) {
        wait_us = BACKOFF_FIRST_US << (j->attempts - 1);
        wait_us = wait_us < BACKOFF_MAX_US ? wait_us : BACKOFF_MAX_US;
    }
    j->retry_at_us =
        gk_clock_system_mono_us() + gk_clock_real_sleep_us(j->clock, wait_us);
    return true;
}

static void next_step(struct job *j)
{
    j->metadata = false;
    j->attempts = 0;
    j->done = j->ws->space_count > 0;
}

/* An id made from the host name: its letters, digits, '.', '_' and '-'. */
static void id_from_host(const char *host, char *id, size_t cap)
{
    const char *p = strstr(host, "://");
    size_t n = 0;
    for (p = p != NULL ? p + 3 : host; *p && *p != '/' && n < cap - 1; p++)
        id[n++] = (strchr("._-", *p) != NULL || (*p >= '0' && *p <= '9') ||
                   (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
                      ? *p
                      : '-';
    id[n] = '\0';
}

static void on_metadata(void *ctx, const struct gen_response *res)
{
    struct job *j = ctx;
    struct gk_host_metadata h = {0};
    char id[41];

    j->out = false;
    if (res->status == 200 &&
        gk_codec_decode_host_metadata(res->body, res->len, &h, NULL) == GK_OK &&
        h.workspace_id != NULL && h.workspace_id[0] != '\0')
        snprintf(id, sizeof id, "%s", h.workspace_id);
    else if (res->status == 200 || res->status == 404)
        id_from_host(j->ws->host, id, sizeof id);
    else {
        gk_types_host_metadata_cleanup(&h);
        if (!again(j, res))
            fail(j, "host metadata", res);
        return;
    }
    gk_types_host_metadata_cleanup(&h);
    if ((j->ws->workspace_id = strdup(id)) == NULL) {
        snprintf(j->error, sizeof j->error, "workspace id: out of memory");
        j->done = true;
        return;
    }
    next_step(j);
}

/* Appends the spaces of one page to the workspace (taking the strings). */
static bool keep_spaces(struct gen_workspace *ws, struct gk_space_list *sl)
{
    size_t n = ws->space_count;
    struct gen_space *sp = realloc(ws->spaces, (n + sl->space_count + 1) * sizeof *sp);
    if (sp == NULL)
        return false;
    ws->spaces = sp;
    for (size_t i = 0; i < sl->space_count; i++) {
        struct gen_space *s = &sp[n + i];
        memset(s, 0, sizeof *s);
        s->space_id = sl->spaces[i].space_id;
        s->title = sl->spaces[i].title;
        s->description = sl->spaces[i].description;
        sl->spaces[i].space_id = sl->spaces[i].title = sl->spaces[i].description = NULL;
    }
    ws->space_count = n + sl->space_count;
    return true;
}

static void on_spaces(void *ctx, const struct gen_response *res)
{
    struct job *j = ctx;
    struct gk_space_list sl = {0};

    j->out = false;
    if (res->status == 401 && j->ws->auth == GEN_AUTH_OAUTH_M2M && !j->auth_retried) {
        j->auth_retried = true;
        gen_auth_invalidate(j->auth);
        return;
    }
    if (res->status != 200 ||
        gk_codec_decode_space_list(res->body, res->len, &sl, NULL) != GK_OK) {
        gk_types_space_list_cleanup(&sl);
        if (res->status == 200 || !again(j, res))
            fail(j, "list spaces", res);
        return;
    }
    free(j->page);
    j->page = NULL;
    j->attempts = 0;
    j->auth_retried = false;
    if (!keep_spaces(j->ws, &sl) ||
        (sl.next_page_token != NULL && (j->page = strdup(sl.next_page_token)) == NULL)) {
        snprintf(j->error, sizeof j->error, "list spaces: out of memory");
        j->done = true;
    } else if (j->page == NULL) {
        j->done = true;
    }
    gk_types_space_list_cleanup(&sl);
}

/* Sends the job's next request if it may go now. */
static void start(struct job *j)
{
    char path[2048], url[2600];
    struct gen_request req = {
        .method = "GET", .url = url, .timeout_ms = j->timeout_ms, .ctx = j};
    if (j->metadata) {
        snprintf(url, sizeof url, "%s/.well-known/databricks-config", j->ws->host);
        req.done = on_metadata;
    } else {
        req.authorization = gen_auth_header(j->auth, j->http);
        if (req.authorization == NULL) {
            if (j->auth->failed) {
                snprintf(j->error, sizeof j->error, "workspace %.100s: %.180s",
                         j->ws->host, j->auth->error);
                j->done = true;
            }
            return; /* a token is on its way */
        }
        snprintf(path, sizeof path, "%s", GK_ROUTES_GENIE "/spaces?page_size=100");
        if (j->page != NULL) {
            size_t n = strlen(path);
            if (gk_routes_query_add(path + n, sizeof path - n, false, "page_token",
                                    j->page, NULL) != GK_OK) {
                snprintf(j->error, sizeof j->error,
                         "workspace %.100s: list spaces: a page token too long to send",
                         j->ws->host);
                j->done = true;
                return;
            }
        }
        snprintf(url, sizeof url, "%s%s", j->ws->host, path);
        req.done = on_spaces;
    }
    if (gen_client_send(j->http, &req, NULL) != GK_OK) {
        snprintf(j->error, sizeof j->error, "workspace %.100s: out of memory",
                 j->ws->host);
        j->done = true;
        return;
    }
    j->out = true;
}

enum gk_rc gen_discover(struct gen_config *cfg, struct gen_client *http,
                        struct gen_auth *auth, const struct gk_clock *clock,
                        int64_t timeout_ms, struct gk_err *err)
{
    struct job *jobs = calloc(cfg->workspace_count + 1, sizeof *jobs);
    size_t waiting = 0;
    if (jobs == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    for (size_t i = 0; i < cfg->workspace_count; i++) {
        struct gen_workspace *ws = &cfg->workspaces[i];
        jobs[i] = (struct job){.clock = clock,
                               .http = http,
                               .auth = &auth[i],
                               .ws = ws,
                               .timeout_ms = timeout_ms,
                               .metadata = ws->workspace_id == NULL,
                               .done = ws->workspace_id != NULL && ws->space_count > 0};
        waiting += !jobs[i].done;
    }
    int64_t deadline = gk_clock_system_mono_us() + GEN_DISCOVER_TIMEOUT_US;
    while (waiting > 0 && gk_clock_system_mono_us() < deadline) {
        int64_t now = gk_clock_system_mono_us(), wake = now + 50000;
        waiting = 0;
        for (size_t i = 0; i < cfg->workspace_count; i++) {
            struct job *j = &jobs[i];
            if (!j->done && !j->out && now >= j->retry_at_us)
                start(j);
            if (j->done)
                continue;
            waiting++;
            if (!j->out && j->retry_at_us > now && j->retry_at_us < wake)
                wake = j->retry_at_us;
        }
        if (waiting > 0)
            gen_client_poll(http, (int)((wake - now) / 1000));
    }
    enum gk_rc rc = GK_OK;
    for (size_t i = 0; i < cfg->workspace_count; i++) {
        if (jobs[i].error[0] != '\0' && rc == GK_OK)
            rc = gk_err_set(err, GK_NETWORK_ERROR, "%s", jobs[i].error);
        else if (!jobs[i].done && rc == GK_OK)
            rc = gk_err_set(
                err, GK_DEADLINE_EXCEEDED,
                "workspace %s: finding its id and spaces took more than %lld s",
                cfg->workspaces[i].host, (long long)(GEN_DISCOVER_TIMEOUT_US / 1000000));
        free(jobs[i].page);
    }
    free(jobs);
    return rc;
}
