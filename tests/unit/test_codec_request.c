/*
 * Strict request decoding: bodies from untrusted clients. Each bad body must
 * give the expected code and a message that names the field (or "body" and
 * the byte offset when the body is not JSON at all).
 */
#include "tests/unit/codec_test.h"

struct bad_case {
    const char *body;
    enum gk_rc rc;
    const char *msg;
};

#define M GK_MALFORMED_REQUEST
#define V GK_INVALID_PARAMETER_VALUE

static const struct bad_case bad_questions[] = {
    {"", M, "body: empty, expected a JSON object"},
    {"   ", M, "body: not valid JSON"},
    {"{", M, "body: not valid JSON"},
    {"{'content':'a'}", M, "body: not valid JSON"},
    {"{\"content\":\"a\",}", M, "body: not valid JSON"},
    {"[]", M, "body: expected a JSON object, got array"},
    {"\"content\"", M, "body: expected a JSON object, got string"},
    {"null", M, "body: expected a JSON object, got null"},
    {"{\"content\":\"a\"} x", M, "body: unexpected data after the JSON value at byte 16"},
    {"{\"content\":\"a\"}{}", M, "body: unexpected data after the JSON value at byte 15"},
    {"{\"content\":\"\xff\"}", M, "body: invalid UTF-8 at byte 12"},
    {"{\"content\":\"\xc0\xaf\"}", M, "body: invalid UTF-8 at byte 12"}, /* overlong */
    {"{\"content\":\"\xed\xa0\x80\"}", M,
     "body: invalid UTF-8 at byte 12"},                                  /* surrogate */
    {"{\"content\":\"\xf4\x90\x80\x80\"}", M, "invalid UTF-8"},          /* > U+10FFFF */
    {"{\"content\":\"\xe2\x82\"}", M, "body: invalid UTF-8 at byte 12"}, /* cut short */
    {"{\"content\":\"a\tb\"}", M,
     "unescaped control character 0x09 in a string at byte 13"},
    {"{\"content\":\"a\\uZZZZ\"}", M, "body: malformed \\u escape at byte 13"},
    {"{\"content\":\"\\ud800\"}", M, "body: not valid JSON"}, /* lone surrogate */
    {"{\"content\":\"a\",\"n\":01}", M, "body: malformed number at byte 19"},
    {"{\"content\":\"a\",\"n\":1.}", M, "body: malformed number"},
    {"{\"content\":\"a\",\"n\":-}", M, "body: malformed number"},
    {"{\"content\":\"a\",\"n\":1e}", M, "body: malformed number"},
    {"\xef\xbb\xbf{\"content\":\"a\"}", M, "body: unexpected byte 0xef at byte 0"},
    {"\x01{\"content\":\"a\"}", M, "body: unexpected byte 0x01 at byte 0"},
    {"{\"content\":\"a\\u0000b\"}", V, "body: strings must not contain \\u0000"},
    {"{}", V, "content: required"},
    {"{\"Content\":\"a\"}", V, "content: required"},
    {"{\"content\":5}", V, "content: expected a string, got number"},
    {"{\"content\":null}", V, "content: expected a string, got null"},
    {"{\"content\":[\"a\"]}", V, "content: expected a string, got array"},
    {"{\"content\":{}}", V, "content: expected a string, got object"},
    {"{\"content\":true}", V, "content: expected a string, got boolean"},
    {"{\"content\":\"\"}", V, "content: must not be empty"},
    {"{\"content\":\"a\",\"content\":\"b\"}", V, "content: given more than once"},
    {"{\"content\":\"a\",\"enable_visualization\":\"yes\"}", V,
     "enable_visualization: expected a boolean, got string"},
    {"{\"content\":\"a\",\"enable_visualization\":1}", V,
     "enable_visualization: expected a boolean, got number"},
};

