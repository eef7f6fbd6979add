/*
 * types: plain structs for the objects of the Genie Conversation API and the
 * enums of their status fields, with the exact wire strings.
 *
 * Spelling trap kept on purpose: a message's status is CANCELLED (two L), a
 * SQL statement's state is CANCELED (one L).
 *
 * Unknown status strings decode to the *_UNKNOWN value rather than failing:
 * a client of the real service must survive values added after it was built.
 * Where that matters to the caller the struct also keeps the wire string in a
 * `*_raw` member (set only when the value was not recognised), so it can be
 * logged and re-encoded unchanged.
 *
 * Value sets that the server grows on its own (column types, error codes,
 * thought types, MessageErrorType with its ~75 values) are kept as strings in
 * the structs; the enums below name the values this build knows, for producers
 * that want to validate what they emit.
 *
 * Ownership, one rule for every struct: each `char *` and each pointer member
 * is heap-allocated (malloc) and owned by the struct that holds it; NULL means
 * "absent on the wire". Arrays are a pointer plus a `*_count`. Timestamps are
 * int64 epoch milliseconds and, like `user_id`, 0 means "not set" (omitted on
 * output). gk_types_<thing>_cleanup() frees everything a struct owns and leaves
 * it zeroed; it is safe on a zeroed struct, twice in a row, and on NULL.
 *
 * Thread-safety: the name tables are constant; a struct belongs to its owner.
 */
#ifndef GK_TYPES_H
#define GK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MessageStatus, in the order of the usual lifecycle (genie-api.md 2.1). */
#define GK_MSG_STATUS_MAP(X)                                                             \
    X(SUBMITTED)                                                                         \
    X(FETCHING_METADATA)                                                                 \
    X(FILTERING_CONTEXT)                                                                 \
    X(ASKING_AI)                                                                         \
    X(PENDING_WAREHOUSE)                                                                 \
    X(EXECUTING_QUERY)                                                                   \
    X(COMPLETED)                                                                         \
    X(FAILED)                                                                            \
    X(CANCELLED)                                                                         \
    X(QUERY_RESULT_EXPIRED)

enum gk_msg_status {
#define GK_MSG_STATUS_ENUM(name) GK_MSG_##name,
    GK_MSG_STATUS_MAP(GK_MSG_STATUS_ENUM)
#undef GK_MSG_STATUS_ENUM
        GK_MSG_STATUS_COUNT,
    GK_MSG_UNKNOWN = GK_MSG_STATUS_COUNT /* a string this build does not know */
};

/* "SUBMITTED" ...; "UNKNOWN" for GK_MSG_UNKNOWN or an out-of-range value. */
const char *gk_types_msg_status_name(enum gk_msg_status s);
/* The status named exactly s, or GK_MSG_UNKNOWN (also for NULL). */
enum gk_msg_status gk_types_msg_status_from_name(const char *s);

/*
 * The other closed value sets. Each table is X(constant suffix, wire string);
 * each enum ends with <PREFIX>_COUNT and <PREFIX>_UNKNOWN (= COUNT). Every set
 * has the same two functions as MessageStatus:
 *   gk_types_<set>_name(v)       the wire string; "UNKNOWN" for an unknown or
 *                                out-of-range value (never NULL)
 *   gk_types_<set>_from_name(s)  the value whose wire string is exactly s;
 *                                <PREFIX>_UNKNOWN for anything else and NULL
 */

/* SQL StatementState (statement_response.status.state); CANCELED, one L. */
#define GK_STMT_STATE_MAP(X)                                                             \
    X(PENDING, "PENDING")                                                                \
    X(RUNNING, "RUNNING")                                                                \
    X(SUCCEEDED, "SUCCEEDED")                                                            \
    X(FAILED, "FAILED")                                                                  \
    X(CANCELED, "CANCELED")                                                              \
    X(CLOSED, "CLOSED")

