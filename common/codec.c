/*
 * codec.c: the encoders, one put_* function per object of the contract.
 *
 * They drive the JSON writer of codec_write.h (not cJSON: int64 values must
 * print exactly, and a reply should not cost a tree). Its errors are sticky,
 * so the put_* functions run straight through; a required id that is NULL
 * is recorded as a caller bug (GK_INTERNAL_ERROR) and reported at the end.
 *
 * What is left out, uniformly: NULL strings and objects, empty arrays (as
 * proto3 JSON does, and as the service does with `attachments`), the int64
 * fields where 0 means "not set" (timestamps, user_id), and the numbers
 * where 0 is a real value and a has_* flag says "set" (a DECIMAL column's
 * type_precision/type_scale, a manifest's chunk and byte totals). Known enum
 * values print their wire name; an unknown one prints the raw string it was
 * decoded from, or nothing.
 */
#include "common/codec.h"
#include "common/codec_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct gk_codec_opts default_opts;

/* ---- enums with a raw fallback: a known value prints its name, an unknown
 * one the wire string it was decoded from (NULL: left out) ---- */

static const char *msg_status_wire(enum gk_msg_status s, const char *raw)
{
    return (unsigned)s < GK_MSG_STATUS_COUNT ? gk_types_msg_status_name(s) : raw;
}

static const char *stmt_state_wire(enum gk_stmt_state s, const char *raw)
{
    return (unsigned)s < GK_STMT_STATE_COUNT ? gk_types_stmt_state_name(s) : raw;
}

static const char *rating_wire(enum gk_rating r, const char *raw)
{
    return (unsigned)r < GK_RATING_COUNT ? gk_types_rating_name(r) : raw;
}

static const char *text_purpose_wire(enum gk_text_purpose p, const char *raw)
{
    if (p == GK_TEXT_PURPOSE_UNSET)
        return NULL;
    return (unsigned)p < GK_TEXT_PURPOSE_COUNT ? gk_types_text_purpose_name(p) : raw;
}

/* ---- the objects ---- */

static void put_time(struct gk_codec_writer *w, const char *key, int64_t ms)
{
    char buf[GK_CODEC_TIME_MAX];
    if (ms == 0)
        return;
    if (gk_codec_time_format(ms, buf, NULL) != GK_OK) {
        gk_codec_write_fail(w, GK_INTERNAL_ERROR,
                            "%s: %" PRId64 " ms is outside years 0000-9999", key, ms);
        return;
    }
    gk_codec_write_str(w, key, buf);
}

static void put_space(struct gk_codec_writer *w, const char *key,
                      const struct gk_space *s, const struct gk_codec_opts *o)
{
    (void)o;
    gk_codec_write_require(w, s->space_id, "space_id");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, "space_id", s->space_id);
    gk_codec_write_str(w, "title", s->title);
    gk_codec_write_str(w, "description", s->description);
    gk_codec_write_str(w, "warehouse_id", s->warehouse_id);
    gk_codec_write_str(w, "parent_path", s->parent_path);
    gk_codec_write_str(w, "serialized_space", s->serialized_space);
    gk_codec_write_str(w, "etag", s->etag);
    put_time(w, "create_time", s->create_time_ms);
    put_time(w, "update_time", s->update_time_ms);
    gk_codec_write_end(w, '}');
}

static void put_conversation(struct gk_codec_writer *w, const char *key,
                             const struct gk_conversation *c,
                             const struct gk_codec_opts *o)
{
    (void)o;
    gk_codec_write_require(w, c->conversation_id, "conversation_id");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, "conversation_id", c->conversation_id);
    gk_codec_write_str(w, "id", c->conversation_id);
    gk_codec_write_str(w, "space_id", c->space_id);
    gk_codec_write_str(w, "title", c->title);
    gk_codec_write_i64_set(w, "user_id", c->user_id);
    gk_codec_write_i64_set(w, "created_timestamp", c->created_timestamp);
    gk_codec_write_i64_set(w, "last_updated_timestamp", c->last_updated_timestamp);
    gk_codec_write_end(w, '}');
}

