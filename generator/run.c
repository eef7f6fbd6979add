/*
 * run: the loop (see run.h for the per-question state machine).
 *
 * Invariants:
 *   - a question is POSTed only when its workspace's pacer allows it, and
 *     every POST attempt (retries included) is taken from the pacer first;
 *   - a POST's acknowledgement is in the state journal before its message
 *     is polled, and a message's record is written once, when it ends, so a
 *     crash at any point leaves each question either done (record), asked
 *     (journal: it is polled again, never asked again) or not asked;
 *   - a follow-up is ready only when the previous turn of its conversation
 *     ended COMPLETED (or any terminal status with follow_up_after_failure);
 *     otherwise it and the turns after it get "skipped" records, on resume
 *     too (a crash may fall between a turn's record and theirs);
 *   - in_flight counts the messages whose first POST was sent (posted_us >
 *     0) and that have no record yet, whatever their state;
 *   - a 401 is retried once per request, and only when the credential can
 *     be renewed (OAuth): a PAT that was refused is refused again, so the
 *     message is recorded "rejected" at once;
 *   - a resumed run holds the first question of each workspace the earlier
 *     run asked in for one window (hold_until_us): its pacer starts empty,
 *     and the earlier process may have used the whole window just before
 *     it died (see hold_after_resume).
 */
#include "generator/run.h"

#include "common/backoff.h"
#include "common/clock.h"
#include "common/codec.h"
#include "common/envelope.h"
#include "common/lifecycle.h"
#include "common/log.h"
#include "common/rng.h"
#include "common/routes.h"
#include "generator/auth.h"
#include "generator/client.h"
#include "generator/discover.h"
#include "generator/output.h"
#include "generator/pacer.h"
#include "generator/plan.h"
#include "generator/poll.h"
#include "generator/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum mstate { M_BLOCKED, M_READY, M_POSTING, M_POLLING, M_WAITING_POLL, M_FETCHING, M_DONE };

struct run;

struct msg {
    struct run *run;
    const struct gen_question *q;
    size_t conv; /* index into run.convs */
    enum mstate st;
    int64_t due_us;         /* READY / WAITING_POLL: not before this (mock clock) */
    int64_t posted_us;      /* its first POST went out (0: not yet) */
    int64_t sent_us;        /* the latest POST attempt went out */
    int64_t retry_since_us; /* first failure of the current request, 0: none */
    int attempt;            /* of the current request */
    bool auth_retried;      /* the current request got a 401 and was sent again */
    struct gen_poll poll;
    enum gk_msg_status status;
    char query_attachment[40];
    struct gen_record rec;
};

struct conv {
    size_t first, count; /* its questions: msgs[first .. first+count) */
    char conversation_id[40];
};

struct run {
    const struct gen_config *cfg;
    struct gk_clock clock;
    struct gen_client *http;
    struct gen_auth *auth;    /* one per workspace */
    struct gen_pacer *pacer;  /* one per workspace */
    int64_t *hold_until_us;   /* per workspace: no question POST before */
    int64_t *ws_wait_us;      /* per workspace, scratch of step/next_due: -1 unknown */
    struct gen_banks banks;
    struct gen_plan plan;
    struct gen_output out;
    struct gen_summary sum;
    struct gen_poll_policy policy;
    struct msg *msgs;
    struct conv *convs;
    size_t in_flight, done, total;
    struct gk_rng rng;
    char run_id[40];
    bool stopping;
    int64_t stop_deadline_us;
    struct gk_err fatal;
};

static int64_t now_us(void *ctx)
{
    return gk_clock_now_us(&((struct run *)ctx)->clock);
}

static int64_t now_ms(const struct run *r)
{
    return gk_clock_wall_ms(&r->clock);
}

/* ---- finishing a message ---- */

static void skip_rest(struct run *r, const struct msg *m, const char *why);

/* Whether a conversation goes on after a turn that ended in status st (an
 * outcome other than "terminal" never has a terminal status). */
static bool follows(const struct run *r, enum gk_msg_status st)
{
    return st == GK_MSG_COMPLETED || st == GK_MSG_QUERY_RESULT_EXPIRED ||
           (r->cfg->follow_up_after_failure && gk_lifecycle_is_terminal(st));
}

