/*
 * codec_decode.c: lenient decoders for response bodies (what genie-gen reads
 * from the real service).
 *
 * Leniency, field by field: a member that is missing or of an unexpected
 * type reads as absent (zero / NULL) and unknown members are never looked
 * at (the getters of codec_doc.h do both); enum strings this build does not
 * know become *_UNKNOWN with the string kept in *_raw; int64 members accept a
 * JSON number or a numeric string; array elements that are not objects are
 * skipped; an empty next_page_token means "last page". Only a missing
 * required id (or a body that is not a JSON object) fails, GK_BAD_RESPONSE.
 *
 * Each public decoder: gk_codec_doc_open() zeroes *out and parses, the
 * dec_* functions fill *out straight through (the doc's error is sticky),
 * and on any failure *out is cleaned up, so the caller gets it zeroed.
 */
#include "common/codec.h"
#include "common/codec_doc.h"

#include <stdio.h>
#include <string.h>

/* ---- enums: known string -> value; unknown -> *_UNKNOWN and a copy ---- */

static void dec_msg_status(struct gk_codec_doc *d, const cJSON *o, struct gk_message *m)
{
    const cJSON *it = gk_codec_doc_member(o, "status");
    m->status = GK_MSG_UNKNOWN; /* absent: unknown, with no raw string */
    if (!cJSON_IsString(it))
        return;
    m->status = gk_types_msg_status_from_name(it->valuestring);
    if (m->status == GK_MSG_UNKNOWN)
        m->status_raw = gk_codec_doc_dup(d, it->valuestring);
}

static void dec_stmt_state(struct gk_codec_doc *d, const cJSON *status,
                           struct gk_statement_response *s)
{
    const cJSON *it = gk_codec_doc_member(status, "state");
    s->state = GK_STMT_UNKNOWN;
    if (!cJSON_IsString(it))
        return;
    s->state = gk_types_stmt_state_from_name(it->valuestring);
    if (s->state == GK_STMT_UNKNOWN)
        s->state_raw = gk_codec_doc_dup(d, it->valuestring);
}

static void dec_feedback(struct gk_codec_doc *d, const cJSON *o, struct gk_feedback *f)
{
    const cJSON *it = gk_codec_doc_member(o, "rating");
    f->rating = GK_RATING_UNKNOWN;
    if (cJSON_IsString(it)) {
        f->rating = gk_types_rating_from_name(it->valuestring);
        if (f->rating == GK_RATING_UNKNOWN)
            f->rating_raw = gk_codec_doc_dup(d, it->valuestring);
    }
    f->comment = gk_codec_doc_str(d, o, "comment");
}

static void dec_text(struct gk_codec_doc *d, const cJSON *o, struct gk_text_attachment *t)
{
    const cJSON *it = gk_codec_doc_member(o, "purpose");
    t->content = gk_codec_doc_str(d, o, "content");
    if (!cJSON_IsString(it))
        return; /* UNSET */
    t->purpose = gk_types_text_purpose_from_name(it->valuestring);
    if (t->purpose == GK_TEXT_PURPOSE_UNKNOWN)
        t->purpose_raw = gk_codec_doc_dup(d, it->valuestring);
}

/* ---- objects ---- */

static void dec_conversation(struct gk_codec_doc *d, const cJSON *o, const char *where,
                             struct gk_conversation *c)
{
    c->conversation_id = gk_codec_doc_id(d, o, "conversation_id", "id", where);
    c->space_id = gk_codec_doc_str(d, o, "space_id");
    c->title = gk_codec_doc_str(d, o, "title");
    c->user_id = gk_codec_doc_i64(d, o, "user_id");
    c->created_timestamp = gk_codec_doc_i64(d, o, "created_timestamp");
    c->last_updated_timestamp = gk_codec_doc_i64(d, o, "last_updated_timestamp");
}

static void dec_summary(struct gk_codec_doc *d, const cJSON *o, const char *where,
                        struct gk_conversation_summary *c)
{
    c->conversation_id = gk_codec_doc_id(d, o, "conversation_id", "id", where);
    c->title = gk_codec_doc_str(d, o, "title");
    c->created_timestamp = gk_codec_doc_i64(d, o, "created_timestamp");
    c->agent_type = gk_codec_doc_str(d, o, "agent_type");
}

