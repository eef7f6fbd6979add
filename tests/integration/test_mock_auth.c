/*
 * Who may call genie-mock, over HTTP (1/2: personal access tokens): a PAT
 * opens the Genie endpoints; a missing or malformed Authorization header is
 * 401 with a message naming the problem; a principal limited to some spaces
 * gets 403 elsewhere and only sees its spaces; another user's conversation
 * is 403 unless the caller can manage; the --token principal works
 * everywhere. OAuth M2M is in test_mock_auth_m2m.c. Uses the built-in
 * default scenario (mock_default.h).
 */
#include "tests/gk_test.h"
#include "tests/integration/mock_default.h"
#include "tests/integration/mock_harness.h"

#include <stdio.h>
#include <string.h>

#define QUESTION "Revenue by region"

/* The ids of the spaces a list-spaces reply holds, comma-separated. */
static void space_ids(const struct h_reply *r, char *out, size_t cap)
{
    const cJSON *s;
    out[0] = '\0';
    cr_assert(cJSON_IsArray(cJSON_GetObjectItem(r->json, "spaces")), "%s", r->body);
    cJSON_ArrayForEach(s, cJSON_GetObjectItem(r->json, "spaces"))
    {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", n ? "," : "", h_jstr(s, "space_id"));
    }
}

/* The conversation ids a list-conversations reply holds, comma-separated. */
static void conv_ids(const struct h_reply *r, char *out, size_t cap)
{
    const cJSON *c;
    out[0] = '\0';
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(r->json, "conversations"))
    {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", n ? "," : "", h_jstr(c, "conversation_id"));
    }
}

/* ---- PATs and the Authorization header ---- */

