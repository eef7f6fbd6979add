/*
 * api_genie: the Genie endpoints (genie-api.md section 1) on an
 * authenticated call: the dispatcher, conversations, messages, feedback and
 * query results here, the spaces in api_space.c. Each handler resolves the
 * ids top down (space, then conversation, message, attachment), answering
 * 404 RESOURCE_DOES_NOT_EXIST for the first that is unknown and 403
 * PERMISSION_DENIED when the principal may not use the space or the
 * conversation; then it acts and renders.
 *
 * Question POSTs check everything else first and take a slot of the
 * workspace's question limit last, once the question is stored, so a
 * malformed question, one to an unknown space or one refused by a space at
 * its conversation limit is rejected without using up the client's budget.
 * (A throttled question is still answered 429 before the store is asked.)
 */
#include "mockserver/api_genie.h"

#include "common/id.h"
#include "common/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct gk_codec_opts codec_opts(const struct mock_call *c, bool deprecated)
{
    struct gk_codec_opts o = {0};
    o.text_attachment_ids = c->m->scenario.wire.text_attachment_ids;
    o.typed_rows = deprecated && c->m->scenario.wire.typed_rows_deprecated;
    return o;
}

/* Request-body limits: the scenario's body cap, the codec's other defaults. */
#define LIMITS(c)                                                                             \
    (&(struct gk_codec_limits){.max_body_bytes = (c)->m->scenario.limits.max_body})

/* ---- resolving ids ---- */

bool mock_api_may_use_space(const struct mock_principal *p, const char *space_id)
{
    if (p->all_spaces)
        return true;
    for (size_t i = 0; i < p->space_count; i++)
        if (strcmp(p->spaces[i], space_id) == 0)
            return true;
    return false;
}

struct mock_space_state *mock_api_resolve_space(struct mock_call *c)
{
    const char *id = c->match.params.space_id;
    struct mock_space_state *sp = mock_store_space(c->ws, id);
    if (sp == NULL || sp->trashed) {
        mock_api_fail(c, GK_RESOURCE_DOES_NOT_EXIST, "Genie space %s does not exist.", id);
        return NULL;
    }
    if (!mock_api_may_use_space(c->principal, id)) {
        mock_api_fail(c, GK_PERMISSION_DENIED,
                      "User %s does not have access to Genie space %s.", c->principal->name,
                      id);
        return NULL;
    }
    return sp;
}

static struct mock_conv *resolve_conv(struct mock_call *c)
{
    if (mock_api_resolve_space(c) == NULL)
        return NULL;
    const char *id = c->match.params.conversation_id;
    struct mock_conv *conv = mock_store_conv(c->ws, c->match.params.space_id, id);
    if (conv == NULL) {
        mock_api_fail(c, GK_RESOURCE_DOES_NOT_EXIST, "Conversation %s does not exist.", id);
        return NULL;
    }
    if (conv->user_id != c->principal->user_id && !c->principal->can_manage) {
        mock_api_fail(c, GK_PERMISSION_DENIED,
                      "User %s does not have access to conversation %s.", c->principal->name,
                      id);
        return NULL;
    }
    return conv;
}

static struct mock_msg *resolve_msg(struct mock_call *c)
{
    struct mock_conv *conv = resolve_conv(c);
    if (conv == NULL)
        return NULL;
    const char *id = c->match.params.message_id;
    struct mock_msg *msg = mock_store_msg(conv, id);
    if (msg == NULL)
        mock_api_fail(c, GK_RESOURCE_DOES_NOT_EXIST, "Message %s does not exist.", id);
    return msg;
}

/* ---- pagination ----
 * A page token is the id of the last item of the page before; the next page
 * starts at the first item past it in the list's order. Conversations are
 * listed newest first and messages oldest first, which is id order (ids
 * grow with creation time), so "past it" needs no lookup and works after the
 * item itself was deleted; spaces come in the scenario's order. Items made or
 * deleted between two pages thus neither repeat nor push others off a page,
 * as they would with an offset: a walk sees every item that lives through
 * it exactly once. */

