/*
 * output_record.c: a record as one JSON line, and back (see output.h for the
 * members and what null means in each).
 *
 * The writer is common/codec_write (exact int64, no tree). Strings go through
 * utf8_clean first: the writer passes bytes >= 0x80 through unchanged, and a
 * server's error message or a hostile question bank may hold bytes that are
 * not UTF-8, which would make the line unreadable to strict JSON readers
 * (Python's json, jq). Valid text, the usual case, is not copied.
 *
 * Decoding is lenient about what is missing (older or newer files) and
 * strict about what is there: a member of the wrong type, or a string too
 * long for the record's fixed-size field, is an error naming the line.
 */
#include "generator/output.h"

#include "common/codec_write.h"
#include "generator/json.h"

#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

bool gen_output_id_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    if (s == NULL || *s == '\0')
        return false;
    for (size_t i = 0; p[i] != '\0'; i += n)
        if (p[i] < 0x20 || p[i] == 0x7f || (n = utf8_seq(p + i)) == 0)
            return false;
    return true;
}

/*
 * s itself when it is valid UTF-8 (or NULL); otherwise a heap copy with each
 * invalid byte replaced by U+FFFD, also stored in *tmp for the caller to
 * free. *oom is set when that copy could not be made (NULL is returned).
 * (The NUL that ends s stops every multi-byte check above, since a
 * continuation byte is never 0.)
 */
static const char *utf8_cleaned(const char *s, char **tmp, bool *oom)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t bad = 0, n;

    *tmp = NULL;
    *oom = false;
    if (s == NULL)
        return NULL;
    for (size_t i = 0; p[i] != '\0'; i += n ? n : 1)
        if ((n = utf8_seq(p + i)) == 0)
            bad++;
    if (bad == 0)
        return s;
    char *out = malloc(strlen(s) + 2 * bad + 1), *q = out;
    if (out == NULL) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; p[i] != '\0'; i += n ? n : 1) {
        if ((n = utf8_seq(p + i)) == 0) {
            memcpy(q, "\xef\xbf\xbd", 3);
            q += 3;
        } else {
            memcpy(q, p + i, n);
            q += n;
        }
    }
    *q = '\0';
    *tmp = out;
    return out;
}

/* utf8_cleaned for the encoder: a failure is recorded in the writer. */
static const char *utf8_clean(struct gk_codec_writer *w, const char *s, char **tmp)
{
    bool oom;
    const char *out = utf8_cleaned(s, tmp, &oom);
    if (oom)
        gk_codec_write_fail(w, GK_OUT_OF_MEMORY, "record: out of memory");
    return out;
}

/* ---- encoding ---- */

/* A string, or null when it is NULL or empty. */
static void put_str(struct gk_codec_writer *w, const char *key, const char *s)
{
    char *tmp;
    if (s == NULL || s[0] == '\0') {
        gk_codec_write_null(w, key);
        return;
    }
    s = utf8_clean(w, s, &tmp);
    if (s != NULL)
        gk_codec_write_str(w, key, s);
    free(tmp);
}

static void put_i64_or_null(struct gk_codec_writer *w, const char *key, int64_t v,
                            bool known)
{
    if (known)
        gk_codec_write_i64(w, key, v);
    else
        gk_codec_write_null(w, key);
}

/* A comma-separated list as an array; skip_empty drops empty items. */
static void put_list(struct gk_codec_writer *w, const char *key, const char *list,
                     bool skip_empty)
{
    char *tmp;
    gk_codec_write_begin(w, key, '[');
    list = utf8_clean(w, list, &tmp);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (n > 0 || !skip_empty) {
            char *item = strndup(p, n);
            if (item == NULL) {
                gk_codec_write_fail(w, GK_OUT_OF_MEMORY, "record: out of memory");
                break;
            }
            gk_codec_write_str(w, NULL, item);
            free(item);
        }
        if (comma == NULL)
            break;
        p = comma + 1;
        if (*p == '\0' && !skip_empty)
            gk_codec_write_str(w, NULL, ""); /* "a," ends with an empty item */
    }
    free(tmp);
    gk_codec_write_end(w, ']');
}