/* An unparseable time is left 0, like any other unreadable field. */
static int64_t get_time(const cJSON *o, const char *key)
{
    const cJSON *it = gk_codec_doc_member(o, key);
    int64_t ms = 0;
    if (cJSON_IsString(it))
        gk_codec_time_parse(it->valuestring, strlen(it->valuestring), &ms, NULL);
    return ms;
}

static void dec_space(struct gk_codec_doc *d, const cJSON *o, const char *where,
                      struct gk_space *s)
{
    s->space_id = gk_codec_doc_id(d, o, "space_id", NULL, where);
    s->title = gk_codec_doc_str(d, o, "title");
    s->description = gk_codec_doc_str(d, o, "description");
    s->warehouse_id = gk_codec_doc_str(d, o, "warehouse_id");
    s->parent_path = gk_codec_doc_str(d, o, "parent_path");
    s->serialized_space = gk_codec_doc_str(d, o, "serialized_space");
    s->etag = gk_codec_doc_str(d, o, "etag");
    s->create_time_ms = get_time(o, "create_time");
    s->update_time_ms = get_time(o, "update_time");
}

static void dec_query(struct gk_codec_doc *d, const cJSON *o,
                      struct gk_query_attachment *q)
{
    const cJSON *meta = gk_codec_doc_obj(o, "query_result_metadata"), *c;
    size_t n;

    q->query = gk_codec_doc_str(d, o, "query");
    q->title = gk_codec_doc_str(d, o, "title");
    q->description = gk_codec_doc_str(d, o, "description");
    q->statement_id = gk_codec_doc_str(d, o, "statement_id");
    q->last_updated_timestamp = gk_codec_doc_i64(d, o, "last_updated_timestamp");
    if (meta != NULL && (q->query_result_metadata = gk_codec_doc_alloc(
                             d, 1, sizeof *q->query_result_metadata)) != NULL) {
        q->query_result_metadata->row_count = gk_codec_doc_i64(d, meta, "row_count");
        q->query_result_metadata->is_truncated = gk_codec_doc_bool(meta, "is_truncated");
    }
    c = gk_codec_doc_arr(o, "parameters", &n);
    if ((q->parameters = gk_codec_doc_alloc(d, n, sizeof *q->parameters)) != NULL)
        for (; c != NULL; c = c->next) {
            if (!cJSON_IsObject(c))
                continue;
            struct gk_query_parameter *p = &q->parameters[q->parameter_count++];
            p->keyword = gk_codec_doc_str(d, c, "keyword");
            p->sql_type = gk_codec_doc_str(d, c, "sql_type");
            p->value = gk_codec_doc_str(d, c, "value");
        }
    c = gk_codec_doc_arr(o, "thoughts", &n);
    if ((q->thoughts = gk_codec_doc_alloc(d, n, sizeof *q->thoughts)) != NULL)
        for (; c != NULL; c = c->next) {
            if (!cJSON_IsObject(c))
                continue;
            struct gk_thought *t = &q->thoughts[q->thought_count++];
            t->content = gk_codec_doc_str(d, c, "content");
            t->thought_type = gk_codec_doc_str(d, c, "thought_type");
        }
}

static void dec_attachment(struct gk_codec_doc *d, const cJSON *o,
                           struct gk_attachment *a)
{
    const cJSON *p;

