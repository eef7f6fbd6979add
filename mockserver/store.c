/*
 * store: conversations and messages, how a new message's fate is drawn, and
 * how a message looks at a given clock time.
 *
 * Invariants (under mock->lock):
 *   - every live conversation is in mock->convs and in its space's `convs`;
 *     every live message in mock->msgs and in its conversation's `msgs`;
 *   - a message's plan never changes except through an execute-query re-run;
 *     its status is always gk_lifecycle_status_at(plan, now).
 *
 * The fate of a message comes from an rng derived from the seed, the
 * workspace and the message's ordinal in that workspace; its answer (SQL,
 * rows, text) from the seed, the space and the question, so asking the same
 * question again gives the same SQL even when the outcome differs.
 */
#include "mockserver/mock.h"

#include "common/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t mock_wall_ms_at(const struct mock *m, int64_t us)
{
    return m->clock.start_wall_ms + us / 1000;
}

struct mock_space_state *mock_store_space(struct mock_ws *ws, const char *space_id)
{
    for (size_t i = 0; i < ws->def->space_count; i++)
        if (strcmp(ws->spaces[i].def->space_id, space_id) == 0)
            return &ws->spaces[i];
    return NULL;
}

struct mock_conv *mock_store_conv(struct mock_ws *ws, const char *space_id,
                                  const char *conv_id)
{
    struct mock_conv *c = mock_idmap_get(&ws->mock->convs, conv_id);
    if (c == NULL || c->ws != ws || strcmp(c->space->space_id, space_id) != 0)
        return NULL;
    return c;
}

struct mock_msg *mock_store_msg(struct mock_conv *conv, const char *msg_id)
{
    struct mock_msg *msg = mock_idmap_get(&conv->ws->mock->msgs, msg_id);
    return msg != NULL && msg->conv == conv ? msg : NULL;
}

/* ---- the fate of a new message ---- */

static const struct {
    const char *prefix; /* of the MessageErrorType */
    enum gk_msg_status at;
    const char *text;
} failure_kinds[] = {
    {"SQL_", GK_MSG_EXECUTING_QUERY,
     "[TABLE_OR_VIEW_NOT_FOUND] The table or view cannot be found. Verify the spelling and "
     "correctness of the schema and catalog. SQLSTATE: 42P01"},
    {"GENERIC_SQL_", GK_MSG_EXECUTING_QUERY, "The SQL statement failed to execute."},
    {"INVALID_SQL_", GK_MSG_EXECUTING_QUERY, "The generated SQL references an unknown table."},
    {"WAREHOUSE_", GK_MSG_PENDING_WAREHOUSE,
     "The SQL warehouse of this space is not available. Ask the space owner to check it."},
    {"TABLES_MISSING", GK_MSG_FETCHING_METADATA,
     "Some tables of this space are missing or not accessible."},
    {"NO_TABLES", GK_MSG_FETCHING_METADATA, "This space has no tables to query."},
    {"REPLY_PROCESS_TIMEOUT", GK_MSG_ASKING_AI, "Genie took too long to answer."},
    {"", GK_MSG_ASKING_AI, "Genie could not answer this question. Please try again."},
};

/* The least time a message spends in the status it ends (or sticks) in. */
#define STATUS_SHOWN_MIN_US 1000000

static int64_t draw_span(struct gk_rng *r, struct mock_span s)
{
    return gk_rng_range(r, s.min_us, s.max_us);
}

static enum gk_lifecycle_outcome draw_outcome(struct gk_rng *r, const struct mock_outcomes *o)
{
    double w[GK_LIFECYCLE_OUTCOME_COUNT] = {o->completed_sql, o->completed_text, o->failed,
                                            o->cancelled, o->stuck};
    double total = 0, x;
    for (int i = 0; i < GK_LIFECYCLE_OUTCOME_COUNT; i++)
        total += w[i];
    x = gk_rng_uniform(r) * total;
    for (int i = 0; i < GK_LIFECYCLE_OUTCOME_COUNT; i++) {
        if (x < w[i])
            return (enum gk_lifecycle_outcome)i;
        x -= w[i];
    }
    return GK_LIFECYCLE_COMPLETED_SQL;
}