bool mock_api_page_query(struct mock_call *c, size_t *size, char tok[GK_ID_SIZE])
{
    const struct mock_limits *l = &c->m->scenario.limits;
    int64_t n = l->page_size_default;
    char raw[128], shown[40];
    bool found = false;
    struct gk_err err = {0};

    if (gk_routes_query_get_int(c->match.query, c->match.query_len, "page_size", 1,
                                l->page_size_max, &n, &found, &err) != GK_OK ||
        gk_routes_query_get(c->match.query, c->match.query_len, "page_token", raw, sizeof raw,
                            &found, &err) != GK_OK) {
        mock_api_fail_err(c, &err);
        return false;
    }
    if (raw[0] != '\0' && !gk_id_valid(raw)) {
        /* The value is the client's: shown cut short and printable only. */
        size_t i = 0;
        for (; raw[i] != '\0' && i < 32; i++)
            shown[i] = raw[i] > 0x20 && raw[i] < 0x7f && raw[i] != '"' ? raw[i] : '?';
        snprintf(shown + i, sizeof shown - i, "%s", raw[i] != '\0' ? "..." : "");
        mock_api_fail(c, GK_INVALID_PARAMETER_VALUE,
                      "page_token: \"%s\" is not a token this server issued.", shown);
        return false;
    }
    memcpy(tok, raw, raw[0] != '\0' ? GK_ID_SIZE : 1); /* a valid id, or "" */
    *size = (size_t)n;
    return true;
}

void mock_api_page_at(struct mock_page *pg, size_t start, size_t total, size_t size,
                      const char *(*id_of)(const void *list, size_t i), const void *list)
{
    pg->start = start < total ? start : total;
    pg->end = total - pg->start > size ? pg->start + size : total;
    pg->next[0] = '\0';
    if (pg->end < total)
        snprintf(pg->next, sizeof pg->next, "%s", id_of(list, pg->end - 1));
}

/* ---- messages ---- */

static void reply_message(struct mock_call *c, const struct mock_msg *msg)
{
    struct mock_msg_view v;
    struct gk_codec_opts o = codec_opts(c, false);
    struct gk_err err = {0};
    char *body;
    size_t len;
    mock_store_view(c->m, msg, c->now_us, &v);
    mock_api_shown(c, msg, v.m.status);
    enum gk_rc rc = gk_codec_encode_message(&v.m, &o, &body, &len, &err);
    mock_api_reply(c, rc, body, len, &err);
}

/* Decodes the question body and checks that the question limit has a slot
 * now (taking none); otherwise false, with the reply sent. */
static bool accept_question(struct mock_call *c, struct gk_question_request *q)
{
    struct gk_err err = {0};
    if (gk_codec_decode_question_request(c->req->body, c->req->body_len, LIMITS(c), q, &err) !=
        GK_OK) {
        mock_api_fail_err(c, &err);
        return false;
    }
    int64_t wait = gk_rlimit_wait_us(&c->ws->questions, c->now_us);
    if (wait > 0) {
        char what[GK_ERR_MSG_MAX];
        snprintf(what, sizeof what,
                 "Too many requests: workspace %s has exceeded the limit of %d questions "
                 "per %lld seconds.",
                 c->ws->def->workspace_id, c->m->scenario.limits.questions_per_window,
                 (long long)(c->m->scenario.limits.question_window_us / 1000000));
        mock_api_throttle(c, wait, what);
        c->question_throttled = true;
        gk_types_question_request_cleanup(q);
        return false;
    }
    return true;
}

/* The question was stored: it takes its slot (free: accept_question saw one,
 * and the lock has been held since). */
static void take_question_slot(struct mock_call *c)
{
    (void)gk_rlimit_take(&c->ws->questions, c->now_us);
}

