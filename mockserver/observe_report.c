/*
 * observe_report: per (workspace, principal), what a Genie client should not
 * do (DESIGN.md "Client report"; the counts are MOCK_REPORT_MAP).
 *
 * State, in maps keyed by workspace and principal ("(unauthenticated)" when
 * the request had none) plus:
 *   principals  counts and up to EXAMPLES_PER_KIND examples of each kind;
 *   messages    + message id: what the principal was last shown of the
 *               message (question POST reply, then get_message replies),
 *               when it was created, when it ends, when it was last polled
 *               and last answered;
 *   retry       + route: until when the last Retry-After told it to wait;
 *   rejected    + request hash: requests answered 400, 403 or 404;
 *   deleted     (workspace, "c"/"m", id): conversations and messages the
 *               client deleted, which it therefore did not abandon.
 * The mock's own endpoints (/__admin/..., /metrics) are not client traffic
 * and are not looked at.
 *
 * Rules (all on the mock clock, now_us):
 *   fast_polls        a get_message less than 1 s after the previous poll of
 *                     the same message that was answered with the message
 *                     (so an SDK retrying a 503 quickly is not a fast poll,
 *                     but polling a message twice in a second is);
 *   ignored_retry_after  a request to a route before the Retry-After the
 *                     principal last got on that route elapsed; each one;
 *   repeated_4xx      a request whose hash equals one answered 400/403/404
 *                     earlier for this principal; each repeat (hash 0 means
 *                     "not computed" and is never compared);
 *   over_question_limit  events flagged question_throttled;
 *   abandoned         computed when the report is asked for: a message the
 *                     principal created with a question POST whose last
 *                     shown status is not terminal, and which it did not
 *                     delete: when final, always; otherwise once it has been
 *                     terminal for more than 2 minutes and nobody polled it
 *                     in the last 2 minutes;
 *   polled_past_10m   a message polled more than 600 s after its creation
 *                     (known from the POST, or from a get_message event that
 *                     carries message_created_us > 0); once per message.
 */
#include "mockserver/observe_internal.h"

#include "common/codec_write.h"
#include "common/lifecycle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNAUTHENTICATED   "(unauthenticated)"
#define EXAMPLES_PER_KIND 2
#define EXAMPLE_MAX       320
#define FAST_POLL_US      MOCK_OBS_US_PER_S
#define POLL_BUDGET_US    (600 * MOCK_OBS_US_PER_S)
#define ABANDON_AFTER_US  (120 * MOCK_OBS_US_PER_S)

static const char *const kind_names[] = {
#define KIND_NAME(field, what) #field,
    MOCK_REPORT_MAP(KIND_NAME)
#undef KIND_NAME
};
static const char *const kind_help[] = {
#define KIND_HELP(field, what) what,
    MOCK_REPORT_MAP(KIND_HELP)
#undef KIND_HELP
};

struct principal {
    const char *workspace_id, *name; /* in the key */
    size_t index;                    /* order of first request */
    int64_t requests, questions;
    int64_t counts[MOCK_OBS_KIND_COUNT]; /* abandoned: computed at report time */
    int examples_of[MOCK_OBS_KIND_COUNT];
    size_t examples_count;
    char *examples[MOCK_OBS_KIND_COUNT * EXAMPLES_PER_KIND];
};

struct message {
    struct principal *owner;
    const char *workspace_id, *message_id; /* in the key */
    char *conversation_id;                 /* from the POST, or NULL */
    bool by_post;                          /* created by this principal's question POST */
    bool shown;                            /* last_shown holds a status it was sent */
    bool created_known;
    bool past_10m; /* counted in polled_past_10m */
    enum gk_msg_status last_shown;
    int64_t created_us, terminal_us;
    int64_t last_poll_us;   /* any get_message; -1 none */
    int64_t last_answer_us; /* get_message answered with the message; -1 none */
};

struct retry {
    int64_t from_us, until_us, seconds;
};

struct rejected {
    int status;
};