static void finish(struct msg *m, const char *outcome)
{
    struct run *r = m->run;
    struct gk_err err = {0};
    if (m->st == M_DONE)
        return;
    /* Counted since its first POST went out, even while READY for a retry. */
    if (m->posted_us > 0)
        r->in_flight--;
    m->st = M_DONE;
    m->rec.outcome = outcome;
    m->rec.status = m->status;
    /* Both times are the server's (created_timestamp, and the
     * last_updated_timestamp of the terminal status), so time to terminal
     * does not depend on how our clock relates to its. */
    if (strcmp(outcome, "terminal") == 0 && m->rec.terminal_ms > 0 && m->rec.created_ms > 0)
        m->rec.time_to_terminal_ms = m->rec.terminal_ms - m->rec.created_ms;
    if (gen_output_write(&r->out, &m->rec, &err) != GK_OK && r->fatal.rc == GK_OK)
        r->fatal = err;
    (void)gen_summary_add(&r->sum, &m->rec, NULL);
    r->done++;

    /* The next turn of the conversation, or none. */
    const struct gen_question *q = m->q;
    struct conv *c = &r->convs[m->conv];
    size_t next = c->first + (size_t)q->turn + 1;
    if ((size_t)q->turn + 1 >= c->count)
        return;
    if (follows(r, m->status) && c->conversation_id[0] != '\0') {
        r->msgs[next].st = M_READY;
        r->msgs[next].due_us = now_us(r);
    } else {
        skip_rest(r, m, strcmp(outcome, "terminal") == 0 ? "previous turn did not complete"
                                                         : "previous turn failed");
    }
}

/* The turns after m in its conversation get "skipped" records. */
static void skip_rest(struct run *r, const struct msg *m, const char *why)
{
    struct conv *c = &r->convs[m->conv];
    for (size_t i = c->first + (size_t)m->q->turn + 1; i < c->first + c->count; i++) {
        struct msg *n = &r->msgs[i];
        if (n->st != M_BLOCKED)
            continue;
        n->status = GK_MSG_UNKNOWN;
        snprintf(n->rec.error_message, sizeof n->rec.error_message, "%s", why);
        snprintf(n->rec.conversation_id, sizeof n->rec.conversation_id, "%s",
                 c->conversation_id);
        finish(n, "skipped");
    }
}

/* ---- errors from the server ---- */

static void note_error(struct msg *m, const struct gen_response *res)
{
    if (res->status == 0) {
        snprintf(m->rec.error_type, sizeof m->rec.error_type, "NETWORK_ERROR");
        snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s", res->curl_error);
        return;
    }
    struct gk_envelope env;
    gk_envelope_decode((int)res->status, res->content_type, res->body, res->len, &env);
    snprintf(m->rec.error_type, sizeof m->rec.error_type, "%s",
             env.error_code[0] ? env.error_code : gk_err_name(env.rc));
    snprintf(m->rec.error_message, sizeof m->rec.error_message, "HTTP %ld: %.200s",
             res->status, env.message);
}

/* A 401 is worth one more try only with a credential that a new token
 * replaces; a PAT the server refused stays refused. */
static bool renewable(const struct run *r, const struct msg *m)
{
    return r->cfg->workspaces[m->q->workspace].auth == GEN_AUTH_OAUTH_M2M;
}

static bool retryable(const struct gen_response *res)
{
    return res->status == 0 || res->status == 502 || res->status == 503 || res->status == 504;
}

/* Schedules another try of the current request, or gives up (false). */
static bool retry_later(struct msg *m, const struct gen_response *res)
{
    struct run *r = m->run;
    int64_t now = now_us(r);
    if (m->retry_since_us == 0)
        m->retry_since_us = now;
    if (now - m->retry_since_us >= r->cfg->retry_budget_us)
        return false;
    int64_t wait = 0;
    bool fallback = true;
    if (res->retry_after != NULL)
        wait = gk_backoff_retry_after_ms(res->retry_after, strlen(res->retry_after),
                                         now_ms(r), 1000, &fallback) * 1000;
    if (fallback)
        wait = gk_backoff_jitter_us(500000, 30000000, (unsigned)m->attempt, &r->rng);
    m->attempt++;
    m->rec.retries++;
    m->due_us = now + wait;
    return true;
}

/* ---- asking ---- */

static void on_posted(void *ctx, const struct gen_response *res);