static void start_conversation(struct mock_call *c)
{
    struct mock_space_state *sp = mock_api_resolve_space(c);
    struct gk_question_request q = {0};
    struct mock_conv *conv;
    struct mock_msg *msg;
    struct gk_err err = {0};

    if (sp == NULL || !accept_question(c, &q))
        return;
    /* A space at its conversation limit refuses here, before the slot. */
    enum gk_rc rc = mock_store_start(c->ws, sp, c->principal, q.content, c->fault, &conv,
                                     &msg, &err);
    gk_types_question_request_cleanup(&q);
    if (rc != GK_OK) {
        mock_api_fail_err(c, &err);
        return;
    }
    take_question_slot(c);
    struct mock_msg_view v;
    struct gk_conversation gc = {
        .conversation_id = conv->id,
        .space_id = (char *)conv->space->space_id,
        .title = conv->title,
        .user_id = conv->user_id,
        .created_timestamp = conv->created_ms,
        .last_updated_timestamp = conv->created_ms,
    };
    mock_store_view(c->m, msg, c->now_us, &v);
    mock_api_shown(c, msg, v.m.status);
    struct gk_start_conversation s = {.conversation_id = conv->id,
                                      .message_id = msg->id,
                                      .conversation = &gc,
                                      .message = &v.m};
    struct gk_codec_opts o = codec_opts(c, false);
    char *body;
    size_t len;
    rc = gk_codec_encode_start_conversation(&s, &o, &body, &len, &err);
    mock_api_reply(c, rc, body, len, &err);
}

static void create_message(struct mock_call *c)
{
    struct mock_conv *conv = resolve_conv(c);
    struct gk_question_request q = {0};
    struct mock_msg *msg;
    struct gk_err err = {0};

    if (conv == NULL || !accept_question(c, &q))
        return;
    enum gk_rc rc =
        mock_store_follow_up(c->ws, conv, c->principal, q.content, c->fault, &msg, &err);
    gk_types_question_request_cleanup(&q);
    if (rc != GK_OK) {
        mock_api_fail_err(c, &err);
        return;
    }
    take_question_slot(c);
    reply_message(c, msg);
}

static const char *msg_id_of(const void *list, size_t i)
{
    return ((struct mock_msg *const *)list)[i]->id;
}

static void list_messages(struct mock_call *c)
{
    struct mock_conv *conv = resolve_conv(c);
    struct mock_page pg;
    char tok[GK_ID_SIZE];
    size_t size, start = 0;
    if (conv == NULL || !mock_api_page_query(c, &size, tok))
        return;
    /* Oldest first: the page starts at the first message made after tok. */
    while (tok[0] != '\0' && start < conv->msg_count &&
           strcmp(conv->msgs[start]->id, tok) <= 0)
        start++;
    mock_api_page_at(&pg, start, conv->msg_count, size, msg_id_of, conv->msgs);

    size_t n = pg.end - pg.start;
    struct mock_msg_view *views = n ? calloc(n, sizeof *views) : NULL;
    struct gk_message *msgs = n ? calloc(n, sizeof *msgs) : NULL;
    struct gk_err err = {0};
    char *body = NULL;
    size_t len = 0;
    enum gk_rc rc = GK_OUT_OF_MEMORY;
    if (n == 0 || (views != NULL && msgs != NULL)) {
        for (size_t i = 0; i < n; i++) {
            mock_store_view(c->m, conv->msgs[pg.start + i], c->now_us, &views[i]);
            msgs[i] = views[i].m;
            /* The copy must point at its own view's attachments. */
            msgs[i].attachments = views[i].m.attachment_count ? views[i].att : NULL;
        }
        struct gk_message_list l = {.messages = msgs,
                                    .message_count = n,
                                    .next_page_token = pg.next[0] ? pg.next : NULL};
        struct gk_codec_opts o = codec_opts(c, false);
        rc = gk_codec_encode_message_list(&l, &o, &body, &len, &err);
    } else {
        gk_err_set(&err, GK_OUT_OF_MEMORY, NULL);
    }
    free(views);
    free(msgs);
    mock_api_reply(c, rc, body, len, &err);
}