/* A running status on the path, uniformly. */
static enum gk_msg_status draw_running(struct gk_rng *r, bool sql)
{
    enum gk_msg_status last = sql ? GK_MSG_EXECUTING_QUERY : GK_MSG_ASKING_AI;
    return (enum gk_msg_status)gk_rng_below(r, (uint64_t)last + 1);
}

/* A fault rule's outcome replaces the drawn one (the draws still happen, so
 * the messages after it keep their fates). */
static void force_outcome(struct gk_lifecycle_spec *spec, const struct mock_fault_rule *f,
                          const char **text)
{
    switch (f->outcome) {
    case MOCK_FAULT_OUTCOME_FAILED: {
        size_t k = 0;
        while (strncmp(f->error_type, failure_kinds[k].prefix,
                       strlen(failure_kinds[k].prefix)) != 0)
            k++;
        spec->outcome = GK_LIFECYCLE_FAILED;
        spec->error_type = f->error_type;
        *text = failure_kinds[k].text;
        break;
    }
    case MOCK_FAULT_OUTCOME_CANCELLED:
        spec->outcome = GK_LIFECYCLE_CANCELLED;
        spec->error_type = NULL;
        *text = NULL;
        break;
    case MOCK_FAULT_OUTCOME_STUCK:
        spec->outcome = GK_LIFECYCLE_STUCK;
        spec->error_type = NULL;
        *text = NULL;
        break;
    case MOCK_FAULT_OUTCOME_EXPIRED:
        spec->outcome = GK_LIFECYCLE_COMPLETED_SQL;
        spec->error_type = NULL;
        spec->expire_after_us = f->expire_after_us;
        *text = NULL;
        return;
    default:
        return;
    }
    spec->at = f->at;
    spec->expire_after_us = 0;
}

static enum gk_rc plan_message(struct mock_ws *ws, struct mock_msg *msg, int64_t now_us,
                               const struct mock_fault_rule *force, struct gk_err *err)
{
    const struct mock *m = ws->mock;
    const struct mock_behaviour *b = &m->scenario.behaviour;
    struct gk_lifecycle_spec spec = {.start_us = now_us};
    char label[64];
    struct gk_rng r;

    snprintf(label, sizeof label, "msg:%s:%llu", ws->def->workspace_id,
             (unsigned long long)ws->question_seq);
    gk_rng_init(&r, gk_rng_derive(m->seed, label));

    spec.outcome = draw_outcome(&r, &b->outcomes);
    for (int s = 0; s < GK_LIFECYCLE_RUNNING_COUNT; s++)
        spec.dwell_us[s] = draw_span(&r, b->status_time[s]);
    int64_t warehouse_us = spec.dwell_us[GK_MSG_PENDING_WAREHOUSE];
    if (!gk_rng_chance(&r, b->pending_warehouse_ratio))
        spec.dwell_us[GK_MSG_PENDING_WAREHOUSE] = 0;

    const char *text = NULL;
    switch (spec.outcome) {
    case GK_LIFECYCLE_FAILED: {
        const char *type = "GENERIC_CHAT_COMPLETION_EXCEPTION";
        if (b->failure_type_count > 0)
            type = b->failure_types[gk_rng_below(&r, b->failure_type_count)];
        size_t k = 0;
        while (strncmp(type, failure_kinds[k].prefix, strlen(failure_kinds[k].prefix)) != 0)
            k++;
        spec.at = failure_kinds[k].at;
        spec.error_type = type;
        text = failure_kinds[k].text;
        break;
    }
    case GK_LIFECYCLE_CANCELLED:
        spec.at = draw_running(&r, true);
        break;
    case GK_LIFECYCLE_STUCK:
        spec.at = draw_running(&r, true);
        break;
    case GK_LIFECYCLE_COMPLETED_SQL:
        spec.expire_after_us = b->result_expiry_us;
        break;
    default:
        break;
    }
    if (force != NULL)
        force_outcome(&spec, force, &text);
    /* The status a message ends or sticks in is always visible, for as long
     * as a poller needs to see it: a message failing at the warehouse waited
     * for it (its drawn wait, even when this one was not to wait), and one
     * ending in a status whose span is "0s" spends a second there. */
    if (spec.outcome >= GK_LIFECYCLE_FAILED && spec.dwell_us[spec.at] <= 0)
        spec.dwell_us[spec.at] = spec.at == GK_MSG_PENDING_WAREHOUSE && warehouse_us > 0
                                     ? warehouse_us
                                     : STATUS_SHOWN_MIN_US;

    enum gk_rc rc = gk_lifecycle_plan(&msg->plan, &spec, err);
    if (rc != GK_OK)
        return rc;
    if (text != NULL && (msg->error_text = strdup(text)) == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);

    /* SQL exists once the AI has written it: on the completed-with-SQL path
     * and for messages that end (or stick) at the warehouse or the query. */
    bool has_sql = spec.outcome == GK_LIFECYCLE_COMPLETED_SQL ||
                   (spec.outcome != GK_LIFECYCLE_COMPLETED_TEXT &&
                    spec.at >= GK_MSG_PENDING_WAREHOUSE);
    snprintf(label, sizeof label, "answer:%s", msg->conv->space->space_id);
    uint64_t seed = gk_rng_derive(gk_rng_derive(m->seed, label), msg->content);
    return mock_answer_make(msg->conv->space, msg->content, has_sql, seed, &msg->answer, err);
}