static void ask(struct msg *m, const char *auth)
{
    struct run *r = m->run;
    const struct gen_question *q = m->q;
    const struct gen_workspace *ws = &r->cfg->workspaces[q->workspace];
    const struct gen_space *sp = &ws->spaces[q->space];
    struct gk_route_params p;
    char path[512], url[1024];
    char *body = NULL;
    size_t len = 0;
    struct gk_question_request qr = {.content = q->text};
    struct gk_err err = {0};

    gk_routes_params_set(&p, sp->space_id, q->turn > 0 ? r->convs[m->conv].conversation_id : NULL,
                         NULL, NULL, NULL);
    if (gk_routes_build(q->turn == 0 ? GK_ROUTE_START_CONVERSATION : GK_ROUTE_CREATE_MESSAGE,
                        &p, path, sizeof path, NULL, &err) != GK_OK ||
        gk_codec_encode_question_request(&qr, NULL, &body, &len, &err) != GK_OK) {
        snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s", gk_err_str(&err));
        finish(m, "error");
        return;
    }
    snprintf(url, sizeof url, "%s%s", ws->host, path);
    struct gen_request req = {.method = "POST", .url = url, .authorization = auth,
                              .body = body, .body_len = len,
                              .timeout_ms = r->cfg->request_timeout_us / 1000,
                              .done = on_posted, .ctx = m};
    gen_pacer_take(&r->pacer[q->workspace], now_us(r));
    (void)gen_summary_add_post(&r->sum, ws->workspace_id, now_us(r), NULL);
    if (gen_client_send(r->http, &req, &err) != GK_OK) {
        free(body);
        snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s", gk_err_str(&err));
        finish(m, "error");
        return;
    }
    free(body);
    if (m->posted_us == 0)
        r->in_flight++;
    m->sent_us = now_us(r);
    m->posted_us = m->posted_us ? m->posted_us : m->sent_us;
    m->st = M_POSTING;
}

/* Polls from `since`: the POST that created the message went out then,
 * so the first poll and the give-up deadline count from there (the server
 * created the message after it, and may have answered late). */
static void start_polling(struct msg *m, int64_t since, enum gk_msg_status st)
{
    m->st = M_WAITING_POLL;
    m->attempt = 0;
    m->retry_since_us = 0;
    m->auth_retried = false;
    gen_poll_start(&m->poll, &m->run->policy, since, st);
    m->due_us = m->poll.next_us;
}

static void on_posted(void *ctx, const struct gen_response *res)
{
    struct msg *m = ctx;
    struct run *r = m->run;
    struct gk_err err = {0};
    int64_t now = now_us(r);

    if (res->status == 200) {
        struct conv *c = &r->convs[m->conv];
        if (m->q->turn == 0) {
            struct gk_start_conversation s = {0};
            if (gk_codec_decode_start_conversation(res->body, res->len, &s, &err) != GK_OK) {
                snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s",
                         gk_err_str(&err));
                finish(m, "error");
                return;
            }
            snprintf(c->conversation_id, sizeof c->conversation_id, "%s", s.conversation_id);
            snprintf(m->rec.message_id, sizeof m->rec.message_id, "%s", s.message_id);
            if (s.message != NULL)
                m->rec.created_ms = s.message->created_timestamp;
            gk_types_start_conversation_cleanup(&s);
        } else {
            struct gk_message msg = {0};
            if (gk_codec_decode_message(res->body, res->len, &msg, &err) != GK_OK) {
                snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s",
                         gk_err_str(&err));
                finish(m, "error");
                return;
            }
            snprintf(m->rec.message_id, sizeof m->rec.message_id, "%s", msg.message_id);
            m->rec.created_ms = msg.created_timestamp;
            gk_types_message_cleanup(&msg);
        }
        snprintf(m->rec.conversation_id, sizeof m->rec.conversation_id, "%s",
                 c->conversation_id);
        if (m->rec.created_ms == 0)
            m->rec.created_ms = now_ms(r);
        if (gen_output_ack(&r->out, m->rec.key, m->rec.conversation_id, m->rec.message_id,
                           m->rec.created_ms, &err) != GK_OK && r->fatal.rc == GK_OK)
            r->fatal = err;
        start_polling(m, m->sent_us, GK_MSG_SUBMITTED);
        return;
    }
    note_error(m, res);
    if (res->status == 429) {
        int64_t wait = 1000000;
        bool fallback = true;
        if (res->retry_after != NULL)
            wait = gk_backoff_retry_after_ms(res->retry_after, strlen(res->retry_after),
                                             now_ms(r), 1000, &fallback) * 1000;
        gen_pacer_on_throttled(&r->pacer[m->q->workspace], now, wait);
        m->rec.throttled++;
        m->rec.retries++;
        m->st = M_READY;
        m->due_us = now + wait;
        return;
    }
    if (res->status == 401 && renewable(r, m) && !m->auth_retried) {
        m->auth_retried = true;
        gen_auth_invalidate(&r->auth[m->q->workspace]);
        m->rec.retries++;
        m->st = M_READY;
        m->due_us = now;
        return;
    }
    if (retryable(res) && retry_later(m, res)) {
        m->st = M_READY;
        return;
    }
    finish(m, res->status >= 400 && res->status < 500 ? "rejected" : "error");
}

