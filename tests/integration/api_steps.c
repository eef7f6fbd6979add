/*
 * api_steps: the Genie calls of the surface suites, asserting as they go.
 */
#include "tests/integration/api_steps.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct h_reply api_call(const struct mock *m, const char *method, const char *token,
                        const char *body, const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof path, "path too long");
    return h_req(m, 0, method, path, body, token);
}

static void copy_id(char out[GK_ID_SIZE], const struct h_reply *r, const char *key)
{
    const char *v = h_str(r, key);
    cr_assert(api_is_id(v), "%s: not a 32-hex id in %s", key, r->body);
    memcpy(out, v, GK_ID_SIZE);
}

struct api_ids api_start(const struct mock *m, const char *space, const char *token,
                         const char *question)
{
    struct api_ids ids;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "content", question);
    char *body = cJSON_PrintUnformatted(b);
    struct h_reply r =
        api_call(m, "POST", token, body, API_GENIE "/%s/start-conversation", space);
    cr_assert_eq(r.status, 200, "start-conversation: %ld %s", r.status, r.body);
    copy_id(ids.conv, &r, "conversation_id");
    copy_id(ids.msg, &r, "message_id");
    h_free(&r);
    free(body);
    cJSON_Delete(b);
    return ids;
}

struct api_ids api_follow_up(const struct mock *m, const char *space, const char *token,
                             const struct api_ids *ids, const char *question)
{
    struct api_ids out = *ids;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "content", question);
    char *body = cJSON_PrintUnformatted(b);
    struct h_reply r =
        api_call(m, "POST", token, body, API_GENIE "/%s/conversations/%s/messages", space,
                 ids->conv);
    cr_assert_eq(r.status, 200, "create-message: %ld %s", r.status, r.body);
    copy_id(out.msg, &r, "message_id");
    h_free(&r);
    free(body);
    cJSON_Delete(b);
    return out;
}

struct h_reply api_message(const struct mock *m, const char *space, const char *token,
                           const struct api_ids *ids)
{
    struct h_reply r =
        api_call(m, "GET", token, NULL, API_GENIE "/%s/conversations/%s/messages/%s",
                 space, ids->conv, ids->msg);
    cr_assert_eq(r.status, 200, "get-message: %ld %s", r.status, r.body);
    return r;
}

const cJSON *api_attachment(const cJSON *msg, const char *kind)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(msg, "attachments"))
    {
        if (cJSON_GetObjectItemCaseSensitive(a, kind) != NULL)
            return a;
    }
    return NULL;
}

void api_query_attachment_id(const cJSON *msg, char out[GK_ID_SIZE])
{
    const cJSON *a = api_attachment(msg, "query");
    cr_assert_not_null(a, "no query attachment");
    const char *id = api_str(a, "attachment_id");
    cr_assert(api_is_id(id), "attachment_id \"%s\"", id);
    memcpy(out, id, GK_ID_SIZE);
}

const char *api_str(const cJSON *root, const char *path)
{
    const cJSON *v = shape_get(root, path);
    cr_assert(cJSON_IsString(v), "%s: not a string", path);
    return v->valuestring;
}

int64_t api_int(const cJSON *root, const char *path)
{
    const cJSON *v = shape_get(root, path);
    cr_assert(cJSON_IsNumber(v), "%s: not a number", path);
    return (int64_t)v->valuedouble;
}

bool api_is_id(const char *s)
{
    if (s == NULL || strlen(s) != GK_ID_LEN)
        return false;
    for (size_t i = 0; i < GK_ID_LEN; i++)
        if (strchr("0123456789abcdef", s[i]) == NULL)
            return false;
    return true;
}

void api_assert_error(const struct h_reply *r, long status, const char *code,
                      const char *needle)
{
    cr_assert_eq(r->status, status, "expected HTTP %ld, got %ld: %s", status, r->status,
                 r->body);
    /* The examples' envelopes are {error_code, message}; a RequestInfo
     * detail may come too (the 429 example has one). */
    static const char *const details[] = {"details", NULL};
    struct shape_rules rules = {NULL, details};
    cJSON *ex = shape_examples_load();
    ASSERT_SHAPE(r->json,
                 shape_example(ex, status == 404   ? "error_404_not_found"
                                   : status == 403 ? "error_403_permission_denied"
                                                   : "error_400_invalid_parameter"),
                 &rules);
    cJSON_Delete(ex);
    cr_assert_str_eq(h_str(r, "error_code"), code, "%s", r->body);
    const char *msg = h_str(r, "message");
    cr_assert(msg != NULL && msg[0] != '\0', "empty message: %s", r->body);
    if (needle != NULL)
        cr_assert(strstr(msg, needle) != NULL, "message \"%s\" does not name \"%s\"", msg,
                  needle);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

static void wire_values(const cJSON *v, const char *key)
{
    if (key != NULL && ends_with(key, "_timestamp")) {
        char digits[32];
        cr_assert(cJSON_IsNumber(v) && v->valuedouble == (double)(int64_t)v->valuedouble,
                  "%s: not an integer", key);
        cr_assert_eq(snprintf(digits, sizeof digits, "%lld", (long long)v->valuedouble),
                     13, "%s: %s is not epoch milliseconds", key, digits);
    } else if (key != NULL && strcmp(key, "user_id") == 0) {
        cr_assert(cJSON_IsNumber(v) && v->valuedouble >= 1 &&
                      v->valuedouble == (double)(int64_t)v->valuedouble,
                  "user_id: not a positive integer JSON number");
    } else if (key != NULL && strcmp(key, "statement_id") == 0) {
        cr_assert(cJSON_IsString(v) && gk_id_uuid_valid(v->valuestring),
                  "statement_id: not a hyphenated UUID");
    } else if (key != NULL &&
               (strcmp(key, "id") == 0 || strcmp(key, "space_id") == 0 ||
                strcmp(key, "conversation_id") == 0 || strcmp(key, "message_id") == 0 ||
                strcmp(key, "attachment_id") == 0 ||
                strcmp(key, "query_attachment_id") == 0)) {
        cr_assert(cJSON_IsString(v) && api_is_id(v->valuestring),
                  "%s: \"%s\" is not 32 lowercase hex digits", key,
                  cJSON_IsString(v) ? v->valuestring : "(not a string)");
    }
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        const cJSON *k;
        cJSON_ArrayForEach(k, v)
        {
            wire_values(k, cJSON_IsObject(v) ? k->string : NULL);
        }
    }
}

void api_assert_wire_values(const cJSON *root)
{
    cr_assert_not_null(root, "no JSON body");
    wire_values(root, NULL);
}