static void put_conversation_summary(struct gk_codec_writer *w,
                                     const struct gk_conversation_summary *c)
{
    gk_codec_write_require(w, c->conversation_id, "conversations[].conversation_id");
    gk_codec_write_begin(w, NULL, '{');
    gk_codec_write_str(w, "conversation_id", c->conversation_id);
    gk_codec_write_str(w, "title", c->title);
    gk_codec_write_i64_set(w, "created_timestamp", c->created_timestamp);
    gk_codec_write_str(w, "agent_type", c->agent_type);
    gk_codec_write_end(w, '}');
}

static void put_query_attachment(struct gk_codec_writer *w,
                                 const struct gk_query_attachment *q)
{
    gk_codec_write_begin(w, "query", '{');
    gk_codec_write_str(w, "title", q->title);
    gk_codec_write_str(w, "description", q->description);
    gk_codec_write_str(w, "query", q->query);
    gk_codec_write_str(w, "statement_id", q->statement_id);
    if (gk_codec_write_array_ok(w, q->parameters, q->parameter_count,
                                "query.parameters")) {
        gk_codec_write_begin(w, "parameters", '[');
        for (size_t i = 0; i < q->parameter_count; i++) {
            gk_codec_write_begin(w, NULL, '{');
            gk_codec_write_str(w, "keyword", q->parameters[i].keyword);
            gk_codec_write_str(w, "sql_type", q->parameters[i].sql_type);
            gk_codec_write_str(w, "value", q->parameters[i].value);
            gk_codec_write_end(w, '}');
        }
        gk_codec_write_end(w, ']');
    }
    if (gk_codec_write_array_ok(w, q->thoughts, q->thought_count, "query.thoughts")) {
        gk_codec_write_begin(w, "thoughts", '[');
        for (size_t i = 0; i < q->thought_count; i++) {
            gk_codec_write_begin(w, NULL, '{');
            gk_codec_write_str(w, "content", q->thoughts[i].content);
            gk_codec_write_str(w, "thought_type", q->thoughts[i].thought_type);
            gk_codec_write_end(w, '}');
        }
        gk_codec_write_end(w, ']');
    }
    if (q->query_result_metadata != NULL) {
        gk_codec_write_begin(w, "query_result_metadata", '{');
        gk_codec_write_i64(w, "row_count", q->query_result_metadata->row_count);
        gk_codec_write_bool(w, "is_truncated", q->query_result_metadata->is_truncated);
        gk_codec_write_end(w, '}');
    }
    gk_codec_write_i64_set(w, "last_updated_timestamp", q->last_updated_timestamp);
    gk_codec_write_end(w, '}');
}

static void put_attachment(struct gk_codec_writer *w, const struct gk_attachment *a,
                           const struct gk_codec_opts *o)
{
    gk_codec_write_begin(w, NULL, '{');
    if (a->text == NULL || o->text_attachment_ids)
        gk_codec_write_str(w, "attachment_id", a->attachment_id);
    if (a->query != NULL)
        put_query_attachment(w, a->query);
    if (a->suggested_questions != NULL) {
        const struct gk_suggested_questions *s = a->suggested_questions;
        gk_codec_write_begin(w, "suggested_questions", '{');
        if (gk_codec_write_array_ok(w, s->questions, s->question_count,
                                    "suggested_questions")) {
            gk_codec_write_begin(w, "questions", '[');
            for (size_t i = 0; i < s->question_count; i++)
                if (s->questions[i] != NULL)
                    gk_codec_write_str(w, NULL, s->questions[i]);
            gk_codec_write_end(w, ']');
        }
        gk_codec_write_end(w, '}');
    }
    if (a->text != NULL) {
        gk_codec_write_begin(w, "text", '{');
        gk_codec_write_str(w, "content", a->text->content);
        gk_codec_write_str(w, "purpose",
                           text_purpose_wire(a->text->purpose, a->text->purpose_raw));
        gk_codec_write_end(w, '}');
    }
    if (a->viz != NULL) {
        gk_codec_write_begin(w, "viz", '{');
        gk_codec_write_str(w, "query_attachment_id", a->viz->query_attachment_id);
        gk_codec_write_str(w, "title", a->viz->title);
        gk_codec_write_end(w, '}');
    }
    gk_codec_write_end(w, '}');
}

