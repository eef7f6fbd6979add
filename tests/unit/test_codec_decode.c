/*
 * Lenient response decoding: what genie-gen must survive from the real
 * service (unknown values and members, int64 as strings, legacy ids, both
 * row encodings), and exact int64 through cJSON's doubles.
 */
#include "tests/unit/codec_test.h"

#include <inttypes.h>

/* Typed rows decode to the same rows as data_array. */
Test(codec, typed_rows_and_data_array_decode_alike)
{
    char *a = example_body("query_result_succeeded");
    char *b = example_body("query_result_succeeded_legacy_typed_rows");
    struct gk_statement_response x = {0}, y = {0};
    cr_assert_eq(gk_codec_decode_statement_response(a, strlen(a), &x, NULL), GK_OK);
    cr_assert_eq(gk_codec_decode_statement_response(b, strlen(b), &y, NULL), GK_OK);
    cr_assert_eq(x.result->row_count, 4);
    cr_assert_eq(y.result->row_count, 4);
    for (size_t r = 0; r < 4; r++) {
        cr_assert_eq(y.result->rows[r].value_count, 2);
        for (size_t c = 0; c < 2; c++)
            cr_assert_str_eq(y.result->rows[r].values[c], x.result->rows[r].values[c]);
    }
    cr_assert_str_eq(x.result->rows[3].values[1], "655118.75");
    cr_assert_eq(x.state, GK_STMT_SUCCEEDED);
    cr_assert_str_eq(x.manifest->columns[1].type_text, "DECIMAL(28,2)");
    cr_assert_eq(x.manifest->columns[1].position, 1);
    gk_types_statement_response_cleanup(&x);
    gk_types_statement_response_cleanup(&y);
    free(a);
    free(b);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, large_int64_values_survive_exactly)
{
    static const int64_t values[] = {5511969577895513,
                                     9007199254740993,
                                     9007199254740992,
                                     -9007199254740993,
                                     INT64_MAX,
                                     INT64_MIN,
                                     1787130000123,
                                     1,
                                     -1};
    for (size_t i = 0; i < N_OF(values); i++) {
        struct gk_message m = {.message_id = xstrdup("m"), .user_id = values[i]};
        m.created_timestamp = m.last_updated_timestamp = values[i];
        char *out = encode_message(&m, NULL), want[64];
        snprintf(want, sizeof want, "\"user_id\":%" PRId64 ",", values[i]);
        cr_assert_not_null(strstr(out, want), "%s not in %s", want, out);
        struct gk_message back;
        cr_assert_eq(gk_codec_decode_message(out, strlen(out), &back, NULL), GK_OK);
        cr_assert_eq(back.user_id, values[i], "%" PRId64 " came back as %" PRId64,
                     values[i], back.user_id);
        cr_assert_eq(back.created_timestamp, values[i]);
        cr_assert_eq(back.last_updated_timestamp, values[i]);
        gk_types_message_cleanup(&back);
        gk_types_message_cleanup(&m);
        free(out);
    }
    GK_ASSERT_NO_LEAKS();
}

/* Big integers are matched to cJSON's items by their order among all the
 * numbers: numbers inside strings, decimals and exponents must not shift it. */
