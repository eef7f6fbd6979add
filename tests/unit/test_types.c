#include "common/types.h"
#include "tests/gk_test.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The exact wire strings, spelling traps included. */
Test(types, wire_strings_are_exact)
{
    cr_assert_str_eq(gk_types_msg_status_name(GK_MSG_CANCELLED), "CANCELLED");
    cr_assert_str_eq(gk_types_stmt_state_name(GK_STMT_CANCELED), "CANCELED");
    cr_assert_eq(gk_types_stmt_state_from_name("CANCELLED"), GK_STMT_UNKNOWN,
                 "a statement is CANCELED, one L");
    cr_assert_eq(gk_types_msg_status_from_name("CANCELED"), GK_MSG_UNKNOWN,
                 "a message is CANCELLED, two L");

    const struct {
        const char *got, *want;
    } cases[] = {
        {gk_types_msg_status_name(GK_MSG_QUERY_RESULT_EXPIRED), "QUERY_RESULT_EXPIRED"},
        {gk_types_msg_status_name(GK_MSG_PENDING_WAREHOUSE), "PENDING_WAREHOUSE"},
        {gk_types_stmt_state_name(GK_STMT_SUCCEEDED), "SUCCEEDED"},
        {gk_types_rating_name(GK_RATING_POSITIVE), "POSITIVE"},
        {gk_types_rating_name(GK_RATING_NONE), "NONE"},
        {gk_types_text_purpose_name(GK_TEXT_PURPOSE_ANSWER),
         "TEXT_ATTACHMENT_PURPOSE_ANSWER"},
        {gk_types_text_purpose_name(GK_TEXT_PURPOSE_FOLLOW_UP_QUESTION),
         "FOLLOW_UP_QUESTION"},
        {gk_types_format_name(GK_FORMAT_JSON_ARRAY), "JSON_ARRAY"},
        {gk_types_coltype_name(GK_COLTYPE_USER_DEFINED_TYPE), "USER_DEFINED_TYPE"},
        {gk_types_coltype_name(GK_COLTYPE_NULL), "NULL"},
        {gk_types_svcerr_name(GK_SVCERR_WORKSPACE_TEMPORARILY_UNAVAILABLE),
         "WORKSPACE_TEMPORARILY_UNAVAILABLE"},
        {gk_types_svcerr_name(GK_SVCERR_UNKNOWN_CODE), "UNKNOWN"},
        {gk_types_thought_type_name(GK_THOUGHT_DATA_SOURCING),
         "THOUGHT_TYPE_DATA_SOURCING"},
        {gk_types_conv_type_name(GK_CONV_TYPE_AGENT), "GENIE_CONVERSATION_TYPE_AGENT"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_str_eq(cases[i].got, cases[i].want);
    GK_ASSERT_NO_LEAKS();
}

/* Every value of every set survives name -> from_name. */
Test(types, every_value_round_trips_through_its_name)
{
#define GK_ROUND_TRIP(set, type, count)                                                  \
    for (int i = 0; i < (count); i++)                                                    \
        cr_assert_eq(gk_types_##set##_from_name(gk_types_##set##_name((type)i)),         \
                     (type)i, #set " %d (%s)", i, gk_types_##set##_name((type)i));
    GK_ROUND_TRIP(msg_status, enum gk_msg_status, GK_MSG_STATUS_COUNT)
    GK_ROUND_TRIP(stmt_state, enum gk_stmt_state, GK_STMT_STATE_COUNT)
    GK_ROUND_TRIP(rating, enum gk_rating, GK_RATING_COUNT)
    GK_ROUND_TRIP(format, enum gk_format, GK_FORMAT_COUNT)
    GK_ROUND_TRIP(coltype, enum gk_coltype, GK_COLTYPE_COUNT)
    GK_ROUND_TRIP(svcerr, enum gk_svcerr, GK_SVCERR_COUNT)
    GK_ROUND_TRIP(thought_type, enum gk_thought_type, GK_THOUGHT_COUNT)
    GK_ROUND_TRIP(conv_type, enum gk_conv_type, GK_CONV_TYPE_COUNT)
#undef GK_ROUND_TRIP
    for (int i = GK_TEXT_PURPOSE_UNSET + 1; i < GK_TEXT_PURPOSE_COUNT; i++)
        cr_assert_eq(gk_types_text_purpose_from_name(
                         gk_types_text_purpose_name((enum gk_text_purpose)i)),
                     (enum gk_text_purpose)i);
    cr_assert_eq(GK_STMT_STATE_COUNT, 6);
    cr_assert_eq(GK_RATING_COUNT, 3);
    cr_assert_eq(GK_COLTYPE_COUNT, 19);
    cr_assert_eq(GK_SVCERR_COUNT, 14);
    GK_ASSERT_NO_LEAKS();
}

Test(types, unknown_strings_and_values_are_reported_as_unknown)
{
    static const char *const junk[] = {NULL,        "",           "IN_PROGRESS",
                                       "completed", "COMPLETED ", "UNKNOWN"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        cr_assert_eq(gk_types_msg_status_from_name(junk[i]), GK_MSG_UNKNOWN);
        cr_assert_eq(gk_types_stmt_state_from_name(junk[i]), GK_STMT_UNKNOWN);
        cr_assert_eq(gk_types_rating_from_name(junk[i]), GK_RATING_UNKNOWN);
        cr_assert_eq(gk_types_text_purpose_from_name(junk[i]), GK_TEXT_PURPOSE_UNKNOWN);
        cr_assert_eq(gk_types_coltype_from_name(junk[i]), GK_COLTYPE_UNKNOWN);
    }
    cr_assert_eq(gk_types_svcerr_from_name("UNKNOWN"), GK_SVCERR_UNKNOWN_CODE,
                 "\"UNKNOWN\" is a real ServiceErrorCode");
    cr_assert_str_eq(gk_types_msg_status_name(GK_MSG_UNKNOWN), "UNKNOWN");
    cr_assert_str_eq(gk_types_stmt_state_name((enum gk_stmt_state)99), "UNKNOWN");
    cr_assert_str_eq(gk_types_rating_name((enum gk_rating) - 1), "UNKNOWN");
    cr_assert_str_eq(gk_types_coltype_name((enum gk_coltype)INT_MAX), "UNKNOWN");
    cr_assert_str_eq(gk_types_text_purpose_name(GK_TEXT_PURPOSE_UNKNOWN), "UNKNOWN");
    cr_assert_null(gk_types_text_purpose_name(GK_TEXT_PURPOSE_UNSET),
                   "an unset purpose has no wire string (left out)");
    cr_assert_eq(GK_RATING_NONE, 0, "a zeroed feedback rates nothing");
    GK_ASSERT_NO_LEAKS();
}

/* Byte-wise zero test: cleanup must leave every struct all zero. */
static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return false;
    return true;
}

Test(types, cleanup_is_safe_on_zeroed_structs_twice_and_on_null)
{
#define GK_ZERO_TWICE(type, fn)                                                          \
    do {                                                                                 \
        type x;                                                                          \
        memset(&x, 0, sizeof x);                                                         \
        fn(&x);                                                                          \
        fn(&x);                                                                          \
        fn(NULL);                                                                        \
        cr_assert(all_zero(&x, sizeof x), #fn " left bytes behind");                     \
    } while (0)
    GK_ZERO_TWICE(struct gk_space, gk_types_space_cleanup);
    GK_ZERO_TWICE(struct gk_conversation, gk_types_conversation_cleanup);
    GK_ZERO_TWICE(struct gk_conversation_summary, gk_types_conversation_summary_cleanup);
    GK_ZERO_TWICE(struct gk_message_error, gk_types_message_error_cleanup);
    GK_ZERO_TWICE(struct gk_feedback, gk_types_feedback_cleanup);
    GK_ZERO_TWICE(struct gk_query_result_metadata,
                  gk_types_query_result_metadata_cleanup);
    GK_ZERO_TWICE(struct gk_query_parameter, gk_types_query_parameter_cleanup);
    GK_ZERO_TWICE(struct gk_thought, gk_types_thought_cleanup);
    GK_ZERO_TWICE(struct gk_query_attachment, gk_types_query_attachment_cleanup);
    GK_ZERO_TWICE(struct gk_text_attachment, gk_types_text_attachment_cleanup);
    GK_ZERO_TWICE(struct gk_suggested_questions, gk_types_suggested_questions_cleanup);
    GK_ZERO_TWICE(struct gk_viz_attachment, gk_types_viz_attachment_cleanup);
    GK_ZERO_TWICE(struct gk_attachment, gk_types_attachment_cleanup);
    GK_ZERO_TWICE(struct gk_message_query_result, gk_types_message_query_result_cleanup);
    GK_ZERO_TWICE(struct gk_message, gk_types_message_cleanup);
    GK_ZERO_TWICE(struct gk_start_conversation, gk_types_start_conversation_cleanup);
    GK_ZERO_TWICE(struct gk_statement_error, gk_types_statement_error_cleanup);
    GK_ZERO_TWICE(struct gk_column, gk_types_column_cleanup);
    GK_ZERO_TWICE(struct gk_statement_manifest, gk_types_statement_manifest_cleanup);
    GK_ZERO_TWICE(struct gk_result_row, gk_types_result_row_cleanup);
    GK_ZERO_TWICE(struct gk_statement_result, gk_types_statement_result_cleanup);
    GK_ZERO_TWICE(struct gk_statement_response, gk_types_statement_response_cleanup);
    GK_ZERO_TWICE(struct gk_conversation_list, gk_types_conversation_list_cleanup);
    GK_ZERO_TWICE(struct gk_message_list, gk_types_message_list_cleanup);
    GK_ZERO_TWICE(struct gk_space_list, gk_types_space_list_cleanup);
    GK_ZERO_TWICE(struct gk_oauth_token, gk_types_oauth_token_cleanup);
    GK_ZERO_TWICE(struct gk_host_metadata, gk_types_host_metadata_cleanup);
    GK_ZERO_TWICE(struct gk_oidc_discovery, gk_types_oidc_discovery_cleanup);
    GK_ZERO_TWICE(struct gk_question_request, gk_types_question_request_cleanup);
    GK_ZERO_TWICE(struct gk_feedback_request, gk_types_feedback_request_cleanup);
#undef GK_ZERO_TWICE
    GK_ASSERT_NO_LEAKS();
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    cr_assert_not_null(p);
    return p;
}

static void *zalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    cr_assert_not_null(p);
    return p;
}

/* A message with every owned member filled: cleanup must free all of it
 * (LeakSanitizer checks) and leave the struct zeroed. */
Test(types, message_cleanup_frees_everything_it_owns)
{
    struct gk_message m = {0};
    m.message_id = xstrdup("m");
    m.conversation_id = xstrdup("c");
    m.space_id = xstrdup("s");
    m.content = xstrdup("q");
    m.status = GK_MSG_UNKNOWN;
    m.status_raw = xstrdup("IN_PROGRESS");
    m.attachment_count = 4;
    m.attachments = zalloc(4, sizeof *m.attachments);

    struct gk_query_attachment *q = zalloc(1, sizeof *q);
    q->query = xstrdup("SELECT 1");
    q->title = xstrdup("t");
    q->description = xstrdup("d");
    q->statement_id = xstrdup("st");
    q->query_result_metadata = zalloc(1, sizeof *q->query_result_metadata);
    q->parameter_count = 1;
    q->parameters = zalloc(1, sizeof *q->parameters);
    q->parameters[0].keyword = xstrdup("k");
    q->parameters[0].sql_type = xstrdup("STRING");
    q->parameters[0].value = xstrdup("v");
    q->thought_count = 1;
    q->thoughts = zalloc(1, sizeof *q->thoughts);
    q->thoughts[0].content = xstrdup("c");
    q->thoughts[0].thought_type = xstrdup("THOUGHT_TYPE_STEPS");
    m.attachments[0].attachment_id = xstrdup("a0");
    m.attachments[0].query = q;

    m.attachments[1].suggested_questions =
        zalloc(1, sizeof(struct gk_suggested_questions));
    m.attachments[1].suggested_questions->question_count = 2;
    m.attachments[1].suggested_questions->questions = zalloc(2, sizeof(char *));
    m.attachments[1].suggested_questions->questions[0] = xstrdup("q1");
    m.attachments[1].suggested_questions->questions[1] = xstrdup("q2");

    m.attachments[2].text = zalloc(1, sizeof(struct gk_text_attachment));
    m.attachments[2].text->content = xstrdup("answer");
    m.attachments[2].text->purpose_raw = xstrdup("NEW_PURPOSE");

    m.attachments[3].viz = zalloc(1, sizeof(struct gk_viz_attachment));
    m.attachments[3].viz->query_attachment_id = xstrdup("a0");
    m.attachments[3].viz->title = xstrdup("chart");

    m.error = zalloc(1, sizeof *m.error);
    m.error->error = xstrdup("boom");
    m.error->type = xstrdup("SQL_EXECUTION_EXCEPTION");
    m.query_result = zalloc(1, sizeof *m.query_result);
    m.query_result->statement_id = xstrdup("st");
    m.query_result->statement_id_signature = xstrdup("jwt");
    m.feedback = zalloc(1, sizeof *m.feedback);
    m.feedback->rating_raw = xstrdup("MEH");
    m.feedback->comment = xstrdup("ok");

    gk_types_message_cleanup(&m);
    cr_assert(all_zero(&m, sizeof m));
    gk_types_message_cleanup(&m);
    GK_ASSERT_NO_LEAKS();
}

Test(types, statement_and_list_cleanup_free_nested_arrays)
{
    struct gk_statement_response s = {0};
    s.statement_id = xstrdup("st");
    s.state_raw = xstrdup("QUEUED");
    s.sql_state = xstrdup("42P01");
    s.error = zalloc(1, sizeof *s.error);
    s.error->error_code = xstrdup("BAD_REQUEST");
    s.error->message = xstrdup("no");
    s.manifest = zalloc(1, sizeof *s.manifest);
    s.manifest->format = xstrdup("JSON_ARRAY");
    s.manifest->column_count = 2;
    s.manifest->columns = zalloc(2, sizeof *s.manifest->columns);
    s.manifest->columns[0].name = xstrdup("a");
    s.manifest->columns[1].type_text = xstrdup("BIGINT");
    s.result = zalloc(1, sizeof *s.result);
    s.result->row_count = 2;
    s.result->rows = zalloc(2, sizeof *s.result->rows);
    s.result->rows[0].value_count = 2;
    s.result->rows[0].values = zalloc(2, sizeof(char *));
    s.result->rows[0].values[0] = xstrdup("59");
    /* values[1] stays NULL: SQL NULL */
    gk_types_statement_response_cleanup(&s);
    cr_assert(all_zero(&s, sizeof s));

    struct gk_message_list l = {0};
    l.message_count = 2;
    l.messages = zalloc(2, sizeof *l.messages);
    l.messages[0].message_id = xstrdup("a");
    l.messages[1].content = xstrdup("b");
    l.next_page_token = xstrdup("tok");
    gk_types_message_list_cleanup(&l);
    cr_assert(all_zero(&l, sizeof l));

    struct gk_start_conversation sc = {0};
    sc.conversation_id = xstrdup("c");
    sc.message_id = xstrdup("m");
    sc.conversation = zalloc(1, sizeof *sc.conversation);
    sc.conversation->title = xstrdup("t");
    sc.message = zalloc(1, sizeof *sc.message);
    sc.message->content = xstrdup("q");
    gk_types_start_conversation_cleanup(&sc);
    cr_assert(all_zero(&sc, sizeof sc));
    GK_ASSERT_NO_LEAKS();
}