enum gk_stmt_state {
#define GK_STMT_STATE_ENUM(name, wire) GK_STMT_##name,
    GK_STMT_STATE_MAP(GK_STMT_STATE_ENUM)
#undef GK_STMT_STATE_ENUM
        GK_STMT_STATE_COUNT,
    GK_STMT_UNKNOWN = GK_STMT_STATE_COUNT
};

const char *gk_types_stmt_state_name(enum gk_stmt_state s);
enum gk_stmt_state gk_types_stmt_state_from_name(const char *s);

/* GenieFeedbackRating. NONE comes first so a zeroed struct rates nothing. */
#define GK_RATING_MAP(X)                                                                 \
    X(NONE, "NONE")                                                                      \
    X(POSITIVE, "POSITIVE")                                                              \
    X(NEGATIVE, "NEGATIVE")

enum gk_rating {
#define GK_RATING_ENUM(name, wire) GK_RATING_##name,
    GK_RATING_MAP(GK_RATING_ENUM)
#undef GK_RATING_ENUM
        GK_RATING_COUNT,
    GK_RATING_UNKNOWN = GK_RATING_COUNT
};

const char *gk_types_rating_name(enum gk_rating r);
enum gk_rating gk_types_rating_from_name(const char *s);

/* TextAttachmentPurpose. The field is optional: GK_TEXT_PURPOSE_UNSET (0)
 * means absent; gk_types_text_purpose_name(UNSET) returns NULL. */
#define GK_TEXT_PURPOSE_MAP(X)                                                           \
    X(ANSWER, "TEXT_ATTACHMENT_PURPOSE_ANSWER")                                          \
    X(FOLLOW_UP_QUESTION, "FOLLOW_UP_QUESTION")

enum gk_text_purpose {
    GK_TEXT_PURPOSE_UNSET,
#define GK_TEXT_PURPOSE_ENUM(name, wire) GK_TEXT_PURPOSE_##name,
    GK_TEXT_PURPOSE_MAP(GK_TEXT_PURPOSE_ENUM)
#undef GK_TEXT_PURPOSE_ENUM
        GK_TEXT_PURPOSE_COUNT,
    GK_TEXT_PURPOSE_UNKNOWN = GK_TEXT_PURPOSE_COUNT
};

const char *gk_types_text_purpose_name(enum gk_text_purpose p);
enum gk_text_purpose gk_types_text_purpose_from_name(const char *s);

/* Value sets kept as strings in the structs (see the top of this file). */

/* statement_response.manifest.format */
#define GK_FORMAT_MAP(X)                                                                 \
    X(JSON_ARRAY, "JSON_ARRAY")                                                          \
    X(ARROW_STREAM, "ARROW_STREAM")                                                      \
    X(CSV, "CSV")

enum gk_format {
#define GK_FORMAT_ENUM(name, wire) GK_FORMAT_##name,
    GK_FORMAT_MAP(GK_FORMAT_ENUM)
#undef GK_FORMAT_ENUM
        GK_FORMAT_COUNT,
    GK_FORMAT_UNKNOWN = GK_FORMAT_COUNT
};

const char *gk_types_format_name(enum gk_format f);
enum gk_format gk_types_format_from_name(const char *s);

/* ColumnInfoTypeName (manifest.schema.columns[].type_name) */
#define GK_COLTYPE_MAP(X)                                                                \
    X(ARRAY, "ARRAY")                                                                    \
    X(BINARY, "BINARY")                                                                  \
    X(BOOLEAN, "BOOLEAN")                                                                \
    X(BYTE, "BYTE")                                                                      \
    X(CHAR, "CHAR")                                                                      \
    X(DATE, "DATE")                                                                      \
    X(DECIMAL, "DECIMAL")                                                                \
    X(DOUBLE, "DOUBLE")                                                                  \
    X(FLOAT, "FLOAT")                                                                    \
    X(INT, "INT")                                                                        \
    X(INTERVAL, "INTERVAL")                                                              \
    X(LONG, "LONG")                                                                      \
    X(MAP, "MAP")                                                                        \
    X(NULL, "NULL")                                                                      \
    X(SHORT, "SHORT")                                                                    \
    X(STRING, "STRING")                                                                  \
    X(STRUCT, "STRUCT")                                                                  \
    X(TIMESTAMP, "TIMESTAMP")                                                            \
    X(USER_DEFINED_TYPE, "USER_DEFINED_TYPE")

