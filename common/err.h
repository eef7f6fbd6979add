/*
 * err: the project's error codes and the error record that carries them.
 *
 * Every code comes from one X-macro table: the enum constant, a stable short
 * name, a default message and the HTTP status the mock answers with. Where
 * Databricks has an `error_code` for the case, the short name *is* that code,
 * so the envelope module can put it on the wire unchanged; local-only codes
 * (out of memory, I/O, bad config) have names of their own.
 *
 * Functions that can fail return `enum gk_rc` and take `struct gk_err *err`
 * (which may be NULL) as their last argument. The first message recorded
 * wins: the innermost, most specific failure names the field, key or line,
 * and the callers above it cannot overwrite it with something vaguer.
 * Branch on codes, never on messages.
 *
 * Thread-safety: the table is constant; a struct gk_err belongs to its caller.
 */
#ifndef GK_ERR_H
#define GK_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* X(constant suffix, HTTP status, default message) */
#define GK_ERR_MAP(X)                                                                    \
    X(OK, 200, "success")                                                                \
    X(INVALID_PARAMETER_VALUE, 400, "a request parameter has an invalid value")          \
    X(MALFORMED_REQUEST, 400, "the request body is not valid JSON")                     \
    X(BAD_REQUEST, 400, "the request is not valid")                                      \
    X(INVALID_STATE, 400, "the resource is not in a state that allows this")             \
    X(UNAUTHENTICATED, 401, "credentials are missing, invalid or expired")               \
    X(PERMISSION_DENIED, 403, "the principal has no access to this resource")            \
    X(RESOURCE_DOES_NOT_EXIST, 404, "the resource does not exist")                       \
    X(ENDPOINT_NOT_FOUND, 404, "no API endpoint at this path")                           \
    X(METHOD_NOT_ALLOWED, 405, "the endpoint does not accept this HTTP method")          \
    X(RESOURCE_CONFLICT, 409, "the resource changed or already exists")                  \
    X(RESOURCE_LIMIT_EXCEEDED, 400, "a per-resource limit was reached")                  \
    X(REQUEST_ENTITY_TOO_LARGE, 413, "the request body is too large")                    \
    X(REQUEST_LIMIT_EXCEEDED, 429, "too many requests; retry later")                     \
    X(INTERNAL_ERROR, 500, "internal error")                                             \
    X(NOT_IMPLEMENTED, 501, "not implemented")                                           \
    X(TEMPORARILY_UNAVAILABLE, 503, "the service is temporarily unavailable")            \
    X(DEADLINE_EXCEEDED, 504, "the request took too long")                               \
    X(OUT_OF_MEMORY, 500, "out of memory")                                               \
    X(IO_ERROR, 500, "input/output error")                                               \
    X(NETWORK_ERROR, 503, "network error")                                               \
    X(BAD_RESPONSE, 502, "the server's response could not be understood")               \
    X(BAD_CONFIG, 400, "invalid configuration")                                          \
    X(UNKNOWN, 500, "unknown error")

enum gk_rc {
#define GK_ERR_ENUM(name, http, msg) GK_##name,
    GK_ERR_MAP(GK_ERR_ENUM)
#undef GK_ERR_ENUM
        GK_RC_COUNT
};

#define GK_ERR_MSG_MAX 256

struct gk_err {
    enum gk_rc rc;             /* GK_OK until something is recorded */
    char msg[GK_ERR_MSG_MAX];  /* "" until something is recorded */
};

/* Resets err to GK_OK with an empty message. NULL is a no-op. */
void gk_err_clear(struct gk_err *err);

/*
 * Records rc and a printf-style message in err unless err is NULL or already
 * holds an error (the first one wins). A NULL or empty fmt records the
 * table's default message. Returns rc, so a failing function can end with
 * `return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "content: ...")`.
 */
enum gk_rc gk_err_set(struct gk_err *err, enum gk_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
enum gk_rc gk_err_vset(struct gk_err *err, enum gk_rc rc, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * Prepends "prefix: " to an error already recorded (to add context such as a
 * file name without losing the specific message). No-op when err is NULL or
 * holds no error. Returns err->rc (GK_OK when there was none).
 */
enum gk_rc gk_err_prefix(struct gk_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Stable short name ("RESOURCE_DOES_NOT_EXIST"); "UNKNOWN" for a bad rc. */
const char *gk_err_name(enum gk_rc rc);
/* Default message of the table. */
const char *gk_err_message(enum gk_rc rc);
/* HTTP status the mock answers with for rc. */
int gk_err_http_status(enum gk_rc rc);
/* The code whose short name is name (exact match), or GK_RC_COUNT if none. */
enum gk_rc gk_err_from_name(const char *name);
/* The message recorded in err, or the default message of its code. */
const char *gk_err_str(const struct gk_err *err);

#endif