Test(codec, big_integers_are_paired_with_the_right_fields)
{
    static const char body[] =
        "{\"x\":[1,2.5,-3e2,{\"y\":12345678901234567},1e400],"
        "\"content\":\"9007199254740995 \\\"-12345678901234567\\\" \\\\\","
        "\"message_id\":\"m\",\"created_timestamp\":1787130000123,"
        "\"user_id\":9007199254740993,\"last_updated_timestamp\":-9007199254740993}";
    struct gk_message m;
    struct gk_err err = {0};
    cr_assert_eq(gk_codec_decode_message(body, sizeof body - 1, &m, &err), GK_OK, "%s",
                 err.msg);
    cr_assert_eq(m.user_id, 9007199254740993);
    cr_assert_eq(m.last_updated_timestamp, -9007199254740993);
    cr_assert_eq(m.created_timestamp, 1787130000123);
    cr_assert_str_eq(m.content, "9007199254740995 \"-12345678901234567\" \\");
    gk_types_message_cleanup(&m);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, responses_are_read_leniently)
{
    struct gk_message m;
    struct gk_err err = {0};
#define DECODE(body) gk_codec_decode_message(body, strlen(body), &m, &err)

    /* unknown status: kept, and re-encoded as it came */
    cr_assert_eq(DECODE("{\"message_id\":\"m\",\"status\":\"IN_PROGRESS\"}"), GK_OK);
    cr_assert_eq(m.status, GK_MSG_UNKNOWN);
    cr_assert_str_eq(m.status_raw, "IN_PROGRESS");
    char *out = encode_message(&m, NULL);
    cr_assert_not_null(strstr(out, "\"status\":\"IN_PROGRESS\""));
    free(out);
    gk_types_message_cleanup(&m);

    /* no status at all: unknown without a raw string, and left out */
    cr_assert_eq(DECODE("{\"message_id\":\"m\"}"), GK_OK);
    cr_assert_eq(m.status, GK_MSG_UNKNOWN);
    cr_assert_null(m.status_raw);
    out = encode_message(&m, NULL);
    cr_assert_null(strstr(out, "status"));
    free(out);
    gk_types_message_cleanup(&m);

    /* old servers: only id; message_id wins when both are there */
    cr_assert_eq(DECODE("{\"id\":\"old\",\"status\":\"COMPLETED\"}"), GK_OK);
    cr_assert_str_eq(m.message_id, "old");
    cr_assert_eq(m.status, GK_MSG_COMPLETED);
    gk_types_message_cleanup(&m);
    cr_assert_eq(DECODE("{\"id\":\"a\",\"message_id\":\"b\"}"), GK_OK);
    cr_assert_str_eq(m.message_id, "b");
    gk_types_message_cleanup(&m);
    cr_assert_eq(DECODE("{\"message_id\":\"\",\"id\":\"c\"}"), GK_OK);
    cr_assert_str_eq(m.message_id, "c", "an empty message_id is no id");
    gk_types_message_cleanup(&m);

    /* int64 as numeric strings (Python SDK _int64); junk reads as 0 */
    cr_assert_eq(
        DECODE("{\"message_id\":\"m\",\"user_id\":\"5511969577895513\","
               "\"created_timestamp\":\"-12\",\"last_updated_timestamp\":\"12a\"}"),
        GK_OK);
    cr_assert_eq(m.user_id, 5511969577895513);
    cr_assert_eq(m.created_timestamp, -12);
    cr_assert_eq(m.last_updated_timestamp, 0);
    gk_types_message_cleanup(&m);
    cr_assert_eq(DECODE("{\"message_id\":\"m\",\"user_id\":\"99999999999999999999\","
                        "\"created_timestamp\":1.5,\"last_updated_timestamp\":true}"),
                 GK_OK);
    cr_assert_eq(m.user_id, 0, "out of int64 range");
    cr_assert_eq(m.created_timestamp, 0, "not an integer");
    cr_assert_eq(m.last_updated_timestamp, 0);
    gk_types_message_cleanup(&m);

    /* unknown members anywhere, wrong types, non-object elements */
    cr_assert_eq(
        DECODE("{\"message_id\":\"m\",\"new_field\":{\"a\":[1,2]},\"content\":5,"
               "\"error\":\"oops\",\"attachments\":[1,null,\"x\",{\"chart\":{},"
               "\"attachment_id\":\"a1\"},{\"text\":{\"content\":\"hi\","
               "\"purpose\":\"NEW_PURPOSE\",\"phase\":\"RESPONSE_PHASE_THINKING\"}}],"
               "\"feedback\":{\"rating\":\"THUMBS_UP\"}}"),
        GK_OK, "%s", err.msg);
    cr_assert_null(m.content);
    cr_assert_null(m.error);
    cr_assert_eq(m.attachment_count, 2);
    cr_assert_str_eq(m.attachments[0].attachment_id, "a1");
    cr_assert_null(m.attachments[0].query);
    cr_assert_str_eq(m.attachments[1].text->content, "hi");
    cr_assert_eq(m.attachments[1].text->purpose, GK_TEXT_PURPOSE_UNKNOWN);
    cr_assert_str_eq(m.attachments[1].text->purpose_raw, "NEW_PURPOSE");
    cr_assert_eq(m.feedback->rating, GK_RATING_UNKNOWN);
    cr_assert_str_eq(m.feedback->rating_raw, "THUMBS_UP");
    gk_types_message_cleanup(&m);
#undef DECODE
    GK_ASSERT_NO_LEAKS();
}