Test(mock_auth, a_pat_opens_every_genie_endpoint)
{
    struct mock *m = h_start(NULL);
    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, DEV0);
    char ids[256];
    cr_assert_eq(r.status, 200, "%s", r.body);
    space_ids(&r, ids, sizeof ids);
    cr_assert_str_eq(ids, SALES "," STORE "," SUPPLY);
    h_free(&r);

    struct h_ids c = h_start_conversation(m, 0, STORE, DEV0, QUESTION);
    r = h_get_message(m, 0, STORE, &c, DEV0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(h_jstr(r.json, "message_id"), c.msg);
    h_free(&r);
    r = h_req(m, 0, "GET", PFX "/" STORE "/conversations", NULL, DEV0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    r = h_req(m, 0, "GET", PFX "/" STORE, NULL, DEV0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, no_authorization_header_is_401_unauthenticated)
{
    static const struct {
        const char *method, *path, *body;
    } calls[] = {
        {"GET", PFX, NULL},
        {"GET", PFX "/" SALES, NULL},
        {"POST", PFX "/" SALES "/start-conversation", "{\"content\":\"hi\"}"},
        {"GET", PFX "/" SALES "/conversations/" NO_SUCH_ID "/messages/" NO_SUCH_ID, NULL},
        {"DELETE", PFX "/" SALES "/conversations/" NO_SUCH_ID, NULL},
    };
    struct mock *m = h_start(NULL);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        struct h_reply r =
            h_req(m, 0, calls[i].method, calls[i].path, calls[i].body, NULL);
        h_expect_envelope(&r, 401, "UNAUTHENTICATED", "Credential was not sent");
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, a_bad_authorization_header_is_401_naming_the_problem)
{
    static const struct {
        const char *auth, *says;
    } cases[] = {
        {"Bearer dapi00000000000000000000000000000000", "Invalid access token."},
        {"Bearer " DEV1, "Invalid access token."}, /* workspace 1's PAT */
        {"Basic ZGV2QGV4YW1wbGUuY29tOnNlY3JldA==", "expected the Bearer scheme"},
        {"Token " DEV0, "expected the Bearer scheme"},
        {"Bearer" DEV0, "expected the Bearer scheme"},
        {"Bearer", "empty Bearer credentials"},
        {"Bearer    ", "empty Bearer credentials"},
        {"Bearer dapi36f675cc 81e74ef5e8e25d940ed90475", "contains a space"},
        {"Bearer eyJhbGciOiJIUzI1NiJ9", "token: malformed"},
    };
    struct mock *m = h_start(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_reply r = h_call(m, 0, "GET", PFX, NULL, cases[i].auth, NULL);
        h_expect_envelope(&r, 401, "UNAUTHENTICATED", cases[i].says);
        cr_assert_null(strstr(r.body, "81e74ef5e8e25d940ed90475"),
                       "a token was echoed: %s", r.body);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, the_bearer_scheme_is_case_insensitive)
{
    struct mock *m = h_start(NULL);
    static const char *const schemes[] = {"bearer ", "BEARER ", "Bearer   "};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        char auth[128];
        snprintf(auth, sizeof auth, "%s%s", schemes[i], DEV0);
        struct h_reply r = h_call(m, 0, "GET", PFX, NULL, auth, NULL);
        cr_assert_eq(r.status, 200, "\"%s\": %s", schemes[i], r.body);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- permissions ---- */

Test(mock_auth, a_restricted_principal_only_reaches_its_own_spaces)
{
    static const struct {
        const char *method, *path, *body;
        long status;
    } cases[] = {
        {"GET", PFX "/" SALES, NULL, 200},
        {"GET", PFX "/" SALES "/conversations", NULL, 200},
        {"GET", PFX "/" STORE, NULL, 403},
        {"GET", PFX "/" STORE "/conversations", NULL, 403},
        {"POST", PFX "/" STORE "/start-conversation", "{\"content\":\"Stores?\"}", 403},
        {"POST", PFX "/" SUPPLY "/start-conversation", "{\"content\":\"Freight?\"}", 403},
        {"GET", PFX "/" SUPPLY "/conversations/" NO_SUCH_ID "/messages/" NO_SUCH_ID, NULL,
         403},
        {"DELETE", PFX "/" STORE, NULL, 403},
        {"GET", PFX "/" NO_SUCH_ID, NULL, 404}, /* unknown stays unknown */
        {"POST", PFX "/" SALES "/start-conversation", "{\"content\":\"Revenue?\"}", 200},
    };
    struct mock *m = h_start(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_reply r =
            h_req(m, 0, cases[i].method, cases[i].path, cases[i].body, ANALYST);
        if (cases[i].status == 403)
            h_expect_envelope(&r, 403, "PERMISSION_DENIED", "analyst@example.com");
        else if (cases[i].status == 404)
            h_expect_envelope(&r, 404, "RESOURCE_DOES_NOT_EXIST", NO_SUCH_ID);
        else
            cr_assert_eq(r.status, 200, "%s %s: %s", cases[i].method, cases[i].path,
                         r.body);
        h_free(&r);
    }

    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, ANALYST);
    char ids[256];
    cr_assert_eq(r.status, 200, "%s", r.body);
    space_ids(&r, ids, sizeof ids);
    cr_assert_str_eq(ids, SALES, "list_spaces shows only the analyst's space");
    cr_assert_null(cJSON_GetObjectItem(r.json, "next_page_token"));
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, another_users_conversation_is_403_unless_the_caller_can_manage)
{
    struct mock *m = h_start(NULL);
    char svc[GK_AUTH_TOKEN_SIZE], path[256], list[512];
    h_mint(m, 0, SVC0_ID, SVC0_SEC, svc, sizeof svc);
    struct h_ids dev = h_start_conversation(m, 0, SALES, DEV0, QUESTION);
    struct h_ids analyst = h_start_conversation(m, 0, SALES, ANALYST, QUESTION);

    /* The analyst and the service principal cannot touch dev's conversation. */
    static const char *const outsiders[] = {ANALYST, NULL};
    for (size_t i = 0; i < 2; i++) {
        const char *tok = outsiders[i] != NULL ? outsiders[i] : svc;
        struct h_reply r = h_get_message(m, 0, SALES, &dev, tok);
        h_expect_envelope(&r, 403, "PERMISSION_DENIED", dev.conv);
        h_free(&r);
        snprintf(path, sizeof path, PFX "/" SALES "/conversations/%s/messages", dev.conv);
        r = h_req(m, 0, "POST", path, "{\"content\":\"and by month?\"}", tok);
        h_expect_envelope(&r, 403, "PERMISSION_DENIED", dev.conv);
        h_free(&r);
        r = h_req(m, 0, "GET", path, NULL, tok);
        h_expect_envelope(&r, 403, "PERMISSION_DENIED", dev.conv);
        h_free(&r);
        snprintf(path, sizeof path, PFX "/" SALES "/conversations/%s", dev.conv);
        r = h_req(m, 0, "DELETE", path, NULL, tok);
        h_expect_envelope(&r, 403, "PERMISSION_DENIED", dev.conv);
        h_free(&r);
    }
    /* ... nor list it, nor ask for everyone's. */
    struct h_reply r = h_req(m, 0, "GET", PFX "/" SALES "/conversations", NULL, ANALYST);
    conv_ids(&r, list, sizeof list);
    cr_assert_str_eq(list, analyst.conv);
    h_free(&r);
    r = h_req(m, 0, "GET", PFX "/" SALES "/conversations?include_all=true", NULL,
              ANALYST);
    h_expect_envelope(&r, 403, "PERMISSION_DENIED", "CAN MANAGE");
    h_free(&r);

    /* dev can manage: reads the analyst's message and lists everyone's. */
    r = h_get_message(m, 0, SALES, &analyst, DEV0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    r = h_req(m, 0, "GET", PFX "/" SALES "/conversations?include_all=true", NULL, DEV0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    conv_ids(&r, list, sizeof list);
    char want[160];
    snprintf(want, sizeof want, "%s,%s", analyst.conv, dev.conv);
    cr_assert_str_eq(list, want, "newest first, both users");
    h_free(&r);

    /* The owner itself of course can. */
    r = h_get_message(m, 0, SALES, &analyst, ANALYST);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, the_extra_token_works_in_every_workspace_and_space)
{
    static const char tok[] = "genie-mock-extra-token-0001";
    static const struct {
        size_t ws;
        const char *space;
    } spaces[] = {{0, SALES}, {0, STORE}, {0, SUPPLY}, {1, FINANCE}};
    struct mock *m = h_start_token(NULL, tok);

    for (size_t ws = 0; ws < 2; ws++) {
        struct h_reply r = h_req(m, ws, "GET", PFX, NULL, tok);
        cr_assert_eq(r.status, 200, "%s", r.body);
        cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "spaces")), 3);
        h_free(&r);
    }
    for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
        struct h_ids c =
            h_start_conversation(m, spaces[i].ws, spaces[i].space, tok, QUESTION);
        struct h_reply r = h_get_message(m, spaces[i].ws, spaces[i].space, &c, tok);
        cr_assert_eq(r.status, 200, "%s", r.body);
        h_free(&r);
    }
    /* It can manage: other users' conversations and include_all. */
    struct h_ids dev = h_start_conversation(m, 0, SALES, DEV0, QUESTION);
    struct h_reply r = h_get_message(m, 0, SALES, &dev, tok);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    r = h_req(m, 0, "GET", PFX "/" SALES "/conversations?include_all=true", NULL, tok);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "conversations")), 2);
    h_free(&r);
    h_stop(m);

    /* Without --token it is just a wrong token. */
    m = h_start(NULL);
    r = h_req(m, 0, "GET", PFX, NULL, tok);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", "Invalid access token");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* ---- OAuth M2M ---- */