static void put_message(struct gk_codec_writer *w, const char *key,
                        const struct gk_message *m, const struct gk_codec_opts *o)
{
    gk_codec_write_require(w, m->message_id, "message_id");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, "message_id", m->message_id);
    gk_codec_write_str(w, "id", m->message_id);
    gk_codec_write_str(w, "conversation_id", m->conversation_id);
    gk_codec_write_str(w, "space_id", m->space_id);
    gk_codec_write_str(w, "content", m->content);
    gk_codec_write_str(w, "status", msg_status_wire(m->status, m->status_raw));
    gk_codec_write_i64_set(w, "user_id", m->user_id);
    gk_codec_write_i64_set(w, "created_timestamp", m->created_timestamp);
    gk_codec_write_i64_set(w, "last_updated_timestamp", m->last_updated_timestamp);
    if (gk_codec_write_array_ok(w, m->attachments, m->attachment_count, "attachments")) {
        gk_codec_write_begin(w, "attachments", '[');
        for (size_t i = 0; i < m->attachment_count; i++)
            put_attachment(w, &m->attachments[i], o);
        gk_codec_write_end(w, ']');
    } else if (o->null_attachments) {
        gk_codec_write_null(w, "attachments");
    }
    if (m->query_result != NULL) {
        const struct gk_message_query_result *q = m->query_result;
        gk_codec_write_begin(w, "query_result", '{');
        gk_codec_write_str(w, "statement_id", q->statement_id);
        gk_codec_write_str(w, "statement_id_signature", q->statement_id_signature);
        if (q->has_row_count)
            gk_codec_write_i64(w, "row_count", q->row_count);
        if (q->is_truncated)
            gk_codec_write_bool(w, "is_truncated", true);
        gk_codec_write_end(w, '}');
    }
    if (m->error != NULL) {
        gk_codec_write_begin(w, "error", '{');
        gk_codec_write_str(w, "error", m->error->error);
        gk_codec_write_str(w, "type", m->error->type);
        gk_codec_write_end(w, '}');
    }
    if (m->feedback != NULL) {
        gk_codec_write_begin(w, "feedback", '{');
        gk_codec_write_str(w, "rating",
                           rating_wire(m->feedback->rating, m->feedback->rating_raw));
        gk_codec_write_str(w, "comment", m->feedback->comment);
        gk_codec_write_end(w, '}');
    }
    gk_codec_write_end(w, '}');
}

static void put_rows(struct gk_codec_writer *w, const struct gk_statement_result *r,
                     const struct gk_codec_opts *o)
{
    if (!gk_codec_write_array_ok(w, r->rows, r->row_count, "result.rows"))
        return;
    gk_codec_write_begin(w, o->typed_rows ? "data_typed_array" : "data_array", '[');
    for (size_t i = 0; i < r->row_count; i++) {
        const struct gk_result_row *row = &r->rows[i];
        if (!gk_codec_write_array_ok(w, row->values, row->value_count,
                                     "result.rows[].values")) {
            gk_codec_write_begin(w, NULL, o->typed_rows ? '{' : '[');
            gk_codec_write_end(w, o->typed_rows ? '}' : ']');
            continue;
        }
        if (o->typed_rows) {
            gk_codec_write_begin(w, NULL, '{');
            gk_codec_write_begin(w, "values", '[');
        } else {
            gk_codec_write_begin(w, NULL, '[');
        }
        for (size_t j = 0; j < row->value_count; j++) {
            if (!o->typed_rows) {
                gk_codec_write_str_or_null(w, NULL, row->values[j]);
                continue;
            }
            gk_codec_write_begin(w, NULL, '{'); /* typed: NULL is a cell without "str" */
            gk_codec_write_str(w, "str", row->values[j]);
            gk_codec_write_end(w, '}');
        }
        gk_codec_write_end(w, ']');
        if (o->typed_rows)
            gk_codec_write_end(w, '}');
    }
    gk_codec_write_end(w, ']');
}

