/*
 * codec: JSON to and from the structs of common/types.h, per genie-api.md.
 *
 * Three directions, three attitudes:
 *
 *  - Encoding is faithful to the wire contract: a message carries both `id`
 *    and `message_id`, a conversation both `id` and `conversation_id`; int64
 *    values (timestamps in epoch ms, user_id) are printed exactly as JSON
 *    numbers, never through a double; space times are RFC 3339 strings in UTC
 *    with milliseconds; absent things (NULL pointers, empty arrays, zero
 *    timestamps and user ids) are left out, as proto3 JSON does. Output is
 *    compact. The points on which the real service is uncertain or has
 *    changed are switches in struct gk_codec_opts (NULL = the defaults, which
 *    match current captures).
 *
 *  - Request bodies (from untrusted clients) are decoded strictly, within
 *    struct gk_codec_limits: anything that is not a JSON object within the
 *    limits is GK_MALFORMED_REQUEST ("body: ..."), a field of the wrong type,
 *    missing, empty or too long is GK_INVALID_PARAMETER_VALUE naming it
 *    ("content: expected a string, got number"). Unknown fields are ignored.
 *    A body larger than the limit is GK_REQUEST_ENTITY_TOO_LARGE.
 *
 *  - Response bodies (from the real service, for genie-gen) are decoded
 *    leniently: unknown fields are ignored, unknown enum strings are kept
 *    (as *_UNKNOWN plus the raw string), int64 values may be numbers or
 *    numeric strings, rows may be `data_array` or `data_typed_array`, `id`
 *    stands in for a missing `message_id`/`conversation_id`, fields of an
 *    unexpected type are treated as absent. Only structurally impossible input
 *    fails, with GK_BAD_RESPONSE naming the field: not JSON, top level not an
 *    object, a required id missing.
 *
 * Input is bytes plus a length; it need not be NUL-terminated.
 *
 * Ownership: every encoder returns a malloc'd, NUL-terminated string in *out
 * (length in *out_len, which may be NULL); the caller frees it with free().
 * On error *out is NULL and nothing is allocated. Every decoder overwrites
 * *out (it does not free what was there) and on success hands the caller a
 * struct to release with the matching gk_types_*_cleanup(); on error *out is
 * left zeroed. All functions return GK_OK or an error code recorded in err
 * (which may be NULL); GK_OUT_OF_MEMORY when an allocation fails. Encoding a
 * struct whose required id is NULL is a caller bug: GK_INTERNAL_ERROR.
 *
 * Thread-safety: no shared mutable state of its own; functions may run
 * concurrently on different structs. One caveat from cJSON 1.7: every parse
 * writes its last-error position to a global. Nothing here reads it (hence no
 * cJSON_GetErrorPtr), so the race is benign; ThreadSanitizer sees it only if
 * cJSON itself is built with -fsanitize=thread (Debian's library is not).
 */
#ifndef GK_CODEC_H
#define GK_CODEC_H

#include "common/err.h"
#include "common/types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Encoding switches; a zeroed struct (or NULL) gives the defaults. */
struct gk_codec_opts {
    bool text_attachment_ids;   /* put attachment_id on text attachments too
                                   (the real service leaves it out) */
    bool typed_rows;            /* statement rows as data_typed_array
                                   ({"values":[{"str":"59"},{}]}), as some
                                   clients read from the deprecated
                                   endpoints; default data_array */
    bool null_attachments;      /* "attachments": null on a message without
                                   attachments (the docs' example) instead
                                   of leaving the key out */
    bool legacy_feedback_names; /* encode a feedback request the SDK 0.63 way:
                                   {feedback_rating, feedback_text} */
};

/* Request-decoding limits; a 0 field (or NULL) takes the default below. */
struct gk_codec_limits {
    size_t max_body_bytes;   /* whole body */
    size_t max_depth;        /* nesting of objects and arrays; {} is 1 */
    size_t max_string_bytes; /* each string field, after unescaping */
};

#define GK_CODEC_DEFAULT_MAX_BODY_BYTES   ((size_t)1 << 20)
#define GK_CODEC_DEFAULT_MAX_DEPTH        32
#define GK_CODEC_DEFAULT_MAX_STRING_BYTES ((size_t)32 << 10)

/* ---- encoders: one per body ----
 * Each returns GK_OK with the body in *out (malloc'd, NUL-terminated; the
 * caller frees it) and its length in *out_len (which may be NULL); or, with
 * *out NULL: GK_INTERNAL_ERROR when x or out is NULL, a required id is NULL
 * or an array has a count but no storage (caller bugs), GK_OUT_OF_MEMORY. */