/* ---- polling ---- */

static void on_polled(void *ctx, const struct gen_response *res);
static void on_result(void *ctx, const struct gen_response *res);

static void send_get(struct msg *m, const char *auth, enum gk_route_id route,
                     gen_client_done *done)
{
    struct run *r = m->run;
    const struct gen_question *q = m->q;
    const struct gen_workspace *ws = &r->cfg->workspaces[q->workspace];
    struct gk_route_params p;
    char path[512], url[1024];
    struct gk_err err = {0};

    gk_routes_params_set(&p, ws->spaces[q->space].space_id, m->rec.conversation_id,
                         m->rec.message_id,
                         route == GK_ROUTE_GET_MESSAGE ? NULL : m->query_attachment, NULL);
    if (gk_routes_build(route, &p, path, sizeof path, NULL, &err) != GK_OK) {
        snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s", gk_err_str(&err));
        finish(m, "error");
        return;
    }
    snprintf(url, sizeof url, "%s%s", ws->host, path);
    struct gen_request req = {.method = "GET", .url = url, .authorization = auth,
                              .timeout_ms = r->cfg->request_timeout_us / 1000, .done = done,
                              .ctx = m};
    if (gen_client_send(r->http, &req, &err) != GK_OK) {
        snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s", gk_err_str(&err));
        finish(m, "error");
        return;
    }
    m->st = route == GK_ROUTE_GET_MESSAGE ? M_POLLING : M_FETCHING;
}

/* Copies what the record keeps from the final message. */
static void keep_answer(struct msg *m, const struct gk_message *msg)
{
    char ids[512] = "";
    m->rec.terminal_ms = msg->last_updated_timestamp;
    if (m->rec.created_ms == 0)
        m->rec.created_ms = msg->created_timestamp;
    for (size_t i = 0; i < msg->attachment_count; i++) {
        const struct gk_attachment *a = &msg->attachments[i];
        if (a->attachment_id != NULL && strlen(ids) + strlen(a->attachment_id) + 2 < sizeof ids)
            strcat(strcat(ids, ids[0] ? "," : ""), a->attachment_id);
        if (a->query != NULL) {
            free(m->rec.sql);
            m->rec.sql = a->query->query != NULL ? strdup(a->query->query) : NULL;
            if (a->query->query_result_metadata != NULL)
                m->rec.row_count = a->query->query_result_metadata->row_count;
            if (a->attachment_id != NULL)
                snprintf(m->query_attachment, sizeof m->query_attachment, "%s",
                         a->attachment_id);
        }
    }
    free(m->rec.attachment_ids);
    m->rec.attachment_ids = ids[0] ? strdup(ids) : NULL;
    if (msg->error != NULL) {
        snprintf(m->rec.error_type, sizeof m->rec.error_type, "%s",
                 msg->error->type != NULL ? msg->error->type : "");
        snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s",
                 msg->error->error != NULL ? msg->error->error : "");
    }
}

