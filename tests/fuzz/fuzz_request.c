/*
 * fuzz_request: every strict request decoder on untrusted bytes, with the
 * default limits and with tight ones.
 *
 * The input is copied into a buffer of exactly its size (no NUL), so a read
 * past the end is an AddressSanitizer finding. Invariants (abort if broken):
 *  - a failure carries a code and a message and leaves the output zeroed;
 *  - an accepted question has non-empty content within the string limit; an
 *    accepted feedback has a known rating;
 *  - what was accepted re-encodes (feedback in both spellings) and the
 *    strict decoder accepts the encoding back, with the same values.
 */
#include "common/codec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_request: invariant broken: %s\n", what);
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

static int same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void check_failure(const struct gk_err *err, const void *out, size_t out_size)
{
    check(err->rc != GK_OK && err->msg[0] != '\0', "a failure has a code and a message");
    check(all_zero(out, out_size), "output zeroed after failure");
}

static void fuzz_question(const char *in, size_t len, const struct gk_codec_limits *lim,
                          size_t max_string)
{
    struct gk_question_request q, back;
    struct gk_err err = {0};
    char *enc = NULL;
    size_t enc_len = 0;

    if (gk_codec_decode_question_request(in, len, lim, &q, &err) != GK_OK) {
        check_failure(&err, &q, sizeof q);
        return;
    }
    check(q.content != NULL && q.content[0] != '\0', "content is there");
    check(strlen(q.content) <= max_string, "content within the limit");
    check(gk_codec_encode_question_request(&q, NULL, &enc, &enc_len, &err) == GK_OK,
          "an accepted question encodes");
    check(gk_codec_decode_question_request(enc, enc_len, lim, &back, &err) == GK_OK,
          "the encoding is accepted back");
    check(same_str(q.content, back.content) &&
              q.enable_visualization == back.enable_visualization,
          "the question survives");
    free(enc);
    gk_types_question_request_cleanup(&back);
    gk_types_question_request_cleanup(&q);
}

static void fuzz_feedback(const char *in, size_t len, const struct gk_codec_limits *lim)
{
    static const struct gk_codec_opts spellings[] = {{.legacy_feedback_names = false},
                                                     {.legacy_feedback_names = true}};
    struct gk_feedback_request f, back;
    struct gk_err err = {0};

    if (gk_codec_decode_feedback_request(in, len, lim, &f, &err) != GK_OK) {
        check_failure(&err, &f, sizeof f);
        return;
    }
    check((unsigned)f.rating < GK_RATING_COUNT, "a known rating");
    for (size_t i = 0; i < 2; i++) {
        char *enc = NULL;
        size_t enc_len = 0;
        check(gk_codec_encode_feedback_request(&f, &spellings[i], &enc, &enc_len, &err) ==
                  GK_OK,
              "accepted feedback encodes");
        check(gk_codec_decode_feedback_request(enc, enc_len, lim, &back, &err) == GK_OK,
              "the encoding is accepted back");
        check(back.rating == f.rating && same_str(back.comment, f.comment),
              "the feedback survives");
        gk_types_feedback_request_cleanup(&back);
        free(enc);
    }
    gk_types_feedback_request_cleanup(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct gk_codec_limits tight = {
        .max_body_bytes = 2048, .max_depth = 3, .max_string_bytes = 16};
    char *in = malloc(size != 0 ? size : 1);
    struct gk_err err = {0};

    if (in == NULL)
        return 0;
    memcpy(in, data, size);
    fuzz_question(in, size, NULL, GK_CODEC_DEFAULT_MAX_STRING_BYTES);
    fuzz_question(in, size, &tight, tight.max_string_bytes);
    fuzz_feedback(in, size, NULL);
    fuzz_feedback(in, size, &tight);
    if (gk_codec_decode_empty_request(in, size, NULL, &err) != GK_OK)
        check(err.rc != GK_OK && err.msg[0] != '\0', "empty: a failure has a message");
    gk_err_clear(&err);
    if (gk_codec_decode_empty_request(in, size, &tight, &err) != GK_OK)
        check(err.rc != GK_OK && err.msg[0] != '\0', "empty: a failure has a message");
    free(in);
    return 0;
}