enum gk_coltype {
#define GK_COLTYPE_ENUM(name, wire) GK_COLTYPE_##name,
    GK_COLTYPE_MAP(GK_COLTYPE_ENUM)
#undef GK_COLTYPE_ENUM
        GK_COLTYPE_COUNT,
    GK_COLTYPE_UNKNOWN = GK_COLTYPE_COUNT
};

const char *gk_types_coltype_name(enum gk_coltype t);
enum gk_coltype gk_types_coltype_from_name(const char *s);

/* ServiceErrorCode (statement_response.status.error.error_code) */
#define GK_SVCERR_MAP(X)                                                                 \
    X(ABORTED, "ABORTED")                                                                \
    X(ALREADY_EXISTS, "ALREADY_EXISTS")                                                  \
    X(BAD_REQUEST, "BAD_REQUEST")                                                        \
    X(CANCELLED, "CANCELLED")                                                            \
    X(DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED")                                            \
    X(INTERNAL_ERROR, "INTERNAL_ERROR")                                                  \
    X(IO_ERROR, "IO_ERROR")                                                              \
    X(NOT_FOUND, "NOT_FOUND")                                                            \
    X(RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED")                                          \
    X(SERVICE_UNDER_MAINTENANCE, "SERVICE_UNDER_MAINTENANCE")                            \
    X(TEMPORARILY_UNAVAILABLE, "TEMPORARILY_UNAVAILABLE")                                \
    X(UNAUTHENTICATED, "UNAUTHENTICATED")                                                \
    X(UNKNOWN_CODE, "UNKNOWN")                                                           \
    X(WORKSPACE_TEMPORARILY_UNAVAILABLE, "WORKSPACE_TEMPORARILY_UNAVAILABLE")

enum gk_svcerr {
#define GK_SVCERR_ENUM(name, wire) GK_SVCERR_##name,
    GK_SVCERR_MAP(GK_SVCERR_ENUM)
#undef GK_SVCERR_ENUM
        GK_SVCERR_COUNT,
    GK_SVCERR_UNKNOWN = GK_SVCERR_COUNT /* not the wire value "UNKNOWN": that is
                                           GK_SVCERR_UNKNOWN_CODE */
};

const char *gk_types_svcerr_name(enum gk_svcerr e);
enum gk_svcerr gk_types_svcerr_from_name(const char *s);

/* GenieQueryAttachment.thoughts[].thought_type */
#define GK_THOUGHT_MAP(X)                                                                \
    X(DESCRIPTION, "THOUGHT_TYPE_DESCRIPTION")                                           \
    X(UNDERSTANDING, "THOUGHT_TYPE_UNDERSTANDING")                                       \
    X(DATA_SOURCING, "THOUGHT_TYPE_DATA_SOURCING")                                       \
    X(INSTRUCTIONS, "THOUGHT_TYPE_INSTRUCTIONS")                                         \
    X(STEPS, "THOUGHT_TYPE_STEPS")

enum gk_thought_type {
#define GK_THOUGHT_ENUM(name, wire) GK_THOUGHT_##name,
    GK_THOUGHT_MAP(GK_THOUGHT_ENUM)
#undef GK_THOUGHT_ENUM
        GK_THOUGHT_COUNT,
    GK_THOUGHT_UNKNOWN = GK_THOUGHT_COUNT
};