enum gk_rc gen_output_record_encode(const struct gen_record *r, char **out,
                                    size_t *out_len, struct gk_err *err)
{
    struct gk_codec_writer w = {.first = true};
    char *text = NULL;
    size_t len = 0;

    *out = NULL;
    gk_codec_write_begin(&w, NULL, '{');
    put_str(&w, "run_id", r->run_id);
    put_str(&w, "key", r->key);
    put_str(&w, "workspace_id", r->workspace_id);
    put_str(&w, "space_id", r->space_id);
    put_str(&w, "conversation_id", r->conversation_id);
    put_str(&w, "message_id", r->message_id);
    put_str(&w, "kind", r->kind);
    put_str(&w, "question", r->question);
    put_str(&w, "status",
            r->status < GK_MSG_STATUS_COUNT && (int)r->status >= 0
                ? gk_types_msg_status_name(r->status)
                : NULL);
    put_str(&w, "outcome", r->outcome);
    put_str(&w, "error_type", r->error_type);
    put_str(&w, "error_message", r->error_message);
    put_str(&w, "sql", r->sql);
    put_i64_or_null(&w, "row_count", r->row_count, r->row_count >= 0);
    put_list(&w, "attachment_ids", r->attachment_ids, true);
    put_i64_or_null(&w, "created_ms", r->created_ms, r->created_ms != 0);
    put_i64_or_null(&w, "terminal_ms", r->terminal_ms, r->terminal_ms != 0);
    put_i64_or_null(&w, "time_to_terminal_ms", r->time_to_terminal_ms,
                    r->time_to_terminal_ms >= 0);
    gk_codec_write_i64(&w, "polls", r->polls);
    gk_codec_write_i64(&w, "retries", r->retries);
    gk_codec_write_i64(&w, "throttled", r->throttled);
    put_i64_or_null(&w, "result_rows", r->result_rows, r->result_rows >= 0);
    if (r->result_columns != NULL)
        put_list(&w, "result_columns", r->result_columns, false);
    else
        gk_codec_write_null(&w, "result_columns");
    gk_codec_write_end(&w, '}');
    enum gk_rc rc = gk_codec_write_finish(&w, &text, &len, err);
    if (rc != GK_OK)
        return rc;
    /* The writer's buffer has room to spare only by chance: grow it by one. */
    char *line = realloc(text, len + 2);
    if (line == NULL) {
        free(text);
        return gk_err_set(err, GK_OUT_OF_MEMORY, "record: out of memory");
    }
    line[len++] = '\n';
    line[len] = '\0';
    *out = line;
    if (out_len != NULL)
        *out_len = len;
    return GK_OK;
}

/* ---- decoding ---- */

/*
 * Copies a string member into a fixed field; absent or null leaves "". Too
 * long is an error for ids (cut, they would name something else) and, with
 * cut_ok, a cut at a character boundary for messages: the encoder may have
 * lengthened a full field (each invalid byte became a 3-byte U+FFFD), and
 * such a line must still read back on resume.
 */
static enum gk_rc get_fixed(struct gen_json *j, const char *key, char *dst, size_t cap,
                            bool cut_ok)
{
    const struct gen_json_node *n = gen_json_get(j->root, key);
    enum gen_json_kind k = gen_json_kind(n);
    size_t mark, len;
    enum gk_rc rc = GK_OK;

    dst[0] = '\0';
    if (k == GEN_JSON_ABSENT || k == GEN_JSON_NULL)
        return GK_OK;
    mark = gen_json_push_key(j, key);
    if (k != GEN_JSON_STRING) {
        rc = gen_json_fail(j, "expected a string, got %s", gen_json_kind_name(n));
    } else if ((len = strlen(gen_json_string(n))) >= cap && !cut_ok) {
        rc = gen_json_fail(j, "longer than %zu bytes", cap - 1);
    } else if (!cut_ok) {
        memcpy(dst, gen_json_string(n), len + 1);
    } else {
        /* Cleaned first, so that what is read back encodes unchanged. */
        char *tmp;
        bool oom;
        const char *s = utf8_cleaned(gen_json_string(n), &tmp, &oom);
        if (oom) {
            rc = gk_err_set(j->err, GK_OUT_OF_MEMORY, "%s: out of memory", j->file);
        } else {
            if ((len = strlen(s)) >= cap)
                for (len = cap - 1; len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80;)
                    len--; /* s[len], the first byte cut, must start a character */
            memcpy(dst, s, len);
            dst[len] = '\0';
        }
        free(tmp);
    }
    gen_json_pop(j, mark);
    return rc;
}