static void put_column(struct gk_codec_writer *w, const struct gk_column *c)
{
    gk_codec_write_begin(w, NULL, '{');
    gk_codec_write_str(w, "name", c->name);
    gk_codec_write_i64(w, "position", c->position);
    gk_codec_write_str(w, "type_name", c->type_name);
    gk_codec_write_str(w, "type_text", c->type_text);
    if (c->has_type_precision)
        gk_codec_write_i64(w, "type_precision", c->type_precision);
    if (c->has_type_scale)
        gk_codec_write_i64(w, "type_scale", c->type_scale);
    gk_codec_write_end(w, '}');
}

/* Members in the order of the captures (genie-api-examples.json). */
static void put_manifest(struct gk_codec_writer *w, const struct gk_statement_manifest *m)
{
    gk_codec_write_begin(w, "manifest", '{');
    gk_codec_write_str(w, "format", m->format);
    gk_codec_write_begin(w, "schema", '{');
    gk_codec_write_i64(w, "column_count", (int64_t)m->column_count);
    if (gk_codec_write_array_ok(w, m->columns, m->column_count, "manifest.columns")) {
        gk_codec_write_begin(w, "columns", '[');
        for (size_t i = 0; i < m->column_count; i++)
            put_column(w, &m->columns[i]);
        gk_codec_write_end(w, ']');
    }
    gk_codec_write_end(w, '}');
    gk_codec_write_i64(w, "total_row_count", m->total_row_count);
    if (m->has_total_chunk_count)
        gk_codec_write_i64(w, "total_chunk_count", m->total_chunk_count);
    if (m->has_total_byte_count)
        gk_codec_write_i64(w, "total_byte_count", m->total_byte_count);
    gk_codec_write_bool(w, "truncated", m->truncated);
    if (gk_codec_write_array_ok(w, m->chunks, m->chunk_count, "manifest.chunks")) {
        gk_codec_write_begin(w, "chunks", '[');
        for (size_t i = 0; i < m->chunk_count; i++) {
            const struct gk_chunk_info *c = &m->chunks[i];
            gk_codec_write_begin(w, NULL, '{');
            gk_codec_write_i64(w, "chunk_index", c->chunk_index);
            gk_codec_write_i64(w, "row_offset", c->row_offset);
            gk_codec_write_i64(w, "row_count", c->row_count);
            gk_codec_write_i64(w, "byte_count", c->byte_count);
            gk_codec_write_end(w, '}');
        }
        gk_codec_write_end(w, ']');
    }
    gk_codec_write_end(w, '}');
}

static void put_statement_response(struct gk_codec_writer *w, const char *key,
                                   const struct gk_statement_response *s,
                                   const struct gk_codec_opts *o)
{
    gk_codec_write_require(w, s->statement_id, "statement_id");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_begin(w, "statement_response", '{');
    gk_codec_write_str(w, "statement_id", s->statement_id);
    gk_codec_write_begin(w, "status", '{');
    gk_codec_write_str(w, "state", stmt_state_wire(s->state, s->state_raw));
    if (s->error != NULL) {
        gk_codec_write_begin(w, "error", '{');
        gk_codec_write_str(w, "error_code", s->error->error_code);
        gk_codec_write_str(w, "message", s->error->message);
        gk_codec_write_end(w, '}');
    }
    gk_codec_write_str(w, "sql_state", s->sql_state);
    gk_codec_write_end(w, '}');
    if (s->manifest != NULL)
        put_manifest(w, s->manifest);
    if (s->result != NULL) {
        gk_codec_write_begin(w, "result", '{');
        gk_codec_write_i64(w, "chunk_index", s->result->chunk_index);
        gk_codec_write_i64(w, "row_offset", s->result->row_offset);
        gk_codec_write_i64(w, "row_count", (int64_t)s->result->row_count);
        put_rows(w, s->result, o);
        gk_codec_write_end(w, '}');
    }
    gk_codec_write_end(w, '}');
    gk_codec_write_end(w, '}');
}

