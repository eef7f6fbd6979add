/*
 * Encoding against the wire contract: hand-built structs compared with the
 * example bodies of fixtures/genie-api-examples.json, decode-then-encode of
 * every example, the encoder's switches and its caller-bug errors.
 */
#include "tests/unit/codec_test.h"

#include <inttypes.h>

/* ---- one entry point per body kind, so tables can name them ---- */

enum kind {
    K_SPACE,
    K_SPACE_LIST,
    K_CONVERSATION,
    K_CONVERSATION_LIST,
    K_MESSAGE,
    K_MESSAGE_LIST,
    K_START,
    K_STATEMENT,
    K_TOKEN,
    K_HOST,
    K_OIDC,
    K_QUESTION,
    K_FEEDBACK
};

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return false;
    return true;
}

/* Decodes body as kind k; on success re-encodes it with o into *out (if
 * out is not NULL). Checks that a failed decode leaves its output zeroed. */
static enum gk_rc recode(enum kind k, const char *body, size_t len,
                         const struct gk_codec_opts *o, char **out, struct gk_err *err)
{
    union {
        struct gk_space space;
        struct gk_space_list space_list;
        struct gk_conversation conversation;
        struct gk_conversation_list conversation_list;
        struct gk_message message;
        struct gk_message_list message_list;
        struct gk_start_conversation start;
        struct gk_statement_response statement;
        struct gk_oauth_token token;
        struct gk_host_metadata host;
        struct gk_oidc_discovery oidc;
        struct gk_question_request question;
        struct gk_feedback_request feedback;
    } u;
    enum gk_rc rc = GK_INTERNAL_ERROR;
    char *enc = NULL;

    memset(&u, 0xa5, sizeof u); /* decoders must overwrite, not trust, *out */
#define GK_RECODE(kind, field, thing, cleanup)                                           \
    case kind:                                                                           \
        rc = gk_codec_decode_##thing(body, len, &u.field, err);                          \
        if (rc == GK_OK)                                                                 \
            rc = gk_codec_encode_##thing(&u.field, o, &enc, NULL, err);                  \
        else                                                                             \
            cr_assert(all_zero(&u.field, sizeof u.field),                                \
                      #thing ": output not zeroed after failure");                       \
        cleanup(&u.field);                                                               \
        break;
    switch (k) {
        GK_RECODE(K_SPACE, space, space, gk_types_space_cleanup)
        GK_RECODE(K_SPACE_LIST, space_list, space_list, gk_types_space_list_cleanup)
        GK_RECODE(K_CONVERSATION, conversation, conversation,
                  gk_types_conversation_cleanup)
        GK_RECODE(K_CONVERSATION_LIST, conversation_list, conversation_list,
                  gk_types_conversation_list_cleanup)
        GK_RECODE(K_MESSAGE, message, message, gk_types_message_cleanup)
        GK_RECODE(K_MESSAGE_LIST, message_list, message_list,
                  gk_types_message_list_cleanup)
        GK_RECODE(K_START, start, start_conversation, gk_types_start_conversation_cleanup)
        GK_RECODE(K_STATEMENT, statement, statement_response,
                  gk_types_statement_response_cleanup)
        GK_RECODE(K_TOKEN, token, oauth_token, gk_types_oauth_token_cleanup)
        GK_RECODE(K_HOST, host, host_metadata, gk_types_host_metadata_cleanup)
        GK_RECODE(K_OIDC, oidc, oidc_discovery, gk_types_oidc_discovery_cleanup)
    case K_QUESTION:
        rc = gk_codec_decode_question_request(body, len, NULL, &u.question, err);
        if (rc == GK_OK)
            rc = gk_codec_encode_question_request(&u.question, o, &enc, NULL, err);
        gk_types_question_request_cleanup(&u.question);
        break;
    case K_FEEDBACK:
        rc = gk_codec_decode_feedback_request(body, len, NULL, &u.feedback, err);
        if (rc == GK_OK)
            rc = gk_codec_encode_feedback_request(&u.feedback, o, &enc, NULL, err);
        gk_types_feedback_request_cleanup(&u.feedback);
        break;
    }
#undef GK_RECODE
    if (out != NULL)
        *out = enc;
    else
        free(enc);
    return rc;
}

/* Every example body: decode, encode, and the output has the example's
 * members with the same JSON types and values (and nothing else). */
Test(codec, examples_survive_decode_and_encode_unchanged)
{
    static const struct gk_codec_opts typed = {.typed_rows = true};
    static const struct {
        const char *example;
        enum kind kind;
        const struct gk_codec_opts *opts;
    } cases[] = {
        {"start_conversation_response", K_START, NULL},
        {"message_fetching_metadata", K_MESSAGE, NULL},
        {"message_asking_ai", K_MESSAGE, NULL},
        {"message_executing_query", K_MESSAGE, NULL},
        {"message_completed", K_MESSAGE, NULL},
        {"followup_create_message_response", K_MESSAGE, NULL},
        {"message_failed", K_MESSAGE, NULL},
        {"message_completed_text_only", K_MESSAGE, NULL},
        {"query_result_running", K_STATEMENT, NULL},
        {"query_result_succeeded", K_STATEMENT, NULL},
        {"query_result_succeeded_legacy_typed_rows", K_STATEMENT, &typed},
        {"list_conversations_response", K_CONVERSATION_LIST, NULL},
        {"oauth_token_response", K_TOKEN, NULL},
        {"oauth_host_metadata_response", K_HOST, NULL},
        {"oauth_discovery_response", K_OIDC, NULL},
        {"start_conversation_request", K_QUESTION, NULL},
        {"followup_create_message_request", K_QUESTION, NULL},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct gk_err err = {0};
        char *body = example_body(cases[i].example), *out = NULL;
        cr_assert_eq(recode(cases[i].kind, body, strlen(body), cases[i].opts, &out, &err),
                     GK_OK, "%s: %s", cases[i].example, err.msg);
        assert_matches_example(out, cases[i].example);
        free(body);
        free(out);
    }
    GK_ASSERT_NO_LEAKS();
}

/* ---- hand-built structs against the examples (the encoder alone) ---- */

static void fill_failed_message(struct gk_message *m)
{
    memset(m, 0, sizeof *m);
    m->message_id = xstrdup("01f1b4ea12d31a6c8e5f0b7d2c4a9e71");
    m->conversation_id = xstrdup("01f1b4e8a90c1f7a8d2e4c6b9a0f1e33");
    m->space_id = xstrdup("01f1a7c3e2b01d4c9a1f6e0b3c5d7e21");
    m->content = xstrdup("Break the West region down by product category.");
    m->status = GK_MSG_FAILED;
    m->user_id = 4213378824551907;
    m->created_timestamp = 1787130060123;
    m->last_updated_timestamp = 1787130074333;
    m->attachment_count = 1;
    m->attachments = zalloc(1, sizeof *m->attachments);
    m->attachments[0].attachment_id = xstrdup("01f1b4ea2b6c1e4f9a7d3c5b1e0f8a92");
    struct gk_query_attachment *q = zalloc(1, sizeof *q);
    q->title = xstrdup("West sales by product category, last month");
    q->description =
        xstrdup("You want last month's West region sales split by product category.");
    q->query =
        xstrdup("SELECT `category`, SUM(`amount`) AS `total_sales`\nFROM "
                "`main`.`sales`.`order_items`\nWHERE `region` = 'West'\nGROUP BY ALL");
    q->statement_id = xstrdup("01f1b4ea-2b7d-1a38-b6e1-3f9c0d2e4a71");
    m->attachments[0].query = q;
    m->error = zalloc(1, sizeof *m->error);
    m->error->error =
        xstrdup("[TABLE_OR_VIEW_NOT_FOUND] The table or view "
                "`main`.`sales`.`order_items` cannot be found. SQLSTATE: 42P01");
    m->error->type = xstrdup("SQL_EXECUTION_EXCEPTION");
}

Test(codec, a_built_message_encodes_as_the_failed_example)
{
    struct gk_message m;
    fill_failed_message(&m);
    char *out = encode_message(&m, NULL);
    assert_matches_example(out, "message_failed");
    cr_assert_not_null(strstr(out, "\"message_id\":\"01f1b4ea12d31a6c8e5f0b7d2c4a9e71\","
                                   "\"id\":\"01f1b4ea12d31a6c8e5f0b7d2c4a9e71\""),
                       "both ids, same value: %s", out);
    cr_assert_not_null(strstr(out, "\"user_id\":4213378824551907,"), "a JSON number");
    cr_assert_null(strchr(out, '\n'), "compact output");
    free(out);
    gk_types_message_cleanup(&m);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, text_attachments_carry_no_id_unless_asked)
{
    struct gk_message m = {0};
    m.message_id = xstrdup("01f1b4ec5d8e17a2b4c6e8f0a1b3c5d7");
    m.conversation_id = xstrdup("01f1b4e8a90c1f7a8d2e4c6b9a0f1e33");
    m.space_id = xstrdup("01f1a7c3e2b01d4c9a1f6e0b3c5d7e21");
    m.content = xstrdup("Which quarter do you mean?");
    m.status = GK_MSG_COMPLETED;
    m.user_id = 4213378824551907;
    m.created_timestamp = 1787130120123;
    m.last_updated_timestamp = 1787130125323;
    m.attachment_count = 1;
    m.attachments = zalloc(1, sizeof *m.attachments);
    m.attachments[0].attachment_id = xstrdup("01f1b4ec5d8e17a2b4c6e8f0a1b3c5ff");
    m.attachments[0].text = zalloc(1, sizeof *m.attachments[0].text);
    m.attachments[0].text->content = xstrdup("Do you mean the fiscal quarter or the "
                                             "calendar quarter? The space defines both.");
    m.attachments[0].text->purpose = GK_TEXT_PURPOSE_FOLLOW_UP_QUESTION;

    char *out = encode_message(&m, NULL);
    assert_matches_example(out, "message_completed_text_only");
    free(out);
    static const struct gk_codec_opts ids = {.text_attachment_ids = true};
    out = encode_message(&m, &ids);
    cr_assert_not_null(strstr(out,
                              "{\"attachment_id\":\"01f1b4ec5d8e17a2b4c6e8f0a1b3c5ff\","
                              "\"text\":{"),
                       "%s", out);
    free(out);
    gk_types_message_cleanup(&m);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, absent_parts_are_left_out_or_null_when_asked)
{
    struct gk_message m = {.message_id = xstrdup("m"), .status = GK_MSG_SUBMITTED};
    char *out = encode_message(&m, NULL);
    cr_assert_str_eq(out, "{\"message_id\":\"m\",\"id\":\"m\",\"status\":\"SUBMITTED\"}");
    free(out);
    static const struct gk_codec_opts nulls = {.null_attachments = true};
    out = encode_message(&m, &nulls);
    cr_assert_str_eq(out, "{\"message_id\":\"m\",\"id\":\"m\",\"status\":\"SUBMITTED\","
                          "\"attachments\":null}");
    free(out);
    gk_types_message_cleanup(&m);

    struct gk_conversation_list l = {0};
    char *enc = NULL;
    cr_assert_eq(gk_codec_encode_conversation_list(&l, NULL, &enc, NULL, NULL), GK_OK);
    cr_assert_str_eq(enc, "{}", "no conversations, last page");
    free(enc);
    l.next_page_token = xstrdup("CAIQAhoQ");
    cr_assert_eq(gk_codec_encode_conversation_list(&l, NULL, &enc, NULL, NULL), GK_OK);
    cr_assert_str_eq(enc, "{\"next_page_token\":\"CAIQAhoQ\"}");
    free(enc);
    gk_types_conversation_list_cleanup(&l);
    GK_ASSERT_NO_LEAKS();
}

static void fill_succeeded_statement(struct gk_statement_response *s)
{
    static const char *const cells[4][2] = {{"West", "1284310.50"},
                                            {"East", "1102877.00"},
                                            {"Central", "874020.25"},
                                            {"South", "655118.75"}};
    memset(s, 0, sizeof *s);
    s->statement_id = xstrdup("01f1b4e8-c40b-1d66-9e2a-7b4c1d0e3f58");
    s->state = GK_STMT_SUCCEEDED;
    s->manifest = zalloc(1, sizeof *s->manifest);
    s->manifest->format = xstrdup("JSON_ARRAY");
    s->manifest->column_count = 2;
    s->manifest->columns = zalloc(2, sizeof *s->manifest->columns);
    s->manifest->columns[0] = (struct gk_column){.name = xstrdup("region"),
                                                 .type_name = xstrdup("STRING"),
                                                 .type_text = xstrdup("STRING")};
    s->manifest->columns[1] = (struct gk_column){.name = xstrdup("total_sales"),
                                                 .position = 1,
                                                 .type_name = xstrdup("DECIMAL"),
                                                 .type_text = xstrdup("DECIMAL(28,2)"),
                                                 .type_precision = 28,
                                                 .type_scale = 2,
                                                 .has_type_precision = true,
                                                 .has_type_scale = true};
    s->manifest->total_row_count = 4;
    s->manifest->total_chunk_count = 1;
    s->manifest->total_byte_count = 312;
    s->manifest->has_total_chunk_count = s->manifest->has_total_byte_count = true;
    s->manifest->chunk_count = 1;
    s->manifest->chunks = zalloc(1, sizeof *s->manifest->chunks);
    s->manifest->chunks[0] = (struct gk_chunk_info){.row_count = 4, .byte_count = 312};
    s->result = zalloc(1, sizeof *s->result);
    s->result->row_count = 4;
    s->result->rows = zalloc(4, sizeof *s->result->rows);
    for (size_t r = 0; r < 4; r++) {
        s->result->rows[r].value_count = 2;
        s->result->rows[r].values = zalloc(2, sizeof(char *));
        for (size_t c = 0; c < 2; c++)
            s->result->rows[r].values[c] = xstrdup(cells[r][c]);
    }
}

Test(codec, a_built_statement_encodes_as_both_row_encodings)
{
    struct gk_statement_response s;
    char *out = NULL;
    static const struct gk_codec_opts typed = {.typed_rows = true};

    fill_succeeded_statement(&s);
    cr_assert_eq(gk_codec_encode_statement_response(&s, NULL, &out, NULL, NULL), GK_OK);
    assert_matches_example(out, "query_result_succeeded");
    free(out);
    /* the legacy capture has no chunk list, totals or DECIMAL precision */
    struct gk_statement_manifest *m = s.manifest;
    free(m->chunks);
    m->chunks = NULL;
    m->chunk_count = 0;
    m->has_total_chunk_count = m->has_total_byte_count = false;
    m->columns[1].has_type_precision = m->columns[1].has_type_scale = false;
    cr_assert_eq(gk_codec_encode_statement_response(&s, &typed, &out, NULL, NULL), GK_OK);
    assert_matches_example(out, "query_result_succeeded_legacy_typed_rows");
    free(out);

    /* SQL NULL: null in data_array, a cell without "str" when typed */
    free(s.result->rows[0].values[1]);
    s.result->rows[0].values[1] = NULL;
    cr_assert_eq(gk_codec_encode_statement_response(&s, NULL, &out, NULL, NULL), GK_OK);
    cr_assert_not_null(strstr(out, "\"data_array\":[[\"West\",null],[\"East\""), "%s",
                       out);
    free(out);
    cr_assert_eq(gk_codec_encode_statement_response(&s, &typed, &out, NULL, NULL), GK_OK);
    cr_assert_not_null(
        strstr(out, "\"data_typed_array\":[{\"values\":[{\"str\":\"West\"},{}]}"), "%s",
        out);
    free(out);
    gk_types_statement_response_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, a_built_start_conversation_reply_has_top_level_and_nested_ids)
{
    static const char *const conv = "01f1b4e8a90c1f7a8d2e4c6b9a0f1e33";
    static const char *const msg = "01f1b4e8a9211c55b3e7d0a4f6c8e145";
    static const char *const space = "01f1a7c3e2b01d4c9a1f6e0b3c5d7e21";
    static const char *const q = "What were total sales by region last month?";
    struct gk_start_conversation s = {.conversation_id = xstrdup(conv),
                                      .message_id = xstrdup(msg)};
    s.conversation = zalloc(1, sizeof *s.conversation);
    *s.conversation =
        (struct gk_conversation){xstrdup(conv),    xstrdup(space), xstrdup(q),
                                 4213378824551907, 1787130000123,  1787130000123};
    s.message = zalloc(1, sizeof *s.message);
    s.message->message_id = xstrdup(msg);
    s.message->conversation_id = xstrdup(conv);
    s.message->space_id = xstrdup(space);
    s.message->content = xstrdup(q);
    s.message->status = GK_MSG_SUBMITTED;
    s.message->user_id = 4213378824551907;
    s.message->created_timestamp = s.message->last_updated_timestamp = 1787130000123;

    char *out = NULL;
    cr_assert_eq(gk_codec_encode_start_conversation(&s, NULL, &out, NULL, NULL), GK_OK);
    assert_matches_example(out, "start_conversation_response");
    free(out);
    gk_types_start_conversation_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, built_oauth_documents_encode_as_the_examples)
{
    char *out = NULL;
    struct gk_oauth_token t = {
        xstrdup("eyJraWQiOiJtb2NrIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYifQ."
                "eyJzdWIiOiJtb2NrLXNwIiwic2NvcGUiOiJhbGwtYXBpcyJ9.bW9jay1zaWduYXR1cmU"),
        xstrdup("Bearer"), 3600, xstrdup("all-apis")};
    cr_assert_eq(gk_codec_encode_oauth_token(&t, NULL, &out, NULL, NULL), GK_OK);
    assert_matches_example(out, "oauth_token_response");
    free(out);
    gk_types_oauth_token_cleanup(&t);

    struct gk_host_metadata h = {
        xstrdup("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/oidc"),
        xstrdup("7c1e0f4a-2b3d-4e5f-8a9b-0c1d2e3f4a5b"), xstrdup("1234567890123456"),
        xstrdup("AWS")};
    cr_assert_eq(gk_codec_encode_host_metadata(&h, NULL, &out, NULL, NULL), GK_OK);
    assert_matches_example(out, "oauth_host_metadata_response");
    free(out);
    gk_types_host_metadata_cleanup(&h);

    struct gk_oidc_discovery d = {
        xstrdup("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/oidc"),
        xstrdup("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/oidc/v1/authorize"),
        xstrdup("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/oidc/v1/token")};
    cr_assert_eq(gk_codec_encode_oidc_discovery(&d, NULL, &out, NULL, NULL), GK_OK);
    assert_matches_example(out, "oauth_discovery_response");
    free(out);
    gk_types_oidc_discovery_cleanup(&d);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, a_space_carries_rfc3339_times_and_round_trips)
{
    struct gk_space s = {.space_id = xstrdup("01f1a7c3e2b01d4c9a1f6e0b3c5d7e21"),
                         .title = xstrdup("Sales"),
                         .warehouse_id = xstrdup("abc123"),
                         .create_time_ms = 1795242686123,
                         .update_time_ms = 1795242686000};
    struct gk_space_list l = {.spaces = &s, .space_count = 1, .next_page_token = NULL};
    char *out = NULL;
    cr_assert_eq(gk_codec_encode_space_list(&l, NULL, &out, NULL, NULL), GK_OK);
    cr_assert_str_eq(out,
                     "{\"spaces\":[{\"space_id\":\"01f1a7c3e2b01d4c9a1f6e0b3c5d7e21\","
                     "\"title\":\"Sales\",\"warehouse_id\":\"abc123\","
                     "\"create_time\":\"2026-11-21T06:31:26.123Z\","
                     "\"update_time\":\"2026-11-21T06:31:26.000Z\"}]}");
    struct gk_space_list back = {0};
    cr_assert_eq(gk_codec_decode_space_list(out, strlen(out), &back, NULL), GK_OK);
    cr_assert_eq(back.space_count, 1);
    cr_assert_str_eq(back.spaces[0].title, "Sales");
    cr_assert_eq(back.spaces[0].create_time_ms, 1795242686123);
    cr_assert_eq(back.spaces[0].update_time_ms, 1795242686000);
    cr_assert_null(back.next_page_token);
    gk_types_space_list_cleanup(&back);
    free(out);
    gk_types_space_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

/* ---- int64 exactness ---- */

/* ---- lenient response decoding ---- */

/* Only structurally impossible responses fail, naming the field. */
Test(codec, impossible_responses_fail_naming_the_field)
{
    static const struct {
        enum kind kind;
        const char *body, *msg;
    } cases[] = {
        {K_MESSAGE, "", "body: empty"},
        {K_MESSAGE, "nope", "body: not valid JSON"},
        {K_MESSAGE, "[{\"message_id\":\"m\"}]",
         "body: expected a JSON object, got array"},
        {K_MESSAGE, "{\"message_id\":\"m\"} x",
         "body: unexpected data after the JSON value"},
        {K_MESSAGE, "{\"message_id\":\"m\"", "body: not valid JSON"},
        {K_MESSAGE, "{}", "message_id: missing (and no id)"},
        {K_MESSAGE, "{\"message_id\":5}", "message_id: missing"},
        {K_MESSAGE_LIST, "{\"messages\":[{\"id\":\"a\"},{\"content\":\"x\"}]}",
         "messages[1].message_id: missing"},
        {K_START, "{\"conversation_id\":\"c\"}", "message_id: missing"},
        {K_START, "{\"message_id\":\"m\"}", "conversation_id: missing"},
        {K_START, "{\"conversation_id\":\"c\",\"message_id\":\"m\",\"message\":{}}",
         "message.message_id: missing"},
        {K_STATEMENT, "{\"statement_response\":{\"status\":{\"state\":\"RUNNING\"}}}",
         "statement_response.statement_id: missing"},
        {K_CONVERSATION, "{\"title\":\"t\"}", "conversation_id: missing (and no id)"},
        {K_CONVERSATION_LIST, "{\"conversations\":[{\"title\":\"t\"}]}",
         "conversations[0].conversation_id: missing"},
        {K_SPACE, "{\"title\":\"x\"}", "space_id: missing"},
        {K_SPACE_LIST, "{\"spaces\":[{\"space_id\":\"s\"},{}]}",
         "spaces[1].space_id: missing"},
        {K_TOKEN, "{\"token_type\":\"Bearer\",\"expires_in\":3600}",
         "access_token: missing"},
        {K_HOST, "{\"cloud\":\"AWS\"}", "oidc_endpoint: missing"},
        {K_OIDC, "{\"issuer\":\"x\"}", "token_endpoint: missing"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct gk_err err = {0};
        char *out = NULL;
        enum gk_rc rc =
            recode(cases[i].kind, cases[i].body, strlen(cases[i].body), NULL, &out, &err);
        cr_assert_eq(rc, GK_BAD_RESPONSE, "case %zu (%s): rc %s", i, cases[i].body,
                     gk_err_name(rc));
        cr_assert_not_null(strstr(err.msg, cases[i].msg), "case %zu: \"%s\" lacks \"%s\"",
                           i, err.msg, cases[i].msg);
        cr_assert_null(out);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(codec, strings_are_escaped_and_read_back_unchanged)
{
    static const char content[] =
        "quote\" backslash\\ nl\n tab\t cr\r ctl\x01\x1f del\x7f "
        "slash/ \xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80";
    struct gk_message m = {.message_id = xstrdup("m"), .content = xstrdup(content)};
    char *out = encode_message(&m, NULL);
    cr_assert_not_null(strstr(out,
                              "\"content\":\"quote\\\" backslash\\\\ nl\\n tab\\t cr\\r "
                              "ctl\\u0001\\u001f del\x7f slash/ "),
                       "%s", out);
    cJSON *j = cJSON_Parse(out);
    cr_assert_not_null(j);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "content")->valuestring,
                     content);
    cJSON_Delete(j);
    struct gk_message back;
    cr_assert_eq(gk_codec_decode_message(out, strlen(out), &back, NULL), GK_OK);
    cr_assert_str_eq(back.content, content);
    gk_types_message_cleanup(&back);
    gk_types_message_cleanup(&m);
    free(out);
    GK_ASSERT_NO_LEAKS();
}

/* Unknown enum values with a raw string print that string; without one the
 * member is left out, never printed as "UNKNOWN". */
Test(codec, unknown_enum_values_print_their_raw_string_or_nothing)
{
    struct gk_statement_response s = {.statement_id = xstrdup("s"),
                                      .state = GK_STMT_UNKNOWN};
    char *out = NULL;
    cr_assert_eq(gk_codec_encode_statement_response(&s, NULL, &out, NULL, NULL), GK_OK);
    cr_assert_str_eq(out,
                     "{\"statement_response\":{\"statement_id\":\"s\",\"status\":{}}}");
    free(out);
    s.state_raw = xstrdup("QUEUED");
    cr_assert_eq(gk_codec_encode_statement_response(&s, NULL, &out, NULL, NULL), GK_OK);
    cr_assert_not_null(strstr(out, "\"status\":{\"state\":\"QUEUED\"}"));
    free(out);
    gk_types_statement_response_cleanup(&s);

    struct gk_message m = {.message_id = xstrdup("m"), .status = (enum gk_msg_status)77};
    out = encode_message(&m, NULL);
    cr_assert_null(strstr(out, "status"), "%s", out);
    free(out);
    gk_types_message_cleanup(&m);
    GK_ASSERT_NO_LEAKS();
}

/* Caller bugs are reported, and nothing is handed out. */
Test(codec, encoding_a_struct_without_its_required_id_fails)
{
    struct gk_err err = {0};
    char *out = (char *)"untouched";
    struct gk_message m = {.content = xstrdup("q")};

    cr_assert_eq(gk_codec_encode_message(&m, NULL, &out, NULL, &err), GK_INTERNAL_ERROR);
    cr_assert_null(out);
    cr_assert_not_null(strstr(err.msg, "message_id: required but NULL"), "%s", err.msg);

    m.message_id = xstrdup("m");
    m.attachment_count = 2;
    gk_err_clear(&err);
    cr_assert_eq(gk_codec_encode_message(&m, NULL, &out, NULL, &err), GK_INTERNAL_ERROR);
    cr_assert_not_null(strstr(err.msg, "attachments: count 2 but no array"), "%s",
                       err.msg);
    m.attachment_count = 0;
    gk_types_message_cleanup(&m);

    struct gk_message_list l = {.message_count = 1};
    l.messages = zalloc(1, sizeof *l.messages);
    gk_err_clear(&err);
    cr_assert_eq(gk_codec_encode_message_list(&l, NULL, &out, NULL, &err),
                 GK_INTERNAL_ERROR);
    cr_assert_null(out);
    gk_types_message_list_cleanup(&l);

    struct gk_start_conversation sc = {.conversation_id = xstrdup("c")};
    cr_assert_eq(gk_codec_encode_start_conversation(&sc, NULL, &out, NULL, NULL),
                 GK_INTERNAL_ERROR);
    gk_types_start_conversation_cleanup(&sc);

    struct gk_space sp = {.space_id = xstrdup("s"), .create_time_ms = INT64_MAX};
    gk_err_clear(&err);
    cr_assert_eq(gk_codec_encode_space(&sp, NULL, &out, NULL, &err), GK_INTERNAL_ERROR);
    cr_assert_not_null(strstr(err.msg, "create_time"), "%s", err.msg);
    gk_types_space_cleanup(&sp);

    struct gk_feedback_request f = {.rating = GK_RATING_UNKNOWN};
    cr_assert_eq(gk_codec_encode_feedback_request(&f, NULL, &out, NULL, NULL),
                 GK_INTERNAL_ERROR);
    cr_assert_eq(gk_codec_encode_message(NULL, NULL, &out, NULL, NULL),
                 GK_INTERNAL_ERROR);
    cr_assert_eq(gk_codec_encode_message(&m, NULL, NULL, NULL, NULL), GK_INTERNAL_ERROR);
    cr_assert_eq(gk_codec_decode_message("{}", 2, NULL, NULL), GK_INTERNAL_ERROR);
    GK_ASSERT_NO_LEAKS();
}
