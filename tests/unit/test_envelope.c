#include "common/envelope.h"
#include "tests/gk_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_CASES(a) (sizeof(a) / sizeof((a)[0]))
#define REQ_INFO   "\"@type\":\"type.googleapis.com/google.rpc.RequestInfo\""

static void decode_str(int status, const char *content_type, const char *body,
                       struct gk_envelope *env)
{
    gk_envelope_decode(status, content_type, body, strlen(body), env);
}

/* True if s is well-formed UTF-8 (the decoder must never cut a character). */
static bool valid_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u != '\0') {
        int extra = *u < 0x80 ? 0 : (*u & 0xe0) == 0xc0 ? 1 : (*u & 0xf0) == 0xe0 ? 2 : 3;
        u++;
        for (int i = 0; i < extra; i++, u++)
            if ((*u & 0xc0) != 0x80)
                return false;
    }
    return true;
}

Test(envelope, every_status_of_the_issue_round_trips)
{
    static const struct {
        enum gk_rc rc;
        int status;
        const char *code;
    } cases[] = {
        {GK_INVALID_PARAMETER_VALUE, 400, "INVALID_PARAMETER_VALUE"},
        {GK_UNAUTHENTICATED, 401, "UNAUTHENTICATED"},
        {GK_PERMISSION_DENIED, 403, "PERMISSION_DENIED"},
        {GK_RESOURCE_DOES_NOT_EXIST, 404, "RESOURCE_DOES_NOT_EXIST"},
        {GK_ENDPOINT_NOT_FOUND, 404, "ENDPOINT_NOT_FOUND"},
        {GK_METHOD_NOT_ALLOWED, 405, "METHOD_NOT_ALLOWED"},
        {GK_REQUEST_ENTITY_TOO_LARGE, 413, "REQUEST_ENTITY_TOO_LARGE"},
        {GK_REQUEST_LIMIT_EXCEEDED, 429, "REQUEST_LIMIT_EXCEEDED"},
        {GK_INTERNAL_ERROR, 500, "INTERNAL_ERROR"},
        {GK_TEMPORARILY_UNAVAILABLE, 503, "TEMPORARILY_UNAVAILABLE"},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_err e = {0}, back = {0};
        struct gk_envelope env;
        char *body = NULL, want[300];
        size_t len = 0;
        int status = 0;
        gk_err_set(&e, cases[i].rc, "case %zu: something about \"x\"", i);
        cr_assert_eq(gk_envelope_encode_err(&e, "req-42", &body, &len, &status, NULL),
                     GK_OK);
        cr_assert_eq(status, cases[i].status, "%s", cases[i].code);
        cr_assert_eq(len, strlen(body));
        snprintf(
            want, sizeof want,
            "{\"error_code\":\"%s\",\"message\":\"case %zu: something about \\\"x\\\"\","
            "\"details\":[{" REQ_INFO
            ",\"request_id\":\"req-42\",\"serving_data\":\"\"}]}",
            cases[i].code, i);
        cr_assert_str_eq(body, want);

        gk_envelope_decode(status, "application/json", body, len, &env);
        cr_assert_eq(env.rc, cases[i].rc, "%s", cases[i].code);
        cr_assert_eq(env.http_status, cases[i].status);
        cr_assert_eq(env.shape, GK_ENVELOPE_JSON);
        cr_assert(env.is_envelope);
        cr_assert_str_eq(env.error_code, cases[i].code);
        cr_assert_str_eq(env.message, e.msg);
        cr_assert_str_eq(env.request_id, "req-42");

        cr_assert_eq(gk_envelope_to_err(&env, &back), cases[i].rc);
        snprintf(want, sizeof want, "%s: %s", cases[i].code, e.msg);
        cr_assert_str_eq(back.msg, want);
        free(body);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, the_bytes_on_the_wire_are_exact)
{
    char *body = NULL;
    cr_assert_eq(gk_envelope_encode(
                     404, "RESOURCE_DOES_NOT_EXIST",
                     "Conversation 01f1b4e8a90c1f7a8d2e4c6b9a0fffff does not exist.",
                     NULL, &body, NULL, NULL),
                 GK_OK);
    cr_assert_str_eq(
        body, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"Conversation "
              "01f1b4e8a90c1f7a8d2e4c6b9a0fffff does not exist.\"}");
    free(body);
    cr_assert_eq(gk_envelope_encode(503, NULL, NULL, "", &body, NULL, NULL), GK_OK);
    cr_assert_str_eq(
        body, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"the service "
              "is temporarily unavailable\"}");
    free(body);
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, the_429_code_is_the_callers_choice_and_all_mean_the_same)
{
    static const char *const codes[] = {"REQUEST_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED",
                                        "TOO_MANY_REQUESTS", NULL, ""};
    for (size_t i = 0; i < N_CASES(codes); i++) {
        char *body = NULL;
        struct gk_envelope env;
        cr_assert_eq(
            gk_envelope_encode(429, codes[i], "slow down", "r1", &body, NULL, NULL),
            GK_OK);
        decode_str(429, NULL, body, &env);
        cr_assert_eq(env.rc, GK_REQUEST_LIMIT_EXCEEDED);
        cr_assert_str_eq(env.error_code, codes[i] != NULL && codes[i][0] != '\0'
                                             ? codes[i]
                                             : "REQUEST_LIMIT_EXCEEDED");
        cr_assert_str_eq(env.message, "slow down");
        free(body);
    }
    /* a code the status does not explain still maps by the code */
    char *body = NULL;
    struct gk_envelope env;
    gk_envelope_encode(429, "RESOURCE_EXHAUSTED", NULL, NULL, &body, NULL, NULL);
    decode_str(429, NULL, body, &env);
    cr_assert_str_eq(env.message, "too many requests; retry later");
    free(body);
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, encoding_refuses_non_error_statuses)
{
    static const int statuses[] = {0, 200, 302, 399, 600, -1};
    for (size_t i = 0; i < N_CASES(statuses); i++) {
        char *body = (char *)"sentinel";
        struct gk_err err = {0};
        cr_assert_eq(gk_envelope_encode(statuses[i], "X", "m", NULL, &body, NULL, &err),
                     GK_INVALID_PARAMETER_VALUE);
        cr_assert_null(body);
        cr_assert(strstr(err.msg, "http_status") != NULL, "%s", err.msg);
    }
    cr_assert_eq(gk_envelope_encode(400, "X", "m", NULL, NULL, NULL, NULL),
                 GK_INVALID_PARAMETER_VALUE);
}

Test(envelope, encoding_an_empty_error_record_still_answers_500)
{
    struct gk_err ok = {0};
    const struct gk_err *records[] = {NULL, &ok};
    for (size_t i = 0; i < N_CASES(records); i++) {
        char *body = NULL;
        int status = 0;
        cr_assert_eq(gk_envelope_encode_err(records[i], NULL, &body, NULL, &status, NULL),
                     GK_OK);
        cr_assert_eq(status, 500);
        cr_assert_str_eq(
            body, "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"internal error\"}");
        free(body);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, encoding_escapes_and_repairs_what_json_cannot_carry)
{
    char *body = NULL;
    /* quote, backslash, newline, tab, control, DEL, a lone 0xff, an overlong
     * encoding, a truncated sequence at the end, and valid UTF-8 */
    cr_assert_eq(gk_envelope_encode(400, "BAD_REQUEST",
                                    "q\"b\\n\nt\tc\x01"
                                    "d\x7f"
                                    "x\xff"
                                    "o\xc0\xaf"
                                    "\xc3\xa9\xe2\x82",
                                    NULL, &body, NULL, NULL),
                 GK_OK);
    cr_assert_str_eq(body,
                     "{\"error_code\":\"BAD_REQUEST\",\"message\":\"q\\\"b\\\\n\\nt\\tc"
                     "\\u0001d\\u007fx\\ufffdo\\ufffd\\ufffd\xc3\xa9\\ufffd\\ufffd\"}");
    free(body);
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, the_oauth_error_shape_encodes_and_decodes)
{
    char *body = NULL;
    struct gk_envelope env;
    cr_assert_eq(gk_envelope_encode_oauth(
                     "invalid_client", "Client authentication failed", &body, NULL, NULL),
                 GK_OK);
    cr_assert_str_eq(
        body,
        "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication "
        "failed\"}");
    decode_str(401, "application/json", body, &env);
    cr_assert_eq(env.shape, GK_ENVELOPE_OAUTH);
    cr_assert_not(env.is_envelope);
    cr_assert_eq(env.rc, GK_UNAUTHENTICATED);
    cr_assert_str_eq(env.error_code, "invalid_client");
    cr_assert_str_eq(env.message, "Client authentication failed");
    free(body);

    cr_assert_eq(gk_envelope_encode_oauth("invalid_grant", NULL, &body, NULL, NULL),
                 GK_OK);
    cr_assert_str_eq(body, "{\"error\":\"invalid_grant\"}");
    free(body);

    struct gk_err err = {0};
    body = (char *)"sentinel";
    cr_assert_eq(gk_envelope_encode_oauth("", "x", &body, NULL, &err),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_null(body);
    GK_ASSERT_NO_LEAKS();
}

/* The error_* bodies of fixtures/genie-api-examples.json, as the server sends
 * them (the example file's own "_http"/"_comment" keys included: unknown
 * keys must be ignored). */
Test(envelope, the_example_error_bodies_decode_as_expected)
{
    static const struct {
        int status;
        const char *body, *code, *message, *request_id;
        enum gk_rc rc;
    } cases[] = {
        {429,
         "{\"_comment\": \"unconfirmed code\", \"_http\": {\"status\": 429}, "
         "\"error_code\": "
         "\"REQUEST_LIMIT_EXCEEDED\", \"message\": \"Genie API request rate limit "
         "exceeded for "
         "this workspace. Please retry after 12 seconds.\", \"details\": [{\"@type\": "
         "\"type.googleapis.com/google.rpc.RequestInfo\", \"request_id\": "
         "\"5d0f8e2a-6b41-4c9e-8f73-1a2b3c4d5e6f\", \"serving_data\": \"\"}]}",
         "REQUEST_LIMIT_EXCEEDED",
         "Genie API request rate limit exceeded for this workspace. Please retry after "
         "12 "
         "seconds.",
         "5d0f8e2a-6b41-4c9e-8f73-1a2b3c4d5e6f", GK_REQUEST_LIMIT_EXCEEDED},
        {404,
         "{\"_http\": {\"status\": 404}, \"error_code\": \"RESOURCE_DOES_NOT_EXIST\", "
         "\"message\": \"Conversation 01f1b4e8a90c1f7a8d2e4c6b9a0fffff does not "
         "exist.\"}",
         "RESOURCE_DOES_NOT_EXIST",
         "Conversation 01f1b4e8a90c1f7a8d2e4c6b9a0fffff does not exist.", "",
         GK_RESOURCE_DOES_NOT_EXIST},
        {400,
         "{\"error_code\": \"INVALID_PARAMETER_VALUE\",\n \"message\": \"Field 'content' "
         "is "
         "required and must not be empty.\"}\n",
         "INVALID_PARAMETER_VALUE", "Field 'content' is required and must not be empty.",
         "", GK_INVALID_PARAMETER_VALUE},
        {403,
         "{\"error_code\": \"PERMISSION_DENIED\", \"message\": \"User does not have "
         "permission "
         "to access Genie space 01f1a7c3e2b01d4c9a1f6e0b3c5d7e21.\"}",
         "PERMISSION_DENIED",
         "User does not have permission to access Genie space "
         "01f1a7c3e2b01d4c9a1f6e0b3c5d7e21.",
         "", GK_PERMISSION_DENIED},
        {503,
         "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\", \"message\": \"The service is "
         "temporarily unavailable. Please try again later.\"}",
         "TEMPORARILY_UNAVAILABLE",
         "The service is temporarily unavailable. Please try again "
         "later.",
         "", GK_TEMPORARILY_UNAVAILABLE},
        {401,
         "{\"_http\": {\"status\": 401}, \"error\": \"invalid_client\", "
         "\"error_description\": "
         "\"Client authentication failed\"}",
         "invalid_client", "Client authentication failed", "", GK_UNAUTHENTICATED},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_envelope env;
        decode_str(cases[i].status, "application/json", cases[i].body, &env);
        cr_assert_eq(env.rc, cases[i].rc, "case %zu", i);
        cr_assert_str_eq(env.error_code, cases[i].code);
        cr_assert_str_eq(env.message, cases[i].message);
        cr_assert_str_eq(env.request_id, cases[i].request_id);
    }
    struct gk_envelope env;
    struct gk_err err = {0};
    decode_str(404, NULL, cases[1].body, &env);
    gk_envelope_to_err(&env, &err);
    cr_assert_str_eq(err.msg, "RESOURCE_DOES_NOT_EXIST: Conversation "
                              "01f1b4e8a90c1f7a8d2e4c6b9a0fffff does not exist.");
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, every_body_shape_gives_a_useful_error)
{
    static const struct {
        int status;
        const char *type, *body;
        enum gk_envelope_shape shape;
        enum gk_rc rc;
        const char *code, *message;
    } cases[] = {
        /* the other JSON shapes of genie-api.md 4.1 */
        {404, NULL, "{\"error\": \"Not found here\"}", GK_ENVELOPE_LEGACY,
         GK_RESOURCE_DOES_NOT_EXIST, "", "Not found here"},
        {404, NULL,
         "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"detail\":"
         "\"User not "
         "found\",\"status\":\"404\",\"scimType\":\"invalidValue\"}",
         GK_ENVELOPE_SCIM, GK_RESOURCE_DOES_NOT_EXIST, "SCIM_404",
         "invalidValue User not found"},
        {500, NULL, "{\"detail\":\"null\",\"status\":500}", GK_ENVELOPE_SCIM,
         GK_INTERNAL_ERROR, "SCIM_500", "SCIM API Internal Error"},
        {400, NULL, "{\"detail\":\"bad filter\"}", GK_ENVELOPE_SCIM, GK_BAD_REQUEST,
         "SCIM", "bad filter"},
        {401, NULL, "{\"errorCode\":\"invalid_client\",\"errorSummary\":\"bad secret\"}",
         GK_ENVELOPE_OAUTH, GK_UNAUTHENTICATED, "invalid_client", "bad secret"},
        {400, NULL,
         "{\"error_code\":\"INVALID_STATE\",\"message\":\"m\",\"error\":\"e wins\"}",
         GK_ENVELOPE_JSON, GK_INVALID_STATE, "INVALID_STATE", "e wins"},
        {400, NULL, "{\"error_code\": 400, \"message\": \"legacy numeric code\"}",
         GK_ENVELOPE_JSON, GK_BAD_REQUEST, "", "legacy numeric code"},
        {409, NULL, "{\"error_code\":\"ALREADY_EXISTS\"}", GK_ENVELOPE_JSON,
         GK_RESOURCE_CONFLICT, "ALREADY_EXISTS", "request failed"},
        {404, NULL, "{\"message\":\"only a message\"}", GK_ENVELOPE_JSON,
         GK_RESOURCE_DOES_NOT_EXIST, "", "only a message"},
        {400, NULL, "{\"error_code\":\"X\",\"message\":7}", GK_ENVELOPE_JSON,
         GK_BAD_REQUEST, "X", "request failed"},
        /* plain text */
        {400, "text/plain", "INVALID_PARAMETER_VALUE: content is required\r\nsecond line",
         GK_ENVELOPE_TEXT, GK_INVALID_PARAMETER_VALUE, "INVALID_PARAMETER_VALUE",
         "content is required"},
        {503, NULL, "TEMPORARILY_UNAVAILABLE: ", GK_ENVELOPE_TEXT,
         GK_TEMPORARILY_UNAVAILABLE, "TEMPORARILY_UNAVAILABLE", "request failed"},
        /* HTML from a proxy or a servlet container */
        {502, "text/html",
         "<html>\r\n<head><title>502 Bad "
         "Gateway</title></head>\r\n<body>nginx</body></html>",
         GK_ENVELOPE_HTML, GK_INTERNAL_ERROR, "BAD_GATEWAY", "502 Bad Gateway"},
        {503, "text/html",
         "<HTML><TITLE>t</TITLE><body><pre>\n  Service is down\n  for "
         "maintenance</pre></body>",
         GK_ENVELOPE_HTML, GK_TEMPORARILY_UNAVAILABLE, "SERVICE_UNAVAILABLE",
         "Service is down   for maintenance"},
        {404, "text/html", "<pre></pre>", GK_ENVELOPE_HTML, GK_RESOURCE_DOES_NOT_EXIST,
         "NOT_FOUND", "Not Found"},
        {599, "text/html", "<title>odd</title>", GK_ENVELOPE_HTML, GK_INTERNAL_ERROR, "",
         "odd"},
        /* empty */
        {429, NULL, "", GK_ENVELOPE_EMPTY, GK_REQUEST_LIMIT_EXCEEDED, "",
         "Too Many Requests"},
        {503, NULL, " \r\n\t", GK_ENVELOPE_EMPTY, GK_TEMPORARILY_UNAVAILABLE, "",
         "Service Unavailable"},
        {599, NULL, "", GK_ENVELOPE_EMPTY, GK_INTERNAL_ERROR, "", "HTTP 599"},
        {302, NULL, "", GK_ENVELOPE_EMPTY, GK_BAD_RESPONSE, "", "Found"},
        {418, NULL, "", GK_ENVELOPE_EMPTY, GK_BAD_REQUEST, "", "HTTP 418"},
        /* junk */
        {500, "application/octet-stream", "\x01\x02 binary\x1b[31m  junk \n",
         GK_ENVELOPE_UNPARSED, GK_INTERNAL_ERROR, "",
         "unable to parse response (application/octet-stream, 22 bytes): ?? binary?[31m "
         "junk"},
        {500, NULL, "[1, 2]", GK_ENVELOPE_UNPARSED, GK_INTERNAL_ERROR, "",
         "unable to parse response (6 bytes): [1, 2]"},
        {500, NULL, "{\"foo\": 1}", GK_ENVELOPE_UNPARSED, GK_INTERNAL_ERROR, "",
         "unable to parse response (10 bytes): {\"foo\": 1}"},
        {500, NULL, "{\"error_code\":\"X\",\"mess", GK_ENVELOPE_UNPARSED,
         GK_INTERNAL_ERROR, "",
         "unable to parse response (23 bytes): {\"error_code\":\"X\",\"mess"},
        {500, NULL, "{\"error_code\":\"X\"} trailing", GK_ENVELOPE_UNPARSED,
         GK_INTERNAL_ERROR, "",
         "unable to parse response (27 bytes): {\"error_code\":\"X\"} trailing"},
        {400, "text/plain", "lower: not a code", GK_ENVELOPE_UNPARSED, GK_BAD_REQUEST, "",
         "unable to parse response (text/plain, 17 bytes): lower: not a code"},
        {400, NULL, "\"INVALID_STATE: quoted\"", GK_ENVELOPE_UNPARSED, GK_BAD_REQUEST, "",
         "unable to parse response (23 bytes): \"INVALID_STATE: quoted\""},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_envelope env;
        decode_str(cases[i].status, cases[i].type, cases[i].body, &env);
        cr_assert_eq(env.shape, cases[i].shape, "case %zu: shape %d", i, env.shape);
        cr_assert_eq(env.rc, cases[i].rc, "case %zu: %s", i, gk_err_name(env.rc));
        cr_assert_str_eq(env.error_code, cases[i].code, "case %zu", i);
        cr_assert_str_eq(env.message, cases[i].message, "case %zu", i);
        cr_assert_eq(env.is_envelope, cases[i].shape == GK_ENVELOPE_JSON);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, codes_map_before_statuses)
{
    static const struct {
        int status;
        const char *code;
        enum gk_rc rc;
    } cases[] = {
        {404, "NOT_FOUND", GK_RESOURCE_DOES_NOT_EXIST},
        {404, "ENDPOINT_NOT_FOUND", GK_ENDPOINT_NOT_FOUND},
        {429, "TOO_MANY_REQUESTS", GK_REQUEST_LIMIT_EXCEEDED},
        {400, "RESOURCE_EXHAUSTED", GK_REQUEST_LIMIT_EXCEEDED},
        {409, "ABORTED", GK_RESOURCE_CONFLICT},
        {409, "RESOURCE_ALREADY_EXISTS", GK_RESOURCE_CONFLICT},
        {500, "UNKNOWN", GK_INTERNAL_ERROR},
        {500, "DATA_LOSS", GK_INTERNAL_ERROR},
        {400, "BAD_REQUEST", GK_BAD_REQUEST},
        {400, "MALFORMED_REQUEST", GK_MALFORMED_REQUEST},
        {500, "PERMISSION_DENIED", GK_PERMISSION_DENIED},
        {400, "invalid_scope", GK_INVALID_PARAMETER_VALUE},
        {503, "temporarily_unavailable", GK_TEMPORARILY_UNAVAILABLE},
        /* local-only names of the err table are not trusted from a server */
        {500, "OUT_OF_MEMORY", GK_INTERNAL_ERROR},
        {503, "OK", GK_TEMPORARILY_UNAVAILABLE},
        {400, "BAD_CONFIG", GK_BAD_REQUEST},
        {502, "NETWORK_ERROR", GK_INTERNAL_ERROR},
        /* unknown codes and statuses */
        {403, "SOMETHING_NEW", GK_PERMISSION_DENIED},
        {404, "not_found", GK_RESOURCE_DOES_NOT_EXIST},
        {405, NULL, GK_METHOD_NOT_ALLOWED},
        {412, NULL, GK_RESOURCE_CONFLICT},
        {413, NULL, GK_REQUEST_ENTITY_TOO_LARGE},
        {499, NULL, GK_BAD_REQUEST},
        {501, "", GK_NOT_IMPLEMENTED},
        {502, NULL, GK_INTERNAL_ERROR},
        {504, NULL, GK_DEADLINE_EXCEEDED},
        {200, NULL, GK_BAD_RESPONSE},
        {0, NULL, GK_BAD_RESPONSE},
        {-1, NULL, GK_BAD_RESPONSE},
        {600, NULL, GK_BAD_RESPONSE},
        {200, "OK", GK_BAD_RESPONSE},
    };
    for (size_t i = 0; i < N_CASES(cases); i++)
        cr_assert_eq(gk_envelope_rc(cases[i].status, cases[i].code), cases[i].rc,
                     "%d %s -> %s", cases[i].status,
                     cases[i].code ? cases[i].code : "(null)",
                     gk_err_name(gk_envelope_rc(cases[i].status, cases[i].code)));
}

Test(envelope, reason_phrases_cover_the_common_statuses)
{
    static const struct {
        int status;
        const char *reason;
    } cases[] = {
        {200, "OK"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {409, "Conflict"},
        {413, "Request Entity Too Large"},
        {429, "Too Many Requests"},
        {500, "Internal Server Error"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < N_CASES(cases); i++)
        cr_assert_str_eq(gk_envelope_reason(cases[i].status), cases[i].reason);
    cr_assert_null(gk_envelope_reason(599));
    cr_assert_null(gk_envelope_reason(-3));
}

Test(envelope, to_err_names_the_code_or_the_status)
{
    struct gk_envelope env;
    struct gk_err err = {0};
    decode_str(429, NULL, "", &env);
    cr_assert_eq(gk_envelope_to_err(&env, &err), GK_REQUEST_LIMIT_EXCEEDED);
    cr_assert_eq(err.rc, GK_REQUEST_LIMIT_EXCEEDED);
    cr_assert_str_eq(err.msg, "HTTP 429: Too Many Requests");
    cr_assert_eq(gk_envelope_to_err(&env, NULL), GK_REQUEST_LIMIT_EXCEEDED);
}

Test(envelope, giant_fields_are_cut_on_a_character_boundary)
{
    enum { BIG = 20000 };
    char *body = malloc(BIG + 1000), *msg = malloc(BIG + 1);
    cr_assert_not_null(body);
    cr_assert_not_null(msg);
    for (size_t i = 0; i + 2 <= BIG; i += 2)
        memcpy(msg + i, "\xc3\xa9", 2); /* é: a cut must not split it */
    msg[BIG] = '\0';
    char code[300], rid[300];
    memset(code, 'C', sizeof code - 1);
    code[sizeof code - 1] = '\0';
    memset(rid, 'r', sizeof rid - 1);
    rid[sizeof rid - 1] = '\0';

    size_t offsets[] = {0,
                        1}; /* shift by one byte so both parities of the cut are tried */
    for (size_t k = 0; k < N_CASES(offsets); k++) {
        struct gk_envelope env;
        snprintf(
            body, BIG + 1000,
            "{\"error_code\":\"%s\",\"message\":\"%s%s\",\"details\":[{\"@type\":"
            "\"type.googleapis.com/google.rpc.RequestInfo\",\"request_id\":\"%s\"}]}",
            code, offsets[k] ? "x" : "", msg, rid);
        decode_str(400, NULL, body, &env);
        cr_assert_eq(env.shape, GK_ENVELOPE_JSON);
        cr_assert_eq(strlen(env.error_code), GK_ENVELOPE_CODE_MAX - 1);
        cr_assert_eq(strlen(env.request_id), GK_ENVELOPE_REQUEST_ID_MAX - 1);
        size_t n = strlen(env.message);
        cr_assert_leq(n, GK_ENVELOPE_MESSAGE_MAX - 1);
        cr_assert_geq(n, GK_ENVELOPE_MESSAGE_MAX - 5);
        cr_assert_str_eq(env.message + n - 3, "...");
        cr_assert(valid_utf8(env.message), "offset %zu", offsets[k]);
        cr_assert_eq(env.rc, GK_BAD_REQUEST,
                     "a cut code matches nothing: the status decides");
    }
    free(body);
    free(msg);
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, decoded_text_is_safe_to_log)
{
    static const struct {
        const char *body, *message;
    } cases[] = {
        {"{\"message\":\"a\\u001b[31mb\\u0000hidden\"}", "a [31mb"},
        {"{\"message\":\"c1\\u009bx\"}", "c1 x"},
        {"{\"message\":\"  padded \\n\"}", "padded"},
        {"{\"message\":\"bad \xff byte\"}", "bad ? byte"},
        {"BAD_REQUEST: tab\there\x7f", "tab here"},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_envelope env;
        decode_str(400, NULL, cases[i].body, &env);
        cr_assert_str_eq(env.message, cases[i].message, "case %zu", i);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(envelope, huge_and_unterminated_bodies_are_handled)
{
    size_t n = GK_ENVELOPE_JSON_MAX + 10;
    char *body = malloc(n);
    cr_assert_not_null(body);
    memset(body, ' ', n);
    memcpy(body, "{\"error_code\":\"X\",\"message\":\"m\"}", 32);
    struct gk_envelope env;
    gk_envelope_decode(400, "application/json", body, n, &env);
    cr_assert_eq(env.shape, GK_ENVELOPE_UNPARSED, "past the JSON limit: not parsed");
    cr_assert(strstr(env.message, "(application/json, 1048586 bytes)") != NULL, "%s",
              env.message);

    /* no NUL after the body: a decoder reading past it would pick up "tail" */
    const char exact[] = "{\"message\":\"m\"}tail";
    gk_envelope_decode(400, NULL, exact, 15, &env);
    cr_assert_eq(env.shape, GK_ENVELOPE_JSON);
    cr_assert_str_eq(env.message, "m");

    gk_envelope_decode(503, NULL, NULL, 100, &env);
    cr_assert_eq(env.shape, GK_ENVELOPE_EMPTY);
    cr_assert_str_eq(env.message, "Service Unavailable");

    /* deep nesting is refused by the parser, not by the stack */
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 20);
    cr_assert_not_null(deep);
    size_t k = 0;
    memcpy(deep, "{\"a\":", 5), k = 5;
    for (size_t i = 0; i < depth; i++)
        deep[k++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[k++] = ']';
    deep[k++] = '}';
    gk_envelope_decode(500, NULL, deep, k, &env);
    cr_assert_eq(env.shape, GK_ENVELOPE_UNPARSED);
    cr_assert_lt(strlen(env.message), 200);
    free(deep);
    free(body);
    GK_ASSERT_NO_LEAKS();
}