static void on_polled(void *ctx, const struct gen_response *res)
{
    struct msg *m = ctx;
    struct run *r = m->run;
    int64_t now = now_us(r);

    if (res->status == 200) {
        struct gk_message msg = {0};
        m->rec.polls++;
        m->attempt = 0;
        m->retry_since_us = 0;
        m->auth_retried = false;
        bool stalled = false;
        enum gen_poll_step next;
        if (gk_codec_decode_message(res->body, res->len, &msg, NULL) == GK_OK) {
            m->status = msg.status;
            next = gen_poll_seen(&m->poll, now, msg.status, &stalled);
            if (next == GEN_POLL_DONE) {
                keep_answer(m, &msg);
                gk_types_message_cleanup(&msg);
                if (r->cfg->fetch_results && m->query_attachment[0] != '\0' &&
                    m->status == GK_MSG_COMPLETED) {
                    m->st = M_WAITING_POLL;
                    m->due_us = now;
                    m->rec.result_rows = -2; /* marks "fetch the result next" */
                    return;
                }
                finish(m, "terminal");
                return;
            }
        } else {
            next = gen_poll_failed(&m->poll, now, &stalled);
        }
        if (stalled)
            GK_LOG_WARN("%s: message %s stalled in %s", m->rec.key, m->rec.message_id,
                        gk_types_msg_status_name(m->status));
        gk_types_message_cleanup(&msg);
        if (next == GEN_POLL_TIMEOUT) {
            finish(m, "timeout");
            return;
        }
        m->st = M_WAITING_POLL;
        m->due_us = m->poll.next_us;
        return;
    }
    note_error(m, res);
    if (res->status == 429 || retryable(res)) {
        if (res->status == 429)
            m->rec.throttled++;
        if (retry_later(m, res)) {
            m->st = M_WAITING_POLL;
            return;
        }
        finish(m, "error");
        return;
    }
    if (res->status == 401 && renewable(r, m) && !m->auth_retried) {
        m->auth_retried = true;
        gen_auth_invalidate(&r->auth[m->q->workspace]);
        m->rec.retries++;
        m->st = M_WAITING_POLL;
        m->due_us = now;
        return;
    }
    finish(m, "rejected");
}

static void on_result(void *ctx, const struct gen_response *res)
{
    struct msg *m = ctx;
    struct gk_statement_response s = {0};
    if (res->status == 200 &&
        gk_codec_decode_statement_response(res->body, res->len, &s, NULL) == GK_OK) {
        m->rec.result_rows = s.result != NULL ? (int64_t)s.result->row_count : 0;
        char cols[1024] = "";
        for (size_t i = 0; s.manifest != NULL && i < s.manifest->column_count; i++)
            if (s.manifest->columns[i].name != NULL &&
                strlen(cols) + strlen(s.manifest->columns[i].name) + 2 < sizeof cols)
                strcat(strcat(cols, cols[0] ? "," : ""), s.manifest->columns[i].name);
        m->rec.result_columns = cols[0] ? strdup(cols) : NULL;
    } else {
        m->rec.result_rows = -1;
    }
    gk_types_statement_response_cleanup(&s);
    finish(m, "terminal");
}

/* ---- the loop ---- */

/* Until workspace w may get a question at now (the hold, the pacer):
 * computed once per workspace per pass (-1 in ws_wait_us: not yet), as
 * hundreds of questions may be waiting for the same pacer. */
static int64_t ws_wait(struct run *r, size_t w, int64_t now)
{
    if (r->ws_wait_us[w] < 0) {
        int64_t p = gen_pacer_wait_us(&r->pacer[w], now);
        int64_t h = r->hold_until_us[w] - now;
        r->ws_wait_us[w] = p > h ? p : h > 0 ? h : 0;
    }
    return r->ws_wait_us[w];
}

static void step(struct run *r, int64_t now)
{
    const struct gen_config *cfg = r->cfg;
    for (size_t w = 0; w < cfg->workspace_count; w++)
        r->ws_wait_us[w] = -1;
    for (size_t i = 0; i < r->total; i++) {
        struct msg *m = &r->msgs[i];
        if (m->due_us > now)
            continue;
        size_t w = m->q->workspace;
        if (m->st == M_READY) {
            if (r->stopping || (m->posted_us == 0 && (int64_t)r->in_flight >= cfg->max_in_flight))
                continue;
            if (ws_wait(r, w, now) > 0)
                continue;
            const char *auth = gen_auth_header(&r->auth[w], r->http);
            if (auth == NULL) {
                if (r->auth[w].failed) {
                    snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s",
                             r->auth[w].error);
                    snprintf(m->rec.error_type, sizeof m->rec.error_type, "UNAUTHENTICATED");
                    finish(m, "error");
                }
                continue;
            }
            ask(m, auth);
            r->ws_wait_us[w] = -1; /* the POST moved the pacer */
        } else if (m->st == M_WAITING_POLL) {
            const char *auth = gen_auth_header(&r->auth[w], r->http);
            if (auth == NULL) {
                if (r->auth[w].failed) {
                    snprintf(m->rec.error_message, sizeof m->rec.error_message, "%s",
                             r->auth[w].error);
                    snprintf(m->rec.error_type, sizeof m->rec.error_type, "UNAUTHENTICATED");
                    finish(m, "error");
                }
                continue;
            }
            if (m->rec.result_rows == -2)
                send_get(m, auth, GK_ROUTE_GET_MESSAGE_ATTACHMENT_QUERY_RESULT, on_result);
            else
                send_get(m, auth, GK_ROUTE_GET_MESSAGE, on_polled);
        }
    }
}