/* A heap copy of a string member, or NULL for absent or null. */
static enum gk_rc get_dup(struct gen_json *j, const char *key, char **dst)
{
    const struct gen_json_node *n = gen_json_get(j->root, key);
    enum gen_json_kind k = gen_json_kind(n);

    *dst = NULL;
    if (k == GEN_JSON_ABSENT || k == GEN_JSON_NULL)
        return GK_OK;
    if (k != GEN_JSON_STRING) {
        size_t mark = gen_json_push_key(j, key);
        enum gk_rc rc =
            gen_json_fail(j, "expected a string, got %s", gen_json_kind_name(n));
        gen_json_pop(j, mark);
        return rc;
    }
    if ((*dst = strdup(gen_json_string(n))) == NULL)
        return gk_err_set(j->err, GK_OUT_OF_MEMORY, "%s: out of memory", j->file);
    return GK_OK;
}

/* An integer member; absent or null gives dflt. */
static enum gk_rc get_i64(struct gen_json *j, const char *key, int64_t dflt, int64_t *dst)
{
    const struct gen_json_node *n = gen_json_get(j->root, key);
    enum gen_json_kind k = gen_json_kind(n);

    *dst = dflt;
    if (k == GEN_JSON_ABSENT || k == GEN_JSON_NULL || gen_json_int64(n, dst))
        return GK_OK;
    size_t mark = gen_json_push_key(j, key);
    enum gk_rc rc =
        gen_json_fail(j, "expected an integer, got %s", gen_json_kind_name(n));
    gen_json_pop(j, mark);
    return rc;
}

/* An array of strings joined with commas; absent or null gives NULL (or ""
 * with empty_if_absent). */
static enum gk_rc get_list(struct gen_json *j, const char *key, bool empty_if_absent,
                           char **dst)
{
    const struct gen_json_node *arr = gen_json_get(j->root, key);
    enum gen_json_kind k = gen_json_kind(arr);
    size_t len = 0, mark, i = 0;

    *dst = NULL;
    if (k == GEN_JSON_ABSENT || k == GEN_JSON_NULL) {
        if (empty_if_absent && (*dst = strdup("")) == NULL)
            return gk_err_set(j->err, GK_OUT_OF_MEMORY, "%s: out of memory", j->file);
        return GK_OK;
    }
    mark = gen_json_push_key(j, key);
    if (k != GEN_JSON_ARRAY) {
        enum gk_rc rc =
            gen_json_fail(j, "expected an array, got %s", gen_json_kind_name(arr));
        gen_json_pop(j, mark);
        return rc;
    }
    for (const struct gen_json_node *n = gen_json_child(arr); n != NULL;
         n = gen_json_next(n), i++) {
        if (gen_json_string(n) == NULL) {
            gen_json_push_index(j, i);
            enum gk_rc rc =
                gen_json_fail(j, "expected a string, got %s", gen_json_kind_name(n));
            gen_json_pop(j, mark);
            return rc;
        }
        len += strlen(gen_json_string(n)) + 1;
    }
    gen_json_pop(j, mark);
    char *s = malloc(len + 1), *p = s;
    if (s == NULL)
        return gk_err_set(j->err, GK_OUT_OF_MEMORY, "%s: out of memory", j->file);
    *p = '\0';
    i = 0;
    for (const struct gen_json_node *n = gen_json_child(arr); n != NULL;
         n = gen_json_next(n), i++)
        p += sprintf(p, "%s%s", i == 0 ? "" : ",", gen_json_string(n));
    *dst = s;
    return GK_OK;
}

