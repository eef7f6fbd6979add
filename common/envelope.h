/*
 * envelope: the Databricks error body, both ways.
 *
 *   {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "...",
 *    "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo",
 *                 "request_id": "...", "serving_data": ""}]}
 *
 * Encoding (the mock) turns a struct gk_err, or an explicit HTTP status +
 * error_code + message, into that body, and also writes the OAuth token
 * endpoint's `{"error": "invalid_client", "error_description": "..."}`. The
 * output is always valid JSON in UTF-8: invalid UTF-8 in a message (say an id
 * a client percent-encoded from raw bytes) becomes U+FFFD.
 *
 * Decoding (the client) never fails. It reads whatever came back with a
 * non-2xx status the way the Python SDK does (genie-api.md 4.1), in this
 * order: an empty body (message = reason phrase); a JSON object in one of the
 * known shapes (the envelope, API 1.2 `{"error"}`, SCIM `{detail, status,
 * scimType}`, OAuth `{error, error_description}` / `{errorCode,
 * errorSummary}`); plain text `ERROR_CODE: message`; HTML (`<pre>` or
 * `<title>` text, code = reason phrase in upper case); anything else gives a
 * generic message quoting a short, sanitised excerpt. The error_code then
 * maps to a gk_rc (known code or alias, genie-api.md 4.2), else the HTTP
 * status does. Copies are bounded (GK_ENVELOPE_*_MAX, cut on a UTF-8
 * boundary, "..." marks a cut message) and control characters become spaces,
 * so a decoded message is safe to log. JSON is only parsed up to
 * GK_ENVELOPE_JSON_MAX bytes: an error body larger than that is not one.
 *
 * The 429 error_code of the real service is not confirmed: the mock passes its
 * configured one (REQUEST_LIMIT_EXCEEDED by default; RESOURCE_EXHAUSTED and
 * TOO_MANY_REQUESTS are the alternatives) to gk_envelope_encode; the decoder
 * maps all three to GK_REQUEST_LIMIT_EXCEEDED.
 *
 * Ownership: encoders return heap strings the caller frees with free().
 * struct gk_envelope is plain data. Thread-safety: no shared state.
 */
#ifndef GK_ENVELOPE_H
#define GK_ENVELOPE_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>

#define GK_ENVELOPE_CODE_MAX       64  /* error_code bytes kept, NUL included */
#define GK_ENVELOPE_MESSAGE_MAX    512 /* message bytes kept, NUL included */
#define GK_ENVELOPE_REQUEST_ID_MAX 128 /* request_id bytes kept, NUL included */
#define GK_ENVELOPE_JSON_MAX       (1024 * 1024)

#define GK_ENVELOPE_REQUEST_INFO "type.googleapis.com/google.rpc.RequestInfo"

/* Which shape the body had. */
enum gk_envelope_shape {
    GK_ENVELOPE_JSON, /* {"error_code", "message", "details"} (either of the first two) */
    GK_ENVELOPE_LEGACY, /* {"error": "..."} (API 1.2) */
    GK_ENVELOPE_SCIM,   /* {"detail", "status", "scimType"} */
    GK_ENVELOPE_OAUTH,  /* {"error", "error_description"} or {"errorCode", "errorSummary"}
                         */
    GK_ENVELOPE_TEXT,   /* ERROR_CODE: message */
    GK_ENVELOPE_HTML,   /* <pre>...</pre> or <title>...</title> */
    GK_ENVELOPE_EMPTY,  /* no body at all */
    GK_ENVELOPE_UNPARSED, /* none of the above */
};

struct gk_envelope {
    int http_status;
    enum gk_rc rc; /* what the error means to geniekit */
    enum gk_envelope_shape shape;
    bool is_envelope;                      /* shape == GK_ENVELOPE_JSON */
    char error_code[GK_ENVELOPE_CODE_MAX]; /* as sent; "" if absent or not a string */
    char message[GK_ENVELOPE_MESSAGE_MAX]; /* never "" */
    char
        request_id[GK_ENVELOPE_REQUEST_ID_MAX]; /* from RequestInfo details; "" if none */
};

/*
 * Encodes the error envelope. error_code NULL or "" means the canonical code
 * of http_status (429 -> REQUEST_LIMIT_EXCEEDED, 404 -> RESOURCE_DOES_NOT_EXIST,
 * see gk_envelope_rc); message NULL means the default message of that code;
 * request_id NULL or "" leaves `details` out. *out gets a NUL-terminated heap
 * string (free() it), *out_len (if not NULL) its length. Returns GK_OK;
 * GK_INVALID_PARAMETER_VALUE when http_status is not 400-599 or out is NULL;
 * GK_OUT_OF_MEMORY. On error *out is NULL.
 */
enum gk_rc gk_envelope_encode(int http_status, const char *error_code,
                              const char *message, const char *request_id, char **out,
                              size_t *out_len, struct gk_err *err);

/*
 * Encodes e as the envelope: error_code = gk_err_name(e->rc), message =
 * gk_err_str(e), *http_status (if not NULL) = gk_err_http_status(e->rc). A
 * NULL e, or one holding GK_OK, is encoded as INTERNAL_ERROR/500 (the mock
 * must answer something). Output and errors as gk_envelope_encode.
 */
enum gk_rc gk_envelope_encode_err(const struct gk_err *e, const char *request_id,
                                  char **out, size_t *out_len, int *http_status,
                                  struct gk_err *err);

/*
 * Encodes the OAuth token-endpoint error {"error": ..., "error_description":
 * ...} (RFC 6749 5.2; description left out when NULL). Returns GK_OK,
 * GK_INVALID_PARAMETER_VALUE for a NULL/empty error or NULL out,
 * GK_OUT_OF_MEMORY. On error *out is NULL.
 */
enum gk_rc gk_envelope_encode_oauth(const char *error, const char *description,
                                    char **out, size_t *out_len, struct gk_err *err);

/*
 * Decodes an error response into *env (fully overwritten). content_type may be
 * NULL; it only colours the generic message. body may be NULL when body_len
 * is 0; it need not be NUL-terminated. Never fails: junk gives shape
 * GK_ENVELOPE_UNPARSED and a message quoting an excerpt.
 */
void gk_envelope_decode(int http_status, const char *content_type, const void *body,
                        size_t body_len, struct gk_envelope *env);

/*
 * Records env in err as "ERROR_CODE: message" (or "HTTP 502: message" when
 * there is no code) with code env->rc, first message winning as usual.
 * Returns env->rc.
 */
enum gk_rc gk_envelope_to_err(const struct gk_envelope *env, struct gk_err *err);

/*
 * The gk_rc an error means: error_code when it is known (a wire code of the
 * err table, or an alias such as NOT_FOUND, TOO_MANY_REQUESTS,
 * RESOURCE_EXHAUSTED, ALREADY_EXISTS, DATA_LOSS, invalid_client), else the
 * HTTP status (4xx without a specific mapping -> GK_BAD_REQUEST, 5xx ->
 * GK_INTERNAL_ERROR, anything below 400 or above 599 -> GK_BAD_RESPONSE).
 * error_code may be NULL. Never returns GK_OK.
 */
enum gk_rc gk_envelope_rc(int http_status, const char *error_code);

/* The reason phrase of an HTTP status ("Too Many Requests"), NULL if unknown. */
const char *gk_envelope_reason(int http_status);

#endif
