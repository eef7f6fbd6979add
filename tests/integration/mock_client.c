/*
 * mock_client: the simulated client. The run is a loop over "what is due
 * now": questions whose workspace may ask again, polls whose time has come,
 * query results to fetch; then the clock jumps to the earliest next due
 * time. A Retry-After holds the whole route (kind) for that workspace's
 * principal, as the mock's client report reads it.
 */
#include "tests/integration/mock_client.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const questions[] = {
    "What were total sales by region last month?",
    "Which 10 customers spent the most this year?",
    "How many orders were returned each month in 2025?",
    "What is the average order value by channel?",
    "Show the trend of revenue over the last 12 months",
    "Which products sold the most units last quarter?",
    "Count of records by status",
};
#define QUESTIONS (sizeof questions / sizeof questions[0])

struct mc *mc_new(struct mock *m, const struct mc_opts *o)
{
    struct mc *c = calloc(1, sizeof *c);
    cr_assert_not_null(c);
    c->m = m;
    c->o = *o;
    if (c->o.workspaces == 0)
        c->o.workspaces = 1;
    cr_assert_leq(c->o.workspaces, m->ws_count);
    cr_assert_leq(c->o.workspaces, MC_MAX_WS);
    cr_assert_leq(c->o.questions, MC_MAX_MSGS);
    if (c->o.question_gap_ms == 0)
        c->o.question_gap_ms = 13000;
    if (c->o.poll_first_ms == 0)
        c->o.poll_first_ms = 1000;
    if (c->o.poll_factor == 0)
        c->o.poll_factor = 2;
    if (c->o.poll_max_ms == 0)
        c->o.poll_max_ms = 60000;
    if (c->o.give_up_ms == 0)
        c->o.give_up_ms = 600000;
    for (size_t k = 0; k < MC_KINDS; k++)
        for (size_t s = 0; s < MC_STATUS; s++)
            c->st.ra_min[k][s] = INT64_MAX, c->st.ra_max[k][s] = -1;
    int64_t now = h_now_ms(m);
    for (size_t w = 0; w < c->o.workspaces; w++)
        c->next_post_ms[w] = now;
    return c;
}

void mc_free(struct mc *c)
{
    free(c);
}

/* ---- one request ---- */

static bool is_error_envelope(const struct h_reply *r)
{
    char type[128], rid[64];
    return h_header(r, "Content-Type", type, sizeof type) != NULL &&
           strcmp(type, "application/json") == 0 && cJSON_IsObject(r->json) &&
           cJSON_GetArraySize(r->json) == 2 && h_str(r, "error_code") != NULL &&
           h_str(r, "error_code")[0] != '\0' && h_str(r, "message") != NULL &&
           h_str(r, "message")[0] != '\0' &&
           h_header(r, "X-Request-Id", rid, sizeof rid) != NULL && strlen(rid) == 36;
}

/* Counts the reply; returns its Retry-After in seconds, or -1. */
static int64_t account(struct mc *c, size_t ws, enum mc_kind k, const struct h_reply *r)
{
    struct mc_stats *st = &c->st;
    int s = r->status >= 0 && r->status < MC_STATUS ? (int)r->status : 0;
    char ra[32];
    int64_t secs = -1;

    st->sent[k]++;
    st->status[k][s]++;
    if (s < 400)
        return -1;
    if (!is_error_envelope(r) && st->bad_envelope++ == 0)
        snprintf(st->first_bad, sizeof st->first_bad, "kind %d, HTTP %d: %.400s", (int)k,
                 s, r->body);
    if (h_str(r, "error_code") != NULL)
        snprintf(st->code[k][s], sizeof st->code[k][s], "%s", h_str(r, "error_code"));
    if (h_header(r, "Retry-After", ra, sizeof ra) != NULL) {
        secs = strtoll(ra, NULL, 10);
        st->retry_after[k][s]++;
        if (secs < st->ra_min[k][s])
            st->ra_min[k][s] = secs;
        if (secs > st->ra_max[k][s])
            st->ra_max[k][s] = secs;
        c->hold_ms[ws][k] = h_now_ms(c->m) + secs * 1000;
    }
    return secs;
}

static const char *dev_token(const struct mc *c, size_t ws)
{
    return h_token(c->m, ws, 0);
}

