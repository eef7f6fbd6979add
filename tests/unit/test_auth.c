/*
 * auth suite: base64 against RFC 4648, tokens (round trip, tampering, keys,
 * expiry boundary, malformed and forged-but-odd tokens), Authorization
 * header tables, constant-time equality and redaction.
 *
 * forge() signs arbitrary header/payload JSON with a real key, so the checks
 * that run after the signature (header, claim scanner) can be reached.
 */
#include "common/auth.h"
#include "tests/gk_test.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define HEADER   "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
/* 2026-11-21T06:31:26Z */
#define EXP_S    INT64_C(1795242686)
/* HS256 over test_key() for sub alice, scope all-apis, iat EXP_S - 3600,
 * exp EXP_S: made with Python's base64 and hmac modules, not with this code. */
#define KNOWN_TOKEN                                                                      \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                              \
    "eyJzdWIiOiJhbGljZSIsInNjb3BlIjoiYWxsLWFwaXMiLCJpYXQiOjE3OTUyMzkwODYsImV4cCI6MTc5NT" \
    "I0"                                                                                 \
    "MjY4Nn0.R0ISnizjJFEedyfttYWi0zGIhgQs8PEasLOw85i3538"

static const unsigned char key_bytes[32] = "0123456789abcdef0123456789abcdef";

static void test_key(struct gk_auth_key *k)
{
    cr_assert_eq(gk_auth_key_init(k, key_bytes, sizeof key_bytes, NULL), GK_OK);
}

static void other_key(struct gk_auth_key *k)
{
    unsigned char b[32];
    memcpy(b, key_bytes, sizeof b);
    b[31] ^= 1;
    cr_assert_eq(gk_auth_key_init(k, b, sizeof b, NULL), GK_OK);
}

/* Signs header_json and payload_json (raw JSON) under k as mint would. */
static void forge(const struct gk_auth_key *k, const char *header_json,
                  const char *payload_json, char *out, size_t out_size)
{
    char h[256], p[2048], sig[64];
    unsigned char mac[32];
    unsigned int mac_len = 0;
    cr_assert_eq(gk_auth_b64_encode(GK_AUTH_B64_URL, header_json, strlen(header_json), h,
                                    sizeof h, NULL),
                 GK_OK);
    cr_assert_eq(gk_auth_b64_encode(GK_AUTH_B64_URL, payload_json, strlen(payload_json),
                                    p, sizeof p, NULL),
                 GK_OK);
    snprintf(out, out_size, "%s.%s", h, p);
    cr_assert_not_null(HMAC(EVP_sha256(), k->bytes, (int)k->len, (unsigned char *)out,
                            strlen(out), mac, &mac_len));
    cr_assert_eq(
        gk_auth_b64_encode(GK_AUTH_B64_URL, mac, sizeof mac, sig, sizeof sig, NULL),
        GK_OK);
    size_t n = strlen(out);
    snprintf(out + n, out_size - n, ".%s", sig);
}

/* ---- base64 ------------------------------------------------------------ */