/* Messages with a request out or a poll to come: what a stop waits for (a
 * question waiting to be asked again is not asked once stopping). */
static size_t busy(const struct run *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->total; i++)
        n += r->msgs[i].st == M_POSTING || r->msgs[i].st == M_POLLING ||
             r->msgs[i].st == M_WAITING_POLL || r->msgs[i].st == M_FETCHING;
    return n;
}

/* The earliest time something may happen, for the wait in libcurl. */
static int64_t next_due(struct run *r, int64_t now)
{
    int64_t next = now + 1000000;
    for (size_t w = 0; w < r->cfg->workspace_count; w++)
        r->ws_wait_us[w] = -1;
    for (size_t i = 0; i < r->total; i++) {
        const struct msg *m = &r->msgs[i];
        if (m->st != M_READY && m->st != M_WAITING_POLL)
            continue;
        int64_t t = m->due_us;
        if (m->st == M_READY && !r->stopping) {
            int64_t w = ws_wait(r, m->q->workspace, now);
            if (now + w > t)
                t = now + w;
        }
        if (t < next)
            next = t;
    }
    return next < now ? now : next;
}

static void progress(const struct run *r, FILE *tty, bool last)
{
    if (tty == NULL)
        return;
    double mins = (double)gk_clock_now_us(&r->clock) / 60e6;
    fprintf(tty, "\rgenie-gen: %zu/%zu done, %zu in flight, %.1f questions/min%s", r->done,
            r->total, r->in_flight, mins > 0 ? (double)gen_summary_posts(&r->sum) / mins : 0.0,
            last ? "\n" : "   ");
    fflush(tty);
}

/* ---- set-up: plan, resume ---- */

static void init_msgs(struct run *r)
{
    size_t conv = 0;
    for (size_t i = 0; i < r->total; i++) {
        const struct gen_question *q = &r->plan.questions[i];
        const struct gen_workspace *ws = &r->cfg->workspaces[q->workspace];
        struct msg *m = &r->msgs[i];
        if (q->turn == 0) {
            conv = i == 0 ? 0 : conv + 1;
            r->convs[conv].first = i;
            r->convs[conv].count = (size_t)q->turns;
        }
        m->run = r;
        m->q = q;
        m->conv = conv;
        m->st = q->turn == 0 ? M_READY : M_BLOCKED;
        m->status = GK_MSG_UNKNOWN;
        snprintf(m->rec.run_id, sizeof m->rec.run_id, "%s", r->run_id);
        snprintf(m->rec.key, sizeof m->rec.key, "%s", q->key);
        m->rec.workspace_id = ws->workspace_id;
        m->rec.space_id = ws->spaces[q->space].space_id;
        m->rec.kind = q->turn == 0 ? "start" : "follow_up";
        m->rec.question = q->text;
        m->rec.row_count = -1;
        m->rec.result_rows = -1;
    }
}

/* What earlier runs left: records are done, acknowledged POSTs are polled. */
static void apply_resume(struct run *r)
{
    for (size_t i = 0; i < r->total; i++) {
        struct msg *m = &r->msgs[i];
        struct conv *c = &r->convs[m->conv];
        const struct gen_output_entry *e = gen_output_find(&r->out, m->q->key);
        const struct gen_output_entry *ack = e != NULL && e->acked ? e : NULL;
        if (e != NULL && e->done) {
            enum gk_msg_status st = e->status;
            m->st = M_DONE;
            m->status = st;
            r->done++;
            if (m->q->turn == 0 && e->conversation_id[0] != '\0')
                snprintf(c->conversation_id, sizeof c->conversation_id, "%s",
                         e->conversation_id);
            if (follows(r, st) && (size_t)m->q->turn + 1 < c->count && m[1].st == M_BLOCKED)
                m[1].st = M_READY;
            continue;
        }
        if (ack != NULL) {
            snprintf(m->rec.conversation_id, sizeof m->rec.conversation_id, "%s",
                     ack->conversation_id);
            snprintf(m->rec.message_id, sizeof m->rec.message_id, "%s", ack->message_id);
            m->rec.created_ms = ack->created_ms;
            if (m->q->turn == 0)
                snprintf(c->conversation_id, sizeof c->conversation_id, "%s",
                         ack->conversation_id);
            m->posted_us = 1;
            r->in_flight++;
            start_polling(m, now_us(r), GK_MSG_UNKNOWN);
        }
    }
    /* A turn that ended its conversation, killed before the turns after it
     * got their "skipped" records: they get them now (else they would wait
     * for a turn that never comes, and the run would never end). */
    for (size_t i = 0; i + 1 < r->total; i++) {
        const struct msg *m = &r->msgs[i];
        if (m->st == M_DONE && r->msgs[i + 1].st == M_BLOCKED && m[1].conv == m->conv &&
            !follows(r, m->status))
            skip_rest(r, m, gk_lifecycle_is_terminal(m->status) ? "previous turn did not complete"
                                                                : "previous turn failed");
    }
}