/* The message JSON's status, times, error and query attachment into mm. */
static void seen(struct mc_msg *mm, const cJSON *msg)
{
    const char *st = h_jstr(msg, "status");
    enum gk_msg_status s = gk_types_msg_status_from_name(st);
    cr_assert_lt((unsigned)s, GK_MSG_STATUS_COUNT, "unknown status %s", st);
    const cJSON *lu = cJSON_GetObjectItem(msg, "last_updated_timestamp");
    const cJSON *ct = cJSON_GetObjectItem(msg, "created_timestamp");
    cr_assert(cJSON_IsNumber(lu) && cJSON_IsNumber(ct));
    mm->status = s;
    mm->created_ts = (int64_t)ct->valuedouble;
    if (mm->entered[s] < 0)
        mm->entered[s] = (int64_t)lu->valuedouble;
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(msg, "attachments"))
    {
        if (cJSON_GetObjectItem(a, "query") != NULL)
            snprintf(mm->query_att, sizeof mm->query_att, "%s",
                     h_jstr(a, "attachment_id"));
    }
    const cJSON *err = cJSON_GetObjectItem(msg, "error");
    if (err != NULL)
        snprintf(mm->error_type, sizeof mm->error_type, "%s", h_jstr(err, "type"));
    if (s == GK_MSG_COMPLETED || s == GK_MSG_FAILED || s == GK_MSG_CANCELLED ||
        s == GK_MSG_QUERY_RESULT_EXPIRED) {
        mm->done = true;
        mm->done_ts = (int64_t)lu->valuedouble;
    }
}

static void ask(struct mc *c, size_t ws)
{
    const struct mock_workspace *w = c->m->ws[ws].def;
    size_t i = c->asked[ws] * c->o.workspaces + ws;
    const char *space = w->spaces[c->asked[ws] % w->space_count];
    char path[160], body[256];
    int64_t now = h_now_ms(c->m);

    snprintf(path, sizeof path, "/api/2.0/genie/spaces/%s/start-conversation", space);
    snprintf(body, sizeof body, "{\"content\":\"%s\"}", questions[i % QUESTIONS]);
    struct h_reply r = h_req(c->m, ws, "POST", path, body, dev_token(c, ws));
    int64_t ra = account(c, ws, MC_POST, &r);
    if (r.status == 200) {
        cr_assert_lt(c->n, MC_MAX_MSGS);
        struct mc_msg *mm = &c->msgs[c->n++];
        memset(mm, 0, sizeof *mm);
        for (int s = 0; s < GK_MSG_STATUS_COUNT; s++)
            mm->entered[s] = -1;
        mm->ws = ws;
        snprintf(mm->space, sizeof mm->space, "%s", space);
        snprintf(mm->ids.conv, sizeof mm->ids.conv, "%s", h_str(&r, "conversation_id"));
        snprintf(mm->ids.msg, sizeof mm->ids.msg, "%s", h_str(&r, "message_id"));
        mm->posted_ms = now;
        mm->wait_ms = c->o.poll_first_ms;
        mm->next_poll_ms = now + mm->wait_ms;
        seen(mm, cJSON_GetObjectItem(r.json, "message"));
        c->asked[ws]++;
        c->next_post_ms[ws] = now + c->o.question_gap_ms;
    } else {
        c->next_post_ms[ws] = ra >= 0 ? now + ra * 1000 : now + c->o.question_gap_ms;
    }
    h_free(&r);
}

static void poll(struct mc *c, struct mc_msg *mm)
{
    int64_t now = h_now_ms(c->m);
    struct h_reply r =
        h_get_message(c->m, mm->ws, mm->space, &mm->ids, dev_token(c, mm->ws));
    int64_t ra = account(c, mm->ws, MC_POLL, &r);
    mm->polls++;
    if (r.status == 200) {
        seen(mm, r.json);
        mm->result_due = mm->done && c->o.fetch_results &&
                         mm->status == GK_MSG_COMPLETED && mm->query_att[0] != '\0';
        mm->next_poll_ms = now + mm->wait_ms;
        double next = (double)mm->wait_ms * c->o.poll_factor;
        mm->wait_ms = next > (double)c->o.poll_max_ms ? c->o.poll_max_ms : (int64_t)next;
    } else if (r.status >= 400 && r.status < 500 && r.status != 429) {
        mm->gave_up = true; /* never repeat a 4xx unchanged */
    } else {
        mm->next_poll_ms = ra >= 0 ? now + ra * 1000 : now + mm->wait_ms;
    }
    if (!mm->done && mm->next_poll_ms - mm->posted_ms > c->o.give_up_ms)
        mm->gave_up = true;
    h_free(&r);
}