const char *gk_types_thought_type_name(enum gk_thought_type t);
enum gk_thought_type gk_types_thought_type_from_name(const char *s);

/* GenieConversationSummary.agent_type (Beta) */
#define GK_CONV_TYPE_MAP(X)                                                              \
    X(CHAT, "GENIE_CONVERSATION_TYPE_CHAT")                                              \
    X(AGENT, "GENIE_CONVERSATION_TYPE_AGENT")

enum gk_conv_type {
#define GK_CONV_TYPE_ENUM(name, wire) GK_CONV_TYPE_##name,
    GK_CONV_TYPE_MAP(GK_CONV_TYPE_ENUM)
#undef GK_CONV_TYPE_ENUM
        GK_CONV_TYPE_COUNT,
    GK_CONV_TYPE_UNKNOWN = GK_CONV_TYPE_COUNT
};

const char *gk_types_conv_type_name(enum gk_conv_type t);
enum gk_conv_type gk_types_conv_type_from_name(const char *s);

/* ---- Genie objects (genie-api.md section 3) ---- */

/* GenieSpace. create_time/update_time travel as RFC 3339 strings. */
struct gk_space {
    char *space_id; /* required */
    char *title;
    char *description;
    char *warehouse_id;
    char *parent_path;
    char *serialized_space; /* a JSON document as a string; get-space only */
    char *etag;
    int64_t create_time_ms;
    int64_t update_time_ms;
};

/* GenieConversation. On the wire both `conversation_id` and `id`. */
struct gk_conversation {
    char *conversation_id; /* required */
    char *space_id;
    char *title;
    int64_t user_id;
    int64_t created_timestamp;
    int64_t last_updated_timestamp;
};

/* GenieConversationSummary (list conversations). */
struct gk_conversation_summary {
    char *conversation_id; /* required */
    char *title;
    int64_t created_timestamp;
    char *agent_type; /* GK_CONV_TYPE_MAP value or NULL */
};

/* MessageError: type is a MessageErrorType string (an open set). */
struct gk_message_error {
    char *error;
    char *type;
};

/* GenieFeedback on a message. rating_raw: the wire string when rating is
 * GK_RATING_UNKNOWN, else NULL. */
struct gk_feedback {
    enum gk_rating rating;
    char *rating_raw;
    char *comment;
};

struct gk_query_result_metadata {
    int64_t row_count;
    bool is_truncated;
};

struct gk_query_parameter {
    char *keyword;
    char *sql_type;
    char *value;
};

struct gk_thought {
    char *content;      /* markdown */
    char *thought_type; /* GK_THOUGHT_MAP value */
};

/* GenieQueryAttachment. query_result_metadata is NULL until the SQL ran. */
struct gk_query_attachment {
    char *query; /* the SQL */
    char *title;
    char *description;
    char *statement_id;
    struct gk_query_result_metadata *query_result_metadata;
    int64_t last_updated_timestamp;
    struct gk_query_parameter *parameters;
    size_t parameter_count;
    struct gk_thought *thoughts;
    size_t thought_count;
};

/* TextAttachment. purpose_raw: wire string when purpose is UNKNOWN. */
struct gk_text_attachment {
    char *content; /* markdown */
    enum gk_text_purpose purpose;
    char *purpose_raw;
};

struct gk_suggested_questions {
    char **questions;
    size_t question_count;
};

struct gk_viz_attachment {
    char *query_attachment_id;
    char *title;
};

/* GenieAttachment: normally exactly one payload is non-NULL. The real service
 * omits attachment_id on text attachments, and so does the encoder unless
 * gk_codec_opts.text_attachment_ids asks for it. */
struct gk_attachment {
    char *attachment_id;
    struct gk_query_attachment *query;
    struct gk_text_attachment *text;
    struct gk_suggested_questions *suggested_questions;
    struct gk_viz_attachment *viz;
};