Test(codec, other_responses_are_read_leniently_too)
{
    static const char stmt[] =
        "{\"statement_id\":\"s\",\"status\":{\"state\":\"QUEUED\",\"error\":{\"error_"
        "code\":"
        "\"NOT_FOUND\",\"message\":\"gone\"},\"sql_state\":\"42P01\"},\"result\":{"
        "\"data_array\":[[\"a\",null,59,true,{\"x\":1},12345678901234567],\"bad row\"]}}";
    struct gk_statement_response s;
    cr_assert_eq(gk_codec_decode_statement_response(stmt, sizeof stmt - 1, &s, NULL),
                 GK_OK, "a bare StatementResponse is accepted");
    cr_assert_eq(s.state, GK_STMT_UNKNOWN);
    cr_assert_str_eq(s.state_raw, "QUEUED");
    cr_assert_str_eq(s.error->error_code, "NOT_FOUND");
    cr_assert_str_eq(s.sql_state, "42P01");
    cr_assert_eq(s.result->row_count, 2);
    const struct gk_result_row *r = &s.result->rows[0];
    cr_assert_eq(r->value_count, 6);
    cr_assert_str_eq(r->values[0], "a");
    cr_assert_null(r->values[1]);
    cr_assert_str_eq(r->values[2], "59");
    cr_assert_str_eq(r->values[3], "true");
    cr_assert_null(r->values[4]);
    cr_assert_str_eq(r->values[5], "12345678901234567");
    cr_assert_eq(s.result->rows[1].value_count, 0, "an unreadable row stays, empty");
    gk_types_statement_response_cleanup(&s);

    static const char list[] = "{\"conversations\":[{\"id\":\"c1\",\"title\":\"t\"}],"
                               "\"next_page_token\":\"\"}";
    struct gk_conversation_list l;
    cr_assert_eq(gk_codec_decode_conversation_list(list, sizeof list - 1, &l, NULL),
                 GK_OK);
    cr_assert_str_eq(l.conversations[0].conversation_id, "c1");
    cr_assert_null(l.next_page_token, "an empty token means the last page");
    gk_types_conversation_list_cleanup(&l);

    static const char host[] =
        "{\"oidc_endpoint\":\"https://h/oidc\",\"workspace_id\":"
        "1234567890123457,\"token_federation_default_oidc_audiences\":[]}";
    struct gk_host_metadata h;
    cr_assert_eq(gk_codec_decode_host_metadata(host, sizeof host - 1, &h, NULL), GK_OK);
    cr_assert_str_eq(h.workspace_id, "1234567890123457");
    gk_types_host_metadata_cleanup(&h);

    static const char tok[] = " {\"access_token\":\"x\",\"expires_in\":\"3600\"}\r\n";
    struct gk_oauth_token t;
    cr_assert_eq(gk_codec_decode_oauth_token(tok, sizeof tok - 1, &t, NULL), GK_OK);
    cr_assert_eq(t.expires_in, 3600);
    cr_assert_null(t.token_type);
    gk_types_oauth_token_cleanup(&t);

    static const char space[] = "{\"space_id\":\"s\",\"create_time\":\"yesterday\","
                                "\"update_time\":\"2026-11-21T07:31:26.123+01:00\"}";
    struct gk_space sp;
    cr_assert_eq(gk_codec_decode_space(space, sizeof space - 1, &sp, NULL), GK_OK);
    cr_assert_eq(sp.create_time_ms, 0, "an unreadable time is left unset");
    cr_assert_eq(sp.update_time_ms, 1795242686123);
    gk_types_space_cleanup(&sp);
    GK_ASSERT_NO_LEAKS();
}

/* Bodies are bytes plus a length: nothing is read past len. */
Test(codec, input_need_not_be_nul_terminated)
{
    static const char body[] = "{\"message_id\":\"m\"}{\"garbage";
    struct gk_message m;
    char *copy = malloc(18); /* exactly the object, no NUL */
    cr_assert_not_null(copy);
    memcpy(copy, body, 18);
    cr_assert_eq(gk_codec_decode_message(copy, 18, &m, NULL), GK_OK);
    cr_assert_str_eq(m.message_id, "m");
    gk_types_message_cleanup(&m);
    struct gk_question_request q;
    memcpy(copy, "{\"content\":\"abcd\"}", 18);
    cr_assert_eq(gk_codec_decode_question_request(copy, 18, NULL, &q, NULL), GK_OK);
    cr_assert_str_eq(q.content, "abcd");
    gk_types_question_request_cleanup(&q);
    free(copy);
    GK_ASSERT_NO_LEAKS();
}