void mock_api_reply_empty(struct mock_call *c)
{
    char *body = strdup("{}");
    struct gk_err err = {0};
    if (body == NULL)
        gk_err_set(&err, GK_OUT_OF_MEMORY, NULL);
    mock_api_reply(c, body ? GK_OK : GK_OUT_OF_MEMORY, body, 2, &err);
}

static void send_feedback(struct mock_call *c)
{
    struct mock_msg *msg = resolve_msg(c);
    struct gk_feedback_request f = {0};
    struct gk_err err = {0};
    if (msg == NULL)
        return;
    if (gk_codec_decode_feedback_request(c->req->body, c->req->body_len, LIMITS(c), &f,
                                         &err) != GK_OK) {
        mock_api_fail_err(c, &err);
        return;
    }
    free(msg->comment);
    msg->comment = f.comment; /* taken */
    f.comment = NULL;
    msg->rating = f.rating;
    msg->has_feedback = true;
    msg->feedback_ms = mock_wall_ms_at(c->m, c->now_us);
    gk_types_feedback_request_cleanup(&f);
    mock_api_reply_empty(c);
}

/* ---- query results ---- */

/* Whether msg, as v shows it now, has the query the request names: the
 * attachment in the path, which must be the query attachment, or (by_attachment
 * false: the deprecated routes) the message's query. Otherwise false, with
 * the reply sent. Checked before anything acts, so a request naming the
 * wrong attachment changes nothing. */
static bool names_the_query(struct mock_call *c, const struct mock_msg *msg,
                            const struct mock_msg_view *v, bool by_attachment)
{
    if (!by_attachment) {
        if (v->m.attachment_count > 0 && v->att[0].query != NULL)
            return true;
        mock_api_fail(c, GK_INVALID_STATE, "Message %s has no query result%s.", msg->id,
                      gk_lifecycle_is_terminal(v->m.status) ? "" : " yet");
        return false;
    }
    const char *att = c->match.params.attachment_id;
    for (size_t i = 0; i < v->m.attachment_count; i++) {
        if (v->att[i].attachment_id == NULL || strcmp(v->att[i].attachment_id, att) != 0)
            continue;
        if (v->att[i].query != NULL)
            return true;
        mock_api_fail(c, GK_INVALID_PARAMETER_VALUE, "Attachment %s is not a query attachment.",
                      att);
        return false;
    }
    mock_api_fail(c, GK_RESOURCE_DOES_NOT_EXIST, "Attachment %s does not exist.", att);
    return false;
}

/* Renders the statement of msg's query as it is now. by_attachment: the
 * request named an attachment, which must be the query attachment. */
static void reply_statement(struct mock_call *c, struct mock_msg *msg, bool by_attachment,
                            bool deprecated)
{
    struct mock_msg_view v;
    struct gk_statement_response s = {0};
    struct gk_statement_error serr = {0};
    struct gk_err err = {0};
    enum gk_rc rc = GK_OK;

    mock_store_view(c->m, msg, c->now_us, &v);
    if (!names_the_query(c, msg, &v, by_attachment))
        return;

    switch (v.m.status) {
    case GK_MSG_COMPLETED:
        rc = mock_answer_rows(&msg->answer, c->m->scenario.limits.max_result_rows,
                              msg->statement_id, &s, &err);
        break;
    default:
        s.statement_id = msg->statement_id;
        s.state = v.m.status == GK_MSG_PENDING_WAREHOUSE ? GK_STMT_PENDING
                  : v.m.status == GK_MSG_EXECUTING_QUERY ? GK_STMT_RUNNING
                  : v.m.status == GK_MSG_FAILED          ? GK_STMT_FAILED
                  : v.m.status == GK_MSG_CANCELLED       ? GK_STMT_CANCELED
                                                         : GK_STMT_CLOSED;
        if (s.state == GK_STMT_FAILED) {
            serr.error_code = (char *)"BAD_REQUEST";
            serr.message = msg->error_text;
            s.error = &serr;
            s.sql_state = (char *)"42P01";
        }
        break;
    }
    char *body = NULL;
    size_t len = 0;
    struct gk_codec_opts o = codec_opts(c, deprecated);
    if (rc == GK_OK)
        rc = gk_codec_encode_statement_response(&s, &o, &body, &len, &err);
    if (v.m.status == GK_MSG_COMPLETED) /* mock_answer_rows filled it: owned */
        gk_types_statement_response_cleanup(&s);
    mock_api_reply(c, rc, body, len, &err);
}