/* The deprecated message-level `query_result`. row_count is on the wire only
 * when has_row_count; is_truncated only when true (as in captures). */
struct gk_message_query_result {
    char *statement_id;
    char *statement_id_signature;
    int64_t row_count;
    bool has_row_count;
    bool is_truncated;
};

/* GenieMessage. On the wire both `message_id` and `id`. `attachments` is
 * absent while attachment_count is 0. A decoded message whose status string
 * is not known has GK_MSG_UNKNOWN and the string in status_raw; one without
 * a status at all has GK_MSG_UNKNOWN and status_raw NULL (and encodes
 * without one). status_raw is NULL whenever status is known. */
struct gk_message {
    char *message_id; /* required */
    char *conversation_id;
    char *space_id;
    char *content;
    enum gk_msg_status status;
    char *status_raw;
    int64_t user_id;
    int64_t created_timestamp;
    int64_t last_updated_timestamp;
    struct gk_attachment *attachments;
    size_t attachment_count;
    struct gk_message_error *error;               /* present on FAILED */
    struct gk_message_query_result *query_result; /* deprecated, still sent */
    struct gk_feedback *feedback;
};

/* GenieStartConversationResponse: the top-level ids are required; the nested
 * objects are optional (the real service sends them). */
struct gk_start_conversation {
    char *conversation_id;
    char *message_id;
    struct gk_conversation *conversation;
    struct gk_message *message;
};

/* ---- SQL statement result (genie-api.md 3.6) ---- */

struct gk_statement_error {
    char *error_code; /* ServiceErrorCode, see GK_SVCERR_MAP */
    char *message;
};

/* A result column. type_precision and type_scale describe DECIMAL columns
 * (the service sends both for them, nothing for other types); 0 is a real
 * scale, so each is on the wire only when its has_* flag is set. */
struct gk_column {
    char *name;
    int32_t position; /* 0-based */
    char *type_name;  /* GK_COLTYPE_MAP value */
    char *type_text;  /* e.g. "DECIMAL(28,2)" */
    int32_t type_precision;
    int32_t type_scale;
    bool has_type_precision;
    bool has_type_scale;
};

/* manifest.chunks[]: where each chunk of the result sits. byte_count is the
 * service's size of the chunk; all four are always on the wire. */
struct gk_chunk_info {
    int64_t chunk_index;
    int64_t row_offset;
    int64_t row_count;
    int64_t byte_count;
};

/* The result's manifest. total_chunk_count and total_byte_count may be 0
 * for real (an empty result), so each is on the wire only when its has_*
 * flag is set; chunks is absent while chunk_count is 0. */
struct gk_statement_manifest {
    char *format; /* GK_FORMAT_MAP value, normally "JSON_ARRAY" */
    struct gk_column *columns;
    size_t column_count;
    int64_t total_row_count;
    int64_t total_chunk_count;
    int64_t total_byte_count;
    bool has_total_chunk_count;
    bool has_total_byte_count;
    bool truncated;
    struct gk_chunk_info *chunks;
    size_t chunk_count;
};

/* One row: values[i] is NULL for SQL NULL. */
struct gk_result_row {
    char **values;
    size_t value_count;
};

/* The `result` chunk. On the wire row_count is the number of rows here. */
struct gk_statement_result {
    int64_t chunk_index;
    int64_t row_offset;
    struct gk_result_row *rows;
    size_t row_count;
};

/* The StatementResponse inside {"statement_response": ...}. state_raw: the
 * wire string when state is GK_STMT_UNKNOWN. */
struct gk_statement_response {
    char *statement_id; /* required */
    enum gk_stmt_state state;
    char *state_raw;
    struct gk_statement_error *error; /* status.error, on FAILED */
    char *sql_state;                  /* status.sql_state, on FAILED */
    struct gk_statement_manifest *manifest;
    struct gk_statement_result *result;
};

/* ---- list pages: next_page_token NULL on the last page ---- */