    a->attachment_id = gk_codec_doc_str(d, o, "attachment_id");
    if ((p = gk_codec_doc_obj(o, "query")) != NULL &&
        (a->query = gk_codec_doc_alloc(d, 1, sizeof *a->query)) != NULL)
        dec_query(d, p, a->query);
    if ((p = gk_codec_doc_obj(o, "text")) != NULL &&
        (a->text = gk_codec_doc_alloc(d, 1, sizeof *a->text)) != NULL)
        dec_text(d, p, a->text);
    if ((p = gk_codec_doc_obj(o, "suggested_questions")) != NULL &&
        (a->suggested_questions =
             gk_codec_doc_alloc(d, 1, sizeof *a->suggested_questions)) != NULL) {
        struct gk_suggested_questions *s = a->suggested_questions;
        size_t n;
        const cJSON *c = gk_codec_doc_arr(p, "questions", &n);
        if ((s->questions = gk_codec_doc_alloc(d, n, sizeof *s->questions)) != NULL)
            for (; c != NULL; c = c->next)
                if (cJSON_IsString(c))
                    s->questions[s->question_count++] =
                        gk_codec_doc_dup(d, c->valuestring);
    }
    if ((p = gk_codec_doc_obj(o, "viz")) != NULL &&
        (a->viz = gk_codec_doc_alloc(d, 1, sizeof *a->viz)) != NULL) {
        a->viz->query_attachment_id = gk_codec_doc_str(d, p, "query_attachment_id");
        a->viz->title = gk_codec_doc_str(d, p, "title");
    }
}

static void dec_message(struct gk_codec_doc *d, const cJSON *o, const char *where,
                        struct gk_message *m)
{
    const cJSON *p, *c;
    size_t n;

    /* the first API (2024) had only `id` (genie-api.md 3.1) */
    m->message_id = gk_codec_doc_id(d, o, "message_id", "id", where);
    m->conversation_id = gk_codec_doc_str(d, o, "conversation_id");
    m->space_id = gk_codec_doc_str(d, o, "space_id");
    m->content = gk_codec_doc_str(d, o, "content");
    dec_msg_status(d, o, m);
    m->user_id = gk_codec_doc_i64(d, o, "user_id");
    m->created_timestamp = gk_codec_doc_i64(d, o, "created_timestamp");
    m->last_updated_timestamp = gk_codec_doc_i64(d, o, "last_updated_timestamp");
    c = gk_codec_doc_arr(o, "attachments", &n);
    if ((m->attachments = gk_codec_doc_alloc(d, n, sizeof *m->attachments)) != NULL)
        for (; c != NULL; c = c->next)
            if (cJSON_IsObject(c))
                dec_attachment(d, c, &m->attachments[m->attachment_count++]);
    if ((p = gk_codec_doc_obj(o, "error")) != NULL &&
        (m->error = gk_codec_doc_alloc(d, 1, sizeof *m->error)) != NULL) {
        m->error->error = gk_codec_doc_str(d, p, "error");
        m->error->type = gk_codec_doc_str(d, p, "type");
    }
    if ((p = gk_codec_doc_obj(o, "query_result")) != NULL &&
        (m->query_result = gk_codec_doc_alloc(d, 1, sizeof *m->query_result)) != NULL) {
        struct gk_message_query_result *q = m->query_result;
        q->statement_id = gk_codec_doc_str(d, p, "statement_id");
        q->statement_id_signature = gk_codec_doc_str(d, p, "statement_id_signature");
        q->has_row_count =
            gk_codec_doc_item_i64(d, gk_codec_doc_member(p, "row_count"), &q->row_count);
        q->is_truncated = gk_codec_doc_bool(p, "is_truncated");
    }
    if ((p = gk_codec_doc_obj(o, "feedback")) != NULL &&
        (m->feedback = gk_codec_doc_alloc(d, 1, sizeof *m->feedback)) != NULL)
        dec_feedback(d, p, m->feedback);
}

/* One row from its first cell. data_array cells are strings or null (other
 * scalars are kept as their text); data_typed_array cells are {"str": ...},
 * NULL when "str" is missing. */
static void dec_row(struct gk_codec_doc *d, const cJSON *cells, bool typed,
                    struct gk_result_row *row)
{
    size_t n = 0;
    for (const cJSON *c = cells; c != NULL; c = c->next)
        n++;
    if ((row->values = gk_codec_doc_alloc(d, n, sizeof *row->values)) == NULL)
        return;
    for (const cJSON *c = cells; c != NULL; c = c->next)
        row->values[row->value_count++] = gk_codec_doc_text(
            d, typed && cJSON_IsObject(c) ? gk_codec_doc_member(c, "str") : c);
}