static void fetch_result(struct mc *c, struct mc_msg *mm)
{
    char path[384];
    snprintf(path, sizeof path,
             "/api/2.0/genie/spaces/%s/conversations/%s/messages/%s/attachments/%s/"
             "query-result",
             mm->space, mm->ids.conv, mm->ids.msg, mm->query_att);
    struct h_reply r = h_req(c->m, mm->ws, "GET", path, NULL, dev_token(c, mm->ws));
    (void)account(c, mm->ws, MC_RESULT, &r);
    mm->result_due = false;
    mm->result_status = r.status;
    const cJSON *st = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "statement_response"), "status"),
        "state");
    snprintf(mm->result_state, sizeof mm->result_state, "%s",
             cJSON_IsString(st) ? st->valuestring : "");
    h_free(&r);
}

/* ---- the run ---- */

static bool live(const struct mc_msg *mm)
{
    return !mm->done && !mm->gave_up;
}

static int64_t later(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* When workspace ws may next ask (INT64_MAX: it is done asking). */
static int64_t post_due(const struct mc *c, size_t ws)
{
    size_t quota =
        c->o.questions / c->o.workspaces + (ws < c->o.questions % c->o.workspaces);
    if (c->asked[ws] >= quota)
        return INT64_MAX;
    return later(c->next_post_ms[ws], c->hold_ms[ws][MC_POST]);
}

static int64_t poll_due(const struct mc *c, const struct mc_msg *mm)
{
    if (mm->result_due)
        return c->hold_ms[mm->ws][MC_RESULT];
    if (!live(mm))
        return INT64_MAX;
    return later(mm->next_poll_ms, c->hold_ms[mm->ws][MC_POLL]);
}

void mc_run(struct mc *c)
{
    for (;;) {
        int64_t now = h_now_ms(c->m), next = INT64_MAX;
        for (size_t w = 0; w < c->o.workspaces; w++)
            if (post_due(c, w) <= now)
                ask(c, w);
        for (size_t i = 0; i < c->n; i++) {
            struct mc_msg *mm = &c->msgs[i];
            if (poll_due(c, mm) <= now) {
                if (mm->result_due)
                    fetch_result(c, mm);
                else
                    poll(c, mm);
            }
            /* A result is fetched as soon as the route allows. */
            if (mm->result_due && poll_due(c, mm) <= now)
                fetch_result(c, mm);
        }
        for (size_t w = 0; w < c->o.workspaces; w++)
            if (post_due(c, w) < next)
                next = post_due(c, w);
        for (size_t i = 0; i < c->n; i++)
            if (poll_due(c, &c->msgs[i]) < next)
                next = poll_due(c, &c->msgs[i]);
        if (next == INT64_MAX)
            return;
        if (next > now)
            h_advance_ms(c->m, next - now);
    }
}

/* ---- results ---- */

size_t mc_count_status(const struct mc *c, enum gk_msg_status s)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->msgs[i].done && c->msgs[i].status == s;
    return n;
}

size_t mc_count_gave_up(const struct mc *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->msgs[i].gave_up;
    return n;
}

int64_t mc_sent(const struct mc *c, enum mc_kind k)
{
    return c->st.sent[k];
}

int64_t mc_got(const struct mc *c, enum mc_kind k, int status)
{
    return status >= 0 && status < MC_STATUS ? c->st.status[k][status] : 0;
}

void mc_expect_errors(const struct mc *c, enum mc_kind k, int status,
                      const char *error_code, int64_t retry_after_s)
{
    const struct mc_stats *st = &c->st;
    int64_t n = mc_got(c, k, status);
    cr_assert_eq(st->bad_envelope, 0,
                 "%lld error replies without the envelope, first: %s",
                 (long long)st->bad_envelope, st->first_bad);
    if (n == 0)
        return;
    cr_assert_str_eq(st->code[k][status], error_code, "kind %d HTTP %d", (int)k, status);
    if (retry_after_s < 0) {
        cr_assert_eq(st->retry_after[k][status], 0, "kind %d HTTP %d: a Retry-After",
                     (int)k, status);
        return;
    }
    cr_assert_eq(st->retry_after[k][status], n,
                 "kind %d HTTP %d: %lld of %lld with Retry-After", (int)k, status,
                 (long long)st->retry_after[k][status], (long long)n);
    cr_assert_eq(st->ra_min[k][status], retry_after_s);
    cr_assert_eq(st->ra_max[k][status], retry_after_s);
}
