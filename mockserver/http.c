/*
 * http: libmicrohttpd glue.
 *
 * Per request MHD calls on_request() several times: once when the headers
 * are in, once per chunk of body, and once more with no data when the body
 * is complete. A per-request struct conn_ctx lives in MHD's con_cls from the
 * URI log callback (which also hands us the raw, still-escaped URI with its
 * query: MHD's own `url` argument has been unescaped, and routes must see
 * escapes to tell "a%2Fb" from "a/b") until the completion callback frees it.
 *
 * The response is queued on the last call, never the first (a first-call
 * response costs the client its keep-alive connection). The exception is a
 * body over the cap. MHD 0.9.75 takes a response only on the first call or
 * once the whole body is in (MHD_queue_response fails in between, and the
 * client would see the connection drop with no answer), so: a Content-Length
 * over the cap is answered 413 on the first call (with "Connection: close":
 * the body is never buffered); a chunked body that grows past the
 * cap is discarded as it arrives and answered 413 when it ends. Either way
 * at most max_body bytes are ever held. The cap may change while serving
 * (mock_http_set_max_body: a new scenario); a request keeps the cap it
 * started with.
 */
#define _DEFAULT_SOURCE /* inet_ntop, strncasecmp under -std=c11 */
#include "mockserver/http.h"

#include "common/clock.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct conn_ctx;

/* Suspended connections waiting for their delay to pass. */
struct timers {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool running, stopping;
    struct conn_ctx **items;
    size_t count, cap;
};

struct mock_http_server {
    struct MHD_Daemon *daemon;
    struct mock_http_opts opts;
    /* The body cap: opts.max_body until mock_http_set_max_body() (a new
     * scenario) changes it while MHD's threads read it. Each request reads
     * it once, when its headers are in, and keeps that cap to its end. */
    _Atomic size_t max_body;
    uint16_t port;
    struct timers timers;
};

struct conn_ctx {
    struct mock_request req;
    struct MHD_Connection *conn;
    char *uri;  /* raw request target: path?query */
    char *body; /* NULL until a body arrives */
    size_t body_len, body_cap;
    bool seen;       /* the headers-only first call has happened */
    bool too_large;  /* the body passed the cap: the rest is discarded */
    bool done;       /* a response is queued */
    size_t max_body; /* this request's body cap */
    /* A delayed answer: held while the connection is suspended. */
    struct mock_response pending;
    bool suspended;
    bool resumed; /* the timer fired: answer on the next call */
    int64_t due_us;
};

void mock_response_header(struct mock_response *resp, const char *name, const char *fmt,
                          ...)
{
    struct mock_response_header *h = NULL;
    va_list ap;
    for (int i = 0; i < resp->n_headers && h == NULL; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            h = &resp->headers[i];
    if (h == NULL) {
        if (resp->n_headers >= MOCK_HTTP_MAX_HEADERS)
            return;
        h = &resp->headers[resp->n_headers++];
    }
    snprintf(h->name, sizeof h->name, "%s", name);
    va_start(ap, fmt);
    vsnprintf(h->value, sizeof h->value, fmt, ap);
    va_end(ap);
}

static const char *lookup_header(const struct mock_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->header_ctx, MHD_HEADER_KIND, name);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    struct conn_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->conn = conn;
    c->uri = strdup(uri != NULL ? uri : "");
    if (c->uri == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    struct conn_ctx *c = *con_cls;
    if (c == NULL)
        return;
    free(c->uri);
    free(c->body);
    free(c->pending.body);
    free(c);
    *con_cls = NULL;
}

static void fill_request(struct conn_ctx *c, const char *method)
{
    struct mock_request *r = &c->req;
    char *q = strchr(c->uri, '?');

    r->method = method;
    r->method_id = gk_routes_method_from_name(method);
    r->path = c->uri;
    r->path_len = q != NULL ? (size_t)(q - c->uri) : strlen(c->uri);
    r->query = q != NULL ? q + 1 : "";
    r->query_len = strlen(r->query);
    r->header = lookup_header;
    r->header_ctx = c->conn;

    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
    if (sa != NULL && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                  r->remote_ip, sizeof r->remote_ip);
    else if (sa != NULL && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  r->remote_ip, sizeof r->remote_ip);
    else
        snprintf(r->remote_ip, sizeof r->remote_ip, "unknown");
}

static bool grow_timers(struct timers *t)
{
    size_t cap = t->cap ? t->cap * 2 : 16;
    struct conn_ctx **p = realloc(t->items, cap * sizeof *p);
    if (p == NULL)
        return false;
    t->items = p;
    t->cap = cap;
    return true;
}

/* RESET: the reply claims its full length, sends the first half, and the
 * connection is closed in the middle of the body. A body of 0 or 1 bytes
 * has no middle: the reply claims one byte more than it has, so the client
 * still sees the connection break inside the body. */
struct reset_body {
    char *body;
    size_t half;
};

static ssize_t reset_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct reset_body *r = cls;
    if (pos >= r->half)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = r->half - (size_t)pos < max ? r->half - (size_t)pos : max;
    memcpy(buf, r->body + pos, n);
    return (ssize_t)n;
}