static void free_msg(struct mock_msg *msg)
{
    if (msg == NULL)
        return;
    mock_answer_cleanup(&msg->answer);
    free(msg->content);
    free(msg->error_text);
    free(msg->comment);
    free(msg);
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 8;
    void *p = realloc(*arr, n * elem);
    if (p == NULL)
        return false;
    *arr = p;
    *cap = n;
    return true;
}

/* Makes a message in conv (not yet linked anywhere). */
static enum gk_rc new_msg(struct mock_ws *ws, struct mock_conv *conv,
                          const struct mock_principal *p, const char *content,
                          const struct mock_fault_rule *force, struct mock_msg **out,
                          struct gk_err *err)
{
    struct mock *m = ws->mock;
    int64_t now_us = gk_clock_now_us(&m->clock);
    int64_t now_ms = mock_wall_ms_at(m, now_us);
    struct mock_msg *msg = calloc(1, sizeof *msg);

    *out = NULL;
    if (msg == NULL || (msg->content = strdup(content)) == NULL) {
        free(msg);
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    }
    msg->conv = conv;
    msg->user_id = p->user_id;
    msg->created_ms = now_ms;
    gk_id_next(&ws->ids, now_ms, msg->id);
    enum gk_rc rc = plan_message(ws, msg, now_us, force, err);
    if (rc != GK_OK) {
        free_msg(msg);
        return rc;
    }
    ws->question_seq++;
    /* Attachment ids carry the time the attachment appears, as real ones do.
     * They come from a generator of their own, seeded from the message id:
     * made now with those future times, they would push the workspace's
     * generator ahead, and every id it made until then (a conversation
     * started a second later) would carry the future time too. */
    struct gk_id_gen att_ids;
    gk_id_gen_init(&att_ids, gk_rng_derive(m->seed, msg->id));
    int64_t sql_ms = -1, done_ms = now_ms;
    for (int i = 0; i < msg->plan.nsteps; i++) {
        enum gk_msg_status s = msg->plan.steps[i].status;
        int64_t t = mock_wall_ms_at(m, msg->plan.steps[i].enter_us);
        if (sql_ms < 0 && (s == GK_MSG_PENDING_WAREHOUSE || s == GK_MSG_EXECUTING_QUERY))
            sql_ms = t;
        if (s == GK_MSG_COMPLETED)
            done_ms = t;
    }
    if (sql_ms < 0)
        sql_ms = now_ms;
    gk_id_next(&att_ids, sql_ms, msg->query_att_id);
    gk_id_to_uuid(msg->query_att_id, msg->statement_id, NULL);
    gk_id_next(&att_ids, done_ms, msg->sugg_att_id);
    gk_id_next(&att_ids, done_ms, msg->text_att_id);
    *out = msg;
    return GK_OK;
}