enum gk_rc gen_output_record_decode(const char *line, size_t len, const char *where,
                                    struct gen_record_copy *out, struct gk_err *err)
{
    struct gen_record_copy c;
    struct gen_record *r = &c.rec;
    struct gen_json j;
    char status[32];

    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof *out);
    enum gk_rc rc = gen_json_parse(&j, where, line, len, err);
    if (rc != GK_OK)
        return rc;
    if ((rc = get_fixed(&j, "key", r->key, sizeof r->key, false)) == GK_OK &&
        r->key[0] == '\0')
        rc = gen_json_fail(&j, "key: missing");
    if (rc == GK_OK)
        rc = get_fixed(&j, "run_id", r->run_id, sizeof r->run_id, false);
    if (rc == GK_OK)
        rc = get_dup(&j, "workspace_id", &c.workspace_id);
    if (rc == GK_OK)
        rc = get_dup(&j, "space_id", &c.space_id);
    if (rc == GK_OK)
        rc = get_fixed(&j, "conversation_id", r->conversation_id,
                       sizeof r->conversation_id, false);
    if (rc == GK_OK)
        rc = get_fixed(&j, "message_id", r->message_id, sizeof r->message_id, false);
    if (rc == GK_OK)
        rc = get_dup(&j, "kind", &c.kind);
    if (rc == GK_OK)
        rc = get_dup(&j, "question", &c.question);
    if (rc == GK_OK)
        rc = get_fixed(&j, "status", status, sizeof status, true);
    if (rc == GK_OK)
        rc = get_dup(&j, "outcome", &c.outcome);
    if (rc == GK_OK)
        rc = get_fixed(&j, "error_type", r->error_type, sizeof r->error_type, true);
    if (rc == GK_OK)
        rc = get_fixed(&j, "error_message", r->error_message, sizeof r->error_message,
                       true);
    if (rc == GK_OK)
        rc = get_dup(&j, "sql", &r->sql);
    if (rc == GK_OK)
        rc = get_i64(&j, "row_count", -1, &r->row_count);
    if (rc == GK_OK)
        rc = get_list(&j, "attachment_ids", true, &r->attachment_ids);
    if (rc == GK_OK)
        rc = get_i64(&j, "created_ms", 0, &r->created_ms);
    if (rc == GK_OK)
        rc = get_i64(&j, "terminal_ms", 0, &r->terminal_ms);
    if (rc == GK_OK)
        rc = get_i64(&j, "time_to_terminal_ms", -1, &r->time_to_terminal_ms);
    if (rc == GK_OK)
        rc = get_i64(&j, "polls", 0, &r->polls);
    if (rc == GK_OK)
        rc = get_i64(&j, "retries", 0, &r->retries);
    if (rc == GK_OK)
        rc = get_i64(&j, "throttled", 0, &r->throttled);
    if (rc == GK_OK)
        rc = get_i64(&j, "result_rows", -1, &r->result_rows);
    if (rc == GK_OK)
        rc = get_list(&j, "result_columns", false, &r->result_columns);
    /* Ids go back out unchanged (the encoder cleans only what is not one). */
    if (rc == GK_OK && !gen_output_id_ok(r->key))
        rc = gen_json_fail(&j, "key: not printable UTF-8");
    else if (rc == GK_OK &&
             ((r->conversation_id[0] != '\0' && !gen_output_id_ok(r->conversation_id)) ||
              (r->message_id[0] != '\0' && !gen_output_id_ok(r->message_id)) ||
              (r->run_id[0] != '\0' && !gen_output_id_ok(r->run_id))))
        rc = gen_json_fail(&j,
                           "run_id, conversation_id or message_id: not printable UTF-8");
    gen_json_cleanup(&j);
    if (rc != GK_OK) {
        gen_record_copy_cleanup(&c);
        return rc;
    }
    r->status =
        status[0] != '\0' ? gk_types_msg_status_from_name(status) : GK_MSG_UNKNOWN;
    r->workspace_id = c.workspace_id;
    r->space_id = c.space_id;
    r->kind = c.kind;
    r->question = c.question;
    r->outcome = c.outcome;
    *out = c;
    return GK_OK;
}

void gen_record_copy_cleanup(struct gen_record_copy *c)
{
    if (c == NULL)
        return;
    free(c->workspace_id);
    free(c->space_id);
    free(c->kind);
    free(c->question);
    free(c->outcome);
    free(c->rec.sql);
    free(c->rec.attachment_ids);
    free(c->rec.result_columns);
    memset(c, 0, sizeof *c);
}