static const struct bad_case bad_feedback[] = {
    {"{}", V, "rating: required"},
    {"{\"comment\":\"x\"}", V, "rating: required"},
    {"{\"rating\":\"GOOD\"}", V,
     "rating: expected POSITIVE, NEGATIVE or NONE, got \"GOOD\""},
    {"{\"rating\":\"positive\"}", V, "got \"positive\""},
    {"{\"rating\":\"THUMBS_UP\"}", V, "got \"THUMBS_UP\""},
    {"{\"rating\":1}", V, "rating: expected a string, got number"},
    {"{\"rating\":null}", V, "rating: expected a string, got null"},
    {"{\"feedback_rating\":\"X\"}", V,
     "feedback_rating: expected POSITIVE, NEGATIVE or NONE"},
    {"{\"rating\":\"POSITIVE\",\"feedback_rating\":\"NEGATIVE\"}", V,
     "feedback_rating: conflicts with rating"},
    {"{\"rating\":\"POSITIVE\",\"comment\":\"a\",\"feedback_text\":\"b\"}", V,
     "feedback_text: conflicts with comment"},
    {"{\"rating\":\"POSITIVE\",\"comment\":5}", V,
     "comment: expected a string, got number"},
    {"{\"feedback_rating\":\"NONE\",\"feedback_text\":false}", V,
     "feedback_text: expected a string, got boolean"},
    {"{\"rating\":\"POSITIVE\",\"rating\":\"NEGATIVE\"}", V,
     "rating: given more than once"},
    {"[\"POSITIVE\"]", M, "body: expected a JSON object, got array"},
    /* echoed values are cut and made printable */
    {"{\"rating\":\"A\\nB\\\"C\\u00e9 0123456789012345678901234567890123456789\"}", V,
     "got \"A?B?C?? 012345678901234567890123...\""},
};

static const struct bad_case bad_empty[] = {
    {"[]", M, "body: expected a JSON object, got array"},
    {"null", M, "body: expected a JSON object, got null"},
    {"{", M, "body: not valid JSON"},
    {"x", M, "body: not valid JSON"},
    {"{}}", M, "body: unexpected data after the JSON value at byte 2"},
    {"\xff", M, "body: unexpected byte 0xff at byte 0"},
};

#undef M
#undef V

static void check_bad(const struct bad_case *cases, size_t n, const char *what,
                      enum gk_rc (*decode)(const char *, size_t, struct gk_err *))
{
    for (size_t i = 0; i < n; i++) {
        struct gk_err err = {0};
        size_t len = strlen(cases[i].body);
        char *copy = malloc(len + 1); /* exact size: ASan catches a read past len */
        cr_assert_not_null(copy);
        memcpy(copy, cases[i].body, len);
        enum gk_rc rc = decode(copy, len, &err);
        cr_assert_eq(rc, cases[i].rc, "%s case %zu (%s): got %s \"%s\"", what, i,
                     cases[i].body, gk_err_name(rc), err.msg);
        cr_assert_not_null(strstr(err.msg, cases[i].msg),
                           "%s case %zu: \"%s\" lacks \"%s\"", what, i, err.msg,
                           cases[i].msg);
        free(copy);
    }
}

static enum gk_rc question(const char *data, size_t len, struct gk_err *err)
{
    struct gk_question_request q;
    memset(&q, 0xa5, sizeof q);
    enum gk_rc rc = gk_codec_decode_question_request(data, len, NULL, &q, err);
    if (rc != GK_OK)
        cr_assert(q.content == NULL && !q.enable_visualization, "zeroed after failure");
    gk_types_question_request_cleanup(&q);
    return rc;
}

static enum gk_rc feedback(const char *data, size_t len, struct gk_err *err)
{
    struct gk_feedback_request f;
    memset(&f, 0xa5, sizeof f);
    enum gk_rc rc = gk_codec_decode_feedback_request(data, len, NULL, &f, err);
    if (rc != GK_OK)
        cr_assert(f.comment == NULL && f.rating == 0, "zeroed after failure");
    gk_types_feedback_request_cleanup(&f);
    return rc;
}

static enum gk_rc empty(const char *data, size_t len, struct gk_err *err)
{
    return gk_codec_decode_empty_request(data, len, NULL, err);
}

