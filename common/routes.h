/*
 * routes: the one table of HTTP endpoints geniekit speaks, used by the mock to
 * match requests and by the generator to build URLs, plus the query-string
 * (and x-www-form-urlencoded) helpers both need.
 *
 * The table is GK_ROUTES_MAP below: route id (named after the Python SDK
 * method), method, path pattern, audit action name (genie-api.md 6.2) and
 * whether the route is a "question" POST that counts against Genie's
 * 5-per-minute-per-workspace limit. Pattern segments in braces are path
 * parameters; there are four: space_id, conversation_id, message_id,
 * attachment_id.
 *
 * Matching rules (gk_routes_match):
 * - the path may carry "?query"; it is split off and handed back untouched;
 * - literal segments compare byte for byte (no decoding, case-sensitive);
 * - parameter segments are percent-decoded ('+' stays '+': that rule is for
 *   queries); a parameter that is empty, longer than GK_ROUTES_PARAM_MAX
 *   bytes once decoded, has a malformed escape, or decodes to '/' or NUL is
 *   GK_INVALID_PARAMETER_VALUE naming the parameter;
 * - ONE trailing slash is tolerated ("/api/2.0/genie/spaces/" is list_spaces)
 *   and reported in gk_route_match.trailing_slash, so the mock can flag it
 *   without breaking a client; "//" anywhere else is an empty segment;
 * - a path that exists with another method is GK_METHOD_NOT_ALLOWED and the
 *   methods it accepts are in gk_route_match.allowed (for `Allow:`); HEAD is
 *   not folded into GET here, the server decides that;
 * - any other path is GK_ENDPOINT_NOT_FOUND, the message names method + path.
 * Matching never allocates and reads only the bytes it is given.
 *
 * Query strings and form bodies share one grammar: pairs split on '&', key and
 * value on the first '=', '+' decodes to a space (Python's requests sends
 * spaces in query parameters as '+', and real servers decode them so), a
 * repeated key: the first one wins, and a malformed percent escape anywhere in
 * the string makes every getter fail (so the answer never depends on which
 * key was asked for first). Building encodes everything outside RFC 3986
 * "unreserved" as %XX, so '+' is sent as %2B and never misread.
 *
 * Ownership: strings returned by the accessors are static. Match results
 * borrow the query from the caller's path. Thread-safety: the table is
 * constant (its compiled form is built once, under pthread_once, by the first
 * match or build); every function is reentrant.
 */
#ifndef GK_ROUTES_H
#define GK_ROUTES_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GK_ROUTES_GENIE "/api/2.0/genie"
#define GK_ROUTES_SPACE GK_ROUTES_GENIE "/spaces/{space_id}"
#define GK_ROUTES_CONV  GK_ROUTES_SPACE "/conversations/{conversation_id}"
#define GK_ROUTES_MSG   GK_ROUTES_CONV "/messages/{message_id}"
#define GK_ROUTES_ATT   GK_ROUTES_MSG "/attachments/{attachment_id}"

/* X(ID, name, method, pattern, audit action or NULL, is a question POST) */
#define GK_ROUTES_MAP(X)                                                                 \
    X(START_CONVERSATION, start_conversation, POST,                                      \
      GK_ROUTES_SPACE "/start-conversation", "genieStartConversationMessage", true)      \
    X(CREATE_MESSAGE, create_message, POST, GK_ROUTES_CONV "/messages",                  \
      "genieCreateConversationMessage", true)                                            \
    X(GET_MESSAGE, get_message, GET, GK_ROUTES_MSG, "genieGetConversationMessage",       \
      false)                                                                             \
    X(GET_MESSAGE_ATTACHMENT_QUERY_RESULT, get_message_attachment_query_result, GET,     \
      GK_ROUTES_ATT "/query-result", "genieGetMessageAttachmentQueryResult", false)      \
    X(EXECUTE_MESSAGE_ATTACHMENT_QUERY, execute_message_attachment_query, POST,          \
      GK_ROUTES_ATT "/execute-query", "genieExecuteMessageAttachmentQuery", false)       \
    X(GET_MESSAGE_QUERY_RESULT, get_message_query_result, GET,                           \
      GK_ROUTES_MSG "/query-result", "genieGetMessageQueryResult", false)                \
    X(GET_MESSAGE_QUERY_RESULT_BY_ATTACHMENT, get_message_query_result_by_attachment,    \
      GET, GK_ROUTES_MSG "/query-result/{attachment_id}",                                \
      "genieGetMessageQueryResultByAttachment", false)                                   \
    X(EXECUTE_MESSAGE_QUERY, execute_message_query, POST,                                \
      GK_ROUTES_MSG "/execute-query", "genieExecuteMessageQuery", false)                 \
    X(LIST_CONVERSATIONS, list_conversations, GET, GK_ROUTES_SPACE "/conversations",     \
      "genieListConversations", false)                                                   \
    X(DELETE_CONVERSATION, delete_conversation, DELETE, GK_ROUTES_CONV,                  \
      "genieDeleteConversation", false)                                                  \
    X(LIST_CONVERSATION_MESSAGES, list_conversation_messages, GET,                       \
      GK_ROUTES_CONV "/messages", "genieListConversationMessages", false)                \
    X(DELETE_CONVERSATION_MESSAGE, delete_conversation_message, DELETE, GK_ROUTES_MSG,   \
      "genieDeleteConversationMessage", false)                                           \
    X(SEND_MESSAGE_FEEDBACK, send_message_feedback, POST, GK_ROUTES_MSG "/feedback",     \
      "genieSendMessageFeedback", false)                                                 \
    X(LIST_SPACES, list_spaces, GET, GK_ROUTES_GENIE "/spaces", "genieListSpaces",       \
      false)                                                                             \
    X(GET_SPACE, get_space, GET, GK_ROUTES_SPACE, "genieGetSpace", false)                \
    X(TRASH_SPACE, trash_space, DELETE, GK_ROUTES_SPACE, "genieTrashSpace", false)       \
    X(CREATE_SPACE, create_space, POST, GK_ROUTES_GENIE "/spaces", "genieCreateSpace",   \
      false)                                                                             \
    X(UPDATE_SPACE, update_space, PATCH, GK_ROUTES_SPACE, "genieUpdateSpace", false)     \
    X(HOST_METADATA, host_metadata, GET, "/.well-known/databricks-config", NULL, false)  \
    X(OIDC_DISCOVERY, oidc_discovery, GET,                                               \
      "/oidc/.well-known/oauth-authorization-server", NULL, false)                       \
    X(OIDC_TOKEN, oidc_token, POST, "/oidc/v1/token", NULL, false)