static void dec_result(struct gk_codec_doc *d, const cJSON *o,
                       struct gk_statement_result *r)
{
    size_t n;
    bool typed = false;
    const cJSON *c = gk_codec_doc_arr(o, "data_array", &n);

    if (c == NULL) {
        c = gk_codec_doc_arr(o, "data_typed_array", &n);
        typed = true;
    }
    r->chunk_index = gk_codec_doc_i64(d, o, "chunk_index");
    r->row_offset = gk_codec_doc_i64(d, o, "row_offset");
    if ((r->rows = gk_codec_doc_alloc(d, n, sizeof *r->rows)) == NULL)
        return;
    for (; c != NULL; c = c->next) {
        struct gk_result_row *row = &r->rows[r->row_count++];
        size_t k;
        if (typed && cJSON_IsObject(c))
            dec_row(d, gk_codec_doc_arr(c, "values", &k), true, row);
        else if (!typed && cJSON_IsArray(c))
            dec_row(d, c->child, false, row);
        /* else an unreadable row stays empty, so row indexes still line up */
    }
}

/* An int32 member: true with *v set when it reads as an int64 in range;
 * false (and *v untouched) when it is absent, unreadable or out of range. */
static bool get_i32(const struct gk_codec_doc *d, const cJSON *o, const char *key,
                    int32_t *v)
{
    int64_t x;
    if (!gk_codec_doc_item_i64(d, gk_codec_doc_member(o, key), &x) || x < INT32_MIN ||
        x > INT32_MAX)
        return false;
    *v = (int32_t)x;
    return true;
}

static void dec_column(struct gk_codec_doc *d, const cJSON *c, struct gk_column *col)
{
    int32_t pos = 0;
    get_i32(d, c, "position", &pos);
    col->name = gk_codec_doc_str(d, c, "name");
    col->position = pos;
    col->type_name = gk_codec_doc_str(d, c, "type_name");
    col->type_text = gk_codec_doc_str(d, c, "type_text");
    col->has_type_precision = get_i32(d, c, "type_precision", &col->type_precision);
    col->has_type_scale = get_i32(d, c, "type_scale", &col->type_scale);
}

static void dec_manifest(struct gk_codec_doc *d, const cJSON *o,
                         struct gk_statement_manifest *m)
{
    size_t n;
    const cJSON *c = gk_codec_doc_arr(gk_codec_doc_obj(o, "schema"), "columns", &n);

    m->format = gk_codec_doc_str(d, o, "format");
    m->total_row_count = gk_codec_doc_i64(d, o, "total_row_count");
    m->has_total_chunk_count = gk_codec_doc_item_i64(
        d, gk_codec_doc_member(o, "total_chunk_count"), &m->total_chunk_count);
    m->has_total_byte_count = gk_codec_doc_item_i64(
        d, gk_codec_doc_member(o, "total_byte_count"), &m->total_byte_count);
    m->truncated = gk_codec_doc_bool(o, "truncated");
    if ((m->columns = gk_codec_doc_alloc(d, n, sizeof *m->columns)) != NULL)
        for (; c != NULL; c = c->next)
            if (cJSON_IsObject(c))
                dec_column(d, c, &m->columns[m->column_count++]);
    c = gk_codec_doc_arr(o, "chunks", &n);
    if ((m->chunks = gk_codec_doc_alloc(d, n, sizeof *m->chunks)) != NULL)
        for (; c != NULL; c = c->next) {
            if (!cJSON_IsObject(c))
                continue;
            struct gk_chunk_info *k = &m->chunks[m->chunk_count++];
            k->chunk_index = gk_codec_doc_i64(d, c, "chunk_index");
            k->row_offset = gk_codec_doc_i64(d, c, "row_offset");
            k->row_count = gk_codec_doc_i64(d, c, "row_count");
            k->byte_count = gk_codec_doc_i64(d, c, "byte_count");
        }
}

static void dec_statement(struct gk_codec_doc *d, const cJSON *o,
                          struct gk_statement_response *s)
{
    const cJSON *status = gk_codec_doc_obj(o, "status"), *p;