static void reset_free(void *cls)
{
    struct reset_body *r = cls;
    free(r->body);
    free(r);
}

/* MALFORMED: the same bytes, but not JSON any more. */
static void corrupt(struct mock_response *resp)
{
    char *colon = resp->body != NULL ? memchr(resp->body, ':', resp->body_len) : NULL;
    if (colon != NULL) {
        *colon = '=';
        return;
    }
    free(resp->body);
    resp->body = strdup("<html><body>Bad Gateway</body></html>");
    resp->body_len = resp->body != NULL ? strlen(resp->body) : 0;
}

static enum MHD_Result send_response(struct conn_ctx *c, struct mock_response *resp)
{
    struct MHD_Response *m;

    c->done = true;
    switch (resp->transport) {
    case MOCK_FAULT_DROP:
    case MOCK_FAULT_HANG: /* a hang that outlived its limit ends as a drop */
        free(resp->body);
        resp->body = NULL;
        return MHD_NO;
    case MOCK_FAULT_TRUNCATE:
        resp->body_len /= 2;
        break;
    case MOCK_FAULT_MALFORMED:
        corrupt(resp);
        break;
    default:
        break;
    }
    if (resp->transport == MOCK_FAULT_RESET) {
        struct reset_body *r = malloc(sizeof *r);
        if (r == NULL) {
            free(resp->body);
            return MHD_NO;
        }
        r->body = resp->body;
        r->half = resp->body_len / 2;
        m = MHD_create_response_from_callback(resp->body_len > 1 ? resp->body_len
                                                                 : resp->body_len + 1,
                                              4096, reset_reader, r, reset_free);
        if (m == NULL)
            reset_free(r);
    } else {
        m = MHD_create_response_from_buffer(
            resp->body_len, resp->body != NULL ? resp->body : (void *)"",
            resp->body != NULL ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (m == NULL)
            free(resp->body);
    }
    resp->body = NULL;
    if (m == NULL)
        return MHD_NO;
    /* A Content-Type among the headers (a fault rule's) replaces the default. */
    bool typed = false;
    for (int i = 0; i < resp->n_headers; i++) {
        MHD_add_response_header(m, resp->headers[i].name, resp->headers[i].value);
        typed |= strcasecmp(resp->headers[i].name, MHD_HTTP_HEADER_CONTENT_TYPE) == 0;
    }
    if (!typed)
        MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_TYPE,
                                resp->content_type != NULL ? resp->content_type
                                                           : "application/json");
    enum MHD_Result ret = MHD_queue_response(c->conn, (unsigned)resp->status, m);
    MHD_destroy_response(m);
    return ret;
}

/* ---- delays: suspend now, resume from the timer thread when due ---- */