static void put_space_list(struct gk_codec_writer *w, const char *key,
                           const struct gk_space_list *l, const struct gk_codec_opts *o)
{
    gk_codec_write_begin(w, key, '{');
    if (gk_codec_write_array_ok(w, l->spaces, l->space_count, "spaces")) {
        gk_codec_write_begin(w, "spaces", '[');
        for (size_t i = 0; i < l->space_count; i++)
            put_space(w, NULL, &l->spaces[i], o);
        gk_codec_write_end(w, ']');
    }
    gk_codec_write_str(w, "next_page_token", l->next_page_token);
    gk_codec_write_end(w, '}');
}

static void put_conversation_list(struct gk_codec_writer *w, const char *key,
                                  const struct gk_conversation_list *l,
                                  const struct gk_codec_opts *o)
{
    (void)o;
    gk_codec_write_begin(w, key, '{');
    if (gk_codec_write_array_ok(w, l->conversations, l->conversation_count,
                                "conversations")) {
        gk_codec_write_begin(w, "conversations", '[');
        for (size_t i = 0; i < l->conversation_count; i++)
            put_conversation_summary(w, &l->conversations[i]);
        gk_codec_write_end(w, ']');
    }
    gk_codec_write_str(w, "next_page_token", l->next_page_token);
    gk_codec_write_end(w, '}');
}

static void put_message_list(struct gk_codec_writer *w, const char *key,
                             const struct gk_message_list *l,
                             const struct gk_codec_opts *o)
{
    gk_codec_write_begin(w, key, '{');
    if (gk_codec_write_array_ok(w, l->messages, l->message_count, "messages")) {
        gk_codec_write_begin(w, "messages", '[');
        for (size_t i = 0; i < l->message_count; i++)
            put_message(w, NULL, &l->messages[i], o);
        gk_codec_write_end(w, ']');
    }
    gk_codec_write_str(w, "next_page_token", l->next_page_token);
    gk_codec_write_end(w, '}');
}

static void put_start_conversation(struct gk_codec_writer *w, const char *key,
                                   const struct gk_start_conversation *s,
                                   const struct gk_codec_opts *o)
{
    gk_codec_write_require(w, s->conversation_id, "conversation_id");
    gk_codec_write_require(w, s->message_id, "message_id");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, "conversation_id", s->conversation_id);
    gk_codec_write_str(w, "message_id", s->message_id);
    if (s->conversation != NULL)
        put_conversation(w, "conversation", s->conversation, o);
    if (s->message != NULL)
        put_message(w, "message", s->message, o);
    gk_codec_write_end(w, '}');
}

static void put_oauth_token(struct gk_codec_writer *w, const char *key,
                            const struct gk_oauth_token *t, const struct gk_codec_opts *o)
{
    (void)o;
    gk_codec_write_require(w, t->access_token, "access_token");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, "access_token", t->access_token);
    gk_codec_write_str(w, "token_type", t->token_type);
    gk_codec_write_i64(w, "expires_in", t->expires_in);
    gk_codec_write_str(w, "scope", t->scope);
    gk_codec_write_end(w, '}');
}