struct gk_conversation_list {
    struct gk_conversation_summary *conversations;
    size_t conversation_count;
    char *next_page_token;
};

struct gk_message_list {
    struct gk_message *messages;
    size_t message_count;
    char *next_page_token;
};

struct gk_space_list {
    struct gk_space *spaces;
    size_t space_count;
    char *next_page_token;
};

/* ---- OAuth M2M documents (genie-api.md 5.2) ---- */

/* The token endpoint's reply. expires_in is in seconds. */
struct gk_oauth_token {
    char *access_token; /* required */
    char *token_type;   /* "Bearer" */
    int64_t expires_in;
    char *scope;
};

/* GET /.well-known/databricks-config */
struct gk_host_metadata {
    char *oidc_endpoint; /* required */
    char *account_id;
    char *workspace_id; /* a decimal string */
    char *cloud;
};

/* GET /oidc/.well-known/oauth-authorization-server */
struct gk_oidc_discovery {
    char *issuer;
    char *authorization_endpoint;
    char *token_endpoint; /* required */
};

/* ---- request bodies ---- */

/* start-conversation and create-message: {content, enable_visualization}. */
struct gk_question_request {
    char *content;
    bool enable_visualization;
};

/* send-message-feedback: {rating, comment} (SDK 0.63: feedback_rating,
 * feedback_text). A decoded request always has a known rating. */
struct gk_feedback_request {
    enum gk_rating rating;
    char *comment;
};

/* Cleanup: frees what the struct owns and zeroes it; NULL and zeroed structs
 * are fine. For a *_list or a struct with arrays, the elements are cleaned up
 * too; the struct itself is not freed (it is caller-allocated). */
void gk_types_space_cleanup(struct gk_space *s);
void gk_types_conversation_cleanup(struct gk_conversation *c);
void gk_types_conversation_summary_cleanup(struct gk_conversation_summary *c);
void gk_types_message_error_cleanup(struct gk_message_error *e);
void gk_types_feedback_cleanup(struct gk_feedback *f);
void gk_types_query_result_metadata_cleanup(struct gk_query_result_metadata *q);
void gk_types_query_parameter_cleanup(struct gk_query_parameter *p);
void gk_types_thought_cleanup(struct gk_thought *t);
void gk_types_query_attachment_cleanup(struct gk_query_attachment *q);
void gk_types_text_attachment_cleanup(struct gk_text_attachment *t);
void gk_types_suggested_questions_cleanup(struct gk_suggested_questions *s);
void gk_types_viz_attachment_cleanup(struct gk_viz_attachment *v);
void gk_types_attachment_cleanup(struct gk_attachment *a);
void gk_types_message_query_result_cleanup(struct gk_message_query_result *q);
void gk_types_message_cleanup(struct gk_message *m);
void gk_types_start_conversation_cleanup(struct gk_start_conversation *s);
void gk_types_statement_error_cleanup(struct gk_statement_error *e);
void gk_types_column_cleanup(struct gk_column *c);
void gk_types_statement_manifest_cleanup(struct gk_statement_manifest *m);
void gk_types_result_row_cleanup(struct gk_result_row *r);
void gk_types_statement_result_cleanup(struct gk_statement_result *r);
void gk_types_statement_response_cleanup(struct gk_statement_response *s);
void gk_types_conversation_list_cleanup(struct gk_conversation_list *l);
void gk_types_message_list_cleanup(struct gk_message_list *l);
void gk_types_space_list_cleanup(struct gk_space_list *l);
void gk_types_oauth_token_cleanup(struct gk_oauth_token *t);
void gk_types_host_metadata_cleanup(struct gk_host_metadata *h);
void gk_types_oidc_discovery_cleanup(struct gk_oidc_discovery *d);
void gk_types_question_request_cleanup(struct gk_question_request *q);
void gk_types_feedback_request_cleanup(struct gk_feedback_request *f);

#endif
