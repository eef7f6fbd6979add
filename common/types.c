/*
 * types: the name tables of the value sets and the cleanup functions.
 *
 * Every table is generated from its X-macro in types.h, so an enum constant
 * and its wire string cannot drift apart; lookups are linear (the sets have
 * at most ~20 entries and are read once per decoded field).
 *
 * Cleanup invariant: a cleanup frees each owned pointer exactly once and then
 * zeroes the whole struct, which is what makes a second call (or a call on a
 * zeroed struct) a no-op.
 */
#include "common/types.h"

#include <stdlib.h>
#include <string.h>

static const char *const msg_status_names[GK_MSG_STATUS_COUNT] = {
#define GK_MSG_STATUS_NAME(name) #name,
    GK_MSG_STATUS_MAP(GK_MSG_STATUS_NAME)
#undef GK_MSG_STATUS_NAME
};

#define GK_TYPES_WIRE(name, wire) wire,
static const char *const stmt_state_names[] = {GK_STMT_STATE_MAP(GK_TYPES_WIRE)};
static const char *const rating_names[] = {GK_RATING_MAP(GK_TYPES_WIRE)};
/* Index 0 is GK_TEXT_PURPOSE_UNSET, which has no wire string. */
static const char *const text_purpose_names[] = {NULL,
                                                 GK_TEXT_PURPOSE_MAP(GK_TYPES_WIRE)};
static const char *const format_names[] = {GK_FORMAT_MAP(GK_TYPES_WIRE)};
static const char *const coltype_names[] = {GK_COLTYPE_MAP(GK_TYPES_WIRE)};
static const char *const svcerr_names[] = {GK_SVCERR_MAP(GK_TYPES_WIRE)};
static const char *const thought_names[] = {GK_THOUGHT_MAP(GK_TYPES_WIRE)};
static const char *const conv_type_names[] = {GK_CONV_TYPE_MAP(GK_TYPES_WIRE)};
#undef GK_TYPES_WIRE

#define GK_TYPES_N(a) (sizeof(a) / sizeof((a)[0]))

/* The name at index v, "UNKNOWN" when v is out of range. */
static const char *table_name(const char *const *names, size_t n, int v)
{
    if (v < 0 || (size_t)v >= n)
        return "UNKNOWN";
    return names[v];
}

/* The index whose name is exactly s, or n (the set's UNKNOWN value). */
static int table_find(const char *const *names, size_t n, const char *s)
{
    if (s == NULL)
        return (int)n;
    for (size_t i = 0; i < n; i++)
        if (names[i] != NULL && strcmp(names[i], s) == 0)
            return (int)i;
    return (int)n;
}

const char *gk_types_msg_status_name(enum gk_msg_status s)
{
    return table_name(msg_status_names, GK_MSG_STATUS_COUNT, (int)s);
}

enum gk_msg_status gk_types_msg_status_from_name(const char *s)
{
    return (enum gk_msg_status)table_find(msg_status_names, GK_MSG_STATUS_COUNT, s);
}

/* The pair of lookups of one value set. */
#define GK_TYPES_LOOKUPS(set, type, table)                                               \
    const char *gk_types_##set##_name(type v)                                            \
    {                                                                                    \
        return table_name(table, GK_TYPES_N(table), (int)v);                             \
    }                                                                                    \
    type gk_types_##set##_from_name(const char *s)                                       \
    {                                                                                    \
        return (type)table_find(table, GK_TYPES_N(table), s);                            \
    }

GK_TYPES_LOOKUPS(stmt_state, enum gk_stmt_state, stmt_state_names)
GK_TYPES_LOOKUPS(rating, enum gk_rating, rating_names)
GK_TYPES_LOOKUPS(format, enum gk_format, format_names)
GK_TYPES_LOOKUPS(coltype, enum gk_coltype, coltype_names)
GK_TYPES_LOOKUPS(svcerr, enum gk_svcerr, svcerr_names)
GK_TYPES_LOOKUPS(thought_type, enum gk_thought_type, thought_names)
GK_TYPES_LOOKUPS(conv_type, enum gk_conv_type, conv_type_names)

/* Written out: UNSET has no name at all (NULL), unlike UNKNOWN. */
const char *gk_types_text_purpose_name(enum gk_text_purpose p)
{
    if (p == GK_TEXT_PURPOSE_UNSET)
        return NULL;
    return table_name(text_purpose_names, GK_TYPES_N(text_purpose_names), (int)p);
}

enum gk_text_purpose gk_types_text_purpose_from_name(const char *s)
{
    return (enum gk_text_purpose)table_find(text_purpose_names,
                                            GK_TYPES_N(text_purpose_names), s);
}

/* ---- cleanup ---- */