static void principal_free_inner(void *value)
{
    struct principal *p = value;
    for (size_t i = 0; i < p->examples_count; i++)
        free(p->examples[i]);
}

static void message_free_inner(void *value)
{
    struct message *m = value;
    free(m->conversation_id);
}

void mock_obs_report_clear(struct mock_observe *ob)
{
    mock_obs_map_clear(&ob->principals, principal_free_inner);
    mock_obs_map_clear(&ob->messages, message_free_inner);
    mock_obs_map_clear(&ob->retry, NULL);
    mock_obs_map_clear(&ob->rejected, NULL);
    mock_obs_map_clear(&ob->deleted, NULL);
}

/* ---- recording ---- */

static void example_add(struct mock_observe *ob, struct principal *p,
                        enum mock_obs_kind k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Counts one violation of kind k and keeps the example text if there is
 * room for one more of that kind. */
static void example_add(struct mock_observe *ob, struct principal *p,
                        enum mock_obs_kind k, const char *fmt, ...)
{
    char text[EXAMPLE_MAX];
    va_list ap;
    int n = snprintf(text, sizeof text, "%s: ", kind_names[k]);

    p->counts[k]++;
    if (p->examples_of[k] >= EXAMPLES_PER_KIND)
        return;
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
    va_end(ap);
    mock_obs_sanitize(text, true);
    char *copy = strdup(text);
    if (copy == NULL) {
        ob->dropped[MOCK_OBS_DROP_report]++;
        return;
    }
    p->examples[p->examples_count++] = copy;
    p->examples_of[k]++;
}

static struct message *message_get(struct mock_observe *ob, struct principal *p,
                                   const char *message_id)
{
    bool created;
    struct message *m = mock_obs_map_put(
        &ob->messages, (const char *const[]){p->workspace_id, p->name, message_id}, 3,
        sizeof *m, &created);
    if (m == NULL) {
        ob->dropped[MOCK_OBS_DROP_report]++;
        return NULL;
    }
    if (created) {
        m->owner = p;
        m->workspace_id = mock_obs_map_key(m, sizeof *m, 0);
        m->message_id = mock_obs_map_key(m, sizeof *m, 2);
        m->terminal_us = INT64_MAX;
        m->last_poll_us = m->last_answer_us = -1;
    }
    return m;
}

static void message_shown(struct message *m, const struct mock_event *ev)
{
    m->shown = true;
    m->last_shown = ev->message_status;
    m->terminal_us = ev->message_terminal_us;
}

static void question_post(struct mock_observe *ob, struct principal *p,
                          const struct mock_event *ev)
{
    if (!ev->has_message || ev->message_id == NULL || ev->message_id[0] == '\0')
        return;
    struct message *m = message_get(ob, p, ev->message_id);
    if (m == NULL)
        return;
    m->by_post = true;
    m->created_known = true;
    m->created_us = ev->message_created_us;
    if (ev->conversation_id != NULL && m->conversation_id == NULL &&
        (m->conversation_id = strdup(ev->conversation_id)) == NULL)
        ob->dropped[MOCK_OBS_DROP_report]++;
    message_shown(m, ev);
}

static void message_polled(struct mock_observe *ob, struct principal *p,
                           const struct mock_event *ev)
{
    char gap[32], age[32];
    struct message *m = message_get(ob, p, ev->message_id);
    if (m == NULL)
        return;
    if (m->last_answer_us >= 0 && ev->now_us - m->last_answer_us < FAST_POLL_US) {
        mock_obs_seconds(ev->now_us - m->last_answer_us, gap);
        example_add(ob, p, MOCK_OBS_KIND_fast_polls,
                    "message %s polled %s s after the previous poll", m->message_id, gap);
    }
    m->last_poll_us = ev->now_us;
    if (ev->has_message) {
        m->last_answer_us = ev->now_us;
        message_shown(m, ev);
        if (!m->created_known && ev->message_created_us > 0) {
            m->created_known = true;
            m->created_us = ev->message_created_us;
        }
    }
    if (m->created_known && !m->past_10m && ev->now_us - m->created_us > POLL_BUDGET_US) {
        m->past_10m = true;
        mock_obs_seconds(ev->now_us - m->created_us, age);
        example_add(ob, p, MOCK_OBS_KIND_polled_past_10m,
                    "message %s polled %s s after it was created", m->message_id, age);
    }
}

static void retry_after(struct mock_observe *ob, struct principal *p,
                        const struct mock_event *ev, const char *route)
{
    const char *const key[] = {p->workspace_id, p->name, route};
    char early[32], waited[32];
    bool created;
    struct retry *r = mock_obs_map_get(&ob->retry, key, 3);

    if (r != NULL && ev->now_us < r->until_us) {
        mock_obs_seconds(ev->now_us - r->from_us, waited);
        mock_obs_seconds(r->until_us - ev->now_us, early);
        example_add(ob, p, MOCK_OBS_KIND_ignored_retry_after,
                    "%s sent %s s after a Retry-After of %" PRId64 " s (%s s early)",
                    route, waited, r->seconds, early);
    }
    if (ev->retry_after_s < 0)
        return;
    r = mock_obs_map_put(&ob->retry, key, 3, sizeof *r, &created);
    if (r == NULL) {
        ob->dropped[MOCK_OBS_DROP_report]++;
        return;
    }
    int64_t s = ev->retry_after_s;
    r->from_us = ev->now_us;
    r->seconds = s;
    r->until_us = s > (INT64_MAX - (ev->now_us > 0 ? ev->now_us : 0)) / MOCK_OBS_US_PER_S
                      ? INT64_MAX
                      : ev->now_us + s * MOCK_OBS_US_PER_S;
}

static void repeated(struct mock_observe *ob, struct principal *p,
                     const struct mock_event *ev)
{
    char hash[17];
    bool created;

    if (ev->request_hash == 0)
        return;
    snprintf(hash, sizeof hash, "%016" PRIx64, ev->request_hash);
    const char *const key[] = {p->workspace_id, p->name, hash};
    struct rejected *r = mock_obs_map_get(&ob->rejected, key, 3);
    if (r != NULL)
        example_add(ob, p, MOCK_OBS_KIND_repeated_4xx,
                    "%s %s repeated unchanged after a %d (request_id %s)",
                    ev->method != NULL ? ev->method : "?",
                    ev->path != NULL ? ev->path : "?", r->status,
                    ev->request_id != NULL ? ev->request_id : "none");
    if (r != NULL || (ev->status != 400 && ev->status != 403 && ev->status != 404))
        return;
    r = mock_obs_map_put(&ob->rejected, key, 3, sizeof *r, &created);
    if (r == NULL) {
        ob->dropped[MOCK_OBS_DROP_report]++;
        return;
    }
    r->status = ev->status;
}

static void deleted(struct mock_observe *ob, const char *ws, const char *what,
                    const char *id)
{
    bool created;
    if (id != NULL && id[0] != '\0' &&
        mock_obs_map_put(&ob->deleted, (const char *const[]){ws, what, id}, 3, 1,
                         &created) == NULL)
        ob->dropped[MOCK_OBS_DROP_report]++;
}

void mock_obs_report_add(struct mock_observe *ob, const struct mock_event *ev)
{
    const char *ws = ev->workspace_id != NULL ? ev->workspace_id : "";
    const char *name = ev->principal != NULL ? ev->principal : UNAUTHENTICATED;
    const char *route = mock_obs_route_label(ev);
    char at[32];
    bool created;

    if (mock_obs_is_admin(ev))
        return;
    struct principal *p = mock_obs_map_put(
        &ob->principals, (const char *const[]){ws, name}, 2, sizeof *p, &created);
    if (p == NULL) {
        ob->dropped[MOCK_OBS_DROP_report]++;
        return;
    }
    if (created) {
        p->workspace_id = mock_obs_map_key(p, sizeof *p, 0);
        p->name = mock_obs_map_key(p, sizeof *p, 1);
        p->index = ob->principals.count - 1;
    }
    p->requests++;
    if (gk_routes_is_question(ev->route))
        p->questions++;

    retry_after(ob, p, ev, route);
    repeated(ob, p, ev);
    if (ev->question_throttled) {
        mock_obs_seconds(ev->now_us, at);
        example_add(ob, p, MOCK_OBS_KIND_over_question_limit,
                    "%s refused with %d at clock %s s", route, ev->status, at);
    }
    if (gk_routes_is_question(ev->route))
        question_post(ob, p, ev);
    else if (ev->route == GK_ROUTE_GET_MESSAGE && ev->message_id != NULL &&
             ev->message_id[0] != '\0')
        message_polled(ob, p, ev);
    if (ev->status >= 200 && ev->status <= 299) {
        if (ev->route == GK_ROUTE_DELETE_CONVERSATION)
            deleted(ob, ws, "c", ev->conversation_id);
        else if (ev->route == GK_ROUTE_DELETE_CONVERSATION_MESSAGE)
            deleted(ob, ws, "m", ev->message_id);
    }
}

/* ---- the report ---- */

struct row {
    const struct principal *p;
    int64_t abandoned, total;
    int examples;
    char example[EXAMPLES_PER_KIND][EXAMPLE_MAX];
};

static bool is_abandoned(const struct mock_observe *ob, const struct message *m,
                         int64_t now_us, bool final)
{
    if (!m->by_post || !m->shown || gk_lifecycle_is_terminal(m->last_shown))
        return false;
    if (mock_obs_map_get(&ob->deleted,
                         (const char *const[]){m->workspace_id, "m", m->message_id},
                         3) != NULL ||
        (m->conversation_id != NULL &&
         mock_obs_map_get(&ob->deleted,
                          (const char *const[]){m->workspace_id, "c", m->conversation_id},
                          3) != NULL))
        return false;
    if (final)
        return true;
    return m->terminal_us != INT64_MAX && m->terminal_us < now_us - ABANDON_AFTER_US &&
           m->last_poll_us < now_us - ABANDON_AFTER_US;
}

static int row_cmp(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    int r = strcmp(a->p->name, b->p->name);
    return r != 0 ? r : strcmp(a->p->workspace_id, b->p->workspace_id);
}

/* One row per principal, abandoned messages counted, sorted by principal
 * then workspace; NULL when out of memory (or no principals: *n == 0). */
static struct row *rows_new(const struct mock_observe *ob, int64_t now_us, bool final,
                            size_t *n, int64_t *violations)
{
    char at[32], ended[64];
    *n = ob->principals.count;
    *violations = 0;
    if (*n == 0)
        return NULL;
    struct row *rows = calloc(*n, sizeof *rows);
    if (rows == NULL)
        return NULL;
    for (size_t i = 0; i < *n; i++)
        rows[i].p = ob->principals.entries[i].value;
    for (size_t i = 0; i < ob->messages.count; i++) {
        const struct message *m = ob->messages.entries[i].value;
        if (!is_abandoned(ob, m, now_us, final))
            continue;
        struct row *r = &rows[m->owner->index];
        r->abandoned++;
        if (r->examples == EXAMPLES_PER_KIND)
            continue;
        if (m->terminal_us == INT64_MAX) {
            snprintf(ended, sizeof ended, "it never ends");
        } else {
            mock_obs_seconds(m->terminal_us, at);
            snprintf(ended, sizeof ended, "it ended at clock %s s", at);
        }
        snprintf(r->example[r->examples++], EXAMPLE_MAX,
                 "abandoned: message %s last seen %s; %s", m->message_id,
                 gk_types_msg_status_name(m->last_shown), ended);
        mock_obs_sanitize(r->example[r->examples - 1], true);
    }
    for (size_t i = 0; i < *n; i++) {
        struct row *r = &rows[i];
        for (int k = 0; k < MOCK_OBS_KIND_COUNT; k++)
            r->total += k == MOCK_OBS_KIND_abandoned ? r->abandoned : r->p->counts[k];
        *violations += r->total;
    }
    qsort(rows, *n, sizeof *rows, row_cmp);
    return rows;
}

static int64_t row_count(const struct row *r, int k)
{
    return k == MOCK_OBS_KIND_abandoned ? r->abandoned : r->p->counts[k];
}

char *mock_observe_report(const struct mock_observe *ob, int64_t now_us, bool final,
                          size_t *len)
{
    struct gk_codec_writer w = {.first = true};
    size_t n;
    int64_t violations;
    char *out = NULL;
    struct row *rows = rows_new(ob, now_us, final, &n, &violations);

    if (rows == NULL && n != 0)
        return NULL;
    gk_codec_write_begin(&w, NULL, '{');
    gk_codec_write_i64(&w, "violations", violations);
    gk_codec_write_begin(&w, "principals", '[');
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        gk_codec_write_begin(&w, NULL, '{');
        mock_obs_write_text(&w, "principal", r->p->name);
        mock_obs_write_text(&w, "workspace_id",
                            r->p->workspace_id[0] != '\0' ? r->p->workspace_id : NULL);
        gk_codec_write_i64(&w, "requests", r->p->requests);
        gk_codec_write_i64(&w, "questions", r->p->questions);
        for (int k = 0; k < MOCK_OBS_KIND_COUNT; k++)
            gk_codec_write_i64(&w, kind_names[k], row_count(r, k));
        gk_codec_write_begin(&w, "examples", '[');
        for (size_t e = 0; e < r->p->examples_count; e++)
            gk_codec_write_str(&w, NULL, r->p->examples[e]);
        for (int e = 0; e < r->examples; e++)
            gk_codec_write_str(&w, NULL, r->example[e]);
        gk_codec_write_end(&w, ']');
        gk_codec_write_end(&w, '}');
    }
    gk_codec_write_end(&w, ']');
    gk_codec_write_end(&w, '}');
    free(rows);
    if (gk_codec_write_finish(&w, &out, len, NULL) != GK_OK)
        return NULL;
    return out;
}

