#include "common/err.h"
#include "tests/gk_test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

Test(err, names_are_the_databricks_error_codes)
{
    static const struct {
        enum gk_rc rc;
        const char *name;
        int http;
    } cases[] = {
        {GK_OK, "OK", 200},
        {GK_INVALID_PARAMETER_VALUE, "INVALID_PARAMETER_VALUE", 400},
        {GK_UNAUTHENTICATED, "UNAUTHENTICATED", 401},
        {GK_PERMISSION_DENIED, "PERMISSION_DENIED", 403},
        {GK_RESOURCE_DOES_NOT_EXIST, "RESOURCE_DOES_NOT_EXIST", 404},
        {GK_ENDPOINT_NOT_FOUND, "ENDPOINT_NOT_FOUND", 404},
        {GK_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", 405},
        {GK_REQUEST_ENTITY_TOO_LARGE, "REQUEST_ENTITY_TOO_LARGE", 413},
        {GK_REQUEST_LIMIT_EXCEEDED, "REQUEST_LIMIT_EXCEEDED", 429},
        {GK_INTERNAL_ERROR, "INTERNAL_ERROR", 500},
        {GK_TEMPORARILY_UNAVAILABLE, "TEMPORARILY_UNAVAILABLE", 503},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_str_eq(gk_err_name(cases[i].rc), cases[i].name);
        cr_assert_eq(gk_err_http_status(cases[i].rc), cases[i].http, "%s", cases[i].name);
        cr_assert_eq(gk_err_from_name(cases[i].name), cases[i].rc);
    }
}

Test(err, every_code_round_trips_through_its_name)
{
    for (int i = 0; i < GK_RC_COUNT; i++) {
        cr_assert_eq(gk_err_from_name(gk_err_name((enum gk_rc)i)), (enum gk_rc)i);
        cr_assert_gt(strlen(gk_err_message((enum gk_rc)i)), 0);
        int http = gk_err_http_status((enum gk_rc)i);
        cr_assert(http >= 200 && http < 600, "%s has HTTP %d", gk_err_name(i), http);
    }
}

Test(err, unknown_names_and_codes_are_reported_as_such)
{
    cr_assert_eq(gk_err_from_name("NO_SUCH_CODE"), GK_RC_COUNT);
    cr_assert_eq(gk_err_from_name(""), GK_RC_COUNT);
    cr_assert_eq(gk_err_from_name(NULL), GK_RC_COUNT);
    cr_assert_eq(gk_err_from_name("ok"), GK_RC_COUNT, "names are case-sensitive");
    cr_assert_str_eq(gk_err_name((enum gk_rc)9999), "UNKNOWN");
    cr_assert_str_eq(gk_err_name((enum gk_rc)-1), "UNKNOWN");
    cr_assert_eq(gk_err_http_status((enum gk_rc)9999), 500);
}

static enum gk_rc parse_field(struct gk_err *err)
{
    return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "content: expected a string, got %s",
                      "number");
}

Test(err, the_first_most_specific_message_wins)
{
    struct gk_err err;
    gk_err_clear(&err);
    cr_assert_eq(err.rc, GK_OK);
    cr_assert_str_eq(err.msg, "");

    cr_assert_eq(parse_field(&err), GK_INVALID_PARAMETER_VALUE);
    cr_assert_eq(gk_err_set(&err, GK_INTERNAL_ERROR, "request failed"), GK_INTERNAL_ERROR);
    cr_assert_eq(err.rc, GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(gk_err_str(&err), "content: expected a string, got number");
}

Test(err, a_null_record_is_accepted_everywhere)
{
    cr_assert_eq(parse_field(NULL), GK_INVALID_PARAMETER_VALUE);
    cr_assert_eq(gk_err_prefix(NULL, "file %s", "x"), GK_OK);
    gk_err_clear(NULL);
    cr_assert_str_eq(gk_err_str(NULL), "success");
}

Test(err, an_empty_format_records_the_default_message)
{
    struct gk_err err = {0};
    gk_err_set(&err, GK_UNAUTHENTICATED, NULL);
    cr_assert_str_eq(gk_err_str(&err), "credentials are missing, invalid or expired");
    struct gk_err err2 = {0};
    gk_err_set(&err2, GK_OK, "ignored");
    cr_assert_eq(err2.rc, GK_OK, "recording OK is not an error");
    cr_assert_str_eq(err2.msg, "");
}

Test(err, prefix_adds_context_without_losing_the_message)
{
    struct gk_err err = {0};
    cr_assert_eq(gk_err_prefix(&err, "ignored"), GK_OK);
    cr_assert_str_eq(err.msg, "", "nothing to prefix when nothing failed");
    gk_err_set(&err, GK_BAD_CONFIG, "rate_per_min: must be > 0");
    cr_assert_eq(gk_err_prefix(&err, "%s:%d", "gen.json", 7), GK_BAD_CONFIG);
    cr_assert_str_eq(err.msg, "gen.json:7: rate_per_min: must be > 0");
}

Test(err, long_messages_are_cut_not_overflowed)
{
    struct gk_err err = {0};
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    gk_err_set(&err, GK_BAD_REQUEST, "%s", big);
    cr_assert_eq(strlen(err.msg), GK_ERR_MSG_MAX - 1);
    gk_err_prefix(&err, "%s", big);
    cr_assert_eq(strlen(err.msg), GK_ERR_MSG_MAX - 1);
}

/* The positive control: proves GK_ASSERT_NO_LEAKS() really sees a leak in a
 * sanitizer build. The block is hidden (its address XOR-ed) so LeakSanitizer
 * counts it as leaked, then found again and freed so the run stays clean. */
Test(err, leak_check_detects_a_leak_in_sanitizer_builds)
{
    if (!gk_test_leak_check_active())
        cr_skip_test("not an AddressSanitizer build");
    volatile uintptr_t hidden = (uintptr_t)malloc(48) ^ (uintptr_t)0x5a5a5a5a5a5a5a5aULL;
    cr_assert_neq(gk_test_leak_check(), 0, "LeakSanitizer missed a deliberate leak");
    free((void *)(hidden ^ (uintptr_t)0x5a5a5a5a5a5a5a5aULL));
    GK_ASSERT_NO_LEAKS();
}