    s->statement_id = gk_codec_doc_id(d, o, "statement_id", NULL, "statement_response.");
    dec_stmt_state(d, status, s);
    if ((p = gk_codec_doc_obj(status, "error")) != NULL &&
        (s->error = gk_codec_doc_alloc(d, 1, sizeof *s->error)) != NULL) {
        s->error->error_code = gk_codec_doc_str(d, p, "error_code");
        s->error->message = gk_codec_doc_str(d, p, "message");
    }
    s->sql_state = gk_codec_doc_str(d, status, "sql_state");
    if ((p = gk_codec_doc_obj(o, "manifest")) != NULL &&
        (s->manifest = gk_codec_doc_alloc(d, 1, sizeof *s->manifest)) != NULL)
        dec_manifest(d, p, s->manifest);
    if ((p = gk_codec_doc_obj(o, "result")) != NULL &&
        (s->result = gk_codec_doc_alloc(d, 1, sizeof *s->result)) != NULL)
        dec_result(d, p, s->result);
}

/* next_page_token: absent, not a string or "" all mean the last page. */
static char *get_page_token(struct gk_codec_doc *d, const cJSON *o)
{
    const cJSON *it = gk_codec_doc_member(o, "next_page_token");
    if (!cJSON_IsString(it) || it->valuestring[0] == '\0')
        return NULL;
    return gk_codec_doc_dup(d, it->valuestring);
}

/* "key[i]." for the error message of a list element. */
static const char *list_where(char *buf, size_t cap, const char *key, size_t i)
{
    snprintf(buf, cap, "%s[%zu].", key, i);
    return buf;
}

/* ---- the public decoders ---- */

#define OPEN(d, out)                                                                     \
    gk_codec_doc_open(d, data, len, out, sizeof *(out), GK_BAD_RESPONSE, err)

enum gk_rc gk_codec_decode_space(const char *data, size_t len, struct gk_space *out,
                                 struct gk_err *err)
{
    struct gk_codec_doc d;
    if (OPEN(&d, out) == GK_OK)
        dec_space(&d, d.root, "", out);
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_space_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_space_list(const char *data, size_t len,
                                      struct gk_space_list *out, struct gk_err *err)
{
    struct gk_codec_doc d;
    char where[48];
    size_t n;