static void put_host_metadata(struct gk_codec_writer *w, const char *key,
                              const struct gk_host_metadata *h,
                              const struct gk_codec_opts *o)
{
    (void)o;
    gk_codec_write_require(w, h->oidc_endpoint, "oidc_endpoint");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, "oidc_endpoint", h->oidc_endpoint);
    gk_codec_write_str(w, "account_id", h->account_id);
    gk_codec_write_str(w, "workspace_id", h->workspace_id);
    gk_codec_write_str(w, "cloud", h->cloud);
    gk_codec_write_end(w, '}');
}

static void put_oidc_discovery(struct gk_codec_writer *w, const char *key,
                               const struct gk_oidc_discovery *d,
                               const struct gk_codec_opts *o)
{
    (void)o;
    gk_codec_write_require(w, d->token_endpoint, "token_endpoint");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, "issuer", d->issuer);
    gk_codec_write_str(w, "authorization_endpoint", d->authorization_endpoint);
    gk_codec_write_str(w, "token_endpoint", d->token_endpoint);
    gk_codec_write_end(w, '}');
}

static void put_question_request(struct gk_codec_writer *w, const char *key,
                                 const struct gk_question_request *q,
                                 const struct gk_codec_opts *o)
{
    (void)o;
    gk_codec_write_require(w, q->content, "content");
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, "content", q->content);
    if (q->enable_visualization)
        gk_codec_write_bool(w, "enable_visualization", true);
    gk_codec_write_end(w, '}');
}

static void put_feedback_request(struct gk_codec_writer *w, const char *key,
                                 const struct gk_feedback_request *f,
                                 const struct gk_codec_opts *o)
{
    if ((unsigned)f->rating >= GK_RATING_COUNT)
        gk_codec_write_fail(w, GK_INTERNAL_ERROR, "rating: %d is not a known rating",
                            (int)f->rating);
    gk_codec_write_begin(w, key, '{');
    gk_codec_write_str(w, o->legacy_feedback_names ? "feedback_rating" : "rating",
                       gk_types_rating_name(f->rating));
    gk_codec_write_str(w, o->legacy_feedback_names ? "feedback_text" : "comment",
                       f->comment);
    gk_codec_write_end(w, '}');
}

/* ---- the public encoders: each validates its arguments, runs its put_*
 * function on a fresh writer and hands over the buffer ---- */

#define GK_CODEC_ENCODER(thing, type)                                                    \
    enum gk_rc gk_codec_encode_##thing(const type *x, const struct gk_codec_opts *o,     \
                                       char **out, size_t *out_len, struct gk_err *err)  \
    {                                                                                    \
        struct gk_codec_writer w = {.first = true};                                      \
        if (out == NULL || x == NULL)                                                    \
            return gk_err_set(err, GK_INTERNAL_ERROR, "encode " #thing ": NULL %s",      \
                              out == NULL ? "output" : "input");                         \
        *out = NULL;                                                                     \
        put_##thing(&w, NULL, x, o != NULL ? o : &default_opts);                         \
        return gk_codec_write_finish(&w, out, out_len, err);                             \
    }

GK_CODEC_ENCODER(space, struct gk_space)
GK_CODEC_ENCODER(space_list, struct gk_space_list)
GK_CODEC_ENCODER(conversation, struct gk_conversation)
GK_CODEC_ENCODER(conversation_list, struct gk_conversation_list)
GK_CODEC_ENCODER(message, struct gk_message)
GK_CODEC_ENCODER(message_list, struct gk_message_list)
GK_CODEC_ENCODER(start_conversation, struct gk_start_conversation)
GK_CODEC_ENCODER(statement_response, struct gk_statement_response)
GK_CODEC_ENCODER(oauth_token, struct gk_oauth_token)
GK_CODEC_ENCODER(host_metadata, struct gk_host_metadata)
GK_CODEC_ENCODER(oidc_discovery, struct gk_oidc_discovery)
GK_CODEC_ENCODER(question_request, struct gk_question_request)
GK_CODEC_ENCODER(feedback_request, struct gk_feedback_request)