static enum gk_rc link_msg(struct mock_ws *ws, struct mock_conv *conv, struct mock_msg *msg,
                           struct gk_err *err)
{
    if (!grow((void **)&conv->msgs, &conv->msg_cap, conv->msg_count + 1, sizeof *conv->msgs) ||
        !mock_idmap_put(&ws->mock->msgs, msg->id, msg))
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    conv->msgs[conv->msg_count++] = msg;
    return GK_OK;
}

enum gk_rc mock_store_start(struct mock_ws *ws, struct mock_space_state *sp,
                            const struct mock_principal *p, const char *content,
                            const struct mock_fault_rule *force, struct mock_conv **conv_out, struct mock_msg **msg_out,
                            struct gk_err *err)
{
    struct mock *m = ws->mock;
    int max = m->scenario.limits.max_conversations_per_space;
    struct mock_conv *conv;
    struct mock_msg *msg = NULL;
    enum gk_rc rc;

    *conv_out = NULL;
    *msg_out = NULL;
    if (max > 0 && sp->conv_count >= (size_t)max)
        return gk_err_set(err, GK_RESOURCE_LIMIT_EXCEEDED,
                          "Space %s has reached the limit of %d conversations. Delete old "
                          "conversations to start new ones.",
                          sp->def->space_id, max);
    if ((conv = calloc(1, sizeof *conv)) == NULL || (conv->title = strdup(content)) == NULL) {
        free(conv);
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    }
    conv->ws = ws;
    conv->space = sp->def;
    conv->user_id = p->user_id;
    conv->created_ms = mock_wall_ms_at(m, gk_clock_now_us(&m->clock));
    gk_id_next(&ws->ids, conv->created_ms, conv->id);

    if ((rc = new_msg(ws, conv, p, content, force, &msg, err)) != GK_OK)
        goto fail;
    if (!grow((void **)&sp->convs, &sp->conv_cap, sp->conv_count + 1, sizeof *sp->convs) ||
        !mock_idmap_put(&m->convs, conv->id, conv)) {
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
        goto fail;
    }
    if ((rc = link_msg(ws, conv, msg, err)) != GK_OK) {
        mock_idmap_del(&m->convs, conv->id);
        goto fail;
    }
    sp->convs[sp->conv_count++] = conv;
    *conv_out = conv;
    *msg_out = msg;
    return GK_OK;
fail:
    free_msg(msg);
    free(conv->msgs);
    free(conv->title);
    free(conv);
    return rc;
}

enum gk_rc mock_store_follow_up(struct mock_ws *ws, struct mock_conv *conv,
                                const struct mock_principal *p, const char *content,
                                const struct mock_fault_rule *force, struct mock_msg **msg_out,
                                struct gk_err *err)
{
    struct mock_msg *msg;
    enum gk_rc rc = new_msg(ws, conv, p, content, force, &msg, err);
    if (rc == GK_OK && (rc = link_msg(ws, conv, msg, err)) != GK_OK)
        free_msg(msg);
    *msg_out = rc == GK_OK ? msg : NULL;
    return rc;
}

void mock_store_delete_msg(struct mock_ws *ws, struct mock_msg *msg)
{
    struct mock_conv *conv = msg->conv;
    for (size_t i = 0; i < conv->msg_count; i++) {
        if (conv->msgs[i] == msg) {
            memmove(&conv->msgs[i], &conv->msgs[i + 1],
                    (conv->msg_count - i - 1) * sizeof *conv->msgs);
            conv->msg_count--;
            break;
        }
    }
    mock_idmap_del(&ws->mock->msgs, msg->id);
    free_msg(msg);
}

void mock_store_delete_conv(struct mock_ws *ws, struct mock_conv *conv)
{
    struct mock_space_state *sp = mock_store_space(ws, conv->space->space_id);
    for (size_t i = 0; sp != NULL && i < sp->conv_count; i++) {
        if (sp->convs[i] == conv) {
            memmove(&sp->convs[i], &sp->convs[i + 1],
                    (sp->conv_count - i - 1) * sizeof *sp->convs);
            sp->conv_count--;
            break;
        }
    }
    for (size_t i = 0; i < conv->msg_count; i++) {
        mock_idmap_del(&ws->mock->msgs, conv->msgs[i]->id);
        free_msg(conv->msgs[i]);
    }
    mock_idmap_del(&ws->mock->convs, conv->id);
    free(conv->msgs);
    free(conv->title);
    free(conv);
}