    if (OPEN(&d, out) == GK_OK) {
        const cJSON *c = gk_codec_doc_arr(d.root, "spaces", &n);
        if ((out->spaces = gk_codec_doc_alloc(&d, n, sizeof *out->spaces)) != NULL)
            for (; c != NULL; c = c->next) {
                if (!cJSON_IsObject(c))
                    continue;
                size_t i = out->space_count++;
                dec_space(&d, c, list_where(where, sizeof where, "spaces", i),
                          &out->spaces[i]);
            }
        out->next_page_token = get_page_token(&d, d.root);
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_space_list_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_conversation(const char *data, size_t len,
                                        struct gk_conversation *out, struct gk_err *err)
{
    struct gk_codec_doc d;
    if (OPEN(&d, out) == GK_OK)
        dec_conversation(&d, d.root, "", out);
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_conversation_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_conversation_list(const char *data, size_t len,
                                             struct gk_conversation_list *out,
                                             struct gk_err *err)
{
    struct gk_codec_doc d;
    char where[48];
    size_t n;

    if (OPEN(&d, out) == GK_OK) {
        const cJSON *c = gk_codec_doc_arr(d.root, "conversations", &n);
        if ((out->conversations =
                 gk_codec_doc_alloc(&d, n, sizeof *out->conversations)) != NULL)
            for (; c != NULL; c = c->next) {
                if (!cJSON_IsObject(c))
                    continue;
                size_t i = out->conversation_count++;
                dec_summary(&d, c, list_where(where, sizeof where, "conversations", i),
                            &out->conversations[i]);
            }
        out->next_page_token = get_page_token(&d, d.root);
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_conversation_list_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_message(const char *data, size_t len, struct gk_message *out,
                                   struct gk_err *err)
{
    struct gk_codec_doc d;
    if (OPEN(&d, out) == GK_OK)
        dec_message(&d, d.root, "", out);
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_message_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_message_list(const char *data, size_t len,
                                        struct gk_message_list *out, struct gk_err *err)
{
    struct gk_codec_doc d;
    char where[48];
    size_t n;

    if (OPEN(&d, out) == GK_OK) {
        const cJSON *c = gk_codec_doc_arr(d.root, "messages", &n);
        if ((out->messages = gk_codec_doc_alloc(&d, n, sizeof *out->messages)) != NULL)
            for (; c != NULL; c = c->next) {
                if (!cJSON_IsObject(c))
                    continue;
                size_t i = out->message_count++;
                dec_message(&d, c, list_where(where, sizeof where, "messages", i),
                            &out->messages[i]);
            }
        out->next_page_token = get_page_token(&d, d.root);
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_message_list_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_start_conversation(const char *data, size_t len,
                                              struct gk_start_conversation *out,
                                              struct gk_err *err)
{
    struct gk_codec_doc d;
    const cJSON *p;

    if (OPEN(&d, out) == GK_OK) {
        out->conversation_id = gk_codec_doc_id(&d, d.root, "conversation_id", NULL, "");
        out->message_id = gk_codec_doc_id(&d, d.root, "message_id", NULL, "");
        if ((p = gk_codec_doc_obj(d.root, "conversation")) != NULL &&
            (out->conversation = gk_codec_doc_alloc(&d, 1, sizeof *out->conversation)) !=
                NULL)
            dec_conversation(&d, p, "conversation.", out->conversation);
        if ((p = gk_codec_doc_obj(d.root, "message")) != NULL &&
            (out->message = gk_codec_doc_alloc(&d, 1, sizeof *out->message)) != NULL)
            dec_message(&d, p, "message.", out->message);
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_start_conversation_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_statement_response(const char *data, size_t len,
                                              struct gk_statement_response *out,
                                              struct gk_err *err)
{
    struct gk_codec_doc d;
    if (OPEN(&d, out) == GK_OK) {
        const cJSON *sr = gk_codec_doc_obj(d.root, "statement_response");
        dec_statement(&d, sr != NULL ? sr : d.root, out);
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_statement_response_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_oauth_token(const char *data, size_t len,
                                       struct gk_oauth_token *out, struct gk_err *err)
{
    struct gk_codec_doc d;
    if (OPEN(&d, out) == GK_OK) {
        out->access_token = gk_codec_doc_id(&d, d.root, "access_token", NULL, "");
        out->token_type = gk_codec_doc_str(&d, d.root, "token_type");
        out->expires_in = gk_codec_doc_i64(&d, d.root, "expires_in"); /* "3600" too */
        out->scope = gk_codec_doc_str(&d, d.root, "scope");
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_oauth_token_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_host_metadata(const char *data, size_t len,
                                         struct gk_host_metadata *out, struct gk_err *err)
{
    struct gk_codec_doc d;
    if (OPEN(&d, out) == GK_OK) {
        out->oidc_endpoint = gk_codec_doc_id(&d, d.root, "oidc_endpoint", NULL, "");
        out->account_id = gk_codec_doc_str(&d, d.root, "account_id");
        /* a decimal string by the docs; a number is kept as its digits */
        out->workspace_id =
            gk_codec_doc_text(&d, gk_codec_doc_member(d.root, "workspace_id"));
        out->cloud = gk_codec_doc_str(&d, d.root, "cloud");
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_host_metadata_cleanup(out);
    return d.rc;
}

enum gk_rc gk_codec_decode_oidc_discovery(const char *data, size_t len,
                                          struct gk_oidc_discovery *out,
                                          struct gk_err *err)
{
    struct gk_codec_doc d;
    if (OPEN(&d, out) == GK_OK) {
        out->issuer = gk_codec_doc_str(&d, d.root, "issuer");
        out->authorization_endpoint =
            gk_codec_doc_str(&d, d.root, "authorization_endpoint");
        out->token_endpoint = gk_codec_doc_id(&d, d.root, "token_endpoint", NULL, "");
    }
    if (gk_codec_doc_close(&d) != GK_OK)
        gk_types_oidc_discovery_cleanup(out);
    return d.rc;
}