enum gk_route_id {
#define GK_ROUTES_ENUM(id, name, method, pattern, action, question) GK_ROUTE_##id,
    GK_ROUTES_MAP(GK_ROUTES_ENUM)
#undef GK_ROUTES_ENUM
        GK_ROUTE_COUNT,
    GK_ROUTE_NONE = GK_ROUTE_COUNT /* no route (not matched, unknown name) */
};

/* The methods a request line can carry that geniekit knows by name. */
#define GK_ROUTES_METHOD_MAP(X)                                                          \
    X(GET) X(HEAD) X(POST) X(PUT) X(PATCH) X(DELETE) X(OPTIONS)

enum gk_http_method {
#define GK_ROUTES_METHOD_ENUM(m) GK_HTTP_##m,
    GK_ROUTES_METHOD_MAP(GK_ROUTES_METHOD_ENUM)
#undef GK_ROUTES_METHOD_ENUM
        GK_HTTP_METHOD_COUNT,
    GK_HTTP_UNKNOWN = GK_HTTP_METHOD_COUNT
};

/* Bit of method m in gk_route_match.allowed. */
#define GK_ROUTES_METHOD_BIT(m) (1u << (unsigned)(m))

/* Longest decoded path parameter accepted (Genie ids are 32 bytes). */
#define GK_ROUTES_PARAM_MAX 128
/* Room for any Allow list gk_routes_allow_format writes, NUL included. */
#define GK_ROUTES_ALLOW_MAX 64

/* Decoded path parameters; "" for those the route does not have. */
struct gk_route_params {
    char space_id[GK_ROUTES_PARAM_MAX + 1];
    char conversation_id[GK_ROUTES_PARAM_MAX + 1];
    char message_id[GK_ROUTES_PARAM_MAX + 1];
    char attachment_id[GK_ROUTES_PARAM_MAX + 1];
};

struct gk_route_match {
    enum gk_route_id route;        /* GK_ROUTE_NONE unless path and method matched */
    struct gk_route_params params; /* filled when route is set */
    const char *query;             /* after '?', borrowed from the path; never NULL */
    size_t query_len;              /* 0 when there was no query */
    unsigned allowed;    /* GK_ROUTES_METHOD_BIT of each method the path takes */
    bool trailing_slash; /* the path ended in one extra '/' */
};

/* ---- the table ---------------------------------------------------------- */

/* "get_space"; "unknown" for GK_ROUTE_NONE or an out-of-range id. */
const char *gk_routes_name(enum gk_route_id id);
/* The route named exactly name (as fault rules spell it), or GK_ROUTE_NONE. */
enum gk_route_id gk_routes_from_name(const char *name);
/* The route's method; GK_HTTP_UNKNOWN for a bad id. */
enum gk_http_method gk_routes_method(enum gk_route_id id);
/* The path pattern ("/api/2.0/genie/spaces/{space_id}"); "" for a bad id. */
const char *gk_routes_pattern(enum gk_route_id id);
/* The aibiGenie audit action name; NULL for routes that emit no audit row
 * (the OAuth and well-known endpoints) and for a bad id. */
const char *gk_routes_action(enum gk_route_id id);
/* True for the POSTs that count as questions (start_conversation, create_message). */
bool gk_routes_is_question(enum gk_route_id id);

/* "GET" ...; "UNKNOWN" for GK_HTTP_UNKNOWN or a bad value. */
const char *gk_routes_method_name(enum gk_http_method m);
/* The method named exactly name (upper case, as on the request line), or
 * GK_HTTP_UNKNOWN (also for NULL). */