/* Frees each element with its cleanup, then the array. */
#define GK_TYPES_FREE_ARRAY(arr, count, cleanup)                                         \
    do {                                                                                 \
        for (size_t i_ = 0; (arr) != NULL && i_ < (count); i_++)                         \
            cleanup(&(arr)[i_]);                                                         \
        free(arr);                                                                       \
    } while (0)

/* Cleans up an owned optional sub-object, then frees it. */
#define GK_TYPES_FREE_OBJ(ptr, cleanup)                                                  \
    do {                                                                                 \
        cleanup(ptr);                                                                    \
        free(ptr);                                                                       \
    } while (0)

void gk_types_space_cleanup(struct gk_space *s)
{
    if (s == NULL)
        return;
    free(s->space_id);
    free(s->title);
    free(s->description);
    free(s->warehouse_id);
    free(s->parent_path);
    free(s->serialized_space);
    free(s->etag);
    memset(s, 0, sizeof *s);
}

void gk_types_conversation_cleanup(struct gk_conversation *c)
{
    if (c == NULL)
        return;
    free(c->conversation_id);
    free(c->space_id);
    free(c->title);
    memset(c, 0, sizeof *c);
}

void gk_types_conversation_summary_cleanup(struct gk_conversation_summary *c)
{
    if (c == NULL)
        return;
    free(c->conversation_id);
    free(c->title);
    free(c->agent_type);
    memset(c, 0, sizeof *c);
}

void gk_types_message_error_cleanup(struct gk_message_error *e)
{
    if (e == NULL)
        return;
    free(e->error);
    free(e->type);
    memset(e, 0, sizeof *e);
}

void gk_types_feedback_cleanup(struct gk_feedback *f)
{
    if (f == NULL)
        return;
    free(f->rating_raw);
    free(f->comment);
    memset(f, 0, sizeof *f);
}

void gk_types_query_result_metadata_cleanup(struct gk_query_result_metadata *q)
{
    if (q != NULL)
        memset(q, 0, sizeof *q);
}

void gk_types_query_parameter_cleanup(struct gk_query_parameter *p)
{
    if (p == NULL)
        return;
    free(p->keyword);
    free(p->sql_type);
    free(p->value);
    memset(p, 0, sizeof *p);
}

void gk_types_thought_cleanup(struct gk_thought *t)
{
    if (t == NULL)
        return;
    free(t->content);
    free(t->thought_type);
    memset(t, 0, sizeof *t);
}

void gk_types_query_attachment_cleanup(struct gk_query_attachment *q)
{
    if (q == NULL)
        return;
    free(q->query);
    free(q->title);
    free(q->description);
    free(q->statement_id);
    GK_TYPES_FREE_OBJ(q->query_result_metadata, gk_types_query_result_metadata_cleanup);
    GK_TYPES_FREE_ARRAY(q->parameters, q->parameter_count,
                        gk_types_query_parameter_cleanup);
    GK_TYPES_FREE_ARRAY(q->thoughts, q->thought_count, gk_types_thought_cleanup);
    memset(q, 0, sizeof *q);
}

void gk_types_text_attachment_cleanup(struct gk_text_attachment *t)
{
    if (t == NULL)
        return;
    free(t->content);
    free(t->purpose_raw);
    memset(t, 0, sizeof *t);
}

void gk_types_suggested_questions_cleanup(struct gk_suggested_questions *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; s->questions != NULL && i < s->question_count; i++)
        free(s->questions[i]);
    free(s->questions);
    memset(s, 0, sizeof *s);
}

void gk_types_viz_attachment_cleanup(struct gk_viz_attachment *v)
{
    if (v == NULL)
        return;
    free(v->query_attachment_id);
    free(v->title);
    memset(v, 0, sizeof *v);
}

void gk_types_attachment_cleanup(struct gk_attachment *a)
{
    if (a == NULL)
        return;
    free(a->attachment_id);
    GK_TYPES_FREE_OBJ(a->query, gk_types_query_attachment_cleanup);
    GK_TYPES_FREE_OBJ(a->text, gk_types_text_attachment_cleanup);
    GK_TYPES_FREE_OBJ(a->suggested_questions, gk_types_suggested_questions_cleanup);
    GK_TYPES_FREE_OBJ(a->viz, gk_types_viz_attachment_cleanup);
    memset(a, 0, sizeof *a);
}

void gk_types_message_query_result_cleanup(struct gk_message_query_result *q)
{
    if (q == NULL)
        return;
    free(q->statement_id);
    free(q->statement_id_signature);
    memset(q, 0, sizeof *q);
}

