/*
 * http: the libmicrohttpd glue of genie-mock, and nothing else.
 *
 * It turns MHD's callbacks into one plain struct mock_request (method, path,
 * raw query, headers through a lookup function, a capped body) and sends back
 * one struct mock_response. Everything that decides *what* to answer is a
 * plain function of those two structs (mockserver/api.c), testable without a
 * socket. One server listens on one address and port; genie-mock starts one
 * per workspace.
 *
 * Two rules learned the hard way (DESIGN.md): a response queued on the first
 * call of the access handler goes out with "Connection: close", so the answer
 * is always queued on a later call; and request bodies land in a buffer with
 * a hard cap, past which the client gets 413 and the rest is dropped (at
 * once for a Content-Length over the cap, at the end of a chunked body).
 *
 * Faults are delivered here: a response may ask to be delayed (the
 * connection is suspended and a timer thread resumes it, so the polling
 * thread never blocks), to hang (suspended until the client gives up, at
 * most MOCK_HTTP_HANG_MAX_US, or the server stops), to drop the connection
 * without a reply, to reset it after part of the body, or to carry a
 * truncated or malformed body.
 *
 * Ownership: the request and everything it points to live until the handler
 * returns. The handler fills the response; its body (malloc'd) passes to this
 * layer, which frees it. Thread-safety: the handler runs on MHD's threads
 * (--threads); it must lock what it shares.
 */
#ifndef MOCK_HTTP_H
#define MOCK_HTTP_H

#include "common/err.h"
#include "common/routes.h"
#include "mockserver/fault.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOCK_HTTP_MAX_HEADERS 12
#define MOCK_HTTP_IP_MAX 64
/* Longest a hung connection is held before it is dropped (real time). */
#define MOCK_HTTP_HANG_MAX_US (600 * INT64_C(1000000))

struct mock_request {
    const char *method;          /* as sent, e.g. "GET" */
    enum gk_http_method method_id; /* GK_HTTP_UNKNOWN when not one we route */
    const char *path;            /* without the query, not decoded */
    size_t path_len;
    const char *query;           /* after '?', not decoded; "" when none */
    size_t query_len;
    const char *body;            /* not NUL-terminated; NULL when empty */
    size_t body_len;
    char remote_ip[MOCK_HTTP_IP_MAX];
    /* Header lookup, case-insensitive; NULL when absent. */
    const char *(*header)(const struct mock_request *req, const char *name);
    void *header_ctx;
};

struct mock_response_header {
    char name[48];
    char value[208];
};

struct mock_response {
    int status;
    char *body; /* malloc'd, taken by the http layer; NULL for none */
    size_t body_len;
    const char *content_type; /* static string; NULL means application/json */
    int n_headers;
    struct mock_response_header headers[MOCK_HTTP_MAX_HEADERS];
    /* Faults (mockserver/fault.h): wait delay_us of real time before
     * answering, then deliver the answer as `transport` says. */
    int64_t delay_us;
    enum mock_fault_transport transport;
};

/*
 * Sets a header of resp: one with the same name (case-insensitive) is
 * replaced, so each name goes out once and the last word wins (a fault
 * rule's headers over the dispatcher's). A new name past
 * MOCK_HTTP_MAX_HEADERS is silently dropped (a programming error the tests
 * would catch); values are cut to the field sizes. A Content-Type set here
 * replaces resp->content_type.
 */
void mock_response_header(struct mock_response *resp, const char *name, const char *fmt,
                          ...) __attribute__((format(printf, 3, 4)));

/* The handler: fills resp for req. Never fails; errors are responses. */
typedef void mock_http_handler(void *ctx, const struct mock_request *req,
                               struct mock_response *resp);

/*
 * Called for a body over the cap: fills the 413 response. The http layer
 * calls it instead of the handler.
 */
typedef void mock_http_too_large(void *ctx, const struct mock_request *req,
                                 size_t max_body, struct mock_response *resp);

struct mock_http_opts {
    const char *bind_addr; /* IPv4 dotted quad; NULL means 127.0.0.1 */
    uint16_t port;         /* 0 picks a free port */
    unsigned threads;      /* MHD polling threads; 0 or 1 means one */
    size_t max_body;       /* request body cap in bytes */
    mock_http_handler *handler;
    mock_http_too_large *too_large;
    void *ctx;
};

struct mock_http_server;

/*
 * Starts a server with its own listening thread(s). Returns GK_OK and the
 * server in *out, or GK_INVALID_PARAMETER_VALUE (bad address, missing
 * handler) / GK_IO_ERROR (cannot bind: the message names address and port).
 */
enum gk_rc mock_http_start(const struct mock_http_opts *opts, struct mock_http_server **out,
                           struct gk_err *err);

/* The port the server is bound to (the real one when 0 was asked for). */
uint16_t mock_http_port(const struct mock_http_server *srv);

/* Changes the request body cap (opts.max_body) of a running server, for
 * requests whose headers arrive from now on; safe from any thread. NULL is
 * a no-op. */
void mock_http_set_max_body(struct mock_http_server *srv, size_t max_body);

/* Stops the server, closes every connection and frees it. NULL is a no-op. */
void mock_http_stop(struct mock_http_server *srv);

#endif