void mock_observe_report_print(const struct mock_observe *ob, int64_t now_us, bool final,
                               FILE *out)
{
    size_t n;
    int64_t violations;
    char clock[32];
    struct row *rows = rows_new(ob, now_us, final, &n, &violations);

    mock_obs_seconds(now_us, clock);
    if (rows == NULL && n != 0) {
        fprintf(out, "client report: out of memory\n");
        return;
    }
    fprintf(out, "client report%s at clock %s s: %" PRId64 " violation%s, %zu client%s\n",
            final ? " (final)" : "", clock, violations, violations == 1 ? "" : "s", n,
            n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        fprintf(out,
                "  %s (workspace %s): %" PRId64 " requests, %" PRId64
                " questions, %" PRId64 " violations\n",
                r->p->name, r->p->workspace_id[0] != '\0' ? r->p->workspace_id : "none",
                r->p->requests, r->p->questions, r->total);
        for (int k = 0; k < MOCK_OBS_KIND_COUNT; k++)
            if (row_count(r, k) != 0)
                fprintf(out, "    %-20s %6" PRId64 "  %s\n", kind_names[k],
                        row_count(r, k), kind_help[k]);
        for (size_t e = 0; e < r->p->examples_count; e++)
            fprintf(out, "    e.g. %s\n", r->p->examples[e]);
        for (int e = 0; e < r->examples; e++)
            fprintf(out, "    e.g. %s\n", r->example[e]);
    }
    free(rows);
}

int64_t mock_observe_violations(const struct mock_observe *ob, int64_t now_us, bool final)
{
    /* Without rows_new: counting needs no memory, so --strict never passes
     * a run because the report could not be built. */
    int64_t violations = 0;
    for (size_t i = 0; i < ob->principals.count; i++) {
        const struct principal *p = ob->principals.entries[i].value;
        for (int k = 0; k < MOCK_OBS_KIND_COUNT; k++)
            violations += p->counts[k];
    }
    for (size_t i = 0; i < ob->messages.count; i++)
        violations += is_abandoned(ob, ob->messages.entries[i].value, now_us, final);
    return violations;
}