/* execute-query: re-runs an expired result; on a current one it answers
 * with the result as it is. */
static void execute_query(struct mock_call *c, struct mock_msg *msg, bool by_attachment,
                          bool deprecated)
{
    struct gk_err err = {0};
    struct mock_msg_view v;
    if (gk_codec_decode_empty_request(c->req->body, c->req->body_len, LIMITS(c), &err) !=
        GK_OK) {
        mock_api_fail_err(c, &err);
        return;
    }
    mock_store_view(c->m, msg, c->now_us, &v);
    if (!names_the_query(c, msg, &v, by_attachment))
        return;
    enum gk_msg_status st = v.m.status;
    if (st == GK_MSG_QUERY_RESULT_EXPIRED) {
        const struct mock_behaviour *b = &c->m->scenario.behaviour;
        struct gk_rng r;
        gk_rng_init(&r, gk_rng_derive(c->m->seed, msg->id) + (uint64_t)msg->plan.reruns);
        int64_t exec = gk_rng_range(&r, b->status_time[GK_MSG_EXECUTING_QUERY].min_us,
                                    b->status_time[GK_MSG_EXECUTING_QUERY].max_us);
        if (gk_lifecycle_rerun(&msg->plan, c->now_us, exec > 0 ? exec : 1000,
                               b->result_expiry_us, &err) != GK_OK) {
            mock_api_fail_err(c, &err);
            return;
        }
    } else if (st != GK_MSG_COMPLETED) {
        mock_api_fail(c, GK_INVALID_STATE,
                      "Message %s is %s; only a completed query can be executed again.",
                      msg->id, gk_types_msg_status_name(st));
        return;
    }
    reply_statement(c, msg, by_attachment, deprecated);
}

/* ---- conversations ---- */

static const char *conv_id_of(const void *list, size_t i)
{
    return ((struct mock_conv *const *)list)[i]->id;
}

static void list_conversations(struct mock_call *c)
{
    struct mock_space_state *sp = mock_api_resolve_space(c);
    bool all = false, found = false;
    struct gk_err err = {0};
    if (sp == NULL)
        return;
    if (gk_routes_query_get_bool(c->match.query, c->match.query_len, "include_all", &all,
                                 &found, &err) != GK_OK) {
        mock_api_fail_err(c, &err);
        return;
    }
    if (all && !c->principal->can_manage) {
        mock_api_fail(c, GK_PERMISSION_DENIED,
                      "include_all needs CAN MANAGE on Genie space %s.", sp->def->space_id);
        return;
    }
    /* Newest first, the principal's own unless include_all. */
    struct mock_conv **mine = sp->conv_count ? malloc(sp->conv_count * sizeof *mine) : NULL;
    size_t n = 0;
    if (sp->conv_count && mine == NULL) {
        mock_api_fail(c, GK_OUT_OF_MEMORY, NULL);
        return;
    }
    for (size_t i = sp->conv_count; i-- > 0;)
        if (all || sp->convs[i]->user_id == c->principal->user_id)
            mine[n++] = sp->convs[i];
    /* Newest first: the page starts at the first conversation made before
     * tok. */
    struct mock_page pg;
    char tok[GK_ID_SIZE];
    size_t size, start = 0;
    if (!mock_api_page_query(c, &size, tok)) {
        free(mine);
        return;
    }
    while (tok[0] != '\0' && start < n && strcmp(mine[start]->id, tok) >= 0)
        start++;
    mock_api_page_at(&pg, start, n, size, conv_id_of, mine);
    size_t k = pg.end - pg.start;
    struct gk_conversation_summary *sum = k ? calloc(k, sizeof *sum) : NULL;
    char *body = NULL;
    size_t len = 0;
    enum gk_rc rc = GK_OUT_OF_MEMORY;
    if (k == 0 || sum != NULL) {
        for (size_t i = 0; i < k; i++) {
            sum[i].conversation_id = mine[pg.start + i]->id;
            sum[i].title = mine[pg.start + i]->title;
            sum[i].created_timestamp = mine[pg.start + i]->created_ms;
        }
        struct gk_conversation_list l = {.conversations = sum,
                                         .conversation_count = k,
                                         .next_page_token = pg.next[0] ? pg.next : NULL};
        rc = gk_codec_encode_conversation_list(&l, NULL, &body, &len, &err);
    } else {
        gk_err_set(&err, GK_OUT_OF_MEMORY, NULL);
    }
    free(sum);
    free(mine);
    mock_api_reply(c, rc, body, len, &err);
}

