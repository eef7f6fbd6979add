/*
 * Who may call genie-mock, over HTTP (2/2: OAuth machine-to-machine, as the
 * Databricks SDKs do it, genie-api.md 5.2): host metadata and discovery
 * pointing back at the address the client used, the client-credentials
 * token endpoint (Basic auth or form fields, a form body, OAuth-shaped
 * errors, no caching), tokens that work on the Genie endpoints, expire on
 * the mock's clock, cannot be tampered with and stay in their workspace.
 * Uses the built-in default scenario (mock_default.h).
 */
#include "tests/gk_test.h"
#include "tests/integration/mock_default.h"
#include "tests/integration/mock_harness.h"

#include <stdio.h>
#include <string.h>

#define GRANT "grant_type=client_credentials&scope=all-apis"

Test(mock_auth, host_metadata_points_back_at_the_same_host_and_port)
{
    static const struct {
        size_t ws;
        const char *workspace_id, *account_id;
    } cases[] = {{0, WS0_ID, ACCOUNT_ID}, {1, WS1_ID, ACCOUNT_ID}};
    struct mock *m = h_start(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[96];
        struct h_reply r =
            h_req(m, cases[i].ws, "GET", "/.well-known/databricks-config", NULL, NULL);
        cr_assert_eq(r.status, 200, "%s", r.body);
        snprintf(want, sizeof want, "http://127.0.0.1:%u/oidc",
                 (unsigned)mock_port(m, cases[i].ws));
        cr_assert_str_eq(h_jstr(r.json, "oidc_endpoint"), want);
        cr_assert_str_eq(h_jstr(r.json, "workspace_id"), cases[i].workspace_id);
        cr_assert_str_eq(h_jstr(r.json, "account_id"), cases[i].account_id);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, endpoints_follow_a_plain_host_header_and_ignore_a_forged_one)
{
    static const struct {
        const char *host, *base; /* base NULL: this mock's own address */
    } cases[] = {
        {"genie.internal:8443", "http://genie.internal:8443"},
        {"[::1]:9000", "http://[::1]:9000"},
        {"evil.example@127.0.0.1", NULL},
        {"127.0.0.1:1/evil", NULL},
        {"a\"b", NULL},
        {"host with space", NULL},
    };
    struct mock *m = h_start(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[128], want[128];
        const char *hdrs[] = {line, NULL};
        snprintf(line, sizeof line, "Host: %s", cases[i].host);
        if (cases[i].base != NULL)
            snprintf(want, sizeof want, "%s/oidc/v1/token", cases[i].base);
        else
            snprintf(want, sizeof want, "http://127.0.0.1:%u/oidc/v1/token",
                     (unsigned)mock_port(m, 0));
        struct h_send s = {.headers = hdrs};
        struct h_reply r =
            h_send(m, 0, "GET", "/oidc/.well-known/oauth-authorization-server", &s);
        cr_assert_eq(r.status, 200, "%s", r.body);
        cr_assert_str_eq(h_jstr(r.json, "token_endpoint"), want, "Host: %s",
                         cases[i].host);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, oidc_discovery_names_the_token_and_authorize_endpoints)
{
    struct mock *m = h_start(NULL);
    char want[96];
    struct h_reply r =
        h_req(m, 1, "GET", "/oidc/.well-known/oauth-authorization-server", NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    snprintf(want, sizeof want, "http://127.0.0.1:%u/oidc/v1/token",
             (unsigned)mock_port(m, 1));
    cr_assert_str_eq(h_jstr(r.json, "token_endpoint"), want);
    snprintf(want, sizeof want, "http://127.0.0.1:%u/oidc/v1/authorize",
             (unsigned)mock_port(m, 1));
    cr_assert_str_eq(h_jstr(r.json, "authorization_endpoint"), want);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* The token response the SDK needs, then the token at work. */
static void expect_token_works(struct mock *m, const struct h_reply *r)
{
    char type[64];
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_assert_str_eq(h_header(r, "Content-Type", type, sizeof type), "application/json");
    cr_assert_str_eq(h_header(r, "Cache-Control", type, sizeof type), "no-store");
    cr_assert_str_eq(h_jstr(r->json, "token_type"), "Bearer");
    cr_assert_str_eq(h_jstr(r->json, "scope"), "all-apis");
    const cJSON *exp = cJSON_GetObjectItem(r->json, "expires_in");
    cr_assert(cJSON_IsNumber(exp) && exp->valuedouble == 3600, "expires_in: %s", r->body);
    const char *tok = h_jstr(r->json, "access_token");
    cr_assert_eq(strncmp(tok, "eyJ", 3), 0, "a JWT-shaped token: %s", tok);

    struct h_reply s = h_req(m, 0, "GET", PFX, NULL, tok);
    cr_assert_eq(s.status, 200, "%s", s.body);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(s.json, "spaces")), 3);
    h_free(&s);
    struct h_ids c = h_start_conversation(m, 0, SUPPLY, tok, "Freight cost by region");
    s = h_get_message(m, 0, SUPPLY, &c, tok);
    cr_assert_eq(s.status, 200, "%s", s.body);
    h_free(&s);
}

Test(mock_auth, client_credentials_in_basic_auth_get_a_working_token)
{
    struct mock *m = h_start(NULL);
    char basic[256];
    struct h_reply r =
        h_token_request(m, 0, GRANT, h_basic(SVC0_ID, SVC0_SEC, basic, sizeof basic));
    expect_token_works(m, &r);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, client_credentials_as_form_fields_get_a_working_token)
{
    struct mock *m = h_start(NULL);
    struct h_reply r = h_token_request(
        m, 0, GRANT "&client_id=" SVC0_ID "&client_secret=" SVC0_SEC, NULL);
    expect_token_works(m, &r);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, an_access_token_expires_after_its_ttl_on_the_mock_clock)
{
    struct mock *m = h_start(NULL);
    char tok[GK_AUTH_TOKEN_SIZE];
    h_mint(m, 0, SVC0_ID, SVC0_SEC, tok, sizeof tok);

    h_advance_ms(m, 3600 * 1000 - 1);
    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, tok);
    cr_assert_eq(r.status, 200, "valid until the last millisecond: %s", r.body);
    h_free(&r);
    h_advance_ms(m, 1);
    r = h_req(m, 0, "GET", PFX, NULL, tok);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", "expired");
    h_free(&r);

    /* A fresh one works again. */
    h_mint(m, 0, SVC0_ID, SVC0_SEC, tok, sizeof tok);
    r = h_req(m, 0, "GET", PFX, NULL, tok);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, the_scenario_sets_the_token_lifetime_and_scope_is_echoed)
{
    static const struct {
        const char *form, *scope;
    } cases[] = {
        {"grant_type=client_credentials", "all-apis"},
        {"grant_type=client_credentials&scope=all-apis", "all-apis"},
        {"grant_type=client_credentials&scope=all-apis+offline_access",
         "all-apis offline_access"},
        {"grant_type=client_credentials&scope=genie%20sql", "genie sql"},
    };
    struct mock *m = h_start(
        "{\"seed\":7,\"workspaces\":[{\"spaces\":[{\"title\":\"A\"}],\"principals\":["
        "{\"name\":\"svc\",\"client_id\":\"c1\",\"client_secret\":\"s1\"}]}],"
        "\"limits\":{\"token_ttl\":\"10m\"}}");
    char basic[128], tok[GK_AUTH_TOKEN_SIZE];
    h_basic("c1", "s1", basic, sizeof basic);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_reply r = h_token_request(m, 0, cases[i].form, basic);
        cr_assert_eq(r.status, 200, "%s", r.body);
        cr_assert_eq(h_int(&r, "expires_in"), 600);
        cr_assert_str_eq(h_jstr(r.json, "scope"), cases[i].scope);
        snprintf(tok, sizeof tok, "%s", h_jstr(r.json, "access_token"));
        h_free(&r);
    }
    h_advance_ms(m, 600 * 1000 - 1);
    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, tok);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    h_advance_ms(m, 1);
    r = h_req(m, 0, "GET", PFX, NULL, tok);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", "expired");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, a_tampered_token_is_401)
{
    struct mock *m = h_start(NULL);
    char tok[GK_AUTH_TOKEN_SIZE];
    h_mint(m, 0, SVC0_ID, SVC0_SEC, tok, sizeof tok);
    size_t n = strlen(tok);
    tok[n - 2] = tok[n - 2] == 'A' ? 'B' : 'A';
    struct h_reply r = h_req(m, 0, "GET", PFX, NULL, tok);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", "bad signature");
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

/* An OAuth error: {"error": code, "error_description": "..."}, no envelope. */
static void expect_oauth_error(const struct h_reply *r, long status, const char *code)
{
    char type[64];
    cr_assert_eq(r->status, status, "expected %ld, got %ld: %s", status, r->status,
                 r->body);
    cr_assert_str_eq(h_header(r, "Content-Type", type, sizeof type), "application/json");
    cr_assert_str_eq(h_header(r, "Cache-Control", type, sizeof type), "no-store");
    cr_assert_str_eq(h_jstr(r->json, "error"), code, "%s", r->body);
    cr_assert(h_str(r, "error_description") != NULL, "%s", r->body);
    cr_assert_null(cJSON_GetObjectItem(r->json, "error_code"), "OAuth shape only: %s",
                   r->body);
    cr_assert_null(cJSON_GetObjectItem(r->json, "access_token"));
}

Test(mock_auth, bad_client_credentials_are_401_invalid_client)
{
    char b[4][256];
    const struct {
        const char *form, *auth;
    } cases[] = {
        {GRANT, h_basic(SVC0_ID, "dose-wrong-secret", b[0], sizeof b[0])},
        {GRANT, h_basic("no-such-client", SVC0_SEC, b[1], sizeof b[1])},
        {GRANT, h_basic(SVC0_ID, "", b[2], sizeof b[2])},
        {GRANT, h_basic(SVC1_ID, SVC1_SEC, b[3], sizeof b[3])}, /* workspace 1's client */
        {GRANT "&client_id=" SVC0_ID "&client_secret=wrong", NULL},
        {GRANT "&client_id=nobody&client_secret=" SVC0_SEC, NULL},
        {GRANT "&client_id=" SVC0_ID, NULL},
        {GRANT, NULL},
        {GRANT, "Basic !!!notbase64"},
        {GRANT, "Bearer " DEV0},
    };
    struct mock *m = h_start(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_reply r = h_token_request(m, 0, cases[i].form, cases[i].auth);
        expect_oauth_error(&r, 401, "invalid_client");
        cr_assert_null(strstr(r.body, SVC0_SEC), "secret echoed: %s", r.body);
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, only_the_client_credentials_grant_is_supported)
{
    static const char *const forms[] = {
        "scope=all-apis",
        "grant_type=password&scope=all-apis&username=u&password=p",
        "grant_type=&scope=all-apis",
        "grant_type=authorization_code&code=x",
        "grant_type=Client_Credentials&scope=all-apis",
    };
    struct mock *m = h_start(NULL);
    char basic[256];
    h_basic(SVC0_ID, SVC0_SEC, basic, sizeof basic);
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        struct h_reply r = h_token_request(m, 0, forms[i], basic);
        expect_oauth_error(&r, 400, "unsupported_grant_type");
        h_free(&r);
    }
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, the_token_endpoint_wants_a_form_body)
{
    static const struct {
        const char *type, *body;
    } cases[] = {
        {"application/json",
         "{\"grant_type\":\"client_credentials\",\"scope\":\"all-apis\"}"},
        {"text/plain", GRANT},
    };
    struct mock *m = h_start(NULL);
    char basic[256];
    h_basic(SVC0_ID, SVC0_SEC, basic, sizeof basic);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_send s = {
            .auth = basic, .body = cases[i].body, .content_type = cases[i].type};
        struct h_reply r = h_send(m, 0, "POST", "/oidc/v1/token", &s);
        expect_oauth_error(&r, 400, "invalid_request");
        cr_assert(strstr(h_jstr(r.json, "error_description"), "Content-Type") != NULL,
                  "%s", r.body);
        h_free(&r);
    }
    /* The media type is case-insensitive and may carry parameters. */
    struct h_send s = {.auth = basic,
                       .body = GRANT,
                       .content_type =
                           "Application/X-WWW-Form-Urlencoded; charset=utf-8"};
    struct h_reply r = h_send(m, 0, "POST", "/oidc/v1/token", &s);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    r = h_req(m, 0, "GET", "/oidc/v1/token", NULL, NULL);
    h_expect_envelope(&r, 405, "METHOD_NOT_ALLOWED", NULL);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}

Test(mock_auth, a_token_only_works_in_its_own_workspace)
{
    struct mock *m = h_start(NULL);
    char t0[GK_AUTH_TOKEN_SIZE], t1[GK_AUTH_TOKEN_SIZE];
    h_mint(m, 0, SVC0_ID, SVC0_SEC, t0, sizeof t0);
    h_mint(m, 1, SVC1_ID, SVC1_SEC, t1, sizeof t1);

    struct h_reply r = h_req(m, 1, "GET", PFX, NULL, t0);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", "another workspace");
    h_free(&r);
    r = h_req(m, 0, "GET", PFX "/" SALES, NULL, t1);
    h_expect_envelope(&r, 401, "UNAUTHENTICATED", "another workspace");
    h_free(&r);
    r = h_req(m, 1, "GET", PFX "/" FINANCE, NULL, t1);
    cr_assert_eq(r.status, 200, "%s", r.body);
    h_free(&r);
    h_stop(m);
    GK_ASSERT_NO_LEAKS();
}