Test(codec, bad_question_bodies_are_refused_naming_the_problem)
{
    check_bad(bad_questions, N_OF(bad_questions), "question", question);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, bad_feedback_bodies_are_refused_naming_the_field)
{
    check_bad(bad_feedback, N_OF(bad_feedback), "feedback", feedback);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, bad_empty_bodies_are_refused)
{
    check_bad(bad_empty, N_OF(bad_empty), "empty", empty);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, good_question_bodies_are_accepted_and_unknown_fields_ignored)
{
    static const struct {
        const char *body, *content;
        bool viz;
    } cases[] = {
        {"{\"content\":\"What were sales?\"}", "What were sales?", false},
        {" {\"content\":\"a\",\"enable_visualization\":true}\n", "a", true},
        {"{\"enable_visualization\":false,\"content\":\"a\"}", "a", false},
        {"{\"content\":\"a\",\"enable_visualization\":null}", "a", false},
        {"{\"content\":\"caf\\u00e9 \\ud83d\\ude00 \xe4\xb8\xad\"}",
         "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe4\xb8\xad", false},
        {"{\"content\":\"a\",\"conversation_id\":\"x\",\"future\":{\"n\":[1,-2.5e3,{}]}}",
         "a", false},
        {"{\"content\":\"  \"}", "  ", false},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct gk_question_request q;
        struct gk_err err = {0};
        cr_assert_eq(gk_codec_decode_question_request(
                         cases[i].body, strlen(cases[i].body), NULL, &q, &err),
                     GK_OK, "case %zu: %s", i, err.msg);
        cr_assert_str_eq(q.content, cases[i].content);
        cr_assert_eq(q.enable_visualization, cases[i].viz);
        gk_types_question_request_cleanup(&q);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(codec, feedback_is_accepted_in_both_spellings)
{
    static const struct {
        const char *body;
        enum gk_rating rating;
        const char *comment;
    } cases[] = {
        {"{\"rating\":\"POSITIVE\"}", GK_RATING_POSITIVE, NULL},
        {"{\"rating\":\"NEGATIVE\",\"comment\":\"wrong table\"}", GK_RATING_NEGATIVE,
         "wrong table"},
        {"{\"rating\":\"NONE\",\"comment\":null}", GK_RATING_NONE, NULL},
        {"{\"feedback_rating\":\"POSITIVE\",\"feedback_text\":\"great\"}",
         GK_RATING_POSITIVE, "great"},
        {"{\"feedback_rating\":\"NEGATIVE\",\"comment\":\"mixed\"}", GK_RATING_NEGATIVE,
         "mixed"},
        {"{\"rating\":\"POSITIVE\",\"new\":[1]}", GK_RATING_POSITIVE, NULL},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct gk_feedback_request f;
        struct gk_err err = {0};
        cr_assert_eq(gk_codec_decode_feedback_request(
                         cases[i].body, strlen(cases[i].body), NULL, &f, &err),
                     GK_OK, "case %zu: %s", i, err.msg);
        cr_assert_eq(f.rating, cases[i].rating, "case %zu", i);
        if (cases[i].comment == NULL)
            cr_assert_null(f.comment);
        else
            cr_assert_str_eq(f.comment, cases[i].comment);
        gk_types_feedback_request_cleanup(&f);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(codec, empty_bodies_accept_nothing_or_any_object)
{
    static const char *const good[] = {"", " \r\n\t", "{}", " { } ",
                                       "{\"a\":[1,{\"b\":null}]}"};
    for (size_t i = 0; i < N_OF(good); i++) {
        struct gk_err err = {0};
        cr_assert_eq(gk_codec_decode_empty_request(good[i], strlen(good[i]), NULL, &err),
                     GK_OK, "case %zu: %s", i, err.msg);
    }
    cr_assert_eq(gk_codec_decode_empty_request(NULL, 0, NULL, NULL), GK_OK);
    GK_ASSERT_NO_LEAKS();
}

/* A body nested `depth` levels deep: {"content":"a","x":[[...]]}. */
static char *nested(size_t depth)
{
    size_t arrays = depth - 1, len = 0;
    char *s = zalloc(1, 32 + 2 * arrays);
    len += (size_t)sprintf(s, "{\"content\":\"a\",\"x\":");
    memset(s + len, '[', arrays);
    memset(s + len + arrays, ']', arrays);
    s[len + 2 * arrays] = '}';
    return s;
}

Test(codec, limits_have_defaults_and_can_be_changed)
{
    struct gk_question_request q;
    struct gk_err err = {0};

    /* depth: 32 by default, counted before cJSON sees the body */
    char *ok = nested(32), *deep = nested(33), *very = nested(100000);
    cr_assert_eq(gk_codec_decode_question_request(ok, strlen(ok), NULL, &q, &err), GK_OK,
                 "%s", err.msg);
    gk_types_question_request_cleanup(&q);
    cr_assert_eq(gk_codec_decode_question_request(deep, strlen(deep), NULL, &q, &err),
                 GK_MALFORMED_REQUEST);
    cr_assert_not_null(strstr(err.msg, "body: nested deeper than 32 levels at byte 50"),
                       "%s", err.msg);
    gk_err_clear(&err);
    cr_assert_eq(gk_codec_decode_question_request(very, strlen(very), NULL, &q, &err),
                 GK_MALFORMED_REQUEST);
    gk_err_clear(&err);
    struct gk_codec_limits shallow = {.max_depth = 2};
    cr_assert_eq(gk_codec_decode_question_request(ok, strlen(ok), &shallow, &q, &err),
                 GK_MALFORMED_REQUEST);
    cr_assert_eq(gk_codec_decode_empty_request(ok, strlen(ok), &shallow, NULL),
                 GK_MALFORMED_REQUEST);
    free(ok);
    free(deep);
    free(very);

    /* strings: 32 KiB by default */
    size_t max = GK_CODEC_DEFAULT_MAX_STRING_BYTES;
    char *body = zalloc(1, max + 32);
    for (size_t n = max; n <= max + 1; n++) {
        int len = sprintf(body, "{\"content\":\"%0*d\"}", (int)n, 0);
        gk_err_clear(&err);
        enum gk_rc rc =
            gk_codec_decode_question_request(body, (size_t)len, NULL, &q, &err);
        cr_assert_eq(rc, n == max ? GK_OK : GK_INVALID_PARAMETER_VALUE, "%zu bytes", n);
        gk_types_question_request_cleanup(&q);
    }
    cr_assert_str_eq(err.msg, "content: 32769 bytes, more than the limit of 32768");
    struct gk_codec_limits small = {.max_string_bytes = 8};
    gk_err_clear(&err);
    cr_assert_eq(gk_codec_decode_question_request("{\"content\":\"12345678\"}", 22,
                                                  &small, &q, &err),
                 GK_OK);
    gk_types_question_request_cleanup(&q);
    static const char long_comment[] = "{\"rating\":\"NONE\",\"comment\":\"123456789\"}";
    cr_assert_eq(gk_codec_decode_feedback_request(long_comment, sizeof long_comment - 1,
                                                  &small,
                                                  &(struct gk_feedback_request){0}, &err),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(err.msg, "comment: 9 bytes, more than the limit of 8");

    /* the whole body: 1 MiB by default */
    struct gk_codec_limits tiny = {.max_body_bytes = 10};
    gk_err_clear(&err);
    cr_assert_eq(
        gk_codec_decode_question_request("{\"content\":\"abc\"}", 17, &tiny, &q, &err),
        GK_REQUEST_ENTITY_TOO_LARGE);
    cr_assert_str_eq(err.msg, "body: 17 bytes, more than the limit of 10");
    cr_assert_eq(gk_codec_decode_empty_request("           ", 11, &tiny, NULL),
                 GK_REQUEST_ENTITY_TOO_LARGE);
    free(body);
    body = zalloc(1, GK_CODEC_DEFAULT_MAX_BODY_BYTES + 1);
    memset(body, ' ', GK_CODEC_DEFAULT_MAX_BODY_BYTES + 1);
    cr_assert_eq(gk_codec_decode_empty_request(body, GK_CODEC_DEFAULT_MAX_BODY_BYTES + 1,
                                               NULL, NULL),
                 GK_REQUEST_ENTITY_TOO_LARGE);
    free(body);
    GK_ASSERT_NO_LEAKS();
}

/* Clients (genie-gen) encode what the mock decodes. */
Test(codec, request_encoders_write_what_the_strict_decoders_read)
{
    struct gk_question_request q = {.content = xstrdup("Sales \"by\" region?\n")};
    struct gk_question_request qb;
    char *out = NULL;
    size_t len = 0;

    cr_assert_eq(gk_codec_encode_question_request(&q, NULL, &out, &len, NULL), GK_OK);
    cr_assert_str_eq(out, "{\"content\":\"Sales \\\"by\\\" region?\\n\"}");
    cr_assert_eq(gk_codec_decode_question_request(out, len, NULL, &qb, NULL), GK_OK);
    cr_assert_str_eq(qb.content, q.content);
    gk_types_question_request_cleanup(&qb);
    free(out);
    q.enable_visualization = true;
    cr_assert_eq(gk_codec_encode_question_request(&q, NULL, &out, &len, NULL), GK_OK);
    cr_assert_not_null(strstr(out, ",\"enable_visualization\":true}"));
    free(out);
    gk_types_question_request_cleanup(&q);

    struct gk_feedback_request f = {.rating = GK_RATING_NEGATIVE,
                                    .comment = xstrdup("no")};
    struct gk_feedback_request fb;
    static const struct gk_codec_opts legacy = {.legacy_feedback_names = true};
    cr_assert_eq(gk_codec_encode_feedback_request(&f, NULL, &out, &len, NULL), GK_OK);
    cr_assert_str_eq(out, "{\"rating\":\"NEGATIVE\",\"comment\":\"no\"}");
    free(out);
    cr_assert_eq(gk_codec_encode_feedback_request(&f, &legacy, &out, &len, NULL), GK_OK);
    cr_assert_str_eq(out, "{\"feedback_rating\":\"NEGATIVE\",\"feedback_text\":\"no\"}");
    cr_assert_eq(gk_codec_decode_feedback_request(out, len, NULL, &fb, NULL), GK_OK);
    cr_assert_eq(fb.rating, GK_RATING_NEGATIVE);
    cr_assert_str_eq(fb.comment, "no");
    gk_types_feedback_request_cleanup(&fb);
    free(out);
    gk_types_feedback_request_cleanup(&f);
    GK_ASSERT_NO_LEAKS();
}