/* At the real time scale an earlier run whose newest acknowledgement is
 * older than this cannot have asked anything in the last window (the
 * margin is for the server's clock differing from ours). */
#define RESUME_QUIET_MS (6 * 60 * INT64_C(1000))

/*
 * The earlier run's POSTs count against the window but are not in the new
 * pacers, and the state journal cannot say when they went out: it has the
 * server's created_timestamp of those acknowledged, none for a POST cut
 * short by the crash, and the server's clock relates to ours only at the
 * real time scale (a mock runs its faster clock from its own start). So a
 * workspace the earlier run asked in waits one whole window before its
 * first question, unless, at the real time scale, its newest
 * acknowledgement is long past. Costs at most a minute per restart.
 */
static void hold_after_resume(struct run *r)
{
    int64_t now = now_us(r), wall = now_ms(r);
    for (size_t w = 0; w < r->cfg->workspace_count; w++) {
        bool asked = false;
        int64_t newest = 0;
        for (size_t i = 0; i < r->total; i++) {
            const struct gen_output_entry *e = gen_output_find(&r->out, r->msgs[i].q->key);
            if (r->msgs[i].q->workspace != w || e == NULL || !e->acked)
                continue;
            asked = true;
            if (e->created_ms > newest)
                newest = e->created_ms;
        }
        if (!asked || (r->cfg->time_scale == 1 && newest > 0 && wall - newest > RESUME_QUIET_MS))
            continue;
        r->hold_until_us[w] = now + GEN_PACER_WINDOW_US;
        GK_LOG_INFO("workspace %s: resuming; its first question waits %.0f s, as the last run "
                    "may have asked its limit just before it stopped",
                    r->cfg->workspaces[w].workspace_id, (double)GEN_PACER_WINDOW_US / 1e6);
    }
}

static void cleanup(struct run *r)
{
    for (size_t i = 0; r->msgs != NULL && i < r->total; i++) {
        free(r->msgs[i].rec.sql);
        free(r->msgs[i].rec.attachment_ids);
        free(r->msgs[i].rec.result_columns);
    }
    free(r->msgs);
    free(r->convs);
    for (size_t i = 0; r->pacer != NULL && i < r->cfg->workspace_count; i++)
        gen_pacer_cleanup(&r->pacer[i]);
    free(r->pacer);
    free(r->hold_until_us);
    free(r->ws_wait_us);
    free(r->auth);
    gen_client_free(r->http);
    gen_output_close(&r->out, NULL);
    gen_summary_cleanup(&r->sum);
    gen_plan_cleanup(&r->plan);
    gen_banks_cleanup(&r->banks);
}

enum gk_rc gen_run(const struct gen_run_opts *o, struct gk_err *err)
{
    struct gen_config *cfg = o->cfg;
    struct run r = {.cfg = cfg};
    enum gk_rc rc;

    gen_summary_init(&r.sum);
    r.out.records_fd = r.out.state_fd = -1;