enum gk_http_method gk_routes_method_from_name(const char *name);

/*
 * Writes the methods in mask as an Allow header value ("GET, PATCH, DELETE",
 * table order) into buf (NUL-terminated). GK_ROUTES_ALLOW_MAX bytes always
 * suffice. Returns GK_OK, or GK_INVALID_PARAMETER_VALUE if buf is too small
 * (buf then holds "").
 */
enum gk_rc gk_routes_allow_format(unsigned mask, char *buf, size_t cap,
                                  struct gk_err *err);

/* ---- matching and building ---------------------------------------------- */

/*
 * Matches method + path (path_len bytes, not necessarily NUL-terminated, may
 * include "?query") against the table; see the rules at the top. *m is always
 * filled: route, params, query (borrowing path), allowed, trailing_slash.
 * Returns GK_OK; GK_ENDPOINT_NOT_FOUND; GK_METHOD_NOT_ALLOWED (m->allowed is
 * non-zero); or GK_INVALID_PARAMETER_VALUE for a bad parameter, in which case
 * m->route is still set so the caller can journal which route it was.
 */
enum gk_rc gk_routes_match(enum gk_http_method method, const char *path, size_t path_len,
                           struct gk_route_match *m, struct gk_err *err);

/*
 * Fills *p from the given ids (NULL or "" leave a field empty). Returns GK_OK,
 * or GK_INVALID_PARAMETER_VALUE naming the parameter if one is longer than
 * GK_ROUTES_PARAM_MAX (that field is then left empty).
 */
enum gk_rc gk_routes_params_set(struct gk_route_params *p, const char *space_id,
                                const char *conversation_id, const char *message_id,
                                const char *attachment_id, struct gk_err *err);

/*
 * Builds the path of route id into buf (cap bytes, NUL-terminated), each
 * parameter percent-encoded (unreserved characters kept). params may be NULL
 * for routes without parameters. *len (if not NULL) gets the length.
 * Returns GK_OK; GK_INVALID_PARAMETER_VALUE for a bad id, a parameter the
 * route needs that is empty, or a buffer too small. On error buf holds "".
 */
enum gk_rc gk_routes_build(enum gk_route_id id, const struct gk_route_params *params,
                           char *buf, size_t cap, size_t *len, struct gk_err *err);

/* ---- query strings and form bodies ------------------------------------- */

/*
 * Appends "key=value", both percent-encoded, to the NUL-terminated string in
 * buf (cap bytes). The separator: for a URL (form false) '?' when buf has no
 * '?' yet, '&' otherwise, nothing right after a '?' or '&'; for a form body
 * (form true) '&' unless buf is empty. Returns GK_OK, or
 * GK_INVALID_PARAMETER_VALUE (NULL key or value, buf not NUL-terminated
 * within cap, buf too small), leaving buf as it was.
 */
enum gk_rc gk_routes_query_add(char *buf, size_t cap, bool form, const char *key,
                               const char *value, struct gk_err *err);

/*
 * Appends page_size (if > 0) and page_token (if neither NULL nor "") to the
 * URL in buf, as gk_routes_query_add does. All or nothing: on error buf is
 * as it was. Returns GK_OK or GK_INVALID_PARAMETER_VALUE.
 */
enum gk_rc gk_routes_query_add_page(char *buf, size_t cap, int page_size,
                                    const char *page_token, struct gk_err *err);

/*
 * Looks up key in the query string or form body q (q_len bytes, no leading
 * '?', not necessarily NUL-terminated). When present, copies its decoded
 * value (NUL-terminated) into out (cap bytes) and sets *found (if not NULL)
 * to true; when absent sets out to "" and *found to false and returns GK_OK.
 * Returns GK_INVALID_PARAMETER_VALUE naming the key for a malformed percent
 * escape anywhere in q, a value that decodes to a NUL byte, or a value that
 * does not fit in cap - 1 bytes.
 */
enum gk_rc gk_routes_query_get(const char *q, size_t q_len, const char *key, char *out,
                               size_t cap, bool *found, struct gk_err *err);

/*
 * Reads key as a decimal integer in [min, max] into *out. Absent: *out is
 * untouched (preset the default), *found false, GK_OK. Anything but an
 * optional '-' and digits, or out of range, is GK_INVALID_PARAMETER_VALUE:
 * "page_size: expected an integer from 1 to 100, got \"abc\"".
 */
enum gk_rc gk_routes_query_get_int(const char *q, size_t q_len, const char *key,
                                   int64_t min, int64_t max, int64_t *out, bool *found,
                                   struct gk_err *err);

/*
 * Reads key as exactly "true" or "false" into *out. Absent: *out untouched,
 * *found false, GK_OK. Anything else is GK_INVALID_PARAMETER_VALUE naming
 * the key and the value.
 */
enum gk_rc gk_routes_query_get_bool(const char *q, size_t q_len, const char *key,
                                    bool *out, bool *found, struct gk_err *err);

#endif