Test(auth, base64_matches_the_rfc_4648_vectors)
{
    static const struct {
        const char *bin, *std, *url;
    } cases[] = {
        {"", "", ""},
        {"f", "Zg==", "Zg"},
        {"fo", "Zm8=", "Zm8"},
        {"foo", "Zm9v", "Zm9v"},
        {"foob", "Zm9vYg==", "Zm9vYg"},
        {"fooba", "Zm9vYmE=", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
        {"\xfb\xff", "+/8=", "-_8"}, /* the two alphabets differ only here */
        {"\xfb\xef\xbe", "++++", "----"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        size_t len = strlen(cases[i].bin);
        char enc[32];
        unsigned char dec[32];
        size_t dec_len = 99;

        cr_assert_eq(
            gk_auth_b64_encode(GK_AUTH_B64_STD, cases[i].bin, len, enc, sizeof enc, NULL),
            GK_OK);
        cr_assert_str_eq(enc, cases[i].std);
        cr_assert_eq(
            gk_auth_b64_encode(GK_AUTH_B64_URL, cases[i].bin, len, enc, sizeof enc, NULL),
            GK_OK);
        cr_assert_str_eq(enc, cases[i].url);

        cr_assert_eq(gk_auth_b64_decode(GK_AUTH_B64_STD, cases[i].std,
                                        strlen(cases[i].std), dec, sizeof dec, &dec_len,
                                        NULL),
                     GK_OK, "case %zu", i);
        cr_assert_eq(dec_len, len);
        cr_assert_arr_eq(dec, cases[i].bin, len);
        cr_assert_eq(gk_auth_b64_decode(GK_AUTH_B64_URL, cases[i].url,
                                        strlen(cases[i].url), dec, sizeof dec, &dec_len,
                                        NULL),
                     GK_OK, "case %zu", i);
        cr_assert_eq(dec_len, len);
        cr_assert_arr_eq(dec, cases[i].bin, len);
    }
}

Test(auth, base64_size_macros_agree_with_libsodium)
{
    for (size_t n = 0; n < 200; n++) {
        cr_assert_eq(GK_AUTH_B64_STD_SIZE(n),
                     sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL),
                     "n=%zu", n);
        cr_assert_eq(
            GK_AUTH_B64_URL_SIZE(n),
            sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            "n=%zu", n);
        /* every valid unpadded length decodes to at most the macro's bytes */
        size_t chars = GK_AUTH_B64_URL_SIZE(n) - 1;
        cr_assert_eq(GK_AUTH_B64_DECODED_MAX(chars), n, "n=%zu", n);
    }
}

Test(auth, base64_decodes_into_a_buffer_of_exactly_the_data_size)
{
    unsigned char one[1], six[6];
    size_t n = 0;
    cr_assert_eq(
        gk_auth_b64_decode(GK_AUTH_B64_STD, "Zg==", 4, one, sizeof one, &n, NULL), GK_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(
        gk_auth_b64_decode(GK_AUTH_B64_URL, "Zm9vYmFy", 8, six, sizeof six, &n, NULL),
        GK_OK);
    cr_assert_eq(n, 6);
}

Test(auth, base64_rejects_bad_input_with_a_clear_message)
{
    static const struct {
        enum gk_auth_b64 v;
        const char *in;
        const char *msg;
    } cases[] = {
        {GK_AUTH_B64_STD, "Zg=", "base64: bad length, padding or trailing bits"},
        {GK_AUTH_B64_STD, "Zg", "base64: bad length, padding or trailing bits"},
        {GK_AUTH_B64_STD, "Z", "base64: bad length, padding or trailing bits"},
        {GK_AUTH_B64_STD, "Zh==", "base64: bad length, padding or trailing bits"},
        {GK_AUTH_B64_STD, "Zm9v!", "base64: unexpected '!' at offset 4"},
        {GK_AUTH_B64_STD, "Zm9vY!", "base64: unexpected '!' at offset 5"},
        {GK_AUTH_B64_STD, "Zg===", "base64: unexpected '=' at offset 4"},
        {GK_AUTH_B64_STD, "Zg==x", "base64: unexpected 'x' at offset 4"},
        {GK_AUTH_B64_STD, "Zm9v Zm9v", "base64: unexpected byte 0x20 at offset 4"},
        {GK_AUTH_B64_STD, "-_8=", "base64: unexpected '-' at offset 0"},
        {GK_AUTH_B64_STD, "Zg==Zg==", "base64: unexpected 'Z' at offset 4"},
        {GK_AUTH_B64_URL, "Zg==", "base64: unexpected '=' at offset 2"},
        {GK_AUTH_B64_URL, "+/8", "base64: unexpected '+' at offset 0"},
        {GK_AUTH_B64_URL, "Z", "base64: bad length, padding or trailing bits"},
        {GK_AUTH_B64_URL, "Zh", "base64: bad length, padding or trailing bits"},
        {GK_AUTH_B64_URL, "Zm9v\n", "base64: unexpected byte 0x0a at offset 4"},
        /* libsodium 1.0.18 alone takes bytes >= 0x80 for '/' */
        {GK_AUTH_B64_STD, "Z\xffg=", "base64: unexpected byte 0xff at offset 1"},
        {GK_AUTH_B64_URL, "Zm9\x80", "base64: unexpected byte 0x80 at offset 3"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        unsigned char out[16];
        size_t n = 77;
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_b64_decode(cases[i].v, cases[i].in, strlen(cases[i].in), out,
                                        sizeof out, &n, &err),
                     GK_INVALID_PARAMETER_VALUE, "case %zu: \"%s\"", i, cases[i].in);
        cr_assert_str_eq(err.msg, cases[i].msg, "case %zu", i);
        cr_assert_eq(n, 0, "case %zu: no length reported", i);
    }
}

Test(auth, base64_reports_buffers_that_are_too_small)
{
    char enc[4];
    unsigned char dec[2];
    size_t n = 0;
    struct gk_err err = {0};
    cr_assert_eq(gk_auth_b64_encode(GK_AUTH_B64_STD, "f", 1, enc, sizeof enc, &err),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(err.msg, "base64: 1 bytes encode to 4 characters, buffer holds 4");
    cr_assert_str_eq(enc, "");
    gk_err_clear(&err);
    cr_assert_eq(
        gk_auth_b64_decode(GK_AUTH_B64_STD, "Zm9v", 4, dec, sizeof dec, &n, &err),
        GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(err.msg, "base64: 4 characters decode to 3 bytes, buffer holds 2");
}

/* ---- keys -------------------------------------------------------------- */

Test(auth, keys_need_32_to_128_bytes)
{
    static const unsigned char big[200] = {1};
    static const struct {
        const void *secret;
        size_t len;
        enum gk_rc rc;
    } cases[] = {
        {big, 31, GK_INVALID_PARAMETER_VALUE},
        {big, 32, GK_OK},
        {big, 128, GK_OK},
        {big, 129, GK_INVALID_PARAMETER_VALUE},
        {NULL, 32, GK_INVALID_PARAMETER_VALUE},
        {big, 0, GK_INVALID_PARAMETER_VALUE},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct gk_auth_key k;
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_key_init(&k, cases[i].secret, cases[i].len, &err),
                     cases[i].rc, "case %zu: %s", i, err.msg);
        if (cases[i].rc == GK_OK)
            cr_assert_eq(k.len, cases[i].len);
        else
            cr_assert_eq(k.len, 0, "case %zu: a rejected key is left empty", i);
    }
    struct gk_err err = {0};
    struct gk_auth_key k;
    gk_auth_key_init(&k, big, 31, &err);
    cr_assert_str_eq(err.msg, "key: expected 32 to 128 secret bytes, got 31");
}

Test(auth, random_keys_differ_and_cleanup_wipes_them)
{
    static const unsigned char zero[GK_AUTH_KEY_MAX];
    struct gk_auth_key a, b;
    cr_assert_eq(gk_auth_key_init_random(&a, NULL), GK_OK);
    cr_assert_eq(gk_auth_key_init_random(&b, NULL), GK_OK);
    cr_assert_eq(a.len, GK_AUTH_KEY_MIN);
    cr_assert_neq(memcmp(a.bytes, b.bytes, a.len), 0);
    cr_assert_neq(memcmp(a.bytes, zero, a.len), 0);
    gk_auth_key_cleanup(&a);
    cr_assert_eq(a.len, 0);
    cr_assert_eq(memcmp(a.bytes, zero, sizeof zero), 0);
    gk_auth_key_cleanup(NULL);
    gk_auth_key_cleanup(&b);
}

/* ---- tokens ------------------------------------------------------------ */

Test(auth, the_header_constant_is_the_encoded_hs256_header)
{
    struct gk_auth_key k;
    char tok[GK_AUTH_TOKEN_SIZE], enc[64];
    test_key(&k);
    cr_assert_eq(gk_auth_token_mint(&k, "u", "all-apis", 0, 1, tok, sizeof tok, NULL),
                 GK_OK);
    gk_auth_b64_encode(GK_AUTH_B64_URL, HEADER, strlen(HEADER), enc, sizeof enc, NULL);
    cr_assert_eq(strncmp(tok, enc, strlen(enc)), 0, "%s", tok);
    cr_assert_eq(tok[strlen(enc)], '.');
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

/* A known answer pins the exact payload bytes and the HMAC. */
Test(auth, a_minted_token_is_known)
{
    struct gk_auth_key k;
    char tok[GK_AUTH_TOKEN_SIZE];
    test_key(&k);
    cr_assert_eq(gk_auth_token_mint(&k, "alice", "all-apis", (EXP_S - 3600) * 1000 + 999,
                                    3600, tok, sizeof tok, NULL),
                 GK_OK);
    cr_assert_str_eq(tok, KNOWN_TOKEN);
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

Test(auth, minted_tokens_verify_and_return_their_claims)
{
    static const struct {
        const char *sub, *scope;
    } cases[] = {
        {"alice", "all-apis"},
        {"7f3b1a2c-client", ""},
        {"quote\" back\\slash", "genie sql"},
        {"ctl\x01\x1f\x7f\n\t", "ünïcödé ✓"},
        {"/}{\"sub\":\"admin\",", ",\"exp\":99999999999}"},
    };
    struct gk_auth_key k;
    test_key(&k);
    for (size_t i = 0; i < COUNT(cases); i++) {
        char tok[GK_AUTH_TOKEN_SIZE];
        struct gk_auth_claims c;
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_token_mint(&k, cases[i].sub, cases[i].scope, 1700000000500,
                                        60, tok, sizeof tok, &err),
                     GK_OK, "case %zu: %s", i, err.msg);
        cr_assert_eq(gk_auth_token_verify(&k, tok, 1700000000500, &c, &err), GK_OK,
                     "case %zu: %s", i, err.msg);
        cr_assert_str_eq(c.sub, cases[i].sub);
        cr_assert_str_eq(c.scope, cases[i].scope);
        cr_assert_eq(c.iat_s, 1700000000);
        cr_assert_eq(c.exp_s, 1700000060);
    }
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

Test(auth, the_longest_claims_fit_the_token_size_macro)
{
    char sub[GK_AUTH_SUB_MAX + 1], scope[GK_AUTH_SCOPE_MAX + 1];
    char tok[GK_AUTH_TOKEN_SIZE];
    struct gk_auth_claims c;
    struct gk_auth_key k;
    memset(sub, 0x01, GK_AUTH_SUB_MAX); /* each byte escapes to \u0001 */
    sub[GK_AUTH_SUB_MAX] = '\0';
    memset(scope, 0x1f, GK_AUTH_SCOPE_MAX);
    scope[GK_AUTH_SCOPE_MAX] = '\0';
    test_key(&k);
    cr_assert_eq(gk_auth_token_mint(&k, sub, scope, GK_AUTH_EXP_MAX * 1000 - 1000, 1, tok,
                                    sizeof tok, NULL),
                 GK_OK);
    cr_assert_leq(strlen(tok), GK_AUTH_TOKEN_MAX);
    cr_assert_eq(gk_auth_token_verify(&k, tok, 0, &c, NULL), GK_OK);
    cr_assert_str_eq(c.sub, sub);
    cr_assert_str_eq(c.scope, scope);
    cr_assert_eq(c.exp_s, GK_AUTH_EXP_MAX);
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

Test(auth, mint_writes_into_an_exact_buffer_and_rejects_a_short_one)
{
    struct gk_auth_key k;
    char tok[GK_AUTH_TOKEN_SIZE], small[GK_AUTH_TOKEN_SIZE];
    struct gk_err err = {0};
    test_key(&k);
    cr_assert_eq(gk_auth_token_mint(&k, "a", "b", 0, 10, tok, sizeof tok, NULL), GK_OK);
    size_t len = strlen(tok);
    cr_assert_eq(gk_auth_token_mint(&k, "a", "b", 0, 10, small, len + 1, NULL), GK_OK);
    cr_assert_str_eq(small, tok);
    cr_assert_eq(gk_auth_token_mint(&k, "a", "b", 0, 10, small, len, &err),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(small, "", "a failed mint leaves an empty string");
    cr_assert(strstr(err.msg, "out: token needs") == err.msg, "%s", err.msg);
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

Test(auth, mint_rejects_bad_arguments)
{
    char long_sub[GK_AUTH_SUB_MAX + 2];
    memset(long_sub, 'a', sizeof long_sub - 1);
    long_sub[sizeof long_sub - 1] = '\0';
    struct gk_auth_key k, empty = {0};
    test_key(&k);
    const struct {
        const struct gk_auth_key *key;
        const char *sub, *scope;
        int64_t now_ms, ttl_s;
        const char *msg;
    } cases[] = {
        {&k, "", "s", 0, 1, "sub: must not be empty"},
        {&k, NULL, "s", 0, 1, "sub: must not be empty"},
        {&k, long_sub, "s", 0, 1, "sub: longer than 255 bytes"},
        {&k, "u", NULL, 0, 1, "scope: must not be empty"},
        {&k, "u", long_sub, 0, 1, "scope: longer than 255 bytes"},
        {&k, "u", "s", -1, 1, "now_ms: -1 is before 1970"},
        {&k, "u", "s", 0, 0, "ttl_s: 0 is not positive or expires after year 9999"},
        {&k, "u", "s", 1000, GK_AUTH_EXP_MAX,
         "ttl_s: 253402300799 is not positive or expires after year 9999"},
        {&empty, "u", "s", 0, 1, "key: not initialised"},
        {NULL, "u", "s", 0, 1, "key: not initialised"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char tok[GK_AUTH_TOKEN_SIZE];
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_token_mint(cases[i].key, cases[i].sub, cases[i].scope,
                                        cases[i].now_ms, cases[i].ttl_s, tok, sizeof tok,
                                        &err),
                     GK_INVALID_PARAMETER_VALUE, "case %zu", i);
        cr_assert_str_eq(err.msg, cases[i].msg, "case %zu", i);
    }
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

/* Valid through exp_s * 1000 - 1 ms; expired from exp_s * 1000 ms on. */
Test(auth, expiry_is_exact_at_the_boundary)
{
    struct gk_auth_key k;
    char tok[GK_AUTH_TOKEN_SIZE];
    struct gk_err err = {0};
    test_key(&k);
    cr_assert_eq(gk_auth_token_mint(&k, "u", "all-apis", (EXP_S - 3600) * 1000 + 999,
                                    3600, tok, sizeof tok, NULL),
                 GK_OK);
    cr_assert_eq(gk_auth_token_verify(&k, tok, EXP_S * 1000 - 1, NULL, &err), GK_OK, "%s",
                 err.msg);
    cr_assert_eq(gk_auth_token_verify(&k, tok, EXP_S * 1000, NULL, &err),
                 GK_UNAUTHENTICATED);
    cr_assert_str_eq(err.msg, "token expired at 2026-11-21T06:31:26Z");
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

Test(auth, expiry_messages_give_the_utc_date)
{
    static const struct {
        int64_t exp_s;
        const char *msg;
    } cases[] = {
        {1, "token expired at 1970-01-01T00:00:01Z"},
        {951782400, "token expired at 2000-02-29T00:00:00Z"},
        {1709251199, "token expired at 2024-02-29T23:59:59Z"},
        {4107542400, "token expired at 2100-03-01T00:00:00Z"},
        {GK_AUTH_EXP_MAX, "token expired at 9999-12-31T23:59:59Z"},
    };
    struct gk_auth_key k;
    test_key(&k);
    for (size_t i = 0; i < COUNT(cases); i++) {
        char tok[GK_AUTH_TOKEN_SIZE];
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_token_mint(&k, "u", "", (cases[i].exp_s - 1) * 1000, 1, tok,
                                        sizeof tok, NULL),
                     GK_OK);
        cr_assert_eq(gk_auth_token_verify(&k, tok, INT64_MAX, NULL, &err),
                     GK_UNAUTHENTICATED);
        cr_assert_str_eq(err.msg, cases[i].msg);
    }
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

Test(auth, a_tampered_payload_fails_the_signature)
{
    struct gk_auth_key k;
    char tok[GK_AUTH_TOKEN_SIZE], evil[GK_AUTH_TOKEN_SIZE], body[256];
    struct gk_err err = {0};
    test_key(&k);
    cr_assert_eq(
        gk_auth_token_mint(&k, "alice", "all-apis", 0, 60, tok, sizeof tok, NULL), GK_OK);
    const char *dot1 = strchr(tok, '.'), *dot2 = strrchr(tok, '.');
    const char *payload =
        "{\"sub\":\"admin\",\"scope\":\"all-apis\",\"iat\":0,\"exp\":60}";
    gk_auth_b64_encode(GK_AUTH_B64_URL, payload, strlen(payload), body, sizeof body,
                       NULL);
    snprintf(evil, sizeof evil, "%.*s.%s%s", (int)(dot1 - tok), tok, body, dot2);
    cr_assert_eq(gk_auth_token_verify(&k, evil, 0, NULL, &err), GK_UNAUTHENTICATED);
    cr_assert_str_eq(err.msg, "token: bad signature");
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

Test(auth, a_tampered_signature_or_other_key_fails)
{
    struct gk_auth_key k, k2;
    char tok[GK_AUTH_TOKEN_SIZE];
    test_key(&k);
    other_key(&k2);
    cr_assert_eq(
        gk_auth_token_mint(&k, "alice", "all-apis", 0, 60, tok, sizeof tok, NULL), GK_OK);
    char *sig = strrchr(tok, '.') + 1;
    /* every position but the last, whose low bits must stay zero */
    for (size_t i = 0; i + 1 < strlen(sig); i++) {
        struct gk_err err = {0};
        char saved = sig[i];
        sig[i] = saved == 'A' ? 'B' : 'A';
        cr_assert_eq(gk_auth_token_verify(&k, tok, 0, NULL, &err), GK_UNAUTHENTICATED);
        cr_assert_str_eq(err.msg, "token: bad signature", "position %zu", i);
        sig[i] = saved;
    }
    struct gk_err err = {0};
    cr_assert_eq(gk_auth_token_verify(&k, tok, 0, NULL, &err), GK_OK);
    cr_assert_eq(gk_auth_token_verify(&k2, tok, 0, NULL, &err), GK_UNAUTHENTICATED);
    cr_assert_str_eq(err.msg, "token: bad signature");
    gk_auth_key_cleanup(&k);
    gk_auth_key_cleanup(&k2);
    GK_ASSERT_NO_LEAKS();
}

Test(auth, malformed_tokens_are_rejected_before_the_signature)
{
    struct gk_auth_key k;
    char good[GK_AUTH_TOKEN_SIZE], buf[GK_AUTH_TOKEN_SIZE + 8];
    static char too_long[GK_AUTH_TOKEN_MAX + 2];
    test_key(&k);
    cr_assert_eq(gk_auth_token_mint(&k, "u", "s", 0, 60, good, sizeof good, NULL), GK_OK);
    const char *sig = strrchr(good, '.') + 1;
    memset(too_long, 'a', sizeof too_long - 1);

    static const struct {
        const char *tok;
        const char *why;
    } fixed[] = {
        {"", "expected three dot-separated segments"},
        {"abc", "expected three dot-separated segments"},
        {"a.b", "expected three dot-separated segments"},
        {"a.b.c.d", "expected three dot-separated segments"},
        {"..", "empty segment"},
        {".b.c", "empty segment"},
        {"a..c", "empty segment"},
        {"a.b.", "empty segment"},
        {"a.b.c", "signature is not 32 bytes of base64url"},
        {"eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.", "empty segment"}, /* alg none */
    };
    for (size_t i = 0; i < COUNT(fixed); i++) {
        struct gk_err err = {0};
        char want[128];
        cr_assert_eq(gk_auth_token_verify(&k, fixed[i].tok, 0, NULL, &err),
                     GK_UNAUTHENTICATED, "case %zu", i);
        snprintf(want, sizeof want, "token: malformed (%s)", fixed[i].why);
        cr_assert_str_eq(err.msg, want, "case %zu", i);
    }

    /* variations of a good token's signature segment */
    const int head = (int)(strrchr(good, '.') - good);
    char variants[4][64];
    snprintf(variants[0], sizeof variants[0], "%.42s", sig);  /* one char short */
    snprintf(variants[1], sizeof variants[1], "%s=", sig);    /* padded */
    snprintf(variants[2], sizeof variants[2], "%sA", sig);    /* one char long */
    snprintf(variants[3], sizeof variants[3], "+%.42s", sig); /* standard alphabet */
    for (size_t i = 0; i < COUNT(variants); i++) {
        struct gk_err err = {0};
        snprintf(buf, sizeof buf, "%.*s.%s", head, good, variants[i]);
        cr_assert_eq(gk_auth_token_verify(&k, buf, 0, NULL, &err), GK_UNAUTHENTICATED);
        cr_assert_str_eq(err.msg,
                         "token: malformed (signature is not 32 bytes of base64url)",
                         "variant %zu: %s", i, buf);
    }

    struct gk_err err = {0};
    cr_assert_eq(gk_auth_token_verify(&k, too_long, 0, NULL, &err), GK_UNAUTHENTICATED);
    cr_assert_str_eq(err.msg, "token: malformed (too long)");
    gk_err_clear(&err);
    cr_assert_eq(gk_auth_token_verify(&k, NULL, 0, NULL, &err), GK_UNAUTHENTICATED);
    cr_assert_str_eq(err.msg, "token: malformed (no token)");
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

/* Correctly signed, but not what mint writes: the post-signature checks. */
Test(auth, signed_tokens_of_another_shape_are_malformed)
{
    static const struct {
        const char *header, *payload, *why;
    } cases[] = {
        {"{\"alg\":\"HS256\"}", "{\"sub\":\"u\",\"scope\":\"\",\"iat\":1,\"exp\":2}",
         "unexpected header"},
        {"{\"alg\":\"none\",\"typ\":\"JWT\"}",
         "{\"sub\":\"u\",\"scope\":\"\",\"iat\":1,\"exp\":2}", "unexpected header"},
        {HEADER, "{\"sub\":\"u\",\"scope\":\"\",\"iat\":1,\"exp\":2,\"admin\":true}",
         "unexpected claims"},
        {HEADER, "{\"scope\":\"\",\"sub\":\"u\",\"iat\":1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\", \"scope\":\"\",\"iat\":1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"\",\"scope\":\"\",\"iat\":1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\",\"scope\":\"\",\"iat\":01,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\",\"scope\":\"\",\"iat\":-1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\",\"scope\":\"\",\"iat\":1,\"exp\":2.5}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\",\"scope\":\"\",\"iat\":1,\"exp\":\"2\"}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\",\"scope\":\"\",\"iat\":1,\"exp\":253402300800}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\",\"scope\":\"\",\"iat\":1,\"exp\":2",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\",\"scope\":\"\",\"iat\":1,\"exp\":2} ",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\\n\",\"scope\":\"\",\"iat\":1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\\u0041\",\"scope\":\"\",\"iat\":1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\\u000\",\"scope\":\"\",\"iat\":1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\\u001F\",\"scope\":\"\",\"iat\":1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\x01\",\"scope\":\"\",\"iat\":1,\"exp\":2}",
         "unexpected claims"},
        {HEADER, "{\"sub\":\"u\\", "unexpected claims"},
        {HEADER, "{\"sub\":\"u", "unexpected claims"},
        {HEADER, "", "unexpected claims"},
    };
    struct gk_auth_key k;
    test_key(&k);
    for (size_t i = 0; i < COUNT(cases); i++) {
        char tok[GK_AUTH_TOKEN_SIZE], want[128];
        struct gk_err err = {0};
        forge(&k, cases[i].header, cases[i].payload, tok, sizeof tok);
        cr_assert_eq(gk_auth_token_verify(&k, tok, 0, NULL, &err), GK_UNAUTHENTICATED,
                     "case %zu", i);
        snprintf(want, sizeof want, "token: malformed (%s)", cases[i].why);
        if (cases[i].payload[0] == '\0')
            snprintf(want, sizeof want, "token: malformed (empty segment)");
        cr_assert_str_eq(err.msg, want, "case %zu: %s", i, cases[i].payload);
    }
    /* and the control: forge() itself makes tokens that verify */
    char tok[GK_AUTH_TOKEN_SIZE];
    struct gk_auth_claims c;
    forge(&k, HEADER,
          "{\"sub\":\"u\\\"\\\\\\u001f\",\"scope\":\"x\",\"iat\":0,\"exp\":9}", tok,
          sizeof tok);
    cr_assert_eq(gk_auth_token_verify(&k, tok, 0, &c, NULL), GK_OK);
    cr_assert_str_eq(c.sub, "u\"\\\x1f");
    gk_auth_key_cleanup(&k);
    GK_ASSERT_NO_LEAKS();
}

/* ---- Authorization header ---------------------------------------------- */

Test(auth, bearer_headers_parse)
{
    static const struct {
        const char *header, *token;
    } cases[] = {
        {"Bearer dapi0123456789abcdef", "dapi0123456789abcdef"},
        {"bearer abc", "abc"},
        {"BEARER abc", "abc"},
        {"bEaReR   abc", "abc"},
        {"Bearer abc  \t", "abc"},
        {"Bearer a.b-c_d~e+f/g=", "a.b-c_d~e+f/g="},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char tok[64];
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_parse_bearer(cases[i].header, tok, sizeof tok, &err), GK_OK,
                     "case %zu: %s", i, err.msg);
        cr_assert_str_eq(tok, cases[i].token);
    }
}

Test(auth, bad_bearer_headers_are_unauthenticated_and_say_why)
{
    static const struct {
        const char *header, *msg;
    } cases[] = {
        {NULL, "Authorization: header is missing"},
        {"", "Authorization: header is missing"},
        {"Bearer", "Authorization: empty Bearer credentials"},
        {"Bearer   ", "Authorization: empty Bearer credentials"},
        {"Bearerabc", "Authorization: expected the Bearer scheme"},
        {"Bearer\tabc", "Authorization: expected the Bearer scheme"},
        {" Bearer abc", "Authorization: expected the Bearer scheme"},
        {"Basic YTpi", "Authorization: expected the Bearer scheme"},
        {"Token abc", "Authorization: expected the Bearer scheme"},
        {"Bear", "Authorization: expected the Bearer scheme"},
        {"dapi0123456789abcdef", "Authorization: expected the Bearer scheme"},
        {"Bearer abc def", "Authorization: bearer token contains a space"},
        {"Bearer abc\tdef",
         "Authorization: bearer token contains a control or non-ASCII byte"},
        {"Bearer abc\x7f",
         "Authorization: bearer token contains a control or non-ASCII byte"},
        {"Bearer abc\r\n",
         "Authorization: bearer token contains a control or non-ASCII byte"},
        {"Bearer t\xc3\xa9",
         "Authorization: bearer token contains a control or non-ASCII byte"},
        {"Bearer 0123456789abcdefg", "Authorization: bearer token longer than 16 bytes"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char tok[17] = "junk";
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_parse_bearer(cases[i].header, tok, sizeof tok, &err),
                     GK_UNAUTHENTICATED, "case %zu", i);
        cr_assert_str_eq(err.msg, cases[i].msg, "case %zu", i);
        cr_assert_str_eq(tok, "", "case %zu: no partial token", i);
    }
}

Test(auth, basic_headers_parse)
{
    static const struct {
        const char *header, *id, *secret;
    } cases[] = {
        /* base64("client:s3cret") and friends */
        {"Basic Y2xpZW50OnMzY3JldA==", "client", "s3cret"},
        {"basic   Y2xpZW50OnMzY3JldA==  ", "client", "s3cret"},
        {"Basic YTpiOmM6", "a", "b:c:"}, /* a:b:c: splits at the first ':' */
        {"Basic YTo=", "a", ""},         /* a: (an empty secret is allowed) */
        {"Basic w7xzZXI6cMOkc3M=", "\xc3\xbcser", "p\xc3\xa4ss"}, /* üser:päss */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char id[32], secret[32];
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_parse_basic(cases[i].header, id, sizeof id, secret,
                                         sizeof secret, &err),
                     GK_OK, "case %zu: %s", i, err.msg);
        cr_assert_str_eq(id, cases[i].id);
        cr_assert_str_eq(secret, cases[i].secret);
    }
}

Test(auth, bad_basic_headers_are_unauthenticated_and_say_why)
{
    static const struct {
        const char *header, *msg;
    } cases[] = {
        {NULL, "Authorization: header is missing"},
        {"Bearer abc", "Authorization: expected the Basic scheme"},
        {"Basic", "Authorization: empty Basic credentials"},
        {"Basic !!!!", "Authorization: Basic credentials are not valid base64 (base64: "
                       "unexpected '!' at offset 0)"},
        {"Basic Y2xpZW50", "Authorization: Basic credentials have no ':' between id and "
                           "secret"},                               /* "client" */
        {"Basic OnNlY3JldA==", "Authorization: Basic id is empty"}, /* ":secret" */
        {"Basic YQBiOmM=", "Authorization: Basic id contains a control character"},
        {"Basic YTpiAGM=", "Authorization: Basic secret contains a control character"},
        {"Basic YR9iOmM=", "Authorization: Basic id contains a control character"},
        {"Basic YTpiHw==", "Authorization: Basic secret contains a control character"},
        {"Basic YTpifw==", "Authorization: Basic secret contains a control character"},
        {"Basic YWFhYWFhYWFhOmI=", "Authorization: Basic id longer than 8 bytes"},
        {"Basic YTpiYmJiYmJiYmI=", "Authorization: Basic secret longer than 8 bytes"},
        {"Basic Y2xpZW50OnMzY3JldA",
         "Authorization: Basic credentials are not valid base64 "
         "(base64: bad length, padding or trailing bits)"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char id[9] = "junk", secret[9] = "junk";
        struct gk_err err = {0};
        cr_assert_eq(gk_auth_parse_basic(cases[i].header, id, sizeof id, secret,
                                         sizeof secret, &err),
                     GK_UNAUTHENTICATED, "case %zu", i);
        cr_assert_str_eq(err.msg, cases[i].msg, "case %zu", i);
        cr_assert_str_eq(secret, "", "case %zu: no secret left behind", i);
    }
}

Test(auth, basic_credentials_have_a_size_limit)
{
    static char header[8 + GK_AUTH_B64_STD_SIZE(GK_AUTH_BASIC_MAX + 3)];
    static char plain[GK_AUTH_BASIC_MAX + 4];
    static char id[8], secret[GK_AUTH_BASIC_MAX];
    struct gk_err err = {0};
    memset(plain, 'x', sizeof plain - 1);
    plain[0] = 'a';
    plain[1] = ':';
    memcpy(header, "Basic ", 6);
    /* exactly GK_AUTH_BASIC_MAX decoded bytes: accepted */
    gk_auth_b64_encode(GK_AUTH_B64_STD, plain, GK_AUTH_BASIC_MAX, header + 6,
                       sizeof header - 6, NULL);
    cr_assert_eq(gk_auth_parse_basic(header, id, sizeof id, secret, sizeof secret, &err),
                 GK_OK, "%s", err.msg);
    cr_assert_eq(strlen(secret), GK_AUTH_BASIC_MAX - 2);
    /* three more bytes: one more base64 quantum, refused */
    gk_auth_b64_encode(GK_AUTH_B64_STD, plain, GK_AUTH_BASIC_MAX + 3, header + 6,
                       sizeof header - 6, NULL);
    cr_assert_eq(gk_auth_parse_basic(header, id, sizeof id, secret, sizeof secret, &err),
                 GK_UNAUTHENTICATED);
    cr_assert_str_eq(err.msg, "Authorization: Basic credentials longer than 1024 bytes");
}

/* ---- comparison and redaction ------------------------------------------ */

Test(auth, secret_equality_truth_table)
{
    static const struct {
        const char *a;
        size_t a_len;
        const char *b;
        size_t b_len;
        bool equal;
    } cases[] = {
        {"dapi0123456789abcdef", 20, "dapi0123456789abcdef", 20, true},
        {"", 0, "", 0, true},
        {"xapi0123456789abcdef", 20, "dapi0123456789abcdef", 20, false}, /* first byte */
        {"dapi0123456789abcdeX", 20, "dapi0123456789abcdef", 20, false}, /* last byte */
        {"dapi0123456789abcde", 19, "dapi0123456789abcdef", 20, false},  /* a prefix */
        {"dapi0123456789abcdef", 20, "dapi0123456789abcde", 19, false},
        {"", 0, "x", 1, false},
        {"a\0b", 3, "a\0c", 3, false}, /* bytes after a NUL count */
        {"a\0b", 3, "a\0b", 3, true},
        {"a\0b", 1, "a\0c", 1, true},
        {NULL, 0, "", 0, false},
        {"", 0, NULL, 0, false},
        {NULL, 0, NULL, 0, false},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        cr_assert_eq(
            gk_auth_secret_equal(cases[i].a, cases[i].a_len, cases[i].b, cases[i].b_len),
            cases[i].equal, "case %zu", i);
}

/* True when out shares any run of 5 bytes with secret past its first 4. */
static bool leaks(const char *out, const char *secret)
{
    size_t n = strlen(secret);
    for (size_t i = 0; i + 5 <= n; i++) {
        char run[6];
        memcpy(run, secret + i, 5);
        run[5] = '\0';
        if (i > 0 && strstr(out, run) != NULL)
            return true;
        if (i == 0 && n > 4 && strstr(out, secret) != NULL)
            return true;
    }
    return false;
}

Test(auth, redaction_never_contains_the_secret)
{
    static const struct {
        const char *secret, *want;
    } cases[] = {
        {"dapi0123456789abcdef0123456789abcdef", "dapi...(redacted, 36 chars)"},
        {"dose0123456789abcdef0123", "dose...(redacted, 24 chars)"},
        {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig", "eyJ...(redacted, 44 chars)"},
        {"s3cr3t-client-secret-value", "(redacted, 26 chars)"},
        {"dapi12", "(redacted, 6 chars)"}, /* too short to show a prefix */
        {"", "(redacted, 0 chars)"},
        {NULL, "(none)"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char out[GK_AUTH_REDACTED_SIZE];
        cr_assert_eq(gk_auth_redact(cases[i].secret, out, sizeof out), out);
        cr_assert_str_eq(out, cases[i].want, "case %zu", i);
        if (cases[i].secret != NULL)
            cr_assert(!leaks(out, cases[i].secret), "case %zu: %s", i, out);
    }
    char tiny[8];
    gk_auth_redact("dapi0123456789abcdef0123456789abcdef", tiny, sizeof tiny);
    cr_assert_str_eq(tiny, "dapi...", "truncated, still no secret");
}

Test(auth, error_messages_never_quote_the_credentials)
{
    static const char *headers[] = {
        "Bearer dapiSECRETSECRET xyz", "Token dapiSECRETSECRET", "dapiSECRETSECRET",
        "Basic ZGFwaVNFQ1JFVFNFQ1JFVA==", /* dapiSECRETSECRET, no ':' */
    };
    for (size_t i = 0; i < COUNT(headers); i++) {
        char a[64], b[64];
        struct gk_err e1 = {0}, e2 = {0};
        gk_auth_parse_bearer(headers[i], a, sizeof a, &e1);
        gk_auth_parse_basic(headers[i], a, sizeof a, b, sizeof b, &e2);
        cr_assert_null(strstr(e1.msg, "SECRET"), "%s", e1.msg);
        cr_assert_null(strstr(e2.msg, "SECRET"), "%s", e2.msg);
        cr_assert_null(strstr(e2.msg, "ZGFwaVNF"), "%s", e2.msg);
    }
    GK_ASSERT_NO_LEAKS();
}
