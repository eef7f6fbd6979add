/*
 * RFC 3339 times (space create_time / update_time). Expected values were
 * computed independently (Python's datetime).
 */
#include "tests/unit/codec_test.h"

#include <inttypes.h>

#define YEAR_0_MS    INT64_C(-62167219200000) /* 0000-01-01T00:00:00.000Z */
#define YEAR_9999_MS INT64_C(253402300799999) /* 9999-12-31T23:59:59.999Z */

Test(codec, times_format_as_utc_with_milliseconds)
{
    static const struct {
        int64_t ms;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {-1, "1969-12-31T23:59:59.999Z"},
        {1795242686123, "2026-11-21T06:31:26.123Z"},
        {1787130000123, "2026-08-19T09:00:00.123Z"},
        {1709208000500, "2024-02-29T12:00:00.500Z"},
        {YEAR_0_MS, "0000-01-01T00:00:00.000Z"},
        {YEAR_9999_MS, "9999-12-31T23:59:59.999Z"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char buf[GK_CODEC_TIME_MAX];
        int64_t back = 42;
        cr_assert_eq(gk_codec_time_format(cases[i].ms, buf, NULL), GK_OK);
        cr_assert_str_eq(buf, cases[i].text);
        cr_assert_eq(gk_codec_time_parse(buf, strlen(buf), &back, NULL), GK_OK);
        cr_assert_eq(back, cases[i].ms);
    }
    static const int64_t out_of_range[] = {YEAR_0_MS - 1, YEAR_9999_MS + 1, INT64_MIN,
                                           INT64_MAX};
    for (size_t i = 0; i < N_OF(out_of_range); i++) {
        char buf[GK_CODEC_TIME_MAX];
        struct gk_err err = {0};
        cr_assert_eq(gk_codec_time_format(out_of_range[i], buf, &err),
                     GK_INVALID_PARAMETER_VALUE);
        cr_assert_not_null(strstr(err.msg, "outside years 0000-9999"), "%s", err.msg);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(codec, times_parse_any_rfc3339_form)
{
    static const struct {
        const char *text;
        int64_t ms;
    } cases[] = {
        {"2026-11-21T06:31:26.123Z", 1795242686123},
        {"2026-11-21T06:31:26Z", 1795242686000},
        {"2026-11-21t06:31:26.123z", 1795242686123},
        {"2026-11-21 06:31:26.123Z", 1795242686123},
        {"2026-11-21T06:31:26.1239999Z", 1795242686123}, /* finer digits dropped */
        {"2026-11-21T06:31:26.1Z", 1795242686100},
        {"2026-11-21T07:31:26.123+01:00", 1795242686123},
        {"2026-11-20T22:01:26.123-08:30", 1795242686123},
        {"2026-11-21T06:31:26.123+00:00", 1795242686123},
        {"2026-11-21T06:31:26.123-00:00", 1795242686123},
        {"2024-02-29T12:00:00.5Z", 1709208000500},
        {"2016-12-31T23:59:60Z", 1483228800000}, /* leap second: the next instant */
        {"1969-12-31T23:59:59.999Z", -1},
        {"0000-01-01T00:00:00Z", YEAR_0_MS},
        {"9999-12-31T23:59:59.999Z", YEAR_9999_MS},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        int64_t ms = 42;
        struct gk_err err = {0};
        cr_assert_eq(gk_codec_time_parse(cases[i].text, strlen(cases[i].text), &ms, &err),
                     GK_OK, "%s: %s", cases[i].text, err.msg);
        cr_assert_eq(ms, cases[i].ms, "%s gave %" PRId64, cases[i].text, ms);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(codec, malformed_times_are_refused_and_leave_the_output_alone)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"", "is not an RFC 3339 date-time"},
        {"2026-11-21", "is not an RFC 3339"},
        {"2026-11-21T06:31:26", "is not an RFC 3339"}, /* no zone */
        {"2026-11-21T06:31:26.Z", "is not an RFC 3339"},
        {"2026-11-21T06:31:26Zjunk", "is not an RFC 3339"},
        {"2026-11-21T06:31:26+0100", "is not an RFC 3339"},
        {"2026-1-21T06:31:26Z", "is not an RFC 3339"},
        {"+2026-11-21T06:31:26Z", "is not an RFC 3339"},
        {"2026-11-21T06:31Z", "is not an RFC 3339"},
        {"2026-13-01T00:00:00Z", "has a field out of range"},
        {"2026-00-01T00:00:00Z", "has a field out of range"},
        {"2025-02-29T00:00:00Z", "has a field out of range"},
        {"2100-02-29T00:00:00Z", "has a field out of range"},
        {"2026-04-31T00:00:00Z", "has a field out of range"},
        {"2026-11-21T24:00:00Z", "has a field out of range"},
        {"2026-11-21T06:60:00Z", "has a field out of range"},
        {"2026-11-21T06:31:61Z", "has a field out of range"},
        {"2026-11-21T06:31:26+24:00", "has a field out of range"},
        {"0000-01-01T00:00:00+00:01", "is outside years 0000-9999 in UTC"},
        {"9999-12-31T23:59:59-00:01", "is outside years 0000-9999 in UTC"},
        {"20\x7f"
         "6\"\n",
         "time: \"20?6??\" is not an RFC 3339"}, /* echoed printable */
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        int64_t ms = 42;
        struct gk_err err = {0};
        cr_assert_eq(gk_codec_time_parse(cases[i].text, strlen(cases[i].text), &ms, &err),
                     GK_INVALID_PARAMETER_VALUE, "%s", cases[i].text);
        cr_assert_eq(ms, 42, "%s: output written on failure", cases[i].text);
        cr_assert_not_null(strstr(err.msg, cases[i].msg), "%s: \"%s\"", cases[i].text,
                           err.msg);
    }
    /* only len bytes are read */
    int64_t ms = 0;
    cr_assert_eq(gk_codec_time_parse("2026-11-21T06:31:26ZZZZ", 20, &ms, NULL), GK_OK);
    cr_assert_eq(ms, 1795242686000);
    cr_assert_eq(gk_codec_time_parse(NULL, 0, &ms, NULL), GK_INVALID_PARAMETER_VALUE);
    GK_ASSERT_NO_LEAKS();
}