enum gk_rc gk_codec_encode_space(const struct gk_space *s, const struct gk_codec_opts *o,
                                 char **out, size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_space_list(const struct gk_space_list *l,
                                      const struct gk_codec_opts *o, char **out,
                                      size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_conversation(const struct gk_conversation *c,
                                        const struct gk_codec_opts *o, char **out,
                                        size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_conversation_list(const struct gk_conversation_list *l,
                                             const struct gk_codec_opts *o, char **out,
                                             size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_message(const struct gk_message *m,
                                   const struct gk_codec_opts *o, char **out,
                                   size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_message_list(const struct gk_message_list *l,
                                        const struct gk_codec_opts *o, char **out,
                                        size_t *out_len, struct gk_err *err);
/* {conversation_id, message_id, conversation?, message?} */
enum gk_rc gk_codec_encode_start_conversation(const struct gk_start_conversation *s,
                                              const struct gk_codec_opts *o, char **out,
                                              size_t *out_len, struct gk_err *err);
/* The query-result endpoints' body: {"statement_response": {...}}. */
enum gk_rc gk_codec_encode_statement_response(const struct gk_statement_response *s,
                                              const struct gk_codec_opts *o, char **out,
                                              size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_oauth_token(const struct gk_oauth_token *t,
                                       const struct gk_codec_opts *o, char **out,
                                       size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_host_metadata(const struct gk_host_metadata *h,
                                         const struct gk_codec_opts *o, char **out,
                                         size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_oidc_discovery(const struct gk_oidc_discovery *d,
                                          const struct gk_codec_opts *o, char **out,
                                          size_t *out_len, struct gk_err *err);
/* Request bodies, for clients: {content, enable_visualization (only when
 * true)} and {rating, comment} (or the legacy names, see the opts). */
enum gk_rc gk_codec_encode_question_request(const struct gk_question_request *q,
                                            const struct gk_codec_opts *o, char **out,
                                            size_t *out_len, struct gk_err *err);
enum gk_rc gk_codec_encode_feedback_request(const struct gk_feedback_request *f,
                                            const struct gk_codec_opts *o, char **out,
                                            size_t *out_len, struct gk_err *err);

/* ---- request decoders (strict); lim may be NULL ----
 * Each returns GK_OK and fills *out (release it with the matching
 * gk_types_*_cleanup), or GK_REQUEST_ENTITY_TOO_LARGE, GK_MALFORMED_REQUEST,
 * GK_INVALID_PARAMETER_VALUE (see the top of this file) with *out zeroed. */

/* start-conversation / create-message: content (string, required, non-empty,
 * at most max_string_bytes), enable_visualization (bool, optional). */
enum gk_rc gk_codec_decode_question_request(const char *data, size_t len,
                                            const struct gk_codec_limits *lim,
                                            struct gk_question_request *out,
                                            struct gk_err *err);
/* send-message-feedback: rating (POSITIVE|NEGATIVE|NONE, required) and
 * comment (string, optional), or feedback_rating / feedback_text; sending
 * both spellings of one field is an error. */
enum gk_rc gk_codec_decode_feedback_request(const char *data, size_t len,
                                            const struct gk_codec_limits *lim,
                                            struct gk_feedback_request *out,
                                            struct gk_err *err);
/* execute-query and other `{}` bodies: an empty (or all-whitespace) body or
 * any JSON object within the limits; its members are ignored. */
enum gk_rc gk_codec_decode_empty_request(const char *data, size_t len,
                                         const struct gk_codec_limits *lim,
                                         struct gk_err *err);

/* ---- response decoders (lenient) ----
 * Each returns GK_OK and fills *out (release it with the matching
 * gk_types_*_cleanup), or GK_BAD_RESPONSE with *out zeroed. The required
 * ids: space_id; conversation_id (or id); message_id (or id); both top-level
 * ids of start-conversation; statement_id; access_token; oidc_endpoint;
 * token_endpoint. In lists, each element's id ("messages[3].message_id"). */

enum gk_rc gk_codec_decode_space(const char *data, size_t len, struct gk_space *out,
                                 struct gk_err *err);
enum gk_rc gk_codec_decode_space_list(const char *data, size_t len,
                                      struct gk_space_list *out, struct gk_err *err);
enum gk_rc gk_codec_decode_conversation(const char *data, size_t len,
                                        struct gk_conversation *out, struct gk_err *err);
enum gk_rc gk_codec_decode_conversation_list(const char *data, size_t len,
                                             struct gk_conversation_list *out,
                                             struct gk_err *err);
enum gk_rc gk_codec_decode_message(const char *data, size_t len, struct gk_message *out,
                                   struct gk_err *err);
enum gk_rc gk_codec_decode_message_list(const char *data, size_t len,
                                        struct gk_message_list *out, struct gk_err *err);
enum gk_rc gk_codec_decode_start_conversation(const char *data, size_t len,
                                              struct gk_start_conversation *out,
                                              struct gk_err *err);
/* Accepts {"statement_response": {...}} and a bare StatementResponse (the
 * SQL Statement Execution API's shape). */
enum gk_rc gk_codec_decode_statement_response(const char *data, size_t len,
                                              struct gk_statement_response *out,
                                              struct gk_err *err);
enum gk_rc gk_codec_decode_oauth_token(const char *data, size_t len,
                                       struct gk_oauth_token *out, struct gk_err *err);
enum gk_rc gk_codec_decode_host_metadata(const char *data, size_t len,
                                         struct gk_host_metadata *out,
                                         struct gk_err *err);
enum gk_rc gk_codec_decode_oidc_discovery(const char *data, size_t len,
                                          struct gk_oidc_discovery *out,
                                          struct gk_err *err);

/* ---- RFC 3339 times (space create_time / update_time) ---- */

#define GK_CODEC_TIME_MAX 32 /* room for "YYYY-MM-DDTHH:MM:SS.mmmZ" and a NUL */

/*
 * Formats ms (epoch milliseconds) as "2026-11-21T06:31:26.123Z" into buf
 * (GK_CODEC_TIME_MAX bytes). GK_INVALID_PARAMETER_VALUE if the year falls
 * outside 0000..9999.
 */
enum gk_rc gk_codec_time_format(int64_t ms, char buf[GK_CODEC_TIME_MAX],
                                struct gk_err *err);
/*
 * Parses an RFC 3339 date-time (any number of fraction digits, kept to the
 * millisecond; "Z" or a +hh:mm / -hh:mm offset; 't'/'z' in either case) of
 * len bytes into epoch ms. GK_INVALID_PARAMETER_VALUE naming the problem
 * otherwise, or when the UTC result falls outside years 0000..9999.
 */
enum gk_rc gk_codec_time_parse(const char *s, size_t len, int64_t *ms,
                               struct gk_err *err);

#endif
