/*
 * fuzz_auth: every parser in auth and id on untrusted bytes, plus properties
 * that must hold whatever the input:
 *   - base64 that decodes re-encodes to the same text (decoding is canonical);
 *   - a header that parses yields a token/id without spaces or control bytes;
 *   - a token that verifies re-mints to the same string (the claim scanner
 *     and the writer agree), and claims minted from fuzz bytes verify back.
 * The first input byte picks nothing: every target sees every input, so the
 * seeds under fixtures/fuzz/auth/ serve all of them.
 */
#include "common/auth.h"
#include "common/id.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond))                                                                     \
            abort();                                                                     \
    } while (0)

static void fuzz_base64(const uint8_t *data, size_t size)
{
    static const enum gk_auth_b64 variants[] = {GK_AUTH_B64_STD, GK_AUTH_B64_URL};
    for (size_t v = 0; v < 2; v++) {
        size_t cap = GK_AUTH_B64_DECODED_MAX(size) + 1;
        unsigned char *bin = malloc(cap);
        size_t n = 0;
        CHECK(bin != NULL);
        if (gk_auth_b64_decode(variants[v], (const char *)data, size, bin, cap, &n,
                               NULL) == GK_OK) {
            size_t enc_size = GK_AUTH_B64_STD_SIZE(n);
            char *enc = malloc(enc_size);
            CHECK(enc != NULL);
            CHECK(gk_auth_b64_encode(variants[v], bin, n, enc, enc_size, NULL) == GK_OK);
            CHECK(strlen(enc) == size && memcmp(enc, data, size) == 0);
            free(enc);
        }
        free(bin);
    }
}

static void fuzz_header(const char *s)
{
    char token[256], id[64], secret[256];
    struct gk_err err = {0};
    if (gk_auth_parse_bearer(s, token, sizeof token, &err) == GK_OK) {
        CHECK(token[0] != '\0');
        for (const char *p = token; *p; p++)
            CHECK(*p > 0x20 && *p < 0x7f);
    } else {
        CHECK(err.rc == GK_UNAUTHENTICATED && token[0] == '\0');
    }
    gk_err_clear(&err);
    if (gk_auth_parse_basic(s, id, sizeof id, secret, sizeof secret, &err) == GK_OK) {
        CHECK(id[0] != '\0');
        CHECK(strchr(id, ':') == NULL);
    } else {
        CHECK(err.rc == GK_UNAUTHENTICATED && secret[0] == '\0');
    }
}

static void fuzz_token(const struct gk_auth_key *key, const char *s)
{
    struct gk_auth_claims c;
    struct gk_err err = {0};
    /* Random bytes almost never carry a valid MAC; the property below is
     * for inputs the corpus evolves from the seeds' real tokens. */
    if (gk_auth_token_verify(key, s, 0, &c, &err) == GK_OK) {
        char again[GK_AUTH_TOKEN_SIZE];
        CHECK(gk_auth_token_mint(key, c.sub, c.scope, c.iat_s * 1000, c.exp_s - c.iat_s,
                                 again, sizeof again, NULL) == GK_OK);
        CHECK(strcmp(again, s) == 0);
    } else {
        CHECK(err.rc == GK_UNAUTHENTICATED);
    }
}

/* Claims cut from the input: whatever bytes they hold, they round trip. */
static void fuzz_mint(const struct gk_auth_key *key, const uint8_t *data, size_t size)
{
    char sub[GK_AUTH_SUB_MAX + 1], scope[GK_AUTH_SCOPE_MAX + 1], tok[GK_AUTH_TOKEN_SIZE];
    size_t half = size / 2;
    size_t ns = half < GK_AUTH_SUB_MAX ? half : GK_AUTH_SUB_MAX;
    size_t nc = size - half < GK_AUTH_SCOPE_MAX ? size - half : GK_AUTH_SCOPE_MAX;
    memcpy(sub, data, ns);
    sub[ns] = '\0';
    memcpy(scope, data + half, nc);
    scope[nc] = '\0';
    if (gk_auth_token_mint(key, sub, scope, 1000, 60, tok, sizeof tok, NULL) != GK_OK) {
        CHECK(sub[0] == '\0'); /* the only reason it may refuse */
        return;
    }
    struct gk_auth_claims c;
    CHECK(gk_auth_token_verify(key, tok, 1000, &c, NULL) == GK_OK);
    CHECK(strcmp(c.sub, sub) == 0 && strcmp(c.scope, scope) == 0);
}

static void fuzz_id(const char *s)
{
    int64_t ms = 0;
    char uuid[GK_ID_UUID_SIZE];
    enum gk_rc rc = gk_id_epoch_ms(s, &ms, NULL);
    if (gk_id_valid(s)) {
        CHECK(gk_id_to_uuid(s, uuid, NULL) == GK_OK && gk_id_uuid_valid(uuid));
        int64_t ms2 = -1;
        CHECK(gk_id_epoch_ms(uuid, &ms2, NULL) == rc);
        CHECK(rc != GK_OK || ms2 == ms);
    } else if (!gk_id_uuid_valid(s)) {
        CHECK(rc == GK_INVALID_PARAMETER_VALUE);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char secret[32] = "0123456789abcdef0123456789abcdef";
    struct gk_auth_key key;
    if (gk_auth_key_init(&key, secret, sizeof secret, NULL) != GK_OK)
        abort();

    /* The input as a C string: a copy cut at the first NUL. */
    char *s = malloc(size + 1);
    CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';

    fuzz_base64(data, size);
    fuzz_header(s);
    fuzz_token(&key, s);
    fuzz_mint(&key, data, size);
    fuzz_id(s);

    free(s);
    gk_auth_key_cleanup(&key);
    return 0;
}