void mock_api_genie(struct mock_call *c)
{
    struct mock_conv *conv;
    struct mock_msg *msg;

    switch (c->match.route) {
    case GK_ROUTE_START_CONVERSATION:
        start_conversation(c);
        break;
    case GK_ROUTE_CREATE_MESSAGE:
        create_message(c);
        break;
    case GK_ROUTE_GET_MESSAGE:
        if ((msg = resolve_msg(c)) != NULL)
            reply_message(c, msg);
        break;
    case GK_ROUTE_LIST_CONVERSATION_MESSAGES:
        list_messages(c);
        break;
    case GK_ROUTE_DELETE_CONVERSATION_MESSAGE:
        if ((msg = resolve_msg(c)) != NULL) {
            mock_store_delete_msg(c->ws, msg);
            mock_api_reply_empty(c);
        }
        break;
    case GK_ROUTE_SEND_MESSAGE_FEEDBACK:
        send_feedback(c);
        break;
    case GK_ROUTE_GET_MESSAGE_ATTACHMENT_QUERY_RESULT:
    case GK_ROUTE_GET_MESSAGE_QUERY_RESULT_BY_ATTACHMENT:
        if ((msg = resolve_msg(c)) != NULL)
            reply_statement(c, msg, true,
                            c->match.route == GK_ROUTE_GET_MESSAGE_QUERY_RESULT_BY_ATTACHMENT);
        break;
    case GK_ROUTE_GET_MESSAGE_QUERY_RESULT:
        if ((msg = resolve_msg(c)) != NULL)
            reply_statement(c, msg, false, true);
        break;
    case GK_ROUTE_EXECUTE_MESSAGE_ATTACHMENT_QUERY:
        if ((msg = resolve_msg(c)) != NULL)
            execute_query(c, msg, true, false);
        break;
    case GK_ROUTE_EXECUTE_MESSAGE_QUERY:
        if ((msg = resolve_msg(c)) != NULL)
            execute_query(c, msg, false, true);
        break;
    case GK_ROUTE_LIST_CONVERSATIONS:
        list_conversations(c);
        break;
    case GK_ROUTE_DELETE_CONVERSATION:
        if ((conv = resolve_conv(c)) != NULL) {
            mock_store_delete_conv(c->ws, conv);
            mock_api_reply_empty(c);
        }
        break;
    case GK_ROUTE_LIST_SPACES:
        mock_api_list_spaces(c);
        break;
    case GK_ROUTE_GET_SPACE:
        mock_api_get_space(c);
        break;
    case GK_ROUTE_TRASH_SPACE:
        mock_api_trash_space(c);
        break;
    default:
        mock_api_fail(c, GK_NOT_IMPLEMENTED, "%s is not supported by genie-mock.",
                      gk_routes_name(c->match.route));
        break;
    }
}
