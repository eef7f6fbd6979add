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
    return h_start_token(scenario, NULL);
}

struct mock *h_start_token(const char *scenario, const char *token)
{
    struct mock_opts o = {.token = token};
    return h_start_opts(scenario, &o);
}

struct mock *h_start_opts(const char *scenario, const struct mock_opts *more)
{
    struct mock_opts o = {0};
    if (more != NULL)
        o = *more;
    if (!o.has_seed) {
        o.has_seed = true;
        o.seed = 7;
    }
    o.manual_clock = true;
    o.manual_start_ms = H_START_MS;
    o.scenario_path = o.scenario_text = NULL;
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

int64_t h_now_ms(const struct mock *m)
{
    return gk_clock_now_us(&m->clock) / 1000;
}

int64_t h_wall_ms(const struct mock *m)
{
    return mock_wall_ms_at(m, gk_clock_now_us(&m->clock));
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

/* Hands out the request body in small pieces, so a chunked upload really
 * goes out as several chunks. */
struct source {
    const char *p;
    size_t left;
};

static size_t on_read(char *buf, size_t size, size_t n, void *ud)
{
    struct source *src = ud;
    size_t k = size * n < src->left ? size * n : src->left;
    if (k > 512)
        k = 512;
    memcpy(buf, src->p, k);
    src->p += k;
    src->left -= k;
    return k;
}

struct h_reply h_send(const struct mock *m, size_t ws, const char *method,
                      const char *path, const struct h_send *s)
{
    struct h_reply r = {0};
    struct sink out = {0};
    struct curl_slist *hdrs = NULL;
    char url[2048], line[8192];
    CURL *c = curl_easy_init();
    size_t body_len = s->body == NULL ? 0 : s->body_len ? s->body_len : strlen(s->body);
    struct source src = {s->body, body_len};

    cr_assert_not_null(c);
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)mock_port(m, ws), path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->timeout_ms > 0 ? s->timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (s->body != NULL && s->chunked) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &src);
        hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
    } else if (s->body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, s->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    if (s->body != NULL) {
        snprintf(line, sizeof line, "Content-Type: %s",
                 s->content_type != NULL ? s->content_type : "application/json");
        hdrs = curl_slist_append(hdrs, line);
    }
    snprintf(line, sizeof line, "Accept: %s",
             s->accept != NULL ? s->accept : "application/json");
    hdrs = curl_slist_append(hdrs, line);
    hdrs = curl_slist_append(hdrs, "Expect:");
    if (s->auth != NULL) {
        snprintf(line, sizeof line, "Authorization: %s", s->auth);
        hdrs = curl_slist_append(hdrs, line);
    }
    for (size_t i = 0; s->headers != NULL && s->headers[i] != NULL; i++)
        hdrs = curl_slist_append(hdrs, s->headers[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    r.curl_rc = (int)curl_easy_perform(c);
    if (r.curl_rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    r.body = out.buf != NULL ? out.buf : calloc(1, 1);
    r.len = out.len;
    r.json = cJSON_ParseWithLength(r.body, r.len);
    return r;
}

struct h_reply h_call(const struct mock *m, size_t ws, const char *method,
                      const char *path, const char *body, const char *auth,
                      const char *extra_header)
{
    const char *extra[] = {extra_header, NULL};
    struct h_send s = {.auth = auth, .body = body, .headers = extra};
    return h_send(m, ws, method, path, &s);
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

struct h_reply h_admin(const struct mock *m, const char *method, const char *path,
                       const char *body)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", m->admin_token);
    return h_call(m, 0, method, path, body, auth, NULL);
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

const char *h_basic(const char *id, const char *secret, char *buf, size_t cap)
{
    char plain[1024], b64[GK_AUTH_B64_STD_SIZE(sizeof plain)];
    int n = snprintf(plain, sizeof plain, "%s:%s", id, secret);
    cr_assert(n > 0 && (size_t)n < sizeof plain);
    cr_assert_eq(
        gk_auth_b64_encode(GK_AUTH_B64_STD, plain, (size_t)n, b64, sizeof b64, NULL),
        GK_OK);
    snprintf(buf, cap, "Basic %s", b64);
    return buf;
}

int64_t h_int(const struct h_reply *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, key);
    cr_assert(cJSON_IsNumber(v), "%s: not a JSON number in %s", key, r->body);
    return (int64_t)v->valuedouble;
}

const char *h_jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "(absent)";
}

void h_expect_envelope(const struct h_reply *r, long status, const char *error_code,
                       const char *needle)
{
    char type[128], rid[128];
    cr_assert_eq(r->status, status, "expected HTTP %ld, got %ld: %s", status, r->status,
                 r->body);
    cr_assert_not_null(h_header(r, "Content-Type", type, sizeof type));
    cr_assert_str_eq(type, "application/json");
    cr_assert(cJSON_IsObject(r->json), "not a JSON object: %s", r->body);
    cr_assert_str_eq(h_jstr(r->json, "error_code"), error_code, "%s", r->body);
    const char *msg = h_jstr(r->json, "message");
    cr_assert(h_str(r, "message") != NULL && msg[0] != '\0', "no message: %s", r->body);
    if (needle != NULL)
        cr_assert(strstr(msg, needle) != NULL, "message \"%s\" does not say \"%s\"", msg,
                  needle);
    /* No `details` (the JavaScript SDK cannot parse a RequestInfo detail);
     * the request id is in a header instead. */
    cr_assert_null(cJSON_GetObjectItem(r->json, "details"), "%s", r->body);
    cr_assert_eq(cJSON_GetArraySize(r->json), 2, "only error_code and message: %s",
                 r->body);
    cr_assert_not_null(h_header(r, "X-Request-Id", rid, sizeof rid));
    cr_assert_eq(strlen(rid), 36, "X-Request-Id: %s", rid);
}

struct h_ids h_start_conversation(const struct mock *m, size_t ws, const char *space,
                                  const char *token, const char *content)
{
    char path[160], body[512];
    struct h_ids ids;
    snprintf(path, sizeof path, "/api/2.0/genie/spaces/%s/start-conversation", space);
    snprintf(body, sizeof body, "{\"content\":\"%s\"}", content);
    struct h_reply r = h_req(m, ws, "POST", path, body, token);
    cr_assert_eq(r.status, 200, "start-conversation in %s: %ld %s", space, r.status, r.body);
    snprintf(ids.conv, sizeof ids.conv, "%s", h_jstr(r.json, "conversation_id"));
    snprintf(ids.msg, sizeof ids.msg, "%s", h_jstr(r.json, "message_id"));
    h_free(&r);
    return ids;
}

struct h_reply h_get_message(const struct mock *m, size_t ws, const char *space,
                             const struct h_ids *ids, const char *token)
{
    char path[256];
    snprintf(path, sizeof path, "/api/2.0/genie/spaces/%s/conversations/%s/messages/%s",
             space, ids->conv, ids->msg);
    return h_req(m, ws, "GET", path, NULL, token);
}

struct h_reply h_token_request(const struct mock *m, size_t ws, const char *form,
                               const char *auth)
{
    struct h_send s = {.auth = auth,
                       .body = form,
                       .content_type = "application/x-www-form-urlencoded",
                       .accept = "*/*"};
    return h_send(m, ws, "POST", "/oidc/v1/token", &s);
}

void h_mint(const struct mock *m, size_t ws, const char *id, const char *secret, char *out,
            size_t cap)
{
    char basic[1100];
    struct h_reply r = h_token_request(m, ws, "grant_type=client_credentials&scope=all-apis",
                                       h_basic(id, secret, basic, sizeof basic));
    cr_assert_eq(r.status, 200, "token for %s: %ld %s", id, r.status, r.body);
    snprintf(out, cap, "%s", h_jstr(r.json, "access_token"));
    h_free(&r);
}

void h_arm(const struct mock *m, const char *rule)
{
    struct h_reply r = h_admin(m, "POST", "/__admin/faults", rule);
    cr_assert_eq(r.status, 200, "arming %s: %ld %s", rule, r.status, r.body);
    h_free(&r);
}

void h_fault_counts(const struct mock *m, const char *name, int64_t *matched, int64_t *fired)
{
    struct h_reply r = h_admin(m, "GET", "/__admin/faults", NULL);
    const cJSON *f;
    cr_assert_eq(r.status, 200, "GET /__admin/faults: %ld %s", r.status, r.body);
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(r.json, "faults"))
    {
        if (strcmp(h_jstr(f, "name"), name) != 0)
            continue;
        const cJSON *mt = cJSON_GetObjectItemCaseSensitive(f, "matched");
        const cJSON *fd = cJSON_GetObjectItemCaseSensitive(f, "fired");
        cr_assert(cJSON_IsNumber(mt) && cJSON_IsNumber(fd), "%s", r.body);
        *matched = (int64_t)mt->valuedouble;
        *fired = (int64_t)fd->valuedouble;
        h_free(&r);
        return;
    }
    cr_assert_fail("no fault rule named %s in %s", name, r.body);
}

char *h_scenario_with(const char *scenario, const char *key, const char *value)
{
    cJSON *doc = cJSON_Parse(scenario), *v = cJSON_Parse(value);
    cr_assert_not_null(doc, "scenario: not valid JSON");
    cr_assert_not_null(v, "%s: not valid JSON: %s", key, value);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, key);
    cJSON_AddItemToObject(doc, key, v);
    char *out = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    cr_assert_not_null(out);
    return out;
}
