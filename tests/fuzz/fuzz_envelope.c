/*
 * fuzz_envelope: gk_envelope_decode over untrusted response bytes.
 *
 * Input: two bytes of HTTP status (big-endian, taken modulo 700 so junk
 * statuses are covered too), one byte choosing a Content-Type, then the body.
 * Checks, beyond "no crash, no leak": the decoded fields are terminated
 * within their bounds, the message is never empty, and for error statuses a
 * re-encode and decode of what was decoded gives the same fields back (the
 * decoder's cleaning is idempotent and the encoder loses nothing).
 */
#include "common/envelope.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const content_types[] = {NULL, "application/json", "text/html",
                                            "text/plain; charset=utf-8", ""};

static void check_bounded(const char *s, size_t cap)
{
    if (memchr(s, '\0', cap) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    int status = ((data[0] << 8) | data[1]) % 700;
    const char *type =
        content_types[data[2] % (sizeof content_types / sizeof content_types[0])];
    struct gk_envelope env, again;
    struct gk_err err = {0};

    /* A heap copy of exactly the body, so ASan sees any read past its end. */
    size_t n = size - 3;
    char *body = malloc(n > 0 ? n : 1);
    if (body == NULL)
        return 0;
    memcpy(body, data + 3, n);
    gk_envelope_decode(status, type, body, n, &env);
    free(body);

    check_bounded(env.error_code, sizeof env.error_code);
    check_bounded(env.message, sizeof env.message);
    check_bounded(env.request_id, sizeof env.request_id);
    if (env.message[0] == '\0' || env.rc == GK_OK || env.rc >= GK_RC_COUNT)
        abort();
    if (env.is_envelope != (env.shape == GK_ENVELOPE_JSON))
        abort();
    if (gk_envelope_to_err(&env, &err) != env.rc || err.rc != env.rc)
        abort();

    if (status >= 400 && status <= 599) {
        char *out = NULL;
        size_t len = 0;
        if (gk_envelope_encode(status, env.error_code, env.message, env.request_id, &out,
                               &len, NULL) != GK_OK)
            abort();
        gk_envelope_decode(status, "application/json", out, len, &again);
        free(out);
        if (again.shape != GK_ENVELOPE_JSON || strcmp(again.message, env.message) != 0 ||
            strcmp(again.request_id, env.request_id) != 0)
            abort();
        if (env.error_code[0] != '\0' &&
            (strcmp(again.error_code, env.error_code) != 0 || again.rc != env.rc))
            abort();
    }
    return 0;
}
