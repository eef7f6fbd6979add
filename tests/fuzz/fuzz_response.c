/*
 * fuzz_response: every lenient response decoder on untrusted bytes.
 *
 * The input is copied into a buffer of exactly its size (no NUL), so a read
 * past the end is an AddressSanitizer finding. Besides "no crash, no leak",
 * each decoder must hold these invariants, or the harness aborts:
 *  - a failure carries a code and a message and leaves the output zeroed;
 *  - what decoded re-encodes (default options and all switches on) into
 *    valid JSON (checked with cJSON), which decodes again, and encoding that
 *    gives the same bytes: decode-then-encode is idempotent, i.e. the
 *    encoder writes nothing the lenient decoder reads differently.
 */
#include "common/codec.h"

#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_response: invariant broken: %s\n", what);
        abort();
    }
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

static void check_json(const char *s, size_t len)
{
    cJSON *j = cJSON_ParseWithLength(s, len);
    check(j != NULL && cJSON_IsObject(j), "encoder output is a JSON object");
    cJSON_Delete(j);
}

static const struct gk_codec_opts all_opts = {
    .text_attachment_ids = true, .typed_rows = true, .null_attachments = true};

/* One function per response type: decode; on success encode with o, decode
 * that, encode again and compare. */
#define GK_FUZZ_RESPONSE(thing, type, cleanup)                                           \
    static void fuzz_##thing(const char *in, size_t len, const struct gk_codec_opts *o)  \
    {                                                                                    \
        type a, b;                                                                       \
        struct gk_err err = {0};                                                         \
        char *enc1 = NULL, *enc2 = NULL;                                                 \
        size_t len1 = 0, len2 = 0;                                                       \
        if (gk_codec_decode_##thing(in, len, &a, &err) != GK_OK) {                       \
            check(err.rc != GK_OK && err.msg[0] != '\0',                                 \
                  #thing ": failure has a message");                                     \
            check(all_zero(&a, sizeof a), #thing ": output zeroed after failure");       \
            return;                                                                      \
        }                                                                                \
        check(gk_codec_encode_##thing(&a, o, &enc1, &len1, &err) == GK_OK,               \
              #thing ": what decoded encodes");                                          \
        check(strlen(enc1) == len1, #thing ": length reported");                         \
        check_json(enc1, len1);                                                          \
        check(gk_codec_decode_##thing(enc1, len1, &b, &err) == GK_OK,                    \
              #thing ": own output decodes");                                            \
        check(gk_codec_encode_##thing(&b, o, &enc2, &len2, &err) == GK_OK,               \
              #thing ": re-encodes");                                                    \
        check(len1 == len2 && memcmp(enc1, enc2, len1) == 0, #thing ": idempotent");     \
        free(enc1);                                                                      \
        free(enc2);                                                                      \
        cleanup(&a);                                                                     \
        cleanup(&b);                                                                     \
    }

GK_FUZZ_RESPONSE(space, struct gk_space, gk_types_space_cleanup)
GK_FUZZ_RESPONSE(space_list, struct gk_space_list, gk_types_space_list_cleanup)
GK_FUZZ_RESPONSE(conversation, struct gk_conversation, gk_types_conversation_cleanup)
GK_FUZZ_RESPONSE(conversation_list, struct gk_conversation_list,
                 gk_types_conversation_list_cleanup)
GK_FUZZ_RESPONSE(message, struct gk_message, gk_types_message_cleanup)
GK_FUZZ_RESPONSE(message_list, struct gk_message_list, gk_types_message_list_cleanup)
GK_FUZZ_RESPONSE(start_conversation, struct gk_start_conversation,
                 gk_types_start_conversation_cleanup)
GK_FUZZ_RESPONSE(statement_response, struct gk_statement_response,
                 gk_types_statement_response_cleanup)
GK_FUZZ_RESPONSE(oauth_token, struct gk_oauth_token, gk_types_oauth_token_cleanup)
GK_FUZZ_RESPONSE(host_metadata, struct gk_host_metadata, gk_types_host_metadata_cleanup)
GK_FUZZ_RESPONSE(oidc_discovery, struct gk_oidc_discovery,
                 gk_types_oidc_discovery_cleanup)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static void (*const decoders[])(const char *, size_t,
                                    const struct gk_codec_opts *) = {
        fuzz_space,
        fuzz_space_list,
        fuzz_conversation,
        fuzz_conversation_list,
        fuzz_message,
        fuzz_message_list,
        fuzz_start_conversation,
        fuzz_statement_response,
        fuzz_oauth_token,
        fuzz_host_metadata,
        fuzz_oidc_discovery,
    };
    char *in = malloc(size != 0 ? size : 1);
    if (in == NULL)
        return 0;
    memcpy(in, data, size);
    for (size_t i = 0; i < sizeof decoders / sizeof decoders[0]; i++) {
        decoders[i](in, size, NULL);
        decoders[i](in, size, &all_opts);
    }
    free(in);
    return 0;
}
