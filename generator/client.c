/*
 * client: libcurl multi glue. Each transfer carries a struct xfer in
 * CURLOPT_PRIVATE with its copied request, its response buffer and its
 * callback; gen_client_poll() performs, reads the finished transfers and
 * calls back after the transfer is out of the multi handle (so a callback
 * may send new requests freely).
 */
#define _DEFAULT_SOURCE /* strncasecmp */
#include "generator/client.h"

#include "common/clock.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct xfer;

struct gen_client {
    CURLM *multi;
    char *cacert;
    char *user_agent;
    size_t pending;
    struct xfer *live; /* transfers in the multi handle (libcurl 7.88 cannot list them) */
};

struct xfer {
    struct xfer *prev, *next;
    CURL *easy;
    struct curl_slist *headers;
    char *url, *body;
    char *buf;
    size_t len, cap;
    bool overflow;
    char retry_after[64];
    char content_type[128];
    char error[CURL_ERROR_SIZE];
    int64_t started_us;
    gen_client_done *done;
    void *ctx;
};

static void xfer_free(struct xfer *x)
{
    if (x == NULL)
        return;
    if (x->easy != NULL)
        curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->headers);
    free(x->url);
    free(x->body);
    free(x->buf);
    free(x);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t k = size * n;
    if (x->len + k + 1 > GEN_CLIENT_BODY_MAX) {
        x->overflow = true;
        return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
    }
    if (x->len + k + 1 > x->cap) {
        size_t cap = x->cap ? x->cap : 4096;
        while (cap < x->len + k + 1)
            cap *= 2;
        char *nb = realloc(x->buf, cap);
        if (nb == NULL)
            return 0;
        x->buf = nb;
        x->cap = cap;
    }
    memcpy(x->buf + x->len, p, k);
    x->len += k;
    x->buf[x->len] = '\0';
    return k;
}

/* Keeps the headers we read: Retry-After and Content-Type. */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t k = size * n;
    static const struct {
        const char *name;
        size_t off, cap;
    } keep[] = {
        {"Retry-After:", offsetof(struct xfer, retry_after), sizeof x->retry_after},
        {"Content-Type:", offsetof(struct xfer, content_type), sizeof x->content_type},
    };
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        size_t nl = strlen(keep[i].name);
        if (k > nl && strncasecmp(p, keep[i].name, nl) == 0) {
            const char *v = p + nl;
            size_t vl = k - nl;
            while (vl > 0 && (*v == ' ' || *v == '\t'))
                v++, vl--;
            while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
                vl--;
            if (vl >= keep[i].cap)
                vl = keep[i].cap - 1;
            char *dst = (char *)x + keep[i].off;
            memcpy(dst, v, vl);
            dst[vl] = '\0';
        }
    }
    return k;
}

enum gk_rc gen_client_new(const char *cacert, const char *user_agent, struct gen_client **out,
                          struct gk_err *err)
{
    struct gen_client *c = calloc(1, sizeof *c);
    *out = NULL;
    if (c == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        (c->multi = curl_multi_init()) == NULL) {
        free(c);
        return gk_err_set(err, GK_INTERNAL_ERROR, "libcurl could not start");
    }
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16L);
    if ((cacert != NULL && (c->cacert = strdup(cacert)) == NULL) ||
        (c->user_agent = strdup(user_agent != NULL ? user_agent : "genie-gen")) == NULL) {
        gen_client_free(c);
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    }
    *out = c;
    return GK_OK;
}

void gen_client_free(struct gen_client *c)
{
    if (c == NULL)
        return;
    while (c->live != NULL) {
        struct xfer *x = c->live;
        c->live = x->next;
        curl_multi_remove_handle(c->multi, x->easy);
        xfer_free(x);
    }
    if (c->multi != NULL)
        curl_multi_cleanup(c->multi);
    free(c->cacert);
    free(c->user_agent);
    free(c);
    curl_global_cleanup();
}

enum gk_rc gen_client_send(struct gen_client *c, const struct gen_request *req,
                           struct gk_err *err)
{
    struct xfer *x = calloc(1, sizeof *x);
    char line[4096];

    if (x == NULL || (x->easy = curl_easy_init()) == NULL || (x->url = strdup(req->url)) == NULL)
        goto oom;
    if (req->body != NULL) {
        if ((x->body = malloc(req->body_len + 1)) == NULL)
            goto oom;
        memcpy(x->body, req->body, req->body_len);
        x->body[req->body_len] = '\0';
    }
    x->done = req->done;
    x->ctx = req->ctx;
    x->started_us = gk_clock_system_mono_us();

    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
    if (h == NULL)
        goto oom;
    x->headers = h;
    if (req->body != NULL) {
        snprintf(line, sizeof line, "Content-Type: %s",
                 req->content_type != NULL ? req->content_type : "application/json");
        if ((h = curl_slist_append(x->headers, line)) == NULL)
            goto oom;
    }
    if (req->authorization != NULL) {
        snprintf(line, sizeof line, "Authorization: %s", req->authorization);
        if ((h = curl_slist_append(x->headers, line)) == NULL)
            goto oom;
    }
    if ((h = curl_slist_append(x->headers, "Expect:")) == NULL)
        goto oom;

    CURL *e = x->easy;
    curl_easy_setopt(e, CURLOPT_URL, x->url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(req->timeout_ms > 0 ? req->timeout_ms : 60000));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    if (c->cacert != NULL)
        curl_easy_setopt(e, CURLOPT_CAINFO, c->cacert);
    if (x->body != NULL) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
    }
    if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        xfer_free(x);
        return gk_err_set(err, GK_INTERNAL_ERROR, "libcurl refused a transfer");
    }
    x->next = c->live;
    if (c->live != NULL)
        c->live->prev = x;
    c->live = x;
    c->pending++;
    return GK_OK;
oom:
    xfer_free(x);
    return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
}

size_t gen_client_pending(const struct gen_client *c)
{
    return c->pending;
}

int gen_client_poll(struct gen_client *c, int wait_ms)
{
    int running = 0, finished = 0, left;
    CURLMsg *msg;

    curl_multi_perform(c->multi, &running);
    if (wait_ms > 0) {
        /* curl_multi_poll waits the whole timeout even with nothing in
         * flight (curl_multi_wait would return at once and the caller spin). */
        curl_multi_poll(c->multi, NULL, 0, wait_ms, NULL);
        curl_multi_perform(c->multi, &running);
    }
    while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct xfer *x = NULL;
        CURLcode code = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        curl_multi_remove_handle(c->multi, msg->easy_handle);
        if (x->prev != NULL)
            x->prev->next = x->next;
        else
            c->live = x->next;
        if (x->next != NULL)
            x->next->prev = x->prev;
        c->pending--;
        struct gen_response r = {
            .curl_code = (int)code,
            .curl_error = code == CURLE_OK ? "" : (x->error[0] ? x->error : curl_easy_strerror(code)),
            .body = x->buf != NULL ? x->buf : "",
            .len = x->len,
            .retry_after = x->retry_after[0] ? x->retry_after : NULL,
            .content_type = x->content_type[0] ? x->content_type : NULL,
            .elapsed_us = gk_clock_system_mono_us() - x->started_us,
        };
        if (x->overflow)
            r.curl_error = "the response is larger than genie-gen accepts (64 MiB)";
        if (code == CURLE_OK)
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &r.status);
        if (x->done != NULL)
            x->done(x->ctx, &r);
        xfer_free(x);
        finished++;
    }
    return finished;
}