    if ((rc = gk_clock_init(&r.clock, cfg->time_scale > 0 ? cfg->time_scale : 1, err)) != GK_OK)
        return gk_err_prefix(err, "time_scale");
    gk_rng_init(&r.rng, (uint64_t)cfg->seed ^ gk_rng_random_seed());
    snprintf(r.run_id, sizeof r.run_id, "%016llx%016llx",
             (unsigned long long)gk_rng_random_seed(), (unsigned long long)gk_rng_random_seed());
    if ((rc = gen_client_new(cfg->cacert, "genie-gen/1.0 geniekit", &r.http, err)) != GK_OK)
        return rc;
    r.auth = calloc(cfg->workspace_count + 1, sizeof *r.auth);
    r.pacer = calloc(cfg->workspace_count + 1, sizeof *r.pacer);
    r.hold_until_us = calloc(cfg->workspace_count + 1, sizeof *r.hold_until_us);
    r.ws_wait_us = calloc(cfg->workspace_count + 1, sizeof *r.ws_wait_us);
    if (r.auth == NULL || r.pacer == NULL || r.hold_until_us == NULL || r.ws_wait_us == NULL) {
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
        goto out;
    }
    for (size_t i = 0; i < cfg->workspace_count; i++) {
        gen_auth_init(&r.auth[i], &cfg->workspaces[i], cfg->request_timeout_us / 1000, now_us,
                      &r);
        if ((rc = gen_pacer_init(&r.pacer[i], cfg->rate_per_min, err)) != GK_OK)
            goto out;
    }
    if ((rc = gen_discover(cfg, r.http, r.auth, &r.clock, cfg->request_timeout_us / 1000,
                           err)) != GK_OK ||
        (rc = gen_banks_load(&r.banks, cfg->questions_dir, err)) != GK_OK ||
        (rc = gen_plan_build(&r.plan, cfg, &r.banks, err)) != GK_OK ||
        (rc = gen_poll_policy_from_config(&r.policy, cfg, err)) != GK_OK)
        goto out;
    if (cfg->dry_run) {
        rc = gen_plan_print(stdout, &r.plan, cfg, GEN_PLAN_ANSWER_US, false, err);
        goto out;
    }
    r.total = r.plan.count;
    r.msgs = calloc(r.total + 1, sizeof *r.msgs);
    r.convs = calloc(r.plan.conversations + 1, sizeof *r.convs);
    if (r.msgs == NULL || r.convs == NULL) {
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
        goto out;
    }
    init_msgs(&r);
    if ((rc = gen_output_open_config(&r.out, cfg, err)) != GK_OK)
        goto out;
    apply_resume(&r);
    hold_after_resume(&r);

    int64_t last_progress = 0;
    while (r.done < r.total && r.fatal.rc == GK_OK) {
        int64_t real = gk_clock_system_mono_us();
        if (o->interrupted != NULL && *o->interrupted && !r.stopping) {
            r.stopping = true;
            r.stop_deadline_us = real + (int64_t)(cfg->grace_s * 1e6);
            GK_LOG_INFO("interrupted: no new questions; waiting up to %.0f s for %zu in "
                        "flight",
                        cfg->grace_s, busy(&r));
        }
        if (r.stopping && (busy(&r) == 0 || real >= r.stop_deadline_us))
            break;
        int64_t now = now_us(&r);
        step(&r, now);
        int64_t wait_us = gk_clock_real_sleep_us(&r.clock, next_due(&r, now) - now_us(&r));
        if (wait_us >= 1000) {
            gen_client_poll(r.http, wait_us > 200000 ? 200 : (int)(wait_us / 1000));
        } else {
            /* libcurl waits in whole milliseconds, seconds of the clock at a
             * high time scale: the rest of a wait is slept, so the loop
             * neither spins on it nor sends late (an answer that comes
             * meanwhile waits less than a millisecond). The sleep ends
             * 60 us early, as nanosleep overruns by about the timer slack
             * (50 us); the loop polls through the rest. */
            struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(wait_us - 60) * 1000};
            if (wait_us > 60)
                nanosleep(&ts, NULL);
            gen_client_poll(r.http, 0);
        }
        if (real - last_progress > 250000) {
            progress(&r, o->progress, false);
            last_progress = real;
        }
    }
    progress(&r, o->progress, true);
    if (r.fatal.rc != GK_OK) {
        rc = r.fatal.rc;
        if (err != NULL && err->rc == GK_OK)
            *err = r.fatal;
    } else if (r.stopping && r.done < r.total) {
        rc = gk_err_set(err, GK_DEADLINE_EXCEEDED,
                        "interrupted with %zu of %zu messages done; run again to resume",
                        r.done, r.total);
    }
    (void)gen_summary_print(&r.sum, stderr, NULL);
    if (cfg->summary != NULL) {
        struct gk_err serr = {0};
        if (gen_summary_write(&r.sum, cfg->summary, &serr) != GK_OK)
            GK_LOG_ERROR("%s", gk_err_str(&serr));
    }
out:
    cleanup(&r);
    return rc;
}