/* ---- how a message looks at a given time ---- */

void mock_store_view(const struct mock *m, const struct mock_msg *msg, int64_t now_us,
                     struct mock_msg_view *v)
{
    const struct mock_answer *a = &msg->answer;
    int64_t entered_us = 0;
    enum gk_msg_status st = gk_lifecycle_status_at(&msg->plan, now_us, &entered_us, NULL);
    int64_t updated_ms = mock_wall_ms_at(m, entered_us);
    bool completed = st == GK_MSG_COMPLETED || st == GK_MSG_QUERY_RESULT_EXPIRED;
    bool sql_visible = a->has_sql && (st == GK_MSG_PENDING_WAREHOUSE ||
                                      st == GK_MSG_EXECUTING_QUERY || completed ||
                                      ((st == GK_MSG_FAILED || st == GK_MSG_CANCELLED) &&
                                       msg->plan.outcome != GK_LIFECYCLE_COMPLETED_TEXT));
    size_t n = 0;

    memset(v, 0, sizeof *v);
    if (updated_ms < msg->created_ms)
        updated_ms = msg->created_ms;
    if (msg->has_feedback && msg->feedback_ms > updated_ms)
        updated_ms = msg->feedback_ms;

    v->m.message_id = (char *)msg->id;
    v->m.conversation_id = (char *)msg->conv->id;
    v->m.space_id = msg->conv->space->space_id;
    v->m.content = msg->content;
    v->m.status = st;
    v->m.user_id = msg->user_id;
    v->m.created_timestamp = msg->created_ms;
    v->m.last_updated_timestamp = updated_ms;

    if (sql_visible) {
        v->query.query = a->sql;
        v->query.title = a->title;
        v->query.description = a->description;
        v->query.statement_id = (char *)msg->statement_id;
        v->query.last_updated_timestamp = updated_ms;
        if (completed) {
            int64_t max_rows = m->scenario.limits.max_result_rows;
            v->meta.row_count = a->total_rows < max_rows ? a->total_rows : max_rows;
            v->meta.is_truncated = a->total_rows > max_rows;
            v->query.query_result_metadata = &v->meta;
        }
        v->att[n].attachment_id = (char *)msg->query_att_id;
        v->att[n++].query = &v->query;
    }
    if (completed) {
        int k = 0;
        while (k < MOCK_ANSWER_SUGGESTIONS && a->suggestions[k] != NULL)
            k++;
        if (k > 0) {
            v->sugg.questions = (char **)a->suggestions;
            v->sugg.question_count = (size_t)k;
            v->att[n].attachment_id = (char *)msg->sugg_att_id;
            v->att[n++].suggested_questions = &v->sugg;
        }
        v->text.content = a->text;
        v->text.purpose = a->has_sql ? GK_TEXT_PURPOSE_ANSWER : GK_TEXT_PURPOSE_FOLLOW_UP_QUESTION;
        v->att[n].attachment_id = (char *)msg->text_att_id;
        v->att[n++].text = &v->text;
    }
    /* The deprecated message-level query_result: the statement id from the
     * moment the query runs (as in the executing example), the row count
     * once it is done. */
    if (sql_visible && m->scenario.wire.legacy_query_result &&
        (st == GK_MSG_EXECUTING_QUERY || completed)) {
        v->legacy.statement_id = (char *)msg->statement_id;
        v->legacy.row_count = v->meta.row_count;
        v->legacy.has_row_count = completed;
        v->legacy.is_truncated = v->meta.is_truncated;
        v->m.query_result = &v->legacy;
    }
    if (n > 0) {
        v->m.attachments = v->att;
        v->m.attachment_count = n;
    }
    if (st == GK_MSG_FAILED) {
        v->error.error = msg->error_text;
        v->error.type = (char *)gk_lifecycle_error_type(&msg->plan);
        v->m.error = &v->error;
    }
    if (msg->has_feedback) {
        v->feedback.rating = msg->rating;
        v->feedback.comment = msg->comment;
        v->m.feedback = &v->feedback;
    }
}
