/*
 * client: genie-gen's HTTP, on one thread over a libcurl multi handle.
 *
 * A request is sent with gen_client_send(); its completion callback runs
 * from gen_client_poll(), never re-entrantly from send. Connections are
 * reused (one multi handle, keep-alive), HTTPS uses the system CA store or
 * --cacert, and every request has its own timeout. Response bodies land in
 * a buffer capped at GEN_CLIENT_BODY_MAX; the Retry-After header is kept.
 *
 * Ownership: the client copies the request's strings; the response passed to
 * the callback is lent for the callback's duration. Thread-safety: one
 * thread only.
 */
#ifndef GEN_CLIENT_H
#define GEN_CLIENT_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_CLIENT_BODY_MAX (64u << 20) /* 64 MiB: a 5,000-row result fits */

struct gen_response {
    int curl_code;   /* CURLE_OK (0), or why the transfer failed */
    const char *curl_error; /* text of a failed transfer, "" otherwise */
    long status;     /* HTTP status, 0 when no response arrived */
    const char *body; /* NUL-terminated, "" when empty */
    size_t len;
    const char *retry_after; /* the header's value, or NULL */
    const char *content_type;
    int64_t elapsed_us;      /* real time the transfer took */
};

typedef void gen_client_done(void *ctx, const struct gen_response *res);

struct gen_request {
    const char *method;       /* "GET", "POST", "DELETE" */
    const char *url;
    const char *authorization; /* whole header value ("Bearer x"), or NULL */
    const char *content_type;  /* with a body; NULL: application/json */
    const char *body;          /* NULL: none */
    size_t body_len;
    int64_t timeout_ms;
    gen_client_done *done;
    void *ctx;
};

struct gen_client;

/* A client, with the CA bundle at cacert (NULL: the system's). GK_OK or
 * GK_INTERNAL_ERROR (libcurl could not start). */
enum gk_rc gen_client_new(const char *cacert, const char *user_agent, struct gen_client **out,
                          struct gk_err *err);
/* Cancels what is in flight (callbacks are not called) and frees it all. */
void gen_client_free(struct gen_client *c);

/* Starts a request. GK_OK, or GK_OUT_OF_MEMORY / GK_INTERNAL_ERROR. */
enum gk_rc gen_client_send(struct gen_client *c, const struct gen_request *req,
                           struct gk_err *err);
/* Transfers in flight. */
size_t gen_client_pending(const struct gen_client *c);
/* Drives the transfers for at most wait_ms (0: do not wait) and runs the
 * callbacks of those that finished. Returns how many finished. */
int gen_client_poll(struct gen_client *c, int wait_ms);

#endif