static void *timer_main(void *arg)
{
    struct mock_http_server *s = arg;
    struct timers *t = &s->timers;

    pthread_mutex_lock(&t->lock);
    while (!t->stopping || t->count > 0) {
        int64_t now = gk_clock_system_mono_us(), next = INT64_MAX;
        for (size_t i = 0; i < t->count;) {
            struct conn_ctx *c = t->items[i];
            if (t->stopping || c->due_us <= now) {
                t->items[i] = t->items[--t->count];
                c->resumed = true;
                if (t->stopping)
                    c->pending.transport = MOCK_FAULT_DROP;
                MHD_resume_connection(c->conn);
                continue;
            }
            if (c->due_us < next)
                next = c->due_us;
            i++;
        }
        if (t->stopping)
            break;
        if (next == INT64_MAX) {
            pthread_cond_wait(&t->wake, &t->lock);
        } else {
            /* The condition waits on CLOCK_MONOTONIC (mock_http_start), the
             * clock due_us is read from: a stepped system clock moves no
             * delay. */
            struct timespec ts;
            ts.tv_sec = (time_t)(next / 1000000);
            ts.tv_nsec = (long)(next % 1000000) * 1000;
            pthread_cond_timedwait(&t->wake, &t->lock, &ts);
        }
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

/* Holds resp and suspends the connection until its delay passes. */
static enum MHD_Result delay_response(struct mock_http_server *s, struct conn_ctx *c,
                                      struct mock_response *resp)
{
    struct timers *t = &s->timers;
    int64_t wait =
        resp->transport == MOCK_FAULT_HANG ? MOCK_HTTP_HANG_MAX_US : resp->delay_us;

    pthread_mutex_lock(&t->lock);
    if (t->stopping || (t->count == t->cap && !grow_timers(t))) {
        pthread_mutex_unlock(&t->lock);
        free(resp->body);
        return MHD_NO;
    }
    c->pending = *resp;
    if (resp->transport != MOCK_FAULT_HANG)
        c->pending.delay_us = 0;
    c->due_us = gk_clock_system_mono_us() + wait;
    c->suspended = true;
    t->items[t->count++] = c;
    MHD_suspend_connection(c->conn);
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    return MHD_YES;
}

static enum MHD_Result answer_too_large(struct mock_http_server *s, struct conn_ctx *c)
{
    struct mock_response resp = {.status = 413};
    free(c->body);
    c->body = NULL;
    c->body_len = c->body_cap = 0;
    c->req.body = NULL;
    c->req.body_len = 0;
    s->opts.too_large(s->opts.ctx, &c->req, c->max_body, &resp);
    return send_response(c, &resp);
}

enum append_result { APPEND_OK, APPEND_TOO_LARGE, APPEND_NO_MEMORY };

/* Appends a chunk, unless the body would pass the cap. */
static enum append_result append_body(struct conn_ctx *c, const char *data, size_t n,
                                      size_t max)
{
    if (n > max || c->body_len > max - n)
        return APPEND_TOO_LARGE;
    if (c->body_len + n > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 1024;
        while (cap < c->body_len + n)
            cap *= 2;
        if (cap > max)
            cap = max;
        char *nb = realloc(c->body, cap);
        if (nb == NULL)
            return APPEND_NO_MEMORY;
        c->body = nb;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, data, n);
    c->body_len += n;
    return APPEND_OK;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct mock_http_server *s = cls;
    struct conn_ctx *c = *con_cls;
    (void)url, (void)version;

    if (c == NULL) /* the URI callback ran out of memory */
        return MHD_NO;
    if (c->resumed) { /* a delayed answer is due */
        struct mock_response resp = c->pending;
        c->resumed = c->suspended = false;
        memset(&c->pending, 0, sizeof c->pending);
        return send_response(c, &resp);
    }
    if (!c->seen) {
        c->seen = true;
        c->max_body = atomic_load(&s->max_body);
        fill_request(c, method);
        /* A declared length over the cap is refused before any of the body
         * is read: libmicrohttpd 0.9.75 accepts a response only now or once
         * the whole body is in (MHD_queue_response fails in between), and
         * answering now spares reading the body at all. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl != NULL && strtoull(cl, NULL, 10) > c->max_body)
            return answer_too_large(s, c);
        return MHD_YES;
    }
    if (c->done) { /* 413 already queued: swallow what MHD still hands us */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (c->too_large)
            return MHD_YES;
        switch (append_body(c, upload_data, n, c->max_body)) {
        case APPEND_OK:
            return MHD_YES;
        case APPEND_TOO_LARGE:
            /* A chunked body passed the cap: drop what we have and discard
             * the rest as it comes; the 413 goes out at the end of the body,
             * the first moment MHD lets us answer. */
            free(c->body);
            c->body = NULL;
            c->body_len = c->body_cap = 0;
            c->too_large = true;
            return MHD_YES;
        default:
            return MHD_NO; /* out of memory: drop the connection */
        }
    }
    if (c->too_large)
        return answer_too_large(s, c);

    struct mock_response resp = {.status = 500};
    c->req.body = c->body;
    c->req.body_len = c->body_len;
    s->opts.handler(s->opts.ctx, &c->req, &resp);
    if (resp.delay_us > 0 || resp.transport == MOCK_FAULT_HANG)
        return delay_response(s, c, &resp);
    return send_response(c, &resp);
}

enum gk_rc mock_http_start(const struct mock_http_opts *opts,
                           struct mock_http_server **out, struct gk_err *err)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(opts->port)};
    const char *bind_addr = opts->bind_addr != NULL ? opts->bind_addr : "127.0.0.1";

    *out = NULL;
    if (opts->handler == NULL || opts->too_large == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "http: no handler given");
    if (inet_pton(AF_INET, bind_addr, &addr.sin_addr) != 1)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "bind: \"%s\" is not an IPv4 address", bind_addr);

    struct mock_http_server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    s->opts = *opts;
    atomic_init(&s->max_body, opts->max_body);

    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    pthread_condattr_t ca;
    pthread_mutex_init(&s->timers.lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->timers.wake, &ca);
    pthread_condattr_destroy(&ca);
    unsigned threads = opts->threads > 1 ? opts->threads : 1;
    s->daemon = MHD_start_daemon(
        flags, opts->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)120, MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0u,
        MHD_OPTION_END);
    if (s->daemon == NULL ||
        pthread_create(&s->timers.thread, NULL, timer_main, s) != 0) {
        if (s->daemon != NULL)
            MHD_stop_daemon(s->daemon);
        pthread_cond_destroy(&s->timers.wake);
        pthread_mutex_destroy(&s->timers.lock);
        free(s);
        return gk_err_set(err, GK_IO_ERROR,
                          "cannot listen on %s:%u (in use, or no permission)", bind_addr,
                          (unsigned)opts->port);
    }
    s->timers.running = true;
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di != NULL ? di->port : opts->port;
    *out = s;
    return GK_OK;
}

uint16_t mock_http_port(const struct mock_http_server *srv)
{
    return srv->port;
}

void mock_http_set_max_body(struct mock_http_server *srv, size_t max_body)
{
    if (srv != NULL)
        atomic_store(&srv->max_body, max_body);
}

void mock_http_stop(struct mock_http_server *srv)
{
    if (srv == NULL)
        return;
    /* Resume every suspended connection (as a drop) before the daemon stops:
     * libmicrohttpd cannot close connections that are still suspended. */
    pthread_mutex_lock(&srv->timers.lock);
    srv->timers.stopping = true;
    pthread_cond_signal(&srv->timers.wake);
    pthread_mutex_unlock(&srv->timers.lock);
    if (srv->timers.running)
        pthread_join(srv->timers.thread, NULL);
    MHD_stop_daemon(srv->daemon);
    free(srv->timers.items);
    pthread_cond_destroy(&srv->timers.wake);
    pthread_mutex_destroy(&srv->timers.lock);
    free(srv);
}