void gk_types_message_cleanup(struct gk_message *m)
{
    if (m == NULL)
        return;
    free(m->message_id);
    free(m->conversation_id);
    free(m->space_id);
    free(m->content);
    free(m->status_raw);
    GK_TYPES_FREE_ARRAY(m->attachments, m->attachment_count, gk_types_attachment_cleanup);
    GK_TYPES_FREE_OBJ(m->error, gk_types_message_error_cleanup);
    GK_TYPES_FREE_OBJ(m->query_result, gk_types_message_query_result_cleanup);
    GK_TYPES_FREE_OBJ(m->feedback, gk_types_feedback_cleanup);
    memset(m, 0, sizeof *m);
}

void gk_types_start_conversation_cleanup(struct gk_start_conversation *s)
{
    if (s == NULL)
        return;
    free(s->conversation_id);
    free(s->message_id);
    GK_TYPES_FREE_OBJ(s->conversation, gk_types_conversation_cleanup);
    GK_TYPES_FREE_OBJ(s->message, gk_types_message_cleanup);
    memset(s, 0, sizeof *s);
}

void gk_types_statement_error_cleanup(struct gk_statement_error *e)
{
    if (e == NULL)
        return;
    free(e->error_code);
    free(e->message);
    memset(e, 0, sizeof *e);
}

void gk_types_column_cleanup(struct gk_column *c)
{
    if (c == NULL)
        return;
    free(c->name);
    free(c->type_name);
    free(c->type_text);
    memset(c, 0, sizeof *c);
}

void gk_types_statement_manifest_cleanup(struct gk_statement_manifest *m)
{
    if (m == NULL)
        return;
    free(m->format);
    GK_TYPES_FREE_ARRAY(m->columns, m->column_count, gk_types_column_cleanup);
    free(m->chunks); /* the chunk infos own nothing */
    memset(m, 0, sizeof *m);
}

void gk_types_result_row_cleanup(struct gk_result_row *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; r->values != NULL && i < r->value_count; i++)
        free(r->values[i]);
    free(r->values);
    memset(r, 0, sizeof *r);
}

void gk_types_statement_result_cleanup(struct gk_statement_result *r)
{
    if (r == NULL)
        return;
    GK_TYPES_FREE_ARRAY(r->rows, r->row_count, gk_types_result_row_cleanup);
    memset(r, 0, sizeof *r);
}

void gk_types_statement_response_cleanup(struct gk_statement_response *s)
{
    if (s == NULL)
        return;
    free(s->statement_id);
    free(s->state_raw);
    GK_TYPES_FREE_OBJ(s->error, gk_types_statement_error_cleanup);
    free(s->sql_state);
    GK_TYPES_FREE_OBJ(s->manifest, gk_types_statement_manifest_cleanup);
    GK_TYPES_FREE_OBJ(s->result, gk_types_statement_result_cleanup);
    memset(s, 0, sizeof *s);
}

void gk_types_conversation_list_cleanup(struct gk_conversation_list *l)
{
    if (l == NULL)
        return;
    GK_TYPES_FREE_ARRAY(l->conversations, l->conversation_count,
                        gk_types_conversation_summary_cleanup);
    free(l->next_page_token);
    memset(l, 0, sizeof *l);
}

void gk_types_message_list_cleanup(struct gk_message_list *l)
{
    if (l == NULL)
        return;
    GK_TYPES_FREE_ARRAY(l->messages, l->message_count, gk_types_message_cleanup);
    free(l->next_page_token);
    memset(l, 0, sizeof *l);
}

void gk_types_space_list_cleanup(struct gk_space_list *l)
{
    if (l == NULL)
        return;
    GK_TYPES_FREE_ARRAY(l->spaces, l->space_count, gk_types_space_cleanup);
    free(l->next_page_token);
    memset(l, 0, sizeof *l);
}

void gk_types_oauth_token_cleanup(struct gk_oauth_token *t)
{
    if (t == NULL)
        return;
    free(t->access_token);
    free(t->token_type);
    free(t->scope);
    memset(t, 0, sizeof *t);
}

void gk_types_host_metadata_cleanup(struct gk_host_metadata *h)
{
    if (h == NULL)
        return;
    free(h->oidc_endpoint);
    free(h->account_id);
    free(h->workspace_id);
    free(h->cloud);
    memset(h, 0, sizeof *h);
}

void gk_types_oidc_discovery_cleanup(struct gk_oidc_discovery *d)
{
    if (d == NULL)
        return;
    free(d->issuer);
    free(d->authorization_endpoint);
    free(d->token_endpoint);
    memset(d, 0, sizeof *d);
}

void gk_types_question_request_cleanup(struct gk_question_request *q)
{
    if (q == NULL)
        return;
    free(q->content);
    memset(q, 0, sizeof *q);
}

void gk_types_feedback_request_cleanup(struct gk_feedback_request *f)
{
    if (f == NULL)
        return;
    free(f->comment);
    memset(f, 0, sizeof *f);
}
