/*
 * mock_harness: in-process genie-mock plus a bounded libcurl client.
 */
#define _DEFAULT_SOURCE /* strncasecmp */
#include "tests/integration/mock_harness.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct mock *h_start(const char *scenario)
{
    struct mock_opts o = {
        .has_seed = true, .seed = 7, .manual_clock = true, .manual_start_ms = H_START_MS};
    struct gk_err err = {0};
    struct mock *m = NULL;
    if (scenario != NULL && scenario[0] == '{')
        o.scenario_text = scenario;
    else
        o.scenario_path = scenario;
    if (mock_new(&o, &m, &err) != GK_OK || mock_start(m, &err) != GK_OK) {
        mock_free(m);
        cr_assert_fail("mock did not start: %s", gk_err_str(&err));
    }
    return m;
}

void h_stop(struct mock *m)
{
    mock_free(m);
}

void h_advance_ms(struct mock *m, int64_t ms)
{
    cr_assert_eq(gk_clock_advance(&m->clock, ms * 1000, NULL), GK_OK);
}

const char *h_token(const struct mock *m, size_t ws, size_t n)
{
    cr_assert_lt(ws, m->ws_count);
    size_t seen = 0;
    for (size_t i = 0; i < m->ws[ws].def->principal_count; i++)
        if (m->ws[ws].def->principals[i].token != NULL && seen++ == n)
            return m->ws[ws].def->principals[i].token;
    cr_assert_fail("workspace %zu has no token #%zu", ws, n);
    return NULL;
}

const char *h_space(const struct mock *m, size_t ws, size_t k)
{
    cr_assert_lt(ws, m->ws_count);
    cr_assert_lt(k, m->ws[ws].def->space_count);
    return m->ws[ws].def->spaces[k];
}

struct sink {
    char *buf;
    size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct sink *s = ud;
    size_t k = size * n;
    char *nb = realloc(s->buf, s->len + k + 1);
    if (nb == NULL)
        return 0;
    memcpy(nb + s->len, p, k);
    s->buf = nb;
    s->len += k;
    s->buf[s->len] = '\0';
    return k;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct h_reply *r = ud;
    size_t k = size * n, have = strlen(r->headers);
    if (have + k < sizeof r->headers) {
        memcpy(r->headers + have, p, k);
        r->headers[have + k] = '\0';
    }
    return k;
}

struct h_reply h_call(const struct mock *m, size_t ws, const char *method,
                      const char *path, const char *body, const char *auth,
                      const char *extra_header)
{
    struct h_reply r = {0};
    struct sink s = {0};
    struct curl_slist *hdrs = NULL;
    char url[2048], line[8192];
    CURL *c = curl_easy_init();

    cr_assert_not_null(c);
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)mock_port(m, ws), path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    }
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    if (auth != NULL) {
        snprintf(line, sizeof line, "Authorization: %s", auth);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (extra_header != NULL)
        hdrs = curl_slist_append(hdrs, extra_header);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    r.body = s.buf != NULL ? s.buf : calloc(1, 1);
    r.len = s.len;
    r.json = cJSON_ParseWithLength(r.body, r.len);
    return r;
}

struct h_reply h_req(const struct mock *m, size_t ws, const char *method,
                     const char *path, const char *body, const char *token)
{
    char auth[1024];
    if (token == NULL)
        return h_call(m, ws, method, path, body, NULL, NULL);
    snprintf(auth, sizeof auth, "Bearer %s", token);
    return h_call(m, ws, method, path, body, auth, NULL);
}

void h_free(struct h_reply *r)
{
    cJSON_Delete(r->json);
    free(r->body);
    memset(r, 0, sizeof *r);
}

const char *h_str(const struct h_reply *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *h_header(const struct h_reply *r, const char *name, char *buf, size_t cap)
{
    size_t n = strlen(name);
    for (const char *p = r->headers; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            size_t k = strcspn(v, "\r\n");
            if (k >= cap)
                k = cap - 1;
            memcpy(buf, v, k);
            buf[k] = '\0';
            return buf;
        }
    }
    return NULL;
}
